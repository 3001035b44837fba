/* libFuzzer target: the Clerk provider's parse() for every operation and
 * status, and its build() on fuzzed arguments. Input layout and checks:
 * fuzz_provider.h. */
#define FUZZ_PROVIDER provider_clerk
#include "fuzz_provider.h"
