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

/* Writes @rec to @path atomically (temporary file + rename). 0 or -errno. */
int owner_publish(const char *path, const struct owner_record *rec);

/* Reads @path into @rec. -ENOENT when absent, -EPROTO when malformed. */
int owner_read(const char *path, struct owner_record *rec);

/* Removes @path if it still holds the record of (@pid, @token). */
void owner_withdraw(const char *path, pid_t pid, unsigned long token);

/* True when process @pid exists. */
bool owner_pid_alive(pid_t pid);

/*
 * Describes a holder for exclusive_owner: its client name if it published
 * one, else "pid N (comm)". Returns the length written.
 */
int owner_describe(const struct owner_record *rec, char *buf, size_t size);

/* A token unique within this process, for owner_record.token. */
unsigned long owner_new_token(void);
