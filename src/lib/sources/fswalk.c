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
 * walk instead. FAT volumes are small in practice. See docs/fswalk.md. */
#include "redsleuth/fswalk.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "redsleuth/buf.h"

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
  uint8_t state;     /* path memo state for directories, see resolve() */
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

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
  if (need <= *cap)
    return true;
  size_t n = *cap ? *cap : 1024;
  while (n < need) {
    if (n > SIZE_MAX / 2 / elem)
      return false;
    n *= 2;
  }
  void *q = realloc(*p, n * elem);
  if (!q)
    return false;
  *p = q;
  *cap = n;
  return true;
}

/* Copies len bytes + NUL into the arena; RS_NONE on failure (flags set).
 * The arena may move (realloc): a pointer w->arena + off taken before the
 * call dangles after it. Hold offsets; s itself must not point into the
 * arena. dir_path() copies into its own buffer before adding, and
 * ntfs_emit() stores every path before it takes any pointer (a name
 * pointer held across a path store was read after free: issue 20). */
static uint32_t arena_add(struct walk *w, const char *s, size_t len)
{
  if (w->narena + len + 1 > UINT32_MAX - 1) {
    w->limit = true;
    return RS_NONE;
  }
  if (!grow((void **)&w->arena, &w->caparena, w->narena + len + 1, 1)) {
    w->nomem = true;
    return RS_NONE;
  }
  uint32_t off = (uint32_t)w->narena;
  memcpy(w->arena + off, s, len);
  w->arena[off + len] = '\0';
  w->narena += len + 1;
  return off;
}

static int64_t ticks(time_t sec, uint64_t nsec)
{
  if (sec == 0 && nsec == 0)
    return RS_T_UNSET; /* TSK's "no such time" */
  return (int64_t)sec * 10000000 + (int64_t)(nsec % 1000000000u) / 100;
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

/* NTFS names: UTF-16LE -> UTF-8, or WTF-8 where the UTF-16 is not valid.
 * Surrogate pairs become one 4-byte sequence; a lone surrogate (U+D800..
 * U+DFFF not in a pair) is encoded like any other BMP unit, three bytes
 * ED A0..BF 80..BF. Those bytes are not UTF-8, so every output's escaping
 * shows them as \xNN (docs/formats.md) and no unit is dropped or merged
 * with its neighbour (TSK's lenient conversion writes '^' and loses the
 * unit after it). out must hold 3*n+1 bytes. */
static size_t utf16le_to_utf8(const uint8_t *p, size_t n, char *out)
{
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = (uint32_t)p[2 * i] | ((uint32_t)p[2 * i + 1] << 8);
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n) {
      uint32_t lo = (uint32_t)p[2 * i + 2] | ((uint32_t)p[2 * i + 3] << 8);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
        i++;
        out[o++] = (char)(0xF0 | (c >> 18));
        out[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
        out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[o++] = (char)(0x80 | (c & 0x3F));
        continue;
      }
    }
    if (c < 0x80) {
      out[o++] = (char)c;
    } else if (c < 0x800) {
      out[o++] = (char)(0xC0 | (c >> 6));
      out[o++] = (char)(0x80 | (c & 0x3F));
    } else {
      out[o++] = (char)(0xE0 | (c >> 12));
      out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
      out[o++] = (char)(0x80 | (c & 0x3F));
    }
  }
  out[o] = '\0';
  return o;
}

static uint32_t rd32(const uint8_t *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}

static uint64_t rd48(const uint8_t *p)
{
  uint64_t v = 0;
  for (int i = 5; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

static bool is_virtual(const TSK_FS_META *m)
{
  return m->type == TSK_FS_META_TYPE_VIRT || m->type == TSK_FS_META_TYPE_VIRT_DIR;
}

static struct rec *rec_new(struct walk *w, const TSK_FS_META *m)
{
  if (w->nrec >= RS_NONE - 1) {
    w->limit = true;
    return NULL;
  }
  if (!grow((void **)&w->recs, &w->caprec, w->nrec + 1, sizeof(struct rec))) {
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

static struct name *name_new(struct walk *w, uint32_t rec)
{
  if (!grow((void **)&w->names, &w->capname, w->nname + 1, sizeof(struct name))) {
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

static void note_gap(struct walk *w, uint64_t lo, uint64_t hi)
{
  /* inums the meta walk skipped: TSK drops records it finds corrupt without
   * an error (ntfs_inode_walk "continue"s on TSK_COR); checked later. */
  for (uint64_t i = lo; i < hi && w->ngaps < 1000000; i++) {
    if (!grow((void **)&w->gaps, &w->capgaps, w->ngaps + 1, sizeof(uint64_t))) {
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
  if (!grow((void **)&w->strms, &w->capstrm, w->nstrm + 1, sizeof(struct strm))) {
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
    name = arena_add(w, a->name, nl);
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
  struct rec *r = rec_new(w, m);
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
    struct name *n = name_new(w, ri);
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
      size_t l = utf16le_to_utf8(x->u16, x->len, tmp);
      const char *caret = memchr(tn, '^', tl);
      size_t keep = caret ? (size_t)(caret - tn) : tl;
      if (x->par == nl->par_inode && x->par_seq == nl->par_seq && keep <= l &&
          !memcmp(tmp, tn, keep)) {
        use = tmp;
        ul = l;
      }
    }
    n->name = arena_add(w, use, ul);
    if (n->name == RS_NONE)
      return TSK_WALK_STOP;
  }
  if (!m->name2) {
    char syn[48];
    int l = snprintf(syn, sizeof syn, "OrphanFile-%llu", (unsigned long long)m->addr);
    struct name *n = name_new(w, ri);
    if (!n)
      return TSK_WALK_STOP;
    n->name = arena_add(w, syn, (size_t)l);
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
    size_t l = utf16le_to_utf8(fn[j].u16, fn[j].len, tmp);
    for (size_t i = first; i < w->nname; i++) {
      struct name *n = &w->names[i];
      if (n->shrt == RS_NONE && (n->par_inum == fn[j].par || nlong == 1)) {
        n->shrt = arena_add(w, tmp, l);
        break;
      }
    }
  }
  if (m->addr >= w->nidx) {
    size_t need = (size_t)m->addr + 1, old = w->nidx;
    if (!grow((void **)&w->idx, &w->nidx, need, sizeof(uint32_t))) {
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
    if (n == cap) {
      struct rec **c2 = realloc(chain, 2 * cap * sizeof *chain);
      if (!c2) {
        free(chain);
        w->nomem = true;
        return RS_NONE;
      }
      chain = c2;
      cap *= 2;
    }
    chain[n++] = cur;
    cur->state = PS_BUSY;
    if (cur->inum == RS_NTFS_ROOT) { /* the root itself */
      cur->path = arena_add(w, "", 0);
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
    e->path = arena_add(w, buf, lp + 1 + ln);
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

static void fill_entry(struct walk *w, const struct rec *r, struct rs_fsentry *e)
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

static void count(struct walk *w, const struct rs_fsentry *e)
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
static enum rs_err ntfs_emit(struct walk *w, rs_fsentry_cb cb, void *arg, struct rs_diag *d)
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
      if (lp + ln + 2 > cap) {
        size_t nc = lp + ln + 2;
        char *b2 = realloc(buf, nc);
        if (!b2) {
          rc = rs_diag_set(d, RS_E_NOMEM, "fswalk", "out of memory building paths");
          break;
        }
        buf = b2;
        cap = nc;
      }
      memcpy(buf, pre, lp);
      buf[lp] = '/';
      memcpy(buf + lp + 1, nm, ln + 1);
      struct rs_fsentry e;
      fill_entry(w, r, &e);
      e.path = buf;
      e.name = nm;
      e.short_name = n->shrt != RS_NONE ? w->arena + n->shrt : NULL;
      e.allocated = (r->flags & RF_ALLOC) != 0;
      e.orphan = orphan;
      count(w, &e);
      if (cb && cb(&e, arg) != 0) {
        free(buf);
        return RS_OK;
      }
    }
  }
  free(buf);
  return rc;
}

/* ---- FAT directory entries ----
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
static bool fat_dentries(const TSK_FS_INFO *fs)
{
  return (fs->ftype & (TSK_FS_TYPE_FAT12 | TSK_FS_TYPE_FAT16 | TSK_FS_TYPE_FAT32)) != 0;
}

static bool fat_geo_init(TSK_FS_INFO *fs, struct fat_geo *g)
{
  if (!fat_dentries(fs))
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
  struct rec *r = rec_new(w, m);
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
  struct name *n = name_new(w, (uint32_t)(w->nrec - 1));
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
  n->path = arena_add(w, buf, lp + ln + 1);
  free(buf);
  if (n->path == RS_NONE)
    return TSK_WALK_STOP;
  n->name = n->path + (uint32_t)(lp + 1);
  const char *sn = f->name->shrt_name;
  if (sn && sn[0] && strcmp(sn, nm))
    n->shrt = arena_add(w, sn, strnlen(sn, f->name->shrt_name_size));
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

static enum rs_err fat_emit(struct walk *w, rs_fsentry_cb cb, void *arg)
{
  /* The directory walk's order follows the directory tree; sort by inum
   * then path so the order is the same rule as on NTFS. */
  if (w->nname > 1)
    qsort_r(w->names, w->nname, sizeof *w->names, fat_cmp, w);
  for (size_t i = 0; i < w->nname; i++) {
    const struct name *n = &w->names[i];
    const struct rec *r = &w->recs[n->rec];
    struct rs_fsentry e;
    fill_entry(w, r, &e);
    e.path = w->arena + n->path;
    e.name = w->arena + n->name;
    e.short_name = n->shrt != RS_NONE ? w->arena + n->shrt : NULL;
    e.allocated = (r->flags & RF_ALLOC) != 0;
    e.orphan = !strncmp(e.path, RS_ORPHAN_DIR "/", strlen(RS_ORPHAN_DIR) + 1);
    count(w, &e);
    if (cb && cb(&e, arg) != 0)
      return RS_OK;
  }
  return RS_OK;
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

static const char *tsk_msg(void)
{
  const char *s = tsk_error_get();
  return s ? s : "no detail from TSK";
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
  enum rs_err rc = RS_OK;
  char where[64];
  snprintf(where, sizeof where, "volume at byte %lld", (long long)fs->offset);

  struct fat_geo geo;
  if (w.fat) {
    tsk_error_reset();
    if (fat_geo_init(fs, &geo))
      w.geo = &geo;
    if (tsk_fs_dir_walk(fs, fs->root_inum,
                        TSK_FS_DIR_WALK_FLAG_RECURSE | TSK_FS_DIR_WALK_FLAG_ALLOC |
                            TSK_FS_DIR_WALK_FLAG_UNALLOC,
                        fat_dir_cb, &w)) {
      stats->unreadable++;
      rs_diag_set(d, RS_E_CORRUPT, where, "FAT directory walk stopped early: %s", tsk_msg());
      rc = RS_E_CORRUPT;
      tsk_error_reset();
    }
  } else {
    /* If TSK stops on a record it cannot parse, count it and walk on from
     * the next one: one bad record must not hide the rest of the volume. */
    uint64_t start = fs->first_inum;
    unsigned restarts = 0;
    w.next_inum = start;
    while (start <= fs->last_inum && !w.nomem && !w.limit) {
      tsk_error_reset();
      if (!tsk_fs_meta_walk(fs, start, fs->last_inum,
                            TSK_FS_META_FLAG_ALLOC | TSK_FS_META_FLAG_UNALLOC, ntfs_meta_cb, &w))
        break;
      uint64_t bad = w.next_inum > start ? w.next_inum : start;
      stats->unreadable++;
      if (rc == RS_OK)
        rs_diag_set(d, RS_E_CORRUPT, where, "MFT entry %llu unreadable: %s",
                    (unsigned long long)bad, tsk_msg());
      rc = RS_E_CORRUPT;
      if (++restarts > 100000)
        break;
      start = bad + 1;
      w.next_inum = start;
    }
    if (!w.nomem && !w.limit && w.next_inum <= fs->last_inum)
      note_gap(&w, w.next_inum, fs->last_inum + 1);
    /* Gaps: records TSK skipped silently. Never-used records (all zero and
     * free in $MFT's bitmap, e.g. 16-23 and the pre-formatted tail on
     * Windows 10) are not damage; anything else is. */
    if (w.ngaps > 0) {
      uint64_t bad = check_gaps(fs, w.gaps, w.ngaps, &w.first_bad);
      if (bad > 0) {
        stats->unreadable += bad;
        if (rc == RS_OK)
          rs_diag_set(d, RS_E_CORRUPT, where,
                      "%llu MFT record(s) unreadable, the first is entry %llu",
                      (unsigned long long)bad, (unsigned long long)w.first_bad);
        rc = RS_E_CORRUPT;
      }
    }
    tsk_error_reset();
  }
  if (w.nomem || w.limit) {
    walk_free(&w);
    return rs_diag_set(d, w.nomem ? RS_E_NOMEM : RS_E_LIMIT, where,
                       "too many entries to hold in memory");
  }
  enum rs_err erc = w.fat ? fat_emit(&w, cb, arg) : ntfs_emit(&w, cb, arg, d);
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
  bool fat = fat_dentries(fs);
  if (!TSK_FS_TYPE_ISNTFS(fs->ftype) && !fat)
    return rs_diag_set(d, RS_E_UNSUPPORTED, "fswalk",
                       "DOS attributes are only read on NTFS and FAT12/16/32");
  tsk_error_reset();
  if (fat) {
    struct fat_geo g;
    if (!fat_geo_init(fs, &g))
      return rs_diag_set(d, RS_E_CORRUPT, "fswalk", "FAT boot sector not usable");
    TSK_FS_FILE *f = tsk_fs_file_open_meta(fs, NULL, inum);
    if (!f || !f->meta) {
      tsk_fs_file_close(f);
      enum rs_err e = rs_diag_set(d, RS_E_CORRUPT, "fswalk", "FAT directory entry %llu: %s",
                                  (unsigned long long)inum, tsk_msg());
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
  TSK_FS_FILE *f = tsk_fs_file_open_meta(fs, NULL, inum);
  if (!f)
    return rs_diag_set(d, RS_E_CORRUPT, "fswalk", "MFT entry %llu: %s",
                       (unsigned long long)inum, tsk_msg());
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

/* ---- content ---- */

#define RS_READ_RUN (4u * 1024u * 1024u)

/* An entry opened for its default data stream. */
struct open_file {
  TSK_FS_FILE *f;
  const TSK_FS_ATTR *a; /* NTFS's unnamed $DATA, FAT's cluster chain */
  uint64_t size;
  char where[64];       /* "entry N", for messages */
};

static enum rs_err open_data(TSK_FS_INFO *fs, uint64_t inum, struct open_file *of,
                             struct rs_diag *d)
{
  snprintf(of->where, sizeof of->where, "entry %llu", (unsigned long long)inum);
  of->f = NULL;
  of->a = NULL;
  of->size = 0;
  if (!fs)
    return rs_diag_set(d, RS_E_USAGE, "fswalk", "no file system given");
  tsk_error_reset();
  TSK_FS_FILE *f = tsk_fs_file_open_meta(fs, NULL, inum);
  if (!f || !f->meta) {
    tsk_fs_file_close(f);
    enum rs_err e = rs_diag_set(d, RS_E_CORRUPT, of->where, "metadata not readable: %s", tsk_msg());
    tsk_error_reset();
    return e;
  }
  const TSK_FS_ATTR *a = tsk_fs_file_attr_get(f);
  if (!a) {
    tsk_fs_file_close(f);
    tsk_error_reset();
    return rs_diag_set(d, RS_E_FORMAT, of->where, "no default data stream");
  }
  of->size = a->size > 0 ? (uint64_t)a->size : 0;
  of->a = a;
  of->f = f;
  return RS_OK;
}

enum rs_err rs_file_stream(TSK_FS_INFO *fs, uint64_t inum, size_t chunk, rs_data_cb cb,
                           void *arg, struct rs_diag *d)
{
  struct open_file of;
  if (!cb)
    return rs_diag_set(d, RS_E_USAGE, "fswalk", "rs_file_stream: no callback");
  enum rs_err rc = open_data(fs, inum, &of, d);
  if (rc != RS_OK)
    return rc;
  TSK_FS_FILE *f = of.f;
  const uint64_t size = of.size;
  const char *where = of.where;
  if (chunk == 0 || chunk > 64u * 1024u * 1024u)
    chunk = RS_READ_RUN;
  size_t bsz = size < chunk ? (size_t)size : chunk;
  uint8_t *buf = malloc(bsz ? bsz : 1);
  if (!buf) {
    tsk_fs_file_close(f);
    return rs_diag_set(d, RS_E_NOMEM, where, "out of memory");
  }
  uint64_t off = 0;
  while (off < size) {
    size_t want = size - off < bsz ? (size_t)(size - off) : bsz;
    tsk_error_reset();
    ssize_t got = tsk_fs_file_read(f, (TSK_OFF_T)off, (char *)buf, want,
                                   TSK_FS_FILE_READ_FLAG_NONE);
    if (got <= 0) {
      rc = rs_diag_set(d, RS_E_IO, where, "content unreadable at offset %llu of %llu: %s",
                       (unsigned long long)off, (unsigned long long)size, tsk_msg());
      break;
    }
    if (cb(buf, (size_t)got, arg) != 0)
      break;
    off += (uint64_t)got;
  }
  tsk_error_reset();
  free(buf);
  tsk_fs_file_close(f);
  return rc;
}

enum rs_err rs_file_overlap(TSK_FS_INFO *fs, uint64_t inum, const struct rs_byte_range *r,
                            size_t n, uint64_t *bytes, uint64_t *first_off, bool *resident,
                            struct rs_diag *d)
{
  *bytes = 0;
  *first_off = 0;
  *resident = false;
  struct open_file of;
  enum rs_err rc = open_data(fs, inum, &of, d);
  if (rc != RS_OK)
    return rc;
  const TSK_FS_ATTR *a = of.a;
  const uint64_t size = of.size;
  if (!(a->flags & TSK_FS_ATTR_NONRES)) {
    *resident = true;
    tsk_fs_file_close(of.f);
    return RS_OK;
  }
  const uint64_t bs = fs->block_size, base = fs->offset > 0 ? (uint64_t)fs->offset : 0;
  bool any = false;
  for (const TSK_FS_ATTR_RUN *run = a->nrd.run; run; run = run->next) {
    if (run->flags & (TSK_FS_ATTR_RUN_FLAG_FILLER | TSK_FS_ATTR_RUN_FLAG_SPARSE))
      continue;
    uint64_t foff = (uint64_t)run->offset * bs;
    if (foff >= size)
      break;
    uint64_t len = (uint64_t)run->len * bs;
    if (len > size - foff)
      len = size - foff; /* the last cluster's slack is not the file's */
    uint64_t lo = base + (uint64_t)run->addr * bs, hi = lo + len;
    for (size_t i = 0; i < n; i++) {
      uint64_t a0 = lo > r[i].lo ? lo : r[i].lo, a1 = hi < r[i].hi ? hi : r[i].hi;
      if (a0 >= a1)
        continue;
      *bytes += a1 - a0;
      uint64_t fo = foff + (a0 - lo);
      if (!any || fo < *first_off)
        *first_off = fo;
      any = true;
    }
  }
  tsk_fs_file_close(of.f);
  return RS_OK;
}

struct rd_ctx {
  uint8_t *p;
  size_t n, max;
};

static int rd_cb(const uint8_t *p, size_t n, void *arg)
{
  struct rd_ctx *c = arg;
  size_t take = c->max - c->n < n ? c->max - c->n : n;
  memcpy(c->p + c->n, p, take);
  c->n += take;
  return c->n >= c->max;
}

enum rs_err rs_file_read(TSK_FS_INFO *fs, uint64_t inum, size_t max, bool truncate_ok,
                         uint8_t **data, size_t *len, struct rs_diag *d)
{
  if (!data || !len)
    return rs_diag_set(d, RS_E_USAGE, "fswalk", "rs_file_read: NULL argument");
  *data = NULL;
  *len = 0;
  struct open_file of;
  enum rs_err rc = open_data(fs, inum, &of, d);
  if (rc != RS_OK)
    return rc;
  tsk_fs_file_close(of.f);
  const uint64_t size = of.size;
  const char *where = of.where;
  if (size > max && !truncate_ok)
    return rs_diag_set(d, RS_E_LIMIT, where, "%llu bytes is more than the limit of %zu",
                       (unsigned long long)size, max);
  struct rd_ctx c = {NULL, 0, size < max ? (size_t)size : max};
  c.p = malloc(c.max ? c.max : 1);
  if (!c.p)
    return rs_diag_set(d, RS_E_NOMEM, where, "out of memory for %zu bytes", c.max);
  if (c.max > 0) {
    rc = rs_file_stream(fs, inum, RS_READ_RUN, rd_cb, &c, d);
    if (rc != RS_OK) {
      free(c.p);
      return rc;
    }
  }
  *data = c.p;
  *len = c.n;
  return RS_OK;
}

struct dg_ctx {
  EVP_MD_CTX *m[3];
  uint64_t n;
  bool bad;
};

static int dg_cb(const uint8_t *p, size_t n, void *arg)
{
  struct dg_ctx *c = arg;
  for (int i = 0; i < 3; i++)
    if (EVP_DigestUpdate(c->m[i], p, n) != 1)
      c->bad = true;
  c->n += n;
  return c->bad;
}

static enum rs_err dg_begin(struct dg_ctx *c, struct rs_diag *d)
{
  const EVP_MD *md[3] = {EVP_md5(), EVP_sha1(), EVP_sha256()};
  memset(c, 0, sizeof *c);
  for (int i = 0; i < 3; i++) {
    c->m[i] = EVP_MD_CTX_new();
    if (!c->m[i] || EVP_DigestInit_ex(c->m[i], md[i], NULL) != 1)
      return rs_diag_set(d, RS_E_INTERNAL, "fswalk", "libcrypto digest setup failed");
  }
  return RS_OK;
}

/* Finishes c into out when rc is RS_OK, and frees c in every case. */
static enum rs_err dg_end(struct dg_ctx *c, enum rs_err rc, struct rs_file_digest *out,
                          struct rs_diag *d)
{
  out->bytes = c->n;
  if (rc == RS_OK && c->bad)
    rc = rs_diag_set(d, RS_E_INTERNAL, "fswalk", "libcrypto digest update failed");
  unsigned char h[EVP_MAX_MD_SIZE];
  unsigned hl;
  char *dst[3] = {out->md5, out->sha1, out->sha256};
  for (int i = 0; rc == RS_OK && i < 3; i++) {
    if (EVP_DigestFinal_ex(c->m[i], h, &hl) != 1)
      rc = rs_diag_set(d, RS_E_INTERNAL, "fswalk", "libcrypto digest final failed");
    else
      rs_hex(h, hl, dst[i]);
  }
  out->done = rc == RS_OK;
  for (int i = 0; i < 3; i++)
    EVP_MD_CTX_free(c->m[i]);
  return rc;
}

enum rs_err rs_file_digest(TSK_FS_INFO *fs, uint64_t inum, struct rs_file_digest *out,
                           struct rs_diag *d)
{
  if (!out)
    return rs_diag_set(d, RS_E_USAGE, "fswalk", "rs_file_digest: NULL argument");
  memset(out, 0, sizeof *out);
  struct dg_ctx c;
  enum rs_err rc = dg_begin(&c, d);
  if (rc == RS_OK)
    rc = rs_file_stream(fs, inum, RS_READ_RUN, dg_cb, &c, d);
  return dg_end(&c, rc, out, d);
}

enum rs_err rs_digest_mem(const uint8_t *p, size_t n, struct rs_file_digest *out,
                          struct rs_diag *d)
{
  if (!out || (!p && n))
    return rs_diag_set(d, RS_E_USAGE, "fswalk", "rs_digest_mem: NULL argument");
  memset(out, 0, sizeof *out);
  struct dg_ctx c;
  enum rs_err rc = dg_begin(&c, d);
  if (rc == RS_OK && n)
    dg_cb(p, n, &c);
  return dg_end(&c, rc, out, d);
}
