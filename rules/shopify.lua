-- Shopify: the topic is in the X-Shopify-Topic header; the body is the record itself.
--
-- Topics: https://shopify.dev/docs/api/webhooks?reference=toml (the WebhookSubscriptionTopic list, API 2026-04).
-- This rule syncs products, customers and orders (transactions). Every topic of those resources is mapped below,
-- or ignored with its reason; a topic about a child record (a variant, a refund, a fulfillment) updates its parent.
-- Topics of resources this rule does not sync (collections, themes, fulfillment orders, returns, markets, ...)
-- fall to the default: ignored as "not mapped by this rule".

-- Some payloads name their record only by its GraphQL id, "gid://shopify/Customer/1"; the REST id is its digits.
local function gid(path)
  local read = field(path)
  return function(record)
    local value = read(record)
    return type(value) == "string" and value:match("^gid://shopify/%w+/(%d+)$") or nil
  end
end

-- customers/merge reports a merge job; only a completed merge changed the kept customer.
local function customer_merge(record)
  if record.status ~= "completed" then
    return ignore(("the merge did not complete (status %s)"):format(tostring(record.status)))
  end
  return { scope = "customer/updated", id = gid "admin_graphql_api_customer_kept_id" }
end

local function order_child(kind)
  return { scope = "transaction/updated", id = field "order_id", child = { kind = kind, id = field "id" } }
end

local not_order_data = "not a change to the order's own data"

return rule {
  -- Signed with the app's client secret (X-Shopify-Hmac-Sha256, the subscription's auth); a redelivery keeps its id.
  verify = "shopify",
  delivery = header "X-Shopify-Webhook-Id",
  scopes = {
    "product/created", "product/updated", "product/deleted",
    "customer/created", "customer/updated", "customer/deleted",
    "transaction/created", "transaction/updated", "transaction/deleted",
  },
  event = header "X-Shopify-Topic",
  id = field "id",
  on = {
    -- Products
    ["products/create"] = "product/created",
    ["products/update"] = "product/updated",
    ["products/delete"] = "product/deleted",
    ["variants/in_stock"] = {
      scope = "product/updated", id = field "product_id", child = { kind = "variant", id = field "id" },
    },
    ["variants/out_of_stock"] = {
      scope = "product/updated", id = field "product_id", child = { kind = "variant", id = field "id" },
    },
    ["inventory_items/create"] = ignore "an inventory item names no product; products/update follows",
    ["inventory_items/update"] = ignore "an inventory item names no product; products/update follows",
    ["inventory_items/delete"] = ignore "an inventory item names no product; products/delete follows",
    ["inventory_levels/connect"] = ignore "stock per location names only the inventory item, not the product",
    ["inventory_levels/disconnect"] = ignore "stock per location names only the inventory item, not the product",
    ["inventory_levels/update"] = ignore "stock per location names only the inventory item, not the product",
    ["product_listings/add"] = ignore "sales channel listings are not synced",
    ["product_listings/remove"] = ignore "sales channel listings are not synced",
    ["product_listings/update"] = ignore "sales channel listings are not synced",
    ["product_publications/create"] = ignore "publications to sales channels are not synced",
    ["product_publications/delete"] = ignore "publications to sales channels are not synced",
    ["product_publications/update"] = ignore "publications to sales channels are not synced",
    ["product_feeds/create"] = ignore "product feeds are for sales channel apps",
    ["product_feeds/update"] = ignore "product feeds are for sales channel apps",
    ["product_feeds/full_sync"] = ignore "product feeds are for sales channel apps",
    ["product_feeds/full_sync_finish"] = ignore "product feeds are for sales channel apps",
    ["product_feeds/incremental_sync"] = ignore "product feeds are for sales channel apps",

    -- Customers
    ["customers/create"] = "customer/created",
    ["customers/update"] = "customer/updated",
    ["customers/delete"] = "customer/deleted",
    ["customers/enable"] = "customer/updated",
    ["customers/disable"] = "customer/updated",
    ["customers/merge"] = customer_merge,
    ["customers/purchasing_summary"] = { scope = "customer/updated", id = gid "customerId" },
    ["customer.tags_added"] = { scope = "customer/updated", id = gid "customerId" },
    ["customer.tags_removed"] = { scope = "customer/updated", id = gid "customerId" },
    ["customers_email_marketing_consent/update"] = { scope = "customer/updated", id = field "customer_id" },
    ["customers_marketing_consent/update"] = "customer/updated",
    ["customer.joined_segment"] = ignore "segment membership is not synced",
    ["customer.left_segment"] = ignore "segment membership is not synced",
    ["customer_account_settings/update"] = ignore "a shop setting, not a customer",
    ["customer_groups/create"] = ignore "customer groups (saved searches) are not synced",
    ["customer_groups/update"] = ignore "customer groups (saved searches) are not synced",
    ["customer_groups/delete"] = ignore "customer groups (saved searches) are not synced",
    ["customer_payment_methods/create"] = ignore "payment methods are not synced",
    ["customer_payment_methods/update"] = ignore "payment methods are not synced",
    ["customer_payment_methods/revoke"] = ignore "payment methods are not synced",
    ["customers/data_request"] = ignore "a privacy request: the app answers it, nothing is synced",
    ["customers/redact"] = ignore "a privacy request: the app answers it, nothing is synced",

    -- Orders
    ["orders/create"] = "transaction/created",
    ["orders/updated"] = "transaction/updated",
    ["orders/delete"] = "transaction/deleted",
    ["orders/cancelled"] = "transaction/updated",
    ["orders/fulfilled"] = "transaction/updated",
    ["orders/partially_fulfilled"] = "transaction/updated",
    ["orders/paid"] = "transaction/updated",
    ["orders/edited"] = {
      scope = "transaction/updated", id = field "order_edit.order_id",
      child = { kind = "order edit", id = field "order_edit.id" },
    },
    ["order_transactions/create"] = order_child "order transaction",
    ["refunds/create"] = order_child "refund",
    ["fulfillments/create"] = order_child "fulfillment",
    ["fulfillments/update"] = order_child "fulfillment",
    ["fulfillment_events/create"] = order_child "fulfillment event",
    ["fulfillment_events/delete"] = order_child "fulfillment event",
    ["tender_transactions/create"] = order_child "tender transaction",
    ["orders/risk_assessment_changed"] = ignore("Shopify's fraud analysis, " .. not_order_data),
    ["orders/shopify_protect_eligibility_changed"] = ignore("Shopify Protect eligibility, " .. not_order_data),
    ["orders/link_requested"] = ignore("a buyer asked for a new order status link, " .. not_order_data),
    ["draft_orders/create"] = ignore "draft orders are not orders; orders/create follows when one is completed",
    ["draft_orders/update"] = ignore "draft orders are not orders; orders/create follows when one is completed",
    ["draft_orders/delete"] = ignore "draft orders are not orders; orders/create follows when one is completed",

    ["app/uninstalled"] = ignore "app lifecycle events are not synced",
  },
}
