/* Throughput of the content scanners on memory-residue-like noise (issue 17:
 * built-in signatures over memory residue at >= 1 GB/s per core). Not part
 * of `make check`.
 *
 * Makes SIZE MiB (default 1024) of pages in memory: random bytes, zero
 * pages, English-like ASCII text and the same as UTF-16LE (the words include
 * "default", "root", "exe", "cmd", "Concept", "Copyright" so the pre-filter's
 * candidates are verified often), with the worms' strings planted a few
 * times. Then, one thread each, best of RUNS:
 *   prefilter-avx2 / prefilter-scalar  the bundled rules' literals alone
 *   rules+prefilter   rs_rules stream, bundled rules, fed 1 MiB chunks
 *   rules plain YARA  the same without the pre-filter (first 256 MiB only)
 *   carver            rs_carver_scan (keywords + line recovery)
 * Usage: bench_residue RULES_DIR [SIZE_MIB] [RUNS] */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "redsleuth/carve.h"
#include "redsleuth/prefilter.h"
#include "redsleuth/yara.h"

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t st = 0x2001c0de2001c0deULL;
static uint64_t rnd(void)
{
  st ^= st << 13;
  st ^= st >> 7;
  st ^= st << 17;
  return st;
}

static const char *const words[] = {
  "the", "server", "default", "page", "root", "exe", "cmd", "system", "window", "Concept",
  "Copyright", "(C)", "Virus", "memory", "table", "index", "value", "request", "GET", "HTTP/1.0",
  "host", "www", "com", "file", "scripts", "inetpub", "program", "session", "cache", "buffer"};

static void make(uint8_t *b, size_t len)
{
  for (size_t off = 0; off < len; off += 4096) {
    unsigned kind = (unsigned)(rnd() % 20);
    uint8_t *p = b + off;
    if (kind < 8) { /* random */
      for (size_t i = 0; i < 4096; i += 8) {
        uint64_t v = rnd();
        memcpy(p + i, &v, 8);
      }
    } else if (kind < 13) { /* zero */
      memset(p, 0, 4096);
    } else { /* text, ASCII or UTF-16LE */
      bool wide = kind >= 17;
      size_t i = 0, step = wide ? 2 : 1;
      memset(p, 0, 4096);
      while (i + 16 * step < 4096) {
        const char *w = words[rnd() % (sizeof words / sizeof words[0])];
        for (size_t k = 0; w[k]; k++, i += step)
          p[i] = (uint8_t)w[k];
        p[i] = rnd() % 12 == 0 ? '\n' : ' ';
        i += step;
      }
    }
  }
  static const char *const plant[] = {"HOST:www.worm.com", "CodeRedII", "fsdhqherwqi2001",
                                      "Kz29vb29oWsrLPh4eisrPb09Pb2",
                                      "10:11:12 192.0.2.7 GET /scripts/root.exe 200"};
  for (int i = 0; i < 50; i++) {
    const char *s = plant[i % 5];
    size_t pos = (rnd() % (len / 4096 - 1)) * 4096 + 100;
    memcpy(b + pos, s, strlen(s));
  }
}

static size_t hits;
static bool on_hit(size_t pos, uint32_t id, size_t len, void *arg)
{
  (void)pos, (void)id, (void)len, (void)arg;
  hits++;
  return true;
}

static size_t fired;
static void on_match(const struct rs_rule_match *m, void *arg)
{
  (void)m, (void)arg;
  fired++;
}

static size_t lines;
static void on_line(const struct rs_carved *c, void *arg)
{
  (void)c, (void)arg;
  lines++;
}

static void report(const char *what, size_t bytes, double best, const char *extra)
{
  printf("%-22s %7.0f MiB in %.3f s: %6.2f GB/s  %s\n", what, bytes / 1048576.0, best,
         bytes / best / 1e9, extra);
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: %s RULES_DIR [SIZE_MIB] [RUNS]\n", argv[0]);
    return 2;
  }
  size_t mib = argc > 2 ? strtoul(argv[2], NULL, 10) : 1024;
  int runs = argc > 3 ? atoi(argv[3]) : 3;
  size_t len = mib << 20;
  uint8_t *b = malloc(len);
  if (!b)
    return 1;
  double t0 = now();
  make(b, len);
  printf("noise: %zu MiB made in %.1f s\n", mib, now() - t0);

  struct rs_diag d;
  struct rs_rules_opts o = {.bundled_dir = argv[1]};
  struct rs_rules *r = NULL, *plain = NULL;
  if (rs_rules_open(&o, NULL, 0, &r, &d) != RS_OK) {
    rs_diag_print(stderr, &d);
    return 1;
  }
  o.no_prefilter = true;
  if (rs_rules_open(&o, NULL, 0, &plain, &d) != RS_OK) {
    rs_diag_print(stderr, &d);
    return 1;
  }

  /* the pre-filter alone, with the bundled rules' own patterns */
  static const char *const lits[] = {
    "HOST:www.worm.com", "<title>HELLO!</title></head><bady>",
    "Welcome to http://www.worm.com !<br><br>Hacked By Chinese!", "c:\\notworm",
    "GET /default.ida?NNNNNNNNNNNN", "GET /default.ida?XXXXXXXXXXXX", "CodeRedII",
    "d:\\inetpub\\scripts\\root.exe", "d:\\progra~1\\common~1\\system\\MSADC\\root.exe",
    "Virus(CV)", "fsdhqherwqi2001", "Kz29vb29oWsrLPh4eisrPb09Pb2", "efqpm2300dfhroop"};
  struct rs_pf_pattern p[26];
  for (int i = 0; i < 13; i++)
    for (int w = 0; w < 2; w++)
      p[2 * i + w] = (struct rs_pf_pattern){(const uint8_t *)lits[i], strlen(lits[i]), w == 1,
                                            i == 3 || i == 7 || i == 8, (uint32_t)(2 * i + w)};
  struct rs_prefilter *pf;
  if (rs_prefilter_new(p, 26, &pf, &d) != RS_OK)
    return 1;
  enum rs_pf_impl impls[] = {RS_PF_AVX2, RS_PF_SCALAR};
  for (int m = 0; m < 2; m++) {
    enum rs_pf_impl used = rs_prefilter_use(pf, impls[m]);
    if (used != impls[m])
      continue;
    double best = 1e9;
    for (int i = 0; i < runs; i++) {
      hits = 0;
      t0 = now();
      rs_prefilter_scan(pf, b, len, on_hit, NULL);
      double t = now() - t0;
      best = t < best ? t : best;
    }
    char x[64];
    snprintf(x, sizeof x, "(%zu hits)", hits);
    char name[64];
    snprintf(name, sizeof name, "prefilter-%s", rs_pf_impl_name(used));
    report(name, len, best, x);
  }
  rs_prefilter_free(pf);

  /* the rules engine, streamed */
  struct rs_rules *sets[] = {r, plain};
  const char *names[] = {"rules+prefilter", "rules plain YARA"};
  for (int k = 0; k < 2; k++) {
    size_t n = k == 0 ? len : (len < (256u << 20) ? len : 256u << 20);
    struct rs_rules_scanner *s;
    if (rs_rules_scanner_new(sets[k], &s, &d) != RS_OK)
      return 1;
    double best = 1e9;
    struct rs_rules_stats rst;
    for (int i = 0; i < (k == 0 ? runs : 1); i++) {
      fired = 0;
      t0 = now();
      rs_rules_stream_begin(s, 0, on_match, NULL, &d);
      for (size_t off = 0; off < n; off += 1u << 20)
        rs_rules_stream_feed(s, b + off, n - off < (1u << 20) ? n - off : 1u << 20, &d);
      rs_rules_stream_end(s, &rst, &d);
      double t = now() - t0;
      best = t < best ? t : best;
    }
    char x[160];
    snprintf(x, sizeof x, "(%zu rules fired; YARA read %.1f MiB in %llu slices, %llu anchors)",
             fired, rst.yara_bytes / 1048576.0, (unsigned long long)rst.slices,
             (unsigned long long)rst.anchors);
    report(names[k], n, best, x);
    rs_rules_scanner_free(s);
  }

  /* the carver */
  struct rs_carver *c;
  if (rs_carver_new(NULL, &c, &d) != RS_OK)
    return 1;
  double best = 1e9;
  for (int i = 0; i < runs; i++) {
    lines = 0;
    rs_carver_reset(c);
    t0 = now();
    rs_carver_scan(c, b, len, 0, true, on_line, NULL, NULL, &d);
    double t = now() - t0;
    best = t < best ? t : best;
  }
  char x[64];
  snprintf(x, sizeof x, "(%zu lines)", lines);
  report("carver", len, best, x);
  rs_carver_free(c);
  rs_rules_close(r);
  rs_rules_close(plain);
  free(b);
  return 0;
}
