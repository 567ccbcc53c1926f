// The Lua operations Swift may need but must not run itself, because they may raise: each body below is one call of
// the Lua API, run under lua_pcall so that an error comes back to Swift as a status (see CLuaShim.h).

#include "CLuaShim.h"
#include "Pieces.h"

// Each body finds its operands as arguments: the value to work on first, then the rest.

static int hr_geti_body(lua_State *L) {
    lua_geti(L, 1, lua_tointeger(L, 2));
    return 1;
}

static int hr_seti_body(lua_State *L) {
    lua_seti(L, 1, lua_tointeger(L, 2));
    return 0;
}

static int hr_seti_range_body(lua_State *L) {
    lua_Integer first = lua_tointeger(L, 2), step = lua_tointeger(L, 3);
    int count = lua_gettop(L) - 3;
    for (int i = 0; i < count; i++) {
        lua_pushvalue(L, 4 + i);
        lua_seti(L, 1, first + i * step);
    }
    return 0;
}

static int hr_len_body(lua_State *L) {
    lua_len(L, 1);
    return 1;
}

static int hr_equal_body(lua_State *L) {
    lua_pushboolean(L, lua_compare(L, 1, 2, LUA_OPEQ));
    return 1;
}

static int hr_tostring_body(lua_State *L) {
    lua_tolstring(L, 1, NULL);
    return 1;
}

static int hr_push_body(lua_State *L) {
    const hr_piece *pieces = (const hr_piece *)lua_touserdata(L, 1);
    int count = (int)lua_tointeger(L, 2);
    luaL_checkstack(L, count, NULL);
    hr_push_pieces(L, pieces, count);
    return count;
}

static int hr_call_with_body(lua_State *L) {
    const hr_piece *pieces = (const hr_piece *)lua_touserdata(L, 2);
    int count = (int)lua_tointeger(L, 3);
    lua_settop(L, 1);  // the function
    luaL_checkstack(L, count, "too many captures");
    hr_push_pieces(L, pieces, count);
    lua_call(L, count, 1);
    return 1;
}

static int hr_index_with_body(lua_State *L) {
    hr_push_pieces(L, (const hr_piece *)lua_touserdata(L, 2), 1);
    lua_gettable(L, 1);
    return 1;
}

static int hr_closure_body(lua_State *L) {
    lua_CFunction fn = lua_tocfunction(L, 1);
    lua_remove(L, 1);
    lua_pushcclosure(L, fn, lua_gettop(L));
    return 1;
}

static int hr_swift_function_body(lua_State *L) {
    hr_swift_function fn = (hr_swift_function)lua_touserdata(L, 1);
    lua_remove(L, 1);
    hr_push_swift_function(L, fn, lua_gettop(L));
    return 1;
}

int hr_protected_geti(lua_State *L, int index, lua_Integer i) {
    index = lua_absindex(L, index);
    lua_pushcfunction(L, hr_geti_body);
    lua_pushvalue(L, index);
    lua_pushinteger(L, i);
    return lua_pcall(L, 2, 1, 0);
}

int hr_protected_seti(lua_State *L, int index, lua_Integer i) {
    index = lua_absindex(L, index);
    lua_pushcfunction(L, hr_seti_body);
    lua_pushvalue(L, index);
    lua_pushinteger(L, i);
    lua_rotate(L, -4, -1);  // the value, below the three just pushed, becomes the last argument
    return lua_pcall(L, 3, 0, 0);
}

int hr_protected_seti_range(lua_State *L, int index, lua_Integer first, lua_Integer step, int count) {
    index = lua_absindex(L, index);
    lua_pushcfunction(L, hr_seti_range_body);
    lua_pushvalue(L, index);
    lua_pushinteger(L, first);
    lua_pushinteger(L, step);
    lua_rotate(L, -(count + 4), 4);  // the body and its three arguments below the values
    return lua_pcall(L, count + 3, 0, 0);
}

int hr_protected_len(lua_State *L, int index) {
    index = lua_absindex(L, index);
    lua_pushcfunction(L, hr_len_body);
    lua_pushvalue(L, index);
    return lua_pcall(L, 1, 1, 0);
}

int hr_protected_equal(lua_State *L, int a, int b) {
    a = lua_absindex(L, a);
    b = lua_absindex(L, b);
    lua_pushcfunction(L, hr_equal_body);
    lua_pushvalue(L, a);
    lua_pushvalue(L, b);
    return lua_pcall(L, 2, 1, 0);
}

int hr_protected_tostring(lua_State *L, int index) {
    index = lua_absindex(L, index);
    lua_pushcfunction(L, hr_tostring_body);
    lua_pushvalue(L, index);
    int status = lua_pcall(L, 1, 1, 0);
    if (status == LUA_OK) lua_replace(L, index);
    return status;
}

int hr_protected_push(lua_State *L, const hr_piece *pieces, int count) {
    lua_pushcfunction(L, hr_push_body);
    lua_pushlightuserdata(L, (void *)pieces);
    lua_pushinteger(L, count);
    return lua_pcall(L, 2, count, 0);
}

int hr_protected_call_with(lua_State *L, int index, const hr_piece *pieces, int count) {
    index = lua_absindex(L, index);
    lua_pushcfunction(L, hr_call_with_body);
    lua_pushvalue(L, index);
    lua_pushlightuserdata(L, (void *)pieces);
    lua_pushinteger(L, count);
    return lua_pcall(L, 3, 1, 0);
}

int hr_protected_index_with(lua_State *L, int index, const hr_piece *piece) {
    index = lua_absindex(L, index);
    lua_pushcfunction(L, hr_index_with_body);
    lua_pushvalue(L, index);
    lua_pushlightuserdata(L, (void *)piece);
    return lua_pcall(L, 2, 1, 0);
}

int hr_protected_closure(lua_State *L, lua_CFunction fn, int nup) {
    lua_pushcfunction(L, hr_closure_body);
    lua_pushcfunction(L, fn);
    lua_rotate(L, -(nup + 2), 2);  // the body, then fn, below the upvalues
    return lua_pcall(L, nup + 1, 1, 0);
}

int hr_protected_swift_function(lua_State *L, hr_swift_function fn, int nup) {
    lua_pushcfunction(L, hr_swift_function_body);
    lua_pushlightuserdata(L, (void *)fn);
    lua_rotate(L, -(nup + 2), 2);  // the body, then fn, below the upvalues
    return lua_pcall(L, nup + 1, 1, 0);
}
