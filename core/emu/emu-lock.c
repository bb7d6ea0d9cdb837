#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "emu-private.h"
#include "owner.h"

/* What the exclusive lock says of a holder other than this handle. */
enum holder {
	HOLDER_NONE,		/* nobody else */
	HOLDER_KNOWN,		/* a live process, whose record is filled in */
	HOLDER_UNKNOWN,		/* its record is missing, not to trust, or names a dead process */
};

/* With d->mu held: an enum holder, or -errno when the lock cannot be queried. */
static int
other_holder_locked(struct emu_drive *d, struct owner_record *rec)
{
	int ret = owner_fcntl_lock(d->excl_fd, F_OFD_GETLK, F_WRLCK, NULL);

	if (ret < 0)
		return ret;
	if (ret == F_UNLCK)
		return HOLDER_NONE;
	if (owner_read(d->dir_fd, "owner", rec) < 0 || !owner_pid_alive(rec->pid))
		return HOLDER_UNKNOWN;
	return HOLDER_KNOWN;
}

int
emu_lock_owner_locked(struct emu_drive *d, char *buf, size_t size)
{
	struct owner_record rec;
	int ret;

	if (d->holds_excl)
		return snprintf(buf, size, "%s", d->client_name);
	ret = other_holder_locked(d, &rec);
	if (ret < 0)
		return ret;
	if (ret == HOLDER_NONE)
		return snprintf(buf, size, "%s", "");
	if (ret == HOLDER_UNKNOWN)
		return snprintf(buf, size, "%s", "unknown holder");
	return owner_describe(&rec, buf, size);
}

int
emu_drive_owner(struct emu_drive *d, char *buf, size_t size)
{
	int ret;

	pthread_mutex_lock(&d->mu);
	ret = emu_lock_owner_locked(d, buf, size);
	pthread_mutex_unlock(&d->mu);
	return ret;
}

pid_t
emu_drive_owner_pid(struct emu_drive *d)
{
	struct owner_record rec;
	int ret = HOLDER_NONE;

	pthread_mutex_lock(&d->mu);
	if (!d->holds_excl)
		ret = other_holder_locked(d, &rec);
	pthread_mutex_unlock(&d->mu);
	if (ret == HOLDER_KNOWN)
		return rec.pid;
	return ret == HOLDER_UNKNOWN ? -1 : 0;
}

int
emu_drive_lock(struct emu_drive *d, const char *client_name, struct burn_error *err)
{
	struct owner_record rec = { .pid = getpid(), .token = d->token };
	char holder[128];
	int ret;

	pthread_mutex_lock(&d->mu);
	if (d->holds_excl) {
		ret = burn_error_set(err, BURN_E_RECORDER_LOCKED,
				     "this handle already holds the recorder");
		goto out;
	}
	ret = owner_fcntl_lock(d->excl_fd, F_OFD_SETLK, F_WRLCK, NULL);
	if (ret == -EAGAIN || ret == -EACCES) {
		emu_lock_owner_locked(d, holder, sizeof(holder));
		ret = burn_error_set(err, BURN_E_RECORDER_LOCKED,
				     "the recorder %s is held exclusively by %s", d->dir, holder);
		goto out;
	}
	if (ret < 0) {
		ret = burn_error_set(err, BURN_E_FAIL, "locking %s/excl: %s", d->dir,
				     strerror(-ret));
		goto out;
	}
	snprintf(rec.name, sizeof(rec.name), "%s", client_name ? client_name : "");
	ret = owner_publish(d->dir_fd, "owner", &rec);
	if (ret < 0) {
		owner_fcntl_lock(d->excl_fd, F_OFD_SETLK, F_UNLCK, NULL);
		ret = burn_error_set(err, BURN_E_FAIL, "publishing the owner in %s: %s", d->dir,
				     strerror(-ret));
		goto out;
	}
	snprintf(d->client_name, sizeof(d->client_name), "%s", rec.name);
	d->holds_excl = true;
	ret = 0;
out:
	pthread_mutex_unlock(&d->mu);
	return ret;
}

void
emu_drive_unlock(struct emu_drive *d)
{
	pthread_mutex_lock(&d->mu);
	if (d->holds_excl) {
		owner_withdraw(d->dir_fd, "owner", getpid(), d->token);
		owner_fcntl_lock(d->excl_fd, F_OFD_SETLK, F_UNLCK, NULL);
		d->holds_excl = false;
		d->client_name[0] = '\0';
	}
	pthread_mutex_unlock(&d->mu);
}
