// string.find, string.match, string.gmatch and string.gsub with Lua 5.4's pattern semantics, written so that the
// host can stop them. Lua's own matcher is one C call that runs no Lua instruction, so neither the count hook nor the
// deadline can interrupt it, and backtracking makes some patterns polynomial or worse in the subject's length
// ("(.-)(.-)(.-)x"). This matcher is the same backtracking algorithm as Lua 5.4's lstrlib.c (the manual's §6.4.1
// semantics, the same error messages, the same limits: 32 captures, 200 nested items); the difference is that every
// step is charged to the run's budget (hr_budget_charge), which asks the host at intervals whether the run may go on
// and raises the host's "time limit exceeded" otherwise. Plain searches use memmem (linear) instead of Lua's
// memchr+memcmp loop, which is quadratic on repetitive subjects. The tests compare this matcher with Lua's own
// string library on a corpus of patterns (Tests/LuaRuntimeTests/Sandbox/PatternParityTests.swift).

#define _GNU_SOURCE
#include "BoundedLibrary.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#define HR_MAX_CAPTURES 32     // LUA_MAXCAPTURES
#define HR_MAX_MATCH_DEPTH 200 // MAXCCALLS in lstrlib.c
#define HR_CAP_UNFINISHED (-1)
#define HR_CAP_POSITION (-2)
#define HR_ESC '%'
#define HR_SPECIALS "^$*+?.([%-"

// Budget units: one matcher step, and one unit per byte a step compares in bulk (a back-reference, %b).
#define HR_STEP_COST 16

typedef struct hr_match_state {
    const char *src_init;
    const char *src_end;
    const char *p_end;
    lua_State *L;
    int depth_left;
    unsigned pending;  // budget units not yet charged (charged in batches: a call into the host per step is too dear)
    int level;
    struct {
        const char *init;
        ptrdiff_t len;
    } capture[HR_MAX_CAPTURES];
} hr_match_state;

#define HR_BATCH 4096u

static void hr_step(hr_match_state *ms, unsigned units) {
    ms->pending += units;
    if (ms->pending >= HR_BATCH) {
        unsigned charged = ms->pending;
        ms->pending = 0;
        hr_budget_charge(ms->L, charged);
    }
}

static const char *hr_match(hr_match_state *ms, const char *s, const char *p);

// The byte at p, or 0 at the end of the pattern (Lua reads the terminating NUL of the pattern string there).
static int hr_pat_at(const hr_match_state *ms, const char *p) { return p < ms->p_end ? (unsigned char)*p : 0; }

static int hr_class_end_error(hr_match_state *ms, const char *message) { return luaL_error(ms->L, "%s", message); }

// The end of the single-character class starting at p.
static const char *hr_class_end(hr_match_state *ms, const char *p) {
    switch (*p++) {
    case HR_ESC:
        if (p == ms->p_end) hr_class_end_error(ms, "malformed pattern (ends with '%')");
        return p + 1;
    case '[':
        if (hr_pat_at(ms, p) == '^') p++;
        do {  // look for the closing ']'; the first character after '[' (or '[^') is never the end
            if (p >= ms->p_end) hr_class_end_error(ms, "malformed pattern (missing ']')");
            if (*(p++) == HR_ESC && p < ms->p_end) p++;  // skip an escaped character such as '%]'
        } while (hr_pat_at(ms, p) != ']');
        return p + 1;
    default:
        return p;
    }
}

static int hr_class_matches(int c, int class_letter) {
    int result;
    switch (tolower(class_letter)) {
    case 'a': result = isalpha(c); break;
    case 'c': result = iscntrl(c); break;
    case 'd': result = isdigit(c); break;
    case 'g': result = isgraph(c); break;
    case 'l': result = islower(c); break;
    case 'p': result = ispunct(c); break;
    case 's': result = isspace(c); break;
    case 'u': result = isupper(c); break;
    case 'w': result = isalnum(c); break;
    case 'x': result = isxdigit(c); break;
    case 'z': result = (c == 0); break;  // deprecated in Lua 5.2, still accepted by 5.4
    default: return class_letter == c;
    }
    if (isupper(class_letter)) result = !result;
    return result != 0;
}

// Whether c is in the set [...] that starts at p and whose ']' is at class_end.
static int hr_set_matches(int c, const char *p, const char *class_end) {
    int in_set = 1;
    if (*(p + 1) == '^') {
        in_set = 0;
        p++;
    }
    while (++p < class_end) {
        if (*p == HR_ESC) {
            p++;
            if (hr_class_matches(c, (unsigned char)*p)) return in_set;
        } else if (*(p + 1) == '-' && p + 2 < class_end) {
            p += 2;
            if ((unsigned char)*(p - 2) <= c && c <= (unsigned char)*p) return in_set;
        } else if ((unsigned char)*p == c) {
            return in_set;
        }
    }
    return !in_set;
}

static int hr_single_matches(hr_match_state *ms, const char *s, const char *p, const char *ep) {
    if (s >= ms->src_end) return 0;
    int c = (unsigned char)*s;
    switch (*p) {
    case '.': return 1;
    case HR_ESC: return hr_class_matches(c, (unsigned char)*(p + 1));
    case '[': return hr_set_matches(c, p, ep - 1);
    default: return (unsigned char)*p == c;
    }
}

static const char *hr_match_balance(hr_match_state *ms, const char *s, const char *p) {
    if (p >= ms->p_end - 1) luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= ms->src_end || *s != *p) return NULL;
    int open = *p, close = *(p + 1), depth = 1;
    const char *start = s;
    while (++s < ms->src_end) {
        if (*s == close) {
            if (--depth == 0) {
                hr_step(ms, (unsigned)(s - start));
                return s + 1;
            }
        } else if (*s == open) {
            depth++;
        }
    }
    hr_step(ms, (unsigned)(s - start));
    return NULL;
}

static const char *hr_max_expand(hr_match_state *ms, const char *s, const char *p, const char *ep) {
    ptrdiff_t count = 0;
    while (hr_single_matches(ms, s + count, p, ep)) count++;
    hr_step(ms, (unsigned)count);
    while (count >= 0) {  // the longest repetition first, then one fewer each time
        const char *result = hr_match(ms, s + count, ep + 1);
        if (result != NULL) return result;
        count--;
    }
    return NULL;
}

static const char *hr_min_expand(hr_match_state *ms, const char *s, const char *p, const char *ep) {
    for (;;) {
        const char *result = hr_match(ms, s, ep + 1);
        if (result != NULL) return result;
        if (!hr_single_matches(ms, s, p, ep)) return NULL;
        s++;  // one more repetition
    }
}

static const char *hr_start_capture(hr_match_state *ms, const char *s, const char *p, ptrdiff_t what) {
    int level = ms->level;
    if (level >= HR_MAX_CAPTURES) luaL_error(ms->L, "too many captures");
    ms->capture[level].init = s;
    ms->capture[level].len = what;
    ms->level = level + 1;
    const char *result = hr_match(ms, s, p);
    if (result == NULL) ms->level--;  // undo the capture
    return result;
}

static int hr_capture_to_close(hr_match_state *ms) {
    for (int level = ms->level - 1; level >= 0; level--) {
        if (ms->capture[level].len == HR_CAP_UNFINISHED) return level;
    }
    return luaL_error(ms->L, "invalid pattern capture");
}

static const char *hr_end_capture(hr_match_state *ms, const char *s, const char *p) {
    int level = hr_capture_to_close(ms);
    ms->capture[level].len = s - ms->capture[level].init;
    const char *result = hr_match(ms, s, p);
    if (result == NULL) ms->capture[level].len = HR_CAP_UNFINISHED;
    return result;
}

static int hr_check_capture(hr_match_state *ms, int letter) {
    int index = letter - '1';
    if (index < 0 || index >= ms->level || ms->capture[index].len == HR_CAP_UNFINISHED) {
        return luaL_error(ms->L, "invalid capture index %%%d", index + 1);
    }
    return index;
}

static const char *hr_match_capture(hr_match_state *ms, const char *s, int letter) {
    int index = hr_check_capture(ms, letter);
    size_t length = (size_t)ms->capture[index].len;  // a position capture is "huge" here and never matches, as in Lua
    if ((size_t)(ms->src_end - s) >= length) {
        hr_step(ms, (unsigned)length);
        if (memcmp(ms->capture[index].init, s, length) == 0) return s + length;
    }
    return NULL;
}

static const char *hr_match(hr_match_state *ms, const char *s, const char *p) {
    if (ms->depth_left-- == 0) luaL_error(ms->L, "pattern too complex");
    hr_step(ms, HR_STEP_COST);
tail:
    if (p != ms->p_end) {
        switch (*p) {
        case '(':
            if (hr_pat_at(ms, p + 1) == ')') {
                s = hr_start_capture(ms, s, p + 2, HR_CAP_POSITION);
            } else {
                s = hr_start_capture(ms, s, p + 1, HR_CAP_UNFINISHED);
            }
            break;
        case ')':
            s = hr_end_capture(ms, s, p + 1);
            break;
        case '$':
            if (p + 1 != ms->p_end) goto single;  // a '$' that does not end the pattern is an ordinary character
            s = (s == ms->src_end) ? s : NULL;
            break;
        case HR_ESC:
            switch (hr_pat_at(ms, p + 1)) {
            case 'b':
                s = hr_match_balance(ms, s, p + 2);
                if (s != NULL) {
                    p += 4;
                    goto tail;
                }
                break;
            case 'f': {
                p += 2;
                if (hr_pat_at(ms, p) != '[') luaL_error(ms->L, "missing '[' after '%%f' in pattern");
                const char *ep = hr_class_end(ms, p);
                int previous = (s == ms->src_init) ? 0 : (unsigned char)*(s - 1);
                int current = (s < ms->src_end) ? (unsigned char)*s : 0;
                if (!hr_set_matches(previous, p, ep - 1) && hr_set_matches(current, p, ep - 1)) {
                    p = ep;
                    goto tail;
                }
                s = NULL;
                break;
            }
            case '0': case '1': case '2': case '3': case '4':
            case '5': case '6': case '7': case '8': case '9':
                s = hr_match_capture(ms, s, (unsigned char)*(p + 1));
                if (s != NULL) {
                    p += 2;
                    goto tail;
                }
                break;
            default:
                goto single;
            }
            break;
        default:
        single: {
            const char *ep = hr_class_end(ms, p);
            int suffix = hr_pat_at(ms, ep);
            if (!hr_single_matches(ms, s, p, ep)) {
                if (suffix == '*' || suffix == '?' || suffix == '-') {  // the item may match nothing
                    p = ep + 1;
                    goto tail;
                }
                s = NULL;
            } else {
                switch (suffix) {
                case '?': {
                    const char *result = hr_match(ms, s + 1, ep + 1);
                    if (result != NULL) {
                        s = result;
                    } else {
                        p = ep + 1;
                        goto tail;
                    }
                    break;
                }
                case '+':
                    s = hr_max_expand(ms, s + 1, p, ep);
                    break;
                case '*':
                    s = hr_max_expand(ms, s, p, ep);
                    break;
                case '-':
                    s = hr_min_expand(ms, s, p, ep);
                    break;
                default:
                    s++;
                    p = ep;
                    goto tail;
                }
            }
            break;
        }
        }
    }
    ms->depth_left++;
    return s;
}

static void hr_prepare(hr_match_state *ms, lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
    ms->L = L;
    ms->src_init = s;
    ms->src_end = s + ls;
    ms->p_end = p + lp;
    ms->pending = 0;
}

static void hr_reprepare(hr_match_state *ms) {
    ms->level = 0;
    ms->depth_left = HR_MAX_MATCH_DEPTH;
}

// Pushes capture i (or the whole match s..e when the pattern has no captures); returns its length, or
// HR_CAP_POSITION after pushing a position.
static ptrdiff_t hr_get_capture(hr_match_state *ms, int i, const char *s, const char *e, const char **start) {
    if (i >= ms->level) {
        if (i != 0) luaL_error(ms->L, "invalid capture index %%%d", i + 1);
        *start = s;
        return e - s;
    }
    ptrdiff_t length = ms->capture[i].len;
    *start = ms->capture[i].init;
    if (length == HR_CAP_UNFINISHED) {
        luaL_error(ms->L, "unfinished capture");
    } else if (length == HR_CAP_POSITION) {
        lua_pushinteger(ms->L, (ms->capture[i].init - ms->src_init) + 1);
    }
    return length;
}

static void hr_push_capture(hr_match_state *ms, int i, const char *s, const char *e) {
    const char *start;
    ptrdiff_t length = hr_get_capture(ms, i, s, e, &start);
    if (length != HR_CAP_POSITION) lua_pushlstring(ms->L, start, (size_t)length);
}

static int hr_push_captures(hr_match_state *ms, const char *s, const char *e) {
    int count = (ms->level == 0 && s != NULL) ? 1 : ms->level;
    luaL_checkstack(ms->L, count, "too many captures");
    for (int i = 0; i < count; i++) hr_push_capture(ms, i, s, e);
    return count;
}

// Lua's rule for a start position: 1-based, negative from the end, clipped to 1.
static size_t hr_start_index(lua_Integer position, size_t length) {
    if (position > 0) return (size_t)position;
    if (position == 0) return 1;
    if (position < -(lua_Integer)length) return 1;
    return length + (size_t)position + 1;
}

static int hr_has_specials(const char *p, size_t lp) {
    for (size_t i = 0; i < lp; i++) {
        if (p[i] != 0 && strchr(HR_SPECIALS, p[i]) != NULL) return 1;
    }
    return 0;
}

static int hr_find_or_match(lua_State *L, int find) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = hr_start_index(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || !hr_has_specials(p, lp))) {
        hr_budget_charge(L, ls - init);
        const char *found = lp == 0 ? s + init : memmem(s + init, ls - init, p, lp);
        if (found != NULL) {
            lua_pushinteger(L, (found - s) + 1);
            lua_pushinteger(L, (found - s) + (lua_Integer)lp);
            return 2;
        }
    } else {
        hr_match_state ms;
        const char *s1 = s + init;
        int anchor = (lp > 0 && *p == '^');
        if (anchor) {
            p++;
            lp--;
        }
        hr_prepare(&ms, L, s, ls, p, lp);
        do {
            hr_reprepare(&ms);
            const char *end = hr_match(&ms, s1, p);
            if (end != NULL) {
                if (find) {
                    lua_pushinteger(L, (s1 - s) + 1);
                    lua_pushinteger(L, end - s);
                    return hr_push_captures(&ms, NULL, NULL) + 2;
                }
                return hr_push_captures(&ms, s1, end);
            }
        } while (s1++ < ms.src_end && !anchor);
    }
    luaL_pushfail(L);
    return 1;
}

int hr_string_find(lua_State *L) { return hr_find_or_match(L, 1); }
int hr_string_match(lua_State *L) { return hr_find_or_match(L, 0); }

typedef struct hr_gmatch_state {
    const char *src;
    const char *p;
    const char *last_match;
    hr_match_state ms;
} hr_gmatch_state;

static int hr_gmatch_next(lua_State *L) {
    hr_gmatch_state *gm = (hr_gmatch_state *)lua_touserdata(L, lua_upvalueindex(3));
    gm->ms.L = L;
    for (const char *src = gm->src; src <= gm->ms.src_end; src++) {
        hr_reprepare(&gm->ms);
        const char *end = hr_match(&gm->ms, src, gm->p);
        if (end != NULL && end != gm->last_match) {
            gm->src = gm->last_match = end;
            return hr_push_captures(&gm->ms, src, end);
        }
    }
    return 0;
}

int hr_string_gmatch(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = hr_start_index(luaL_optinteger(L, 3, 1), ls) - 1;
    lua_settop(L, 2);  // the subject and pattern stay alive as the iterator's upvalues
    hr_gmatch_state *gm = (hr_gmatch_state *)lua_newuserdatauv(L, sizeof(hr_gmatch_state), 0);
    if (init > ls) init = ls + 1;  // past the end: the iterator finds nothing
    hr_prepare(&gm->ms, L, s, ls, p, lp);
    gm->src = s + init;
    gm->p = p;
    gm->last_match = NULL;
    lua_pushcclosure(L, hr_gmatch_next, 3);
    return 1;
}

// Appends the replacement string (argument 3) with its %0-%9 and %% items.
static void hr_add_replacement_string(hr_match_state *ms, luaL_Buffer *b, const char *s, const char *e) {
    lua_State *L = ms->L;
    size_t length;
    const char *text = lua_tolstring(L, 3, &length);
    const char *escape;
    while ((escape = (const char *)memchr(text, HR_ESC, length)) != NULL) {
        luaL_addlstring(b, text, (size_t)(escape - text));
        escape++;
        int item = escape < text + length ? (unsigned char)*escape : 0;
        if (item == HR_ESC) {
            luaL_addchar(b, HR_ESC);
        } else if (item == '0') {
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (isdigit(item)) {
            const char *start;
            ptrdiff_t capture_length = hr_get_capture(ms, item - '1', s, e, &start);
            if (capture_length == HR_CAP_POSITION) {
                luaL_addvalue(b);
            } else {
                luaL_addlstring(b, start, (size_t)capture_length);
            }
        } else {
            luaL_error(L, "invalid use of '%c' in replacement string", HR_ESC);
        }
        length -= (size_t)(escape + 1 - text);
        text = escape + 1;
    }
    luaL_addlstring(b, text, length);
}

// Appends what replaces the match s..e; returns whether the subject changed (a function or table answering nil or
// false keeps the match as it was).
static int hr_add_replacement(hr_match_state *ms, luaL_Buffer *b, const char *s, const char *e, int kind) {
    lua_State *L = ms->L;
    switch (kind) {
    case LUA_TFUNCTION: {
        lua_pushvalue(L, 3);
        int count = hr_push_captures(ms, s, e);
        lua_call(L, count, 1);
        break;
    }
    case LUA_TTABLE:
        hr_push_capture(ms, 0, s, e);
        lua_gettable(L, 3);
        break;
    default:
        hr_add_replacement_string(ms, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1)) {
        return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    }
    luaL_addvalue(b);
    return 1;
}

int hr_string_gsub(lua_State *L) {
    size_t srcl, lp;
    const char *src = luaL_checklstring(L, 1, &srcl);
    const char *p = luaL_checklstring(L, 2, &lp);
    const char *last_match = NULL;
    int kind = lua_type(L, 3);
    lua_Integer max_replacements = luaL_optinteger(L, 4, (lua_Integer)srcl + 1);
    int anchor = (lp > 0 && *p == '^');
    lua_Integer replacements = 0;
    int changed = 0;
    hr_match_state ms;
    luaL_Buffer b;
    luaL_argexpected(
        L, kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION || kind == LUA_TTABLE, 3,
        "string/function/table");
    luaL_buffinit(L, &b);
    if (anchor) {
        p++;
        lp--;
    }
    hr_prepare(&ms, L, src, srcl, p, lp);
    while (replacements < max_replacements) {
        hr_reprepare(&ms);
        const char *end = hr_match(&ms, src, p);
        if (end != NULL && end != last_match) {
            replacements++;
            changed = hr_add_replacement(&ms, &b, src, end, kind) | changed;
            src = last_match = end;
        } else if (src < ms.src_end) {
            luaL_addchar(&b, *src++);
        } else {
            break;
        }
        if (anchor) break;
    }
    if (!changed) {
        lua_pushvalue(L, 1);
    } else {
        luaL_addlstring(&b, src, (size_t)(ms.src_end - src));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, replacements);
    return 2;
}
