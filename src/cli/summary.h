#ifndef RS_CLI_SUMMARY_H
#define RS_CLI_SUMMARY_H
/* What `scan --out-dir` prints on stdout instead of the whole report
 * (src/cli/summary.c): the verdict and its reasons, the key events (the
 * report's story[] when it has one, else the timeline rows of the verdict's
 * reasons), key counts and where the files are. At most RS_SUMMARY_MAX_LINES
 * lines; every string from the evidence escaped as in the text report. */

#include <stdio.h>


#include "seal.h"

#define RS_SUMMARY_MAX_LINES 40

/* Returns the number of lines written. */
int rs_cli_summary(FILE *fp, const json_t *rep, const char *out_dir, const struct rs_seal *s);

#endif
