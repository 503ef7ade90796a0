/* Stage "idq": every idq.dll copy, its version and patch state; then the
 * patch rows over the live copy. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/buf.h"
#include "redsleuth/collect.h"
#include "scan/stage.h"


static char *dup_or_null(struct rs_scan_ctx *ctx, bool have, const char *s)
{
  return have ? rs_results_strdup(&ctx->res, s) : NULL;
}

static void eval_idq(struct rs_scan_ctx *ctx)
{
  const struct rs_check *chk = NULL;
  for (size_t i = 0; i < rs_ncheck; i++)
    if (rs_checks[i].kind == RS_K_PE_IDQ)
      chk = &rs_checks[i];
  struct rs_buf win = {0};
  struct rs_buf title = {0};
  rs_buf_init(&title, 4096);
  for (size_t i = 0; i < ctx->ncand && !rs_ctx_failed(ctx); i++) {
    struct rs_cand *c = &ctx->cands[i];
    if (c->kind != RS_C_IDQ)
      continue;
    const struct rs_volume *fs = &ctx->img->vols[c->volume];
    if (!rs_win_path(ctx, c->volume, c->path, &win))
      break;
    struct rs_diag d;
    rs_diag_clear(&d);
    uint8_t *data = NULL;
    size_t len = 0;
    struct rs_pe_info pi;
    memset(&pi, 0, sizeof pi);
    bool pe_ok = false;
    enum rs_err e = rs_vfile_read(fs, c->inum, RS_PE_MAX, false, &data, &len, &d);
    bool have_ver = false;
    if (e == RS_OK && data) {
      e = rs_pe_read(data, len, &pi, &d);
      pe_ok = e == RS_OK;
      /* a damaged resource tree may still have yielded the fixed version */
      have_ver = (e == RS_OK || e == RS_E_CORRUPT || e == RS_E_TRUNCATED) && pi.has_version;
    }
    if (!pe_ok && (c->allocated || e == RS_E_NOMEM))
      rs_ctx_unreadable(ctx, "PE file", win.data, e, d.what);
    /* hash the bytes the PE reader saw; stream only a file too big to hold */
    struct rs_file_digest dg;
    memset(&dg, 0, sizeof dg);
    enum rs_err he = data ? rs_digest_mem(data, len, &dg, NULL) : rs_vfile_digest(fs, c->inum, &dg, NULL);
    free(data);
    if (he == RS_E_NOMEM)
      rs_results_fail(&ctx->res, he);
    if (c->allocated)
      ctx->idq_any = true;
    struct rs_idq_input in;
    memset(&in, 0, sizeof in);
    in.has_version = have_ver;
    if (in.has_version)
      memcpy(in.version, pi.file_version, sizeof in.version);
    in.size = c->size;
    in.file_date = c->si[1];
    in.pe_timestamp = pi.timestamp;
    in.os_major = ctx->si.os_major;
    in.service_pack = ctx->si.service_pack;
    in.iis_major = ctx->si.iis_major.present && ctx->si.iis_major.dword < 100
                       ? (int)ctx->si.iis_major.dword
                       : 0;
    /* the build's language, from the file's own version resource (issue 4:
     * the English and Japanese NT4 fix builds kept 5.0.1781.3 but differ in
     * date); other languages, or none, leave it unknown */
    in.language = !pi.has_sfi_lang                        ? NULL
                  : (pi.sfi_langid & 0x3FF) == 0x09 ? "en"
                  : (pi.sfi_langid & 0x3FF) == 0x11 ? "ja"
                                                    : NULL;
    struct rs_idq_result r;
    rs_idq_classify(&in, &r);
    bool active = strcmp(c->role, "active") == 0;
    if (active && c->volume == ctx->sys_volume) {
      ctx->idq_active_found = true;
      ctx->idq_active_state = r.state;
    }
    if (!rs_results_grow(&ctx->res, (void **)&ctx->idqs, &ctx->capidq, ctx->nidq,
                         sizeof *ctx->idqs, 4))
      break;
    struct rs_idq_copy *q = &ctx->idqs[ctx->nidq++];
    memset(q, 0, sizeof *q);
    q->volume = c->volume;
    q->path = rs_results_strdup(&ctx->res, win.data);
    q->file_version = dup_or_null(ctx, in.has_version, pi.file_version_str);
    q->size = c->size;
    q->digest = dg.done;
    memcpy(q->sha256, dg.sha256, sizeof q->sha256);
    struct rs_time pt = rs_time_from_unix(pi.timestamp, 0, 0);
    if (pe_ok && pi.timestamp)
      q->pe_time = pt;
    snprintf(q->role, sizeof q->role, "%s", c->role);
    q->allocated = c->allocated;
    q->state = r.state;
    q->rule = r.rule;
    q->why = rs_results_strdup(&ctx->res, r.why);
    /* what the language-specific rows saw, and where it came from */
    char lang[64] = "";
    if (pi.has_sfi_lang)
      snprintf(lang, sizeof lang, "%04x (%s; version resource)", pi.sfi_langid,
               in.language ? in.language : "neither English nor Japanese");
    q->language = dup_or_null(ctx, lang[0], lang);
    if (!chk)
      continue;
    struct rs_finding *f = rs_file_finding(ctx, chk, c, &dg);
    if (!f)
      break;
    f->live = active && c->volume == ctx->sys_volume;
    f->current_source = f->live;
    rs_buf_reset(&title);
    if (rs_buf_addf(&title, "idq.dll %s (%s copy): %s",
                    in.has_version ? pi.file_version_str : "without version", c->role,
                    rs_patch_state_name(r.state)) != RS_OK) {
      rs_results_fail(&ctx->res, RS_E_NOMEM);
      break;
    }
    f->title = rs_results_strdup(&ctx->res, title.data);
    if (r.state == RS_PATCH_VULNERABLE && f->live)
      f->severity = "high";
    struct rs_file_detail *fd = &f->u.file;
    fd->idq = true;
    fd->file_version = dup_or_null(ctx, in.has_version, pi.file_version_str);
    snprintf(fd->role, sizeof fd->role, "%s", c->role);
    fd->state = r.state;
    fd->rule = r.rule;
    fd->decided_by = rs_results_strdup(&ctx->res, r.why);
    if (pe_ok && pi.timestamp)
      rs_tl_add(&ctx->res, &pt, "PE Compile Time", "pe", title.data, (int)f->seq, win.data, NULL);
  }
  rs_buf_free(&win);
  rs_buf_free(&title);
}

void rs_stage_idq(struct rs_scan_ctx *ctx)
{
  eval_idq(ctx);
  rs_checks_eval_patch(&ctx->res, ctx->sys_volume, &ctx->si, ctx->idq_active_found,
                       ctx->idq_active_state);
}
