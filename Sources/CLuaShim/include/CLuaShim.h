// CLuaShim: the parts of the Lua 5.4 C API that Swift cannot import (function-like macros, LUA_REGISTRYINDEX,
// variadic functions) and the one thing Swift must never do itself: raise a Lua error. `lua_error` is a longjmp;
// if it crossed a Swift frame, Swift's cleanup (releases, defers, exclusivity bookkeeping) would be skipped.
// So Swift callbacks *return* a status and the C trampolines below raise. Every name is prefixed `hr_`.
// The shim makes no decisions: limits, budgets and policies live in Swift (module LuaRuntime).
#ifndef HOOKRULES_CLUASHIM_H
#define HOOKRULES_CLUASHIM_H

#include <lua.h>
#include <lualib.h>
#include <lauxlib.h>
#include <stdint.h>

// MARK: - Constants and function-like macros

static inline int hr_registry_index(void) { return LUA_REGISTRYINDEX; }
static inline int hr_upvalue_index(int i) { return lua_upvalueindex(i); }
static inline int hr_multret(void) { return LUA_MULTRET; }
static inline lua_Integer hr_maxinteger(void) { return LUA_MAXINTEGER; }
static inline lua_Integer hr_mininteger(void) { return LUA_MININTEGER; }

static inline void hr_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void hr_newtable(lua_State *L) { lua_newtable(L); }
static inline void hr_insert(lua_State *L, int idx) { lua_insert(L, idx); }
static inline void hr_remove(lua_State *L, int idx) { lua_remove(L, idx); }
static inline void hr_replace(lua_State *L, int idx) { lua_replace(L, idx); }
static inline int hr_isnoneornil(lua_State *L, int idx) { return lua_isnoneornil(L, idx); }
static inline const char *hr_tostring(lua_State *L, int idx) { return lua_tostring(L, idx); }
static inline void hr_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
static inline void **hr_extraspace(lua_State *L) { return (void **)lua_getextraspace(L); }
static inline int hr_gc_count_bytes(lua_State *L) {
    return lua_gc(L, LUA_GCCOUNT, 0) * 1024 + lua_gc(L, LUA_GCCOUNTB, 0);
}
static inline void hr_gc_collect(lua_State *L) { lua_gc(L, LUA_GCCOLLECT, 0); }
static inline void hr_gc_generational(lua_State *L, int minormul, int majormul) {
    lua_gc(L, LUA_GCGEN, minormul, majormul);
}

// MARK: - Swift functions callable from Lua

/// A Swift function exposed to Lua. It returns the number of results it pushed (>= 0), or `HR_RAISE` after pushing
/// one error value, which the trampoline then raises from C.
typedef int (*hr_swift_function)(lua_State *L);
#define HR_RAISE (-1)

/// Pushes a Lua closure that calls `fn`. Upvalue 1 holds `fn`; the `nup` values on top of the stack become
/// upvalues 2...nup+1 (read them with `hr_upvalue_index(i + 1)`).
void hr_push_swift_function(lua_State *L, hr_swift_function fn, int nup);

// MARK: - Instruction budget and deadline

/// Asked by the count hook whether the running chunk must stop, told how many VM instructions ran since the last
/// question (0 when asked between instructions). Returns NULL to continue, or a message; once it has returned a
/// message it must keep doing so until the hook is removed.
typedef const char *(*hr_budget_check)(void *context, int instructions);

/// Installs a count hook that calls `check(context, every)` every `every` VM instructions. When `check` answers with a
/// message, the hook re-arms itself to fire on every instruction and raises the message, so a `pcall` in the rule
/// cannot swallow the stop: the next instruction after the `pcall` raises again. Coroutines created afterwards
/// inherit the hook and share the check through the state's extra space.
///
/// `poll(context, 0)` is asked the same question by library functions that work between two instructions (see
/// `hr_budget_charge`). Installing the hook also forgets the previous run's fault location, charged work and
/// tightened interval.
///
/// The same hook also counts lines when a chunk was registered with `hr_count_lines_of` (line coverage): Lua has one
/// hook per state, so one C function serves both events. A state without registered chunks keeps the count mask
/// alone, and so pays nothing for coverage.
void hr_set_budget_hook(lua_State *L, hr_budget_check check, hr_budget_check poll, void *context, int every);
void hr_clear_budget_hook(lua_State *L);

/// Charges `units` of work done by a library function between two instructions (one unit is about one byte
/// scanned; a pattern-matching step or a table element costs more). Every 2^20 units the budget's `poll` is asked
/// whether the run may go on; when it answers with a message, that message is raised as the count hook would.
/// Does nothing while no budget hook is installed.
void hr_budget_charge(lua_State *L, size_t units);

/// Asks the count hook to fire at the next instruction and every `every` instructions from then on (when that is
/// fewer than now), for the rest of the run. The host calls it when the run allocates a big string or table: one VM
/// instruction on big operands (comparing two long strings) can take milliseconds, so the interval between two
/// checks of the deadline shrinks with the size of what the run handles. Safe to call from the allocator.
void hr_budget_tighten(lua_State *L, int every);

/// Records where the rule's own code is now as the run's fault (see `hr_fault_source`), when a rule is running and
/// none is recorded yet. The host calls it from the allocator when it refuses memory: such errors reach no message
/// handler and may be caught by the rule, so nothing else would record where they happened.
void hr_note_fault(lua_State *L);

/// Where the run's first fault happened in a rule's own code: the innermost frame of a chunk loaded as "@name" (a
/// rule script) when the budget first stopped the run or when the error that ended it was raised. NULL (and line 0)
/// when there was no such frame. The name is Lua's string for the chunk, valid as long as the state.
const char *hr_fault_source(lua_State *L);
int hr_fault_line(lua_State *L);

// MARK: - Bounded library

/// Pushes a table of library functions that answer to the budget (BoundedLibrary.c, BoundedPatterns.c): `find`,
/// `match`, `gmatch`, `gsub`, `concat`, `insert`, `remove`, `move`, `unpack`, and the wrappers `meter(f)` and
/// `wrap(f, "sort" | "rep")` for Lua's own C functions.
void hr_push_bounded_library(lua_State *L);

// MARK: - Line counts (coverage)

/// Registers the chunk loaded under `chunk_name` (as passed to `lua_load`, e.g. "@rules/shopify.lua") for line
/// counting and switches line events on for this state from the next `hr_set_budget_hook`. Returns the chunk's
/// counters, indexed by line (1...line_count; index 0 is unused), owned by the shim until `hr_closestate`; lines
/// beyond `line_count` are not counted. Returns NULL when memory runs out.
uint64_t *hr_count_lines_of(lua_State *L, const char *chunk_name, int line_count);

// MARK: - Protected calls

/// `lua_pcall` with a message handler that records `luaL_traceback` in the registry (see `hr_take_traceback`)
/// and leaves the error value itself untouched.
int hr_pcall_traceback(lua_State *L, int nargs, int nresults);

/// Pushes the traceback of the last failed `hr_pcall_traceback` (or nil) and clears it.
void hr_take_traceback(lua_State *L);

/// A new state using `alloc`, with a panic handler that names the error before aborting.
lua_State *hr_newstate(lua_Alloc alloc, void *ud);

/// Closes a state made by `hr_newstate` and frees the shim's own per-state memory.
void hr_closestate(lua_State *L);

#endif
