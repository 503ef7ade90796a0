/* Internal to the evidence layer: the segment files of an image, checked
 * before libtsk or libewf opens any of them (src/lib/evidence/segments.c). */
#ifndef RS_EVIDENCE_SEGMENTS_H
#define RS_EVIDENCE_SEGMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <tsk/libtsk.h>

#include "redsleuth/buf.h"
#include "redsleuth/diag.h"

/* Checks every segment named on the command line before anything opens it:
 * each must be a regular file or a block device (open() on a FIFO blocks
 * forever, a character device never ends), not empty, and named once (the
 * same file given twice would double the media: RS_E_USAGE). *size0 gets
 * the first segment's size. */
enum rs_err rs_segments_check_given(const char *const *segs, int nseg, uint64_t *size0,
                                    struct rs_diag *d);

/* The segments libtsk (split raw) or libewf (E01, E02, ...) will find by
 * themselves beside a single first segment, checked the same way (a FIFO
 * named disk.002 would hang inside libtsk's open). RS_OK when nseg > 1 or
 * the type finds no others. */
enum rs_err rs_segments_check_found(const char *const *segs, int nseg, TSK_IMG_TYPE_ENUM type,
                                    struct rs_diag *d);

/* A split raw set whose sizes do not fit together: a segment before the
 * last whose size differs from the first's, a last segment larger than the
 * first, or a total that is not a whole number of sectors. Appends one
 * sentence with the segment sizes to out (nothing when the set is
 * consistent or has one segment); RS_E_NOMEM when memory runs out. */
enum rs_err rs_segments_sizes_warning(char *const *segs, int nseg, unsigned sector_size,
                                      struct rs_buf *out);

/* When path is an EWF (version 1) segment file cut short (its section chain
 * runs past the end of the file), sets d (RS_E_TRUNCATED: the byte where it
 * ends, the section it ends in, the sections before) and returns true; false
 * for any other file (src/lib/evidence/ewfwalk.c). */
bool rs_ewf_truncated(const char *path, struct rs_diag *d);

#endif
