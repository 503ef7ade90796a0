/* libFuzzer: the archive entry-name reader of collections
 * (src/lib/evidence/collect_name.c). An accepted name must never lead out of
 * the collection: no leading '/', no '\', no "." / ".." / empty component,
 * no control byte, within the buffer, and cleaning it again changes nothing.
 * The percent-decoder must only shorten its string. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redsleuth/collect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char out[512], again[512];
  const char *why = NULL;
  size_t osz = size % 2 ? sizeof out : 64; /* a small buffer too: the length bound */
  if (rs_coll_name_clean((const char *)data, size, out, osz, &why)) {
    size_t n = strlen(out);
    if (why || n == 0 || n >= osz || out[0] == '/' || strchr(out, '\\'))
      __builtin_trap();
    for (size_t i = 0; i < n; i++)
      if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
        __builtin_trap();
    for (const char *c = out;;) {
      const char *e = strchr(c, '/');
      size_t cl = e ? (size_t)(e - c) : strlen(c);
      if (cl == 0 || (cl == 1 && c[0] == '.') || (cl == 2 && c[0] == '.' && c[1] == '.'))
        __builtin_trap();
      if (!e)
        break;
      c = e + 1;
    }
    if (!rs_coll_name_clean(out, n, again, sizeof again, &why) || strcmp(out, again) != 0)
      __builtin_trap();
  } else if (!why) {
    __builtin_trap();
  }
  char *s = malloc(size + 1);
  if (!s)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  size_t before = strlen(s);
  rs_coll_pct_decode(s);
  if (strlen(s) > before)
    __builtin_trap();
  free(s);
  return 0;
}
