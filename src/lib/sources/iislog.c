/* IIS log reader: W3C extended, IIS native and NCSA common, streamed.
 *
 * Memory is bounded by one line buffer of RS_LOG_LINE_MAX bytes whatever the
 * input: longer lines are counted (unparsed + long) and skipped without being
 * kept. A line that is parsed into a record is copied into that buffer and
 * tokenized in place, so the strings handed to the callback are
 * NUL-terminated slices of it.
 *
 * Hits-only readers (rs_iislog_set_hits_only) take a faster road for the
 * lines that cannot be a hit, which are nearly all of them: the read buffer
 * is scanned for line ends, spaces and the bytes a hit needs (iislog_scan.c),
 * and a W3C line without those is counted where it lies, never copied, with
 * only its date, time and status parsed (what the file's statistics need).
 * Every other line takes the full road. The two give the same statistics and
 * the same hits: check_iislog's "prefilter" case compares them.
 *
 * Classification: iislog_classify.c. */
#include "redsleuth/iislog.h"

#include <stdlib.h>
#include <string.h>

#include "redsleuth/buf.h"
#include "sources/iislog_int.h"

#define RS_LOG_LINE_MAX 65536
/* small helpers of both roads, inlined into the fast one's loop */
#define RS_HOT static inline __attribute__((always_inline))
#define RS_W3C_MAXCOLS 128

/* ---------------------------------------------------------------- parser */

enum col { COL_DATE, COL_TIME, COL_CIP, COL_METHOD, COL_STEM, COL_QUERY, COL_STATUS,
           COL_WIN32, COL_URI, COL_UA, COL__N };

struct rs_iislog {
  char *name;
  enum rs_logfmt fmt, hint;
  struct rs_tz tz;
  bool tz_known;
  rs_logrec_cb cb;
  void *arg;
  char *line;          /* RS_LOG_LINE_MAX + 1 bytes */
  size_t len;
  bool overlong;       /* skipping the rest of a too-long line */
  uint64_t lineno;
  /* W3C state of the current header block */
  int colpos[COL__N];
  int ncols;
  bool have_fields;
  int64_t hdr_day, name_day; /* days since epoch */
  bool have_hdr_day, have_name_day;
  int last_tod;
  int64_t day_adjust;
  bool any_local;
  struct rs_logfile_stats st;
  bool hits_only;
  char dkey[10];       /* the last "YYYY-MM-DD" parsed, and its day */
  int64_t dday;
  bool dset;
  struct rs_logwin win; /* hits-only: masks of the buffer's current window (4 KiB) */
  uint64_t fast_lines;  /* lines counted on the fast road (tests) */
};

static bool dig2(const char *s, int *v)
{
  if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
    return false;
  *v = (s[0] - '0') * 10 + (s[1] - '0');
  return true;
}

/* Parses up to maxd digits; returns how many were read. */
static size_t digits(const char *s, size_t n, size_t maxd, int *v)
{
  size_t i = 0;
  int x = 0;
  while (i < n && i < maxd && s[i] >= '0' && s[i] <= '9')
    x = x * 10 + (s[i++] - '0');
  *v = x;
  return i;
}

static int year2(int yy)
{
  return yy >= 70 ? 1900 + yy : 2000 + yy; /* IIS logs start in 1995 */
}

static bool valid_ymd(int y, int m, int d)
{
  static const int dm[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return y >= 1970 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= dm[m - 1] &&
         !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* "YYYY-MM-DD" -> days since epoch. */
static bool parse_iso_date(const char *s, size_t n, int64_t *day)
{
  int y, m, d;
  if (n != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, 4, &y) != 4 || !dig2(s + 5, &m) ||
      !dig2(s + 8, &d) || !valid_ymd(y, m, d))
    return false;
  *day = rs_days_from_civil(y, (unsigned)m, (unsigned)d);
  return true;
}

/* "HH:MM:SS" or "H:MM:SS", optional ".fff" -> seconds of day and ms. */
RS_HOT bool parse_tod(const char *s, size_t n, int *tod, uint32_t *nsec, uint8_t *nd)
{
  int h, m, sec;
  if (n == 8 && s[2] == ':' && s[5] == ':') {
    /* "HH:MM:SS", nearly every line: what the general case below does */
    if (!dig2(s, &h) || !dig2(s + 3, &m) || !dig2(s + 6, &sec) || h > 23 || m > 59 || sec > 60)
      return false;
    *nsec = 0;
    *nd = 0;
    *tod = h * 3600 + m * 60 + (sec > 59 ? 59 : sec);
    return true;
  }
  size_t i = digits(s, n, 2, &h);
  if (i == 0 || i >= n || s[i] != ':' || n < i + 6 || !dig2(s + i + 1, &m) ||
      s[i + 3] != ':' || !dig2(s + i + 4, &sec) || h > 23 || m > 59 || sec > 60)
    return false;
  i += 6;
  *nsec = 0;
  *nd = 0;
  if (i < n && s[i] == '.') {
    int f;
    size_t k = digits(s + i + 1, n - i - 1, 9, &f);
    if (k == 0 || i + 1 + k != n)
      return false;
    uint32_t ns = (uint32_t)f;
    for (size_t z = k; z < 9; z++)
      ns *= 10;
    *nsec = ns;
    *nd = (uint8_t)k;
    i = n;
  }
  if (i != n)
    return false;
  *tod = h * 3600 + m * 60 + (sec > 59 ? 59 : sec);
  return true;
}

RS_HOT int parse_status(const char *s, size_t n, bool *ok)
{
  int v;
  *ok = true;
  if (n == 0 || (n == 1 && s[0] == '-'))
    return -1;
  if (n > 4 || digits(s, n, 4, &v) != n) {
    *ok = false;
    return -1;
  }
  return v;
}

/* Lenient number (win32 status may exceed int: "214784354254" in real IIS 10
 * logs): -1 when absent, not numeric or out of range. */
RS_HOT int parse_lenient(const char *s, size_t n)
{
  if (n == 0 || n > 10)
    return -1;
  long long v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v > 0x7fffffff ? -1 : (int)v;
}

static void note_unparsed(struct rs_iislog *p)
{
  p->st.unparsed++;
  if (!p->st.first_unparsed_line)
    p->st.first_unparsed_line = p->lineno;
}

/* Date from the file name: exYYMMDD, exYYMMDDHH (also in/nc prefixes).
 * exYYMM (monthly) and exYYMMWW (weekly, same shape as daily) are not
 * day-precise: monthly gives no date; weekly is read as daily (documented). */
static void name_date(struct rs_iislog *p)
{
  const char *s = p->name;
  for (const char *c = p->name; *c; c++)
    if (*c == '/' || *c == '\\')
      s = c + 1;
  size_t n = strlen(s);
  if (n < 2)
    return;
  if (rs_ci_prefix(s, n, "ex"))
    p->hint = RS_LOGFMT_W3C;
  else if (rs_ci_prefix(s, n, "in"))
    p->hint = RS_LOGFMT_IIS;
  else if (rs_ci_prefix(s, n, "nc"))
    p->hint = RS_LOGFMT_NCSA;
  else
    return;
  int yy, mm, dd, x;
  size_t k = digits(s + 2, n - 2, 12, &x);
  if ((k == 6 || k == 8) && dig2(s + 2, &yy) && dig2(s + 4, &mm) && dig2(s + 6, &dd) &&
      valid_ymd(year2(yy), mm, dd)) {
    p->name_day = rs_days_from_civil(year2(yy), (unsigned)mm, (unsigned)dd);
    p->have_name_day = true;
  }
}

enum rs_err rs_iislog_open(const char *name, enum rs_logfmt fmt, const struct rs_tz *tz,
                           rs_logrec_cb cb, void *arg, struct rs_iislog **out,
                           struct rs_diag *d)
{
  if (!out)
    return rs_diag_set(d, RS_E_USAGE, name, "rs_iislog_open: out is NULL");
  *out = NULL;
  struct rs_iislog *p = calloc(1, sizeof *p);
  if (!p)
    return rs_diag_set(d, RS_E_NOMEM, name, "cannot allocate the log reader");
  p->name = strndup(name ? name : "", 4096);
  p->line = malloc(RS_LOG_LINE_MAX + 1);
  if (!p->name || !p->line) {
    rs_iislog_free(p);
    return rs_diag_set(d, RS_E_NOMEM, name, "cannot allocate the log line buffer");
  }
  p->fmt = fmt;
  if (tz && tz->known) {
    p->tz = *tz;
    p->tz_known = true;
  }
  p->cb = cb;
  p->arg = arg;
  for (int i = 0; i < COL__N; i++)
    p->colpos[i] = -1;
  p->last_tod = -1;
  name_date(p);
  p->st.format = fmt;
  *out = p;
  return RS_OK;
}

void rs_iislog_free(struct rs_iislog *p)
{
  if (!p)
    return;
  free(p->name);
  free(p->line);
  free(p);
}

static enum rs_logfmt detect(const struct rs_iislog *p, const char *s, size_t n)
{
  if (s[0] == '#')
    return RS_LOGFMT_W3C;
  const char *br = memmem(s, n, " [", 2);
  if (br && memmem(br, (size_t)(s + n - br), "] \"", 3))
    return RS_LOGFMT_NCSA;
  size_t commas = 0;
  for (const char *c = s; (c = memchr(c, ',', (size_t)(s + n - c))) != NULL; c++)
    commas++;
  if (commas >= 13)
    return RS_LOGFMT_IIS;
  return p->hint;
}

/* A parsed record in the file's statistics (both roads). */
RS_HOT void count_record(struct rs_iislog *p, const struct rs_logrec *r)
{
  p->st.records++;
  p->st.hits[r->family]++;
  if (!r->utc)
    p->any_local = true;
  if (!r->has_date || !r->when.set)
    return;
  /* first and last are set together and first <= last: a later time
   * cannot be an earlier one (rs_time_cmp's order, inlined) */
  const struct rs_time *t = &r->when, *l = &p->st.last, *f = &p->st.first;
  if (!l->set) {
    p->st.first = p->st.last = *t;
  } else if (t->sec > l->sec || (t->sec == l->sec && t->nsec > l->nsec)) {
    p->st.last = *t;
  } else if (t->sec < f->sec || (t->sec == f->sec && t->nsec < f->nsec)) {
    p->st.first = *t;
  }
}

static void emit(struct rs_iislog *p, struct rs_logrec *r)
{
  r->file = p->name;
  r->line = p->lineno;
  r->family = RS_FAM_NONE;
  r->backdoor_use = false;
  if (rs_iislog_maybe_hit(r->stem, strlen(r->stem))) {
    r->family = rs_iislog_classify(r->method, r->stem, r->query);
    if (r->family == RS_FAM_NIMDA || r->family == RS_FAM_ROOTEXE_OTHER)
      r->backdoor_use = rs_iislog_is_backdoor_use(r->stem, r->query, r->status);
  }
  count_record(p, r);
  if (p->cb && (!p->hits_only || r->family != RS_FAM_NONE))
    p->cb(r, p->arg);
}

/* ----- W3C */

static void w3c_fields(struct rs_iislog *p, char *s, size_t n)
{
  static const struct {
    const char *name;
    enum col c;
  } known[] = {
    {"date", COL_DATE}, {"time", COL_TIME}, {"c-ip", COL_CIP}, {"cs-method", COL_METHOD},
    {"cs-uri-stem", COL_STEM}, {"cs-uri-query", COL_QUERY}, {"sc-status", COL_STATUS},
    {"sc-win32-status", COL_WIN32}, {"cs-uri", COL_URI}, {"cs(user-agent)", COL_UA},
  };
  for (int i = 0; i < COL__N; i++)
    p->colpos[i] = -1;
  p->ncols = 0;
  size_t i = 0;
  while (i < n) {
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
      i++;
    size_t st = i;
    while (i < n && s[i] != ' ' && s[i] != '\t')
      i++;
    if (i == st)
      break;
    if (p->ncols < RS_W3C_MAXCOLS) {
      for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
        if (rs_ci_eq(s + st, i - st, known[k].name) && p->colpos[known[k].c] < 0)
          p->colpos[known[k].c] = p->ncols;
    }
    p->ncols++;
  }
  if (p->ncols > RS_W3C_MAXCOLS)
    p->ncols = RS_W3C_MAXCOLS;
  p->have_fields = p->ncols > 0;
}

static void w3c_directive(struct rs_iislog *p, char *s, size_t n)
{
  p->st.directives++;
  if (rs_ci_prefix(s, n, "#fields:")) {
    w3c_fields(p, s + 8, n - 8);
  } else if (rs_ci_prefix(s, n, "#date:")) {
    size_t i = 6;
    while (i < n && s[i] == ' ')
      i++;
    int64_t day;
    if (n - i >= 10 && parse_iso_date(s + i, 10, &day)) {
      p->hdr_day = day;
      p->have_hdr_day = true;
      p->day_adjust = 0;
      p->last_tod = -1;
    }
  }
}

/* "YYYY-MM-DD" -> days, remembering the last date read (a day's log
 * repeats one date on every line). */
RS_HOT bool w3c_date(struct rs_iislog *p, const char *s, size_t n, int64_t *day)
{
  if (n == sizeof p->dkey && p->dset && memcmp(s, p->dkey, n) == 0) {
    *day = p->dday;
    return true;
  }
  if (!parse_iso_date(s, n, day))
    return false;
  memcpy(p->dkey, s, sizeof p->dkey); /* parse_iso_date takes 10 bytes only */
  p->dday = *day;
  p->dset = true;
  return true;
}

/* Both roads from here on: a line's tokens (*ntp of them, extra: more than
 * RS_W3C_MAXCOLS) put against the column map. More tokens than #Fields names
 * means the only free-text column, the user agent, was logged with spaces:
 * the surplus is merged into it. False when there is none to merge into
 * (the line is unparsed). */
RS_HOT bool w3c_columns(const struct rs_iislog *p, const char **tok, size_t *tl, int *ntp,
                        bool extra)
{
  int nt = *ntp, ua = p->colpos[COL_UA];
  if (!extra && nt <= p->ncols)
    return true;
  if (extra || ua < 0 || ua >= p->ncols)
    return false;
  int surplus = nt - p->ncols;
  tl[ua] = (size_t)(tok[ua + surplus] + tl[ua + surplus] - tok[ua]);
  for (int k = ua + 1; k + surplus < nt; k++) {
    tok[k] = tok[k + surplus];
    tl[k] = tl[k + surplus];
  }
  *ntp = p->ncols;
  return true;
}

#define HAVE(c) (p->colpos[c] >= 0 && p->colpos[c] < nt)
#define TOK(c) tok[p->colpos[c]]
#define TL(c) tl[p->colpos[c]]

/* The token holding the request's stem: cs-uri-stem, else the full cs-uri
 * (*uri set: the classifier splits it at '?'); -1 when the line has neither. */
static int w3c_stem_tok(const struct rs_iislog *p, int nt, bool *uri)
{
  *uri = false;
  if (HAVE(COL_STEM))
    return p->colpos[COL_STEM];
  *uri = HAVE(COL_URI);
  return *uri ? p->colpos[COL_URI] : -1;
}

/* Date, time and statuses of a record into r. False when the date or time
 * (if those columns exist) or the status does not parse: the line is
 * unparsed. Keeps the day count of blocks without a date column. */
RS_HOT bool w3c_times(struct rs_iislog *p, const char *const *tok, const size_t *tl, int nt,
                      struct rs_logrec *r)
{
  r->utc = true; /* W3C times are UTC by definition (KB194699) */
  int64_t day = 0;
  bool have_day = false;
  if (p->colpos[COL_DATE] >= 0) {
    if (!HAVE(COL_DATE) || !w3c_date(p, TOK(COL_DATE), TL(COL_DATE), &day))
      return false;
    have_day = true;
  }
  int tod = 0;
  uint32_t nsec = 0;
  uint8_t nd = 0;
  bool have_tod = false;
  if (p->colpos[COL_TIME] >= 0) {
    if (!HAVE(COL_TIME) || !parse_tod(TOK(COL_TIME), TL(COL_TIME), &tod, &nsec, &nd))
      return false;
    have_tod = true;
  }
  bool ok = true;
  r->status = HAVE(COL_STATUS) ? parse_status(TOK(COL_STATUS), TL(COL_STATUS), &ok) : -1;
  if (!ok)
    return false;
  r->win32_status = HAVE(COL_WIN32) ? parse_lenient(TOK(COL_WIN32), TL(COL_WIN32)) : -1;
  if (!have_day && have_tod && (p->have_hdr_day || p->have_name_day)) {
    /* Date from #Date (else the file name). A time of day going back by more
     * than an hour means midnight passed inside a block without a date
     * column (monthly/weekly files); small steps back are normal, IIS logs a
     * request when it completes. */
    if (p->last_tod >= 0 && tod + 3600 < p->last_tod)
      p->day_adjust++;
    p->last_tod = tod;
    day = (p->have_hdr_day ? p->hdr_day : p->name_day) + p->day_adjust;
    have_day = true;
  }
  if (have_tod || have_day) {
    r->when = (struct rs_time){day * 86400 + tod, nsec, nd, true}; /* nsec < 10^9 */
    r->has_date = have_day;
  } else {
    r->when = RS_TIME_UNSET;
    r->has_date = false;
  }
  return true;
}

/* The full road: the line (a writable copy) tokenized in place. */
static void w3c_record(struct rs_iislog *p, char *s, size_t n)
{
  if (!p->have_fields) {
    note_unparsed(p); /* no #Fields yet: column meaning unknown */
    return;
  }
  const char *tok[RS_W3C_MAXCOLS];
  size_t tl[RS_W3C_MAXCOLS];
  int nt = 0;
  bool extra = false;
  size_t i = 0;
  while (i < n) {
    while (i < n && s[i] == ' ')
      i++; /* runs of spaces: IIS 10 writes "444  user" for an empty field */
    if (i >= n)
      break;
    size_t st = i;
    if (s[i] == '"') {
      /* Some loggers quote fields holding spaces: the quote protects them. */
      const char *q = s + i + 1;
      for (;;) {
        q = memchr(q, '"', (size_t)(s + n - q));
        if (!q || q + 1 == s + n || q[1] == ' ')
          break;
        q++;
      }
      i = q ? (size_t)(q - s) + 1 : n;
    } else {
      const char *sp = memchr(s + i, ' ', n - i);
      i = sp ? (size_t)(sp - s) : n;
    }
    if (nt < RS_W3C_MAXCOLS) {
      tok[nt] = s + st;
      tl[nt] = i - st;
      nt++;
    } else {
      extra = true;
    }
  }
  if (!w3c_columns(p, tok, tl, &nt, extra)) {
    note_unparsed(p);
    return;
  }
  for (int k = 0; k < nt; k++)
    ((char *)tok[k])[tl[k]] = '\0'; /* the separator or the line's end (tok points into s) */
  struct rs_logrec r;
  memset(&r, 0, sizeof r);
  if (!w3c_times(p, tok, tl, nt, &r)) {
    note_unparsed(p);
    return;
  }
  r.client_ip = HAVE(COL_CIP) ? TOK(COL_CIP) : "";
  r.method = HAVE(COL_METHOD) ? TOK(COL_METHOD) : "";
  bool uri;
  int k = w3c_stem_tok(p, nt, &uri);
  r.stem = k >= 0 ? tok[k] : "";
  if (uri)
    r.query = NULL;
  else
    r.query = p->colpos[COL_QUERY] < 0 ? NULL : HAVE(COL_QUERY) ? TOK(COL_QUERY) : "-";
  if (!uri && r.stem[0] == '-' && !r.stem[1])
    r.stem = "";
  emit(p, &r);
}
#undef HAVE
#undef TOK
#undef TL

/* The fast road (hits-only readers): a W3C request line without '"' or NUL,
 * where it lies in the read buffer, as its nt tokens (at most
 * RS_W3C_MAXCOLS; the line trimmed as process_line does). cand: the line
 * has a byte of the sx class, so its stem may pass rs_iislog_maybe_hit.
 * Counted as the full road would; false when the line must take the full
 * road after all (its stem does pass): nothing has been counted then. */
static bool w3c_count(struct rs_iislog *p, const char **tok, size_t *tl, int nt, bool cand)
{
  bool parsed = p->have_fields && w3c_columns(p, tok, tl, &nt, false);
  if (parsed && cand) {
    bool uri;
    int k = w3c_stem_tok(p, nt, &uri);
    if (k >= 0 && rs_iislog_maybe_hit(tok[k], tl[k]))
      return false;
  }
  p->lineno++;
  p->st.lines++;
  struct rs_logrec r;
  if (!parsed || !w3c_times(p, tok, tl, nt, &r)) {
    note_unparsed(p);
    p->fast_lines++;
    return true;
  }
  r.family = RS_FAM_NONE;
  count_record(p, &r);
  p->fast_lines++;
  return true;
}

/* ----- IIS native */

static bool parse_mdy(const char *s, size_t n, int *y, int *m, int *d)
{
  size_t i = digits(s, n, 2, m);
  if (i == 0 || i >= n || s[i] != '/')
    return false;
  size_t j = digits(s + i + 1, n - i - 1, 2, d);
  if (j == 0 || i + 1 + j >= n || s[i + 1 + j] != '/')
    return false;
  size_t k0 = i + j + 2;
  size_t k = digits(s + k0, n - k0, 4, y);
  if (k0 + k != n || (k != 2 && k != 4))
    return false;
  if (k == 2)
    *y = year2(*y);
  return valid_ymd(*y, *m, *d);
}

static void iis_record(struct rs_iislog *p, char *s, size_t n)
{
  enum { NF = 15 };
  char *f[NF];
  size_t fl[NF];
  int nf = 0;
  size_t i = 0;
  /* A trailing ", " closes every IIS line: drop it so it is not a field. */
  size_t end = n;
  while (end > 0 && s[end - 1] == ' ')
    end--;
  if (end > 0 && s[end - 1] == ',')
    end--;
  while (i <= end && nf < NF) {
    while (i < end && s[i] == ' ')
      i++;
    size_t st = i;
    const char *c = nf < NF - 1 ? memchr(s + i, ',', end - i) : NULL;
    /* The last field (parameters) takes the rest: queries may hold commas. */
    size_t e = c ? (size_t)(c - s) : end;
    f[nf] = s + st;
    fl[nf] = e - st;
    while (fl[nf] > 0 && f[nf][fl[nf] - 1] == ' ')
      fl[nf]--;
    nf++;
    if (!c)
      break;
    i = e + 1;
  }
  if (nf < 14) {
    note_unparsed(p);
    return;
  }
  for (int k = 0; k < nf; k++)
    f[k][fl[k]] = '\0';
  int y, m, d, tod;
  uint32_t nsec;
  uint8_t nd;
  bool ok;
  struct rs_logrec r;
  memset(&r, 0, sizeof r);
  r.status = parse_status(f[10], fl[10], &ok);
  if (!parse_mdy(f[2], fl[2], &y, &m, &d) || !parse_tod(f[3], fl[3], &tod, &nsec, &nd) || !ok) {
    note_unparsed(p);
    return;
  }
  r.win32_status = parse_lenient(f[11], fl[11]);
  struct rs_time local = rs_time_from_unix(
      rs_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 + tod, nsec, nd);
  bool conv = false;
  r.when = rs_tz_local_to_utc(p->tz_known ? &p->tz : NULL, local, &conv);
  r.utc = conv;
  r.has_date = true;
  r.client_ip = f[0];
  r.method = f[12];
  r.stem = f[13];
  if (r.stem[0] == '-' && !r.stem[1])
    r.stem = "";
  r.query = nf > 14 ? f[14] : NULL;
  emit(p, &r);
}

/* ----- NCSA common */

static bool parse_ncsa_time(const char *s, size_t n, int64_t *utc)
{
  static const char mons[] = "janfebmaraprmayjunjulaugsepoctnovdec";
  /* dd/Mon/yyyy:HH:MM:SS +hhmm */
  int d, y, h, mi, se, oh, om;
  if (n != 26 || !dig2(s, &d) || s[2] != '/' || s[6] != '/' || digits(s + 7, 4, 4, &y) != 4 ||
      s[11] != ':' || !dig2(s + 12, &h) || s[14] != ':' || !dig2(s + 15, &mi) ||
      s[17] != ':' || !dig2(s + 18, &se) || s[20] != ' ' || (s[21] != '+' && s[21] != '-') ||
      !dig2(s + 22, &oh) || !dig2(s + 24, &om) || h > 23 || mi > 59 || se > 60 || om > 59)
    return false;
  int m = 0;
  for (int k = 0; k < 12; k++)
    if (rs_lc((unsigned char)s[3]) == mons[3 * k] &&
        rs_lc((unsigned char)s[4]) == mons[3 * k + 1] &&
        rs_lc((unsigned char)s[5]) == mons[3 * k + 2])
      m = k + 1;
  if (!m || !valid_ymd(y, m, d))
    return false;
  int64_t local = rs_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 + h * 3600 +
                  mi * 60 + (se > 59 ? 59 : se);
  int off = (oh * 60 + om) * 60;
  *utc = s[21] == '+' ? local - off : local + off;
  return true;
}

static void ncsa_record(struct rs_iislog *p, char *s, size_t n)
{
  char *end = s + n;
  char *sp1 = memchr(s, ' ', n);
  char *lb = memchr(s, '[', n);
  char *rb = lb ? memchr(lb, ']', (size_t)(end - lb)) : NULL;
  char *q1 = rb ? memchr(rb, '"', (size_t)(end - rb)) : NULL;
  char *q2 = q1 ? memrchr(q1 + 1, '"', (size_t)(end - q1 - 1)) : NULL;
  int64_t utc;
  if (!sp1 || !lb || sp1 > lb || !rb || !q1 || !q2 ||
      !parse_ncsa_time(lb + 1, (size_t)(rb - lb - 1), &utc)) {
    note_unparsed(p);
    return;
  }
  /* After the request: " status bytes". */
  char *t = q2 + 1;
  while (t < end && *t == ' ')
    t++;
  char *te = memchr(t, ' ', (size_t)(end - t));
  size_t stl = te ? (size_t)(te - t) : (size_t)(end - t);
  bool ok;
  struct rs_logrec r;
  memset(&r, 0, sizeof r);
  r.status = parse_status(t, stl, &ok);
  if (!ok || stl == 0) {
    note_unparsed(p);
    return;
  }
  r.win32_status = -1;
  /* Request line: METHOD SP URI [SP PROTO]; the URI may hold spaces. */
  char *rq = q1 + 1;
  size_t rl = (size_t)(q2 - rq);
  char *m_end = memchr(rq, ' ', rl);
  char *uri = m_end ? m_end + 1 : rq + rl;
  char *uend = rq + rl;
  if (m_end) {
    char *ps = memrchr(uri, ' ', (size_t)(uend - uri));
    if (ps && rs_ci_prefix(ps + 1, (size_t)(uend - ps - 1), "http/"))
      uend = ps;
  }
  char *qm = memchr(uri, '?', (size_t)(uend - uri));
  *sp1 = '\0';
  if (m_end) {
    *m_end = '\0';
    r.method = rq;
  } else {
    r.method = "";
  }
  *uend = '\0';
  if (qm) {
    *qm = '\0';
    r.query = qm + 1;
  } else {
    r.query = ""; /* the request line is all there is: no query was sent */
  }
  r.stem = m_end ? uri : rq; /* "-" request: kept as logged */
  r.client_ip = s;
  r.when = rs_time_from_unix(utc, 0, 0);
  r.utc = true;
  r.has_date = true;
  emit(p, &r);
}

static void process_line(struct rs_iislog *p, char *s, size_t n)
{
  p->lineno++;
  p->st.lines++;
  while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  while (n > 0 && s[0] == '\r') {
    s++;
    n--;
  }
  s[n] = '\0';
  if (n == 0)
    return; /* blank: counted as a line, neither record nor unparsed */
  if (memchr(s, '\0', n)) {
    note_unparsed(p); /* binary: a NUL would cut the fields short */
    return;
  }
  if (p->fmt == RS_LOGFMT_UNKNOWN) {
    p->fmt = detect(p, s, n);
    p->st.format = p->fmt;
  }
  switch (p->fmt) {
  case RS_LOGFMT_W3C:
    if (s[0] == '#')
      w3c_directive(p, s, n);
    else
      w3c_record(p, s, n);
    break;
  case RS_LOGFMT_IIS:
    iis_record(p, s, n);
    break;
  case RS_LOGFMT_NCSA:
    ncsa_record(p, s, n);
    break;
  default:
    note_unparsed(p);
    break;
  }
}

static void long_line(struct rs_iislog *p)
{
  p->lineno++;
  p->st.lines++;
  p->st.long_lines++;
  note_unparsed(p);
}

/* The first `take` bytes of a line into the line buffer (a line that turns
 * out longer than the limit is skipped instead). */
static void append(struct rs_iislog *p, const char *c, size_t take)
{
  if (p->overlong) {
    /* skipping the tail of a too-long line */
  } else if (p->len + take > RS_LOG_LINE_MAX) {
    p->overlong = true;
    p->len = 0;
  } else {
    memcpy(p->line + p->len, c, take);
    p->len += take;
  }
}

static void end_line(struct rs_iislog *p)
{
  if (p->overlong) {
    long_line(p);
    p->overlong = false;
  } else {
    process_line(p, p->line, p->len);
  }
  p->len = 0;
}

/* The tokens of one line as the window pass found them (spaces split; the
 * line is not trimmed yet). */
struct toks {
  const char *tok[RS_W3C_MAXCOLS];
  size_t tl[RS_W3C_MAXCOLS];
  int nt;
  bool extra; /* more than RS_W3C_MAXCOLS */
  bool cand;  /* a byte of the sx class */
};

/* One whole line [ls, le) of the window at s (le: its '\n') on a hits-only
 * reader: the fast road when it is a W3C request line without a leading CR,
 * '"' or NUL and its stem cannot be a hit, else copied and parsed. */
static void window_line(struct rs_iislog *p, const char *s, size_t ls, size_t le, struct toks *t)
{
  size_t a = ls, b = le; /* trimmed as process_line does */
  while (b > a && (s[b - 1] == '\r' || s[b - 1] == ' ' || s[b - 1] == '\t'))
    b--;
  while (a < b && s[a] == '\r')
    a++;
  if (a == b) {
    p->lineno++; /* blank */
    p->st.lines++;
    return;
  }
  if (p->fmt == RS_LOGFMT_W3C && s[a] != '#' && a == ls && !t->extra &&
      (!t->cand || !rs_logwin_any(p->win.sq, a, b))) {
    /* The trimmed tail [b, le) holds only CR, space and tab: tokens
     * starting there go, one running into it is cut at b. */
    int nt = t->nt;
    while (nt > 0 && t->tok[nt - 1] >= s + b)
      nt--;
    if (nt > 0 && t->tok[nt - 1] + t->tl[nt - 1] > s + b)
      t->tl[nt - 1] = (size_t)(s + b - t->tok[nt - 1]);
    if (w3c_count(p, t->tok, t->tl, nt, t->cand))
      return;
  }
  append(p, s + ls, le - ls);
  end_line(p);
}

static inline void add_tok(struct toks *t, const char *s, size_t from, size_t to)
{
  if (to <= from)
    return;
  if (t->nt == RS_W3C_MAXCOLS) {
    t->extra = true;
    return;
  }
  t->tok[t->nt] = s + from;
  t->tl[t->nt++] = to - from;
}

/* Hits-only feed from a line start: the buffer is taken a window at a time
 * (RS_LOGWIN bytes), its masks made in one pass, then its spaces, line ends
 * and sx bytes visited in order, so each whole line is split into tokens
 * where it lies. A line that runs past the window starts the next window;
 * the part of a line at the buffer's end waits in the line buffer. */
static void feed_windows(struct rs_iislog *p, const char *c, size_t n)
{
  struct toks t;
  while (n > 0) {
    size_t wn = n < RS_LOGWIN ? n : RS_LOGWIN, words = (wn + 63) / 64;
    rs_logwin_scan(&p->win, c, wn, n);
    size_t ls = 0, cur = 0;
    t.nt = 0;
    t.extra = t.cand = false;
    for (size_t k = 0; k < words; k++) {
      uint64_t sp = p->win.sp[k], nl = p->win.nl[k];
      for (uint64_t m = sp | nl | p->win.sx[k]; m; m &= m - 1) {
        unsigned bit = (unsigned)__builtin_ctzll(m);
        size_t q = (k << 6) | bit;
        if (sp >> bit & 1) {
          add_tok(&t, c, cur, q);
          cur = q + 1;
        } else if (nl >> bit & 1) {
          add_tok(&t, c, cur, q);
          window_line(p, c, ls, q, &t);
          ls = cur = q + 1;
          t.nt = 0;
          t.extra = t.cand = false;
        } else {
          t.cand = true;
        }
      }
    }
    if (ls == 0 && wn < n) {
      /* no line end in a whole window: a long line, ended the plain way */
      const char *nl = memchr(c + wn, '\n', n - wn);
      if (!nl)
        break;
      append(p, c, (size_t)(nl - c));
      end_line(p);
      n -= (size_t)(nl + 1 - c);
      c = nl + 1;
      continue;
    }
    c += ls;
    n -= ls;
    if (wn == ls + n)
      break; /* the window reached the buffer's end */
  }
  append(p, c, n);
}

enum rs_err rs_iislog_feed(struct rs_iislog *p, const uint8_t *data, size_t n,
                           struct rs_diag *d)
{
  if (!p || (!data && n))
    return rs_diag_set(d, RS_E_USAGE, p ? p->name : NULL, "rs_iislog_feed: bad arguments");
  const char *c = (const char *)data;
  while (n > 0) {
    if (p->hits_only && p->len == 0 && !p->overlong) {
      feed_windows(p, c, n);
      break;
    }
    const char *nl = memchr(c, '\n', n);
    size_t take = nl ? (size_t)(nl - c) : n;
    append(p, c, take);
    if (!nl)
      break;
    end_line(p);
    c = nl + 1;
    n -= take + 1;
  }
  return RS_OK;
}

void rs_iislog_set_hits_only(struct rs_iislog *p, bool on)
{
  if (p)
    p->hits_only = on;
}

uint64_t rs_iislog_fast_lines(const struct rs_iislog *p)
{
  return p ? p->fast_lines : 0;
}

enum rs_err rs_iislog_finish(struct rs_iislog *p, struct rs_logfile_stats *stats,
                             struct rs_diag *d)
{
  if (!p)
    return rs_diag_set(d, RS_E_USAGE, NULL, "rs_iislog_finish: no reader");
  /* A last line without its newline still counts. */
  if (p->overlong) {
    long_line(p);
    p->overlong = false;
  } else if (p->len > 0) {
    process_line(p, p->line, p->len);
  }
  p->len = 0;
  p->st.times_utc = !p->any_local;
  if (p->fmt == RS_LOGFMT_IIS)
    rs_tz_describe(p->tz_known ? &p->tz : NULL, p->st.tz_used, sizeof p->st.tz_used);
  else if (p->fmt == RS_LOGFMT_NCSA)
    rs_strlcpy(p->st.tz_used, "UTC offsets written in the log (NCSA)", sizeof p->st.tz_used);
  else
    p->st.tz_used[0] = '\0';
  if (stats)
    *stats = p->st;
  return RS_OK;
}
