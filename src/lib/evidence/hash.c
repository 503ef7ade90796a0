/* Media hashing: MD5, SHA-1 and SHA-256 of the media (what the disk held,
 * not the container: an E01 is hashed as the disk it stores, so the MD5 can
 * be compared with the one the acquisition tool stored) in one read pass. */
#include "redsleuth/evidence.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libewf.h>
#include <openssl/evp.h>

#include "redsleuth/buf.h"
#include "redsleuth/vhdi.h"

/* Large requests are what makes TSK reads fast (fixture-recipes 9). */
#define RS_HASH_CHUNK (8u << 20)

/* The three digests of one pass. On the machines this runs on, SHA-1 and
 * SHA-256 go at about 2 GB/s (SHA-NI) but MD5 at about 0.85 GB/s, so MD5
 * alone is the critical path: it gets its own thread, while the caller's
 * thread reads and runs SHA-1 and SHA-256. Two buffers let the next read
 * overlap MD5 of the previous one. bench/RESULTS.md has the numbers. */
typedef ssize_t (*rs_read_fn)(void *src, uint64_t off, char *buf, size_t n);

struct md5_worker {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  EVP_MD_CTX *ctx;
  const char *job;   /* buffer to digest, NULL when idle */
  size_t len;
  bool quit;
};

static void *md5_run(void *arg)
{
  struct md5_worker *w = arg;
  pthread_mutex_lock(&w->mu);
  for (;;) {
    while (!w->job && !w->quit)
      pthread_cond_wait(&w->cv, &w->mu);
    if (!w->job)
      break;
    const char *b = w->job;
    size_t n = w->len;
    pthread_mutex_unlock(&w->mu);
    EVP_DigestUpdate(w->ctx, b, n);
    pthread_mutex_lock(&w->mu);
    w->job = NULL;
    pthread_cond_broadcast(&w->cv);
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

static void md5_wait_idle(struct md5_worker *w)
{
  pthread_mutex_lock(&w->mu);
  while (w->job)
    pthread_cond_wait(&w->cv, &w->mu);
  pthread_mutex_unlock(&w->mu);
}

/* Reads [0, size) with rd and fills out's three digests. *read_at gets the
 * offset where a read failed (when it returns RS_E_IO). */
static enum rs_err digest_media(rs_read_fn rd, void *src, uint64_t size,
                                struct rs_media_hashes *out, uint64_t *read_at,
                                _Atomic uint64_t *done_bytes)
{
  enum rs_err r = RS_OK;
  char *buf[2] = {malloc(RS_HASH_CHUNK), malloc(RS_HASH_CHUNK)};
  EVP_MD_CTX *c[3] = {EVP_MD_CTX_new(), EVP_MD_CTX_new(), EVP_MD_CTX_new()};
  const EVP_MD *md[3] = {EVP_md5(), EVP_sha1(), EVP_sha256()};
  struct md5_worker w = {.ctx = c[0]};
  pthread_t th;
  bool threaded = false;
  if (!buf[0] || !buf[1] || !c[0] || !c[1] || !c[2]) {
    r = RS_E_NOMEM;
    goto done;
  }
  for (int i = 0; i < 3; i++)
    if (EVP_DigestInit_ex(c[i], md[i], NULL) != 1) {
      r = RS_E_INTERNAL;
      goto done;
    }
  pthread_mutex_init(&w.mu, NULL);
  pthread_cond_init(&w.cv, NULL);
  threaded = pthread_create(&th, NULL, md5_run, &w) == 0;
  uint64_t off = 0;
  int cur = 0;
  while (off < size) {
    size_t want = size - off < RS_HASH_CHUNK ? (size_t)(size - off) : RS_HASH_CHUNK;
    ssize_t n = rd(src, off, buf[cur], want);
    if (n <= 0) {
      *read_at = off;
      r = RS_E_IO;
      break;
    }
    if (threaded) {
      md5_wait_idle(&w); /* it is done with the other buffer */
      pthread_mutex_lock(&w.mu);
      w.job = buf[cur];
      w.len = (size_t)n;
      pthread_cond_broadcast(&w.cv);
      pthread_mutex_unlock(&w.mu);
    } else {
      EVP_DigestUpdate(c[0], buf[cur], (size_t)n);
    }
    EVP_DigestUpdate(c[1], buf[cur], (size_t)n);
    EVP_DigestUpdate(c[2], buf[cur], (size_t)n);
    off += (uint64_t)n;
    cur ^= 1;
    if (done_bytes)
      atomic_store_explicit(done_bytes, off, memory_order_relaxed);
  }
  if (threaded) {
    md5_wait_idle(&w);
    pthread_mutex_lock(&w.mu);
    w.quit = true;
    pthread_cond_broadcast(&w.cv);
    pthread_mutex_unlock(&w.mu);
    pthread_join(th, NULL);
  }
  pthread_mutex_destroy(&w.mu);
  pthread_cond_destroy(&w.cv);
  if (r == RS_OK) {
    unsigned char dg[EVP_MAX_MD_SIZE];
    unsigned dl;
    char *hex[3] = {out->md5, out->sha1, out->sha256};
    for (int i = 0; i < 3; i++) {
      EVP_DigestFinal_ex(c[i], dg, &dl);
      rs_hex(dg, dl, hex[i]);
    }
    out->bytes = off;
    out->done = true;
  }
done:
  for (int i = 0; i < 3; i++)
    EVP_MD_CTX_free(c[i]);
  free(buf[0]);
  free(buf[1]);
  return r;
}

static ssize_t ewf_read(void *src, uint64_t off, char *buf, size_t n)
{
  (void)off; /* libewf reads sequentially from its own offset */
  return libewf_handle_read_buffer((libewf_handle_t *)src, buf, n, NULL);
}

static ssize_t tsk_read(void *src, uint64_t off, char *buf, size_t n)
{
  return tsk_img_read((TSK_IMG_INFO *)src, (TSK_OFF_T)off, buf, n);
}

/* EWF through libewf itself: libtsk's handle silently replaces a chunk whose
 * checksum fails with zeros (libewf 20140813 zero-fills on error there), so
 * a changed byte in a chunk of zeros would hash as "match". Reading with
 * zero_chunk_on_error off gives the stored bytes, as ewfverify does, and
 * libewf counts the checksum errors. */
static enum rs_err ewf_hash(const struct rs_image *img, struct rs_media_hashes *out,
                            struct rs_diag *d, _Atomic uint64_t *done_bytes)
{
  const char *where = img->segments[0];
  libewf_error_t *e = NULL;
  libewf_handle_t *h = NULL;
  char **names = NULL;
  int nn = 0;
  char msg[512] = "";
  enum rs_err r = RS_OK;
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
  uint64_t bad = 0;
  r = digest_media(ewf_read, h, size, out, &bad, done_bytes);
  if (r == RS_E_IO) {
    r = rs_diag_set(d, RS_E_IO, where, "media read failed at byte %llu of %llu",
                    (unsigned long long)bad, (unsigned long long)size);
    goto done;
  }
  if (r != RS_OK) {
    r = rs_diag_set(d, r, where, "cannot hash: %s", rs_err_text(r));
    goto done;
  }
  uint32_t nerr = 0;
  if (libewf_handle_get_number_of_checksum_errors(h, &nerr, NULL) == 1 && nerr > 0) {
    out->checksum_errors = nerr;
    uint32_t bps = 0;
    out->sector_size = libewf_handle_get_bytes_per_sector(h, &bps, NULL) == 1 && bps ? bps : 512;
    for (uint32_t i = 0; i < nerr && out->nbad < RS_BAD_RANGES_MAX; i++) {
      uint64_t first = 0, count = 0;
      if (libewf_handle_get_checksum_error(h, i, &first, &count, NULL) != 1)
        continue;
      out->bad[out->nbad].first = first;
      out->bad[out->nbad].count = count;
      out->nbad++;
    }
  }
done:
  libewf_error_free(&e);
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
  return rs_media_hash_progress(img, out, d, NULL);
}

enum rs_err rs_media_hash_progress(const struct rs_image *img, struct rs_media_hashes *out,
                                   struct rs_diag *d, _Atomic uint64_t *done_bytes)
{
  memset(out, 0, sizeof *out);
  if (!img || !img->img || img->nseg < 1)
    return rs_diag_set(d, RS_E_USAGE, "-", "no image to hash");
  const char *where = img->segments[0];
  if (strcmp(img->format, "ewf") == 0)
    return ewf_hash(img, out, d, done_bytes);
  /* Our own handle: TSK_IMG_INFO has one read cache guarded by a lock, and
   * a hash pass would evict what the analysis thread needs. */
  TSK_IMG_INFO *ti = NULL;
  if (rs_vhdi_chain(img->img)) {
    enum rs_err r = rs_vhdi_open((const char *const *)img->segments, img->nseg,
                                 img->img->sector_size, &ti, d);
    if (r != RS_OK)
      return r;
  } else if (!(ti = tsk_img_open_utf8(img->nseg, (const char *const *)img->segments,
                                      img->img->itype, img->img->sector_size))) {
    const char *e = tsk_error_get();
    enum rs_err r = rs_diag_set(d, RS_E_OPEN, where, "cannot reopen for hashing: %s",
                                e && *e ? e : "no detail from libtsk");
    tsk_error_reset();
    return r;
  }
  uint64_t size = ti->size > 0 ? (uint64_t)ti->size : 0, bad = 0;
  enum rs_err r = digest_media(tsk_read, ti, size, out, &bad, done_bytes);
  if (r == RS_E_IO) {
    const char *e = tsk_error_get();
    r = rs_diag_set(d, RS_E_IO, where, "media read failed at byte %llu of %llu: %s",
                    (unsigned long long)bad, (unsigned long long)size,
                    e && *e ? e : "no detail from libtsk");
    tsk_error_reset();
  } else if (r != RS_OK) {
    r = rs_diag_set(d, r, where, "cannot hash: %s", rs_err_text(r));
  }
  tsk_img_close(ti);
  return r;
}

/* "3 min 10 s", "1 h 05 min", "12 s" */
static void duration_text(char *out, size_t n, double s)
{
  unsigned long long t = s < 1 ? 1 : (unsigned long long)(s + 0.5);
  if (t < 60)
    snprintf(out, n, "%llu s", t);
  else if (t < 3600)
    snprintf(out, n, "%llu min %02llu s", t / 60, t % 60);
  else
    snprintf(out, n, "%llu h %02llu min", t / 3600, t % 3600 / 60);
}

void rs_hash_progress_text(char *out, size_t outsz, uint64_t done, uint64_t total,
                           uint64_t rate_bytes, double rate_s, bool ended)
{
  const uint64_t mib = 1024 * 1024;
  unsigned pct = total ? (unsigned)(done >= total ? 100 : done * 100 / total) : 100;
  /* short enough for an 80-column terminal, where \r rewrites it in place */
  int o = snprintf(out, outsz, "hashing the media: %3u%% of %llu MiB", pct,
                   (unsigned long long)(total / mib));
  if (o < 0 || (size_t)o >= outsz)
    return;
  if (done >= total || ended) {
    snprintf(out + o, outsz - (size_t)o, done >= total ? ", done" : ", stopped (read error)");
    return;
  }
  /* no estimate from less than half a second, or from no progress at all */
  if (rate_bytes == 0 || rate_s < 0.5) {
    snprintf(out + o, outsz - (size_t)o, ", estimating the time left");
    return;
  }
  double left = (double)(total - done) / ((double)rate_bytes / rate_s);
  char dur[40];
  duration_text(dur, sizeof dur, left);
  snprintf(out + o, outsz - (size_t)o, ", about %s left", dur);
}
