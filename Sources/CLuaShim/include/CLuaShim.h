// CLuaShim: the parts of the Lua 5.4 C API that Swift cannot import (function-like macros, LUA_REGISTRYINDEX,
// variadic functions) and the one thing Swift must never do itself: raise a Lua error. `lua_error` is a longjmp;
// if it crossed a Swift frame, Swift's cleanup (releases, defers, exclusivity bookkeeping) would be skipped.
// So Swift callbacks *return* a status and the C trampolines below raise, and the Lua operations that may raise
// (allocating, running a metamethod) run under `lua_pcall` here and hand Swift a status. Every name is prefixed
// `hr_`. The shim makes no decisions: limits, budgets, library semantics and policies live in Swift (module
// LuaRuntime).
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

/// A Swift function exposed to Lua. It returns the number of results it pushed (>= 0), or one of the statuses below,
/// which the trampoline then acts on from C, after the Swift frame has returned.
typedef int (*hr_swift_function)(lua_State *L);
/// Raise the value on top of the stack.
#define HR_RAISE (-1)
/// Raise the run's stop: the budget answered that the run must end (see `hr_budget_try_charge`).
#define HR_STOP (-2)
/// `luaL_argerror(L, arg, message)`, with the argument's number and the message (a string, at most 159 bytes) on top
/// of the stack.
#define HR_ARGUMENT_ERROR (-3)
/// `luaL_typeerror(L, arg, expected)`, with the argument's number and the expected type's name on top of the stack.
#define HR_TYPE_ERROR (-4)
/// Call the C function in upvalue 2 in this same call frame, on the arguments as they are, and return what it returns:
/// a wrapper that only had to charge the budget first. Its argument errors then name it as Lua names its own.
#define HR_PROCEED (-5)
/// Push the values the function described in the state's result list (`hr_result_list`) and return them, after the
/// `pushed` results it pushed itself. Pushing allocates, so it is the trampoline's to do.
#define HR_PUSH_RESULTS (-6)

/// One value to push: the `length` bytes at `bytes` as a string, or, when `bytes` is NULL, the integer `integer`.
typedef struct hr_piece {
    const char *bytes;
    size_t length;
    lua_Integer integer;
} hr_piece;

/// The most values a result list holds: LUA_MAXCAPTURES, the captures of one match.
#define HR_MAX_RESULTS 32

/// Values a Swift function describes for its trampoline to push (`HR_PUSH_RESULTS`): `count` pieces, returned after
/// the `pushed` values already on top of the stack. The bytes must stay valid until the trampoline has pushed them.
typedef struct hr_result_list {
    int pushed;
    int count;
    hr_piece pieces[HR_MAX_RESULTS];
} hr_result_list;

/// The state's result list, shared by its coroutines: a function fills it just before it returns.
hr_result_list *hr_result_list_of(lua_State *L);

/// Pushes a Lua closure that calls `fn`. Upvalue 1 holds `fn`; the `nup` values on top of the stack become
/// upvalues 2...nup+1 (read them with `hr_upvalue_index(i + 1)`). Allocates: for the host while it builds a state.
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

/// `hr_budget_charge` for Swift, which must not raise: returns 0 when the run may go on, 1 when it must stop. The
/// stop is then recorded, every later charge answers 1 at once, and the Swift function returns `HR_STOP` for its
/// trampoline to raise it.
int hr_budget_try_charge(lua_State *L, size_t units);

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

// MARK: - Lua operations that may raise, for Swift

/// Each runs one operation of the Lua API that may raise an error (it allocates, or it may run a metamethod) under
/// `lua_pcall`, so that Swift can ask for it without a longjmp crossing a Swift frame. Each returns LUA_OK, or the
/// error's status with the error value on top of the stack, which the Swift function hands back to its trampoline
/// to raise (`HR_RAISE`). Each needs three free stack slots beyond what it pushes.

/// Pushes t[i] (`lua_geti`), t being the value at `index`.
int hr_protected_geti(lua_State *L, int index, lua_Integer i);
/// Sets t[i] (`lua_seti`) to the value on top, which it pops.
int hr_protected_seti(lua_State *L, int index, lua_Integer i);
/// Sets t[first], t[first + step], ... (`lua_seti`, in that order) to the `count` values on top of the stack, the
/// deepest first, and pops them: a batch of writes in one protected call (`count` + 4 free slots).
int hr_protected_seti_range(lua_State *L, int index, lua_Integer first, lua_Integer step, int count);
/// Pushes the length of the value at `index` (`lua_len`).
int hr_protected_len(lua_State *L, int index);
/// Pushes whether the values at `a` and `b` are equal (`lua_compare` with LUA_OPEQ), as a boolean.
int hr_protected_equal(lua_State *L, int a, int b);
/// Replaces the number at `index` with its string form (`lua_tolstring`); pushes nothing.
int hr_protected_tostring(lua_State *L, int index);

/// Pushes `count` values, one per piece (`count` more stack slots).
int hr_protected_push(lua_State *L, const hr_piece *pieces, int count);
/// Pushes f(pieces...) (one result), f being the value at `index`: the pieces pushed and the call made in one
/// protected call.
int hr_protected_call_with(lua_State *L, int index, const hr_piece *pieces, int count);
/// Pushes t[piece] (`lua_gettable`), t being the value at `index`.
int hr_protected_index_with(lua_State *L, int index, const hr_piece *piece);
/// Pops `nup` values and pushes a C closure of `fn` with them as upvalues (`lua_pushcclosure`).
int hr_protected_closure(lua_State *L, lua_CFunction fn, int nup);
/// Pops `nup` values and pushes a closure of the Swift function `fn` with them as upvalues 2...nup+1 (see
/// `hr_push_swift_function`).
int hr_protected_swift_function(lua_State *L, hr_swift_function fn, int nup);

// MARK: - table.sort, charged

/// Budget units of one table element moved, read or compared by the bounded table functions (one element may call a
/// metamethod). Defined here, for Swift's table functions and the sort comparator below alike, because the
/// comparator runs once per comparison, where reading the cost from an upvalue would be a call into Lua each time.
#define HR_ELEMENT_COST 64

/// table.sort(t [, comp]) made answerable to the budget: Lua's own sort (upvalue 1) runs in this call frame with a
/// comparator that charges HR_ELEMENT_COST units per comparison, then compares as the rule's `comp` (or `<`) does. An argument 2 that is neither nil nor a function is passed on as it is, for Lua's sort to
/// refuse as it does. Written in C because the comparator sits between two Lua calls that may raise: Lua's sort
/// calls it, and it calls the rule's comparator or a `__lt` metamethod.
int hr_charged_sort(lua_State *L);

// MARK: - The C library

/// `memmem`: glibc declares it only for _GNU_SOURCE, which Swift's Glibc module is not built with.
const void *hr_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

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
