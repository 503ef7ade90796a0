/* The host's own account of the attack, as data (codered-artifacts.md
 * section 11; src/lib/analysis/evt_table.c): event-log records mapped to
 * check ids and timeline roles, the Dr. Watson check, the IIS 4 W3svc.dll
 * build that crashed under Code Red, and the "crash shortly after a Code Red
 * request" correlation. docs/evtlogs.md lists every row. */
#ifndef REDSLEUTH_EVTCHECK_H
#define REDSLEUTH_EVTCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drwatson.h"
#include "evt.h"
#include "idq.h"
#include "rtime.h"

/* What a matching record is for: a finding with the row's check id, or a
 * point on the timeline (the rows "EVT-BOOT", "EVT-SHUTDOWN"). */
enum rs_evt_role { RS_EVT_ROLE_FINDING = 0, RS_EVT_ROLE_BOOT, RS_EVT_ROLE_SHUTDOWN };
const char *rs_evt_role_name(enum rs_evt_role r); /* "finding","boot","shutdown" */

/* How a row looks at the insertion strings. */
enum rs_evt_match {
  RS_EVT_M_NONE = 0, /* source and event id decide */
  RS_EVT_M_EQ,       /* the string equals value (ASCII case-insensitive) */
  RS_EVT_M_IMAGE     /* rs_drw_image_name(string) equals value ("inetinfo.DBG" = "inetinfo.exe") */
};

struct rs_evt_rule {
  const char *id;            /* stable check id (reports), e.g. "EVT-IIS-CRASH" */
  enum rs_evt_role role;
  enum rs_evt_logkind log;   /* the log it lives in; RS_EVT_LOG_UNKNOWN: any */
  const char *source;        /* event source, ASCII case-insensitive */
  uint16_t event_id;         /* the code (low 16 bits of the identifier) */
  int str;                   /* insertion string, 0-based; -1: any of them */
  enum rs_evt_match match;
  const char *value;
  const char *what;          /* one sentence for the examiner */
  const char *ref;           /* "codered-artifacts 11 [Q236949]" */
  const char *status;        /* "C" confirmed, "S" secondary (section 11's own marks) */
};

size_t rs_evt_rule_count(void);
const struct rs_evt_rule *rs_evt_rule_at(size_t i); /* NULL past the end */

/* Every row r matches, in table order, into out[0..max); returns how many
 * matched (may exceed max: only max are stored). kind is the record's log
 * (rs_evt_logkind_from_name); when it is RS_EVT_LOG_UNKNOWN (a renamed file)
 * a row's log is not required. Recovered records match like live ones: the
 * caller says which it was. */
size_t rs_evt_classify(const struct rs_evt_record *r, enum rs_evt_logkind kind,
                       const struct rs_evt_rule **out, size_t max);

/* DRWATSON-INETINFO: a Dr. Watson report whose program is inetinfo.exe
 * (App: as written, or the task list's name for its pid). */
#define RS_DRW_CHECK_ID "DRWATSON-INETINFO"
bool rs_drw_is_inetinfo(const struct rs_drw_entry *e);

/* W3SVC-DLL: IIS 4.0's W3svc.dll below 4.2.769.1 crashes on the malformed
 * Content-Length that Code Red sends to redirecting sites (Q305359, fixed by
 * Q301625 / MS01-044). Compares four-part versions like strcmp. */
int rs_version_cmp(const uint16_t a[4], const uint16_t b[4]);
struct rs_w3svc_result {
  enum rs_patch_state state; /* vulnerable: IIS 4 build below the fix; fixed; unknown */
  const char *rule;          /* row id, e.g. "W3SVC-IIS4-Q301625" */
  const char *check;         /* "W3SVC-DLL" when state is vulnerable, else NULL */
  const char *ref;
  char why[256];
};
/* version: VS_FIXEDFILEINFO file version of a W3svc.dll (has_version false:
 * unknown). Only IIS 4.0 builds (major 4) are decided: the crash is an IIS
 * 4.0 issue (Q305359); other builds are "unknown" and say why. */
void rs_w3svc_classify(const uint16_t version[4], bool has_version, struct rs_w3svc_result *out);
extern const uint16_t rs_w3svc_iis4_fix[4]; /* 4.2.769.1 */

/* CRASH-AFTER-WORM-REQUEST: the index of the latest request in req[0..n)
 * (UTC, sorted ascending) at or before crash and at most window seconds
 * before it, or -1. Local times (Dr. Watson) must be converted first. */
#define RS_CRASH_WINDOW_SEC 600
#define RS_CRASH_CHECK_ID "CRASH-AFTER-WORM-REQUEST"
long rs_crash_after_request(const struct rs_time *req, size_t n, const struct rs_time *crash,
                            int64_t window);

#endif
