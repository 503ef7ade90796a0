/* Hash sets (--hashset FILE): known digests, each with an optional name,
 * looked up by a file's MD5, SHA-1 or SHA-256.
 *
 * A file is either
 *  - lines of one hex digest (32, 40 or 64 digits: MD5, SHA-1, SHA-256) with
 *    an optional name after a space, tab, comma or semicolon (md5sum and
 *    sha256sum output read as is, "*" binary marker included), or BSD-style
 *    "SHA256 (name) = digest"; '#' starts a comment line; or
 *  - an NSRL RDS CSV (first line "SHA-1","MD5",...): the SHA-1, MD5 and,
 *    where present, SHA-256 columns, named by FileName.
 * Lines longer than RS_HASHSET_LINE_MAX and lines with no digest are counted
 * and skipped (the first one is named in the stats), never fatal.
 *
 * Memory: sorted arrays, one per digest kind (digest + 8 bytes an entry),
 * and the names once each; lookups are binary searches. */
#ifndef REDSLEUTH_HASHSET_H
#define REDSLEUTH_HASHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "diag.h"

enum rs_digest { RS_DIGEST_MD5 = 0, RS_DIGEST_SHA1, RS_DIGEST_SHA256, RS_DIGEST__COUNT };
const char *rs_digest_name(enum rs_digest k);  /* "md5", "sha1", "sha256" */
size_t rs_digest_len(enum rs_digest k);        /* 16, 20, 32 */

#define RS_HASHSET_LINE_MAX 8192
#define RS_HASHSET_NAME_MAX 1024           /* longer names are cut */
#define RS_HASHSET_MAX_ENTRIES (64u << 20) /* per digest kind, over all files */
#define RS_HASHSET_MAX_FILES 1024

struct rs_hashset_stats {
  uint64_t lines;
  uint64_t entries[RS_DIGEST__COUNT]; /* digests read (duplicates included) */
  uint64_t bad_lines;                 /* no digest, or longer than the line limit */
  uint64_t first_bad_line;            /* 1-based, 0 when none */
  char first_bad_why[160];
  bool nsrl;                          /* read as an NSRL RDS CSV */
};

struct rs_hashset_hit {
  const char *set;       /* the hash set file as given */
  const char *name;      /* the entry's name, "" when it has none */
  enum rs_digest kind;
  char hex[65];          /* the digest, lower-case */
};

struct rs_hashset;

struct rs_hashset *rs_hashset_new(void); /* NULL when out of memory */
void rs_hashset_free(struct rs_hashset *hs); /* accepts NULL */

/* Reads one hash set file into hs (before rs_hashset_seal). st (may be
 * NULL) gets the counts. A file that cannot be read is RS_E_OPEN/RS_E_IO;
 * a file with lines but not one digest is RS_E_FORMAT (it is not a hash
 * set); both name the file. Too many entries is RS_E_LIMIT. */
enum rs_err rs_hashset_load(struct rs_hashset *hs, const char *path, struct rs_hashset_stats *st,
                            struct rs_diag *d);
/* The same from memory; name stands for the file. */
enum rs_err rs_hashset_load_mem(struct rs_hashset *hs, const char *name, const uint8_t *data,
                                size_t len, struct rs_hashset_stats *st, struct rs_diag *d);

/* Sorts the digests and drops repeats (the first loaded wins). After it,
 * lookups may run on many threads and no file may be added. Returns the
 * number of repeated digests dropped. */
uint64_t rs_hashset_seal(struct rs_hashset *hs);

/* Entries of a kind after sealing (repeats removed). */
size_t rs_hashset_count(const struct rs_hashset *hs, enum rs_digest k);

/* Looks a digest up (raw bytes, rs_digest_len(k) of them). True and *hit
 * filled when it is in a set; false when absent or hs is not sealed. */
bool rs_hashset_lookup(const struct rs_hashset *hs, enum rs_digest k, const uint8_t *digest,
                       struct rs_hashset_hit *hit);
/* The same from hex (32/40/64 digits, either case; the length gives the kind). */
bool rs_hashset_lookup_hex(const struct rs_hashset *hs, const char *hex,
                           struct rs_hashset_hit *hit);

#endif
