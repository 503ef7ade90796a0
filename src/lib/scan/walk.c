/* Stage "walk": one file system walk per volume; keeps the candidates
 * (check rows, reference cmd.exe, idq.dll, IIS logs) and writes the
 * --timeline full body lines. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/buf.h"
#include "redsleuth/collect.h"
#include "redsleuth/escape.h"
#include "scan/stage.h"


struct walk_arg {
  struct rs_scan_ctx *ctx;
  int vol;
  char sysdir[300], dllcache[300]; /* windows_root is bounded (image.h) */
  struct rs_buf body, name;    /* scratch for --timeline full */
};

struct rs_cand *rs_walk_add_cand(struct rs_scan_ctx *ctx, enum rs_cand_kind k, int vol,
                                 const struct rs_fsentry *e)
{
  if (!rs_results_grow(&ctx->res, (void **)&ctx->cands, &ctx->capcand, ctx->ncand,
                       sizeof *ctx->cands, 64))
    return NULL;
  struct rs_cand *c = &ctx->cands[ctx->ncand];
  memset(c, 0, sizeof *c);
  c->path = rs_results_strdup(&ctx->res, e->path);
  if (!c->path)
    return NULL;
  ctx->ncand++;
  c->kind = k;
  c->volume = vol;
  c->inum = e->inum;
  c->allocated = e->allocated;
  c->size = e->size;
  c->si[0] = e->si_crtime, c->si[1] = e->si_mtime, c->si[2] = e->si_atime, c->si[3] = e->si_ctime;
  c->fn[0] = e->fn_crtime, c->fn[1] = e->fn_mtime, c->fn[2] = e->fn_atime, c->fn[3] = e->fn_ctime;
  c->fat_local = e->fat_local;
  c->attrs = e->dos_attrs;
  c->attrs_known = e->attrs_known;
  return c;
}

static bool path_in_dir(const char *path, const char *dir)
{
  size_t n = strlen(dir);
  return n && strncasecmp(path, dir, n) == 0 && path[n] == '/' && !strchr(path + n + 1, '/');
}

/* IIS writes its logs into a W3SVCn (or MSFTPSVCn) folder under the log
 * directory, wherever an administrator moved that directory (codered-artifacts
 * 6.1): so any such folder counts, not only %SystemRoot%\System32\LogFiles.
 * The file must look like an IIS log: ex/in/nc prefix or a .log ending. */
static bool svc_dir(const char *dir, size_t dl, const char *prefix)
{
  size_t pl = strlen(prefix);
  if (dl <= pl || strncasecmp(dir, prefix, pl) != 0)
    return false;
  for (size_t i = pl; i < dl; i++)
    if (dir[i] < '0' || dir[i] > '9')
      return false;
  return true;
}

static bool is_log_path(const char *path)
{
  const char *last = strrchr(path, '/');
  if (!last || last == path)
    return false;
  const char *p = last - 1;
  while (p > path && *p != '/')
    p--;
  const char *dir = p + 1;
  size_t dl = (size_t)(last - dir);
  if (!svc_dir(dir, dl, "w3svc") && !svc_dir(dir, dl, "msftpsvc"))
    return false;
  const char *name = last + 1;
  size_t nl = strlen(name);
  return strncasecmp(name, "ex", 2) == 0 || strncasecmp(name, "in", 2) == 0 ||
         strncasecmp(name, "nc", 2) == 0 || (nl > 4 && strcasecmp(name + nl - 4, ".log") == 0);
}

/* One body line (rs_body_line) for this name: the drive (or "volN") and
 * the path[:stream], escaped, then " ($FILE_NAME)" and " (deleted)" as fls
 * -m writes them. type 0: a line for no attribute (FAT, or an NTFS entry
 * without $DATA or $INDEX_ROOT): the inode field is the number alone. */
static void body_line(FILE *out, struct walk_arg *w, const char *drive,
                      const struct rs_fsentry *e, const char *stream, bool fn, uint32_t type,
                      uint16_t id, uint64_t size, const struct rs_time t[4])
{
  struct rs_buf *b = &w->body, *nm = &w->name;
  rs_buf_reset(b);
  rs_buf_reset(nm);
  enum rs_err r = drive[0] ? rs_buf_adds(b, drive) : rs_buf_addf(b, "vol%d", w->vol);
  if (r == RS_OK)
    r = rs_buf_addf(nm, "%s%s%s", e->path, stream ? ":" : "", stream ? stream : "");
  if (r == RS_OK)
    r = rs_escape_body(b, nm->data, nm->len);
  if (r == RS_OK)
    r = rs_buf_addf(b, "%s%s", fn ? " ($FILE_NAME)" : "", e->allocated ? "" : " (deleted)");
  char ino[64];
  if (type)
    snprintf(ino, sizeof ino, "%llu-%u-%u", (unsigned long long)e->inum, (unsigned)type,
             (unsigned)id);
  else
    snprintf(ino, sizeof ino, "%llu", (unsigned long long)e->inum);
  /* a|m|c|cr from t's cr, m, a, c */
  const int64_t tt[4] = {t[2].set ? t[2].sec : 0, t[1].set ? t[1].sec : 0,
                         t[3].set ? t[3].sec : 0, t[0].set ? t[0].sec : 0};
  rs_buf_reset(nm);
  if (r == RS_OK)
    r = rs_body_line(nm, NULL, b->data, ino,
                     e->is_virtual ? (e->is_dir ? "V/V---------" : "v/v---------")
                     : e->is_dir   ? "d/drwxrwxrwx"
                                   : "r/rrwxrwxrwx",
                     size, tt);
  /* paths are bounded (RS_PATH_MAX): only memory can fail here */
  if (rs_ctx_buf(w->ctx, r))
    fwrite(nm->data, 1, nm->len, out);
}

/* Every line fls -r -m gives for this name: one per $DATA / $INDEX_ROOT
 * attribute ($SI times), one for the $FILE_NAME of the fn_* times, and one
 * without attribute when there was no $DATA or $INDEX_ROOT (FAT: always). */
static void body_lines(FILE *out, struct walk_arg *w, const struct rs_fsentry *e)
{
  const char *drive = w->ctx->img->vols[w->vol].drive;
  struct rs_time si[4] = {e->si_crtime, e->si_mtime, e->si_atime, e->si_ctime};
  for (size_t i = 0; i < e->nstreams; i++) {
    const struct rs_fsstream *s = &e->streams[i];
    body_line(out, w, drive, e, s->name, false, s->type, s->id, s->size, si);
  }
  if (e->fn_attr) {
    struct rs_time fn[4] = {e->fn_crtime, e->fn_mtime, e->fn_atime, e->fn_ctime};
    body_line(out, w, drive, e, NULL, true, TSK_FS_ATTR_TYPE_NTFS_FNAME, e->fn_id, e->fn_size,
              fn);
  }
  if (e->nstreams == 0)
    body_line(out, w, drive, e, NULL, false, 0, 0, e->size, si);
}

static int virt_cb(const struct rs_fsentry *e, void *arg)
{
  struct walk_arg *w = arg;
  body_lines(w->ctx->opts->full_body, w, e);
  return 0;
}

static int walk_cb(const struct rs_fsentry *e, void *arg)
{
  struct walk_arg *w = arg;
  struct rs_scan_ctx *ctx = w->ctx;
  if (rs_ctx_failed(ctx))
    return 1; /* out of memory: the scan ends */
  if (ctx->opts->full_body)
    body_lines(ctx->opts->full_body, w, e);
  if (e->is_dir)
    return 0;
  for (size_t i = 0; i < rs_ncheck; i++) {
    if (rs_checks_file_row_matches(&rs_checks[i], &ctx->img->vols[w->vol], &ctx->si, e)) {
      struct rs_cand *c = rs_walk_add_cand(ctx, RS_C_ROW, w->vol, e);
      if (c)
        c->check = &rs_checks[i];
    }
  }
  if (strcasecmp(e->name, "cmd.exe") == 0 && e->allocated &&
      (path_in_dir(e->path, w->sysdir) || path_in_dir(e->path, w->dllcache)))
    rs_walk_add_cand(ctx, RS_C_CMD_REF, w->vol, e);
  if (strcasecmp(e->name, "idq.dll") == 0) {
    struct rs_cand *c = rs_walk_add_cand(ctx, RS_C_IDQ, w->vol, e);
    if (c) {
      const char *role = "other";
      if (w->sysdir[0] && path_in_dir(e->path, w->sysdir))
        role = e->allocated ? "active" : "deleted";
      else if (w->dllcache[0] && path_in_dir(e->path, w->dllcache))
        role = "dllcache";
      else if (strcasestr(e->path, "/$ntuninstall"))
        role = "backup";
      else if (strcasestr(e->path, "/servicepackfiles/"))
        role = "servicepack";
      else if (strcasestr(e->path, "/inetsrv/"))
        role = "inetsrv";
      snprintf(c->role, sizeof c->role, "%s", role);
    }
  }
  if (is_log_path(e->path)) {
    struct rs_cand *c = rs_walk_add_cand(ctx, RS_C_LOG, w->vol, e);
    if (c)
      rs_logs_found(ctx, c); /* read from now on, beside the walk */
  }
  rs_nimda_walk_entry(ctx, w->vol, e);
  rs_residue_walk_entry(ctx, w->vol, e);
  rs_content_walk_entry(ctx, w->vol, e);
  const char *evt_role = rs_evt_cand_role(ctx, w->vol, e);
  if (evt_role) {
    struct rs_cand *c = rs_walk_add_cand(ctx, RS_C_EVT, w->vol, e);
    if (c)
      snprintf(c->role, sizeof c->role, "%s", evt_role);
  }
  return rs_ctx_failed(ctx);
}

/* One volume's walk state (a file system's or a collection's drive). */
static void walk_arg_init(struct walk_arg *w, struct rs_scan_ctx *ctx, int v)
{
  const struct rs_volume *vol = &ctx->img->vols[v];
  memset(w, 0, sizeof *w);
  w->ctx = ctx;
  w->vol = v;
  rs_buf_init(&w->body, 1u << 20);
  rs_buf_init(&w->name, 1u << 20);
  if (vol->windows_root[0]) {
    snprintf(w->sysdir, sizeof w->sysdir, "%s/system32", vol->windows_root);
    snprintf(w->dllcache, sizeof w->dllcache, "%s/system32/dllcache", vol->windows_root);
  }
}

/* A collection's drive: its files in name order, by the same rules; what
 * could not be listed (refused archive names, links) is unreadable, once. */
static void walk_coll(struct rs_scan_ctx *ctx, int v)
{
  struct rs_volume *vol = &ctx->img->vols[v];
  struct walk_arg w;
  walk_arg_init(&w, ctx, v);
  rs_scan_progress(ctx, "listing collected files", vol->drive);
  rs_coll_walk(vol->coll, v, walk_cb, &w);
  rs_buf_free(&w.body);
  rs_buf_free(&w.name);
  if (!rs_ctx_failed(ctx))
    ctx->nwalked++;
  if (v != 0)
    return;
  for (size_t i = 0; i < rs_coll_nproblems(vol->coll) && !rs_ctx_failed(ctx); i++) {
    const struct rs_coll_problem *p = rs_coll_problem(vol->coll, i);
    rs_results_unreadable(&ctx->res, "collected file", p->name, p->why);
  }
}

void rs_stage_walk(struct rs_scan_ctx *ctx)
{
  for (int v = 0; v < ctx->img->nvol && !rs_ctx_failed(ctx); v++) {
    struct rs_volume *vol = &ctx->img->vols[v];
    if (vol->coll) {
      walk_coll(ctx, v);
      continue;
    }
    if (!vol->fs || !(vol->fs_kind == RS_FS_NTFS || vol->fs_kind == RS_FS_FAT12 ||
                      vol->fs_kind == RS_FS_FAT16 || vol->fs_kind == RS_FS_FAT32))
      continue;
    struct walk_arg w;
    walk_arg_init(&w, ctx, v);
    char label[16];
    snprintf(label, sizeof label, "%d", v);
    rs_scan_progress(ctx, "walking volume", label);
    struct rs_fswalk_stats st;
    memset(&st, 0, sizeof st);
    struct rs_diag d;
    rs_diag_clear(&d);
    enum rs_err e = rs_fswalk(vol->fs, walk_cb, &w, &st, &d);
    if (ctx->opts->full_body) /* fls -m lists TSK's virtual entries too */
      rs_fsvirtual(vol->fs, virt_cb, &w, NULL);
    rs_buf_free(&w.body);
    rs_buf_free(&w.name);
    char where[64];
    snprintf(where, sizeof where, "volume %d%s%s", v, vol->drive[0] ? " " : "", vol->drive);
    if (rs_ctx_failed(ctx))
      return;
    if (e != RS_OK)
      rs_ctx_unreadable(ctx, "file system", where, e, d.what);
    else
      ctx->nwalked++;
    if (st.unreadable) {
      char why[400];
      snprintf(why, sizeof why, "%llu metadata records could not be parsed%s%s",
               (unsigned long long)st.unreadable, e == RS_OK && d.what[0] ? ": " : "",
               e == RS_OK ? d.what : "");
      rs_results_unreadable(&ctx->res, "MFT/directory entries", where, why);
    }
    if (st.loops) {
      /* a broken chain hides where its files really are: say so, the checks
       * that look at folders cannot see them */
      char why[256];
      snprintf(why, sizeof why,
               "%llu directory parent loop(s), the first through MFT entry %llu: the entries "
               "under it are listed under $OrphanFiles, their real folder is unknown",
               (unsigned long long)st.loops, (unsigned long long)st.loop_inum);
      rs_results_unreadable(&ctx->res, "MFT/directory entries", where, why);
    }
  }
}
