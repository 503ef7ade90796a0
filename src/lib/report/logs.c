/* The report's "logs" block. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/report.h"

#define RS_REPORT_MAX_ATTACKERS 1000 /* logs.attackers lists the top ones only */

json_t *rs_report_logs(struct rs_jb *jb, struct rs_scan_ctx *ctx)
{
  json_t *logs = json_object();
  json_t *files = json_array();
  for (size_t i = 0; i < ctx->nlogf; i++) {
    const struct rs_log_file *lf = &ctx->logf[i];
    const struct rs_logfile_stats *st = &lf->st;
    json_t *o = json_object();
    rs_jset(jb, o, "path", rs_json_str(lf->path));
    rs_jset(jb, o, "volume", json_integer(lf->volume));
    rs_jset(jb, o, "allocated", json_boolean(lf->allocated));
    rs_jset(jb, o, "deleted", json_boolean(!lf->allocated));
    rs_jset(jb, o, lf->ntfs ? "mft_entry" : "dir_entry", json_integer((json_int_t)lf->inum));
    rs_jset(jb, o, "sha256", lf->sha256[0] ? json_string(lf->sha256) : json_null());
    rs_jset(jb, o, "format", json_string(rs_logfmt_name(st->format)));
    rs_jset(jb, o, "lines", json_integer((json_int_t)st->lines));
    rs_jset(jb, o, "parsed", json_integer((json_int_t)st->records));
    rs_jset(jb, o, "unparsed", json_integer((json_int_t)st->unparsed));
    rs_jset(jb, o, "directives", json_integer((json_int_t)st->directives));
    rs_jset(jb, o, "first_unparsed_line",
            st->unparsed ? json_integer((json_int_t)st->first_unparsed_line) : json_null());
    rs_jset(jb, o, "first_utc", st->times_utc ? rs_json_time(&st->first) : json_null());
    rs_jset(jb, o, "last_utc", st->times_utc ? rs_json_time(&st->last) : json_null());
    rs_jset(jb, o, "times_utc", json_boolean(st->times_utc));
    rs_jset(jb, o, "time_zone", st->tz_used[0] ? rs_json_str(st->tz_used) : json_null());
    json_t *h = json_object();
    for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++)
      rs_jset(jb, h, rs_family_key((enum rs_family)f), json_integer((json_int_t)st->hits[f]));
    rs_jset(jb, o, "hits", h);
    rs_japp(jb, files, o);
  }
  rs_jset(jb, logs, "files", files);
  json_t *hits = json_object();
  for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++)
    rs_jset(jb, hits, rs_family_key((enum rs_family)f), json_integer((json_int_t)ctx->hits[f]));
  rs_jset(jb, logs, "hits", hits);
  json_t *fams = json_object();
  for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++) {
    const struct rs_family_stats *fs = rs_logagg_family(ctx->agg, (enum rs_family)f);
    json_t *o = json_object();
    rs_jset(jb, o, "hits", json_integer(fs ? (json_int_t)fs->hits : 0));
    rs_jset(jb, o, "first_utc", fs ? rs_json_time(&fs->first) : json_null());
    rs_jset(jb, o, "last_utc", fs ? rs_json_time(&fs->last) : json_null());
    rs_jset(jb, fams, rs_family_key((enum rs_family)f), o);
  }
  rs_jset(jb, logs, "families", fams);
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
    rs_jset(jb, o, "ip", rs_json_str(a[i].ip));
    rs_jset(jb, o, "hits", json_integer((json_int_t)a[i].hits));
    rs_jset(jb, o, "first_utc", rs_json_time(&a[i].first));
    rs_jset(jb, o, "last_utc", rs_json_time(&a[i].last));
    json_t *fl = json_array();
    for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++)
      if (a[i].fam_hits[f])
        rs_japp(jb, fl, json_string(rs_family_key((enum rs_family)f)));
    rs_jset(jb, o, "families", fl);
    rs_japp(jb, att, o);
  }
  rs_jset(jb, logs, "attackers", att);
  const struct rs_backdoor_use *u = NULL;
  size_t nu = rs_logagg_backdoor_uses(ctx->agg, &u);
  uint64_t not_itemised = 0, bd_dropped = 0;
  rs_logagg_dropped(ctx->agg, &not_itemised, &bd_dropped);
  unsigned level = rs_logagg_sample_level(ctx->agg);
  char sample[80];
  snprintf(sample, sizeof sample, "1 in %llu source IPs (by hash)", 1ULL << level);
  rs_jset(jb, 
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
    rs_jset(jb, o, "utc", u[i].utc ? rs_json_time(&u[i].when) : json_null());
    rs_jset(jb, o, "time_is_utc", json_boolean(u[i].utc));
    rs_jset(jb, o, "local_time", u[i].utc ? json_null() : rs_json_local_time(&u[i].when));
    rs_jset(jb, o, "ip", rs_json_str(u[i].ip));
    rs_jset(jb, o, "request", rs_json_str(u[i].request));
    rs_jset(jb, o, "status", json_integer(u[i].status));
    rs_jset(jb, o, "file", rs_json_str(u[i].file));
    rs_jset(jb, o, "line", json_integer((json_int_t)u[i].line));
    rs_japp(jb, bu, o);
  }
  rs_jset(jb, logs, "backdoor_use", bu);
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
    rs_jset(jb, o, "date", json_string(iso));
    for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++)
      rs_jset(jb, o, rs_family_key((enum rs_family)f), json_integer((json_int_t)ctx->days[i].hits[f]));
    /* the same lines by HTTP status class: an object, so a reader summing the
     * integer members of a day still gets the family total */
    static const char *const sc[RS_SC__COUNT] = {"2xx", "3xx", "4xx", "5xx", "other"};
    json_t *so = json_object();
    for (int k = 0; k < RS_SC__COUNT; k++)
      rs_jset(jb, so, sc[k], json_integer((json_int_t)ctx->days[i].status[k]));
    rs_jset(jb, o, "status", so);
    rs_japp(jb, pd, o);
  }
  rs_jset(jb, logs, "per_day", pd);
  rs_report_evt_logs(jb, logs, ctx);
  if (ctx->carved.lines) /* absent when nothing was carved */
    rs_jset(jb, logs, "carved", rs_report_carved(jb, ctx));
  return logs;
}
