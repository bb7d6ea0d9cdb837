/*
 * The writer's action and progress records, shared by the rawcd state
 * machine (rawcd.h) and the stream engine below it (stream.h), which fills
 * them without knowing the state machine.
 */
#pragma once

#include <stdint.h>

/* IMAPI_FORMAT2_RAW_CD_WRITE_ACTION, plus "idle" when nothing runs. */
enum rawcd_action {
	RAWCD_ACTION_IDLE,
	RAWCD_ACTION_PREPARING,
	RAWCD_ACTION_WRITING,
	RAWCD_ACTION_FINISHING,
	RAWCD_ACTION_BLANKING,	/* ctl blank; beyond IMAPI's write actions */
};

struct rawcd_progress {
	enum rawcd_action action;
	int32_t start_lba;
	uint32_t sector_count;
	int32_t last_written_lba;
	uint32_t elapsed_s;
	uint32_t remaining_s;
	uint64_t buffer_used;
	uint64_t buffer_total;
};
