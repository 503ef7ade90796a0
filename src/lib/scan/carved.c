/* Carved log lines (codered-artifacts 12, RESIDUE-LOG-LINE): what the
 * residue stage does with a line the carver (sources/carve.c) recovered from
 * a page file, hiberfil.sys, a crash dump or unallocated space. Carved
 * requests are counted apart from the log files' (logs.carved), each line is
 * one finding (the first RS_CARVED_LISTED_MAX; the rest are counted), and a
 * dated line (UTC) goes on the timeline with source "carved". The verdict
 * weighs a carved backdoor use answered 2xx only on a host with Code Red II
 * artifacts (analysis/verdict.c). */
#include <stdio.h>
#include <string.h>

#include "redsleuth/carve.h"
#include "scan/stage.h"

static char *dup_or_null(struct rs_results *r, const char *s)
{
  return s ? rs_results_strdup(r, s) : NULL;
}

void rs_carved_add(struct rs_scan_ctx *ctx, size_t region, const struct rs_carved *c)
{
  struct rs_carved_counts *k = &ctx->carved;
  struct rs_results *r = &ctx->res;
  if (rs_ctx_failed(ctx))
    return;
  k->lines++;
  k->wide += c->wide;
  k->partial += !c->whole;
  const struct rs_logrec *q = &c->rec;
  bool use2xx = false;
  if (c->parsed) {
    k->parsed++;
    if (q->family < RS_FAM__COUNT)
      k->hits[q->family]++;
    if (q->backdoor_use) {
      k->backdoor_uses++;
      use2xx = q->status >= 200 && q->status < 300;
      k->backdoor_2xx += use2xx;
    }
  }
  if (k->listed >= RS_CARVED_LISTED_MAX) {
    k->unlisted++;
    return;
  }
  const struct rs_check *chk = rs_check_find("RESIDUE-LOG-LINE");
  const struct rs_residue_region *g = &ctx->regions[region];
  if (!chk)
    return;
  char key[64];
  snprintf(key, sizeof key, "%04d|%06zu|%020llu", g->volume, region,
           (unsigned long long)c->offset);
  struct rs_finding *f = rs_results_add_finding(r, chk, RS_FD_CARVED, false, g->volume, key);
  if (!f)
    return;
  k->listed++;
  struct rs_carved_detail *d = &f->u.cv;
  d->region = region;
  d->region_kind = g->kind;
  d->offset = c->offset;
  d->hit = c->hit;
  d->raw_len = c->raw_len;
  d->wide = c->wide;
  d->whole = c->whole;
  d->parsed = c->parsed;
  d->format = rs_logfmt_name(c->format);
  d->date_from = rs_carve_date_name(c->date_from);
  d->text = rs_results_strdup(r, c->text);
  d->fields = dup_or_null(r, c->fields);
  d->date_hdr = dup_or_null(r, c->date_hdr);
  d->status = -1;
  d->family = RS_FAM_NONE;
  f->path = dup_or_null(r, g->path);
  if (!c->parsed)
    return;
  d->when = q->when;
  d->utc = q->utc;
  d->has_date = q->has_date;
  d->ip = dup_or_null(r, q->client_ip);
  d->method = dup_or_null(r, q->method);
  d->stem = dup_or_null(r, q->stem);
  d->query = dup_or_null(r, q->query);
  d->status = q->status;
  d->family = q->family;
  d->backdoor_use = q->backdoor_use;
  d->backdoor_2xx = use2xx;
  if (use2xx) {
    char why[400];
    snprintf(why, sizeof why,
             "a carved log line (%s) shows the Code Red II backdoor answering %d: on a host "
             "with Code Red II artifacts (live or deleted) this counts as use of the backdoor "
             "(carved, not from a log file)",
             g->kind, q->status);
    f->why = rs_results_strdup(r, why);
  }
  if (q->when.set && q->has_date && q->utc) {
    char msg[900];
    bool qy = q->query && *q->query && strcmp(q->query, "-");
    snprintf(msg, sizeof msg, "carved from %s at byte %llu: %s%s %s%s%s -> %d", g->kind,
             (unsigned long long)c->offset,
             q->backdoor_use ? "backdoor use: " : "",
             q->method ? q->method : "", q->stem ? q->stem : "", qy ? "?" : "",
             qy ? q->query : "", q->status);
    rs_tl_add(r, &q->when, "Request Time (carved)", "carved", msg, (int)f->seq,
              g->path ? g->path : "unallocated space", q->client_ip);
  }
}
