/* The .ida/.idq script-map decision (issue 13): which source was actually
 * read decides, and the report says which. In IIS 4/5 the metabase holds
 * the mappings and the registry Script Map key is the older copy; MetaBase.bin
 * is read by a string heuristic (its layout is UNCONFIRMED), so a file with no
 * readable strings at all is "opaque" and proves nothing either way. */
#ifndef RS_ANALYSIS_SCRIPTMAP_H
#define RS_ANALYSIS_SCRIPTMAP_H

#include <stdbool.h>

#include "redsleuth/registry.h"

enum rs_mb_state {
  RS_MB_ABSENT,  /* no MetaBase.bin was read */
  RS_MB_OPAQUE,  /* read, but no readable strings: the heuristic saw nothing */
  RS_MB_HIT,     /* a ScriptMaps-like entry for an extension was seen */
  RS_MB_NO_HIT,  /* readable strings, none of them a .ida/.idq entry */
};
/* "absent", "opaque", "heuristic-hit", "heuristic-no-hit-in-readable-strings" */
const char *rs_mb_state_name(enum rs_mb_state s);
/* The file's state (read false: absent). */
enum rs_mb_state rs_mb_state_of(bool read, const struct rs_metabase_scan *mb);

struct rs_scriptmap_in {
  bool have_system;     /* the live SYSTEM hive was read */
  bool w3svc;           /* W3SVC exists in the current control set */
  int iis_major;        /* from InetStp, 0 unknown (treated as IIS 4/5) */
  bool reg_present;     /* the current set's Script Map holds the extension */
  enum rs_mb_state mb;  /* the metabase file's state */
  bool mb_hit;          /* the metabase heuristic saw this extension */
};

struct rs_scriptmap_out {
  int mapped;           /* 1 mapped, 0 not, -1 not known */
  const char *source;   /* "registry", "metabase" or "none" (static) */
  const char *why;      /* one sentence, static */
};
void rs_scriptmap_decide(const struct rs_scriptmap_in *in, struct rs_scriptmap_out *out);

#endif
