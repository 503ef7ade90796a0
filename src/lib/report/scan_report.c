/* The "redsleuth-report/1" object of a scan, and the exit code it calls for. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/report.h"

json_t *rs_report_evidence(struct rs_scan_ctx *ctx)
{
  bool hashed = ctx->hashed;
  const struct rs_ewf_meta *em = &ctx->em;
  static const struct rs_media_hashes none;
  const struct rs_media_hashes *hh = ctx->hashes ? ctx->hashes : &none;
  const struct rs_image *img = ctx->img;
  json_t *ev = json_object();
  json_t *segs = json_array();
  for (int i = 0; i < img->nseg; i++)
    json_array_append_new(segs, rs_json_str(img->segments[i]));
  json_object_set_new(ev, "segments", segs);
  json_object_set_new(ev, "format", json_string(img->format));
  json_object_set_new(ev, "media_size", json_integer((json_int_t)img->media_size));
  json_object_set_new(ev, "sector_size", json_integer(img->sector_size));
  json_object_set_new(ev, "volume_system", json_string(img->vs_type));
  bool have = hashed && ctx->hash_err == RS_OK && hh->done;
  if (have) {
    json_t *h = json_object();
    json_object_set_new(h, "md5", json_string(hh->md5));
    json_object_set_new(h, "sha1", json_string(hh->sha1));
    json_object_set_new(h, "sha256", json_string(hh->sha256));
    json_object_set_new(ev, "hashes", h);
  } else {
    json_object_set_new(ev, "hashes", json_null());
    if (hashed)
      rs_ctx_unreadable(ctx, "media hash", img->nseg ? img->segments[0] : "-",
                        ctx->hash_diag && ctx->hash_diag->what[0] ? ctx->hash_diag->what : "media could not be read to the end");
  }
  if (have && hh->checksum_errors) {
    char why[400];
    snprintf(why, sizeof why,
             "%u range(s) of EWF chunks fail their stored checksum or are missing (first: sectors "
             "%llu-%llu); the media "
             "hash covers them as stored, the analysis saw them as zeros (libtsk/libewf "
             "zero-fill a corrupted chunk)",
             hh->checksum_errors, (unsigned long long)hh->bad[0].first,
             (unsigned long long)(hh->bad[0].first + hh->bad[0].count -
                                  (hh->bad[0].count ? 1 : 0)));
    rs_ctx_unreadable(ctx, "EWF chunk", img->nseg ? img->segments[0] : "-", why);
  }
  json_object_set_new(ev, "checksum_errors",
                      em->is_ewf && have ? json_integer(hh->checksum_errors) : json_null());
  const char *ver = "not-checked";
  if (em->is_ewf) {
    json_t *sh = json_object();
    json_object_set_new(sh, "md5", em->has_md5 ? json_string(em->md5) : json_null());
    json_object_set_new(sh, "sha1", em->has_sha1 ? json_string(em->sha1) : json_null());
    json_object_set_new(ev, "stored_hashes", sh);
    if (!em->has_md5 && !em->has_sha1)
      /* a damaged set may have lost its hash section: we cannot say none was stored */
      ver = img->media_damaged ? "not-checked" : "not-stored";
    else if (have) {
      bool ok = (!em->has_md5 || strcasecmp(em->md5, hh->md5) == 0) &&
                (!em->has_sha1 || strcasecmp(em->sha1, hh->sha1) == 0);
      ver = ok ? "match" : "mismatch";
    }
    json_t *acq = json_object();
#define ACQ(k, f) json_object_set_new(acq, k, em->f[0] ? rs_json_str(em->f) : json_null())
    ACQ("case_number", case_number);
    ACQ("evidence_number", evidence_number);
    ACQ("examiner", examiner);
    ACQ("description", description);
    ACQ("notes", notes);
    ACQ("acquiry_date", acquiry_date);
    ACQ("system_date", system_date);
    ACQ("acquiry_os", acquiry_os);
    ACQ("acquiry_software", acquiry_software);
    ACQ("acquiry_software_version", acquiry_software_version);
#undef ACQ
    json_object_set_new(ev, "acquisition", acq);
  } else {
    json_object_set_new(ev, "stored_hashes", json_null());
    json_object_set_new(ev, "acquisition", json_null());
    ver = "not-stored";
  }
  if (!hashed)
    ver = "not-checked";
  json_object_set_new(ev, "verification", json_string(ver));
  return ev;
}


/* ------------------------------------------------------------ findings */

static int find_cmp(const void *pa, const void *pb)
{
  const struct rs_find *a = pa, *b = pb;
  if (a->check != b->check)
    return a->check < b->check ? -1 : 1; /* table order */
  return strcmp(a->sort_key, b->sort_key);
}


json_t *rs_report_findings(struct rs_scan_ctx *ctx)
{
  if (ctx->nfind > 1) /* finds is NULL when there are none (UBSan, fuzz_scan) */
    qsort(ctx->finds, ctx->nfind, sizeof *ctx->finds, find_cmp);
  /* timeline entries refer to findings by creation order: remap */
  int *map = calloc(ctx->nfind ? ctx->nfind : 1, sizeof *map);
  json_t *arr = json_array();
  const struct rs_check *prev = NULL;
  int n = 0;
  for (size_t i = 0; i < ctx->nfind; i++) {
    struct rs_find *f = &ctx->finds[i];
    n = f->check == prev ? n + 1 : 1;
    prev = f->check;
    snprintf(f->id, sizeof f->id, "%s-%d", f->check->id, n);
    if (map)
      map[f->seq] = (int)i;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(f->id));
    json_object_update(o, f->obj);
    /* The contract lists these for every finding; a registry or log finding
     * has none of them, so they are there as null rather than missing. */
    static const char *const contract_keys[] = {"path", "allocated", "mft_entry", "size",
                                                "md5", "sha256", "times", "details"};
    for (size_t k = 0; k < sizeof contract_keys / sizeof contract_keys[0]; k++)
      if (!json_object_get(o, contract_keys[k]))
        json_object_set_new(o, contract_keys[k], json_null());
    json_array_append_new(arr, o);
  }
  for (size_t i = 0; map && i < ctx->ntl; i++)
    if (ctx->tl[i].find_index >= 0 && (size_t)ctx->tl[i].find_index < ctx->nfind)
      ctx->tl[i].find_index = map[ctx->tl[i].find_index];
  free(map);
  return arr;
}


json_t *rs_report_scan(struct rs_scan_ctx *ctx, const char *started)
{
  const struct rs_run_opts *o = ctx->opts;
  json_t *findings = rs_report_findings(ctx);
  json_t *rep = json_object();
  json_object_set_new(rep, "schema", json_string("redsleuth-report/1"));
  /* what must be seen first, before any other field (issue 7) */
  json_t *warnings = json_array();
  json_object_set_new(rep, "warnings", warnings);
  json_object_set_new(rep, "tool", rs_report_tool());
  json_object_set_new(rep, "run", rs_report_run(o, started));
  json_t *evj = rs_report_evidence(ctx);
  json_object_set_new(rep, "evidence", evj);
  if (strcmp(json_string_value(json_object_get(evj, "verification")), "mismatch") == 0)
    json_array_append_new(warnings, json_string(
        "STORED HASH MISMATCH: the media's computed hashes differ from the hashes stored in the "
        "EWF image; the evidence may have changed since acquisition (see evidence)"));
  json_object_set_new(rep, "volumes", rs_report_volumes(ctx->img));
  json_object_set_new(rep, "system", rs_report_system(ctx));
  json_object_set_new(rep, "logs", rs_report_logs(ctx));
  json_object_set_new(rep, "findings", findings);
  json_object_set_new(rep, "verdict", rs_verdict_build(ctx));
  json_object_set_new(rep, "timeline", rs_tl_build(ctx));
  if (ctx->tl_overflow)
    rs_ctx_unreadable(ctx, "timeline", "-", "too many dated facts; the timeline was cut");
  json_object_set(rep, "unreadable", ctx->unreadable);
  char finished[40];
  rs_now_iso(finished);
  json_object_set_new(json_object_get(rep, "run"), "finished_utc", json_string(finished));
  return rep;
}

int rs_report_exit_code(const json_t *report)
{
  const char *status = json_string_value(json_object_get(json_object_get(report, "verdict"), "status"));
  const json_t *unr = json_object_get(report, "unreadable");
  const char *ver = json_string_value(
      json_object_get(json_object_get(report, "evidence"), "verification"));
  /* 11 before 10: a verdict built from partly unreadable or unverified
   * evidence must not pass for a complete one in a script that branches on
   * the exit code alone (the verdict itself is in every output). */
  if ((json_is_array(unr) && json_array_size(unr) > 0) || (ver && strcmp(ver, "mismatch") == 0) ||
      (status && strcmp(status, "undetermined") == 0))
    return RS_EXIT_UNREADABLE;
  if (status && strcmp(status, "clean") != 0 && strcmp(status, "patched") != 0)
    return RS_EXIT_INDICATORS;
  return RS_EXIT_CLEAN;
}
