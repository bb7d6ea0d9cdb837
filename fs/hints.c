#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hints.h"
#include "rawcd-types.h"

static const struct {
	enum burn_result result;
	const char *core;	/* the writer's reason (RAWCD_WHY_*) */
	bool ending;		/* the reason ends with it, rather than being it */
	const char *hint;	/* what the mount adds */
} hints[] = {
	{ BURN_E_REQUEST_CANCELLED, RAWCD_WHY_CANCELLED, false,
	  " (ctl cancel, or a stop request to the daemon)" },
	{ BURN_E_MEDIA_IS_NOT_PREPARED, RAWCD_WHY_NOT_PREPARED, false,
	  "; open track.raw or write prepare to ctl first" },
	{ BURN_E_CLIENT_NAME_IS_NOT_VALID, RAWCD_WHY_NO_CLIENT_NAME, false,
	  "; write one to client_name first" },
	{ BURN_E_MEDIA_IS_NOT_BLANK, RAWCD_WHY_BLANK_FIRST, true, " with: echo blank > ctl" },
};

/* The files that hold the writer's properties, for reasons that begin with one. */
static const struct {
	const char *core;	/* RAWCD_NAME_* */
	const char *file;
} names[] = {
	{ RAWCD_NAME_SECTOR_TYPE, "sector_type" },
	{ RAWCD_NAME_LEAD_IN, "lead_in_sectors" },
	{ RAWCD_NAME_WRITE_SPEED, "write_speed" },
	{ RAWCD_NAME_PURE_CAV, "pure_cav" },
	{ RAWCD_NAME_BUFE_DISABLED, "buffer_underrun_free_disabled" },
	{ RAWCD_NAME_SIMULATE, "simulate" },
	{ RAWCD_NAME_VERIFY, "verify" },
};

/*
 * The property named at @at in the reason, by its file:
 * "RequestedSectorType cannot change ..." -> "sector_type cannot change ...".
 */
static void
name_file(struct burn_error *e, size_t at)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i].core);
		char rest[BURN_REASON_MAX];

		if (strncmp(e->reason + at, names[i].core, n) != 0 || e->reason[at + n] != ' ')
			continue;
		snprintf(rest, sizeof(rest), "%s", e->reason + at + n);
		snprintf(e->reason + at, sizeof(e->reason) - at, "%s%s", names[i].file, rest);
		return;
	}
}

void
fs_hints_add(struct burn_error *e)
{
	size_t len;

	/* only these results' reasons begin with a property, in the writer's own words */
	if (e->result == BURN_E_WRITE_IN_PROGRESS || e->result == BURN_E_STREAM_LEADIN_TOO_SHORT)
		name_file(e, 0);
	/* and where a reason asks to check one */
	if (e->result == BURN_E_STREAM_NOT_SUPPORTED) {
		const char *ask = strstr(e->reason, RAWCD_ASK);

		if (ask)
			name_file(e, (size_t)(ask - e->reason) + strlen(RAWCD_ASK));
	}
	len = strlen(e->reason);

	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		size_t n = strlen(hints[i].core);

		if (e->result != hints[i].result || len < n || (!hints[i].ending && len != n) ||
		    strcmp(e->reason + len - n, hints[i].core) != 0)
			continue;
		snprintf(e->reason + len, sizeof(e->reason) - len, "%s", hints[i].hint);
		return;
	}
}
