-- Shopify: the topic is in the X-Shopify-Topic header; the body is the record itself.
return rule {
  scopes = { "product/created", "product/updated", "product/deleted", "customer/created", "customer/updated" },
  event = header "X-Shopify-Topic",
  id = field "id",
  on = {
    ["products/create"] = "product/created",
    ["products/update"] = "product/updated",
    ["products/delete"] = "product/deleted",
    ["customers/create"] = "customer/created",
    ["customers/update"] = "customer/updated",
    ["app/uninstalled"] = ignore "app lifecycle events are not synced",
  },
}
