/* fswalk, file content: an entry's default data stream streamed, read
 * whole (bounded), mapped onto byte ranges of the media, or digested (MD5,
 * SHA-1, SHA-256 in one pass); an NTFS named stream read whole (bounded). */
#include "sources/fswalk_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "redsleuth/buf.h"

#define RS_READ_RUN (4u * 1024u * 1024u)

/* An entry opened for its default data stream (or one NTFS $DATA attribute). */
struct open_file {
  TSK_FS_FILE *f;
  const TSK_FS_ATTR *a; /* NTFS's unnamed $DATA, FAT's cluster chain */
  uint64_t size;
  char where[64];       /* "entry N", for messages */
};

#define DEFAULT_DATA (-1) /* open_data's attr_id: the default data stream */

/* attr_id DEFAULT_DATA: the default data stream; else the NTFS $DATA
 * attribute with that id (a named stream). */
static enum rs_err open_data(TSK_FS_INFO *fs, uint64_t inum, int32_t attr_id,
                             struct open_file *of, struct rs_diag *d)
{
  if (attr_id == DEFAULT_DATA)
    snprintf(of->where, sizeof of->where, "entry %llu", (unsigned long long)inum);
  else
    snprintf(of->where, sizeof of->where, "entry %llu-128-%d", (unsigned long long)inum,
             (int)attr_id);
  of->f = NULL;
  of->a = NULL;
  of->size = 0;
  if (!fs)
    return rs_diag_set(d, RS_E_USAGE, "fswalk", "no file system given");
  tsk_error_reset();
  TSK_FS_FILE *f = tsk_fs_file_open_meta(fs, NULL, inum);
  if (!f || !f->meta) {
    tsk_fs_file_close(f);
    enum rs_err e =
        rs_diag_set(d, RS_E_CORRUPT, of->where, "metadata not readable: %s", rs_fsw_tsk_msg());
    tsk_error_reset();
    return e;
  }
  const TSK_FS_ATTR *a =
      attr_id == DEFAULT_DATA ? tsk_fs_file_attr_get(f)
                              : tsk_fs_file_attr_get_type(f, TSK_FS_ATTR_TYPE_NTFS_DATA,
                                                          (uint16_t)attr_id, 1);
  if (!a) {
    tsk_fs_file_close(f);
    tsk_error_reset();
    return rs_diag_set(d, RS_E_FORMAT, of->where,
                       attr_id == DEFAULT_DATA ? "no default data stream" : "no such stream");
  }
  of->size = a->size > 0 ? (uint64_t)a->size : 0;
  of->a = a;
  of->f = f;
  return RS_OK;
}

static enum rs_err stream_attr(TSK_FS_INFO *fs, uint64_t inum, int32_t attr_id, size_t chunk,
                               rs_data_cb cb, void *arg, struct rs_diag *d)
{
  struct open_file of;
  if (!cb)
    return rs_diag_set(d, RS_E_USAGE, "fswalk", "rs_file_stream: no callback");
  enum rs_err rc = open_data(fs, inum, attr_id, &of, d);
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
    ssize_t got = tsk_fs_attr_read(of.a, (TSK_OFF_T)off, (char *)buf, want,
                                   TSK_FS_FILE_READ_FLAG_NONE);
    if (got <= 0) {
      rc = rs_diag_set(d, RS_E_IO, where, "content unreadable at offset %llu of %llu: %s",
                       (unsigned long long)off, (unsigned long long)size, rs_fsw_tsk_msg());
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

enum rs_err rs_file_stream(TSK_FS_INFO *fs, uint64_t inum, size_t chunk, rs_data_cb cb,
                           void *arg, struct rs_diag *d)
{
  return stream_attr(fs, inum, DEFAULT_DATA, chunk, cb, arg, d);
}

static enum rs_err overlap_attr(TSK_FS_INFO *fs, uint64_t inum, int32_t attr_id,
                                const struct rs_byte_range *r, size_t n, uint64_t *bytes,
                                uint64_t *first_off, bool *resident, struct rs_diag *d)
{
  *bytes = 0;
  *first_off = 0;
  *resident = false;
  struct open_file of;
  enum rs_err rc = open_data(fs, inum, attr_id, &of, d);
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

enum rs_err rs_file_overlap(TSK_FS_INFO *fs, uint64_t inum, const struct rs_byte_range *r,
                            size_t n, uint64_t *bytes, uint64_t *first_off, bool *resident,
                            struct rs_diag *d)
{
  return overlap_attr(fs, inum, DEFAULT_DATA, r, n, bytes, first_off, resident, d);
}

enum rs_err rs_stream_overlap(TSK_FS_INFO *fs, uint64_t inum, uint16_t attr_id,
                              const struct rs_byte_range *r, size_t n, uint64_t *bytes,
                              uint64_t *first_off, bool *resident, struct rs_diag *d)
{
  return overlap_attr(fs, inum, attr_id, r, n, bytes, first_off, resident, d);
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

static enum rs_err read_attr(TSK_FS_INFO *fs, uint64_t inum, int32_t attr_id, size_t max,
                             bool truncate_ok, uint8_t **data, size_t *len, struct rs_diag *d)
{
  if (!data || !len)
    return rs_diag_set(d, RS_E_USAGE, "fswalk", "rs_file_read: NULL argument");
  *data = NULL;
  *len = 0;
  struct open_file of;
  enum rs_err rc = open_data(fs, inum, attr_id, &of, d);
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
    rc = stream_attr(fs, inum, attr_id, RS_READ_RUN, rd_cb, &c, d);
    if (rc != RS_OK) {
      free(c.p);
      return rc;
    }
  }
  *data = c.p;
  *len = c.n;
  return RS_OK;
}

enum rs_err rs_file_read(TSK_FS_INFO *fs, uint64_t inum, size_t max, bool truncate_ok,
                         uint8_t **data, size_t *len, struct rs_diag *d)
{
  return read_attr(fs, inum, DEFAULT_DATA, max, truncate_ok, data, len, d);
}

enum rs_err rs_file_read_stream(TSK_FS_INFO *fs, uint64_t inum, uint16_t attr_id, size_t max,
                                bool truncate_ok, uint8_t **data, size_t *len,
                                struct rs_diag *d)
{
  if (fs && !TSK_FS_TYPE_ISNTFS(fs->ftype))
    return rs_diag_set(d, RS_E_UNSUPPORTED, "fswalk", "named streams are NTFS only");
  return read_attr(fs, inum, attr_id, max, truncate_ok, data, len, d);
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
