/* Output writers. Each takes the finished report (a jansson object of schema
 * "redsleuth-report/1", see docs/formats.md) and the timeline entries kept
 * out of it (rs_scan_hits; NULL when none), and writes one format. Writers
 * never see evidence directly: what they print is what the report says. */
#ifndef REDSLEUTH_WRITER_H
#define REDSLEUTH_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include "buf.h"
#include "diag.h"
#include "hits.h"

struct rs_writer {
  const char *name;          /* "text", "json", "jsonl", "body", "html" */
  const char *file_name;     /* name in --out-dir: "report.txt", ... */
  /* hits: merged into report.timeline[] as it is written (NULL: none) */
  enum rs_err (*write)(const json_t *report, struct rs_hits *hits, FILE *out,
                       struct rs_diag *d);
};

/* All writers, NULL-terminated, in --out-dir order. */
extern const struct rs_writer *const rs_writers[];
const struct rs_writer *rs_writer_find(const char *name); /* NULL if unknown */

/* `redsleuth info` on a terminal: the info report (rs_info) as text, every
 * string from the evidence escaped as in the scan report (rs_escape_text),
 * report.warnings first. */
enum rs_err rs_info_write_text(const json_t *info, FILE *out, struct rs_diag *d);

/* Appends report.warnings as body-file lines (all times 0, name "!!! " and
 * the warning, escaped): what timeline.body starts with, and what the CLI
 * puts at the top of timeline-full.body. */
enum rs_err rs_writer_body_warnings(struct rs_buf *out, const json_t *report);

/* ---- Helpers the writers share (added with the writers; usable by the CLI). */

/* Largest output one writer builds in memory before writing it (bytes). */
#define RS_WRITER_MAX ((size_t)1 << 30)

/* Parses the report's time form "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" into seconds
 * since 1970 and nanoseconds. Returns false (outputs untouched) for NULL or
 * any other form: callers then treat the time as absent. */
bool rs_writer_time_parse(const char *iso, int64_t *sec, uint32_t *nsec);
/* The string at key in object o, or NULL when o is not an object, the key is
 * absent or its value is not a string. Borrowed from o. */
const char *rs_writer_str(const json_t *o, const char *key);
/* True for the report.warnings line of evidence.verification "mismatch"
 * (stored and/or --expect-hash): the text and HTML writers show it as their
 * banner, with the hashes, instead of as a plain warning. */
bool rs_writer_is_mismatch_warning(const char *w);
/* Appends a display form of v to out, unescaped: strings as they are,
 * integers in decimal, true/false as "yes"/"no", null or NULL as dflt,
 * arrays and objects as compact JSON. The caller escapes the result. */
enum rs_err rs_writer_value(struct rs_buf *out, const json_t *v, const char *dflt);
/* Serialises v as JSON (jansson flags) into out, then replaces DEL, C1
 * controls and bidi/line-separator code points inside strings by \uXXXX
 * escapes, so the JSON is safe to print on a terminal and still decodes to
 * the same value. Strings that are not valid UTF-8 (report strings keep
 * evidence bytes as they are) are written in rs_escape_utf8's form. */
enum rs_err rs_writer_json(struct rs_buf *out, const json_t *v, size_t flags);
/* Appends to out, unescaped, one line saying where a finding is: the path of
 * a file (" (deleted)" when unallocated); for a registry finding
 * "key\value = data (live|history, hive)"; for a log finding its line count,
 * first .. last time and answer status counts. Nothing for an empty finding.
 * The caller escapes the result. */
enum rs_err rs_writer_locator(struct rs_buf *out, const json_t *finding);
/* Writes b->len bytes of b to out and flushes; RS_E_OUTPUT (with d naming
 * the writer) when the stream fails. */
enum rs_err rs_writer_emit(const struct rs_buf *b, FILE *out, const char *writer,
                           struct rs_diag *d);

#endif
