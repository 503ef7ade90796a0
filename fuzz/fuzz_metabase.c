/* libFuzzer: the MetaBase.bin heuristic scanner. */
#include <stdint.h>
#include <string.h>
#include "redsleuth/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct rs_metabase_scan m;
  rs_metabase_scan(data, size, &m);
  if (memchr(m.ida_entry, 0, sizeof m.ida_entry) == NULL)
    __builtin_trap();
  return 0;
}
