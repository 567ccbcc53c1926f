-- WooCommerce: the topic is in the X-WC-Webhook-Topic header ("coupon.created"); the body is the record.
--
-- Topics: https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks (coupon, customer, order and product,
-- each created, updated and deleted, and restored from the trash for all but customers). This rule syncs all four
-- resources, every topic mapped below; a restored record is an update. Custom "action.*" topics fall to the
-- default: ignored as "not mapped by this rule".
return rule {
  -- Signed with the webhook's secret (X-WC-Webhook-Signature, the subscription's auth).
  verify = "woocommerce",
  -- When a webhook is created, WooCommerce posts an unsigned form body webhook_id=<id> and activates the webhook
  -- only on a 200: answered here, and nothing is queued for it.
  handshake = function(hook)
    if type(hook.body) == "table" and hook.body.webhook_id ~= nil and hook.headers["x-wc-webhook-topic"] == nil then
      return { status = 200 }
    end
  end,
  scopes = {
    "coupon/created", "coupon/updated", "coupon/deleted",
    "customer/created", "customer/updated", "customer/deleted",
    "transaction/created", "transaction/updated", "transaction/deleted",
    "product/created", "product/updated", "product/deleted",
  },
  event = header "X-WC-Webhook-Topic",
  id = field "id",
  on = {
    ["coupon.created"] = "coupon/created",
    ["coupon.updated"] = "coupon/updated",
    ["coupon.restored"] = "coupon/updated",
    ["coupon.deleted"] = "coupon/deleted",
    ["customer.created"] = "customer/created",
    ["customer.updated"] = "customer/updated",
    ["customer.deleted"] = "customer/deleted",
    ["order.created"] = "transaction/created",
    ["order.updated"] = "transaction/updated",
    ["order.restored"] = "transaction/updated",
    ["order.deleted"] = "transaction/deleted",
    ["product.created"] = "product/created",
    ["product.updated"] = "product/updated",
    ["product.restored"] = "product/updated",
    ["product.deleted"] = "product/deleted",
  },
}
