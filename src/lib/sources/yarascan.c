/* YARA scanning: one buffer, or a stream cut into overlapping windows.
 *
 * Windows: window k covers [ws, ws + len); the next starts at
 * next = ws + len - overlap. A string match belongs to the window whose
 * range [ws + LB, next + LB) holds its offset (LB = RS_RULES_LOOKBEHIND; the
 * first window starts at the region's start, the last ends at its end).
 * overlap = longest match + 2 LB, so a match owned by a window lies wholly
 * in it, with LB bytes before it (for conditions such as uint8(@a - 1) and
 * for the context) and its context after it. Each match is thus seen whole
 * and counted once, whatever the chunking.
 *
 * Pre-filtered sets: in each window, YARA scans only slices
 * [anchor - M, anchor + len + M] around the pre-filter's hits
 * (M = longest match + LB), merged when close. Every match of a bundled
 * string contains an anchor, so it lies in a slice with the bytes its
 * condition reads; the result equals a scan of the whole window for rules
 * that fire through their strings (the bundled rules' contract). */
#include "sources/yara_int.h"

#include <stdlib.h>
#include <string.h>

#define WINDOW_MAX ((size_t)1 << 30)

/* The first matches of one string (by offset): RS_RULES_PER_STRING, or 1
 * for a string libyara stops at its first match (its flag SINGLE_MATCH,
 * set when the condition needs no count or offset: a plain scan and a
 * sliced one then still report the same). */
struct slot {
  uint32_t n;
  struct rs_rule_hit h[RS_RULES_PER_STRING];
};

struct rs_rules_scanner {
  struct rs_rules *r;
  YR_SCANNER **ys;       /* one per rule set */
  struct slot *slots;    /* first match of every string */
  bool *fired;           /* per rule */
  struct rs_rule_hit *out; /* delivery buffer, longest rule's string count */
  /* the window being scanned */
  size_t cur_set;
  const uint8_t *win;
  size_t wlen;
  uint64_t wbase, acc_lo, acc_hi;
  size_t slice_off;
  /* slices of the pre-filtered set: [sl[2i], sl[2i+1]) */
  size_t *sl;
  size_t nsl, slcap, margin;
  bool sl_nomem;
  /* stream */
  bool streaming, first;
  bool held;             /* the caller holds the windows (rs_rules_stream_held) */
  uint64_t hstart, hpos, hlo; /* held: the stream's start, its next byte, the next window's lo */
  uint8_t *buf;
  size_t cap, len;
  rs_rule_match_cb cb;
  void *arg;
  struct rs_rules_stats st;
};

static void fill_hit(struct rs_rules_scanner *s, struct rs_rule_hit *h, const char *id,
                     uint64_t abs, uint32_t mlen, size_t woff)
{
  h->id = id;
  h->offset = abs;
  h->length = mlen;
  size_t avail = woff < s->wlen ? s->wlen - woff : 0;
  size_t ml = mlen < avail ? mlen : avail;
  bool wide = ml >= 2 && ml % 2 == 0;
  for (size_t i = 1; wide && i < ml; i += 2)
    wide = s->win[woff + i] == 0;
  h->wide = wide;
  size_t cs = woff > RS_RULES_CTX_BEFORE ? woff - RS_RULES_CTX_BEFORE : 0;
  size_t ce = cs + RS_RULES_CTX < s->wlen ? cs + RS_RULES_CTX : s->wlen;
  if (cs > ce)
    cs = ce;
  h->ctx_offset = s->wbase + cs;
  h->ctx_len = (uint32_t)(ce - cs);
  memcpy(h->ctx, s->win + cs, ce - cs);
}

static int yara_cb(YR_SCAN_CONTEXT *ctx, int msg, void *data, void *arg)
{
  struct rs_rules_scanner *s = arg;
  if (msg == CALLBACK_MSG_TOO_MANY_MATCHES) {
    s->st.too_many++;
    return CALLBACK_CONTINUE;
  }
  if (msg != CALLBACK_MSG_RULE_MATCHING)
    return CALLBACK_CONTINUE;
  const YR_RULE *rule = data;
  const struct rs_rule_set *set = &s->r->sets[s->cur_set];
  size_t gi = set->first_rule + (size_t)(rule - set->yr->rules_table);
  size_t accepted = 0, nstr = 0;
  const YR_STRING *str;
  yr_rule_strings_foreach(rule, str)
  {
    nstr++;
    /* libyara's match records are not always 8-byte aligned (its arena):
     * each is copied out rather than read in place (UBSan) */
    const void *mp = ctx->matches[str->idx].head;
    YR_MATCH mm;
    const YR_MATCH *m = &mm;
    for (; mp; mp = mm.next) {
      memcpy(&mm, mp, sizeof mm);
      if (mm.is_private || mm.base < 0 || mm.offset < 0)
        continue;
      size_t woff = s->slice_off + (size_t)m->base + (size_t)m->offset;
      uint64_t abs = s->wbase + woff;
      if (abs < s->acc_lo || abs >= s->acc_hi)
        continue;
      accepted++;
      struct slot *sl = &s->slots[set->first_string + str->idx];
      uint32_t cap = (str->flags & STRING_FLAGS_SINGLE_MATCH) ? 1 : RS_RULES_PER_STRING;
      uint32_t at = sl->n;
      while (at > 0 && sl->h[at - 1].offset > abs)
        at--;
      if (at >= cap || (at > 0 && sl->h[at - 1].offset == abs))
        continue; /* not among the first, or seen (a window's overlap) */
      if (sl->n == cap)
        sl->n--; /* the last one goes */
      memmove(&sl->h[at + 1], &sl->h[at], (sl->n - at) * sizeof sl->h[0]);
      fill_hit(s, &sl->h[at], str->identifier, abs, (uint32_t)m->match_length, woff);
      sl->n++;
    }
  }
  /* a rule whose every match belongs to a neighbouring window fired there */
  if ((accepted || nstr == 0) && gi < s->r->ninfo)
    s->fired[gi] = true;
  return CALLBACK_CONTINUE;
}

void rs_rules_scanner_free(struct rs_rules_scanner *s)
{
  if (!s)
    return;
  for (size_t i = 0; s->ys && s->r && i < s->r->nsets; i++)
    if (s->ys[i])
      yr_scanner_destroy(s->ys[i]);
  free(s->ys);
  free(s->slots);
  free(s->fired);
  free(s->out);
  free(s->sl);
  free(s->buf);
  free(s);
}

enum rs_err rs_rules_scanner_new(struct rs_rules *r, struct rs_rules_scanner **out,
                                 struct rs_diag *d)
{
  if (!r || !out)
    return rs_diag_set(d, RS_E_USAGE, "rules", "rs_rules_scanner_new: bad arguments");
  *out = NULL;
  struct rs_rules_scanner *s = calloc(1, sizeof *s);
  if (s)
    s->r = r; /* before any failure: rs_rules_scanner_free reads it */
  size_t most = 1;
  for (size_t i = 0; i < r->ninfo; i++)
    if (r->rule_nstr[i] > most)
      most = r->rule_nstr[i];
  if (!s || !(s->ys = calloc(r->nsets ? r->nsets : 1, sizeof *s->ys)) ||
      !(s->slots = calloc(r->nstrings ? r->nstrings : 1, sizeof *s->slots)) ||
      !(s->fired = calloc(r->ninfo ? r->ninfo : 1, sizeof *s->fired)) ||
      !(s->out = calloc(most * RS_RULES_PER_STRING, sizeof *s->out))) {
    rs_rules_scanner_free(s);
    return rs_diag_set(d, RS_E_NOMEM, "rules", "cannot allocate a scanner");
  }
  s->r = r;
  for (size_t i = 0; i < r->nsets; i++) {
    int rc = yr_scanner_create(r->sets[i].yr, &s->ys[i]);
    if (rc != ERROR_SUCCESS) {
      rs_rules_scanner_free(s);
      return rs_diag_set(d, rc == ERROR_INSUFFICIENT_MEMORY ? RS_E_NOMEM : RS_E_INTERNAL,
                         "libyara", "cannot create a scanner: %s", rs_yara_error(rc));
    }
    yr_scanner_set_callback(s->ys[i], yara_cb, s);
    yr_scanner_set_flags(s->ys[i], SCAN_FLAGS_REPORT_RULES_MATCHING);
  }
  *out = s;
  return RS_OK;
}

static bool slice_cb(size_t pos, uint32_t id, size_t len, void *arg)
{
  (void)id;
  struct rs_rules_scanner *s = arg;
  s->st.anchors++;
  size_t m = s->margin;
  size_t a = pos > m ? pos - m : 0;
  size_t b = pos + len + m < s->wlen ? pos + len + m : s->wlen;
  if (s->nsl && a <= s->sl[2 * s->nsl - 1] + m) {
    if (b > s->sl[2 * s->nsl - 1])
      s->sl[2 * s->nsl - 1] = b;
    return true;
  }
  if (s->nsl == s->slcap) {
    size_t nc = s->slcap ? s->slcap * 2 : 64;
    size_t *n = realloc(s->sl, nc * 2 * sizeof *n);
    if (!n) {
      s->sl_nomem = true;
      return false;
    }
    s->sl = n;
    s->slcap = nc;
  }
  s->sl[2 * s->nsl] = a;
  s->sl[2 * s->nsl + 1] = b;
  s->nsl++;
  return true;
}

static enum rs_err yara_scan(struct rs_rules_scanner *s, size_t set, size_t off, size_t len,
                             struct rs_diag *d)
{
  s->cur_set = set;
  s->slice_off = off;
  s->st.yara_bytes += len;
  int rc = yr_scanner_scan_mem(s->ys[set], s->win + off, len);
  if (rc == ERROR_SUCCESS)
    return RS_OK;
  return rs_diag_set(d, rc == ERROR_INSUFFICIENT_MEMORY ? RS_E_NOMEM : RS_E_INTERNAL, "libyara",
                     "scan at offset %llu failed: %s",
                     (unsigned long long)(s->wbase + off), rs_yara_error(rc));
}

static enum rs_err scan_window(struct rs_rules_scanner *s, const uint8_t *buf, size_t len,
                               uint64_t wbase, uint64_t acc_lo, uint64_t acc_hi,
                               struct rs_diag *d)
{
  s->win = buf;
  s->wlen = len;
  s->wbase = wbase;
  s->acc_lo = acc_lo;
  s->acc_hi = acc_hi;
  s->st.windows++;
  for (size_t i = 0; i < s->r->nsets; i++) {
    const struct rs_rule_set *set = &s->r->sets[i];
    enum rs_err e = RS_OK;
    if (!set->pf) {
      e = yara_scan(s, i, 0, len, d);
    } else {
      s->nsl = 0;
      s->sl_nomem = false;
      s->margin = set->max_match + RS_RULES_LOOKBEHIND;
      rs_prefilter_scan(set->pf, buf, len, slice_cb, s);
      if (s->sl_nomem)
        return rs_diag_set(d, RS_E_NOMEM, "rules", "cannot allocate the scan slices");
      s->st.slices += s->nsl;
      for (size_t k = 0; k < s->nsl && e == RS_OK; k++)
        e = yara_scan(s, i, s->sl[2 * k], s->sl[2 * k + 1] - s->sl[2 * k], d);
    }
    if (e != RS_OK)
      return e;
  }
  return RS_OK;
}

static int hit_cmp(const void *a, const void *b)
{
  const struct rs_rule_hit *x = a, *y = b;
  if (x->offset != y->offset)
    return x->offset < y->offset ? -1 : 1;
  return strcmp(x->id, y->id);
}

static void deliver(struct rs_rules_scanner *s)
{
  const struct rs_rules *r = s->r;
  for (size_t si = 0; si < r->nsets; si++) {
    const struct rs_rule_set *set = &r->sets[si];
    for (size_t k = 0; k < set->nrules; k++) {
      size_t gi = set->first_rule + k;
      if (!s->fired[gi])
        continue;
      size_t n = 0, nstr = 0;
      const YR_RULE *rule = &set->yr->rules_table[k];
      const YR_STRING *str;
      yr_rule_strings_foreach(rule, str)
      {
        const struct slot *sl = &s->slots[set->first_string + str->idx];
        nstr += sl->n > 0;
        for (uint32_t j = 0; j < sl->n && n < r->rule_nstr[gi] * RS_RULES_PER_STRING; j++)
          s->out[n++] = sl->h[j];
      }
      qsort(s->out, n, sizeof *s->out, hit_cmp);
      struct rs_rule_match m = {&r->info[gi], nstr,
                                n < RS_RULES_MAX_STRINGS ? n : RS_RULES_MAX_STRINGS, s->out};
      s->st.rules++;
      if (s->cb)
        s->cb(&m, s->arg);
    }
  }
  memset(s->slots, 0, (r->nstrings ? r->nstrings : 1) * sizeof *s->slots);
  memset(s->fired, 0, (r->ninfo ? r->ninfo : 1) * sizeof *s->fired);
}

static void reset(struct rs_rules_scanner *s)
{
  memset(s->slots, 0, (s->r->nstrings ? s->r->nstrings : 1) * sizeof *s->slots);
  memset(s->fired, 0, (s->r->ninfo ? s->r->ninfo : 1) * sizeof *s->fired);
  memset(&s->st, 0, sizeof s->st);
}

enum rs_err rs_rules_scan_mem(struct rs_rules_scanner *s, const uint8_t *buf, size_t len,
                              uint64_t base, rs_rule_match_cb cb, void *arg,
                              struct rs_rules_stats *st, struct rs_diag *d)
{
  if (!s || (!buf && len) || s->streaming)
    return rs_diag_set(d, RS_E_USAGE, "rules", "rs_rules_scan_mem: bad arguments");
  static const uint8_t empty[1];
  reset(s);
  s->cb = cb;
  s->arg = arg;
  s->st.bytes = len;
  enum rs_err e = scan_window(s, buf ? buf : empty, len, base, base, UINT64_MAX, d);
  if (e == RS_OK)
    deliver(s);
  else
    reset(s);
  if (st)
    *st = s->st;
  return e;
}

enum rs_err rs_rules_stream_begin(struct rs_rules_scanner *s, uint64_t base,
                                  rs_rule_match_cb cb, void *arg, struct rs_diag *d)
{
  if (!s || s->streaming)
    return rs_diag_set(d, RS_E_USAGE, "rules", "rs_rules_stream_begin: bad arguments");
  size_t cap = s->r->window ? s->r->window : RS_RULES_WINDOW;
  if (cap < 4 * s->r->overlap)
    cap = 4 * s->r->overlap;
  if (cap > WINDOW_MAX)
    return rs_diag_set(d, RS_E_LIMIT, "rules", "a rule's longest match (%zu bytes) needs a "
                       "window over 1 GiB", s->r->overlap);
  if (s->cap != cap) {
    free(s->buf);
    s->buf = malloc(cap);
    s->cap = s->buf ? cap : 0;
    if (!s->buf)
      return rs_diag_set(d, RS_E_NOMEM, "rules", "cannot allocate the scan window");
  }
  reset(s);
  s->cb = cb;
  s->arg = arg;
  s->streaming = true;
  s->first = true;
  s->len = 0;
  s->wbase = base;
  s->held = false;
  s->hstart = s->hpos = s->hlo = base;
  return RS_OK;
}

/* Scans the window held in s->buf; unless last, keeps its overlap. */
static enum rs_err flush(struct rs_rules_scanner *s, bool last, struct rs_diag *d)
{
  uint64_t wbase = s->wbase;
  size_t ov = s->r->overlap;
  uint64_t lo = s->first ? wbase : wbase + RS_RULES_LOOKBEHIND;
  uint64_t hi = last ? UINT64_MAX : wbase + s->len - ov + RS_RULES_LOOKBEHIND;
  enum rs_err e = scan_window(s, s->buf, s->len, wbase, lo, hi, d);
  if (e != RS_OK || last)
    return e;
  memmove(s->buf, s->buf + s->len - ov, ov);
  s->wbase = wbase + s->len - ov;
  s->len = ov;
  s->first = false;
  return RS_OK;
}

enum rs_err rs_rules_stream_feed(struct rs_rules_scanner *s, const uint8_t *data, size_t n,
                                 struct rs_diag *d)
{
  if (!s || !s->streaming || (!data && n))
    return rs_diag_set(d, RS_E_USAGE, "rules", "rs_rules_stream_feed: bad arguments");
  while (n > 0) {
    size_t take = s->cap - s->len < n ? s->cap - s->len : n;
    memcpy(s->buf + s->len, data, take);
    s->len += take;
    s->st.bytes += take;
    data += take;
    n -= take;
    if (s->len == s->cap) {
      enum rs_err e = flush(s, false, d);
      if (e != RS_OK) {
        s->streaming = false;
        reset(s);
        return e;
      }
    }
  }
  return RS_OK;
}

/* The caller holds the window: data[-held .. n) are scanned in place, the
 * held bytes before data being the stream's last bytes so far (all of them,
 * or the overlap: see yara.h). Ownership as in flush(): the window owns
 * [the previous window's end, wbase + len - overlap + LB), or to the
 * stream's end when last. */
enum rs_err rs_rules_stream_held(struct rs_rules_scanner *s, const uint8_t *data, size_t n,
                                 size_t held, bool last, struct rs_diag *d)
{
  size_t ov = s ? s->r->overlap : 0;
  if (!s || !s->streaming || s->len || (!data && (n || held)) ||
      held != (s->hpos - s->hstart < ov ? s->hpos - s->hstart : ov))
    return rs_diag_set(d, RS_E_USAGE, "rules", "rs_rules_stream_held: bad arguments");
  s->held = true;
  const uint8_t *w = data - held;
  size_t len = held + n;
  uint64_t wbase = s->hpos - held, lo = s->hlo;
  uint64_t hi = wbase + len + RS_RULES_LOOKBEHIND;
  hi = last ? UINT64_MAX : hi > ov ? hi - ov : 0;
  if (hi < lo)
    hi = lo;
  s->hpos += n;
  s->hlo = hi;
  s->st.bytes += n;
  s->first = false;
  enum rs_err e = len ? scan_window(s, w, len, wbase, lo, hi, d) : RS_OK;
  if (e != RS_OK) {
    s->streaming = false;
    reset(s);
  }
  return e;
}

enum rs_err rs_rules_stream_end(struct rs_rules_scanner *s, struct rs_rules_stats *st,
                                struct rs_diag *d)
{
  if (!s || !s->streaming)
    return rs_diag_set(d, RS_E_USAGE, "rules", "rs_rules_stream_end: no stream");
  s->streaming = false;
  enum rs_err e = RS_OK;
  if (!s->held && (!s->first || s->len > 0))
    e = flush(s, true, d);
  if (e == RS_OK)
    deliver(s);
  if (st)
    *st = s->st;
  if (e != RS_OK)
    reset(s);
  return e;
}
