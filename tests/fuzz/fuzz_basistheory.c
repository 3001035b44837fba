/* libFuzzer target: the Basis Theory provider's parse() for every operation and
 * status, and its build() on fuzzed arguments. Input layout and checks:
 * fuzz_provider.h. */
#define FUZZ_PROVIDER provider_basistheory
#include "fuzz_provider.h"
