#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"
#include "strbuf.h"

void
strbuf_init(struct strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void
strbuf_free(struct strbuf *sb)
{
	free(sb->data);
	strbuf_init(sb);
}

void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->err = 0;
	if (sb->data)
		sb->data[0] = '\0';
}

static int
grow(struct strbuf *sb, size_t need)
{
	size_t cap = sb->cap ? sb->cap : 256;
	char *p;

	if (sb->err)
		return sb->err;
	if (sb->len + need + 1 <= sb->cap)
		return 0;
	while (cap < sb->len + need + 1)
		cap *= 2;
	p = realloc(sb->data, cap);
	if (!p)
		return sb->err = -ENOMEM;
	sb->data = p;
	sb->cap = cap;
	return 0;
}

void
strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
	if (grow(sb, n) < 0)
		return;
	memcpy(sb->data + sb->len, s, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

void
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(sb, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void
strbuf_add_text(struct strbuf *sb, const char *s)
{
	size_t size = 4 * strlen(s) + 1;
	char *clean = malloc(size);

	if (!clean) {
		sb->err = -ENOMEM;
		return;
	}
	strbuf_add(sb, clean, burn_text_printable(clean, size, s));
	free(clean);
}

size_t
strbuf_read_at(const struct strbuf *sb, char *buf, size_t size, long long off)
{
	if (off < 0 || (unsigned long long)off >= sb->len)
		return 0;
	if (size > sb->len - (size_t)off)
		size = sb->len - (size_t)off;
	memcpy(buf, sb->data + off, size);
	return size;
}
