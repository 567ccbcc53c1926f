-- Shopify: the topic is in the X-Shopify-Topic header; the body is the record itself.
return {
  handle = function(hook)
    return { event = hook.headers["x-shopify-topic"], id = hook.body.id }
  end,
}
