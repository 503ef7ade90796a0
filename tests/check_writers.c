/* Writers and escaping. The sample report (tests/data/writers/sample-report.json)
 * is a Code Red II infected Windows 2000 server with the backdoor used, and
 * carries hostile strings from evidence: "<script>", '|', '"', a newline and
 * an ESC sequence in file names, '<', '>' and '&' in a logged request.
 * Golden files: RS_UPDATE_GOLDEN=1 rewrites them instead of comparing. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/escape.h"
#include "redsleuth/writer.h"
#include "testutil.h"

/* ------------------------------------------------------------------ escape */

enum fn { F_TEXT, F_HTML, F_BODY, F_UTF8 };

static enum rs_err run_esc(enum fn f, struct rs_buf *b, const char *s, size_t n)
{
  switch (f) {
  case F_TEXT: return rs_escape_text(b, s, n);
  case F_HTML: return rs_escape_html(b, s, n);
  case F_BODY: return rs_escape_body(b, s, n);
  default: return rs_escape_utf8(b, s, n);
  }
}

#define S(x) x, sizeof(x) - 1
static const struct {
  enum fn f;
  const char *in;
  size_t n;
  const char *want;
} esc_cases[] = {
  {F_TEXT, S("plain ASCII"), "plain ASCII"},
  {F_TEXT, S("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m"},          /* ESC sequences */
  {F_TEXT, S("a\nb\rc\td"), "a\\x0ab\\x0dc\\x09d"},                   /* C0 */
  {F_TEXT, S("nul\0byte"), "nul\\x00byte"},                            /* embedded NUL */
  {F_TEXT, S("del\x7f"), "del\\x7f"},                                  /* DEL */
  {F_TEXT, S("csi\xc2\x9b" "2J"), "csi\\u{9b}2J"},                     /* C1 CSI as UTF-8 */
  {F_TEXT, S("\xc0\xaf"), "\\xc0\\xaf"},                               /* overlong '/' 2 bytes */
  {F_TEXT, S("\xe0\x80\xaf"), "\\xe0\\x80\\xaf"},                      /* overlong '/' 3 bytes */
  {F_TEXT, S("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf"},             /* overlong '/' 4 bytes */
  {F_TEXT, S("\xed\xa0\x80"), "\\xed\\xa0\\x80"},                      /* surrogate D800 */
  {F_TEXT, S("\xed\xbf\xbf"), "\\xed\\xbf\\xbf"},                      /* surrogate DFFF */
  {F_TEXT, S("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80"},             /* > U+10FFFF */
  {F_TEXT, S("end\xe2\x82"), "end\\xe2\\x82"},                         /* truncated at end */
  {F_TEXT, S("\xe2\x82" "A"), "\\xe2\\x82A"},                          /* truncated mid-string */
  {F_TEXT, S("\x80\xbf"), "\\x80\\xbf"},                               /* lone continuations */
  {F_TEXT, S("\xfe\xff"), "\\xfe\\xff"},                               /* never UTF-8 */
  {F_TEXT, S("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
  {F_TEXT, S("\xef\xbf\xbf"), "\xef\xbf\xbf"},                         /* U+FFFF is valid UTF-8 */
  {F_TEXT, S("exe.\xe2\x80\xaetxt"), "exe.\\u{202e}txt"},              /* RLO (Trojan Source) */
  {F_TEXT, S("\xe2\x81\xa6x\xe2\x80\xa8"), "\\u{2066}x\\u{2028}"},     /* isolate, line sep */
  {F_TEXT, S("C:\\Inetpub\\scripts\\root.exe"), "C:\\Inetpub\\scripts\\root.exe"},
  {F_TEXT, S("C:\\x1b"), "C:\\\\x1b"},          /* literal text that looks like an escape */
  {F_TEXT, S("C:\\users"), "C:\\\\users"},
  {F_TEXT, S("a\\\\b"), "a\\\\\\b"},            /* two backslashes: first doubled */
  {F_TEXT, S("a\\\x1b"), "a\\\\\\x1b"},          /* backslash before an escaped char */
  {F_TEXT, S("a\\\xff"), "a\\\\\\xff"},
  {F_TEXT, S("trailing\\"), "trailing\\"},
  {F_TEXT, S("a|b<c>"), "a|b<c>"},               /* not special in text */
  {F_HTML, S("<script>alert('x')</script>&\""), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"},
  {F_HTML, S("\x1b[2J<b>"), "\\x1b[2J&lt;b&gt;"},
  {F_HTML, S("C:\\Inetpub"), "C:\\Inetpub"},
  {F_HTML, S("\xc2\x85x"), "\\u{85}x"},          /* NEL */
  {F_BODY, S("a|b\nc"), "a\\x7cb\\x0ac"},
  {F_BODY, S("C:/x\\|y"), "C:/x\\\\\\x7cy"},     /* backslash before an escaped '|' */
  {F_BODY, S("TFTP<script>|x"), "TFTP<script>\\x7cx"},
  {F_BODY, S("\r\n"), "\\x0d\\x0a"},
  {F_UTF8, S("ok \x1b\\ \xc3\xa9"), "ok \x1b\\ \xc3\xa9"},          /* valid passes as is */
  {F_UTF8, S("bad\xff"), "bad\\xff"},
  {F_UTF8, S("\xed\xa0\x80"), "\\xed\\xa0\\x80"},                   /* WTF-8 surrogate */
  {F_UTF8, S("\xc0\x80"), "\\xc0\\x80"},                            /* modified-UTF-8 NUL */
  {F_UTF8, S("\xe2\x82"), "\\xe2\\x82"},
  {F_UTF8, S(""), ""},
};
#define N_ESC (int)(sizeof esc_cases / sizeof esc_cases[0])

START_TEST(escape_table)
{
  struct rs_buf b;
  rs_buf_init(&b, 4096);
  ck_assert_int_eq(run_esc(esc_cases[_i].f, &b, esc_cases[_i].in, esc_cases[_i].n), RS_OK);
  const char *got = b.data ? b.data : "";
  ck_assert_msg(strcmp(got, esc_cases[_i].want) == 0, "case %d: got [%s] want [%s]", _i, got,
                esc_cases[_i].want);
  rs_buf_free(&b);
}
END_TEST

/* Decoder for the documented rule (escape.h): the test's own reading of
 * the format, to prove the escaping is unambiguous. */
static size_t put_utf8(unsigned char *o, uint32_t cp)
{
  if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
  if (cp < 0x800) { o[0] = (unsigned char)(0xc0 | cp >> 6); o[1] = (unsigned char)(0x80 | (cp & 0x3f)); return 2; }
  o[0] = (unsigned char)(0xe0 | cp >> 12);
  o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
  o[2] = (unsigned char)(0x80 | (cp & 0x3f));
  return 3;
}

static size_t decode(const char *s, size_t n, unsigned char *out)
{
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\\') {
      out[o++] = '\\';
      i += 2;
    } else if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x') {
      unsigned v;
      sscanf(s + i + 2, "%2x", &v);
      out[o++] = (unsigned char)v;
      i += 4;
    } else if (s[i] == '\\' && i + 2 < n && s[i + 1] == 'u' && s[i + 2] == '{') {
      unsigned v;
      sscanf(s + i + 3, "%x", &v);
      o += put_utf8(out + o, v);
      i = (size_t)(strchr(s + i, '}') - s) + 1;
    } else {
      out[o++] = (unsigned char)s[i++];
    }
  }
  return o;
}

static bool valid_utf8_no_controls(const unsigned char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] < 0x20 || s[i] == 0x7f)
      return false;
  /* Re-escaping with the strict decoder must change nothing: valid UTF-8
   * without controls. */
  struct rs_buf b;
  rs_buf_init(&b, 1 << 16);
  rs_escape_utf8(&b, (const char *)s, n);
  bool same = b.len == n && (n == 0 || memcmp(b.data, s, n) == 0);
  rs_buf_free(&b);
  return same;
}

/* Random strings over an alphabet rich in trouble: every output decodes back
 * to the input (nothing lost, nothing ambiguous), is valid UTF-8 and has no
 * control byte; the body form has no '|'. */
START_TEST(escape_roundtrip)
{
  static const unsigned char alpha[] = {'\\', 'x', 'u', '{', '|', 'a', '1', 0x1b, '\n', 0x00,
                                        0x7f, 0x80, 0x9b, 0xc2, 0xe2, 0xae, 0xed, 0xa0, 0xff,
                                        0xc3, 0xa9, '7', 'f'};
  uint32_t seed = 12345u + (uint32_t)_i;
  unsigned char in[40], dec[400];
  for (int iter = 0; iter < 3000; iter++) {
    size_t n = 0, len;
    seed = seed * 1103515245u + 12345u;
    len = (seed >> 16) % sizeof in;
    for (n = 0; n < len; n++) {
      seed = seed * 1103515245u + 12345u;
      in[n] = alpha[(seed >> 16) % sizeof alpha];
    }
    struct rs_buf b;
    rs_buf_init(&b, 4096);
    ck_assert_int_eq(_i ? rs_escape_body(&b, (char *)in, n) : rs_escape_text(&b, (char *)in, n),
                     RS_OK);
    const char *o = b.data ? b.data : "";
    size_t dn = decode(o, b.len, dec);
    ck_assert_msg(dn == n && memcmp(dec, in, n) == 0, "round trip failed at iteration %d", iter);
    ck_assert(valid_utf8_no_controls((const unsigned char *)o, b.len));
    if (_i)
      ck_assert_ptr_null(memchr(o, '|', b.len));
    rs_buf_free(&b);
  }
}
END_TEST

START_TEST(escape_errors)
{
  struct rs_buf b;
  rs_buf_init(&b, 8);
  ck_assert_int_eq(rs_escape_text(NULL, "a", 1), RS_E_USAGE);
  ck_assert_int_eq(rs_escape_utf8(&b, NULL, 3), RS_E_USAGE);
  ck_assert_int_eq(rs_escape_html(&b, NULL, 0), RS_OK);
  /* A bounded buffer fails cleanly instead of growing without end. */
  ck_assert_int_eq(rs_escape_text(&b, "\x1b\x1b\x1b", 3), RS_E_LIMIT);
  rs_buf_free(&b);
}
END_TEST

/* ------------------------------------------------------------ helpers */

static const struct {
  const char *iso;
  bool ok;
  int64_t sec;
  uint32_t nsec;
} time_cases[] = {
  {"1970-01-01T00:00:00Z", true, 0, 0},
  {"2001-08-05T03:12:44.5310000Z", true, 996981164, 531000000},
  {"2001-08-05T06:33:02Z", true, 996993182, 0},     /* `date -u -d @996993182` */
  {"1999-12-02T08:30:11.1Z", true, 944123411, 100000000},
  {"1601-01-01T00:00:00Z", true, -11644473600LL, 0},
  {"2001-08-05T06:33:02.123456789Z", true, 996993182, 123456789},
  {"2001-08-05T06:33:02.1234567890Z", false, 0, 0},
  {"2001-08-05T06:33:02", false, 0, 0},
  {"2001-08-05 06:33:02Z", false, 0, 0},
  {"2001-13-05T06:33:02Z", false, 0, 0},
  {"2001-08-05T06:33:02.Z", false, 0, 0},
  {"2001-08-05T06:33:02Zjunk", false, 0, 0},
  {"", false, 0, 0},
};

START_TEST(time_parse)
{
  int64_t sec = -1;
  uint32_t ns = 1;
  bool ok = rs_writer_time_parse(time_cases[_i].iso, &sec, &ns);
  ck_assert_int_eq(ok, time_cases[_i].ok);
  if (ok) {
    ck_assert_int_eq(sec, time_cases[_i].sec);
    ck_assert_uint_eq(ns, time_cases[_i].nsec);
  }
}
END_TEST

START_TEST(writer_table)
{
  static const char *const names[] = {"text", "json", "jsonl", "body", "html"};
  static const char *const files[] = {"report.txt", "report.json", "timeline.jsonl",
                                      "timeline.body", "report.html"};
  size_t i;
  for (i = 0; rs_writers[i]; i++) {
    ck_assert_uint_lt(i, 5);
    ck_assert_str_eq(rs_writers[i]->name, names[i]);
    ck_assert_str_eq(rs_writers[i]->file_name, files[i]);
    ck_assert_ptr_nonnull(rs_writers[i]->write);
    ck_assert_ptr_eq(rs_writer_find(names[i]), rs_writers[i]);
  }
  ck_assert_uint_eq(i, 5);
  ck_assert_ptr_null(rs_writer_find("xml"));
  ck_assert_ptr_null(rs_writer_find(NULL));
  ck_assert_ptr_null(rs_writer_find("TEXT"));
  ck_assert_int_eq(rs_writer_time_parse(NULL, NULL, NULL), false);
}
END_TEST

/* ------------------------------------------------------------ the sample */

static json_t *load_sample(void)
{
  json_error_t je;
  json_t *r = json_load_file(rs_t_src("tests/data/writers/sample-report.json"),
                             JSON_PRESERVE_ORDER, &je);
  ck_assert_msg(r != NULL, "sample report: %s line %d", je.text, je.line);
  return r;
}

static const char *const golden_ext[] = {"txt", "json", "jsonl", "body", "html"};

START_TEST(golden)
{
  const struct rs_writer *w = rs_writers[_i];
  json_t *r = load_sample();
  size_t n, gn = 0;
  char *out = rs_t_render(w, r, &n);
  char rel[128];
  snprintf(rel, sizeof rel, "tests/data/writers/golden.%s", golden_ext[_i]);
  const char *path = rs_t_src(rel);
  const char *upd = getenv("RS_UPDATE_GOLDEN");
  if (upd && strcmp(upd, "1") == 0) {
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(out, 1, n, fp), n);
    fclose(fp);
    fprintf(stderr, "golden %s rewritten\n", path);
  } else {
    unsigned char *g = rs_t_slurp(path, &gn);
    ck_assert_msg(g != NULL, "missing %s (run with RS_UPDATE_GOLDEN=1)", path);
    ck_assert_msg(gn == n && memcmp(g, out, n) == 0,
                  "%s differs from golden %s (%zu vs %zu bytes)", w->name, path, n, gn);
    free(g);
  }
  free(out);
  json_decref(r);
}
END_TEST

START_TEST(deterministic)
{
  const struct rs_writer *w = rs_writers[_i];
  json_t *r = load_sample();
  size_t n1, n2;
  char *a = rs_t_render(w, r, &n1);
  char *b = rs_t_render(w, r, &n2);
  ck_assert_uint_eq(n1, n2);
  ck_assert(memcmp(a, b, n1) == 0);
  ck_assert_uint_gt(n1, 100);
  free(a);
  free(b);
  json_decref(r);
}
END_TEST

/* No output carries a raw ESC byte or any C0 control other than newline
 * (and the JSON, which has only structural whitespace). */
START_TEST(no_raw_controls)
{
  json_t *r = load_sample();
  size_t n;
  char *out = rs_t_render(rs_writers[_i], r, &n);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)out[i];
    ck_assert_msg(c != 0x1b, "%s: raw ESC at %zu", rs_writers[_i]->name, i);
    ck_assert_msg(c >= 0x20 || c == '\n', "%s: raw control 0x%02x at %zu",
                  rs_writers[_i]->name, c, i);
    ck_assert(c != 0x7f);
  }
  free(out);
  json_decref(r);
}
END_TEST

START_TEST(text_content)
{
  json_t *r = load_sample();
  size_t n;
  char *t = rs_t_render(rs_writer_find("text"), r, &n);
  ck_assert_ptr_nonnull(strstr(t, "VERDICT: BACKDOOR-USED"));
  /* The hostile names, escaped and visible. */
  ck_assert_ptr_nonnull(strstr(t, "D:\\wwwroot\\\\up\\x0aload|\"\\x1b[31mred.exe"));
  ck_assert_ptr_nonnull(strstr(t, "C:\\Inetpub\\scripts\\TFTP<script>alert(1)</script>|x"));
  ck_assert_ptr_nonnull(strstr(t, "[FAIL]    No root.exe copy"));
  ck_assert_ptr_nonnull(strstr(t, "[PASS]"));
  ck_assert_ptr_nonnull(strstr(t, "[UNKNOWN]"));
  ck_assert_ptr_nonnull(strstr(t, "DELETED"));
  /* Sections in the order a reader needs them. */
  const char *order[] = {"VERDICT:", "\nEvidence\n", "\nCleanup checklist\n",
                         "\nKey artifacts (findings)\n", "\nSystem\n", "\nWeb server logs\n",
                         "\nCould not be read\n", "\nTimeline (UTC)\n"};
  const char *prev = t;
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    const char *p = strstr(t, order[i]);
    ck_assert_msg(p && p >= prev, "section %s missing or out of order", order[i]);
    prev = p;
  }
  ck_assert_ptr_null(strstr(t, "MISMATCH"));
  /* system.values: by hive and key, hostile names and data escaped, the
   * unnamed value and an unknown key time shown as such */
  const char *rv = strstr(t, "  Registry values read");
  ck_assert_ptr_nonnull(rv);
  ck_assert_ptr_nonnull(strstr(rv, "\n    C:\\WINNT\\system32\\config\\SYSTEM (live)\n"
                                   "      ControlSet001\\Services\\W3SVC\\Parameters\\Virtual Roots"
                                   "  2001-08-04T18:31:07.0000000Z\n"
                                   "        /C = c:\\,,217\n"
                                   "        /<b>x\\x1b[31m = d:\\\\up\\x0aload,,217 \\u{202e}\n"));
  ck_assert_ptr_nonnull(strstr(rv, "    C:\\WINNT\\repair\\system (repair)\n      Select  -\n"
                                   "        (default) = (empty)\n"));
  free(t);
  json_decref(r);
}
END_TEST

/* A dirty hive (issue 5) and an unreadable one are said in the text and
 * HTML reports, not only in the JSON. */
START_TEST(hives_state_shown)
{
  json_t *r = load_sample();
  json_t *sys = json_object_get(r, "system");
  ck_assert_ptr_nonnull(sys);
  json_object_set_new(sys, "hives",
                      json_pack("[{s:s,s:s,s:s,s:b},{s:s,s:s,s:n,s:s}]", "path",
                                "C:\\WINNT\\system32\\config\\SYSTEM", "role", "live", "kind",
                                "system", "dirty", 1, "path", "C:\\WINNT\\repair\\software",
                                "role", "repair", "kind", "error", "libregf cannot read it"));
  size_t len;
  char *txt = rs_t_render(rs_writer_find("text"), r, &len);
  ck_assert_ptr_nonnull(strstr(txt, "C:\\WINNT\\system32\\config\\SYSTEM (live, system)  !! DIRTY"));
  ck_assert_ptr_nonnull(strstr(txt, "unreadable: libregf cannot read it"));
  char *html = rs_t_render(rs_writer_find("html"), r, &len);
  ck_assert_ptr_nonnull(strstr(html, "dirty: the .LOG changes were not applied"));
  ck_assert_ptr_nonnull(strstr(html, "unreadable: libregf cannot read it"));
  /* a clean one is not called dirty */
  json_object_set_new(json_array_get(json_object_get(sys, "hives"), 0), "dirty", json_false());
  free(txt);
  txt = rs_t_render(rs_writer_find("text"), r, &len);
  ck_assert_ptr_null(strstr(txt, "DIRTY"));
  free(txt);
  free(html);
  json_decref(r);
}
END_TEST

/* Issue 16: the event logs, Dr. Watson logs and UrlScan logs are listed in
 * the text and HTML reports (path, MFT entry, SHA-256, records, recovered,
 * first/last UTC, state), hostile names escaped; with the three lists empty
 * (the sample, like a server without them) no section is printed at all. */
/* The section of out that starts with `start`, asserted to lie after
 * `after` and before `before` (the report's order of sections). */
static const char *section_at(const char *out, const char *start, const char *after,
                              const char *before)
{
  const char *s = strstr(out, start);
  ck_assert_msg(s != NULL, "no section %s", start);
  ck_assert_msg(s > strstr(out, after) && s < strstr(out, before), "%s out of order", start);
  return s;
}

/* The text and HTML reports of r (malloc'd). */
static void render_text_html(const json_t *r, char **txt, char **html)
{
  size_t len;
  *txt = rs_t_render(rs_writer_find("text"), r, &len);
  *html = rs_t_render(rs_writer_find("html"), r, &len);
}

START_TEST(host_logs_shown)
{
  json_t *r = load_sample();
  char *txt, *html;
  render_text_html(r, &txt, &html);
  ck_assert_ptr_null(strstr(txt, "Event logs"));
  ck_assert_ptr_null(strstr(html, "hostlogs"));
  free(txt);
  free(html);
  json_t *sys = json_object_get(r, "system");
  static const char sha[] = "5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  json_object_set_new(
      sys, "event_logs",
      json_pack("[{s:s,s:i,s:i,s:s,s:s,s:i,s:i,s:s,s:s,s:s,s:n},"
                "{s:s,s:i,s:i,s:s,s:s,s:i,s:i,s:n,s:n,s:s,s:s}]",
                "path", "C:\\WINNT\\system32\\config\\SysEvent.Evt", "volume", 0, "mft_entry", 4711,
                "sha256", sha, "log", "system", "records", 14, "recovered_records", 2, "first_utc",
                "2001-08-01T13:00:00Z", "last_utc", "2001-08-08T15:52:48Z", "state", "wrapped",
                "note", "path", "C:\\WINNT\\system32\\config\\<b>x\x1b[31m.Evt", "volume", 0,
                "mft_entry", 4712, "sha256", sha, "log", "unknown", "records", 0,
                "recovered_records", 0, "first_utc", "last_utc", "state", "unreadable", "note",
                "record size 0xfff0 past the end"));
  json_object_set_new(sys, "crash_logs",
                      json_pack("[{s:s,s:i,s:s,s:s,s:s,s:i,s:i,s:n}]", "path",
                                "C:\\WINNT\\Drwtsn32.log", "mft_entry", 99, "sha256", sha, "kind",
                                "drwtsn32.log", "modified_utc", "2001-08-01T14:04:58Z", "reports",
                                3, "inetinfo_reports", 2, "note"));
  json_object_set_new(json_object_get(r, "logs"), "urlscan",
                      json_pack("[{s:s,s:i,s:s,s:i,s:i,s:i,s:s,s:s,s:n}]", "path",
                                "C:\\WINNT\\system32\\inetsrv\\urlscan\\urlscan.110501.log",
                                "mft_entry", 120, "sha256", sha, "lines", 12, "rejected", 4,
                                "ida_rejected", 3, "ida_first_utc", "2001-11-05T09:12:40Z",
                                "ida_last_utc", "2001-11-05T21:30:00Z", "note"));
  render_text_html(r, &txt, &html);
  /* after the web server logs, before what could not be read */
  const char *sec = section_at(txt, "\nEvent logs, Dr. Watson and UrlScan\n", "\nWeb server logs\n",
                               "\nCould not be read\n");
  ck_assert_ptr_nonnull(strstr(sec, "  Event logs: 2\n    C:\\WINNT\\system32\\config\\SysEvent.Evt "
                                    "(system log)\n      MFT entry 4711, 14 records, 2 recovered, "
                                    "2001-08-01T13:00:00Z .. 2001-08-08T15:52:48Z, state wrapped\n"
                                    "      sha256 5d41402abc4b"));
  ck_assert_ptr_nonnull(strstr(sec, "<b>x\\x1b[31m.Evt (unknown log)\n      MFT entry 4712, 0 "
                                    "records, 0 recovered, - .. -, state unreadable\n"));
  ck_assert_ptr_nonnull(strstr(sec, "      note: record size 0xfff0 past the end\n"));
  ck_assert_ptr_nonnull(strstr(sec, "  Crash logs: 1\n    C:\\WINNT\\Drwtsn32.log (drwtsn32.log)\n"
                                    "      MFT entry 99, modified 2001-08-01T14:04:58Z, 3 report(s), "
                                    "2 for inetinfo.exe\n"));
  /* a backslash before "u" would read as an escape: the text writer doubles it */
  ck_assert_ptr_nonnull(strstr(sec, "  UrlScan logs: 1\n    C:\\WINNT\\system32\\inetsrv\\\\urlscan\\\\"
                                    "urlscan.110501.log\n      MFT entry 120, 12 lines, 4 rejected, 3 "
                                    ".ida/.idq rejected, 2001-11-05T09:12:40Z .. "
                                    "2001-11-05T21:30:00Z\n"));
  const char *hs = section_at(html, "<section id=\"hostlogs\">", "<section id=\"logs\">",
                              "<section id=\"unreadable\">");
  /* the path breaks only after a backslash, MFT entry and SHA-256 under it,
   * times never break */
  ck_assert_ptr_nonnull(strstr(hs, "<tr><td><code class=\"path\">C:\\<wbr>WINNT\\<wbr>system32\\<wbr>"
                                   "config\\<wbr>SysEvent.Evt</code><br><small>MFT entry 4711, SHA-256 "
                                   "5d41402abc4b"));
  ck_assert_ptr_nonnull(strstr(hs, "</small></td><td>system</td><td>14</td><td>2</td><td class=\"ts\">"
                                   "2001-08-01T13:00:00Z</td><td class=\"ts\">2001-08-08T15:52:48Z</td>"
                                   "<td>wrapped</td>"));
  ck_assert_ptr_nonnull(strstr(hs, "&lt;b&gt;x\\x1b[31m.Evt"));
  ck_assert_ptr_null(strstr(hs, "<b>x"));
  ck_assert_ptr_nonnull(strstr(hs, "<h3>Crash logs</h3>"));
  ck_assert_ptr_nonnull(strstr(hs, "<td>3</td><td class=\"ts\">2001-11-05T09:12:40Z</td>"));
  free(txt);
  free(html);
  json_decref(r);
}
END_TEST

/* Where the content searches looked (writers/searched.c): no section without
 * residue regions, carved lines or a content scan; with them, every count
 * and the region's file, in the text and HTML reports, escaped. */
START_TEST(residue_shown)
{
  json_t *r = load_sample();
  char *txt, *html;
  render_text_html(r, &txt, &html);
  ck_assert_ptr_null(strstr(txt, "Memory residue"));
  ck_assert_ptr_null(strstr(html, "id=\"residue\""));
  free(txt);
  free(html);
  json_object_set_new(
      r, "residue",
      json_pack("{s:[{s:s,s:i,s:s,s:i,s:i,s:i,s:i,s:n,s:i},{s:s,s:i,s:n,s:i,s:i,s:i,s:i,s:s}]}",
                "regions", "kind", "hiberfil", "volume", 0, "path", "C:\\hiberfil.sys<b>",
                "bytes", 536870912, "bytes_searched", 1048576, "bytes_skipped", 535822336,
                "rules_fired", 0, "note", "mft_entry", 40, "kind", "unallocated", "volume", 1,
                "path", "bytes", 4096000, "bytes_searched", 4096000, "bytes_skipped", 0,
                "rules_fired", 3, "note", "compressed \x1b[31m"));
  json_object_set_new(json_object_get(r, "logs"), "carved",
                      json_pack("{s:i,s:i,s:i,s:i,s:{s:i,s:i,s:i},s:i,s:i,s:i,s:i}", "lines", 7,
                                "parsed", 6, "utf16le", 2, "partial", 1, "hits", "code_red_1", 4,
                                "code_red_2", 0, "nimda", 1, "backdoor_uses", 2,
                                "backdoor_uses_2xx", 1, "listed", 5, "unlisted", 2));
  json_object_set_new(r, "content_scan",
                      json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "files_scanned", 812,
                                "bytes_scanned", 91234567, "skipped_too_large", 3, "unreadable", 1,
                                "max_file_size", 67108864, "rules", 14, "hash_sets", 2,
                                "hash_entries", 1500, "streams_scanned", 9));
  render_text_html(r, &txt, &html);
  const char *sec = section_at(txt, "\nMemory residue, unallocated space and content scan\n",
                               "\nWeb server logs\n", "\nCould not be read\n");
  ck_assert_ptr_nonnull(strstr(sec, "  Regions searched: 2\n    hiberfil  C:\\hiberfil.sys<b>, volume 0\n"
                                    "      536870912 bytes, 1048576 searched, 535822336 not searched, "
                                    "0 rule match(es)\n    unallocated  volume 1 (its unallocated clusters)\n"));
  ck_assert_ptr_nonnull(strstr(sec, "      note: compressed \\x1b[31m\n"));
  ck_assert_ptr_nonnull(strstr(sec, "  Carved log lines: 7 (6 parsed, 2 UTF-16LE, 1 partial; 5 listed "
                                    "as findings, 2 not listed)\n    worm requests: Code Red I 4, "
                                    "Nimda 1\n    backdoor uses: 2 (1 answered 2xx)\n"));
  ck_assert_ptr_nonnull(strstr(sec, "  Content scan (--yara / --hashset): 812 files and 9 named streams, "
                                    "91234567 bytes\n    not searched: 3 larger than 67108864 bytes, "
                                    "1 unreadable\n    14 rules, 2 hash set(s) with 1500 entries\n"));
  const char *hs = section_at(html, "<section id=\"residue\">", "<section id=\"logs\">",
                              "<section id=\"unreadable\">");
  ck_assert_ptr_nonnull(strstr(hs, "<tr><td>hiberfil</td><td><code class=\"path\">C:\\<wbr>hiberfil.sys"
                                   "&lt;b&gt;</code><br><small>MFT entry 40</small></td><td>0</td>"
                                   "<td>536870912</td><td>1048576</td><td>535822336</td><td>0</td>"));
  ck_assert_ptr_nonnull(strstr(hs, "<td>compressed \\x1b[31m</td>"));
  ck_assert_ptr_nonnull(strstr(hs, "<tr><th>Worm requests</th><td>Code Red I 4, Nimda 1</td></tr>"));
  ck_assert_ptr_nonnull(strstr(hs, "812 files and 9 named streams, 91234567 bytes"));
  ck_assert_ptr_null(strstr(hs, "<b>"));
  free(txt);
  free(html);
  json_decref(r);
}
END_TEST

/* A detail that is a list of strings (an event record's insertion strings)
 * shows each member escaped once, numbered, in text and HTML: not the
 * list's JSON text escaped a second time (\\u001b, doubled backslashes).
 * A backslash is doubled only where it could read as an escape. */
START_TEST(str_list_details)
{
  json_t *r = load_sample();
  json_t *f = json_array_get(json_object_get(r, "findings"), 0);
  ck_assert_ptr_nonnull(f);
  json_t *det = json_object_get(f, "details");
  if (!json_is_object(det)) {
    det = json_object();
    json_object_set_new(f, "details", det);
  }
  json_object_set_new(det, "strings",
                      json_pack("[s,s,s]", "World Wide Web Publishing Service",
                                "<script>x</script> \\\\srv\\u \x1b[31m", ""));
  json_object_set_new(det, "mixed", json_pack("[s,i]", "a", 2));
  char *txt, *html;
  render_text_html(r, &txt, &html);
  ck_assert_ptr_nonnull(strstr(txt, "      strings:\n        [1] World Wide Web Publishing Service\n"
                                    "        [2] <script>x</script> \\\\\\srv\\\\u \\x1b[31m\n"
                                    "        [3] \n"));
  ck_assert_ptr_null(strstr(txt, "u001b"));
  /* not all strings: the JSON text, as before */
  ck_assert_ptr_nonnull(strstr(txt, "      mixed: [\"a\",2]\n"));
  ck_assert_ptr_nonnull(strstr(html, "strings: </small><ol class=\"strs\"><li><small>World Wide Web "
                                     "Publishing Service</small></li><li><small>&lt;script&gt;x"
                                     "&lt;/script&gt; \\\\\\srv\\\\u \\x1b[31m</small></li><li><small>"
                                     "</small></li></ol>"));
  ck_assert_ptr_null(strstr(html, "u001b"));
  free(txt);
  free(html);
  json_decref(r);
}
END_TEST

START_TEST(mismatch_on_top)
{
  json_t *r = load_sample();
  json_object_set_new(json_object_get(r, "evidence"), "verification", json_string("mismatch"));
  size_t n;
  char *t = rs_t_render(rs_writer_find("text"), r, &n);
  ck_assert_msg(strncmp(t, "!!! STORED HASH MISMATCH", 24) == 0, "text starts: %.40s", t);
  ck_assert_ptr_nonnull(strstr(t, "Verification   MISMATCH"));
  char *h = rs_t_render(rs_writer_find("html"), r, &n);
  const char *m = strstr(h, "id=\"hash-mismatch\""), *v = strstr(h, "id=\"verdict\"");
  ck_assert(m && v && m < v);
  free(t);
  free(h);
  json_decref(r);
}
END_TEST

/* Every report.warnings entry comes first in every output, escaped; the
 * stored-hash mismatch, one of them, keeps its own banner and is not shown
 * twice (issue 20, item 7: the segment-size warning). */
#define SEG_WARN "SEGMENT SET INCONSISTENT: the media, 1475560 bytes, is not a whole number " \
                 "of 512-byte sectors (segment sizes: d\x1b[2J.001-d.003 491520 bytes each, " \
                 "d.004 1000 bytes)"
#define MISMATCH_WARN "STORED HASH MISMATCH: the media's computed hashes differ"

START_TEST(warnings_on_top)
{
  json_t *r = load_sample();
  json_object_set_new(r, "warnings", json_pack("[s]", SEG_WARN));
  size_t n;
  char *t = rs_t_render(rs_writer_find("text"), r, &n);
  ck_assert_msg(strncmp(t, "!!! SEGMENT SET INCONSISTENT: ", 30) == 0, "text starts: %.60s", t);
  ck_assert_ptr_nonnull(strstr(t, "d\\x1b[2J.001-d.003 491520 bytes each"));
  ck_assert_ptr_null(strchr(t, 0x1b));
  char *h = rs_t_render(rs_writer_find("html"), r, &n);
  const char *w = strstr(h, "id=\"warning-0\""), *v = strstr(h, "id=\"verdict\"");
  ck_assert_msg(w && v && w < v, "html: warning missing or after the verdict");
  ck_assert_ptr_nonnull(strstr(w, "d\\x1b[2J.001"));
  char *b = rs_t_render(rs_writer_find("body"), r, &n);
  ck_assert_msg(strncmp(b, "0|!!! SEGMENT SET INCONSISTENT", 30) == 0, "body starts: %.40s", b);
  char *j = rs_t_render(rs_writer_find("jsonl"), r, &n);
  ck_assert_ptr_nonnull(strstr(strtok(j, "\n"), "SEGMENT SET INCONSISTENT"));
  free(t);
  free(h);
  free(b);
  free(j);
  /* with a mismatch: its banner first, then the other warning; the mismatch
   * entry itself is not repeated as a second line */
  json_object_set_new(json_object_get(r, "evidence"), "verification", json_string("mismatch"));
  json_object_set_new(r, "warnings", json_pack("[s,s]", MISMATCH_WARN, SEG_WARN));
  t = rs_t_render(rs_writer_find("text"), r, &n);
  const char *m = strstr(t, "!!! STORED HASH MISMATCH"), *sg = strstr(t, "!!! SEGMENT SET");
  ck_assert(t == m && sg && m < sg && sg < strstr(t, "redsleuth report ("));
  ck_assert_ptr_null(strstr(t, MISMATCH_WARN));
  h = rs_t_render(rs_writer_find("html"), r, &n);
  ck_assert_ptr_null(strstr(h, "id=\"warning-0\"")); /* index 0 is the mismatch */
  ck_assert_ptr_nonnull(strstr(h, "id=\"warning-1\""));
  ck_assert_ptr_nonnull(strstr(h, "id=\"hash-mismatch\""));
  free(t);
  free(h);
  json_decref(r);
}
END_TEST

/* `info` text: every string from the evidence escaped as in the scan
 * report (issue 20, item 4), the columns still aligned. */
START_TEST(info_text_escaped)
{
  json_error_t je;
  json_t *info = json_loads(
      "{\"schema\":\"redsleuth-report/1\","
      "\"warnings\":[\"SEGMENT SET INCONSISTENT: d\\u001b]0;pwn\\u0007.004\"],"
      "\"tool\":{\"version\":\"9.9\"},"
      "\"evidence\":{\"segments\":[\"/ev/\\u001b[2Jdisk\\u009b.E01\",\"/ev/x\\u202e.E02\"],"
      "\"format\":\"ewf\",\"media_size\":1048576,\"sector_size\":512,\"volume_system\":\"dos\","
      "\"stored_hashes\":{\"md5\":\"00112233445566778899aabbccddeeff\",\"sha1\":null},"
      "\"acquisition\":{\"case_number\":\"CASE\\u001b[2J\\u001b]0;pwn\\u0007\","
      "\"examiner\":\"ex\\u009b31m\",\"notes\":null}},"
      "\"volumes\":[{\"index\":0,\"start_sector\":63,\"sectors\":1000,\"fs_type\":\"ntfs\","
      "\"fs_name\":\"ntfs\",\"label\":\"L\\u001b[31m\\u202e\",\"drive\":\"C:\","
      "\"drive_assumed\":true,\"windows_root\":\"\\\\W\\u009b[2J\\u202eN\",\"serial\":\"0011\","
      "\"partition\":\"NTFS \\u001b[0m\",\"note\":\"n\\u0007\"}],"
      "\"unreadable\":[{\"what\":\"media\",\"where\":\"/ev/\\u001b[2J\",\"reason\":\"r\\u009b\"}]}",
      0, &je);
  ck_assert_msg(info != NULL, "%s", je.text);
  char *p = NULL;
  size_t n = 0;
  FILE *fp = open_memstream(&p, &n);
  struct rs_diag d;
  rs_diag_clear(&d);
  ck_assert_int_eq(rs_info_write_text(info, fp, &d), RS_OK);
  fclose(fp);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    ck_assert_msg(c >= 0x20 || c == '\n', "raw control 0x%02x at %zu: %s", c, i, p);
  }
  ck_assert_ptr_null(strstr(p, "\xc2\x9b"));     /* C1 CSI */
  ck_assert_ptr_null(strstr(p, "\xe2\x80\xae")); /* right-to-left override */
  ck_assert_msg(strncmp(p, "!!! SEGMENT SET INCONSISTENT: d\\x1b]0;pwn\\x07.004\n", 50) == 0,
                "warning not first: %.80s", p);
  static const char *const want[] = {
      "Evidence:      /ev/\\x1b[2Jdisk\\u{9b}.E01\n", "               /ev/x\\u{202e}.E02\n",
      "  case_number                CASE\\x1b[2J\\x1b]0;pwn\\x07\n",
      "  examiner                   ex\\u{9b}31m\n",
      /* the label column is 18 wide after escaping, as before */
      "  0   63           1000         ntfs    L\\x1b[31m\\u{202e}  0011               C:*    "
      "\\W\\u{9b}[2J\\u{202e}N\n",
      "      partition: NTFS \\x1b[0m\n", "      note: n\\x07\n", "  /ev/\\x1b[2J: r\\u{9b}\n"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    ck_assert_msg(strstr(p, want[i]), "missing '%s' in:\n%s", want[i], p);
  ck_assert_ptr_null(strstr(p, "notes")); /* null acquisition values are left out */
  free(p);
  json_decref(info);
}
END_TEST

START_TEST(json_roundtrip)
{
  json_t *r = load_sample();
  size_t n;
  char *j = rs_t_render(rs_writer_find("json"), r, &n);
  ck_assert_int_eq(j[n - 1], '\n');
  json_error_t je;
  json_t *back = json_loadb(j, n, 0, &je);
  ck_assert_msg(back != NULL, "report.json does not parse: %s", je.text);
  ck_assert(json_equal(back, r));
  json_decref(back);
  free(j);
  /* C1 controls, DEL and bidi overrides come out as \u escapes, and the
   * value still decodes to the same string. */
  json_t *o = json_pack("{s:s}", "n", "a\xc2\x9b" "b\x7f" "c\xe2\x80\xae" "d\xd8\x9c" "e\xe2\x81\xa9");
  char *j2 = rs_t_render(rs_writer_find("json"), o, &n);
  ck_assert_ptr_nonnull(strstr(j2, "a\\u009bb\\u007fc\\u202ed\\u061ce\\u2069"));
  back = json_loadb(j2, n, 0, &je);
  ck_assert(back && json_equal(back, o));
  json_decref(back);
  json_decref(o);
  free(j2);
  json_decref(r);
}
END_TEST

START_TEST(jsonl_lines)
{
  json_t *r = load_sample();
  size_t n;
  char *j = rs_t_render(rs_writer_find("jsonl"), r, &n);
  const json_t *tl = json_object_get(r, "timeline");
  size_t lines = 0;
  char *save = NULL;
  for (char *line = strtok_r(j, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    json_error_t je;
    json_t *o = json_loads(line, 0, &je);
    ck_assert_msg(json_is_object(o), "line %zu is not a JSON object: %s", lines + 1, je.text);
    const json_t *src = json_array_get(tl, lines);
    static const char *const need[] = {"message", "datetime", "timestamp_desc"};
    for (int k = 0; k < 3; k++) {
      ck_assert_msg(json_is_string(json_object_get(o, need[k])), "line %zu lacks %s", lines + 1,
                    need[k]);
      ck_assert(json_equal(json_object_get(o, need[k]), json_object_get(src, need[k])));
    }
    /* The first three keys are the Timesketch fields, in that order. */
    void *it = json_object_iter(o);
    ck_assert_str_eq(json_object_iter_key(it), "message");
    ck_assert(json_equal(json_object_get(o, "finding"), json_object_get(src, "finding")));
    if (json_object_get(src, "path"))
      ck_assert(json_equal(json_object_get(o, "path"), json_object_get(src, "path")));
    else
      ck_assert_ptr_null(json_object_get(o, "path"));
    int64_t sec;
    uint32_t ns;
    ck_assert(rs_writer_time_parse(json_string_value(json_object_get(o, "datetime")), &sec, &ns));
    ck_assert_int_eq(json_integer_value(json_object_get(o, "timestamp")), sec * 1000000 + ns / 1000);
    json_decref(o);
    lines++;
  }
  ck_assert_uint_eq(lines, json_array_size(tl));
  free(j);
  json_decref(r);
}
END_TEST

START_TEST(body_records)
{
  json_t *r = load_sample();
  size_t n;
  char *b = rs_t_render(rs_writer_find("body"), r, &n);
  /* Independent count from the sample: F0001, F0002, F0003, F0007 and F0008
   * have $SI and $FN times (2 lines each), F0009 has $SI only (1 line); the
   * registry, log and unreadable findings have no file times. */
  size_t lines = 0;
  char *save = NULL;
  for (char *line = strtok_r(b, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    int bars = 0;
    for (char *p = line; *p; p++)
      bars += *p == '|';
    ck_assert_msg(bars == 10, "line %zu has %d '|': %s", lines + 1, bars, line);
    lines++;
  }
  ck_assert_uint_eq(lines, 11);
  free(b);
  json_decref(r);
}
END_TEST

/* Report strings keep evidence bytes that are not UTF-8 (rs_json_str: an
 * NTFS name with a lone surrogate comes as WTF-8). Each writer shows them:
 * text, HTML and body as \xNN escapes of the bytes (one backslash: the
 * writer sees the bytes), JSON and JSONL in rs_escape_utf8's form, valid. */
START_TEST(invalid_utf8_in_report)
{
  ck_assert(rs_utf8_valid("C:\\a\xc3\xa9\xf0\x9f\x98\x80", 10));
  ck_assert(!rs_utf8_valid("a\xed\xa0\x80", 4));
  ck_assert(!rs_utf8_valid("\xc3", 1));
  ck_assert(rs_utf8_valid(NULL, 0));
  json_t *r = load_sample();
  static const char bad[] = "C:\\Inetpub\\scripts\\r\xed\xa0\x80t.exe";
  json_t *f = json_array_get(json_object_get(r, "findings"), 0);
  ck_assert_int_eq(json_object_set_new(f, "path", json_stringn_nocheck(bad, strlen(bad))), 0);
  json_t *t = json_array_get(json_object_get(r, "timeline"), 0);
  ck_assert_int_eq(json_object_set_new(t, "message", json_stringn_nocheck(bad, strlen(bad))), 0);
  static const struct {
    const char *w, *want;
  } c[] = {
      {"text", "C:\\Inetpub\\scripts\\r\\xed\\xa0\\x80t.exe"},
      {"html", "C:\\Inetpub\\scripts\\r\\xed\\xa0\\x80t.exe"},
      {"body", "|C:/Inetpub/scripts/r\\xed\\xa0\\x80t.exe|"},
      {"json", "\"C:\\\\Inetpub\\\\scripts\\\\r\\\\xed\\\\xa0\\\\x80t.exe\""},
      {"jsonl", "\"message\":\"C:\\\\Inetpub\\\\scripts\\\\r\\\\xed\\\\xa0\\\\x80t.exe\""},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    size_t n;
    char *o = rs_t_render(rs_writer_find(c[i].w), r, &n);
    ck_assert_msg(strstr(o, c[i].want), "%s: %s missing", c[i].w, c[i].want);
    ck_assert_msg(!memmem(o, n, "\xed\xa0\x80", 3), "%s: raw bytes", c[i].w);
    ck_assert_msg(rs_utf8_valid(o, n), "%s: output not UTF-8", c[i].w);
    free(o);
  }
  /* the JSON still parses and the report object itself is unchanged */
  size_t n;
  char *o = rs_t_render(rs_writer_find("json"), r, &n);
  json_t *back = json_loads(o, 0, NULL);
  ck_assert_ptr_nonnull(back);
  json_decref(back);
  free(o);
  ck_assert_mem_eq(json_string_value(json_object_get(f, "path")), bad, sizeof bad);
  json_decref(r);
}
END_TEST

START_TEST(body_mactime)
{
  RS_T_SKIP_IF(!rs_t_have("mactime"), "mactime (package sleuthkit) not installed");
  json_t *r = load_sample();
  size_t n;
  char *b = rs_t_render(rs_writer_find("body"), r, &n);
  char path[600], cmd[1400];
  snprintf(path, sizeof path, "%s/timeline.body", rs_t_tmpdir());
  FILE *fp = fopen(path, "wb");
  ck_assert_ptr_nonnull(fp);
  fwrite(b, 1, n, fp);
  fclose(fp);
  snprintf(cmd, sizeof cmd, "TZ=UTC mactime -b '%s' -d -z UTC 2>&1", path);
  char *out = NULL;
  int st = rs_t_run(cmd, &out);
  ck_assert_msg(st == 0, "mactime exit %d: %s", st, out ? out : "");
  /* mactime's own date rendering of our epoch seconds matches the ISO
   * times in the sample (root.exe $SI created 2001-08-05T03:12:44.531Z,
   * idq.dll $SI created 2000-11-20T14:21:07Z, the ESC-named file). */
  ck_assert_ptr_nonnull(strstr(out, "Sun Aug 05 2001 03:12:44,236304,..cb,r/rrwxrwxrwx,0,0,10234,\"C:/Inetpub/scripts/root.exe\""));
  ck_assert_ptr_nonnull(strstr(out, "Mon Nov 20 2000 14:21:07,120592,..cb"));
  ck_assert_ptr_nonnull(strstr(out, "Tue Dec 07 1999 12:00:00,236304,m..."));
  ck_assert_ptr_nonnull(strstr(out, "Sun Aug 05 2001 06:35:40,4096,macb,r/rrwxrwxrwx,0,0,77,\"D:/wwwroot/up\\x0aload\\x7c"));
  ck_assert_ptr_nonnull(strstr(out, "TFTP<script>alert(1)</script>\\x7cx ($FILE_NAME) (deleted)"));
  free(out);
  free(b);
  json_decref(r);
}
END_TEST

START_TEST(html_static)
{
  json_t *r = load_sample();
  size_t n;
  char *h = rs_t_render(rs_writer_find("html"), r, &n);
  ck_assert_ptr_nonnull(strstr(h, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"));
  ck_assert_ptr_null(strcasestr(h, "<script"));
  ck_assert_ptr_nonnull(strstr(h, "TFTP&lt;script&gt;alert(1)&lt;/script&gt;|x"));
  ck_assert_ptr_nonnull(strstr(h, "/c+echo+&lt;b&gt;owned&lt;/b&gt;+&amp;+tftp"));
  ck_assert_ptr_nonnull(strstr(h, "up\\x0aload|&quot;\\x1b[31mred.exe"));
  /* Nothing to fetch: no src/href attributes, no URL but the SVG namespace. */
  ck_assert_ptr_null(strcasestr(h, " src="));
  ck_assert_ptr_null(strcasestr(h, " href="));
  ck_assert_ptr_null(strcasestr(h, "url("));
  const char *p = h;
  while ((p = strstr(p, "http")) != NULL) {
    ck_assert_msg(strncmp(p, "http://www.w3.org/2000/svg", 26) == 0 ||
                      strncmp(p, "http-equiv", 10) == 0,
                  "external reference: %.40s", p);
    p++;
  }
  /* Chart: per-day request counts from the sample's iislog entries:
   * 2001-08-04: 29; 2001-08-05: 17 + 1 + 1 = 19. */
  /* The sample's entries carry no status: they are counted as not logged. */
  ck_assert_ptr_nonnull(strstr(h, "<tr><td>2001-08-04</td><td>29</td><td>0</td><td>0</td>"
                                  "<td>0</td><td>0</td><td>29</td></tr>"));
  ck_assert_ptr_nonnull(strstr(h, "<tr><td>2001-08-05</td><td>19</td>"));
  ck_assert_ptr_nonnull(strstr(h, "<title>2001-08-04: 29 worm requests, other status (3xx, "
                                  "5xx, not logged)</title>"));
  /* The 1999/2000 idq.dll times fall left of the attack window. */
  ck_assert_ptr_nonnull(strstr(h, "2 earlier artifact time(s)"));
  ck_assert_ptr_nonnull(strstr(h, "class=\"verdict v-backdoor-used\""));
  ck_assert_ptr_nonnull(strstr(h, "<h3>Registry values read</h3>"));
  ck_assert_ptr_nonnull(strstr(h, "<td><code>/&lt;b&gt;x\\x1b[31m</code></td><td>REG_SZ</td>"
                                  "<td><code>d:\\\\up\\x0aload,,217 \\u{202e}</code></td>"));
  ck_assert_ptr_nonnull(strstr(h, "<td><code>(default)</code></td>"));
  free(h);
  json_decref(r);
}
END_TEST

/* Issue 13, chart labels: a report with 1,234,567 requests on one day, 40
 * logged days and many artifact times outside the range. Every <text> of the
 * SVG lies inside the viewBox (width estimated as 0.6 x font size x
 * characters, placed by its text-anchor), and the bars of a day answered 2xx
 * and refused 4xx are both drawn, in proportion. */
static double svg_attr(const char *tag, const char *name)
{
  char key[32];
  snprintf(key, sizeof key, " %s=\"", name);
  const char *p = strstr(tag, key);
  return p ? strtod(p + strlen(key), NULL) : -1e9;
}

START_TEST(html_chart_labels)
{
  json_t *r = json_object();
  json_t *pd = json_array(), *tl = json_array();
  for (int d = 0; d < 40; d++) {
    char date[16];
    snprintf(date, sizeof date, "2001-08-%02d", 1 + d % 31);
    if (d >= 31)
      snprintf(date, sizeof date, "2001-09-%02d", d - 30);
    json_int_t n2 = d == 7 ? 1234567 : 10 + d, n4 = d == 7 ? 0 : (d == 8 ? 617283 : 3 * d);
    json_array_append_new(pd, json_pack("{s:s,s:I,s:I,s:{s:I,s:I,s:I,s:I,s:I}}", "date", date,
                                        "code_red_2", n2 + n4, "nimda", (json_int_t)1, "status",
                                        "2xx", n2, "3xx", (json_int_t)0, "4xx", n4, "5xx",
                                        (json_int_t)1, "other", (json_int_t)0));
  }
  for (int k = 0; k < 25; k++) {
    json_array_append_new(tl, json_pack("{s:s,s:s,s:s}", "datetime", "1999-12-07T12:00:00Z",
                                        "source", "mft", "finding", "F1"));
    json_array_append_new(tl, json_pack("{s:s,s:s,s:s}", "datetime", "2003-01-01T00:00:00Z",
                                        "source", "mft", "finding", "F2"));
  }
  json_object_set_new(r, "logs", json_pack("{s:o}", "per_day", pd));
  json_object_set_new(r, "timeline", tl);
  size_t n;
  char *h = rs_t_render(rs_writer_find("html"), r, &n);
  const char *svg = strstr(h, "<svg ");
  ck_assert_ptr_nonnull(svg);
  const char *end = strstr(svg, "</svg>");
  ck_assert_ptr_nonnull(end);
  double W = svg_attr(svg, "width"), H = svg_attr(svg, "height");
  ck_assert(W > 0 && H > 0);
  /* printed on A4 (about 718 CSS px wide between the default margins) the
   * chart shrinks to fit: its smallest text (10) must still print at 9 px */
  ck_assert_msg(10.0 * (W > 718 ? 718 / W : 1.0) >= 9.0, "chart %.0f px wide: 10 px text "
                "prints at %.1f px on A4", W, 10.0 * 718 / W);
  double lab_end = -1; /* the day labels, left to right, never overlap */
  int ntext = 0;
  bool saw_max = false, saw_last_day = false, saw_before = false, saw_after = false;
  for (const char *p = strstr(svg, "<text "); p && p < end; p = strstr(p + 1, "<text ")) {
    const char *gt = strchr(p, '>'), *close = strstr(p, "</text>");
    ck_assert(gt && close && gt < close);
    char tag[256], body[512];
    snprintf(tag, sizeof tag, "%.*s", (int)(gt - p), p);
    snprintf(body, sizeof body, "%.*s", (int)(close - gt - 1), gt + 1);
    double x = svg_attr(tag, "x"), y = svg_attr(tag, "y"), fs = svg_attr(tag, "font-size");
    ck_assert_msg(fs > 0, "no font size: %s", tag);
    double w = 0.6 * fs * (double)strlen(body), x0 = x, x1 = x + w;
    if (strstr(tag, "text-anchor=\"end\"")) {
      x0 = x - w;
      x1 = x;
    } else if (strstr(tag, "text-anchor=\"middle\"")) {
      x0 = x - w / 2;
      x1 = x + w / 2;
    }
    ck_assert_msg(x0 >= 0 && x1 <= W, "text '%s' spans x %.1f..%.1f outside 0..%.0f", body, x0,
                  x1, W);
    ck_assert_msg(y - fs >= 0 && y <= H, "text '%s' at y %.1f outside 0..%.0f", body, y, H);
    if (strlen(body) == 10 && body[4] == '-' && body[7] == '-') {
      ck_assert_msg(x0 >= lab_end, "day label '%s' at %.1f overlaps the one before (to %.1f)",
                    body, x0, lab_end);
      lab_end = x1;
    }
    saw_max |= strcmp(body, "1234568") == 0; /* 1,234,567 answered + 1 5xx */
    saw_last_day |= strcmp(body, "2001-09-09") == 0; /* every 5th of 42 days */
    saw_before |= strstr(body, "25 earlier artifact time(s)") != NULL;
    saw_after |= strstr(body, "25 later artifact time(s)") != NULL;
    ntext++;
  }
  ck_assert_int_ge(ntext, 10);
  ck_assert(saw_max);
  ck_assert_msg(saw_last_day, "the last day's label is missing");
  ck_assert(saw_before && saw_after);
  /* 2001-08-08: 1,234,567 answered; 2001-08-09: 617,283 refused (half) */
  const char *b2 = strstr(svg, "<title>2001-08-08: 1234567 worm requests, answered 2xx</title>");
  const char *b4 = strstr(svg, "<title>2001-08-09: 617283 worm requests, refused 4xx</title>");
  ck_assert_ptr_nonnull(b2);
  ck_assert_ptr_nonnull(b4);
  const char *r2 = b2, *r4 = b4;
  while (strncmp(r2, "<rect ", 6) != 0)
    r2--;
  while (strncmp(r4, "<rect ", 6) != 0)
    r4--;
  ck_assert_ptr_nonnull(strstr(r2, "class=\"st-2xx\""));
  ck_assert_ptr_nonnull(strstr(r4, "class=\"st-4xx\""));
  double h2 = svg_attr(r2, "height"), h4 = svg_attr(r4, "height");
  ck_assert_msg(h2 > 0 && h4 > 0 && fabs(h4 / h2 - 617283.0 / 1234567.0) < 0.01,
                "2xx bar %.1f, 4xx bar %.1f", h2, h4);
  /* the per-day table has the status columns; the totals are the family sums */
  ck_assert_ptr_nonnull(strstr(h, "<th>answered 2xx</th><th>3xx</th><th>refused 4xx</th>"));
  ck_assert_ptr_nonnull(strstr(h, "<tr><td>2001-08-08</td><td>1234568</td><td>1234567</td>"
                                  "<td>0</td><td>0</td><td>1</td><td>0</td></tr>"));
  free(h);
  json_decref(r);
}
END_TEST

START_TEST(html_chromium)
{
  RS_T_SKIP_IF(!rs_t_have("chromium"), "chromium not installed (apt-get install chromium)");
  json_t *r = load_sample();
  size_t n;
  char *h = rs_t_render(rs_writer_find("html"), r, &n);
  const char *tmp = rs_t_tmpdir();
  char page[600], blank[600], shot[600], bshot[600], args[700];
  snprintf(page, sizeof page, "%s/report.html", tmp);
  snprintf(blank, sizeof blank, "%s/blank.html", tmp);
  snprintf(shot, sizeof shot, "%s/report.png", tmp);
  snprintf(bshot, sizeof bshot, "%s/blank.png", tmp);
  FILE *fp = fopen(page, "wb");
  fwrite(h, 1, n, fp);
  fclose(fp);
  fp = fopen(blank, "wb");
  fputs("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>b</title></head><body></body></html>\n", fp);
  fclose(fp);

  char *dom = NULL;
  int st = rs_t_chromium("--dump-dom", page, &dom);
  ck_assert_msg(st == 0 && dom, "chromium --dump-dom failed (%d)", st);
  ck_assert_ptr_nonnull(strstr(dom, "Verdict: backdoor-used"));
  ck_assert_ptr_null(strcasestr(dom, "<script"));
  /* The parsed page keeps the hostile name as text, not as an element. */
  ck_assert_ptr_nonnull(strstr(dom, "TFTP&lt;script&gt;alert(1)&lt;/script&gt;|x"));
  ck_assert_ptr_nonnull(strstr(dom, "<rect "));
  free(dom);

  snprintf(args, sizeof args, "--screenshot='%s' --window-size=1200,2000", shot);
  st = rs_t_chromium(args, page, NULL);
  snprintf(args, sizeof args, "--screenshot='%s' --window-size=1200,2000", bshot);
  int st2 = rs_t_chromium(args, blank, NULL);
  size_t sn = 0, bn = 0;
  unsigned char *s1 = rs_t_slurp(shot, &sn), *s2 = rs_t_slurp(bshot, &bn);
  ck_assert_msg(st == 0 && s1, "no screenshot of the report (%d)", st);
  ck_assert_msg(st2 == 0 && s2, "no screenshot of the blank page (%d)", st2);
  ck_assert(memcmp(s1, "\x89PNG", 4) == 0);
  /* A blank 1200x2000 page compresses to a few KB; the report's text and
   * colours make the PNG far larger. */
  ck_assert_msg(sn > 10 * bn && sn > 50000, "report PNG %zu bytes vs blank %zu", sn, bn);
  fprintf(stderr, "html_chromium: report PNG %zu bytes, blank %zu bytes\n", sn, bn);
  free(s1);
  free(s2);
  free(h);
  json_decref(r);
}
END_TEST

/* ------------------------------------------------------------ robustness */

static const char *const odd_reports[] = {
  "{}",
  "{\"findings\":\"x\",\"timeline\":[1,null,{\"datetime\":5},{\"source\":\"iislog\"}],"
  "\"verdict\":{\"status\":\"<b>\",\"cleanup\":[{\"status\":7,\"findings\":[\"F9\",3]}]}}",
  "{\"evidence\":{\"verification\":\"mismatch\",\"hashes\":null},\"findings\":[{\"id\":\"F1\","
  "\"path\":\"\",\"times\":{\"si_created_utc\":\"bogus\"},\"allocated\":false}],"
  "\"timeline\":[{\"datetime\":\"0001-01-01T00:00:00Z\",\"source\":\"iislog\",\"hits\":-5},"
  "{\"datetime\":\"9999-12-31T23:59:59Z\",\"finding\":\"F1\"}]}",
  "{\"system\":{\"os\":[],\"virtual_roots\":{\"/C\":null,\"/X\":{\"a\":1}},\"idq_dll\":[{}]},"
  "\"logs\":{\"hits\":[],\"attackers\":[{}],\"backdoor_use\":[null]},\"volumes\":[{}],"
  "\"unreadable\":[3]}",
};
#define N_ODD (int)(sizeof odd_reports / sizeof odd_reports[0])

START_TEST(odd_input)
{
  json_error_t je;
  json_t *r = json_loads(odd_reports[_i / 5], JSON_PRESERVE_ORDER, &je);
  ck_assert_ptr_nonnull(r);
  size_t n;
  char *out = rs_t_render(rs_writers[_i % 5], r, &n); /* asserts RS_OK */
  for (size_t i = 0; i < n; i++)
    ck_assert((unsigned char)out[i] != 0x1b);
  free(out);
  json_decref(r);
}
END_TEST

START_TEST(not_an_object)
{
  json_t *a = json_array();
  struct rs_diag d;
  rs_diag_clear(&d);
  FILE *fp = fopen("/dev/null", "w");
  ck_assert_int_eq(rs_writers[_i]->write(a, NULL, fp, &d), RS_E_USAGE);
  ck_assert_int_eq(rs_writers[_i]->write(NULL, NULL, fp, &d), RS_E_USAGE);
  fclose(fp);
  json_decref(a);
}
END_TEST

START_TEST(write_failure)
{
  FILE *fp = fopen("/dev/full", "w");
  RS_T_SKIP_IF(!fp, "/dev/full not available");
  json_t *r = load_sample();
  struct rs_diag d;
  rs_diag_clear(&d);
  ck_assert_int_eq(rs_writers[_i]->write(r, NULL, fp, &d), RS_E_OUTPUT);
  ck_assert_int_eq(d.err, RS_E_OUTPUT);
  fclose(fp);
  json_decref(r);
}
END_TEST

Suite *rs_suite_writers(void)
{
  Suite *s = suite_create("writers");
  TCase *tc = tcase_create("escape");
  tcase_add_loop_test(tc, escape_table, 0, N_ESC);
  tcase_add_loop_test(tc, escape_roundtrip, 0, 2);
  tcase_add_test(tc, escape_errors);
  suite_add_tcase(s, tc);

  tc = tcase_create("helpers");
  tcase_add_loop_test(tc, time_parse, 0, (int)(sizeof time_cases / sizeof time_cases[0]));
  tcase_add_test(tc, writer_table);
  suite_add_tcase(s, tc);

  tc = tcase_create("outputs");
  tcase_add_loop_test(tc, golden, 0, 5);
  tcase_add_loop_test(tc, deterministic, 0, 5);
  tcase_add_loop_test(tc, no_raw_controls, 0, 5);
  tcase_add_test(tc, text_content);
  tcase_add_test(tc, mismatch_on_top);
  tcase_add_test(tc, warnings_on_top);
  tcase_add_test(tc, info_text_escaped);
  tcase_add_test(tc, hives_state_shown);
  tcase_add_test(tc, host_logs_shown);
  tcase_add_test(tc, residue_shown);
  tcase_add_test(tc, str_list_details);
  tcase_add_test(tc, json_roundtrip);
  tcase_add_test(tc, jsonl_lines);
  tcase_add_test(tc, body_records);
  tcase_add_test(tc, invalid_utf8_in_report);
  tcase_add_test(tc, html_static);
  tcase_add_test(tc, html_chart_labels);
  tcase_add_loop_test(tc, odd_input, 0, N_ODD * 5);
  tcase_add_loop_test(tc, not_an_object, 0, 5);
  tcase_add_loop_test(tc, write_failure, 0, 5);
  suite_add_tcase(s, tc);

  tc = tcase_create("peers");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, body_mactime);
  tcase_add_test(tc, html_chromium);
  suite_add_tcase(s, tc);
  return s;
}
