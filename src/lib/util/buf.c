#include "redsleuth/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rs_buf_init(struct rs_buf *b, size_t max)
{
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
}

void rs_buf_free(struct rs_buf *b)
{
  if (!b)
    return;
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void rs_buf_reset(struct rs_buf *b)
{
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

bool rs_grow(void **p, size_t *cap, size_t need, size_t elem, size_t first)
{
  if (need <= *cap)
    return true;
  size_t n = *cap ? *cap : (first ? first : 1);
  while (n < need) {
    if (n > SIZE_MAX / 2)
      return false;
    n *= 2;
  }
  if (elem && n > SIZE_MAX / elem)
    return false;
  void *q = realloc(*p, n * elem);
  if (!q)
    return false;
  *p = q;
  *cap = n;
  return true;
}

static enum rs_err grow(struct rs_buf *b, size_t need)
{
  if (need > b->max || need + 1 < need)
    return RS_E_LIMIT;
  if (need + 1 <= b->cap)
    return RS_OK;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need + 1)
    cap = cap > SIZE_MAX / 2 ? need + 1 : cap * 2;
  if (cap > b->max + 1)
    cap = b->max + 1;
  char *p = realloc(b->data, cap);
  if (!p)
    return RS_E_NOMEM;
  b->data = p;
  b->cap = cap;
  return RS_OK;
}

enum rs_err rs_buf_add(struct rs_buf *b, const void *p, size_t n)
{
  if (n > SIZE_MAX - b->len)
    return RS_E_LIMIT;
  enum rs_err e = grow(b, b->len + n);
  if (e)
    return e;
  if (n)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return RS_OK;
}

enum rs_err rs_buf_adds(struct rs_buf *b, const char *s)
{
  return rs_buf_add(b, s, strlen(s));
}

enum rs_err rs_buf_vaddf(struct rs_buf *b, const char *fmt, va_list ap)
{
  char small[256];
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  enum rs_err e = RS_OK;
  if (n < 0)
    e = RS_E_INTERNAL;
  else if ((size_t)n < sizeof small)
    e = rs_buf_add(b, small, (size_t)n);
  else if ((e = grow(b, b->len + (size_t)n)) == RS_OK) {
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    b->len += (size_t)n;
  }
  va_end(ap2);
  return e;
}

enum rs_err rs_buf_addf(struct rs_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  enum rs_err e = rs_buf_vaddf(b, fmt, ap);
  va_end(ap);
  return e;
}

char *rs_buf_steal(struct rs_buf *b)
{
  char *p = b->data;
  if (!p) {
    p = malloc(1);
    if (p)
      p[0] = '\0';
  }
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}

int rs_text_line(const unsigned char *buf, size_t len, size_t *pos, char *t, size_t tsz,
                 size_t *ll)
{
  *ll = 0;
  if (tsz)
    t[0] = '\0';
  if (*pos >= len)
    return -1;
  const unsigned char *ls = buf + *pos;
  const unsigned char *nl = memchr(ls, '\n', len - *pos);
  size_t n = nl ? (size_t)(nl - ls) : len - *pos;
  *pos = nl ? *pos + n + 1 : len;
  if (n > 0 && ls[n - 1] == '\r')
    n--;
  if (n >= tsz)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (ls[i] < 0x20 && ls[i] != '\t')
      return 0;
  memcpy(t, ls, n);
  t[n] = '\0';
  *ll = n;
  return 1;
}

void rs_one_line(char *s)
{
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
    s[--n] = '\0';
  for (size_t i = 0; i < n; i++)
    if (s[i] == '\n' || s[i] == '\r')
      s[i] = ' ';
}

int rs_strlcpy(char *dst, const char *src, size_t size)
{
  if (!size)
    return -1;
  size_t n = strlen(src);
  if (n >= size) {
    memcpy(dst, src, size - 1);
    dst[size - 1] = '\0';
    return -1;
  }
  memcpy(dst, src, n + 1);
  return 0;
}

int rs_snprintf(char *dst, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(dst, size, fmt, ap);
  va_end(ap);
  return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

void rs_hex(const unsigned char *p, size_t n, char *out)
{
  static const char hx[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = hx[p[i] >> 4];
    out[2 * i + 1] = hx[p[i] & 15];
  }
  out[2 * n] = '\0';
}
