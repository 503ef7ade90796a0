/* report.html's chart: worm requests per UTC day as bars stacked by HTTP
 * status (answered 2xx, refused 4xx, the rest), and artifact times (red
 * marks). Requests are the family counts of logs.per_day (written by the
 * scan, status classes in per_day[].status); a report without per_day uses
 * the timeline entries whose source is "iislog", weighted by their "hits"
 * (1 when absent) and classed by their "status" (not logged when absent).
 * Marks are the other timeline entries that name a finding. The x range is
 * the logged days plus one day either side, so an old file time does not
 * squash the attack into one pixel; marks outside it are counted in the
 * legend. The entries of --timeline-hits kept out of the report
 * (rs_scan_hits) are requests whose days are always in logs.per_day, which
 * the bars then use: the chart needs only the report.
 *
 * Every label lies inside the viewBox (a text of n characters at font size
 * f is taken as 0.6 * f * n wide): the left margin grows with the digits of
 * the largest count, a day label that would pass the right edge is anchored
 * at its end, and the legend has lines of its own under the axis. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "redsleuth/rtime.h"
#include "redsleuth/writer.h"
#include "writers/emit.h"

/* 760 wide: printed on A4 (about 718 CSS px between Chromium's default
 * margins) the SVG shrinks to 94 %, so its 10 and 11 px text prints at 9.4
 * and 10.4 px; at 1100 it printed at 7 px. */
#define CH_W 760
#define CH_H 260
#define CH_R 20
#define CH_T 20
#define CH_B 90 /* day labels and three legend lines */
#define CH_MAXDAYS 3660

enum { ST_2XX, ST_3XX, ST_4XX, ST_5XX, ST_OTHER, ST__N };
static const char *const st_key[ST__N] = {"2xx", "3xx", "4xx", "5xx", "other"};

struct day_bar {
  int64_t n;          /* worm requests */
  int64_t st[ST__N];  /* the same by status class */
  bool has_st;        /* a status class was recorded for the day */
};

static bool is_log_entry(const json_t *e)
{
  const char *s = rs_writer_str(e, "source");
  return s && strcmp(s, "iislog") == 0;
}

static int64_t pos_int(const json_t *v)
{
  return json_is_integer(v) && json_integer_value(v) > 0 ? json_integer_value(v) : 0;
}

static int64_t floordiv(int64_t a, int64_t b)
{
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static void day_label(int64_t day, char out[RS_TIME_ISO_MAX])
{
  struct rs_time tm = rs_time_from_unix(day * 86400, 0, 0);
  rs_time_iso(&tm, out);
  out[10] = '\0';
}

/* logs.per_day[] (written by the scan): {date: "YYYY-MM-DD", <family>: n, ...,
 * status: {"2xx": n, ...}}. The request count is the sum of the integer
 * members (the families); status is an object and not part of it. */
static bool per_day_entry(const json_t *o, int64_t *day, struct day_bar *b)
{
  const char *d = rs_writer_str(o, "date");
  char iso[32];
  int64_t sec;
  uint32_t ns;
  if (!d || strlen(d) != 10)
    return false;
  snprintf(iso, sizeof iso, "%sT00:00:00Z", d);
  if (!rs_writer_time_parse(iso, &sec, &ns))
    return false;
  *day = floordiv(sec, 86400);
  memset(b, 0, sizeof *b);
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)o, k, v)
    b->n += pos_int(v);
  const json_t *st = json_object_get(o, "status");
  if (json_is_object(st)) {
    b->has_st = true;
    for (int c = 0; c < ST__N; c++)
      b->st[c] = pos_int(json_object_get(st, st_key[c]));
  }
  return true;
}

/* A timeline request entry: its hits, classed by its status. */
static void log_entry(const json_t *e, struct day_bar *b)
{
  memset(b, 0, sizeof *b);
  b->n = pos_int(json_object_get(e, "hits"));
  b->n = b->n ? b->n : 1;
  const json_t *s = json_object_get(e, "status");
  int64_t code = json_is_integer(s) ? json_integer_value(s) : -1;
  int c = code >= 200 && code < 600 ? (int)(code / 100 - 2) : ST_OTHER;
  b->st[c] = b->n;
  b->has_st = true;
}

static int digits(int64_t v)
{
  int n = 1;
  while (v >= 10) {
    v /= 10;
    n++;
  }
  return n;
}

/* the three stacked segments, bottom to top, and their legend */
enum { SEG_2XX, SEG_4XX, SEG_REST, SEG__N };
static const struct {
  const char *fill, *cls, *text;
} seg[SEG__N] = {
    {"#1a5276", "st-2xx", "answered 2xx"}, /* dark */
    {"#85c1e9", "st-4xx", "refused 4xx"},  /* light */
    {"#b3b6b7", "st-rest", "other status (3xx, 5xx, not logged)"}, /* grey */
};

/* Segment k of a bar, from y (top) down h pixels. */
static void segment(struct rs_emit *t, int k, double x, double y, double w, double h,
                    const char *lab, int64_t n, const char *what)
{
  if (h <= 0)
    return;
  em_putf(t, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
          "class=\"%s\"><title>%s: %" PRId64 " worm requests, %s</title></rect>\n",
          x, y, w, h, seg[k].fill, seg[k].cls, lab, n, what ? what : seg[k].text);
}

void rs_html_chart(struct rs_emit *t, const json_t *report)
{
  const json_t *tl = json_object_get(report, "timeline");
  const json_t *pd = json_object_get(json_object_get(report, "logs"), "per_day");
  bool use_pd = json_is_array(pd) && json_array_size(pd) > 0;
  int64_t lmin = INT64_MAX, lmax = INT64_MIN, mmin = INT64_MAX, mmax = INT64_MIN;
  size_t i;
  const json_t *e;
  int64_t sec, day;
  uint32_t ns;
  struct day_bar b;
  json_array_foreach(tl, i, e) {
    if (!rs_writer_time_parse(rs_writer_str(e, "datetime"), &sec, &ns))
      continue;
    day = floordiv(sec, 86400);
    if (is_log_entry(e) && !use_pd) {
      lmin = day < lmin ? day : lmin;
      lmax = day > lmax ? day : lmax;
    } else if (!is_log_entry(e) && rs_writer_str(e, "finding")) {
      mmin = day < mmin ? day : mmin;
      mmax = day > mmax ? day : mmax;
    }
  }
  json_array_foreach(pd, i, e) {
    if (use_pd && per_day_entry(e, &day, &b) && b.n > 0) {
      lmin = day < lmin ? day : lmin;
      lmax = day > lmax ? day : lmax;
    }
  }
  em_put(t, "<h3>Worm requests per day and artifact times</h3>\n");
  int64_t d0, d1;
  if (lmin != INT64_MAX) {
    d0 = lmin - 1;
    d1 = lmax + 1;
  } else if (mmin != INT64_MAX) {
    d0 = mmin;
    d1 = mmax;
  } else {
    em_put(t, "<p>No dated events to chart.</p>\n");
    return;
  }
  if (d1 - d0 + 1 > CH_MAXDAYS)
    d0 = d1 - CH_MAXDAYS + 1;
  size_t ndays = (size_t)(d1 - d0 + 1);
  struct day_bar *bar = calloc(ndays, sizeof *bar);
  if (!bar) {
    t->err = t->err ? t->err : RS_E_NOMEM;
    return;
  }
  int64_t maxc = 0, before = 0, after = 0;
  json_array_foreach(use_pd ? pd : tl, i, e) {
    if (use_pd) {
      if (!per_day_entry(e, &day, &b))
        continue;
    } else {
      if (!is_log_entry(e) || !rs_writer_time_parse(rs_writer_str(e, "datetime"), &sec, &ns))
        continue;
      day = floordiv(sec, 86400);
      log_entry(e, &b);
    }
    if (day < d0 || day > d1)
      continue;
    struct day_bar *s = &bar[day - d0];
    s->n += b.n;
    for (int c = 0; c < ST__N; c++)
      s->st[c] += b.st[c];
    s->has_st = s->has_st || b.has_st;
    maxc = s->n > maxc ? s->n : maxc;
  }
  /* the left margin holds the largest count at font size 11 */
  const int chl = 14 + (int)(0.6 * 11 * digits(maxc) + 0.999);
  const double pw = CH_W - chl - CH_R, ph = CH_H - CH_T - CH_B;
  const double dw = pw / (double)ndays;
  const int base = CH_H - CH_B;
  em_putf(t, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
          "%d\" role=\"img\" aria-label=\"worm requests per day by HTTP status\" id=\"chart\">\n",
          CH_W, CH_H, CH_W, CH_H);
  em_putf(t, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", chl, base,
          CH_W - CH_R, base);
  em_putf(t, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", chl, CH_T, chl,
          base);
  em_putf(t, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%" PRId64 "</text>\n",
          chl - 4, CH_T + 4, maxc);
  em_putf(t, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">0</text>\n", chl - 4,
          base);
  char lab[RS_TIME_ISO_MAX];
  for (size_t d = 0; d < ndays; d++) {
    const struct day_bar *s = &bar[d];
    if (!s->n)
      continue;
    double bw = dw > 2 ? dw - 1 : 1, x = chl + dw * (double)d;
    day_label(d0 + (int64_t)d, lab);
    /* bottom to top: 2xx, 4xx, the rest (never below 0, never above the total) */
    int64_t n2 = s->st[ST_2XX] < s->n ? s->st[ST_2XX] : s->n;
    int64_t n4 = s->st[ST_4XX] < s->n - n2 ? s->st[ST_4XX] : s->n - n2;
    int64_t nr = s->n - n2 - n4;
    double y = base, h;
    h = ph * (double)n2 / (double)maxc;
    segment(t, SEG_2XX, x, y - h, bw, h, lab, n2, NULL);
    y -= h;
    h = ph * (double)n4 / (double)maxc;
    segment(t, SEG_4XX, x, y - h, bw, h, lab, n4, NULL);
    y -= h;
    h = ph * (double)nr / (double)maxc;
    segment(t, SEG_REST, x, y - h, bw, h, lab, nr, s->has_st ? NULL : "status not recorded");
  }
  size_t step = ndays <= 10 ? 1 : (ndays + 9) / 10;
  for (size_t d = 0; d < ndays; d += step) {
    day_label(d0 + (int64_t)d, lab);
    double x = chl + dw * (double)d;
    if (x + 0.6 * 10 * 10 > CH_W - 2) /* would pass the right edge: end there */
      em_putf(t, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%s</text>\n",
              CH_W - 2, base + 14, lab);
    else
      em_putf(t, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%s</text>\n", x, base + 14, lab);
  }
  json_array_foreach(tl, i, e) {
    if (is_log_entry(e) || !rs_writer_str(e, "finding") ||
        !rs_writer_time_parse(rs_writer_str(e, "datetime"), &sec, &ns))
      continue;
    double x = (double)(sec - d0 * 86400) / 86400.0;
    if (x < 0) {
      before++;
      continue;
    }
    if (x >= (double)ndays) {
      after++;
      continue;
    }
    em_putf(t, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c0392b\" "
            "stroke-width=\"2\"><title>",
            chl + dw * x, CH_T, chl + dw * x, base);
    em_tmpl(t, e, "{datetime?} {finding?}: {message?}</title></line>\n");
  }
  /* legend: swatches, then what the bars are, then the marks left out */
  int lx = chl, ly = base + 34;
  for (int k = 0; k < SEG__N; k++) {
    em_putf(t, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
            "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>\n",
            lx, ly - 10, seg[k].fill, lx + 16, ly, seg[k].text);
    lx += 16 + (int)(0.6 * 11 * (double)strlen(seg[k].text)) + 20;
  }
  em_putf(t, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c0392b\" stroke-width=\"2\"/>"
          "<text x=\"%d\" y=\"%d\" font-size=\"11\">artifact times</text>\n",
          lx + 5, ly - 11, lx + 5, ly + 1, lx + 12, ly);
  em_putf(t, "<text x=\"%d\" y=\"%d\" font-size=\"11\">bars: worm requests per UTC day, "
          "stacked by HTTP status; red lines: artifact times</text>\n", chl, ly + 18);
  if (before || after) {
    em_putf(t, "<text x=\"%d\" y=\"%d\" font-size=\"11\">", chl, ly + 36);
    if (before)
      em_putf(t, "%" PRId64 " earlier artifact time(s) left of the chart", before);
    if (after)
      em_putf(t, "%s%" PRId64 " later artifact time(s) right of the chart", before ? "; " : "",
              after);
    em_put(t, "</text>\n");
  }
  em_put(t, "</svg>\n");
  em_put(t, "<table id=\"per-day\">\n<thead><tr><th>Day (UTC)</th><th>Worm requests</th>"
         "<th>answered 2xx</th><th>3xx</th><th>refused 4xx</th><th>5xx</th>"
         "<th>other (not logged)</th></tr></thead>\n");
  for (size_t d = 0; d < ndays; d++) {
    const struct day_bar *s = &bar[d];
    if (!s->n)
      continue;
    day_label(d0 + (int64_t)d, lab);
    em_putf(t, "<tr><td>%s</td><td>%" PRId64 "</td>", lab, s->n);
    for (int c = 0; c < ST__N; c++) {
      if (s->has_st)
        em_putf(t, "<td>%" PRId64 "</td>", s->st[c]);
      else
        em_put(t, "<td>-</td>");
    }
    em_put(t, "</tr>\n");
  }
  em_put(t, "</table>\n");
  free(bar);
}
