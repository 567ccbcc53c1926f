#include "CLuaShim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const hr_traceback_key = "hookrules.traceback";

static int hr_swift_trampoline(lua_State *L) {
    hr_swift_function fn = (hr_swift_function)lua_touserdata(L, lua_upvalueindex(1));
    int results = fn(L);
    if (results < 0) {
        return lua_error(L);  // raised here, in C, after the Swift frame has returned
    }
    return results;
}

void hr_push_swift_function(lua_State *L, hr_swift_function fn, int nup) {
    lua_pushlightuserdata(L, (void *)fn);
    lua_insert(L, -(nup + 1));
    lua_pushcclosure(L, hr_swift_trampoline, nup + 1);
}

// Line counts live in plain C arrays, not in a Lua table: the hook runs between any two lines of a rule, and
// allocating Lua objects there could raise "not enough memory" inside the rule, start a garbage collection, or count
// against the rule's memory limit; coverage must not change what a rule does. One increment per line event.
typedef struct hr_line_counter {
    char *chunk_name;    // as given to lua_load, e.g. "@rules/shopify.lua"
    const char *source;  // Lua's own string for that name once seen: every function of a chunk shares it
    uint64_t *counts;    // indexed by line, 1...line_count
    int line_count;
} hr_line_counter;

// Per-state hook data, reached through the extra space (which coroutines copy from the main thread).
typedef struct hr_hook_slot {
    hr_budget_check check;
    void *context;
    int line_mask;  // LUA_MASKLINE once a chunk is registered for counting, else 0
    hr_line_counter *counters;
    int counter_count;
} hr_hook_slot;

static hr_hook_slot *hr_slot(lua_State *L) {
    hr_hook_slot **place = (hr_hook_slot **)lua_getextraspace(L);
    if (*place == NULL) {
        *place = (hr_hook_slot *)calloc(1, sizeof(hr_hook_slot));
        if (*place == NULL) abort();
    }
    return *place;
}

static void hr_count_line(lua_State *L, hr_hook_slot *slot, lua_Debug *ar) {
    if (!lua_getinfo(L, "S", ar)) return;
    for (int i = 0; i < slot->counter_count; i++) {
        hr_line_counter *counter = &slot->counters[i];
        if (counter->source != ar->source) {
            if (counter->source != NULL || strcmp(counter->chunk_name, ar->source) != 0) continue;
            counter->source = ar->source;  // the chunk stays loaded as long as the state, so the pointer stays valid
        }
        if (ar->currentline > 0 && ar->currentline <= counter->line_count) counter->counts[ar->currentline]++;
        return;
    }
}

static void hr_state_hook(lua_State *L, lua_Debug *ar) {
    hr_hook_slot *slot = *(hr_hook_slot **)lua_getextraspace(L);
    if (slot == NULL) return;
    if (ar->event == LUA_HOOKLINE) {
        hr_count_line(L, slot, ar);
        return;
    }
    if (slot->check == NULL) return;
    const char *message = slot->check(slot->context);
    if (message != NULL) {
        lua_sethook(L, hr_state_hook, LUA_MASKCOUNT | slot->line_mask, 1);
        luaL_where(L, 0);  // inside a hook, level 0 is the Lua function that was running
        lua_pushstring(L, message);
        lua_concat(L, 2);
        lua_error(L);
    }
}

void hr_set_budget_hook(lua_State *L, hr_budget_check check, void *context, int every) {
    hr_hook_slot *slot = hr_slot(L);
    slot->check = check;
    slot->context = context;
    lua_sethook(L, hr_state_hook, LUA_MASKCOUNT | slot->line_mask, every);
}

void hr_clear_budget_hook(lua_State *L) {
    hr_hook_slot *slot = *(hr_hook_slot **)lua_getextraspace(L);
    if (slot != NULL) {
        slot->check = NULL;
        slot->context = NULL;
    }
    lua_sethook(L, NULL, 0, 0);
}

uint64_t *hr_count_lines_of(lua_State *L, const char *chunk_name, int line_count) {
    hr_hook_slot *slot = hr_slot(L);
    if (line_count < 0) line_count = 0;
    hr_line_counter *counters =
        (hr_line_counter *)realloc(slot->counters, sizeof(hr_line_counter) * (size_t)(slot->counter_count + 1));
    if (counters == NULL) return NULL;
    slot->counters = counters;
    char *name = strdup(chunk_name);
    uint64_t *counts = (uint64_t *)calloc((size_t)line_count + 1, sizeof(uint64_t));
    if (name == NULL || counts == NULL) {
        free(name);
        free(counts);
        return NULL;
    }
    counters[slot->counter_count++] = (hr_line_counter){name, NULL, counts, line_count};
    slot->line_mask = LUA_MASKLINE;
    return counts;
}

static int hr_traceback_handler(lua_State *L) {
    luaL_traceback(L, L, NULL, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, hr_traceback_key);
    return 1;  // the original error value, unchanged
}

int hr_pcall_traceback(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs;  // the function's index
    lua_pushcfunction(L, hr_traceback_handler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    return status;
}

void hr_take_traceback(lua_State *L) {
    lua_getfield(L, LUA_REGISTRYINDEX, hr_traceback_key);
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, hr_traceback_key);
}

static int hr_panic(lua_State *L) {
    const char *message = lua_tostring(L, -1);
    fprintf(stderr, "hookrules: unprotected Lua error: %s\n", message ? message : "(not a string)");
    fflush(stderr);
    return 0;  // Lua aborts after the panic handler returns
}

lua_State *hr_newstate(lua_Alloc alloc, void *ud) {
    lua_State *L = lua_newstate(alloc, ud);
    if (L != NULL) {
        *(void **)lua_getextraspace(L) = NULL;
        lua_atpanic(L, hr_panic);
    }
    return L;
}

void hr_closestate(lua_State *L) {
    hr_hook_slot *slot = *(hr_hook_slot **)lua_getextraspace(L);
    lua_close(L);
    if (slot == NULL) return;
    for (int i = 0; i < slot->counter_count; i++) {
        free(slot->counters[i].chunk_name);
        free(slot->counters[i].counts);
    }
    free(slot->counters);
    free(slot);
}
