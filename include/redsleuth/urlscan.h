/* UrlScan 2.x logs (`%windir%\system32\inetsrv\urlscan\urlscan*.log`, IIS
 * Lockdown from October 2001; codered-artifacts.md section 11). Each line is
 * "[MM-DD-YYYY - HH:MM:SS] <message>" in LOCAL time; a rejected request reads
 * "Client at <ip>: <reason>. Request will be rejected.  Site Instance='<n>',
 * Raw URL='<url>'" (the 2002 sample in ossec-docs docs/log_samples/web/
 * urlscan.rst; Log Parser's URLSCAN input format page). A rejected .ida/.idq
 * request shows that a block was in place, and when. UrlScan 3.x writes W3C
 * logs instead: not read here (docs/evtlogs.md). */
#ifndef REDSLEUTH_URLSCAN_H
#define REDSLEUTH_URLSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "iislog.h"
#include "rtime.h"

#define RS_URLSCAN_MAX_ENTRIES 10000 /* rejections itemised per file (all are counted) */
#define RS_URLSCAN_MAX_LINE 65536    /* longer lines are garbage */

struct rs_urlscan_entry {
  uint64_t line;             /* 1-based */
  char when_raw[24];         /* "11-02-2001 - 10:31:44" */
  struct rs_time when;       /* LOCAL civil time */
  char client[48];           /* "192.0.2.45" */
  char reason[160];          /* "URL contains extension '.ida', which is disallowed" */
  int site;                  /* Site Instance, -1 when absent */
  char url[384];             /* Raw URL as logged, "" when absent */
  bool cut;                  /* reason or url was shortened */
  bool ida;                  /* the URL's path ends in .ida or .idq (any case) */
  enum rs_family family;     /* rs_iislog_classify() on the URL */
};

struct rs_urlscan_log {
  struct rs_urlscan_entry *e; /* rejections, file order, at most RS_URLSCAN_MAX_ENTRIES */
  size_t n;
  uint64_t ndropped;         /* rejections not itemised */
  uint64_t lines;
  uint64_t rejected;         /* "Client at" lines (all of them) */
  uint64_t other;            /* UrlScan's own lines: start-up, configuration */
  uint64_t garbage;          /* no valid "[date - time]" prefix, or binary/overlong */
  /* the .ida/.idq summary (exact whatever the bound) */
  uint64_t ida_count;
  struct rs_time ida_first, ida_last; /* local */
  uint64_t ida_first_line, ida_last_line;
  /* ".ida" or ".idq" in a "Requests for following extensions will be
   * rejected:" list (UrlScan's start-up report of its configuration) */
  bool ida_listed;
  struct rs_time ida_listed_when;     /* local, first such report */
  uint64_t ida_listed_line;
};

/* Parses buf[0..len). out is always initialised; free with
 * rs_urlscan_log_free. RS_OK (also when nothing was found), RS_E_NOMEM,
 * RS_E_USAGE. */
enum rs_err rs_urlscan_parse(const uint8_t *buf, size_t len, struct rs_urlscan_log *out,
                             struct rs_diag *d);
void rs_urlscan_log_free(struct rs_urlscan_log *log); /* accepts NULL */

#endif
