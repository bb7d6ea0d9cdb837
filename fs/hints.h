/*
 * The mount's words for the next step. core/ speaks IMAPI and names none of
 * the mount's files; where a reason of the writer calls for an action, the
 * file layer adds how to take it here ("write one to client_name first"),
 * once, before a failure is recorded or shown.
 */
#pragma once

#include "result.h"

/*
 * Completes @e in place when its result and reason are one the writer
 * leaves open, and names a property by its file where the writer's reason
 * begins with its IMAPI name.
 */
void fs_hints_add(struct burn_error *e);
