/* Stage "idq": every idq.dll copy, its version and patch state; then the
 * patch rows over the live copy. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/stage.h"


static void eval_idq(struct rs_scan_ctx *ctx)
{
  const struct rs_check *chk = NULL;
  for (size_t i = 0; i < rs_ncheck; i++)
    if (rs_checks[i].kind == RS_K_PE_IDQ)
      chk = &rs_checks[i];
  for (size_t i = 0; i < ctx->ncand; i++) {
    struct rs_cand *c = &ctx->cands[i];
    if (c->kind != RS_C_IDQ)
      continue;
    TSK_FS_INFO *fs = ctx->img->vols[c->volume].fs;
    char win[1200];
    rs_win_path(ctx, c->volume, c->path, win, sizeof win);
    struct rs_diag d;
    rs_diag_clear(&d);
    uint8_t *data = NULL;
    size_t len = 0;
    struct rs_pe_info pi;
    memset(&pi, 0, sizeof pi);
    bool pe_ok = false;
    enum rs_err e = rs_file_read(fs, c->inum, RS_PE_MAX, false, &data, &len, &d);
    bool have_ver = false;
    if (e == RS_OK && data) {
      e = rs_pe_read(data, len, &pi, &d);
      pe_ok = e == RS_OK;
      /* a damaged resource tree may still have yielded the fixed version */
      have_ver = (e == RS_OK || e == RS_E_CORRUPT || e == RS_E_TRUNCATED) && pi.has_version;
    }
    if (!pe_ok && c->allocated)
      rs_ctx_unreadable(ctx, "PE file", win, d.what[0] ? d.what : rs_err_text(e));
    /* hash the bytes the PE reader saw; stream only a file too big to hold */
    struct rs_file_digest dg;
    memset(&dg, 0, sizeof dg);
    if (data)
      rs_digest_mem(data, len, &dg, NULL);
    else
      rs_file_digest(fs, c->inum, &dg, NULL);
    free(data);
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
    json_t *o = json_object();
    json_object_set_new(o, "volume", json_integer(c->volume));
    json_object_set_new(o, "path", rs_json_str(win));
    json_object_set_new(o, "file_version", in.has_version ? json_string(pi.file_version_str)
                                                          : json_null());
    json_object_set_new(o, "size", json_integer((json_int_t)c->size));
    json_object_set_new(o, "sha256", dg.done ? json_string(dg.sha256) : json_null());
    struct rs_time pt = rs_time_from_unix(pi.timestamp, 0, 0);
    json_object_set_new(o, "pe_timestamp_utc", pe_ok && pi.timestamp ? rs_json_time(&pt)
                                                                      : json_null());
    json_object_set_new(o, "role", json_string(c->role));
    json_object_set_new(o, "allocated", json_boolean(c->allocated));
    json_object_set_new(o, "patched", r.state == RS_PATCH_FIXED        ? json_true()
                                      : r.state == RS_PATCH_VULNERABLE ? json_false()
                                                                       : json_null());
    json_object_set_new(o, "state", json_string(rs_patch_state_name(r.state)));
    json_object_set_new(o, "rule", rs_json_str(r.rule));
    json_object_set_new(o, "why", rs_json_str(r.why));
    /* what the language-specific rows saw, and where it came from */
    char lang[64] = "";
    if (pi.has_sfi_lang)
      snprintf(lang, sizeof lang, "%04x (%s; version resource)", pi.sfi_langid,
               in.language ? in.language : "neither English nor Japanese");
    json_object_set_new(o, "language", lang[0] ? json_string(lang) : json_null());
    json_array_append_new(ctx->idq_list, o);
    if (chk) {
      struct rs_file_digest *dgp = &dg;
      struct rs_find *f = rs_file_finding(ctx, chk, c, dgp);
      if (f) {
        f->live = active && c->volume == ctx->sys_volume;
        f->current_source = f->live;
        json_object_set_new(f->obj, "live", json_boolean(f->live));
        char title[200];
        snprintf(title, sizeof title, "idq.dll %s (%s copy): %s",
                 in.has_version ? pi.file_version_str : "without version", c->role,
                 rs_patch_state_name(r.state));
        json_object_set_new(f->obj, "title", json_string(title));
        if (r.state == RS_PATCH_VULNERABLE && f->live)
          json_object_set_new(f->obj, "severity", json_string("high"));
        json_t *det = json_object_get(f->obj, "details");
        json_object_set_new(det, "file_version", in.has_version ? json_string(pi.file_version_str)
                                                                : json_null());
        json_object_set_new(det, "role", json_string(c->role));
        json_object_set_new(det, "state", json_string(rs_patch_state_name(r.state)));
        json_object_set_new(det, "rule", rs_json_str(r.rule));
        json_object_set_new(det, "decided_by", rs_json_str(r.why));
        if (pe_ok && pi.timestamp)
          rs_tl_add(ctx, &pt, "PE Compile Time", "pe", title, (int)f->seq, win, NULL);
      }
    }
  }
}

void rs_stage_idq(struct rs_scan_ctx *ctx)
{
  eval_idq(ctx);
  rs_checks_eval_patch(ctx);
}
