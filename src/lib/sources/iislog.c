/* IIS log reader: W3C extended, IIS native and NCSA common, streamed.
 *
 * Memory is bounded by one line buffer of RS_LOG_LINE_MAX bytes whatever the
 * input: longer lines are counted (unparsed + long) and skipped without being
 * kept. Every line is copied once into that buffer and tokenized in place, so
 * the strings handed to the callback are NUL-terminated slices of it.
 *
 * Classification rules and their reference rows: codered-artifacts.md 6.3,
 * 6.4; the rules as implemented are listed in docs/logs.md. */
#include "redsleuth/iislog.h"

#include <stdlib.h>
#include <string.h>

#include "redsleuth/buf.h"

#define RS_LOG_LINE_MAX 65536
#define RS_W3C_MAXCOLS 128
#define RS_RUN_MIN 13 /* Bro's worm.bro: N{13} / X{13} */

/* ---------------------------------------------------------------- names */

const char *rs_logfmt_name(enum rs_logfmt f)
{
  switch (f) {
  case RS_LOGFMT_W3C: return "w3c";
  case RS_LOGFMT_IIS: return "iis";
  case RS_LOGFMT_NCSA: return "ncsa";
  default: return "unknown";
  }
}

const char *rs_family_key(enum rs_family f)
{
  switch (f) {
  case RS_FAM_CODERED1: return "code_red_1";
  case RS_FAM_CODERED2: return "code_red_2";
  case RS_FAM_CODERED_UNKNOWN: return "code_red_unknown";
  case RS_FAM_IDA_OTHER: return "ida_other";
  case RS_FAM_NIMDA: return "nimda";
  case RS_FAM_ROOTEXE_OTHER: return "root_exe_other";
  default: return "none";
  }
}

const char *rs_family_title(enum rs_family f)
{
  switch (f) {
  case RS_FAM_CODERED1: return "Code Red I";
  case RS_FAM_CODERED2: return "Code Red II";
  case RS_FAM_CODERED_UNKNOWN: return "Code Red (variant unknown)";
  case RS_FAM_IDA_OTHER: return "other .ida/.idq overflow attempt";
  case RS_FAM_NIMDA: return "Nimda";
  case RS_FAM_ROOTEXE_OTHER: return "root.exe/cmd.exe (no known worm)";
  default: return "none";
  }
}

/* ----------------------------------------------------------- classifier */

static inline unsigned char lc(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

/* Case-insensitive equality of s[0..n) with the lower-case literal w. */
static bool ci_eq(const char *s, size_t n, const char *w)
{
  size_t wl = strlen(w);
  if (n != wl)
    return false;
  for (size_t i = 0; i < n; i++)
    if (lc((unsigned char)s[i]) != (unsigned char)w[i])
      return false;
  return true;
}

static bool ci_prefix(const char *s, size_t n, const char *w)
{
  size_t wl = strlen(w);
  return n >= wl && ci_eq(s, wl, w);
}

static bool ci_suffix(const char *s, size_t n, const char *w)
{
  size_t wl = strlen(w);
  return n >= wl && ci_eq(s + n - wl, wl, w);
}

static bool ci_contains(const char *s, size_t n, const char *w)
{
  size_t wl = strlen(w);
  if (wl == 0)
    return true;
  for (size_t i = 0; i + wl <= n; i++) {
    if (lc((unsigned char)s[i]) != (unsigned char)w[0])
      continue;
    if (ci_eq(s + i, wl, w))
      return true;
  }
  return false;
}

/* Longest run of byte c anywhere in s[0..n). */
static size_t max_run(const char *s, size_t n, char c)
{
  size_t best = 0, cur = 0;
  for (size_t i = 0; i < n; i++) {
    cur = s[i] == c ? cur + 1 : 0;
    if (cur > best)
      best = cur;
  }
  return best;
}

static size_t lead_run(const char *s, size_t n, char c)
{
  size_t i = 0;
  while (i < n && s[i] == c)
    i++;
  return i;
}

/* A request split into its parts: stem and query as spans of the caller's
 * strings. qpresent is false when no query was logged at all (no column, or
 * the column absent from this line) and the stem has no '?'. */
struct req {
  const char *stem;
  size_t sl;
  const char *q;
  size_t ql;
  bool qpresent;
  /* the stem as IIS resolves it: percent escapes (and IIS's %u00hh) decoded,
   * twice as the double-decode bug (MS01-026) does; stems longer than the
   * buffer are kept as logged */
  bool decoded;      /* stem points at dec and differs from the logged one */
  bool base_encoded; /* the file name itself was encoded: not a worm's probe */
  char dec[2048];
};

static size_t base_off(const char *s, size_t n)
{
  size_t b = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] == '/' || s[i] == '\\')
      b = i + 1;
  return b;
}

static int hexval(unsigned char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  c = lc(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One round of URL decoding of s[0..n) into out (at most n bytes: decoding
 * never lengthens). "%hh" and "%u00hh" become the byte; a NUL stays encoded
 * (it would cut the name short), an invalid escape stays as it is. */
static size_t url_decode(const char *s, size_t n, char *out)
{
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    int v = -1;
    size_t len = 0;
    if (s[i] == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
        hexval((unsigned char)s[i + 2]) >= 0) {
      v = hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]);
      len = 3;
    } else if (s[i] == '%' && i + 5 < n && lc((unsigned char)s[i + 1]) == 'u' && s[i + 2] == '0' &&
               s[i + 3] == '0' && hexval((unsigned char)s[i + 4]) >= 0 &&
               hexval((unsigned char)s[i + 5]) >= 0) {
      v = hexval((unsigned char)s[i + 4]) * 16 + hexval((unsigned char)s[i + 5]);
      len = 6;
    }
    if (v > 0) {
      out[o++] = (char)v;
      i += len - 1;
    } else {
      out[o++] = s[i];
    }
  }
  return o;
}

static void decode_stem(struct req *r)
{
  if (r->sl == 0 || r->sl >= sizeof r->dec || !memchr(r->stem, '%', r->sl))
    return;
  char tmp[sizeof r->dec];
  size_t n = url_decode(r->stem, r->sl, tmp);
  if (memchr(tmp, '%', n))
    n = url_decode(tmp, n, r->dec);
  else
    memcpy(r->dec, tmp, n);
  if (n == r->sl && memcmp(r->dec, r->stem, n) == 0)
    return;
  size_t bo = base_off(r->stem, r->sl), bd = base_off(r->dec, n);
  r->base_encoded = !(r->sl - bo == n - bd && memcmp(r->stem + bo, r->dec + bd, n - bd) == 0);
  r->stem = r->dec;
  r->sl = n;
  r->decoded = true;
}

static void split_request(const char *stem, const char *query, struct req *r)
{
  r->decoded = r->base_encoded = false;
  const char *s = stem ? stem : "";
  size_t sl = strlen(s);
  /* A logger that wrote the whole request line into the stem:
   * "GET /default.ida?NNN HTTP/1.0". Drop the method and the protocol. */
  if (sl && s[0] != '/') {
    const char *sp = memchr(s, ' ', sl);
    if (sp && sp + 1 < s + sl && sp[1] == '/') {
      sl -= (size_t)(sp + 1 - s);
      s = sp + 1;
    }
  }
  for (size_t i = 0; i + 6 <= sl; i++) {
    if (s[i] == ' ' && ci_prefix(s + i + 1, sl - i - 1, "http/")) {
      sl = i;
      break;
    }
  }
  r->stem = s;
  r->sl = sl;
  bool qempty = !query || !query[0] || (query[0] == '-' && !query[1]);
  r->qpresent = query != NULL;
  r->q = qempty ? "" : query;
  r->ql = qempty ? 0 : strlen(query);
  if (qempty) {
    const char *qm = memchr(s, '?', sl);
    if (qm) {
      r->stem = s;
      r->sl = (size_t)(qm - s);
      r->q = qm + 1;
      r->ql = sl - r->sl - 1;
      r->qpresent = true;
    }
  }
  decode_stem(r);
}

/* Query normalised for comparison: lower case, '+' and "%20" as space,
 * bounded (longer queries are compared on their first 511 bytes). */
static void norm_query(const char *q, size_t ql, char out[512])
{
  size_t o = 0;
  for (size_t i = 0; i < ql && o < 511; i++) {
    unsigned char c = (unsigned char)q[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%' && i + 2 < ql + 0 && q[i + 1] == '2' && q[i + 2] == '0') {
      c = ' ';
      i += 2;
    }
    out[o++] = (char)lc(c);
  }
  out[o] = '\0';
}

static bool is_dir_cmd(const char *nq)
{
  return strcmp(nq, "/c dir") == 0;
}

static bool is_tftp_admin(const char *nq)
{
  return strncmp(nq, "/c tftp", 7) == 0 && strstr(nq, "admin.dll") != NULL;
}

enum rs_family rs_iislog_classify(const char *method, const char *stem, const char *query)
{
  (void)method; /* the worms used GET; a HEAD or POST to the same stem is as telling */
  if (!stem)
    return RS_FAM_NONE;
  struct req r;
  split_request(stem, query, &r);
  size_t b = base_off(r.stem, r.sl);
  const char *base = r.stem + b;
  size_t bl = r.sl - b;

  /* Code Red and other Index Server (.ida/.idq) overflows. */
  if (ci_suffix(base, bl, ".ida") || ci_suffix(base, bl, ".idq")) {
    if (ci_eq(base, bl, "default.ida") && !r.base_encoded) { /* the worms never encoded it */
      if (r.ql == 0)
        return RS_FAM_CODERED_UNKNOWN; /* short form: query not logged */
      if (lead_run(r.q, r.ql, 'N') >= RS_RUN_MIN)
        return RS_FAM_CODERED1;
      if (lead_run(r.q, r.ql, 'X') >= RS_RUN_MIN)
        return RS_FAM_CODERED2;
    }
    if (ci_eq(base, bl, "null.ida") || ci_eq(base, bl, "null.idq"))
      return RS_FAM_IDA_OTHER; /* mapping probe (Nessus, AWStats list) */
    if (max_run(r.q, r.ql, 'N') >= RS_RUN_MIN || max_run(r.q, r.ql, 'X') >= RS_RUN_MIN)
      return RS_FAM_IDA_OTHER;
    if (r.ql > 200 && ci_contains(r.q, r.ql, "%u"))
      return RS_FAM_IDA_OTHER; /* long query carrying %u-encoded code */
    return RS_FAM_NONE;
  }

  bool root = ci_eq(base, bl, "root.exe");
  bool cmd = ci_eq(base, bl, "cmd.exe");
  bool admin = ci_eq(base, bl, "admin.dll");
  if (!root && !cmd && !admin)
    return RS_FAM_NONE;

  const char *dir = r.stem;
  size_t dl = b;
  bool trav = memmem(r.stem, r.sl, "..", 2) != NULL;
  char nq[512];
  norm_query(r.q, r.ql, nq);

  /* Nimda's probes name root.exe and cmd.exe literally; an encoded file name
   * ("r%6fot.exe") is someone hiding from simple log searches. */
  if (r.base_encoded)
    return RS_FAM_ROOTEXE_OTHER;
  if (root) {
    bool nimda_dir = ci_eq(dir, dl, "/scripts/") || ci_eq(dir, dl, "/msadc/");
    if (is_tftp_admin(nq))
      return RS_FAM_NIMDA;
    if (nimda_dir && (!r.qpresent || is_dir_cmd(nq)))
      return RS_FAM_NIMDA;
    return RS_FAM_ROOTEXE_OTHER;
  }
  if (cmd) {
    /* Nimda reaches cmd.exe through CRII's /c and /d roots or through a
     * ".." traversal (unicode, double-decode: encodings vary with how the
     * logger decoded them, so any ".." counts), always under \winnt. */
    bool nimda_stem = ci_suffix(r.stem, r.sl, "/winnt/system32/cmd.exe") &&
                      (ci_prefix(r.stem, r.sl, "/c/") || ci_prefix(r.stem, r.sl, "/d/") ||
                       trav);
    if (nimda_stem && (!r.qpresent || is_dir_cmd(nq)))
      return RS_FAM_NIMDA;
    if (is_tftp_admin(nq))
      return RS_FAM_NIMDA;
    return RS_FAM_ROOTEXE_OTHER;
  }
  /* admin.dll: fetched after the tftp copy, from the script folders or the
   * CRII drive roots. Elsewhere it may be a site's own ISAPI. */
  if (ci_eq(dir, dl, "/scripts/") || ci_eq(dir, dl, "/msadc/") || ci_eq(dir, dl, "/c/") ||
      ci_eq(dir, dl, "/d/") || ci_eq(dir, dl, "/_vti_bin/") || ci_eq(dir, dl, "/_mem_bin/") ||
      trav)
    return RS_FAM_NIMDA;
  return RS_FAM_NONE;
}

bool rs_iislog_is_backdoor_use(const char *stem, const char *query, int status)
{
  if (!stem || !((status >= 200 && status <= 299) || status == 502))
    return false;
  struct req r;
  split_request(stem, query, &r);
  size_t b = base_off(r.stem, r.sl);
  if (ci_eq(r.stem + b, r.sl - b, "root.exe"))
    return true;
  /* cmd.exe only through CRII's /c and /d virtual roots; a traversal out of
   * /scripts is the unicode bug (MS00-078), not the Code Red II backdoor. */
  if (ci_eq(r.stem + b, r.sl - b, "cmd.exe") &&
      (ci_prefix(r.stem, r.sl, "/c/") || ci_prefix(r.stem, r.sl, "/d/")))
    return true;
  return false;
}

/* Cheap test that a stem can be a hit: every rule above needs a base name
 * ending in .ida/.idq/.exe/.dll, literally or percent-encoded. Most stems
 * have one dot and no '%'. */
static bool maybe_hit(const char *s, size_t n)
{
  if (memchr(s, '%', n))
    return true; /* the name may be encoded: the classifier decodes it */
  const char *p = s, *end = s + n;
  while ((p = memchr(p, '.', (size_t)(end - p))) != NULL) {
    if (end - p >= 4) {
      unsigned char a = lc((unsigned char)p[1]), b = lc((unsigned char)p[2]),
                    c = lc((unsigned char)p[3]);
      if ((a == 'i' && b == 'd' && (c == 'a' || c == 'q')) ||
          (a == 'e' && b == 'x' && c == 'e') || (a == 'd' && b == 'l' && c == 'l'))
        return true;
    }
    p++;
  }
  return false;
}

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
static bool parse_tod(const char *s, size_t n, int *tod, uint32_t *nsec, uint8_t *nd)
{
  int h, m, sec;
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

static int parse_status(const char *s, size_t n, bool *ok)
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
static int parse_lenient(const char *s, size_t n)
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
  if (ci_prefix(s, n, "ex"))
    p->hint = RS_LOGFMT_W3C;
  else if (ci_prefix(s, n, "in"))
    p->hint = RS_LOGFMT_IIS;
  else if (ci_prefix(s, n, "nc"))
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

static void emit(struct rs_iislog *p, struct rs_logrec *r)
{
  r->file = p->name;
  r->line = p->lineno;
  r->family = RS_FAM_NONE;
  r->backdoor_use = false;
  if (maybe_hit(r->stem, strlen(r->stem))) {
    r->family = rs_iislog_classify(r->method, r->stem, r->query);
    if (r->family == RS_FAM_NIMDA || r->family == RS_FAM_ROOTEXE_OTHER)
      r->backdoor_use = rs_iislog_is_backdoor_use(r->stem, r->query, r->status);
  }
  p->st.records++;
  p->st.hits[r->family]++;
  if (!r->utc)
    p->any_local = true;
  if (r->has_date && r->when.set) {
    if (!p->st.first.set || rs_time_cmp(&r->when, &p->st.first) < 0)
      p->st.first = r->when;
    if (!p->st.last.set || rs_time_cmp(&r->when, &p->st.last) > 0)
      p->st.last = r->when;
  }
  if (p->cb)
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
        if (ci_eq(s + st, i - st, known[k].name) && p->colpos[known[k].c] < 0)
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
  if (ci_prefix(s, n, "#fields:")) {
    w3c_fields(p, s + 8, n - 8);
  } else if (ci_prefix(s, n, "#date:")) {
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

static void w3c_record(struct rs_iislog *p, char *s, size_t n)
{
  if (!p->have_fields) {
    note_unparsed(p); /* no #Fields yet: column meaning unknown */
    return;
  }
  char *tok[RS_W3C_MAXCOLS];
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
  int ua = p->colpos[COL_UA];
  if (extra || nt > p->ncols) {
    /* More tokens than fields: the only free-text column, the user agent,
     * was logged with spaces. Merge the surplus into it, else give up. */
    if (extra || ua < 0 || ua >= p->ncols) {
      note_unparsed(p);
      return;
    }
    int surplus = nt - p->ncols;
    tl[ua] = (size_t)(tok[ua + surplus] + tl[ua + surplus] - tok[ua]);
    for (int k = ua + 1; k + surplus < nt; k++) {
      tok[k] = tok[k + surplus];
      tl[k] = tl[k + surplus];
    }
    nt = p->ncols;
  }
  for (int k = 0; k < nt; k++)
    tok[k][tl[k]] = '\0'; /* the separator or the line's end */

#define HAVE(c) (p->colpos[c] >= 0 && p->colpos[c] < nt)
#define TOK(c) tok[p->colpos[c]]
#define TL(c) tl[p->colpos[c]]
  struct rs_logrec r;
  memset(&r, 0, sizeof r);
  r.utc = true; /* W3C times are UTC by definition (KB194699) */
  int64_t day = 0;
  bool have_day = false;
  if (p->colpos[COL_DATE] >= 0) {
    if (!HAVE(COL_DATE) || !parse_iso_date(TOK(COL_DATE), TL(COL_DATE), &day)) {
      note_unparsed(p);
      return;
    }
    have_day = true;
  }
  int tod = 0;
  uint32_t nsec = 0;
  uint8_t nd = 0;
  bool have_tod = false;
  if (p->colpos[COL_TIME] >= 0) {
    if (!HAVE(COL_TIME) || !parse_tod(TOK(COL_TIME), TL(COL_TIME), &tod, &nsec, &nd)) {
      note_unparsed(p);
      return;
    }
    have_tod = true;
  }
  bool ok = true;
  r.status = HAVE(COL_STATUS) ? parse_status(TOK(COL_STATUS), TL(COL_STATUS), &ok) : -1;
  if (!ok) {
    note_unparsed(p);
    return;
  }
  r.win32_status = HAVE(COL_WIN32) ? parse_lenient(TOK(COL_WIN32), TL(COL_WIN32)) : -1;
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
    r.when = rs_time_from_unix(day * 86400 + tod, nsec, nd);
    r.has_date = have_day;
  } else {
    r.when = RS_TIME_UNSET;
  }
  r.client_ip = HAVE(COL_CIP) ? TOK(COL_CIP) : "";
  r.method = HAVE(COL_METHOD) ? TOK(COL_METHOD) : "";
  if (HAVE(COL_STEM)) {
    r.stem = TOK(COL_STEM);
    if (r.stem[0] == '-' && !r.stem[1])
      r.stem = "";
    r.query = p->colpos[COL_QUERY] < 0 ? NULL : HAVE(COL_QUERY) ? TOK(COL_QUERY) : "-";
  } else if (HAVE(COL_URI)) {
    r.stem = TOK(COL_URI); /* full URI: the classifier splits at '?' */
    r.query = NULL;
  } else {
    r.stem = "";
    r.query = p->colpos[COL_QUERY] < 0 ? NULL : HAVE(COL_QUERY) ? TOK(COL_QUERY) : "-";
  }
#undef HAVE
#undef TOK
#undef TL
  emit(p, &r);
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
    if (lc((unsigned char)s[3]) == mons[3 * k] && lc((unsigned char)s[4]) == mons[3 * k + 1] &&
        lc((unsigned char)s[5]) == mons[3 * k + 2])
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
    if (ps && ci_prefix(ps + 1, (size_t)(uend - ps - 1), "http/"))
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

enum rs_err rs_iislog_feed(struct rs_iislog *p, const uint8_t *data, size_t n,
                           struct rs_diag *d)
{
  if (!p || (!data && n))
    return rs_diag_set(d, RS_E_USAGE, p ? p->name : NULL, "rs_iislog_feed: bad arguments");
  const char *c = (const char *)data;
  while (n > 0) {
    const char *nl = memchr(c, '\n', n);
    size_t take = nl ? (size_t)(nl - c) : n;
    if (p->overlong) {
      /* skipping the tail of a too-long line */
    } else if (p->len + take > RS_LOG_LINE_MAX) {
      p->overlong = true;
      p->len = 0;
    } else {
      memcpy(p->line + p->len, c, take);
      p->len += take;
    }
    if (!nl)
      break;
    if (p->overlong) {
      long_line(p);
      p->overlong = false;
    } else {
      process_line(p, p->line, p->len);
    }
    p->len = 0;
    c = nl + 1;
    n -= take + 1;
  }
  return RS_OK;
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
