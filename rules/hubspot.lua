-- HubSpot: a JSON array of events, each with its own subscriptionType and objectId.
return {
  handle = function(hook)
    local events = {}
    for i, event in ipairs(hook.body) do
      events[i] = { event = event.subscriptionType, id = event.objectId }
    end
    return events
  end,
}
