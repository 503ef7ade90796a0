/* libFuzzer: the PE version reader on arbitrary bytes. */
#include <stdint.h>
#include <string.h>
#include "redsleuth/pe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct rs_pe_info pi;
  struct rs_diag d;
  if (rs_pe_read(data, size, &pi, &d) == RS_OK) {
    /* strings must be terminated inside their buffers */
    if (memchr(pi.file_version_str, 0, sizeof pi.file_version_str) == NULL ||
        memchr(pi.original_filename, 0, sizeof pi.original_filename) == NULL)
      __builtin_trap();
  }
  return 0;
}
