/*
 * Shared by the libFuzzer targets (doc/fuzzing.md): the entry point's
 * prototype, an assertion that turns a broken invariant into a finding,
 * the input layout of the targets that feed several parsers, and scratch
 * files for the parsers that only take a path.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* libFuzzer calls it once per input; @data is only valid during the call. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints "FILE:LINE: invariant broken: EXPR" and aborts: libFuzzer saves the input. */
__attribute__((noreturn))
void fuzz_fail(const char *file, int line, const char *expr);

#define fuzz_assert(expr) ((expr) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #expr))

/*
 * One of the parsers of a target that feeds several: @buf and @len are the
 * input after the two selector bytes, @param the second of them.
 */
typedef void fuzz_parse_fn(const uint8_t *buf, size_t len, unsigned param);

/*
 * The input of a target that feeds several parsers: byte 0 of @data picks
 * one of the @n @parsers (modulo @n), byte 1 is its parameter (an opcode,
 * an output size, a range) and the rest is its input, passed on exactly
 * those bytes so that ASan sees any read past them. An input shorter than
 * two bytes feeds none.
 */
void fuzz_pick(const uint8_t *data, size_t size, fuzz_parse_fn *const *parsers, size_t n);

/* LLVMFuzzerTestOneInput(): fuzz_pick() among the array @parsers, by index. */
#define FUZZ_PICK_TARGET(parsers) \
	int \
	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) \
	{ \
		fuzz_pick(data, size, (parsers), sizeof(parsers) / sizeof((parsers)[0])); \
		return 0; \
	}

/*
 * A directory under $BURNFS_FUZZ_TMPDIR, else /dev/shm (memory), else $TMPDIR,
 * else /tmp, made once per process and removed
 * with its files at exit; aborts when it cannot be made. The string is
 * owned by fuzz.c.
 */
const char *fuzz_scratch_dir(void);

/*
 * Writes @len bytes at @data to @name in fuzz_scratch_dir() (replacing it)
 * and returns its path, malloc'ed: the caller frees it. Aborts on failure.
 */
char *fuzz_scratch_file(const char *name, const void *data, size_t len);
