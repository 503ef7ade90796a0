/* Stage "logs": the IIS logs, parsed on one or two workers, and the log
 * findings. */
#include <pthread.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "redsleuth/buf.h"
#include "redsleuth/collect.h"
#include "scan/stage.h"


struct log_arg {
  struct rs_scan_ctx *ctx;
  const char *win;
  struct rs_time first[RS_FAM__COUNT], last[RS_FAM__COUNT];
  struct rs_buf msg;   /* --timeline-hits: one request's message (issue 14: no fixed
                        * array for text from the evidence) */
  struct rs_log_file ans; /* only the answer fields (last2xx ...) */
};

/* The answer a Code Red request got, for the story: the last 2xx and the
 * first 4xx after it (a log is in time order). */
static void answer_add(struct rs_log_file *a, const struct rs_logrec *r)
{
  if (r->status >= 200 && r->status < 300) {
    if (!a->last2xx.set || rs_time_cmp(&r->when, &a->last2xx) >= 0) {
      a->last2xx = r->when;
      a->last2xx_line = r->line;
      a->last2xx_status = r->status;
      a->after4xx = RS_TIME_UNSET;
    }
  } else if (r->status >= 400 && r->status < 500) {
    if (!a->first4xx.set || rs_time_cmp(&r->when, &a->first4xx) < 0) {
      a->first4xx = r->when;
      a->first4xx_line = r->line;
      a->first4xx_status = r->status;
    }
    if (!a->after4xx.set && (!a->last2xx.set || rs_time_cmp(&r->when, &a->last2xx) > 0)) {
      a->after4xx = r->when;
      a->after4xx_line = r->line;
      a->after4xx_status = r->status;
    }
  }
}

/* The count of a day (days since the epoch, UTC), added when new; NULL past
 * RS_DAYS_MAX days or out of memory. */
static struct rs_day_count *day_slot(struct rs_scan_ctx *ctx, int64_t day)
{
  for (size_t i = ctx->ndays; i-- > 0;)
    if (ctx->days[i].day == day)
      return &ctx->days[i];
  if (ctx->ndays >= RS_DAYS_MAX)
    return NULL;
  if (!rs_results_grow(&ctx->res, (void **)&ctx->days, &ctx->capdays, ctx->ndays,
                       sizeof *ctx->days, 16))
    return NULL;
  struct rs_day_count *c = &ctx->days[ctx->ndays++];
  memset(c, 0, sizeof *c);
  c->day = day;
  return c;
}

static enum rs_status_class status_class(int status)
{
  if (status >= 200 && status < 600)
    return (enum rs_status_class)(RS_SC_2XX + (status / 100 - 2));
  return RS_SC_OTHER;
}

/* One hit of family f at t, answered with status (-1 when not logged). */
static void day_add(struct rs_scan_ctx *ctx, const struct rs_time *t, enum rs_family f,
                    int status)
{
  struct rs_day_count *c = day_slot(ctx, t->sec >= 0 ? t->sec / 86400 : (t->sec - 86399) / 86400);
  if (!c)
    return;
  c->hits[f]++;
  c->status[status_class(status)]++;
}

/* Keeps a Code Red request in a partial: past 2 x RS_CRREQ_MAX the list is
 * cut to its earliest RS_CRREQ_MAX (crreq_cut), so what is kept at the end
 * does not depend on which worker saw which file. */
static void crreq_keep(struct rs_scan_ctx *ctx, const struct rs_time *t, const char *file,
                       uint64_t line, const char *ip);

static void log_cb(const struct rs_logrec *r, void *arg)
{
  struct log_arg *la = arg;
  struct rs_scan_ctx *ctx = la->ctx;
  if (r->family == RS_FAM_NONE && !r->backdoor_use)
    return;
  /* the aggregate names the log by its Windows path, not the bare file name
   * the parser was given (W3SVC1 and W3SVC2 both hold ex010806.log) */
  struct rs_logrec rr = *r;
  rr.file = la->win;
  rs_logagg_add(ctx->agg, &rr);
  ctx->hits[r->family]++;
  if ((r->family == RS_FAM_CODERED1 || r->family == RS_FAM_CODERED2 ||
       r->family == RS_FAM_CODERED_UNKNOWN) &&
      r->status >= 200 && r->status < 300)
    ctx->cr_2xx++;
  if (r->when.set && r->utc && r->has_date)
    day_add(ctx, &r->when, r->family, r->status);
  if ((r->family == RS_FAM_CODERED1 || r->family == RS_FAM_CODERED2 ||
       r->family == RS_FAM_CODERED_UNKNOWN) &&
      r->when.set && r->utc && r->has_date) {
    crreq_keep(ctx, &r->when, la->win, r->line, r->client_ip);
    answer_add(&la->ans, r);
  }
  /* only UTC times go on the timeline: a local clock time that could not be
   * converted (no zone known) must not pass for UTC among the others */
  if (r->when.set && r->has_date && r->utc) {
    if (!la->first[r->family].set || rs_time_cmp(&r->when, &la->first[r->family]) < 0)
      la->first[r->family] = r->when;
    if (!la->last[r->family].set || rs_time_cmp(&r->when, &la->last[r->family]) > 0)
      la->last[r->family] = r->when;
  }
  if (ctx->opts->all_hits && r->when.set && r->has_date && r->utc) {
    /* a line is at most 64 KiB (the reader's limit): the bound is never hit */
    rs_buf_reset(&la->msg);
    if (!rs_ctx_buf(ctx, rs_buf_addf(&la->msg, "%s: %s %s%s%s -> %d (line %llu)",
                                     rs_family_title(r->family), r->method, r->stem,
                                     r->query && *r->query && strcmp(r->query, "-") ? "?" : "",
                                     r->query && strcmp(r->query, "-") ? r->query : "",
                                     r->status, (unsigned long long)r->line)))
      return;
    /* one entry per worm request: millions on a busy server, so they go to
     * the spill (a temporary file), not to memory */
    rs_tl_add_spilled(&ctx->res, &r->when, "Request Time", "iislog", la->msg.data, la->win,
                      r->client_ip);
  }
}

struct stream_arg {
  struct rs_iislog *p;
  struct rs_diag *d;
  enum rs_err err;
  EVP_MD_CTX *md;       /* SHA-256 of the bytes read, NULL when it failed */
  uint64_t bytes;
};

static int stream_cb(const uint8_t *p, size_t n, void *arg)
{
  struct stream_arg *s = arg;
  if (s->md && EVP_DigestUpdate(s->md, p, n) != 1) {
    EVP_MD_CTX_free(s->md);
    s->md = NULL;
  }
  s->bytes += n;
  s->err = rs_iislog_feed(s->p, p, n, s->d);
  return s->err != RS_OK;
}

/* Log parsing is the costliest step after the walk (hundreds of MB on a busy
 * server), so it starts while the walk runs: the walk hands each log it
 * finds to a queue (rs_logs_found), and once the logs found reach
 * RS_LOG_PARALLEL_MIN bytes a worker thread reads them beside the walk and
 * the stages after it. At the logs stage the scan's own thread joins in
 * until the queue is empty. Below the threshold one thread is faster (a
 * worker opens the image and the file systems again: libtsk handles are
 * never shared between threads), and the scan's thread reads them all.
 *
 * Which worker reads which file depends on timing, so nothing reported may
 * depend on it: each worker fills its own partial context; counts add up,
 * the aggregates merge order-independently (rs_logagg_merge), timeline
 * entries are sorted at the end, the file list and the unreadable entries
 * go back into walk order, and the Code Red requests kept for the crash
 * correlation are the earliest RS_CRREQ_MAX by (time, file, line). */
#define RS_LOG_WORKERS 2
#define RS_LOG_PARALLEL_MIN (64u << 20) /* below this, one thread is faster */

struct log_job {
  size_t order;        /* candidate index: walk order */
  int volume;
  uint64_t inum;
  char *path;          /* TSK form, owned by the queue */
  bool allocated;
  uint64_t size;
};

/* The unreadable entries [u0, u1) of a worker's partial came from the log
 * at walk position order. */
struct log_span {
  size_t order, u0, u1;
};

struct log_worker {
  struct rs_scan_ctx part;
  struct rs_logq *q;
  bool live;           /* part is set up */
  bool own_handles;    /* open private TSK handles (threaded) */
  struct log_span *spans;
  size_t nspans, capspans;
};

struct rs_logq {
  struct rs_scan_ctx *ctx; /* read by the workers: opts, img, si.tz (fixed by now) */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct log_job *jobs;
  size_t njobs, capjobs, next; /* next: the first job no worker took */
  bool closed;         /* the walk is over: no more jobs */
  bool stop;           /* the scan failed: drop the rest */
  uint64_t bytes, threshold;
  bool threaded;       /* w[1] runs on its own thread */
  pthread_t th;
  struct log_worker w[RS_LOG_WORKERS];
};

/* Parses one log file into ctx (a worker's partial context), reading it
 * through fs (that worker's own TSK handle, or the walk's). */
static void eval_log_file(struct rs_scan_ctx *ctx, const struct log_job *c, TSK_FS_INFO *fs)
{
  struct rs_buf winb = {0};
  if (!rs_win_path(ctx, c->volume, c->path, &winb))
    return;
  const char *win = winb.data;
  rs_scan_progress(ctx, "reading log", win);
  const char *base = strrchr(c->path, '/');
  base = base ? base + 1 : c->path;
  struct log_arg *la = calloc(1, sizeof *la);
  if (!la) {
    rs_results_fail(&ctx->res, RS_E_NOMEM);
    rs_buf_free(&winb);
    return;
  }
  la->ctx = ctx;
  la->win = win;
  rs_buf_init(&la->msg, 1u << 18);
  struct rs_diag d;
  rs_diag_clear(&d);
  struct rs_iislog *p = NULL;
  enum rs_err e = rs_iislog_open(base, RS_LOGFMT_UNKNOWN, &ctx->si.tz, log_cb, la, &p, &d);
  /* log_cb drops every record that is not a hit, so the reader may skip
   * them: a line that cannot be a hit is counted where it lies, not parsed
   * into a record (the file's statistics stay exact; every backdoor use has
   * a family: check_iislog_prefilter proves both over every log we have) */
  rs_iislog_set_hits_only(p, true);
  struct rs_logfile_stats st;
  memset(&st, 0, sizeof st);
  /* the log's SHA-256, of every byte read, so the counts and backdoor uses
   * it gives can be traced to this exact file */
  char sha256[65] = "";
  if (e == RS_OK) {
    struct stream_arg sa = {p, &d, RS_OK, EVP_MD_CTX_new(), 0};
    if (sa.md && EVP_DigestInit_ex(sa.md, EVP_sha256(), NULL) != 1) {
      EVP_MD_CTX_free(sa.md);
      sa.md = NULL;
    }
    const struct rs_volume *v = &ctx->img->vols[c->volume];
    e = v->coll ? rs_coll_stream(v->coll, c->inum, RS_LOG_CHUNK, stream_cb, &sa, &d)
                : rs_file_stream(fs, c->inum, RS_LOG_CHUNK, stream_cb, &sa, &d);
    if (e == RS_OK && sa.err != RS_OK)
      e = sa.err;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    if (e == RS_OK && sa.md && EVP_DigestFinal_ex(sa.md, md, &mdlen) == 1 && mdlen == 32)
      for (unsigned k = 0; k < 32; k++)
        snprintf(sha256 + 2 * k, 3, "%02x", md[k]);
    EVP_MD_CTX_free(sa.md);
    enum rs_err e2 = rs_iislog_finish(p, &st, e == RS_OK ? &d : NULL);
    if (e == RS_OK)
      e = e2;
  }
  rs_iislog_free(p);
  if (rs_logagg_nomem(ctx->agg))
    rs_results_fail(&ctx->res, RS_E_NOMEM);
  if (e != RS_OK && (c->allocated || e == RS_E_NOMEM))
    rs_ctx_unreadable(ctx, "IIS log", win, e, d.what);
  ctx->nlogs++;
  if (rs_results_grow(&ctx->res, (void **)&ctx->logf, &ctx->caplogf, ctx->nlogf,
                      sizeof *ctx->logf, 16)) {
    struct rs_log_file *lf = &ctx->logf[ctx->nlogf];
    memset(lf, 0, sizeof *lf);
    lf->path = rs_results_strdup(&ctx->res, win);
    if (lf->path) {
      ctx->nlogf++;
      lf->order = c->order;
      lf->volume = c->volume;
      lf->allocated = c->allocated;
      lf->st = st;
      lf->inum = c->inum;
      lf->ntfs = ctx->img->vols[c->volume].fs_kind == RS_FS_NTFS;
      memcpy(lf->sha256, sha256, sizeof lf->sha256);
      memcpy(lf->first, la->first, sizeof lf->first);
      memcpy(lf->last, la->last, sizeof lf->last);
      lf->last2xx = la->ans.last2xx;
      lf->last2xx_line = la->ans.last2xx_line;
      lf->last2xx_status = la->ans.last2xx_status;
      lf->after4xx = la->ans.after4xx;
      lf->after4xx_line = la->ans.after4xx_line;
      lf->after4xx_status = la->ans.after4xx_status;
      lf->first4xx = la->ans.first4xx;
      lf->first4xx_line = la->ans.first4xx_line;
      lf->first4xx_status = la->ans.first4xx_status;
    }
  }
  if (st.unparsed) {
    char why[160];
    snprintf(why, sizeof why, "%llu lines could not be parsed (first at line %llu)",
             (unsigned long long)st.unparsed, (unsigned long long)st.first_unparsed_line);
    rs_results_unreadable(&ctx->res, "IIS log lines", win, why);
  }
  rs_buf_free(&la->msg);
  free(la);
  rs_buf_free(&winb);
}

/* The first and the last request of each family over every log, each once
 * on the timeline with the log it is in (not once per log file): ties go to
 * the log first in walk order. */
static void family_first_last(struct rs_scan_ctx *ctx)
{
  struct rs_buf msg = {0};
  rs_buf_init(&msg, 1u << 17);
  for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++) {
    const struct rs_log_file *lo = NULL, *hi = NULL;
    for (size_t i = 0; i < ctx->nlogf; i++) {
      const struct rs_log_file *lf = &ctx->logf[i];
      if (lf->first[f].set && (!lo || rs_time_cmp(&lf->first[f], &lo->first[f]) < 0))
        lo = lf;
      if (lf->last[f].set && (!hi || rs_time_cmp(&lf->last[f], &hi->last[f]) > 0))
        hi = lf;
    }
    const char *title = rs_family_title((enum rs_family)f);
    if (lo) {
      rs_buf_reset(&msg);
      if (rs_buf_addf(&msg, "first %s request (of every log) in %s", title, lo->path) != RS_OK)
        rs_results_fail(&ctx->res, RS_E_NOMEM);
      rs_tl_add(&ctx->res, &lo->first[f], "First Request", "iislog", msg.data, -1, lo->path,
                NULL);
    }
    if (hi && lo && rs_time_cmp(&hi->last[f], &lo->first[f]) != 0) {
      rs_buf_reset(&msg);
      if (rs_buf_addf(&msg, "last %s request (of every log) in %s", title, hi->path) != RS_OK)
        rs_results_fail(&ctx->res, RS_E_NOMEM);
      rs_tl_add(&ctx->res, &hi->last[f], "Last Request", "iislog", msg.data, -1, hi->path,
                NULL);
    }
  }
  rs_buf_free(&msg);
}

static bool worker_setup(struct rs_scan_ctx *ctx, struct log_worker *w, struct rs_logq *q)
{
  struct rs_scan_ctx *p = &w->part;
  rs_ctx_init(p, ctx->opts);
  w->q = q;
  w->live = true;
  p->img = ctx->img;
  p->si.tz = ctx->si.tz;
  p->res.spill = ctx->res.spill; /* shared: adding to it is thread-safe */
  p->res.spill_shared = true;
  p->agg = rs_logagg_new();
  return p->agg != NULL;
}

/* Takes the next job (false: none left, or the scan stopped). */
static bool next_job(struct rs_logq *q, struct log_job *j)
{
  pthread_mutex_lock(&q->mu);
  while (q->next == q->njobs && !q->closed && !q->stop)
    pthread_cond_wait(&q->cv, &q->mu);
  bool got = !q->stop && q->next < q->njobs;
  if (got)
    *j = q->jobs[q->next++]; /* the path stays the queue's */
  pthread_mutex_unlock(&q->mu);
  return got;
}

static void *log_worker_run(void *arg)
{
  struct log_worker *w = arg;
  const struct rs_image *img = w->q->ctx->img;
  TSK_IMG_INFO *ti = NULL;
  TSK_FS_INFO *fs[64] = {0};
  if (w->own_handles && img->img) /* a collection is read without libtsk */
    ti = tsk_img_open_utf8(img->nseg, (const char *const *)img->segments, img->img->itype,
                           img->img->sector_size);
  struct rs_buf win = {0};
  struct log_job j;
  while (!rs_ctx_failed(&w->part) && next_job(w->q, &j)) {
    size_t u0 = w->part.res.nunr;
    const struct rs_volume *v = &img->vols[j.volume];
    TSK_FS_INFO *f = v->fs;
    if (w->own_handles && !v->coll) {
      f = NULL;
      if (ti && j.volume < 64) {
        if (!fs[j.volume])
          fs[j.volume] = tsk_fs_open_img(ti, v->fs->offset, v->fs->ftype);
        f = fs[j.volume];
      }
    }
    if (f || v->coll) /* a collection's logs are read from it (rs_coll_stream) */
      eval_log_file(&w->part, &j, f);
    else if (rs_win_path(&w->part, j.volume, j.path, &win))
      rs_results_unreadable(&w->part.res, "IIS log", win.data,
                            "the volume could not be opened again for the log reader");
    if (w->part.res.nunr > u0) {
      if (rs_results_grow(&w->part.res, (void **)&w->spans, &w->capspans, w->nspans,
                          sizeof *w->spans, 16))
        w->spans[w->nspans++] = (struct log_span){j.order, u0, w->part.res.nunr};
    }
  }
  rs_buf_free(&win);
  for (int i = 0; i < 64; i++)
    if (fs[i])
      tsk_fs_close(fs[i]);
  if (ti)
    tsk_img_close(ti);
  return NULL;
}

void rs_logs_found(struct rs_scan_ctx *ctx, const struct rs_cand *c)
{
  struct rs_logq *q = ctx->logq;
  if (!q) {
    /* --timeline-hits: the workers add to the spill from the start */
    if (ctx->opts->all_hits && !ctx->res.spill) {
      ctx->res.spill = rs_tl_spill_new(ctx->opts->tmp_dir, ctx->opts->spill_run);
      if (!ctx->res.spill) {
        rs_results_fail(&ctx->res, RS_E_NOMEM);
        return;
      }
    }
    q = calloc(1, sizeof *q);
    if (!q) {
      rs_results_fail(&ctx->res, RS_E_NOMEM);
      return;
    }
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    q->ctx = ctx;
    long long min = ctx->opts->log_parallel_min;
    q->threshold = min < 0 ? 0 : min == 0 ? RS_LOG_PARALLEL_MIN : (uint64_t)min;
    ctx->logq = q;
    if (!worker_setup(ctx, &q->w[0], q)) {
      rs_results_fail(&ctx->res, RS_E_NOMEM);
      return;
    }
  }
  char *path = rs_results_strdup(&ctx->res, c->path);
  if (!path)
    return;
  pthread_mutex_lock(&q->mu);
  bool ok = rs_results_grow(&ctx->res, (void **)&q->jobs, &q->capjobs, q->njobs,
                            sizeof *q->jobs, 64);
  if (ok) {
    q->jobs[q->njobs++] = (struct log_job){(size_t)(c - ctx->cands), c->volume, c->inum, path,
                                           c->allocated, c->size};
    q->bytes += c->size;
    pthread_cond_signal(&q->cv);
  }
  pthread_mutex_unlock(&q->mu);
  if (!ok) {
    free(path);
    return;
  }
  /* a collection stays on one thread: its reader (collect.c) keeps shared
   * state (the manifest, the problems list) that is not locked */
  if (!q->threaded && !ctx->img->coll && q->bytes >= q->threshold && !q->w[1].live) {
    struct log_worker *w = &q->w[1];
    if (!worker_setup(ctx, w, q)) {
      rs_results_fail(&ctx->res, RS_E_NOMEM);
      return;
    }
    w->own_handles = true;
    q->threaded = pthread_create(&q->th, NULL, log_worker_run, w) == 0;
  }
}

/* Stops the worker, if any, and frees the queue (the scan's end, or a
 * failure before the logs stage). */
void rs_logq_free(struct rs_scan_ctx *ctx)
{
  struct rs_logq *q = ctx->logq;
  if (!q)
    return;
  pthread_mutex_lock(&q->mu);
  q->closed = q->stop = true;
  pthread_cond_broadcast(&q->cv);
  pthread_mutex_unlock(&q->mu);
  if (q->threaded)
    pthread_join(q->th, NULL);
  for (int k = 0; k < RS_LOG_WORKERS; k++) {
    if (q->w[k].live)
      rs_ctx_free(&q->w[k].part);
    free(q->w[k].spans);
  }
  for (size_t i = 0; i < q->njobs; i++)
    free(q->jobs[i].path);
  free(q->jobs);
  pthread_cond_destroy(&q->cv);
  pthread_mutex_destroy(&q->mu);
  free(q);
  ctx->logq = NULL;
}

static int log_order_cmp(const void *a, const void *b)
{
  size_t x = ((const struct rs_log_file *)a)->order, y = ((const struct rs_log_file *)b)->order;
  return x < y ? -1 : x > y;
}

static int job_size_cmp(const void *a, const void *b)
{
  const struct log_job *x = a, *y = b;
  if (x->size != y->size)
    return x->size > y->size ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

int rs_crreq_cmp(const void *a, const void *b)
{
  const struct rs_cr_request *x = a, *y = b;
  int c = rs_time_cmp(&x->t, &y->t);
  if (!c)
    c = strcmp(x->file, y->file);
  return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

/* Cuts ctx's Code Red requests to the earliest max by (time, file, line). */
static void crreq_cut(struct rs_scan_ctx *ctx, size_t max)
{
  if (ctx->ncrreq <= max)
    return;
  qsort(ctx->crreq, ctx->ncrreq, sizeof *ctx->crreq, rs_crreq_cmp);
  for (size_t i = max; i < ctx->ncrreq; i++)
    free(ctx->crreq[i].file);
  ctx->crreq_dropped += ctx->ncrreq - max;
  ctx->ncrreq = max;
}

static void crreq_keep(struct rs_scan_ctx *ctx, const struct rs_time *t, const char *file,
                       uint64_t line, const char *ip)
{
  if (ctx->ncrreq >= 2 * (size_t)RS_CRREQ_MAX)
    crreq_cut(ctx, RS_CRREQ_MAX);
  if (!rs_results_grow(&ctx->res, (void **)&ctx->crreq, &ctx->capcrreq, ctx->ncrreq,
                       sizeof *ctx->crreq, 64))
    return;
  struct rs_cr_request *r = &ctx->crreq[ctx->ncrreq];
  memset(r, 0, sizeof *r);
  r->file = rs_results_strdup(&ctx->res, file ? file : "");
  if (!r->file)
    return;
  r->t = *t;
  r->line = line;
  snprintf(r->ip, sizeof r->ip, "%s", ip ? ip : "");
  ctx->ncrreq++;
}

struct span_ref {
  size_t order;
  int worker;
  size_t u0, u1;
};

static int span_cmp(const void *a, const void *b)
{
  const struct span_ref *x = a, *y = b;
  return x->order < y->order ? -1 : x->order > y->order;
}

static void merge_worker(struct rs_scan_ctx *ctx, struct rs_scan_ctx *p)
{
  rs_logagg_merge(ctx->agg, p->agg);
  if (rs_logagg_nomem(p->agg) || rs_logagg_nomem(ctx->agg))
    rs_results_fail(&ctx->res, RS_E_NOMEM);
  for (int f = 0; f < RS_FAM__COUNT; f++)
    ctx->hits[f] += p->hits[f];
  ctx->cr_2xx += p->cr_2xx;
  /* moved whole; cut to RS_CRREQ_MAX once every worker is in */
  if (p->ncrreq && rs_results_grow(&ctx->res, (void **)&ctx->crreq, &ctx->capcrreq,
                                   ctx->ncrreq + p->ncrreq - 1, sizeof *ctx->crreq, 64)) {
    memcpy(ctx->crreq + ctx->ncrreq, p->crreq, p->ncrreq * sizeof *p->crreq);
    ctx->ncrreq += p->ncrreq;
    p->ncrreq = 0;
  }
  ctx->crreq_dropped += p->crreq_dropped;
  ctx->nlogs += p->nlogs;
  for (size_t i = 0; i < p->ndays; i++) {
    struct rs_day_count *c = day_slot(ctx, p->days[i].day);
    if (!c)
      continue;
    for (int f = 0; f < RS_FAM__COUNT; f++)
      c->hits[f] += p->days[i].hits[f];
    for (int k = 0; k < RS_SC__COUNT; k++)
      c->status[k] += p->days[i].status[k];
  }
  /* the unreadable entries are merged apart, in walk order (merge_unreadable) */
  size_t nunr = p->res.nunr;
  p->res.nunr = 0;
  rs_results_merge(&ctx->res, &p->res);
  p->res.nunr = nunr;
  for (size_t i = 0; i < p->nlogf; i++) {
    if (!rs_results_grow(&ctx->res, (void **)&ctx->logf, &ctx->caplogf, ctx->nlogf,
                         sizeof *ctx->logf, 16))
      return;
    ctx->logf[ctx->nlogf++] = p->logf[i];
    p->logf[i].path = NULL; /* moved */
  }
}

static void merge_unreadable(struct rs_scan_ctx *ctx, struct rs_logq *q)
{
  size_t n = 0;
  for (int k = 0; k < RS_LOG_WORKERS; k++)
    n += q->w[k].nspans;
  if (n == 0)
    return;
  struct span_ref *s = calloc(n, sizeof *s);
  if (!s) {
    rs_results_fail(&ctx->res, RS_E_NOMEM);
    return;
  }
  n = 0;
  for (int k = 0; k < RS_LOG_WORKERS; k++)
    for (size_t i = 0; i < q->w[k].nspans; i++) {
      const struct log_span *x = &q->w[k].spans[i];
      s[n++] = (struct span_ref){x->order, k, x->u0, x->u1};
    }
  qsort(s, n, sizeof *s, span_cmp); /* one span per file: orders are distinct */
  for (size_t i = 0; i < n; i++) {
    const struct rs_results *r = &q->w[s[i].worker].part.res;
    for (size_t u = s[i].u0; u < s[i].u1 && u < r->nunr; u++)
      rs_results_unreadable(&ctx->res, r->unr[u].what, r->unr[u].where, r->unr[u].reason);
  }
  free(s);
}

/* The logs stage's part of the reading: no more logs will come; the scan's
 * thread reads what is left beside the worker, then everything is merged. */
static void eval_logs(struct rs_scan_ctx *ctx)
{
  struct rs_logq *q = ctx->logq;
  if (!q)
    return;
  pthread_mutex_lock(&q->mu);
  q->closed = true;
  /* what is left, largest first: the two threads end close together */
  if (q->njobs - q->next > 1)
    qsort(q->jobs + q->next, q->njobs - q->next, sizeof *q->jobs, job_size_cmp);
  pthread_cond_broadcast(&q->cv);
  pthread_mutex_unlock(&q->mu);
  struct log_worker *w0 = &q->w[0];
  w0->own_handles = false; /* the walk's handles: no other thread uses them now */
  log_worker_run(w0);
  if (q->threaded) {
    pthread_join(q->th, NULL);
    q->threaded = false;
  }
  for (int k = 0; k < RS_LOG_WORKERS; k++)
    if (q->w[k].live)
      merge_worker(ctx, &q->w[k].part);
  merge_unreadable(ctx, q);
  crreq_cut(ctx, RS_CRREQ_MAX);
  /* back into walk order */
  if (ctx->nlogf > 1)
    qsort(ctx->logf, ctx->nlogf, sizeof *ctx->logf, log_order_cmp);
  family_first_last(ctx);
  rs_logq_free(ctx);
}

static enum rs_family family_by_key(const char *key)
{
  for (int f = 0; f < RS_FAM__COUNT; f++)
    if (strcmp(rs_family_key((enum rs_family)f), key) == 0)
      return (enum rs_family)f;
  return RS_FAM_NONE;
}

static void log_findings(struct rs_scan_ctx *ctx)
{
  struct rs_buf msg = {0};
  rs_buf_init(&msg, 1u << 12); /* request 512, address 64 (rs_backdoor_use) */
  for (size_t i = 0; i < rs_ncheck && !rs_ctx_failed(ctx); i++) {
    const struct rs_check *c = &rs_checks[i];
    if (c->kind == RS_K_LOG_FAMILY) {
      enum rs_family fam = family_by_key(c->name);
      const struct rs_family_stats *fs = rs_logagg_family(ctx->agg, fam);
      if (fam == RS_FAM_NONE || !fs || fs->hits == 0)
        continue;
      struct rs_finding *f = rs_results_add_finding(&ctx->res, c, RS_FD_LOG_FAMILY, true, -1,
                                                    c->name);
      if (f)
        f->u.fam = *fs;
    } else if (c->kind == RS_K_LOG_BACKDOOR) {
      const struct rs_backdoor_use *u = NULL;
      size_t n = rs_logagg_backdoor_uses(ctx->agg, &u);
      if (n == 0)
        continue;
      struct rs_finding *f = rs_results_add_finding(&ctx->res, c, RS_FD_BACKDOOR, true, -1,
                                                    "backdoor");
      if (!f)
        continue;
      f->u.bd.uses = n;
      /* first/last over the uses with a UTC time (sorted by time, so the
       * first and last such entries); unconverted local times stay out */
      const struct rs_time *t0 = NULL, *t1 = NULL;
      size_t nlocal = 0;
      for (size_t k = 0; k < n; k++) {
        if (!u[k].utc || !u[k].when.set) {
          nlocal += u[k].when.set;
          continue;
        }
        if (!t0)
          t0 = &u[k].when;
        t1 = &u[k].when;
      }
      f->u.bd.first = t0 ? *t0 : RS_TIME_UNSET;
      f->u.bd.last = t1 ? *t1 : RS_TIME_UNSET;
      f->u.bd.nlocal = nlocal;
      for (size_t k = 0; k < n; k++) {
        if (!u[k].utc)
          continue;
        rs_buf_reset(&msg);
        if (!rs_ctx_buf(ctx, rs_buf_addf(&msg, "backdoor used: %s -> %d from %s (line %llu)",
                                         u[k].request, u[k].status, u[k].ip,
                                         (unsigned long long)u[k].line)))
          break;
        rs_tl_add(&ctx->res, &u[k].when, "Request Time", "iislog", msg.data, (int)f->seq,
                  u[k].file, u[k].ip);
      }
    }
  }
  rs_buf_free(&msg);
}

void rs_stage_logs(struct rs_scan_ctx *ctx)
{
  ctx->agg = rs_logagg_new();
  if (ctx->opts->all_hits && !ctx->res.spill)
    ctx->res.spill = rs_tl_spill_new(ctx->opts->tmp_dir, ctx->opts->spill_run);
  if (!ctx->agg || (ctx->opts->all_hits && !ctx->res.spill)) {
    rs_results_fail(&ctx->res, RS_E_NOMEM);
    return;
  }
  eval_logs(ctx);
  log_findings(ctx);
}
