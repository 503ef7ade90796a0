/* Stage "evidence": EWF case metadata and the acquisition date; stage
 * "hash" (after the join): what the media hash could not read. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/buf.h"
#include "scan/stage.h"

/* libewf renders header dates like "Fri Aug 10 12:00:00 2001": the acquiring
 * host's clock, without a zone. */
static struct rs_time parse_ewf_date(const char *s)
{
  static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char wd[8], mn[8];
  int d, h, mi, se, y;
  if (sscanf(s, "%7s %7s %d %d:%d:%d %d", wd, mn, &d, &h, &mi, &se, &y) != 7)
    return RS_TIME_UNSET;
  for (int m = 0; m < 12; m++)
    if (strcmp(mn, mon[m]) == 0)
      return rs_time_from_civil(y, m + 1, d, h, mi, se);
  return RS_TIME_UNSET;
}


void rs_stage_evidence(struct rs_scan_ctx *ctx)
{
  const char *seg0 = ctx->opts->segs[0];
  struct rs_diag ed;
  rs_diag_clear(&ed);
  enum rs_err e = rs_ewf_read_meta(ctx->img, &ctx->em, &ed);
  if (e == RS_E_NOMEM)
    rs_results_fail(&ctx->res, e);
  else if (e != RS_OK)
    rs_results_unreadable(&ctx->res, "EWF metadata", seg0, ed.what);
  const struct rs_ewf_meta *em = &ctx->em;
  if (em->is_ewf && em->acquiry_date[0]) {
    struct rs_time at = parse_ewf_date(em->acquiry_date);
    struct rs_buf msg;
    rs_buf_init(&msg, (size_t)1 << 16);
    if (rs_buf_addf(&msg, "evidence acquired (EWF header, case %s, examiner %s)",
                    em->case_number[0] ? em->case_number : "-",
                    em->examiner[0] ? em->examiner : "-") != RS_OK)
      rs_results_fail(&ctx->res, RS_E_NOMEM); /* both fields are bounded: never the limit */
    rs_tl_add(&ctx->res, &at, "Acquisition Date (acquiring host's clock; zone not stored)", "ewf",
              msg.data, -1, seg0, NULL);
    rs_buf_free(&msg);
  }
}

void rs_stage_hash(struct rs_scan_ctx *ctx)
{
  if (!ctx->hashed)
    return;
  const struct rs_image *img = ctx->img;
  const char *seg0 = img->nseg ? img->segments[0] : "-";
  const struct rs_media_hashes *h = ctx->hashes;
  bool have = ctx->hash_err == RS_OK && h && h->done;
  if (!have) {
    if (ctx->hash_err == RS_E_NOMEM) {
      rs_results_fail(&ctx->res, RS_E_NOMEM);
      return;
    }
    rs_results_unreadable(&ctx->res, "media hash", seg0,
                          ctx->hash_diag && ctx->hash_diag->what[0]
                              ? ctx->hash_diag->what
                              : "media could not be read to the end");
    return;
  }
  if (h->checksum_errors) {
    char why[400];
    snprintf(why, sizeof why,
             "%u range(s) of EWF chunks fail their stored checksum or are missing (first: sectors "
             "%llu-%llu); the media "
             "hash covers them as stored, the analysis saw them as zeros (libtsk/libewf "
             "zero-fill a corrupted chunk)",
             h->checksum_errors, (unsigned long long)h->bad[0].first,
             (unsigned long long)(h->bad[0].first + h->bad[0].count - (h->bad[0].count ? 1 : 0)));
    rs_results_unreadable(&ctx->res, "EWF chunk", seg0, why);
  }
}
