/* fswalk, FAT12/16/32: one recursive TSK directory walk (TSK's meta walk
 * gives FAT entries neither long names nor parents), and the DOS attribute
 * byte read from the 32-byte directory entry TSK made each entry from. See
 * fswalk.c and docs/fswalk.md. */
#include "sources/fswalk_int.h"

#include <stdlib.h>
#include <string.h>

/* Directory entries.
 * TSK numbers a FAT entry by the position of its 32-byte directory entry
 * (tsk/fs/tsk_fatfs.h, FATFS_INODE_2_SECT and FATFS_INODE_2_OFF): entry
 * i >= 3 is in sector firstdatasect + (i - 3) / (ssize / 32), at byte
 * ((i - 3) % (ssize / 32)) * 32 of it, where firstdatasect = reserved
 * sectors + FATs * sectors per FAT (the root directory on FAT12/16, the
 * first cluster on FAT32). 2 is the root (no entry); the virtual $MBR/$FAT
 * files lie past the last sector. The fields are in TSK's private
 * FATFS_INFO, so they are read from the boot sector as TSK reads them. */
#define RS_FAT_FIRST_NORMINO 3u
#define RS_FAT_DENTRY 32u
#define RS_FAT_ATTR_LFN 0x0Fu
#define RS_FAT_ATTR_DIR 0x10u

struct fat_geo {
  uint32_t ssize;     /* bytes per sector (TSK's block size on FAT) */
  uint64_t firstdata; /* first sector of the data area */
  uint64_t cached;    /* sector held in buf, UINT64_MAX for none */
  uint8_t buf[4096];
};

/* FAT12/16/32: 32-byte directory entries numbered as above (not exFAT:
 * other entries, other numbering). */
bool rs_fsw_fat_dentries(const TSK_FS_INFO *fs)
{
  return (fs->ftype & (TSK_FS_TYPE_FAT12 | TSK_FS_TYPE_FAT16 | TSK_FS_TYPE_FAT32)) != 0;
}

static bool fat_geo_init(TSK_FS_INFO *fs, struct fat_geo *g)
{
  if (!rs_fsw_fat_dentries(fs))
    return false;
  /* TSK takes the backup boot sector (sector 6) when sector 0 is not a
   * valid one; the size check below keeps us on the one TSK used. */
  unsigned isz = fs->img_info && fs->img_info->sector_size ? fs->img_info->sector_size : 512;
  for (int k = 0; k < 2; k++) {
    uint8_t b[512];
    if (tsk_fs_read(fs, (TSK_OFF_T)(k ? 6u * isz : 0), (char *)b, sizeof b) !=
        (ssize_t)sizeof b)
      continue;
    unsigned ssize = (unsigned)b[11] | ((unsigned)b[12] << 8);
    unsigned rsvd = (unsigned)b[14] | ((unsigned)b[15] << 8);
    unsigned nfat = b[16];
    uint32_t spf = (uint32_t)b[22] | ((uint32_t)b[23] << 8);
    if (spf == 0)
      spf = rd32(b + 36); /* FAT32 */
    if (b[510] != 0x55 || b[511] != 0xAA || ssize != fs->block_size || ssize < 512 ||
        ssize > sizeof g->buf || (ssize & (ssize - 1)) || nfat == 0 || spf == 0)
      continue;
    uint64_t fd = rsvd + (uint64_t)nfat * spf;
    if (fd >= fs->block_count)
      continue;
    g->ssize = ssize;
    g->firstdata = fd;
    g->cached = UINT64_MAX;
    return true;
  }
  tsk_error_reset();
  return false;
}

/* The DOS attribute byte (offset 11) of the directory entry TSK numbers
 * inum, when that entry is the one TSK made the metadata from: not a
 * long-name slot, the directory bit as TSK read it, and for a file the
 * size TSK gives. Deleted entries keep the byte (only byte 0 changes). */
static bool fat_attr(TSK_FS_INFO *fs, struct fat_geo *g, uint64_t inum, bool dir,
                     uint64_t size, uint8_t *attr)
{
  if (inum < RS_FAT_FIRST_NORMINO)
    return false;
  uint64_t per = g->ssize / RS_FAT_DENTRY;
  uint64_t sect = (inum - RS_FAT_FIRST_NORMINO) / per + g->firstdata;
  if (sect >= fs->block_count)
    return false;
  if (sect != g->cached) {
    if (tsk_fs_read(fs, (TSK_OFF_T)(sect * g->ssize), (char *)g->buf, g->ssize) !=
        (ssize_t)g->ssize) {
      g->cached = UINT64_MAX;
      tsk_error_reset();
      return false;
    }
    g->cached = sect;
  }
  const uint8_t *e = g->buf + ((inum - RS_FAT_FIRST_NORMINO) % per) * RS_FAT_DENTRY;
  uint8_t a = e[11];
  if ((a & RS_FAT_ATTR_LFN) == RS_FAT_ATTR_LFN || ((a & RS_FAT_ATTR_DIR) != 0) != dir ||
      (!dir && rd32(e + 28) != size))
    return false;
  *attr = a;
  return true;
}

/* FAT: one directory walk, orphans included ($OrphanFiles). */
static TSK_WALK_RET_ENUM fat_dir_cb(TSK_FS_FILE *f, const char *ppath, void *arg)
{
  struct walk *w = arg;
  if (!f || !f->name || !f->name->name)
    return TSK_WALK_CONT;
  const char *nm = f->name->name;
  if (!strcmp(nm, ".") || !strcmp(nm, ".."))
    return TSK_WALK_CONT;
  if (f->meta && is_virtual(f->meta))
    return TSK_WALK_CONT;
  if (f->name->type == TSK_FS_NAME_TYPE_VIRT || f->name->type == TSK_FS_NAME_TYPE_VIRT_DIR)
    return TSK_WALK_CONT;
  TSK_FS_META fake;
  const TSK_FS_META *m = f->meta;
  if (!m) { /* a name whose metadata TSK could not load */
    memset(&fake, 0, sizeof fake);
    fake.addr = f->name->meta_addr;
    m = &fake;
    w->st->unreadable++;
  }
  struct rec *r = rs_fsw_rec_new(w, m);
  if (!r)
    return TSK_WALK_STOP;
  r->inum = f->name->meta_addr;
  r->flags &= (uint8_t)~RF_ALLOC;
  if ((f->name->flags & TSK_FS_NAME_FLAG_ALLOC) && (m->flags & TSK_FS_META_FLAG_ALLOC))
    r->flags |= RF_ALLOC;
  if (f->name->type == TSK_FS_NAME_TYPE_DIR)
    r->flags |= RF_DIR;
  uint8_t attr;
  if (w->geo && f->meta &&
      fat_attr(w->fs, w->geo, r->inum, m->type == TSK_FS_META_TYPE_DIR, r->size, &attr)) {
    r->dos_attrs = attr;
    r->flags |= RF_ATTRS;
  }
  r->nnames = 1;
  struct name *n = rs_fsw_name_new(w, (uint32_t)(w->nrec - 1));
  if (!n)
    return TSK_WALK_STOP;
  const char *pp = ppath ? ppath : "";
  size_t lp = strnlen(pp, RS_PATH_MAX), ln = strnlen(nm, RS_PATH_MAX);
  if (lp + ln + 2 >= RS_PATH_MAX) {
    w->limit = true;
    return TSK_WALK_STOP;
  }
  char *buf = malloc(lp + ln + 2);
  if (!buf) {
    w->nomem = true;
    return TSK_WALK_STOP;
  }
  buf[0] = '/';
  memcpy(buf + 1, pp, lp);
  memcpy(buf + 1 + lp, nm, ln);
  n->path = rs_fsw_arena_add(w, buf, lp + ln + 1);
  free(buf);
  if (n->path == RS_NONE)
    return TSK_WALK_STOP;
  n->name = n->path + (uint32_t)(lp + 1);
  const char *sn = f->name->shrt_name;
  if (sn && sn[0] && strcmp(sn, nm))
    n->shrt = rs_fsw_arena_add(w, sn, strnlen(sn, f->name->shrt_name_size));
  return (w->nomem || w->limit) ? TSK_WALK_STOP : TSK_WALK_CONT;
}

/* qsort_r (GNU): the context travels as an argument, no global state, so
 * two volumes can be walked on two threads. */
static int fat_cmp(const void *a, const void *b, void *ctx)
{
  const struct walk *w = ctx;
  const struct name *x = a, *y = b;
  const struct rec *rx = &w->recs[x->rec], *ry = &w->recs[y->rec];
  if (rx->inum != ry->inum)
    return rx->inum < ry->inum ? -1 : 1;
  return strcmp(w->arena + x->path, w->arena + y->path);
}

enum rs_err rs_fsw_fat_emit(struct walk *w, rs_fsentry_cb cb, void *arg)
{
  /* The directory walk's order follows the directory tree; sort by inum
   * then path so the order is the same rule as on NTFS. */
  if (w->nname > 1)
    qsort_r(w->names, w->nname, sizeof *w->names, fat_cmp, w);
  for (size_t i = 0; i < w->nname; i++) {
    const struct name *n = &w->names[i];
    const struct rec *r = &w->recs[n->rec];
    struct rs_fsentry e;
    rs_fsw_fill_entry(w, r, &e);
    e.path = w->arena + n->path;
    e.name = w->arena + n->name;
    e.short_name = n->shrt != RS_NONE ? w->arena + n->shrt : NULL;
    e.allocated = (r->flags & RF_ALLOC) != 0;
    e.orphan = !strncmp(e.path, RS_ORPHAN_DIR "/", strlen(RS_ORPHAN_DIR) + 1);
    rs_fsw_count(w, &e);
    if (cb && cb(&e, arg) != 0)
      return RS_OK;
  }
  return RS_OK;
}

/* FAT: one directory walk, orphans included ($OrphanFiles). */
enum rs_err rs_fsw_fat_walk(struct walk *w, const char *where, struct rs_diag *d)
{
  enum rs_err rc = RS_OK;
  struct fat_geo geo;
  tsk_error_reset();
  if (fat_geo_init(w->fs, &geo))
    w->geo = &geo;
  if (tsk_fs_dir_walk(w->fs, w->fs->root_inum,
                      TSK_FS_DIR_WALK_FLAG_RECURSE | TSK_FS_DIR_WALK_FLAG_ALLOC |
                          TSK_FS_DIR_WALK_FLAG_UNALLOC,
                      fat_dir_cb, w)) {
    w->st->unreadable++;
    rs_diag_set(d, RS_E_CORRUPT, where, "FAT directory walk stopped early: %s", rs_fsw_tsk_msg());
    rc = RS_E_CORRUPT;
    tsk_error_reset();
  }
  w->geo = NULL; /* geo is gone with this frame; only the walk used it */
  return rc;
}

/* The DOS attribute byte of FAT entry inum (rs_fsentry_attrs). */
enum rs_err rs_fsw_fat_attrs(TSK_FS_INFO *fs, uint64_t inum, uint32_t *attrs, struct rs_diag *d)
{
  struct fat_geo g;
  if (!fat_geo_init(fs, &g))
    return rs_diag_set(d, RS_E_CORRUPT, "fswalk", "FAT boot sector not usable");
  TSK_FS_FILE *f = tsk_fs_file_open_meta(fs, NULL, inum);
  if (!f || !f->meta) {
    tsk_fs_file_close(f);
    enum rs_err e = rs_diag_set(d, RS_E_CORRUPT, "fswalk", "FAT directory entry %llu: %s",
                                (unsigned long long)inum, rs_fsw_tsk_msg());
    tsk_error_reset();
    return e;
  }
  uint8_t a;
  bool ok = fat_attr(fs, &g, inum, f->meta->type == TSK_FS_META_TYPE_DIR,
                     f->meta->size > 0 ? (uint64_t)f->meta->size : 0, &a);
  tsk_fs_file_close(f);
  tsk_error_reset();
  if (!ok)
    return rs_diag_set(d, RS_E_CORRUPT, "fswalk",
                       "FAT directory entry %llu has no readable attribute byte",
                       (unsigned long long)inum);
  *attrs = a;
  return RS_OK;
}
