#include "CLuaShim.h"

#include <stdio.h>
#include <stdlib.h>

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

typedef struct hr_budget_slot {
    hr_budget_check check;
    void *context;
} hr_budget_slot;

static void hr_budget_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    hr_budget_slot *slot = *(hr_budget_slot **)lua_getextraspace(L);
    if (slot == NULL || slot->check == NULL) return;
    const char *message = slot->check(slot->context);
    if (message != NULL) {
        lua_sethook(L, hr_budget_hook, LUA_MASKCOUNT, 1);
        luaL_where(L, 0);  // inside a hook, level 0 is the Lua function that was running
        lua_pushstring(L, message);
        lua_concat(L, 2);
        lua_error(L);
    }
}

void hr_set_budget_hook(lua_State *L, hr_budget_check check, void *context, int every) {
    hr_budget_slot **place = (hr_budget_slot **)lua_getextraspace(L);
    if (*place == NULL) {
        *place = (hr_budget_slot *)calloc(1, sizeof(hr_budget_slot));
        if (*place == NULL) abort();
    }
    (*place)->check = check;
    (*place)->context = context;
    lua_sethook(L, hr_budget_hook, LUA_MASKCOUNT, every);
}

void hr_clear_budget_hook(lua_State *L) {
    hr_budget_slot *slot = *(hr_budget_slot **)lua_getextraspace(L);
    if (slot != NULL) {
        slot->check = NULL;
        slot->context = NULL;
    }
    lua_sethook(L, NULL, 0, 0);
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
    void *slot = *(void **)lua_getextraspace(L);
    lua_close(L);
    free(slot);
}
