/* Names in a collection: an archive entry's name made safe (never a way out
 * of the collection: no "..", no absolute name) and the percent-decoding
 * of Velociraptor's path components. No dependencies: the fuzz harness
 * fuzz/fuzz_collname.c links this file alone. */
#include <ctype.h>
#include <string.h>

#include "redsleuth/collect.h"

bool rs_coll_name_clean(const char *name, size_t len, char *out, size_t outsz, const char **why)
{
  *why = NULL;
  if (!name || !out || outsz == 0) {
    *why = "no name";
    return false;
  }
  out[0] = '\0';
  if (len == 0) {
    *why = "empty name";
    return false;
  }
  if (name[0] == '/' || name[0] == '\\') {
    *why = "absolute name (starts with a separator): refused, never read";
    return false;
  }
  if (len >= 2 && isalpha((unsigned char)name[0]) && name[1] == ':') {
    *why = "absolute name (a drive letter): refused, never read";
    return false;
  }
  size_t o = 0, i = 0;
  while (i < len) {
    size_t j = i;
    while (j < len && name[j] != '/' && name[j] != '\\') {
      unsigned char ch = (unsigned char)name[j];
      if (ch < 0x20 || ch == 0x7f) {
        *why = ch ? "a control character in the name: refused" : "a NUL byte in the name: refused";
        return false;
      }
      j++;
    }
    size_t cl = j - i;
    if (cl == 2 && name[i] == '.' && name[i + 1] == '.') {
      *why = "a \"..\" component (path traversal): refused, never read";
      return false;
    }
    if (cl && !(cl == 1 && name[i] == '.')) {
      if (o + (o ? 1 : 0) + cl + 1 > outsz) {
        *why = "name too long";
        out[0] = '\0';
        return false;
      }
      if (o)
        out[o++] = '/';
      memcpy(out + o, name + i, cl);
      o += cl;
      out[o] = '\0';
    }
    i = j + 1;
  }
  if (!o) {
    *why = "empty name";
    return false;
  }
  if (o >= 2 && isalpha((unsigned char)out[0]) && out[1] == ':') { /* "./C:/x" */
    out[0] = '\0';
    *why = "absolute name (a drive letter): refused, never read";
    return false;
  }
  return true;
}

static int hexval(int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  c = tolower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

void rs_coll_pct_decode(char *s)
{
  char *w = s;
  for (const char *r = s; *r; r++) {
    int hi, lo;
    if (r[0] == '%' && (hi = hexval((unsigned char)r[1])) >= 0 &&
        (lo = hexval((unsigned char)r[2])) >= 0 && (hi || lo)) {
      *w++ = (char)(hi << 4 | lo);
      r += 2;
    } else {
      *w++ = *r;
    }
  }
  *w = '\0';
}
