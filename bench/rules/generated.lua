-- The benchmark's rule for generated bodies (hookrules-bench, "Generated bodies"): a batch of records, each mapped
-- by its own event field to a scope, its id read from a field. Written in the bundled rules' style so both sides run
-- the same rule API the same way.
return rule {
  scopes = { "product/created", "product/updated" },
  records = field "body.records",
  event = field "event",
  id = field "id",
  on = {
    ["product.created"] = "product/created",
    ["product.updated"] = "product/updated",
  },
}
