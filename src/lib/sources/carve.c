/* Log line carving (see include/redsleuth/carve.h).
 *
 * Headers: the nearest "#Fields:" and "#Date:" before a line, in the same
 * run of text, at most RS_CARVE_HDR_BACK bytes back. Finding them is a
 * forward scan over the run; the scan's state is kept between the lines of
 * one piece (hits come in increasing order), so a region costs one pass over
 * the text near its hits, not RS_CARVE_HDR_BACK per hit.
 *
 * Parsing: the line goes to the log parser alone when it has the shape of an
 * NCSA or IIS native line, else (W3C) after its "#Date:" and "#Fields:"
 * lines; without a "#Fields:" line a W3C line's columns are unknown and it
 * is reported unparsed. */
#include "redsleuth/carve.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/buf.h"
#include "redsleuth/prefilter.h"

/* hits this close to a non-final piece's end wait for the next piece */
#define DEFER (4 * RS_CARVE_LINE_MAX)
#define TEXT_MAX (2 * RS_CARVE_LINE_MAX + 1)
#define NOTEXT 0x100

static const char *const keywords[] = {"default.ida", "root.exe", "cmd.exe"};
#define NKW (sizeof keywords / sizeof keywords[0])

struct hdr_state {
  bool valid;            /* for this piece and stride */
  uint64_t pos;          /* absolute: state describes lines starting at pos */
  bool at_line_start;    /* pos is a line start */
  bool have_fields, have_date;
  uint64_t fields_off, date_off; /* absolute */
};

struct rs_carver {
  struct rs_tz tz;
  bool tz_known;
  struct rs_prefilter *pf;
  uint64_t next_hit;     /* hits below this were handled */
  bool have_last[2];
  uint64_t last_end[2];  /* end of the last line carved, per stride */
  struct hdr_state hs[2];
  const uint8_t *piece;  /* the piece hs[] describes */
  bool started;          /* a piece of this region was scanned */
  bool region_start;     /* the current piece starts the region */
  /* the current piece (for the pre-filter callback) */
  const uint8_t *buf;
  size_t len;
  uint64_t base;
  bool last;
  rs_carve_cb cb;
  void *arg;
  struct rs_carve_stats *st;
  enum rs_err err;
  struct rs_diag *d;
  /* scratch */
  char text[TEXT_MAX + 1], fields[TEXT_MAX + 1], date[TEXT_MAX + 1];
  char strs[4 * (TEXT_MAX + 1)];
  struct rs_carved out;
  bool got_rec;
};

const char *rs_carve_date_name(enum rs_carve_date w)
{
  switch (w) {
  case RS_CARVE_DATE_LINE: return "line";
  case RS_CARVE_DATE_HEADER: return "header";
  default: return "none";
  }
}

void rs_carver_free(struct rs_carver *c)
{
  if (!c)
    return;
  rs_prefilter_free(c->pf);
  free(c);
}

void rs_carver_reset(struct rs_carver *c)
{
  if (!c)
    return;
  c->next_hit = 0;
  c->started = false;
  memset(c->have_last, 0, sizeof c->have_last);
  memset(c->hs, 0, sizeof c->hs);
  c->piece = NULL;
}

enum rs_err rs_carver_new(const struct rs_tz *tz, struct rs_carver **out, struct rs_diag *d)
{
  if (!out)
    return rs_diag_set(d, RS_E_USAGE, "carve", "rs_carver_new: no output");
  *out = NULL;
  struct rs_carver *c = calloc(1, sizeof *c);
  if (!c)
    return rs_diag_set(d, RS_E_NOMEM, "carve", "cannot allocate the carver");
  if (tz && tz->known) {
    c->tz = *tz;
    c->tz_known = true;
  }
  struct rs_pf_pattern p[2 * NKW];
  for (size_t i = 0; i < NKW; i++)
    for (int w = 0; w < 2; w++)
      p[2 * i + (size_t)w] = (struct rs_pf_pattern){(const uint8_t *)keywords[i],
                                                    strlen(keywords[i]), w == 1, true,
                                                    (uint32_t)(2 * i + (size_t)w)};
  enum rs_err e = rs_prefilter_new(p, 2 * NKW, &c->pf, d);
  if (e != RS_OK) {
    rs_carver_free(c);
    return e;
  }
  *out = c;
  return RS_OK;
}

/* ------------------------------------------------------------ text units */

/* The text unit at pos (stride 1: a byte; 2: a byte followed by 0), or
 * NOTEXT; -1 past the end. */
static int unit(const uint8_t *b, size_t len, size_t pos, size_t s)
{
  if (pos >= len || len - pos < s)
    return -1;
  if (s == 2 && b[pos + 1] != 0)
    return NOTEXT;
  int c = b[pos];
  if (c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0x7e))
    return c;
  return NOTEXT;
}

static bool is_text(int c)
{
  return c == '\t' || (c >= 0x20 && c <= 0x7e);
}

/* Case-insensitive: do the units at pos spell w? */
static bool spells(const uint8_t *b, size_t len, size_t pos, size_t s, const char *w)
{
  for (size_t i = 0; w[i]; i++) {
    int c = unit(b, len, pos + i * s, s);
    if (c < 0 || c == NOTEXT)
      return false;
    if (c >= 'A' && c <= 'Z')
      c += 32;
    int x = (unsigned char)w[i];
    if (x >= 'A' && x <= 'Z')
      x += 32;
    if (c != x)
      return false;
  }
  return true;
}

/* Copies the text line starting at pos (up to a break, non-text or the
 * limit) into out as ASCII; returns its length in units. */
static size_t line_text(const uint8_t *b, size_t len, size_t pos, size_t s, char *out,
                        size_t max)
{
  size_t n = 0;
  for (;;) {
    int c = unit(b, len, pos + n * s, s);
    if (n >= max || !is_text(c))
      break;
    out[n++] = (char)c;
  }
  out[n] = '\0';
  return n;
}

/* Advances the header state of stride s over [hs->pos, to) (relative). */
static void hdr_advance(struct rs_carver *c, struct hdr_state *hs, size_t s, size_t to)
{
  size_t p = (size_t)(hs->pos - c->base);
  while (p + s <= to) {
    if (hs->at_line_start) {
      if (spells(c->buf, c->len, p, s, "#Fields:")) {
        hs->have_fields = true;
        hs->fields_off = c->base + p;
      } else if (spells(c->buf, c->len, p, s, "#Date:")) {
        hs->have_date = true;
        hs->date_off = c->base + p;
      }
    }
    int u = unit(c->buf, c->len, p, s);
    if (u == '\n' || u == '\r') {
      hs->at_line_start = true;
    } else if (u == NOTEXT || u < 0) {
      hs->have_fields = hs->have_date = false; /* the run of text ends */
      hs->at_line_start = true;
    } else {
      hs->at_line_start = false;
    }
    p += s;
  }
  hs->pos = c->base + p;
}

/* Brings the header state of stride s to the line starting at ls. */
static struct hdr_state *headers_for(struct rs_carver *c, size_t ls, size_t s)
{
  struct hdr_state *hs = &c->hs[s - 1];
  uint64_t abs = c->base + ls;
  bool reuse = hs->valid && c->piece == c->buf && hs->pos <= abs &&
               abs - hs->pos <= RS_CARVE_HDR_BACK && (abs - hs->pos) % s == 0;
  if (!reuse) {
    size_t back = RS_CARVE_HDR_BACK - RS_CARVE_HDR_BACK % s;
    size_t start = ls > back ? ls - back : ls % s;
    memset(hs, 0, sizeof *hs);
    hs->valid = true;
    hs->pos = c->base + start;
    /* the first position starts a line only after a break or non-text */
    int prev = start >= s ? unit(c->buf, c->len, start - s, s) : -1;
    hs->at_line_start = !is_text(prev);
    c->piece = c->buf;
  }
  hdr_advance(c, hs, s, ls);
  return hs;
}

/* ------------------------------------------------------------ parsing */

static void copy_str(struct rs_carver *c, size_t *used, const char *src, const char **dst)
{
  if (!src) {
    *dst = NULL;
    return;
  }
  size_t n = strlen(src);
  if (*used + n + 1 > sizeof c->strs)
    n = sizeof c->strs - *used - 1;
  memcpy(c->strs + *used, src, n);
  c->strs[*used + n] = '\0';
  *dst = c->strs + *used;
  *used += n + 1;
}

static void rec_cb(const struct rs_logrec *r, void *arg)
{
  struct rs_carver *c = arg;
  if (c->got_rec)
    return;
  c->got_rec = true;
  c->out.rec = *r;
  size_t used = 0;
  copy_str(c, &used, r->client_ip, &c->out.rec.client_ip);
  copy_str(c, &used, r->method, &c->out.rec.method);
  copy_str(c, &used, r->stem, &c->out.rec.stem);
  copy_str(c, &used, r->query, &c->out.rec.query);
  c->out.rec.file = "carved";
  c->out.rec.line = 1;
}

static bool looks_ncsa(const char *s, size_t n)
{
  const char *br = memmem(s, n, " [", 2);
  return br && memmem(br, (size_t)(s + n - br), "] \"", 3);
}

static size_t count_commas(const char *s)
{
  size_t k = 0;
  for (; *s; s++)
    k += *s == ',';
  return k;
}

static bool fields_have_date(const char *f)
{
  const char *p = f + 8; /* after "#Fields:" */
  while (*p) {
    while (*p == ' ' || *p == '\t')
      p++;
    const char *e = p;
    while (*e && *e != ' ' && *e != '\t')
      e++;
    if (e - p == 4 && strncasecmp(p, "date", 4) == 0)
      return true;
    p = e;
  }
  return false;
}

static enum rs_err parse_line(struct rs_carver *c)
{
  struct rs_carved *o = &c->out;
  enum rs_logfmt fmt = RS_LOGFMT_UNKNOWN;
  if (looks_ncsa(o->text, o->len))
    fmt = RS_LOGFMT_NCSA;
  else if (count_commas(o->text) >= 13)
    fmt = RS_LOGFMT_IIS;
  else if (o->fields && o->text[0] != '#')
    fmt = RS_LOGFMT_W3C;
  o->format = fmt;
  if (fmt == RS_LOGFMT_UNKNOWN)
    return RS_OK;
  struct rs_iislog *p = NULL;
  struct rs_diag pd;
  enum rs_err e = rs_iislog_open("carved", fmt, c->tz_known ? &c->tz : NULL, rec_cb, c, &p, &pd);
  if (e != RS_OK) {
    if (c->d)
      *c->d = pd;
    return e;
  }
  c->got_rec = false;
  if (fmt == RS_LOGFMT_W3C) {
    if (o->date_hdr) {
      rs_iislog_feed(p, (const uint8_t *)o->date_hdr, strlen(o->date_hdr), &pd);
      rs_iislog_feed(p, (const uint8_t *)"\n", 1, &pd);
    }
    rs_iislog_feed(p, (const uint8_t *)o->fields, strlen(o->fields), &pd);
    rs_iislog_feed(p, (const uint8_t *)"\n", 1, &pd);
  }
  rs_iislog_feed(p, (const uint8_t *)o->text, o->len, &pd);
  rs_iislog_feed(p, (const uint8_t *)"\n", 1, &pd);
  rs_iislog_finish(p, NULL, &pd);
  rs_iislog_free(p);
  o->parsed = c->got_rec;
  if (!o->parsed)
    return RS_OK;
  if (fmt != RS_LOGFMT_W3C)
    o->date_from = RS_CARVE_DATE_LINE;
  else if (fields_have_date(o->fields))
    o->date_from = o->rec.has_date ? RS_CARVE_DATE_LINE : RS_CARVE_DATE_NONE;
  else
    o->date_from = o->rec.has_date && o->date_hdr ? RS_CARVE_DATE_HEADER : RS_CARVE_DATE_NONE;
  return RS_OK;
}

/* ------------------------------------------------------------ carving */

/* Carves the line around hit (relative, stride s) of the current piece and
 * reports it; returns the line's end (relative), or hit when not text. */
static size_t carve_at(struct rs_carver *c, size_t hit, size_t s)
{
  const uint8_t *b = c->buf;
  size_t len = c->len;
  if (!is_text(unit(b, len, hit, s)))
    return hit;
  size_t ls = hit, n = 0;
  while (n < RS_CARVE_LINE_MAX && ls >= s && is_text(unit(b, len, ls - s, s))) {
    ls -= s;
    n++;
  }
  int before = ls >= s ? unit(b, len, ls - s, s) : -1;
  bool whole_start = n < RS_CARVE_LINE_MAX && (before == '\n' || before == '\r' ||
                                              (before == -1 && c->region_start));
  size_t le = hit;
  n = 0;
  while (n < RS_CARVE_LINE_MAX && is_text(unit(b, len, le, s))) {
    le += s;
    n++;
  }
  int after = unit(b, len, le, s);
  bool whole_end = n < RS_CARVE_LINE_MAX &&
                   (after == '\n' || after == '\r' || (after == -1 && c->last));

  struct rs_carved *o = &c->out;
  memset(o, 0, sizeof *o);
  o->offset = c->base + ls;
  o->hit = c->base + hit;
  o->raw_len = (uint32_t)(le - ls);
  o->wide = s == 2;
  o->whole = whole_start && whole_end;
  o->len = line_text(b, len, ls, s, c->text, (le - ls) / s);
  o->text = c->text;
  /* headers at most RS_CARVE_HDR_BACK back, whatever the state has seen:
   * the same answer whether the region comes whole or in pieces */
  struct hdr_state *hs = headers_for(c, ls, s);
  uint64_t abs_ls = c->base + ls;
  if (hs->have_fields && abs_ls - hs->fields_off <= RS_CARVE_HDR_BACK) {
    line_text(b, len, (size_t)(hs->fields_off - c->base), s, c->fields, TEXT_MAX);
    o->fields = c->fields;
    o->fields_offset = hs->fields_off;
  }
  if (hs->have_date && abs_ls - hs->date_off <= RS_CARVE_HDR_BACK) {
    line_text(b, len, (size_t)(hs->date_off - c->base), s, c->date, TEXT_MAX);
    o->date_hdr = c->date;
    o->date_offset = hs->date_off;
  }
  enum rs_err e = parse_line(c);
  if (e != RS_OK && c->err == RS_OK)
    c->err = e;
  if (c->st) {
    c->st->lines++;
    c->st->wide += o->wide;
    c->st->parsed += o->parsed;
    c->st->partial += !o->whole;
  }
  if (c->cb)
    c->cb(o, c->arg);
  return le;
}

static bool kw_hit(size_t pos, uint32_t id, size_t len, void *arg)
{
  (void)len;
  struct rs_carver *c = arg;
  if (!c->last && c->len - pos <= DEFER)
    return false; /* this one and the rest: the next piece */
  uint64_t abs = c->base + pos;
  if (abs < c->next_hit)
    return true; /* handled in the previous piece */
  c->next_hit = abs + 1;
  if (c->st)
    c->st->hits++;
  size_t s = (id & 1) ? 2 : 1;
  if (c->have_last[s - 1] && abs < c->last_end[s - 1])
    return true; /* on the line already carved */
  size_t le = carve_at(c, pos, s);
  if (le > pos) {
    c->have_last[s - 1] = true;
    c->last_end[s - 1] = c->base + le;
  }
  return c->err == RS_OK;
}

enum rs_err rs_carver_scan(struct rs_carver *c, const uint8_t *buf, size_t len, uint64_t base,
                           bool last, rs_carve_cb cb, void *arg, struct rs_carve_stats *st,
                           struct rs_diag *d)
{
  if (!c || (!buf && len))
    return rs_diag_set(d, RS_E_USAGE, "carve", "rs_carver_scan: bad arguments");
  c->buf = buf;
  c->len = len;
  c->base = base;
  c->last = last;
  c->cb = cb;
  c->arg = arg;
  c->st = st;
  c->d = d;
  c->err = RS_OK;
  c->region_start = !c->started;
  c->started = true;
  c->piece = NULL; /* a new buffer: header states start afresh */
  memset(c->hs, 0, sizeof c->hs);
  if (len)
    rs_prefilter_scan(c->pf, buf, len, kw_hit, c);
  return c->err;
}

enum rs_err rs_carve_line(struct rs_carver *c, const uint8_t *buf, size_t len, uint64_t base,
                          size_t hit, bool wide, rs_carve_cb cb, void *arg, struct rs_diag *d)
{
  if (!c || !buf || hit >= len)
    return rs_diag_set(d, RS_E_USAGE, "carve", "rs_carve_line: bad arguments");
  c->buf = buf;
  c->len = len;
  c->base = base;
  c->last = true;
  c->cb = cb;
  c->arg = arg;
  c->st = NULL;
  c->d = d;
  c->err = RS_OK;
  c->region_start = true;
  c->piece = NULL;
  memset(c->hs, 0, sizeof c->hs);
  carve_at(c, hit, wide ? 2 : 1);
  return c->err;
}
