#ifndef RS_CLI_BATCH_H
#define RS_CLI_BATCH_H

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
};

/* Reads LIST (one image path per line; blank lines and # comments skipped)
 * into a malloc'd vector. Returns the count, -1 on error. */
int rs_batch_read_list(const char *list, char ***images);
/* Returns 0 when every image was analysed (whatever its verdict), 11 when
 * any child failed or was killed, 2 on usage problems. */
int rs_batch_run(const struct rs_batch_opts *o);

#endif
