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

json_t *rs_report_system(struct rs_scan_ctx *ctx)
{
  const struct rs_sysinfo *si = &ctx->si;
  json_t *s = json_object();
  json_t *os = json_object();
  json_object_set_new(os, "product", regval_data(&si->product_name));
  json_object_set_new(os, "version", regval_data(&si->current_version));
  json_object_set_new(os, "build", regval_data(&si->build));
  json_object_set_new(os, "service_pack", regval_data(&si->csd_version));
  json_object_set_new(os, "sp6a", ctx->have_software ? json_boolean(si->sp6a) : json_null());
  json_object_set_new(os, "product_type", regval_data(&si->product_type));
  json_object_set_new(os, "system_root", regval_data(&si->system_root));
  json_object_set_new(os, "registered_owner", regval_data(&si->registered_owner));
  /* InstallDate is a REG_DWORD of seconds since 1970 (UTC) */
  struct rs_time inst = rs_time_from_unix((int64_t)si->install_date.dword, 0, 0);
  json_object_set_new(os, "install_date_utc", si->install_date.present && si->install_date.type == 4 &&
                                                  si->install_date.dword
                                              ? rs_json_time(&inst)
                                              : json_null());
  json_object_set_new(os, "iis_major_version",
                      si->iis_major.present ? json_integer(si->iis_major.dword) : json_null());
  json_object_set_new(s, "os", os);
  json_object_set_new(s, "computer_name", regval_data(&si->computer_name));
  json_object_set_new(s, "system_volume", ctx->sys_volume >= 0 ? json_integer(ctx->sys_volume)
                                                               : json_null());
  json_object_set_new(s, "current_control_set", si->current_control_set[0]
                                                    ? json_string(si->current_control_set)
                                                    : json_null());
  json_t *sel = json_object();
  json_object_set_new(sel, "current", si->select_current >= 0 ? json_integer(si->select_current) : json_null());
  json_object_set_new(sel, "default", si->select_default >= 0 ? json_integer(si->select_default) : json_null());
  json_object_set_new(sel, "last_known_good", si->select_lkg >= 0 ? json_integer(si->select_lkg) : json_null());
  json_object_set_new(sel, "failed", si->select_failed >= 0 ? json_integer(si->select_failed) : json_null());
  json_object_set_new(s, "select", sel);
  char tzd[160];
  rs_tz_describe(&si->tz, tzd, sizeof tzd);
  json_object_set_new(s, "time_zone", si->tz.known ? rs_json_str(tzd) : json_null());
  /* hotfixes */
  json_t *hf = json_object();
  for (int i = 0; i < si->nhotfixes; i++) {
    const struct rs_hotfix *h = &si->hotfixes[i];
    json_t *o = json_object_get(hf, h->id);
    if (o && json_is_true(json_object_get(o, "present")))
      continue; /* first location that has it wins */
    o = json_object();
    json_object_set_new(o, "present", json_boolean(h->present));
    json_object_set_new(o, "key", h->present ? rs_json_str(h->key) : json_null());
    json_object_set_new(o, "last_written_utc", rs_json_time(&h->last_written));
    json_object_set_new(o, "installed", h->installed[0] ? rs_json_str(h->installed) : json_null());
    json_object_set_new(o, "comments", h->comments[0] ? rs_json_str(h->comments) : json_null());
    json_object_set_new(o, "filelist", json_boolean(h->filelist));
    json_object_set(hf, h->id, o);
    json_decref(o);
  }
  json_object_set_new(s, "hotfixes", hf);
  json_t *sm = json_object();
  json_object_set_new(sm, "ida", ctx->map_ida < 0 ? json_null() : json_boolean(ctx->map_ida));
  json_object_set_new(sm, "idq", ctx->map_idq < 0 ? json_null() : json_boolean(ctx->map_idq));
  json_object_set_new(sm, "source", ctx->map_source[0] ? json_string(ctx->map_source) : json_null());
  if (ctx->have_metabase) {
    json_object_set_new(sm, "metabase_ida_entry", ctx->mb.ida ? rs_json_str(ctx->mb.ida_entry) : json_null());
    json_object_set_new(sm, "metabase_idq_entry", ctx->mb.idq ? rs_json_str(ctx->mb.idq_entry) : json_null());
    json_object_set_new(sm, "metabase_method", json_string("string scan of MetaBase.bin (format UNCONFIRMED, heuristic)"));
  }
  json_object_set_new(s, "script_maps", sm);
  /* virtual roots of the current control set; all sets below */
  const struct rs_controlset *cur = NULL;
  for (int i = 0; i < si->nsets; i++)
    if (si->sets[i].is_current)
      cur = &si->sets[i];
  json_t *vr = json_object();
  json_object_set_new(vr, "/C", cur ? regval_data(&cur->vroot_c) : json_null());
  json_object_set_new(vr, "/D", cur ? regval_data(&cur->vroot_d) : json_null());
  json_object_set_new(vr, "/Scripts", cur ? regval_data(&cur->vroot_scripts) : json_null());
  json_object_set_new(vr, "/MSADC", cur ? regval_data(&cur->vroot_msadc) : json_null());
  json_object_set_new(s, "virtual_roots", vr);
  json_t *sets = json_array();
  for (int i = 0; i < si->nsets; i++) {
    const struct rs_controlset *cs = &si->sets[i];
    json_t *o = json_object();
    char name[32];
    snprintf(name, sizeof name, "ControlSet%03d", cs->number);
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "current", json_boolean(cs->is_current));
    json_object_set_new(o, "default", json_boolean(cs->is_default));
    json_object_set_new(o, "last_known_good", json_boolean(cs->is_lkg));
    json_object_set_new(o, "failed", json_boolean(cs->is_failed));
    json_t *v = json_object();
    json_object_set_new(v, "/C", regval_data(&cs->vroot_c));
    json_object_set_new(v, "/D", regval_data(&cs->vroot_d));
    json_object_set_new(v, "/Scripts", regval_data(&cs->vroot_scripts));
    json_object_set_new(v, "/MSADC", regval_data(&cs->vroot_msadc));
    json_object_set_new(o, "virtual_roots", v);
    json_t *m = json_object();
    json_object_set_new(m, ".ida", regval_data(&cs->scriptmap_ida));
    json_object_set_new(m, ".idq", regval_data(&cs->scriptmap_idq));
    json_object_set_new(o, "script_map", m);
    json_object_set_new(o, "w3svc_start", cs->w3svc_start.present ? json_integer(cs->w3svc_start.dword) : json_null());
    json_object_set_new(o, "msftpsvc_start", cs->msftpsvc_start.present ? json_integer(cs->msftpsvc_start.dword) : json_null());
    json_object_set_new(o, "cisvc_start", cs->cisvc_start.present ? json_integer(cs->cisvc_start.dword) : json_null());
    json_array_append_new(sets, o);
  }
  json_object_set_new(s, "control_sets", sets);
  char sfc[16];
  snprintf(sfc, sizeof sfc, "0x%x", si->sfcdisable.dword);
  json_object_set_new(s, "sfcdisable", si->sfcdisable.present && si->sfcdisable.type == 4
                                           ? json_string(sfc)
                                           : json_null());
  json_object_set_new(s, "idq_dll", ctx->idq_list);
  ctx->idq_list = NULL;
  json_object_set_new(s, "hives", ctx->hive_list);
  ctx->hive_list = NULL;
  /* every value behind the facts above, with where it was read */
  json_t *vals = json_array();
  for (size_t i = 0; i < ctx->nregvals; i++) {
    const struct rs_regval_read *r = &ctx->regvals[i];
    char tb[16];
    json_t *o = json_object();
    json_object_set_new(o, "hive", rs_json_str(r->v.hive));
    json_object_set_new(o, "hive_role", json_string(r->role));
    json_object_set_new(o, "key", rs_json_str(r->v.key));
    json_object_set_new(o, "value", rs_json_str(r->v.name));
    json_object_set_new(o, "type", json_string(rs_regtype_name(r->v.type, tb, sizeof tb)));
    json_object_set_new(o, "data", rs_json_str(r->v.data));
    json_object_set_new(o, "key_last_written_utc", rs_json_time(&r->v.key_written));
    json_array_append_new(vals, o);
  }
  json_object_set_new(s, "values", vals);
  return s;
}
