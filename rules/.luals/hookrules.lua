---@meta hookrules
-- Editor types for HookRules rule files (LuaLS / sumneko). Point your editor's `workspace.library` at this folder
-- (rules/.luarc.json does that for VS Code and Neovim). This file is never run.

---A value read from a record or a hook: an extractor made by `field` or `header`, or your own function.
---@alias HookRules.Extractor fun(record: any, hook: HookRules.Hook): any

---@class HookRules.Hook
---@field id string                      The hook's id.
---@field integration string
---@field subscription string            The subscription's id.
---@field headers table<string, string>  Header names lower-cased: `hook.headers["x-shopify-topic"]`.
---@field query table<string, string>
---@field raw string                     The body bytes, exactly as received.
---@field body any                       The body decoded: JSON or XML as tables, a form as a table of strings; nil when empty or raw.

---@class HookRules.Subscription
---@field id string
---@field integration string
---@field presets table<string, any>     System-specific settings, e.g. an id-prefix → collection table.

---@class HookRules.Ignore
---@field ignore string                  Why the record is ignored.

---@class HookRules.ChildRecord
---@field kind string                    What the child record is, e.g. "order message".
---@field id HookRules.Extractor|string|integer  The child record's id.

---A mapping from an external event to a request.
---@class HookRules.Mapping
---@field scope string                   A scope declared in `scopes`, e.g. "product/updated".
---@field id? HookRules.Extractor|string|integer  Overrides the rule's `id` for this event.
---@field child? HookRules.ChildRecord   The hook is about a child record; the request is for its parent.
---@field unless? string                 Name of a (declared) subscription preset that, when set, ignores the record.

---@alias HookRules.Target string|HookRules.Mapping|HookRules.Ignore|HookRules.Mapping[]|fun(record: any, hook: HookRules.Hook, subscription: HookRules.Subscription): HookRules.Target

---An answer to the sender: a 2xx status (default 200), headers and a body.
---@class HookRules.Reply
---@field status? integer
---@field headers? table<string, string>
---@field body? string

---@class HookRules.Request
---@field scope string
---@field id string|integer

---A prerequisite step: turns a generic request into the real one (or ignores it).
---@alias HookRules.Resolver fun(request: HookRules.Request, subscription: HookRules.Subscription): HookRules.Request|HookRules.Ignore

---@class HookRules.RuleSpec
---@field scopes string[]                Every scope this integration produces (its catalog).
---@field event? HookRules.Extractor     Where each record's external event name is.
---@field on? table<string, HookRules.Target>  External event → what to do.
---@field scope? string                  Instead of event/on: every record maps to this scope.
---@field id? HookRules.Extractor        Where the record's id is (default for every mapping).
---@field records? fun(hook: HookRules.Hook): any[]  Splits one payload into records (default: the body alone).
---@field resolve? table<string, HookRules.Resolver>  Prerequisite steps, by the generic scope they resolve.
---@field unmapped? "ignore"|"error"     What an event missing from `on` does (default "ignore").
---@field presets? table<string, "boolean"|"string"|"number"|"integer"|"table">  Presets a subscription may set, with their types.
---@field limits? table<string, integer>  Limits for this integration's hooks (docs/runtime.md).
---@field body? "json"|"form"|"xml"|"raw"  The format of this system's bodies, whatever their Content-Type (default: decided by it).
---@field verify? string|table<string, string>  The provider's signature scheme ("shopify", or { scheme = "hmac", ... }); the subscription gives the secret.
---@field delivery? HookRules.Extractor  Where the sender's delivery id is: a redelivery with the same id adds nothing.
---@field methods? ("POST"|"PUT"|"PATCH"|"GET")[]  Methods the intake server accepts for these hooks (default POST).
---@field reply? fun(hook: HookRules.Hook, subscription: HookRules.Subscription): HookRules.Reply|nil  The answer to send after the commit.
---@field handshake? fun(hook: HookRules.Hook, subscription: HookRules.Subscription): HookRules.Reply|nil  Answers a request that is not an authenticated hook; nothing is queued.

---Declares the rule of this file. The file must `return rule { ... }`.
---@param spec HookRules.RuleSpec
---@return table
function rule(spec) end

---Reads a header (case-insensitive).
---@param name string
---@return HookRules.Extractor
function header(name) end

---Reads a dotted path from the record: `field "data.object.id"`; numbers index lists: `field "lines.1.id"`.
---@param path string
---@return HookRules.Extractor
function field(path) end

---Ignores the record, with a reason that is kept in the outcome.
---@param reason string
---@return HookRules.Ignore
function ignore(reason) end

---@class HookRules.ByPrefixOptions
---@field preset string                  The subscription preset mapping prefixes to collections.
---@field separator? string              Default ":".
---@field action? "created"|"updated"|"deleted"  Default "updated".

---A prerequisite step for ids like "Car:1234": the prefix names a collection through a preset.
---@param options HookRules.ByPrefixOptions
---@return HookRules.Resolver
function by_prefix(options) end

---JSON helpers.
json = {}
---The value of a JSON `null` inside an array.
json.null = nil ---@type lightuserdata
---Decodes JSON text with the same exact rules as bodies.
---@param text string
---@return any
function json.decode(text) end

---XML helpers (docs/runtime.md, "How an XML body arrives").
xml = {}
---Decodes XML text into tables, with the same mapping and refusals as bodies.
---@param text string
---@return table
function xml.decode(text) end
---An element that may repeat, always as a list: nil gives {}, a list itself, one value { value }.
---@param value any
---@return any[]
function xml.list(value) end
