/* Internal to fswalk: the compact store one walk fills, shared by its
 * pieces. Not a public interface.
 *   fswalk.c          rs_fswalk (the dispatch), rs_fsvirtual, rs_fsentry_attrs;
 *                     the store (arena, records, names) and the emission helpers
 *   fswalk_ntfs.c     the MFT meta walk, $FILE_NAME decoding, named streams,
 *                     paths from parent references, the stand-in root, gaps
 *   fswalk_fat.c      the FAT directory walk, directory entries, attribute bytes
 *   fswalk_content.c  file content: stream, read, overlap, digests
 * See docs/fswalk.md. */
#ifndef RS_SOURCES_FSWALK_INT_H
#define RS_SOURCES_FSWALK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "redsleuth/buf.h" /* rs_grow: every array here grows by doubling, 1024 at first */
#include "redsleuth/fswalk.h"

#define RS_NTFS_ROOT 5u
#define RS_NTFS_FIRST_USER 16u
#define RS_NONE UINT32_MAX
/* A path longer than this is treated like a loop (hostile chain). NTFS paths
 * are at most 32767 UTF-16 units, so real paths stay far below. */
#define RS_PATH_MAX (128u * 1024u)
/* Unset time marker in the compact store. */
#define RS_T_UNSET INT64_MIN
#define RS_ORPHAN_DIR "/$OrphanFiles"

enum { RF_ALLOC = 1, RF_DIR = 2, RF_ATTRS = 4, RF_FN = 8, RF_S1 = 16, RF_S1_IDX = 32 };
enum { T_SI_CR, T_SI_M, T_SI_A, T_SI_C, T_FN_CR, T_FN_M, T_FN_A, T_FN_C, T_N };

/* One metadata entry; 112 bytes. Times are 100 ns ticks since 1970 so
 * NTFS (100 ns) and FAT (10 ms at best) are both exact. */
struct rec {
  uint64_t inum;
  uint64_t size;
  int64_t t[T_N];
  uint32_t seq;
  uint32_t dos_attrs;
  uint32_t name0;    /* first index in names[] */
  uint16_t nnames;
  uint8_t flags;     /* RF_* */
  uint8_t state;     /* path memo state for directories, see dir_path(), fswalk_ntfs.c */
  uint32_t path;     /* directory: arena offset of its full path once resolved */
  uint32_t strm0;    /* NTFS: first index in strms[] */
  uint16_t nstrm;
  uint16_t fn_id;    /* NTFS: id of the $FILE_NAME of the fn_* times (RF_FN) */
  uint16_t fn_size;  /* and its size */
  uint16_t s1_id;    /* RF_S1: the only stream, held here, not in strms[] */
};

/* One $DATA or $INDEX_ROOT attribute of an NTFS entry (rs_fsstream). */
struct strm {
  uint64_t size;
  uint32_t name;     /* arena offset of the stream name, RS_NONE for none */
  uint16_t type;
  uint16_t id;
};

/* One name of an entry (NTFS: one per non-DOS $FILE_NAME; FAT: one per
 * directory entry found by the directory walk). */
struct name {
  uint32_t rec;
  uint32_t name;     /* arena offset, NUL-terminated */
  uint32_t shrt;     /* arena offset of the 8.3 name or RS_NONE */
  uint32_t path;     /* FAT: arena offset of the full path; NTFS: RS_NONE */
  uint64_t par_inum;
  uint32_t par_seq;
};

struct fat_geo;

struct walk {
  TSK_FS_INFO *fs;
  bool fat;
  struct rec *recs;
  size_t nrec, caprec;
  struct name *names;
  size_t nname, capname;
  char *arena;
  size_t narena, caparena;
  uint32_t *idx;     /* inum -> rec (NTFS) */
  size_t nidx;
  uint64_t next_inum;  /* NTFS: the inum the meta walk should give next */
  uint64_t gap_lo;     /* first inum of gaps to check */
  uint64_t *gaps;
  size_t ngaps, capgaps;
  uint64_t first_bad;
  bool nomem, limit;
  struct rs_fswalk_stats *st;
  struct fat_geo *geo; /* FAT: where directory entries are, NULL if unknown */
  struct strm *strms;
  size_t nstrm, capstrm;
  struct rs_fsstream *out; /* emission scratch for one entry's streams */
  struct rs_fsstream s1;   /* the same for an entry with one stream (RF_S1) */
  struct rec root;         /* NTFS: stands in for an unreadable root record */
  bool root_lost;          /* (see root_stub) */
};

/* Little-endian fields of on-disk structures. */
static inline uint32_t rd32(const uint8_t *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}

static inline uint64_t rd48(const uint8_t *p)
{
  uint64_t v = 0;
  for (int i = 5; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

static inline bool is_virtual(const TSK_FS_META *m)
{
  return m->type == TSK_FS_META_TYPE_VIRT || m->type == TSK_FS_META_TYPE_VIRT_DIR;
}

/* TSK's seconds + nanoseconds as 100 ns ticks, RS_T_UNSET for none. */
static inline int64_t ticks(time_t sec, uint64_t nsec)
{
  if (sec == 0 && nsec == 0)
    return RS_T_UNSET; /* TSK's "no such time" */
  return (int64_t)sec * 10000000 + (int64_t)(nsec % 1000000000u) / 100;
}

/* fswalk.c: the store. */
uint32_t rs_fsw_arena_add(struct walk *w, const char *s, size_t len);
struct rec *rs_fsw_rec_new(struct walk *w, const TSK_FS_META *m);
struct name *rs_fsw_name_new(struct walk *w, uint32_t rec);
/* The rs_fsentry fields of r but path, names, allocated and orphan. */
void rs_fsw_fill_entry(struct walk *w, const struct rec *r, struct rs_fsentry *e);
void rs_fsw_count(struct walk *w, const struct rs_fsentry *e);
const char *rs_fsw_tsk_msg(void);

/* fswalk_ntfs.c */
/* Fills the store from the MFT; RS_E_CORRUPT (d set) when records were
 * unreadable, w->nomem / w->limit when the store could not hold it all. */
enum rs_err rs_fsw_ntfs_walk(struct walk *w, const char *where, struct rs_diag *d);
enum rs_err rs_fsw_ntfs_emit(struct walk *w, rs_fsentry_cb cb, void *arg, struct rs_diag *d);
enum rs_err rs_fsw_ntfs_attrs(TSK_FS_INFO *fs, uint64_t inum, uint32_t *attrs, struct rs_diag *d);

/* fswalk_fat.c */
bool rs_fsw_fat_dentries(const TSK_FS_INFO *fs);
/* Fills the store by one recursive directory walk (same contract). */
enum rs_err rs_fsw_fat_walk(struct walk *w, const char *where, struct rs_diag *d);
enum rs_err rs_fsw_fat_emit(struct walk *w, rs_fsentry_cb cb, void *arg);
enum rs_err rs_fsw_fat_attrs(TSK_FS_INFO *fs, uint64_t inum, uint32_t *attrs, struct rs_diag *d);

#endif
