/* Log line carving (RESIDUE-LOG-LINE): around every hit on "default.ida",
 * "root.exe" or "cmd.exe" (any case, ASCII or UTF-16LE) in unallocated
 * space or memory residue, the whole text line is recovered and read with
 * the IIS log parser (iislog.h), W3C lines with the nearest "#Fields:" and
 * "#Date:" headers that precede them in the same run of text.
 *
 * Text is printable ASCII and tab; a line ends at CR, LF or any other byte
 * (NUL, control, >= 0x80), and at most RS_CARVE_LINE_MAX bytes from the hit
 * on either side. UTF-16LE lines are the same text with a 0 after each
 * byte. docs/content.md lists what this cannot recover. */
#ifndef REDSLEUTH_CARVE_H
#define REDSLEUTH_CARVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "iislog.h"
#include "tz.h"

/* (fuzz/run.sh builds the carver with small limits, so that small inputs
 * reach every path) */
#ifndef RS_CARVE_LINE_MAX
#define RS_CARVE_LINE_MAX 8192            /* text units each way from the hit */
#endif
#ifndef RS_CARVE_HDR_BACK
#define RS_CARVE_HDR_BACK (64u << 10)     /* how far back headers are looked for */
#endif
/* A region read in pieces: each piece must overlap the previous one by at
 * least this many bytes (rs_carver_scan's `last`). */
#define RS_CARVE_OVERLAP (RS_CARVE_HDR_BACK + 6 * RS_CARVE_LINE_MAX)

enum rs_carve_date {
  RS_CARVE_DATE_NONE = 0, /* no date: the time of day only, or nothing */
  RS_CARVE_DATE_LINE,     /* the line has its own date (W3C date column, IIS, NCSA) */
  RS_CARVE_DATE_HEADER,   /* from the nearest preceding #Date: header */
};
const char *rs_carve_date_name(enum rs_carve_date w); /* "none", "line", "header" */

/* One carved line; borrowed for the callback. */
struct rs_carved {
  uint64_t offset;        /* absolute offset of the line's first byte */
  uint64_t hit;           /* absolute offset of the hit that found it */
  uint32_t raw_len;       /* bytes in the region (twice len for UTF-16LE) */
  bool wide;              /* UTF-16LE */
  bool whole;             /* a line break (or the region's edge) on both sides */
  const char *text;       /* the line as ASCII, NUL-terminated */
  size_t len;
  const char *fields;     /* the "#Fields: ..." line used, NULL when none */
  uint64_t fields_offset;
  const char *date_hdr;   /* the "#Date: ..." line used, NULL when none */
  uint64_t date_offset;
  bool parsed;            /* the parser read a request from it: rec is valid */
  enum rs_logfmt format;
  enum rs_carve_date date_from;
  struct rs_logrec rec;   /* rec.file "carved", rec.line 1 */
};
typedef void (*rs_carve_cb)(const struct rs_carved *c, void *arg);

struct rs_carve_stats {
  uint64_t hits;          /* keyword occurrences */
  uint64_t lines;         /* lines carved (a line with several hits counts once) */
  uint64_t wide;          /* of which UTF-16LE */
  uint64_t parsed;        /* of which the parser read a request from */
  uint64_t partial;       /* of which not whole */
};

struct rs_carver;

/* tz: the zone for IIS native lines (local time); NULL: they stay local. */
enum rs_err rs_carver_new(const struct rs_tz *tz, struct rs_carver **out, struct rs_diag *d);
void rs_carver_free(struct rs_carver *c); /* accepts NULL */

/* Carves every line holding a keyword in buf[0..len), base being the
 * absolute offset of buf[0]. For a region read in pieces call it per piece
 * in order, pieces overlapping by RS_CARVE_OVERLAP, last = true for the
 * final one: a line is reported once, from the piece that holds it whole.
 * st (may be NULL) accumulates over the calls. */
enum rs_err rs_carver_scan(struct rs_carver *c, const uint8_t *buf, size_t len, uint64_t base,
                           bool last, rs_carve_cb cb, void *arg, struct rs_carve_stats *st,
                           struct rs_diag *d);
/* Forgets the last region (a new region starts). */
void rs_carver_reset(struct rs_carver *c);

/* Carves the one line around buf[hit] (wide: the hit is UTF-16LE text).
 * Calls cb once, or never when buf[hit] is not text. */
enum rs_err rs_carve_line(struct rs_carver *c, const uint8_t *buf, size_t len, uint64_t base,
                          size_t hit, bool wide, rs_carve_cb cb, void *arg, struct rs_diag *d);

#endif
