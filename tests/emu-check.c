#include "config.h"

#include "emu-check.h"
#include "harness.h"

void
expect(struct emu_drive *d, struct mmc_cmd *cmd, uint8_t key, uint8_t asc, uint8_t ascq)
{
	struct mmc_sense s;

	ck_assert_int_eq(emu_drive_exec(d, cmd), 0);
	if (key == 0 && asc == 0) {
		ck_assert_msg(cmd->status == MMC_STATUS_GOOD, "opcode %02Xh: sense %X/%02X/%02X",
			      cmd->cdb[0], cmd->sense[2] & 0x0f, cmd->sense[12], cmd->sense[13]);
		return;
	}
	ck_assert_msg(cmd->status == MMC_STATUS_CHECK_CONDITION,
		      "opcode %02Xh: GOOD, expected %X/%02X/%02X", cmd->cdb[0], key, asc, ascq);
	ck_assert_int_eq(mmc_sense_parse(cmd->sense, cmd->sense_len, &s), 0);
	ck_assert_msg(s.key == key && s.asc == asc && s.ascq == ascq,
		      "opcode %02Xh: sense %X/%02X/%02X, expected %X/%02X/%02X", cmd->cdb[0],
		      s.key, s.asc, s.ascq, key, asc, ascq);
}

void
good(struct emu_drive *d, struct mmc_cmd *cmd)
{
	expect(d, cmd, 0, 0, 0);
}
