/* Stage "damage" (after the media hash): files read from EWF chunks that
 * fail their checksum. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/buf.h"
#include "scan/stage.h"


/* libtsk hands the analysis a chunk that fails its checksum as zeros. Once
 * the hash pass has listed those chunks, every file whose content was read
 * (candidates of every kind, NTFS named streams searched with --yara or
 * --hashset, and the hives) is checked against them: what
 * overlaps is listed under `unreadable`, its findings get `content_damaged`,
 * and a root.exe that "differs from cmd.exe" only because zeros were
 * compared is reported as undecided. */
/* which content: an entry's default data stream (stream false) or one of
 * its named streams (its $DATA attribute attr_id) */
struct dmg_what {
  int vol;
  uint64_t inum;
  bool stream;
  uint16_t attr_id;
};

/* a content read, and how much of it lies in damaged chunks */
struct dmg {
  struct dmg_what w;
  uint64_t bytes, first_off;
};

static bool same_content(const struct dmg_what *a, const struct dmg_what *b)
{
  return a->vol == b->vol && a->inum == b->inum && a->stream == b->stream &&
         (!a->stream || a->attr_id == b->attr_id);
}

static bool cmd_copy_otherwise(const struct rs_check *c)
{
  for (size_t i = 0; i < rs_ncheck; i++)
    if (rs_checks[i].match == RS_M_CMD_COPY && rs_checks[i].otherwise &&
        strcmp(rs_checks[i].otherwise, c->id) == 0)
      return true;
  return false;
}

static void damage_one(struct rs_scan_ctx *ctx, const struct rs_byte_range *br, size_t nbr,
                       struct dmg_what w, const char *win, struct dmg **list, size_t *n,
                       size_t *cap, bool *cmd_ref)
{
  for (size_t i = 0; i < *n; i++)
    if (same_content(&(*list)[i].w, &w))
      return;
  if (w.vol < 0 || w.vol >= ctx->img->nvol || !ctx->img->vols[w.vol].fs)
    return;
  TSK_FS_INFO *fs = ctx->img->vols[w.vol].fs;
  uint64_t bytes = 0, off = 0;
  bool resident = false;
  struct rs_diag d;
  rs_diag_clear(&d);
  enum rs_err e =
      w.stream ? rs_stream_overlap(fs, w.inum, w.attr_id, br, nbr, &bytes, &off, &resident, &d)
               : rs_file_overlap(fs, w.inum, br, nbr, &bytes, &off, &resident, &d);
  if (e == RS_E_NOMEM)
    rs_results_fail(&ctx->res, e);
  if (e != RS_OK || bytes == 0)
    return;
  if (!rs_results_grow(&ctx->res, (void **)list, cap, *n, sizeof **list, 8))
    return;
  (*list)[*n] = (struct dmg){w, bytes, off};
  (*n)++;
  if (cmd_ref)
    *cmd_ref = true;
  char why[600];
  snprintf(why, sizeof why,
           "%llu byte(s) of its content, from file offset %llu, lie in EWF chunks that fail their "
           "checksum: the analysis read zeros there, so its hashes and what was parsed from it "
           "are not those of the acquired data",
           (unsigned long long)bytes, (unsigned long long)off);
  rs_results_unreadable(&ctx->res, "file content", win, why);
}

void rs_stage_damage(struct rs_scan_ctx *ctx)
{
  const struct rs_media_hashes *h = ctx->hashes;
  if (ctx->hash_err != RS_OK || !h || !h->done || h->nbad == 0)
    return;
  struct rs_byte_range br[RS_BAD_RANGES_MAX];
  size_t nbr = 0;
  uint64_t ss = h->sector_size ? h->sector_size : 512;
  for (uint32_t i = 0; i < h->nbad; i++)
    br[nbr++] = (struct rs_byte_range){h->bad[i].first * ss, (h->bad[i].first + h->bad[i].count) * ss};
  struct dmg *list = NULL;
  size_t n = 0, cap = 0;
  bool cmd_damaged = false;
  struct rs_buf win = {0};
  for (size_t i = 0; i < ctx->ncand && !rs_ctx_failed(ctx); i++) {
    const struct rs_cand *c = &ctx->cands[i];
    if (!rs_win_path(ctx, c->volume, c->path, &win))
      break;
    struct dmg_what w = {c->volume, c->inum, c->stream, c->attr_id};
    damage_one(ctx, br, nbr, w, win.data, &list, &n, &cap,
               c->kind == RS_C_CMD_REF ? &cmd_damaged : NULL);
  }
  rs_buf_free(&win);
  for (size_t k = 0; k < ctx->nhives && !rs_ctx_failed(ctx); k++) {
    struct dmg_what w = {ctx->hives[k].volume, ctx->hives[k].inum, false, 0};
    damage_one(ctx, br, nbr, w, ctx->hives[k].path, &list, &n, &cap, NULL);
  }
  for (size_t i = 0; i < ctx->res.nfind && !rs_ctx_failed(ctx); i++) {
    struct rs_finding *f = &ctx->res.finds[i];
    const struct dmg *hit = NULL;
    if (f->what == RS_FD_FILE) {
      const struct dmg_what fw = {f->volume, f->u.file.inum, f->u.file.stream,
                                  f->u.file.attr_id};
      for (size_t j = 0; j < n; j++)
        if (same_content(&list[j].w, &fw))
          hit = &list[j];
    }
    bool undecided = cmd_copy_otherwise(f->check) && (hit || cmd_damaged);
    if (hit) {
      f->damaged = true;
      f->damaged_bytes = hit->bytes;
      f->damaged_first = hit->first_off;
    }
    if (undecided) {
      free(f->title);
      free(f->why);
      free(f->u.file.decided_by);
      f->title = rs_results_strdup(&ctx->res, "root.exe in an IIS script folder, content damaged: "
                                              "cannot tell whether it is a cmd.exe copy");
      f->why = rs_results_strdup(&ctx->res,
                                 "named like the Code Red II backdoor; its content or this "
                                 "host's cmd.exe lies in EWF chunks that fail their checksum "
                                 "(see unreadable), so the comparison saw zeros");
      f->u.file.decided_by = rs_results_strdup(
          &ctx->res, hit ? "undecided: its content is damaged in the image"
                         : "undecided: this host's cmd.exe is damaged in the image");
    }
  }
  free(list);
}
