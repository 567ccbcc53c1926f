-- HubSpot: one delivery is a JSON array of events, each with its own subscriptionType and objectId.
--
-- Subscription types: https://developers.hubspot.com/docs/api/webhooks (creation, deletion, propertyChange,
-- associationChange, merge, restore and privacyDeletion per CRM object). This rule syncs contacts (customers),
-- companies and deals; every subscription type of those objects is mapped below or ignored with its reason, in
-- both the classic form ("contact.creation") and the generic one ("object.creation" with "objectTypeId": "0-1").
-- Tickets, products, line items and conversations fall to the default: ignored as "not mapped by this rule".

-- The generic form names the object by its type id; the classic one in the subscription type itself. (A function,
-- not a table kept in a local: a rule file whose functions hold tables runs again for every hook, docs/runtime.md.)
local function object_type(id)
  if id == "0-1" then return "contact" end
  if id == "0-2" then return "company" end
  if id == "0-3" then return "deal" end
  return nil
end

local function subscription_type(record)
  local kind = record.subscriptionType
  local action = type(kind) == "string" and kind:match("^object%.(.+)$")
  if not action then return kind end
  local object = object_type(record.objectTypeId)
  if not object then return kind end  -- another object type: "object.creation" is not mapped
  return object .. "." .. action
end

-- An association change arrives for the object whose subscription it is (fromObjectId): it updates that object.
local function association(scope)
  return { scope = scope, id = field "fromObjectId" }
end

-- After a merge only the surviving record is transferred; the merged ones are gone in HubSpot.
local function merge(scope)
  return { scope = scope, id = field "primaryObjectId" }
end

return rule {
  -- Signed with the app's client secret (X-HubSpot-Signature-v3 over method, URL, body and timestamp).
  verify = "hubspot-v3",
  scopes = {
    "customer/created", "customer/updated", "customer/deleted",
    "company/created", "company/updated", "company/deleted",
    "deal/created", "deal/updated", "deal/deleted",
  },
  records = function(hook) return hook.body end,
  event = subscription_type,
  id = field "objectId",
  on = {
    ["contact.creation"] = "customer/created",
    ["contact.propertyChange"] = "customer/updated",
    ["contact.deletion"] = "customer/deleted",
    ["contact.restore"] = "customer/updated",
    ["contact.merge"] = merge "customer/updated",
    ["contact.associationChange"] = association "customer/updated",
    -- HubSpot sends contact.deletion for the same contact as well, and that one is mapped.
    ["contact.privacyDeletion"] = ignore "a privacy deletion also arrives as contact.deletion, which is mapped",

    ["company.creation"] = "company/created",
    ["company.propertyChange"] = "company/updated",
    ["company.deletion"] = "company/deleted",
    ["company.restore"] = "company/updated",
    ["company.merge"] = merge "company/updated",
    ["company.associationChange"] = association "company/updated",

    ["deal.creation"] = "deal/created",
    ["deal.propertyChange"] = "deal/updated",
    ["deal.deletion"] = "deal/deleted",
    ["deal.restore"] = "deal/updated",
    ["deal.merge"] = merge "deal/updated",
    ["deal.associationChange"] = association "deal/updated",
  },
}
