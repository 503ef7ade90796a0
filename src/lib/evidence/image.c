/* Evidence layer: opens an image read-only through libtsk, lists its
 * volumes, identifies file systems and finds Windows system folders.
 *
 * Nothing here writes to the evidence: files are only opened O_RDONLY (by us
 * for the magic bytes, by libtsk/libewf for the rest), nothing is mounted. */
#include "redsleuth/image.h"
#include "redsleuth/collect.h"
#include "redsleuth/vhdi.h"

#include "evidence/segments.h"
#include "redsleuth/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libewf.h>

/* A real Windows 2000 disk has at most a few dozen volumes; more is hostile. */
#define RS_MAX_VOLUMES 256
#define RS_MAX_PROBLEMS 256
/* $Volume is MFT entry 3 on every NTFS version. */
#define RS_NTFS_VOLUME_INUM 3

void rs_image_opts_init(struct rs_image_opts *o)
{
  memset(o, 0, sizeof *o);
  o->fs_offset = -1;
}


/* TSK keeps its last error in thread-local state and may leave it empty
 * (tsk_vs_open on a bare file system does): never print it unguarded. */
static const char *tsk_err_text(void)
{
  /* libewf's messages are multi-line backtraces: keep them on one line. */
  static _Thread_local char buf[512];
  const char *e = tsk_error_get();
  if (!e || !*e)
    return "no detail from libtsk";
  size_t o = 0;
  for (; *e && o + 3 < sizeof buf; e++) {
    if (*e == '\n' || *e == '\r') {
      if (e[1]) {
        buf[o++] = ';';
        buf[o++] = ' ';
      }
    } else {
      buf[o++] = *e;
    }
  }
  buf[o] = '\0';
  return buf;
}

static enum rs_err add_problem(struct rs_image *img, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static enum rs_err add_problem(struct rs_image *img, const char *fmt, ...)
{
  if (img->nproblems >= RS_MAX_PROBLEMS)
    return RS_E_LIMIT;
  /* segment names and libtsk's messages, whole: one line, bounded */
  struct rs_buf b;
  rs_buf_init(&b, (size_t)1 << 16);
  va_list ap;
  va_start(ap, fmt);
  enum rs_err e = rs_buf_vaddf(&b, fmt, ap);
  va_end(ap);
  if (e == RS_E_LIMIT) { /* paths are at most PATH_MAX: not met */
    rs_buf_reset(&b);
    e = rs_buf_adds(&b, "(a message longer than 64 KiB)");
  }
  char *p = e == RS_OK ? rs_buf_steal(&b) : NULL;
  rs_buf_free(&b);
  if (!p || !rs_grow((void **)&img->problems, &img->capproblems, (size_t)img->nproblems + 1,
                     sizeof *img->problems, 8)) {
    free(p);
    img->nomem = true;
    return RS_E_NOMEM;
  }
  img->problems[img->nproblems++] = p;
  return RS_OK;
}

static enum rs_err add_warning(struct rs_image *img, const char *w)
{
  char *p = strdup(w);
  if (!p || !rs_grow((void **)&img->warnings, &img->capwarnings, (size_t)img->nwarnings + 1,
                     sizeof *img->warnings, 4)) {
    free(p);
    img->nomem = true;
    return RS_E_NOMEM;
  }
  img->warnings[img->nwarnings++] = p;
  return RS_OK;
}

/* ---- image type from magic bytes ---------------------------------------- */

static const uint8_t ewf_magic[8] = {0x45, 0x56, 0x46, 0x09, 0x0D, 0x0A, 0xFF, 0x00};

/* Picks the TSK image type from the first segment's bytes. TSK's own
 * detection (TSK_IMG_TYPE_DETECT) leaks on every open (failed AFF/VMDK/VHD
 * probes), so we only ask TSK for the one format the bytes announce. */
static TSK_IMG_TYPE_ENUM sniff_type(int fd, off_t size)
{
  uint8_t head[64] = {0};
  ssize_t n = pread(fd, head, sizeof head, 0);
  if (n >= 8 && memcmp(head, ewf_magic, 8) == 0)
    return TSK_IMG_TYPE_EWF_EWF;
  if (n >= 4 && memcmp(head, "KDMV", 4) == 0)
    return TSK_IMG_TYPE_VMDK_VMDK;
  if (n >= 21 && memcmp(head, "# Disk DescriptorFile", 21) == 0)
    return TSK_IMG_TYPE_VMDK_VMDK;
  if (n >= 8 && memcmp(head, "AFF10\r\n", 8) == 0)
    return TSK_IMG_TYPE_AFF_AFF;
  /* VHD: "conectix" footer in the last 512 bytes (a copy at 0 for dynamic). */
  if (n >= 8 && memcmp(head, "conectix", 8) == 0)
    return TSK_IMG_TYPE_VHD_VHD;
  if (size >= 512) {
    uint8_t foot[8];
    if (pread(fd, foot, 8, size - 512) == 8 && memcmp(foot, "conectix", 8) == 0)
      return TSK_IMG_TYPE_VHD_VHD;
  }
  return TSK_IMG_TYPE_RAW;
}

static const char *format_name(TSK_IMG_TYPE_ENUM t, int nimg)
{
  if (TSK_IMG_TYPE_ISEWF(t))
    return "ewf";
  if (TSK_IMG_TYPE_ISAFF(t))
    return "aff";
  if (t == TSK_IMG_TYPE_VMDK_VMDK)
    return "vmdk";
  if (t == TSK_IMG_TYPE_VHD_VHD)
    return "vhd";
  if (TSK_IMG_TYPE_ISRAW(t))
    return nimg > 1 ? "split-raw" : "raw";
  return "other";
}

/* ---- split raw gaps ------------------------------------------------------ */

/* Name of the segment after `name` in a split set ("x.001"->"x.002",
 * "x.aa"->"x.ab"); false if the name has no split suffix. */
static bool next_segment_name(const char *name, char *out, size_t outsz)
{
  const char *dot = strrchr(name, '.');
  if (!dot || !dot[1] || strlen(name) + 1 > outsz)
    return false;
  size_t n = strlen(dot + 1);
  bool digits = true, lower = true;
  for (size_t i = 1; i <= n; i++) {
    if (dot[i] < '0' || dot[i] > '9')
      digits = false;
    if (dot[i] < 'a' || dot[i] > 'z')
      lower = false;
  }
  if (!(digits && n >= 2) && !(lower && n == 2))
    return false;
  strcpy(out, name);
  char *s = out + (dot - name) + 1;
  for (size_t i = n; i-- > 0;) {
    char lo = digits ? '0' : 'a', hi = digits ? '9' : 'z';
    if (s[i] < hi) {
      s[i]++;
      return true;
    }
    s[i] = lo;
  }
  return false; /* overflow: no successor */
}

static bool file_exists(const char *p)
{
  struct stat st;
  return stat(p, &st) == 0;
}

/* TSK stops globbing at the first missing segment and opens the rest as a
 * shorter disk, silently. A later segment beyond the gap means the set is
 * incomplete: say so. */
static void check_split_gap(struct rs_image *img)
{
  if (img->nseg < 1)
    return;
  char miss[4096], after[4096];
  if (!next_segment_name(img->segments[img->nseg - 1], miss, sizeof miss))
    return;
  if (!next_segment_name(miss, after, sizeof after))
    return;
  if (!file_exists(miss) && file_exists(after)) {
    img->media_damaged = true;
    add_problem(img, "segment %s is missing but %s exists: only the first %llu bytes of the "
                "media could be read", miss, after, (unsigned long long)img->media_size);
  }
}

/* libewf 20140813 opens a truncated E01, or a set without its E02, reports
 * the full media size and then answers small reads of missing chunks with
 * success (see the report); only whole-chunk reads fail, and not always.
 * libewf itself knows the set is damaged: ask it. */
static void check_ewf_set(struct rs_image *img)
{
  const char *first = img->segments[0];
  char **names = NULL;
  int nn = 0;
  libewf_handle_t *h = NULL;
  if (libewf_glob(first, strlen(first), LIBEWF_FORMAT_UNKNOWN, &names, &nn, NULL) != 1)
    return;
  if (libewf_handle_initialize(&h, NULL) == 1) {
    if (libewf_handle_open(h, names, nn, LIBEWF_OPEN_READ, NULL) == 1) {
      if (libewf_handle_segment_files_corrupted(h, NULL) == 1) {
        img->media_damaged = true;
        add_problem(img, "the EWF segment set is truncated or incomplete (%d segment file%s "
                    "found; libewf reports corrupted segment files): data past the damage "
                    "cannot be read", nn, nn == 1 ? "" : "s");
      }
      libewf_handle_close(h, NULL);
    }
    libewf_handle_free(&h, NULL);
  }
  libewf_glob_free(names, nn, NULL);
}

static bool has_media_problem(const struct rs_image *img)
{
  for (int i = 0; i < img->nproblems; i++)
    if (strncmp(img->problems[i], "volume ", 7) != 0)
      return true;
  return false;
}

/* ---- open ---------------------------------------------------------------- */

enum rs_err rs_image_open(const char *const *segs, int nseg,
                          const struct rs_image_opts *opts,
                          struct rs_image **out, struct rs_diag *d)
{
  *out = NULL;
  if (!segs || nseg < 1 || !segs[0])
    return rs_diag_set(d, RS_E_USAGE, "-", "no image file given");
  if (opts && opts->verbose)
    tsk_verbose = 1; /* libtsk's own switch (-v): process-wide by its design */
  /* every named segment a regular file or block device, named once; then
   * the first one's magic bytes (it is safe to open now) */
  uint64_t size0 = 0;
  enum rs_err se = rs_segments_check_given(segs, nseg, &size0, d);
  if (se != RS_OK)
    return se;
  int fd0 = open(segs[0], O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd0 < 0)
    return rs_diag_set(d, RS_E_OPEN, segs[0], "%s", strerror(errno));
  TSK_IMG_TYPE_ENUM type = sniff_type(fd0, (off_t)size0);
  close(fd0);
  if (opts && opts->img_type) {
    type = tsk_img_type_toid_utf8(opts->img_type);
    if (type == TSK_IMG_TYPE_UNSUPP || type == TSK_IMG_TYPE_DETECT)
      return rs_diag_set(d, RS_E_USAGE, opts->img_type,
                         "unknown image type (supported: %s; see -i list)",
                         rs_image_supported_types());
  }
  if (!(tsk_img_type_supported() & type))
    return rs_diag_set(d, RS_E_UNSUPPORTED, segs[0],
                       "this libtsk build cannot open %s images (supported: %s)",
                       tsk_img_type_toname(type), rs_image_supported_types());
  unsigned ssize = opts ? opts->sector_size : 0;
  if (ssize && (ssize < 512 || ssize % 512 != 0))
    return rs_diag_set(d, RS_E_USAGE, "-b", "sector size %u is not a multiple of 512", ssize);

  /* the segments libtsk/libewf will add by themselves, checked the same way */
  if ((se = rs_segments_check_found(segs, nseg, type, d)) != RS_OK)
    return se;

  tsk_error_reset();
  TSK_IMG_INFO *ti = NULL;
  /* VHD and VHDX through our libvhdi (vhdi.c), which follows a differencing disk's parents */
  if (type == TSK_IMG_TYPE_VHD_VHD ||
      (type == TSK_IMG_TYPE_RAW && !(opts && opts->img_type) && rs_vhdi_is_vhdx(segs[0]))) {
    enum rs_err e = rs_vhdi_open(segs, nseg, ssize, &ti, d);
    if (e != RS_OK)
      return e;
  } else if (!(ti = tsk_img_open_utf8(nseg, segs, type, ssize))) {
    enum rs_err e = rs_ewf_truncated(segs[0], d) ? RS_E_TRUNCATED : rs_diag_set(d, RS_E_OPEN,
        segs[0], "libtsk cannot open it as %s: %s", tsk_img_type_toname(type), tsk_err_text());
    tsk_error_reset();
    return e;
  }
  struct rs_image *img = calloc(1, sizeof *img);
  if (!img) {
    tsk_img_close(ti);
    return rs_diag_set(d, RS_E_NOMEM, segs[0], "out of memory");
  }
  img->img = ti;
  img->media_size = ti->size > 0 ? (uint64_t)ti->size : 0;
  img->sector_size = ti->sector_size ? ti->sector_size : 512;
  snprintf(img->vs_type, sizeof img->vs_type, "none");
  int n = ti->num_img > 0 && ti->images ? ti->num_img : nseg;
  img->segments = calloc((size_t)n, sizeof *img->segments);
  if (!img->segments) {
    rs_image_close(img);
    return rs_diag_set(d, RS_E_NOMEM, segs[0], "out of memory");
  }
  for (int i = 0; i < n; i++) {
    const char *s = ti->num_img > 0 && ti->images ? ti->images[i] : segs[i];
    if (!(img->segments[i] = strdup(s))) {
      rs_image_close(img);
      return rs_diag_set(d, RS_E_NOMEM, segs[0], "out of memory");
    }
    img->nseg++;
  }
  snprintf(img->format, sizeof img->format, "%s",
           rs_vhdi_format(ti) ? rs_vhdi_format(ti) : format_name(ti->itype, n));

  /* libewf opens a truncated E01 or a set without its E02 and reports the
   * full media size; only reads fail. Probe the first and the last sector
   * so an unreadable image is refused here and a partial one is flagged. */
  /* Probe with 64 KiB (one EWF chunk): libewf 20140813 answers small reads
   * of a missing chunk with success, but not a whole-chunk read. */
  enum { PROBE = 65536 };
  char *sec = malloc(PROBE);
  if (!sec) {
    rs_image_close(img);
    return rs_diag_set(d, RS_E_NOMEM, segs[0], "out of memory");
  }
  size_t plen = img->media_size < PROBE ? (size_t)img->media_size : PROBE;
  if (img->media_size == 0 || tsk_img_read(ti, 0, sec, plen) != (ssize_t)plen) {
    enum rs_err e = rs_ewf_truncated(segs[0], d) ? RS_E_TRUNCATED : rs_diag_set(d, RS_E_OPEN, segs[0],
                                img->media_size == 0 ? "the media is empty (0 bytes)"
                                                     : "the first sector cannot be read: %s",
                                tsk_err_text());
    tsk_error_reset();
    free(sec);
    rs_image_close(img);
    return e;
  }
  if (tsk_img_read(ti, (TSK_OFF_T)(img->media_size - plen), sec, plen) != (ssize_t)plen) {
    img->media_damaged = true;
    add_problem(img, "%s: the end of the media (%llu bytes announced) cannot be read; a segment "
                "is missing or truncated: %s", segs[0], (unsigned long long)img->media_size,
                tsk_err_text());
    tsk_error_reset();
  }
  free(sec);
  if (TSK_IMG_TYPE_ISEWF(ti->itype))
    check_ewf_set(img);
  if (TSK_IMG_TYPE_ISRAW(ti->itype)) {
    check_split_gap(img);
    struct rs_buf w;
    rs_buf_init(&w, (size_t)1 << 16);
    if (rs_segments_sizes_warning(img->segments, img->nseg, img->sector_size, &w) != RS_OK ||
        (w.len && add_warning(img, w.data) != RS_OK))
      img->nomem = true;
    rs_buf_free(&w);
  }
  if (img->nomem) {
    rs_image_close(img);
    return rs_diag_set(d, RS_E_NOMEM, segs[0], "out of memory");
  }
  *out = img;
  return RS_OK;
}

/* ---- volumes ------------------------------------------------------------- */

/* NULL when the list is full (RS_MAX_VOLUMES) or memory runs out (nomem) */
static struct rs_volume *add_volume(struct rs_image *img)
{
  if (img->nvol >= RS_MAX_VOLUMES)
    return NULL;
  if (!rs_grow((void **)&img->vols, &img->capvol, (size_t)img->nvol + 1, sizeof *img->vols, 4)) {
    img->nomem = true;
    return NULL;
  }
  struct rs_volume *v = &img->vols[img->nvol];
  memset(v, 0, sizeof *v);
  v->index = img->nvol++;
  return v;
}

/* Notes quote libtsk messages of any length: cut them, never overflow. */
static void set_note(struct rs_volume *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_note(struct rs_volume *v, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(v->note, sizeof v->note, fmt, ap);
  va_end(ap);
}

static enum rs_fs_kind kind_of(TSK_FS_TYPE_ENUM t)
{
  if (TSK_FS_TYPE_ISNTFS(t))
    return RS_FS_NTFS;
  if (t == TSK_FS_TYPE_FAT12)
    return RS_FS_FAT12;
  if (t == TSK_FS_TYPE_FAT16)
    return RS_FS_FAT16;
  if (t == TSK_FS_TYPE_FAT32)
    return RS_FS_FAT32;
  return RS_FS_OTHER;
}

/* UTF-16LE -> UTF-8, bounded; unpaired surrogates become U+FFFD. */
static void utf16le_to_utf8(const uint8_t *in, size_t inlen, char *out, size_t outsz)
{
  size_t o = 0;
  for (size_t i = 0; i + 1 < inlen; i += 2) {
    uint32_t c = (uint32_t)in[i] | (uint32_t)in[i + 1] << 8;
    if (c == 0)
      break;
    if (c >= 0xD800 && c <= 0xDBFF && i + 3 < inlen) {
      uint32_t c2 = (uint32_t)in[i + 2] | (uint32_t)in[i + 3] << 8;
      if (c2 >= 0xDC00 && c2 <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (c2 - 0xDC00);
        i += 2;
      } else {
        c = 0xFFFD;
      }
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;
    }
    char b[4];
    size_t n;
    if (c < 0x80) { b[0] = (char)c; n = 1; }
    else if (c < 0x800) { b[0] = (char)(0xC0 | c >> 6); b[1] = (char)(0x80 | (c & 0x3F)); n = 2; }
    else if (c < 0x10000) {
      b[0] = (char)(0xE0 | c >> 12); b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
      b[2] = (char)(0x80 | (c & 0x3F)); n = 3;
    } else {
      b[0] = (char)(0xF0 | c >> 18); b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
      b[2] = (char)(0x80 | ((c >> 6) & 0x3F)); b[3] = (char)(0x80 | (c & 0x3F)); n = 4;
    }
    if (o + n + 1 > outsz)
      break;
    memcpy(out + o, b, n);
    o += n;
  }
  out[o] = '\0';
}

static uint64_t le(const uint8_t *p, int n)
{
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

/* Label and serial number: NTFS keeps the serial in the boot sector (0x48)
 * and the label in $Volume's $VOLUME_NAME; FAT keeps both in the boot
 * sector (0x27/0x2B, or 0x43/0x47 on FAT32). */
static void read_label_serial(struct rs_volume *v)
{
  uint8_t bs[512];
  if (tsk_fs_read(v->fs, 0, (char *)bs, sizeof bs) != (ssize_t)sizeof bs) {
    tsk_error_reset();
    return;
  }
  if (v->fs_kind == RS_FS_NTFS) {
    v->serial = le(bs + 0x48, 8);
    TSK_FS_FILE *f = tsk_fs_file_open_meta(v->fs, NULL, RS_NTFS_VOLUME_INUM);
    if (f) {
      const TSK_FS_ATTR *a = tsk_fs_file_attr_get_type(f, TSK_FS_ATTR_TYPE_NTFS_VNAME, 0, 0);
      if (a && a->size > 0) {
        uint8_t name[256]; /* labels are at most 32 UTF-16 units */
        size_t want = a->size < (TSK_OFF_T)sizeof name ? (size_t)a->size : sizeof name;
        ssize_t got = tsk_fs_attr_read(a, 0, (char *)name, want, TSK_FS_FILE_READ_FLAG_NONE);
        if (got > 0)
          utf16le_to_utf8(name, (size_t)got, v->label, sizeof v->label);
      }
      tsk_fs_file_close(f);
    }
    tsk_error_reset();
  } else if (v->fs_kind == RS_FS_FAT12 || v->fs_kind == RS_FS_FAT16 ||
             v->fs_kind == RS_FS_FAT32) {
    const uint8_t *ext = bs + (v->fs_kind == RS_FS_FAT32 ? 0x40 : 0x24);
    if (ext[2] == 0x29) { /* extended boot signature: serial and label valid */
      v->serial = le(ext + 3, 4);
      char lab[12];
      memcpy(lab, ext + 7, 11);
      lab[11] = '\0';
      for (int i = 10; i >= 0 && lab[i] == ' '; i--)
        lab[i] = '\0';
      if (strcmp(lab, "NO NAME") != 0) {
        /* Boot sector labels are OEM code page: keep ASCII, mark the rest. */
        size_t o = 0;
        for (int i = 0; lab[i] && o + 4 < sizeof v->label; i++) {
          unsigned char c = (unsigned char)lab[i];
          if (c >= 0x20 && c < 0x7F)
            v->label[o++] = (char)c;
          else
            o += (size_t)snprintf(v->label + o, sizeof v->label - o, "\\x%02x", c);
        }
        v->label[o] = '\0';
      }
    }
  }
}

static bool is_live_file(TSK_FS_FILE *f)
{
  if (!f || !f->meta)
    return false;
  if (f->name && (f->name->flags & TSK_FS_NAME_FLAG_UNALLOC))
    return false;
  return !(f->meta->flags & TSK_FS_META_FLAG_UNALLOC);
}

/* ---- paths when the NTFS root record is unreadable ----
 * TSK resolves every path from the root directory's index, in entry 5's
 * own record: one torn sector there and no path opens at all, though every
 * $FILE_NAME still names entry 5 as its parent. Then the first component
 * is found by that parent reference (a metadata walk that stops at the
 * first match; top-level folders sit low in the MFT) and the rest through
 * their own directory indexes, compared without case as TSK does. */
#define RS_NTFS_ROOT 5u

struct root_child {
  const char *name;
  size_t len;
  TSK_INUM_T inum;
  bool found;
};

static bool name_is(const char *a, size_t amax, const char *b, size_t blen)
{
  return strnlen(a, amax) == blen && strncasecmp(a, b, blen) == 0;
}

static TSK_WALK_RET_ENUM root_child_cb(TSK_FS_FILE *f, void *arg)
{
  struct root_child *q = arg;
  const TSK_FS_META *m = f ? f->meta : NULL;
  if (!m || !(m->flags & TSK_FS_META_FLAG_ALLOC))
    return TSK_WALK_CONT;
  for (const TSK_FS_META_NAME_LIST *nl = m->name2; nl; nl = nl->next) {
    if (nl->par_inode == RS_NTFS_ROOT && name_is(nl->name, sizeof nl->name, q->name, q->len)) {
      q->inum = m->addr;
      q->found = true;
      return TSK_WALK_STOP;
    }
  }
  return TSK_WALK_CONT;
}

static bool dir_child(TSK_FS_INFO *fs, TSK_INUM_T dir, const char *name, size_t len,
                      TSK_INUM_T *out)
{
  TSK_FS_DIR *d = tsk_fs_dir_open_meta(fs, dir);
  bool found = false;
  for (size_t i = 0, n = d ? tsk_fs_dir_getsize(d) : 0; i < n && !found; i++) {
    const TSK_FS_NAME *nm = tsk_fs_dir_get_name(d, i);
    if (nm && nm->name && (nm->flags & TSK_FS_NAME_FLAG_ALLOC) &&
        name_is(nm->name, nm->name_size, name, len)) {
      *out = nm->meta_addr;
      found = true;
    }
  }
  tsk_fs_dir_close(d);
  return found;
}

/* tsk_fs_file_open() by path, with the fallback above on NTFS. NULL when
 * absent (the TSK error is cleared). */
static TSK_FS_FILE *open_path(TSK_FS_INFO *fs, const char *path)
{
  tsk_error_reset();
  TSK_FS_FILE *f = tsk_fs_file_open(fs, NULL, path);
  if (f || !TSK_FS_TYPE_ISNTFS(fs->ftype))
    return f;
  TSK_FS_FILE *root = tsk_fs_file_open_meta(fs, NULL, fs->root_inum);
  tsk_fs_file_close(root);
  tsk_error_reset();
  if (root || fs->root_inum != RS_NTFS_ROOT)
    return NULL; /* the root's record reads: TSK's answer stands */
  TSK_INUM_T cur = RS_NTFS_ROOT;
  for (const char *p = path; *p;) {
    while (*p == '/')
      p++;
    size_t len = strcspn(p, "/");
    if (len == 0)
      break;
    bool ok;
    if (cur == RS_NTFS_ROOT) {
      struct root_child q = {p, len, 0, false};
      tsk_fs_meta_walk(fs, fs->first_inum, fs->last_inum, TSK_FS_META_FLAG_ALLOC, root_child_cb,
                       &q);
      ok = q.found;
      cur = q.inum;
    } else {
      ok = dir_child(fs, cur, p, len, &cur);
    }
    tsk_error_reset();
    if (!ok)
      return NULL;
    p += len;
  }
  f = cur == RS_NTFS_ROOT ? NULL : tsk_fs_file_open_meta(fs, NULL, cur);
  tsk_error_reset();
  return f;
}

/* A Windows system folder is any top-level folder that holds
 * system32/config/SYSTEM (WINNT on NT/2000, WINDOWS on XP, anything when
 * installed elsewhere). WINNT and WINDOWS are tried first; then every
 * top-level directory in on-disk order. */
static void find_windows_root(struct rs_volume *v)
{
  static const char *const usual[] = {"WINNT", "WINDOWS"};
  char path[512];
  for (size_t i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "/%s/system32/config/SYSTEM", usual[i]);
    TSK_FS_FILE *f = open_path(v->fs, path);
    bool ok = is_live_file(f);
    tsk_fs_file_close(f);
    tsk_error_reset();
    if (ok) {
      /* Keep the case as stored on disk. */
      TSK_FS_FILE *dir = open_path(v->fs, usual[i]);
      const char *stored = dir && dir->name && dir->name->name ? dir->name->name : usual[i];
      snprintf(v->windows_root, sizeof v->windows_root, "/%s", stored);
      tsk_fs_file_close(dir);
      tsk_error_reset();
      return;
    }
  }
  TSK_FS_DIR *root = tsk_fs_dir_open_meta(v->fs, v->fs->root_inum);
  if (!root) {
    tsk_error_reset();
    return;
  }
  size_t n = tsk_fs_dir_getsize(root);
  for (size_t i = 0; i < n && i < 4096; i++) {
    TSK_FS_FILE *e = tsk_fs_dir_get(root, i);
    if (!e)
      continue;
    bool cand = e->name && e->name->name && e->name->type == TSK_FS_NAME_TYPE_DIR &&
                !(e->name->flags & TSK_FS_NAME_FLAG_UNALLOC) && e->name->name[0] != '.' &&
                e->name->name[0] != '$' && strlen(e->name->name) < 200;
    if (cand) {
      snprintf(path, sizeof path, "/%s/system32/config/SYSTEM", e->name->name);
      TSK_FS_FILE *f = tsk_fs_file_open(v->fs, NULL, path);
      if (is_live_file(f))
        snprintf(v->windows_root, sizeof v->windows_root, "/%s", e->name->name);
      tsk_fs_file_close(f);
    }
    tsk_fs_file_close(e);
    tsk_error_reset();
    if (v->windows_root[0])
      break;
  }
  tsk_fs_dir_close(root);
}

/* Opens the file system of one volume. On a multiple match TSK says
 * "Cannot determine file system type (A or B)"; we then try NTFS and FAT
 * explicitly and refuse to guess, naming what matched. */
static void open_fs(struct rs_image *img, struct rs_volume *v, TSK_OFF_T off,
                    const struct rs_image_opts *opts)
{
  TSK_FS_TYPE_ENUM want = TSK_FS_TYPE_DETECT;
  if (opts && opts->fs_type)
    want = tsk_fs_type_toid_utf8(opts->fs_type);
  tsk_error_reset();
  v->fs = tsk_fs_open_img(img->img, off, want);
  if (v->fs) {
    v->fs_kind = kind_of(v->fs->ftype);
    snprintf(v->fs_name, sizeof v->fs_name, "%s", tsk_fs_type_toname(v->fs->ftype));
    read_label_serial(v);
    return;
  }
  const char *es = tsk_error_get_errstr();
  char detail[256];
  snprintf(detail, sizeof detail, "%s", es ? es : "");
  uint32_t eno = tsk_error_get_errno();
  char full[512];
  snprintf(full, sizeof full, "%s", tsk_err_text());
  tsk_error_reset();
  if (want == TSK_FS_TYPE_DETECT && eno == TSK_ERR_FS_UNKTYPE && strstr(detail, " or ")) {
    char matched[128] = "";
    static const struct { TSK_FS_TYPE_ENUM t; const char *n; } probe[] = {
        {TSK_FS_TYPE_NTFS_DETECT, "NTFS"}, {TSK_FS_TYPE_FAT_DETECT, "FAT"}};
    for (size_t i = 0; i < 2; i++) {
      TSK_FS_INFO *f = tsk_fs_open_img(img->img, off, probe[i].t);
      if (f) {
        size_t l = strlen(matched);
        snprintf(matched + l, sizeof matched - l, "%s%s", l ? " and " : "", probe[i].n);
        tsk_fs_close(f);
      }
      tsk_error_reset();
    }
    v->ambiguous = true;
    v->fs_kind = RS_FS_NONE;
    set_note(v,
             "ambiguous: more than one file system matches (libtsk: %s%s%s); not opened, "
             "use -f to choose", detail, matched[0] ? "; opens as " : "", matched);
  } else if (want != TSK_FS_TYPE_DETECT) {
    set_note(v, "cannot be opened as %s: %s", opts->fs_type, full);
  } else {
    set_note(v, "%s", full);
  }
  add_problem(img, "volume %d at sector %llu: %s", v->index,
              (unsigned long long)v->start_sector, v->note);
}

struct walk_ctx {
  struct rs_image *img;
  const struct rs_image_opts *opts;
  bool full;
};

/* One partition: checks it against the media size, opens its file system. */
static void add_partition(struct walk_ctx *c, struct rs_volume *v, uint64_t start, uint64_t len,
                          const char *desc, uint64_t bs, uint64_t vs_offset)
{
  v->start_sector = start;
  v->sectors = len;
  snprintf(v->part_desc, sizeof v->part_desc, "%s", desc ? desc : "");
  uint64_t end_byte = (start + len) * bs + vs_offset;
  if (start * bs >= c->img->media_size) {
    set_note(v,
             "partition starts beyond the end of the media (%llu bytes): not readable",
             (unsigned long long)c->img->media_size);
    add_problem(c->img, "volume %d at sector %llu: %s", v->index,
                (unsigned long long)v->start_sector, v->note);
    return;
  }
  open_fs(c->img, v, (TSK_OFF_T)(start * bs + vs_offset), c->opts);
  if (end_byte > c->img->media_size) {
    char prev[sizeof v->note];
    snprintf(prev, sizeof prev, "%s", v->note);
    set_note(v, "partition ends beyond the end of the media (%llu bytes): its tail is missing%s%s",
             (unsigned long long)c->img->media_size, prev[0] ? "; " : "", prev);
    add_problem(c->img, "volume %d at sector %llu: %s", v->index,
                (unsigned long long)v->start_sector, v->note);
    if (prev[0] && c->img->nproblems >= 2) {
      /* open_fs already recorded the short form: keep only the long one. */
      char **pr = c->img->problems;
      int n = c->img->nproblems;
      free(pr[n - 2]);
      pr[n - 2] = pr[n - 1];
      c->img->nproblems--;
    }
  }
}

static TSK_WALK_RET_ENUM part_cb(TSK_VS_INFO *vs, const TSK_VS_PART_INFO *p, void *ptr)
{
  struct walk_ctx *c = ptr;
  struct rs_volume *v = add_volume(c->img);
  if (!v) {
    c->full = !c->img->nomem;
    return TSK_WALK_STOP;
  }
  add_partition(c, v, (uint64_t)p->start, (uint64_t)p->len, p->desc,
                vs->block_size ? vs->block_size : 512, (uint64_t)vs->offset);
  return TSK_WALK_CONT;
}

/* libtsk refuses a whole DOS table when one of its first two entries starts
 * past the end of the media (a truncated image cut before the second
 * partition). The other entries are still good evidence: read the four
 * primary entries ourselves. Returns the number of file systems opened or,
 * when none opens (an image cut inside its first partition), the number of
 * entries that start inside the media if the table is well formed (every
 * boot flag 0x00 or 0x80): the volumes are then reported with what could
 * not be read, rather than the whole image being called unopenable. Random
 * bytes that happen to end in 55 AA rarely pass that test. */
static int mbr_fallback(struct rs_image *img, const struct rs_image_opts *opts, unsigned ss)
{
  uint8_t mbr[512];
  if (tsk_img_read(img->img, 0, (char *)mbr, sizeof mbr) != (ssize_t)sizeof mbr ||
      mbr[510] != 0x55 || mbr[511] != 0xAA)
    return 0;
  tsk_error_reset();
  struct walk_ctx c = {img, opts, false};
  int opened = 0, inside = 0;
  bool well_formed = true;
  for (int i = 0; i < 4; i++)
    well_formed &= mbr[446 + 16 * i] == 0x00 || mbr[446 + 16 * i] == 0x80;
  for (int i = 0; i < 4; i++) {
    const uint8_t *e = mbr + 446 + 16 * i;
    uint8_t type = e[4];
    uint64_t start = le(e + 8, 4), len = le(e + 12, 4);
    /* empty, extended (its chain needs the full walk) and GPT-protective entries */
    if (type == 0 || len == 0 || start == 0 || type == 0x05 || type == 0x0F || type == 0x85 ||
        type == 0xEE)
      continue;
    struct rs_volume *v = add_volume(img);
    if (!v)
      break;
    char desc[128];
    snprintf(desc, sizeof desc, "DOS entry %d, type 0x%02x (read directly)", i, type);
    add_partition(&c, v, start, len, desc, ss, 0);
    if (v->fs)
      opened++;
    if (start * ss < img->media_size)
      inside++;
  }
  return opened ? opened : well_formed ? inside : 0;
}

enum rs_err rs_image_volumes(struct rs_image *img, const struct rs_image_opts *opts,
                             struct rs_diag *d)
{
  if (!img || !img->img)
    return rs_diag_set(d, RS_E_USAGE, "-", "no image");
  const char *where = img->nseg ? img->segments[0] : "-";
  unsigned ss = img->sector_size ? img->sector_size : 512;
  TSK_VS_INFO *vs = NULL;
  if (opts && opts->fs_offset >= 0) {
    /* -o: the user names the file system offset; no partition detection. */
    if ((uint64_t)opts->fs_offset * ss >= img->media_size)
      return rs_diag_set(d, RS_E_USAGE, "-o",
                         "offset %lld sectors is beyond the end of the media (%llu bytes)",
                         (long long)opts->fs_offset, (unsigned long long)img->media_size);
    snprintf(img->vs_type, sizeof img->vs_type, "none");
    struct rs_volume *v = add_volume(img);
    if (!v)
      return rs_diag_set(d, RS_E_NOMEM, where, "out of memory");
    v->start_sector = (uint64_t)opts->fs_offset;
    v->sectors = img->media_size / ss - (uint64_t)opts->fs_offset;
    snprintf(v->part_desc, sizeof v->part_desc, "given with -o");
    open_fs(img, v, (TSK_OFF_T)((uint64_t)opts->fs_offset * ss), opts);
  } else {
    tsk_error_reset();
    vs = tsk_vs_open(img->img, 0, TSK_VS_TYPE_DETECT);
    if (vs) {
      snprintf(img->vs_type, sizeof img->vs_type, "%s", tsk_vs_type_toname(vs->vstype));
      struct walk_ctx c = {img, opts, false};
      if (vs->part_count > 0 &&
          tsk_vs_part_walk(vs, 0, vs->part_count - 1, TSK_VS_PART_FLAG_ALLOC, part_cb, &c)) {
        add_problem(img, "%s: the partition table could not be walked completely: %s", where,
                    tsk_err_text());
        tsk_error_reset();
      }
      if (c.full)
        add_problem(img, "%s: more than %d partitions; the rest are not listed", where,
                    RS_MAX_VOLUMES);
    } else {
      /* No partition table (tsk_error_get() may be empty here): a bare
       * file system, as a volume image or a floppy. */
      tsk_error_reset();
      snprintf(img->vs_type, sizeof img->vs_type, "none");
      struct rs_volume *v = add_volume(img);
      if (!v)
        return rs_diag_set(d, RS_E_NOMEM, where, "out of memory");
      v->start_sector = 0;
      v->sectors = img->media_size / ss;
      open_fs(img, v, 0, opts);
      if (!v->fs && !v->ambiguous) {
        /* Not a bare file system either: maybe a DOS table libtsk rejected. */
        int keep_problems = img->nproblems - 1; /* drop open_fs's note on sector 0 */
        img->nvol = 0;
        for (int i = keep_problems; i >= 0 && i < img->nproblems; i++)
          free(img->problems[i]);
        if (keep_problems >= 0)
          img->nproblems = keep_problems;
        char saved[sizeof v->note];
        snprintf(saved, sizeof saved, "%s", v->note);
        v = NULL;
        int nfound = mbr_fallback(img, opts, ss);
        if (img->nomem)
          return rs_diag_set(d, RS_E_NOMEM, where, "out of memory");
        if (nfound > 0) {
          snprintf(img->vs_type, sizeof img->vs_type, "dos");
          add_problem(img, "%s: libtsk rejects the DOS partition table (an entry starts past the "
                           "end of the media); its primary entries were read directly",
                      where);
          goto volumes_done;
        }
        /* Nothing to examine: neither a partition table nor a file system. */
        if (has_media_problem(img))
          return rs_diag_set(d, RS_E_TRUNCATED, where,
                             "no partition table and no file system could be read; %s",
                             img->problems[0]);
        uint8_t mbr[512];
        if (tsk_img_read(img->img, 0, (char *)mbr, sizeof mbr) == (ssize_t)sizeof mbr &&
            mbr[510] == 0x55 && mbr[511] == 0xAA)
          return rs_diag_set(d, RS_E_CORRUPT, where,
                             "sector 0 ends with the partition table signature 55 AA but libtsk "
                             "rejects the table (an entry may point past the end of the media) "
                             "and no file system starts at sector 0 (%s)", saved);
        tsk_error_reset();
        return rs_diag_set(d, RS_E_FORMAT, where,
                           "no partition table and no file system recognised (%s)", saved);
      }
    }
  }
volumes_done:
  if (vs)
    tsk_vs_close(vs);
  if (img->nomem)
    return rs_diag_set(d, RS_E_NOMEM, where, "out of memory");

  /* Drive letters: Windows gives C:, D:, ... to the volumes it can read, in
   * partition order. This is an assumption until MountedDevices says more. */
  char letter = 'C';
  for (int i = 0; i < img->nvol; i++) {
    struct rs_volume *v = &img->vols[i];
    if (!v->fs)
      continue;
    if (v->fs_kind != RS_FS_OTHER && v->fs_kind != RS_FS_NONE && letter <= 'Z') {
      snprintf(v->drive, sizeof v->drive, "%c:", letter++);
      v->drive_assumed = true;
    }
    if (v->fs_kind != RS_FS_OTHER)
      find_windows_root(v);
  }
  return RS_OK;
}

void rs_image_close(struct rs_image *img)
{
  if (!img)
    return;
  for (int i = 0; i < img->nvol; i++)
    if (img->vols[i].fs)
      tsk_fs_close(img->vols[i].fs);
  free(img->vols);
  for (int i = 0; i < img->nseg; i++)
    free(img->segments[i]);
  free(img->segments);
  for (int i = 0; i < img->nproblems; i++)
    free(img->problems[i]);
  free(img->problems);
  for (int i = 0; i < img->nwarnings; i++)
    free(img->warnings[i]);
  free(img->warnings);
  if (img->img)
    tsk_img_close(img->img);
  rs_coll_free(img->coll);
  free(img);
}

enum rs_err rs_volume_read_path(const struct rs_volume *v, const char *path,
                                size_t max, uint8_t **data, size_t *len,
                                uint64_t *inum, struct rs_diag *d)
{
  *data = NULL;
  *len = 0;
  if (v && v->coll)
    return rs_coll_read_path(v->coll, v->index, path, max, data, len, inum, d);
  if (!v || !v->fs || !path)
    return rs_diag_set(d, RS_E_USAGE, path ? path : "-", "no open file system");
  TSK_FS_FILE *f = open_path(v->fs, path);
  if (!f || !f->meta) {
    tsk_fs_file_close(f);
    tsk_error_reset();
    return RS_OK; /* absence is a result */
  }
  if (inum)
    *inum = (uint64_t)f->meta->addr;
  TSK_OFF_T sz = f->meta->size;
  if (sz < 0 || (uint64_t)sz > max) {
    tsk_fs_file_close(f);
    return rs_diag_set(d, RS_E_LIMIT, path, "file is %lld bytes, more than the %zu allowed",
                       (long long)sz, max);
  }
  uint8_t *buf = malloc(sz > 0 ? (size_t)sz : 1);
  if (!buf) {
    tsk_fs_file_close(f);
    return rs_diag_set(d, RS_E_NOMEM, path, "out of memory");
  }
  size_t got = 0;
  while (got < (size_t)sz) {
    size_t want = (size_t)sz - got;
    if (want > 8u << 20)
      want = 8u << 20;
    ssize_t n = tsk_fs_file_read(f, (TSK_OFF_T)got, (char *)buf + got, want,
                                 TSK_FS_FILE_READ_FLAG_NONE);
    if (n <= 0) {
      enum rs_err e = rs_diag_set(d, RS_E_IO, path, "read failed at byte %zu: %s", got,
                                  tsk_err_text());
      tsk_error_reset();
      free(buf);
      tsk_fs_file_close(f);
      return e;
    }
    got += (size_t)n;
  }
  tsk_fs_file_close(f);
  *data = buf;
  *len = got;
  return RS_OK;
}
