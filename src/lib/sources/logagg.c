/* Aggregates of worm requests over many log files: per family, per
 * attacking IP, and every use of the backdoor.
 *
 * Bounded whatever the logs hold, and independent of the order they are
 * read in (two workers merge their partial aggregates): see the bounds in
 * iislog.h and rs_logagg_dropped(). Times: only records with a UTC date feed
 * first/last, so local (unconverted) clocks never mix with UTC ones. */
#include "redsleuth/iislog.h"

#include <stdlib.h>
#include <string.h>

#include "redsleuth/buf.h"

struct rs_logagg {
  struct rs_family_stats fam[RS_FAM__COUNT];
  struct rs_attacker *att;
  size_t natt, capatt;
  uint32_t *index;         /* open addressing: attacker number + 1, 0 = empty */
  size_t index_cap;        /* power of two, > 2 * natt */
  bool index_dirty;        /* att[] was sorted: rebuild before the next lookup */
  bool att_sorted;
  uint64_t att_dropped;    /* hits from IPs not itemised (outside the sample) */
  unsigned level;          /* sample level: keep IPs with in_sample(hash, level) */
  struct rs_backdoor_use *bd;
  size_t nbd, capbd;
  bool bd_sorted;
  uint64_t bd_dropped;
  bool nomem;              /* an allocation failed: the counts are incomplete */
};

struct rs_logagg *rs_logagg_new(void)
{
  return calloc(1, sizeof(struct rs_logagg));
}

bool rs_logagg_nomem(const struct rs_logagg *a)
{
  return a && a->nomem;
}

void rs_logagg_free(struct rs_logagg *a)
{
  if (!a)
    return;
  free(a->att);
  free(a->index);
  free(a->bd);
  free(a);
}

static uint64_t hash_str(const char *s)
{
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

static bool index_build(struct rs_logagg *a, size_t cap)
{
  uint32_t *ix = calloc(cap, sizeof *ix);
  if (!ix) {
    a->nomem = true;
    return false;
  }
  for (size_t i = 0; i < a->natt; i++) {
    size_t h = (size_t)hash_str(a->att[i].ip) & (cap - 1);
    while (ix[h])
      h = (h + 1) & (cap - 1);
    ix[h] = (uint32_t)(i + 1);
  }
  free(a->index);
  a->index = ix;
  a->index_cap = cap;
  a->index_dirty = false;
  return true;
}

/* Sample membership: nested as the level rises (level k+1 keeps a subset of
 * level k), so an IP kept at the final level was never evicted and its
 * counts are exact. Uses the hash's upper word; the index uses the lower. */
static bool in_sample(uint64_t hash, unsigned level)
{
  return level == 0 || ((hash >> 32) & ((1u << (level < 31 ? level : 31)) - 1)) == 0;
}

/* Raises the sample level by one: entries outside the new sample leave the
 * table (their hits become not itemised). */
static void raise_level(struct rs_logagg *a)
{
  a->level++;
  size_t k = 0;
  for (size_t i = 0; i < a->natt; i++) {
    if (in_sample(hash_str(a->att[i].ip), a->level))
      a->att[k++] = a->att[i];
    else
      a->att_dropped += a->att[i].hits;
  }
  a->natt = k;
  a->att_sorted = false;
  a->index_dirty = true;
}

/* The attacker entry for ip, created if there is room; NULL when ip is
 * outside the sample (or memory ran out): the caller counts the hit as not
 * itemised. */
static struct rs_attacker *attacker(struct rs_logagg *a, const char *ip)
{
  uint64_t hv = hash_str(ip);
  if (!in_sample(hv, a->level))
    return NULL;
  if (a->index_dirty || !a->index) {
    if (!index_build(a, a->index_cap ? a->index_cap : 1024))
      return NULL;
  }
  size_t mask = a->index_cap - 1;
  size_t h = (size_t)hv & mask;
  while (a->index[h]) {
    struct rs_attacker *x = &a->att[a->index[h] - 1];
    if (strcmp(x->ip, ip) == 0)
      return x;
    h = (h + 1) & mask;
  }
  if (a->natt >= RS_LOGAGG_MAX_ATTACKERS) {
    /* full: halve the sample until it fits, then try again */
    while (a->natt >= RS_LOGAGG_MAX_ATTACKERS && a->level < 31)
      raise_level(a);
    return a->natt < RS_LOGAGG_MAX_ATTACKERS ? attacker(a, ip) : NULL;
  }
  if (!rs_grow((void **)&a->att, &a->capatt, a->natt + 1, sizeof *a->att, 256)) {
    a->nomem = true;
    return NULL;
  }
  struct rs_attacker *x = &a->att[a->natt];
  memset(x, 0, sizeof *x);
  rs_strlcpy(x->ip, ip, sizeof x->ip);
  a->index[h] = (uint32_t)(a->natt + 1);
  a->natt++;
  a->att_sorted = false;
  if (a->natt * 2 >= a->index_cap)
    index_build(a, a->index_cap * 2); /* on failure the old index stays valid */
  return x;
}

static void widen(struct rs_time *first, struct rs_time *last, const struct rs_time *t)
{
  if (!first->set || rs_time_cmp(t, first) < 0)
    *first = *t;
  if (!last->set || rs_time_cmp(t, last) > 0)
    *last = *t;
}

static int cmp_bd(const void *x, const void *y);

/* Keeps the RS_LOGAGG_MAX_BACKDOOR earliest uses (by time, file, line) and
 * counts the rest: which uses survive does not depend on reading order. The
 * buffer may hold up to twice the bound between trims. */
static void bd_trim(struct rs_logagg *a)
{
  if (a->nbd <= RS_LOGAGG_MAX_BACKDOOR)
    return;
  qsort(a->bd, a->nbd, sizeof *a->bd, cmp_bd);
  a->bd_dropped += a->nbd - RS_LOGAGG_MAX_BACKDOOR;
  a->nbd = RS_LOGAGG_MAX_BACKDOOR;
  a->bd_sorted = true;
}

void rs_logagg_add(struct rs_logagg *a, const struct rs_logrec *r)
{
  if (!a || !r || r->family <= RS_FAM_NONE || r->family >= RS_FAM__COUNT)
    return;
  bool timed = r->utc && r->has_date && r->when.set;
  struct rs_family_stats *f = &a->fam[r->family];
  f->hits++;
  if (timed)
    widen(&f->first, &f->last, &r->when);
  int s = r->status;
  if (s >= 200 && s <= 299)
    f->status_2xx++;
  else if (s >= 300 && s <= 399)
    f->status_3xx++;
  else if (s >= 400 && s <= 499)
    f->status_4xx++;
  else if (s >= 500 && s <= 599)
    f->status_5xx++;
  else
    f->status_other++;

  const char *ip = r->client_ip ? r->client_ip : "";
  if (ip[0] && strcmp(ip, "-") != 0) {
    struct rs_attacker *x = attacker(a, ip);
    if (x) {
      x->hits++;
      x->fam_hits[r->family]++;
      if (timed)
        widen(&x->first, &x->last, &r->when);
      a->att_sorted = false;
    } else {
      a->att_dropped++;
    }
  }

  if (r->backdoor_use) {
    if (a->nbd >= 2 * RS_LOGAGG_MAX_BACKDOOR)
      bd_trim(a);
    if (!rs_grow((void **)&a->bd, &a->capbd, a->nbd + 1, sizeof *a->bd, 16)) {
      a->bd_dropped++;
      a->nomem = true;
      return;
    }
    struct rs_backdoor_use *b = &a->bd[a->nbd++];
    memset(b, 0, sizeof *b);
    b->when = r->has_date ? r->when : RS_TIME_UNSET;
    b->utc = r->utc;
    rs_strlcpy(b->ip, ip, sizeof b->ip);
    const char *q = r->query;
    bool hasq = q && q[0] && strcmp(q, "-") != 0;
    rs_snprintf(b->request, sizeof b->request, "%s%s%s%s%s", r->method ? r->method : "",
                r->method && r->method[0] ? " " : "", r->stem ? r->stem : "", hasq ? " " : "",
                hasq ? q : "");
    b->status = r->status;
    rs_strlcpy(b->file, r->file ? r->file : "", sizeof b->file);
    b->line = r->line;
    a->bd_sorted = false;
  }
}

/* Adds everything src holds to dst (parallel log workers each fill their
 * own aggregate; the driver merges them in a fixed order). The caps still
 * hold: what does not fit is counted as dropped. */
void rs_logagg_merge(struct rs_logagg *dst, const struct rs_logagg *src)
{
  if (!dst || !src)
    return;
  for (int f = 0; f < RS_FAM__COUNT; f++) {
    const struct rs_family_stats *s = &src->fam[f];
    struct rs_family_stats *d = &dst->fam[f];
    d->hits += s->hits;
    d->status_2xx += s->status_2xx;
    d->status_3xx += s->status_3xx;
    d->status_4xx += s->status_4xx;
    d->status_5xx += s->status_5xx;
    d->status_other += s->status_other;
    if (s->first.set)
      widen(&d->first, &d->last, &s->first);
    if (s->last.set)
      widen(&d->first, &d->last, &s->last);
  }
  while (dst->level < src->level)
    raise_level(dst); /* src kept only its sample: dst may not keep more */
  for (size_t i = 0; i < src->natt; i++) {
    const struct rs_attacker *s = &src->att[i];
    struct rs_attacker *x = attacker(dst, s->ip);
    if (!x) {
      dst->att_dropped += s->hits;
      continue;
    }
    x->hits += s->hits;
    for (int f = 0; f < RS_FAM__COUNT; f++)
      x->fam_hits[f] += s->fam_hits[f];
    if (s->first.set)
      widen(&x->first, &x->last, &s->first);
    if (s->last.set)
      widen(&x->first, &x->last, &s->last);
    dst->att_sorted = false;
  }
  dst->att_dropped += src->att_dropped;
  for (size_t i = 0; i < src->nbd; i++) {
    if (dst->nbd >= 2 * RS_LOGAGG_MAX_BACKDOOR)
      bd_trim(dst);
    if (!rs_grow((void **)&dst->bd, &dst->capbd, dst->nbd + 1, sizeof *dst->bd, 16)) {
      dst->bd_dropped += src->nbd - i;
      dst->nomem = true;
      break;
    }
    dst->bd[dst->nbd++] = src->bd[i];
    dst->bd_sorted = false;
  }
  dst->bd_dropped += src->bd_dropped;
}

const struct rs_family_stats *rs_logagg_family(const struct rs_logagg *a, enum rs_family f)
{
  if (!a || f < 0 || f >= RS_FAM__COUNT)
    return NULL;
  return &a->fam[f];
}

static int cmp_att(const void *x, const void *y)
{
  const struct rs_attacker *a = x, *b = y;
  if (a->hits != b->hits)
    return a->hits > b->hits ? -1 : 1;
  return strcmp(a->ip, b->ip);
}

size_t rs_logagg_attackers(struct rs_logagg *a, const struct rs_attacker **out)
{
  if (!a) {
    if (out)
      *out = NULL;
    return 0;
  }
  if (!a->att_sorted && a->natt > 1) {
    qsort(a->att, a->natt, sizeof *a->att, cmp_att);
    a->index_dirty = true; /* positions moved */
  }
  a->att_sorted = true;
  if (out)
    *out = a->att;
  return a->natt;
}

static int cmp_bd(const void *x, const void *y)
{
  const struct rs_backdoor_use *a = x, *b = y;
  int c = rs_time_cmp(&a->when, &b->when);
  if (c)
    return c;
  c = strcmp(a->file, b->file);
  if (c)
    return c;
  if (a->line != b->line)
    return a->line < b->line ? -1 : 1;
  return 0;
}

size_t rs_logagg_backdoor_uses(struct rs_logagg *a, const struct rs_backdoor_use **out)
{
  if (!a) {
    if (out)
      *out = NULL;
    return 0;
  }
  bd_trim(a);
  if (!a->bd_sorted && a->nbd > 1)
    qsort(a->bd, a->nbd, sizeof *a->bd, cmp_bd);
  a->bd_sorted = true;
  if (out)
    *out = a->bd;
  return a->nbd;
}

unsigned rs_logagg_sample_level(const struct rs_logagg *a)
{
  return a ? a->level : 0;
}

void rs_logagg_dropped(const struct rs_logagg *a, uint64_t *attacker_hits,
                       uint64_t *backdoor_uses)
{
  if (attacker_hits)
    *attacker_hits = a ? a->att_dropped : 0;
  if (backdoor_uses)
    *backdoor_uses = a ? a->bd_dropped + (a->nbd > RS_LOGAGG_MAX_BACKDOOR
                                               ? a->nbd - RS_LOGAGG_MAX_BACKDOOR
                                               : 0)
                       : 0;
}
