#include "config.h"

#include <string.h>

#include "transport.h"

int
burn_transport_option_check(const char *option, struct burn_error *err)
{
	return burn_transport_emu_option_check(option, err);
}

int
burn_transport_open(const char *spec, const char *options, struct burn_transport **out,
		    struct burn_error *err)
{
	if (spec && strncmp(spec, "emu:", 4) == 0)
		return burn_transport_open_emu(spec + 4, options, out, err);
	if (!spec || !*spec)
		return burn_error_set(err, BURN_E_NO_RECORDER_SPECIFIED,
				      "no recorder given: name a device such as /dev/sr0, or emu:DIR");
	if (options && *options)
		return burn_error_set(err, BURN_E_INVALIDARG, "%s takes no options (%s)", spec,
				      options);
	return burn_transport_open_cdio(spec, out, err);
}
