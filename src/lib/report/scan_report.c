/* The "redsleuth-report/1" object of a scan, and the exit code it calls for. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/collect.h"
#include "report/report.h"

/* A collection (folder, ZIP, TAR): what it is, what cannot be known from
 * it, and the manifest of the files read (each read whole, in walk order). */
static void collection_json(struct rs_jb *jb, json_t *ev, const struct rs_coll *c)
{
  rs_jset(jb, ev, "kind", json_string(rs_coll_kind_name(rs_coll_kind_of(c))));
  rs_jset(jb, ev, "limitation", json_string(RS_COLL_LIMITATION));
  json_t *layouts = json_array();
  for (int v = 0; rs_coll_volume(c, v); v++) {
    const struct rs_coll_vol *cv = rs_coll_volume(c, v);
    json_t *roots = json_array();
    for (int k = 0; k < cv->nprefix; k++)
      rs_japp(jb, roots, rs_json_str(cv->prefix[k]));
    rs_japp(jb, layouts, json_pack("{s:s, s:b, s:s, s:o}", "drive", cv->letter, "drive_assumed",
                                   cv->assumed, "layout", cv->layout, "roots", roots));
  }
  rs_jset(jb, ev, "drives", layouts);
  json_t *man = json_array();
  for (size_t i = 0; i < rs_coll_nentries(c); i++) {
    const struct rs_coll_entry *e = rs_coll_entry(c, i);
    if (!e->hashed)
      continue;
    json_t *o = json_object();
    rs_jset(jb, o, "path", rs_json_str(e->name));
    rs_jset(jb, o, "size", json_integer((json_int_t)e->size));
    rs_jset(jb, o, "sha256", json_string(e->sha256));
    rs_japp(jb, man, o);
  }
  rs_jset(jb, ev, "manifest", man);
}

static json_t *evidence_json(struct rs_jb *jb, struct rs_scan_ctx *ctx)
{
  bool hashed = ctx->hashed;
  const struct rs_ewf_meta *em = &ctx->em;
  static const struct rs_media_hashes none;
  const struct rs_media_hashes *hh = ctx->hashes ? ctx->hashes : &none;
  const struct rs_image *img = ctx->img;
  json_t *ev = json_object();
  rs_jset(jb, ev, "segments", rs_report_segments(jb, img));
  rs_jset(jb, ev, "format", json_string(img->format));
  rs_jset(jb, ev, "media_size", json_integer((json_int_t)img->media_size));
  rs_jset(jb, ev, "sector_size", json_integer(img->sector_size));
  rs_jset(jb, ev, "volume_system", json_string(img->vs_type));
  rs_report_add_container(jb, ev, img);
  bool have = hashed && ctx->hash_err == RS_OK && hh->done;
  if (have) {
    json_t *h = json_object();
    rs_jset(jb, h, "md5", json_string(hh->md5));
    rs_jset(jb, h, "sha1", json_string(hh->sha1));
    rs_jset(jb, h, "sha256", json_string(hh->sha256));
    rs_jset(jb, ev, "hashes", h);
  } else {
    rs_jset(jb, ev, "hashes", json_null());
  }
  rs_jset(jb, ev, "checksum_errors",
                      em->is_ewf && have ? json_integer(hh->checksum_errors) : json_null());
  const char *ver = "not-checked";
  if (em->is_ewf) {
    rs_jset(jb, ev, "stored_hashes", rs_report_stored_hashes(jb, em));
    if (!em->has_md5 && !em->has_sha1)
      /* a damaged set may have lost its hash section: we cannot say none was stored */
      ver = img->media_damaged ? "not-checked" : "not-stored";
    else if (have) {
      bool ok = (!em->has_md5 || strcasecmp(em->md5, hh->md5) == 0) &&
                (!em->has_sha1 || strcasecmp(em->sha1, hh->sha1) == 0);
      ver = ok ? "match" : "mismatch";
    }
    rs_jset(jb, ev, "acquisition", rs_report_acquisition(jb, em));
  } else {
    rs_jset(jb, ev, "stored_hashes", json_null());
    rs_jset(jb, ev, "acquisition", json_null());
    ver = "not-stored";
  }
  /* --expect-hash: the acquisition record's hash of the media, checked like
   * an EWF's stored hash (for a raw image it is the only one) */
  const struct rs_run_opts *o = ctx->opts;
  if (o && o->expect_algo && o->expect_hex) {
    rs_jset(jb, ev, "expected_hash",
            json_pack("{s:s, s:s}", "algorithm", o->expect_algo, "value", o->expect_hex));
    if (have) {
      const char *got = !strcmp(o->expect_algo, "md5")    ? hh->md5
                        : !strcmp(o->expect_algo, "sha1") ? hh->sha1
                                                          : hh->sha256;
      bool ok = strcasecmp(got, o->expect_hex) == 0;
      if (!ok)
        ver = "mismatch";
      else if (strcmp(ver, "mismatch") != 0)
        ver = "match";
    }
  } else {
    rs_jset(jb, ev, "expected_hash", json_null());
  }
  if (!hashed)
    ver = "not-checked";
  rs_jset(jb, ev, "verification", json_string(ver));
  if (img->coll)
    collection_json(jb, ev, img->coll);
  return ev;
}


/* The warning that tops every output when verification is "mismatch": which
 * hash disagreed (the EWF's stored one, the --expect-hash one, or both). */
const char *rs_report_mismatch_warning(const json_t *ev)
{
  const json_t *st = json_object_get(ev, "stored_hashes"), *h = json_object_get(ev, "hashes");
  const json_t *ex = json_object_get(ev, "expected_hash");
  bool stored_bad = false, expected_bad = false;
  static const char *const algs[] = {"md5", "sha1"};
  for (int i = 0; i < 2; i++) {
    const char *a = json_string_value(json_object_get(st, algs[i]));
    const char *b = json_string_value(json_object_get(h, algs[i]));
    if (a && b && strcasecmp(a, b) != 0)
      stored_bad = true;
  }
  const char *alg = json_string_value(json_object_get(ex, "algorithm"));
  const char *want = json_string_value(json_object_get(ex, "value"));
  const char *got = alg ? json_string_value(json_object_get(h, alg)) : NULL;
  if (want && got && strcasecmp(want, got) != 0)
    expected_bad = true;
  if (expected_bad && stored_bad)
    return "STORED AND EXPECTED HASH MISMATCH: the media's computed hashes differ from the "
           "hashes stored in the EWF image and from the --expect-hash value; the evidence may "
           "have changed since acquisition (see evidence)";
  if (expected_bad)
    return "EXPECTED HASH MISMATCH: the media's computed hash differs from the acquisition hash "
           "given with --expect-hash; the evidence may have changed since acquisition, or this "
           "is not the image that was acquired (see evidence)";
  return "STORED HASH MISMATCH: the media's computed hashes differ from the hashes stored in the "
         "EWF image; the evidence may have changed since acquisition (see evidence)";
}

json_t *rs_report_scan(struct rs_scan_ctx *ctx, const char *started, bool hits_apart)
{
  struct rs_jb jb = {false};
  const struct rs_results *r = &ctx->res;
  json_t *rep = json_object();
  rs_jset(&jb, rep, "schema", json_string("redsleuth-report/1"));
  /* what must be seen first, before any other field (issue 7) */
  json_t *warnings = rs_report_warnings(&jb, ctx->img);
  rs_jset(&jb, rep, "warnings", json_incref(warnings));
  json_t *run = rs_report_run(&jb, ctx->opts, started);
  rs_jset(&jb, rep, "tool", rs_report_tool());
  rs_jset(&jb, rep, "run", json_incref(run));
  json_t *evj = evidence_json(&jb, ctx);
  rs_jset(&jb, rep, "evidence", json_incref(evj));
  const char *ver = json_string_value(json_object_get(evj, "verification"));
  if (ver && strcmp(ver, "mismatch") == 0)
    rs_japp(&jb, warnings, json_string(rs_report_mismatch_warning(evj)));
  rs_jset(&jb, rep, "volumes", rs_report_volumes(&jb, ctx->img));
  rs_jset(&jb, rep, "system", rs_report_system(&jb, ctx));
  rs_jset(&jb, rep, "logs", rs_report_logs(&jb, ctx));
  if (ctx->nregions) /* absent when no memory residue or unallocated space was searched */
    rs_jset(&jb, rep, "residue", rs_report_residue(&jb, ctx));
  if (ctx->content) /* absent without --yara / --hashset: reports stay as they were */
    rs_jset(&jb, rep, "content_scan", rs_report_content_scan(&jb, ctx));
  rs_jset(&jb, rep, "story", rs_report_story(&jb, r));
  rs_jset(&jb, rep, "findings", rs_report_findings(&jb, r));
  rs_jset(&jb, rep, "verdict", rs_report_verdict(&jb, r));
  rs_jset(&jb, rep, "timeline", rs_report_timeline(&jb, r, !hits_apart));
  rs_jset(&jb, rep, "unreadable", rs_report_unreadable(&jb, r));
  char finished[40];
  rs_now_iso(finished);
  rs_jset(&jb, run, "finished_utc", json_string(finished));
  json_decref(warnings);
  json_decref(run);
  json_decref(evj);
  if (jb.nomem || !rep) {
    json_decref(rep);
    return NULL;
  }
  return rep;
}

int rs_exit_code(enum rs_status status, bool unreadable, bool mismatch)
{
  /* 11 before 10: a verdict built from partly unreadable or unverified
   * evidence must not pass for a complete one in a script that branches on
   * the exit code alone (the verdict itself is in every output). */
  if (unreadable || mismatch || status == RS_ST_UNDETERMINED)
    return RS_EXIT_UNREADABLE;
  if (status != RS_ST_CLEAN && status != RS_ST_PATCHED)
    return RS_EXIT_INDICATORS;
  return RS_EXIT_CLEAN;
}

int rs_report_exit_code(const json_t *report)
{
  const char *status = json_string_value(json_object_get(json_object_get(report, "verdict"), "status"));
  const json_t *unr = json_object_get(report, "unreadable");
  const char *ver = json_string_value(
      json_object_get(json_object_get(report, "evidence"), "verification"));
  int st = rs_status_parse(status);
  /* a report without a status (an info report) has no indicator to give */
  return rs_exit_code(st < 0 ? RS_ST_CLEAN : (enum rs_status)st,
                      json_is_array(unr) && json_array_size(unr) > 0,
                      ver && strcmp(ver, "mismatch") == 0);
}
