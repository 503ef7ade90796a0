/* The real report, end to end: a fixture scanned in-process, every writer's
 * output compared byte for byte with a golden file (what depends on the
 * machine masked: tool.libraries.*, run.*, the temporary evidence path),
 * every field of the report contract checked for presence and type on every
 * fixture scenario, the Timesketch fields of each JSONL line, mactime on the
 * real body file, determinism across two scans, and the HTML rendered by
 * headless Chromium.
 * Golden files: RS_UPDATE_GOLDEN=1 rewrites them instead of comparing. */
#include <stdio.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <check.h>
#include <jansson.h>
#include <libewf.h>
#include <openssl/crypto.h>
#include <tsk/libtsk.h>

#include "redsleuth/scan.h"
#include "redsleuth/writer.h"
#include "report/report.h"
#include "testutil.h"

#define GOLDEN_SCEN "w2k-cr2-used"

/* ------------------------------------------------------------- helpers */

static const char *unpack_scenario(const char *s)
{
  char rel[256];
  snprintf(rel, sizeof rel, "fixtures/out/%s/disk.raw.xz", s);
  const char *src = rs_t_src(rel);
  struct stat st;
  if (stat(src, &st) != 0)
    return NULL;
  /* One unpacked copy per scenario and test process. */
  static char done[16][128];
  static char paths[16][600];
  for (int i = 0; i < 16; i++)
    if (strcmp(done[i], s) == 0)
      return paths[i];
  const char *p = rs_t_unpack(src, NULL);
  ck_assert_msg(p != NULL, "cannot unpack %s", src);
  /* every scenario unpacks to ".../disk.raw": give each its own name, or the
   * next unpack (same process under CK_FORK=no) would overwrite this one */
  for (int i = 0; i < 16; i++)
    if (!done[i][0]) {
      snprintf(paths[i], sizeof paths[i], "%s/scen-%s.raw", rs_t_tmpdir(), s);
      ck_assert_msg(rename(p, paths[i]) == 0, "cannot rename %s", p);
      snprintf(done[i], sizeof done[i], "%s", s);
      return paths[i];
    }
  return p;
}

static json_t *scan_path(const char *path, bool no_hash)
{
  struct rs_run_opts o;
  rs_run_opts_init(&o);
  const char *segs[1] = {path};
  o.segs = segs;
  o.nseg = 1;
  o.no_hash = no_hash;
  json_t *rep = NULL;
  struct rs_diag d;
  enum rs_err e = rs_scan(&o, &rep, &d);
  ck_assert_msg(e == RS_OK, "scan %s: %s", path, d.what);
  ck_assert_ptr_nonnull(rep);
  return rep;
}

/* What a report says about the run environment rather than the evidence:
 * the versions of the libraries this build links (a point release of any of
 * them changes the string), the run (the clock, the command line with its
 * temporary paths, the case and examiner) and the temporary path the image
 * was unpacked to. The goldens hold these placeholders; the report itself
 * keeps the real values (report_keeps_real_env checks that). A member this
 * does not know fails the test: decide whether it depends on the machine. */
#define ENV_MASK "(masked)"

static void normalise_env(json_t *rep)
{
  json_t *tool = json_object_get(rep, "tool");
  ck_assert(json_is_object(tool));
  const char *k;
  json_t *v;
  json_object_foreach(tool, k, v)
    ck_assert_msg(strcmp(k, "name") == 0 || strcmp(k, "version") == 0 ||
                      strcmp(k, "libraries") == 0 || strcmp(k, "binary") == 0,
                  "tool.%s: a new field; say in normalise_env whether it depends on the machine",
                  k);
  json_t *libs = json_object_get(tool, "libraries");
  ck_assert(json_is_object(libs) && json_object_size(libs) > 0);
  json_object_foreach(libs, k, v) {
    /* the library is named with a version before it is masked */
    ck_assert_msg(json_is_string(v) && json_string_length(v) > 0, "tool.libraries.%s", k);
    json_object_set_new(libs, k, json_string(ENV_MASK));
  }
  /* the executable that ran (here the test binary): path, hash and build id
   * are the build's, not the evidence's */
  json_t *bin = json_object_get(tool, "binary");
  ck_assert(json_is_object(bin));
  ck_assert_uint_eq(json_object_size(bin), 3);
  static const char *const bin_keys[] = {"path", "sha256", "build_id"};
  for (size_t i = 0; i < 3; i++) {
    ck_assert_msg(json_object_get(bin, bin_keys[i]) != NULL, "tool.binary.%s missing",
                  bin_keys[i]);
    json_object_set_new(bin, bin_keys[i], json_string(ENV_MASK));
  }

  json_t *run = json_object_get(rep, "run");
  ck_assert(json_is_object(run));
  static const char *const run_keys[] = {"command_line", "started_utc", "finished_utc", "case",
                                         "examiner", "evidence_id", "organization", "notes"};
  ck_assert_uint_eq(json_object_size(run), sizeof run_keys / sizeof run_keys[0]);
  for (size_t i = 0; i < sizeof run_keys / sizeof run_keys[0]; i++)
    ck_assert_msg(json_object_get(run, run_keys[i]) != NULL, "run.%s missing", run_keys[i]);
  /* they are there, of their types, before they are masked */
  ck_assert(json_is_string(json_object_get(run, "started_utc")));
  ck_assert(json_is_string(json_object_get(run, "finished_utc")));
  ck_assert(json_is_array(json_object_get(run, "command_line")));
  json_object_set_new(run, "started_utc", json_string("2026-01-01T00:00:00Z"));
  json_object_set_new(run, "finished_utc", json_string("2026-01-01T00:00:01Z"));
  json_object_set_new(run, "command_line",
                      json_pack("[s,s,s,s,s]", "redsleuth", "scan", "--out-dir", "out",
                                "disk.raw"));
  json_object_set_new(run, "case", json_null());
  json_object_set_new(run, "examiner", json_null());
  json_object_set_new(run, "evidence_id", json_null());
  json_object_set_new(run, "organization", json_null());
  json_object_set_new(run, "notes", json_null());

  json_t *segs = json_object_get(json_object_get(rep, "evidence"), "segments");
  ck_assert_uint_eq(json_array_size(segs), 1);
  json_array_set_new(segs, 0, json_string("disk.raw"));
}

/* Another machine, clock and user: every library at another version, another
 * time zone's clock, another command line, case and examiner, a long
 * temporary path. normalise_env must make this the same report again. */
static void perturb_env(json_t *rep)
{
  json_t *libs = json_object_get(json_object_get(rep, "tool"), "libraries");
  const char *k;
  json_t *v;
  json_object_foreach(libs, k, v) {
    char other[128];
    snprintf(other, sizeof other, "%s 99.0.1-other-machine 1 Jan 2099", k);
    json_object_set_new(libs, k, json_string(other));
  }
  json_t *run = json_object_get(rep, "run");
  json_object_set_new(run, "started_utc", json_string("2031-07-04T23:59:58Z"));
  json_object_set_new(run, "finished_utc", json_string("2031-07-05T00:00:09Z"));
  json_object_set_new(run, "command_line",
                      json_pack("[s,s,s]", "/opt/other/bin/redsleuth", "scan",
                                "/very/long/temporary/folder/of/another/machine/disk.raw"));
  json_object_set_new(run, "case", json_string("CASE-2031-7"));
  json_object_set_new(run, "examiner", json_string("Other Examiner"));
  json_object_set_new(run, "evidence_id", json_string("EX-99"));
  json_object_set_new(run, "organization", json_string("Other Lab <&>"));
  json_object_set_new(run, "notes", json_string("seized 2031-07-04\nbag 7"));
  json_object_set_new(json_object_get(json_object_get(rep, "tool"), "binary"), "sha256",
                      json_string("0000000000000000000000000000000000000000000000000000000000000000"));
  json_object_set_new(json_object_get(json_object_get(rep, "tool"), "binary"), "path",
                      json_string("/opt/other/bin/redsleuth"));
  json_object_set_new(json_object_get(json_object_get(rep, "tool"), "binary"), "build_id",
                      json_null());
  json_array_set_new(json_object_get(json_object_get(rep, "evidence"), "segments"), 0,
                     json_string("/very/long/temporary/folder/of/another/machine/disk.raw"));
}

/* The golden scenario's report, normalised; as another machine would have
 * reported it first when other_machine. NULL when the fixture is absent. */
static json_t *golden_report_from(bool other_machine)
{
  const char *img = unpack_scenario(GOLDEN_SCEN);
  if (!img)
    return NULL;
  json_t *rep = scan_path(img, false);
  if (other_machine)
    perturb_env(rep);
  normalise_env(rep);
  return rep;
}

static json_t *golden_report(void)
{
  return golden_report_from(false);
}

static char *write_tmp(const char *name, const char *data, size_t n)
{
  static char path[8][700];
  static int slot;
  char *p = path[slot++ % 8];
  snprintf(p, sizeof path[0], "%s/%s", rs_t_tmpdir(), name);
  FILE *fp = fopen(p, "wb");
  ck_assert_ptr_nonnull(fp);
  ck_assert_uint_eq(fwrite(data, 1, n, fp), n);
  fclose(fp);
  return p;
}

/* ------------------------------------------------------------- goldens */

static const char *const golden_ext[] = {"txt", "json", "jsonl", "body", "html"};

/* Writer w's rendering of r against its golden file (or, when may_update,
 * rewrites the golden under RS_UPDATE_GOLDEN=1). */
static void compare_golden(const json_t *r, int w_index, bool may_update)
{
  const struct rs_writer *w = rs_writers[w_index];
  ck_assert_ptr_nonnull(w);
  size_t n, gn = 0;
  char *out = rs_t_render(w, r, &n);
  /* The golden's name says which writer it belongs to. */
  ck_assert_str_eq(strrchr(w->file_name, '.') + 1, golden_ext[w_index]);
  char rel[128];
  snprintf(rel, sizeof rel, "tests/data/report/" GOLDEN_SCEN ".%s", golden_ext[w_index]);
  const char *path = rs_t_src(rel);
  const char *upd = getenv("RS_UPDATE_GOLDEN");
  if (may_update && upd && strcmp(upd, "1") == 0) {
    FILE *fp = fopen(path, "wb");
    ck_assert_msg(fp != NULL, "cannot write %s", path);
    ck_assert_uint_eq(fwrite(out, 1, n, fp), n);
    fclose(fp);
    fprintf(stderr, "golden %s rewritten\n", path);
  } else {
    unsigned char *g = rs_t_slurp(path, &gn);
    ck_assert_msg(g != NULL, "missing %s (run with RS_UPDATE_GOLDEN=1)", path);
    size_t k = 0;
    while (k < n && k < gn && (unsigned char)out[k] == g[k])
      k++;
    ck_assert_msg(gn == n && k == n, "%s differs from golden %s (%zu vs %zu bytes, first at %zu)",
                  w->name, path, n, gn, k);
    free(g);
  }
  free(out);
}

START_TEST(golden)
{
  json_t *r = golden_report();
  RS_T_SKIP_IF(!r, "fixtures/out/" GOLDEN_SCEN " not generated");
  compare_golden(r, _i, true);
  json_decref(r);
}
END_TEST

/* The goldens hold what the tool decides, not what this machine has: the
 * same scan as another machine would report it (other library versions,
 * clock, command line, case, examiner, temporary path) still matches every
 * golden once normalised. */
START_TEST(golden_other_machine)
{
  json_t *r = golden_report_from(true);
  RS_T_SKIP_IF(!r, "fixtures/out/" GOLDEN_SCEN " not generated");
  compare_golden(r, _i, false);
  json_decref(r);
}
END_TEST

/* Normalising is the test's business: the report keeps this run's real
 * values, the libraries are the ones linked here, and no golden holds them. */
START_TEST(report_keeps_real_env)
{
  const char *img = unpack_scenario(GOLDEN_SCEN);
  RS_T_SKIP_IF(!img, "fixtures/out/" GOLDEN_SCEN " not generated");
  char before[40], after[40];
  rs_now_iso(before);
  json_t *r = scan_path(img, false);
  rs_now_iso(after);
  const json_t *libs = json_object_get(json_object_get(r, "tool"), "libraries");
  const char *here[][2] = {{"libtsk", tsk_version_get_str()},
                           {"libewf", libewf_get_version()},
                           {"jansson", jansson_version_str()},
                           {"openssl", OpenSSL_version(OPENSSL_VERSION)}};
  for (size_t i = 0; i < sizeof here / sizeof here[0]; i++)
    ck_assert_str_eq(json_string_value(json_object_get(libs, here[i][0])), here[i][1]);
  ck_assert(json_is_string(json_object_get(libs, "libregf")));
  /* tool.binary is this executable, as sha256sum sees it */
  const json_t *bin = json_object_get(json_object_get(r, "tool"), "binary");
  char exe[4096], sha[65];
  ssize_t el = readlink("/proc/self/exe", exe, sizeof exe - 1);
  ck_assert(el > 0);
  exe[el] = '\0';
  ck_assert_str_eq(json_string_value(json_object_get(bin, "path")), exe);
  rs_t_sha256_file(exe, sha);
  ck_assert_str_eq(json_string_value(json_object_get(bin, "sha256")), sha);
  const char *bid = json_string_value(json_object_get(bin, "build_id"));
  ck_assert_msg(bid && strlen(bid) >= 16, "no GNU build id in the test binary (-Wl,--build-id)");
  const json_t *run = json_object_get(r, "run");
  const char *st = json_string_value(json_object_get(run, "started_utc"));
  const char *fin = json_string_value(json_object_get(run, "finished_utc"));
  /* ISO 8601 UTC strings of one width compare as instants */
  ck_assert_msg(st && strcmp(before, st) <= 0 && strcmp(st, fin) <= 0 && strcmp(fin, after) <= 0,
                "run times %s..%s outside %s..%s", st, fin, before, after);
  const char *seg = json_string_value(json_array_get(
      json_object_get(json_object_get(r, "evidence"), "segments"), 0));
  ck_assert_str_eq(seg, img);
  for (size_t e = 0; e < sizeof golden_ext / sizeof golden_ext[0]; e++) {
    char rel[128];
    snprintf(rel, sizeof rel, "tests/data/report/" GOLDEN_SCEN ".%s", golden_ext[e]);
    unsigned char *g = rs_t_slurp(rs_t_src(rel), NULL);
    ck_assert_msg(g != NULL, "missing %s", rel);
    ck_assert_msg(!strstr((char *)g, OpenSSL_version(OPENSSL_VERSION)) &&
                      !strstr((char *)g, "/rs-test-") && !strstr((char *)g, sha) &&
                      !strstr((char *)g, bid),
                  "%s holds a value of this machine", rel);
    free(g);
  }
  json_decref(r);
}
END_TEST

/* The golden JSON is the report itself: it parses back to an equal object, so
 * the other goldens are renderings of exactly this document. */
START_TEST(golden_json_roundtrip)
{
  json_t *r = golden_report();
  RS_T_SKIP_IF(!r, "fixtures/out/" GOLDEN_SCEN " not generated");
  json_error_t je;
  json_t *g = json_load_file(rs_t_src("tests/data/report/" GOLDEN_SCEN ".json"), 0, &je);
  ck_assert_msg(g != NULL, "golden json: %s", je.text);
  ck_assert(json_equal(g, r));
  json_decref(g);
  json_decref(r);
}
END_TEST

/* ------------------------------------------------- contract, field by field */

/* Type letters: s string, S string|null, t time, T time|null, i integer,
 * I integer|null, b bool, B bool|null, o object, O object|null, a array.
 * A path step "[]" visits every element; "*" every member of an object. A
 * null parent (allowed by its own row) skips its children. */
struct field_rule {
  const char *path;
  char type;
};

static const struct field_rule contract[] = {
  {"schema", 's'},
  {"tool", 'o'}, {"tool.name", 's'}, {"tool.version", 's'}, {"tool.libraries", 'o'},
  {"tool.libraries.libtsk", 's'}, {"tool.libraries.libregf", 's'}, {"tool.libraries.libewf", 's'},
  {"run", 'o'}, {"run.command_line", 'a'}, {"run.command_line.[]", 's'},
  {"tool.binary", 'o'}, {"tool.binary.path", 'S'}, {"tool.binary.sha256", 'S'},
  {"tool.binary.build_id", 'S'},
  {"run.started_utc", 't'}, {"run.finished_utc", 't'}, {"run.case", 'S'}, {"run.examiner", 'S'},
  {"run.evidence_id", 'S'}, {"run.organization", 'S'}, {"run.notes", 'S'},
  {"evidence", 'o'}, {"evidence.segments", 'a'}, {"evidence.segments.[]", 's'},
  {"evidence.format", 's'}, {"evidence.media_size", 'i'},
  {"evidence.hashes", 'O'}, {"evidence.hashes.md5", 's'}, {"evidence.hashes.sha1", 's'},
  {"evidence.hashes.sha256", 's'},
  {"evidence.stored_hashes", 'O'}, {"evidence.stored_hashes.md5", 'S'},
  {"evidence.stored_hashes.sha1", 'S'},
  {"evidence.verification", 's'}, {"evidence.acquisition", 'O'},
  {"evidence.expected_hash", 'O'}, {"evidence.expected_hash.algorithm", 's'},
  {"evidence.expected_hash.value", 's'},
  {"volumes", 'a'}, {"volumes.[].index", 'i'}, {"volumes.[].start_sector", 'i'},
  {"volumes.[].sectors", 'i'}, {"volumes.[].fs_type", 's'}, {"volumes.[].label", 'S'},
  {"volumes.[].drive", 'S'}, {"volumes.[].windows_root", 'S'},
  {"system", 'o'}, {"system.os", 'o'}, {"system.os.product", 'S'}, {"system.os.version", 'S'},
  {"system.os.build", 'S'}, {"system.os.service_pack", 'S'}, {"system.os.sp6a", 'B'},
  {"system.current_control_set", 'S'},
  {"system.hotfixes", 'o'}, {"system.hotfixes.*.present", 'b'},
  {"system.hotfixes.*.key", 'S'}, {"system.hotfixes.*.last_written_utc", 'T'},
  {"system.script_maps", 'o'}, {"system.script_maps.ida", 'B'}, {"system.script_maps.idq", 'B'},
  {"system.script_maps.source", 'S'},
  {"system.virtual_roots", 'o'}, {"system.virtual_roots./C", 'S'}, {"system.virtual_roots./D", 'S'},
  {"system.virtual_roots./Scripts", 'S'}, {"system.virtual_roots./MSADC", 'S'},
  {"system.sfcdisable", 'S'},
  {"system.idq_dll", 'a'}, {"system.idq_dll.[].volume", 'i'}, {"system.idq_dll.[].path", 's'},
  {"system.idq_dll.[].file_version", 'S'}, {"system.idq_dll.[].size", 'i'},
  {"system.idq_dll.[].sha256", 'S'}, {"system.idq_dll.[].pe_timestamp_utc", 'T'},
  {"system.idq_dll.[].role", 's'}, {"system.idq_dll.[].patched", 'B'},
  {"logs", 'o'}, {"logs.files", 'a'}, {"logs.files.[].path", 's'}, {"logs.files.[].format", 's'},
  {"logs.files.[].lines", 'i'}, {"logs.files.[].parsed", 'i'}, {"logs.files.[].unparsed", 'i'},
  {"logs.files.[].first_utc", 'T'}, {"logs.files.[].last_utc", 'T'},
  {"logs.hits", 'o'}, {"logs.hits.code_red_1", 'i'}, {"logs.hits.code_red_2", 'i'},
  {"logs.hits.code_red_unknown", 'i'}, {"logs.hits.nimda", 'i'}, {"logs.hits.root_exe_other", 'i'},
  {"logs.attackers", 'a'}, {"logs.attackers.[].ip", 's'}, {"logs.attackers.[].hits", 'i'},
  {"logs.attackers.[].first_utc", 't'}, {"logs.attackers.[].last_utc", 't'},
  {"logs.attackers.[].families", 'a'}, {"logs.attackers.[].families.[]", 's'},
  {"logs.backdoor_use", 'a'}, {"logs.backdoor_use.[].utc", 't'}, {"logs.backdoor_use.[].ip", 's'},
  {"logs.backdoor_use.[].request", 's'}, {"logs.backdoor_use.[].status", 'i'},
  {"logs.backdoor_use.[].file", 's'}, {"logs.backdoor_use.[].line", 'i'},
  {"findings", 'a'}, {"findings.[].id", 's'}, {"findings.[].family", 's'},
  {"findings.[].kind", 's'}, {"findings.[].severity", 's'}, {"findings.[].title", 's'},
  {"findings.[].volume", 'I'}, {"findings.[].path", 'S'}, {"findings.[].allocated", 'B'},
  {"findings.[].mft_entry", 'I'}, {"findings.[].size", 'I'}, {"findings.[].md5", 'S'},
  {"findings.[].sha256", 'S'}, {"findings.[].times", 'O'},
  {"findings.[].times.si_created_utc", 'T'}, {"findings.[].times.si_modified_utc", 'T'},
  {"findings.[].times.si_accessed_utc", 'T'}, {"findings.[].times.si_mft_modified_utc", 'T'},
  {"findings.[].times.fn_created_utc", 'T'}, {"findings.[].times.fn_modified_utc", 'T'},
  {"findings.[].times.fn_accessed_utc", 'T'}, {"findings.[].times.fn_mft_modified_utc", 'T'},
  {"findings.[].details", 'O'}, {"findings.[].ref", 'S'},
  {"verdict", 'o'}, {"verdict.status", 's'}, {"verdict.reasons", 'a'}, {"verdict.reasons.[]", 's'},
  {"verdict.summary", 's'}, {"verdict.cleanup", 'a'}, {"verdict.cleanup.[].status", 's'},
  {"verdict.cleanup.[].findings", 'a'}, {"verdict.cleanup.[].findings.[]", 's'},
  {"unreadable", 'a'}, {"unreadable.[].what", 's'}, {"unreadable.[].where", 's'},
  {"unreadable.[].reason", 's'},
  {"timeline", 'a'}, {"timeline.[].datetime", 't'}, {"timeline.[].timestamp_desc", 's'},
  {"timeline.[].source", 's'}, {"timeline.[].message", 's'}, {"timeline.[].finding", 'S'},
};

static regex_t time_re;
static bool time_re_ok;

static bool is_time(const json_t *v)
{
  if (!time_re_ok) {
    ck_assert_int_eq(regcomp(&time_re,
                             "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                             "(\\.[0-9]{1,9})?Z$",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    time_re_ok = true;
  }
  return json_is_string(v) && regexec(&time_re, json_string_value(v), 0, NULL, 0) == 0;
}

static bool type_ok(char t, const json_t *v)
{
  switch (t) {
  case 's': return json_is_string(v);
  case 'S': return json_is_string(v) || json_is_null(v);
  case 't': return is_time(v);
  case 'T': return is_time(v) || json_is_null(v);
  case 'i': return json_is_integer(v);
  case 'I': return json_is_integer(v) || json_is_null(v);
  case 'b': return json_is_boolean(v);
  case 'B': return json_is_boolean(v) || json_is_null(v);
  case 'o': return json_is_object(v);
  case 'O': return json_is_object(v) || json_is_null(v);
  case 'a': return json_is_array(v);
  }
  return false;
}

/* Walks path (dot-separated steps) from v; checks the last step's type at
 * every place it reaches. Returns how many values were checked. */
static int check_path(const json_t *v, const char *path, char type, const char *full,
                      const char *scen)
{
  if (json_is_null(v))
    return 0; /* a nullable parent: its own row checked it */
  const char *dot = strchr(path, '.');
  /* "/C" etc. contain no dots, so a plain split is enough */
  char step[64];
  size_t sl = dot ? (size_t)(dot - path) : strlen(path);
  ck_assert_uint_lt(sl, sizeof step);
  memcpy(step, path, sl);
  step[sl] = '\0';
  int n = 0;
  if (strcmp(step, "[]") == 0) {
    ck_assert_msg(json_is_array(v), "%s: %s: not an array before []", scen, full);
    size_t i;
    const json_t *e;
    json_array_foreach(v, i, e) {
      if (dot)
        n += check_path(e, dot + 1, type, full, scen);
      else {
        ck_assert_msg(type_ok(type, e), "%s: %s[%zu] has the wrong type (want %c)", scen, full,
                      i, type);
        n++;
      }
    }
    return n;
  }
  if (strcmp(step, "*") == 0) {
    ck_assert_msg(json_is_object(v), "%s: %s: not an object before *", scen, full);
    const char *k;
    const json_t *e;
    json_object_foreach((json_t *)v, k, e) {
      if (dot)
        n += check_path(e, dot + 1, type, full, scen);
      else {
        ck_assert_msg(type_ok(type, e), "%s: %s (%s) has the wrong type", scen, full, k);
        n++;
      }
    }
    return n;
  }
  ck_assert_msg(json_is_object(v), "%s: %s: parent of %s is not an object", scen, full, step);
  const json_t *c = json_object_get(v, step);
  ck_assert_msg(c != NULL, "%s: contract field %s is missing", scen, full);
  if (dot)
    return check_path(c, dot + 1, type, full, scen);
  ck_assert_msg(type_ok(type, c), "%s: %s has the wrong type (want %c)", scen, full, type);
  return 1;
}

static bool in_list(const char *s, const char *const *list)
{
  for (; s && *list; list++)
    if (strcmp(s, *list) == 0)
      return true;
  return false;
}

static bool finding_exists(const json_t *rep, const char *id)
{
  size_t i;
  const json_t *f;
  json_array_foreach(json_object_get(rep, "findings"), i, f)
    if (id && strcmp(json_string_value(json_object_get(f, "id")), id) == 0)
      return true;
  return false;
}

/* The contract's closed value lists; "metabase" is the one finding kind the
 * driver adds beyond them (docs/formats.md says so). */
static const char *const formats_ok[] = {"raw", "split-raw", "ewf", NULL};
static const char *const fs_ok[] = {"ntfs", "fat12", "fat16", "fat32", "other", "none", NULL};
static const char *const kinds_ok[] = {"file", "registry", "log", "pe", "unreadable", "metabase",
                                       NULL};
static const char *const verif_ok[] = {"match", "mismatch", "not-stored", "not-checked", NULL};
static const char *const status_ok[] = {"backdoor-used", "infected", "cleaned", "vulnerable",
                                        "mitigated", "patched", "clean", "undetermined", NULL};
static const char *const cl_ok[] = {"pass", "fail", "unknown", NULL};
static const char *const logfmt_ok[] = {"w3c", "iis", "ncsa", NULL};
static const char *const source_ok[] = {"mft",      "fat", "registry", "iislog",  "pe",
                                        "ewf",      "evt", "drwatson", "urlscan", "carved", NULL};

static void check_contract(const json_t *rep, const char *scen)
{
  for (size_t i = 0; i < sizeof contract / sizeof contract[0]; i++)
    check_path(rep, contract[i].path, contract[i].type, contract[i].path, scen);
  ck_assert_str_eq(json_string_value(json_object_get(rep, "schema")), "redsleuth-report/1");
  const json_t *ev = json_object_get(rep, "evidence");
  ck_assert_msg(in_list(json_string_value(json_object_get(ev, "format")), formats_ok), "%s", scen);
  ck_assert(in_list(json_string_value(json_object_get(ev, "verification")), verif_ok));
  size_t i;
  const json_t *x;
  json_array_foreach(json_object_get(rep, "volumes"), i, x) {
    ck_assert_msg(in_list(json_string_value(json_object_get(x, "fs_type")), fs_ok), "%s", scen);
    ck_assert_int_eq(json_integer_value(json_object_get(x, "index")), (json_int_t)i);
  }
  json_array_foreach(json_object_get(rep, "findings"), i, x) {
    const char *kind = json_string_value(json_object_get(x, "kind"));
    ck_assert_msg(in_list(kind, kinds_ok), "%s: finding kind %s", scen, kind);
    /* allocated is a bool for files (the contract's "allocated (bool, files)") */
    if (strcmp(kind, "file") == 0)
      ck_assert_msg(json_is_boolean(json_object_get(x, "allocated")), "%s: file finding %zu", scen, i);
    const char *p = json_string_value(json_object_get(x, "path"));
    /* Windows form with a drive letter when the finding is a file on a lettered volume */
    if (p && (strcmp(kind, "file") == 0 || strcmp(kind, "pe") == 0) &&
        json_is_string(json_object_get(x, "drive")))
      ck_assert_msg(p[1] == ':' && p[2] == '\\', "%s: path %s", scen, p);
  }
  /* The hotfix table is filled from the SOFTWARE hive: with one read, the
   * contract's Q300972 entry is there (present true or false); without one,
   * hotfixes is empty (unknown is not "absent"). */
  bool software = false;
  json_array_foreach(json_object_get(json_object_get(rep, "system"), "hives"), i, x) {
    const char *k = json_string_value(json_object_get(x, "kind"));
    software |= k && strcmp(k, "software") == 0;
  }
  const json_t *hf = json_object_get(json_object_get(rep, "system"), "hotfixes");
  if (software)
    ck_assert_msg(json_is_object(json_object_get(hf, "Q300972")), "%s: no Q300972", scen);
  else
    ck_assert_uint_eq(json_object_size(hf), 0);
  const json_t *v = json_object_get(rep, "verdict");
  ck_assert(in_list(json_string_value(json_object_get(v, "status")), status_ok));
  json_array_foreach(json_object_get(v, "reasons"), i, x)
    ck_assert_msg(finding_exists(rep, json_string_value(x)), "%s: reason %s", scen,
                  json_string_value(x));
  json_array_foreach(json_object_get(v, "cleanup"), i, x) {
    ck_assert(in_list(json_string_value(json_object_get(x, "status")), cl_ok));
    size_t j;
    const json_t *id;
    json_array_foreach(json_object_get(x, "findings"), j, id)
      ck_assert_msg(finding_exists(rep, json_string_value(id)), "%s: cleanup %s", scen,
                    json_string_value(id));
  }
  json_array_foreach(json_object_get(json_object_get(rep, "logs"), "files"), i, x)
    ck_assert(in_list(json_string_value(json_object_get(x, "format")), logfmt_ok));
  const char *prev = "";
  json_array_foreach(json_object_get(rep, "timeline"), i, x) {
    ck_assert_msg(in_list(json_string_value(json_object_get(x, "source")), source_ok),
                  "%s: timeline source %s", scen, json_string_value(json_object_get(x, "source")));
    const char *f = json_string_value(json_object_get(x, "finding"));
    if (f)
      ck_assert_msg(finding_exists(rep, f), "%s: timeline finding %s", scen, f);
    /* sorted by time: compare as instants (same second prefix, then fraction) */
    const char *dt = json_string_value(json_object_get(x, "datetime"));
    ck_assert_msg(strncmp(prev, dt, 19) <= 0, "%s: timeline not sorted at %zu (%s after %s)",
                  scen, i, dt, prev);
    prev = dt;
  }
}

static const char *const *scen;
static int nscen;

static void list_scenarios(void)
{
  nscen = rs_t_scenarios(&scen);
}

/* Exit code the contract gives each verdict (plus "unreadable" => 11). */
static int expected_exit(const json_t *rep)
{
  /* the contract's codes, 11 outranking 10 (docs/formats.md) */
  const char *st = json_string_value(json_object_get(json_object_get(rep, "verdict"), "status"));
  const char *ver = json_string_value(
      json_object_get(json_object_get(rep, "evidence"), "verification"));
  if (json_array_size(json_object_get(rep, "unreadable")) || strcmp(st, "undetermined") == 0 ||
      (ver && strcmp(ver, "mismatch") == 0))
    return 11;
  if (strcmp(st, "clean") && strcmp(st, "patched"))
    return 10;
  return 0;
}

START_TEST(contract_fixtures)
{
  list_scenarios();
  const char *img = unpack_scenario(scen[_i]);
  json_t *rep = scan_path(img, false);
  check_contract(rep, scen[_i]);
  /* the verdict the scenario was built for (answer.json) */
  char rel[300];
  snprintf(rel, sizeof rel, "fixtures/out/%s/answer.json", scen[_i]);
  json_t *ans = json_load_file(rs_t_src(rel), 0, NULL);
  if (ans) {
    const char *want = json_string_value(json_object_get(ans, "verdict"));
    if (!want)
      want = json_string_value(json_object_get(json_object_get(ans, "verdict"), "status"));
    if (want)
      ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rep, "verdict"),
                                                         "status")), want);
    json_decref(ans);
  }
  ck_assert_int_eq(rs_report_exit_code(rep), expected_exit(rep));
  json_decref(rep);
}
END_TEST

/* The same with --no-hash: hashes null, verification not-checked. */
START_TEST(contract_no_hash)
{
  const char *img = unpack_scenario(GOLDEN_SCEN);
  RS_T_SKIP_IF(!img, "fixture not generated");
  json_t *rep = scan_path(img, true);
  check_contract(rep, GOLDEN_SCEN " --no-hash");
  const json_t *ev = json_object_get(rep, "evidence");
  ck_assert(json_is_null(json_object_get(ev, "hashes")));
  ck_assert_str_eq(json_string_value(json_object_get(ev, "verification")), "not-checked");
  json_decref(rep);
}
END_TEST

static const char *const real_images[] = {
  "images/imageformat_mmls_1.E01",
  "images/image-split.E01",
  "images/image.raw.000",
  "images/tsk_volume_system.raw",
};

START_TEST(contract_realdata)
{
  const char *p = rs_t_realdata(real_images[_i]);
  RS_T_SKIP_IF(!p, "realdata absent");
  struct stat st;
  RS_T_SKIP_IF(stat(p, &st) != 0, "realdata image absent");
  json_t *rep = scan_path(p, false);
  check_contract(rep, real_images[_i]);
  /* None of these is a Windows system: undetermined, exit 11 */
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rep, "verdict"), "status")),
                   "undetermined");
  ck_assert_int_eq(rs_report_exit_code(rep), 11);
  const char *fmt = json_string_value(json_object_get(json_object_get(rep, "evidence"), "format"));
  if (strstr(real_images[_i], ".E01"))
    ck_assert_str_eq(fmt, "ewf");
  json_decref(rep);
}
END_TEST

/* ---------------------------------------------------- timeline outputs */

START_TEST(jsonl_timesketch)
{
  json_t *r = golden_report();
  RS_T_SKIP_IF(!r, "fixture not generated");
  size_t n;
  char *s = rs_t_render(rs_writer_find("jsonl"), r, &n);
  size_t lines = 0;
  char *save = NULL;
  for (char *ln = strtok_r(s, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
    json_error_t je;
    json_t *o = json_loads(ln, 0, &je);
    ck_assert_msg(o != NULL, "line %zu: %s", lines + 1, je.text);
    const json_t *tl = json_array_get(json_object_get(r, "timeline"), lines);
    /* the three fields Timesketch requires, with the report's values */
    ck_assert(json_is_string(json_object_get(o, "message")));
    ck_assert(is_time(json_object_get(o, "datetime")));
    ck_assert(json_is_string(json_object_get(o, "timestamp_desc")));
    ck_assert_str_eq(json_string_value(json_object_get(o, "datetime")),
                     json_string_value(json_object_get(tl, "datetime")));
    ck_assert_str_eq(json_string_value(json_object_get(o, "timestamp_desc")),
                     json_string_value(json_object_get(tl, "timestamp_desc")));
    ck_assert(json_is_integer(json_object_get(o, "timestamp")));
    json_decref(o);
    lines++;
  }
  ck_assert_uint_eq(lines, json_array_size(json_object_get(r, "timeline")));
  ck_assert_uint_gt(lines, 50);
  free(s);
  json_decref(r);
}
END_TEST

START_TEST(body_mactime)
{
  RS_T_SKIP_IF(!rs_t_have("mactime"), "mactime (package sleuthkit) not installed");
  json_t *r = golden_report();
  RS_T_SKIP_IF(!r, "fixture not generated");
  size_t n;
  char *b = rs_t_render(rs_writer_find("body"), r, &n);
  const char *path = write_tmp("real.body", b, n);
  char cmd[1400];
  snprintf(cmd, sizeof cmd, "TZ=UTC mactime -b '%s' -d -z UTC 2>&1", path);
  char *out = NULL;
  int st = rs_t_run(cmd, &out);
  ck_assert_msg(st == 0, "mactime exit %d: %s", st, out ? out : "");
  /* mactime's own rendering of the fixture's root.exe times: created (and
   * accessed, MFT-changed) 2001-08-04 18:31:07 by Code Red II, modified as
   * the cmd.exe it copies (1999-12-07 12:00:00), MFT entry 91, 3584 bytes. */
  ck_assert_msg(strstr(out, "Sat Aug 04 2001 18:31:07,3584,.acb,r/rrwxrwxrwx,0,0,91,\"C:/Inetpub/scripts/root.exe\""),
                "%s", out);
  ck_assert_ptr_nonnull(strstr(out, "Tue Dec 07 1999 12:00:00,3584,m...,r/rrwxrwxrwx,0,0,91,\"C:/Inetpub/scripts/root.exe\""));
  /* registry and log findings have no file times: not in the body file */
  ck_assert_ptr_null(strstr(out, "config/SYSTEM"));
  free(out);
  free(b);
  json_decref(r);
}
END_TEST

START_TEST(deterministic)
{
  const char *img = unpack_scenario(GOLDEN_SCEN);
  RS_T_SKIP_IF(!img, "fixture not generated");
  json_t *a = scan_path(img, false), *b = scan_path(img, false);
  normalise_env(a);
  normalise_env(b);
  for (int w = 0; rs_writers[w]; w++) {
    size_t na, nb;
    char *sa = rs_t_render(rs_writers[w], a, &na), *sb = rs_t_render(rs_writers[w], b, &nb);
    ck_assert_msg(na == nb && memcmp(sa, sb, na) == 0, "%s differs between two scans",
                  rs_writers[w]->name);
    free(sa);
    free(sb);
  }
  json_decref(a);
  json_decref(b);
}
END_TEST

/* ---------------------------------------------------------------- HTML */

START_TEST(html_real)
{
  json_t *r = golden_report();
  RS_T_SKIP_IF(!r, "fixture not generated");
  size_t n;
  char *h = rs_t_render(rs_writer_find("html"), r, &n);
  ck_assert_ptr_null(strcasestr(h, "<script"));
  ck_assert_ptr_nonnull(strstr(h, "class=\"verdict v-backdoor-used\""));
  /* one bar per logged day, its height from logs.per_day: 2001-08-04 has
   * 1 Code Red I + 3 Code Red II lines, 2001-09-18 1 + 18 Nimda. */
  const json_t *pd = json_object_get(json_object_get(r, "logs"), "per_day");
  ck_assert_uint_eq(json_array_size(pd), 3);
  ck_assert_ptr_nonnull(strstr(h, "<tr><td>2001-08-04</td><td>4</td>"));
  ck_assert_ptr_nonnull(strstr(h, "<tr><td>2001-09-18</td><td>19</td>"));
  /* stacked by status from per_day[].status: on 2001-09-18 the Nimda probes
   * were refused (13 x 4xx) while 5 requests were answered 2xx */
  const json_t *st = json_object_get(json_array_get(pd, 2), "status");
  ck_assert_int_eq(json_integer_value(json_object_get(st, "2xx")), 5);
  ck_assert_int_eq(json_integer_value(json_object_get(st, "4xx")), 13);
  ck_assert_ptr_nonnull(strstr(h, "<title>2001-09-18: 5 worm requests, answered 2xx</title>"));
  ck_assert_ptr_nonnull(strstr(h, "<title>2001-09-18: 13 worm requests, refused 4xx</title>"));
  ck_assert_ptr_nonnull(strstr(h, "<title>2001-08-04: 4 worm requests, answered 2xx</title>"));
  /* every checklist item and every finding id is on the page */
  size_t i;
  const json_t *x;
  json_array_foreach(json_object_get(json_object_get(r, "verdict"), "cleanup"), i, x)
    ck_assert_msg(strstr(h, json_string_value(json_object_get(x, "id"))), "checklist %zu", i);
  json_array_foreach(json_object_get(r, "findings"), i, x)
    ck_assert_msg(strstr(h, json_string_value(json_object_get(x, "id"))), "finding %zu", i);
  free(h);
  json_decref(r);
}
END_TEST

START_TEST(html_chromium)
{
  RS_T_SKIP_IF(!rs_t_have("chromium"), "chromium not installed (apt-get install chromium)");
  json_t *r = golden_report();
  RS_T_SKIP_IF(!r, "fixture not generated");
  size_t n;
  char *h = rs_t_render(rs_writer_find("html"), r, &n);
  const char *page = write_tmp("real-report.html", h, n);
  static const char blank_html[] =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>b</title></head><body></body>"
      "</html>\n";
  const char *blank = write_tmp("real-blank.html", blank_html, sizeof blank_html - 1);
  char shot[700], bshot[700], args[800];
  snprintf(shot, sizeof shot, "%s/real-report.png", rs_t_tmpdir());
  snprintf(bshot, sizeof bshot, "%s/real-blank.png", rs_t_tmpdir());

  char *dom = NULL;
  int st = rs_t_chromium("--dump-dom", page, &dom);
  ck_assert_msg(st == 0 && dom, "chromium --dump-dom failed (%d)", st);
  ck_assert_ptr_nonnull(strstr(dom, "backdoor-used"));
  ck_assert_ptr_null(strcasestr(dom, "<script"));
  ck_assert_ptr_nonnull(strstr(dom, "<rect "));
  free(dom);

  snprintf(args, sizeof args, "--screenshot='%s' --window-size=1200,3000", shot);
  st = rs_t_chromium(args, page, NULL);
  snprintf(args, sizeof args, "--screenshot='%s' --window-size=1200,3000", bshot);
  int st2 = rs_t_chromium(args, blank, NULL);
  size_t sn = 0, bn = 0;
  unsigned char *s1 = rs_t_slurp(shot, &sn), *s2 = rs_t_slurp(bshot, &bn);
  ck_assert_msg(st == 0 && s1, "no screenshot of the report (%d)", st);
  ck_assert_msg(st2 == 0 && s2, "no screenshot of the blank page (%d)", st2);
  ck_assert(memcmp(s1, "\x89PNG", 4) == 0);
  ck_assert_msg(sn > 10 * bn && sn > 100000, "report PNG %zu bytes vs blank %zu", sn, bn);
  fprintf(stderr, "report html_chromium: %s %zu bytes, blank %zu bytes\n", shot, sn, bn);
  free(s1);
  free(s2);
  free(h);
  json_decref(r);
}
END_TEST

/* Issue 13, HTML that prints (w2k-cr2-used): an @page rule puts the case id
 * (escaped as a CSS string: a hostile id ends neither the string nor the
 * style element) and "page X of Y" on every page; paths break only after a
 * backslash; hashes never break; SHA-1 is in the findings table; attacker
 * families are words. With chromium, the page prints to a PDF of several
 * pages. */
START_TEST(html_print)
{
  json_t *r = golden_report();
  RS_T_SKIP_IF(!r, "fixture not generated");
  json_object_set_new(json_object_get(r, "run"), "case",
                      json_string("K-7 \"}</style><script>x</script> \xc3\xa9"));
  size_t n;
  char *h = rs_t_render(rs_writer_find("html"), r, &n);
  ck_assert_ptr_nonnull(strstr(h, "@page{size:A4;"));
  ck_assert_ptr_nonnull(strstr(h, "content:\"redsleuth report, case K-7 \\22 \\7D \\3C /style\\3E "
                                  "\\3C script\\3E x\\3C /script\\3E  \\E9 \""));
  ck_assert_ptr_nonnull(strstr(h, "counter(page) \" of \" counter(pages)"));
  ck_assert_ptr_null(strcasestr(h, "<script"));
  /* paths: a break opportunity after each backslash, none inside a name */
  ck_assert_ptr_nonnull(strstr(h, "C:\\<wbr>Inetpub\\<wbr>scripts\\<wbr>root.exe"));
  ck_assert_ptr_nonnull(strstr(h, "code.path{word-break:normal"));
  ck_assert_ptr_nonnull(strstr(h, "code.hash{white-space:nowrap"));
  /* print: the findings table starts a page, its header repeats on each; a
   * time or a finding id never breaks inside; hive paths break after a \ */
  ck_assert_ptr_nonnull(strstr(h, "#findings,#logs{break-before:page}"));
  ck_assert_ptr_nonnull(strstr(h, "<table>\n<thead><tr><th>Severity</th>"));
  /* every table whose first row is all headings has it in thead, so that it
   * prints again on each page the table runs over (key-value tables, a th
   * then a td per row, have none) */
  int nhead = 0;
  for (const char *tb = strstr(h, "<table"); tb; tb = strstr(tb + 1, "<table")) {
    const char *row = strstr(tb, "<tr"), *row_end = row ? strstr(row, "</tr>") : NULL;
    ck_assert(row && row_end);
    char first[2048];
    snprintf(first, sizeof first, "%.*s", (int)(row_end - row), row);
    if (strstr(first, "<td"))
      continue;
    ck_assert_msg(row - 7 >= tb && strncmp(row - 7, "<thead>", 7) == 0,
                  "a heading row outside thead: %.80s", row);
    nhead++;
  }
  ck_assert_int_ge(nhead, 8);
  ck_assert_ptr_nonnull(strstr(h, ".ts,.id{white-space:nowrap}"));
  ck_assert_ptr_nonnull(strstr(h, "<td class=\"ts\">2001-08-04T18:31:07Z</td>"));
  ck_assert_ptr_nonnull(strstr(h, "<code class=\"path\">C:\\<wbr>WINNT\\<wbr>system32\\<wbr>"
                                  "config\\<wbr>SOFTWARE</code> <small>(live)</small>"));
  /* registry keys and idq.dll paths break only after a \; an idq.dll's
   * SHA-256 on a row of its own, whole */
  ck_assert_ptr_nonnull(strstr(h, "<code class=\"path\">ControlSet001\\<wbr>Services\\<wbr>"
                                  "W3SVC\\<wbr>Parameters\\<wbr>Virtual Roots</code>"));
  ck_assert_ptr_nonnull(strstr(h, "<code class=\"path\">C:\\<wbr>WINNT\\<wbr>system32\\<wbr>"
                                  "idq.dll</code>"));
  size_t qi;
  const json_t *q;
  json_array_foreach(json_object_get(json_object_get(r, "system"), "idq_dll"), qi, q) {
    char want[160];
    snprintf(want, sizeof want, "<tr class=\"sub\"><td colspan=\"7\"><small>sha256 "
             "<code class=\"hash\">%s</code>", json_string_value(json_object_get(q, "sha256")));
    ck_assert_msg(strstr(h, want), "no %s", want);
  }
  /* every file finding's SHA-1 in the findings table */
  size_t i;
  const json_t *f;
  int nsha1 = 0;
  json_array_foreach(json_object_get(r, "findings"), i, f) {
    const char *s1 = json_string_value(json_object_get(f, "sha1"));
    if (!s1)
      continue;
    char want[128];
    snprintf(want, sizeof want, "sha1 <code class=\"hash\">%s</code>", s1);
    ck_assert_msg(strstr(h, want), "no %s", want);
    nsha1++;
  }
  ck_assert_int_ge(nsha1, 1);
  /* families as words */
  const char *att = strstr(h, "<th>Families</th>");
  ck_assert_ptr_nonnull(att);
  ck_assert_ptr_null(strstr(att, "[\""));
  ck_assert_ptr_null(strstr(att, "<td>code_red_2"));
  ck_assert_ptr_nonnull(strstr(att, "Code Red II"));
  ck_assert_ptr_nonnull(strstr(h, "<br><small>file, Code Red II, ref "));
  ck_assert_ptr_null(strstr(h, ", code-red-2, ref "));
  if (rs_t_have("chromium")) {
    const char *page = write_tmp("print-report.html", h, n);
    char pdf[700], args[800];
    snprintf(pdf, sizeof pdf, "%s/print-report.pdf", rs_t_tmpdir());
    snprintf(args, sizeof args, "--no-pdf-header-footer --print-to-pdf='%s'", pdf);
    ck_assert_int_eq(rs_t_chromium(args, page, NULL), 0);
    size_t pn = 0;
    unsigned char *pd = rs_t_slurp(pdf, &pn);
    ck_assert_msg(pd && pn > 4 && memcmp(pd, "%PDF", 4) == 0, "no PDF from chromium");
    int pages = 0;
    for (size_t k = 0; k + 11 < pn; k++)
      pages += memcmp(pd + k, "/Type /Page", 11) == 0 && pd[k + 11] != 's';
    ck_assert_int_ge(pages, 2);
    fprintf(stderr, "report html_print: %s, %d pages\n", pdf, pages);
    free(pd);
  }
  free(h);
  json_decref(r);
}
END_TEST

void rs_tcases_reasons(Suite *s); /* check_reasons.c (issue 13) */

Suite *rs_suite_report(void)
{
  Suite *s = suite_create("report");
  rs_tcases_reasons(s);
  TCase *tc = tcase_create("golden");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, golden, 0, (int)(sizeof golden_ext / sizeof golden_ext[0]));
  tcase_add_loop_test(tc, golden_other_machine, 0,
                      (int)(sizeof golden_ext / sizeof golden_ext[0]));
  tcase_add_test(tc, golden_json_roundtrip);
  tcase_add_test(tc, report_keeps_real_env);
  suite_add_tcase(s, tc);

  tc = tcase_create("contract");
  tcase_set_timeout(tc, 60);
  /* one test per fixture scenario there is (a fixed count would skip or miss some) */
  list_scenarios();
  tcase_add_loop_test(tc, contract_fixtures, 0, nscen);
  tcase_add_test(tc, contract_no_hash);
  tcase_add_loop_test(tc, contract_realdata, 0,
                      (int)(sizeof real_images / sizeof real_images[0]));
  suite_add_tcase(s, tc);

  tc = tcase_create("outputs");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, jsonl_timesketch);
  tcase_add_test(tc, body_mactime);
  tcase_add_test(tc, deterministic);
  tcase_add_test(tc, html_real);
  suite_add_tcase(s, tc);

  tc = tcase_create("chromium");
  tcase_set_timeout(tc, 200);
  tcase_add_test(tc, html_chromium);
  tcase_add_test(tc, html_print);
  suite_add_tcase(s, tc);
  return s;
}
