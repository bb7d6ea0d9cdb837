#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "holders.h"

/* Undoes mountinfo's octal escapes ("\040" for a space) in place. */
static void
unescape_octal(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

int
fs_holders_mount_id(const char *mountpoint)
{
	char *line = NULL;
	size_t cap = 0;
	int id = -1;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return -1;
	/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ...": the last mount there is ours */
	while (getline(&line, &cap, f) > 0) {
		char point[PATH_MAX + 1];
		int mid;

		if (sscanf(line, "%d %*d %*s %*s %4096s", &mid, point) != 2)
			continue;
		unescape_octal(point);
		if (strcmp(point, mountpoint) == 0)
			id = mid;
	}
	free(line);
	fclose(f);
	return id;
}

/* Whether /proc/PID/fdinfo/FD says the descriptor is on mount @mnt_id. */
static bool
fd_on_mount(const char *pid, const char *fd, int mnt_id)
{
	char path[600], line[128];
	bool on = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", pid, fd);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "mnt_id:", 7) == 0) {
			on = atoi(line + 7) == mnt_id;
			break;
		}
	}
	fclose(f);
	return on;
}

/* Whether @path ends in one of @not's @n_not suffixes. */
static bool
ends_in_any(const char *path, size_t len, const char *const *not, size_t n_not)
{
	for (size_t i = 0; i < n_not; i++) {
		size_t l = strlen(not[i]);

		if (len >= l && strcmp(path + len - l, not[i]) == 0)
			return true;
	}
	return false;
}

/* Whether process @pid has a descriptor on @mnt_id whose path ends in @suffix and none of @not. */
static bool
process_holds(const char *pid, int mnt_id, const char *suffix, const char *const *not, size_t n_not)
{
	size_t slen = strlen(suffix);
	char path[300];
	struct dirent *de;
	bool held = false;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = opendir(path);
	if (!d)
		return false;	/* gone, or not ours to see */
	while (!held && (de = readdir(d))) {
		char link[600], target[PATH_MAX];
		ssize_t n;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(link, sizeof(link), "/proc/%s/fd/%s", pid, de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < (ssize_t)slen)
			continue;
		target[n] = '\0';
		if (strcmp(target + n - (ssize_t)slen, suffix) != 0 || ends_in_any(target, (size_t)n, not, n_not))
			continue;
		held = fd_on_mount(pid, de->d_name, mnt_id);
	}
	closedir(d);
	return held;
}

bool
fs_holders_any(int mnt_id, const char *suffix, const char *const *not, size_t n_not)
{
	struct dirent *de;
	bool held = false;
	DIR *proc;

	if (mnt_id < 0)
		return true;	/* cannot tell: assume another descriptor may write on */
	proc = opendir("/proc");
	if (!proc)
		return true;
	while (!held && (de = readdir(proc)))
		if (isdigit((unsigned char)de->d_name[0]))
			held = process_holds(de->d_name, mnt_id, suffix, not, n_not);
	closedir(proc);
	return held;
}
