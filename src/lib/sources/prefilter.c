/* Multi-literal pre-filter (see include/redsleuth/prefilter.h for the method).
 *
 * Why not memmem per pattern: 26 bundled patterns (13 strings, ASCII and
 * UTF-16LE) would be 26 passes over every byte of a page file. Why not YARA:
 * it is the thing being avoided (0.5-0.6 GB/s here). One Teddy pass tests 32
 * positions against every pattern's first 4 bytes with 8 shuffles. */
#include "redsleuth/prefilter.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define RS_PF_HAVE_X86 1
#endif

#define NBUCKET 8
#define FP 4       /* fingerprint bytes ... */
#define STRIDE 2   /* ... every other byte: 4 characters of a UTF-16LE pattern too */
#define SPAN ((FP - 1) * STRIDE + 1)
#define FO_MAX 64  /* a fingerprint starts at most this far into its pattern */

struct pat {
  uint8_t *bytes; /* expanded, letters lower-cased where nocase */
  uint8_t *fold;  /* 0x20 where a letter may be either case, else 0; NULL if none */
  size_t len;
  size_t fo;      /* offset of the fingerprint in the pattern */
  uint32_t id;
};

struct rs_prefilter {
  struct pat *pats;
  size_t npats, max_len;
  /* bucket b's patterns: bidx[bstart[b] .. bstart[b + 1]) */
  uint32_t *bidx;
  uint32_t bstart[NBUCKET + 1];
  uint8_t exact[FP][256];     /* scalar: buckets accepting byte x at fingerprint byte k */
  uint8_t lo[FP][16], hi[FP][16]; /* AVX2: buckets accepting a low / high nibble */
  enum rs_pf_impl impl;
};

static bool is_alpha(uint8_t c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static uint8_t lower(uint8_t c)
{
  return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static bool have_avx2(void)
{
#ifdef RS_PF_HAVE_X86
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

const char *rs_pf_impl_name(enum rs_pf_impl impl)
{
  switch (impl) {
  case RS_PF_SCALAR: return "scalar";
  case RS_PF_AVX2: return "avx2";
  default: return "auto";
  }
}

enum rs_pf_impl rs_prefilter_use(struct rs_prefilter *pf, enum rs_pf_impl impl)
{
  if (!pf)
    return RS_PF_SCALAR;
  if (impl == RS_PF_AUTO || impl == RS_PF_AVX2)
    impl = have_avx2() ? RS_PF_AVX2 : RS_PF_SCALAR;
  pf->impl = impl;
  return impl;
}

size_t rs_prefilter_max_len(const struct rs_prefilter *pf)
{
  return pf ? pf->max_len : 0;
}

void rs_prefilter_free(struct rs_prefilter *pf)
{
  if (!pf)
    return;
  for (size_t i = 0; i < pf->npats; i++) {
    free(pf->pats[i].bytes);
    free(pf->pats[i].fold);
  }
  free(pf->pats);
  free(pf->bidx);
  free(pf);
}

/* The byte values pattern q accepts at fingerprint byte k (1 or 2). */
static int fp_bytes(const struct pat *q, int k, uint8_t out[2])
{
  size_t at = q->fo + (size_t)k * STRIDE;
  out[0] = q->bytes[at];
  if (q->fold && q->fold[at]) {
    out[1] = (uint8_t)(q->bytes[at] - 32);
    return 2;
  }
  return 1;
}

/* How common a byte is in memory, files and text (a rough rank, not
 * measured): the fingerprint goes where its bytes are rarest, so "GET /",
 * "Conc" or the 0s of UTF-16LE do not make every text page a candidate. */
static unsigned commonness(uint8_t c, bool folded)
{
  unsigned w;
  if (c == 0)
    w = 16;
  else if (c == ' ')
    w = 12;
  else if (c == 0xff)
    w = 8;
  else if (strchr("etaoinsr", c) && c)
    w = 8;
  else if (c >= 'a' && c <= 'z')
    w = 6;
  else if (c == '\r' || c == '\n' || c == '.' || c == '/' || c == ',' || (c >= '0' && c <= '9'))
    w = 4;
  else if (c >= 'A' && c <= 'Z')
    w = 3;
  else
    w = 2;
  return folded ? w + 2 : w;
}

static void choose_fingerprint(struct pat *q)
{
  unsigned best = ~0u;
  for (size_t o = 0; o + SPAN <= q->len && o <= FO_MAX; o++) {
    unsigned sc = 0;
    for (int k = 0; k < FP; k++) {
      size_t at = o + (size_t)k * STRIDE;
      sc += commonness(q->bytes[at], q->fold && q->fold[at]);
    }
    if (sc < best) {
      best = sc;
      q->fo = o;
    }
  }
}

/* Fraction of random positions that pass bucket masks lo/hi over all
 * FP bytes: the product over k of |low nibbles| * |high nibbles| / 256. */
static double pass_rate(const uint16_t lo[FP], const uint16_t hi[FP])
{
  double r = 1.0;
  for (int k = 0; k < FP; k++)
    r *= (double)(__builtin_popcount(lo[k]) * __builtin_popcount(hi[k])) / 256.0;
  return r;
}

/* Greedy bucket choice: each pattern goes where it raises the false-positive
 * rate least (an empty bucket costs the pattern's own rate). */
static void assign_buckets(struct rs_prefilter *pf, uint8_t *bucket_of)
{
  uint16_t lo[NBUCKET][FP], hi[NBUCKET][FP];
  bool used[NBUCKET] = {false};
  memset(lo, 0, sizeof lo);
  memset(hi, 0, sizeof hi);
  for (size_t i = 0; i < pf->npats; i++) {
    const struct pat *q = &pf->pats[i];
    int best = 0;
    double best_cost = 0;
    for (int b = 0; b < NBUCKET; b++) {
      uint16_t l2[FP], h2[FP];
      for (int k = 0; k < FP; k++) {
        uint8_t v[2];
        int nv = fp_bytes(q, k, v);
        l2[k] = lo[b][k];
        h2[k] = hi[b][k];
        for (int j = 0; j < nv; j++) {
          l2[k] |= (uint16_t)(1u << (v[j] & 15));
          h2[k] |= (uint16_t)(1u << (v[j] >> 4));
        }
      }
      double cost = pass_rate(l2, h2) - (used[b] ? pass_rate(lo[b], hi[b]) : 0.0);
      if (b == 0 || cost < best_cost) {
        best = b;
        best_cost = cost;
      }
    }
    for (int k = 0; k < FP; k++) {
      uint8_t v[2];
      int nv = fp_bytes(q, k, v);
      for (int j = 0; j < nv; j++) {
        lo[best][k] |= (uint16_t)(1u << (v[j] & 15));
        hi[best][k] |= (uint16_t)(1u << (v[j] >> 4));
      }
    }
    used[best] = true;
    bucket_of[i] = (uint8_t)best;
  }
}

enum rs_err rs_prefilter_new(const struct rs_pf_pattern *p, size_t n, struct rs_prefilter **out,
                             struct rs_diag *d)
{
  if (!out || (!p && n))
    return rs_diag_set(d, RS_E_USAGE, "prefilter", "rs_prefilter_new: bad arguments");
  *out = NULL;
  if (n > RS_PF_MAX_PATTERNS)
    return rs_diag_set(d, RS_E_LIMIT, "prefilter", "%zu patterns (at most %d)", n,
                       RS_PF_MAX_PATTERNS);
  struct rs_prefilter *pf = calloc(1, sizeof *pf);
  uint8_t *bucket_of = malloc(n ? n : 1);
  if (!pf || !bucket_of || !(pf->pats = calloc(n ? n : 1, sizeof *pf->pats)) ||
      !(pf->bidx = malloc((n ? n : 1) * sizeof *pf->bidx))) {
    free(bucket_of);
    rs_prefilter_free(pf);
    return rs_diag_set(d, RS_E_NOMEM, "prefilter", "cannot allocate the pre-filter");
  }
  for (size_t i = 0; i < n; i++) {
    size_t w = p[i].wide ? 2 : 1;
    size_t len = p[i].len * w;
    if (!p[i].bytes || len < SPAN || len > RS_PF_MAX_LEN) {
      free(bucket_of);
      rs_prefilter_free(pf);
      return rs_diag_set(d, RS_E_USAGE, "prefilter",
                         "pattern %zu (id %u) is %zu bytes: a pattern needs %d to %d", i,
                         p[i].id, len, SPAN, RS_PF_MAX_LEN);
    }
    struct pat *q = &pf->pats[pf->npats++];
    q->len = len;
    q->id = p[i].id;
    q->bytes = calloc(len, 1);
    bool fold = false;
    for (size_t j = 0; j < p[i].len; j++)
      fold = fold || (p[i].nocase && is_alpha(p[i].bytes[j]));
    q->fold = fold ? calloc(len, 1) : NULL;
    if (!q->bytes || (fold && !q->fold)) {
      free(bucket_of);
      rs_prefilter_free(pf);
      return rs_diag_set(d, RS_E_NOMEM, "prefilter", "cannot allocate a pattern");
    }
    for (size_t j = 0; j < p[i].len; j++) {
      uint8_t c = p[i].bytes[j];
      bool f = p[i].nocase && is_alpha(c);
      q->bytes[j * w] = f ? lower(c) : c;
      if (f)
        q->fold[j * w] = 0x20;
    }
    if (len > pf->max_len)
      pf->max_len = len;
    choose_fingerprint(q);
  }
  assign_buckets(pf, bucket_of);
  uint32_t k = 0;
  for (int b = 0; b < NBUCKET; b++) {
    pf->bstart[b] = k;
    for (size_t i = 0; i < pf->npats; i++)
      if (bucket_of[i] == b)
        pf->bidx[k++] = (uint32_t)i;
  }
  pf->bstart[NBUCKET] = k;
  for (size_t i = 0; i < pf->npats; i++) {
    uint8_t bit = (uint8_t)(1u << bucket_of[i]);
    for (int f = 0; f < FP; f++) {
      uint8_t v[2];
      int nv = fp_bytes(&pf->pats[i], f, v);
      for (int j = 0; j < nv; j++) {
        pf->exact[f][v[j]] |= bit;
        pf->lo[f][v[j] & 15] |= bit;
        pf->hi[f][v[j] >> 4] |= bit;
      }
    }
  }
  free(bucket_of);
  rs_prefilter_use(pf, RS_PF_AUTO);
  *out = pf;
  return RS_OK;
}

static bool verify(const struct pat *q, const uint8_t *s)
{
  if (!q->fold)
    return memcmp(s, q->bytes, q->len) == 0;
  for (size_t i = 0; i < q->len; i++)
    if ((uint8_t)(s[i] | q->fold[i]) != q->bytes[i])
      return false;
  return true;
}

/* Hits are found at their fingerprint, up to FO_MAX bytes after their
 * start: they wait here, sorted by (start, pattern), until no later
 * candidate can start before them. */
struct hit {
  size_t pos;
  uint32_t pat;
};
struct emitter {
  const struct rs_prefilter *pf;
  struct hit *h, local[256];
  size_t n, cap;
  rs_pf_hit_cb cb;
  void *arg;
  size_t nhits;
  bool stop;
};

static bool hit_before(const struct hit *a, size_t pos, uint32_t pat)
{
  return a->pos < pos || (a->pos == pos && a->pat < pat);
}

static void push(struct emitter *e, size_t pos, uint32_t pat)
{
  if (e->n == e->cap) {
    size_t nc = e->cap * 2;
    struct hit *nh = malloc(nc * sizeof *nh);
    if (!nh) {
      e->stop = true; /* out of memory: report what was found */
      return;
    }
    memcpy(nh, e->h, e->n * sizeof *nh);
    if (e->h != e->local)
      free(e->h);
    e->h = nh;
    e->cap = nc;
  }
  size_t k = e->n;
  while (k > 0 && !hit_before(&e->h[k - 1], pos, pat)) {
    e->h[k] = e->h[k - 1];
    k--;
  }
  e->h[k] = (struct hit){pos, pat};
  e->n++;
}

/* Reports the waiting hits that start before limit. */
static void flush(struct emitter *e, size_t limit)
{
  size_t k = 0;
  while (k < e->n && e->h[k].pos < limit && !e->stop) {
    const struct pat *q = &e->pf->pats[e->h[k].pat];
    e->nhits++;
    if (e->cb && !e->cb(e->h[k].pos, q->id, q->len, e->arg))
      e->stop = true;
    k++;
  }
  if (e->stop) {
    e->n = 0;
    return;
  }
  memmove(e->h, e->h + k, (e->n - k) * sizeof *e->h);
  e->n -= k;
}

/* Verifies the patterns of the buckets in mask whose fingerprint sits at i. */
static void check_at(struct emitter *e, const uint8_t *buf, size_t len, size_t i, unsigned mask)
{
  const struct rs_prefilter *pf = e->pf;
  while (mask) {
    int b = __builtin_ctz(mask);
    mask &= mask - 1;
    for (uint32_t k = pf->bstart[b]; k < pf->bstart[b + 1]; k++) {
      const struct pat *q = &pf->pats[pf->bidx[k]];
      if (i < q->fo)
        continue;
      size_t st = i - q->fo;
      if (q->len <= len - st && verify(q, buf + st))
        push(e, st, pf->bidx[k]);
    }
  }
}

/* Fingerprints at [from, len - SPAN]: exact tables, one position at a time. */
static void scan_scalar(struct emitter *e, const uint8_t *buf, size_t len, size_t from)
{
  if (len < SPAN)
    return;
  const uint8_t(*t)[256] = e->pf->exact;
  for (size_t i = from; i <= len - SPAN && !e->stop; i++) {
    unsigned m = t[0][buf[i]];
    if (m)
      m &= t[1][buf[i + STRIDE]] & t[2][buf[i + 2 * STRIDE]] & t[3][buf[i + 3 * STRIDE]];
    if (m)
      check_at(e, buf, len, i, m);
    if (e->n && i + 1 > FO_MAX)
      flush(e, i + 1 - FO_MAX);
  }
}

#ifdef RS_PF_HAVE_X86
/* Returns where the scalar loop takes over. */
__attribute__((target("avx2"))) static size_t scan_avx2(struct emitter *e, const uint8_t *buf,
                                                        size_t len)
{
  const struct rs_prefilter *pf = e->pf;
  __m256i lo[FP], hi[FP];
  for (int k = 0; k < FP; k++) {
    lo[k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)pf->lo[k]));
    hi[k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)pf->hi[k]));
  }
  const __m256i nib = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
  size_t i = 0;
  /* each step reads buf[i .. i + 64 + SPAN - 1): two independent blocks of
   * 32 positions, for the CPU to overlap */
  for (; len >= 64 + SPAN - 1 && i <= len - (64 + SPAN - 1) && !e->stop; i += 64) {
    __m256i r0 = _mm256_set1_epi8(-1), r1 = r0;
    for (int k = 0; k < FP; k++) {
      const uint8_t *p = buf + i + (size_t)k * STRIDE;
      __m256i v0 = _mm256_loadu_si256((const __m256i *)p);
      __m256i v1 = _mm256_loadu_si256((const __m256i *)(p + 32));
      __m256i l0 = _mm256_shuffle_epi8(lo[k], _mm256_and_si256(v0, nib));
      __m256i l1 = _mm256_shuffle_epi8(lo[k], _mm256_and_si256(v1, nib));
      __m256i h0 = _mm256_shuffle_epi8(hi[k], _mm256_and_si256(_mm256_srli_epi16(v0, 4), nib));
      __m256i h1 = _mm256_shuffle_epi8(hi[k], _mm256_and_si256(_mm256_srli_epi16(v1, 4), nib));
      r0 = _mm256_and_si256(r0, _mm256_and_si256(l0, h0));
      r1 = _mm256_and_si256(r1, _mm256_and_si256(l1, h1));
    }
    uint64_t m = ~(uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(r0, zero)) &
                 0xffffffffu;
    m |= (uint64_t)~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(r1, zero)) << 32;
    if (m) {
      uint8_t rb[64];
      _mm256_storeu_si256((__m256i *)rb, r0);
      _mm256_storeu_si256((__m256i *)(rb + 32), r1);
      while (m) {
        int j = __builtin_ctzll(m);
        m &= m - 1;
        check_at(e, buf, len, i + (size_t)j, rb[j]);
      }
    }
    if (e->n && i + 64 > FO_MAX)
      flush(e, i + 64 - FO_MAX);
  }
  return i;
}
#endif

size_t rs_prefilter_scan(const struct rs_prefilter *pf, const uint8_t *buf, size_t len,
                         rs_pf_hit_cb cb, void *arg)
{
  if (!pf || !buf || pf->npats == 0)
    return 0;
  struct emitter e;
  memset(&e, 0, sizeof e);
  e.pf = pf;
  e.h = e.local;
  e.cap = sizeof e.local / sizeof e.local[0];
  e.cb = cb;
  e.arg = arg;
  size_t from = 0;
#ifdef RS_PF_HAVE_X86
  if (pf->impl == RS_PF_AVX2)
    from = scan_avx2(&e, buf, len);
#endif
  if (!e.stop)
    scan_scalar(&e, buf, len, from);
  flush(&e, (size_t)-1);
  if (e.h != e.local)
    free(e.h);
  return e.nhits;
}
