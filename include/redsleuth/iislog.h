/* IIS log reader: W3C extended, IIS native (comma) and NCSA common formats,
 * streamed with bounded memory, each line classified against the worm
 * request signatures of codered-artifacts.md section 6. */
#ifndef REDSLEUTH_IISLOG_H
#define REDSLEUTH_IISLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "rtime.h"
#include "tz.h"

enum rs_logfmt { RS_LOGFMT_UNKNOWN = 0, RS_LOGFMT_W3C, RS_LOGFMT_IIS, RS_LOGFMT_NCSA };
const char *rs_logfmt_name(enum rs_logfmt f); /* "w3c","iis","ncsa","unknown" */

/* What one request line is. Order matters only for display. */
enum rs_family {
  RS_FAM_NONE = 0,
  RS_FAM_CODERED1,         /* /default.ida + N padding */
  RS_FAM_CODERED2,         /* /default.ida + X padding (CRII, CodeRed.F) */
  RS_FAM_CODERED_UNKNOWN,  /* /default.ida logged without its query */
  RS_FAM_IDA_OTHER,        /* other .ida/.idq overflow attempt */
  RS_FAM_NIMDA,            /* Nimda probe or exploitation request */
  RS_FAM_ROOTEXE_OTHER,    /* root.exe / cmd.exe request matching no worm: manual use */
  RS_FAM__COUNT
};
/* "code_red_1","code_red_2","code_red_unknown","ida_other","nimda","root_exe_other","none"
 * (the logs.hits keys of the report contract) */
const char *rs_family_key(enum rs_family f);
const char *rs_family_title(enum rs_family f); /* "Code Red I", ... */

/* One parsed request (strings borrowed, valid during the callback only). */
struct rs_logrec {
  const char *file;          /* log file name as given to rs_iislog_open */
  uint64_t line;             /* 1-based line number in the file */
  struct rs_time when;       /* UTC when utc is true, else local clock time */
  bool utc;                  /* false: local time that could not be converted */
  bool has_date;             /* false: only a time of day was found (date unknown) */
  const char *client_ip;     /* "" if not logged */
  const char *method;        /* "" if not logged */
  const char *stem;          /* URI stem, "" if not logged */
  const char *query;         /* URI query, NULL if the format has no query column, "" / "-" as logged */
  int status;                /* HTTP status, -1 if not logged */
  int win32_status;          /* -1 if not logged */
  enum rs_family family;
  bool backdoor_use;         /* 2xx or 502 answer to root.exe, or to cmd.exe via /c or /d */
};

/* Pure classifier (used by the parser and by tests): stem and query as logged
 * (query may be NULL when the format has no query column). */
enum rs_family rs_iislog_classify(const char *method, const char *stem, const char *query);
/* True when (stem, status) is a use of the backdoor per the report contract. */
bool rs_iislog_is_backdoor_use(const char *stem, const char *query, int status);

/* Called once per parsed record (every record, hit or not: check
 * r->family); cb may be NULL when only the stats are wanted. When
 * r->has_date is false, r->when holds only the time of day (on 1970-01-01)
 * or is unset. */
typedef void (*rs_logrec_cb)(const struct rs_logrec *r, void *arg);

struct rs_logfile_stats {
  enum rs_logfmt format;
  uint64_t lines;            /* all lines, directives included */
  uint64_t records;          /* request lines parsed */
  uint64_t directives;       /* '#' lines */
  uint64_t unparsed;         /* lines that are neither */
  uint64_t long_lines;       /* lines longer than the line limit (counted unparsed) */
  uint64_t first_unparsed_line;
  struct rs_time first, last;  /* of parsed records (UTC when converted) */
  bool times_utc;            /* all record times are UTC */
  char tz_used[128];         /* description of the conversion, "" for W3C */
  uint64_t hits[RS_FAM__COUNT];
};

struct rs_iislog;

/* name: the log's file name (for the date of dateless W3C logs: exYYMMDD.log,
 * and for messages); fmt: RS_LOGFMT_UNKNOWN to detect from content and name;
 * tz: zone for IIS/NCSA local times (NULL or unknown: times stay local, said so). */
enum rs_err rs_iislog_open(const char *name, enum rs_logfmt fmt, const struct rs_tz *tz,
                           rs_logrec_cb cb, void *arg, struct rs_iislog **out,
                           struct rs_diag *d);
/* Feeds the next n bytes (any split, any size). Lines longer than the
 * internal limit (64 KiB) are counted as unparsed, never buffered whole. */
enum rs_err rs_iislog_feed(struct rs_iislog *p, const uint8_t *data, size_t n,
                           struct rs_diag *d);
/* Hits only: from now on cb is called only for records whose family is not
 * RS_FAM_NONE (which includes every backdoor use), and the reader may count a
 * line that cannot be a hit without parsing it into a record: it reads it
 * where it lies in the fed buffer, parses only what the statistics need
 * (date, time, status, field count) and copies nothing. The statistics and the
 * records handed to cb are exactly those of a reader without this setting
 * whose cb ignores RS_FAM_NONE (tested over every log the tests have). For
 * callers that want only the hits, like the scan; set it before the first
 * feed. (Addition to the original interface.) */
void rs_iislog_set_hits_only(struct rs_iislog *p, bool on);
/* Flushes the last line and fills stats. */
enum rs_err rs_iislog_finish(struct rs_iislog *p, struct rs_logfile_stats *stats,
                             struct rs_diag *d);
void rs_iislog_free(struct rs_iislog *p); /* accepts NULL */

/* Aggregates over many files: per-family counts and first/last, attackers,
 * backdoor uses. Fed with every record whose family != RS_FAM_NONE. */
struct rs_logagg;
/* Bounds (memory stays under ~40 MB whatever the logs hold, and what is kept
 * does not depend on the order the logs are read in):
 * - at most RS_LOGAGG_MAX_ATTACKERS distinct IPs are itemised. Beyond that the
 *   table keeps a deterministic sample: the IPs whose FNV-1a hash has its low
 *   `level` bits of the upper word zero (1 in 2^level), raised one level at a
 *   time until the sample fits. Counts of kept IPs stay exact; the hits of the
 *   others are counted as not itemised.
 * - at most RS_LOGAGG_MAX_BACKDOOR backdoor uses are kept: the earliest ones
 *   by (time, file, line); later ones are only counted. */
#define RS_LOGAGG_MAX_ATTACKERS 100000
#define RS_LOGAGG_MAX_BACKDOOR 10000
struct rs_logagg *rs_logagg_new(void);
void rs_logagg_add(struct rs_logagg *a, const struct rs_logrec *r);
void rs_logagg_free(struct rs_logagg *a);
/* true when an allocation failed while adding or merging: the aggregate is
 * incomplete and must not be reported as if it were whole. */
bool rs_logagg_nomem(const struct rs_logagg *a);
/* Adds src's counts, attackers and backdoor uses to dst (src unchanged).
 * Merging per-worker aggregates in a fixed order gives the same result as
 * one aggregate fed every record. */
void rs_logagg_merge(struct rs_logagg *dst, const struct rs_logagg *src);

struct rs_attacker {
  char ip[64];
  uint64_t hits;
  uint64_t fam_hits[RS_FAM__COUNT];
  struct rs_time first, last;
};
struct rs_backdoor_use {
  struct rs_time when;
  bool utc;
  char ip[64];
  char request[512];         /* "GET /scripts/root.exe /c+dir" as logged, escaped later */
  int status;
  char file[512];             /* the log's path as the caller named it */
  uint64_t line;
};
struct rs_family_stats {
  uint64_t hits;
  struct rs_time first, last;
  uint64_t status_2xx, status_3xx, status_4xx, status_5xx, status_other;
};
/* Read-only views, sorted deterministically (attackers by hits desc then ip;
 * backdoor uses by time, file, line). Valid until rs_logagg_free. */
const struct rs_family_stats *rs_logagg_family(const struct rs_logagg *a, enum rs_family f);
size_t rs_logagg_attackers(struct rs_logagg *a, const struct rs_attacker **out);
size_t rs_logagg_backdoor_uses(struct rs_logagg *a, const struct rs_backdoor_use **out);
/* What the bounds left out: hits from IPs beyond RS_LOGAGG_MAX_ATTACKERS, and
 * backdoor uses beyond RS_LOGAGG_MAX_BACKDOOR (both 0 normally). Either
 * pointer may be NULL. (Addition to the original interface.) */
void rs_logagg_dropped(const struct rs_logagg *a, uint64_t *attacker_hits,
                       uint64_t *backdoor_uses);
/* The attacker sample's level: 0 when every IP is itemised, else k (1 in 2^k
 * IPs kept, by hash). */
unsigned rs_logagg_sample_level(const struct rs_logagg *a);

#endif
