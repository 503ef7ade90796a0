/* Internal to the writers: the output plumbing the text and HTML writers
 * share. An emitter is a bounded buffer plus the escaper of its format;
 * everything taken from the report goes through that escaper. The first
 * error sticks in `err` and later calls do nothing, so a writer can emit a
 * whole document and check once at the end. */
#ifndef RS_WRITERS_EMIT_H
#define RS_WRITERS_EMIT_H

#include <jansson.h>

#include "redsleuth/buf.h"
#include "redsleuth/diag.h"
#include "redsleuth/hits.h"

typedef enum rs_err (*rs_escape_fn)(struct rs_buf *out, const char *s, size_t n);

struct rs_emit {
  struct rs_buf out;        /* the document */
  struct rs_buf tmp;        /* scratch for one value */
  enum rs_err err;          /* first error, RS_OK while all went well */
  rs_escape_fn escape;      /* rs_escape_text, rs_escape_html, ... */
  char why[600];            /* what went wrong, when err came from elsewhere, "" */
};

void em_init(struct rs_emit *t, rs_escape_fn escape);
void em_free(struct rs_emit *t);
/* Trusted text (our own labels and markup), copied as it is. */
void em_put(struct rs_emit *t, const char *s);
void em_putf(struct rs_emit *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A string from the report, escaped for the format (NULL: nothing). */
void em_esc(struct rs_emit *t, const char *s);
/* A report value (string, number, bool) escaped; null or absent shows as dflt. */
void em_val(struct rs_emit *t, const json_t *v, const char *dflt);
void em_key(struct rs_emit *t, const json_t *o, const char *k, const char *dflt);
/* A non-empty array whose members are all strings (an event record's
 * insertion strings, a rule's tags): the writers show each member escaped
 * on its own, numbered, instead of escaping the array's JSON text a second
 * time. */
bool em_is_str_list(const json_t *v);
/* Each member of arr (a report array; nothing when it is not one) escaped,
 * null as "", between pre and post; numbered: "[1] ", "[2] "... after pre.
 * Notes, segments, a command line, a string list's members. */
void em_each(struct rs_emit *t, const json_t *arr, const char *pre, bool numbered,
             const char *post);
/* o's members that are positive integers as "key n", the first after open,
 * the others after sep (keys as words with em_family_words when words);
 * returns how many: per-day family and status counts, carved hits. */
size_t em_counts(struct rs_emit *t, const json_t *o, const char *open, const char *sep,
                 bool words);
/* A line template over one report object: text is copied as trusted text,
 * except "{key}", replaced by o's value escaped ("-" when null or absent),
 * and "{key?}", the same with "" for null. Keys are [a-z0-9_]. So that a
 * row reads as its output: em_tmpl(t, u, "  {utc}  {ip}  status {status}\n"). */
void em_tmpl(struct rs_emit *t, const json_t *o, const char *tmpl);
/* Where a finding is (rs_writer_locator), escaped. */
void em_locator(struct rs_emit *t, const json_t *f);
/* The finding with this id in report.findings, or NULL. */
const json_t *em_find_finding(const json_t *report, const char *id);
/* "MFT entry N" or "FAT directory entry N" (o's mft_entry or dir_entry) and
 * ", SHA-256 X" when o has them: which file exactly a count came from. */
void em_file_id(struct rs_emit *t, const json_t *o);
/* One timeline line per file per second, as mactime writes it: consecutive
 * file-time entries (source mft or fat) of one finding within one second
 * become one group with MACB flags per attribute ("$SI m.cb", "$FN m.cb",
 * "FAT ma.b"). The group holds its first entry (a reference). */
struct em_group {
  json_t *first;            /* NULL: no group open */
  size_t n;                 /* entries merged */
  bool same_dt;             /* every entry has first's datetime */
  char flags[3][5];         /* $SI, $FN, FAT: "macb" with '.' for absent */
};
/* Adds e to the open group when it belongs there (true); otherwise false
 * and the caller flushes (em_group_flags, em_group_end) and retries with
 * em_group_start. */
bool em_group_add(struct em_group *g, const json_t *e);
/* Opens a group with e when e is a file time (true); false: e stands alone. */
bool em_group_start(struct em_group *g, const json_t *e);
/* The group's flags, "$SI .acb, $FN .acb", escaped into t. */
void em_group_flags(struct rs_emit *t, const struct em_group *g);
/* The group's time: the datetime when all share it, else the second
 * ("2001-01-15T14:02:11Z (within the second)"). */
void em_group_time(struct rs_emit *t, const struct em_group *g);
void em_group_end(struct em_group *g);
/* s as the inside of a CSS string: safe characters as they are, every
 * other code point as a CSS escape (nothing ends the string or <style>). */
void em_css_string(struct rs_emit *t, const char *s);
/* A path, escaped, with <wbr> after every backslash (HTML). */
void em_path(struct rs_emit *t, const char *s);
/* Opens a table cell for the report key k: a time (a key ending in "_utc")
 * never breaks inside (class ts). */
void em_td(struct rs_emit *t, const char *k);
/* A file's table cell: its path (breaking only after a backslash), and
 * under it its MFT or FAT entry and SHA-256 when known. */
void em_file_cell(struct rs_emit *t, const json_t *o);
/* A family key ("code_red_2", "code-red-2") as words ("Code Red II"). */
const char *em_family_words(const char *k);
/* Whether em_file_id would write anything. */
bool em_has_file_id(const json_t *o);
/* True when the finding's drive letter is assumed (from partition order, no
 * MountedDevices entry): its own drive_assumed, else its volume's. */
bool em_drive_assumed(const json_t *report, const json_t *f);
/* Writes "C:, D:" for the volumes whose letter is assumed (t NULL: only
 * tells whether any is); false (nothing written) when none is. */
bool em_assumed_drives(struct rs_emit *t, const json_t *report);
/* Writes the document to fp (RS_E_OUTPUT with d on failure) and reports a
 * formatting error recorded earlier under `who`. */
enum rs_err em_finish(struct rs_emit *t, FILE *fp, const char *who, struct rs_diag *d);
/* Writes out what the document holds so far once it passes EM_DRAIN bytes
 * (a timeline of millions of hits is never held whole); a write error
 * sticks in t->err as RS_E_OUTPUT. */
#define EM_DRAIN ((size_t)1 << 20)
void em_drain(struct rs_emit *t, FILE *fp);

/* The report's timeline in order: report.timeline[] with the entries kept
 * out of the report (hits, NULL when none) merged in where they belong. */
struct rs_tl_iter {
  const json_t *tl;
  size_t i, n;              /* next index into tl, its size */
  struct rs_hits *hits;
  json_t *hit;              /* the next hit (owned), NULL when none is left */
  size_t hit_before;
  json_t *last;             /* the hit returned last (owned), released by the next call */
  enum rs_err err;
  struct rs_diag d;
};
/* Entries in all (report.timeline[] and hits). */
size_t tl_total(const json_t *report, const struct rs_hits *hits);
void tl_iter_init(struct rs_tl_iter *it, const json_t *report, struct rs_hits *hits);
/* The next entry (borrowed until the next call), NULL after the last or at
 * an error (it->err, it->d). */
const json_t *tl_iter_next(struct rs_tl_iter *it);
void tl_iter_free(struct rs_tl_iter *it);
/* tl_iter_free, after passing an error of the iterator on to t. */
void tl_iter_end(struct rs_tl_iter *it, struct rs_emit *t);

/* report.html's chart of worm requests per day by HTTP status and the per-day
 * table (writers/htmlchart.c). */
void rs_html_chart(struct rs_emit *t, const json_t *report);

/* The event-log, Dr. Watson and UrlScan section (writers/hostlogs.c) of
 * the text and HTML writers; nothing when the report lists no such file. */
void rs_text_host_logs(struct rs_emit *t, const json_t *report);
void rs_html_host_logs(struct rs_emit *t, const json_t *report);

/* report.warnings as "!!! " lines (the stored-hash mismatch left out: it has
 * its own banner), then a blank line; nothing when there are none. */
void em_text_warnings(struct rs_emit *t, const json_t *report);

/* Where the content searches looked (writers/searched.c): residue regions,
 * carved log lines, the --yara / --hashset scan; nothing when the report has
 * none of them. */
void rs_text_residue(struct rs_emit *t, const json_t *report);
void rs_html_residue(struct rs_emit *t, const json_t *report);

#endif
