/* libFuzzer: the log line carver (carve.c, which drives prefilter.c and the
 * log parser), with oracles:
 *  - every carved line lies in the input, holds its hit, and its text is
 *    the input's bytes (every other byte, 0s between, for UTF-16LE);
 *  - the same lines come out when the input is read in overlapping pieces;
 *  - the pre-filter's scalar and AVX2 loops report the same hits.
 * The first byte picks the piece size and a position for rs_carve_line. */
#include <stdint.h>
#include <string.h>

#include "redsleuth/carve.h"
#include "redsleuth/prefilter.h"

struct ctx {
  const uint8_t *data;
  size_t size;
  uint64_t base;
  uint64_t digest, n;
};

static void check_line(const struct rs_carved *c, void *arg)
{
  struct ctx *x = arg;
  size_t s = c->wide ? 2 : 1;
  if (c->offset < x->base || c->offset - x->base + c->raw_len > x->size)
    __builtin_trap();
  if (c->raw_len != c->len * s || strlen(c->text) != c->len)
    __builtin_trap();
  if (c->hit < c->offset || c->hit >= c->offset + c->raw_len)
    __builtin_trap();
  const uint8_t *p = x->data + (c->offset - x->base);
  for (size_t i = 0; i < c->len; i++) {
    if ((uint8_t)c->text[i] != p[i * s] || (s == 2 && p[i * s + 1] != 0))
      __builtin_trap();
    if (c->text[i] != '\t' && (c->text[i] < 0x20 || c->text[i] > 0x7e))
      __builtin_trap();
  }
  if (c->parsed && (c->rec.family < RS_FAM_NONE || c->rec.family >= RS_FAM__COUNT))
    __builtin_trap();
  if (c->fields && c->fields_offset >= c->offset)
    __builtin_trap();
  uint64_t h = x->digest ^ c->offset;
  h = h * 1099511628211ULL + c->len + (uint64_t)c->parsed * 3 + (uint64_t)c->date_from * 7 +
      (uint64_t)c->whole * 11 + (uint64_t)(c->parsed ? c->rec.when.sec : 0);
  x->digest = h;
  x->n++;
}

struct pfh {
  uint64_t digest, n;
};

static bool pf_cb(size_t pos, uint32_t id, size_t len, void *arg)
{
  struct pfh *h = arg;
  h->digest = (h->digest ^ pos) * 1099511628211ULL + id * 31 + len;
  h->n++;
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  uint8_t ctl = data[0];
  data++, size--;
  static struct rs_carver *c;
  struct rs_diag d;
  if (!c && rs_carver_new(NULL, &c, &d) != RS_OK)
    __builtin_trap();

  /* whole */
  struct ctx whole = {data, size, 1000, 0, 0};
  rs_carver_reset(c);
  if (rs_carver_scan(c, data, size, 1000, true, check_line, &whole, NULL, &d) != RS_OK)
    __builtin_trap();

  /* in pieces: the same lines */
  size_t piece = RS_CARVE_OVERLAP + 1 + (size_t)ctl * 13;
  if (size > piece) {
    struct ctx parts = {data, size, 1000, 0, 0};
    rs_carver_reset(c);
    for (size_t off = 0;; off += piece - RS_CARVE_OVERLAP) {
      bool last = off + piece >= size;
      size_t n = last ? size - off : piece;
      parts.data = data + off;
      parts.size = n;
      parts.base = 1000 + off;
      if (rs_carver_scan(c, data + off, n, 1000 + off, last, check_line, &parts, NULL, &d) !=
          RS_OK)
        __builtin_trap();
      if (last)
        break;
    }
    if (parts.n != whole.n || parts.digest != whole.digest)
      __builtin_trap();
  }

  /* one line at a chosen position */
  if (size > 0) {
    size_t at = ((size_t)ctl * 257) % size;
    struct ctx one = {data, size, 0, 0, 0};
    rs_carve_line(c, data, size, 0, at, (ctl & 1) != 0, check_line, &one, &d);
    if (one.n > 1)
      __builtin_trap();
  }

  /* scalar and AVX2 pre-filter loops agree */
  static struct rs_prefilter *pf;
  if (!pf) {
    static const char *const w[] = {"default.ida", "root.exe", "cmd.exe", "Virus(CV)",
                                    "HOST:www.worm.com"};
    struct rs_pf_pattern p[10];
    for (int i = 0; i < 10; i++)
      p[i] = (struct rs_pf_pattern){(const uint8_t *)w[i / 2], strlen(w[i / 2]), i % 2 == 1,
                                    i < 6, (uint32_t)i};
    if (rs_prefilter_new(p, 10, &pf, &d) != RS_OK)
      __builtin_trap();
  }
  struct pfh a = {0, 0}, b = {0, 0};
  rs_prefilter_use(pf, RS_PF_SCALAR);
  rs_prefilter_scan(pf, data, size, pf_cb, &a);
  if (rs_prefilter_use(pf, RS_PF_AVX2) == RS_PF_AVX2) {
    rs_prefilter_scan(pf, data, size, pf_cb, &b);
    if (a.n != b.n || a.digest != b.digest)
      __builtin_trap();
  }
  return 0;
}
