/* The drivers behind the two commands. The CLI parses options into
 * struct rs_run_opts, calls rs_info() or rs_scan(), and hands the resulting
 * report (a jansson object) to the writers. */
#ifndef REDSLEUTH_SCAN_H
#define REDSLEUTH_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include "diag.h"
#include "hits.h"
#include "image.h"

/* Exit codes of the report contract. */
enum rs_exit {
  RS_EXIT_CLEAN = 0,
  RS_EXIT_USAGE = 2,
  RS_EXIT_OPEN = 3,
  RS_EXIT_INTERNAL = 4,
  RS_EXIT_INDICATORS = 10,
  RS_EXIT_UNREADABLE = 11,
};

/* What a scan is doing, for a display (the CLI shows it on a terminal). */
enum rs_progress_kind {
  RS_PROGRESS_PHASE,           /* a phase starts: what, and the name it works on */
  RS_PROGRESS_HASH,            /* the analysis is done and the media hash still runs:
                                  about four times a second, until `ended` */
};
struct rs_progress {
  enum rs_progress_kind kind;
  const char *what;            /* PHASE: "hashing", "reading registry", "walking volume",
                                  "reading log"; HASH: "hashing the media" */
  const char *name;            /* PHASE: what the phase reads (a segment, a volume number,
                                  a log file's path): a name from the evidence, to be
                                  escaped before it is shown; NULL when none */
  uint64_t done, total;        /* HASH: bytes hashed, of the media's size */
  uint64_t rate_bytes;         /* HASH: bytes hashed since the analysis ended ... */
  double rate_s;               /* ... in this many seconds (rs_hash_progress_text) */
  bool ended;                  /* HASH: the hash is over; the last call */
};
/* Called from the scan's threads (a log worker reports from its own): one
 * call per event, never two at once from one thread; it must be safe to
 * call from several. */
typedef void (*rs_progress_fn)(const struct rs_progress *p, void *arg);

#define RS_MAX_FILE_SIZE_DEFAULT (64ull << 20)

struct rs_run_opts {
  struct rs_image_opts img;
  const char *const *segs;     /* evidence segments as given */
  int nseg;
  const char *case_id;         /* --case */
  const char *examiner;        /* --examiner */
  const char *evidence_id;     /* --evidence-id (custody: the exhibit's number) */
  const char *organization;    /* --organization */
  const char *notes;           /* --notes */
  const char *expect_algo;     /* --expect-hash ALGO: "md5", "sha1" or "sha256", NULL = none */
  const char *expect_hex;      /* --expect-hash HEX, lowercase, of that algorithm's length */
  bool no_hash;                /* --no-hash */
  bool all_hits;               /* --timeline-hits: every worm hit on the timeline */
  bool unallocated;            /* --unallocated: search every volume's unallocated clusters
                                  (residue region "unallocated", scan/residue.c) */
  const char *tmp_dir;         /* where those hits are spilled (an unlinked temporary
                                  file): NULL = $TMPDIR, else /tmp; the CLI gives --out-dir */
  size_t spill_run;            /* bytes of them held in memory before a run goes to that
                                  file; 0 = the built-in 8 MiB (tests make it small) */
  rs_progress_fn progress;     /* NULL: no progress reports */
  void *progress_arg;
  long long log_parallel_min;  /* log bytes from which two threads parse the logs;
                                  0 = the built-in default, -1 = always (tests) */
  FILE *full_body;             /* --timeline full: every walked entry's MACB times as TSK
                                  body lines ($SI, and $FILE_NAME for NTFS), NULL = off */
  /* content scanning (issue 17): with yara or hashsets, every allocated and
   * deleted file's content is searched and hashed in the one walk */
  const char *const *yara;     /* --yara FILE: rule files, source or compiled */
  int nyara;
  const char *const *hashsets; /* --hashset FILE: MD5/SHA-1/SHA-256 lines or NSRL RDS CSV */
  int nhashset;
  uint64_t max_file_size;      /* --max-file-size: larger files are skipped and counted;
                                  0 = RS_MAX_FILE_SIZE_DEFAULT */
  int argc;                    /* command line as typed, for run.command_line */
  char *const *argv;
};
void rs_run_opts_init(struct rs_run_opts *o);

/* `redsleuth info`: opens the evidence, lists volumes and Windows roots.
 * *report gets a report-shaped object (schema, tool, run, evidence, volumes,
 * unreadable). Returns RS_OK when something could be examined; RS_E_OPEN
 * (with d) when the evidence cannot be opened at all. */
enum rs_err rs_info(const struct rs_run_opts *o, json_t **report, struct rs_diag *d);
/* Its text rendering is rs_info_write_text() (writer.h). */

/* `redsleuth scan`: the whole analysis. *report gets the full
 * "redsleuth-report/1" object. Returns RS_OK when a report was produced
 * (whatever the verdict), RS_E_OPEN when the evidence cannot be opened.
 * Strings from the evidence keep their bytes, so some may not be valid
 * UTF-8 (json_dumps fails on them): serialise with rs_writer_json or a
 * writer, which escape them. */
enum rs_err rs_scan(const struct rs_run_opts *o, json_t **report, struct rs_diag *d);
/* rs_scan, with the hits of --timeline-hits kept out of the report: *hits
 * gets them (NULL when there are none; rs_hits_free it), and the writers
 * merge them in (hits.h). rs_scan puts them inside report.timeline[], which
 * costs memory in proportion to their number. */
enum rs_err rs_scan_hits(const struct rs_run_opts *o, json_t **report, struct rs_hits **hits,
                         struct rs_diag *d);

/* The exit code a finished report calls for: 11 when something was
 * unreadable, a stored hash mismatched or the verdict is undetermined;
 * else 10 when the verdict is an indicator (anything but clean/patched);
 * else 0. */
int rs_report_exit_code(const json_t *report);

/* The report's "tool" block (name, version, library versions), as -V
 * shows it; NULL when memory runs out. */
json_t *rs_report_tool(void);

#endif
