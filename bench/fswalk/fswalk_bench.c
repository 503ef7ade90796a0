/* Standalone timing harness for rs_fswalk (not part of the build).
 *   fswalk_bench [-p] [-o BYTEOFF] [-e] IMAGE
 * -p prints one line per entry ("A|D inum-seq path"), -e opens as EWF.
 * Prints entries/time/peak-RSS-independent stats to stderr. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "redsleuth/fswalk.h"

static int print_cb(const struct rs_fsentry *e, void *arg)
{
  (void)arg;
  char t[RS_TIME_ISO_MAX];
  printf("%c%c%c %llu-%u %s%s%s si_m=%s attrs=%x%s\n", e->allocated ? 'A' : 'D',
         e->is_dir ? 'd' : 'r', e->orphan ? 'O' : '-', (unsigned long long)e->inum, e->seq,
         e->path, e->short_name ? " ~" : "", e->short_name ? e->short_name : "",
         rs_time_iso(&e->si_mtime, t), e->dos_attrs, e->attrs_known ? "" : "?");
  return 0;
}

static int count_cb(const struct rs_fsentry *e, void *arg)
{
  (*(size_t *)arg) += strlen(e->path);
  return 0;
}

int main(int argc, char **argv)
{
  int opt, pr = 0, ewf = 0;
  long long off = 0;
  while ((opt = getopt(argc, argv, "po:e")) != -1) {
    if (opt == 'p') pr = 1;
    else if (opt == 'o') off = atoll(optarg);
    else if (opt == 'e') ewf = 1;
    else return 2;
  }
  if (optind >= argc) return 2;
  setenv("TZ", "UTC", 1);
  tzset();
  const char *nm[1] = {argv[optind]};
  TSK_IMG_INFO *img = tsk_img_open_utf8(1, nm, ewf ? TSK_IMG_TYPE_EWF_EWF : TSK_IMG_TYPE_RAW, 0);
  if (!img) { tsk_error_print(stderr); return 3; }
  TSK_FS_INFO *fs = tsk_fs_open_img(img, off, TSK_FS_TYPE_DETECT);
  if (!fs) { tsk_error_print(stderr); tsk_img_close(img); return 3; }
  struct timespec a, b;
  struct rs_fswalk_stats st;
  struct rs_diag d;
  rs_diag_clear(&d);
  size_t bytes = 0;
  clock_gettime(CLOCK_MONOTONIC, &a);
  enum rs_err rc = rs_fswalk(fs, pr ? print_cb : count_cb, &bytes, &st, &d);
  clock_gettime(CLOCK_MONOTONIC, &b);
  if (d.err != RS_OK) rs_diag_print(stderr, &d);
  fprintf(stderr, "rc=%s entries=%llu alloc=%llu deleted=%llu orphans=%llu dirs=%llu unreadable=%llu time=%.3f s\n",
          rs_err_name(rc), (unsigned long long)st.entries, (unsigned long long)st.allocated,
          (unsigned long long)st.deleted, (unsigned long long)st.orphans,
          (unsigned long long)st.dirs, (unsigned long long)st.unreadable,
          (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
  tsk_fs_close(fs);
  tsk_img_close(img);
  return rc == RS_OK ? 0 : 1;
}
