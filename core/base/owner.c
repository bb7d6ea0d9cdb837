#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "owner.h"

int
owner_publish(int dirfd, const char *name, const struct owner_record *rec)
{
	char tmp[4096], line[128];
	int fd = -1, len, ret = 0;

	for (int i = 0; fd < 0 && i < 100; i++) {
		/* a new file of our own: O_EXCL never opens what is there, link or file */
		len = snprintf(tmp, sizeof(tmp), "%s.%d.%lu.tmp", name, (int)getpid(),
			       owner_new_token());
		if (len < 0 || (size_t)len >= sizeof(tmp))
			return -ENAMETOOLONG;
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	len = snprintf(line, sizeof(line), "%d\t%lu\t%s\n", (int)rec->pid, rec->token, rec->name);
	if (write(fd, line, (size_t)len) != len)
		ret = errno ? -errno : -EIO;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	/* rename() replaces the name, whatever it was, and follows nothing */
	if (!ret && renameat(dirfd, tmp, dirfd, name) < 0)
		ret = -errno;
	if (ret)
		unlinkat(dirfd, tmp, 0);
	return ret;
}

/* A record to believe: a regular file of ours (or root's) that is nowhere else. */
static bool
record_trusted(const struct stat *sb)
{
	return S_ISREG(sb->st_mode) && (sb->st_uid == 0 || sb->st_uid == geteuid()) &&
	       sb->st_nlink == 1;
}

int
owner_read(int dirfd, const char *name, struct owner_record *rec)
{
	char line[160], *p, *end;
	struct stat sb;
	ssize_t n;
	int fd;

	memset(rec, 0, sizeof(*rec));
	/* looked at first: opening a FIFO or a device node is not harmless */
	if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (!record_trusted(&sb))
		return -EPERM;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP ? -EPERM : -errno;
	if (fstat(fd, &sb) < 0 || !record_trusted(&sb)) {
		close(fd);
		return -EPERM;
	}
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n <= 0)
		return -EPROTO;
	line[n] = '\0';
	rec->pid = (pid_t)strtol(line, &p, 10);
	if (p == line || *p != '\t' || rec->pid <= 0)
		return -EPROTO;
	rec->token = strtoul(p + 1, &p, 10);
	if (*p != '\t')
		return -EPROTO;
	p++;
	end = strchr(p, '\n');
	if (!end || (size_t)(end - p) >= sizeof(rec->name))
		return -EPROTO;
	/* the name is shown to users (exclusive_owner): one line of printable text */
	for (const char *c = p; c < end; c++)
		if (*c < 0x20 || *c > 0x7e)
			return -EPROTO;
	memcpy(rec->name, p, (size_t)(end - p));
	rec->name[end - p] = '\0';
	return 0;
}

void
owner_withdraw(int dirfd, const char *name, pid_t pid, unsigned long token)
{
	struct owner_record rec;

	if (owner_read(dirfd, name, &rec) == 0 && rec.pid == pid && rec.token == token)
		unlinkat(dirfd, name, 0);
}

int
owner_fcntl_lock(int fd, int cmd, short type, pid_t *holder)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET };

	if (fcntl(fd, cmd, &fl) < 0)
		return -errno;
	if (holder)
		*holder = fl.l_pid;
	return fl.l_type;
}

bool
owner_pid_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

int
owner_describe(const struct owner_record *rec, char *buf, size_t size)
{
	char path[64], comm[32] = "?";
	int fd;

	if (rec->name[0])
		return snprintf(buf, size, "%s", rec->name);
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)rec->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, comm, sizeof(comm) - 1);

		if (n > 0) {
			comm[n] = '\0';
			comm[strcspn(comm, "\n")] = '\0';
		}
		close(fd);
	}
	return snprintf(buf, size, "pid %d (%s)", (int)rec->pid, comm);
}

/* True when process directory @fd_dir has a descriptor of the device open. */
static bool
has_device_open(const char *fd_dir, mode_t type, dev_t rdev)
{
	DIR *fds = opendir(fd_dir);
	struct dirent *f;
	bool found = false;

	if (!fds)
		return false;	/* gone, or not ours to look at */
	while (!found && (f = readdir(fds))) {
		char link[4096], target[4200];
		struct stat sb;
		ssize_t n;

		if (f->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", fd_dir, f->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		/*
		 * Only device nodes under /dev are looked at: stat() of any
		 * other descriptor could wait on a hung network filesystem or
		 * on a FUSE mount (this very daemon's, even).
		 */
		if (strncmp(target, "/dev/", 5) != 0)
			continue;
		found = stat(target, &sb) == 0 && (sb.st_mode & S_IFMT) == type &&
			sb.st_rdev == rdev;
	}
	closedir(fds);
	return found;
}

pid_t
owner_find_opener(mode_t type, dev_t rdev)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;
	pid_t found = 0;

	if (!proc)
		return 0;
	while ((p = readdir(proc))) {
		char fd_dir[64], *end;
		long pid = strtol(p->d_name, &end, 10);

		if (*end || pid <= 0 || pid == getpid())
			continue;
		snprintf(fd_dir, sizeof(fd_dir), "/proc/%ld/fd", pid);
		if (!has_device_open(fd_dir, type, rdev))
			continue;
		if (found) {
			found = -1;
			break;
		}
		found = (pid_t)pid;
	}
	closedir(proc);
	return found;
}

unsigned long
owner_new_token(void)
{
	static atomic_ulong next = 1;

	return atomic_fetch_add(&next, 1);
}
