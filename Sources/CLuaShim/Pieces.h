// Shared by the shim's C files, not part of the module's interface.
#ifndef HOOKRULES_PIECES_H
#define HOOKRULES_PIECES_H

#include "include/CLuaShim.h"

/// Pushes one value per piece (the caller has made room for them); may raise (memory).
void hr_push_pieces(lua_State *L, const hr_piece *pieces, int count);

#endif
