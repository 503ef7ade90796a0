#ifndef RS_CLI_SEAL_H
#define RS_CLI_SEAL_H
/* The output folder sealed (src/cli/seal.c): refused when it already holds
 * anything unless --force; with --force, an earlier run's outputs removed
 * before the scan; at the end manifest.sha256, the SHA-256 of every file
 * this run wrote, in sha256sum's format (`cd DIR && sha256sum -c
 * manifest.sha256` checks it). */

#include <stdbool.h>

#include "redsleuth/redsleuth.h"

#define RS_SEAL_MANIFEST "manifest.sha256"
#define RS_SEAL_MAX 32

struct rs_seal {
  const char *names[RS_SEAL_MAX]; /* files this run wrote, in order (borrowed) */
  int n;
  char others[8][256];            /* files left in the folder that this run did not write */
  int nothers;
  int nmore;                      /* how many more than others[] holds */
};

/* Before any work. Without force, a folder holding any entry is refused
 * (RS_E_USAGE with d). With force, every file an earlier run of redsleuth
 * writes there (the report files, timeline-full.body, manifest.sha256,
 * stdout.txt/stderr.txt are not touched: a batch owns them) is removed,
 * so that nothing left in the folder can pass for this run's output; any
 * other entry is left and named in s->others. */
enum rs_err rs_seal_prepare(struct rs_seal *s, int dirfd, const char *dir, bool force,
                            struct rs_diag *d);

/* Records that this run put `name` in place (name must outlive s). */
void rs_seal_add(struct rs_seal *s, const char *name);

/* Writes manifest.sha256 (new file renamed into place) over the files
 * recorded, read back from the folder. RS_E_OUTPUT with d. */
enum rs_err rs_seal_manifest(const struct rs_seal *s, int dirfd, const char *dir,
                             struct rs_diag *d);

#endif
