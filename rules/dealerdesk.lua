-- DealerDesk (a car dealer management system): every hook says only "a message was created". The record it is
-- about shows in its reference, "Car:1234" or "Customer:88", and which collection a prefix stands for is set per
-- customer in the subscription's id_prefixes preset. So every record first becomes the generic scope
-- message/created; the resolve step (a prerequisite) maps the prefix and creates the real request as a child.
--
-- Topics: DealerDesk is a stand-in written for HookRules (samples/SOURCES.md), with no public documentation; the
-- one event it sends is message.created (its X-DealerDesk-Event header), so the rule maps every record without
-- reading the event.
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
