/*
 * A mount whose drive is unplugged ends by itself (doc/system.md): the
 * kernel removes the device node (/dev/srN) with the drive, and burnfs then
 * stops as if sent SIGTERM (fs/stop.c), so burnfs@srN.service ends with the
 * drive. An emptied tray or a changed disc leaves the node, and the mount.
 */
#pragma once

struct fs_devwatch;

/*
 * Starts watching @device's node (nothing for emu:DIR: *@out is NULL);
 * the watcher owns no part of @device. 0, or -errno when the node cannot
 * be watched (the mount then does without).
 */
int fs_devwatch_start(const char *device, struct fs_devwatch **out);

/* Stops and frees the watcher; NULL is allowed. */
void fs_devwatch_stop(struct fs_devwatch *w);
