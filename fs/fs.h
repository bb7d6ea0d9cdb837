/*
 * The FUSE layer's shared state and its table of nodes (doc/design.md §2). No MMC
 * here: every value comes from core/ (recorder, rawcd), every failure is a
 * struct burn_error turned into an errno once, in ops.c.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "image-disc.h"
#include "lasterr.h"
#include "rawcd.h"
#include "recorder.h"
#include "strbuf.h"

#define FS_MAX_POLLS 64
#define FS_MAX_ATTRS 16	/* first lookups whose attributes wait to be dropped */
#define FS_MAX_READ 65536	/* the largest read request (fs/main.c) */
#define FS_BURN_DIR_MODE 0755	/* burn/: the owner drops files in */
#define FS_JOB_MODE 0644	/* a job's record in burn/ */
#define FS_MAX_JOBS 64
#define FS_MAX_TOLD 16	/* cached values whose text the kernel was told (fs/attrs.c) */

/* A file in burn/: listed with the bytes it took until unlinked. */
struct fs_job {
	char name[256];
	off_t size;
	time_t mtime;
	bool active;	/* its sink is open */
};

struct fuse;
struct fuse_pollhandle;
struct fs_handle;

/* disc/: the table of contents read last (fs/disc.c). */
struct fs_disc {
	pthread_mutex_t mu;
	bool loaded;
	unsigned long generation;	/* the writer's progress generation at that read */
	struct image_toc toc;
};

struct rawcd_group;

/*
 * One recorder's tree; or, with several recorders (doc/design.md §2.6), the
 * group at the top of the mount (group set, rec and w NULL), whose members
 * are complete trees of their own under /NAME (prefix).
 */
struct fs_ctx {
	struct recorder *rec;
	struct rawcd *w;
	struct lasterr *le;
	char name[64];		/* a member's directory name; "" for the top of the mount */
	char prefix[66];	/* "/NAME" for a member, "" for the top: the mount's path of our "/" */
	struct fs_ctx *parent;	/* a member's group */
	struct rawcd_group *group;	/* the top of a mount of several recorders */
	size_t n_members;
	struct fs_ctx **members;
	struct fs_disc disc;
	time_t mount_time;
	uid_t uid;
	gid_t gid;
	int mnt_id;		/* this mount in /proc/self/mountinfo; -1 unknown */
	pthread_mutex_t sink_mu;	/* sink lifecycle: open, flush, release */
	pthread_mutex_t jobs_mu;
	size_t n_jobs;
	struct fs_job *jobs[FS_MAX_JOBS];
	pthread_mutex_t handles_mu;
	struct fs_handle *handles;	/* open handles, see ops.c */
	pthread_mutex_t poll_mu;
	size_t n_polls;
	struct fuse_pollhandle *polls[FS_MAX_POLLS];	/* poll()s waiting for progress */
	/*
	 * FS_NODE_CACHED values are served by the kernel's page cache and
	 * every other file's attributes are dropped after each stat (fs/ops.c).
	 * Off with -s: a store's invalidation could wait on a read that only
	 * the one loop thread would answer.
	 */
	bool kernel_cache;
	struct fuse *fuse;	/* for fs/attrs.c's drops from any thread */
	pthread_mutex_t attrs_mu;
	size_t n_attrs;		/* atomic: read without attrs_mu */
	struct fs_attrs_pending {
		char path[264];	/* "/burn/" and a name of up to 255 bytes */
		unsigned tries;
	} attrs[FS_MAX_ATTRS];	/* stats whose reply the kernel keeps (fs/attrs.c) */
	/*
	 * Each FS_NODE_CACHED value as a stat last measured it: the reads
	 * that fill the kernel's page serve this text (fs/attrs.c).
	 */
	pthread_mutex_t told_mu;
	size_t n_told;
	struct fs_told {
		const struct fs_node *node;
		struct strbuf text;
		struct timespec mtime;	/* the text's own: a new text, a new time */
	} told[FS_MAX_TOLD];
};

enum fs_node_kind {
	FS_NODE_DIR,
	FS_NODE_ATTR,	/* sysfs-style value file */
	FS_NODE_CTL,	/* write-only verbs */
	FS_NODE_SINK,	/* track.raw */
};

/* In `status`: one "path: value" line from the node's first line. */
#define FS_NODE_IN_STATUS 0x01
/* Changes with a burn: poll() waits for the change. */
#define FS_NODE_POLLABLE 0x02
/*
 * The same for every caller and changed only by a store through this mount
 * (a request value): the kernel keeps it in its page cache, and each store
 * drops what the kernel kept before write(2) returns (doc/design.md §2.3).
 */
#define FS_NODE_CACHED 0x04

/* Permission bits of the tree's files, as ls -l shows them. */
#define FS_MODE_RW (S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH)
#define FS_MODE_RO (S_IRUSR | S_IRGRP | S_IROTH)
#define FS_MODE_WO (S_IWUSR)
#define FS_MODE_DIR (S_IRWXU | S_IRGRP | S_IXGRP | S_IROTH | S_IXOTH)

struct fs_node {
	const char *path;	/* "/client_name" */
	enum fs_node_kind kind;
	mode_t mode;		/* permission bits shown by ls -l */
	unsigned flags;
	/* Renders the value, ending in '\n'. NULL for write-only nodes. */
	int (*show)(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out, struct burn_error *err);
	/* Stores one write(2). NULL for read-only nodes. */
	int (*store)(struct fs_ctx *ctx, const char *buf, size_t len, struct burn_error *err);
};

/* The node at @path of @ctx's tree (a recorder's or a group's), or NULL. */
const struct fs_node *fs_node_find(const struct fs_ctx *ctx, const char *path);

/* The nodes directly inside directory @dir ("/" or "/media") of @ctx's tree, in order. */
size_t fs_node_children(const struct fs_ctx *ctx, const char *dir, const struct fs_node **out,
			size_t max);

/* last_error's rendering, the caller's own: a recorder's and a group's. */
int fs_show_last_error(struct fs_ctx *ctx, const struct lasterr_who *who, struct strbuf *out,
		       struct burn_error *err);

/* "@key: NAME 0x...: reason" (the mount's words), or "@key: none" when @e is NULL. */
void fs_add_outcome(struct strbuf *out, const char *key, const struct burn_error *e);

/* The group's own tree (fs/group.c): @n_out nodes. */
const struct fs_node *fs_group_nodes(size_t *n_out);

/* Keeps each failed member's reason as @who's last_error in that member's tree. */
void fs_group_record(struct fs_ctx *ctx, const struct lasterr_who *who);

/* The member of group @ctx named @name (@len bytes), or NULL. */
struct fs_ctx *fs_group_find(const struct fs_ctx *ctx, const char *name, size_t len);

/*
 * The progress generation of @ctx: its writer's, or the sum of its
 * members' (each only grows), so a change of any member wakes the group.
 */
unsigned long fs_generation(struct fs_ctx *ctx);

/* Renders @node for the caller @who into @out; 0 or -errno with @err set. */
int fs_node_show(struct fs_ctx *ctx, const struct fs_node *node, const struct lasterr_who *who, struct strbuf *out,
		 struct burn_error *err);

/*
 * Renders every value once, so the drive's answers are kept from the
 * start (recorder_view_begin()): after it, listing the mount sends the
 * drive nothing until its state changes.
 */
void fs_nodes_warm(struct fs_ctx *ctx);
