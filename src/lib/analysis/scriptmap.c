/* Script-map decision from what was actually read (scriptmap.h). */
#include "analysis/scriptmap.h"

#include <string.h>

const char *rs_mb_state_name(enum rs_mb_state s)
{
  switch (s) {
  case RS_MB_OPAQUE:
    return "opaque";
  case RS_MB_HIT:
    return "heuristic-hit";
  case RS_MB_NO_HIT:
    return "heuristic-no-hit-in-readable-strings";
  default:
    return "absent";
  }
}

enum rs_mb_state rs_mb_state_of(bool read, const struct rs_metabase_scan *mb)
{
  if (!read || !mb)
    return RS_MB_ABSENT;
  if (mb->ida || mb->idq)
    return RS_MB_HIT;
  return mb->strings == 0 ? RS_MB_OPAQUE : RS_MB_NO_HIT;
}

void rs_scriptmap_decide(const struct rs_scriptmap_in *in, struct rs_scriptmap_out *out)
{
  memset(out, 0, sizeof *out);
  out->mapped = -1;
  out->source = "none";
  if (!in) {
    out->why = "nothing was read";
    return;
  }
  if (in->mb == RS_MB_HIT && in->mb_hit) {
    out->mapped = 1;
    out->source = "metabase";
    out->why = "MetaBase.bin holds a ScriptMaps-like entry for the extension (string heuristic)";
    return;
  }
  if (in->reg_present) {
    out->mapped = 1;
    out->source = "registry";
    out->why = in->mb == RS_MB_HIT || in->mb == RS_MB_NO_HIT
                   ? "the registry Script Map value maps the extension; the metabase's "
                     "readable strings do not name it"
                   : "the registry Script Map value maps the extension";
    return;
  }
  if (in->mb == RS_MB_HIT || in->mb == RS_MB_NO_HIT) {
    out->mapped = 0;
    out->source = "metabase";
    out->why = "MetaBase.bin has readable strings but no entry for the extension, and the "
               "registry Script Map has none either";
    return;
  }
  /* no usable metabase: the registry decides only where it is the store */
  bool iis45 = in->iis_major == 0 || in->iis_major >= 4;
  if (in->have_system && (!in->w3svc || !iis45)) {
    out->mapped = 0;
    out->source = "registry";
    out->why = in->w3svc ? "the registry Script Map (the store of IIS 3 and older) does not "
                           "map the extension"
                         : "W3SVC is not installed in the current control set";
    return;
  }
  out->why = in->mb == RS_MB_OPAQUE
                 ? "MetaBase.bin has no readable strings (layout unknown), so the absence of "
                   "an entry proves nothing, and the registry Script Map is only the older copy"
             : in->have_system
                 ? "no MetaBase.bin was read and the registry Script Map, the older copy in "
                   "IIS 4/5, does not decide"
                 : "neither the metabase nor the SYSTEM hive was read";
}
