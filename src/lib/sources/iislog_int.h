/* Internal to the IIS log reader (iislog.c, iislog_classify.c, iislog_scan.c)
 * and its tests: case helpers, the stem pre-test, and the byte-class masks the
 * hits-only reader scans each read buffer with. */
#ifndef REDSLEUTH_IISLOG_INT_H
#define REDSLEUTH_IISLOG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline unsigned char rs_lc(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

/* Case-insensitive equality of s[0..n) with the lower-case literal w. */
static inline bool rs_ci_eq(const char *s, size_t n, const char *w)
{
  size_t wl = strlen(w);
  if (n != wl)
    return false;
  for (size_t i = 0; i < n; i++)
    if (rs_lc((unsigned char)s[i]) != (unsigned char)w[i])
      return false;
  return true;
}

static inline bool rs_ci_prefix(const char *s, size_t n, const char *w)
{
  size_t wl = strlen(w);
  return n >= wl && rs_ci_eq(s, wl, w);
}

/* Cheap test that a stem (as logged) can be a hit: every classifier rule
 * needs a base name ending in .ida/.idq/.exe/.dll, literally or
 * percent-encoded. False means rs_iislog_classify() gives RS_FAM_NONE and the
 * line is no backdoor use; the parser classifies only stems that pass. */
bool rs_iislog_maybe_hit(const char *s, size_t n);

/* Lines the reader counted on the fast road so far (tests: the road is
 * taken). */
struct rs_iislog;
uint64_t rs_iislog_fast_lines(const struct rs_iislog *p);

/* Byte classes of a window of up to RS_LOGWIN bytes, one bit a byte (bit i%64
 * of word i/64 for byte i):
 *   nl  '\n'
 *   sp  ' '
 *   sx  a byte that sends the line off the fast path: '%', '"', NUL, or a '.'
 *       whose next byte is i, e or d in either case (the start of .ida, .idq,
 *       .exe, .dll). A line with no sx bit has no stem that passes
 *       rs_iislog_maybe_hit, whatever column the stem is in.
 *   sq  '"' or NUL (also in sx): the line needs the full road's tokenizer.
 * Bits at and past n are zero. The next byte of the window's last byte is read
 * only when it is below avail (the bytes the caller may read, avail >= n);
 * past avail it counts as NUL. */
#define RS_LOGWIN_WORDS 128
#define RS_LOGWIN (RS_LOGWIN_WORDS * 64)
struct rs_logwin {
  uint64_t nl[RS_LOGWIN_WORDS], sp[RS_LOGWIN_WORDS], sx[RS_LOGWIN_WORDS], sq[RS_LOGWIN_WORDS];
};
void rs_logwin_scan(struct rs_logwin *w, const char *s, size_t n, size_t avail);
/* The same with a given instruction set (tests: each is compared with the
 * byte-at-a-time reference). False when this machine or build lacks it. */
enum rs_logwin_isa { RS_LOGWIN_BYTES, RS_LOGWIN_SSE2, RS_LOGWIN_AVX2 };
bool rs_logwin_scan_isa(enum rs_logwin_isa isa, struct rs_logwin *w, const char *s, size_t n,
                        size_t avail);

/* First set bit of m at or after bit `from`, below `lim`; lim if none. */
static inline size_t rs_logwin_next(const uint64_t *m, size_t from, size_t lim)
{
  if (from >= lim)
    return lim;
  size_t k = from >> 6, kend = (lim + 63) >> 6;
  uint64_t x = m[k] & (~0ULL << (from & 63));
  while (!x) {
    if (++k >= kend)
      return lim;
    x = m[k];
  }
  size_t i = (k << 6) + (size_t)__builtin_ctzll(x);
  return i < lim ? i : lim;
}

/* Whether any bit of m in [a, b) is set. */
static inline bool rs_logwin_any(const uint64_t *m, size_t a, size_t b)
{
  return rs_logwin_next(m, a, b) < b;
}

#endif
