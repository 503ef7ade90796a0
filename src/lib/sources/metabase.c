/* IIS 4/5 MetaBase.bin heuristic (codered-artifacts.md 4 and 8 item 4).
 *
 * The MetaBase.bin record layout and its string encoding are UNCONFIRMED,
 * so nothing here parses records. Instead the file is scanned, once, for
 * the strings an ScriptMaps entry and CRII's virtual directories must
 * contain, in both UTF-16LE and single-byte ("ANSI") form, ignoring case:
 *   ".ida,"  ".idq,"  -> a ScriptMaps-like entry "ext,processor,flags[,verbs]"
 *   "idq.dll"         -> the Index Server ISAPI is named somewhere
 *   "/ROOT/C" "/ROOT/D" followed by NUL, '/', '\\' or the end of the data
 *                     -> a virtual directory named C or D under a site root
 *                        ("/ROOT/CGI" does not count)
 * A hit means "probably present"; absence in an encrypted or unknown layout
 * proves nothing. The scan costs O(len * patterns * pattern length) with
 * short constant patterns, i.e. linear, and never reads past len. */
#include "redsleuth/registry.h"

#include <stdio.h>
#include <string.h>

/* How far around a hit the entry text is taken from (code units). */
#define MB_BACK_UNITS 32u
#define MB_FWD_UNITS 200u

static int lower(int c)
{
  return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Code unit at byte offset off for stride 1 (bytes) or 2 (UTF-16LE).
 * -1 past the end. */
static long unit_at(const uint8_t *buf, size_t len, size_t off, unsigned stride)
{
  if (stride == 1)
    return off < len ? buf[off] : -1;
  if (off > len || len - off < 2)
    return -1;
  return (long)(buf[off] | buf[off + 1] << 8);
}

/* pat is lower-case ASCII. */
static bool match_at(const uint8_t *buf, size_t len, size_t off, const char *pat,
                     size_t plen, unsigned stride)
{
  if (off > len || (len - off) / stride < plen)
    return false;
  for (size_t k = 0; k < plen; k++) {
    long u = unit_at(buf, len, off + k * stride, stride);
    if (u < 0 || u > 0x7f || lower((int)u) != pat[k])
      return false;
  }
  return true;
}

/* Text around a hit, escaped to printable ASCII: the entry runs from the
 * previous NUL (at most MB_BACK_UNITS back) to the next NUL (at most
 * MB_FWD_UNITS on). Non-printable units become \xNN or \uNNNN. */
static void capture(const uint8_t *buf, size_t len, size_t hit, unsigned stride, char *out,
                    size_t outsz)
{
  size_t start = hit;
  for (unsigned i = 0; i < MB_BACK_UNITS && start >= stride; i++) {
    long u = unit_at(buf, len, start - stride, stride);
    if (u <= 0)
      break;
    start -= stride;
  }
  size_t o = 0;
  out[0] = '\0';
  size_t off = start;
  for (unsigned i = 0; i < MB_BACK_UNITS + MB_FWD_UNITS; i++, off += stride) {
    long u = unit_at(buf, len, off, stride);
    if (u <= 0)
      break;
    char tmp[8];
    if (u >= 0x20 && u < 0x7f) {
      tmp[0] = (char)u;
      tmp[1] = '\0';
    } else if (u < 0x100) {
      snprintf(tmp, sizeof tmp, "\\x%02lx", (unsigned long)u);
    } else {
      snprintf(tmp, sizeof tmp, "\\u%04lx", (unsigned long)u);
    }
    size_t tl = strlen(tmp);
    if (o + tl + 1 > outsz)
      break; /* never half an escape */
    memcpy(out + o, tmp, tl);
    o += tl;
    out[o] = '\0';
  }
}

/* "/root/c" must end the path component: NUL, a separator, or the end. */
static bool component_ends(const uint8_t *buf, size_t len, size_t after, unsigned stride)
{
  long u = unit_at(buf, len, after, stride);
  return u <= 0 || u == '/' || u == '\\';
}

/* Runs of at least 4 printable ASCII units in one stride (1: bytes, 2:
 * UTF-16LE, at both alignments). One linear pass per stride. */
static uint64_t count_strings(const uint8_t *buf, size_t len, unsigned stride, size_t start)
{
  uint64_t n = 0;
  size_t run = 0;
  for (size_t off = start; off < len; off += stride) {
    long u = unit_at(buf, len, off, stride);
    if (u >= 0x20 && u < 0x7f) {
      if (++run == 4)
        n++;
    } else {
      run = 0;
    }
  }
  return n;
}

void rs_metabase_scan(const uint8_t *buf, size_t len, struct rs_metabase_scan *out)
{
  if (!out)
    return;
  memset(out, 0, sizeof *out);
  if (!buf || len == 0)
    return;
  out->strings = count_strings(buf, len, 1, 0) + count_strings(buf, len, 2, 0) +
                 count_strings(buf, len, 2, 1);
  static const char ida[] = ".ida,", idq[] = ".idq,", dll[] = "idq.dll", rc[] = "/root/c",
                    rd[] = "/root/d";
  const size_t lida = sizeof ida - 1, lidq = sizeof idq - 1, ldll = sizeof dll - 1,
               lroot = sizeof rc - 1;
  /* UTF-16LE first: where both encodings hold a string, the report names
   * the wide form, which is what the metabase API would hand out. */
  static const unsigned strides[2] = {2, 1};
  for (int e = 0; e < 2; e++) {
    unsigned s = strides[e];
    const char *encname = s == 2 ? "utf-16le" : "ansi";
    for (size_t i = 0; i < len; i++) {
      int c = lower(buf[i]);
      /* Cheap first-unit filter keeps the scan linear with a small constant. */
      if (c != '.' && c != 'i' && c != '/')
        continue;
      if (s == 2 && (len - i < 2 || buf[i + 1] != 0))
        continue;
      if (c == '.') {
        if (!out->ida && match_at(buf, len, i, ida, lida, s)) {
          out->ida = true;
          out->ida_offset = i;
          snprintf(out->ida_encoding, sizeof out->ida_encoding, "%s", encname);
          capture(buf, len, i, s, out->ida_entry, sizeof out->ida_entry);
        } else if (!out->idq && match_at(buf, len, i, idq, lidq, s)) {
          out->idq = true;
          out->idq_offset = i;
          capture(buf, len, i, s, out->idq_entry, sizeof out->idq_entry);
        }
      } else if (c == 'i') {
        if (!out->idq_dll && match_at(buf, len, i, dll, ldll, s))
          out->idq_dll = true;
      } else {
        if (!out->vdir_c && match_at(buf, len, i, rc, lroot, s) &&
            component_ends(buf, len, i + lroot * s, s))
          out->vdir_c = true;
        if (!out->vdir_d && match_at(buf, len, i, rd, lroot, s) &&
            component_ends(buf, len, i + lroot * s, s))
          out->vdir_d = true;
      }
    }
  }
}
