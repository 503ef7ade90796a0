#ifndef RS_CLI_OUTFILE_H
#define RS_CLI_OUTFILE_H

/* Every file redsleuth writes (the reports in --out-dir, timeline-full.body,
 * a batch's summary.jsonl and per-image stdout.txt/stderr.txt) is written
 * the same way: into a new temporary file in the output folder, created
 * O_CREAT|O_EXCL|O_NOFOLLOW, then renamed onto its name. An existing path
 * is never opened for writing, so a symbolic or hard link planted under a
 * report's name cannot turn the write onto its target (the evidence: mode
 * 0444 means nothing to root). A reader never sees a half-written report. */

#include <limits.h>
#include <stdio.h>

#include "redsleuth/redsleuth.h"

struct rs_out {
  int dirfd;          /* the output folder (borrowed), -1 when unused */
  int fd;             /* the temporary file, -1 when closed */
  FILE *fp;           /* stdio over fd ("w+"), NULL when closed */
  char tmp[96];       /* its name in the folder */
  char name[256];     /* the name it gets at commit */
  char shown[4400];   /* folder/name, for messages */
};

/* Opens the output folder, creating it (0755) when missing, and refuses one
 * that holds a symbolic link (to anything: a report written through it
 * would land on its target). Returns an O_DIRECTORY descriptor, or -1 with d
 * set: RS_E_USAGE for a link, RS_E_OUTPUT when it cannot be made or read. */
int rs_out_dir_open(const char *dir, struct rs_diag *d);

/* Creates the temporary file that becomes dir/name at rs_out_commit. o->fp
 * (and o->fd) are open for writing and reading. RS_E_OUTPUT with d. */
enum rs_err rs_out_create(struct rs_out *o, int dirfd, const char *dir, const char *name,
                          struct rs_diag *d);

/* Flushes, fsyncs and closes the temporary file and renames it onto its name
 * (the rename replaces the folder entry; nothing is written through it).
 * On failure the temporary file is removed. RS_E_OUTPUT with d. */
enum rs_err rs_out_commit(struct rs_out *o, struct rs_diag *d);

/* Closes and removes the temporary file (a failed run leaves no report
 * behind under a report's name). Accepts a zeroed, unused or closed o. */
void rs_out_abort(struct rs_out *o);

/* The folder holding path, made absolute with its links resolved
 * (realpath); 0 on success. */
int rs_path_parent_real(const char *path, char out[PATH_MAX]);
/* path made absolute with its symbolic links resolved, for a path that may
 * not exist yet (the longest existing ancestor through realpath, the rest as
 * written); 0 on success. */
int rs_path_resolve(const char *path, char out[PATH_MAX]);

#endif
