/* The scan driver: opens the evidence, runs the sources (registry, one file
 * system walk per volume, PE, logs), the checks and the verdict, and builds
 * the "redsleuth-report/1" object. Media hashing runs on threads of its own
 * beside the analysis, which yields to it (analysis_run). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "redsleuth/collect.h"
#include "report/report.h"
#include "scan/stage.h"

void rs_scan_progress(const struct rs_scan_ctx *ctx, const char *what, const char *name)
{
  if (!ctx->opts->progress)
    return;
  struct rs_progress p = {.kind = RS_PROGRESS_PHASE, .what = what, .name = name};
  ctx->opts->progress(&p, ctx->opts->progress_arg);
}

struct hash_job {
  const struct rs_image *img;
  struct rs_media_hashes h;
  struct rs_diag d;
  enum rs_err err;
  _Atomic uint64_t done_bytes;
  atomic_bool finished;
};

static void *hash_thread(void *arg)
{
  struct hash_job *j = arg;
  j->err = rs_media_hash_progress(j->img, &j->h, &j->d, &j->done_bytes);
  atomic_store(&j->finished, true);
  return NULL;
}

/* The analysis is done and the media hash is still running (a large image):
 * report how far it is, about four times a second, until it ends. */
static void hash_wait_progress(const struct rs_scan_ctx *ctx, struct hash_job *j)
{
  if (!ctx->opts->progress || atomic_load(&j->finished))
    return;
  const struct timespec tick = {0, 250 * 1000 * 1000};
  /* the time left, at the rate the hash goes alone (from here on) */
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  const uint64_t n0 = atomic_load_explicit(&j->done_bytes, memory_order_relaxed);
  for (;;) {
    bool fin = atomic_load(&j->finished); /* read first: the last report shows the end */
    uint64_t n = atomic_load_explicit(&j->done_bytes, memory_order_relaxed);
    clock_gettime(CLOCK_MONOTONIC, &t);
    struct rs_progress p = {
        .kind = RS_PROGRESS_HASH, .what = "hashing the media", .done = n,
        .total = ctx->img->media_size, .rate_bytes = n - n0,
        .rate_s = (double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9, .ended = fin};
    ctx->opts->progress(&p, ctx->opts->progress_arg);
    if (fin)
      break;
    nanosleep(&tick, NULL);
  }
}

/* The order is the data flow; a new evidence source is one file and one
 * line here. A stage reads facts that earlier stages wrote and adds its own;
 * it never builds JSON and never prints. */
static const struct rs_stage rs_stages[] = {
  {"registry", rs_stage_registry, false}, /* hives, control sets, script maps, drive letters */
  {"walk", rs_stage_walk, false},         /* one pass per volume: candidates, body lines */
  {"files", rs_stage_files, false},       /* digests, cmd.exe copies, file findings */
  {"nimda", rs_stage_nimda, false},       /* Nimda's pages, copies, SAM Guest, C$ share */
  {"idq", rs_stage_idq, false},           /* every idq.dll copy, patch state, patch rows */
  {"logs", rs_stage_logs, false},         /* IIS logs on both cores, log findings */
  {"evt", rs_stage_evt, false},           /* event logs, Dr. Watson, UrlScan, W3svc.dll */
  {"residue", rs_stage_residue, false},   /* page file, hiberfil.sys, crash dumps: bundled rules */
  {"content", rs_stage_content, false},   /* --yara / --hashset: every file's bytes and digests */
  {"evidence", rs_stage_evidence, false}, /* EWF case metadata, acquisition date */
  {"keys", rs_stage_keys, false},         /* registry key times on the timeline */
  {"damage", rs_stage_damage, true},      /* damaged EWF chunks mapped to the files read */
  {"hash", rs_stage_hash, true},          /* what the media hash could not read */
};

static void run_stages(struct rs_scan_ctx *ctx, bool after_hash)
{
  for (size_t i = 0; i < sizeof rs_stages / sizeof rs_stages[0]; i++)
    if (rs_stages[i].after_hash == after_hash && !rs_ctx_failed(ctx))
      rs_stages[i].run(ctx);
}

/* Which of the two jobs goes first when they share too few cores. The
 * report waits for both the media hash and the analysis; only the later
 * end counts. In a default scan the hash is the longer job: every byte of
 * the media through MD5, which runs at about 0.75 GB/s on one core and
 * cannot be split, while the analysis reads a small part of the media
 * (metadata, hives, logs, memory files) and needs a fraction of the hash's
 * CPU time (about a sixth on the bench images: 1.8 s against 10.3 s).
 * Sharing two cores equally, MD5 falls behind while the analysis runs, and
 * the hash then ends alone with one core partly idle: its SHA-1/SHA-256
 * worker has less to do per chunk than MD5 (bench/RESULTS.md, "The
 * analysis yields to the hash"). So the analysis runs in a thread of its
 * own at a lower priority (nice +RS_ANALYSIS_NICE; the threads it starts
 * inherit it): it takes what the hash leaves, and every core once the hash
 * is done. With --yara, --hashset or --unallocated the analysis can be the
 * longer job (every file's bytes, every free cluster) and keeps the hash's
 * priority. The thread ends with the analysis, so the report is written at
 * the process's own priority; where the cores are not all busy, nothing
 * changes. */
bool rs_scan_analysis_yields(const struct rs_run_opts *o, bool hashing)
{
  return hashing && !o->unallocated && o->nyara == 0 && o->nhashset == 0;
}

struct analysis_job {
  struct rs_scan_ctx *ctx;
  struct rs_diag *d;
  bool coll, yield;
  enum rs_err err;
};

static void *analysis_run(void *arg)
{
  struct analysis_job *a = arg;
  if (a->yield) {
    /* per thread on Linux (setpriority(2), NOTES); a refusal changes only
     * the speed, never the result */
    const id_t self = (id_t)gettid();
    errno = 0;
    const int now = getpriority(PRIO_PROCESS, self);
    if (errno == 0)
      (void)setpriority(PRIO_PROCESS, self, now + RS_ANALYSIS_NICE);
  }
  struct rs_scan_ctx *ctx = a->ctx;
  a->err = a->coll ? RS_OK : rs_image_volumes(ctx->img, &ctx->opts->img, a->d);
  if (a->err == RS_OK) {
    for (int i = 0; i < ctx->img->nproblems; i++)
      rs_results_unreadable(&ctx->res, "volume", ctx->opts->segs[0], ctx->img->problems[i]);
    run_stages(ctx, false);
  }
  return NULL;
}

enum rs_err rs_scan(const struct rs_run_opts *o, json_t **report, struct rs_diag *d)
{
  return rs_scan_hits(o, report, NULL, d);
}

enum rs_err rs_scan_hits(const struct rs_run_opts *o, json_t **report, struct rs_hits **hits,
                         struct rs_diag *d)
{
  *report = NULL;
  if (hits)
    *hits = NULL;
  char started[40];
  rs_now_iso(started);
  struct rs_scan_ctx ctx;
  rs_ctx_init(&ctx, o);
  /* a folder, ZIP or TAR of collected files (collect.h): its drives are
   * volumes without file-system metadata, and there is no medium to hash */
  /* the user's rules and hash sets: a bad one is a usage error, before any work */
  enum rs_err pe = rs_content_prepare(&ctx, d);
  if (pe != RS_OK) {
    rs_ctx_free(&ctx);
    return pe;
  }
  enum rs_coll_kind ck;
  const bool coll = o->nseg == 1 && !o->img.img_type && o->img.fs_offset < 0 &&
                    rs_coll_sniff(o->segs[0], &ck);
  enum rs_err e = coll ? rs_coll_open_image(o->segs[0], &ctx.img, d)
                       : rs_image_open(o->segs, o->nseg, &o->img, &ctx.img, d);
  if (e != RS_OK) {
    rs_ctx_free(&ctx);
    return e;
  }

  /* the media hash runs on the second core while we analyse */
  struct hash_job hj;
  memset(&hj, 0, sizeof hj);
  atomic_init(&hj.done_bytes, 0);
  atomic_init(&hj.finished, false);
  hj.img = ctx.img;
  pthread_t th;
  bool threaded = false;
  if (!o->no_hash && !coll) {
    rs_scan_progress(&ctx, "hashing", o->segs[0]);
    threaded = pthread_create(&th, NULL, hash_thread, &hj) == 0;
    if (!threaded)
      hash_thread(&hj);
  }

  /* nothing at all to examine (no partition table, no file system): the
   * evidence cannot be opened, as `info` says too (exit 3) */
  struct analysis_job aj = {.ctx = &ctx, .d = d, .coll = coll,
                            .yield = rs_scan_analysis_yields(o, threaded)};
  pthread_t ath;
  if (aj.yield && pthread_create(&ath, NULL, analysis_run, &aj) == 0) {
    pthread_join(ath, NULL);
  } else {
    aj.yield = false; /* never the caller's own thread */
    analysis_run(&aj);
  }
  e = aj.err;
  if (threaded) {
    if (e == RS_OK && !rs_ctx_failed(&ctx))
      hash_wait_progress(&ctx, &hj);
    pthread_join(th, NULL);
  }
  ctx.hashed = !o->no_hash && !coll;
  ctx.hash_err = hj.err;
  ctx.hashes = &hj.h;
  ctx.hash_diag = &hj.d;
  json_t *rep = NULL;
  if (e == RS_OK) {
    run_stages(&ctx, true);
    rs_results_finish(&ctx.res);
    struct rs_verdict_facts vf;
    rs_ctx_verdict_facts(&ctx, &vf);
    if (!rs_ctx_failed(&ctx))
      rs_verdict_decide(&vf, &ctx.res);
    if (coll && ctx.res.verdict.nnotes < RS_VERDICT_NOTES)
      ctx.res.verdict.notes[ctx.res.verdict.nnotes++] = RS_COLL_LIMITATION;
    if (!rs_ctx_failed(&ctx) && ctx.res.tl_overflow)
      rs_results_unreadable(&ctx.res, "timeline", "-", "too many dated facts; the timeline was cut");
    if (!rs_ctx_failed(&ctx)) {
      rep = rs_report_scan(&ctx, started, hits != NULL);
      if (rep && hits && rs_report_hits(&ctx, hits) != RS_OK) {
        json_decref(rep);
        rep = NULL;
      }
      if (!rep)
        rs_results_fail(&ctx.res, RS_E_NOMEM);
    }
    const char *why = "";
    if (ctx.res.spill && rs_tl_spill_error(ctx.res.spill, &why) != RS_OK)
      /* the temporary file of --timeline-hits (a full disk) says what went wrong */
      e = rs_diag_set(d, rs_tl_spill_error(ctx.res.spill, NULL), o->segs[0],
                      "%s; the scan stopped, no report was written", why);
    else if (rs_ctx_failed(&ctx))
      e = rs_diag_set(d, ctx.res.err, o->segs[0], "%s: the scan stopped, no report was written",
                      ctx.res.err == RS_E_NOMEM ? "out of memory" : rs_err_text(ctx.res.err));
  }
  rs_ctx_free(&ctx);
  rs_image_close(ctx.img);
  *report = rep;
  return e;
}
