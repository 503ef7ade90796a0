/* VHD and VHDX through libvhdi, given to libtsk as an external image
 * (tsk_img_open_external): libtsk's own VHD support opens neither a VHDX by
 * its signature nor a differencing disk's parent.
 *
 * libvhdi embeds its own libbfio/libcdata/libcerror copies, as libregf and
 * libewf do, in other versions (fixture-recipes.md section 0). This file is
 * linked with libvhdi.a into one object whose only global symbols are
 * rs_vhdi_*, every libvhdi and libyal helper renamed and made local
 * (src/lib/evidence/vhdi-private.sh): libvhdi calls its own helpers, and
 * nobody else's calls reach them.
 *
 * libvhdi 20210425 opens, identifies and checks every disk of a chain and
 * reads its last disk (the fixed or dynamic base); the blocks of a
 * differencing VHDX are resolved here (see "differencing VHDX" below).
 *
 * Read-only throughout: every file of the chain is opened for reading only. */
#include "redsleuth/vhdi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvhdi.h>

/* A differencing VHDX, read here: its block allocation table (BAT). */
struct diff_disk {
  int fd;
  uint64_t bat, entries;       /* the BAT's file offset and length in entries */
  uint32_t block_size, ratio;  /* ratio: payload entries per sector bitmap entry */
  uint32_t sector;             /* logical sector size */
  uint64_t last_block, last_entry; /* one entry cached: reads come in order */
  bool have_last;
};

struct vhdi_img {
  TSK_IMG_INFO info; /* first: libtsk only sees this part */
  libvhdi_file_t *file[RS_VHDI_MAX_CHAIN];
  struct rs_vhdi_chain chain;
  TSK_TCHAR *names[1]; /* info.images: the file opened */
  /* disks 0 .. ndiff-1 are differencing VHDX read here, disk ndiff by libvhdi */
  struct diff_disk diff[RS_VHDI_MAX_CHAIN];
  int ndiff;
};

bool rs_vhdi_is_vhdx(const char *path)
{
  char sig[8];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool yes = pread(fd, sig, sizeof sig, 0) == (ssize_t)sizeof sig &&
             memcmp(sig, "vhdxfile", sizeof sig) == 0;
  close(fd);
  return yes;
}

/* libvhdi's error backtrace (innermost first) on one line. */
static void err_text(libvhdi_error_t **e, char *out, size_t n)
{
  char raw[2048] = "";
  out[0] = '\0';
  if (*e && libvhdi_error_backtrace_sprint(*e, raw, sizeof raw) < 0)
    raw[0] = '\0';
  libvhdi_error_free(e);
  size_t o = 0;
  for (const char *s = raw; *s && o + 3 < n; s++) {
    if (*s == '\n' || *s == '\r') {
      if (s[1] && o) {
        out[o++] = ';';
        out[o++] = ' ';
      }
    } else {
      out[o++] = *s;
    }
  }
  out[o] = '\0';
  if (!out[0])
    snprintf(out, n, "no detail from libvhdi");
}

static void free_files(struct vhdi_img *v)
{
  /* the child first: it reads through its parent */
  for (int i = 0; i < RS_VHDI_MAX_CHAIN; i++) {
    if (!v->file[i])
      continue;
    libvhdi_file_close(v->file[i], NULL);
    libvhdi_file_free(&v->file[i], NULL);
  }
  for (int i = 0; i < v->ndiff; i++)
    if (v->diff[i].fd >= 0)
      close(v->diff[i].fd);
  v->ndiff = 0;
}

static void vhdi_close(TSK_IMG_INFO *ti)
{
  struct vhdi_img *v = (struct vhdi_img *)ti;
  free_files(v);
  free(v->names[0]);
  free(v);
}

static void vhdi_imgstat(TSK_IMG_INFO *ti, FILE *fp)
{
  const struct vhdi_img *v = (const struct vhdi_img *)ti;
  fprintf(fp, "IMAGE FILE INFORMATION\n--------------------------------------------\n");
  fprintf(fp, "Image Type:\t\t%s (%s, through %s)\n", v->chain.disk[0].format,
          v->chain.disk[0].type, v->chain.reader);
  fprintf(fp, "\nSize of data in bytes:\t%lld\nSector size:\t%u\n", (long long)ti->size,
          ti->sector_size);
  for (int i = 1; i < v->chain.n; i++)
    fprintf(fp, "Parent %d:\t%s\n", i, v->chain.disk[i].path);
}

const struct rs_vhdi_chain *rs_vhdi_chain(const TSK_IMG_INFO *ti)
{
  if (!ti || ti->itype != TSK_IMG_TYPE_EXTERNAL || ti->close != vhdi_close)
    return NULL;
  return &((const struct vhdi_img *)ti)->chain;
}

const char *rs_vhdi_format(const TSK_IMG_INFO *ti)
{
  const struct rs_vhdi_chain *c = rs_vhdi_chain(ti);
  return c ? c->disk[0].format : NULL;
}

/* GUIDs as Windows prints them. libvhdi hands them over in big-endian
 * order for VHD and VHDX alike (it swaps a VHDX header's little-endian
 * fields), the order a child's parent link is compared in. */
static void guid_text(const uint8_t g[16], char out[40])
{
  snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[0],
           g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14],
           g[15]);
}

/* Opens one file of the chain and describes it in *disk. */
static enum rs_err open_one(const char *path, libvhdi_file_t **f, struct rs_vhdi_disk *disk,
                            const char *child, struct rs_diag *d)
{
  libvhdi_error_t *e = NULL;
  char why[512];
  snprintf(disk->path, sizeof disk->path, "%s", path);
  if (libvhdi_file_initialize(f, &e) != 1 || libvhdi_file_open(*f, path, LIBVHDI_OPEN_READ, &e) != 1) {
    err_text(&e, why, sizeof why);
    if (*f)
      libvhdi_file_free(f, NULL);
    if (child)
      return rs_diag_set(d, RS_E_OPEN, child, "its parent disk %s cannot be opened by libvhdi: %s",
                         path, why);
    return rs_diag_set(d, RS_E_OPEN, path, "libvhdi cannot open it as a VHD or VHDX: %s", why);
  }
  int ft = 0;
  uint32_t dt = 0;
  uint8_t g[16];
  libvhdi_file_get_file_type(*f, &ft, NULL);
  libvhdi_file_get_disk_type(*f, &dt, NULL);
  snprintf(disk->format, sizeof disk->format, "%s", ft == LIBVHDI_FILE_TYPE_VHDX ? "vhdx" : "vhd");
  snprintf(disk->type, sizeof disk->type, "%s",
           dt == LIBVHDI_DISK_TYPE_FIXED     ? "fixed"
           : dt == LIBVHDI_DISK_TYPE_DYNAMIC ? "dynamic"
           : dt == LIBVHDI_DISK_TYPE_DIFFERENTIAL ? "differencing"
                                                  : "unknown");
  if (libvhdi_file_get_identifier(*f, g, sizeof g, NULL) == 1)
    guid_text(g, disk->identifier);
  return RS_OK;
}

/* The parent's name as the child stores it is a Windows path
 * ("C:\VMs\base.vhdx", ".\base.vhdx"): its last component is looked for in
 * the child's folder, the exact name first, then one that differs only in
 * case (Windows names ignore case), refusing when several do. Paths from
 * the evidence never lead anywhere else. Messages are about `where`, the
 * file the examiner named. */
static enum rs_err find_parent(const char *where, const char *child, const char *stored,
                               char *out, size_t outsz, struct rs_diag *d)
{
  const char *base = stored;
  for (const char *s = stored; *s; s++)
    if (*s == '\\' || *s == '/' || (*s == ':' && s == stored + 1))
      base = s + 1;
  if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
    return rs_diag_set(d, RS_E_OPEN, where,
                       "differencing disk %s names its parent \"%s\", which holds no file name",
                       child, stored);
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", child);
  char *slash = strrchr(dir, '/');
  if (slash)
    slash[slash == dir ? 1 : 0] = '\0';
  if (snprintf(out, outsz, "%s%s%s", slash ? dir : "", slash && slash != dir ? "/" : "", base) >=
      (int)outsz)
    return rs_diag_set(d, RS_E_LIMIT, where, "the path of the parent %s is too long", base);
  struct stat st;
  if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
    return RS_OK;
  DIR *dp = opendir(slash ? dir : ".");
  int found = 0;
  char first[1024] = "";
  for (struct dirent *de; dp && (de = readdir(dp));) {
    if (strcasecmp(de->d_name, base) != 0)
      continue;
    if (found++ == 0)
      snprintf(first, sizeof first, "%s", de->d_name);
  }
  if (dp)
    closedir(dp);
  if (found > 1)
    return rs_diag_set(d, RS_E_AMBIGUOUS, where,
                       "%d files beside differencing disk %s match its parent name \"%s\" when "
                       "case is ignored; refusing to guess", found, child, base);
  if (found == 0)
    return rs_diag_set(d, RS_E_OPEN, where,
                       "the parent of differencing disk %s is missing: %s not found (the disk "
                       "names its parent \"%s\"); put the parent disk beside it",
                       child, out, stored);
  snprintf(out, outsz, "%s%s%s", slash ? dir : "", slash && slash != dir ? "/" : "", first);
  return RS_OK;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Opens disk i's parent as disk i+1. */
static enum rs_err open_parent(struct vhdi_img *v, int i, struct stat *seen, struct rs_diag *d)
{
  const char *child = v->chain.disk[0].path;
  struct rs_vhdi_disk *p = &v->chain.disk[i + 1];
  if (i + 1 >= RS_VHDI_MAX_CHAIN)
    return rs_diag_set(d, RS_E_LIMIT, child, "more than %d differencing disks in the chain",
                       RS_VHDI_MAX_CHAIN - 1);
  libvhdi_error_t *e = NULL;
  char why[512];
  int r = libvhdi_file_get_utf8_parent_filename(v->file[i], (uint8_t *)p->named_as,
                                                sizeof p->named_as, &e);
  if (r != 1) {
    err_text(&e, why, sizeof why);
    return rs_diag_set(d, RS_E_OPEN, child, "differencing disk %s names no parent file%s%s",
                       v->chain.disk[i].path, r < 0 ? ": " : "", r < 0 ? why : "");
  }
  char path[4096];
  enum rs_err er = find_parent(child, v->chain.disk[i].path, p->named_as, path, sizeof path, d);
  if (er != RS_OK)
    return er;
  if (stat(path, &seen[i + 1]) != 0)
    return rs_diag_set(d, RS_E_OPEN, child, "its parent disk %s: %s", path, strerror(errno));
  for (int k = 0; k <= i; k++)
    if (same_file(&seen[k], &seen[i + 1]))
      return rs_diag_set(d, RS_E_CORRUPT, child,
                         "the parent chain loops: %s names %s, which is already in the chain",
                         v->chain.disk[i].path, path);
  er = open_one(path, &v->file[i + 1], p, child, d);
  if (er != RS_OK)
    return er;
  v->chain.n = i + 2;
  size64_t cs = 0, ps = 0;
  libvhdi_file_get_media_size(v->file[i], &cs, NULL);
  libvhdi_file_get_media_size(v->file[i + 1], &ps, NULL);
  if (cs != ps)
    return rs_diag_set(d, RS_E_OPEN, child,
                       "%s (%llu bytes) cannot be the parent of %s (%llu bytes): the sizes differ",
                       path, (unsigned long long)ps, v->chain.disk[i].path, (unsigned long long)cs);
  /* libvhdi checks that the child's parent identifier is this disk's */
  if (libvhdi_file_set_parent_file(v->file[i], v->file[i + 1], &e) != 1) {
    err_text(&e, why, sizeof why);
    return rs_diag_set(d, RS_E_OPEN, child,
                       "%s is not the parent %s was made from (%s); the right parent is needed",
                       path, v->chain.disk[i].path, why);
  }
  return RS_OK;
}

/* ---- differencing VHDX ------------------------------------------------- */

/* libvhdi 20210425 reads a differencing VHDX wrongly: for every block not
 * FULLY_PRESENT it takes the block's sector bitmap from wherever the chunk's
 * sector bitmap entry points, even when that entry is NOT_PRESENT (file
 * offset 0), so a block the child never wrote reads bits from the file's
 * own header and, where they are set, the header's bytes as disk data; and
 * it reads a PAYLOAD_BLOCK_ZERO block from the parent. Its newest release
 * still does. The BAT is therefore read here, per [MS-VHDX] 2.5.1:
 *   FULLY_PRESENT (6)        the child's data block
 *   PARTIALLY_PRESENT (7)    per sector: the child's where its sector
 *                            bitmap bit is set, else the parent's
 *   ZERO (2)                 zeros
 *   NOT_PRESENT (0), UNDEFINED (1), UNMAPPED (3): the parent's (the last two
 *                            have undefined contents: the parent's will do)
 * The first disk that is not a differencing VHDX (the base) is read by
 * libvhdi. */

static uint64_t rd_le(const uint8_t *p, int n)
{
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

/* GUIDs as a VHDX stores them */
static const uint8_t bat_id[16] = {0x66, 0x77, 0xC2, 0x2D, 0x23, 0xF6, 0x00, 0x42,
                                   0x9D, 0x64, 0x11, 0x5E, 0x9B, 0xFD, 0x4A, 0x08};
static const uint8_t meta_id[16] = {0x06, 0xA2, 0x7C, 0x8B, 0x90, 0x47, 0x9A, 0x4B,
                                    0xB8, 0xFE, 0x57, 0x5F, 0x05, 0x0F, 0x88, 0x6E};
static const uint8_t params_id[16] = {0x37, 0x67, 0xA1, 0xCA, 0x36, 0xFA, 0x43, 0x4D,
                                      0xB3, 0xB6, 0x33, 0xF0, 0xAA, 0x44, 0xE7, 0x6B};
static const uint8_t lss_id[16] = {0x1D, 0xBF, 0x41, 0x81, 0x6F, 0xA9, 0x09, 0x47,
                                   0xBA, 0x47, 0xF2, 0x33, 0xA8, 0xFA, 0xAB, 0x5F};

#define TABLE_SIZE (64 * 1024)
#define MIB (1024u * 1024u)

/* The region table (the first copy, else the second), then the metadata
 * table: where the BAT is, the block size and the logical sector size. */
static bool diff_layout(struct diff_disk *b, uint64_t fsize)
{
  uint8_t *t = malloc(TABLE_SIZE);
  bool ok = false;
  uint64_t meta = 0, n;
  for (int k = 0; t && k < 2 && !ok; k++)
    ok = pread(b->fd, t, TABLE_SIZE, (192 + 64 * k) * 1024) == TABLE_SIZE &&
         memcmp(t, "regi", 4) == 0;
  for (n = ok ? rd_le(t + 8, 4) : 0; ok && n <= 2047 && n-- > 0;) {
    const uint8_t *e = t + 16 + 32 * n;
    if (memcmp(e, bat_id, 16) == 0) {
      b->bat = rd_le(e + 16, 8);
      b->entries = rd_le(e + 24, 4) / 8;
    } else if (memcmp(e, meta_id, 16) == 0) {
      meta = rd_le(e + 16, 8);
    }
  }
  ok = ok && meta && pread(b->fd, t, TABLE_SIZE, (off_t)meta) == TABLE_SIZE &&
       memcmp(t, "metadata", 8) == 0;
  for (n = ok ? rd_le(t + 10, 2) : 0; ok && n <= 2047 && n-- > 0;) {
    const uint8_t *e = t + 32 + 32 * n;
    uint8_t v[4];
    bool p = memcmp(e, params_id, 16) == 0, l = memcmp(e, lss_id, 16) == 0;
    if ((p || l) && pread(b->fd, v, 4, (off_t)(meta + rd_le(e + 16, 4))) == 4)
      *(p ? &b->block_size : &b->sector) = (uint32_t)rd_le(v, 4);
  }
  free(t);
  uint32_t bs = b->block_size;
  if (!ok || bs < MIB || bs > 256 * MIB || (bs & (bs - 1)) || (b->sector != 512 && b->sector != 4096))
    return false;
  b->ratio = (uint32_t)(((uint64_t)1 << 23) * b->sector / bs);
  return b->entries > 0 && b->bat < fsize && b->entries <= (fsize - b->bat) / 8;
}

static ssize_t read_fail(const struct vhdi_img *v, int i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static ssize_t read_fail(const struct vhdi_img *v, int i, const char *fmt, ...)
{
  char why[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  tsk_error_reset();
  tsk_error_set_errno(TSK_ERR_IMG_READ);
  tsk_error_set_errstr("%s: %s", v->chain.disk[i].path, why);
  return -1;
}

static bool pread_all(int fd, void *buf, size_t n, uint64_t off)
{
  for (size_t got = 0; got < n;) {
    ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
    if (r <= 0)
      return false;
    got += (size_t)r;
  }
  return true;
}

static bool bat_entry(struct diff_disk *b, uint64_t idx, uint64_t *e)
{
  uint8_t raw[8];
  if (idx >= b->entries || !pread_all(b->fd, raw, 8, b->bat + idx * 8))
    return false;
  *e = rd_le(raw, 8);
  return true;
}

static ssize_t read_disk(struct vhdi_img *v, int i, uint64_t off, uint8_t *buf, size_t len);

/* Part [in, in+n) of partially present block k of disk i, its data at foff. */
static ssize_t read_partial(struct vhdi_img *v, int i, uint64_t k, uint64_t foff, uint64_t in,
                            size_t n, uint8_t *buf)
{
  struct diff_disk *b = &v->diff[i];
  uint64_t be;
  if (!bat_entry(b, (k / b->ratio) * (b->ratio + 1) + b->ratio, &be) || (be & 7) != 6)
    return read_fail(v, i, "block %llu is partially present but its sector bitmap is not",
                     (unsigned long long)k);
  uint64_t first = in / b->sector, last = (in + n - 1) / b->sector;
  size_t nb = (size_t)(last / 8 - first / 8 + 1);
  uint8_t *bits = malloc(nb);
  uint64_t boff = (be >> 20) * MIB + (k % b->ratio) * (b->block_size / b->sector / 8);
  if (!bits || !pread_all(b->fd, bits, nb, boff + first / 8)) {
    free(bits);
    return read_fail(v, i, "the sector bitmap of block %llu cannot be read", (unsigned long long)k);
  }
  uint64_t base = k * b->block_size;
  for (uint64_t s = first; s <= last;) {
    bool set = bits[s / 8 - first / 8] >> (s % 8) & 1;
    uint64_t t = s;
    while (t + 1 <= last && (bool)(bits[(t + 1) / 8 - first / 8] >> ((t + 1) % 8) & 1) == set)
      t++;
    uint64_t lo = s * b->sector > in ? s * b->sector : in;
    uint64_t hi = (t + 1) * b->sector < in + n ? (t + 1) * b->sector : in + n;
    uint8_t *dst = buf + (lo - in);
    bool ok = set ? pread_all(b->fd, dst, (size_t)(hi - lo), foff + lo)
                  : read_disk(v, i + 1, base + lo, dst, (size_t)(hi - lo)) >= 0;
    if (!ok) {
      free(bits);
      return set ? read_fail(v, i, "block %llu cannot be read", (unsigned long long)k) : -1;
    }
    s = t + 1;
  }
  free(bits);
  return (ssize_t)n;
}

/* Reads [off, off+len) of the virtual disk as disk i of the chain sees it. */
static ssize_t read_disk(struct vhdi_img *v, int i, uint64_t off, uint8_t *buf, size_t len)
{
  if (i >= v->ndiff) {
    libvhdi_error_t *e = NULL;
    ssize_t n = libvhdi_file_read_buffer_at_offset(v->file[i], buf, len, (off64_t)off, &e);
    if (n == (ssize_t)len)
      return n;
    char why[512];
    err_text(&e, why, sizeof why);
    return read_fail(v, i, "libvhdi cannot read %zu bytes at offset %llu: %s", len,
                     (unsigned long long)off, why);
  }
  struct diff_disk *b = &v->diff[i];
  for (size_t done = 0; done < len;) {
    uint64_t pos = off + done, k = pos / b->block_size, in = pos % b->block_size, e;
    size_t n = len - done < b->block_size - in ? len - done : (size_t)(b->block_size - in);
    if (b->have_last && b->last_block == k) {
      e = b->last_entry;
    } else if (bat_entry(b, k + k / b->ratio, &e)) {
      b->have_last = true;
      b->last_block = k;
      b->last_entry = e;
    } else {
      return read_fail(v, i, "the block table has no entry for block %llu",
                       (unsigned long long)k);
    }
    uint64_t foff = (e >> 20) * MIB;
    ssize_t r = (ssize_t)n;
    switch (e & 7) {
    case 6:
      if (!foff || !pread_all(b->fd, buf + done, n, foff + in))
        r = read_fail(v, i, "block %llu cannot be read", (unsigned long long)k);
      break;
    case 7:
      r = foff ? read_partial(v, i, k, foff, in, n, buf + done)
               : read_fail(v, i, "block %llu has no data offset", (unsigned long long)k);
      break;
    case 2:
      memset(buf + done, 0, n);
      break;
    case 0:
    case 1:
    case 3:
      r = read_disk(v, i + 1, pos, buf + done, n);
      break;
    default:
      r = read_fail(v, i, "block %llu has state %u, which [MS-VHDX] does not define",
                    (unsigned long long)k, (unsigned)(e & 7));
    }
    if (r < 0)
      return -1;
    done += n;
  }
  return (ssize_t)len;
}

static ssize_t vhdi_read(TSK_IMG_INFO *ti, TSK_OFF_T off, char *buf, size_t len)
{
  struct vhdi_img *v = (struct vhdi_img *)ti;
  if (off < 0 || (uint64_t)off >= (uint64_t)ti->size)
    return 0;
  if (len > (uint64_t)ti->size - (uint64_t)off)
    len = (size_t)((uint64_t)ti->size - (uint64_t)off);
  return read_disk(v, 0, (uint64_t)off, (uint8_t *)buf, len);
}

/* Disks 0.. that are differencing VHDX get their BAT read here. */
static enum rs_err diff_open(struct vhdi_img *v, struct rs_diag *d)
{
  for (int i = 0; i < v->chain.n && strcmp(v->chain.disk[i].format, "vhdx") == 0 &&
                  strcmp(v->chain.disk[i].type, "differencing") == 0;
       i++) {
    struct diff_disk *b = &v->diff[i];
    struct stat st;
    b->fd = open(v->chain.disk[i].path, O_RDONLY | O_CLOEXEC);
    v->ndiff = i + 1;
    if (b->fd < 0 || fstat(b->fd, &st) != 0 || !diff_layout(b, (uint64_t)st.st_size))
      return rs_diag_set(d, RS_E_CORRUPT, v->chain.disk[0].path,
                         "the block table of differencing disk %s cannot be read",
                         v->chain.disk[i].path);
  }
  return RS_OK;
}

enum rs_err rs_vhdi_open(const char *const *segs, int nseg, unsigned sector_size,
                         TSK_IMG_INFO **out, struct rs_diag *d)
{
  *out = NULL;
  if (!segs || nseg < 1 || !segs[0])
    return rs_diag_set(d, RS_E_USAGE, "-", "no image file given");
  if (nseg != 1)
    return rs_diag_set(d, RS_E_USAGE, segs[0],
                       "a VHD or VHDX is one file (parents are found beside it): give only it, "
                       "not %d files", nseg);
  struct vhdi_img *v = calloc(1, sizeof *v);
  struct stat *seen = calloc(RS_VHDI_MAX_CHAIN, sizeof *seen);
  if (!v || !seen || !(v->names[0] = strdup(segs[0]))) {
    if (v)
      free(v->names[0]);
    free(v);
    free(seen);
    return rs_diag_set(d, RS_E_NOMEM, segs[0], "out of memory");
  }
  snprintf(v->chain.reader, sizeof v->chain.reader, "libvhdi %s", libvhdi_get_version());
  enum rs_err e = open_one(segs[0], &v->file[0], &v->chain.disk[0], NULL, d);
  if (e == RS_OK) {
    v->chain.n = 1;
    if (stat(segs[0], &seen[0]) != 0)
      e = rs_diag_set(d, RS_E_OPEN, segs[0], "%s", strerror(errno));
  }
  for (int i = 0; e == RS_OK && strcmp(v->chain.disk[i].type, "differencing") == 0; i++)
    e = open_parent(v, i, seen, d);
  free(seen);
  size64_t size = 0;
  uint32_t bps = 0;
  libvhdi_error_t *le = NULL;
  char why[512];
  if (e == RS_OK && (libvhdi_file_get_media_size(v->file[0], &size, &le) != 1 || size == 0)) {
    err_text(&le, why, sizeof why);
    e = rs_diag_set(d, RS_E_OPEN, segs[0], "libvhdi gives no media size: %s", why);
  }
  if (e == RS_OK && libvhdi_file_get_bytes_per_sector(v->file[0], &bps, NULL) != 1)
    bps = 512;
  if (e == RS_OK)
    e = diff_open(v, d);
  if (e == RS_OK && !tsk_img_open_external(v, (TSK_OFF_T)size, sector_size ? sector_size : bps,
                                           vhdi_read, vhdi_close, vhdi_imgstat)) {
    const char *te = tsk_error_get();
    e = rs_diag_set(d, RS_E_OPEN, segs[0], "libtsk refuses the libvhdi image: %s",
                    te && *te ? te : "no detail from libtsk");
    tsk_error_reset();
  }
  if (e != RS_OK) {
    free_files(v);
    free(v->names[0]);
    free(v);
    return e;
  }
  v->info.num_img = 1;
  v->info.images = v->names;
  *out = &v->info;
  return RS_OK;
}
