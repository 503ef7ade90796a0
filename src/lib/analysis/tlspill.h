/* Timeline entries kept out of memory. With --timeline-hits every worm
 * request in the logs is a timeline entry, and a busy server's logs hold
 * millions: they go to a spill, not to the results' array. The spill keeps
 * one run of entries in memory (at most RS_SPILL_RUN bytes); a full run is
 * sorted and appended to an unlinked temporary file, and runs are merged
 * (external merge sort) when there are too many and once at the end. Small
 * inputs never touch the disk.
 *
 * After rs_tl_spill_finish the entries read back in timeline order
 * (rs_tl_cmp), each with the position it takes among the results' own
 * (sorted) timeline entries, so a writer can merge the two while it writes.
 *
 * Adding is thread-safe (the log workers share one spill); finishing and
 * reading are not. */
#ifndef RS_ANALYSIS_TLSPILL_H
#define RS_ANALYSIS_TLSPILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "redsleuth/diag.h"
#include "redsleuth/rtime.h"

struct rs_tl_entry;
struct rs_tl_spill;

#define RS_SPILL_RUN ((size_t)8 << 20) /* bytes of entries held in memory */
#define RS_SPILL_MAX_RUNS 64           /* more runs on disk are merged into one */

/* A spill whose temporary file (made only when a run is full) goes into dir:
 * NULL or "" for $TMPDIR, else /tmp. run_bytes: the memory run's size, 0 for
 * RS_SPILL_RUN (tests make it small). NULL when memory runs out. */
struct rs_tl_spill *rs_tl_spill_new(const char *dir, size_t run_bytes);
void rs_tl_spill_free(struct rs_tl_spill *s); /* accepts NULL; closes the file */

/* Adds a copy of e (its find_index is not kept: spilled entries name no
 * finding). RS_E_NOMEM, or RS_E_OUTPUT when the temporary file cannot be
 * written; the first error sticks (rs_tl_spill_error). Entries past `keep`
 * (rs_tl_spill_finish) may be dropped early: only the first RS_TL_MAX in
 * timeline order can ever be kept. */
enum rs_err rs_tl_spill_add(struct rs_tl_spill *s, const struct rs_tl_entry *e);

/* Orders the entries, keeps the first `keep` of them in timeline order
 * (*cut: some were dropped), and gives each its position among tl[0..ntl)
 * (sorted with rs_tl_cmp): the number of those entries that sort before or
 * equal to it. */
enum rs_err rs_tl_spill_finish(struct rs_tl_spill *s, const struct rs_tl_entry *tl, size_t ntl,
                               uint64_t keep, bool *cut);

/* Entries held (after finish: kept). */
uint64_t rs_tl_spill_count(const struct rs_tl_spill *s);

/* Reading, after finish: back to the first entry, then one entry at a time
 * in timeline order. *e's strings stay valid until the next call. Returns 1
 * with an entry, 0 at the end, -1 on an error (rs_tl_spill_error). */
enum rs_err rs_tl_spill_rewind(struct rs_tl_spill *s);
int rs_tl_spill_next(struct rs_tl_spill *s, struct rs_tl_entry *e, size_t *before);

/* The first error and its sentence ("" when none). */
enum rs_err rs_tl_spill_error(const struct rs_tl_spill *s, const char **what);

#endif
