-- WooCommerce: the topic is in the X-WC-Webhook-Topic header ("coupon.created"); the body is the record.
return rule {
  scopes = { "coupon/created", "coupon/updated", "coupon/deleted" },
  event = header "X-WC-Webhook-Topic",
  id = field "id",
  on = {
    ["coupon.created"] = "coupon/created",
    ["coupon.updated"] = "coupon/updated",
    ["coupon.restored"] = "coupon/updated",
    ["coupon.deleted"] = "coupon/deleted",
  },
}
