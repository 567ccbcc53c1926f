-- GitHub: the event name is the X-GitHub-Event header plus the body's action ("issues.opened").
--
-- Events: https://docs.github.com/en/webhooks/webhook-events-and-payloads (issues, issue_comment, label). This rule
-- syncs issues and labels; every action of those events is mapped below, and a comment updates its issue. Pushes,
-- branch deletions and the ping GitHub sends when a webhook is created are ignored with their reason; other events
-- (pull requests, releases, stars, ...) fall to the default: ignored as "not mapped by this rule".
local function github_event(body, hook)
  local event = hook.headers["x-github-event"]
  if event and body.action then return event .. "." .. body.action end
  return event
end

local function issue_updated()
  return { scope = "issue/updated", id = field "issue.id" }
end

local function comment()
  return {
    scope = "issue/updated", id = field "issue.id",
    child = { kind = "issue comment", id = field "comment.id" },
  }
end

return rule {
  -- Signed with the webhook's secret (X-Hub-Signature-256, the subscription's auth); each delivery has an id.
  verify = "github",
  delivery = header "X-GitHub-Delivery",
  scopes = { "issue/created", "issue/updated", "issue/deleted", "label/created", "label/updated", "label/deleted" },
  event = github_event,
  on = {
    ["issues.opened"] = { scope = "issue/created", id = field "issue.id" },
    ["issues.deleted"] = { scope = "issue/deleted", id = field "issue.id" },
    -- Every other action changes the issue. A transferred issue moved to another repository; its old id is
    -- what the platform knows.
    ["issues.edited"] = issue_updated(),
    ["issues.closed"] = issue_updated(),
    ["issues.reopened"] = issue_updated(),
    ["issues.assigned"] = issue_updated(),
    ["issues.unassigned"] = issue_updated(),
    ["issues.labeled"] = issue_updated(),
    ["issues.unlabeled"] = issue_updated(),
    ["issues.milestoned"] = issue_updated(),
    ["issues.demilestoned"] = issue_updated(),
    ["issues.locked"] = issue_updated(),
    ["issues.unlocked"] = issue_updated(),
    ["issues.pinned"] = issue_updated(),
    ["issues.unpinned"] = issue_updated(),
    ["issues.typed"] = issue_updated(),
    ["issues.untyped"] = issue_updated(),
    ["issues.transferred"] = issue_updated(),
    -- A comment is not synced on its own: it updates its issue.
    ["issue_comment.created"] = comment(),
    ["issue_comment.edited"] = comment(),
    ["issue_comment.deleted"] = comment(),
    ["label.created"] = { scope = "label/created", id = field "label.id" },
    ["label.edited"] = { scope = "label/updated", id = field "label.id" },
    ["label.deleted"] = { scope = "label/deleted", id = field "label.id" },
    ["ping"] = ignore "GitHub's ping when a webhook is created carries no record",
    ["push"] = ignore "pushes are not synced",
    ["delete"] = ignore "branch and tag deletions are not synced",
  },
}
