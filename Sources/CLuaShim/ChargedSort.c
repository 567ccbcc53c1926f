// table.sort made answerable to the budget (see hr_charged_sort in CLuaShim.h). The sorting stays Lua's own; only
// its comparisons pass through here, each charged before it runs.

#include "CLuaShim.h"

// The comparator Lua's sort calls: upvalue 1 is the rule's comparator (nil for `<`).
static int hr_charged_compare(lua_State *L) {
    hr_budget_charge(L, HR_ELEMENT_COST);
    if (lua_isnil(L, lua_upvalueindex(1))) {
        lua_pushboolean(L, lua_compare(L, 1, 2, LUA_OPLT));
    } else {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_pushvalue(L, 1);
        lua_pushvalue(L, 2);
        lua_call(L, 2, 1);
        lua_pushboolean(L, lua_toboolean(L, -1));
    }
    return 1;
}

int hr_charged_sort(lua_State *L) {
    lua_CFunction sort = lua_tocfunction(L, lua_upvalueindex(1));
    if (lua_gettop(L) < 2) lua_settop(L, 2);
    int comparator = lua_type(L, 2);
    if (comparator == LUA_TNIL || comparator == LUA_TFUNCTION) {
        lua_pushvalue(L, 2);
        lua_pushcclosure(L, hr_charged_compare, 1);
        lua_replace(L, 2);
    }
    return sort(L);
}
