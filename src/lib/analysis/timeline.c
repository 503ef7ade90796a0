/* Timeline: every dated fact, merged and sorted (time, then source, message)
 * so that two runs give the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "scanctx.h"

/* A hostile image could hold millions of dated facts; the report keeps a
 * bounded number and says so. */
#define RS_TL_MAX 2000000

static char *dupn(const char *s)
{
  return s ? strdup(s) : NULL;
}

void rs_tl_add(struct rs_scan_ctx *ctx, const struct rs_time *t, const char *desc,
               const char *source, const char *message, int find_index, const char *path,
               const char *ip)
{
  if (!t || !t->set)
    return;
  if (ctx->ntl >= RS_TL_MAX) {
    ctx->tl_overflow = true;
    return;
  }
  if (ctx->ntl == ctx->captl) {
    size_t cap = ctx->captl ? ctx->captl * 2 : 256;
    struct rs_tl_entry *n = realloc(ctx->tl, cap * sizeof *n);
    if (!n) {
      ctx->tl_overflow = true;
      return;
    }
    ctx->tl = n;
    ctx->captl = cap;
  }
  struct rs_tl_entry *e = &ctx->tl[ctx->ntl++];
  e->t = *t;
  e->desc = dupn(desc);
  e->source = dupn(source);
  e->message = dupn(message);
  e->find_index = find_index;
  e->path = dupn(path);
  e->ip = dupn(ip);
}

static int sc(const char *a, const char *b)
{
  return strcmp(a ? a : "", b ? b : "");
}

static int tl_cmp(const void *pa, const void *pb)
{
  const struct rs_tl_entry *a = pa, *b = pb;
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

json_t *rs_tl_build(struct rs_scan_ctx *ctx)
{
  if (ctx->ntl > 1) /* tl is NULL when empty (UBSan, fuzz_scan) */
    qsort(ctx->tl, ctx->ntl, sizeof *ctx->tl, tl_cmp);
  json_t *arr = json_array();
  for (size_t i = 0; i < ctx->ntl; i++) {
    const struct rs_tl_entry *e = &ctx->tl[i];
    json_t *o = json_object();
    json_object_set_new(o, "datetime", rs_json_time(&e->t));
    json_object_set_new(o, "timestamp_desc", rs_json_str(e->desc));
    json_object_set_new(o, "source", rs_json_str(e->source));
    json_object_set_new(o, "message", rs_json_str(e->message));
    json_object_set_new(o, "finding", e->find_index >= 0 && (size_t)e->find_index < ctx->nfind
                                          ? json_string(ctx->finds[e->find_index].id)
                                          : json_null());
    if (e->path)
      json_object_set_new(o, "path", rs_json_str(e->path));
    if (e->ip)
      json_object_set_new(o, "ip", rs_json_str(e->ip));
    json_array_append_new(arr, o);
  }
  return arr;
}

void rs_tl_free(struct rs_scan_ctx *ctx)
{
  for (size_t i = 0; i < ctx->ntl; i++) {
    free(ctx->tl[i].desc);
    free(ctx->tl[i].source);
    free(ctx->tl[i].message);
    free(ctx->tl[i].path);
    free(ctx->tl[i].ip);
  }
  free(ctx->tl);
  ctx->tl = NULL;
  ctx->ntl = ctx->captl = 0;
}
