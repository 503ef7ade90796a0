/* libFuzzer: hive reading through our libregf wrapper, and the SYSTEM and
 * SOFTWARE readers over whatever libregf accepts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "redsleuth/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct rs_hive *h = NULL;
  struct rs_diag d;
  if (rs_hive_open_mem(data, size, "fuzz", 0, &h, &d) != RS_OK)
    return 0;
  static struct rs_sysinfo si; /* large: keep it off the stack */
  rs_sysinfo_init(&si);
  rs_registry_read_system(h, &si, &d);
  rs_registry_read_software(h, &si, &d);
  rs_hive_close(h);
  return 0;
}
