/* One pass over a volume's metadata, paths rebuilt from parent references.
 *
 * NTFS: a single tsk_fs_meta_walk (5-7x cheaper than TSK's recursive
 * directory walk, fixture-recipes.md 2 and 9). Each callback copies what the
 * checks need into compact arrays (strings in an arena); paths are resolved
 * afterwards through the $FILE_NAME parent references with a memo per
 * directory, and the caller's callback runs in inum order.
 *
 * FAT: TSK's meta walk gives only 8.3 names and no parent (checked on TSK
 * 4.11.1: name2->par_inode is 0), so FAT volumes use one recursive directory
 * walk instead. FAT volumes are small in practice. See docs/fswalk.md.
 *
 * This file: the entry points, the compact store and what both walks emit
 * through; the walks are in fswalk_ntfs.c and fswalk_fat.c, file content in
 * fswalk_content.c (fswalk_int.h lists the pieces). */
#include "sources/fswalk_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies len bytes + NUL into the arena; RS_NONE on failure (flags set).
 * The arena may move (realloc): a pointer w->arena + off taken before the
 * call dangles after it. Hold offsets; s itself must not point into the
 * arena. In fswalk_ntfs.c, dir_path() copies into its own buffer before
 * adding, and rs_fsw_ntfs_emit() stores every path before it takes any
 * pointer (a name pointer held across a path store was read after free:
 * issue 20). */
uint32_t rs_fsw_arena_add(struct walk *w, const char *s, size_t len)
{
  if (w->narena + len + 1 > UINT32_MAX - 1) {
    w->limit = true;
    return RS_NONE;
  }
  if (!rs_grow((void **)&w->arena, &w->caparena, w->narena + len + 1, 1, 1024)) {
    w->nomem = true;
    return RS_NONE;
  }
  uint32_t off = (uint32_t)w->narena;
  memcpy(w->arena + off, s, len);
  w->arena[off + len] = '\0';
  w->narena += len + 1;
  return off;
}

static struct rs_time rtime(int64_t t, uint8_t digits)
{
  if (t == RS_T_UNSET)
    return RS_TIME_UNSET;
  int64_t s = t / 10000000, r = t % 10000000;
  if (r < 0) {
    r += 10000000;
    s--;
  }
  return rs_time_from_unix(s, (uint32_t)r * 100u, digits);
}

struct rec *rs_fsw_rec_new(struct walk *w, const TSK_FS_META *m)
{
  if (w->nrec >= RS_NONE - 1) {
    w->limit = true;
    return NULL;
  }
  if (!rs_grow((void **)&w->recs, &w->caprec, w->nrec + 1, sizeof(struct rec), 1024)) {
    w->nomem = true;
    return NULL;
  }
  struct rec *r = &w->recs[w->nrec++];
  memset(r, 0, sizeof *r);
  r->inum = m->addr;
  r->size = m->size > 0 ? (uint64_t)m->size : 0;
  r->seq = m->seq;
  if (m->flags & TSK_FS_META_FLAG_ALLOC)
    r->flags |= RF_ALLOC;
  if (m->type == TSK_FS_META_TYPE_DIR)
    r->flags |= RF_DIR;
  r->t[T_SI_CR] = ticks(m->crtime, (uint64_t)m->crtime_nano);
  r->t[T_SI_M] = ticks(m->mtime, (uint64_t)m->mtime_nano);
  r->t[T_SI_A] = ticks(m->atime, (uint64_t)m->atime_nano);
  r->t[T_SI_C] = ticks(m->ctime, (uint64_t)m->ctime_nano);
  for (int i = T_FN_CR; i < T_N; i++)
    r->t[i] = RS_T_UNSET;
  r->name0 = (uint32_t)w->nname;
  r->path = RS_NONE;
  r->strm0 = (uint32_t)w->nstrm;
  return r;
}

struct name *rs_fsw_name_new(struct walk *w, uint32_t rec)
{
  if (!rs_grow((void **)&w->names, &w->capname, w->nname + 1, sizeof(struct name), 1024)) {
    w->nomem = true;
    return NULL;
  }
  if (w->nname >= RS_NONE - 1) {
    w->limit = true;
    return NULL;
  }
  struct name *n = &w->names[w->nname++];
  n->rec = rec;
  n->name = n->shrt = n->path = RS_NONE;
  n->par_inum = 0;
  n->par_seq = 0;
  return n;
}

void rs_fsw_fill_entry(struct walk *w, const struct rec *r, struct rs_fsentry *e)
{
  memset(e, 0, sizeof *e);
  e->inum = r->inum;
  e->seq = w->fat ? 0 : r->seq;
  e->is_dir = (r->flags & RF_DIR) != 0;
  e->size = r->size;
  e->dos_attrs = r->dos_attrs;
  e->attrs_known = (r->flags & RF_ATTRS) != 0;
  uint8_t dg = w->fat ? 0 : 7;
  e->si_crtime = rtime(r->t[T_SI_CR], w->fat ? 3 : 7);
  e->si_mtime = rtime(r->t[T_SI_M], dg);
  e->si_atime = rtime(r->t[T_SI_A], dg);
  e->si_ctime = rtime(r->t[T_SI_C], dg);
  e->fn_crtime = rtime(r->t[T_FN_CR], dg);
  e->fn_mtime = rtime(r->t[T_FN_M], dg);
  e->fn_atime = rtime(r->t[T_FN_A], dg);
  e->fn_ctime = rtime(r->t[T_FN_C], dg);
  e->fat_local = w->fat;
  if (r->flags & RF_S1) {
    w->s1.type = (r->flags & RF_S1_IDX) ? TSK_FS_ATTR_TYPE_NTFS_IDXROOT
                                        : TSK_FS_ATTR_TYPE_NTFS_DATA;
    w->s1.id = r->s1_id;
    w->s1.name = NULL;
    w->s1.size = r->size;
    e->streams = &w->s1;
    e->nstreams = 1;
  } else if (r->nstrm && w->out) { /* w->out holds the most streams of any entry */
    for (uint16_t i = 0; i < r->nstrm; i++) {
      const struct strm *s = &w->strms[r->strm0 + i];
      w->out[i].type = s->type;
      w->out[i].id = s->id;
      w->out[i].name = s->name != RS_NONE ? w->arena + s->name : NULL;
      w->out[i].size = s->size;
    }
    e->streams = w->out;
    e->nstreams = r->nstrm;
  }
  if (r->flags & RF_FN) {
    e->fn_attr = true;
    e->fn_id = r->fn_id;
    e->fn_size = r->fn_size;
  }
}

void rs_fsw_count(struct walk *w, const struct rs_fsentry *e)
{
  struct rs_fswalk_stats *st = w->st;
  st->entries++;
  if (e->allocated)
    st->allocated++;
  else
    st->deleted++;
  if (e->orphan)
    st->orphans++;
  if (e->is_dir)
    st->dirs++;
}

static void walk_free(struct walk *w)
{
  free(w->strms);
  free(w->out);
  free(w->recs);
  free(w->names);
  free(w->arena);
  free(w->idx);
  free(w->gaps);
}

const char *rs_fsw_tsk_msg(void)
{
  const char *s = tsk_error_get();
  return s ? s : "no detail from TSK";
}

enum rs_err rs_fswalk(TSK_FS_INFO *fs, rs_fsentry_cb cb, void *arg,
                      struct rs_fswalk_stats *stats, struct rs_diag *d)
{
  struct rs_fswalk_stats dummy;
  if (!stats)
    stats = &dummy;
  memset(stats, 0, sizeof *stats);
  if (!fs)
    return rs_diag_set(d, RS_E_USAGE, "fswalk", "no file system given");
  struct walk w;
  memset(&w, 0, sizeof w);
  w.fs = fs;
  w.st = stats;
  w.fat = TSK_FS_TYPE_ISFAT(fs->ftype) != 0;
  char where[64];
  snprintf(where, sizeof where, "volume at byte %lld", (long long)fs->offset);

  enum rs_err rc = w.fat ? rs_fsw_fat_walk(&w, where, d) : rs_fsw_ntfs_walk(&w, where, d);
  if (w.nomem || w.limit) {
    walk_free(&w);
    return rs_diag_set(d, w.nomem ? RS_E_NOMEM : RS_E_LIMIT, where,
                       "too many entries to hold in memory");
  }
  enum rs_err erc = w.fat ? rs_fsw_fat_emit(&w, cb, arg) : rs_fsw_ntfs_emit(&w, cb, arg, d);
  walk_free(&w);
  if (erc != RS_OK)
    return erc;
  /* Damaged records are a finding, not a failure: the rest was reported,
   * stats->unreadable says how many, d says which was first. */
  (void)rc;
  return RS_OK;
}

/* TSK numbers its virtual entries last: $OrphanFiles is last_inum, FAT's
 * $MBR, $FAT1, $FAT2 the numbers just below (numfat + 2 in all). */
#define RS_VIRT_MAX 8

enum rs_err rs_fsvirtual(TSK_FS_INFO *fs, rs_fsentry_cb cb, void *arg, struct rs_diag *d)
{
  if (!fs || !cb)
    return rs_diag_set(d, RS_E_USAGE, "fswalk", "rs_fsvirtual: NULL argument");
  struct {
    uint64_t inum, size;
    bool dir, alloc;
    char path[2 + TSK_FS_META_NAME_LIST_NSIZE];
  } v[RS_VIRT_MAX];
  size_t n = 0;
  for (uint64_t k = fs->last_inum; n < RS_VIRT_MAX && k >= fs->first_inum; k--) {
    tsk_error_reset();
    TSK_FS_FILE *f = tsk_fs_file_open_meta(fs, NULL, k);
    const TSK_FS_META *m = f ? f->meta : NULL;
    bool virt = m && is_virtual(m) && m->name2;
    if (virt) {
      v[n].inum = k;
      v[n].size = m->size > 0 ? (uint64_t)m->size : 0;
      v[n].dir = m->type == TSK_FS_META_TYPE_VIRT_DIR;
      v[n].alloc = (m->flags & TSK_FS_META_FLAG_ALLOC) != 0;
      snprintf(v[n].path, sizeof v[n].path, "/%.*s", (int)sizeof m->name2->name,
               m->name2->name);
      n++;
    }
    tsk_fs_file_close(f);
    if (!virt || k == 0)
      break;
  }
  tsk_error_reset();
  for (size_t i = n; i-- > 0;) { /* in inum order */
    struct rs_fsentry e;
    memset(&e, 0, sizeof e);
    e.inum = v[i].inum;
    e.path = v[i].path;
    e.name = v[i].path + 1;
    e.allocated = v[i].alloc;
    e.is_dir = v[i].dir;
    e.size = v[i].size;
    e.si_crtime = e.si_mtime = e.si_atime = e.si_ctime = RS_TIME_UNSET;
    e.fn_crtime = e.fn_mtime = e.fn_atime = e.fn_ctime = RS_TIME_UNSET;
    e.fat_local = TSK_FS_TYPE_ISFAT(fs->ftype) != 0;
    e.is_virtual = true;
    if (cb(&e, arg) != 0)
      break;
  }
  return RS_OK;
}

enum rs_err rs_fsentry_attrs(TSK_FS_INFO *fs, uint64_t inum, uint32_t *attrs,
                             struct rs_diag *d)
{
  if (!fs || !attrs)
    return rs_diag_set(d, RS_E_USAGE, "fswalk", "rs_fsentry_attrs: NULL argument");
  *attrs = 0;
  bool fat = rs_fsw_fat_dentries(fs);
  if (!TSK_FS_TYPE_ISNTFS(fs->ftype) && !fat)
    return rs_diag_set(d, RS_E_UNSUPPORTED, "fswalk",
                       "DOS attributes are only read on NTFS and FAT12/16/32");
  tsk_error_reset();
  return fat ? rs_fsw_fat_attrs(fs, inum, attrs, d) : rs_fsw_ntfs_attrs(fs, inum, attrs, d);
}
