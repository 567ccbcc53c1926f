-- BigCommerce: the scope is in the body ("store/product/updated"), the record id in data.id.
return {
  handle = function(hook)
    return { event = hook.body.scope, id = hook.body.data and hook.body.data.id }
  end,
}
