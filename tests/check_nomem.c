/* Allocation failure over a whole scan (issue 14): malloc, calloc, realloc
 * and strdup of the library (linked with --wrap, see Makefile.am) and every
 * jansson allocation (json_set_alloc_funcs) fail on the Nth call: every N
 * among a scan's first and last 200 calls and an even sample of the rest
 * (RS_NOMEM_AT="n,m": only those calls; RS_NOMEM_UNALLOC: with --unallocated)
 * (RS_NOMEM_RUNS runs, default 500; set it above the call count for every
 * call), and the same for `info` over an EWF image. Each run must either fail with RS_E_NOMEM and no report, or give
 * the complete report: never a silently shorter one. A separate binary, so
 * the wrapped allocator touches no other suite; under the sanitizer build,
 * LeakSanitizer also checks that no failure path leaks. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <jansson.h>

#include "redsleuth/scan.h"
#include "redsleuth/writer.h"
#include "testutil.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);

static atomic_long calls;     /* allocations seen since arming */
static atomic_long fail_at;   /* the call that fails (1-based); 0 = none */
static atomic_int failed;     /* a call did fail */

static bool should_fail(void)
{
  long n = atomic_fetch_add(&calls, 1) + 1;
  long f = atomic_load(&fail_at);
  if (f && n == f) {
    atomic_store(&failed, 1);
    if (getenv("RS_NOMEM_ABORT") && atol(getenv("RS_NOMEM_ABORT")) == n)
      abort(); /* debugging: a core or gdb shows who asked */
    return true;
  }
  return false;
}

void *__wrap_malloc(size_t n);
void *__wrap_malloc(size_t n)
{
  return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n);
void *__wrap_calloc(size_t k, size_t n)
{
  return should_fail() ? NULL : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n)
{
  return should_fail() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s);
char *__wrap_strdup(const char *s)
{
  size_t n = strlen(s) + 1;
  char *c = __wrap_malloc(n);
  if (c)
    memcpy(c, s, n);
  return c;
}

static void *json_malloc(size_t n)
{
  return __wrap_malloc(n);
}

/* The report as bytes, run times masked (they are the only fields that may
 * differ between two scans of the same image). */
static char *report_text(json_t *rep)
{
  json_t *run = json_object_get(rep, "run");
  json_object_set_new(run, "started_utc", json_string("-"));
  json_object_set_new(run, "finished_utc", json_string("-"));
  return json_dumps(rep, JSON_PRESERVE_ORDER | JSON_INDENT(1));
}

static enum rs_err info_once(const char *img, long n, char **text)
{
  struct rs_run_opts o;
  rs_run_opts_init(&o);
  const char *segs[] = {img};
  o.segs = segs;
  o.nseg = 1;
  json_t *rep = NULL;
  struct rs_diag d;
  rs_diag_clear(&d);
  atomic_store(&calls, 0);
  atomic_store(&fail_at, n);
  enum rs_err e = rs_info(&o, &rep, &d);
  atomic_store(&fail_at, 0);
  *text = NULL;
  if (rep) {
    *text = report_text(rep);
    json_decref(rep);
  }
  return e;
}

static enum rs_err scan_once(const char *img, long n, char **text)
{
  struct rs_run_opts o;
  rs_run_opts_init(&o);
  const char *segs[] = {img};
  o.segs = segs;
  o.nseg = 1;
  o.no_hash = true; /* one thread: the Nth call is the same call in every run */
  o.unallocated = getenv("RS_NOMEM_UNALLOC") != NULL; /* --unallocated: the reader thread */
  if (getenv("RS_NOMEM_HITS")) { /* --timeline-hits, spilled to disk in runs of 300 bytes */
    o.all_hits = true;
    o.spill_run = 300;
  }
  json_t *rep = NULL;
  struct rs_diag d;
  rs_diag_clear(&d);
  atomic_store(&calls, 0);
  atomic_store(&failed, 0);
  atomic_store(&fail_at, n);
  enum rs_err e = rs_scan(&o, &rep, &d);
  atomic_store(&fail_at, 0);
  *text = NULL;
  if (rep) {
    *text = report_text(rep);
    json_decref(rep);
  }
  return e;
}

/* The calls to fail: every one among the first and the last `edge`
 * (opening the evidence, building the report) and the rest sampled evenly,
 * `runs` in all; every call when runs reaches the count. */
static long *sample(long total, long edge, long runs, long *n)
{
  long *v = malloc((size_t)(total + 1) * sizeof *v);
  *n = 0;
  if (!v)
    return NULL;
  if (runs >= total || total <= 2 * edge + 1) {
    for (long c = 1; c <= total; c++)
      v[(*n)++] = c;
    return v;
  }
  long spread = runs > 2 * edge ? runs - 2 * edge : 1, mid = total - 2 * edge;
  for (long c = 1; c <= edge; c++)
    v[(*n)++] = c;
  for (long j = 0; j < spread; j++) /* the centre of each of `spread` strides */
    v[(*n)++] = edge + 1 + (j * mid + mid / 2) / spread;
  for (long c = total - edge + 1; c <= total; c++)
    v[(*n)++] = c;
  return v;
}

START_TEST(every_allocation_fails_once)
{
  const char *scen = getenv("RS_NOMEM_SCENARIO") ? getenv("RS_NOMEM_SCENARIO") : "w2k-cr2-used";
  const char *img = rs_t_scenario_raw(scen);
  ck_assert_ptr_nonnull(img);
  json_set_alloc_funcs(json_malloc, free);
  char *full = NULL;
  ck_assert_int_eq(scan_once(img, 0, &full), RS_OK);
  ck_assert_ptr_nonnull(full);
  long total = atomic_load(&calls);
  ck_assert_int_gt(total, 100);
  long runs = getenv("RS_NOMEM_RUNS") ? atol(getenv("RS_NOMEM_RUNS")) : 500;
  long nat = 0;
  long *at = sample(total, 200, runs, &nat);
  ck_assert_ptr_nonnull(at);
  if (getenv("RS_NOMEM_AT")) { /* debugging: only these calls, "421,493" */
    nat = 0;
    for (char *q = getenv("RS_NOMEM_AT"); *q && nat < total;) {
      char *e;
      long v = strtol(q, &e, 10);
      if (e == q)
        break;
      if (v >= 1 && v <= total)
        at[nat++] = v;
      q = *e ? e + 1 : e;
    }
  }
  long nomem = 0, complete = 0, tried = 0, bad = 0;
  char badlist[1024] = "";
  for (long i = 0; i < nat; i++) {
    long n = at[i];
    char *text = NULL;
    enum rs_err e = scan_once(img, n, &text);
    tried++;
    if (e == RS_E_NOMEM) {
      ck_assert_msg(text == NULL, "allocation %ld failed: RS_E_NOMEM but a report too", n);
      nomem++;
    } else {
      if (e == RS_OK && text && strcmp(text, full) == 0) {
        complete++;
      } else {
        /* listed, then failed below: one run shows every call site at fault */
        size_t l = strlen(badlist);
        if (l < sizeof badlist - 24)
          snprintf(badlist + l, sizeof badlist - l, " %ld(%s)", n, rs_err_name(e));
        bad++;
      }
    }
    free(text);
  }
  fprintf(stderr, "nomem: %s: %ld allocations per scan, %ld runs: %ld RS_E_NOMEM, %ld complete\n",
          scen, total, tried, nomem, complete);
  ck_assert_msg(bad == 0, "%ld of %ld runs gave neither RS_E_NOMEM nor the full report; failing "
                          "allocations:%s", bad, tried, badlist);
  ck_assert_int_gt(nomem, 0);
  free(at);
  free(full);
  json_set_alloc_funcs(malloc, free);
}
END_TEST

/* `info` over an EWF image (case data, stored hashes, acquisition block):
 * the first and last 10 calls and 10 between (an EWF open costs a quarter
 * of a second; RS_NOMEM_INFO_RUNS for more). */
START_TEST(info_every_allocation_fails_once)
{
  const char *img = rs_t_src("fixtures/out/w2k-cr2-infected/disk.E01");
  json_set_alloc_funcs(json_malloc, free);
  char *full = NULL;
  ck_assert_int_eq(info_once(img, 0, &full), RS_OK);
  ck_assert_ptr_nonnull(full);
  long total = atomic_load(&calls), nomem = 0;
  ck_assert_int_gt(total, 10);
  long runs = getenv("RS_NOMEM_INFO_RUNS") ? atol(getenv("RS_NOMEM_INFO_RUNS")) : 30;
  long nat = 0;
  long *at = sample(total, 10, runs, &nat);
  ck_assert_ptr_nonnull(at);
  for (long i = 0; i < nat; i++) {
    long n = at[i];
    char *text = NULL;
    enum rs_err e = info_once(img, n, &text);
    if (e == RS_E_NOMEM) {
      ck_assert_msg(text == NULL, "allocation %ld failed: RS_E_NOMEM but a report too", n);
      nomem++;
    } else {
      ck_assert_msg(e == RS_OK && text && strcmp(text, full) == 0,
                    "allocation %ld of %ld failed: %s and %s", n, total, rs_err_name(e),
                    text ? "a different report" : "no report");
    }
    free(text);
  }
  fprintf(stderr, "nomem: info: %ld allocations, %ld runs: %ld RS_E_NOMEM\n", total, nat,
          nomem);
  ck_assert_int_gt(nomem, 0);
  free(at);
  free(full);
  json_set_alloc_funcs(malloc, free);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("nomem");
  TCase *tc = tcase_create("scan");
  tcase_set_timeout(tc, 1800);
  tcase_add_test(tc, every_allocation_fails_once);
  tcase_add_test(tc, info_every_allocation_fails_once);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed_n = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed_n ? 1 : 0;
}
