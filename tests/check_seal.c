/* Issue 13, the CLI's part: the output folder sealed (manifest.sha256,
 * tool.binary), custody fields, --expect-hash, a non-empty --out-dir and
 * --force, the stdout summary, the exit lines of 10 and 11, --batch's exit
 * code and line, and a cut-short E01 that says what is wrong with it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>
#include <jansson.h>

#include "testutil.h"

#define BIN RS_BUILDDIR "/redsleuth"

struct res {
  int rc;
  char *out, *err;
};

static struct res run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct res run(const char *fmt, ...)
{
  static int n;
  char args[8192], cmd[12000], errf[4200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(args, sizeof args, fmt, ap);
  va_end(ap);
  snprintf(errf, sizeof errf, "%s/seal-stderr-%d.txt", rs_t_tmpdir(), n++);
  snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s'", BIN, args, errf);
  struct res r = {0};
  r.rc = rs_t_run(cmd, &r.out);
  r.err = (char *)rs_t_slurp(errf, NULL);
  if (!r.out)
    r.out = strdup("");
  if (!r.err)
    r.err = strdup("");
  return r;
}

static void res_free(struct res *r)
{
  free(r->out);
  free(r->err);
}

static int lines(const char *s)
{
  int n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

/* A fresh output folder name under the temp dir (not created). */
static const char *outdir(const char *tag)
{
  static char p[8][4200];
  static int slot;
  char *o = p[slot++ % 8];
  snprintf(o, sizeof p[0], "%s/out-%s", rs_t_tmpdir(), tag);
  return o;
}

static json_t *load_json(const char *dir, const char *name)
{
  char p[4400];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  json_error_t je;
  json_t *j = json_load_file(p, 0, &je);
  ck_assert_msg(j != NULL, "%s: %s", p, je.text);
  return j;
}

static char *slurp2(const char *dir, const char *name)
{
  char p[4400];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  char *s = (char *)rs_t_slurp(p, NULL);
  ck_assert_msg(s != NULL, "cannot read %s", p);
  return s;
}

/* The folder's manifest checks with sha256sum -c from inside it, names every
 * report file, and tool.binary is this redsleuth as sha256sum and readelf see it. */
START_TEST(manifest_and_binary)
{
  const char *img = rs_t_scenario_raw("w2k-cr2-used");
  const char *out = outdir("manifest");
  struct res r = run("scan --allow-evidence-dir --out-dir '%s' '%s'", out, img);
  ck_assert_int_eq(r.rc, 10);
  char cmd[8400], *o = NULL;
  snprintf(cmd, sizeof cmd, "cd '%s' && sha256sum -c manifest.sha256", out);
  ck_assert_int_eq(rs_t_run(cmd, &o), 0);
  static const char *const files[] = {"report.txt", "report.json", "timeline.jsonl",
                                      "timeline.body", "report.html"};
  for (size_t i = 0; i < 5; i++) {
    char want[64];
    snprintf(want, sizeof want, "%s: OK\n", files[i]);
    ck_assert_msg(strstr(o, want) != NULL, "no '%s' in:\n%s", want, o);
  }
  ck_assert_int_eq(lines(o), 5);
  free(o);
  /* a changed byte is caught */
  snprintf(cmd, sizeof cmd, "cd '%s' && printf x >> report.txt && sha256sum -c --quiet manifest.sha256 "
           ">/dev/null 2>&1", out);
  ck_assert_int_ne(rs_t_run(cmd, NULL), 0);

  json_t *rep = load_json(out, "report.json");
  const json_t *bin = json_object_get(json_object_get(rep, "tool"), "binary");
  char sha[65];
  rs_t_sha256_file(BIN, sha);
  ck_assert_str_eq(json_string_value(json_object_get(bin, "sha256")), sha);
  char real[4096];
  ck_assert_ptr_nonnull(realpath(BIN, real));
  ck_assert_str_eq(json_string_value(json_object_get(bin, "path")), real);
  const char *bid = json_string_value(json_object_get(bin, "build_id"));
  ck_assert_ptr_nonnull(bid);
  if (rs_t_have("readelf")) {
    snprintf(cmd, sizeof cmd, "readelf -n '%s' | awk '/Build ID:/{print $3}'", BIN);
    o = NULL;
    rs_t_run(cmd, &o);
    ck_assert_msg(o && strncmp(o, bid, strlen(bid)) == 0 && o[strlen(bid)] == '\n',
                  "readelf says %s, report %s", o ? o : "", bid);
    free(o);
  }
  char *txt = slurp2(out, "report.txt"), *html = slurp2(out, "report.html");
  ck_assert_ptr_nonnull(strstr(txt, sha));
  ck_assert_ptr_nonnull(strstr(html, bid));
  free(txt);
  free(html);
  json_decref(rep);
  res_free(&r);
}
END_TEST

/* Custody fields in the JSON (run.*), the text and the HTML header, escaped. */
START_TEST(custody_fields)
{
  const char *img = rs_t_scenario_raw("w2k-clean");
  const char *out = outdir("custody");
  struct res r = run("scan --no-hash --allow-evidence-dir --case 'C-13' --examiner 'A. Exam' "
                     "--evidence-id 'EX-<7>' --organization 'Lab & Co' --notes \"$(printf "
                     "'bag 7\\033[2J')\" --out-dir '%s' '%s'", out, img);
  ck_assert_int_eq(r.rc, 0);
  json_t *rep = load_json(out, "report.json");
  const json_t *run_ = json_object_get(rep, "run");
  ck_assert_str_eq(json_string_value(json_object_get(run_, "evidence_id")), "EX-<7>");
  ck_assert_str_eq(json_string_value(json_object_get(run_, "organization")), "Lab & Co");
  ck_assert_str_eq(json_string_value(json_object_get(run_, "notes")), "bag 7\x1b[2J");
  ck_assert_str_eq(json_string_value(json_object_get(run_, "case")), "C-13");
  char *txt = slurp2(out, "report.txt"), *html = slurp2(out, "report.html");
  ck_assert_ptr_nonnull(strstr(txt, "Evidence ID    EX-<7>\n"));
  ck_assert_ptr_nonnull(strstr(txt, "Organization   Lab & Co\n"));
  ck_assert_msg(strstr(txt, "Notes          bag 7\\x1b[2J\n") && !strchr(txt, 0x1b),
                "notes not escaped in the text report");
  ck_assert_ptr_nonnull(strstr(html, "<th>Evidence ID</th><td>EX-&lt;7&gt;</td>"));
  ck_assert_ptr_nonnull(strstr(html, "<th>Organization</th><td>Lab &amp; Co</td>"));
  ck_assert(!strchr(html, 0x1b));
  free(txt);
  free(html);
  json_decref(rep);
  res_free(&r);
  /* info records them too */
  r = run("info --json --evidence-id E-1 --organization O --notes N '%s'", img);
  ck_assert_int_eq(r.rc, 0);
  json_t *j = json_loads(r.out, 0, NULL);
  ck_assert_ptr_nonnull(j);
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "run"), "evidence_id")),
                   "E-1");
  json_decref(j);
  res_free(&r);
}
END_TEST

START_TEST(expect_hash)
{
  const char *img = rs_t_scenario_raw("w2k-clean");
  char sha[65];
  rs_t_sha256_file(img, sha);
  ck_assert_uint_eq(strlen(sha), 64);
  /* match (upper case accepted): verification match, exit 0 */
  char up[65];
  for (int i = 0; i < 65; i++)
    up[i] = (char)(sha[i] >= 'a' && sha[i] <= 'f' ? sha[i] - 32 : sha[i]);
  struct res r = run("scan --json --expect-hash sha256:%s '%s'", up, img);
  ck_assert_int_eq(r.rc, 0);
  json_t *j = json_loads(r.out, 0, NULL);
  const json_t *ev = json_object_get(j, "evidence");
  ck_assert_str_eq(json_string_value(json_object_get(ev, "verification")), "match");
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(ev, "expected_hash"), "value")),
                   sha);
  ck_assert_int_eq(json_array_size(json_object_get(j, "warnings")), 0);
  /* mismatch: one changed digit of the md5 */
  char md5[40];
  snprintf(md5, sizeof md5, "%s",
           json_string_value(json_object_get(json_object_get(ev, "hashes"), "md5")));
  json_decref(j);
  res_free(&r);
  md5[0] = md5[0] == '0' ? '1' : '0';
  const char *out = outdir("mismatch");
  r = run("scan --allow-evidence-dir --expect-hash md5:%s --out-dir '%s' '%s'", md5, out, img);
  ck_assert_int_eq(r.rc, 11);
  ck_assert_int_eq(lines(r.err), 1);
  ck_assert_msg(strncmp(r.err, "redsleuth: incomplete: ", 23) == 0 && strstr(r.err, "mismatch") &&
                    strstr(r.err, "verdict clean"),
                "stderr: %s", r.err);
  ck_assert_msg(strncmp(r.out, "!!! EXPECTED HASH MISMATCH", 26) == 0, "summary: %.80s", r.out);
  char *txt = slurp2(out, "report.txt"), *html = slurp2(out, "report.html"),
       *body = slurp2(out, "timeline.body"), *jl = slurp2(out, "timeline.jsonl");
  ck_assert_msg(strncmp(txt, "!!! EXPECTED HASH MISMATCH", 26) == 0, "text: %.80s", txt);
  ck_assert_ptr_nonnull(strstr(txt, md5));
  ck_assert_ptr_nonnull(strstr(html, "id=\"hash-mismatch\">EXPECTED HASH MISMATCH"));
  ck_assert_msg(strncmp(body, "0|!!! EXPECTED HASH MISMATCH", 28) == 0, "body: %.80s", body);
  ck_assert_ptr_nonnull(strstr(jl, "EXPECTED HASH MISMATCH"));
  json_t *rep = load_json(out, "report.json");
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rep, "evidence"),
                                                     "verification")), "mismatch");
  ck_assert(strncmp(json_string_value(json_array_get(json_object_get(rep, "warnings"), 0)),
                    "EXPECTED HASH MISMATCH", 22) == 0);
  json_decref(rep);
  free(txt);
  free(html);
  free(body);
  free(jl);
  res_free(&r);
  /* bad syntax and --no-hash: usage errors, one line each */
  static const char *const bad[] = {"sha256:xyz", "sha512:00", "md5", "md5:0123",
                                    "sha1:zz23456789012345678901234567890123456789"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    r = run("scan --expect-hash '%s' '%s'", bad[i], img);
    ck_assert_int_eq(r.rc, 2);
    ck_assert_int_eq(lines(r.err), 1);
    ck_assert_msg(strstr(r.err, "RS_E_USAGE: --expect-hash") && strstr(r.err, "ALGO:HEX"),
                  "%s: %s", bad[i], r.err);
    res_free(&r);
  }
  r = run("scan --no-hash --expect-hash sha256:%s '%s'", sha, img);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_int_eq(lines(r.err), 1);
  ck_assert_ptr_nonnull(strstr(r.err, "--no-hash"));
  ck_assert_str_eq(r.out, "");
  res_free(&r);
}
END_TEST

/* A folder that holds anything is refused; --force clears an earlier run's
 * outputs before the scan and leaves (and names) anything else. */
START_TEST(outdir_nonempty_and_force)
{
  const char *img = rs_t_scenario_raw("w2k-clean");
  const char *out = outdir("force");
  char cmd[8400];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s' && echo mine > '%s/notes.txt' && "
           "echo old > '%s/timeline-full.body' && echo old > '%s/report.txt'", out, out, out, out);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  struct res r = run("scan --no-hash --allow-evidence-dir --out-dir '%s' '%s'", out, img);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_int_eq(lines(r.err), 1);
  ck_assert_msg(strstr(r.err, "redsleuth: error: RS_E_USAGE: ") && strstr(r.err, "not empty") &&
                    strstr(r.err, "--force"), "%s", r.err);
  char *t = slurp2(out, "report.txt");
  ck_assert_str_eq(t, "old\n"); /* nothing touched */
  free(t);
  res_free(&r);
  r = run("scan --no-hash --allow-evidence-dir --force --out-dir '%s' '%s'", out, img);
  ck_assert_int_eq(r.rc, 0);
  char p[4400];
  struct stat st;
  snprintf(p, sizeof p, "%s/timeline-full.body", out);
  ck_assert_msg(stat(p, &st) != 0, "an earlier run's timeline-full.body survived --force");
  t = slurp2(out, "notes.txt");
  ck_assert_str_eq(t, "mine\n");
  free(t);
  char *m = slurp2(out, "manifest.sha256");
  ck_assert_ptr_null(strstr(m, "notes.txt"));
  ck_assert_ptr_nonnull(strstr(m, "  report.txt\n"));
  free(m);
  ck_assert_ptr_nonnull(strstr(r.out, "Not from this run"));
  ck_assert_ptr_nonnull(strstr(r.out, "notes.txt"));
  res_free(&r);
}
END_TEST

/* With --out-dir, stdout is a summary of at most 40 lines: the verdict (as
 * report.json has it), its reasons, where the files are; the exit-10 line. */
START_TEST(summary_and_exit10_line)
{
  const char *img = rs_t_scenario_raw("w2k-cr2-used");
  const char *out = outdir("summary");
  struct res r = run("scan --allow-evidence-dir --out-dir '%s' '%s'", out, img);
  ck_assert_int_eq(r.rc, 10);
  ck_assert_msg(lines(r.out) <= 40 && lines(r.out) >= 8, "%d lines:\n%s", lines(r.out), r.out);
  json_t *rep = load_json(out, "report.json");
  const json_t *v = json_object_get(rep, "verdict");
  char want[128];
  snprintf(want, sizeof want, "VERDICT: %s\n", json_string_value(json_object_get(v, "status")));
  for (char *q = want + 9; *q; q++)
    if (*q >= 'a' && *q <= 'z')
      *q = (char)(*q - 32);
  ck_assert_msg(strstr(r.out, want) != NULL, "no '%s' in:\n%s", want, r.out);
  const char *first = json_string_value(json_array_get(json_object_get(v, "reasons"), 0));
  ck_assert_ptr_nonnull(first);
  ck_assert_ptr_nonnull(strstr(r.out, first));
  ck_assert_ptr_nonnull(strstr(r.out, "Key events"));
  ck_assert_ptr_nonnull(strstr(r.out, out));
  ck_assert_ptr_nonnull(strstr(r.out, "manifest.sha256"));
  /* not the whole report */
  char *txt = slurp2(out, "report.txt");
  ck_assert(strlen(r.out) < strlen(txt) / 4);
  free(txt);
  /* exit 10: a result, not an error */
  snprintf(want, sizeof want, "redsleuth: indicators: %s: verdict %s\n", img,
           json_string_value(json_object_get(v, "status")));
  ck_assert_str_eq(r.err, want);
  json_decref(rep);
  res_free(&r);
  /* without --out-dir, stdout is the whole text report, as before */
  r = run("scan --no-hash '%s'", img);
  ck_assert_int_eq(r.rc, 10);
  ck_assert(lines(r.out) > 100);
  res_free(&r);
}
END_TEST

/* --batch: one stderr line on every non-zero exit; 10 when an image has
 * indicators, 11 (outranking 10) when one could not be analysed. */
START_TEST(batch_exit)
{
  /* both scenarios unpack to disk.raw: the clean one is moved aside first */
  static char clean[4200], used[4200];
  char cmd[9000];
  snprintf(clean, sizeof clean, "%s/clean.raw", rs_t_tmpdir());
  snprintf(cmd, sizeof cmd, "mv '%s' '%s'", rs_t_scenario_raw("w2k-clean"), clean);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  snprintf(used, sizeof used, "%s/used.raw", rs_t_tmpdir());
  snprintf(cmd, sizeof cmd, "mv '%s' '%s'", rs_t_scenario_raw("w2k-cr2-used"), used);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  struct res r = run("scan --no-hash --allow-evidence-dir -j 2 --out-dir '%s' '%s'", outdir("b1"), clean);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_str_eq(r.err, "");
  res_free(&r);
  r = run("scan --no-hash --allow-evidence-dir -j 2 --out-dir '%s' '%s' '%s'", outdir("b2"), clean, used);
  ck_assert_int_eq(r.rc, 10);
  ck_assert_int_eq(lines(r.err), 1);
  ck_assert_msg(strncmp(r.err, "redsleuth: indicators: ", 23) == 0 && strstr(r.err, "1 of 2") &&
                    strstr(r.err, used), "%s", r.err);
  ck_assert_int_eq(lines(r.out), 2); /* the JSONL lines */
  res_free(&r);
  char missing[4200];
  snprintf(missing, sizeof missing, "%s/no-such.raw", rs_t_tmpdir());
  r = run("scan --no-hash --allow-evidence-dir -j 2 --out-dir '%s' '%s' '%s' '%s'", outdir("b3"), clean, used, missing);
  ck_assert_int_eq(r.rc, 11);
  ck_assert_int_eq(lines(r.err), 1);
  ck_assert_msg(strncmp(r.err, "redsleuth: incomplete: ", 23) == 0 && strstr(r.err, "1 of 3") &&
                    strstr(r.err, "no-such.raw") && strstr(r.err, "1 with indicators"),
                "%s", r.err);
  res_free(&r);
  /* a used batch folder is refused */
  r = run("scan --no-hash --allow-evidence-dir -j 2 --out-dir '%s' '%s'", outdir("b1"), clean);
  ck_assert_int_eq(r.rc, 2);
  ck_assert_int_eq(lines(r.err), 1);
  ck_assert_ptr_nonnull(strstr(r.err, "not empty"));
  res_free(&r);
  r = run("scan --no-hash --allow-evidence-dir -j 2 --force --out-dir '%s' '%s'", outdir("b1"), clean);
  ck_assert_int_eq(r.rc, 0);
  res_free(&r);
}
END_TEST

/* head -c 1000 of an E01: info and scan say it is a truncated EWF, where it
 * ends and in which section; never "the media is empty". */
START_TEST(e01_1000_bytes)
{
  const char *src = rs_t_src("fixtures/out/w2k-cr2-infected/disk.E01");
  struct stat st;
  RS_T_SKIP_IF(stat(src, &st) != 0, "fixture disk.E01 absent");
  char p[4200], cmd[8800];
  snprintf(p, sizeof p, "%s/cut1000.E01", rs_t_tmpdir());
  snprintf(cmd, sizeof cmd, "head -c 1000 '%s' > '%s'", src, p);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  static const char *const cmds[] = {"info", "scan", "scan --json"};
  for (size_t i = 0; i < 3; i++) {
    struct res r = run("%s '%s'", cmds[i], p);
    ck_assert_int_eq(r.rc, 3);
    ck_assert_int_eq(lines(r.err), 1);
    ck_assert_msg(strstr(r.err, "redsleuth: error: RS_E_TRUNCATED: ") && strstr(r.err, "cut1000.E01") &&
                      strstr(r.err, "truncated EWF") && strstr(r.err, "ends at byte 1000") &&
                      strstr(r.err, "'volume' section") && !strstr(r.err, "empty"),
                  "%s: %s", cmds[i], r.err);
    res_free(&r);
  }
  /* 13 bytes: the file header only */
  snprintf(cmd, sizeof cmd, "head -c 13 '%s' > '%s'", src, p);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  struct res r = run("info '%s'", p);
  ck_assert_int_eq(r.rc, 3);
  ck_assert_msg(strstr(r.err, "truncated EWF") && strstr(r.err, "before its first section") &&
                    !strstr(r.err, "empty"), "%s", r.err);
  res_free(&r);
}
END_TEST

/* The options table drives --help and the man page: the new options are in both. */
START_TEST(help_lists_new_options)
{
  struct res h = run("--help"), m = run("--help-man");
  static const char *const opts[] = {"evidence-id", "organization", "notes", "expect-hash",
                                     "force"};
  for (size_t i = 0; i < 5; i++) {
    char want[64];
    snprintf(want, sizeof want, "--%s", opts[i]);
    ck_assert_msg(strstr(h.out, want) != NULL, "--help lacks %s", want);
    /* the man page writes every '-' as \- */
    size_t w = (size_t)snprintf(want, sizeof want, "\\-\\-");
    for (const char *q = opts[i]; *q && w + 3 < sizeof want; q++) {
      if (*q == '-')
        want[w++] = '\\';
      want[w++] = *q;
    }
    want[w] = '\0';
    ck_assert_msg(strstr(m.out, want) != NULL, "man page lacks %s", want);
  }
  ck_assert_ptr_nonnull(strstr(m.out, "redsleuth: indicators:"));
  res_free(&h);
  res_free(&m);
}
END_TEST

Suite *rs_suite_seal(void)
{
  Suite *s = suite_create("seal");
  TCase *tc = tcase_create("seal");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, manifest_and_binary);
  tcase_add_test(tc, custody_fields);
  tcase_add_test(tc, expect_hash);
  tcase_add_test(tc, outdir_nonempty_and_force);
  tcase_add_test(tc, summary_and_exit10_line);
  tcase_add_test(tc, batch_exit);
  tcase_add_test(tc, e01_1000_bytes);
  tcase_add_test(tc, help_lists_new_options);
  suite_add_tcase(s, tc);
  return s;
}
