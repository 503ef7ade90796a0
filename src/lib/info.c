/* `redsleuth info`: what is in the image (format, segments, EWF case data,
 * volumes, file systems, Windows folders). A short driver: open, list the
 * volumes, read the EWF metadata, hand it all to the report layer. */
#include "redsleuth/scan.h"

#include <stdio.h>
#include <string.h>

#include "report/report.h"

void rs_run_opts_init(struct rs_run_opts *o)
{
  memset(o, 0, sizeof *o);
  rs_image_opts_init(&o->img);
}

/* Volume problems carry their own place ("volume N at sector S: why");
 * the rest concern the media. */
static void volume_problems(struct rs_results *r, const struct rs_image *img)
{
  for (int i = 0; i < img->nproblems; i++) {
    const char *p = img->problems[i];
    if (strncmp(p, "volume ", 7) != 0) {
      rs_results_unreadable(r, "media", img->segments[0], p);
      continue;
    }
    char where[64];
    int idx = -1;
    unsigned long long sec = 0;
    if (sscanf(p, "volume %d at sector %llu", &idx, &sec) == 2)
      snprintf(where, sizeof where, "volume %d (sector %llu)", idx, sec);
    else
      snprintf(where, sizeof where, "volume");
    const char *why = strstr(p, ": ");
    rs_results_unreadable(r, "volume", where, why ? why + 2 : p);
  }
}

enum rs_err rs_info(const struct rs_run_opts *o, json_t **report, struct rs_diag *d)
{
  *report = NULL;
  char started[40];
  rs_now_iso(started);
  struct rs_image *img = NULL;
  enum rs_err e = rs_image_open(o->segs, o->nseg, &o->img, &img, d);
  if (e != RS_OK)
    return e;
  e = rs_image_volumes(img, &o->img, d);
  if (e != RS_OK) {
    rs_image_close(img);
    return e;
  }
  struct rs_results r;
  rs_results_init(&r);
  struct rs_ewf_meta m;
  struct rs_diag ed;
  rs_diag_clear(&ed);
  enum rs_err me = rs_ewf_read_meta(img, &m, &ed);
  if (me == RS_E_NOMEM)
    rs_results_fail(&r, me);
  else if (me != RS_OK)
    rs_results_unreadable(&r, "ewf-metadata", ed.where, ed.what);
  volume_problems(&r, img);
  json_t *rep = r.err == RS_OK ? rs_report_info(o, img, me == RS_OK ? &m : NULL, &r, started)
                               : NULL;
  if (!rep)
    e = rs_diag_set(d, RS_E_NOMEM, img->segments[0], "out of memory: no report was written");
  rs_results_free(&r);
  rs_image_close(img);
  *report = rep;
  return e;
}
