/*
 * What each MMC command is (doc/reference/mmc.md): its name for messages,
 * and whether it only asks about the drive's state, only reads, or may
 * change the state (core/drive's answer cache is built on this).
 */
#include "config.h"

#include "mmc.h"

const char *
mmc_opcode_name(uint8_t op)
{
	switch (op) {
	case MMC_TEST_UNIT_READY: return "TEST UNIT READY";
	case MMC_REQUEST_SENSE: return "REQUEST SENSE";
	case MMC_INQUIRY: return "INQUIRY";
	case MMC_START_STOP_UNIT: return "START STOP UNIT";
	case MMC_PREVENT_ALLOW: return "PREVENT ALLOW MEDIUM REMOVAL";
	case MMC_READ_10: return "READ(10)";
	case MMC_WRITE_10: return "WRITE(10)";
	case MMC_SYNCHRONIZE_CACHE: return "SYNCHRONIZE CACHE";
	case MMC_READ_TOC: return "READ TOC/PMA/ATIP";
	case MMC_GET_CONFIGURATION: return "GET CONFIGURATION";
	case MMC_GET_EVENT_STATUS: return "GET EVENT STATUS NOTIFICATION";
	case MMC_READ_DISC_INFO: return "READ DISC INFORMATION";
	case MMC_READ_TRACK_INFO: return "READ TRACK INFORMATION";
	case MMC_RESERVE_TRACK: return "RESERVE TRACK";
	case MMC_CLOSE_TRACK_SESSION: return "CLOSE TRACK/SESSION";
	case MMC_MODE_SELECT_10: return "MODE SELECT(10)";
	case MMC_MODE_SENSE_10: return "MODE SENSE(10)";
	case MMC_READ_BUFFER_CAPACITY: return "READ BUFFER CAPACITY";
	case MMC_BLANK: return "BLANK";
	case MMC_GET_PERFORMANCE: return "GET PERFORMANCE";
	case MMC_SET_CD_SPEED: return "SET CD SPEED";
	case MMC_READ_CD: return "READ CD";
	case MMC_READ_CD_MSF: return "READ CD MSF";
	case MMC_READ_CAPACITY: return "READ CAPACITY";
	case MMC_READ_SUB_CHANNEL: return "READ SUB-CHANNEL";
	default: return "command";
	}
}

enum mmc_op_effect
mmc_opcode_effect(uint8_t op)
{
	switch (op) {
	case MMC_TEST_UNIT_READY:
	case MMC_INQUIRY:
	case MMC_READ_CAPACITY:
	case MMC_READ_TOC:
	case MMC_GET_CONFIGURATION:
	case MMC_READ_DISC_INFO:
	case MMC_READ_TRACK_INFO:
	case MMC_MODE_SENSE_10:
	case MMC_GET_PERFORMANCE:
		return MMC_OP_STATE_QUERY;
	case MMC_REQUEST_SENSE:
	case MMC_READ_10:
	case MMC_READ_SUB_CHANNEL:
	case MMC_GET_EVENT_STATUS:
	case MMC_READ_BUFFER_CAPACITY:
	case MMC_READ_CD_MSF:
	case MMC_READ_CD:
		return MMC_OP_READ;
	default:
		return MMC_OP_CHANGES_STATE;
	}
}
