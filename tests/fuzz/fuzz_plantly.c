/* libFuzzer target: the Plantly (Gr4vy) provider's parse() for every operation and
 * status, and its build() on fuzzed arguments. Input layout and checks:
 * fuzz_provider.h. */
#define FUZZ_PROVIDER provider_plantly
#include "fuzz_provider.h"
