/*
 * Who holds a recorder: the record a holder publishes next to the lock it
 * takes, so other burnfs instances (and the SG interposer) can name it.
 * The record is one line, "PID<TAB>TOKEN<TAB>NAME\n"; NAME may be empty
 * (a program that has no client name), TOKEN tells apart two holders in
 * one process.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct owner_record {
	pid_t pid;
	unsigned long token;
	char name[64];
};

/*
 * The record file is @name relative to directory descriptor @dirfd (or a
 * path with AT_FDCWD). It is never reached through a link: it is written
 * as a new temporary (O_CREAT|O_EXCL, "NAME.PID.N.tmp") renamed over
 * @name, and read only when it is a regular file owned by the effective
 * user or root with no other hard link.
 */

/* Writes @rec to @name atomically (temporary file + rename). 0 or -errno. */
int owner_publish(int dirfd, const char *name, const struct owner_record *rec);

/*
 * Reads @name into @rec. -ENOENT when absent, -EPERM when it is not a file
 * to trust (a link, another user's, a hard link), -EPROTO when malformed
 * (a name must be printable ASCII).
 */
int owner_read(int dirfd, const char *name, struct owner_record *rec);

/* Removes @name if it still holds the record of (@pid, @token). */
void owner_withdraw(int dirfd, const char *name, pid_t pid, unsigned long token);

/*
 * One fcntl lock operation @cmd (F_GETLK, F_SETLK, their F_OFD_ forms) of
 * @type on the whole of @fd, which stays the caller's. Returns the lock's
 * type afterwards (for a query, F_UNLCK when nothing would conflict) or
 * -errno; *@holder, when given, gets the pid a query names.
 */
int owner_fcntl_lock(int fd, int cmd, short type, pid_t *holder);

/* True when process @pid exists. */
bool owner_pid_alive(pid_t pid);

/*
 * Describes a holder for exclusive_owner: its client name if it published
 * one, else "pid N (comm)". Returns the length written.
 */
int owner_describe(const struct owner_record *rec, char *buf, size_t size);

/*
 * Finds the holder of a device that took it with O_EXCL alone, which no
 * lock query reveals: the processes other than this one with a descriptor
 * of the device (a node under /dev of type @type, S_IFBLK or S_IFCHR,
 * number @rdev) open, from /proc/PID/fd. Returns the pid when exactly one
 * process has it open, 0 when none, -1 when several do (the kernel keeps
 * no trace of which open was exclusive, so naming one would be a guess).
 * Processes whose descriptors we may not read are not seen.
 */
pid_t owner_find_opener(mode_t type, dev_t rdev);

/* A token unique within this process, for owner_record.token. */
unsigned long owner_new_token(void);
