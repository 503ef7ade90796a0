/* Media hashing: MD5, SHA-1 and SHA-256 of the media (what the disk held,
 * not the container: an E01 is hashed as the disk it stores, so the MD5 can
 * be compared with the one the acquisition tool stored) in one read pass. */
#include "redsleuth/evidence.h"

#include <stdlib.h>
#include <string.h>

#include <libewf.h>
#include <openssl/evp.h>

/* Large requests are what makes TSK reads fast (fixture-recipes 9). */
#define RS_HASH_CHUNK (8u << 20)

static void to_hex(const unsigned char *md, unsigned n, char *out)
{
  static const char hx[] = "0123456789abcdef";
  for (unsigned i = 0; i < n; i++) {
    out[2 * i] = hx[md[i] >> 4];
    out[2 * i + 1] = hx[md[i] & 15];
  }
  out[2 * n] = '\0';
}

/* EWF through libewf itself: libtsk's handle silently replaces a chunk whose
 * checksum fails with zeros (libewf 20140813 zero-fills on error there), so
 * a changed byte in a chunk of zeros would hash as "match". Reading with
 * zero_chunk_on_error off gives the stored bytes, as ewfverify does, and
 * libewf counts the checksum errors. */
static enum rs_err ewf_hash(const struct rs_image *img, struct rs_media_hashes *out,
                            struct rs_diag *d)
{
  const char *where = img->segments[0];
  libewf_error_t *e = NULL;
  libewf_handle_t *h = NULL;
  char **names = NULL;
  int nn = 0;
  char msg[512] = "";
  enum rs_err r = RS_OK;
  char *buf = NULL;
  EVP_MD_CTX *c[3] = {NULL, NULL, NULL};
  if (libewf_glob(where, strlen(where), LIBEWF_FORMAT_UNKNOWN, &names, &nn, &e) != 1 ||
      libewf_handle_initialize(&h, &e) != 1 ||
      libewf_handle_open(h, names, nn, LIBEWF_OPEN_READ, &e) != 1) {
    if (e)
      libewf_error_sprint(e, msg, sizeof msg);
    r = rs_diag_set(d, RS_E_OPEN, where, "libewf cannot open it for hashing: %s",
                    msg[0] ? msg : "no detail from libewf");
    goto done;
  }
  libewf_handle_set_read_zero_chunk_on_error(h, 0, NULL);
  size64_t size = 0;
  if (libewf_handle_get_media_size(h, &size, &e) != 1) {
    r = rs_diag_set(d, RS_E_IO, where, "libewf gives no media size");
    goto done;
  }
  buf = malloc(RS_HASH_CHUNK);
  const EVP_MD *md[3] = {EVP_md5(), EVP_sha1(), EVP_sha256()};
  for (int i = 0; i < 3; i++)
    c[i] = EVP_MD_CTX_new();
  if (!buf || !c[0] || !c[1] || !c[2]) {
    r = rs_diag_set(d, RS_E_NOMEM, where, "out of memory");
    goto done;
  }
  for (int i = 0; i < 3; i++)
    if (EVP_DigestInit_ex(c[i], md[i], NULL) != 1) {
      r = rs_diag_set(d, RS_E_INTERNAL, where, "OpenSSL digest init failed");
      goto done;
    }
  uint64_t off = 0;
  while (off < size) {
    size_t want = size - off < RS_HASH_CHUNK ? (size_t)(size - off) : RS_HASH_CHUNK;
    ssize_t n = libewf_handle_read_buffer(h, buf, want, &e);
    if (n <= 0) {
      msg[0] = '\0';
      if (e)
        libewf_error_sprint(e, msg, sizeof msg);
      r = rs_diag_set(d, RS_E_IO, where, "media read failed at byte %llu of %llu: %s",
                      (unsigned long long)off, (unsigned long long)size,
                      msg[0] ? msg : "no detail from libewf");
      goto done;
    }
    for (int i = 0; i < 3; i++)
      EVP_DigestUpdate(c[i], buf, (size_t)n);
    off += (uint64_t)n;
  }
  unsigned char dg[EVP_MAX_MD_SIZE];
  unsigned dl;
  char *hex[3] = {out->md5, out->sha1, out->sha256};
  for (int i = 0; i < 3; i++) {
    EVP_DigestFinal_ex(c[i], dg, &dl);
    to_hex(dg, dl, hex[i]);
  }
  out->bytes = off;
  out->done = true;
  uint32_t nerr = 0;
  if (libewf_handle_get_number_of_checksum_errors(h, &nerr, NULL) == 1 && nerr > 0) {
    out->checksum_errors = nerr;
    uint64_t first = 0, count = 0;
    if (libewf_handle_get_checksum_error(h, 0, &first, &count, NULL) == 1) {
      out->bad_first_sector = first;
      out->bad_sectors = count;
    }
  }
done:
  libewf_error_free(&e);
  for (int i = 0; i < 3; i++)
    EVP_MD_CTX_free(c[i]);
  free(buf);
  if (h) {
    libewf_handle_close(h, NULL);
    libewf_handle_free(&h, NULL);
  }
  if (names)
    libewf_glob_free(names, nn, NULL);
  return r;
}

enum rs_err rs_media_hash(const struct rs_image *img, struct rs_media_hashes *out,
                          struct rs_diag *d)
{
  memset(out, 0, sizeof *out);
  if (!img || !img->img || img->nseg < 1)
    return rs_diag_set(d, RS_E_USAGE, "-", "no image to hash");
  const char *where = img->segments[0];
  if (strcmp(img->format, "ewf") == 0)
    return ewf_hash(img, out, d);
  /* Our own handle: TSK_IMG_INFO has one read cache guarded by a lock, and
   * a hash pass would evict what the analysis thread needs. */
  TSK_IMG_INFO *ti = tsk_img_open_utf8(img->nseg, (const char *const *)img->segments,
                                       img->img->itype, img->img->sector_size);
  if (!ti) {
    const char *e = tsk_error_get();
    enum rs_err r = rs_diag_set(d, RS_E_OPEN, where, "cannot reopen for hashing: %s",
                                e && *e ? e : "no detail from libtsk");
    tsk_error_reset();
    return r;
  }
  char *buf = malloc(RS_HASH_CHUNK);
  EVP_MD_CTX *c[3] = {EVP_MD_CTX_new(), EVP_MD_CTX_new(), EVP_MD_CTX_new()};
  const EVP_MD *md[3] = {EVP_md5(), EVP_sha1(), EVP_sha256()};
  enum rs_err r = RS_OK;
  if (!buf || !c[0] || !c[1] || !c[2]) {
    r = rs_diag_set(d, RS_E_NOMEM, where, "out of memory");
    goto done;
  }
  for (int i = 0; i < 3; i++)
    if (EVP_DigestInit_ex(c[i], md[i], NULL) != 1) {
      r = rs_diag_set(d, RS_E_INTERNAL, where, "OpenSSL digest init failed");
      goto done;
    }
  uint64_t size = ti->size > 0 ? (uint64_t)ti->size : 0, off = 0;
  while (off < size) {
    size_t want = size - off < RS_HASH_CHUNK ? (size_t)(size - off) : RS_HASH_CHUNK;
    ssize_t n = tsk_img_read(ti, (TSK_OFF_T)off, buf, want);
    if (n <= 0) {
      const char *e = tsk_error_get();
      r = rs_diag_set(d, RS_E_IO, where, "media read failed at byte %llu of %llu: %s",
                      (unsigned long long)off, (unsigned long long)size,
                      e && *e ? e : "no detail from libtsk");
      tsk_error_reset();
      goto done;
    }
    for (int i = 0; i < 3; i++)
      EVP_DigestUpdate(c[i], buf, (size_t)n);
    off += (uint64_t)n;
  }
  unsigned char dg[EVP_MAX_MD_SIZE];
  unsigned dl;
  char *hex[3] = {out->md5, out->sha1, out->sha256};
  for (int i = 0; i < 3; i++) {
    EVP_DigestFinal_ex(c[i], dg, &dl);
    to_hex(dg, dl, hex[i]);
  }
  out->bytes = off;
  out->done = true;
done:
  for (int i = 0; i < 3; i++)
    EVP_MD_CTX_free(c[i]);
  free(buf);
  tsk_img_close(ti);
  return r;
}
