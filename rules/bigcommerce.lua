-- BigCommerce: the scope is in the body ("store/product/updated"); the record's id in data.id.
--
-- Events: https://developer.bigcommerce.com/docs/integrations/webhooks/events (Products, SKUs, Customers, Orders,
-- Carts and Cart line items). This rule syncs products, customers, orders (transactions) and carts; every event of
-- those is mapped below or ignored with its reason, and an event about a child record (a SKU, an address, a refund,
-- a line item) updates its parent. Events of other resources (brands, categories, channels, price lists, ...)
-- fall to the default: ignored as "not mapped by this rule".

local metafields = "metafields (custom fields owned by apps) are not synced"

local function sku(id)
  return { scope = "product/updated", id = field(id), child = { kind = "sku", id = field "data.id" } }
end

local function address()
  return {
    scope = "customer/updated", id = field "data.address.customer_id",
    child = { kind = "customer address", id = field "data.id" },
  }
end

local function payment(kind, id)
  return { scope = "transaction/updated", id = field "data.order_id", child = { kind = kind, id = field(id) } }
end

-- Cart line items come by the hundred while a shopper browses: a subscription can turn them off with a preset.
local function line_item()
  return {
    scope = "cart/updated", id = field "data.cartId",
    child = { kind = "cart line item", id = field "data.id" },
    unless = "ignore_cart_line_items",
  }
end

return rule {
  -- BigCommerce signs nothing: the subscription's auth gives the Bearer key set as a custom header on the hook.
  -- A re-fired event carries the same payload hash.
  delivery = field "hash",
  scopes = {
    "product/created", "product/updated", "product/deleted",
    "customer/created", "customer/updated", "customer/deleted",
    "transaction/created", "transaction/updated", "transaction/deleted",
    "cart/created", "cart/updated", "cart/deleted",
  },
  -- Settings a subscription may turn on (see rules/subscriptions.yaml).
  presets = { ignore_order_messages = "boolean", ignore_cart_line_items = "boolean" },
  event = field "scope",
  id = field "data.id",
  on = {
    -- Products and their SKUs (variants)
    ["store/product/created"] = "product/created",
    ["store/product/updated"] = "product/updated",
    ["store/product/deleted"] = "product/deleted",
    ["store/product/inventory/updated"] = "product/updated",
    ["store/product/inventory/order/updated"] = "product/updated",
    ["store/sku/created"] = sku "data.sku.product_id",
    ["store/sku/updated"] = sku "data.sku.product_id",
    ["store/sku/deleted"] = sku "data.sku.product_id",
    ["store/sku/inventory/updated"] = sku "data.inventory.product_id",
    ["store/sku/inventory/order/updated"] = sku "data.inventory.product_id",
    ["store/product/metafield/created"] = ignore(metafields),
    ["store/product/metafield/updated"] = ignore(metafields),
    ["store/product/metafield/deleted"] = ignore(metafields),
    ["store/product/variant/metafield/created"] = ignore(metafields),
    ["store/product/variant/metafield/updated"] = ignore(metafields),
    ["store/product/variant/metafield/deleted"] = ignore(metafields),

    -- Customers and their addresses
    ["store/customer/created"] = "customer/created",
    ["store/customer/updated"] = "customer/updated",
    ["store/customer/deleted"] = "customer/deleted",
    ["store/customer/address/created"] = address(),
    ["store/customer/address/updated"] = address(),
    ["store/customer/address/deleted"] = address(),
    ["store/customer/payment/instrument/default/updated"] = ignore "stored payment instruments are not synced",

    -- Orders: archiving is how BigCommerce deletes an order.
    ["store/order/created"] = "transaction/created",
    ["store/order/updated"] = "transaction/updated",
    ["store/order/statusUpdated"] = "transaction/updated",
    ["store/order/archived"] = "transaction/deleted",
    ["store/order/message/created"] = {
      scope = "transaction/updated",
      child = { kind = "order message", id = field "data.message.order_message_id" },
      unless = "ignore_order_messages",
    },
    ["store/order/refund/created"] = {
      scope = "transaction/updated", child = { kind = "refund", id = field "data.refund.refund_id" },
    },
    ["store/order/transaction/created"] = payment("payment transaction", "data.transaction_id"),
    ["store/order/transaction/updated"] = payment("payment transaction", "data.transaction_id"),
    ["store/order/metafield/created"] = ignore(metafields),
    ["store/order/metafield/updated"] = ignore(metafields),
    ["store/order/metafield/deleted"] = ignore(metafields),

    -- Carts and their line items. A converted cart is gone: it became an order (store/order/created).
    ["store/cart/created"] = "cart/created",
    ["store/cart/updated"] = "cart/updated",
    ["store/cart/deleted"] = "cart/deleted",
    ["store/cart/abandoned"] = "cart/updated",
    ["store/cart/couponApplied"] = "cart/updated",
    ["store/cart/converted"] = "cart/deleted",
    ["store/cart/lineItem/created"] = line_item(),
    ["store/cart/lineItem/updated"] = line_item(),
    ["store/cart/lineItem/deleted"] = line_item(),
    ["store/cart/metafield/created"] = ignore(metafields),
    ["store/cart/metafield/updated"] = ignore(metafields),
    ["store/cart/metafield/deleted"] = ignore(metafields),
  },
}
