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
#include "scan/stage.h"


struct log_arg {
  struct rs_scan_ctx *ctx;
  const char *win;
  struct rs_time first[RS_FAM__COUNT], last[RS_FAM__COUNT];
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

/* Adds n hits of family f on day (days since the epoch, UTC). */
static void day_count(struct rs_scan_ctx *ctx, int64_t day, enum rs_family f, uint64_t n)
{
  for (size_t i = ctx->ndays; i-- > 0;) {
    if (ctx->days[i].day == day) {
      ctx->days[i].hits[f] += n;
      return;
    }
  }
  if (ctx->ndays >= RS_DAYS_MAX)
    return;
  if (!rs_results_grow(&ctx->res, (void **)&ctx->days, &ctx->capdays, ctx->ndays,
                       sizeof *ctx->days, 16))
    return;
  memset(&ctx->days[ctx->ndays], 0, sizeof ctx->days[0]);
  ctx->days[ctx->ndays].day = day;
  ctx->days[ctx->ndays].hits[f] = n;
  ctx->ndays++;
}

static void day_add(struct rs_scan_ctx *ctx, const struct rs_time *t, enum rs_family f)
{
  day_count(ctx, t->sec >= 0 ? t->sec / 86400 : (t->sec - 86399) / 86400, f, 1);
}

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
    day_add(ctx, &r->when, r->family);
  if ((r->family == RS_FAM_CODERED1 || r->family == RS_FAM_CODERED2 ||
       r->family == RS_FAM_CODERED_UNKNOWN) &&
      r->when.set && r->utc && r->has_date) {
    rs_crreq_add(ctx, &r->when, la->win, r->line, r->client_ip);
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
    char msg[900];
    snprintf(msg, sizeof msg, "%s: %s %s%s%s -> %d (line %llu)", rs_family_title(r->family),
             r->method, r->stem, r->query && *r->query && strcmp(r->query, "-") ? "?" : "",
             r->query && strcmp(r->query, "-") ? r->query : "", r->status,
             (unsigned long long)r->line);
    /* one entry per worm request: millions on a busy server, so they go to
     * the spill (a temporary file), not to memory */
    rs_tl_add_spilled(&ctx->res, &r->when, "Request Time", "iislog", msg, la->win, r->client_ip);
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

/* Parses one log file into ctx (a worker's partial context: see
 * eval_logs), reading it through fs (that worker's own TSK handle). */
static void eval_log_file(struct rs_scan_ctx *ctx, const struct rs_cand *c, size_t order,
                          TSK_FS_INFO *fs)
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
  struct rs_diag d;
  rs_diag_clear(&d);
  struct rs_iislog *p = NULL;
  enum rs_err e = rs_iislog_open(base, RS_LOGFMT_UNKNOWN, &ctx->si.tz, log_cb, la, &p, &d);
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
    e = rs_file_stream(fs, c->inum, RS_LOG_CHUNK, stream_cb, &sa, &d);
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
      lf->order = order;
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

/* Log parsing is the costliest step after the walk (hundreds of MB on a busy
 * server), so the log files are shared out to two workers. libtsk handles
 * are never shared between threads: each worker opens the image and the
 * file systems again. Each fills its own partial context; the partials are
 * merged in worker order and the file list is sorted back into walk order,
 * so the report does not depend on scheduling. */
#define RS_LOG_WORKERS 2
#define RS_LOG_PARALLEL_MIN (64u << 20) /* below this, one thread is faster */

struct log_worker {
  struct rs_scan_ctx part;
  const struct rs_scan_ctx *ctx;
  size_t *files;            /* indices into ctx->cands */
  size_t nfiles;
  uint64_t bytes;
  bool own_handles;         /* open private TSK handles (threaded) */
};

static void *log_worker_run(void *arg)
{
  struct log_worker *w = arg;
  const struct rs_scan_ctx *ctx = w->ctx;
  const struct rs_image *img = ctx->img;
  TSK_IMG_INFO *ti = NULL;
  TSK_FS_INFO *fs[64] = {0};
  if (w->own_handles)
    ti = tsk_img_open_utf8(img->nseg, (const char *const *)img->segments, img->img->itype,
                           img->img->sector_size);
  struct rs_buf win = {0};
  for (size_t k = 0; k < w->nfiles && !rs_ctx_failed(&w->part); k++) {
    const struct rs_cand *c = &ctx->cands[w->files[k]];
    const struct rs_volume *v = &img->vols[c->volume];
    TSK_FS_INFO *f = v->fs;
    if (w->own_handles) {
      f = NULL;
      if (ti && c->volume < 64) {
        if (!fs[c->volume])
          fs[c->volume] = tsk_fs_open_img(ti, v->fs->offset, v->fs->ftype);
        f = fs[c->volume];
      }
      if (!f) {
        if (rs_win_path(&w->part, c->volume, c->path, &win))
          rs_results_unreadable(&w->part.res, "IIS log", win.data,
                                "the volume could not be opened again for the log reader");
        continue;
      }
    }
    eval_log_file(&w->part, c, w->files[k], f);
  }
  rs_buf_free(&win);
  for (int i = 0; i < 64; i++)
    if (fs[i])
      tsk_fs_close(fs[i]);
  if (ti)
    tsk_img_close(ti);
  return NULL;
}

static int log_order_cmp(const void *a, const void *b)
{
  size_t x = ((const struct rs_log_file *)a)->order, y = ((const struct rs_log_file *)b)->order;
  return x < y ? -1 : x > y;
}

static void merge_worker(struct rs_scan_ctx *ctx, struct rs_scan_ctx *p)
{
  rs_logagg_merge(ctx->agg, p->agg);
  if (rs_logagg_nomem(p->agg) || rs_logagg_nomem(ctx->agg))
    rs_results_fail(&ctx->res, RS_E_NOMEM);
  for (int f = 0; f < RS_FAM__COUNT; f++)
    ctx->hits[f] += p->hits[f];
  ctx->cr_2xx += p->cr_2xx;
  for (size_t i = 0; i < p->ncrreq; i++) {
    rs_crreq_add(ctx, &p->crreq[i].t, p->crreq[i].file, p->crreq[i].line, p->crreq[i].ip);
  }
  ctx->crreq_dropped += p->crreq_dropped;
  ctx->nlogs += p->nlogs;
  for (size_t i = 0; i < p->ndays; i++)
    for (int f = 0; f < RS_FAM__COUNT; f++)
      if (p->days[i].hits[f])
        day_count(ctx, p->days[i].day, (enum rs_family)f, p->days[i].hits[f]);
  rs_results_merge(&ctx->res, &p->res);
  for (size_t i = 0; i < p->nlogf; i++) {
    if (!rs_results_grow(&ctx->res, (void **)&ctx->logf, &ctx->caplogf, ctx->nlogf,
                         sizeof *ctx->logf, 16))
      return;
    ctx->logf[ctx->nlogf++] = p->logf[i];
    p->logf[i].path = NULL; /* moved */
  }
}

static void eval_logs(struct rs_scan_ctx *ctx)
{
  struct log_worker w[RS_LOG_WORKERS];
  memset(w, 0, sizeof w);
  size_t nlog = 0;
  uint64_t total = 0;
  for (size_t i = 0; i < ctx->ncand; i++)
    if (ctx->cands[i].kind == RS_C_LOG) {
      nlog++;
      total += ctx->cands[i].size;
    }
  if (nlog == 0)
    return;
  long long min = ctx->opts->log_parallel_min;
  uint64_t threshold = min < 0 ? 0 : min == 0 ? RS_LOG_PARALLEL_MIN : (uint64_t)min;
  int nw = nlog > 1 && total >= threshold ? RS_LOG_WORKERS : 1;
  bool ok = true;
  for (int k = 0; k < nw; k++) {
    w[k].ctx = ctx;
    w[k].own_handles = nw > 1;
    struct rs_scan_ctx *p = &w[k].part;
    rs_ctx_init(p, ctx->opts);
    p->img = ctx->img;
    p->si.tz = ctx->si.tz;
    p->res.spill = ctx->res.spill; /* shared: adding to it is thread-safe */
    p->res.spill_shared = true;
    w[k].files = calloc(nlog, sizeof *w[k].files);
    p->agg = rs_logagg_new();
    if (!w[k].files || !p->agg)
      ok = false;
  }
  /* largest files first, each to the less loaded worker: deterministic */
  size_t *order = ok ? calloc(nlog, sizeof *order) : NULL;
  if (!order)
    ok = false;
  size_t no = 0;
  for (size_t i = 0; ok && i < ctx->ncand; i++)
    if (ctx->cands[i].kind == RS_C_LOG)
      order[no++] = i;
  for (size_t a = 1; a < no; a++) /* insertion sort: size desc, then walk order */
    for (size_t b = a; b > 0 && ctx->cands[order[b]].size > ctx->cands[order[b - 1]].size; b--) {
      size_t t = order[b];
      order[b] = order[b - 1];
      order[b - 1] = t;
    }
  for (size_t i = 0; i < no; i++) {
    int k = 0;
    for (int j = 1; j < nw; j++)
      if (w[j].bytes < w[k].bytes)
        k = j;
    w[k].files[w[k].nfiles++] = order[i];
    w[k].bytes += ctx->cands[order[i]].size;
  }
  free(order);
  if (ok) {
    pthread_t th[RS_LOG_WORKERS];
    bool started[RS_LOG_WORKERS] = {false};
    for (int k = 1; k < nw; k++)
      started[k] = pthread_create(&th[k], NULL, log_worker_run, &w[k]) == 0;
    log_worker_run(&w[0]);
    for (int k = 1; k < nw; k++) {
      if (started[k])
        pthread_join(th[k], NULL);
      else
        log_worker_run(&w[k]);
    }
  } else {
    rs_results_fail(&ctx->res, RS_E_NOMEM);
  }
  for (int k = 0; k < nw; k++) {
    struct rs_scan_ctx *p = &w[k].part;
    if (ok)
      merge_worker(ctx, p);
    rs_ctx_free(p);
    free(w[k].files);
  }
  /* back into walk order */
  if (ctx->nlogf > 1)
    qsort(ctx->logf, ctx->nlogf, sizeof *ctx->logf, log_order_cmp);
  family_first_last(ctx);
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
        char msg[900];
        snprintf(msg, sizeof msg, "backdoor used: %s -> %d from %s (line %llu)", u[k].request,
                 u[k].status, u[k].ip, (unsigned long long)u[k].line);
        rs_tl_add(&ctx->res, &u[k].when, "Request Time", "iislog", msg, (int)f->seq, u[k].file,
                  u[k].ip);
      }
    }
  }
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
