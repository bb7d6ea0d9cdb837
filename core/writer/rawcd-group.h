/*
 * A group of raw writers burning one stream (doc/design.md §2.6): every
 * member gets the same bytes through its own FIFO and writer thread; a
 * member that cannot start is skipped, one that fails is dropped, each
 * with its own reason, and the others go on. The group never holds more
 * than the members' FIFOs: a write returns when every member took it, so
 * the slowest member paces the stream.
 *
 * The session calls mirror rawcd's (rawcd_session_begin() and friends)
 * and are made by one writer at a time (the mount's sink lock).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "rawcd.h"

#define RAWCD_GROUP_MAX 16	/* members of one group */
#define RAWCD_GROUP_NAME_MAX 64	/* a member's name, with its NUL */

/* Where a member stands in the group's current or last session. */
enum rawcd_member_state {
	RAWCD_MEMBER_NONE,	/* no session since the mount */
	RAWCD_MEMBER_SKIPPED,	/* could not start: its reason says why */
	RAWCD_MEMBER_WRITING,	/* in the session now */
	RAWCD_MEMBER_FAILED,	/* started and failed: its reason says how */
	RAWCD_MEMBER_DONE,	/* burned the whole stream */
};

struct rawcd_group;

/*
 * A group of the @n writers @ws, named @names (borrowed writers, copied
 * names; each 1 to RAWCD_GROUP_NAME_MAX - 1 bytes). 0 or -errno.
 */
int rawcd_group_create(struct rawcd *const *ws, const char *const *names, size_t n,
		       struct rawcd_group **out, struct burn_error *err);
void rawcd_group_destroy(struct rawcd_group *g);

size_t rawcd_group_size(const struct rawcd_group *g);
struct rawcd *rawcd_group_member(const struct rawcd_group *g, size_t i);
const char *rawcd_group_member_name(const struct rawcd_group *g, size_t i);

/* The state of member @i in the current or last session, and its reason (may be NULL). */
enum rawcd_member_state rawcd_group_member_state(struct rawcd_group *g, size_t i,
						 struct burn_error *why);
const char *rawcd_member_state_name(enum rawcd_member_state s);

/*
 * Opens a session named @name on every member (rawcd_session_begin()); a
 * member with a session open elsewhere is skipped. Fails only when no
 * member could begin; end it with rawcd_group_session_end() either way.
 */
int rawcd_group_session_begin(struct rawcd_group *g, const char *name, struct burn_error *err);

/*
 * Prepares every member that began (rawcd_session_prepare()); one whose
 * medium or drive refuses is skipped with its reason and its session
 * ended. Fails only when no member is left; the reason then names each.
 */
int rawcd_group_session_prepare(struct rawcd_group *g, struct burn_error *err);

/*
 * Hands @len bytes of the stream to every member still writing, in turn
 * (each may block while its FIFO is full). A member that fails is dropped
 * and its session ended. Returns @len while a member is writing, else the
 * failure that ended the last one.
 */
ssize_t rawcd_group_write(struct rawcd_group *g, const void *buf, size_t len, struct burn_error *err);

/* rawcd_flush() on every member still writing; fails when any member has failed. */
int rawcd_group_flush(struct rawcd_group *g, bool end_if_complete, struct burn_error *err);

/*
 * Ends the session on every member (rawcd_session_end() with @ret). The
 * result is 0 only when every member that started completed; otherwise
 * the first failed member's result, with a reason naming each failure.
 */
int rawcd_group_session_end(struct rawcd_group *g, int ret, struct burn_error *err);

/* Whether a session is open on the group. */
bool rawcd_group_in_session(struct rawcd_group *g);

/*
 * The last session's outcome over the group, as rawcd_last_burn(): false
 * when there was none.
 */
bool rawcd_group_last_burn(struct rawcd_group *g, struct burn_error *e);
