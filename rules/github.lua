-- GitHub: the event name is the X-GitHub-Event header plus the body's action ("issues.opened").
local function github_event(body, hook)
  local event = hook.headers["x-github-event"]
  if event and body.action then return event .. "." .. body.action end
  return event
end

return rule {
  scopes = { "issue/created", "issue/updated", "issue/deleted", "label/created", "label/updated", "label/deleted" },
  event = github_event,
  on = {
    ["issues.opened"] = { scope = "issue/created", id = field "issue.id" },
    ["issues.edited"] = { scope = "issue/updated", id = field "issue.id" },
    ["issues.deleted"] = { scope = "issue/deleted", id = field "issue.id" },
    -- A comment is not synced on its own: it updates its issue.
    ["issue_comment.created"] = {
      scope = "issue/updated", id = field "issue.id",
      child = { kind = "issue comment", id = field "comment.id" },
    },
    ["label.created"] = { scope = "label/created", id = field "label.id" },
    ["label.deleted"] = { scope = "label/deleted", id = field "label.id" },
    ["push"] = ignore "pushes are not synced",
    ["delete"] = ignore "branch and tag deletions are not synced",
  },
}
