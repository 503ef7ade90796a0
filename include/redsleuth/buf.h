/* Bounded growable byte buffer (curl's dynbuf idea): every buffer that is
 * filled from evidence has a maximum size, and growing past it fails with
 * RS_E_LIMIT instead of exhausting memory. */
#ifndef REDSLEUTH_BUF_H
#define REDSLEUTH_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include "diag.h"

struct rs_buf {
  char *data;   /* always NUL-terminated when non-NULL */
  size_t len;
  size_t cap;
  size_t max;   /* hard limit on len */
};

void rs_buf_init(struct rs_buf *b, size_t max);
void rs_buf_free(struct rs_buf *b);          /* accepts NULL; leaves b empty */
void rs_buf_reset(struct rs_buf *b);         /* len = 0, keeps memory */
enum rs_err rs_buf_add(struct rs_buf *b, const void *p, size_t n);
enum rs_err rs_buf_adds(struct rs_buf *b, const char *s);
enum rs_err rs_buf_addf(struct rs_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum rs_err rs_buf_vaddf(struct rs_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Grows the array *p (of *cap elements of elem bytes) to hold at least need
 * elements, doubling from first: the one grow-by-doubling helper. false
 * (with *p and *cap unchanged) when memory runs out or the size overflows. */
bool rs_grow(void **p, size_t *cap, size_t need, size_t elem, size_t first);

/* Hands the data to the caller (free() it) and leaves b empty. */
char *rs_buf_steal(struct rs_buf *b);

/* snprintf that always terminates and reports truncation (returns 0 when the
 * whole string fit, -1 when it was cut). */
int rs_strlcpy(char *dst, const char *src, size_t size);
int rs_snprintf(char *dst, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The line splitter of the small text-log parsers (Dr. Watson, UrlScan):
 * the next line of buf[*pos..len), without its "\n" or "\r\n", is copied
 * into t (tsz bytes, NUL-terminated, length in *ll) and *pos moves past it.
 * 1: a clean line; 0: garbage (longer than tsz - 1, or a control character
 * other than tab; t is "" then); -1: no line left. */
int rs_text_line(const unsigned char *buf, size_t len, size_t *pos, char *t, size_t tsz,
                 size_t *ll);
/* A library's multi-line message (libyal backtraces) made one sentence:
 * trailing newlines and spaces cut, inner CR/LF as spaces. */
void rs_one_line(char *s);
/* Lower-case hex of n bytes into out (2n+1 bytes, terminated): digests. */
void rs_hex(const unsigned char *p, size_t n, char *out);

#endif
