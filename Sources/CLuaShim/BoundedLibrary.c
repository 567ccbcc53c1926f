// Library functions that can run long without executing a Lua instruction, made answerable to the run's budget.
//
// The count hook only fires between VM instructions, and a library function is one instruction however long it
// runs. Most functions do work proportional to a string or table that already passed the memory cap, but a few loop
// over a range the caller chooses (table.move over 2^31 nils, table.concat over a C __index) or scan a large string
// without allocating (utf8.len), and a rule can call one of those in a tight loop. So:
//  - the loops of table.concat, insert, remove, move and unpack are written here, with the same checks, results and
//    messages as Lua 5.4's ltablib.c, and charge every element to the budget;
//  - table.sort stays Lua's own, but every comparison goes through a comparator that charges the budget;
//  - string.rep answers an empty result itself (Lua's loop copies zero bytes n times: 1e10 iterations for ("")
//    :rep(1e10));
//  - the scanning functions (string.byte, utf8.len, tonumber, ...) charge the length of their string arguments
//    before running, and run in the same call frame so their error messages name them exactly as Lua does.
// Charges accumulate in the shim's per-state slot; every HR_WORK_QUANTUM units the host is asked whether the run may
// go on (hr_budget_charge in CLuaShim.c).

#include "BoundedLibrary.h"

#include <limits.h>
#include <string.h>

// Budget units of one element moved, read or compared (one element may call a metamethod).
#define HR_ELEMENT_COST 64

// What a table argument must support when it is not a table (as in ltablib.c: a value whose metatable has the
// metamethods the function uses behaves like a table).
#define HR_TABLE_READ 1
#define HR_TABLE_WRITE 2
#define HR_TABLE_LENGTH 4

static int hr_has_field(lua_State *L, const char *key, int n) {
    lua_pushstring(L, key);
    return lua_rawget(L, -n) != LUA_TNIL;
}

static void hr_check_table(lua_State *L, int arg, int what) {
    if (lua_type(L, arg) == LUA_TTABLE) return;
    int pushed = 1;
    if (lua_getmetatable(L, arg) && (!(what & HR_TABLE_READ) || hr_has_field(L, "__index", ++pushed)) &&
        (!(what & HR_TABLE_WRITE) || hr_has_field(L, "__newindex", ++pushed)) &&
        (!(what & HR_TABLE_LENGTH) || hr_has_field(L, "__len", ++pushed))) {
        lua_pop(L, pushed);
    } else {
        luaL_checktype(L, arg, LUA_TTABLE);  // raises "table expected"
    }
}

static lua_Integer hr_checked_length(lua_State *L, int arg, int what) {
    hr_check_table(L, arg, what | HR_TABLE_LENGTH);
    return luaL_len(L, arg);
}

static void hr_add_concat_field(lua_State *L, luaL_Buffer *b, lua_Integer i) {
    lua_geti(L, 1, i);
    if (!lua_isstring(L, -1)) {
        luaL_error(L, "invalid value (%s) at index %I in table for 'concat'", luaL_typename(L, -1), (lua_Integer)i);
    }
    luaL_addvalue(b);
}

static int hr_table_concat(lua_State *L) {
    luaL_Buffer b;
    lua_Integer last = hr_checked_length(L, 1, HR_TABLE_READ);
    size_t separator_length;
    const char *separator = luaL_optlstring(L, 2, "", &separator_length);
    lua_Integer i = luaL_optinteger(L, 3, 1);
    last = luaL_optinteger(L, 4, last);
    luaL_buffinit(L, &b);
    for (; i < last; i++) {
        hr_add_concat_field(L, &b, i);
        luaL_addlstring(&b, separator, separator_length);
        hr_budget_charge(L, HR_ELEMENT_COST);
    }
    if (i == last) hr_add_concat_field(L, &b, i);
    luaL_pushresult(&b);
    return 1;
}

static int hr_table_insert(lua_State *L) {
    lua_Integer first_empty = (lua_Integer)((lua_Unsigned)hr_checked_length(L, 1, HR_TABLE_READ | HR_TABLE_WRITE) + 1u);
    lua_Integer position;
    switch (lua_gettop(L)) {
    case 2:
        position = first_empty;
        break;
    case 3:
        position = luaL_checkinteger(L, 2);
        luaL_argcheck(L, (lua_Unsigned)position - 1u < (lua_Unsigned)first_empty, 2, "position out of bounds");
        for (lua_Integer i = first_empty; i > position; i--) {  // move the elements up
            lua_geti(L, 1, i - 1);
            lua_seti(L, 1, i);
            hr_budget_charge(L, HR_ELEMENT_COST);
        }
        break;
    default:
        return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, position);
    return 0;
}

static int hr_table_remove(lua_State *L) {
    lua_Integer size = hr_checked_length(L, 1, HR_TABLE_READ | HR_TABLE_WRITE);
    lua_Integer position = luaL_optinteger(L, 2, size);
    if (position != size) {
        // Argument 1, as Lua 5.4 names it in this message.
        luaL_argcheck(L, (lua_Unsigned)position - 1u <= (lua_Unsigned)size, 1, "position out of bounds");
    }
    lua_geti(L, 1, position);
    for (; position < size; position++) {  // move the elements down
        lua_geti(L, 1, position + 1);
        lua_seti(L, 1, position);
        hr_budget_charge(L, HR_ELEMENT_COST);
    }
    lua_pushnil(L);
    lua_seti(L, 1, position);
    return 1;
}

static int hr_table_move(lua_State *L) {
    lua_Integer from = luaL_checkinteger(L, 2);
    lua_Integer end = luaL_checkinteger(L, 3);
    lua_Integer to = luaL_checkinteger(L, 4);
    int destination = !lua_isnoneornil(L, 5) ? 5 : 1;
    hr_check_table(L, 1, HR_TABLE_READ);
    hr_check_table(L, destination, HR_TABLE_WRITE);
    if (end >= from) {
        luaL_argcheck(L, from > 0 || end < LUA_MAXINTEGER + from, 3, "too many elements to move");
        lua_Integer count = end - from + 1;
        luaL_argcheck(L, to <= LUA_MAXINTEGER - count + 1, 4, "destination wrap around");
        if (to > end || to <= from || (destination != 1 && !lua_compare(L, 1, destination, LUA_OPEQ))) {
            for (lua_Integer i = 0; i < count; i++) {
                lua_geti(L, 1, from + i);
                lua_seti(L, destination, to + i);
                hr_budget_charge(L, HR_ELEMENT_COST);
            }
        } else {  // overlapping, moving up: from the end
            for (lua_Integer i = count - 1; i >= 0; i--) {
                lua_geti(L, 1, from + i);
                lua_seti(L, destination, to + i);
                hr_budget_charge(L, HR_ELEMENT_COST);
            }
        }
    }
    lua_pushvalue(L, destination);
    return 1;
}

static int hr_table_unpack(lua_State *L) {
    lua_Integer i = luaL_optinteger(L, 2, 1);
    lua_Integer last = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);
    if (i > last) return 0;
    lua_Unsigned count = (lua_Unsigned)last - (lua_Unsigned)i;  // one less than the number of results
    if (count >= (unsigned int)INT_MAX || !lua_checkstack(L, (int)(++count))) {
        return luaL_error(L, "too many results to unpack");
    }
    for (; i < last; i++) {
        lua_geti(L, 1, i);
        hr_budget_charge(L, HR_ELEMENT_COST);
    }
    lua_geti(L, 1, last);
    return (int)count;
}

// table.sort's comparator: the rule's (upvalue 1), or `<` when there is none, charged to the budget.
static int hr_sort_compare(lua_State *L) {
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

// table.sort(t [, comp]): Lua's own sort (upvalue 1), called in this frame, with every comparison charged. A second
// argument that is neither nil nor a function is passed on as it is, for Lua's sort to refuse as it does.
static int hr_table_sort(lua_State *L) {
    lua_CFunction sort = lua_tocfunction(L, lua_upvalueindex(1));
    if (lua_gettop(L) < 2) lua_settop(L, 2);
    int comparator = lua_type(L, 2);
    if (comparator == LUA_TNIL || comparator == LUA_TFUNCTION) {
        lua_pushvalue(L, 2);
        lua_pushcclosure(L, hr_sort_compare, 1);
        lua_replace(L, 2);
    }
    return sort(L);
}

// string.rep(s, n [, sep]): "" when every copy and separator is empty, else Lua's own (upvalue 1), in this frame.
static int hr_string_rep(lua_State *L) {
    size_t length, separator_length;
    luaL_checklstring(L, 1, &length);
    lua_Integer count = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &separator_length);
    if (count > 0 && length == 0 && separator_length == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

// A library function (upvalue 1, a C function without upvalues) charged for the length of its string arguments,
// then run in this call frame: argument errors name it exactly as when it is called directly.
static int hr_metered_call(lua_State *L) {
    int count = lua_gettop(L);
    size_t units = (size_t)count;
    for (int i = 1; i <= count; i++) {
        if (lua_type(L, i) == LUA_TSTRING) units += lua_rawlen(L, i);
    }
    hr_budget_charge(L, units);
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

// meter(f): f charged for its string arguments (see hr_metered_call); f must be a C function without upvalues.
static int hr_meter(lua_State *L) {
    luaL_argcheck(L, lua_iscfunction(L, 1) && !lua_getupvalue(L, 1, 1), 1, "a C function without upvalues");
    lua_settop(L, 1);
    lua_pushcclosure(L, hr_metered_call, 1);
    return 1;
}

// wrap(f, kind): Lua's own f made answerable to the budget the way `kind` ("sort", "rep") needs.
static int hr_wrap(lua_State *L) {
    luaL_argcheck(L, lua_iscfunction(L, 1) && !lua_getupvalue(L, 1, 1), 1, "a C function without upvalues");
    const char *kind = luaL_checkstring(L, 2);
    lua_settop(L, 1);
    if (strcmp(kind, "sort") == 0) {
        lua_pushcclosure(L, hr_table_sort, 1);
    } else if (strcmp(kind, "rep") == 0) {
        lua_pushcclosure(L, hr_string_rep, 1);
    } else {
        return luaL_argerror(L, 2, "unknown kind");
    }
    return 1;
}

void hr_push_bounded_library(lua_State *L) {
    static const luaL_Reg functions[] = {
        {"find", hr_string_find},
        {"match", hr_string_match},
        {"gmatch", hr_string_gmatch},
        {"gsub", hr_string_gsub},
        {"concat", hr_table_concat},
        {"insert", hr_table_insert},
        {"remove", hr_table_remove},
        {"move", hr_table_move},
        {"unpack", hr_table_unpack},
        {"meter", hr_meter},
        {"wrap", hr_wrap},
        {NULL, NULL},
    };
    luaL_newlib(L, functions);
}
