/* Multi-literal pre-filter: finds every occurrence of a few dozen short byte
 * patterns (ASCII or UTF-16LE, optionally case-insensitive) in one pass over
 * a buffer, several GB/s per core. The rules engine (yara.h) runs YARA only
 * around these occurrences for the bundled rules, whose strings it knows are
 * literal (docs/content.md, "Speed").
 *
 * Method (Hyperscan's "Teddy", simplified): each pattern has a fingerprint
 * of 4 bytes, every other byte from an offset chosen where its bytes are
 * rarest (4 characters of a UTF-16LE pattern too); patterns are put in up
 * to 8 buckets; for each fingerprint byte two 16-entry tables map the low
 * and the high nibble of a byte to the buckets that accept it. 32 positions
 * are tested at once with AVX2 byte shuffles; a position that passes some
 * bucket is verified against that bucket's patterns. Without AVX2 (or on
 * request) a scalar loop uses exact 256-entry tables. */
#ifndef REDSLEUTH_PREFILTER_H
#define REDSLEUTH_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "diag.h"

#define RS_PF_MAX_PATTERNS 1024
#define RS_PF_MAX_LEN 4096 /* bytes of one pattern after UTF-16LE expansion */

struct rs_pf_pattern {
  const uint8_t *bytes; /* the pattern as written (ASCII for wide ones) */
  size_t len;
  bool wide;            /* search bytes[i], 0x00 pairs (UTF-16LE of ASCII) */
  bool nocase;          /* ASCII letters match either case */
  uint32_t id;          /* returned with each hit */
};

/* Called for each occurrence, in increasing position order (several
 * patterns at one position: in the order they were given). pos is relative
 * to the scanned buffer. Return false to stop the scan. */
typedef bool (*rs_pf_hit_cb)(size_t pos, uint32_t id, size_t len, void *arg);

enum rs_pf_impl { RS_PF_AUTO = 0, RS_PF_SCALAR, RS_PF_AVX2 };

struct rs_prefilter;

/* Builds a pre-filter over n patterns (each at least 7 bytes after
 * expansion, at most RS_PF_MAX_LEN). The patterns' bytes are copied.
 * RS_E_USAGE names the first unusable pattern. */
enum rs_err rs_prefilter_new(const struct rs_pf_pattern *p, size_t n, struct rs_prefilter **out,
                             struct rs_diag *d);
void rs_prefilter_free(struct rs_prefilter *pf); /* accepts NULL */

/* Chooses the implementation (tests compare them); RS_PF_AVX2 falls back to
 * scalar on a CPU without AVX2. Returns the one in use. */
enum rs_pf_impl rs_prefilter_use(struct rs_prefilter *pf, enum rs_pf_impl impl);
const char *rs_pf_impl_name(enum rs_pf_impl impl); /* "auto", "scalar", "avx2" */

/* Reports every occurrence that lies wholly in buf[0..len). Returns the
 * number of occurrences reported (the one that stopped the scan included). */
size_t rs_prefilter_scan(const struct rs_prefilter *pf, const uint8_t *buf, size_t len,
                         rs_pf_hit_cb cb, void *arg);

/* Length of the longest pattern after expansion. */
size_t rs_prefilter_max_len(const struct rs_prefilter *pf);

#endif
