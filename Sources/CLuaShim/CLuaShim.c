#include "CLuaShim.h"
#include "Pieces.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const hr_traceback_key = "hookrules.traceback";

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
    hr_budget_check poll;
    void *context;
    lua_State *main_thread;
    int line_mask;  // LUA_MASKLINE once a chunk is registered for counting, else 0
    hr_line_counter *counters;
    int counter_count;
    size_t work;  // units charged since the last poll
    int every;    // instructions between two checks in this run (shrunk by hr_budget_tighten)
    const char *stop;  // the message the run was stopped with, once it was
    const char *fault_source;
    int fault_line;
    hr_result_list results;
} hr_hook_slot;

// Work charged between two polls of the budget: about a millisecond of scanning or matching.
#define HR_WORK_QUANTUM ((size_t)1 << 20)

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

// Finds the innermost frame of a rule script (a chunk loaded as "@name") on the stack of L; false if none.
static int hr_find_rule_frame(lua_State *L, hr_hook_slot *slot) {
    lua_Debug ar;
    for (int level = 0; level < 200 && lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar)) break;
        if (ar.source != NULL && ar.source[0] == '@' && ar.currentline > 0) {
            slot->fault_source = ar.source + 1;
            slot->fault_line = ar.currentline;
            return 1;
        }
    }
    return 0;
}

// Records where in the rule's own code the run's first fault happened (see hr_fault_source). A coroutine's stack
// may hold only library code; the thread that ran the rule is searched then.
static void hr_note_fault_in(lua_State *L, hr_hook_slot *slot) {
    if (slot->fault_line > 0) return;
    if (!hr_find_rule_frame(L, slot) && slot->main_thread != NULL && slot->main_thread != L) {
        hr_find_rule_frame(slot->main_thread, slot);
    }
}

static void hr_state_hook(lua_State *L, lua_Debug *ar);

// Stops the run: from now on the hook fires on every instruction of L and of the thread that runs the rule (a stop
// raised in a coroutine returns to it through resume), library functions raise as soon as they charge anything, and
// `message` is raised now, positioned at `level`.
static int hr_raise_stop(lua_State *L, hr_hook_slot *slot, const char *message, int level) {
    slot->stop = message;
    lua_sethook(L, hr_state_hook, LUA_MASKCOUNT | slot->line_mask, 1);
    if (slot->main_thread != NULL && slot->main_thread != L) {
        lua_sethook(slot->main_thread, hr_state_hook, LUA_MASKCOUNT | slot->line_mask, 1);
    }
    hr_note_fault_in(L, slot);
    luaL_where(L, level);
    lua_pushstring(L, message);
    lua_concat(L, 2);
    return lua_error(L);
}

// Calls the Swift function in upvalue 1 and does what its status asks (see HR_RAISE and the others in CLuaShim.h).
// Every error is raised here, in C, after the Swift frame has returned.
static int hr_swift_trampoline(lua_State *L) {
    hr_swift_function fn = (hr_swift_function)lua_touserdata(L, lua_upvalueindex(1));
    int results = fn(L);
    if (results >= 0) return results;
    switch (results) {
    case HR_PROCEED:
        return lua_tocfunction(L, lua_upvalueindex(2))(L);
    case HR_STOP: {
        hr_hook_slot *slot = hr_slot(L);
        // Level 1: the Lua code that called the library function, as hr_budget_charge raises it.
        if (slot->stop != NULL) return hr_raise_stop(L, slot, slot->stop, 1);
        return luaL_error(L, "the run was stopped");
    }
    case HR_PUSH_RESULTS: {
        hr_result_list *list = &hr_slot(L)->results;
        luaL_checkstack(L, list->count, "too many captures");
        hr_push_pieces(L, list->pieces, list->count);
        return list->pushed + list->count;
    }
    case HR_ARGUMENT_ERROR:
    case HR_TYPE_ERROR: {
        // Both values are popped first, so that an absent argument is still absent ("got no value"); the message
        // is copied because popping it leaves it to the collector.
        char message[160];
        int argument = (int)lua_tointeger(L, -2);
        snprintf(message, sizeof message, "%s", lua_tostring(L, -1));
        lua_pop(L, 2);
        if (results == HR_TYPE_ERROR) return luaL_typeerror(L, argument, message);
        return luaL_argerror(L, argument, message);
    }
    default:
        return lua_error(L);
    }
}

hr_result_list *hr_result_list_of(lua_State *L) {
    return &hr_slot(L)->results;
}

void hr_push_pieces(lua_State *L, const hr_piece *pieces, int count) {
    for (int i = 0; i < count; i++) {
        if (pieces[i].bytes == NULL) {
            lua_pushinteger(L, pieces[i].integer);
        } else {
            lua_pushlstring(L, pieces[i].bytes, pieces[i].length);
        }
    }
}

void hr_push_swift_function(lua_State *L, hr_swift_function fn, int nup) {
    lua_pushlightuserdata(L, (void *)fn);
    lua_insert(L, -(nup + 1));
    lua_pushcclosure(L, hr_swift_trampoline, nup + 1);
}

static void hr_state_hook(lua_State *L, lua_Debug *ar) {
    hr_hook_slot *slot = *(hr_hook_slot **)lua_getextraspace(L);
    if (slot == NULL) return;
    if (ar->event == LUA_HOOKLINE) {
        hr_count_line(L, slot, ar);
        return;
    }
    if (slot->check == NULL) return;
    int count = lua_gethookcount(L);
    const char *message = slot->check(slot->context, count);
    // Inside a hook, level 0 is the Lua function that was running.
    if (message != NULL) hr_raise_stop(L, slot, message, 0);
    if (count != slot->every) lua_sethook(L, hr_state_hook, LUA_MASKCOUNT | slot->line_mask, slot->every);
}

void hr_set_budget_hook(lua_State *L, hr_budget_check check, hr_budget_check poll, void *context, int every) {
    hr_hook_slot *slot = hr_slot(L);
    slot->check = check;
    slot->poll = poll;
    slot->context = context;
    slot->main_thread = L;
    slot->work = 0;
    slot->fault_source = NULL;
    slot->fault_line = 0;
    slot->every = every;
    slot->stop = NULL;
    lua_sethook(L, hr_state_hook, LUA_MASKCOUNT | slot->line_mask, every);
}

void hr_budget_tighten(lua_State *L, int every) {
    hr_hook_slot *slot = *(hr_hook_slot **)lua_getextraspace(L);
    if (slot == NULL || slot->check == NULL || every >= slot->every) return;
    slot->every = every < 1 ? 1 : every;
    lua_sethook(L, hr_state_hook, LUA_MASKCOUNT | slot->line_mask, 1);
}

void hr_note_fault(lua_State *L) {
    hr_hook_slot *slot = *(hr_hook_slot **)lua_getextraspace(L);
    if (slot != NULL && slot->check != NULL) hr_note_fault_in(L, slot);
}

void hr_clear_budget_hook(lua_State *L) {
    hr_hook_slot *slot = *(hr_hook_slot **)lua_getextraspace(L);
    if (slot != NULL) {
        slot->check = NULL;
        slot->poll = NULL;
        slot->context = NULL;
    }
    lua_sethook(L, NULL, 0, 0);
}

// Whether the run must stop after `units` more work (see hr_budget_try_charge); `slot` may be NULL.
static inline int hr_charge_slot(hr_hook_slot *slot, size_t units) {
    if (slot == NULL || slot->poll == NULL) return 0;
    if (slot->stop != NULL) return 1;
    slot->work += units;
    if (slot->work < HR_WORK_QUANTUM) return 0;
    slot->work = 0;
    const char *message = slot->poll(slot->context, 0);
    if (message == NULL) return 0;
    slot->stop = message;
    return 1;
}

int hr_budget_try_charge(lua_State *L, size_t units) {
    return hr_charge_slot(*(hr_hook_slot **)lua_getextraspace(L), units);
}

void hr_budget_charge(lua_State *L, size_t units) {
    hr_hook_slot *slot = *(hr_hook_slot **)lua_getextraspace(L);
    // Level 1: the Lua code that called the library function that is charging.
    if (hr_charge_slot(slot, units)) hr_raise_stop(L, slot, slot->stop, 1);
}

const char *hr_fault_source(lua_State *L) {
    hr_hook_slot *slot = *(hr_hook_slot **)lua_getextraspace(L);
    return slot == NULL ? NULL : slot->fault_source;
}

int hr_fault_line(lua_State *L) {
    hr_hook_slot *slot = *(hr_hook_slot **)lua_getextraspace(L);
    return slot == NULL ? 0 : slot->fault_line;
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
    hr_hook_slot *slot = *(hr_hook_slot **)lua_getextraspace(L);
    if (slot != NULL && slot->check != NULL) hr_note_fault_in(L, slot);  // only while a rule runs
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
