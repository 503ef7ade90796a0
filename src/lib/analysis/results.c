/* The results model: findings, timeline, unreadable entries, and the one
 * sticky error of a scan. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/results.h"
#include "redsleuth/buf.h"

void rs_results_init(struct rs_results *r)
{
  memset(r, 0, sizeof *r);
  r->err = RS_OK;
}

enum rs_err rs_results_fail(struct rs_results *r, enum rs_err e)
{
  if (r->err == RS_OK)
    r->err = e;
  return r->err;
}

bool rs_results_grow(struct rs_results *r, void **p, size_t *cap, size_t n, size_t elem,
                     size_t first)
{
  if (r->err != RS_OK)
    return false;
  if (!rs_grow(p, cap, n + 1, elem, first)) {
    rs_results_fail(r, RS_E_NOMEM);
    return false;
  }
  return true;
}

char *rs_results_strdup(struct rs_results *r, const char *s)
{
  if (!s || r->err != RS_OK)
    return NULL;
  char *c = strdup(s);
  if (!c)
    rs_results_fail(r, RS_E_NOMEM);
  return c;
}

void rs_idx_add(struct rs_results *r, struct rs_idx *x, size_t i)
{
  if (rs_results_grow(r, (void **)&x->v, &x->cap, x->n, sizeof *x->v, 8))
    x->v[x->n++] = i;
}

struct rs_finding *rs_results_add_finding(struct rs_results *r, const struct rs_check *c,
                                          enum rs_fdetail what, bool live, int volume,
                                          const char *sort_key)
{
  if (!rs_results_grow(r, (void **)&r->finds, &r->capfind, r->nfind, sizeof *r->finds, 32))
    return NULL;
  char *sk = rs_results_strdup(r, sort_key ? sort_key : "");
  if (!sk)
    return NULL;
  struct rs_finding *f = &r->finds[r->nfind];
  memset(f, 0, sizeof *f);
  f->seq = r->nfind++;
  f->check = c;
  f->what = what;
  f->live = live;
  f->current_source = live;
  f->volume = volume;
  f->sort_key = sk;
  if (what == RS_FD_FILE)
    f->u.file.can_run_at_logon = -1;
  return f;
}

void rs_results_unreadable(struct rs_results *r, const char *what, const char *where,
                           const char *reason)
{
  if (!rs_results_grow(r, (void **)&r->unr, &r->capunr, r->nunr, sizeof *r->unr, 16))
    return;
  struct rs_unreadable u = {rs_results_strdup(r, what ? what : ""),
                            rs_results_strdup(r, where ? where : ""),
                            rs_results_strdup(r, reason ? reason : "")};
  if (r->err != RS_OK) {
    free(u.what);
    free(u.where);
    free(u.reason);
    return;
  }
  r->unr[r->nunr++] = u;
}

void rs_tl_add(struct rs_results *r, const struct rs_time *t, const char *desc,
               const char *source, const char *message, int find_index, const char *path,
               const char *ip)
{
  if (!t || !t->set || r->err != RS_OK)
    return;
  if (r->ntl >= RS_TL_MAX) {
    r->tl_overflow = true;
    return;
  }
  if (!rs_results_grow(r, (void **)&r->tl, &r->captl, r->ntl, sizeof *r->tl, 256))
    return;
  struct rs_tl_entry e = {*t,
                          rs_results_strdup(r, desc),
                          rs_results_strdup(r, source),
                          rs_results_strdup(r, message),
                          find_index,
                          rs_results_strdup(r, path),
                          rs_results_strdup(r, ip)};
  if (r->err != RS_OK) {
    free(e.desc);
    free(e.source);
    free(e.message);
    free(e.path);
    free(e.ip);
    return;
  }
  r->tl[r->ntl++] = e;
}

void rs_tl_add_spilled(struct rs_results *r, const struct rs_time *t, const char *desc,
                       const char *source, const char *message, const char *path,
                       const char *ip)
{
  if (!r->spill) {
    rs_tl_add(r, t, desc, source, message, -1, path, ip);
    return;
  }
  if (!t || !t->set || r->err != RS_OK)
    return;
  struct rs_tl_entry e = {*t, (char *)desc, (char *)source, (char *)message, -1, (char *)path,
                          (char *)ip};
  enum rs_err err = rs_tl_spill_add(r->spill, &e);
  if (err != RS_OK)
    rs_results_fail(r, err);
}

void rs_results_merge(struct rs_results *dst, const struct rs_results *src)
{
  if (src->err != RS_OK)
    rs_results_fail(dst, src->err);
  for (size_t i = 0; i < src->ntl; i++) {
    const struct rs_tl_entry *e = &src->tl[i];
    rs_tl_add(dst, &e->t, e->desc, e->source, e->message, e->find_index, e->path, e->ip);
  }
  if (src->tl_overflow)
    dst->tl_overflow = true;
  for (size_t i = 0; i < src->nunr; i++)
    rs_results_unreadable(dst, src->unr[i].what, src->unr[i].where, src->unr[i].reason);
}

static int find_cmp(const void *pa, const void *pb)
{
  const struct rs_finding *a = pa, *b = pb;
  if (a->check != b->check)
    return a->check < b->check ? -1 : 1; /* table order */
  return strcmp(a->sort_key, b->sort_key);
}

static int sc(const char *a, const char *b)
{
  return strcmp(a ? a : "", b ? b : "");
}

int rs_tl_cmp(const struct rs_tl_entry *a, const struct rs_tl_entry *b)
{
  int r = rs_time_cmp(&a->t, &b->t);
  if (!r)
    r = sc(a->source, b->source);
  if (!r)
    r = sc(a->message, b->message);
  if (!r)
    r = sc(a->desc, b->desc);
  if (!r)
    r = sc(a->path, b->path);
  if (!r)
    r = sc(a->ip, b->ip);
  return r;
}

static int tl_cmp(const void *pa, const void *pb)
{
  return rs_tl_cmp(pa, pb);
}

void rs_results_finish(struct rs_results *r)
{
  if (r->err != RS_OK || r->finished)
    return;
  if (r->nfind > 1) /* finds is NULL when there are none (UBSan, fuzz_scan) */
    qsort(r->finds, r->nfind, sizeof *r->finds, find_cmp);
  /* timeline entries refer to findings by creation order: remap */
  int *map = calloc(r->nfind ? r->nfind : 1, sizeof *map);
  if (!map) {
    rs_results_fail(r, RS_E_NOMEM);
    return;
  }
  const struct rs_check *prev = NULL;
  int n = 0;
  for (size_t i = 0; i < r->nfind; i++) {
    struct rs_finding *f = &r->finds[i];
    n = f->check == prev ? n + 1 : 1;
    prev = f->check;
    snprintf(f->id, sizeof f->id, "%s-%d", f->check->id, n);
    map[f->seq] = (int)i;
  }
  for (size_t i = 0; i < r->ntl; i++)
    if (r->tl[i].find_index >= 0 && (size_t)r->tl[i].find_index < r->nfind)
      r->tl[i].find_index = map[r->tl[i].find_index];
  free(map);
  if (r->ntl > 1) /* tl is NULL when empty */
    qsort(r->tl, r->ntl, sizeof *r->tl, tl_cmp);
  if (r->spill) {
    bool cut = false;
    enum rs_err e = rs_tl_spill_finish(r->spill, r->tl, r->ntl,
                                       r->ntl < RS_TL_MAX ? RS_TL_MAX - r->ntl : 0, &cut);
    if (e != RS_OK) {
      rs_results_fail(r, e);
      return;
    }
    if (cut)
      r->tl_overflow = true;
  }
  r->finished = true;
}

void rs_match_detail_free(struct rs_match_detail *m)
{
  if (!m)
    return;
  free(m->rule);
  free(m->ns);
  free(m->rule_file);
  for (size_t i = 0; i < m->ntags; i++)
    free(m->tags[i]);
  free(m->tags);
  for (size_t i = 0; i < m->nmeta; i++) {
    free(m->meta[i].key);
    free(m->meta[i].str);
  }
  free(m->meta);
  for (size_t i = 0; i < m->nhits; i++) {
    free(m->hits[i].id);
    free(m->hits[i].ctx);
  }
  free(m->hits);
  free(m->set);
  free(m->entry);
  free(m);
}

static void finding_free(struct rs_finding *f)
{
  rs_match_detail_free(f->match);
  free(f->sort_key);
  free(f->title);
  free(f->why);
  free(f->path);
  if (f->what == RS_FD_FILE) {
    free(f->u.file.times_note);
    free(f->u.file.file_version);
    free(f->u.file.decided_by);
    free(f->u.file.parent_path);
  } else if (f->what == RS_FD_REGISTRY) {
    free(f->u.reg.sm_entry);
  } else if (f->what == RS_FD_PATCH) {
    for (size_t i = 0; i < f->u.patch.nkeys; i++)
      free(f->u.patch.keys[i]);
    free(f->u.patch.keys);
  } else if (f->what == RS_FD_EVENT) {
    for (size_t i = 0; i < f->u.ev.nstr; i++)
      free(f->u.ev.strs[i]);
    free(f->u.ev.strs);
    free(f->u.ev.req_file);
  } else if (f->what == RS_FD_RESIDUE) {
    free(f->u.res.rule);
    free(f->u.res.ns);
    for (size_t i = 0; i < f->u.res.nhits; i++) {
      free(f->u.res.hits[i].id);
      free(f->u.res.hits[i].ctx);
    }
    free(f->u.res.hits);
  } else if (f->what == RS_FD_CARVED) {
    free(f->u.cv.text);
    free(f->u.cv.fields);
    free(f->u.cv.date_hdr);
    free(f->u.cv.ip);
    free(f->u.cv.method);
    free(f->u.cv.stem);
    free(f->u.cv.query);
  }
}

void rs_results_free(struct rs_results *r)
{
  if (!r)
    return;
  for (size_t i = 0; i < r->nfind; i++)
    finding_free(&r->finds[i]);
  free(r->finds);
  for (size_t i = 0; i < r->ntl; i++) {
    free(r->tl[i].desc);
    free(r->tl[i].source);
    free(r->tl[i].message);
    free(r->tl[i].path);
    free(r->tl[i].ip);
  }
  free(r->tl);
  if (!r->spill_shared)
    rs_tl_spill_free(r->spill);
  for (size_t i = 0; i < r->nunr; i++) {
    free(r->unr[i].what);
    free(r->unr[i].where);
    free(r->unr[i].reason);
  }
  free(r->unr);
  free(r->verdict.reasons.v);
  free(r->story);
  if (r->verdict.cleanup)
    for (size_t i = 0; i < rs_ncleanup; i++)
      free(r->verdict.cleanup[i].finds.v);
  free(r->verdict.cleanup);
  memset(r, 0, sizeof *r);
}

static const char *const status_names[] = {
    [RS_ST_BACKDOOR_USED] = "backdoor-used", [RS_ST_INFECTED] = "infected",
    [RS_ST_CLEANED] = "cleaned",             [RS_ST_VULNERABLE] = "vulnerable",
    [RS_ST_MITIGATED] = "mitigated",         [RS_ST_PATCHED] = "patched",
    [RS_ST_CLEAN] = "clean",                 [RS_ST_UNDETERMINED] = "undetermined",
};

const char *rs_status_name(enum rs_status s)
{
  return (unsigned)s < sizeof status_names / sizeof status_names[0] ? status_names[s] : "?";
}

int rs_status_parse(const char *s)
{
  for (size_t i = 0; s && i < sizeof status_names / sizeof status_names[0]; i++)
    if (strcmp(s, status_names[i]) == 0)
      return (int)i;
  return -1;
}

const char *rs_item_state_name(enum rs_item_state s)
{
  return s == RS_ITEM_PASS ? "pass" : s == RS_ITEM_FAIL ? "fail" : "unknown";
}
