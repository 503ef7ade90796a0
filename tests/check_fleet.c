/* Fleet recipes that run for real: contrib/slurm/redsleuth-array.sh on a
 * one-node Slurm cluster started here (tests/slurm/run.sh: munged,
 * slurmctld and slurmd on localhost, every daemon stopped by its pid). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "testutil.h"

/* The images: four fixture disks, a second file with an already used name
 * (its folder becomes NAME-2, as in --batch) and a file that is no disk (exit
 * 3: its task fails, and the gather, afterany, still runs). */
static const char *const scen[] = {"w2k-cr2-used", "w2k-clean", "w2k-mitigated", "nt4-cleaned"};
#define NSCEN (sizeof scen / sizeof scen[0])
#define NIMG (NSCEN + 2)

static json_t **load_jsonl(const char *path, size_t *n)
{
  size_t len = 0;
  unsigned char *text = rs_t_slurp(path, &len);
  ck_assert_msg(text != NULL, "no %s", path);
  json_t **v = calloc(64, sizeof *v);
  *n = 0;
  char *save = NULL;
  for (char *l = strtok_r((char *)text, "\n", &save); l && *n < 64; l = strtok_r(NULL, "\n", &save)) {
    json_error_t e;
    v[*n] = json_loads(l, 0, &e);
    ck_assert_msg(v[*n] != NULL, "%s: %s", path, e.text);
    (*n)++;
  }
  free(text);
  return v;
}

START_TEST(slurm_array_real_cluster)
{
  const char *tmp = rs_t_tmpdir();
  char ev[4200], list[4200], out[4200], bout[4200], work[4200], cmd[16384];
  snprintf(ev, sizeof ev, "%s/evidence", tmp);
  snprintf(list, sizeof list, "%s/images.txt", tmp);
  snprintf(out, sizeof out, "%s/triage", tmp);
  snprintf(bout, sizeof bout, "%s/batch", tmp);
  snprintf(work, sizeof work, "%s/slurm", tmp);
  snprintf(cmd, sizeof cmd, "mkdir -p '%s/again' && printf 'not a disk image\\n' > '%s/notes.txt'",
           ev, ev);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  FILE *fp = fopen(list, "w");
  ck_assert_ptr_nonnull(fp);
  fprintf(fp, "# seized 2001-09-20\n\n");
  for (size_t i = 0; i < NSCEN; i++) {
    snprintf(cmd, sizeof cmd, "xz -dc '%s/fixtures/out/%s/disk.raw.xz' > '%s/%s.raw'", RS_SRCDIR,
             scen[i], ev, scen[i]);
    ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
    fprintf(fp, "%s/%s.raw\n", ev, scen[i]);
  }
  snprintf(cmd, sizeof cmd, "ln '%s/%s.raw' '%s/again/%s.raw' && chmod 0444 '%s'/*.raw '%s'/*/*.raw",
           ev, scen[1], ev, scen[1], ev, ev);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  fprintf(fp, "  %s/again/%s.raw\n%s/notes.txt\n", ev, scen[1], ev);
  ck_assert_int_eq(fclose(fp), 0);

  snprintf(cmd, sizeof cmd, "'%s/tests/slurm/run.sh' '%s' '%s' '%s' '%s/redsleuth' 300 2>'%s.err'",
           RS_SRCDIR, work, list, out, RS_BUILDDIR, work);
  char *o = NULL;
  int rc = rs_t_run(cmd, &o);
  char errf[4300];
  snprintf(errf, sizeof errf, "%s.err", work);
  char *err = (char *)rs_t_slurp(errf, NULL);
  if (rc == 77) {
    fprintf(stderr, "SKIP %s: %s", __func__, err ? err : "Slurm cannot run here\n");
    free(o);
    free(err);
    return;
  }
  ck_assert_msg(rc == 0, "tests/slurm/run.sh exit %d:\n%s\n%s", rc, o ? o : "", err ? err : "");
  fprintf(stderr, "%s", err ? err : "");
  free(err);

  /* Slurm's view: the no-disk task failed with redsleuth's exit 3, the
   * others (exit 0, 10 or 11: results) completed, and the gather ran. */
  ck_assert_ptr_nonnull(o);
  for (size_t t = 1; t <= NIMG; t++) {
    char want[64];
    snprintf(want, sizeof want, "\ntask %zu %s\n", t, t == NIMG ? "FAILED 3:0" : "COMPLETED 0:0");
    ck_assert_msg(strstr(o, want) != NULL, "no \"%s\" in:\n%s", want + 1, o);
  }
  /* one image could not be analysed: the gather exits 11, as --batch does */
  ck_assert_msg(strstr(o, "\ngather FAILED 11:0\n") != NULL, "%s", o);
  free(o);

  /* the same list through --batch: the reference summary */
  snprintf(cmd, sizeof cmd, "'%s/redsleuth' scan --batch '%s' -j 2 --out-dir '%s' >/dev/null 2>&1",
           RS_BUILDDIR, list, bout);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 11); /* one image could not be analysed */
  char sp[4300], bp[4300];
  snprintf(sp, sizeof sp, "%s/summary.jsonl", out);
  snprintf(bp, sizeof bp, "%s/summary.jsonl", bout);
  size_t ns = 0, nb = 0;
  json_t **s = load_jsonl(sp, &ns), **b = load_jsonl(bp, &nb);
  ck_assert_uint_eq(ns, NIMG);
  ck_assert_uint_eq(nb, NIMG);
  for (size_t i = 0; i < NIMG; i++) {
    /* out_dir differs by the parent folder only */
    const char *so = json_string_value(json_object_get(s[i], "out_dir"));
    const char *bo = json_string_value(json_object_get(b[i], "out_dir"));
    ck_assert_ptr_nonnull(so);
    ck_assert_ptr_nonnull(bo);
    ck_assert_uint_eq(strncmp(so, out, strlen(out)), 0);
    ck_assert_str_eq(so + strlen(out), bo + strlen(bout));
    json_object_set_new(s[i], "out_dir", json_string(""));
    json_object_set_new(b[i], "out_dir", json_string(""));
    char *a = json_dumps(s[i], JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *z = json_dumps(b[i], JSON_COMPACT | JSON_PRESERVE_ORDER);
    ck_assert_msg(strcmp(a, z) == 0, "line %zu:\nslurm %s\nbatch %s", i + 1, a, z);
    free(a);
    free(z);
  }
  /* each image's verdict is its scenario's answer, in the summary and in
   * its own folder */
  for (size_t i = 0; i < NSCEN + 1; i++) {
    const char *sc = scen[i < NSCEN ? i : 1];
    json_t *ans = rs_t_answer(sc);
    const char *want = json_string_value(json_object_get(ans, "verdict"));
    ck_assert_str_eq(json_string_value(json_object_get(s[i], "verdict")), want);
    char rp[4400];
    snprintf(rp, sizeof rp, "%s/%s%s/report.json", out, sc, i == NSCEN ? "-2" : "");
    json_t *r = json_load_file(rp, 0, NULL);
    ck_assert_msg(r != NULL, "no %s", rp);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "verdict"), "status")), want);
    json_decref(r);
    json_decref(ans);
  }
  ck_assert_int_eq(json_integer_value(json_object_get(s[NSCEN + 1], "exit_code")), 3);
  ck_assert(json_is_null(json_object_get(s[NSCEN + 1], "verdict")));
  ck_assert(strncmp(json_string_value(json_object_get(s[NSCEN + 1], "error")), "redsleuth: error: RS_E_", 23) == 0);
  for (size_t i = 0; i < NIMG; i++) {
    json_decref(s[i]);
    json_decref(b[i]);
  }
  free(s);
  free(b);
}
END_TEST

/* The gather step alone (it needs no Slurm): a task that ended with a
 * report, one that was cut before redsleuth finished (its stderr's last
 * line kept), and one that never started. Unfinished tasks have exit_code
 * null and killed true, and make the gather exit 11. */
START_TEST(gather_unfinished_tasks)
{
  RS_T_SKIP_IF(!rs_t_have("python3"), "python3 absent");
  const char *tmp = rs_t_tmpdir();
  char cmd[8192], *o = NULL;
  snprintf(cmd, sizeof cmd,
           "cd '%s' && mkdir -p out/a out/b && printf '/ev/a.E01\\n/ev/b.raw\\n/ev/c.vhdx\\n' > l.txt && "
           "echo 0 > out/a/exit_code.txt && printf '%%s' '{\"verdict\":{\"status\":\"clean\"},"
           "\"findings\":[{},{}],\"unreadable\":[],\"logs\":{\"hits\":{\"nimda\":1}}}' "
           "> out/a/report.json && printf 'redsleuth: hashing\\n\\n' > out/b/stderr.txt && "
           "'%s/contrib/slurm/redsleuth-array.sh' gather l.txt out > stdout.txt; echo \"exit=$?\"; "
           "cmp stdout.txt out/summary.jsonl && cat out/summary.jsonl",
           tmp, RS_SRCDIR);
  rs_t_run(cmd, &o);
  char want[4096];
  snprintf(want, sizeof want,
           "exit=11\n"
           "{\"evidence\":\"/ev/a.E01\",\"out_dir\":\"out/a\",\"exit_code\":0,\"killed\":false,"
           "\"verdict\":\"clean\",\"counts\":{\"findings\":2,\"unreadable\":0,\"hits\":{\"nimda\":1}}}\n"
           "{\"evidence\":\"/ev/b.raw\",\"out_dir\":\"out/b\",\"exit_code\":null,\"killed\":true,"
           "\"verdict\":null,\"counts\":{\"findings\":0,\"unreadable\":0,\"hits\":null},"
           "\"error\":\"redsleuth: hashing\"}\n"
           "{\"evidence\":\"/ev/c.vhdx\",\"out_dir\":\"out/c\",\"exit_code\":null,\"killed\":true,"
           "\"verdict\":null,\"counts\":{\"findings\":0,\"unreadable\":0,\"hits\":null},"
           "\"error\":\"the Slurm task ended before redsleuth did (time limit, scancel or node "
           "failure)\"}\n");
  ck_assert_msg(o && strcmp(o, want) == 0, "got:\n%s", o ? o : "");
  free(o);
}
END_TEST

Suite *rs_suite_fleet(void)
{
  Suite *s = suite_create("fleet");
  TCase *tc = tcase_create("slurm");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, slurm_array_real_cluster);
  tcase_add_test(tc, gather_unfinished_tasks);
  suite_add_tcase(s, tc);
  return s;
}
