-- GitHub: the event is in the X-GitHub-Event header, the action in the body.
-- Until the rule engine lands, a rule returns a table with handle(hook) reporting what it recognised.
return {
  handle = function(hook)
    local body = hook.body
    local record = body.issue or body.comment or body.label or body.repository
    return { event = hook.headers["x-github-event"], action = body.action, id = record and record.id }
  end,
}
