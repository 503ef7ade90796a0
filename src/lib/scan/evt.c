/* Stage "evt": the host's own account of the attack (issue 16,
 * docs/evtlogs.md): the event logs (%SystemRoot%\system32\config\*.Evt),
 * Dr. Watson's drwtsn32.log (NT 4.0 %windir%, Windows 2000 All Users\
 * Documents\DrWatson) and the user.dmp beside it, the UrlScan logs
 * (system32\inetsrv\urlscan\*.log) and IIS 4.0's W3svc.dll. Every file is
 * read whole through the bounded file reader, parsed by its source module
 * and classified by analysis/evt_table.c; crashes are paired with the Code
 * Red requests the log stage kept (CRASH-AFTER-WORM-REQUEST). None of these
 * findings decides a verdict: they are context (role info). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/nimda.h"
#include "redsleuth/buf.h"
#include "redsleuth/drwatson.h"
#include "redsleuth/evt.h"
#include "redsleuth/evtcheck.h"
#include "redsleuth/urlscan.h"
#include "scan/evt.h"
#include "redsleuth/collect.h"
#include "scan/stage.h"

/* ---- candidates (called by the walk) ---------------------------------- */

static bool in_dir(const char *path, const char *dir)
{
  size_t n = strlen(dir);
  return n && strncasecmp(path, dir, n) == 0 && path[n] == '/' && !strchr(path + n + 1, '/');
}

static bool ends_with(const char *s, const char *suffix)
{
  size_t n = strlen(s), k = strlen(suffix);
  return n > k && strcasecmp(s + n - k, suffix) == 0;
}

#define RS_DRW_W2K_DIR "/Documents and Settings/All Users/Documents/DrWatson"

const char *rs_evt_cand_role(const struct rs_scan_ctx *ctx, int vol, const struct rs_fsentry *e)
{
  const char *root = ctx->img->vols[vol].windows_root;
  const char *name = e->name;
  bool drw = strcasecmp(name, "drwtsn32.log") == 0, dmp = strcasecmp(name, "user.dmp") == 0;
  if ((drw || dmp) && in_dir(e->path, RS_DRW_W2K_DIR))
    return drw ? "drwatson" : "userdmp";
  if (!root[0])
    return NULL;
  char dir[320];
  if ((drw || dmp) && in_dir(e->path, root))
    return drw ? "drwatson" : "userdmp";
  snprintf(dir, sizeof dir, "%s/system32/config", root);
  if (ends_with(name, ".evt") && in_dir(e->path, dir))
    return "evt";
  snprintf(dir, sizeof dir, "%s/system32/inetsrv/urlscan", root);
  if (ends_with(name, ".log") && in_dir(e->path, dir))
    return "urlscan";
  snprintf(dir, sizeof dir, "%s/system32/inetsrv", root);
  if (strcasecmp(name, "w3svc.dll") == 0 && in_dir(e->path, dir))
    return "w3svc";
  return NULL;
}

void rs_evt_scan_free(struct rs_evt_scan *s)
{
  if (!s)
    return;
  for (size_t i = 0; i < s->n; i++)
    free(s->f[i].path);
  free(s->f);
  free(s);
}

/* ---- the stage --------------------------------------------------------- */

/* A crash with a UTC time, for the correlation. */
struct crash {
  struct rs_time t;
  const char *check;      /* static */
  const char *source_kind;
  char *path;             /* owned */
  uint64_t record;
  int volume;
};

struct evt_run {
  struct rs_scan_ctx *ctx;
  struct rs_evt_scan *s;
  struct crash *cr;
  size_t ncr, capcr;
  size_t per_check[RS_EVT_NCOUNTED];
};

const char *const rs_evt_counted_checks[] = {"EVT-IIS-CRASH", "EVT-APP-CRASH-INETINFO",
                                             "DRWATSON-INETINFO", "EVT-WFP-DISABLED",
                                             "EVT-UNEXPECTED-SHUTDOWN",
                                             "CRASH-AFTER-WORM-REQUEST", "URLSCAN-BLOCKED-IDA",
                                             "W3SVC-DLL", "NIMDA-SECEVENT"};
#define counted_checks rs_evt_counted_checks
#define NCOUNTED RS_EVT_NCOUNTED

/* A finding of check id, bounded per check (the rest counted in dropped[]). */
static struct rs_finding *add_finding(struct evt_run *r, const char *id, const struct rs_cand *c,
                                      const char *path, const char *key)
{
  const struct rs_check *chk = rs_check_find(id);
  if (!chk)
    return NULL;
  size_t k = 0;
  while (k < NCOUNTED && strcmp(counted_checks[k], id) != 0)
    k++;
  if (k < NCOUNTED && r->per_check[k]++ >= RS_EVT_FINDINGS_PER_CHECK) {
    r->s->dropped[k]++;
    return NULL;
  }
  struct rs_finding *f = rs_results_add_finding(&r->ctx->res, chk, RS_FD_EVENT, c->allocated,
                                                c->volume, key);
  if (!f)
    return NULL;
  f->path = rs_results_strdup(&r->ctx->res, path);
  f->u.ev.event_id = -1;
  return f;
}

static void note_crash(struct evt_run *r, const struct rs_time *t, const char *check,
                       const char *kind, const char *path, uint64_t record, int volume)
{
  if (!t->set || !rs_results_grow(&r->ctx->res, (void **)&r->cr, &r->capcr, r->ncr,
                                  sizeof *r->cr, 8))
    return;
  struct crash *x = &r->cr[r->ncr];
  x->path = rs_results_strdup(&r->ctx->res, path);
  if (!x->path)
    return;
  r->ncr++;
  x->t = *t;
  x->check = check;
  x->source_kind = kind;
  x->record = record;
  x->volume = volume;
}

static struct rs_evt_file *add_file(struct evt_run *r, const struct rs_cand *c, const char *kind,
                                    const char *win)
{
  struct rs_evt_scan *s = r->s;
  if (!rs_results_grow(&r->ctx->res, (void **)&s->f, &s->cap, s->n, sizeof *s->f, 8))
    return NULL;
  struct rs_evt_file *f = &s->f[s->n];
  memset(f, 0, sizeof *f);
  f->path = rs_results_strdup(&r->ctx->res, win);
  if (!f->path)
    return NULL;
  s->n++;
  f->kind = kind;
  f->volume = c->volume;
  f->inum = c->inum;
  f->size = c->size;
  f->allocated = c->allocated;
  f->mtime = c->fat_local ? RS_TIME_UNSET : c->si[1];
  return f;
}

/* Reads the candidate whole (bounded) and hashes it; false (with the
 * reason in f->note) when it cannot be read. */
static bool read_whole(struct evt_run *r, const struct rs_cand *c, struct rs_evt_file *f,
                       const char *what, size_t max, uint8_t **data, size_t *len)
{
  struct rs_diag d;
  rs_diag_clear(&d);
  const struct rs_volume *fs = &r->ctx->img->vols[c->volume];
  enum rs_err e = rs_vfile_read(fs, c->inum, max, false, data, len, &d);
  if (e == RS_OK && !*data)
    e = RS_E_IO;
  if (e != RS_OK) {
    snprintf(f->note, sizeof f->note, "%s", d.what[0] ? d.what : rs_err_name(e));
    if (c->allocated || e == RS_E_NOMEM)
      rs_ctx_unreadable(r->ctx, what, f->path, e, d.what);
    free(*data);
    *data = NULL;
    return false;
  }
  struct rs_file_digest dg;
  memset(&dg, 0, sizeof dg);
  if (rs_digest_mem(*data, *len, &dg, NULL) == RS_E_NOMEM)
    rs_results_fail(&r->ctx->res, RS_E_NOMEM);
  f->digest = dg.done;
  memcpy(f->sha256, dg.sha256, sizeof f->sha256);
  return true;
}

static void copy_strings(struct evt_run *r, struct rs_finding *f, const struct rs_evt_record *rec)
{
  if (!rec->nstr)
    return;
  f->u.ev.strs = calloc(rec->nstr, sizeof *f->u.ev.strs);
  if (!f->u.ev.strs) {
    rs_results_fail(&r->ctx->res, RS_E_NOMEM);
    return;
  }
  for (size_t i = 0; i < rec->nstr; i++) {
    f->u.ev.strs[i] = rs_results_strdup(&r->ctx->res, rec->str[i]);
    if (!f->u.ev.strs[i])
      return;
    f->u.ev.nstr++;
  }
}

/* A finding of check id backed by one event record (its log, number, time,
 * id, source and strings), on the timeline; NULL when bounded away. */
static struct rs_finding *record_finding(struct evt_run *r, const struct rs_cand *c,
                                         const char *win, enum rs_evt_logkind kind,
                                         const struct rs_evt_record *rec, const char *id,
                                         const char *msg)
{
  char key[64];
  snprintf(key, sizeof key, "%d|%012llu|%u", c->volume, (unsigned long long)c->inum,
           (unsigned)rec->number);
  struct rs_finding *f = add_finding(r, id, c, win, key);
  if (!f)
    return NULL;
  struct rs_event_detail *ev = &f->u.ev;
  ev->source_kind = "evt";
  ev->record = rec->number;
  ev->recovered = rec->recovered;
  ev->log = rs_evt_logkind_name(kind);
  ev->event_id = rec->event_id;
  snprintf(ev->source, sizeof ev->source, "%s", rec->source);
  ev->when = rec->generated;
  ev->when_utc = true;
  copy_strings(r, f, rec);
  f->title = rs_results_strdup(&r->ctx->res, msg);
  rs_tl_add(&r->ctx->res, &rec->generated, "Event Generated", "evt", msg, (int)f->seq, win, NULL);
  return f;
}

static void evt_record(struct evt_run *r, const struct rs_cand *c, const char *win,
                       enum rs_evt_logkind kind, const struct rs_evt_record *rec)
{
  const struct rs_evt_rule *rules[8];
  size_t n = rs_evt_classify(rec, kind, rules, 8);
  if (n > 8)
    n = 8;
  char msg[700];
  snprintf(msg, sizeof msg, "%s log record %u%s: %s %u%s%s", rs_evt_logkind_name(kind),
           (unsigned)rec->number, rec->recovered ? " (recovered)" : "", rec->source,
           (unsigned)rec->event_id, rec->nstr ? " " : "", rec->nstr ? rec->str[0] : "");
  for (size_t i = 0; i < n && !rs_ctx_failed(r->ctx); i++) {
    const struct rs_evt_rule *u = rules[i];
    if (u->role == RS_EVT_ROLE_BOOT || u->role == RS_EVT_ROLE_SHUTDOWN) {
      bool boot = u->role == RS_EVT_ROLE_BOOT;
      rs_tl_add(&r->ctx->res, &rec->generated, boot ? "Boot" : "Shutdown", "evt", msg, -1, win,
                NULL);
      if (boot && rec->generated.set &&
          (!r->s->last_boot.set || rs_time_cmp(&rec->generated, &r->s->last_boot) > 0)) {
        r->s->last_boot = rec->generated;
        snprintf(r->s->last_boot_what, sizeof r->s->last_boot_what,
                 "%s record %u (%s %u)", win, (unsigned)rec->number, rec->source,
                 (unsigned)rec->event_id);
      }
      continue;
    }
    struct rs_finding *f = record_finding(r, c, win, kind, rec, u->id, msg);
    if (f && (!strcmp(u->id, "EVT-IIS-CRASH") || !strcmp(u->id, "EVT-APP-CRASH-INETINFO")))
      note_crash(r, &rec->generated, u->id, "evt", win, rec->number, c->volume);
  }
  /* NIMDA-SECEVENT (issue 18): the Security log's account of Guest being
   * enabled or made an administrator, beside the SAM's NIMDA-GUEST-ADMIN */
  char what[200];
  if ((kind == RS_EVT_LOG_SECURITY || kind == RS_EVT_LOG_UNKNOWN) && !rs_ctx_failed(r->ctx) &&
      rs_nimda_secevent(rec, what, sizeof what)) {
    char title[700];
    snprintf(title, sizeof title, "Security log record %u%s: %s", (unsigned)rec->number,
             rec->recovered ? " (recovered)" : "", what);
    record_finding(r, c, win, kind, rec, "NIMDA-SECEVENT", title);
  }
}

static void do_evt(struct evt_run *r, const struct rs_cand *c, const char *win)
{
  struct rs_evt_file *f = add_file(r, c, "evt", win);
  if (!f)
    return;
  enum rs_evt_logkind kind = rs_evt_logkind_from_name(c->path);
  f->log = rs_evt_logkind_name(kind);
  uint8_t *data = NULL;
  size_t len = 0;
  if (!read_whole(r, c, f, "event log", RS_EVT_FILE_MAX, &data, &len)) {
    f->state = RS_EVT_UNREADABLE;
    return;
  }
  struct rs_evt_log log;
  struct rs_diag d;
  rs_diag_clear(&d);
  enum rs_err e = rs_evt_read(data, len, &log, &d);
  free(data);
  if (e == RS_E_NOMEM) {
    rs_results_fail(&r->ctx->res, e);
    rs_evt_log_free(&log);
    return;
  }
  f->state = e == RS_OK ? log.state : RS_EVT_UNREADABLE;
  f->records = log.nrecords;
  f->recovered = log.nrecovered;
  f->first = log.first;
  f->last = log.last;
  snprintf(f->note, sizeof f->note, "%s", log.note[0] ? log.note : e != RS_OK ? d.what : "");
  if (e != RS_OK && c->allocated)
    rs_ctx_unreadable(r->ctx, "event log", win, e, f->note);
  for (size_t i = 0; i < log.nrec && !rs_ctx_failed(r->ctx); i++)
    evt_record(r, c, win, kind, &log.rec[i]);
  if (e == RS_OK && c->allocated &&
      (kind == RS_EVT_LOG_SYSTEM || kind == RS_EVT_LOG_UNKNOWN)) {
    r->s->system_read = true;
    if (log.last.set && (!r->s->system_last.set || rs_time_cmp(&log.last, &r->s->system_last) > 0))
      r->s->system_last = log.last;
  }
  rs_evt_log_free(&log);
}

/* A local time to UTC with the registry's zone; *utc says whether it was. */
static struct rs_time to_utc(const struct evt_run *r, struct rs_time local, bool *utc)
{
  *utc = false;
  if (!local.set)
    return local;
  return rs_tz_local_to_utc(&r->ctx->si.tz, local, utc);
}

static void do_drwatson(struct evt_run *r, const struct rs_cand *c, const char *win)
{
  struct rs_evt_file *f = add_file(r, c, "drwatson", win);
  if (!f)
    return;
  uint8_t *data = NULL;
  size_t len = 0;
  if (!read_whole(r, c, f, "Dr. Watson log", RS_EVT_FILE_MAX, &data, &len))
    return;
  struct rs_drw_log log;
  struct rs_diag d;
  rs_diag_clear(&d);
  enum rs_err e = rs_drw_parse(data, len, &log, &d);
  free(data);
  if (e != RS_OK) {
    rs_drw_log_free(&log);
    if (e == RS_E_NOMEM)
      rs_results_fail(&r->ctx->res, e);
    else if (c->allocated)
      rs_ctx_unreadable(r->ctx, "Dr. Watson log", win, e, d.what);
    return;
  }
  f->style = rs_drw_style_name(log.style);
  f->reports = log.n + log.ndropped;
  if (log.garbage)
    snprintf(f->note, sizeof f->note, "%llu lines were not understood",
             (unsigned long long)log.garbage);
  for (size_t i = 0; i < log.n && !rs_ctx_failed(r->ctx); i++) {
    const struct rs_drw_entry *x = &log.e[i];
    if (!rs_drw_is_inetinfo(x))
      continue;
    f->inetinfo++;
    char key[64];
    snprintf(key, sizeof key, "%d|%012llu|%012llu", c->volume, (unsigned long long)c->inum,
             (unsigned long long)x->line);
    struct rs_finding *g = add_finding(r, RS_DRW_CHECK_ID, c, win, key);
    if (!g)
      continue;
    struct rs_event_detail *ev = &g->u.ev;
    ev->source_kind = "drwatson";
    ev->record = x->line;
    snprintf(ev->source, sizeof ev->source, "%s", x->app);
    ev->when = to_utc(r, x->when, &ev->when_utc);
    snprintf(ev->when_raw, sizeof ev->when_raw, "%s", x->when_raw);
    if (x->has_code)
      snprintf(ev->code, sizeof ev->code, "0x%08x", (unsigned)x->code);
    if (x->has_fault)
      snprintf(ev->fault, sizeof ev->fault, "0x%08llx", (unsigned long long)x->fault);
    char msg[600];
    snprintf(msg, sizeof msg, "Dr. Watson: %s crashed (%s%s%s%s) at line %llu", x->app,
             ev->code[0] ? "exception " : "no exception code", ev->code,
             x->code_text[0] ? ", " : "", x->code_text, (unsigned long long)x->line);
    g->title = rs_results_strdup(&r->ctx->res, msg);
    if (ev->when_utc) {
      rs_tl_add(&r->ctx->res, &ev->when, "Crash Time", "drwatson", msg, (int)g->seq, win, NULL);
      note_crash(r, &ev->when, RS_DRW_CHECK_ID, "drwatson", win, x->line, c->volume);
    }
  }
  rs_drw_log_free(&log);
}

static void do_userdmp(struct evt_run *r, const struct rs_cand *c, const char *win)
{
  struct rs_evt_file *f = add_file(r, c, "userdmp", win);
  if (f)
    snprintf(f->note, sizeof f->note, "%s",
             "the last crash's memory dump: listed, not read (its time is the file's)");
}

static void do_urlscan(struct evt_run *r, const struct rs_cand *c, const char *win)
{
  struct rs_evt_file *f = add_file(r, c, "urlscan", win);
  if (!f)
    return;
  uint8_t *data = NULL;
  size_t len = 0;
  if (!read_whole(r, c, f, "UrlScan log", RS_EVT_FILE_MAX, &data, &len))
    return;
  struct rs_urlscan_log log;
  struct rs_diag d;
  rs_diag_clear(&d);
  enum rs_err e = rs_urlscan_parse(data, len, &log, &d);
  free(data);
  if (e != RS_OK) {
    rs_urlscan_log_free(&log);
    if (e == RS_E_NOMEM)
      rs_results_fail(&r->ctx->res, e);
    else if (c->allocated)
      rs_ctx_unreadable(r->ctx, "UrlScan log", win, e, d.what);
    return;
  }
  f->lines = log.lines;
  f->rejected = log.rejected;
  f->ida_count = log.ida_count;
  f->ida_listed = log.ida_listed;
  bool u0 = false, u1 = false;
  f->ida_first = to_utc(r, log.ida_first, &u0);
  f->ida_last = to_utc(r, log.ida_last, &u1);
  f->times_utc = u0 && u1;
  if (log.garbage)
    snprintf(f->note, sizeof f->note, "%llu lines were not understood",
             (unsigned long long)log.garbage);
  if (log.ida_count > 0) {
    char key[64];
    snprintf(key, sizeof key, "%d|%012llu", c->volume, (unsigned long long)c->inum);
    struct rs_finding *g = add_finding(r, "URLSCAN-BLOCKED-IDA", c, win, key);
    if (g) {
      struct rs_event_detail *ev = &g->u.ev;
      ev->source_kind = "urlscan";
      ev->record = log.ida_first_line;
      ev->count = log.ida_count;
      ev->when = f->ida_first;
      ev->last = f->ida_last;
      ev->when_utc = f->times_utc;
      char msg[600];
      snprintf(msg, sizeof msg, "UrlScan rejected %llu .ida/.idq request(s) (%s)",
               (unsigned long long)log.ida_count, win);
      g->title = rs_results_strdup(&r->ctx->res, msg);
      if (f->times_utc) {
        rs_tl_add(&r->ctx->res, &ev->when, "First Rejection", "urlscan", msg, (int)g->seq, win,
                  NULL);
        if (rs_time_cmp(&ev->when, &ev->last) != 0)
          rs_tl_add(&r->ctx->res, &ev->last, "Last Rejection", "urlscan", msg, (int)g->seq, win,
                    NULL);
      }
    }
  }
  rs_urlscan_log_free(&log);
}

static void do_w3svc(struct evt_run *r, const struct rs_cand *c, const char *win)
{
  struct rs_diag d;
  rs_diag_clear(&d);
  uint8_t *data = NULL;
  size_t len = 0;
  const struct rs_volume *fs = &r->ctx->img->vols[c->volume];
  enum rs_err e = rs_vfile_read(fs, c->inum, RS_PE_MAX, false, &data, &len, &d);
  struct rs_pe_info pi;
  memset(&pi, 0, sizeof pi);
  bool have_ver = false;
  if (e == RS_OK && data) {
    e = rs_pe_read(data, len, &pi, &d);
    have_ver = (e == RS_OK || e == RS_E_CORRUPT || e == RS_E_TRUNCATED) && pi.has_version;
  }
  free(data);
  if (e != RS_OK && (c->allocated || e == RS_E_NOMEM))
    rs_ctx_unreadable(r->ctx, "PE file", win, e, d.what);
  if (!c->allocated)
    return;
  struct rs_w3svc_result w;
  rs_w3svc_classify(pi.file_version, have_ver, &w);
  if (!w.check)
    return;
  char key[64];
  snprintf(key, sizeof key, "%d|%012llu", c->volume, (unsigned long long)c->inum);
  struct rs_finding *g = add_finding(r, w.check, c, win, key);
  if (!g)
    return;
  g->u.ev.source_kind = "pe";
  snprintf(g->u.ev.version, sizeof g->u.ev.version, "%s", pi.file_version_str);
  char msg[400];
  snprintf(msg, sizeof msg, "W3svc.dll %s: %s", pi.file_version_str, w.why);
  g->title = rs_results_strdup(&r->ctx->res, msg);
  g->severity = c->volume == r->ctx->sys_volume ? "high" : NULL;
}

/* CRASH-AFTER-WORM-REQUEST: each crash with a UTC time against the Code Red
 * requests before it. */
static void correlate(struct evt_run *r)
{
  struct rs_scan_ctx *ctx = r->ctx;
  if (!r->ncr || !ctx->ncrreq)
    return;
  qsort(ctx->crreq, ctx->ncrreq, sizeof *ctx->crreq, rs_crreq_cmp);
  struct rs_time *t = calloc(ctx->ncrreq, sizeof *t);
  if (!t) {
    rs_results_fail(&ctx->res, RS_E_NOMEM);
    return;
  }
  for (size_t i = 0; i < ctx->ncrreq; i++)
    t[i] = ctx->crreq[i].t;
  for (size_t i = 0; i < r->ncr && !rs_ctx_failed(ctx); i++) {
    const struct crash *x = &r->cr[i];
    long k = rs_crash_after_request(t, ctx->ncrreq, &x->t, RS_CRASH_WINDOW_SEC);
    if (k < 0)
      continue;
    const struct rs_cr_request *q = &ctx->crreq[k];
    char key[600];
    snprintf(key, sizeof key, "%020lld|%s|%012llu", (long long)x->t.sec, x->path,
             (unsigned long long)x->record);
    struct rs_cand c = {.volume = x->volume, .allocated = true};
    struct rs_finding *f = add_finding(r, RS_CRASH_CHECK_ID, &c, x->path, key);
    if (!f)
      continue;
    struct rs_event_detail *ev = &f->u.ev;
    ev->source_kind = x->source_kind;
    ev->record = x->record;
    ev->crash_check = x->check;
    ev->when = x->t;
    ev->when_utc = true;
    ev->req_time = q->t;
    ev->req_file = rs_results_strdup(&ctx->res, q->file);
    ev->req_line = q->line;
    snprintf(ev->req_ip, sizeof ev->req_ip, "%s", q->ip);
    char ts[RS_TIME_ISO_MAX];
    char msg[900];
    snprintf(msg, sizeof msg, "%s %lld s after the Code Red request from %s (%s line %llu, %s)",
             x->check, (long long)(x->t.sec - q->t.sec), q->ip[0] ? q->ip : "-", q->file,
             (unsigned long long)q->line, rs_time_iso(&q->t, ts));
    f->title = rs_results_strdup(&ctx->res, msg);
    rs_tl_add(&ctx->res, &x->t, "Crash After Request", x->source_kind, msg, (int)f->seq,
              x->path, q->ip[0] ? q->ip : NULL);
  }
  free(t);
}

void rs_stage_evt(struct rs_scan_ctx *ctx)
{
  ctx->evt = calloc(1, sizeof *ctx->evt);
  if (!ctx->evt) {
    rs_results_fail(&ctx->res, RS_E_NOMEM);
    return;
  }
  struct evt_run r = {.ctx = ctx, .s = ctx->evt};
  struct rs_buf win = {0};
  for (size_t i = 0; i < ctx->ncand && !rs_ctx_failed(ctx); i++) {
    const struct rs_cand *c = &ctx->cands[i];
    if (c->kind != RS_C_EVT)
      continue;
    if (!rs_win_path(ctx, c->volume, c->path, &win))
      break;
    rs_scan_progress(ctx, "reading", win.data);
    if (!strcmp(c->role, "evt"))
      do_evt(&r, c, win.data);
    else if (!strcmp(c->role, "drwatson"))
      do_drwatson(&r, c, win.data);
    else if (!strcmp(c->role, "userdmp"))
      do_userdmp(&r, c, win.data);
    else if (!strcmp(c->role, "urlscan"))
      do_urlscan(&r, c, win.data);
    else if (!strcmp(c->role, "w3svc"))
      do_w3svc(&r, c, win.data);
  }
  rs_buf_free(&win);
  if (!rs_ctx_failed(ctx))
    correlate(&r);
  for (size_t i = 0; i < r.ncr; i++)
    free(r.cr[i].path);
  free(r.cr);
}

void rs_evt_verdict_facts(const struct rs_scan_ctx *ctx, struct rs_verdict_facts *x)
{
  const struct rs_evt_scan *s = ctx->evt;
  if (!s)
    return;
  x->evt_system_read = s->system_read;
  x->evt_system_last = s->system_last;
  x->last_boot = s->last_boot;
  snprintf(x->last_boot_what, sizeof x->last_boot_what, "%s", s->last_boot_what);
}
