-- Salesforce outbound messages: a SOAP 1.1 envelope posted as text/xml by a workflow rule or flow, carrying up to
-- 100 notifications of one object type, each the record (`sObject`, typed by its `xsi:type`) with the fields the
-- outbound message selected. Salesforce sends no event name: the workflow's criteria decide whether created
-- records, edited ones or both are sent, so each notification is an update of its record; deletions are never
-- sent. Salesforce retries a message for 24 hours until the answer is `<Ack>true</Ack>`.
-- Format: https://developer.salesforce.com/docs/platform/api/guide/sforce-api-om-outboundmessaging-wsdl.html
return rule {
  scopes = { "company/updated", "customer/updated", "lead/updated", "deal/updated" },
  -- Salesforce labels its messages text/xml; a proxy that drops the header must not turn them into raw bodies.
  body = "xml",
  records = function(hook) return xml.list(hook.body.Envelope.Body.notifications.Notification) end,
  -- The object type, without its namespace prefix: xsi:type="sf:Account" is "Account".
  event = function(notification) return (notification.sObject["@type"]:gsub("^.*:", "")) end,
  id = field "sObject.Id",
  on = {
    Account = "company/updated",
    Contact = "customer/updated",
    Lead = "lead/updated",
    Opportunity = "deal/updated",
    Task = ignore "activities are not synced",
  },
  -- The acknowledgement Salesforce waits for, sent once the message's requests are committed.
  reply = function()
    return {
      status = 200,
      headers = { ["Content-Type"] = "text/xml; charset=utf-8" },
      body = '<?xml version="1.0" encoding="UTF-8"?>'
        .. '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
        .. '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack>'
        .. '</notificationsResponse></soapenv:Body></soapenv:Envelope>',
    }
  end,
}
