// The C library's functions Swift cannot import (see CLuaShim.h).

#define _GNU_SOURCE
#include <string.h>

#include "CLuaShim.h"

const void *hr_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}
