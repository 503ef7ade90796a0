/* Timeline entries kept out of memory: runs sorted in memory, appended to an
 * unlinked temporary file, merged at the end (see tlspill.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/results.h"
#include "analysis/tlspill.h"

/* One entry as stored: this header, then the strings that are not NULL,
 * each with its NUL, the whole padded to 8 bytes. */
#define NSTR 5 /* desc, source, message, path, ip: the fields of struct rs_tl_entry */
struct rec {
  int64_t sec;
  uint64_t before;      /* set by rs_tl_spill_finish */
  uint32_t nsec;
  uint32_t len[NSTR];   /* string lengths without the NUL; NO_STR for NULL */
  uint8_t digits;
};
#define NO_STR UINT32_MAX
#define REC_STR_MAX ((size_t)1 << 20) /* longer strings are cut (none comes near) */

struct run {
  uint64_t off, count;  /* where in the file, how many entries */
};

/* Reads the entries of one run in order. */
struct reader {
  int fd;
  uint64_t pos;         /* next file offset to read */
  uint64_t left;        /* entries still to deliver */
  uint8_t *buf;
  size_t cap, at, have; /* buf[at..have) is read, not yet delivered */
  const uint8_t *cur;   /* the current entry, in buf */
};

struct rs_tl_spill {
  pthread_mutex_t mu;
  char *dir;
  int fd;               /* -1 until the first run goes to disk */
  uint64_t end;         /* bytes in the file */
  /* the run in memory */
  size_t run_bytes;     /* its bound */
  uint8_t *buf;
  size_t len, cap;
  size_t *offs;         /* where each entry of buf starts */
  size_t nrec, capoffs;
  struct run runs[RS_SPILL_MAX_RUNS + 1];
  size_t nruns;
  uint64_t count;       /* entries held */
  bool finished, on_disk;
  struct run final;     /* after finish, on disk */
  struct reader rd;     /* rs_tl_spill_next, on disk */
  size_t mi;            /* rs_tl_spill_next, in memory */
  enum rs_err err;
  char what[600];
};

static size_t rec_size(const struct rec *h)
{
  size_t n = sizeof *h;
  for (int i = 0; i < NSTR; i++)
    if (h->len[i] != NO_STR)
      n += (size_t)h->len[i] + 1;
  return (n + 7) & ~(size_t)7;
}

/* The entry at p (its strings point into p). */
static void rec_view(const uint8_t *p, struct rs_tl_entry *e, uint64_t *before)
{
  struct rec h;
  memcpy(&h, p, sizeof h);
  memset(e, 0, sizeof *e);
  e->t = rs_time_from_unix(h.sec, h.nsec, h.digits);
  e->find_index = -1;
  char **f[NSTR] = {&e->desc, &e->source, &e->message, &e->path, &e->ip};
  const uint8_t *s = p + sizeof h;
  for (int i = 0; i < NSTR; i++) {
    *f[i] = h.len[i] == NO_STR ? NULL : (char *)s;
    if (h.len[i] != NO_STR)
      s += h.len[i] + 1;
  }
  if (before)
    *before = h.before;
}

static int rec_cmp(const uint8_t *a, const uint8_t *b)
{
  struct rs_tl_entry x, y;
  rec_view(a, &x, NULL);
  rec_view(b, &y, NULL);
  return rs_tl_cmp(&x, &y);
}

static int off_cmp(const void *pa, const void *pb, void *base)
{
  const uint8_t *b = base;
  return rec_cmp(b + *(const size_t *)pa, b + *(const size_t *)pb);
}

static enum rs_err fail(struct rs_tl_spill *s, enum rs_err e, const char *fmt, const char *arg)
{
  if (s->err == RS_OK) {
    s->err = e;
    snprintf(s->what, sizeof s->what, fmt, arg);
  }
  return s->err;
}

static enum rs_err io_fail(struct rs_tl_spill *s, const char *doing)
{
  char m[600];
  snprintf(m, sizeof m, "%s the temporary list of timeline entries in %.300s: %s", doing,
           s->dir, strerror(errno ? errno : EIO));
  return fail(s, RS_E_OUTPUT, "%s", m);
}

struct rs_tl_spill *rs_tl_spill_new(const char *dir, size_t run_bytes)
{
  struct rs_tl_spill *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  if (!dir || !*dir)
    dir = getenv("TMPDIR");
  s->dir = strdup(dir && *dir ? dir : "/tmp");
  if (!s->dir || pthread_mutex_init(&s->mu, NULL) != 0) {
    free(s->dir);
    free(s);
    return NULL;
  }
  s->fd = -1;
  s->run_bytes = run_bytes ? run_bytes : RS_SPILL_RUN;
  return s;
}

void rs_tl_spill_free(struct rs_tl_spill *s)
{
  if (!s)
    return;
  if (s->fd >= 0)
    close(s->fd);
  free(s->rd.buf);
  free(s->buf);
  free(s->offs);
  free(s->dir);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

/* An unlinked file in s->dir: O_TMPFILE, or a new name removed at once
 * where the file system has no O_TMPFILE. Nothing is left behind. */
static enum rs_err open_file(struct rs_tl_spill *s)
{
  if (s->fd >= 0)
    return RS_OK;
  s->fd = open(s->dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
  if (s->fd < 0) {
    char path[4200];
    if (snprintf(path, sizeof path, "%s/.redsleuth-timeline-XXXXXX", s->dir) >=
        (int)sizeof path) {
      errno = ENAMETOOLONG;
      return io_fail(s, "cannot create");
    }
    s->fd = mkostemp(path, O_CLOEXEC);
    if (s->fd < 0)
      return io_fail(s, "cannot create");
    unlink(path);
  }
  s->end = 0;
  return RS_OK;
}

/* ---- appending to the file, through a buffer */

struct wbuf {
  struct rs_tl_spill *s;
  uint8_t *b;
  size_t len, cap;
};

static enum rs_err w_flush(struct wbuf *w)
{
  size_t done = 0;
  while (done < w->len) {
    ssize_t n = pwrite(w->s->fd, w->b + done, w->len - done, (off_t)(w->s->end + done));
    if (n <= 0) {
      if (n < 0 && errno == EINTR)
        continue;
      if (n == 0)
        errno = ENOSPC;
      return io_fail(w->s, "cannot write");
    }
    done += (size_t)n;
  }
  w->s->end += w->len;
  w->len = 0;
  return RS_OK;
}

#define WBUF ((size_t)1 << 20)

static enum rs_err w_add(struct wbuf *w, const void *p, size_t n)
{
  if (w->len + n > w->cap && w->len && w_flush(w) != RS_OK)
    return w->s->err;
  if (n > w->cap) {
    size_t nc = n > WBUF ? n : WBUF;
    uint8_t *nb = realloc(w->b, nc);
    if (!nb)
      return fail(w->s, RS_E_NOMEM, "%s", "out of memory");
    w->b = nb;
    w->cap = nc;
  }
  memcpy(w->b + w->len, p, n);
  w->len += n;
  return RS_OK;
}

/* ---- reading a run */

static void rd_init(struct reader *r, int fd, const struct run *run)
{
  r->fd = fd;
  r->pos = run->off;
  r->left = run->count;
  r->at = r->have = 0;
  r->cur = NULL;
}

/* Makes buf[at..) hold n bytes; false at a read error or early end. */
static bool rd_fill(struct rs_tl_spill *s, struct reader *r, size_t n)
{
  if (r->have - r->at >= n)
    return true;
  if (r->at) {
    memmove(r->buf, r->buf + r->at, r->have - r->at);
    r->have -= r->at;
    r->at = 0;
  }
  if (!rs_grow((void **)&r->buf, &r->cap, n, 1, (size_t)64 << 10)) {
    fail(s, RS_E_NOMEM, "%s", "out of memory");
    return false;
  }
  while (r->have < n) {
    ssize_t k = pread(r->fd, r->buf + r->have, r->cap - r->have, (off_t)r->pos);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0) {
      if (k == 0)
        errno = EIO;
      io_fail(s, "cannot read back");
      return false;
    }
    r->have += (size_t)k;
    r->pos += (uint64_t)k;
  }
  return true;
}

/* 1: r->cur is the next entry; 0: the run is done; -1: an error. */
static int rd_next(struct rs_tl_spill *s, struct reader *r)
{
  if (r->cur) {
    struct rec h;
    memcpy(&h, r->cur, sizeof h);
    r->at += rec_size(&h);
    r->cur = NULL;
  }
  if (r->left == 0)
    return 0;
  struct rec h;
  if (!rd_fill(s, r, sizeof h))
    return -1;
  memcpy(&h, r->buf + r->at, sizeof h);
  if (!rd_fill(s, r, rec_size(&h)))
    return -1;
  r->cur = r->buf + r->at;
  r->left--;
  return 1;
}

/* ---- runs and merges */

/* Sorts the run in memory and appends it to the file as a new run. */
static enum rs_err flush_run(struct rs_tl_spill *s);

/* Merges runs[0..n) (plus the sorted memory run when mem) into one run
 * appended to the file, keeping the first `keep` entries; with tl, each
 * entry gets its position among tl[0..ntl). The merged runs' space is given
 * back to the file system where it allows. */
static enum rs_err merge(struct rs_tl_spill *s, const struct run *runs, size_t n, uint64_t keep,
                         const struct rs_tl_entry *tl, size_t ntl, struct run *out)
{
  struct reader *rd = calloc(n ? n : 1, sizeof *rd);
  struct wbuf w = {s, NULL, 0, 0};
  int *st = calloc(n ? n : 1, sizeof *st);
  if (!rd || !st) {
    free(rd);
    free(st);
    return fail(s, RS_E_NOMEM, "%s", "out of memory");
  }
  out->off = s->end;
  out->count = 0;
  for (size_t i = 0; i < n; i++) {
    rd_init(&rd[i], s->fd, &runs[i]);
    st[i] = rd_next(s, &rd[i]);
  }
  size_t j = 0; /* tl entries that sort before or equal to the last one written */
  while (s->err == RS_OK && out->count < keep) {
    size_t best = n;
    for (size_t i = 0; i < n; i++)
      if (st[i] == 1 && (best == n || rec_cmp(rd[i].cur, rd[best].cur) < 0))
        best = i;
    if (best == n)
      break;
    struct rec h;
    memcpy(&h, rd[best].cur, sizeof h);
    size_t sz = rec_size(&h);
    if (tl) {
      struct rs_tl_entry e;
      rec_view(rd[best].cur, &e, NULL);
      while (j < ntl && rs_tl_cmp(&tl[j], &e) <= 0)
        j++;
      h.before = j;
    }
    if (w_add(&w, &h, sizeof h) != RS_OK ||
        w_add(&w, rd[best].cur + sizeof h, sz - sizeof h) != RS_OK)
      break;
    out->count++;
    st[best] = rd_next(s, &rd[best]);
  }
  if (s->err == RS_OK) /* a reader's error is s->err too */
    w_flush(&w);
  for (size_t i = 0; i < n; i++)
    free(rd[i].buf);
  free(rd);
  free(st);
  free(w.b);
  if (s->err == RS_OK && n) /* the old runs lie before out->off: give their space back */
    fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)runs[0].off,
              (off_t)(out->off - runs[0].off));
  return s->err;
}

static enum rs_err flush_run(struct rs_tl_spill *s)
{
  if (s->nrec == 0)
    return RS_OK;
  if (open_file(s) != RS_OK)
    return s->err;
  qsort_r(s->offs, s->nrec, sizeof *s->offs, off_cmp, s->buf);
  struct wbuf w = {s, NULL, 0, 0};
  struct run r = {s->end, s->nrec};
  for (size_t i = 0; i < s->nrec && s->err == RS_OK; i++) {
    struct rec h;
    memcpy(&h, s->buf + s->offs[i], sizeof h);
    w_add(&w, s->buf + s->offs[i], rec_size(&h));
  }
  if (s->err == RS_OK)
    w_flush(&w);
  free(w.b);
  if (s->err != RS_OK)
    return s->err;
  s->runs[s->nruns++] = r;
  s->len = 0;
  s->nrec = 0;
  if (s->nruns >= RS_SPILL_MAX_RUNS) {
    /* too many runs to merge at once later: one run of the first RS_TL_MAX */
    struct run m;
    if (merge(s, s->runs, s->nruns, RS_TL_MAX, NULL, 0, &m) != RS_OK)
      return s->err;
    s->runs[0] = m;
    s->nruns = 1;
  }
  return RS_OK;
}

enum rs_err rs_tl_spill_add(struct rs_tl_spill *s, const struct rs_tl_entry *e)
{
  struct rec h;
  memset(&h, 0, sizeof h);
  h.sec = e->t.sec;
  h.nsec = e->t.nsec;
  h.digits = e->t.digits;
  const char *str[NSTR] = {e->desc, e->source, e->message, e->path, e->ip};
  for (int i = 0; i < NSTR; i++)
    h.len[i] = str[i] ? (uint32_t)strnlen(str[i], REC_STR_MAX) : NO_STR;
  size_t sz = rec_size(&h);
  pthread_mutex_lock(&s->mu);
  enum rs_err err = s->err;
  if (err == RS_OK && s->finished)
    err = fail(s, RS_E_INTERNAL, "%s", "an entry added after the timeline was finished");
  if (err == RS_OK && s->len + sz > s->run_bytes && s->nrec)
    err = flush_run(s);
  if (err == RS_OK && (!rs_grow((void **)&s->buf, &s->cap, s->len + sz, 1, (size_t)64 << 10) ||
                       !rs_grow((void **)&s->offs, &s->capoffs, s->nrec + 1, sizeof *s->offs,
                                1024)))
    err = fail(s, RS_E_NOMEM, "%s", "out of memory");
  if (err == RS_OK) {
    uint8_t *p = s->buf + s->len;
    memset(p, 0, sz);
    memcpy(p, &h, sizeof h);
    uint8_t *q = p + sizeof h;
    for (int i = 0; i < NSTR; i++) {
      if (h.len[i] == NO_STR)
        continue;
      memcpy(q, str[i], h.len[i]);
      q += h.len[i] + 1;
    }
    s->offs[s->nrec++] = s->len;
    s->len += sz;
    s->count++;
  }
  pthread_mutex_unlock(&s->mu);
  return err;
}

enum rs_err rs_tl_spill_finish(struct rs_tl_spill *s, const struct rs_tl_entry *tl, size_t ntl,
                               uint64_t keep, bool *cut)
{
  *cut = false;
  if (s->err != RS_OK || s->finished)
    return s->err;
  s->finished = true;
  if (s->nruns == 0) {
    /* everything fits in memory: sorted there */
    if (s->nrec > 1)
      qsort_r(s->offs, s->nrec, sizeof *s->offs, off_cmp, s->buf);
    size_t j = 0;
    for (size_t i = 0; i < s->nrec; i++) {
      struct rs_tl_entry e;
      rec_view(s->buf + s->offs[i], &e, NULL);
      while (j < ntl && rs_tl_cmp(&tl[j], &e) <= 0)
        j++;
      uint64_t b = j;
      memcpy(s->buf + s->offs[i] + offsetof(struct rec, before), &b, sizeof b);
    }
    if (s->nrec > keep) {
      s->nrec = (size_t)keep;
      *cut = true;
    }
    s->count = s->nrec;
    return RS_OK;
  }
  uint64_t all = s->count;
  if (flush_run(s) != RS_OK || merge(s, s->runs, s->nruns, keep, tl, ntl, &s->final) != RS_OK)
    return s->err;
  s->on_disk = true;
  s->nruns = 0;
  s->count = s->final.count;
  *cut = s->count < all;
  /* the memory run is no longer needed */
  free(s->buf);
  free(s->offs);
  s->buf = NULL;
  s->offs = NULL;
  s->cap = s->capoffs = 0;
  return RS_OK;
}

uint64_t rs_tl_spill_count(const struct rs_tl_spill *s)
{
  return s ? s->count : 0;
}

enum rs_err rs_tl_spill_rewind(struct rs_tl_spill *s)
{
  if (s->err == RS_OK && !s->finished)
    fail(s, RS_E_INTERNAL, "%s", "the timeline was read before it was finished");
  s->mi = 0;
  if (s->on_disk)
    rd_init(&s->rd, s->fd, &s->final);
  return s->err;
}

int rs_tl_spill_next(struct rs_tl_spill *s, struct rs_tl_entry *e, size_t *before)
{
  if (s->err != RS_OK)
    return -1;
  uint64_t b;
  if (!s->on_disk) {
    if (s->mi >= s->nrec)
      return 0;
    rec_view(s->buf + s->offs[s->mi++], e, &b);
  } else {
    int r = rd_next(s, &s->rd);
    if (r <= 0)
      return r;
    rec_view(s->rd.cur, e, &b);
  }
  *before = (size_t)b;
  return 1;
}

enum rs_err rs_tl_spill_error(const struct rs_tl_spill *s, const char **what)
{
  if (what)
    *what = s ? s->what : "";
  return s ? s->err : RS_OK;
}
