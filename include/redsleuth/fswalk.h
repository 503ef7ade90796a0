/* One linear pass over a file system's metadata (tsk_fs_meta_walk), with
 * full paths rebuilt from parent references. Every check that looks at files
 * is served from this one pass: no walk per check. */
#ifndef REDSLEUTH_FSWALK_H
#define REDSLEUTH_FSWALK_H

#include <stdbool.h>
#include <stdint.h>
#include <tsk/libtsk.h>
#include "diag.h"
#include "rtime.h"

/* DOS attribute bits as on NTFS $STANDARD_INFORMATION / FAT dir entries */
#define RS_ATTR_READONLY 0x01u
#define RS_ATTR_HIDDEN   0x02u
#define RS_ATTR_SYSTEM   0x04u
#define RS_ATTR_ARCHIVE  0x20u

/* An NTFS attribute that `fls -m` gives a line of its own: every $DATA
 * (the unnamed one and the named streams, "file:stream") and every
 * $INDEX_ROOT (a directory's $I30, $Secure:$SDH ...). */
struct rs_fsstream {
  uint32_t type;            /* 128 $DATA or 144 $INDEX_ROOT (TSK_FS_ATTR_TYPE_NTFS_*) */
  uint16_t id;              /* attribute id; fls's inode field is "inum-type-id" */
  const char *name;         /* stream name as "path:name", NULL for the unnamed
                               $DATA and a directory's $I30 index */
  uint64_t size;            /* the attribute's size */
};

struct rs_fsentry {
  uint64_t inum;            /* MFT entry (NTFS) or TSK's FAT inode address */
  uint32_t seq;             /* NTFS sequence number, 0 on FAT */
  const char *path;         /* full path, TSK form: "/Inetpub/scripts/root.exe".
                               Deleted entries whose parent was reused or lost:
                               "/$OrphanFiles/name". Case as stored. Borrowed. */
  const char *name;         /* last component; for deleted FAT names the first
                               character is TSK's placeholder ('_') */
  const char *short_name;   /* 8.3 name if the entry has one (NTFS DOS name), else NULL */
  bool allocated;           /* name and metadata both allocated */
  bool is_dir;
  bool orphan;
  uint64_t size;
  uint32_t dos_attrs;       /* RS_ATTR_* and the other bits as stored: NTFS the
                               $SI flags (u32), FAT the directory entry's
                               attribute byte (0x10 directory, 0x08 volume
                               label ...); 0 if unknown */
  bool attrs_known;
  /* NTFS: $STANDARD_INFORMATION (si_*) and $FILE_NAME (fn_*) times, 100 ns.
   * FAT: si_* hold the stored times as TSK gives them (see fat_local). */
  struct rs_time si_crtime, si_mtime, si_atime, si_ctime;
  struct rs_time fn_crtime, fn_mtime, fn_atime, fn_ctime;
  bool fat_local;           /* FAT: times are local clock times read as UTC */
  /* NTFS: the entry's $DATA and $INDEX_ROOT attributes in TSK's order, and
   * the $FILE_NAME attribute the fn_* times come from (fn_attr false when
   * the record has none); for outputs that list streams as fls -m does.
   * None on FAT. Valid only during the callback. */
  const struct rs_fsstream *streams;
  size_t nstreams;
  bool fn_attr;
  uint16_t fn_id;
  uint64_t fn_size;         /* size of that $FILE_NAME attribute */
  bool is_virtual;          /* rs_fsvirtual only: a TSK-made entry */
};

/* Called once per file-system entry (each name of an entry with several
 * hard links / names is reported once per name). Return 0 to go on, non-zero
 * to stop the walk. The entry and its strings are valid only during the call. */
typedef int (*rs_fsentry_cb)(const struct rs_fsentry *e, void *arg);

struct rs_fswalk_stats {
  uint64_t entries, allocated, deleted, orphans, dirs;
  uint64_t unreadable;      /* metadata records TSK could not parse */
  uint64_t loops;           /* NTFS directory parent loops broken (their
                               entries are listed under $OrphanFiles) */
  uint64_t loop_inum;       /* an entry of the first loop met */
};

/* Walks every metadata entry of fs (allocated and unallocated), rebuilding
 * paths. Damaged records are counted in stats->unreadable and skipped; the
 * walk goes on. Parent loops are detected and broken. */
enum rs_err rs_fswalk(TSK_FS_INFO *fs, rs_fsentry_cb cb, void *arg,
                      struct rs_fswalk_stats *stats, struct rs_diag *d);

/* TSK's virtual entries, which rs_fswalk leaves out: $OrphanFiles (NTFS
 * and FAT) and FAT's $MBR, $FAT1, $FAT2, as "/<name>" with is_virtual set,
 * allocated, no times. For outputs that mirror fls (timeline-full.body).
 * A few lookups by number from fs->last_inum down, not a walk. */
enum rs_err rs_fsvirtual(TSK_FS_INFO *fs, rs_fsentry_cb cb, void *arg, struct rs_diag *d);

/* DOS attributes of entry inum: NTFS, RS_ATTR_* and the other
 * $STANDARD_INFORMATION flag bits (raw u32 at offset 32) read from its MFT
 * record; FAT12/16/32, the attribute byte (offset 11) of the directory entry
 * TSK numbers inum. The walk already fills dos_attrs/attrs_known; this is
 * for callers holding only an inum. RS_E_UNSUPPORTED on other file systems
 * (exFAT), RS_E_CORRUPT when the record, its $SI or the directory entry
 * cannot be read; *attrs = 0 then. */
enum rs_err rs_fsentry_attrs(TSK_FS_INFO *fs, uint64_t inum, uint32_t *attrs,
                             struct rs_diag *d);

struct rs_file_digest {
  bool done;                /* false: content not readable (reason in d) */
  uint64_t bytes;           /* bytes actually hashed */
  char md5[33], sha1[41], sha256[65];
};

/* Hashes the default data stream of entry inum (deleted files too, as far as
 * TSK can recover them). Reads in large runs. */
enum rs_err rs_file_digest(TSK_FS_INFO *fs, uint64_t inum, struct rs_file_digest *out,
                           struct rs_diag *d);

/* The same three digests over bytes already in memory (a file read whole for
 * parsing is not read a second time to be hashed). */
enum rs_err rs_digest_mem(const uint8_t *p, size_t n, struct rs_file_digest *out,
                          struct rs_diag *d);

/* Reads at most max bytes of entry inum's default data stream into a malloc'd
 * buffer. RS_E_LIMIT if the file is larger than max (unless truncate_ok, in
 * which case the first max bytes are returned). */
enum rs_err rs_file_read(TSK_FS_INFO *fs, uint64_t inum, size_t max, bool truncate_ok,
                         uint8_t **data, size_t *len, struct rs_diag *d);

/* rs_file_read for one NTFS named stream of entry inum: the $DATA attribute
 * with id attr_id (rs_fsstream.id). RS_E_UNSUPPORTED on other file systems,
 * RS_E_FORMAT when the entry has no such attribute. */
enum rs_err rs_file_read_stream(TSK_FS_INFO *fs, uint64_t inum, uint16_t attr_id, size_t max,
                                bool truncate_ok, uint8_t **data, size_t *len,
                                struct rs_diag *d);

/* Streams entry inum's default data stream to cb in runs of up to chunk bytes
 * (large runs, not cluster by cluster). cb returns 0 to go on. */
typedef int (*rs_data_cb)(const uint8_t *p, size_t n, void *arg);
enum rs_err rs_file_stream(TSK_FS_INFO *fs, uint64_t inum, size_t chunk,
                           rs_data_cb cb, void *arg, struct rs_diag *d);

/* Where entry inum's default data stream lies among n ranges of image bytes
 * [lo, hi) (damaged EWF chunks, say): *bytes gets how many of its bytes fall
 * in them and *first_off the file offset of the first such byte. Follows
 * the stream's runs (NTFS non-resident data, FAT cluster chains); sparse and
 * filler runs hold no image bytes. *resident is set when the data sits in
 * the MFT record itself (no runs: *bytes is 0). */
struct rs_byte_range {
  uint64_t lo, hi;
};
enum rs_err rs_file_overlap(TSK_FS_INFO *fs, uint64_t inum, const struct rs_byte_range *r,
                            size_t n, uint64_t *bytes, uint64_t *first_off, bool *resident,
                            struct rs_diag *d);
/* The same for the NTFS $DATA attribute attr_id of entry inum (a named
 * stream, as rs_file_read_stream names it). */
enum rs_err rs_stream_overlap(TSK_FS_INFO *fs, uint64_t inum, uint16_t attr_id,
                              const struct rs_byte_range *r, size_t n, uint64_t *bytes,
                              uint64_t *first_off, bool *resident, struct rs_diag *d);

#endif
