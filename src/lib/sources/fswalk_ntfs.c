/* fswalk, NTFS: one tsk_fs_meta_walk copies every entry into the store
 * (names decoded from their own $FILE_NAME, DOS names, $SI attribute bits,
 * the $DATA / $INDEX_ROOT streams fls lists), records TSK skipped are told
 * apart from never-used ones, and paths are rebuilt afterwards from the
 * $FILE_NAME parent references, through a stand-in when the root record
 * itself is unreadable. See fswalk.c and docs/fswalk.md. */
#include "sources/fswalk_int.h"

#include "redsleuth/escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void note_gap(struct walk *w, uint64_t lo, uint64_t hi)
{
  /* inums the meta walk skipped: TSK drops records it finds corrupt without
   * an error (ntfs_inode_walk "continue"s on TSK_COR); checked later. */
  for (uint64_t i = lo; i < hi && w->ngaps < 1000000; i++) {
    if (!rs_grow((void **)&w->gaps, &w->capgaps, w->ngaps + 1, sizeof(uint64_t), 1024)) {
      w->nomem = true;
      return;
    }
    w->gaps[w->ngaps++] = i;
  }
}

/* One $FILE_NAME attribute of a record, as stored (points into TSK's
 * copy of the resident attribute). */
struct fname {
  const uint8_t *u16; /* the name, UTF-16LE units */
  size_t len;         /* units */
  uint64_t par;
  uint32_t par_seq;
  bool dos;           /* DOS namespace (8.3 only) */
};
/* $FILE_NAMEs read per record; more (hard links) keep TSK's names. */
#define RS_FNAME_MAX 64

static bool strm_push(struct walk *w, uint16_t type, uint16_t id, uint32_t name, uint64_t size)
{
  if (w->nstrm >= RS_NONE - 1) {
    w->limit = true;
    return false;
  }
  if (!rs_grow((void **)&w->strms, &w->capstrm, w->nstrm + 1, sizeof(struct strm), 1024)) {
    w->nomem = true;
    return false;
  }
  struct strm *s = &w->strms[w->nstrm++];
  s->size = size;
  s->type = type;
  s->id = id;
  s->name = name;
  return true;
}

/* Notes one $DATA / $INDEX_ROOT attribute of record r. The usual case, one
 * unnamed stream as large as the entry, is held in the record itself
 * (RF_S1); a second stream moves it to strms[] first, so a record's streams
 * stay contiguous there (records are filled one after the other). */
static bool strm_add(struct walk *w, struct rec *r, const TSK_FS_ATTR *a)
{
  if (r->nstrm == UINT16_MAX)
    return true; /* more is not a real record */
  uint64_t size = a->size > 0 ? (uint64_t)a->size : 0;
  uint32_t name = RS_NONE;
  size_t nl = a->name ? strnlen(a->name, a->name_size) : 0;
  if (nl && !(a->type == TSK_FS_ATTR_TYPE_NTFS_IDXROOT && nl == 4 && !memcmp(a->name, "$I30", 4))) {
    name = rs_fsw_arena_add(w, a->name, nl);
    if (name == RS_NONE)
      return false;
  }
  if (r->nstrm == 0 && name == RS_NONE && size == r->size) {
    r->flags |= RF_S1 | (a->type == TSK_FS_ATTR_TYPE_NTFS_IDXROOT ? RF_S1_IDX : 0);
    r->s1_id = a->id;
    r->nstrm = 1;
    return true;
  }
  if (r->flags & RF_S1) {
    uint16_t t1 = (r->flags & RF_S1_IDX) ? TSK_FS_ATTR_TYPE_NTFS_IDXROOT
                                         : TSK_FS_ATTR_TYPE_NTFS_DATA;
    r->flags &= (uint8_t)~(RF_S1 | RF_S1_IDX);
    if (!strm_push(w, t1, r->s1_id, RS_NONE, r->size))
      return false;
  }
  if (!strm_push(w, (uint16_t)a->type, a->id, name, size))
    return false;
  r->nstrm++;
  return true;
}

static size_t nlong2(const TSK_FS_META *m)
{
  size_t n = 0;
  for (const TSK_FS_META_NAME_LIST *nl = m->name2; nl; nl = nl->next)
    n++;
  return n;
}

/* NTFS: copies one entry: long names from TSK's name2 list (TSK 4.11 already
 * leaves out DOS-namespace $FILE_NAMEs there), their text decoded from the
 * $FILE_NAME's own UTF-16; the DOS names and $SI flags from the attributes
 * TSK loaded for this record anyway. */
static TSK_WALK_RET_ENUM ntfs_meta_cb(TSK_FS_FILE *f, void *arg)
{
  struct walk *w = arg;
  TSK_FS_META *m = f ? f->meta : NULL;
  if (!m)
    return TSK_WALK_CONT;
  if (m->addr > w->next_inum)
    note_gap(w, w->next_inum, m->addr);
  if (m->addr >= w->next_inum)
    w->next_inum = m->addr + 1;
  if (is_virtual(m) || !(m->flags & TSK_FS_META_FLAG_USED))
    return TSK_WALK_CONT;
  /* A used record without any $FILE_NAME: TSK lists it as
   * $OrphanFiles/OrphanFile-<inum>, except the reserved system records
   * below 16 (12-15 carry no name on every NTFS). */
  if (!m->name2 && m->addr < RS_NTFS_FIRST_USER)
    return TSK_WALK_CONT;
  if (m->addr > (uint64_t)SIZE_MAX / sizeof(uint32_t) / 2) {
    w->limit = true;
    return TSK_WALK_STOP;
  }
  struct rec *r = rs_fsw_rec_new(w, m);
  if (!r)
    return TSK_WALK_STOP;
  uint32_t ri = (uint32_t)(w->nrec - 1);
  r->t[T_FN_CR] = ticks(m->time2.ntfs.fn_crtime, (uint64_t)m->time2.ntfs.fn_crtime_nano);
  r->t[T_FN_M] = ticks(m->time2.ntfs.fn_mtime, (uint64_t)m->time2.ntfs.fn_mtime_nano);
  r->t[T_FN_A] = ticks(m->time2.ntfs.fn_atime, (uint64_t)m->time2.ntfs.fn_atime_nano);
  r->t[T_FN_C] = ticks(m->time2.ntfs.fn_ctime, (uint64_t)m->time2.ntfs.fn_ctime_nano);

  /* The record's $FILE_NAMEs as stored, in the order of TSK's attribute
   * list, which is the order TSK read them in (resident attributes keep
   * their relative order there): so the non-DOS ones line up with name2. */
  struct fname fn[RS_FNAME_MAX];
  size_t nfn = 0, nlongfn = 0;
  bool fn_all = true; /* every $FILE_NAME was read and classified */
  if (m->attr) {
    for (const TSK_FS_ATTR *a = m->attr->head; a; a = a->next) {
      if (!(a->flags & TSK_FS_ATTR_INUSE))
        continue;
      if (a->type == TSK_FS_ATTR_TYPE_NTFS_DATA || a->type == TSK_FS_ATTR_TYPE_NTFS_IDXROOT) {
        /* what fls -m lists: "path:name" unless unnamed or a $I30 index */
        if (!strm_add(w, r, a))
          return TSK_WALK_STOP;
        continue;
      }
      if (a->type == TSK_FS_ATTR_TYPE_NTFS_FNAME && a->id == m->time2.ntfs.fn_id &&
          !(r->flags & RF_FN)) {
        r->flags |= RF_FN;
        r->fn_id = a->id;
        r->fn_size = (uint16_t)(a->size > 0 && a->size < UINT16_MAX ? a->size : 0);
      }
      if ((a->flags & TSK_FS_ATTR_NONRES) || !a->rd.buf)
        continue;
      size_t blen = a->rd.buf_size;
      if (a->size >= 0 && (uint64_t)a->size < blen)
        blen = (size_t)a->size;
      const uint8_t *b = a->rd.buf;
      if (a->type == TSK_FS_ATTR_TYPE_NTFS_SI && blen >= 36) {
        r->dos_attrs = rd32(b + 32);
        r->flags |= RF_ATTRS;
      } else if (a->type == TSK_FS_ATTR_TYPE_NTFS_FNAME) {
        size_t ulen = blen >= 66 ? b[64] : 0;
        if (blen < 66 || 66 + 2 * ulen > blen || nfn == RS_FNAME_MAX) {
          fn_all = false;
          continue;
        }
        struct fname *x = &fn[nfn++];
        x->u16 = b + 66;
        x->len = ulen;
        x->par = rd48(b);
        x->par_seq = (uint32_t)b[6] | ((uint32_t)b[7] << 8);
        x->dos = b[65] == 2;
        nlongfn += !x->dos;
      }
    }
  }

  /* Long names: TSK's name2, each taken from its own $FILE_NAME's UTF-16
   * (utf16le_to_utf8: nothing lost on invalid UTF-16) when the lists line
   * up: same count, same parent, and TSK's text up to its first '^' (its
   * mark for what it could not convert) starts ours. Otherwise TSK's. */
  size_t first = w->nname, k = 0, fi = 0;
  bool aligned = fn_all && nlongfn == nlong2(m);
  char tmp[3 * 255 + 1];
  for (TSK_FS_META_NAME_LIST *nl = m->name2; nl; nl = nl->next, k++) {
    struct name *n = rs_fsw_name_new(w, ri);
    if (!n)
      return TSK_WALK_STOP;
    const char *tn = nl->name;
    size_t tl = strnlen(tn, sizeof nl->name);
    n->par_inum = nl->par_inode;
    n->par_seq = nl->par_seq;
    while (aligned && fi < nfn && fn[fi].dos)
      fi++;
    const char *use = tn;
    size_t ul = tl;
    if (aligned && fi < nfn) {
      const struct fname *x = &fn[fi++];
      size_t l = rs_utf16le_to_wtf8(x->u16, x->len, tmp);
      const char *caret = memchr(tn, '^', tl);
      size_t keep = caret ? (size_t)(caret - tn) : tl;
      if (x->par == nl->par_inode && x->par_seq == nl->par_seq && keep <= l &&
          !memcmp(tmp, tn, keep)) {
        use = tmp;
        ul = l;
      }
    }
    n->name = rs_fsw_arena_add(w, use, ul);
    if (n->name == RS_NONE)
      return TSK_WALK_STOP;
  }
  if (!m->name2) {
    char syn[48];
    int l = snprintf(syn, sizeof syn, "OrphanFile-%llu", (unsigned long long)m->addr);
    struct name *n = rs_fsw_name_new(w, ri);
    if (!n)
      return TSK_WALK_STOP;
    n->name = rs_fsw_arena_add(w, syn, (size_t)l);
    n->par_inum = UINT64_MAX; /* no parent: reported under $OrphanFiles */
    if (n->name == RS_NONE)
      return TSK_WALK_STOP;
  }
  size_t nlong = w->nname - first;
  r = &w->recs[ri]; /* names/arena growth never moves recs, but be plain */
  r->nnames = (uint16_t)(nlong > UINT16_MAX ? UINT16_MAX : nlong);

  /* DOS names: the short name of the long name in the same directory (or
   * of the only one). */
  for (size_t j = 0; j < nfn; j++) {
    if (!fn[j].dos || fn[j].len == 0)
      continue;
    size_t l = rs_utf16le_to_wtf8(fn[j].u16, fn[j].len, tmp);
    for (size_t i = first; i < w->nname; i++) {
      struct name *n = &w->names[i];
      if (n->shrt == RS_NONE && (n->par_inum == fn[j].par || nlong == 1)) {
        n->shrt = rs_fsw_arena_add(w, tmp, l);
        break;
      }
    }
  }
  if (m->addr >= w->nidx) {
    size_t need = (size_t)m->addr + 1, old = w->nidx;
    if (!rs_grow((void **)&w->idx, &w->nidx, need, sizeof(uint32_t), 1024)) {
      w->nomem = true;
      return TSK_WALK_STOP;
    }
    for (size_t i = old; i < w->nidx; i++)
      w->idx[i] = RS_NONE;
  }
  w->idx[m->addr] = ri;
  return (w->nomem || w->limit) ? TSK_WALK_STOP : TSK_WALK_CONT;
}

static struct rec *rec_of(struct walk *w, uint64_t inum)
{
  if (inum >= w->nidx || w->idx[inum] == RS_NONE)
    return NULL;
  return &w->recs[w->idx[inum]];
}

/* Whether name n's parent reference leads to a live directory record: the
 * sequence number must match; a deleted directory's record carries the
 * number already incremented by the deletion, so seq-1 matches it too. */
static struct rec *parent_of(struct walk *w, const struct name *n)
{
  struct rec *p = rec_of(w, n->par_inum);
  if (!p && n->par_inum == RS_NTFS_ROOT && w->root_lost)
    p = &w->root;
  if (!p || !(p->flags & RF_DIR))
    return NULL;
  if (p->seq == n->par_seq)
    return p;
  if (!(p->flags & RF_ALLOC) && p->seq == ((n->par_seq + 1) & 0xFFFFu))
    return p;
  return NULL;
}

enum { PS_NEW = 0, PS_BUSY, PS_DONE, PS_ORPHAN };

/* Directory paths, resolved without recursion (a hostile chain can be as
 * long as the MFT). Each directory gets PS_DONE with its path, or PS_ORPHAN
 * with "/$OrphanFiles/<name>" when its parent is missing, reused, not a
 * directory, or part of a loop. Returns the arena offset of d's path. */
static uint32_t dir_path(struct walk *w, struct rec *d)
{
  if (d->state == PS_DONE || d->state == PS_ORPHAN)
    return d->path;
  /* Climb until a resolved ancestor, the root, or a break. */
  size_t cap = 64, n = 0;
  struct rec **chain = malloc(cap * sizeof *chain);
  if (!chain) {
    w->nomem = true;
    return RS_NONE;
  }
  struct rec *cur = d;
  uint32_t base = RS_NONE; /* path of the resolved ancestor, RS_NONE = root */
  bool broken = false;     /* chain[n-1] has no valid parent */
  for (;;) {
    if (cur->state == PS_DONE || cur->state == PS_ORPHAN) {
      base = cur->path;
      break;
    }
    if (cur->state == PS_BUSY) { /* loop: break it at the entry we came from */
      if (w->st->loops++ == 0)
        w->st->loop_inum = cur->inum;
      broken = true;
      break;
    }
    if (!rs_grow((void **)&chain, &cap, n + 1, sizeof *chain, 1024)) {
      free(chain);
      w->nomem = true;
      return RS_NONE;
    }
    chain[n++] = cur;
    cur->state = PS_BUSY;
    if (cur->inum == RS_NTFS_ROOT) { /* the root itself */
      cur->path = rs_fsw_arena_add(w, "", 0);
      cur->state = PS_DONE;
      n--;
      base = cur->path;
      break;
    }
    struct name *nm = cur->nnames ? &w->names[cur->name0] : NULL;
    struct rec *p = nm ? parent_of(w, nm) : NULL;
    if (!p) {
      broken = true;
      break;
    }
    cur = p;
  }
  /* Build paths top-down. On a break the topmost entry becomes an orphan. */
  size_t top = n;
  while (top > 0) {
    struct rec *e = chain[--top];
    const char *nm = e->nnames ? w->arena + w->names[e->name0].name : "";
    const char *pre;
    uint8_t st;
    if (top == n - 1 && broken) {
      pre = RS_ORPHAN_DIR;
      st = PS_ORPHAN;
    } else {
      pre = base == RS_NONE ? "" : w->arena + base;
      st = (top == n - 1) ? (cur->state == PS_ORPHAN ? PS_ORPHAN : PS_DONE)
                          : chain[top + 1]->state;
    }
    size_t lp = strlen(pre), ln = strlen(nm);
    if (lp + 1 + ln >= RS_PATH_MAX) { /* overlong: cut like a loop */
      pre = RS_ORPHAN_DIR;
      lp = strlen(pre);
      st = PS_ORPHAN;
    }
    char *buf = malloc(lp + ln + 2);
    if (!buf) {
      w->nomem = true;
      break;
    }
    memcpy(buf, pre, lp);
    buf[lp] = '/';
    memcpy(buf + lp + 1, nm, ln);
    e->path = rs_fsw_arena_add(w, buf, lp + 1 + ln);
    free(buf);
    e->state = st;
    base = e->path;
    if (e->path == RS_NONE)
      break;
  }
  /* Anything left busy after an allocation failure goes back to new. */
  for (size_t i = 0; i < n; i++)
    if (chain[i]->state == PS_BUSY)
      chain[i]->state = PS_NEW;
  free(chain);
  return d->path;
}

/* NTFS: entry 5 is the root on every volume. When its own record could not
 * be read (a torn sector, say), the names that point at it still do: a
 * stand-in record keeps their paths, so the damage costs one unreadable
 * record, not every path on the volume. The root never changes its
 * sequence number; the one the system files' $FILE_NAMEs (entries 0-15,
 * all in the root) give is taken, the first met. */
static void root_stub(struct walk *w)
{
  if (w->fat || rec_of(w, RS_NTFS_ROOT))
    return;
  for (size_t i = 0; i < w->nrec && w->recs[i].inum < RS_NTFS_FIRST_USER; i++) {
    const struct rec *r = &w->recs[i];
    for (uint32_t k = 0; k < r->nnames; k++) {
      const struct name *n = &w->names[r->name0 + k];
      if (n->par_inum != RS_NTFS_ROOT)
        continue;
      memset(&w->root, 0, sizeof w->root);
      w->root.inum = RS_NTFS_ROOT;
      w->root.seq = n->par_seq;
      w->root.flags = RF_DIR | RF_ALLOC;
      w->root.path = RS_NONE;
      w->root_lost = true;
      return;
    }
  }
}

/* NTFS: path of every long name, callback in (inum, name index) order. */
enum rs_err rs_fsw_ntfs_emit(struct walk *w, rs_fsentry_cb cb, void *arg, struct rs_diag *d)
{
  size_t most = 1;
  for (size_t i = 0; i < w->nrec; i++)
    if (w->recs[i].nstrm > most)
      most = w->recs[i].nstrm;
  w->out = malloc(most * sizeof *w->out);
  size_t cap = 4096;
  char *buf = malloc(cap);
  if (!buf || !w->out) {
    free(buf);
    return rs_diag_set(d, RS_E_NOMEM, "fswalk", "out of memory building paths");
  }
  root_stub(w);
  /* Every directory path first: the arena grows only here, so the pointers
   * into it taken below stay valid. */
  for (size_t i = 0; i < w->nrec; i++) {
    const struct rec *r = &w->recs[i];
    if (r->inum == RS_NTFS_ROOT)
      continue;
    for (uint32_t k = 0; k < r->nnames; k++) {
      struct rec *p = parent_of(w, &w->names[r->name0 + k]);
      if (p && dir_path(w, p) == RS_NONE) {
        free(buf);
        return rs_diag_set(d, w->limit ? RS_E_LIMIT : RS_E_NOMEM, "fswalk",
                           "cannot store the path of MFT entry %llu", (unsigned long long)p->inum);
      }
    }
  }
  enum rs_err rc = RS_OK;
  for (size_t i = 0; i < w->nrec && rc == RS_OK; i++) {
    struct rec *r = &w->recs[i];
    if (r->inum == RS_NTFS_ROOT)
      continue; /* the root has no name of its own ("."); fls omits it too */
    for (uint32_t k = 0; k < r->nnames; k++) {
      const struct name *n = &w->names[r->name0 + k];
      const char *nm = w->arena + n->name;
      const struct rec *p = parent_of(w, n);
      const char *pre = p ? w->arena + p->path : RS_ORPHAN_DIR; /* stored above */
      bool orphan = !p || p->state == PS_ORPHAN;
      size_t lp = strlen(pre), ln = strlen(nm);
      if (!rs_grow((void **)&buf, &cap, lp + ln + 2, 1, 1024)) {
        rc = rs_diag_set(d, RS_E_NOMEM, "fswalk", "out of memory building paths");
        break;
      }
      memcpy(buf, pre, lp);
      buf[lp] = '/';
      memcpy(buf + lp + 1, nm, ln + 1);
      struct rs_fsentry e;
      rs_fsw_fill_entry(w, r, &e);
      e.path = buf;
      e.name = nm;
      e.short_name = n->shrt != RS_NONE ? w->arena + n->shrt : NULL;
      e.allocated = (r->flags & RF_ALLOC) != 0;
      e.orphan = orphan;
      rs_fsw_count(w, &e);
      if (cb && cb(&e, arg) != 0) {
        free(buf);
        return RS_OK;
      }
    }
  }
  free(buf);
  return rc;
}

/* MFT record size from the boot sector (offset 0x40: clusters per record,
 * or 2^-n bytes when negative). 0 if the boot sector makes no sense. */
static size_t mft_record_size(TSK_FS_INFO *fs)
{
  uint8_t b[512];
  if (tsk_fs_read(fs, 0, (char *)b, sizeof b) != (ssize_t)sizeof b)
    return 0;
  unsigned bps = (unsigned)b[11] | ((unsigned)b[12] << 8);
  unsigned spc = b[13];
  int8_t c = (int8_t)b[0x40];
  size_t sz;
  if (c < 0) {
    if (c < -20)
      return 0;
    sz = (size_t)1 << (-c);
  } else {
    sz = (size_t)c * spc * bps;
  }
  return (sz >= 256 && sz <= 65536) ? sz : 0;
}

/* Counts the gap records that are damage rather than never used. */
static uint64_t check_gaps(TSK_FS_INFO *fs, const uint64_t *gaps, size_t n, uint64_t *first)
{
  uint64_t bad = 0;
  size_t rsz = mft_record_size(fs);
  TSK_FS_FILE *mft = rsz ? tsk_fs_file_open_meta(fs, NULL, 0) : NULL;
  const TSK_FS_ATTR *bmp =
      mft ? tsk_fs_file_attr_get_type(mft, TSK_FS_ATTR_TYPE_NTFS_BITMAP, 0, 0) : NULL;
  uint8_t *rec = rsz ? malloc(rsz) : NULL;
  for (size_t i = 0; i < n; i++) {
    bool damaged = true;
    if (mft && rec &&
        tsk_fs_file_read(mft, (TSK_OFF_T)(gaps[i] * rsz), (char *)rec, rsz,
                         TSK_FS_FILE_READ_FLAG_NONE) == (ssize_t)rsz) {
      bool zero = true;
      for (size_t k = 0; k < rsz && zero; k++)
        zero = rec[k] == 0;
      char bit = 1;
      if (zero && bmp &&
          tsk_fs_attr_read(bmp, (TSK_OFF_T)(gaps[i] / 8), &bit, 1,
                           TSK_FS_FILE_READ_FLAG_NONE) == 1)
        bit = (char)(((uint8_t)bit >> (gaps[i] % 8)) & 1);
      if (zero && !bit)
        damaged = false; /* never used */
      /* An extension record (base reference at 0x20 set) belongs to
       * another entry: TSK reads it there. */
      if (!zero && !memcmp(rec, "FILE", 4) && rd48(rec + 0x20) != 0)
        damaged = false;
    }
    if (damaged) {
      if (bad == 0)
        *first = gaps[i];
      bad++;
    }
  }
  free(rec);
  tsk_fs_file_close(mft);
  tsk_error_reset();
  return bad;
}

/* NTFS: the meta walk, restarted past a record TSK stops on, then the
 * records it skipped told apart from never-used ones. */
enum rs_err rs_fsw_ntfs_walk(struct walk *w, const char *where, struct rs_diag *d)
{
  TSK_FS_INFO *fs = w->fs;
  enum rs_err rc = RS_OK;
  /* If TSK stops on a record it cannot parse, count it and walk on from
   * the next one: one bad record must not hide the rest of the volume. */
  uint64_t start = fs->first_inum;
  unsigned restarts = 0;
  w->next_inum = start;
  while (start <= fs->last_inum && !w->nomem && !w->limit) {
    tsk_error_reset();
    if (!tsk_fs_meta_walk(fs, start, fs->last_inum,
                          TSK_FS_META_FLAG_ALLOC | TSK_FS_META_FLAG_UNALLOC, ntfs_meta_cb, w))
      break;
    uint64_t bad = w->next_inum > start ? w->next_inum : start;
    w->st->unreadable++;
    if (rc == RS_OK)
      rs_diag_set(d, RS_E_CORRUPT, where, "MFT entry %llu unreadable: %s",
                  (unsigned long long)bad, rs_fsw_tsk_msg());
    rc = RS_E_CORRUPT;
    if (++restarts > 100000)
      break;
    start = bad + 1;
    w->next_inum = start;
  }
  if (!w->nomem && !w->limit && w->next_inum <= fs->last_inum)
    note_gap(w, w->next_inum, fs->last_inum + 1);
  /* Gaps: records TSK skipped silently. Never-used records (all zero and
   * free in $MFT's bitmap, e.g. 16-23 and the pre-formatted tail on
   * Windows 10) are not damage; anything else is. */
  if (w->ngaps > 0) {
    uint64_t bad = check_gaps(fs, w->gaps, w->ngaps, &w->first_bad);
    if (bad > 0) {
      w->st->unreadable += bad;
      if (rc == RS_OK)
        rs_diag_set(d, RS_E_CORRUPT, where,
                    "%llu MFT record(s) unreadable, the first is entry %llu",
                    (unsigned long long)bad, (unsigned long long)w->first_bad);
      rc = RS_E_CORRUPT;
    }
  }
  tsk_error_reset();
  return rc;
}

/* The $STANDARD_INFORMATION attribute bits of MFT entry inum
 * (rs_fsentry_attrs). */
enum rs_err rs_fsw_ntfs_attrs(TSK_FS_INFO *fs, uint64_t inum, uint32_t *attrs, struct rs_diag *d)
{
  TSK_FS_FILE *f = tsk_fs_file_open_meta(fs, NULL, inum);
  if (!f)
    return rs_diag_set(d, RS_E_CORRUPT, "fswalk", "MFT entry %llu: %s",
                       (unsigned long long)inum, rs_fsw_tsk_msg());
  const TSK_FS_ATTR *a = tsk_fs_file_attr_get_type(f, TSK_FS_ATTR_TYPE_NTFS_SI, 0, 0);
  enum rs_err rc = RS_OK;
  if (!a || (a->flags & TSK_FS_ATTR_NONRES) || !a->rd.buf || a->rd.buf_size < 36 ||
      a->size < 36) {
    rc = rs_diag_set(d, RS_E_CORRUPT, "fswalk",
                     "MFT entry %llu has no readable $STANDARD_INFORMATION",
                     (unsigned long long)inum);
  } else {
    *attrs = rd32(a->rd.buf + 32);
  }
  tsk_fs_file_close(f);
  tsk_error_reset();
  return rc;
}
