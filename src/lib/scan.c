/* The scan driver (lead's module). Until the analysis lands, rs_scan refuses
 * clearly; rs_report_exit_code already follows the contract. */
#include <string.h>

#include "redsleuth/scan.h"

enum rs_err rs_scan(const struct rs_run_opts *o, json_t **report, struct rs_diag *d)
{
  *report = NULL;
  return rs_diag_set(d, RS_E_UNSUPPORTED, o && o->nseg ? o->segs[0] : "-",
                     "the scan command is not implemented yet");
}

int rs_report_exit_code(const json_t *report)
{
  const char *status = json_string_value(json_object_get(json_object_get(report, "verdict"), "status"));
  if (status && strcmp(status, "clean") != 0 && strcmp(status, "patched") != 0 &&
      strcmp(status, "undetermined") != 0)
    return RS_EXIT_INDICATORS;
  const json_t *unr = json_object_get(report, "unreadable");
  const char *ver = json_string_value(
      json_object_get(json_object_get(report, "evidence"), "verification"));
  if ((json_is_array(unr) && json_array_size(unr) > 0) || (ver && strcmp(ver, "mismatch") == 0) ||
      (status && strcmp(status, "undetermined") == 0))
    return RS_EXIT_UNREADABLE;
  return RS_EXIT_CLEAN;
}
