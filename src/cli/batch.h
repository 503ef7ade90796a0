#ifndef RS_CLI_BATCH_H
#define RS_CLI_BATCH_H

#include <stdbool.h>

/* `redsleuth scan --batch LIST` / several images: one child process per image
 * (isolation: a crash, hang or exhausted memory in one image never stops the
 * batch), at most `jobs` at once, one output folder per image, one JSONL
 * summary line per image on stdout and in OUT/summary.jsonl (input order). */
struct rs_batch_opts {
  const char *self;            /* path of this executable (/proc/self/exe) */
  char **images;               /* first segment of each image */
  int nimages;
  int jobs;                    /* -j N, >= 1 */
  const char *out_dir;         /* required */
  char **scan_args;            /* options passed to each `scan` (e.g. --no-hash) */
  int nscan_args;
  int timeout_s;               /* per image; 0 = none */
  const char *list;            /* --batch LIST, NULL when the images were arguments */
  bool force;                  /* --force: accept a non-empty out_dir */
};

/* Reads LIST (one image path per line; blank lines and # comments skipped)
 * into a malloc'd vector. Returns the count, -1 on error. */
int rs_batch_read_list(const char *list, char ***images);
/* The worst result over the images, as for one image: 11 when any image
 * was not completely analysed (its scan exited 11, failed with 2, 3 or 4,
 * crashed or was killed), else 10 when any verdict has indicators, else 0;
 * 2 on usage problems (out_dir not empty without force), 4 when
 * summary.jsonl cannot be written. Every non-zero exit prints one stderr
 * line ("redsleuth: incomplete: ..." / "redsleuth: indicators: ..."). */
int rs_batch_run(const struct rs_batch_opts *o);

#endif
