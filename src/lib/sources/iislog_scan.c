/* Byte-class masks of a log window (iislog_int.h): where the lines end, where
 * the spaces are, and which bytes may start a hit. The hits-only reader runs
 * this over each read buffer instead of looking for one line end at a time.
 * On x86-64 AVX2 does 32 bytes a step when the CPU has it, else SSE2 (every
 * x86-64) 16; other machines take the same masks a byte at a time. All three
 * are compared byte for byte by check_iislog. */
#include <string.h>

#include "sources/iislog_int.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define RS_HAVE_AVX2_PATH 1
#endif

static inline bool ide(unsigned char c)
{
  c |= 0x20;
  return c == 'i' || c == 'e' || c == 'd';
}

/* One 64-byte block at s (65 bytes readable: the next byte of the last)
 * into word k of w. */
#define BLOCK_ARGS const unsigned char *s, struct rs_logwin *w, size_t k
static inline __attribute__((always_inline)) void block_bytes(BLOCK_ARGS)
{
  uint64_t a = 0, b = 0, c = 0, q = 0;
  for (unsigned i = 0; i < 64; i++) {
    unsigned char x = s[i];
    a |= (uint64_t)(x == '\n') << i;
    b |= (uint64_t)(x == ' ') << i;
    q |= (uint64_t)(x == '"' || x == 0) << i;
    c |= (uint64_t)(x == '%' || x == '"' || x == 0 || (x == '.' && ide(s[i + 1]))) << i;
  }
  w->nl[k] = a;
  w->sp[k] = b;
  w->sx[k] = c;
  w->sq[k] = q;
}

#if defined(__SSE2__)
static inline __attribute__((always_inline)) void block_sse2(BLOCK_ARGS)
{
  const __m128i cnl = _mm_set1_epi8('\n'), csp = _mm_set1_epi8(' '), cpc = _mm_set1_epi8('%'),
                cqu = _mm_set1_epi8('"'), z = _mm_setzero_si128(), cdot = _mm_set1_epi8('.'),
                c20 = _mm_set1_epi8(0x20), ci = _mm_set1_epi8('i'), ce = _mm_set1_epi8('e'),
                cd = _mm_set1_epi8('d');
  uint64_t a = 0, b = 0, c = 0, q = 0;
  for (unsigned i = 0; i < 64; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i n = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + i + 1)), c20);
    __m128i qz = _mm_or_si128(_mm_cmpeq_epi8(v, cqu), _mm_cmpeq_epi8(v, z));
    __m128i nx = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(n, ci), _mm_cmpeq_epi8(n, ce)),
                              _mm_cmpeq_epi8(n, cd));
    __m128i x = _mm_or_si128(_mm_or_si128(qz, _mm_cmpeq_epi8(v, cpc)),
                             _mm_and_si128(_mm_cmpeq_epi8(v, cdot), nx));
    a |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, cnl)) << i;
    b |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, csp)) << i;
    c |= (uint64_t)(uint16_t)_mm_movemask_epi8(x) << i;
    q |= (uint64_t)(uint16_t)_mm_movemask_epi8(qz) << i;
  }
  w->nl[k] = a;
  w->sp[k] = b;
  w->sx[k] = c;
  w->sq[k] = q;
}
#endif

#ifdef RS_HAVE_AVX2_PATH
__attribute__((target("avx2"), always_inline)) static inline void block_avx2(BLOCK_ARGS)
{
  const __m256i cnl = _mm256_set1_epi8('\n'), csp = _mm256_set1_epi8(' '),
                cpc = _mm256_set1_epi8('%'), cqu = _mm256_set1_epi8('"'),
                z = _mm256_setzero_si256(), cdot = _mm256_set1_epi8('.'),
                c20 = _mm256_set1_epi8(0x20), ci = _mm256_set1_epi8('i'),
                ce = _mm256_set1_epi8('e'), cd = _mm256_set1_epi8('d');
  uint64_t a = 0, b = 0, c = 0, q = 0;
  for (unsigned i = 0; i < 64; i += 32) {
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
    __m256i n =
        _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(const void *)(s + i + 1)), c20);
    __m256i qz = _mm256_or_si256(_mm256_cmpeq_epi8(v, cqu), _mm256_cmpeq_epi8(v, z));
    __m256i nx =
        _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(n, ci), _mm256_cmpeq_epi8(n, ce)),
                        _mm256_cmpeq_epi8(n, cd));
    __m256i x = _mm256_or_si256(_mm256_or_si256(qz, _mm256_cmpeq_epi8(v, cpc)),
                                _mm256_and_si256(_mm256_cmpeq_epi8(v, cdot), nx));
    a |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, cnl)) << i;
    b |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, csp)) << i;
    c |= (uint64_t)(uint32_t)_mm256_movemask_epi8(x) << i;
    q |= (uint64_t)(uint32_t)_mm256_movemask_epi8(qz) << i;
  }
  w->nl[k] = a;
  w->sp[k] = b;
  w->sx[k] = c;
  w->sq[k] = q;
}
#endif

typedef void (*block_fn)(BLOCK_ARGS);
typedef void (*scan_fn)(struct rs_logwin *, const char *, size_t, size_t);

/* Inlined into one function per instruction set, so the block is too. */
static inline __attribute__((always_inline)) void scan_with(block_fn fn, struct rs_logwin *w,
                                                            const char *s, size_t n, size_t avail)
{
  if (n > RS_LOGWIN)
    n = RS_LOGWIN;
  const unsigned char *u = (const unsigned char *)s;
  size_t words = (n + 63) / 64, k = 0;
  for (; k < words && k * 64 + 65 <= avail; k++)
    fn(u + k * 64, w, k);
  for (; k < words; k++) {
    /* the buffer's tail: a zero-padded copy, so no load reads past avail */
    unsigned char tmp[80] = {0};
    memcpy(tmp, u + k * 64, avail - k * 64);
    fn(tmp, w, k);
  }
  if (n & 63) {
    uint64_t keep = (1ULL << (n & 63)) - 1;
    w->nl[words - 1] &= keep;
    w->sp[words - 1] &= keep;
    w->sx[words - 1] &= keep;
    w->sq[words - 1] &= keep;
  }
}

static void scan_bytes(struct rs_logwin *w, const char *s, size_t n, size_t avail)
{
  scan_with(block_bytes, w, s, n, avail);
}
#if defined(__SSE2__)
static void scan_sse2(struct rs_logwin *w, const char *s, size_t n, size_t avail)
{
  scan_with(block_sse2, w, s, n, avail);
}
#endif
#ifdef RS_HAVE_AVX2_PATH
__attribute__((target("avx2"))) static void scan_avx2(struct rs_logwin *w, const char *s, size_t n,
                                                      size_t avail)
{
  scan_with(block_avx2, w, s, n, avail);
}
#endif

static scan_fn pick(enum rs_logwin_isa isa)
{
  switch (isa) {
#ifdef RS_HAVE_AVX2_PATH
  case RS_LOGWIN_AVX2: return __builtin_cpu_supports("avx2") ? scan_avx2 : NULL;
#endif
#if defined(__SSE2__)
  case RS_LOGWIN_SSE2: return scan_sse2;
#endif
  case RS_LOGWIN_BYTES: return scan_bytes;
  default: return NULL;
  }
}

bool rs_logwin_scan_isa(enum rs_logwin_isa isa, struct rs_logwin *w, const char *s, size_t n,
                        size_t avail)
{
  scan_fn fn = pick(isa);
  if (fn)
    fn(w, s, n, avail);
  return fn != NULL;
}

void rs_logwin_scan(struct rs_logwin *w, const char *s, size_t n, size_t avail)
{
  static scan_fn best; /* the same value whichever thread sets it first */
  scan_fn fn = __atomic_load_n(&best, __ATOMIC_RELAXED);
  if (!fn) {
    fn = pick(RS_LOGWIN_AVX2);
    if (!fn)
      fn = pick(RS_LOGWIN_SSE2);
    if (!fn)
      fn = scan_bytes;
    __atomic_store_n(&best, fn, __ATOMIC_RELAXED);
  }
  fn(w, s, n, avail);
}
