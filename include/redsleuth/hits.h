/* --timeline-hits puts every worm request of the logs on the timeline, and a
 * busy server's logs hold millions. rs_scan_hits keeps those entries out of
 * the report object, in order in an unlinked temporary file, so that memory
 * stays bounded; the writers merge them into report.timeline[] as they write
 * (each writer takes the report and its hits). The bytes they write are the
 * bytes the same report would give with the entries inside it. */
#ifndef REDSLEUTH_HITS_H
#define REDSLEUTH_HITS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "diag.h"

struct rs_hits;

/* How many entries (0 for NULL). */
uint64_t rs_hits_count(const struct rs_hits *h);
/* Back to the first entry (every writer reads them all once). */
enum rs_err rs_hits_rewind(struct rs_hits *h, struct rs_diag *d);
/* The next entry in timeline order: *entry a new object of the form of
 * report.timeline[] entries (the caller decrefs it), NULL after the last;
 * *before the index in report.timeline[] of the entry it goes before (the
 * array's size: after them all). RS_E_OUTPUT (the temporary file cannot be
 * read) or RS_E_NOMEM with d. */
enum rs_err rs_hits_next(struct rs_hits *h, json_t **entry, size_t *before, struct rs_diag *d);
/* Closes (and so removes) the temporary file; accepts NULL. */
void rs_hits_free(struct rs_hits *h);

#endif
