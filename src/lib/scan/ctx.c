/* The scan context: set-up, Windows paths, the verdict's view, release. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redsleuth/buf.h"
#include "scan/stage.h"

#define RS_PATH_MAX (1u << 16) /* a Windows path, drive and all: NTFS allows 32,767 chars */

void rs_ctx_init(struct rs_scan_ctx *ctx, const struct rs_run_opts *o)
{
  memset(ctx, 0, sizeof *ctx);
  ctx->opts = o;
  ctx->sys_volume = -1;
  ctx->map_ida = ctx->map_idq = -1;
  rs_results_init(&ctx->res);
  rs_sysinfo_init(&ctx->si);
}

bool rs_win_path(struct rs_scan_ctx *ctx, int vol, const char *tsk_path, struct rs_buf *out)
{
  if (out->max == 0)
    rs_buf_init(out, RS_PATH_MAX);
  rs_buf_reset(out);
  const char *drive = vol >= 0 && vol < ctx->img->nvol ? ctx->img->vols[vol].drive : "";
  enum rs_err e = RS_OK;
  if (drive[0])
    e = rs_buf_adds(out, drive);
  else if (vol >= 0)
    e = rs_buf_addf(out, "[volume %d]", vol);
  size_t start = out->len;
  if (e == RS_OK)
    e = rs_buf_adds(out, tsk_path);
  if (e == RS_OK && !out->data)
    e = rs_buf_add(out, "", 0);
  if (e == RS_E_NOMEM) {
    rs_results_fail(&ctx->res, RS_E_NOMEM);
    return false;
  }
  if (e != RS_OK) /* past the bound: cut, as the evidence allows no longer path */
    return out->data != NULL;
  for (size_t i = start; i < out->len; i++)
    if (out->data[i] == '/')
      out->data[i] = '\\';
  return true;
}

void rs_ctx_unreadable(struct rs_scan_ctx *ctx, const char *what, const char *where,
                       enum rs_err e, const char *why)
{
  if (e == RS_E_NOMEM) {
    rs_results_fail(&ctx->res, RS_E_NOMEM);
    return;
  }
  rs_results_unreadable(&ctx->res, what, where, why && why[0] ? why : rs_err_text(e));
}

void rs_ctx_verdict_facts(const struct rs_scan_ctx *ctx, struct rs_verdict_facts *x)
{
  memset(x, 0, sizeof *x);
  x->si = &ctx->si;
  x->have_system = ctx->have_system;
  x->have_software = ctx->have_software;
  x->map_ida = ctx->map_ida;
  x->map_idq = ctx->map_idq;
  x->idq_active_found = ctx->idq_active_found;
  x->idq_active_state = ctx->idq_active_state;
  x->idq_any = ctx->idq_any;
  x->nwalked = ctx->nwalked;
  x->nlogs = ctx->nlogs;
  x->cr_2xx = ctx->cr_2xx;
  x->have_sam = ctx->have_sam;
  /* the last 2xx over every log, then the first 4xx after it: in the log of
   * that 2xx, the first 4xx after it there; in a later log, its first 4xx */
  const struct rs_log_file *l2 = NULL, *l4 = NULL;
  for (size_t i = 0; i < ctx->nlogf; i++)
    if (ctx->logf[i].last2xx.set &&
        (!l2 || rs_time_cmp(&ctx->logf[i].last2xx, &l2->last2xx) > 0))
      l2 = &ctx->logf[i];
  if (l2) {
    x->last_2xx = l2->last2xx;
    snprintf(x->last_2xx_where, sizeof x->last_2xx_where, "IIS log %.600s line %llu (status %d)",
             l2->path, (unsigned long long)l2->last2xx_line, l2->last2xx_status);
    struct rs_time best = RS_TIME_UNSET;
    uint64_t line = 0;
    int st = 0;
    for (size_t i = 0; i < ctx->nlogf; i++) {
      const struct rs_log_file *lf = &ctx->logf[i];
      const struct rs_time *t = lf == l2 ? &lf->after4xx : &lf->first4xx;
      if (lf != l2 && t->set && rs_time_cmp(t, &l2->last2xx) <= 0)
        continue; /* an older log's refusals are not after the fix */
      if (t->set && (!best.set || rs_time_cmp(t, &best) < 0)) {
        best = *t;
        l4 = lf;
        line = lf == l2 ? lf->after4xx_line : lf->first4xx_line;
        st = lf == l2 ? lf->after4xx_status : lf->first4xx_status;
      }
    }
    if (l4) {
      x->first_4xx_after = best;
      snprintf(x->first_4xx_where, sizeof x->first_4xx_where,
               "IIS log %.600s line %llu (status %d)", l4->path, (unsigned long long)line, st);
    }
  }
  rs_evt_verdict_facts(ctx, x);
  /* the live current control set's Virtual Roots key: when the registry
   * backdoor was removed (story) */
  const char *cs = ctx->si.current_control_set;
  static const char tail[] = "\\Services\\W3SVC\\Parameters\\Virtual Roots";
  size_t lt = strlen(tail), lc = strlen(cs);
  for (size_t i = 0; cs[0] && i < ctx->nregvals; i++) {
    const struct rs_regval_read *rv = &ctx->regvals[i];
    size_t lk = strlen(rv->v.key);
    if (strcmp(rv->role, "live") || lk != lc + lt || strncmp(rv->v.key, cs, lc) ||
        strcmp(rv->v.key + lc, tail) || !rv->v.key_written.set)
      continue;
    if (!x->vroots_key[0] || rs_time_cmp(&rv->v.key_written, &x->vroots_written) > 0) {
      x->vroots_written = rv->v.key_written;
      snprintf(x->vroots_key, sizeof x->vroots_key, "%s (%s)", rv->v.key, rv->v.hive);
    }
  }
}

void rs_ctx_free(struct rs_scan_ctx *ctx)
{
  rs_logq_free(ctx); /* first: its worker reads the candidates' image */
  for (size_t i = 0; i < ctx->ncand; i++)
    free(ctx->cands[i].path);
  free(ctx->cands);
  for (size_t i = 0; i < ctx->nhives; i++) {
    free(ctx->hives[i].path);
    free(ctx->hives[i].error);
  }
  free(ctx->hives);
  for (size_t i = 0; i < ctx->nidq; i++) {
    free(ctx->idqs[i].path);
    free(ctx->idqs[i].file_version);
    free(ctx->idqs[i].why);
    free(ctx->idqs[i].language);
  }
  free(ctx->idqs);
  for (size_t i = 0; i < ctx->nlogf; i++)
    free(ctx->logf[i].path);
  free(ctx->logf);
  rs_logagg_free(ctx->agg);
  free(ctx->regvals);
  free(ctx->days);
  for (size_t i = 0; i < ctx->ncrreq; i++)
    free(ctx->crreq[i].file);
  free(ctx->crreq);
  rs_evt_scan_free(ctx->evt);
  for (size_t i = 0; i < ctx->nregions; i++) {
    free(ctx->regions[i].path);
    free(ctx->regions[i].note);
  }
  free(ctx->regions);
  rs_content_free(ctx->content);
  rs_results_free(&ctx->res);
}
