/* Stage "residue": memory residue (codered-artifacts 12). The walk keeps the
 * page file, hiberfil.sys and crash dumps in their usual places; this stage
 * streams each through the bundled rules (sources/yara*.c: the literal
 * pre-filter first, YARA only around its hits) and makes one finding per
 * rule that fired per region, naming the region, the byte offsets and up to
 * 64 bytes of escaped context. The rules are compiled only when the walk
 * found such a file: a scan of an image without one costs what it cost.
 *
 * hiberfil.sys: a page starting with the Xpress block magic is compressed and
 * cannot be searched as bytes; it is fed to the rules as zeros (offsets stay
 * those of the file) and counted as skipped. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/buf.h"
#include "redsleuth/carve.h"
#include "redsleuth/collect.h"
#include "redsleuth/yara.h"
#include "scan/stage.h"

#define RESIDUE_CHUNK (4u << 20)    /* a multiple of the page size */
#define HIBR_PAGE 4096u
#define DRWATSON_DIR "/Documents and Settings/All Users/Documents/DrWatson"

static const uint8_t xpress_magic[8] = {0x81, 0x81, 'x', 'p', 'r', 'e', 's', 's'};

static bool in_dir(const char *path, const char *dir)
{
  size_t n = strlen(dir);
  return strncasecmp(path, dir, n) == 0 && path[n] == '/' && !strchr(path + n + 1, '/');
}

static bool ends_with(const char *s, const char *suffix)
{
  size_t n = strlen(s), k = strlen(suffix);
  return n > k && strcasecmp(s + n - k, suffix) == 0;
}

/* pagefile.sys and hiberfil.sys in a volume's root; MEMORY.DMP, user.dmp and
 * *.dmp in %SystemRoot%, %SystemRoot%\Minidump and Dr. Watson's folder. */
static const char *residue_role(const struct rs_volume *v, const struct rs_fsentry *e)
{
  if (in_dir(e->path, "")) {
    if (strcasecmp(e->name, "pagefile.sys") == 0)
      return "pagefile";
    if (strcasecmp(e->name, "hiberfil.sys") == 0)
      return "hiberfil";
  }
  if (!ends_with(e->name, ".dmp"))
    return NULL;
  if (in_dir(e->path, DRWATSON_DIR))
    return "crashdump";
  if (v->windows_root[0]) {
    char dir[320];
    snprintf(dir, sizeof dir, "%s/minidump", v->windows_root);
    if (in_dir(e->path, v->windows_root) || in_dir(e->path, dir))
      return "crashdump";
  }
  return NULL;
}

void rs_residue_walk_entry(struct rs_scan_ctx *ctx, int vol, const struct rs_fsentry *e)
{
  if (!e->allocated || e->size == 0)
    return;
  const char *role = residue_role(&ctx->img->vols[vol], e);
  if (!role)
    return;
  struct rs_cand *c = rs_walk_add_cand(ctx, RS_C_RESIDUE, vol, e);
  if (c)
    snprintf(c->role, sizeof c->role, "%s", role);
}

/* ---- the stage ---------------------------------------------------------- */

struct residue_run {
  struct rs_scan_ctx *ctx;
  struct rs_rules *rules;
  struct rs_rules_scanner *sc;
  bool rules_failed;
  /* the region being read */
  size_t region;
  const struct rs_cand *c;
  const char *win;
  bool hiberfil, hibr_header;
  uint64_t off, skipped;
  uint8_t *scratch;
  struct rs_diag d;
  enum rs_err feed_err;
  /* the log line carver: pieces overlapping by RS_CARVE_OVERLAP */
  struct rs_carver *cv;
  bool carve_failed;
  uint8_t *cbuf;        /* RS_CARVE_OVERLAP + RESIDUE_CHUNK */
  size_t ccarry;        /* bytes of the previous piece kept at cbuf's start */
  uint64_t cbase;       /* offset of cbuf[0] in the region */
  uint64_t cstart;      /* offset of the region's first byte (unallocated: in the volume) */
};

/* Bytes of memory or of a file as text: printable ASCII kept, '\' doubled,
 * others \xNN (the context of a rule match, here and in content.c). */
char *rs_escape_ctx(struct rs_results *r, const uint8_t *p, size_t n)
{
  char *s = malloc(4 * n + 1);
  if (!s) {
    rs_results_fail(r, RS_E_NOMEM);
    return NULL;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\\') {
      s[k++] = '\\';
      s[k++] = '\\';
    } else if (p[i] >= 0x20 && p[i] < 0x7f) {
      s[k++] = (char)p[i];
    } else {
      snprintf(s + k, 5, "\\x%02x", p[i]);
      k += 4;
    }
  }
  s[k] = '\0';
  return s;
}

struct rs_residue_hit *rs_rule_hits_copy(struct rs_results *r, const struct rs_rule_match *m,
                                         size_t *n)
{
  *n = 0;
  if (!m->nhits)
    return NULL;
  struct rs_residue_hit *v = calloc(m->nhits, sizeof *v);
  if (!v) {
    rs_results_fail(r, RS_E_NOMEM);
    return NULL;
  }
  for (size_t i = 0; i < m->nhits; i++) {
    const struct rs_rule_hit *h = &m->hits[i];
    struct rs_residue_hit *o = &v[(*n)++];
    o->id = rs_results_strdup(r, h->id);
    o->offset = h->offset;
    o->length = h->length;
    o->wide = h->wide;
    o->ctx_offset = h->ctx_offset;
    o->ctx = rs_escape_ctx(r, h->ctx, h->ctx_len);
  }
  return v;
}

/* A vulnerable live idq.dll and Code Red requests answered 2xx: bytes of
 * Code Red in memory then support "infected in memory at the time". */
static bool supports_memory(const struct rs_scan_ctx *ctx, const struct rs_check *chk)
{
  return strncmp(chk->family, "code-red", 8) == 0 && ctx->idq_active_found &&
         ctx->idq_active_state == RS_PATCH_VULNERABLE && ctx->cr_2xx > 0;
}

static void match_cb(const struct rs_rule_match *m, void *arg)
{
  struct residue_run *rr = arg;
  struct rs_scan_ctx *ctx = rr->ctx;
  struct rs_results *r = &ctx->res;
  /* a user rule (--yara) is a YARA-MATCH, whatever its meta names */
  const struct rs_check *chk = !m->info->bundled ? rs_check_find("YARA-MATCH")
                               : m->info->check  ? rs_check_find(m->info->check)
                                                 : NULL;
  if (!chk || (m->info->bundled && chk->kind != RS_K_RESIDUE) || rs_ctx_failed(ctx))
    return;
  struct rs_residue_region *reg = &ctx->regions[rr->region];
  reg->rules++;
  char key[700];
  snprintf(key, sizeof key, "%04d|%s|%s%s%s", reg->volume, rr->c ? rr->c->path : "",
           m->info->bundled ? "" : m->info->ns, m->info->bundled ? "" : ":", m->info->rule);
  struct rs_finding *f = rs_results_add_finding(r, chk, RS_FD_RESIDUE, rr->c != NULL,
                                                reg->volume, key);
  if (!f)
    return;
  struct rs_residue_detail *rd = &f->u.res;
  rd->region = rr->region;
  rd->region_kind = reg->kind;
  rd->rule = rs_results_strdup(r, m->info->rule);
  rd->ns = rs_results_strdup(r, m->info->ns);
  rd->nstrings = m->nstrings;
  f->path = rs_results_strdup(r, rr->win);
  rd->hits = rs_rule_hits_copy(r, m, &rd->nhits);
  if (rs_ctx_failed(ctx))
    return;
  if (!m->info->bundled) {
    f->match = rs_content_match_detail(ctx, m, false);
    f->infected = m->info->infected;
  }
  rd->supports_memory = rr->c && m->info->bundled && supports_memory(ctx, chk);
  if (rd->supports_memory) {
    char why[600];
    snprintf(why, sizeof why,
             "the worm's bytes reached this host's memory (%s); with the live idq.dll "
             "vulnerable and %llu Code Red request(s) answered 2xx in the IIS logs, this "
             "supports \"infected in memory at the time\" (a reboot clears it; the disk "
             "cannot prove it ran)",
             reg->kind, (unsigned long long)ctx->cr_2xx);
    f->why = rs_results_strdup(r, why);
  }
}

static void carved_cb(const struct rs_carved *c, void *arg)
{
  struct residue_run *rr = arg;
  rs_carved_add(rr->ctx, rr->region, c);
}

static bool carver_ready(struct residue_run *rr)
{
  if (rr->cv)
    return true;
  if (rr->carve_failed)
    return false;
  struct rs_diag d;
  rs_diag_clear(&d);
  /* the host's zone (registry stage, DST rules included): carved IIS native
   * lines (local time) get UTC like the live logs; unknown: they stay local */
  enum rs_err e = rs_carver_new(&rr->ctx->si.tz, &rr->cv, &d);
  if (e == RS_OK && !(rr->cbuf = malloc(RS_CARVE_OVERLAP + RESIDUE_CHUNK)))
    e = rs_diag_set(&d, RS_E_NOMEM, "carve", "cannot allocate the carver's buffer");
  if (e != RS_OK) {
    rr->carve_failed = true;
    rs_ctx_unreadable(rr->ctx, "log line carver", "carve", e, d.what);
    return false;
  }
  return true;
}

static void carve_piece(struct residue_run *rr, size_t len, bool last)
{
  struct rs_diag d;
  rs_diag_clear(&d);
  enum rs_err e = rs_carver_scan(rr->cv, rr->cbuf, len, rr->cstart + rr->cbase, last, carved_cb,
                                 rr, NULL, &d);
  if (e == RS_E_NOMEM)
    rs_results_fail(&rr->ctx->res, e);
}

/* The next n bytes of the region (n <= RESIDUE_CHUNK) to the carver: a
 * piece is the previous piece's last RS_CARVE_OVERLAP bytes and these. */
static void carve_feed(struct residue_run *rr, const uint8_t *p, size_t n)
{
  if (!rr->cv || rs_ctx_failed(rr->ctx))
    return;
  memcpy(rr->cbuf + rr->ccarry, p, n);
  size_t len = rr->ccarry + n;
  carve_piece(rr, len, false);
  size_t keep = len < RS_CARVE_OVERLAP ? len : RS_CARVE_OVERLAP;
  memmove(rr->cbuf, rr->cbuf + len - keep, keep);
  rr->cbase += len - keep;
  rr->ccarry = keep;
}

static void carve_begin(struct residue_run *rr, uint64_t start)
{
  if (!carver_ready(rr))
    return;
  rs_carver_reset(rr->cv);
  rr->ccarry = 0;
  rr->cbase = 0;
  rr->cstart = start;
}

/* The region's last piece (what the carver deferred near the end). */
static void carve_end(struct residue_run *rr)
{
  if (rr->cv && !rs_ctx_failed(rr->ctx))
    carve_piece(rr, rr->ccarry, true);
}

static int feed_cb(const uint8_t *p, size_t n, void *arg)
{
  struct residue_run *rr = arg;
  const uint8_t *data = p;
  size_t searched = n;
  if (rr->hiberfil) {
    if (rr->off == 0)
      rr->hibr_header = n >= 4 && (memcmp(p, "hibr", 4) == 0 || memcmp(p, "HIBR", 4) == 0);
    /* chunks start on page boundaries (RESIDUE_CHUNK is a multiple of a page) */
    bool any = false;
    for (size_t i = 0; i + sizeof xpress_magic <= n; i += HIBR_PAGE)
      if (memcmp(p + i, xpress_magic, sizeof xpress_magic) == 0) {
        if (!any)
          memcpy(rr->scratch, p, n);
        any = true;
        size_t len = n - i < HIBR_PAGE ? n - i : HIBR_PAGE;
        memset(rr->scratch + i, 0, len);
        rr->skipped += len;
        searched -= len;
      }
    if (any)
      data = rr->scratch;
  }
  rr->ctx->regions[rr->region].searched += searched;
  carve_feed(rr, data, n);
  rr->off += n;
  rs_diag_clear(&rr->d);
  rr->feed_err = rs_rules_stream_feed(rr->sc, data, n, &rr->d);
  return rr->feed_err != RS_OK || rs_ctx_failed(rr->ctx);
}

static bool rules_ready(struct residue_run *rr)
{
  if (rr->sc)
    return true;
  if (rr->rules_failed)
    return false;
  struct rs_rules_opts o = {0};
  struct rs_diag d;
  rs_diag_clear(&d);
  /* the bundled rules, and the user's (--yara; compiled before the scan,
   * so they compile here too) */
  const struct rs_run_opts *ro = rr->ctx->opts;
  enum rs_err e = rs_rules_open(&o, ro->nyara > 0 ? ro->yara : NULL,
                                ro->nyara > 0 ? (size_t)ro->nyara : 0, &rr->rules, &d);
  if (e == RS_OK)
    e = rs_rules_scanner_new(rr->rules, &rr->sc, &d);
  if (e == RS_OK) {
    rr->scratch = malloc(RESIDUE_CHUNK);
    if (!rr->scratch)
      e = RS_E_NOMEM;
  }
  if (e != RS_OK) {
    rr->rules_failed = true;
    rs_ctx_unreadable(rr->ctx, "bundled rules", d.where[0] ? d.where : "rules", e, d.what);
    return false;
  }
  return true;
}

static struct rs_residue_region *add_region(struct rs_scan_ctx *ctx, const char *kind, int vol,
                                            const char *win, uint64_t bytes)
{
  if (!rs_results_grow(&ctx->res, (void **)&ctx->regions, &ctx->capregions, ctx->nregions,
                       sizeof *ctx->regions, 8))
    return NULL;
  struct rs_residue_region *g = &ctx->regions[ctx->nregions];
  memset(g, 0, sizeof *g);
  g->kind = kind;
  g->volume = vol;
  g->bytes = bytes;
  if (win && !(g->path = rs_results_strdup(&ctx->res, win)))
    return NULL;
  ctx->nregions++;
  return g;
}

static const char *static_kind(const char *role)
{
  if (!strcmp(role, "pagefile"))
    return "pagefile";
  if (!strcmp(role, "hiberfil"))
    return "hiberfil";
  return "crashdump";
}

static void scan_one(struct residue_run *rr, const struct rs_cand *c, const char *win)
{
  struct rs_scan_ctx *ctx = rr->ctx;
  struct rs_residue_region *g = add_region(ctx, static_kind(c->role), c->volume, win, c->size);
  if (!g)
    return;
  size_t gi = ctx->nregions - 1;
  if (!rules_ready(rr)) {
    g->skipped = c->size;
    g->note = rs_results_strdup(&ctx->res, "not searched: the bundled rules could not be loaded");
    return;
  }
  rr->region = gi;
  rr->c = c;
  rr->win = win;
  rr->hiberfil = !strcmp(g->kind, "hiberfil");
  rr->hibr_header = false;
  rr->off = rr->skipped = 0;
  rr->feed_err = RS_OK;
  rs_scan_progress(ctx, "searching memory residue", win);
  struct rs_diag d;
  rs_diag_clear(&d);
  carve_begin(rr, 0);
  enum rs_err e = rs_rules_stream_begin(rr->sc, 0, match_cb, rr, &d);
  if (e == RS_OK)
    e = rs_vfile_stream(&ctx->img->vols[c->volume], c->inum, RESIDUE_CHUNK, feed_cb, rr, &d);
  carve_end(rr);
  if (rr->feed_err != RS_OK) {
    e = rr->feed_err;
    d = rr->d;
  }
  /* what was fed is searched even when the file could not be read to its end */
  struct rs_diag d2;
  rs_diag_clear(&d2);
  struct rs_rules_stats st;
  enum rs_err e2 = rs_rules_stream_end(rr->sc, &st, &d2);
  if (rs_ctx_failed(ctx))
    return;
  g = &ctx->regions[gi];
  g->skipped = rr->skipped;
  if (e == RS_OK && e2 != RS_OK) {
    e = e2;
    d = d2;
  }
  char note[400] = "";
  if (e != RS_OK) {
    rs_ctx_unreadable(ctx, "memory residue", win, e, d.what);
    g->skipped += c->size > rr->off ? c->size - rr->off : 0;
    snprintf(note, sizeof note, "read %llu of %llu bytes: %s", (unsigned long long)rr->off,
             (unsigned long long)c->size, d.what[0] ? d.what : rs_err_text(e));
  } else if (rr->hiberfil && rr->skipped) {
    snprintf(note, sizeof note,
             "%llu compressed page(s) (%llu bytes) cannot be searched as bytes and were skipped%s",
             (unsigned long long)(rr->skipped / HIBR_PAGE), (unsigned long long)rr->skipped,
             rr->hibr_header ? "" : "; no hibr signature (searched as plain bytes)");
  } else if (rr->hiberfil && !rr->hibr_header) {
    snprintf(note, sizeof note, "no hibr signature: searched as plain bytes");
  }
  if (note[0])
    g->note = rs_results_strdup(&ctx->res, note);
}

/* ---- unallocated space (--unallocated) ---------------------------------- */

/* One volume's unallocated clusters, in runs of contiguous blocks: each run
 * is one stream for the rules and the carver, at its byte offset in the
 * volume. The runs are listed first from the block bitmap alone (libtsk's
 * address-only block walk: no block is read), then read in pieces of at most
 * RESIDUE_CHUNK straight from the image by a second thread (one large read
 * per piece instead of one per block through libtsk's cache) while this one
 * searches the previous piece: two buffers, each with room in front for the
 * bytes the carver and the rules keep from the piece before. */
struct urun {
  uint64_t start, n;  /* blocks */
};

struct ulist {
  struct urun *runs;
  size_t n, cap;
  bool nomem;
};

static TSK_WALK_RET_ENUM unalloc_addr(const TSK_FS_BLOCK *b, void *ptr)
{
  struct ulist *l = ptr;
  if (l->n && l->runs[l->n - 1].start + l->runs[l->n - 1].n == b->addr) {
    l->runs[l->n - 1].n++;
    return TSK_WALK_CONT;
  }
  if (!rs_grow((void **)&l->runs, &l->cap, l->n + 1, sizeof *l->runs, 256)) {
    l->nomem = true;
    return TSK_WALK_STOP;
  }
  l->runs[l->n++] = (struct urun){b->addr, 1};
  return TSK_WALK_CONT;
}

struct upiece {
  uint8_t *buf;      /* front + RESIDUE_CHUNK; the piece's bytes at buf + front */
  size_t len;
  uint64_t off;      /* byte offset of the piece in the volume */
  bool first, last;  /* the piece starts / ends its run */
  bool full;
  char err[200];     /* the read failed: why (the piece is not searched) */
};

struct ureader {
  TSK_IMG_INFO *img;
  TSK_OFF_T base;    /* the volume's offset in the image */
  uint64_t bsize;
  size_t front;      /* room before each piece: the carver's and the rules' overlap */
  const struct ulist *l;
  struct upiece p[2];
  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t i;          /* the run being read (the reader's) */
  uint64_t at, runs_end;
  bool run_first;
  bool done;         /* the reader has filled its last piece */
  bool stop;         /* the searcher gave up: the reader stops */
};

/* Reads the next piece of the runs into p; false after the last. */
static bool uread_next(struct ureader *u, struct upiece *p)
{
  while (u->i < u->l->n && u->at == u->runs_end) {
    u->i++;
    if (u->i < u->l->n) {
      u->at = u->l->runs[u->i].start * u->bsize;
      u->runs_end = u->at + u->l->runs[u->i].n * u->bsize;
      u->run_first = true;
    }
  }
  if (u->i >= u->l->n)
    return false;
  p->len = u->runs_end - u->at < RESIDUE_CHUNK ? (size_t)(u->runs_end - u->at) : RESIDUE_CHUNK;
  p->off = u->at;
  p->first = u->run_first;
  p->last = u->at + p->len == u->runs_end;
  p->err[0] = '\0';
  ssize_t got = tsk_img_read(u->img, u->base + (TSK_OFF_T)u->at, (char *)p->buf + u->front, p->len);
  if (got != (ssize_t)p->len) {
    snprintf(p->err, sizeof p->err, "read of %zu bytes at volume offset %llu failed: %s", p->len,
             (unsigned long long)u->at, tsk_error_get() ? tsk_error_get() : "short read");
    tsk_error_reset();
  }
  u->at += p->len;
  u->run_first = false;
  return true;
}

static void *ureader_main(void *arg)
{
  struct ureader *u = arg;
  for (int k = 0;; k ^= 1) {
    struct upiece *p = &u->p[k];
    pthread_mutex_lock(&u->mu);
    while (p->full && !u->stop)
      pthread_cond_wait(&u->cv, &u->mu);
    bool stop = u->stop;
    pthread_mutex_unlock(&u->mu);
    if (stop || !uread_next(u, p))
      break;
    pthread_mutex_lock(&u->mu);
    p->full = true;
    pthread_cond_broadcast(&u->cv);
    pthread_mutex_unlock(&u->mu);
  }
  pthread_mutex_lock(&u->mu);
  u->done = true;
  pthread_cond_broadcast(&u->cv);
  pthread_mutex_unlock(&u->mu);
  return NULL;
}

/* The searcher's side of one run: the run's last bytes (put in front of the
 * next piece) and the rules' overlap. */
struct usearch {
  uint8_t *tail;     /* front bytes */
  size_t front, ntail;
  size_t rov;        /* the rules' overlap */
  bool open;         /* a run is being searched */
  bool ended;        /* its last piece went to the rules */
};

static size_t min_sz(size_t a, size_t b)
{
  return a < b ? a : b;
}

/* Ends the run; at, front bytes of room before it, when its last piece did
 * not reach the rules (a failed read): the rules then see the run's end. */
static void urun_end(struct residue_run *rr, struct usearch *us, uint8_t *at)
{
  if (!us->open)
    return;
  us->open = false;
  struct rs_diag d;
  if (rr->cv && !rs_ctx_failed(rr->ctx)) {
    size_t k = min_sz(us->ntail, RS_CARVE_OVERLAP);
    rs_diag_clear(&d);
    if (rs_carver_scan(rr->cv, us->tail + us->ntail - k, k, rr->cstart + rr->cbase, true,
                       carved_cb, rr, NULL, &d) == RS_E_NOMEM)
      rs_results_fail(&rr->ctx->res, RS_E_NOMEM);
  }
  if (!us->ended && at) {
    size_t k = min_sz(us->ntail, us->rov);
    memcpy(at - k, us->tail + us->ntail - k, k);
    rs_diag_clear(&d);
    if (rs_rules_stream_held(rr->sc, at, 0, k, true, &d) == RS_E_NOMEM)
      rs_results_fail(&rr->ctx->res, RS_E_NOMEM);
  }
  rs_diag_clear(&d);
  struct rs_rules_stats st;
  rs_rules_stream_end(rr->sc, &st, &d);
}

/* A rules error stops the search: out of memory fails the scan, anything
 * else is said (why) and the region keeps what was searched. */
static bool rules_failed(struct residue_run *rr, enum rs_err e, const struct rs_diag *d,
                         char *why, size_t whysz)
{
  if (e == RS_OK)
    return false;
  if (e == RS_E_NOMEM)
    rs_results_fail(&rr->ctx->res, e);
  else if (!why[0])
    snprintf(why, whysz, "search stopped: %s", d->what[0] ? d->what : rs_err_text(e));
  return true;
}

/* Searches one piece (its bytes at p->buf + front) in place; false when the
 * search must stop (why says why, unless the scan failed). */
static bool upiece_search(struct residue_run *rr, struct usearch *us, struct upiece *p,
                          char *why, size_t whysz)
{
  struct rs_scan_ctx *ctx = rr->ctx;
  uint8_t *data = p->buf + us->front;
  struct rs_diag d;
  if (p->first || !us->open) {   /* a new run, or the rest of one after a failed read */
    urun_end(rr, us, data);
    rs_diag_clear(&d);
    if (rules_failed(rr, rs_rules_stream_begin(rr->sc, p->off, match_cb, rr, &d), &d, why, whysz))
      return false;
    carve_begin(rr, p->off);
    us->ntail = 0;
    us->open = true;
    us->ended = false;
  }
  /* the run's last bytes before the piece: both overlaps */
  memcpy(data - us->ntail, us->tail, us->ntail);
  ctx->regions[rr->region].searched += p->len;
  if (rr->cv && !rs_ctx_failed(ctx)) {
    size_t k = min_sz(us->ntail, RS_CARVE_OVERLAP);
    rs_diag_clear(&d);
    if (rs_carver_scan(rr->cv, data - k, k + p->len, rr->cstart + rr->cbase, false, carved_cb, rr,
                       NULL, &d) == RS_E_NOMEM)
      rs_results_fail(&ctx->res, RS_E_NOMEM);
    size_t len = k + p->len;
    rr->cbase += len - min_sz(len, RS_CARVE_OVERLAP);
  }
  rs_diag_clear(&d);
  if (rules_failed(rr, rs_rules_stream_held(rr->sc, data, p->len, min_sz(us->ntail, us->rov),
                                            p->last, &d),
                   &d, why, whysz)) {
    us->open = false;   /* the scanner dropped the stream */
    return false;
  }
  us->ended = p->last;
  /* the run's last front bytes, for the next piece (they precede data) */
  size_t have = us->ntail + p->len, keep = min_sz(have, us->front);
  memcpy(us->tail, data + p->len - keep, keep);
  us->ntail = keep;
  if (p->last)
    urun_end(rr, us, NULL);
  return !rs_ctx_failed(ctx);
}

static void scan_unallocated(struct residue_run *rr, int vol)
{
  struct rs_scan_ctx *ctx = rr->ctx;
  TSK_FS_INFO *fs = ctx->img->vols[vol].fs;
  if (!fs || !fs->block_size || RESIDUE_CHUNK % fs->block_size)
    return;
  struct rs_residue_region *g = add_region(ctx, "unallocated", vol, NULL, 0);
  if (!g)
    return;
  size_t gi = ctx->nregions - 1;
  if (!rules_ready(rr)) {
    g->note = rs_results_strdup(&ctx->res, "not searched: the bundled rules could not be loaded");
    return;
  }
  char name[32];
  snprintf(name, sizeof name, "volume %d", vol);
  rs_scan_progress(ctx, "searching unallocated space", name);
  struct ulist l = {0};
  char why[400] = "";
  int rc = tsk_fs_block_walk(fs, fs->first_block, fs->last_block,
                             TSK_FS_BLOCK_WALK_FLAG_UNALLOC | TSK_FS_BLOCK_WALK_FLAG_CONT |
                                 TSK_FS_BLOCK_WALK_FLAG_AONLY,
                             unalloc_addr, &l);
  if (l.nomem) {
    free(l.runs);
    rs_results_fail(&ctx->res, RS_E_NOMEM);
    return;
  }
  if (rc != 0) {
    snprintf(why, sizeof why, "block walk stopped: %s", tsk_error_get() ? tsk_error_get() : "?");
    tsk_error_reset();
  }
  size_t rov = rs_rules_overlap(rr->rules);
  struct ureader u = {.img = ctx->img->img, .base = fs->offset, .bsize = fs->block_size, .l = &l,
                      .front = rov > RS_CARVE_OVERLAP ? rov : RS_CARVE_OVERLAP};
  struct usearch *us = calloc(1, sizeof *us);
  if (us) {
    us->front = u.front;
    us->rov = rov;
    us->tail = malloc(u.front);
  }
  u.p[0].buf = malloc(u.front + RESIDUE_CHUNK);
  u.p[1].buf = malloc(u.front + RESIDUE_CHUNK);
  if (!us || !us->tail || !u.p[0].buf || !u.p[1].buf) {
    if (us)
      free(us->tail);
    free(us);
    free(u.p[0].buf);
    free(u.p[1].buf);
    free(l.runs);
    rs_results_fail(&ctx->res, RS_E_NOMEM);
    return;
  }
  rr->region = gi;
  rr->c = NULL;
  rr->win = NULL;
  rr->hiberfil = false;
  carver_ready(rr);
  pthread_mutex_init(&u.mu, NULL);
  pthread_cond_init(&u.cv, NULL);
  if (l.n) {
    u.at = l.runs[0].start * u.bsize;
    u.runs_end = u.at + l.runs[0].n * u.bsize;
    u.run_first = true;
  }
  pthread_t th;
  bool threaded = l.n && pthread_create(&th, NULL, ureader_main, &u) == 0;
  uint64_t unread = 0;
  bool go = true;
  for (int k = 0; l.n; k ^= 1) {
    struct upiece *p = &u.p[k];
    if (threaded) {
      pthread_mutex_lock(&u.mu);
      while (!p->full && !u.done)
        pthread_cond_wait(&u.cv, &u.mu);
      bool have = p->full;
      pthread_mutex_unlock(&u.mu);
      if (!have)
        break;
    } else if (!go || !uread_next(&u, p)) {  /* no second thread: read here */
      break;
    }
    if (go && p->err[0]) {
      unread += p->len;
      if (!why[0])
        snprintf(why, sizeof why, "%s", p->err);
      urun_end(rr, us, p->buf + u.front);
    } else if (go) {
      go = upiece_search(rr, us, p, why, sizeof why);
    }
    pthread_mutex_lock(&u.mu);
    p->full = false;
    if (!go)
      u.stop = true;
    pthread_cond_broadcast(&u.cv);
    pthread_mutex_unlock(&u.mu);
  }
  if (threaded)
    pthread_join(th, NULL);
  urun_end(rr, us, u.p[0].buf + u.front);  /* a search that stopped early */
  pthread_mutex_destroy(&u.mu);
  pthread_cond_destroy(&u.cv);
  free(us->tail);
  free(us);
  free(u.p[0].buf);
  free(u.p[1].buf);
  free(l.runs);
  if (rs_ctx_failed(ctx))
    return;
  g = &ctx->regions[gi];
  g->bytes = g->searched;
  g->skipped += unread;
  if (why[0]) {
    rs_ctx_unreadable(ctx, "unallocated space", name, RS_E_IO, why);
    g->note = rs_results_strdup(&ctx->res, why);
  }
}

/* Regions in (volume, path) order, not walk order: an image and a
 * collection of the same files list them (and number their findings) alike. */
static int cand_cmp(const void *a, const void *b)
{
  const struct rs_cand *x = *(const struct rs_cand *const *)a;
  const struct rs_cand *y = *(const struct rs_cand *const *)b;
  if (x->volume != y->volume)
    return x->volume < y->volume ? -1 : 1;
  int c = strcasecmp(x->path, y->path);
  return c ? c : strcmp(x->path, y->path);
}

void rs_stage_residue(struct rs_scan_ctx *ctx)
{
  struct residue_run rr = {.ctx = ctx};
  struct rs_buf win = {0};
  const struct rs_cand **list = NULL;
  size_t n = 0, cap = 0;
  for (size_t i = 0; i < ctx->ncand; i++) {
    if (ctx->cands[i].kind != RS_C_RESIDUE)
      continue;
    if (!rs_grow((void **)&list, &cap, n + 1, sizeof *list, 8)) {
      rs_results_fail(&ctx->res, RS_E_NOMEM);
      free(list);
      return;
    }
    list[n++] = &ctx->cands[i];
  }
  if (n > 1)
    qsort(list, n, sizeof *list, cand_cmp);
  for (size_t i = 0; i < n && !rs_ctx_failed(ctx); i++) {
    if (!rs_win_path(ctx, list[i]->volume, list[i]->path, &win))
      break;
    scan_one(&rr, list[i], win.data);
  }
  free(list);
  rs_buf_free(&win);
  if (ctx->opts->unallocated && ctx->img->img)
    for (int v = 0; v < ctx->img->nvol && !rs_ctx_failed(ctx); v++)
      scan_unallocated(&rr, v);
  free(rr.scratch);
  free(rr.cbuf);
  rs_carver_free(rr.cv);
  rs_rules_scanner_free(rr.sc);
  rs_rules_close(rr.rules);
}
