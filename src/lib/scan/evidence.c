/* Stage "evidence": EWF case metadata and the acquisition date. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
  if (rs_ewf_read_meta(ctx->img, &ctx->em, &ed) != RS_OK)
    rs_ctx_unreadable(ctx, "EWF metadata", seg0, ed.what);
  const struct rs_ewf_meta *em = &ctx->em;
  if (em->is_ewf && em->acquiry_date[0]) {
    struct rs_time at = parse_ewf_date(em->acquiry_date);
    char msg[400];
    snprintf(msg, sizeof msg, "evidence acquired (EWF header, case %s, examiner %s)",
             em->case_number[0] ? em->case_number : "-", em->examiner[0] ? em->examiner : "-");
    rs_tl_add(ctx, &at, "Acquisition Date (acquiring host's clock; zone not stored)", "ewf",
              msg, -1, seg0, NULL);
  }
}
