/* The timeline entries of --timeline-hits, kept out of the report object
 * (include/redsleuth/hits.h): a spill read back one entry at a time, each
 * made the JSON object report.timeline[] would hold. */
#include <stdlib.h>

#include "report/report.h"

struct rs_hits {
  struct rs_tl_spill *spill;
};

enum rs_err rs_report_hits(struct rs_scan_ctx *ctx, struct rs_hits **out)
{
  *out = NULL;
  struct rs_results *r = &ctx->res;
  if (!r->spill || rs_tl_spill_count(r->spill) == 0)
    return RS_OK;
  struct rs_hits *h = calloc(1, sizeof *h);
  if (!h)
    return RS_E_NOMEM;
  h->spill = r->spill;
  r->spill = NULL;
  *out = h;
  return RS_OK;
}

uint64_t rs_hits_count(const struct rs_hits *h)
{
  return h ? rs_tl_spill_count(h->spill) : 0;
}

static enum rs_err spill_error(const struct rs_hits *h, struct rs_diag *d)
{
  const char *what;
  enum rs_err e = rs_tl_spill_error(h->spill, &what);
  return rs_diag_set(d, e != RS_OK ? e : RS_E_INTERNAL, "timeline", "%s", what);
}

enum rs_err rs_hits_rewind(struct rs_hits *h, struct rs_diag *d)
{
  if (!h)
    return RS_OK;
  return rs_tl_spill_rewind(h->spill) == RS_OK ? RS_OK : spill_error(h, d);
}

enum rs_err rs_hits_next(struct rs_hits *h, json_t **entry, size_t *before, struct rs_diag *d)
{
  *entry = NULL;
  *before = 0;
  if (!h)
    return RS_OK;
  struct rs_tl_entry e;
  int r = rs_tl_spill_next(h->spill, &e, before);
  if (r < 0)
    return spill_error(h, d);
  if (r == 0)
    return RS_OK;
  struct rs_jb jb = {false};
  json_t *o = rs_report_tl_entry(&jb, &e, NULL);
  if (jb.nomem || !o) {
    json_decref(o);
    return rs_diag_set(d, RS_E_NOMEM, "timeline", "out of memory");
  }
  *entry = o;
  return RS_OK;
}

void rs_hits_free(struct rs_hits *h)
{
  if (!h)
    return;
  rs_tl_spill_free(h->spill);
  free(h);
}
