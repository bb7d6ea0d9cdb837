/*
 * The emulator's directory rule and file rules (doc/emulator-directory.md).
 *
 * burnfs usually runs as root, and emu:DIR is named by whoever starts it,
 * often in a shared place such as /var/tmp. A directory someone else can
 * change could hold links that make burnfs overwrite any file; so the
 * directory must be beyond other users' reach (the rule OpenSSH applies
 * with StrictModes, plus the sticky-directory exception that
 * fs.protected_symlinks is built on), and even then no file in it is
 * reached through a link or written in place.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu-dir.h"
#include "owner.h"

/* As many links as the kernel follows in one path name (MAXSYMLINKS). */
#define WALK_MAX_LINKS 40
/* mkdir races: the directory vanishing again between our mkdir and open */
#define WALK_MAX_CREATES 3

static bool
trusted_uid(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* Who besides the owner may write a directory: NULL when nobody. */
static const char *
writers(const struct stat *sb)
{
	if (sb->st_mode & S_IWOTH)
		return "everyone";
	if (sb->st_mode & S_IWGRP)
		return "its group";
	return NULL;
}

static unsigned
mode_of(const struct stat *sb)
{
	return (unsigned)(sb->st_mode & 07777);
}

/* Where the walk is: a descriptor of the directory reached and its path. */
struct walk {
	const char *given;	/* the path as the caller named it */
	struct burn_error *err;
	int fd;
	char canon[PATH_MAX];	/* "" stands for / */
};

static const char *
walk_here(const struct walk *w)
{
	return w->canon[0] ? w->canon : "/";
}

static int
walk_fail(struct walk *w, int e)
{
	return burn_error_set(w->err, BURN_E_NO_RECORDER_SPECIFIED, "emulator directory %s: %s",
			      w->given, strerror(e));
}

/* Moves the walk to @fd, whose path is the current one plus @name ("" for /, ".." to go up). */
static int
walk_enter(struct walk *w, int fd, const char *name)
{
	size_t len = strlen(w->canon);

	if (!*name) {
		len = 0;
	} else if (strcmp(name, "..") == 0) {
		char *slash = strrchr(w->canon, '/');

		len = slash ? (size_t)(slash - w->canon) : 0;
	} else {
		if (len + 1 + strlen(name) >= sizeof(w->canon)) {
			close(fd);
			return walk_fail(w, ENAMETOOLONG);
		}
		w->canon[len++] = '/';
		strcpy(w->canon + len, name);
		len += strlen(name);
	}
	w->canon[len] = '\0';
	if (w->fd >= 0)
		close(w->fd);
	w->fd = fd;
	return 0;
}

/*
 * Checks the directory the walk stands in; @final: the emulator directory
 * itself, else a directory we look a name up in. Whoever may replace an
 * ancestor's entries decides what the name is: others may write it only
 * when it is sticky, where only an entry's owner (or the directory's, or
 * root) may rename or remove that entry. In the directory itself nobody
 * else may add entries, sticky or not. Borrows @w; takes nothing.
 */
static int
walk_check(struct walk *w, bool final)
{
	const char *who;
	struct stat sb;

	if (fstat(w->fd, &sb) < 0)
		return walk_fail(w, errno);
	if (final && !S_ISDIR(sb.st_mode))
		return burn_error_set(w->err, BURN_E_NO_RECORDER_SPECIFIED,
				      "emulator directory %s is not a directory", w->given);
	if (!trusted_uid(sb.st_uid) && final)
		return burn_error_set(w->err, BURN_E_NO_RECORDER_SPECIFIED,
				      "emulator directory %s is owned by uid %u (mode %04o), not by you (uid %u) or root: use a directory of your own",
				      w->given, (unsigned)sb.st_uid, mode_of(&sb),
				      (unsigned)geteuid());
	if (!trusted_uid(sb.st_uid))
		return burn_error_set(w->err, BURN_E_NO_RECORDER_SPECIFIED,
				      "emulator directory %s is inside %s, owned by uid %u (mode %04o), not by you (uid %u) or root: use a directory of your own",
				      w->given, walk_here(w), (unsigned)sb.st_uid, mode_of(&sb),
				      (unsigned)geteuid());
	who = writers(&sb);
	if (who && final)
		return burn_error_set(w->err, BURN_E_NO_RECORDER_SPECIFIED,
				      "emulator directory %s (owner uid %u, mode %04o) is writable by %s: run chmod go-w %s, or use a directory of your own",
				      w->given, (unsigned)sb.st_uid, mode_of(&sb), who,
				      walk_here(w));
	if (who && !(sb.st_mode & S_ISVTX))
		return burn_error_set(w->err, BURN_E_NO_RECORDER_SPECIFIED,
				      "emulator directory %s is inside %s (owner uid %u, mode %04o), which %s may change: run chmod go-w %s, or use a directory of your own",
				      w->given, walk_here(w), (unsigned)sb.st_uid, mode_of(&sb),
				      who, walk_here(w));
	return 0;
}

/* True when @p holds no further path component. */
static bool
walk_at_end(const char *p)
{
	return p[strspn(p, "/")] == '\0';
}

/*
 * Follows the link @name of the current directory (owned by @owner): the
 * rest of the walk becomes its target followed by @rest. *@todo is
 * replaced (malloc'ed).
 */
static int
walk_follow(struct walk *w, const char *name, uid_t owner, const char *rest, char **todo)
{
	char target[PATH_MAX], *next;
	ssize_t n;
	int fd;

	if (!trusted_uid(owner))
		return burn_error_set(w->err, BURN_E_NO_RECORDER_SPECIFIED,
				      "emulator directory %s is reached through the symbolic link %s/%s, owned by uid %u, not by you (uid %u) or root: name the directory itself, or use a directory of your own",
				      w->given, w->canon, name, (unsigned)owner,
				      (unsigned)geteuid());
	n = readlinkat(w->fd, name, target, sizeof(target));
	if (n < 0)
		return walk_fail(w, errno);
	if (n == 0 || (size_t)n >= sizeof(target))
		return walk_fail(w, n ? ENAMETOOLONG : ENOENT);
	target[n] = '\0';
	if (asprintf(&next, "%s/%s", target, rest) < 0)
		return burn_error_set(w->err, BURN_E_OUTOFMEMORY, "no memory for a path");
	free(*todo);
	*todo = next;
	if (target[0] != '/')
		return 0;
	fd = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return walk_fail(w, errno);
	return walk_enter(w, fd, "");
}

/*
 * @name is missing (fstatat() failed with @e) in the current directory:
 * created when it is the @last component, as mkdir(1) without -p would,
 * else refused in the words mkdir() would lead to. 0 to look it up again.
 */
static int
walk_missing(struct walk *w, const char *name, int e, bool last, bool may_create,
	     unsigned *creates)
{
	if (e != ENOENT)
		return walk_fail(w, e);
	if (!may_create)	/* a dangling link names it: mkdir() would say EEXIST */
		return burn_error_set(w->err, BURN_E_NO_RECORDER_SPECIFIED,
				      "emulator directory %s is not a directory", w->given);
	if (last && *creates < WALK_MAX_CREATES) {
		++*creates;
		if (mkdirat(w->fd, name, 0755) == 0 || errno == EEXIST)
			return 0;
		e = errno;
	}
	return burn_error_set(w->err, BURN_E_NO_RECORDER_SPECIFIED,
			      "cannot create emulator directory %s: %s", w->given, strerror(e));
}

/* Something that is no directory is in the way: the last component or one before it. */
static int
walk_not_dir(struct walk *w, bool last)
{
	if (last)
		return burn_error_set(w->err, BURN_E_NO_RECORDER_SPECIFIED,
				      "emulator directory %s is not a directory", w->given);
	return burn_error_set(w->err, BURN_E_NO_RECORDER_SPECIFIED,
			      "cannot create emulator directory %s: %s", w->given,
			      strerror(ENOTDIR));
}

int
emu_dir_open(const char *path, int *out_fd, char **out_canon, struct burn_error *err)
{
	struct walk *w = calloc(1, sizeof(*w));
	char *todo = NULL, *p, name[NAME_MAX + 1];
	unsigned links = 0, creates = 0;
	bool may_create = true;
	int fd, ret;

	if (!w)
		return burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for a path");
	w->given = path;
	w->err = err;
	w->fd = -1;
	if (path[0] == '/') {
		todo = strdup(path);
	} else {
		char *cwd = getcwd(NULL, 0);

		if (!cwd) {
			ret = walk_fail(w, errno);
			goto out;
		}
		if (asprintf(&todo, "%s/%s", cwd, path) < 0)
			todo = NULL;
		free(cwd);
	}
	if (!todo) {
		ret = burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for a path");
		goto out;
	}
	fd = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = walk_fail(w, errno);
		goto out;
	}
	walk_enter(w, fd, "");
	p = todo;
	for (;;) {
		size_t len;
		bool last;
		struct stat sb;

		p += strspn(p, "/");
		if (!*p)
			break;
		len = strcspn(p, "/");
		if (len > NAME_MAX) {
			ret = walk_fail(w, ENAMETOOLONG);
			goto out;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		last = walk_at_end(p);
		if (strcmp(name, ".") == 0)
			continue;
		ret = walk_check(w, false);
		if (ret < 0)
			goto out;
		fd = openat(w->fd, name, O_DIRECTORY | O_NOFOLLOW | O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ret = walk_enter(w, fd, name);
			if (ret < 0)
				goto out;
			continue;
		}
		ret = errno;
		if (fstatat(w->fd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = walk_missing(w, name, errno, last, may_create, &creates);
			if (ret < 0)
				goto out;
			p -= len;	/* made it (or someone did): look it up again */
			continue;
		}
		if (S_ISLNK(sb.st_mode)) {
			if (++links > WALK_MAX_LINKS) {
				ret = walk_fail(w, ELOOP);
				goto out;
			}
			/* mkdir() does not follow a last link to create its target: nor do we */
			if (last)
				may_create = false;
			ret = walk_follow(w, name, sb.st_uid, p, &todo);
			if (ret < 0)
				goto out;
			p = todo;
			continue;
		}
		if (!S_ISDIR(sb.st_mode))
			ret = walk_not_dir(w, last);
		else
			ret = walk_fail(w, ret);
		goto out;
	}
	/* the checks are made on the descriptor we keep: nothing can come between */
	ret = walk_check(w, true);
	if (ret < 0)
		goto out;
	*out_canon = strdup(w->canon[0] ? w->canon : "/");
	if (!*out_canon) {
		ret = burn_error_set(err, BURN_E_OUTOFMEMORY, "no memory for a path");
		goto out;
	}
	*out_fd = w->fd;
	w->fd = -1;
	ret = 0;
out:
	if (w->fd >= 0)
		close(w->fd);
	free(todo);
	free(w);
	return ret;
}

const char *
emu_dir_unsafe(const struct stat *sb, char *buf, size_t size)
{
	if (S_ISLNK(sb->st_mode))
		return "is a symbolic link";
	if (!S_ISREG(sb->st_mode))
		return "is not a regular file";
	if (!trusted_uid(sb->st_uid)) {
		snprintf(buf, size, "is owned by uid %u, not by you (uid %u) or root",
			 (unsigned)sb->st_uid, (unsigned)geteuid());
		return buf;
	}
	if (sb->st_nlink != 1) {
		snprintf(buf, size, "has %lu hard links", (unsigned long)sb->st_nlink);
		return buf;
	}
	return NULL;
}

int
emu_dir_open_existing(int dfd, const char *name, int flags, struct stat *sb, char *why,
		      size_t why_size)
{
	const char *bad;
	struct stat before;
	int fd;

	/* looked at before opening: opening a device node or a FIFO may do things */
	if (fstatat(dfd, name, &before, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	bad = emu_dir_unsafe(&before, why, why_size);
	if (bad)
		goto refuse;
	fd = openat(dfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ELOOP)
			return -errno;
		bad = "is a symbolic link";	/* it became one meanwhile */
		goto refuse;
	}
	if (fstat(fd, sb) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	bad = emu_dir_unsafe(sb, why, why_size);
	if (!bad)
		return fd;
	close(fd);
refuse:
	if (bad != why)
		snprintf(why, why_size, "%s", bad);
	return -EPERM;
}

/*
 * Creates the file @name in @dfd, which must not exist yet: the new
 * descriptor (the caller's to close), -EEXIST when the name is taken, or
 * -errno.
 */
static int
create_new(int dfd, const char *name, int flags)
{
	int fd = openat(dfd, name, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	return fd >= 0 ? fd : -errno;
}

int
emu_dir_open_lock(int dfd, const char *name, char *why, size_t why_size)
{
	struct stat sb;
	int fd;

	for (int i = 0; i < WALK_MAX_CREATES; i++) {
		fd = emu_dir_open_existing(dfd, name, O_RDWR, &sb, why, why_size);
		if (fd != -ENOENT)
			return fd;
		fd = create_new(dfd, name, O_RDWR);
		if (fd != -EEXIST)
			return fd;
	}
	return -EEXIST;
}

int
emu_dir_create_temp(int dfd, const char *name, char *tmp, size_t tmp_size)
{
	for (int i = 0; i < 100; i++) {
		int fd, n = snprintf(tmp, tmp_size, "%s.%d.%lu.tmp", name, (int)getpid(),
				     owner_new_token());

		if (n < 0 || (size_t)n >= tmp_size)
			return -ENAMETOOLONG;
		fd = create_new(dfd, tmp, O_WRONLY);
		if (fd != -EEXIST)
			return fd;
	}
	return -EEXIST;
}

int
emu_dir_refuse(struct burn_error *err, enum burn_result r, const char *dir, const char *name,
	       const char *why)
{
	return burn_error_set(err, r,
			      "emulator directory %s: %s %s; remove it (burnfs reuses only its own regular files with a single link)",
			      dir, name, why);
}
