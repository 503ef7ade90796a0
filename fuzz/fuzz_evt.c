/* libFuzzer: the host's own account. Every input goes to the EVT reader
 * (libevt from memory behind our record-chain walk), the Dr. Watson parser
 * and the UrlScan parser; what they return is checked against their
 * documented invariants and fed to the section 11 table. */
#include <stdint.h>
#include <string.h>
#include "redsleuth/drwatson.h"
#include "redsleuth/evt.h"
#include "redsleuth/evtcheck.h"
#include "redsleuth/urlscan.h"

static void check_evt(const uint8_t *data, size_t size)
{
  struct rs_evt_log l;
  struct rs_diag d;
  enum rs_err e = rs_evt_read(data, size, &l, &d);
  if (e == RS_E_USAGE || e == RS_E_INTERNAL)
    __builtin_trap();
  if ((e == RS_OK) != (l.state != RS_EVT_UNREADABLE) && e != RS_E_NOMEM)
    __builtin_trap();
  if (l.nrec != l.nrecords + l.nrecovered)
    __builtin_trap();
  for (size_t i = 0; i < l.nrec; i++) {
    const struct rs_evt_record *r = &l.rec[i];
    if (!r->source || !r->computer || !r->sid || r->nstr > RS_EVT_MAX_STRINGS ||
        r->recovered != (i >= l.nrecords))
      __builtin_trap();
    for (unsigned k = 0; k < r->nstr; k++)
      if (strlen(r->str[k]) > RS_EVT_MAX_STRING)
        __builtin_trap();
    const struct rs_evt_rule *m[4];
    rs_evt_classify(r, RS_EVT_LOG_SYSTEM, m, 4);
    rs_evt_classify(r, RS_EVT_LOG_UNKNOWN, m, 4);
  }
  rs_evt_log_free(&l);
}

static void check_drw(const uint8_t *data, size_t size)
{
  struct rs_drw_log l;
  if (rs_drw_parse(data, size, &l, NULL) != RS_OK)
    return;
  if (l.n > RS_DRW_MAX_ENTRIES || l.garbage > l.lines)
    __builtin_trap();
  for (size_t i = 0; i < l.n; i++) {
    const struct rs_drw_entry *e = &l.e[i];
    if (e->line == 0 || e->line > l.lines || (e->app_from_tasks && e->app_raw[0]))
      __builtin_trap();
    if (e->when.set && (e->when.nsec >= 1000000000u || e->when_raw[0] == '\0'))
      __builtin_trap();
    rs_drw_is_inetinfo(e);
  }
  rs_drw_log_free(&l);
}

static void check_urlscan(const uint8_t *data, size_t size)
{
  struct rs_urlscan_log l;
  if (rs_urlscan_parse(data, size, &l, NULL) != RS_OK)
    return;
  if (l.n + l.ndropped != l.rejected || l.ida_count > l.rejected ||
      l.rejected + l.other + l.garbage > l.lines)
    __builtin_trap();
  if (l.ida_count && rs_time_cmp(&l.ida_first, &l.ida_last) > 0)
    __builtin_trap();
  for (size_t i = 0; i < l.n; i++)
    if (l.e[i].family < RS_FAM_NONE || l.e[i].family >= RS_FAM__COUNT || !l.e[i].when.set)
      __builtin_trap();
  rs_urlscan_log_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  check_evt(data, size);
  check_drw(data, size);
  check_urlscan(data, size);
  return 0;
}
