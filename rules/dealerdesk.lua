-- DealerDesk (a car dealer management system): every hook says only "a message was created". The record it is
-- about shows in its reference, "Car:1234" or "Customer:88", and which collection a prefix stands for is set per
-- customer in the subscription's id_prefixes preset. So every record first becomes the generic scope
-- message/created; the resolve step (a prerequisite) maps the prefix and creates the real request as a child.
return rule {
  scopes = { "message/created", "product/updated", "customer/updated", "transaction/updated" },
  presets = { id_prefixes = "table" },
  -- One delivery carries a batch of messages.
  records = field "body.messages",
  scope = "message/created",
  id = field "ref",
  resolve = {
    ["message/created"] = by_prefix { preset = "id_prefixes", separator = ":" },
  },
}
