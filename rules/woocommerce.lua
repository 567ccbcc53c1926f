-- WooCommerce: the topic is in the X-WC-Webhook-Topic header ("coupon.created"); the body is the record.
return {
  handle = function(hook)
    return { event = hook.headers["x-wc-webhook-topic"], id = hook.body.id }
  end,
}
