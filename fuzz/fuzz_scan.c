/* libFuzzer: a whole scan of a small disk image held in memory. The input
 * bytes become a memfd; rs_scan() opens it by its /proc/self/fd path (libtsk
 * opens images by name) as raw, walks it, reads hives, MetaBase.bin, logs
 * and PE files from it, and every writer renders the report (so the name
 * escaping of each output format runs on whatever the image holds). Seed:
 * corpus/scan/w2k-mini.fat (fuzz/mkscanseed.sh). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <jansson.h>
#include "redsleuth/scan.h"
#include "redsleuth/writer.h"

static int fd = -1;
static char path[64];
static FILE *sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (fd < 0) {
    fd = memfd_create("fuzz-image", 0);
    if (fd < 0)
      __builtin_trap();
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    sink = fopen("/dev/null", "w");
    if (!sink)
      __builtin_trap();
  }
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
    __builtin_trap();

  const char *segs[1] = {path};
  struct rs_run_opts o;
  rs_run_opts_init(&o);
  o.segs = segs;
  o.nseg = 1;
  o.img.img_type = "raw"; /* libewf/libvmdk are not ours to fuzz here */
  o.no_hash = true;
  o.full_body = sink;     /* the --timeline full body lines too */
  json_t *report = NULL;
  struct rs_diag d;
  memset(&d, 0, sizeof d);
  if (rs_scan(&o, &report, &d) == RS_OK) {
    if (!report)
      __builtin_trap();
    for (const struct rs_writer *const *w = rs_writers; *w; w++)
      (*w)->write(report, NULL, sink, &d);
    rs_report_exit_code(report);
  }
  json_decref(report);
  return 0;
}
