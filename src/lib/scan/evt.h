/* What the evt stage read (scan/evt.c), for the report (report/evt.c):
 * system.event_logs[], system.crash_logs[], logs.urlscan[]. Not a public
 * interface. */
#ifndef RS_SCAN_EVT_H
#define RS_SCAN_EVT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "redsleuth/evt.h"
#include "redsleuth/rtime.h"

#define RS_EVT_FILE_MAX (64u << 20)     /* largest EVT / drwtsn32.log / UrlScan log read */
#define RS_EVT_FINDINGS_PER_CHECK 200   /* findings per check id; the rest are counted */

/* One file read (or listed), whatever its kind. */
struct rs_evt_file {
  const char *kind;         /* "evt", "drwatson", "userdmp", "urlscan" (static) */
  char *path;               /* owned, Windows form */
  int volume;
  uint64_t inum, size;
  bool allocated;
  bool digest;
  char sha256[65];
  struct rs_time mtime;     /* $SI modified (user.dmp: the last crash) */
  /* evt */
  const char *log;          /* rs_evt_logkind_name */
  enum rs_evt_state state;
  size_t records, recovered;
  struct rs_time first, last; /* live records, UTC */
  /* drwatson */
  const char *style;
  size_t reports, inetinfo;
  /* urlscan */
  uint64_t lines, rejected, ida_count;
  struct rs_time ida_first, ida_last; /* UTC when times_utc, else local */
  bool times_utc;
  bool ida_listed;
  char note[512];           /* why unreadable / what was odd, "" */
};

/* The check ids whose findings are bounded (dropped[] is in this order). */
#define RS_EVT_NCOUNTED 9
extern const char *const rs_evt_counted_checks[RS_EVT_NCOUNTED];

struct rs_evt_scan {
  struct rs_evt_file *f;
  size_t n, cap;
  size_t dropped[RS_EVT_NCOUNTED]; /* findings not itemised, per check (report: not_itemised) */
  /* the memory-state item */
  bool system_read;
  struct rs_time system_last;
  struct rs_time last_boot;
  char last_boot_what[256];
};

#endif
