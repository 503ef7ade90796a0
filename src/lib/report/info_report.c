/* The report of `redsleuth info`: schema, warnings, tool, run, evidence
 * (no media hash: info reads no more than it lists), volumes, unreadable. */
#include "report/report.h"

json_t *rs_report_info(const struct rs_run_opts *o, const struct rs_image *img,
                       const struct rs_ewf_meta *em, const struct rs_results *r,
                       const char *started)
{
  struct rs_jb jb = {false};
  json_t *ev = json_object();
  rs_jset(&jb, ev, "segments", rs_report_segments(&jb, img));
  rs_jset(&jb, ev, "format", json_string(img->format));
  rs_jset(&jb, ev, "media_size", json_integer((json_int_t)img->media_size));
  rs_jset(&jb, ev, "sector_size", json_integer((json_int_t)img->sector_size));
  rs_jset(&jb, ev, "volume_system", json_string(img->vs_type));
  rs_jset(&jb, ev, "hashes", json_null());
  rs_jset(&jb, ev, "verification", json_string("not-checked"));
  rs_report_add_container(&jb, ev, img);
  rs_jset(&jb, ev, "stored_hashes", em && em->is_ewf ? rs_report_stored_hashes(&jb, em)
                                                      : json_null());
  if (em && em->is_ewf)
    rs_jset(&jb, ev, "acquisition", rs_report_acquisition(&jb, em));

  json_t *rep = json_object();
  rs_jset(&jb, rep, "schema", json_string("redsleuth-report/1"));
  rs_jset(&jb, rep, "warnings", rs_report_warnings(&jb, img));
  rs_jset(&jb, rep, "tool", rs_report_tool());
  rs_jset(&jb, rep, "run", rs_report_run(&jb, o, started));
  rs_jset(&jb, rep, "evidence", ev);
  rs_jset(&jb, rep, "volumes", rs_report_volumes(&jb, img));
  rs_jset(&jb, rep, "unreadable", rs_report_unreadable(&jb, r));
  if (jb.nomem || !rep) {
    json_decref(rep);
    return NULL;
  }
  return rep;
}
