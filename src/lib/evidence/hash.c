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
#include <sys/mman.h>

#include <libewf.h>
#include <openssl/evp.h>

#include "redsleuth/buf.h"
#include "redsleuth/vhdi.h"

/* Large requests are what makes TSK reads fast (fixture-recipes 9); 2 MiB
 * chunks, each on a 2 MiB boundary (one transparent huge page where the
 * kernel gives them), four in the ring: 8 MiB in all, well inside the L3
 * cache that the three digests read each chunk from. Four 8 MiB chunks
 * (the L3 cache's whole size here) cost more CPU: bench/RESULTS.md. */
#define RS_HASH_CHUNK (2u << 20)
#define RS_HASH_ALIGN (2u << 20)

/* The three digests of one pass. On the machines this runs on, SHA-1 and
 * SHA-256 go at about 2 GB/s (SHA-NI) but MD5 at about 0.75 GB/s, so MD5 is
 * the critical path, and the whole pass needs about 1.9 times MD5's CPU:
 * on two cores it is only as fast as MD5 alone when nothing is idle.
 *
 * So the work is cut into tasks (read chunk i; MD5, SHA-1 or SHA-256 of
 * chunk i) taken by two workers, the caller's thread and one more, from a
 * ring of RS_HASH_NBUF chunk buffers: a worker takes MD5's next chunk
 * whenever MD5 is free, else the next read, else the next SHA-1 or SHA-256
 * chunk. Each digest still sees its chunks in order (one worker at a time
 * per digest), and a buffer is read again only when all three are done with
 * it. With a fixed split (MD5 on one thread, reads and the SHAs on the
 * other, two buffers) the scan's own threads, which run beside the hash,
 * stalled whichever side they took the core from, and the other side
 * waited; here the other worker goes on with whatever is ready.
 * bench/RESULTS.md has the numbers. */
typedef ssize_t (*rs_read_fn)(void *src, uint64_t off, char *buf, size_t n);

#define RS_HASH_NBUF 4
#define RS_HASH_NALG 3

struct hash_pool {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  rs_read_fn rd;
  void *src;
  uint64_t size;
  char *buf[RS_HASH_NBUF];
  size_t len[RS_HASH_NBUF];
  EVP_MD_CTX *ctx[RS_HASH_NALG];
  uint64_t filled;                /* chunks read; chunk i is in buf[i % NBUF] */
  uint64_t done[RS_HASH_NALG];    /* chunks each digest has taken in */
  uint64_t all_done;              /* chunks all three have taken in */
  uint64_t hashed;                /* their bytes: what *done_bytes reports */
  bool busy[RS_HASH_NALG], reading;
  uint64_t off;                   /* bytes read */
  bool eof, failed;
  uint64_t read_at;               /* where a read failed */
  _Atomic uint64_t *done_bytes;
};

enum { TASK_NONE = -2, TASK_READ = -1 }; /* else the digest's index */

/* The next task, under the lock: MD5 first (the critical path), then the
 * read that keeps it fed, then the SHAs. TASK_NONE when nothing is ready. */
static int next_task(const struct hash_pool *p)
{
  if (p->failed)
    return TASK_NONE;
  if (!p->busy[0] && p->done[0] < p->filled)
    return 0;
  uint64_t lo = p->done[0];
  for (int a = 1; a < RS_HASH_NALG; a++)
    if (p->done[a] < lo)
      lo = p->done[a];
  if (!p->reading && !p->eof && p->filled - lo < RS_HASH_NBUF)
    return TASK_READ;
  for (int a = 1; a < RS_HASH_NALG; a++)
    if (!p->busy[a] && p->done[a] < p->filled)
      return a;
  return TASK_NONE;
}

static bool pool_finished(const struct hash_pool *p)
{
  if (p->failed)
    return !p->reading && !p->busy[0] && !p->busy[1] && !p->busy[2];
  if (!p->eof)
    return false;
  for (int a = 0; a < RS_HASH_NALG; a++)
    if (p->done[a] < p->filled || p->busy[a])
      return false;
  return true;
}

static void *pool_work(void *arg)
{
  struct hash_pool *p = arg;
  pthread_mutex_lock(&p->mu);
  while (!pool_finished(p)) {
    int t = next_task(p);
    if (t == TASK_NONE) {
      pthread_cond_wait(&p->cv, &p->mu);
      continue;
    }
    if (t == TASK_READ) {
      uint64_t i = p->filled, off = p->off;
      size_t want = p->size - off < RS_HASH_CHUNK ? (size_t)(p->size - off) : RS_HASH_CHUNK;
      char *b = p->buf[i % RS_HASH_NBUF];
      p->reading = true;
      pthread_mutex_unlock(&p->mu);
      ssize_t n = p->rd(p->src, off, b, want);
      pthread_mutex_lock(&p->mu);
      p->reading = false;
      if (n <= 0) {
        p->failed = true;
        p->read_at = off;
      } else {
        p->len[i % RS_HASH_NBUF] = (size_t)n;
        p->off += (uint64_t)n;
        p->filled++;
        p->eof = p->off >= p->size;
      }
    } else {
      uint64_t i = p->done[t];
      const char *b = p->buf[i % RS_HASH_NBUF];
      size_t n = p->len[i % RS_HASH_NBUF];
      p->busy[t] = true;
      pthread_mutex_unlock(&p->mu);
      EVP_DigestUpdate(p->ctx[t], b, n);
      pthread_mutex_lock(&p->mu);
      p->busy[t] = false;
      p->done[t]++;
      /* progress counts a chunk once all three digests have it (its buffer
       * is not read again before that, so its length still stands) */
      uint64_t lo = p->done[0];
      for (int a = 1; a < RS_HASH_NALG; a++)
        if (p->done[a] < lo)
          lo = p->done[a];
      for (; p->all_done < lo; p->all_done++)
        p->hashed += p->len[p->all_done % RS_HASH_NBUF];
      if (p->done_bytes)
        atomic_store_explicit(p->done_bytes, p->hashed, memory_order_relaxed);
    }
    pthread_cond_broadcast(&p->cv);
  }
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* Reads [0, size) with rd and fills out's three digests. *read_at gets the
 * offset where a read failed (when it returns RS_E_IO). Without a second
 * thread the caller's does every task alone, in the same order. */
static enum rs_err digest_media(rs_read_fn rd, void *src, uint64_t size,
                                struct rs_media_hashes *out, uint64_t *read_at,
                                _Atomic uint64_t *done_bytes)
{
  enum rs_err r = RS_OK;
  struct hash_pool p = {.rd = rd, .src = src, .size = size, .done_bytes = done_bytes,
                        .eof = size == 0};
  const EVP_MD *md[RS_HASH_NALG] = {EVP_md5(), EVP_sha1(), EVP_sha256()};
  bool ok = true;
  for (int i = 0; i < RS_HASH_NBUF; i++) {
    ok &= (p.buf[i] = aligned_alloc(RS_HASH_ALIGN, RS_HASH_CHUNK)) != NULL;
    if (p.buf[i]) /* a hint: where transparent huge pages are "madvise" only */
      madvise(p.buf[i], RS_HASH_CHUNK, MADV_HUGEPAGE);
  }
  for (int a = 0; a < RS_HASH_NALG; a++)
    ok &= (p.ctx[a] = EVP_MD_CTX_new()) != NULL;
  if (!ok) {
    r = RS_E_NOMEM;
    goto done;
  }
  for (int a = 0; a < RS_HASH_NALG; a++)
    if (EVP_DigestInit_ex(p.ctx[a], md[a], NULL) != 1) {
      r = RS_E_INTERNAL;
      goto done;
    }
  pthread_mutex_init(&p.mu, NULL);
  pthread_cond_init(&p.cv, NULL);
  pthread_t th;
  bool threaded = pthread_create(&th, NULL, pool_work, &p) == 0;
  pool_work(&p);
  if (threaded)
    pthread_join(th, NULL);
  pthread_mutex_destroy(&p.mu);
  pthread_cond_destroy(&p.cv);
  if (p.failed) {
    *read_at = p.read_at;
    r = RS_E_IO;
  } else {
    unsigned char dg[EVP_MAX_MD_SIZE];
    unsigned dl;
    char *hex[RS_HASH_NALG] = {out->md5, out->sha1, out->sha256};
    for (int a = 0; a < RS_HASH_NALG; a++) {
      EVP_DigestFinal_ex(p.ctx[a], dg, &dl);
      rs_hex(dg, dl, hex[a]);
    }
    out->bytes = p.off;
    out->done = true;
  }
done:
  for (int a = 0; a < RS_HASH_NALG; a++)
    EVP_MD_CTX_free(p.ctx[a]);
  for (int i = 0; i < RS_HASH_NBUF; i++)
    free(p.buf[i]);
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
