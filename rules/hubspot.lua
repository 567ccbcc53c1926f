-- HubSpot: one delivery is a JSON array of events, each with its own subscriptionType and objectId.
return rule {
  scopes = { "customer/created", "customer/updated", "company/updated", "deal/deleted" },
  records = function(hook) return hook.body end,
  event = field "subscriptionType",
  id = field "objectId",
  on = {
    ["contact.creation"] = "customer/created",
    ["contact.propertyChange"] = "customer/updated",
    -- After a merge only the surviving company is transferred.
    ["company.merge"] = { scope = "company/updated", id = field "primaryObjectId" },
    ["deal.deletion"] = "deal/deleted",
  },
}
