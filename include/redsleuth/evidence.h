/* Media hashing (one pass, three digests) and EWF stored metadata. */
#ifndef REDSLEUTH_EVIDENCE_H
#define REDSLEUTH_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "image.h"

#define RS_BAD_RANGES_MAX 256

struct rs_media_hashes {
  bool done;
  char md5[33], sha1[41], sha256[65];  /* lower-case hex */
  uint64_t bytes;
  /* EWF only: chunks whose stored checksum does not match their data.
   * The hash covers the data as stored (as ewfverify does), while libtsk,
   * and so the analysis, sees these chunks filled with zeros. */
  uint32_t checksum_errors;
  /* the ranges themselves (media sectors of sector_size bytes), the first
   * RS_BAD_RANGES_MAX of them; nbad <= checksum_errors (bad[] is zeroed, so
   * bad[0] reads as sectors 0-0 if libewf listed none) */
  struct rs_sector_range {
    uint64_t first, count;
  } bad[RS_BAD_RANGES_MAX];
  uint32_t nbad;
  uint32_t sector_size;                    /* of bad[]: libewf's bytes per sector */
};

/* Reads the whole media through TSK (so EWF/split are hashed as the media,
 * not the container; EWF through libewf directly, with corrupted chunks read
 * as stored, not zeroed) and computes MD5, SHA-1 and SHA-256 in one pass.
 * Safe to run in its own thread beside the analysis: it uses its own
 * TSK_IMG_INFO opened from img->segments. */
enum rs_err rs_media_hash(const struct rs_image *img, struct rs_media_hashes *out,
                          struct rs_diag *d);
/* The same, storing the bytes hashed so far (taken in by all three
 * digests, not merely read) in *done_bytes after every chunk, for a progress
 * display in another thread; done_bytes may be NULL. */
enum rs_err rs_media_hash_progress(const struct rs_image *img, struct rs_media_hashes *out,
                                   struct rs_diag *d, _Atomic uint64_t *done_bytes);

/* The media hash's progress line for a terminal (no newline, no control
 * character, under 70 columns): "hashing the media:  42% of 2048 MiB, about
 * 3 min 10 s left", from `done` of `total` bytes and the rate seen so far,
 * rate_bytes hashed in rate_s seconds ("estimating the time left" under
 * half a second or with no progress); once `ended`, ", done" or ", stopped
 * (read error)". */
void rs_hash_progress_text(char *out, size_t outsz, uint64_t done, uint64_t total,
                           uint64_t rate_bytes, double rate_s, bool ended);

struct rs_ewf_meta {
  bool is_ewf;
  bool has_md5, has_sha1;
  char md5[33], sha1[41];              /* stored hashes, lower-case hex */
  /* header values as stored (UTF-8), "" when absent */
  char case_number[256], evidence_number[256], examiner[256], description[256],
       notes[512], acquiry_date[64], system_date[64], acquiry_os[128],
       acquiry_software[128], acquiry_software_version[64];
};

/* Reads stored hashes and header values with libewf. Not EWF: is_ewf false,
 * RS_OK. */
enum rs_err rs_ewf_read_meta(const struct rs_image *img, struct rs_ewf_meta *out,
                             struct rs_diag *d);

/* SHA-256 of what is left to read from fd, as lowercase hex (the seal's
 * manifest, tool.binary); false on a read error. */
bool rs_sha256_fd(int fd, char out[65]);

#endif
