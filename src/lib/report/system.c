/* The report's "system" block. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/report.h"


static json_t *regval_data(const struct rs_regval *v)
{
  return v->present ? rs_json_str(v->data) : json_null();
}

json_t *rs_report_system(struct rs_jb *jb, struct rs_scan_ctx *ctx)
{
  const struct rs_sysinfo *si = &ctx->si;
  json_t *s = json_object();
  json_t *os = json_object();
  rs_jset(jb, os, "product", regval_data(&si->product_name));
  rs_jset(jb, os, "version", regval_data(&si->current_version));
  rs_jset(jb, os, "build", regval_data(&si->build));
  rs_jset(jb, os, "service_pack", regval_data(&si->csd_version));
  /* SP6a is NT 4.0's: null (not applicable) on Windows 2000 and later */
  bool nt4 = si->current_version.present && strncmp(si->current_version.data, "4.", 2) == 0;
  rs_jset(jb, os, "sp6a", ctx->have_software && nt4 ? json_boolean(si->sp6a) : json_null());
  rs_jset(jb, os, "product_type", regval_data(&si->product_type));
  rs_jset(jb, os, "system_root", regval_data(&si->system_root));
  rs_jset(jb, os, "registered_owner", regval_data(&si->registered_owner));
  /* InstallDate is a REG_DWORD of seconds since 1970 (UTC) */
  struct rs_time inst = rs_time_from_unix((int64_t)si->install_date.dword, 0, 0);
  rs_jset(jb, os, "install_date_utc", si->install_date.present && si->install_date.type == 4 &&
                                                  si->install_date.dword
                                              ? rs_json_time(&inst)
                                              : json_null());
  rs_jset(jb, os, "iis_major_version",
                      si->iis_major.present ? json_integer(si->iis_major.dword) : json_null());
  rs_jset(jb, s, "os", os);
  rs_jset(jb, s, "computer_name", regval_data(&si->computer_name));
  rs_jset(jb, s, "system_volume", ctx->sys_volume >= 0 ? json_integer(ctx->sys_volume)
                                                               : json_null());
  rs_jset(jb, s, "current_control_set", si->current_control_set[0]
                                                    ? json_string(si->current_control_set)
                                                    : json_null());
  json_t *sel = json_object();
  rs_jset(jb, sel, "current", si->select_current >= 0 ? json_integer(si->select_current) : json_null());
  rs_jset(jb, sel, "default", si->select_default >= 0 ? json_integer(si->select_default) : json_null());
  rs_jset(jb, sel, "last_known_good", si->select_lkg >= 0 ? json_integer(si->select_lkg) : json_null());
  rs_jset(jb, sel, "failed", si->select_failed >= 0 ? json_integer(si->select_failed) : json_null());
  rs_jset(jb, s, "select", sel);
  char tzd[256]; /* offsets, two rules and a 64-byte name (rs_tz): 200 at most */
  rs_tz_describe(&si->tz, tzd, sizeof tzd);
  rs_jset(jb, s, "time_zone", si->tz.known ? rs_json_str(tzd) : json_null());
  /* hotfixes */
  json_t *hf = json_object();
  for (int i = 0; i < si->nhotfixes; i++) {
    const struct rs_hotfix *h = &si->hotfixes[i];
    json_t *o = json_object_get(hf, h->id);
    if (o && json_is_true(json_object_get(o, "present")))
      continue; /* first location that has it wins */
    o = json_object();
    rs_jset(jb, o, "present", json_boolean(h->present));
    rs_jset(jb, o, "key", h->present ? rs_json_str(h->key) : json_null());
    rs_jset(jb, o, "last_written_utc", rs_json_time(&h->last_written));
    rs_jset(jb, o, "installed", h->installed[0] ? rs_json_str(h->installed) : json_null());
    rs_jset(jb, o, "comments", h->comments[0] ? rs_json_str(h->comments) : json_null());
    rs_jset(jb, o, "filelist", json_boolean(h->filelist));
    if (!o || json_object_set(hf, h->id, o) != 0)
      jb->nomem = true;
    json_decref(o);
  }
  rs_jset(jb, s, "hotfixes", hf);
  json_t *sm = json_object();
  rs_jset(jb, sm, "ida", ctx->map_ida < 0 ? json_null() : json_boolean(ctx->map_ida));
  rs_jset(jb, sm, "idq", ctx->map_idq < 0 ? json_null() : json_boolean(ctx->map_idq));
  rs_jset(jb, sm, "source", ctx->map_source[0] ? json_string(ctx->map_source) : json_null());
  /* issue 13: per extension, what decided; the metabase's state */
  rs_jset(jb, sm, "metabase", json_string(rs_mb_state_name(ctx->mb_state)));
  json_t *bx = json_object();
  for (int e = 0; e < 2; e++) {
    const struct rs_scriptmap_out *o = &ctx->map_out[e];
    json_t *x = json_object();
    rs_jset(jb, x, "mapped", o->mapped < 0 ? json_null() : json_boolean(o->mapped));
    rs_jset(jb, x, "source", rs_json_str(o->source ? o->source : "none"));
    rs_jset(jb, x, "why", rs_json_str(o->why));
    rs_jset(jb, bx, e == 0 ? "ida" : "idq", x);
  }
  rs_jset(jb, sm, "by_extension", bx);
  if (ctx->have_metabase) {
    rs_jset(jb, sm, "metabase_ida_entry", ctx->mb.ida ? rs_json_str(ctx->mb.ida_entry) : json_null());
    rs_jset(jb, sm, "metabase_idq_entry", ctx->mb.idq ? rs_json_str(ctx->mb.idq_entry) : json_null());
    rs_jset(jb, sm, "metabase_method", json_string("string scan of MetaBase.bin (format UNCONFIRMED, heuristic)"));
  }
  rs_jset(jb, s, "script_maps", sm);
  /* virtual roots of the current control set; all sets below */
  const struct rs_controlset *cur = NULL;
  for (int i = 0; i < si->nsets; i++)
    if (si->sets[i].is_current)
      cur = &si->sets[i];
  json_t *vr = json_object();
  rs_jset(jb, vr, "/C", cur ? regval_data(&cur->vroot_c) : json_null());
  rs_jset(jb, vr, "/D", cur ? regval_data(&cur->vroot_d) : json_null());
  rs_jset(jb, vr, "/Scripts", cur ? regval_data(&cur->vroot_scripts) : json_null());
  rs_jset(jb, vr, "/MSADC", cur ? regval_data(&cur->vroot_msadc) : json_null());
  rs_jset(jb, s, "virtual_roots", vr);
  json_t *sets = json_array();
  for (int i = 0; i < si->nsets; i++) {
    const struct rs_controlset *cs = &si->sets[i];
    json_t *o = json_object();
    char name[32];
    snprintf(name, sizeof name, "ControlSet%03d", cs->number);
    rs_jset(jb, o, "name", json_string(name));
    rs_jset(jb, o, "current", json_boolean(cs->is_current));
    rs_jset(jb, o, "default", json_boolean(cs->is_default));
    rs_jset(jb, o, "last_known_good", json_boolean(cs->is_lkg));
    rs_jset(jb, o, "failed", json_boolean(cs->is_failed));
    json_t *v = json_object();
    rs_jset(jb, v, "/C", regval_data(&cs->vroot_c));
    rs_jset(jb, v, "/D", regval_data(&cs->vroot_d));
    rs_jset(jb, v, "/Scripts", regval_data(&cs->vroot_scripts));
    rs_jset(jb, v, "/MSADC", regval_data(&cs->vroot_msadc));
    rs_jset(jb, o, "virtual_roots", v);
    json_t *m = json_object();
    rs_jset(jb, m, ".ida", regval_data(&cs->scriptmap_ida));
    rs_jset(jb, m, ".idq", regval_data(&cs->scriptmap_idq));
    rs_jset(jb, o, "script_map", m);
    rs_jset(jb, o, "w3svc_start", cs->w3svc_start.present ? json_integer(cs->w3svc_start.dword) : json_null());
    rs_jset(jb, o, "msftpsvc_start", cs->msftpsvc_start.present ? json_integer(cs->msftpsvc_start.dword) : json_null());
    rs_jset(jb, o, "cisvc_start", cs->cisvc_start.present ? json_integer(cs->cisvc_start.dword) : json_null());
    rs_japp(jb, sets, o);
  }
  rs_jset(jb, s, "control_sets", sets);
  char sfc[16];
  snprintf(sfc, sizeof sfc, "0x%x", si->sfcdisable.dword);
  rs_jset(jb, s, "sfcdisable", si->sfcdisable.present && si->sfcdisable.type == 4
                                           ? json_string(sfc)
                                           : json_null());
  json_t *idq = json_array();
  for (size_t i = 0; i < ctx->nidq; i++) {
    const struct rs_idq_copy *q = &ctx->idqs[i];
    json_t *o = json_object();
    rs_jset(jb, o, "volume", json_integer(q->volume));
    rs_jset(jb, o, "path", rs_json_str(q->path));
    rs_jset(jb, o, "file_version", q->file_version ? json_string(q->file_version) : json_null());
    rs_jset(jb, o, "size", json_integer((json_int_t)q->size));
    rs_jset(jb, o, "sha256", q->digest ? json_string(q->sha256) : json_null());
    rs_jset(jb, o, "pe_timestamp_utc", rs_json_time(&q->pe_time));
    rs_jset(jb, o, "role", json_string(q->role));
    rs_jset(jb, o, "allocated", json_boolean(q->allocated));
    rs_jset(jb, o, "patched", q->state == RS_PATCH_FIXED        ? json_true()
                              : q->state == RS_PATCH_VULNERABLE ? json_false()
                                                                : json_null());
    rs_jset(jb, o, "state", json_string(rs_patch_state_name(q->state)));
    rs_jset(jb, o, "rule", rs_json_str(q->rule));
    rs_jset(jb, o, "why", rs_json_str(q->why));
    rs_jset(jb, o, "language", q->language ? json_string(q->language) : json_null());
    rs_japp(jb, idq, o);
  }
  rs_jset(jb, s, "idq_dll", idq);
  json_t *hives = json_array();
  for (size_t i = 0; i < ctx->nhives; i++) {
    const struct rs_hive_read *h = &ctx->hives[i];
    json_t *o = json_object();
    rs_jset(jb, o, "path", rs_json_str(h->path));
    rs_jset(jb, o, "role", json_string(h->role));
    rs_jset(jb, o, "size", json_integer((json_int_t)h->size));
    rs_jset(jb, o, "volume", json_integer(h->volume));
    bool coll = h->volume >= 0 && h->volume < ctx->img->nvol && ctx->img->vols[h->volume].coll;
    rs_jset(jb, o, "mft_entry", coll ? json_null() : json_integer((json_int_t)h->inum));
    rs_jset(jb, o, "sha256", h->sha256[0] ? json_string(h->sha256) : json_null());
    rs_jset(jb, o, "codepage", json_integer(h->codepage));
    if (!h->opened) {
      rs_jset(jb, o, "kind", json_null());
      rs_jset(jb, o, "error", rs_json_str(h->error));
    } else {
      rs_jset(jb, o, "kind", json_string(rs_hive_kind_name(h->kind)));
      rs_jset(jb, o, "dirty", json_boolean(h->dirty));
    }
    rs_japp(jb, hives, o);
  }
  rs_jset(jb, s, "hives", hives);
  rs_report_evt_system(jb, s, ctx);
  /* every value behind the facts above, with where it was read */
  json_t *vals = json_array();
  for (size_t i = 0; i < ctx->nregvals; i++) {
    const struct rs_regval_read *r = &ctx->regvals[i];
    char tb[16];
    json_t *o = json_object();
    rs_jset(jb, o, "hive", rs_json_str(r->v.hive));
    rs_jset(jb, o, "hive_role", json_string(r->role));
    rs_jset(jb, o, "key", rs_json_str(r->v.key));
    rs_jset(jb, o, "value", rs_json_str(r->v.name));
    rs_jset(jb, o, "type", json_string(rs_regtype_name(r->v.type, tb, sizeof tb)));
    rs_jset(jb, o, "data", rs_json_str(r->v.data));
    rs_jset(jb, o, "key_last_written_utc", rs_json_time(&r->v.key_written));
    if (r->v.truncated) { /* only then: what the report shows is not all the hive holds */
      rs_jset(jb, o, "truncated", json_true());
      rs_jset(jb, o, "data_size", json_integer((json_int_t)r->v.data_size));
    }
    rs_japp(jb, vals, o);
  }
  rs_jset(jb, s, "values", vals);
  return s;
}
