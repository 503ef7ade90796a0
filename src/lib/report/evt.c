/* The report's parts of the host's own account (issue 16): the event
 * finding details, the corroboration lists, system.event_logs[],
 * system.crash_logs[] and logs.urlscan[]. */
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "scan/evt.h"

void rs_report_event_fields(struct rs_jb *jb, json_t *o, const struct rs_finding *f)
{
  const struct rs_event_detail *ev = &f->u.ev;
  rs_jset(jb, o, "path", rs_json_str(f->path));
  json_t *det = json_object();
  rs_jset(jb, det, "source_kind", rs_json_str(ev->source_kind));
  if (ev->log)
    rs_jset(jb, det, "log", json_string(ev->log));
  if (!strcmp(ev->source_kind ? ev->source_kind : "", "evt")) {
    rs_jset(jb, det, "record_number", json_integer((json_int_t)ev->record));
    rs_jset(jb, det, "recovered", json_boolean(ev->recovered));
  } else if (ev->record) {
    rs_jset(jb, det, "line", json_integer((json_int_t)ev->record));
  }
  if (ev->event_id >= 0)
    rs_jset(jb, det, "event_id", json_integer(ev->event_id));
  if (ev->source[0])
    rs_jset(jb, det, "source", rs_json_str(ev->source));
  if (ev->strs) {
    json_t *a = json_array();
    for (size_t i = 0; i < ev->nstr; i++)
      rs_japp(jb, a, rs_json_str(ev->strs[i]));
    rs_jset(jb, det, "strings", a);
  }
  if (ev->when.set || ev->when_raw[0]) {
    rs_jset(jb, det, "time_utc", ev->when_utc ? rs_json_time(&ev->when) : json_null());
    if (!ev->when_utc)
      rs_jset(jb, det, "time_local", rs_json_local_time(&ev->when));
  }
  if (ev->when_raw[0])
    rs_jset(jb, det, "time_as_written", rs_json_str(ev->when_raw));
  if (ev->code[0])
    rs_jset(jb, det, "exception_code", json_string(ev->code));
  if (ev->fault[0])
    rs_jset(jb, det, "fault_address", json_string(ev->fault));
  if (ev->count) {
    rs_jset(jb, det, "count", json_integer((json_int_t)ev->count));
    rs_jset(jb, det, "last_utc", ev->when_utc ? rs_json_time(&ev->last) : json_null());
    if (!ev->when_utc)
      rs_jset(jb, det, "last_local", rs_json_local_time(&ev->last));
  }
  if (ev->version[0])
    rs_jset(jb, det, "file_version", json_string(ev->version));
  if (ev->crash_check) {
    rs_jset(jb, det, "crash_check", json_string(ev->crash_check));
    json_t *q = json_object();
    rs_jset(jb, q, "time_utc", rs_json_time(&ev->req_time));
    rs_jset(jb, q, "log", rs_json_str(ev->req_file));
    rs_jset(jb, q, "line", json_integer((json_int_t)ev->req_line));
    rs_jset(jb, q, "client_ip", ev->req_ip[0] ? rs_json_str(ev->req_ip) : json_null());
    rs_jset(jb, q, "seconds_before_crash",
            json_integer((json_int_t)(ev->when.sec - ev->req_time.sec)));
    rs_jset(jb, det, "request", q);
  }
  rs_jset(jb, o, "details", det);
}

/* Is check id named in the comma list? */
static bool listed(const char *list, const char *id)
{
  size_t n = strlen(id);
  for (const char *p = list; p && *p;) {
    const char *e = strchr(p, ',');
    size_t k = e ? (size_t)(e - p) : strlen(p);
    if (k == n && strncmp(p, id, n) == 0)
      return true;
    p = e ? e + 1 : NULL;
  }
  return false;
}

/* "corroborates" (on a finding whose row names others) and
 * "corroborated_by" (on the findings named); only when non-empty, so that
 * reports without such findings keep their shape. */
void rs_report_corroboration(struct rs_jb *jb, json_t *o, const struct rs_results *r,
                             const struct rs_finding *f)
{
  json_t *to = json_array(), *by = json_array();
  for (size_t i = 0; i < r->nfind; i++) {
    const struct rs_finding *g = &r->finds[i];
    if (g == f)
      continue;
    if (f->check->corroborates && listed(f->check->corroborates, g->check->id))
      rs_japp(jb, to, json_string(g->id));
    if (g->check->corroborates && listed(g->check->corroborates, f->check->id))
      rs_japp(jb, by, json_string(g->id));
  }
  if (json_array_size(to))
    rs_jset(jb, o, "corroborates", to);
  else
    json_decref(to);
  if (json_array_size(by))
    rs_jset(jb, o, "corroborated_by", by);
  else
    json_decref(by);
}

static json_t *file_common(struct rs_jb *jb, const struct rs_evt_file *f, bool collected)
{
  json_t *o = json_object();
  rs_jset(jb, o, "path", rs_json_str(f->path));
  rs_jset(jb, o, "volume", json_integer(f->volume));
  rs_jset(jb, o, "mft_entry", collected ? json_null() : json_integer((json_int_t)f->inum));
  rs_jset(jb, o, "allocated", json_boolean(f->allocated));
  rs_jset(jb, o, "size", json_integer((json_int_t)f->size));
  rs_jset(jb, o, "sha256", f->digest ? json_string(f->sha256) : json_null());
  return o;
}

void rs_report_evt_system(struct rs_jb *jb, json_t *sys, const struct rs_scan_ctx *ctx)
{
  const struct rs_evt_scan *s = ctx->evt;
  json_t *logs = json_array(), *crash = json_array();
  for (size_t i = 0; s && i < s->n; i++) {
    const struct rs_evt_file *f = &s->f[i];
    if (!strcmp(f->kind, "evt")) {
      json_t *o = file_common(jb, f, ctx->img->coll != NULL);
      rs_jset(jb, o, "log", json_string(f->log));
      rs_jset(jb, o, "records", json_integer((json_int_t)f->records));
      rs_jset(jb, o, "recovered_records", json_integer((json_int_t)f->recovered));
      rs_jset(jb, o, "first_utc", rs_json_time(&f->first));
      rs_jset(jb, o, "last_utc", rs_json_time(&f->last));
      rs_jset(jb, o, "state", json_string(rs_evt_state_name(f->state)));
      rs_jset(jb, o, "note", f->note[0] ? rs_json_str(f->note) : json_null());
      rs_japp(jb, logs, o);
    } else if (!strcmp(f->kind, "drwatson") || !strcmp(f->kind, "userdmp")) {
      json_t *o = file_common(jb, f, ctx->img->coll != NULL);
      bool drw = !strcmp(f->kind, "drwatson");
      rs_jset(jb, o, "kind", json_string(drw ? "drwtsn32.log" : "user.dmp"));
      rs_jset(jb, o, "modified_utc", rs_json_time(&f->mtime));
      if (drw) {
        rs_jset(jb, o, "style", f->style ? json_string(f->style) : json_null());
        rs_jset(jb, o, "reports", json_integer((json_int_t)f->reports));
        rs_jset(jb, o, "inetinfo_reports", json_integer((json_int_t)f->inetinfo));
      }
      rs_jset(jb, o, "note", f->note[0] ? rs_json_str(f->note) : json_null());
      rs_japp(jb, crash, o);
    }
  }
  rs_jset(jb, sys, "event_logs", logs);
  rs_jset(jb, sys, "crash_logs", crash);
  json_t *ni = NULL;
  for (size_t k = 0; s && k < RS_EVT_NCOUNTED; k++) {
    if (!s->dropped[k])
      continue;
    if (!ni)
      ni = json_object();
    rs_jset(jb, ni, rs_evt_counted_checks[k], json_integer((json_int_t)s->dropped[k]));
  }
  if (ni) /* findings beyond RS_EVT_FINDINGS_PER_CHECK, per check: counted, not listed */
    rs_jset(jb, sys, "event_findings_not_itemised", ni);
}

void rs_report_evt_logs(struct rs_jb *jb, json_t *logs, const struct rs_scan_ctx *ctx)
{
  const struct rs_evt_scan *s = ctx->evt;
  json_t *arr = json_array();
  for (size_t i = 0; s && i < s->n; i++) {
    const struct rs_evt_file *f = &s->f[i];
    if (strcmp(f->kind, "urlscan"))
      continue;
    json_t *o = file_common(jb, f, ctx->img->coll != NULL);
    rs_jset(jb, o, "lines", json_integer((json_int_t)f->lines));
    rs_jset(jb, o, "rejected", json_integer((json_int_t)f->rejected));
    rs_jset(jb, o, "ida_rejected", json_integer((json_int_t)f->ida_count));
    rs_jset(jb, o, "ida_listed_as_blocked", json_boolean(f->ida_listed));
    bool any = f->ida_count > 0;
    rs_jset(jb, o, "ida_first_utc", any && f->times_utc ? rs_json_time(&f->ida_first) : json_null());
    rs_jset(jb, o, "ida_last_utc", any && f->times_utc ? rs_json_time(&f->ida_last) : json_null());
    if (any && !f->times_utc) {
      rs_jset(jb, o, "ida_first_local", rs_json_local_time(&f->ida_first));
      rs_jset(jb, o, "ida_last_local", rs_json_local_time(&f->ida_last));
    }
    rs_jset(jb, o, "note", f->note[0] ? rs_json_str(f->note) : json_null());
    rs_japp(jb, arr, o);
  }
  rs_jset(jb, logs, "urlscan", arr);
}
