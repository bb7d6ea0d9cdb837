/*
 * The seam between burnfs and a drive: "execute this CDB, give me data and
 * sense", plus exclusive access. Two backends fill the ops table: the
 * libcdio one for real drives (transport-cdio.c) and the emulated recorder
 * (transport-emu.c). Everything above this seam is the same for both.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mmc.h"
#include "result.h"

struct burn_transport;

/* The bytes one command carries unless a transport says more: what sr sends. */
#define BURN_TRANSPORT_MAX_TRANSFER 65536

struct burn_transport_ops {
	const char *name;
	/*
	 * The most data one command may carry, in bytes; 0 means
	 * BURN_TRANSPORT_MAX_TRANSFER. Each command has a cost of its own
	 * (a real drive's round trip, the emulator's directory lock and
	 * state file), so the write engine fills what a transport takes.
	 */
	size_t max_transfer;
	/*
	 * Runs @cmd. Returns 0 when the device answered (cmd->status says
	 * GOOD or CHECK CONDITION, with sense), or -errno when the command
	 * could not be delivered (-ETIMEDOUT for a timeout); transport
	 * failures are never dressed up as sense data.
	 */
	int (*exec)(struct burn_transport *t, struct mmc_cmd *cmd);
	/*
	 * Takes the device exclusively and publishes @client_name ("" for
	 * none) as its holder. -EBUSY with E_IMAPI_RECORDER_LOCKED naming
	 * the holder when someone else has it.
	 */
	int (*lock)(struct burn_transport *t, const char *client_name, struct burn_error *err);
	/* Drops what lock() took. */
	void (*unlock)(struct burn_transport *t);
	/*
	 * Who holds the device: "" when free, a burnfs client name, or
	 * "pid N (comm)" for a program that published no name. Returns the
	 * string length or -errno.
	 */
	int (*owner)(struct burn_transport *t, char *buf, size_t size);
	/* Closes the device and frees @t. */
	void (*destroy)(struct burn_transport *t);
};

/* Backends embed this as their first member. */
struct burn_transport {
	const struct burn_transport_ops *ops;
	char device[256];	/* what the user named: "/dev/sr0", "emu:DIR" */
};

/*
 * Opens the emulated recorder whose state lives in directory @dir
 * (created, with a blank 80-minute CD-R, when absent), parsing @options
 * as burn_transport_open() does. On success *@out owns the handle; free
 * it with ops->destroy.
 */
int burn_transport_open_emu(const char *dir, const char *options, struct burn_transport **out,
			    struct burn_error *err);

/* burn_transport_option_check() for the emulator's options. */
int burn_transport_emu_option_check(const char *option, struct burn_error *err);

/* Opens a real drive through libcdio. Same ownership as above. */
int burn_transport_open_cdio(const char *device, struct burn_transport **out,
			     struct burn_error *err);

/*
 * Looks for a recorder: the first device libcdio finds whose drive says it
 * writes CD-R or CD-RW. Fills @buf with its path and returns 0, or -ENODEV
 * when there is none.
 */
int burn_transport_find_cdio(char *buf, size_t size);

/*
 * Checks @option, one backend option as a command line gives it; only the
 * emulator has any: "emu_media=KIND", "emu_speed=N", "emu_fault=F[+F...]".
 * Returns 0 when it is valid; 1 when no backend knows it; or -EINVAL with
 * E_IMAPI_INVALIDARG and a reason saying what the option expects
 * ("expected a whole number from 0 (unlimited) to 64"), for the caller to
 * put after the option.
 */
int burn_transport_option_check(const char *option, struct burn_error *err);

/*
 * Opens @spec, "emu:DIR" or a device path, its backend parsing @options:
 * the options burn_transport_option_check() takes, joined by commas
 * ("emu_media=cdrw80,emu_speed=4"), NULL or "" for none; @options stays
 * the caller's. A bad option fails with E_IMAPI_INVALIDARG and
 * "OPTION: expected ...", and so do options for a backend that takes none.
 * Same ownership as burn_transport_open_emu().
 */
int burn_transport_open(const char *spec, const char *options, struct burn_transport **out,
			struct burn_error *err);
