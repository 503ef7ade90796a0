/* Throughput of the IIS log reader on one file: reads it in 1 MiB chunks
 * (like the image reader will), feeds rs_iislog_feed, and aggregates the hits
 * with rs_logagg like scan.c will. Not part of `make check`.
 * Usage: bench_logscan FILE [runs] */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "redsleuth/iislog.h"

static void on_rec(const struct rs_logrec *r, void *arg)
{
  if (r->family != RS_FAM_NONE)
    rs_logagg_add(arg, r);
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE [runs]\n", argv[0]);
    return 2;
  }
  int runs = argc > 2 ? atoi(argv[2]) : 3;
  size_t bufsz = 1 << 20;
  unsigned char *buf = malloc(bufsz);
  double best = 1e30;
  struct rs_logfile_stats st;
  for (int k = 0; k < runs; k++) {
    FILE *fp = fopen(argv[1], "rb");
    if (!fp) {
      perror(argv[1]);
      return 3;
    }
    struct rs_logagg *agg = rs_logagg_new();
    struct rs_iislog *p;
    struct rs_diag d;
    if (rs_iislog_open(argv[1], RS_LOGFMT_UNKNOWN, NULL, on_rec, agg, &p, &d) != RS_OK)
      return 4;
    double t0 = now();
    size_t n, total = 0;
    while ((n = fread(buf, 1, bufsz, fp)) > 0) {
      rs_iislog_feed(p, buf, n, &d);
      total += n;
    }
    rs_iislog_finish(p, &st, &d);
    double dt = now() - t0;
    const struct rs_attacker *at;
    size_t na = rs_logagg_attackers(agg, &at);
    if (dt < best)
      best = dt;
    printf("run %d: %.3f s, %.0f MB/s (%zu bytes, %llu records, %llu unparsed, hits cr1 %llu "
           "cr2 %llu cru %llu nimda %llu other %llu, %zu attackers)\n",
           k + 1, dt, total / dt / 1e6, total, (unsigned long long)st.records,
           (unsigned long long)st.unparsed, (unsigned long long)st.hits[RS_FAM_CODERED1],
           (unsigned long long)st.hits[RS_FAM_CODERED2],
           (unsigned long long)st.hits[RS_FAM_CODERED_UNKNOWN],
           (unsigned long long)st.hits[RS_FAM_NIMDA],
           (unsigned long long)st.hits[RS_FAM_ROOTEXE_OTHER], na);
    rs_iislog_free(p);
    rs_logagg_free(agg);
    fclose(fp);
  }
  printf("best: %.3f s\n", best);
  free(buf);
  return 0;
}
