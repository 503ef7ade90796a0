/* Dr. Watson logs (drwtsn32.log): NT 4.0 `%windir%\Drwtsn32.log`, Windows
 * 2000 `Documents and Settings\All Users\Documents\DrWatson\drwtsn32.log`
 * (codered-artifacts.md section 11). The log is appended at every crash;
 * each report starts with "Application exception occurred:", then App:,
 * When: and Exception number: lines, a task list, and a state dump whose
 * "FAULT ->" line gives the faulting address (Q246084; Windows 2000 texts from
 * drwtsn32.exe 5.0.2195's message table in libyal/winevt-kb). Times are the
 * machine's LOCAL time, as written. */
#ifndef REDSLEUTH_DRWATSON_H
#define REDSLEUTH_DRWATSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "rtime.h"

#define RS_DRW_MAX_ENTRIES 10000   /* reports kept per file (the rest are counted) */
#define RS_DRW_MAX_LINE 4096       /* longer lines are garbage */
#define RS_DRW_MAX_TASKS 512       /* task-list lines kept per report (pid lookup) */

enum rs_drw_style { RS_DRW_STYLE_UNKNOWN = 0, RS_DRW_STYLE_NT4, RS_DRW_STYLE_W2K };
const char *rs_drw_style_name(enum rs_drw_style s); /* "unknown","nt4","w2k" */

struct rs_drw_entry {
  uint64_t line;             /* 1-based line of "Application exception occurred:" */
  char app_raw[260];         /* App: as written ("exe\inetinfo.dbg", "inetinfo.exe", "") */
  char app[260];             /* image name ("inetinfo.exe"), see rs_drw_image_name; "" unknown */
  bool app_from_tasks;       /* App: was empty: the name is the task list's for the pid */
  int64_t pid;               /* -1 when not given */
  char when_raw[64];         /* "8/4/2001 @ 10:02:09.375" as written; "" when absent */
  struct rs_time when;       /* LOCAL civil time (M/D/Y, ms), unset when absent or unparsable */
  bool has_code;
  uint32_t code;             /* exception number, 0xc0000005 */
  char code_text[64];        /* "access violation", "" */
  bool has_fault;
  uint64_t fault;            /* address on the first "FAULT ->" line */
  char computer[64];         /* "Computer Name:" (Windows 2000 reports), "" */
  bool complete;             /* App:, When: and Exception number: all read */
};

struct rs_drw_log {
  enum rs_drw_style style;   /* w2k: the Windows 2000 banner; nt4: App: names a .dbg symbol file */
  struct rs_drw_entry *e;    /* reports in file order */
  size_t n;
  size_t ndropped;           /* reports beyond RS_DRW_MAX_ENTRIES */
  uint64_t lines;
  uint64_t garbage;          /* binary or overlong lines, and App:/When:/Exception lines that do not parse */
};

/* Parses buf[0..len) (any bytes; CR LF or LF). out is always initialised;
 * free it with rs_drw_log_free. RS_OK even when nothing was found (absence
 * is a result); RS_E_NOMEM; RS_E_USAGE for NULL arguments. */
enum rs_err rs_drw_parse(const uint8_t *buf, size_t len, struct rs_drw_log *out,
                         struct rs_diag *d);
void rs_drw_log_free(struct rs_drw_log *log); /* accepts NULL */

/* The image name an App: value or an event string stands for: the last path
 * component, with NT 4.0's symbol-file form ("exe\inetinfo.dbg",
 * "snaadmin.DBG" in Q150241) mapped to ".exe"; lower case. "" for "". */
void rs_drw_image_name(const char *app, char *out, size_t outsz);

#endif
