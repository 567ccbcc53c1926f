// The shim's bounded library functions, shared by its C files (not part of the module's interface: Swift reaches
// them through hr_push_bounded_library in CLuaShim.h).
#ifndef HOOKRULES_BOUNDED_LIBRARY_H
#define HOOKRULES_BOUNDED_LIBRARY_H

#include "include/CLuaShim.h"

int hr_string_find(lua_State *L);
int hr_string_match(lua_State *L);
int hr_string_gmatch(lua_State *L);
int hr_string_gsub(lua_State *L);

#endif
