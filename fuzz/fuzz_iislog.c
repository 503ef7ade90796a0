/* libFuzzer: the IIS log parser (all formats) fed in uneven chunks, plus the
 * aggregator, plus the pure classifier. The first byte picks the format hint
 * and the chunk size, so chunking bugs are found too. Differential: the same
 * input through a hits-only reader (pre-filter and fast road, other chunks)
 * must give the same statistics and the same hits, else the run traps. */
#include <stdint.h>
#include <string.h>
#include "redsleuth/iislog.h"

struct seen {
  struct rs_logagg *agg; /* NULL: do not aggregate */
  uint64_t digest, hits;
  int non_hit; /* a non-hit reached a hits-only callback */
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * 1099511628211ULL;
  return h;
}

static uint64_t mix_str(uint64_t h, const char *s)
{
  return s ? mix(h, s, strlen(s) + 1) : mix(h, "\xff", 1);
}

static void cb(const struct rs_logrec *r, void *arg)
{
  struct seen *s = arg;
  if (r->family < RS_FAM_NONE || r->family >= RS_FAM__COUNT)
    __builtin_trap();
  if (r->family == RS_FAM_NONE) {
    s->non_hit = 1;
    return;
  }
  /* iislog.h: the aggregator is fed only with hits (family != NONE) */
  if (s->agg)
    rs_logagg_add(s->agg, r);
  int64_t v[] = {(int64_t)r->line, r->when.sec, r->when.nsec, r->when.digits, r->when.set,
                 r->utc, r->has_date, r->status, r->win32_status, r->family, r->backdoor_use};
  uint64_t h = mix(s->digest, v, sizeof v);
  h = mix_str(h, r->client_ip);
  h = mix_str(h, r->method);
  h = mix_str(h, r->stem);
  s->digest = mix_str(h, r->query);
  s->hits++;
}

static int same_stats(const struct rs_logfile_stats *a, const struct rs_logfile_stats *b)
{
  return a->format == b->format && a->lines == b->lines && a->records == b->records &&
         a->directives == b->directives && a->unparsed == b->unparsed &&
         a->long_lines == b->long_lines && a->first_unparsed_line == b->first_unparsed_line &&
         a->first.set == b->first.set && a->first.sec == b->first.sec &&
         a->first.nsec == b->first.nsec && a->first.digits == b->first.digits &&
         a->last.set == b->last.set && a->last.sec == b->last.sec &&
         a->last.nsec == b->last.nsec && a->last.digits == b->last.digits &&
         a->times_utc == b->times_utc && strcmp(a->tz_used, b->tz_used) == 0 &&
         memcmp(a->hits, b->hits, sizeof a->hits) == 0;
}

/* Reads data in chunks of `chunk` bytes; 0 when the reader could not open. */
static int read_log(const char *name, enum rs_logfmt fmt, const struct rs_tz *tz,
                    const uint8_t *data, size_t size, size_t chunk, int hits_only,
                    struct seen *s, struct rs_logfile_stats *st)
{
  struct rs_iislog *p = NULL;
  struct rs_diag d;
  if (rs_iislog_open(name, fmt, tz, cb, s, &p, &d) != RS_OK)
    return 0;
  rs_iislog_set_hits_only(p, hits_only);
  for (size_t off = 0; off < size; off += chunk)
    rs_iislog_feed(p, data + off, size - off < chunk ? size - off : chunk, &d);
  rs_iislog_finish(p, st, &d);
  rs_iislog_free(p);
  return 1;
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
  struct seen full = {agg, 0, 0, 0}, fast = {NULL, 0, 0, 0};
  struct rs_logfile_stats st, st2;
  const char *name = names[ctl & 3];
  enum rs_logfmt fmt = (enum rs_logfmt)((ctl >> 2) & 3);
  size_t chunk = (size_t)((ctl >> 4) & 3) * 61 + 1;
  if (read_log(name, fmt, &tz, data, size, chunk, 0, &full, &st)) {
    if (st.records + st.unparsed + st.directives > st.lines + 1)
      __builtin_trap();
    /* the hits-only road, in chunks of another size (whole when ctl's top
     * bit is clear: the fast road sees whole lines then) */
    size_t chunk2 = (ctl & 0x80) ? chunk * 67 + 13 : (size ? size : 1);
    if (!read_log(name, fmt, &tz, data, size, chunk2, 1, &fast, &st2))
      __builtin_trap();
    if (fast.non_hit || fast.hits != full.hits || fast.digest != full.digest ||
        !same_stats(&st, &st2))
      __builtin_trap();
  }
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
