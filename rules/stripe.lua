-- Stripe: the event type is in the body ("customer.updated"); the record is data.object.
--
-- Event types: https://docs.stripe.com/api/events/types. This rule syncs customers, invoices and charges
-- (transactions); every event type of those objects is mapped below or ignored with its reason, and an event about
-- a child object (a tax id, a dispute, a refund, an invoice item) updates its parent. Other event types (payment
-- intents, payouts, products, ...) fall to the default: ignored as "not mapped by this rule".

local function of_customer(kind)
  return {
    scope = "customer/updated", id = field "data.object.customer", child = { kind = kind, id = field "data.object.id" },
  }
end

local function of_charge(kind)
  return {
    scope = "transaction/updated", id = field "data.object.charge",
    child = { kind = kind, id = field "data.object.id" },
  }
end

-- An invoice item may wait for the next invoice: only one already on an invoice changes that invoice.
local function invoice_item(record)
  local item = record.data.object
  if item.invoice == nil then return ignore "the invoice item is not on an invoice yet" end
  return { scope = "invoice/updated", id = item.invoice, child = { kind = "invoice item", id = item.id } }
end

local subscriptions = "subscriptions are not synced"
local sources = "payment sources are not synced"

return rule {
  -- Signed with the endpoint's whsec_ secret (Stripe-Signature, with a timestamp); a retried event keeps its id.
  verify = "stripe",
  delivery = field "id",
  scopes = {
    "customer/created", "customer/updated", "customer/deleted",
    "invoice/created", "invoice/updated", "invoice/deleted",
    "transaction/updated",
  },
  event = field "type",
  id = field "data.object.id",
  on = {
    -- Customers
    ["customer.created"] = "customer/created",
    ["customer.updated"] = "customer/updated",
    ["customer.deleted"] = "customer/deleted",
    ["customer.discount.created"] = of_customer "discount",
    ["customer.discount.updated"] = of_customer "discount",
    ["customer.discount.deleted"] = of_customer "discount",
    ["customer.tax_id.created"] = of_customer "tax id",
    ["customer.tax_id.updated"] = of_customer "tax id",
    ["customer.tax_id.deleted"] = of_customer "tax id",
    ["customer.source.created"] = ignore(sources),
    ["customer.source.updated"] = ignore(sources),
    ["customer.source.deleted"] = ignore(sources),
    ["customer.source.expiring"] = ignore(sources),
    ["customer.subscription.created"] = ignore(subscriptions),
    ["customer.subscription.updated"] = ignore(subscriptions),
    ["customer.subscription.deleted"] = ignore(subscriptions),
    ["customer.subscription.paused"] = ignore(subscriptions),
    ["customer.subscription.resumed"] = ignore(subscriptions),
    ["customer.subscription.pending_update_applied"] = ignore(subscriptions),
    ["customer.subscription.pending_update_expired"] = ignore(subscriptions),
    ["customer.subscription.trial_will_end"] = ignore(subscriptions),

    -- Invoices. A draft invoice can be deleted; a finalized one only voided (an update).
    ["invoice.created"] = "invoice/created",
    ["invoice.deleted"] = "invoice/deleted",
    ["invoice.updated"] = "invoice/updated",
    ["invoice.finalized"] = "invoice/updated",
    ["invoice.finalization_failed"] = "invoice/updated",
    ["invoice.sent"] = "invoice/updated",
    ["invoice.paid"] = "invoice/updated",
    ["invoice.payment_succeeded"] = "invoice/updated",
    ["invoice.payment_failed"] = "invoice/updated",
    ["invoice.payment_action_required"] = "invoice/updated",
    ["invoice.payment_attempt_required"] = "invoice/updated",
    ["invoice.marked_uncollectible"] = "invoice/updated",
    ["invoice.voided"] = "invoice/updated",
    ["invoice.overdue"] = "invoice/updated",
    ["invoice.will_be_due"] = "invoice/updated",
    ["invoice.upcoming"] = ignore "an upcoming invoice is a preview: it has no id yet",
    ["invoiceitem.created"] = invoice_item,
    ["invoiceitem.deleted"] = invoice_item,

    -- Charges, their disputes and refunds
    ["charge.succeeded"] = "transaction/updated",
    ["charge.pending"] = "transaction/updated",
    ["charge.failed"] = "transaction/updated",
    ["charge.captured"] = "transaction/updated",
    ["charge.expired"] = "transaction/updated",
    ["charge.refunded"] = "transaction/updated",
    ["charge.updated"] = "transaction/updated",
    ["charge.dispute.created"] = of_charge "dispute",
    ["charge.dispute.updated"] = of_charge "dispute",
    ["charge.dispute.closed"] = of_charge "dispute",
    ["charge.dispute.funds_withdrawn"] = of_charge "dispute",
    ["charge.dispute.funds_reinstated"] = of_charge "dispute",
    ["charge.refund.updated"] = of_charge "refund",
    ["refund.created"] = of_charge "refund",
    ["refund.updated"] = of_charge "refund",
    ["refund.failed"] = of_charge "refund",
  },
}
