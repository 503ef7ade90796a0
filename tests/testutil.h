/* Helpers shared by the Check suites. */
#ifndef RS_TESTUTIL_H
#define RS_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <check.h>
#include <jansson.h>

#include "redsleuth/writer.h"

/* Path of a file in ../shared/realdata (NULL if the folder is absent: the
 * caller skips with a message). Returns a static buffer per call slot. */
const char *rs_t_realdata(const char *rel);
/* Path under the source tree ("fixtures/x"), in a fresh static buffer. */
const char *rs_t_src(const char *rel);
/* A fresh private temporary directory for this test process (removed at exit). */
const char *rs_t_tmpdir(void);
/* Runs a shell command; returns its exit status (-1 if it could not run) and,
 * when out is non-NULL, a malloc'd copy of its stdout. */
int rs_t_run(const char *cmd, char **out);
/* True when a program is on PATH. */
bool rs_t_have(const char *prog);
/* Decompresses src (.xz, .gz, or a member of a .zip when member != NULL) into
 * the temp dir; returns the new path (static buffer per call). NULL on error. */
const char *rs_t_unpack(const char *src, const char *member);
/* A member of a zip in ../shared/realdata ("images/x.zip"), unpacked into the
 * temp dir. NULL when it cannot be had on this machine, with *why saying so
 * (the zip absent, unzip not installed): the caller skips with that reason.
 * An unzip that fails on a zip that is there fails the test. */
const char *rs_t_realdata_zip(const char *zip, const char *member, const char **why);
/* Reads a whole file (malloc'd, with a NUL after the last byte); NULL on error. */
unsigned char *rs_t_slurp(const char *path, size_t *len);
/* sha256 hex of a file, "" on error. out must hold 65 bytes. */
void rs_t_sha256_file(const char *path, char out[65]);

/* Names of the fixture scenarios (fixtures/out/<name>/disk.raw.xz), sorted;
 * *names points at a static array. Returns the count (0 if none). */
int rs_t_scenarios(const char *const **names);
/* fixtures/out/<scen>/disk.raw.xz unpacked into the temp dir (fails the
 * test when it cannot be); returns its path (static buffer per call slot). */
const char *rs_t_scenario_raw(const char *scen);
/* The prefix of every mtools command (mmd, mcopy, mdel): mtools upper-cases
 * 8.3 names by the caller's locale (under tr_TR.UTF-8 "config" becomes
 * "CONF\u0130G" and no longer finds CONFIG), and it rejects the geometry of
 * some of our images unless told not to check. */
#define RS_T_MTOOLS "LC_ALL=C MTOOLS_SKIP_CHECK=1 "
/* mkfs.vfat, mmd and mcopy are on PATH (dosfstools, mtools). */
bool rs_t_have_mtools(void);
/* Makes path a fresh FAT16 volume of mb MiB labelled label (truncate +
 * mkfs.vfat); fails the test when that fails. */
void rs_t_fat16(const char *path, unsigned mb, const char *label);
/* What writer w writes for rep (with hits; NULL: none) into memory:
 * malloc'd, NUL-terminated, *len its length (len may be NULL); the test
 * fails unless the writer returns RS_OK. */
char *rs_t_render_hits(const struct rs_writer *w, const json_t *rep, struct rs_hits *hits,
                       size_t *len);
char *rs_t_render(const struct rs_writer *w, const json_t *rep, size_t *len);
/* fixtures/out/<scen>/answer.json, loaded (fails the test when it cannot be). */
json_t *rs_t_answer(const char *scen);
/* Little-endian fields of on-disk structures (MFT records, FAT entries). */
static inline uint16_t rs_t_le16(const uint8_t *p)
{
  return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t rs_t_le32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
/* Runs headless Chromium (the flags this workplace needs, a fresh profile,
 * a 90 s limit) on file://file with extra args; exit status, stdout in *out. */
int rs_t_chromium(const char *args, const char *file, char **out);

/* Wraps the raw image `raw` in another container libtsk opens, made here:
 * "vhd" (a copy with a fixed-disk footer, Microsoft VHD spec 1.0), "vmdk"
 * (a monolithicFlat descriptor beside raw, pointing at it; no copy) or
 * "aff" (affconvert). Returns the new first segment (static buffer per call
 * slot), or NULL when the tool is missing or the build fails. */
const char *rs_t_container(const char *raw, const char *fmt);

/* Raw image patching and TSK peer-tool lookups (each fails the test when the
 * tool or the read fails). `part` is the file system's first sector. */
void rs_t_patch(const char *img, uint64_t off, const void *buf, size_t n);
void rs_t_readat(const char *img, uint64_t off, void *buf, size_t n);
/* istat, ifind and fsstat are all on PATH. */
bool rs_t_have_tsk(void);
/* Inode of a path, by TSK's ifind. */
uint64_t rs_t_tsk_inode(const char *img, uint64_t part, const char *path);
/* Cluster size in bytes, by fsstat. */
uint64_t rs_t_cluster_size(const char *img, uint64_t part);
/* Clusters of the first non-resident $DATA attribute of an inode, by istat;
 * *size gets the attribute's size. Returns the count (at least 1). */
size_t rs_t_data_clusters(const char *img, uint64_t part, uint64_t inum, uint64_t *cl,
                          size_t max, uint64_t *size);
/* Image byte offsets of an NTFS data stream's content ($DATA attribute
 * "name" of inode inum; NULL: the first one istat lists, the default
 * stream), one per cluster; *size gets the stream's size. 0 when the data
 * is resident (in the MFT record: no clusters). */
size_t rs_t_stream_offsets(const char *img, uint64_t part, uint64_t inum, const char *name,
                           uint64_t *offs, size_t max, uint64_t *size);
/* Image byte offsets of a file's content, one per cluster (*cs: cluster size). */
size_t rs_t_file_offsets(const char *img, uint64_t part, const char *path, uint64_t *offs,
                         size_t max, uint64_t *size, uint64_t *cs);
/* Image byte offset of an NTFS MFT record (1024 bytes), from $MFT's own runs. */
uint64_t rs_t_mft_record_offset(const char *img, uint64_t part, uint64_t inum);
/* Tears MFT record inum in place, as a sector write that did not complete
 * would: the last two bytes of the record's first sector stop matching its
 * update sequence number, so NTFS (and TSK) must refuse the record. Fails
 * the test unless the record had a "FILE" signature and matching fixups. */
void rs_t_ntfs_tear(const char *img, uint64_t part, uint64_t inum);

/* Writes to dst a copy of the raw image src in which n UTF-16 units of MFT
 * entry inum's first non-DOS $FILE_NAME (NTFS volume at byte off), from
 * unit `at` on, are replaced by u[]. The record's update-sequence fixups
 * stay valid: a byte in the last two of a 512-byte sector of the record is
 * written to its update sequence array entry instead. src may equal dst.
 * Fails the test when the record or the name cannot be found. */
void rs_t_ntfs_patch_name(const char *src, const char *dst, long long off, uint64_t inum,
                          size_t at, const uint16_t *u, size_t n);

/* w2k-hostile-names with invalid UTF-16 written into two NTFS names (a
 * fresh copy in the temp dir, volume at sector 2048): MFT entry 92 gets a
 * lone high and a lone low surrogate, entry 93 a valid surrogate pair. The
 * names the walk must give (lone surrogates in WTF-8, ED xx xx): */
const char *rs_t_surrogate_image(void);
#define RS_T_SUR92 "TFTP<\xed\xa0\x80mg src=x onerror=alert(1)>|\xed\xb0\x80"
#define RS_T_SUR93 "TFTP9\"\x1b[\xf0\x9f\x98\x80m|\n1"

/* Skip helper: prints why and returns from the test. */
#define RS_T_SKIP_IF(cond, why)                                                  \
  do {                                                                           \
    if (cond) {                                                                  \
      fprintf(stderr, "SKIP %s: %s\n", __func__, why);                           \
      return;                                                                    \
    }                                                                            \
  } while (0)

#endif
