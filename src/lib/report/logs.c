/* The report's "logs" block. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/report.h"

#define RS_REPORT_MAX_ATTACKERS 1000 /* logs.attackers lists the top ones only */

json_t *rs_report_logs(struct rs_scan_ctx *ctx)
{
  json_t *logs = json_object();
  json_object_set_new(logs, "files", ctx->log_files);
  ctx->log_files = NULL;
  json_t *hits = json_object();
  for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++)
    json_object_set_new(hits, rs_family_key((enum rs_family)f), json_integer((json_int_t)ctx->hits[f]));
  json_object_set_new(logs, "hits", hits);
  json_t *fams = json_object();
  for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++) {
    const struct rs_family_stats *fs = rs_logagg_family(ctx->agg, (enum rs_family)f);
    json_t *o = json_object();
    json_object_set_new(o, "hits", json_integer(fs ? (json_int_t)fs->hits : 0));
    json_object_set_new(o, "first_utc", fs ? rs_json_time(&fs->first) : json_null());
    json_object_set_new(o, "last_utc", fs ? rs_json_time(&fs->last) : json_null());
    json_object_set_new(fams, rs_family_key((enum rs_family)f), o);
  }
  json_object_set_new(logs, "families", fams);
  const struct rs_attacker *a = NULL;
  size_t na = rs_logagg_attackers(ctx->agg, &a);
  /* the report lists the top attackers only: a busy server saw hundreds of
   * thousands of worm sources, and a list that size is neither readable nor
   * bounded in memory. The summary below says what was left out. */
  size_t nlist = na < RS_REPORT_MAX_ATTACKERS ? na : RS_REPORT_MAX_ATTACKERS;
  uint64_t unlisted_hits = 0;
  for (size_t i = nlist; i < na; i++)
    unlisted_hits += a[i].hits;
  json_t *att = json_array();
  for (size_t i = 0; i < nlist; i++) {
    json_t *o = json_object();
    json_object_set_new(o, "ip", rs_json_str(a[i].ip));
    json_object_set_new(o, "hits", json_integer((json_int_t)a[i].hits));
    json_object_set_new(o, "first_utc", rs_json_time(&a[i].first));
    json_object_set_new(o, "last_utc", rs_json_time(&a[i].last));
    json_t *fl = json_array();
    for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++)
      if (a[i].fam_hits[f])
        json_array_append_new(fl, json_string(rs_family_key((enum rs_family)f)));
    json_object_set_new(o, "families", fl);
    json_array_append_new(att, o);
  }
  json_object_set_new(logs, "attackers", att);
  const struct rs_backdoor_use *u = NULL;
  size_t nu = rs_logagg_backdoor_uses(ctx->agg, &u);
  uint64_t not_itemised = 0, bd_dropped = 0;
  rs_logagg_dropped(ctx->agg, &not_itemised, &bd_dropped);
  unsigned level = rs_logagg_sample_level(ctx->agg);
  char sample[80];
  snprintf(sample, sizeof sample, "1 in %llu source IPs (by hash)", 1ULL << level);
  json_object_set_new(
      logs, "attackers_summary",
      json_pack("{s:I,s:I,s:I,s:I,s:o,s:I}", "itemised", (json_int_t)na, "listed",
                (json_int_t)nlist, "hits_itemised_not_listed", (json_int_t)unlisted_hits,
                "hits_not_itemised", (json_int_t)not_itemised,
                "sample", level ? json_string(sample) : json_null(), "backdoor_uses_not_listed",
                (json_int_t)bd_dropped));
  json_t *bu = json_array();
  for (size_t i = 0; i < nu; i++) {
    json_t *o = json_object();
    /* a local clock time that could not be converted is never written as
     * UTC: "utc" is null and "local_time" holds it, with no zone suffix */
    json_object_set_new(o, "utc", u[i].utc ? rs_json_time(&u[i].when) : json_null());
    json_object_set_new(o, "time_is_utc", json_boolean(u[i].utc));
    json_object_set_new(o, "local_time", u[i].utc ? json_null() : rs_json_local_time(&u[i].when));
    json_object_set_new(o, "ip", rs_json_str(u[i].ip));
    json_object_set_new(o, "request", rs_json_str(u[i].request));
    json_object_set_new(o, "status", json_integer(u[i].status));
    json_object_set_new(o, "file", rs_json_str(u[i].file));
    json_object_set_new(o, "line", json_integer((json_int_t)u[i].line));
    json_array_append_new(bu, o);
  }
  json_object_set_new(logs, "backdoor_use", bu);
  /* per-day counts for the report chart, sorted by day */
  for (size_t i = 1; i < ctx->ndays; i++)
    for (size_t j = i; j > 0 && ctx->days[j - 1].day > ctx->days[j].day; j--) {
      struct rs_day_count t = ctx->days[j];
      ctx->days[j] = ctx->days[j - 1];
      ctx->days[j - 1] = t;
    }
  json_t *pd = json_array();
  for (size_t i = 0; i < ctx->ndays; i++) {
    json_t *o = json_object();
    struct rs_time t = rs_time_from_unix(ctx->days[i].day * 86400, 0, 0);
    char iso[RS_TIME_ISO_MAX];
    rs_time_iso(&t, iso);
    iso[10] = '\0';
    json_object_set_new(o, "date", json_string(iso));
    for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++)
      json_object_set_new(o, rs_family_key((enum rs_family)f), json_integer((json_int_t)ctx->days[i].hits[f]));
    json_array_append_new(pd, o);
  }
  json_object_set_new(logs, "per_day", pd);
  return logs;
}
