/* libFuzzer: every output escaper. Checks the property each promises:
 * text/body never emit control bytes, html never emits '<' from input,
 * utf8 always yields valid UTF-8 for jansson. */
#include <stdint.h>
#include <string.h>
#include <jansson.h>
#include "redsleuth/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct rs_buf b;
  const char *s = (const char *)data;
  rs_buf_init(&b, 1u << 22);
  if (rs_escape_text(&b, s, size) == RS_OK)
    for (size_t i = 0; i < b.len; i++)
      if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
        __builtin_trap();
  rs_buf_reset(&b);
  if (rs_escape_body(&b, s, size) == RS_OK)
    for (size_t i = 0; i < b.len; i++)
      if ((unsigned char)b.data[i] < 0x20 || b.data[i] == '|')
        __builtin_trap();
  rs_buf_reset(&b);
  if (rs_escape_html(&b, s, size) == RS_OK && b.len && memchr(b.data, '<', b.len))
    __builtin_trap();
  rs_buf_reset(&b);
  if (rs_escape_utf8(&b, s, size) == RS_OK) {
    json_t *j = json_stringn(b.data ? b.data : "", b.len);
    if (!j)
      __builtin_trap();
    json_decref(j);
  }
  rs_buf_free(&b);
  return 0;
}
