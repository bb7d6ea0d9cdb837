/* A growable text buffer for rendering attribute files. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *data;	/* NUL-terminated; owned by the strbuf */
	size_t len;
	size_t cap;
	int err;	/* -ENOMEM once an append failed; later appends are no-ops */
};

void strbuf_init(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_add(struct strbuf *sb, const char *s, size_t n);
/*
 * Appends @s, which came from outside (a drive, a path, another program),
 * as one line of printable text: see burn_text_printable().
 */
void strbuf_add_text(struct strbuf *sb, const char *s);

/* Copies up to @size bytes of @sb from @off (>= 0) into @buf, as read(2) would; returns the count. */
size_t strbuf_read_at(const struct strbuf *sb, char *buf, size_t size, long long off);
