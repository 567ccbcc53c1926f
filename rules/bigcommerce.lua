-- BigCommerce: the scope is in the body ("store/product/updated"); the record's id in data.id.
return rule {
  scopes = {
    "product/updated", "product/deleted", "customer/created", "customer/updated", "transaction/updated",
    "cart/updated",
  },
  -- Settings a subscription may turn on (see rules/subscriptions.yaml).
  presets = { ignore_order_messages = "boolean", ignore_cart_line_items = "boolean" },
  event = field "scope",
  id = field "data.id",
  on = {
    ["store/product/updated"] = "product/updated",
    ["store/product/deleted"] = "product/deleted",
    ["store/customer/created"] = "customer/created",
    ["store/order/statusUpdated"] = "transaction/updated",
    -- Child records become their parent; a subscription can turn the busy ones off with a preset.
    ["store/order/message/created"] = {
      scope = "transaction/updated",
      child = { kind = "order message", id = field "data.message.order_message_id" },
      unless = "ignore_order_messages",
    },
    ["store/customer/address/updated"] = {
      scope = "customer/updated", id = field "data.address.customer_id",
      child = { kind = "customer address", id = field "data.id" },
    },
    ["store/sku/inventory/updated"] = {
      scope = "product/updated", id = field "data.inventory.product_id",
      child = { kind = "sku", id = field "data.id" },
    },
    ["store/cart/lineItem/created"] = {
      scope = "cart/updated", id = field "data.cartId",
      child = { kind = "cart line item", id = field "data.id" },
      unless = "ignore_cart_line_items",
    },
  },
}
