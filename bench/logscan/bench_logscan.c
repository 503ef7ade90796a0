/* Throughput of the IIS log reader: reads each file in CHUNK-byte runs (8 MiB,
 * the scan's log run), feeds rs_iislog_feed and aggregates the hits with
 * rs_logagg like the scan does. Prints, per run, the parse time alone (the
 * time inside rs_iislog_feed/finish, one core: as wall time and as the
 * thread's CPU time, which other jobs on a shared machine disturb less) and
 * the wall time with the reads, in MB/s and lines/s, and the hit counts. Not
 * part of `make check`.
 *   bench_logscan [-a] [-r RUNS] [-c CHUNK] FILE...
 * -a: every record to the callback (the full road for every line, as before
 * issue 15); default: rs_iislog_set_hits_only, as the scan reads logs.
 * Linked against a library older than rs_iislog_set_hits_only (bench/run.sh
 * measures the previous build too), -a is implied and said. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "redsleuth/iislog.h"

/* weak: NULL when the library predates it */
extern void rs_iislog_set_hits_only(struct rs_iislog *p, bool on) __attribute__((weak));

static void on_rec(const struct rs_logrec *r, void *arg)
{
  if (r->family != RS_FAM_NONE)
    rs_logagg_add(arg, r);
}

static double clk(clockid_t id)
{
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
static double now(void)
{
  return clk(CLOCK_MONOTONIC);
}
static double cpu(void)
{
  return clk(CLOCK_THREAD_CPUTIME_ID);
}

static int cmpd(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
  int runs = 3, opt;
  size_t bufsz = 8u << 20;
  bool all = false;
  while ((opt = getopt(argc, argv, "ar:c:")) != -1) {
    if (opt == 'a')
      all = true;
    else if (opt == 'r')
      runs = atoi(optarg);
    else if (opt == 'c')
      bufsz = (size_t)strtoul(optarg, NULL, 0);
    else
      return 2;
  }
  if (optind >= argc || runs < 1 || runs > 100 || bufsz == 0) {
    fprintf(stderr, "usage: %s [-a] [-r RUNS] [-c CHUNK] FILE...\n", argv[0]);
    return 2;
  }
  if (!rs_iislog_set_hits_only)
    all = true;
  unsigned char *buf = malloc(bufsz);
  double parse[100], pcpu[100], total[100];
  if (!buf)
    return 3;
  for (int k = 0; k < runs; k++) {
    struct rs_logagg *agg = rs_logagg_new();
    uint64_t bytes = 0, lines = 0, records = 0, unparsed = 0, hits[RS_FAM__COUNT] = {0};
    double tp = 0, tc = 0, t0 = now();
    for (int f = optind; f < argc; f++) {
      FILE *fp = fopen(argv[f], "rb");
      if (!fp) {
        perror(argv[f]);
        return 3;
      }
      struct rs_iislog *p;
      struct rs_diag d;
      if (rs_iislog_open(argv[f], RS_LOGFMT_UNKNOWN, NULL, on_rec, agg, &p, &d) != RS_OK)
        return 4;
      if (rs_iislog_set_hits_only)
        rs_iislog_set_hits_only(p, !all);
      size_t n;
      while ((n = fread(buf, 1, bufsz, fp)) > 0) {
        double a = now(), ac = cpu();
        rs_iislog_feed(p, buf, n, &d);
        tc += cpu() - ac;
        tp += now() - a;
        bytes += n;
      }
      struct rs_logfile_stats st;
      double a = now(), ac = cpu();
      rs_iislog_finish(p, &st, &d);
      tc += cpu() - ac;
      tp += now() - a;
      lines += st.lines;
      records += st.records;
      unparsed += st.unparsed;
      for (int h = 0; h < RS_FAM__COUNT; h++)
        hits[h] += st.hits[h];
      rs_iislog_free(p);
      fclose(fp);
    }
    double dt = now() - t0;
    const struct rs_attacker *at;
    size_t na = rs_logagg_attackers(agg, &at);
    parse[k] = tp;
    pcpu[k] = tc;
    total[k] = dt;
    printf("run %d (%s): parse %.3f s = %.0f MB/s, %.1f M lines/s (CPU %.3f s = %.0f MB/s); "
           "with reads %.3f s = %.0f MB/s "
           "(%llu bytes, %llu lines, %llu records, %llu unparsed; hits cr1 %llu cr2 %llu cru %llu "
           "ida %llu nimda %llu other %llu; %zu attackers)\n",
           k + 1, all ? "all records" : "hits only", tp, bytes / tp / 1e6, lines / tp / 1e6, tc,
           bytes / tc / 1e6, dt, bytes / dt / 1e6, (unsigned long long)bytes,
           (unsigned long long)lines, (unsigned long long)records, (unsigned long long)unparsed,
           (unsigned long long)hits[RS_FAM_CODERED1], (unsigned long long)hits[RS_FAM_CODERED2],
           (unsigned long long)hits[RS_FAM_CODERED_UNKNOWN],
           (unsigned long long)hits[RS_FAM_IDA_OTHER], (unsigned long long)hits[RS_FAM_NIMDA],
           (unsigned long long)hits[RS_FAM_ROOTEXE_OTHER], na);
    if (k == runs - 1) {
      qsort(parse, (size_t)runs, sizeof parse[0], cmpd);
      qsort(pcpu, (size_t)runs, sizeof pcpu[0], cmpd);
      qsort(total, (size_t)runs, sizeof total[0], cmpd);
      int m = runs / 2;
      printf("median of %d: parse %.3f s = %.0f MB/s, %.1f M lines/s (CPU %.3f s = %.0f MB/s, "
             "%.1f M lines/s); with reads %.3f s = %.0f MB/s\n",
             runs, parse[m], bytes / parse[m] / 1e6, lines / parse[m] / 1e6, pcpu[m],
             bytes / pcpu[m] / 1e6, lines / pcpu[m] / 1e6, total[m], bytes / total[m] / 1e6);
    }
    rs_logagg_free(agg);
  }
  free(buf);
  return 0;
}
