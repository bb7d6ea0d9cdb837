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
	RAWCD_ACTION_VERIFYING,	/* reading the burn back to compare; beyond IMAPI too */
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

/*
 * Reasons the writer gives in IMAPI terms that a user interface completes
 * with its own words for the next step (core names none of its files):
 * the whole reason for the first three, its end for the last.
 */
#define RAWCD_WHY_CANCELLED "the write was cancelled"	/* REQUEST_CANCELLED */
#define RAWCD_WHY_NOT_PREPARED "the media is not prepared"	/* MEDIA_IS_NOT_PREPARED */
#define RAWCD_WHY_NO_CLIENT_NAME "no client name is set"	/* CLIENT_NAME_IS_NOT_VALID */
#define RAWCD_WHY_BLANK_FIRST "; blank it first"	/* MEDIA_IS_NOT_BLANK, erasable */

/*
 * The writer's properties by their IMAPI names, which its reasons begin
 * with ("RequestedSectorType cannot change while a write is in progress");
 * a user interface may show its own name for each instead.
 */
#define RAWCD_NAME_SECTOR_TYPE "RequestedSectorType"
#define RAWCD_NAME_LEAD_IN "StreamLeadInSectors"	/* WriteMedia2's streamLeadInSectors */
#define RAWCD_NAME_WRITE_SPEED "RequestedWriteSpeed"
#define RAWCD_NAME_PURE_CAV "RequestedRotationTypeIsPureCAV"
#define RAWCD_NAME_BUFE_DISABLED "BufferUnderrunFreeDisabled"
#define RAWCD_NAME_SIMULATE "TestWrite"	/* beyond IMAPI: MMC Test Write */
#define RAWCD_NAME_VERIFY "Verify"	/* beyond IMAPI: read back and compare */

/*
 * What a reason asks the user to check begins with this and goes on with
 * a property name: "... (is RequestedSectorType pq right?)".
 */
#define RAWCD_ASK "(is "
