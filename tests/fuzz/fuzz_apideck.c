/* libFuzzer target: the Apideck Vault provider's parse() for every operation and
 * status, and its build() on fuzzed arguments. Input layout and checks:
 * fuzz_provider.h. */
#define FUZZ_PROVIDER provider_apideck
#include "fuzz_provider.h"
