/* The story of the host (issue 13): the key events in time order, each with
 * the evidence its time comes from, built from the finished findings and a
 * few facts. An event without a dated source is left out; a time that is
 * inferred rather than read is marked as an estimate with what it is
 * estimated from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/results.h"

static struct rs_story_ev *ev_add(struct rs_results *r, const struct rs_time *t, int find,
                                  const char *kind)
{
  if (!t || !t->set)
    return NULL;
  if (!rs_results_grow(r, (void **)&r->story, &r->capstory, r->nstory, sizeof *r->story, 8))
    return NULL;
  struct rs_story_ev *e = &r->story[r->nstory++];
  memset(e, 0, sizeof *e);
  e->t = *t;
  e->find = find;
  e->kind = kind;
  return e;
}

static bool is_worm_family(const struct rs_check *c)
{
  return c->kind == RS_K_LOG_FAMILY && strcmp(c->family, "other") != 0;
}

static const char *path_of(const struct rs_finding *f)
{
  return f->path ? f->path : "-";
}

/* The first worm request: the earliest first request over the worm families. */
static void first_worm_request(struct rs_results *r)
{
  int best = -1;
  for (size_t i = 0; i < r->nfind; i++) {
    const struct rs_finding *f = &r->finds[i];
    if (f->what != RS_FD_LOG_FAMILY || !is_worm_family(f->check) || !f->u.fam.first.set)
      continue;
    if (best < 0 || rs_time_cmp(&f->u.fam.first, &r->finds[best].u.fam.first) < 0)
      best = (int)i;
  }
  if (best < 0)
    return;
  const struct rs_finding *f = &r->finds[best];
  struct rs_story_ev *e = ev_add(r, &f->u.fam.first, best, "worm");
  if (!e)
    return;
  snprintf(e->event, sizeof e->event, "first worm request (%s)", f->check->title);
  snprintf(e->source, sizeof e->source, "IIS logs: earliest logged request of the family");
}

/* Infection: the earliest creation time of each Code Red II file row
 * (root.exe copies, the trojan explorer.exe), live or deleted. */
static void infection(struct rs_results *r)
{
  for (size_t c = 0; c < rs_ncheck; c++) {
    const struct rs_check *ck = &rs_checks[c];
    if (ck->role != RS_ROLE_CR2 || ck->kind != RS_K_FILE)
      continue;
    int best = -1;
    for (size_t i = 0; i < r->nfind; i++) {
      const struct rs_finding *f = &r->finds[i];
      if (f->check != ck || f->what != RS_FD_FILE || !f->u.file.si[0].set ||
          f->u.file.local_only)
        continue;
      if (best < 0 || rs_time_cmp(&f->u.file.si[0], &r->finds[best].u.file.si[0]) < 0)
        best = (int)i;
    }
    if (best < 0)
      continue;
    const struct rs_finding *f = &r->finds[best];
    struct rs_story_ev *e = ev_add(r, &f->u.file.si[0], best, "infection");
    if (!e)
      return;
    const char *base = strrchr(path_of(f), '\\');
    snprintf(e->event, sizeof e->event, "infection: %s created%s", base ? base + 1 : path_of(f),
             f->u.file.allocated ? "" : " (since deleted)");
    snprintf(e->source, sizeof e->source, "%s created time of %s",
             f->u.file.ntfs ? "$SI" : "FAT", path_of(f));
  }
}

/* Artifact deletion, estimated: a deleted Code Red II file's parent folder
 * was last changed when the file was deleted, unless something else changed
 * the folder later; the latest such time over the artifacts. */
static void deletion(struct rs_results *r)
{
  int best = -1;
  for (size_t i = 0; i < r->nfind; i++) {
    const struct rs_finding *f = &r->finds[i];
    if (f->what != RS_FD_FILE || f->u.file.allocated || !f->u.file.parent_path ||
        !f->u.file.parent_mod.set)
      continue;
    if (best < 0 || rs_time_cmp(&f->u.file.parent_mod, &r->finds[best].u.file.parent_mod) > 0)
      best = (int)i;
  }
  if (best < 0)
    return;
  const struct rs_finding *f = &r->finds[best];
  struct rs_story_ev *e = ev_add(r, &f->u.file.parent_mod, best, "deletion");
  if (!e)
    return;
  snprintf(e->event, sizeof e->event, "artifact deletion: %s deleted", path_of(f));
  snprintf(e->source, sizeof e->source, "$SI modified time of the folder %s",
           f->u.file.parent_path);
  e->estimate = true;
  snprintf(e->estimated_from, sizeof e->estimated_from,
           "the folder's last change: a deletion changes the folder, so the file was deleted "
           "at or before this time (at it, unless something changed the folder later)");
}

static void backdoor_use(struct rs_results *r)
{
  for (size_t i = 0; i < r->nfind; i++) {
    const struct rs_finding *f = &r->finds[i];
    if (f->what != RS_FD_BACKDOOR)
      continue;
    struct rs_story_ev *e = ev_add(r, &f->u.bd.first, (int)i, "use");
    if (e) {
      snprintf(e->event, sizeof e->event, "first backdoor use (%zu request(s) answered 2xx/502)",
               f->u.bd.uses);
      snprintf(e->source, sizeof e->source, "IIS logs: earliest backdoor request answered");
    }
    if (rs_time_cmp(&f->u.bd.last, &f->u.bd.first) == 0)
      continue;
    e = ev_add(r, &f->u.bd.last, (int)i, "use-last");
    if (e) {
      snprintf(e->event, sizeof e->event, "last backdoor use");
      snprintf(e->source, sizeof e->source, "IIS logs: latest backdoor request answered");
    }
  }
}

/* Hotfix installed: the hotfix keys' last-written times, and the $SI times
 * of the live idq.dll when it is a fixed build. */
static void hotfix(const struct rs_verdict_facts *x, struct rs_results *r)
{
  for (int h = 0; x->si && h < x->si->nhotfixes; h++) {
    const struct rs_hotfix *hf = &x->si->hotfixes[h];
    if (!hf->present || !hf->why)
      continue;
    struct rs_story_ev *e = ev_add(r, &hf->last_written, -1, "hotfix");
    if (!e)
      return;
    snprintf(e->event, sizeof e->event, "hotfix %s installed", hf->id);
    snprintf(e->source, sizeof e->source, "last-written time of registry key %s (%s)", hf->key,
             hf->hive[0] ? hf->hive : "-");
  }
  for (size_t i = 0; i < r->nfind; i++) {
    const struct rs_finding *f = &r->finds[i];
    if (f->check->kind != RS_K_PE_IDQ || !f->live || f->what != RS_FD_FILE ||
        f->u.file.state != RS_PATCH_FIXED || f->u.file.local_only)
      continue;
    static const char *const what[2] = {"created", "modified"};
    for (int k = 0; k < 2; k++) {
      if (k == 1 && rs_time_cmp(&f->u.file.si[1], &f->u.file.si[0]) == 0)
        break;
      struct rs_story_ev *e = ev_add(r, &f->u.file.si[k], (int)i, "idq");
      if (!e)
        return;
      snprintf(e->event, sizeof e->event, "fixed idq.dll %s %s",
               f->u.file.file_version ? f->u.file.file_version : "", what[k]);
      snprintf(e->source, sizeof e->source, "%s %s time of %s", f->u.file.ntfs ? "$SI" : "FAT",
               what[k], path_of(f));
    }
  }
}

/* The registry backdoor removed: /C or /D values survive only in history
 * (an old control set, a backup hive) while the live current control set
 * has none. The removal rewrote the live Virtual Roots key, so its
 * last-written time bounds it: an estimate (a later write to the key would
 * move it). */
static void registry_removed(const struct rs_verdict_facts *x, struct rs_results *r)
{
  bool past = false, live = false;
  int first = -1;
  struct rs_time after = {0}; /* the removal cannot predate what it removed */
  for (size_t i = 0; i < r->nfind; i++) {
    const struct rs_finding *f = &r->finds[i];
    if (f->check->kind != RS_K_REG_VROOT || f->check->role != RS_ROLE_CR2)
      continue;
    if (f->live)
      live = true;
    else {
      past = true;
      if (first < 0)
        first = (int)i;
      if (f->what == RS_FD_REGISTRY && rs_time_cmp(&f->u.reg.v.key_written, &after) > 0)
        after = f->u.reg.v.key_written;
    }
  }
  for (size_t i = 0; i < r->nstory; i++)
    if (!strcmp(r->story[i].kind, "infection") && rs_time_cmp(&r->story[i].t, &after) > 0)
      after = r->story[i].t;
  /* a live key last written before the infection was not written by the
   * removal: no evidence of when it happened */
  if (!past || live || !x->vroots_key[0] || rs_time_cmp(&x->vroots_written, &after) <= 0)
    return;
  struct rs_story_ev *e = ev_add(r, &x->vroots_written, first, "registry");
  if (!e)
    return;
  snprintf(e->event, sizeof e->event, "registry backdoor (/C, /D virtual roots) removed");
  snprintf(e->source, sizeof e->source, "last-written time of the live key %s",
           x->vroots_key);
  e->estimate = true;
  snprintf(e->estimated_from, sizeof e->estimated_from,
           "the live Virtual Roots key was last written then; the removal is its last write "
           "unless the key was written again later");
}

static int ev_cmp(const void *a, const void *b)
{
  const struct rs_story_ev *x = a, *y = b;
  int c = rs_time_cmp(&x->t, &y->t);
  if (c)
    return c;
  return strcmp(x->event, y->event);
}

/* "On this host: ..." after the generic summary, from the story. */
static void summary_add(struct rs_results *r)
{
  if (!r->nstory)
    return;
  char *s = r->verdict.summary;
  size_t cap = sizeof r->verdict.summary, n = strlen(s);
  const char *lead = " On this host: ";
  bool any = false;
  for (size_t i = 0; i < r->nstory; i++) {
    /* one event of each kind is enough here: the first, but the last hotfix
     * and idq.dll write (the fix comes after older hotfixes) */
    bool last = !strcmp(r->story[i].kind, "hotfix") || !strcmp(r->story[i].kind, "idq");
    bool seen = false;
    for (size_t j = last ? i + 1 : 0; j < (last ? r->nstory : i); j++)
      if (!strcmp(r->story[j].kind, r->story[i].kind))
        seen = true;
    if (seen)
      continue;
    char iso[RS_TIME_ISO_MAX];
    rs_time_iso(&r->story[i].t, iso);
    char *dot = strchr(iso, '.');
    if (dot) { /* seconds are enough here; the story keeps the full time */
      dot[0] = 'Z';
      dot[1] = '\0';
    }
    char part[400];
    int k = snprintf(part, sizeof part, "%s%s %s%s", any ? "; " : lead, r->story[i].event,
                     r->story[i].estimate ? "about " : "", iso);
    if (k < 0 || (size_t)k >= sizeof part || n + (size_t)k + 2 > cap)
      break;
    memcpy(s + n, part, (size_t)k + 1);
    n += (size_t)k;
    any = true;
  }
  if (any && n + 2 <= cap) {
    s[n++] = '.';
    s[n] = '\0';
  }
}

/* The last Code Red request the server answered 2xx (it ran the overflow,
 * or at least served it) and the first it refused (4xx) after that: when
 * the fix (or unmapping .ida) took effect, as the logs show it. */
static void answers(const struct rs_verdict_facts *x, struct rs_results *r)
{
  struct rs_story_ev *e = ev_add(r, &x->last_2xx, -1, "answer");
  if (e) {
    snprintf(e->event, sizeof e->event, "last Code Red request answered 2xx");
    snprintf(e->source, sizeof e->source, "%s", x->last_2xx_where);
  }
  e = ev_add(r, &x->first_4xx_after, -1, "refused");
  if (e) {
    snprintf(e->event, sizeof e->event, "first Code Red request answered 4xx after it");
    snprintf(e->source, sizeof e->source, "%s", x->first_4xx_where);
  }
}

void rs_story_build(const struct rs_verdict_facts *x, struct rs_results *r)
{
  first_worm_request(r);
  infection(r);
  backdoor_use(r);
  answers(x, r);
  deletion(r);
  hotfix(x, r);
  registry_removed(x, r);
  if (r->err != RS_OK)
    return;
  if (r->nstory > 1) /* qsort(NULL, 0, ...) is undefined (UBSan, fuzz scan harness) */
    qsort(r->story, r->nstory, sizeof *r->story, ev_cmp);
  summary_add(r);
}
