-- Stripe: the event type is in the body ("customer.updated"), the record in data.object.
return {
  handle = function(hook)
    return { event = hook.body.type, id = hook.body.data.object.id }
  end,
}
