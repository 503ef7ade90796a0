/* The scan context: findings, unreadable entries, paths, and its release. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/stage.h"

struct rs_find *rs_ctx_add_find(struct rs_scan_ctx *ctx, const struct rs_check *c, bool live,
                                int volume, const char *sort_key)
{
  if (ctx->nfind == ctx->capfind) {
    size_t cap = ctx->capfind ? ctx->capfind * 2 : 32;
    struct rs_find *n = realloc(ctx->finds, cap * sizeof *n);
    if (!n)
      return NULL;
    ctx->finds = n;
    ctx->capfind = cap;
  }
  struct rs_find *f = &ctx->finds[ctx->nfind];
  memset(f, 0, sizeof *f);
  f->seq = ctx->nfind++;
  f->check = c;
  f->live = live;
  f->current_source = live;
  f->volume = volume;
  snprintf(f->sort_key, sizeof f->sort_key, "%s", sort_key ? sort_key : "");
  f->obj = json_object();
  json_object_set_new(f->obj, "family", json_string(c->family));
  const char *kind = "file";
  switch (c->kind) {
  case RS_K_FILE: kind = "file"; break;
  case RS_K_REG_VROOT:
  case RS_K_REG_VROOT_PERM:
  case RS_K_REG_DWORD: kind = "registry"; break;
  case RS_K_METABASE_VDIR: kind = "metabase"; break;
  case RS_K_PE_IDQ: kind = "pe"; break;
  case RS_K_PATCH_CONFLICT: kind = "registry"; break;
  case RS_K_LOG_FAMILY:
  case RS_K_LOG_BACKDOOR: kind = "log"; break;
  }
  json_object_set_new(f->obj, "check", json_string(c->id));
  json_object_set_new(f->obj, "kind", json_string(kind));
  json_object_set_new(f->obj, "severity", json_string(c->severity));
  json_object_set_new(f->obj, "title", json_string(c->title));
  json_object_set_new(f->obj, "why", json_string(c->why));
  json_object_set_new(f->obj, "volume", volume >= 0 ? json_integer(volume) : json_null());
  json_object_set_new(f->obj, "live", json_boolean(live));
  json_object_set_new(f->obj, "ref", json_string(c->ref));
  return f;
}

void rs_ctx_unreadable(struct rs_scan_ctx *ctx, const char *what, const char *where,
                       const char *reason)
{
  json_t *o = json_object();
  json_object_set_new(o, "what", rs_json_str(what));
  json_object_set_new(o, "where", rs_json_str(where));
  json_object_set_new(o, "reason", rs_json_str(reason));
  json_array_append_new(ctx->unreadable, o);
}

void rs_win_path(const struct rs_scan_ctx *ctx, int vol, const char *tsk_path, char *out,
                 size_t outsz)
{
  const char *drive = vol >= 0 && vol < ctx->img->nvol ? ctx->img->vols[vol].drive : "";
  size_t n = 0;
  if (drive[0])
    n = (size_t)snprintf(out, outsz, "%s", drive);
  else if (vol >= 0)
    n = (size_t)snprintf(out, outsz, "[volume %d]", vol);
  for (const char *p = tsk_path; *p && n + 1 < outsz; p++)
    out[n++] = *p == '/' ? '\\' : *p;
  if (n < outsz)
    out[n] = '\0';
  else if (outsz)
    out[outsz - 1] = '\0';
}

void rs_ctx_free(struct rs_scan_ctx *ctx)
{
  for (size_t i = 0; i < ctx->ncand; i++)
    free(ctx->cands[i].path);
  free(ctx->cands);
  for (size_t i = 0; i < ctx->nfind; i++)
    json_decref(ctx->finds[i].obj);
  free(ctx->finds);
  rs_tl_free(ctx);
  rs_logagg_free(ctx->agg);
  json_decref(ctx->idq_list);
  json_decref(ctx->hive_list);
  free(ctx->regvals);
  json_decref(ctx->log_files);
  json_decref(ctx->unreadable);
  free(ctx->days);
}
