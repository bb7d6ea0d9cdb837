/*
 * Who still holds a sink open. FUSE tells a filesystem about every close(2)
 * (FLUSH) but not which one is the last: RELEASE comes later, after close
 * has returned. A burn's outcome must reach the process whose close ends
 * the stream (README: "The end of a stream"), so at each close the daemon
 * looks for any other descriptor of the sink in /proc. The closing one is
 * already gone from its process's table while FLUSH runs, and only one
 * sink can be open at a time, so any descriptor on this mount whose path
 * names the sink is the same open file.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * The mount ID (/proc/self/mountinfo's first field) of the mount at
 * @mountpoint, an absolute path without symlinks; -1 when not found.
 */
int fs_holders_mount_id(const char *mountpoint);

/*
 * Whether any process has a descriptor open on mount @mnt_id whose path
 * ends in @suffix ("/track.raw", "/burn/NAME") but in none of the @n_not
 * suffixes @not (a group's members' own sinks: "/A/track.raw"). Processes
 * the daemon may not inspect count as not holding it. With @mnt_id -1 it
 * cannot tell and says true, so nothing is ended early.
 */
bool fs_holders_any(int mnt_id, const char *suffix, const char *const *not, size_t n_not);
