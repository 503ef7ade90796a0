/* libFuzzer: the IIS log parser (all formats) fed in uneven chunks, plus the
 * aggregator, plus the pure classifier. The first byte picks the format hint
 * and the chunk size, so chunking bugs are found too. */
#include <stdint.h>
#include <string.h>
#include "redsleuth/iislog.h"

static void cb(const struct rs_logrec *r, void *arg)
{
  if (r->family < RS_FAM_NONE || r->family >= RS_FAM__COUNT)
    __builtin_trap();
  /* iislog.h: the aggregator is fed only with hits (family != NONE) */
  if (r->family != RS_FAM_NONE)
    rs_logagg_add((struct rs_logagg *)arg, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  static const char *const names[] = {"ex010804.log", "in010719.log", "nc010920.log", "x.log"};
  uint8_t ctl = data[0];
  data++, size--;
  struct rs_tz tz;
  memset(&tz, 0, sizeof tz);
  tz.known = (ctl & 0x40) != 0;
  tz.bias = 300;
  tz.daylight_bias = -60;
  tz.daylight_start = (struct rs_systemtime){0, 4, 0, 1, 2, 0, 0, 0};
  tz.standard_start = (struct rs_systemtime){0, 10, 0, 5, 2, 0, 0, 0};
  struct rs_logagg *agg = rs_logagg_new();
  struct rs_iislog *p = NULL;
  struct rs_diag d;
  if (rs_iislog_open(names[ctl & 3], (enum rs_logfmt)((ctl >> 2) & 3), &tz, cb, agg, &p, &d) ==
      RS_OK) {
    size_t chunk = (size_t)((ctl >> 4) & 3) * 61 + 1;
    for (size_t off = 0; off < size; off += chunk)
      rs_iislog_feed(p, data + off, size - off < chunk ? size - off : chunk, &d);
    struct rs_logfile_stats st;
    rs_iislog_finish(p, &st, &d);
    if (st.records + st.unparsed + st.directives > st.lines + 1)
      __builtin_trap();
  }
  rs_iislog_free(p);
  const struct rs_attacker *a;
  const struct rs_backdoor_use *u;
  rs_logagg_attackers(agg, &a);
  rs_logagg_backdoor_uses(agg, &u);
  rs_logagg_free(agg);
  /* the classifier on the raw bytes split at the first space */
  char buf[512];
  size_t n = size < sizeof buf - 1 ? size : sizeof buf - 1;
  memcpy(buf, data, n);
  buf[n] = '\0';
  char *q = strchr(buf, ' ');
  if (q)
    *q++ = '\0';
  rs_iislog_classify("GET", buf, q);
  return 0;
}
