#include "config.h"

#include <string.h>

#include "transport.h"

int
burn_transport_open(const char *spec, const struct emu_options *emu, struct burn_transport **out,
		    struct burn_error *err)
{
	if (!spec || !*spec)
		return burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED,
				      "no recorder given: name a device such as /dev/sr0, or emu:DIR");
	if (strncmp(spec, "emu:", 4) == 0)
		return burn_transport_open_emu(spec + 4, emu, out, err);
	return burn_transport_open_cdio(spec, out, err);
}
