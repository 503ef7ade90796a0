/* codered-artifacts.md section 11 as data: event-log rows, the Dr. Watson
 * check, the W3svc.dll threshold, the crash/request correlation.
 *
 * The engine never tests a row's id: a row is (log, source, masked event id,
 * insertion-string test) and an answer (check id or timeline role). A record
 * may match several rows (6008 is a finding and a shutdown on the timeline).
 *
 * What section 11 leaves open stays out of the rows or is said in them:
 * - 6005/6006 numbers are "common knowledge" in the reference (status S);
 *   6009 is not described there: it is the boot companion of 6005 in the
 *   issue and in every boot of the real XP log in realdata (24 and 24), S.
 * - 64032's source is secondary (ITPro) in the reference, S; the message id
 *   0x4000fa20 "Windows File Protection is not active on this system." is in
 *   sfc.dll 5.0.2195.6673's message table (libyal/winevt-kb).
 * - The DrWatson 4097 string layout is known for Windows 2000 (drwtsn32.exe
 *   5.0.2195: %1 is the program); for NT 4.0 only the rendered text is
 *   (Q150241: "The application, snaadmin.DBG, ..."), so the row tests every
 *   string: the others are numbers, a date, an address and a function name.
 * - That IIS builds other than IIS 4.0 W3svc.dll < 4.2.769.1 crash under
 *   Code Red is UNCONFIRMED: W3SVC-DLL decides IIS 4.0 builds only. */
#include "redsleuth/evtcheck.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define REF "codered-artifacts 11"
#define SCM "Service Control Manager"
#define W3SVC "World Wide Web Publishing Service"
#define IISADMIN "IIS Admin Service"

static const struct rs_evt_rule rs_evt_rules[] = {
  /* ---- IIS died (SCM saw the service process end) ---- */
  {.id = "EVT-IIS-CRASH", .log = RS_EVT_LOG_SYSTEM, .source = SCM, .event_id = 7031, .str = 0,
   .match = RS_EVT_M_EQ, .value = W3SVC, .status = "C",
   .what = "the World Wide Web Publishing Service terminated unexpectedly (7031)",
   .ref = REF " [KB899301] [KB910618]; IIS 5.0 restarts through the SCM (bb742502)"},
  {.id = "EVT-IIS-CRASH", .log = RS_EVT_LOG_SYSTEM, .source = SCM, .event_id = 7034, .str = 0,
   .match = RS_EVT_M_EQ, .value = W3SVC, .status = "C",
   .what = "the World Wide Web Publishing Service terminated unexpectedly (7034)",
   .ref = REF " [KB899301] [KB910618]"},
  {.id = "EVT-IIS-CRASH", .log = RS_EVT_LOG_SYSTEM, .source = SCM, .event_id = 7031, .str = 0,
   .match = RS_EVT_M_EQ, .value = IISADMIN, .status = "C",
   .what = "the IIS Admin Service terminated unexpectedly (7031)",
   .ref = REF " [KB899301] [KB910618]"},
  {.id = "EVT-IIS-CRASH", .log = RS_EVT_LOG_SYSTEM, .source = SCM, .event_id = 7034, .str = 0,
   .match = RS_EVT_M_EQ, .value = IISADMIN, .status = "C",
   .what = "the IIS Admin Service terminated unexpectedly (7034)",
   .ref = REF " [KB899301] [KB910618]"},
  /* ---- inetinfo.exe crashed (Dr. Watson's own event) ---- */
  {.id = "EVT-APP-CRASH-INETINFO", .log = RS_EVT_LOG_APPLICATION, .source = "DrWatson",
   .event_id = 4097, .str = -1, .match = RS_EVT_M_IMAGE, .value = "inetinfo.exe", .status = "C",
   .what = "Dr. Watson recorded an application error in inetinfo.exe (4097)",
   .ref = REF " [Q150241]; string layout: drwtsn32.exe 5.0.2195 (libyal/winevt-kb)"},
  /* ---- Windows File Protection switched off (CRII's SFCDisable) ---- */
  {.id = "EVT-WFP-DISABLED", .log = RS_EVT_LOG_SYSTEM, .source = "Windows File Protection",
   .event_id = 64032, .str = 0, .match = RS_EVT_M_NONE, .status = "S",
   .what = "Windows File Protection is not active on this system (64032), as after "
           "SFCDisable = 0xFFFFFF9D",
   .ref = REF " (ITPro \"Guard System Files on Windows 2000\"); sfc.dll 0x4000fa20 (libyal/winevt-kb)"},
  /* ---- the machine went down without a clean shutdown ---- */
  {.id = "EVT-UNEXPECTED-SHUTDOWN", .log = RS_EVT_LOG_SYSTEM, .source = "EventLog",
   .event_id = 6008, .str = 0, .match = RS_EVT_M_NONE, .status = "C",
   .what = "the previous system shutdown was unexpected (6008; its strings give the local time "
           "and date of the lost shutdown)",
   .ref = REF " [Q236949] [Q194507]"},
  /* ---- timeline: every boot and shutdown ---- */
  {.id = "EVT-BOOT", .role = RS_EVT_ROLE_BOOT, .log = RS_EVT_LOG_SYSTEM, .source = "EventLog",
   .event_id = 6005, .str = 0, .match = RS_EVT_M_NONE, .status = "S",
   .what = "the event log service started (6005): the system booted",
   .ref = REF " (6005 number: common knowledge, S)"},
  {.id = "EVT-BOOT", .role = RS_EVT_ROLE_BOOT, .log = RS_EVT_LOG_SYSTEM, .source = "EventLog",
   .event_id = 6009, .str = 0, .match = RS_EVT_M_NONE, .status = "S",
   .what = "the system reported its version at boot (6009)",
   .ref = REF " (6009: the issue's boot event; paired with 6005 in the realdata XP log)"},
  {.id = "EVT-SHUTDOWN", .role = RS_EVT_ROLE_SHUTDOWN, .log = RS_EVT_LOG_SYSTEM,
   .source = "EventLog", .event_id = 6006, .str = 0, .match = RS_EVT_M_NONE, .status = "S",
   .what = "the event log service stopped (6006): a clean shutdown",
   .ref = REF " (6006 number: common knowledge, S)"},
  {.id = "EVT-SHUTDOWN", .role = RS_EVT_ROLE_SHUTDOWN, .log = RS_EVT_LOG_SYSTEM,
   .source = "EventLog", .event_id = 6008, .str = 0, .match = RS_EVT_M_NONE, .status = "C",
   .what = "an unexpected shutdown, reported at the next boot (6008)",
   .ref = REF " [Q236949]"},
};

#define N_RULES (sizeof rs_evt_rules / sizeof rs_evt_rules[0])

const char *rs_evt_role_name(enum rs_evt_role r)
{
  switch (r) {
  case RS_EVT_ROLE_BOOT:
    return "boot";
  case RS_EVT_ROLE_SHUTDOWN:
    return "shutdown";
  default:
    return "finding";
  }
}

size_t rs_evt_rule_count(void)
{
  return N_RULES;
}

const struct rs_evt_rule *rs_evt_rule_at(size_t i)
{
  return i < N_RULES ? &rs_evt_rules[i] : NULL;
}

static bool str_matches(const struct rs_evt_rule *row, const char *s)
{
  if (row->match == RS_EVT_M_EQ)
    return !strcasecmp(s, row->value);
  char img[260];
  rs_drw_image_name(s, img, sizeof img);
  return !strcasecmp(img, row->value);
}

static bool matches(const struct rs_evt_rule *row, const struct rs_evt_record *r,
                    enum rs_evt_logkind kind)
{
  if (kind != RS_EVT_LOG_UNKNOWN && row->log != RS_EVT_LOG_UNKNOWN && row->log != kind)
    return false;
  if (r->event_id != row->event_id || !r->source || strcasecmp(r->source, row->source) != 0)
    return false;
  if (row->match == RS_EVT_M_NONE)
    return true;
  if (row->str >= 0)
    return row->str < r->nstr && str_matches(row, r->str[row->str]);
  for (unsigned i = 0; i < r->nstr; i++)
    if (str_matches(row, r->str[i]))
      return true;
  return false;
}

size_t rs_evt_classify(const struct rs_evt_record *r, enum rs_evt_logkind kind,
                       const struct rs_evt_rule **out, size_t max)
{
  size_t n = 0;
  if (!r)
    return 0;
  for (size_t i = 0; i < N_RULES; i++)
    if (matches(&rs_evt_rules[i], r, kind)) {
      if (out && n < max)
        out[n] = &rs_evt_rules[i];
      n++;
    }
  return n;
}

bool rs_drw_is_inetinfo(const struct rs_drw_entry *e)
{
  return e && !strcmp(e->app, "inetinfo.exe"); /* e->app is lower case already */
}

/* ---- W3svc.dll (IIS 4.0) ---- */

const uint16_t rs_w3svc_iis4_fix[4] = {4, 2, 769, 1};

int rs_version_cmp(const uint16_t a[4], const uint16_t b[4])
{
  for (int i = 0; i < 4; i++)
    if (a[i] != b[i])
      return a[i] < b[i] ? -1 : 1;
  return 0;
}

/* One row: the IIS 4.0 fix build (section 11: "fixed by W3svc.dll 4.2.769.1
 * (10-Aug-2001, Q301625 / MS01-044)"). */
static const struct {
  const char *id;
  uint16_t major;           /* the product line the row decides (W3svc.dll 4.x = IIS 4.0) */
  const uint16_t *fixed;    /* first fixed build */
  const char *ref;
} rs_w3svc_row = {"W3SVC-IIS4-Q301625", 4, rs_w3svc_iis4_fix, REF " [Q305359] [Q301625]"};

void rs_w3svc_classify(const uint16_t v[4], bool has_version, struct rs_w3svc_result *out)
{
  memset(out, 0, sizeof *out);
  out->rule = rs_w3svc_row.id;
  out->ref = rs_w3svc_row.ref;
  out->state = RS_PATCH_UNKNOWN;
  if (!v || !has_version) {
    snprintf(out->why, sizeof out->why, "W3svc.dll has no version resource to compare with %u.%u.%u.%u",
             rs_w3svc_iis4_fix[0], rs_w3svc_iis4_fix[1], rs_w3svc_iis4_fix[2], rs_w3svc_iis4_fix[3]);
    return;
  }
  const uint16_t *f = rs_w3svc_row.fixed;
  if (v[0] != rs_w3svc_row.major) {
    snprintf(out->why, sizeof out->why,
             "W3svc.dll %u.%u.%u.%u is not an IIS 4.0 build: the Code Red crash of Q305359 is an "
             "IIS 4.0 issue; other builds are not decided (UNCONFIRMED)",
             v[0], v[1], v[2], v[3]);
    return;
  }
  if (rs_version_cmp(v, f) < 0) {
    out->state = RS_PATCH_VULNERABLE;
    out->check = "W3SVC-DLL";
    snprintf(out->why, sizeof out->why,
             "IIS 4.0 W3svc.dll %u.%u.%u.%u is older than %u.%u.%u.%u (Q301625): it shuts down on "
             "the malformed Content-Length Code Red sends to redirecting sites (Q305359)",
             v[0], v[1], v[2], v[3], f[0], f[1], f[2], f[3]);
  } else {
    out->state = RS_PATCH_FIXED;
    snprintf(out->why, sizeof out->why,
             "IIS 4.0 W3svc.dll %u.%u.%u.%u is %u.%u.%u.%u (Q301625, MS01-044) or later", v[0], v[1],
             v[2], v[3], f[0], f[1], f[2], f[3]);
  }
}

/* ---- crash shortly after a Code Red request ---- */

long rs_crash_after_request(const struct rs_time *req, size_t n, const struct rs_time *crash,
                            int64_t window)
{
  if (!req || !crash || !crash->set || n == 0 || window < 0)
    return -1;
  /* the last request at or before the crash: binary search over sorted times */
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (rs_time_cmp(&req[mid], crash) <= 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0)
    return -1;
  const struct rs_time *r = &req[lo - 1];
  if (!r->set)
    return -1;
  int64_t gap = crash->sec - r->sec; /* >= 0: r <= crash */
  bool in = gap < window || (gap == window && crash->nsec <= r->nsec);
  return in ? (long)(lo - 1) : -1;
}
