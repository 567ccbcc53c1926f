-- Stripe: the event type is in the body ("customer.updated"); the record is data.object.
return rule {
  scopes = { "customer/created", "customer/updated", "invoice/updated", "transaction/updated" },
  event = field "type",
  id = field "data.object.id",
  on = {
    ["customer.created"] = "customer/created",
    ["customer.updated"] = "customer/updated",
    ["invoice.paid"] = "invoice/updated",
    ["charge.refunded"] = "transaction/updated",
  },
}
