/* The scan driver: opens the evidence, runs the sources (registry, one file
 * system walk per volume, PE, logs), the checks and the verdict, and builds
 * the "redsleuth-report/1" object. Media hashing runs on a second thread
 * beside the analysis. */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "redsleuth/buf.h"
#include "redsleuth/escape.h"
#include "scanctx.h"

#define RS_HIVE_MAX (256u << 20)      /* largest hive read into memory */
#define RS_METABASE_MAX (64u << 20)
#define RS_PE_MAX (16u << 20)         /* idq.dll / cmd.exe are ~100-400 KB */
#define RS_LOG_CHUNK (8u << 20)       /* large runs: recipes section 9 */
#define RS_DAYS_MAX 36600             /* per-day chart buckets */

/* ---------------------------------------------------------------- json */

json_t *rs_json_str(const char *s)
{
  if (!s)
    return json_null();
  json_t *j = json_string(s);
  if (j)
    return j;
  /* Not valid UTF-8 (a raw byte, a lone UTF-16 surrogate of an NTFS name in
   * WTF-8): kept as it is, never dropped. The text, HTML and body writers
   * show each such byte as \xNN; the JSON writers make the string valid
   * with rs_escape_utf8 when they serialise (rs_writer_json). */
  j = json_stringn_nocheck(s, strlen(s));
  return j ? j : json_string("(unrepresentable)");
}

json_t *rs_json_time(const struct rs_time *t)
{
  char iso[RS_TIME_ISO_MAX];
  if (!t || !t->set)
    return json_null();
  return json_string(rs_time_iso(t, iso));
}

/* A local clock time whose zone is unknown: ISO 8601 with no zone suffix
 * ("2001-08-01T10:00:00"), so it can never be read as UTC; null if unset. */
static json_t *json_local_time(const struct rs_time *t)
{
  char iso[RS_TIME_ISO_MAX];
  if (!t || !t->set)
    return json_null();
  rs_time_iso(t, iso);
  size_t l = strlen(iso);
  if (l && iso[l - 1] == 'Z')
    iso[l - 1] = '\0';
  return json_string(iso);
}

/* ------------------------------------------------------------- context */

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

static void progress(const struct rs_scan_ctx *ctx, const char *fmt, const char *arg)
{
  if (!ctx->opts->progress || !isatty(2))
    return;
  /* arg may be a name from the evidence, and this goes to a terminal:
   * escaped as the text report is (issue 7). One stdio call per line: the
   * log workers report from their own threads. */
  struct rs_buf esc;
  rs_buf_init(&esc, 4096);
  if (rs_escape_text(&esc, arg, strlen(arg)) != RS_OK) {
    rs_buf_free(&esc);
    return;
  }
  char line[4200];
  int k = snprintf(line, sizeof line, "redsleuth: ");
  snprintf(line + k, sizeof line - (size_t)k, fmt, esc.data ? esc.data : "");
  fprintf(stderr, "%s\n", line);
  rs_buf_free(&esc);
}

/* ----------------------------------------------------------- registry */

/* Hive files relative to the Windows root; the first two are the live hives. */
static const struct {
  const char *rel;
  enum rs_hive_kind kind;
  const char *role;
} hive_files[] = {
  {"system32/config/SYSTEM", RS_HIVE_SYSTEM, "live"},
  {"system32/config/SOFTWARE", RS_HIVE_SOFTWARE, "live"},
  {"system32/config/SYSTEM.sav", RS_HIVE_SYSTEM, "sav"},
  {"system32/config/SOFTWARE.sav", RS_HIVE_SOFTWARE, "sav"},
  {"system32/config/SYSTEM.alt", RS_HIVE_SYSTEM, "alt"},
  {"repair/system", RS_HIVE_SYSTEM, "repair"},
  {"repair/software", RS_HIVE_SOFTWARE, "repair"},
};

struct hive_slot {
  uint8_t *data;
  struct rs_hive *h;
};

static struct rs_hive *open_hive(struct rs_scan_ctx *ctx, int vol, const char *rel,
                                 enum rs_hive_kind want, const char *role, struct hive_slot *slot)
{
  const struct rs_volume *v = &ctx->img->vols[vol];
  char tsk_path[512], win[600];
  snprintf(tsk_path, sizeof tsk_path, "%s/%s", v->windows_root, rel);
  rs_win_path(ctx, vol, tsk_path, win, sizeof win);
  size_t len = 0;
  uint64_t inum = 0;
  struct rs_diag d;
  rs_diag_clear(&d);
  slot->data = NULL;
  slot->h = NULL;
  enum rs_err e = rs_volume_read_path(v, tsk_path, RS_HIVE_MAX, &slot->data, &len, &inum, &d);
  if (e != RS_OK) {
    rs_ctx_unreadable(ctx, "registry hive", win, d.what[0] ? d.what : rs_err_text(e));
    return NULL;
  }
  if (!slot->data)
    return NULL; /* absent: a result */
  e = rs_hive_open_mem(slot->data, len, win, ctx->codepage, &slot->h, &d);
  if (e == RS_OK && want == RS_HIVE_SYSTEM && !strcmp(role, "live") && ctx->codepage == 0) {
    /* Key names flagged ASCII are in the system's ANSI code page: learn it
     * from this hive (the lookup itself is pure ASCII) and reopen the same
     * bytes with it when it is not the default 1252 (issue 5). */
    int acp = rs_registry_codepage(slot->h, &ctx->acp);
    ctx->codepage = acp ? acp : 1252;
    if (acp && acp != 1252) {
      struct rs_hive *h2 = NULL;
      struct rs_diag d2;
      if (rs_hive_open_mem(slot->data, len, win, acp, &h2, &d2) == RS_OK) {
        rs_hive_close(slot->h);
        slot->h = h2;
      } else {
        ctx->codepage = 1252;
        rs_ctx_unreadable(ctx, "registry code page", win, d2.what);
      }
    }
  }
  json_t *ho = json_object();
  json_object_set_new(ho, "path", rs_json_str(win));
  json_object_set_new(ho, "role", json_string(role));
  json_object_set_new(ho, "size", json_integer((json_int_t)len));
  json_object_set_new(ho, "volume", json_integer(vol));
  json_object_set_new(ho, "mft_entry", json_integer((json_int_t)inum));
  json_object_set_new(ho, "codepage", json_integer(ctx->codepage ? ctx->codepage : 1252));
  if (e != RS_OK) {
    json_object_set_new(ho, "kind", json_null());
    json_object_set_new(ho, "error", rs_json_str(d.what));
    json_array_append_new(ctx->hive_list, ho);
    rs_ctx_unreadable(ctx, "registry hive", win, d.what[0] ? d.what : rs_err_text(e));
    free(slot->data);
    slot->data = NULL;
    return NULL;
  }
  enum rs_hive_kind k = rs_hive_kind(slot->h);
  json_object_set_new(ho, "kind", json_string(rs_hive_kind_name(k)));
  json_object_set_new(ho, "dirty", json_boolean(rs_hive_dirty(slot->h)));
  json_array_append_new(ctx->hive_list, ho);
  if (k != want) {
    char why[200];
    snprintf(why, sizeof why, "expected a %s hive, found a %s hive", rs_hive_kind_name(want),
             rs_hive_kind_name(k));
    rs_ctx_unreadable(ctx, "registry hive", win, why);
    rs_hive_close(slot->h);
    free(slot->data);
    slot->h = NULL;
    slot->data = NULL;
    return NULL;
  }
  return slot->h;
}

static void close_hive(struct hive_slot *s)
{
  rs_hive_close(s->h);
  free(s->data);
  s->h = NULL;
  s->data = NULL;
}

/* system.values[]: every value the registry sources read, once per hive,
 * key and name (a value looked up twice is listed once). */
struct regval_obs {
  struct rs_scan_ctx *ctx;
  const char *role;
  int rank;
};

static void note_regval(void *arg, const struct rs_regval *v)
{
  const struct regval_obs *o = arg;
  struct rs_scan_ctx *ctx = o->ctx;
  for (size_t i = 0; i < ctx->nregvals; i++) {
    const struct rs_regval_read *r = &ctx->regvals[i];
    if (r->rank == o->rank && strcmp(r->v.hive, v->hive) == 0 &&
        strcasecmp(r->v.key, v->key) == 0 && strcasecmp(r->v.name, v->name) == 0)
      return;
  }
  if (ctx->nregvals == ctx->capregvals) {
    size_t cap = ctx->capregvals ? ctx->capregvals * 2 : 64;
    struct rs_regval_read *n = realloc(ctx->regvals, cap * sizeof *n);
    if (!n)
      return; /* bounded by what the sources look up: a few hundred values */
    ctx->regvals = n;
    ctx->capregvals = cap;
  }
  struct rs_regval_read *r = &ctx->regvals[ctx->nregvals++];
  r->v = *v;
  r->role = o->role;
  r->rank = o->rank;
}

/* Live first (hive list order), then hive, key and value name: case-folded
 * first, then bytewise, so the order never depends on the walk. */
static int regval_cmp(const void *pa, const void *pb)
{
  const struct rs_regval_read *a = pa, *b = pb;
  if (a->rank != b->rank)
    return a->rank < b->rank ? -1 : 1;
  int r = strcmp(a->v.hive, b->v.hive);
  if (!r)
    r = strcasecmp(a->v.key, b->v.key);
  if (!r)
    r = strcmp(a->v.key, b->v.key);
  if (!r)
    r = strcasecmp(a->v.name, b->v.name);
  if (!r)
    r = strcmp(a->v.name, b->v.name);
  return r;
}

static void read_registry(struct rs_scan_ctx *ctx, int vol)
{
  struct rs_diag d;
  const size_t nfiles = sizeof hive_files / sizeof hive_files[0];
  size_t i = 0;
  while (i < nfiles) {
    /* hives come in SYSTEM/SOFTWARE pairs of one role */
    const char *role = hive_files[i].role;
    struct hive_slot sys = {0}, sw = {0};
    struct rs_sysinfo tmp;
    struct rs_sysinfo *si = strcmp(role, "live") == 0 ? &ctx->si : &tmp;
    if (si == &tmp)
      rs_sysinfo_init(&tmp);
    struct regval_obs obs = {ctx, role, (int)i};
    si->on_value = note_regval;
    si->on_value_arg = &obs;
    size_t j = i;
    for (; j < nfiles && !strcmp(hive_files[j].role, role); j++) {
      struct hive_slot *slot = hive_files[j].kind == RS_HIVE_SYSTEM ? &sys : &sw;
      struct rs_hive *h = open_hive(ctx, vol, hive_files[j].rel, hive_files[j].kind, role, slot);
      if (!h)
        continue;
      rs_diag_clear(&d);
      enum rs_err e = hive_files[j].kind == RS_HIVE_SYSTEM ? rs_registry_read_system(h, si, &d)
                                                           : rs_registry_read_software(h, si, &d);
      if (e != RS_OK)
        rs_ctx_unreadable(ctx, "registry hive", rs_hive_name(h), d.what);
      if (si == &ctx->si && hive_files[j].kind == RS_HIVE_SYSTEM && ctx->acp.present)
        note_regval(&obs, &ctx->acp); /* the code page open_hive learnt from this hive */
      if (si == &ctx->si) {
        if (hive_files[j].kind == RS_HIVE_SYSTEM)
          ctx->have_system = true;
        else
          ctx->have_software = true;
      }
    }
    si->on_value = NULL; /* obs lives on this stack frame */
    si->on_value_arg = NULL;
    if (sys.h || sw.h)
      rs_checks_eval_registry(ctx, si, sw.h, role, si == &ctx->si);
    close_hive(&sys);
    close_hive(&sw);
    i = j;
  }
  if (ctx->nregvals > 1)
    qsort(ctx->regvals, ctx->nregvals, sizeof *ctx->regvals, regval_cmp);
}

/* MountedDevices gives \DosDevices\X: = disk signature + partition offset. */
static void map_drive_letters(struct rs_scan_ctx *ctx)
{
  struct rs_image *img = ctx->img;
  uint8_t mbr[4];
  if (ctx->si.nmounts == 0 || !img->img ||
      tsk_img_read(img->img, 440, (char *)mbr, 4) != 4)
    return;
  uint32_t sig = (uint32_t)mbr[0] | (uint32_t)mbr[1] << 8 | (uint32_t)mbr[2] << 16 |
                 (uint32_t)mbr[3] << 24;
  bool any = false;
  for (int m = 0; m < ctx->si.nmounts; m++) {
    const struct rs_mount *mt = &ctx->si.mounts[m];
    if (!mt->mbr || !mt->letter[0] || mt->disk_signature != sig)
      continue;
    for (int v = 0; v < img->nvol; v++) {
      if (img->vols[v].start_sector * img->sector_size == mt->offset_bytes) {
        snprintf(img->vols[v].drive, sizeof img->vols[v].drive, "%s", mt->letter);
        img->vols[v].drive_assumed = false;
        any = true;
      }
    }
  }
  if (!any)
    return;
  /* letters still assumed may now collide with real ones: drop them */
  for (int v = 0; v < img->nvol; v++) {
    if (!img->vols[v].drive_assumed)
      continue;
    for (int w = 0; w < img->nvol; w++)
      if (w != v && !img->vols[w].drive_assumed &&
          strcasecmp(img->vols[w].drive, img->vols[v].drive) == 0)
        img->vols[v].drive[0] = '\0';
  }
}

static void read_metabase(struct rs_scan_ctx *ctx, int vol)
{
  const struct rs_volume *v = &ctx->img->vols[vol];
  char tsk_path[512], win[600];
  snprintf(tsk_path, sizeof tsk_path, "%s/system32/inetsrv/MetaBase.bin", v->windows_root);
  rs_win_path(ctx, vol, tsk_path, win, sizeof win);
  uint8_t *data = NULL;
  size_t len = 0;
  struct rs_diag d;
  rs_diag_clear(&d);
  if (rs_volume_read_path(v, tsk_path, RS_METABASE_MAX, &data, &len, NULL, &d) != RS_OK) {
    rs_ctx_unreadable(ctx, "IIS metabase", win, d.what);
    return;
  }
  if (!data)
    return;
  rs_metabase_scan(data, len, &ctx->mb);
  ctx->have_metabase = true;
  free(data);
  if (ctx->mb.vdir_c || ctx->mb.vdir_d) {
    const struct rs_check *c = NULL;
    for (size_t i = 0; i < rs_ncheck; i++)
      if (rs_checks[i].kind == RS_K_METABASE_VDIR)
        c = &rs_checks[i];
    if (c) {
      struct rs_find *f = rs_ctx_add_find(ctx, c, false, vol, win);
      if (f) {
        /* heuristic: the checklist fails on it, the verdict does not rest on it */
        f->current_source = true;
        json_object_set_new(f->obj, "path", rs_json_str(win));
        json_t *det = json_object();
        json_object_set_new(det, "vdir_c", json_boolean(ctx->mb.vdir_c));
        json_object_set_new(det, "vdir_d", json_boolean(ctx->mb.vdir_d));
        json_object_set_new(det, "method", json_string("string scan (format UNCONFIRMED)"));
        json_object_set_new(f->obj, "details", det);
      }
    }
  }
}

static void decide_script_maps(struct rs_scan_ctx *ctx)
{
  const struct rs_controlset *cur = NULL;
  for (int s = 0; s < ctx->si.nsets; s++)
    if (ctx->si.sets[s].is_current)
      cur = &ctx->si.sets[s];
  bool reg_ida = cur && cur->scriptmap_ida.present;
  bool reg_idq = cur && cur->scriptmap_idq.present;
  bool mb_ida = ctx->have_metabase && ctx->mb.ida;
  bool mb_idq = ctx->have_metabase && ctx->mb.idq;
  bool w3svc = cur && cur->w3svc_present;
  /* IIS 4/5 keep the maps in the metabase: without it an absent registry
   * map proves nothing (codered-artifacts 4). */
  bool iis45 = ctx->si.iis_major.present ? ctx->si.iis_major.dword >= 4 : true;
  bool decidable = ctx->have_metabase || (ctx->have_system && (!w3svc || !iis45));
  ctx->map_ida = (reg_ida || mb_ida) ? 1 : decidable ? 0 : -1;
  ctx->map_idq = (reg_idq || mb_idq) ? 1 : decidable ? 0 : -1;
  const char *src = "";
  if ((reg_ida || reg_idq) && (mb_ida || mb_idq))
    src = "registry+metabase";
  else if (reg_ida || reg_idq)
    src = "registry";
  else if (mb_ida || mb_idq || ctx->have_metabase)
    src = "metabase";
  else if (ctx->have_system)
    src = "registry";
  snprintf(ctx->map_source, sizeof ctx->map_source, "%s", src);
}

/* --------------------------------------------------------------- walk */

struct walk_arg {
  struct rs_scan_ctx *ctx;
  int vol;
  char sysdir[300], dllcache[300];
  struct rs_buf body, name;    /* scratch for --timeline full */
};

static struct rs_cand *add_cand(struct rs_scan_ctx *ctx, enum rs_cand_kind k, int vol,
                                const struct rs_fsentry *e)
{
  if (ctx->ncand == ctx->capcand) {
    size_t cap = ctx->capcand ? ctx->capcand * 2 : 64;
    struct rs_cand *n = realloc(ctx->cands, cap * sizeof *n);
    if (!n)
      return NULL;
    ctx->cands = n;
    ctx->capcand = cap;
  }
  struct rs_cand *c = &ctx->cands[ctx->ncand];
  memset(c, 0, sizeof *c);
  c->path = strdup(e->path);
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

/* One TSK 3.x body line (mactime -b) as fls -m writes it:
 *   MD5|name[:stream][ ($FILE_NAME)][ (deleted)]|inum[-type-id]|mode|UID|GID|size|atime|mtime|ctime|crtime
 * type 0: a line for no attribute (FAT, or an NTFS entry without $DATA or
 * $INDEX_ROOT): the inode field is the number alone. */
static void body_line(FILE *out, struct walk_arg *w, const char *drive,
                      const struct rs_fsentry *e, const char *stream, bool fn, uint32_t type,
                      uint16_t id, uint64_t size, const struct rs_time t[4])
{
  struct rs_buf *b = &w->body, *nm = &w->name;
  rs_buf_reset(b);
  rs_buf_reset(nm);
  if (drive[0])
    rs_buf_adds(b, drive);
  else
    rs_buf_addf(b, "vol%d", w->vol);
  rs_buf_adds(nm, e->path);
  if (stream) {
    rs_buf_adds(nm, ":");
    rs_buf_adds(nm, stream);
  }
  rs_escape_body(b, nm->data ? nm->data : "", nm->len);
  if (fn)
    rs_buf_adds(b, " ($FILE_NAME)");
  if (!e->allocated)
    rs_buf_adds(b, " (deleted)");
  char ino[64];
  if (type)
    snprintf(ino, sizeof ino, "%llu-%u-%u", (unsigned long long)e->inum, (unsigned)type,
             (unsigned)id);
  else
    snprintf(ino, sizeof ino, "%llu", (unsigned long long)e->inum);
  fprintf(out, "0|%s|%s|%s|0|0|%llu|%lld|%lld|%lld|%lld\n", b->data ? b->data : "", ino,
          e->is_virtual ? (e->is_dir ? "V/V---------" : "v/v---------")
          : e->is_dir   ? "d/drwxrwxrwx"
                        : "r/rrwxrwxrwx",
          (unsigned long long)size, (long long)(t[2].set ? t[2].sec : 0),
          (long long)(t[1].set ? t[1].sec : 0), (long long)(t[3].set ? t[3].sec : 0),
          (long long)(t[0].set ? t[0].sec : 0));
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
  if (ctx->opts->full_body)
    body_lines(ctx->opts->full_body, w, e);
  if (e->is_dir)
    return 0;
  for (size_t i = 0; i < rs_ncheck; i++) {
    if (rs_checks_file_row_matches(&rs_checks[i], ctx, w->vol, e)) {
      struct rs_cand *c = add_cand(ctx, RS_C_ROW, w->vol, e);
      if (c)
        c->check = &rs_checks[i];
    }
  }
  if (strcasecmp(e->name, "cmd.exe") == 0 && e->allocated &&
      (path_in_dir(e->path, w->sysdir) || path_in_dir(e->path, w->dllcache)))
    add_cand(ctx, RS_C_CMD_REF, w->vol, e);
  if (strcasecmp(e->name, "idq.dll") == 0) {
    struct rs_cand *c = add_cand(ctx, RS_C_IDQ, w->vol, e);
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
  if (is_log_path(e->path))
    add_cand(ctx, RS_C_LOG, w->vol, e);
  return 0;
}

static void walk_volumes(struct rs_scan_ctx *ctx)
{
  for (int v = 0; v < ctx->img->nvol; v++) {
    struct rs_volume *vol = &ctx->img->vols[v];
    if (!vol->fs || !(vol->fs_kind == RS_FS_NTFS || vol->fs_kind == RS_FS_FAT12 ||
                      vol->fs_kind == RS_FS_FAT16 || vol->fs_kind == RS_FS_FAT32))
      continue;
    struct walk_arg w = {.ctx = ctx, .vol = v};
    rs_buf_init(&w.body, 1u << 20);
    rs_buf_init(&w.name, 1u << 20);
    if (vol->windows_root[0]) {
      snprintf(w.sysdir, sizeof w.sysdir, "%s/system32", vol->windows_root);
      snprintf(w.dllcache, sizeof w.dllcache, "%s/system32/dllcache", vol->windows_root);
    }
    char label[16];
    snprintf(label, sizeof label, "%d", v);
    progress(ctx, "walking volume %s", label);
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
    if (e != RS_OK)
      rs_ctx_unreadable(ctx, "file system", where, d.what[0] ? d.what : rs_err_text(e));
    else
      ctx->nwalked++;
    if (st.unreadable) {
      char why[400];
      snprintf(why, sizeof why, "%llu metadata records could not be parsed%s%s",
               (unsigned long long)st.unreadable, e == RS_OK && d.what[0] ? ": " : "",
               e == RS_OK ? d.what : "");
      rs_ctx_unreadable(ctx, "MFT/directory entries", where, why);
    }
    if (st.loops) {
      /* a broken chain hides where its files really are: say so, the checks
       * that look at folders cannot see them */
      char why[256];
      snprintf(why, sizeof why,
               "%llu directory parent loop(s), the first through MFT entry %llu: the entries "
               "under it are listed under $OrphanFiles, their real folder is unknown",
               (unsigned long long)st.loops, (unsigned long long)st.loop_inum);
      rs_ctx_unreadable(ctx, "MFT/directory entries", where, why);
    }
  }
}

/* -------------------------------------------------------- file findings */

static const char *const si_keys[4] = {"si_created_utc", "si_modified_utc", "si_accessed_utc",
                                       "si_mft_modified_utc"};
static const char *const fn_keys[4] = {"fn_created_utc", "fn_modified_utc", "fn_accessed_utc",
                                       "fn_mft_modified_utc"};
static const char *const si_desc[4] = {"Creation Time ($SI)", "Modification Time ($SI)",
                                       "Last Access Time ($SI)", "MFT Entry Change Time ($SI)"};
static const char *const fn_desc[4] = {"Creation Time ($FN)", "Modification Time ($FN)",
                                       "Last Access Time ($FN)", "MFT Entry Change Time ($FN)"};

static const char *const fat_desc[4] = {"Creation Time (FAT)", "Modification Time (FAT)",
                                        "Last Access Date (FAT)", "Changed (FAT)"};

static struct rs_find *file_finding(struct rs_scan_ctx *ctx, const struct rs_check *chk,
                                    const struct rs_cand *c, const struct rs_file_digest *dg)
{
  char win[1200], sk[1200];
  rs_win_path(ctx, c->volume, c->path, win, sizeof win);
  snprintf(sk, sizeof sk, "%04d|%s|%020llu", c->volume, c->path, (unsigned long long)c->inum);
  struct rs_find *f = rs_ctx_add_find(ctx, chk, c->allocated, c->volume, sk);
  if (!f)
    return NULL;
  json_t *o = f->obj;
  const struct rs_volume *vol = &ctx->img->vols[c->volume];
  bool ntfs = vol->fs_kind == RS_FS_NTFS;
  json_object_set_new(o, "path", rs_json_str(win));
  json_object_set_new(o, "drive", vol->drive[0] ? json_string(vol->drive) : json_null());
  json_object_set_new(o, "allocated", json_boolean(c->allocated));
  json_object_set_new(o, ntfs ? "mft_entry" : "dir_entry", json_integer((json_int_t)c->inum));
  if (!ntfs)
    json_object_set_new(o, "mft_entry", json_null());
  json_object_set_new(o, "size", json_integer((json_int_t)c->size));
  json_object_set_new(o, "md5", dg && dg->done ? json_string(dg->md5) : json_null());
  json_object_set_new(o, "sha1", dg && dg->done ? json_string(dg->sha1) : json_null());
  json_object_set_new(o, "sha256", dg && dg->done ? json_string(dg->sha256) : json_null());
  json_t *times = json_object();
  struct rs_time si[4];
  memcpy(si, c->si, sizeof si);
  if (c->fat_local) {
    /* FAT stores local clock times: convert with the host's zone when known */
    for (int i = 0; i < 4; i++)
      if (si[i].set)
        si[i] = rs_tz_local_to_utc(&ctx->si.tz, si[i], NULL);
  }
  /* FAT clock times with no known zone are not UTC: they go to *_local
   * fields without a zone suffix, the *_utc fields stay null, and they are
   * kept off the timeline (where every time is UTC) */
  bool local_only = c->fat_local && !ctx->si.tz.known;
  for (int i = 0; i < 4; i++)
    json_object_set_new(times, si_keys[i], local_only ? json_null() : rs_json_time(&si[i]));
  for (int i = 0; i < 4; i++)
    json_object_set_new(times, fn_keys[i], rs_json_time(&c->fn[i]));
  if (c->fat_local) {
    char zone[200], note[300];
    rs_tz_describe(&ctx->si.tz, zone, sizeof zone);
    /* by the zone, not by whether a time was set: an entry without times
     * (zeroed fields) is not a sign that the zone is unknown */
    if (ctx->si.tz.known)
      snprintf(note, sizeof note, "FAT local times converted to UTC with %s", zone);
    else
      snprintf(note, sizeof note, "FAT local clock times, not converted (time zone unknown): "
                                  "see the *_local fields; not on the timeline");
    json_object_set_new(times, "note", json_string(note));
  }
  if (local_only) {
    static const char *const local_keys[4] = {"fat_created_local", "fat_modified_local",
                                              "fat_accessed_local", "fat_changed_local"};
    for (int i = 0; i < 4; i++)
      json_object_set_new(times, local_keys[i], json_local_time(&si[i]));
  }
  json_object_set_new(o, "times", times);
  uint32_t attrs = c->attrs;
  json_t *aj = json_null();
  if (c->attrs_known) {
    aj = json_array();
    if (attrs & RS_ATTR_HIDDEN)
      json_array_append_new(aj, json_string("hidden"));
    if (attrs & RS_ATTR_SYSTEM)
      json_array_append_new(aj, json_string("system"));
    if (attrs & RS_ATTR_READONLY)
      json_array_append_new(aj, json_string("readonly"));
    if (attrs & RS_ATTR_ARCHIVE)
      json_array_append_new(aj, json_string("archive"));
  }
  json_object_set_new(o, "attributes", aj);
  /* $SI creation before $FN creation: a classic sign of timestamp tampering */
  bool tamper = ntfs && c->si[0].set && c->fn[0].set && rs_time_cmp(&c->si[0], &c->fn[0]) < 0;
  json_object_set_new(o, "si_before_fn", json_boolean(tamper));
  json_t *det = json_object();
  json_object_set_new(det, "on_system_volume", json_boolean(vol->windows_root[0] != '\0'));
  json_object_set_new(o, "details", det);
  char msg[1400];
  snprintf(msg, sizeof msg, "%s: %s%s", chk->title, win, c->allocated ? "" : " (deleted)");
  const char *src = ntfs ? "mft" : "fat";
  for (int i = 0; i < 4 && !local_only; i++)
    rs_tl_add(ctx, &si[i], ntfs ? si_desc[i] : fat_desc[i], src, msg, (int)f->seq, win, NULL);
  for (int i = 0; i < 4; i++)
    rs_tl_add(ctx, &c->fn[i], fn_desc[i], src, msg, (int)f->seq, win, NULL);
  return f;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void eval_candidates(struct rs_scan_ctx *ctx)
{
  /* reference cmd.exe hashes of this host (system32 and dllcache) */
  char **cmd_hashes = NULL;
  size_t ncmd = 0;
  struct rs_diag d;
  for (size_t i = 0; i < ctx->ncand; i++) {
    struct rs_cand *c = &ctx->cands[i];
    if (c->kind != RS_C_CMD_REF)
      continue;
    struct rs_file_digest dg;
    rs_diag_clear(&d);
    if (rs_file_digest(ctx->img->vols[c->volume].fs, c->inum, &dg, &d) == RS_OK && dg.done) {
      char **n = realloc(cmd_hashes, (ncmd + 1) * sizeof *n);
      if (n) {
        cmd_hashes = n;
        char *h = strdup(dg.sha256);
        if (h) /* a NULL entry would crash cmp_str */
          cmd_hashes[ncmd++] = h;
      }
    }
  }
  /* no reference cmd.exe: cmd_hashes is NULL, which qsort must not get
   * (UBSan, found by fuzz/fuzz_scan.c) */
  if (ncmd > 1)
    qsort(cmd_hashes, ncmd, sizeof *cmd_hashes, cmp_str);

  for (size_t i = 0; i < ctx->ncand; i++) {
    struct rs_cand *c = &ctx->cands[i];
    if (c->kind != RS_C_ROW)
      continue;
    TSK_FS_INFO *fs = ctx->img->vols[c->volume].fs;
    struct rs_file_digest dg;
    memset(&dg, 0, sizeof dg);
    rs_diag_clear(&d);
    char win[1200];
    rs_win_path(ctx, c->volume, c->path, win, sizeof win);
    if (rs_file_digest(fs, c->inum, &dg, &d) != RS_OK || !dg.done) {
      if (c->allocated)
        rs_ctx_unreadable(ctx, "file content", win, d.what[0] ? d.what : "content not readable");
      dg.done = false;
    }
    const struct rs_check *chk = c->check;
    const char *decided = NULL;
    char decided_buf[300];
    if (chk->match == RS_M_CMD_COPY) {
      bool copy = false;
      if (dg.done && ncmd) {
        const char *key = dg.sha256;
        copy = bsearch(&key, cmd_hashes, ncmd, sizeof *cmd_hashes, cmp_str) != NULL;
        decided = "SHA-256 equals this host's cmd.exe";
      }
      if (dg.done && !copy) {
        /* not this host's cmd.exe (none to compare, or a service pack has
         * replaced it since): a cmd.exe build of any version is still the
         * backdoor (codered-artifacts 2.1), told by its version resource */
        uint8_t *data = NULL;
        size_t len = 0;
        struct rs_pe_info pi;
        if (rs_file_read(fs, c->inum, RS_PE_MAX, false, &data, &len, &d) == RS_OK && data &&
            rs_pe_read(data, len, &pi, &d) == RS_OK && pi.has_version &&
            strcasecmp(pi.original_filename, "cmd.exe") == 0) {
          copy = true;
          snprintf(decided_buf, sizeof decided_buf,
                   "%s; its version resource says OriginalFilename Cmd.Exe, version %s (a "
                   "cmd.exe build)",
                   ncmd ? "SHA-256 differs from every cmd.exe of this host"
                        : "no cmd.exe on this host to compare",
                   pi.file_version_str);
          decided = decided_buf;
        } else {
          decided = ncmd ? "content differs from every cmd.exe of this host and has no cmd.exe "
                           "version resource"
                         : "no cmd.exe on this host to compare and no cmd.exe version resource";
        }
        free(data);
      } else if (!dg.done) {
        decided = "content not readable";
      }
      if (!copy) {
        const struct rs_check *alt = chk->otherwise ? rs_check_find(chk->otherwise) : NULL;
        if (!alt)
          continue;
        chk = alt;
      }
    }
    struct rs_find *f = file_finding(ctx, chk, c, &dg);
    if (f && !dg.done && c->check->match == RS_M_CMD_COPY) {
      /* unreadable content proves nothing either way: say so, not "differs" */
      json_object_set_new(f->obj, "title",
                          json_string("root.exe in an IIS script folder, content unreadable: "
                                      "cannot tell whether it is a cmd.exe copy"));
      json_object_set_new(f->obj, "why",
                          json_string("named like the Code Red II backdoor; its content could "
                                      "not be read (see unreadable)"));
    }
    if (f && decided)
      json_object_set_new(json_object_get(f->obj, "details"), "decided_by", json_string(decided));
    if (f && chk->match == RS_M_NOT_SYSDRIVE_EXPLORER) {
      bool sysdrive = ctx->img->vols[c->volume].windows_root[0] != '\0';
      json_object_set_new(json_object_get(f->obj, "details"), "can_run_at_logon",
                          json_boolean(sysdrive));
    }
  }
  for (size_t i = 0; i < ncmd; i++)
    free(cmd_hashes[i]);
  free(cmd_hashes);
}

/* ------------------------------------------------------------- idq.dll */

static void eval_idq(struct rs_scan_ctx *ctx)
{
  const struct rs_check *chk = NULL;
  for (size_t i = 0; i < rs_ncheck; i++)
    if (rs_checks[i].kind == RS_K_PE_IDQ)
      chk = &rs_checks[i];
  for (size_t i = 0; i < ctx->ncand; i++) {
    struct rs_cand *c = &ctx->cands[i];
    if (c->kind != RS_C_IDQ)
      continue;
    TSK_FS_INFO *fs = ctx->img->vols[c->volume].fs;
    char win[1200];
    rs_win_path(ctx, c->volume, c->path, win, sizeof win);
    struct rs_diag d;
    rs_diag_clear(&d);
    uint8_t *data = NULL;
    size_t len = 0;
    struct rs_pe_info pi;
    memset(&pi, 0, sizeof pi);
    bool pe_ok = false;
    enum rs_err e = rs_file_read(fs, c->inum, RS_PE_MAX, false, &data, &len, &d);
    bool have_ver = false;
    if (e == RS_OK && data) {
      e = rs_pe_read(data, len, &pi, &d);
      pe_ok = e == RS_OK;
      /* a damaged resource tree may still have yielded the fixed version */
      have_ver = (e == RS_OK || e == RS_E_CORRUPT || e == RS_E_TRUNCATED) && pi.has_version;
    }
    if (!pe_ok && c->allocated)
      rs_ctx_unreadable(ctx, "PE file", win, d.what[0] ? d.what : rs_err_text(e));
    /* hash the bytes the PE reader saw; stream only a file too big to hold */
    struct rs_file_digest dg;
    memset(&dg, 0, sizeof dg);
    if (data)
      rs_digest_mem(data, len, &dg, NULL);
    else
      rs_file_digest(fs, c->inum, &dg, NULL);
    free(data);
    if (c->allocated)
      ctx->idq_any = true;
    struct rs_idq_input in;
    memset(&in, 0, sizeof in);
    in.has_version = have_ver;
    if (in.has_version)
      memcpy(in.version, pi.file_version, sizeof in.version);
    in.size = c->size;
    in.file_date = c->si[1];
    in.pe_timestamp = pi.timestamp;
    in.os_major = ctx->si.os_major;
    in.service_pack = ctx->si.service_pack;
    /* the build's language, from the file's own version resource (issue 4:
     * the English and Japanese NT4 fix builds kept 5.0.1781.3 but differ in
     * date); other languages, or none, leave it unknown */
    in.language = !pi.has_sfi_lang                        ? NULL
                  : (pi.sfi_langid & 0x3FF) == 0x09 ? "en"
                  : (pi.sfi_langid & 0x3FF) == 0x11 ? "ja"
                                                    : NULL;
    struct rs_idq_result r;
    rs_idq_classify(&in, &r);
    bool active = strcmp(c->role, "active") == 0;
    if (active && c->volume == ctx->sys_volume) {
      ctx->idq_active_found = true;
      ctx->idq_active_state = r.state;
    }
    json_t *o = json_object();
    json_object_set_new(o, "volume", json_integer(c->volume));
    json_object_set_new(o, "path", rs_json_str(win));
    json_object_set_new(o, "file_version", in.has_version ? json_string(pi.file_version_str)
                                                          : json_null());
    json_object_set_new(o, "size", json_integer((json_int_t)c->size));
    json_object_set_new(o, "sha256", dg.done ? json_string(dg.sha256) : json_null());
    struct rs_time pt = rs_time_from_unix(pi.timestamp, 0, 0);
    json_object_set_new(o, "pe_timestamp_utc", pe_ok && pi.timestamp ? rs_json_time(&pt)
                                                                      : json_null());
    json_object_set_new(o, "role", json_string(c->role));
    json_object_set_new(o, "allocated", json_boolean(c->allocated));
    json_object_set_new(o, "patched", r.state == RS_PATCH_FIXED        ? json_true()
                                      : r.state == RS_PATCH_VULNERABLE ? json_false()
                                                                       : json_null());
    json_object_set_new(o, "state", json_string(rs_patch_state_name(r.state)));
    json_object_set_new(o, "rule", rs_json_str(r.rule));
    json_object_set_new(o, "why", rs_json_str(r.why));
    /* what the language-specific rows saw, and where it came from */
    char lang[64] = "";
    if (pi.has_sfi_lang)
      snprintf(lang, sizeof lang, "%04x (%s; version resource)", pi.sfi_langid,
               in.language ? in.language : "neither English nor Japanese");
    json_object_set_new(o, "language", lang[0] ? json_string(lang) : json_null());
    json_array_append_new(ctx->idq_list, o);
    if (chk) {
      struct rs_file_digest *dgp = &dg;
      struct rs_find *f = file_finding(ctx, chk, c, dgp);
      if (f) {
        f->live = active && c->volume == ctx->sys_volume;
        f->current_source = f->live;
        json_object_set_new(f->obj, "live", json_boolean(f->live));
        char title[200];
        snprintf(title, sizeof title, "idq.dll %s (%s copy): %s",
                 in.has_version ? pi.file_version_str : "without version", c->role,
                 rs_patch_state_name(r.state));
        json_object_set_new(f->obj, "title", json_string(title));
        if (r.state == RS_PATCH_VULNERABLE && f->live)
          json_object_set_new(f->obj, "severity", json_string("high"));
        json_t *det = json_object_get(f->obj, "details");
        json_object_set_new(det, "file_version", in.has_version ? json_string(pi.file_version_str)
                                                                : json_null());
        json_object_set_new(det, "role", json_string(c->role));
        json_object_set_new(det, "state", json_string(rs_patch_state_name(r.state)));
        json_object_set_new(det, "rule", rs_json_str(r.rule));
        json_object_set_new(det, "decided_by", rs_json_str(r.why));
        if (pe_ok && pi.timestamp)
          rs_tl_add(ctx, &pt, "PE Compile Time", "pe", title, (int)f->seq, win, NULL);
      }
    }
  }
}

/* ---------------------------------------------------------------- logs */

struct log_arg {
  struct rs_scan_ctx *ctx;
  const char *win;
  struct rs_time first[RS_FAM__COUNT], last[RS_FAM__COUNT];
};

/* Adds n hits of family f on day (days since the epoch, UTC). */
static void day_count(struct rs_scan_ctx *ctx, int64_t day, enum rs_family f, uint64_t n)
{
  for (size_t i = ctx->ndays; i-- > 0;) {
    if (ctx->days[i].day == day) {
      ctx->days[i].hits[f] += n;
      return;
    }
  }
  if (ctx->ndays >= RS_DAYS_MAX)
    return;
  if (ctx->ndays == ctx->capdays) {
    size_t cap = ctx->capdays ? ctx->capdays * 2 : 16;
    struct rs_day_count *nd = realloc(ctx->days, cap * sizeof *nd);
    if (!nd)
      return;
    ctx->days = nd;
    ctx->capdays = cap;
  }
  memset(&ctx->days[ctx->ndays], 0, sizeof ctx->days[0]);
  ctx->days[ctx->ndays].day = day;
  ctx->days[ctx->ndays].hits[f] = n;
  ctx->ndays++;
}

static void day_add(struct rs_scan_ctx *ctx, const struct rs_time *t, enum rs_family f)
{
  day_count(ctx, t->sec >= 0 ? t->sec / 86400 : (t->sec - 86399) / 86400, f, 1);
}

static void log_cb(const struct rs_logrec *r, void *arg)
{
  struct log_arg *la = arg;
  struct rs_scan_ctx *ctx = la->ctx;
  if (r->family == RS_FAM_NONE && !r->backdoor_use)
    return;
  /* the aggregate names the log by its Windows path, not the bare file name
   * the parser was given (W3SVC1 and W3SVC2 both hold ex010806.log) */
  struct rs_logrec rr = *r;
  rr.file = la->win;
  rs_logagg_add(ctx->agg, &rr);
  ctx->hits[r->family]++;
  if ((r->family == RS_FAM_CODERED1 || r->family == RS_FAM_CODERED2 ||
       r->family == RS_FAM_CODERED_UNKNOWN) &&
      r->status >= 200 && r->status < 300)
    ctx->cr_2xx++;
  if (r->when.set && r->utc && r->has_date)
    day_add(ctx, &r->when, r->family);
  /* only UTC times go on the timeline: a local clock time that could not be
   * converted (no zone known) must not pass for UTC among the others */
  if (r->when.set && r->has_date && r->utc) {
    if (!la->first[r->family].set || rs_time_cmp(&r->when, &la->first[r->family]) < 0)
      la->first[r->family] = r->when;
    if (!la->last[r->family].set || rs_time_cmp(&r->when, &la->last[r->family]) > 0)
      la->last[r->family] = r->when;
  }
  if (ctx->opts->all_hits && r->when.set && r->has_date && r->utc) {
    char msg[900];
    snprintf(msg, sizeof msg, "%s: %s %s%s%s -> %d", rs_family_title(r->family), r->method,
             r->stem, r->query && *r->query && strcmp(r->query, "-") ? "?" : "",
             r->query && strcmp(r->query, "-") ? r->query : "", r->status);
    rs_tl_add(ctx, &r->when, "Request Time", "iislog", msg, -1, la->win, r->client_ip);
  }
}

struct stream_arg {
  struct rs_iislog *p;
  struct rs_diag *d;
  enum rs_err err;
};

static int stream_cb(const uint8_t *p, size_t n, void *arg)
{
  struct stream_arg *s = arg;
  s->err = rs_iislog_feed(s->p, p, n, s->d);
  return s->err != RS_OK;
}

/* Parses one log file into ctx (a worker's partial context: see
 * eval_logs), reading it through fs (that worker's own TSK handle). */
static void eval_log_file(struct rs_scan_ctx *ctx, const struct rs_cand *c, TSK_FS_INFO *fs)
{
  char win[1200];
  rs_win_path(ctx, c->volume, c->path, win, sizeof win);
  progress(ctx, "reading log %s", win);
  const char *base = strrchr(c->path, '/');
  base = base ? base + 1 : c->path;
  struct log_arg *la = calloc(1, sizeof *la);
  if (!la)
    return;
  la->ctx = ctx;
  la->win = win;
  struct rs_diag d;
  rs_diag_clear(&d);
  struct rs_iislog *p = NULL;
  enum rs_err e = rs_iislog_open(base, RS_LOGFMT_UNKNOWN, &ctx->si.tz, log_cb, la, &p, &d);
  struct rs_logfile_stats st;
  memset(&st, 0, sizeof st);
  if (e == RS_OK) {
    struct stream_arg sa = {p, &d, RS_OK};
    e = rs_file_stream(fs, c->inum, RS_LOG_CHUNK, stream_cb, &sa, &d);
    if (e == RS_OK && sa.err != RS_OK)
      e = sa.err;
    enum rs_err e2 = rs_iislog_finish(p, &st, e == RS_OK ? &d : NULL);
    if (e == RS_OK)
      e = e2;
  }
  rs_iislog_free(p);
  if (e != RS_OK && c->allocated)
    rs_ctx_unreadable(ctx, "IIS log", win, d.what[0] ? d.what : rs_err_text(e));
  ctx->nlogs++;
  json_t *o = json_object();
  json_object_set_new(o, "path", rs_json_str(win));
  json_object_set_new(o, "volume", json_integer(c->volume));
  json_object_set_new(o, "allocated", json_boolean(c->allocated));
  json_object_set_new(o, "deleted", json_boolean(!c->allocated));
  json_object_set_new(o, "format", json_string(rs_logfmt_name(st.format)));
  json_object_set_new(o, "lines", json_integer((json_int_t)st.lines));
  json_object_set_new(o, "parsed", json_integer((json_int_t)st.records));
  json_object_set_new(o, "unparsed", json_integer((json_int_t)st.unparsed));
  json_object_set_new(o, "directives", json_integer((json_int_t)st.directives));
  json_object_set_new(o, "first_unparsed_line", st.unparsed ? json_integer((json_int_t)st.first_unparsed_line) : json_null());
  json_object_set_new(o, "first_utc", st.times_utc ? rs_json_time(&st.first) : json_null());
  json_object_set_new(o, "last_utc", st.times_utc ? rs_json_time(&st.last) : json_null());
  json_object_set_new(o, "times_utc", json_boolean(st.times_utc));
  json_object_set_new(o, "time_zone", st.tz_used[0] ? rs_json_str(st.tz_used) : json_null());
  json_t *h = json_object();
  for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++)
    json_object_set_new(h, rs_family_key((enum rs_family)f), json_integer((json_int_t)st.hits[f]));
  json_object_set_new(o, "hits", h);
  json_object_set_new(o, "_order", json_integer((json_int_t)(c - ctx->cands)));
  json_array_append_new(ctx->log_files, o);
  if (st.unparsed) {
    char why[160];
    snprintf(why, sizeof why, "%llu lines could not be parsed (first at line %llu)",
             (unsigned long long)st.unparsed, (unsigned long long)st.first_unparsed_line);
    rs_ctx_unreadable(ctx, "IIS log lines", win, why);
  }
  for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++) {
    char msg[1400];
    if (la->first[f].set) {
      snprintf(msg, sizeof msg, "first %s request in %s", rs_family_title((enum rs_family)f), win);
      rs_tl_add(ctx, &la->first[f], "First Request", "iislog", msg, -1, win, NULL);
    }
    if (la->last[f].set && rs_time_cmp(&la->last[f], &la->first[f]) != 0) {
      snprintf(msg, sizeof msg, "last %s request in %s", rs_family_title((enum rs_family)f), win);
      rs_tl_add(ctx, &la->last[f], "Last Request", "iislog", msg, -1, win, NULL);
    }
  }
  free(la);
}

/* Log parsing is the costliest step after the walk (hundreds of MB on a busy
 * server), so the log files are shared out to two workers. libtsk handles
 * are never shared between threads: each worker opens the image and the
 * file systems again. Each fills its own partial context; the partials are
 * merged in worker order and the file list is sorted back into walk order,
 * so the report does not depend on scheduling. */
#define RS_LOG_WORKERS 2
#define RS_LOG_PARALLEL_MIN (64u << 20) /* below this, one thread is faster */

struct log_worker {
  struct rs_scan_ctx part;
  const struct rs_scan_ctx *ctx;
  size_t *files;            /* indices into ctx->cands */
  size_t nfiles;
  uint64_t bytes;
  bool own_handles;         /* open private TSK handles (threaded) */
};

static void *log_worker_run(void *arg)
{
  struct log_worker *w = arg;
  const struct rs_scan_ctx *ctx = w->ctx;
  const struct rs_image *img = ctx->img;
  TSK_IMG_INFO *ti = NULL;
  TSK_FS_INFO *fs[64] = {0};
  if (w->own_handles)
    ti = tsk_img_open_utf8(img->nseg, (const char *const *)img->segments, img->img->itype,
                           img->img->sector_size);
  for (size_t k = 0; k < w->nfiles; k++) {
    const struct rs_cand *c = &ctx->cands[w->files[k]];
    const struct rs_volume *v = &img->vols[c->volume];
    TSK_FS_INFO *f = v->fs;
    if (w->own_handles) {
      f = NULL;
      if (ti && c->volume < 64) {
        if (!fs[c->volume])
          fs[c->volume] = tsk_fs_open_img(ti, v->fs->offset, v->fs->ftype);
        f = fs[c->volume];
      }
      if (!f) {
        char win[1200];
        rs_win_path(ctx, c->volume, c->path, win, sizeof win);
        rs_ctx_unreadable(&w->part, "IIS log", win, "the volume could not be opened again "
                                                     "for the log reader");
        continue;
      }
    }
    eval_log_file(&w->part, c, f);
  }
  for (int i = 0; i < 64; i++)
    if (fs[i])
      tsk_fs_close(fs[i]);
  if (ti)
    tsk_img_close(ti);
  return NULL;
}

static int log_order_cmp(const void *a, const void *b)
{
  json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "_order"));
  json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "_order"));
  return x < y ? -1 : x > y;
}

static void merge_worker(struct rs_scan_ctx *ctx, struct rs_scan_ctx *p)
{
  rs_logagg_merge(ctx->agg, p->agg);
  for (int f = 0; f < RS_FAM__COUNT; f++)
    ctx->hits[f] += p->hits[f];
  ctx->cr_2xx += p->cr_2xx;
  ctx->nlogs += p->nlogs;
  for (size_t i = 0; i < p->ndays; i++)
    for (int f = 0; f < RS_FAM__COUNT; f++)
      if (p->days[i].hits[f])
        day_count(ctx, p->days[i].day, (enum rs_family)f, p->days[i].hits[f]);
  for (size_t i = 0; i < p->ntl; i++) {
    struct rs_tl_entry *e = &p->tl[i];
    rs_tl_add(ctx, &e->t, e->desc, e->source, e->message, e->find_index, e->path, e->ip);
  }
  size_t i;
  json_t *v;
  json_array_foreach(p->unreadable, i, v)
    json_array_append(ctx->unreadable, v);
  json_array_foreach(p->log_files, i, v)
    json_array_append(ctx->log_files, v);
}

static void eval_logs(struct rs_scan_ctx *ctx)
{
  struct log_worker w[RS_LOG_WORKERS];
  memset(w, 0, sizeof w);
  size_t nlog = 0;
  uint64_t total = 0;
  for (size_t i = 0; i < ctx->ncand; i++)
    if (ctx->cands[i].kind == RS_C_LOG) {
      nlog++;
      total += ctx->cands[i].size;
    }
  if (nlog == 0)
    return;
  long long min = ctx->opts->log_parallel_min;
  uint64_t threshold = min < 0 ? 0 : min == 0 ? RS_LOG_PARALLEL_MIN : (uint64_t)min;
  int nw = nlog > 1 && total >= threshold ? RS_LOG_WORKERS : 1;
  for (int k = 0; k < nw; k++) {
    w[k].ctx = ctx;
    w[k].own_handles = nw > 1;
    w[k].files = calloc(nlog, sizeof *w[k].files);
    struct rs_scan_ctx *p = &w[k].part;
    p->opts = ctx->opts;
    p->img = ctx->img;
    p->cands = ctx->cands;
    p->si.tz = ctx->si.tz;
    p->agg = rs_logagg_new();
    p->unreadable = json_array();
    p->log_files = json_array();
  }
  /* largest files first, each to the less loaded worker: deterministic */
  size_t *order = calloc(nlog, sizeof *order);
  size_t no = 0;
  for (size_t i = 0; order && i < ctx->ncand; i++)
    if (ctx->cands[i].kind == RS_C_LOG)
      order[no++] = i;
  for (size_t a = 1; a < no; a++) /* insertion sort: size desc, then walk order */
    for (size_t b = a; b > 0 && ctx->cands[order[b]].size > ctx->cands[order[b - 1]].size; b--) {
      size_t t = order[b];
      order[b] = order[b - 1];
      order[b - 1] = t;
    }
  for (size_t i = 0; i < no; i++) {
    int k = 0;
    for (int j = 1; j < nw; j++)
      if (w[j].bytes < w[k].bytes)
        k = j;
    if (w[k].files)
      w[k].files[w[k].nfiles++] = order[i];
    w[k].bytes += ctx->cands[order[i]].size;
  }
  free(order);
  pthread_t th[RS_LOG_WORKERS];
  bool started[RS_LOG_WORKERS] = {false};
  for (int k = 1; k < nw; k++)
    started[k] = pthread_create(&th[k], NULL, log_worker_run, &w[k]) == 0;
  log_worker_run(&w[0]);
  for (int k = 1; k < nw; k++) {
    if (started[k])
      pthread_join(th[k], NULL);
    else
      log_worker_run(&w[k]);
  }
  for (int k = 0; k < nw; k++) {
    merge_worker(ctx, &w[k].part);
    struct rs_scan_ctx *p = &w[k].part;
    rs_logagg_free(p->agg);
    json_decref(p->unreadable);
    json_decref(p->log_files);
    rs_tl_free(p);
    free(p->days);
    free(w[k].files);
  }
  /* back into walk order, then drop the helper key */
  size_t n = json_array_size(ctx->log_files);
  json_t **items = calloc(n ? n : 1, sizeof *items);
  for (size_t i = 0; items && i < n; i++)
    items[i] = json_incref(json_array_get(ctx->log_files, i));
  if (items) {
    qsort(items, n, sizeof *items, log_order_cmp);
    json_array_clear(ctx->log_files);
    for (size_t i = 0; i < n; i++) {
      json_object_del(items[i], "_order");
      json_array_append_new(ctx->log_files, items[i]);
    }
    free(items);
  }
}

static enum rs_family family_by_key(const char *key)
{
  for (int f = 0; f < RS_FAM__COUNT; f++)
    if (strcmp(rs_family_key((enum rs_family)f), key) == 0)
      return (enum rs_family)f;
  return RS_FAM_NONE;
}

static void log_findings(struct rs_scan_ctx *ctx)
{
  for (size_t i = 0; i < rs_ncheck; i++) {
    const struct rs_check *c = &rs_checks[i];
    if (c->kind == RS_K_LOG_FAMILY) {
      enum rs_family fam = family_by_key(c->name);
      const struct rs_family_stats *fs = rs_logagg_family(ctx->agg, fam);
      if (fam == RS_FAM_NONE || !fs || fs->hits == 0)
        continue;
      struct rs_find *f = rs_ctx_add_find(ctx, c, true, -1, c->name);
      if (!f)
        continue;
      json_t *det = json_object();
      json_object_set_new(det, "hits", json_integer((json_int_t)fs->hits));
      json_object_set_new(det, "first_utc", rs_json_time(&fs->first));
      json_object_set_new(det, "last_utc", rs_json_time(&fs->last));
      json_t *st = json_object();
      json_object_set_new(st, "2xx", json_integer((json_int_t)fs->status_2xx));
      json_object_set_new(st, "3xx", json_integer((json_int_t)fs->status_3xx));
      json_object_set_new(st, "4xx", json_integer((json_int_t)fs->status_4xx));
      json_object_set_new(st, "5xx", json_integer((json_int_t)fs->status_5xx));
      json_object_set_new(st, "other", json_integer((json_int_t)fs->status_other));
      json_object_set_new(det, "status", st);
      json_object_set_new(f->obj, "details", det);
      json_object_set_new(f->obj, "path", json_null());
    } else if (c->kind == RS_K_LOG_BACKDOOR) {
      const struct rs_backdoor_use *u = NULL;
      size_t n = rs_logagg_backdoor_uses(ctx->agg, &u);
      if (n == 0)
        continue;
      struct rs_find *f = rs_ctx_add_find(ctx, c, true, -1, "backdoor");
      if (!f)
        continue;
      json_t *det = json_object();
      json_object_set_new(det, "uses", json_integer((json_int_t)n));
      /* first/last over the uses with a UTC time (sorted by time, so the
       * first and last such entries); unconverted local times stay out */
      const struct rs_time *t0 = NULL, *t1 = NULL;
      size_t nlocal = 0;
      for (size_t k = 0; k < n; k++) {
        if (!u[k].utc || !u[k].when.set) {
          nlocal += u[k].when.set;
          continue;
        }
        if (!t0)
          t0 = &u[k].when;
        t1 = &u[k].when;
      }
      json_object_set_new(det, "first_utc", rs_json_time(t0));
      json_object_set_new(det, "last_utc", rs_json_time(t1));
      if (nlocal)
        json_object_set_new(det, "uses_with_local_time_only", json_integer((json_int_t)nlocal));
      json_object_set_new(f->obj, "details", det);
      json_object_set_new(f->obj, "path", json_null());
      for (size_t k = 0; k < n; k++) {
        if (!u[k].utc)
          continue;
        char msg[900];
        snprintf(msg, sizeof msg, "backdoor used: %s -> %d from %s", u[k].request, u[k].status,
                 u[k].ip);
        rs_tl_add(ctx, &u[k].when, "Request Time", "iislog", msg, (int)f->seq, u[k].file, u[k].ip);
      }
    }
  }
}

#define RS_REPORT_MAX_ATTACKERS 1000 /* logs.attackers lists the top ones only */

static json_t *logs_json(struct rs_scan_ctx *ctx)
{
  json_t *logs = json_object();
  json_object_set_new(logs, "files", ctx->log_files);
  ctx->log_files = NULL;
  json_t *hits = json_object();
  for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++)
    json_object_set_new(hits, rs_family_key((enum rs_family)f), json_integer((json_int_t)ctx->hits[f]));
  json_object_set_new(logs, "hits", hits);
  json_t *fams = json_object();
  for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++) {
    const struct rs_family_stats *fs = rs_logagg_family(ctx->agg, (enum rs_family)f);
    json_t *o = json_object();
    json_object_set_new(o, "hits", json_integer(fs ? (json_int_t)fs->hits : 0));
    json_object_set_new(o, "first_utc", fs ? rs_json_time(&fs->first) : json_null());
    json_object_set_new(o, "last_utc", fs ? rs_json_time(&fs->last) : json_null());
    json_object_set_new(fams, rs_family_key((enum rs_family)f), o);
  }
  json_object_set_new(logs, "families", fams);
  const struct rs_attacker *a = NULL;
  size_t na = rs_logagg_attackers(ctx->agg, &a);
  /* the report lists the top attackers only: a busy server saw hundreds of
   * thousands of worm sources, and a list that size is neither readable nor
   * bounded in memory. The summary below says what was left out. */
  size_t nlist = na < RS_REPORT_MAX_ATTACKERS ? na : RS_REPORT_MAX_ATTACKERS;
  uint64_t unlisted_hits = 0;
  for (size_t i = nlist; i < na; i++)
    unlisted_hits += a[i].hits;
  json_t *att = json_array();
  for (size_t i = 0; i < nlist; i++) {
    json_t *o = json_object();
    json_object_set_new(o, "ip", rs_json_str(a[i].ip));
    json_object_set_new(o, "hits", json_integer((json_int_t)a[i].hits));
    json_object_set_new(o, "first_utc", rs_json_time(&a[i].first));
    json_object_set_new(o, "last_utc", rs_json_time(&a[i].last));
    json_t *fl = json_array();
    for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++)
      if (a[i].fam_hits[f])
        json_array_append_new(fl, json_string(rs_family_key((enum rs_family)f)));
    json_object_set_new(o, "families", fl);
    json_array_append_new(att, o);
  }
  json_object_set_new(logs, "attackers", att);
  const struct rs_backdoor_use *u = NULL;
  size_t nu = rs_logagg_backdoor_uses(ctx->agg, &u);
  uint64_t not_itemised = 0, bd_dropped = 0;
  rs_logagg_dropped(ctx->agg, &not_itemised, &bd_dropped);
  unsigned level = rs_logagg_sample_level(ctx->agg);
  char sample[80];
  snprintf(sample, sizeof sample, "1 in %llu source IPs (by hash)", 1ULL << level);
  json_object_set_new(
      logs, "attackers_summary",
      json_pack("{s:I,s:I,s:I,s:I,s:o,s:I}", "itemised", (json_int_t)na, "listed",
                (json_int_t)nlist, "hits_itemised_not_listed", (json_int_t)unlisted_hits,
                "hits_not_itemised", (json_int_t)not_itemised,
                "sample", level ? json_string(sample) : json_null(), "backdoor_uses_not_listed",
                (json_int_t)bd_dropped));
  json_t *bu = json_array();
  for (size_t i = 0; i < nu; i++) {
    json_t *o = json_object();
    /* a local clock time that could not be converted is never written as
     * UTC: "utc" is null and "local_time" holds it, with no zone suffix */
    json_object_set_new(o, "utc", u[i].utc ? rs_json_time(&u[i].when) : json_null());
    json_object_set_new(o, "time_is_utc", json_boolean(u[i].utc));
    json_object_set_new(o, "local_time", u[i].utc ? json_null() : json_local_time(&u[i].when));
    json_object_set_new(o, "ip", rs_json_str(u[i].ip));
    json_object_set_new(o, "request", rs_json_str(u[i].request));
    json_object_set_new(o, "status", json_integer(u[i].status));
    json_object_set_new(o, "file", rs_json_str(u[i].file));
    json_object_set_new(o, "line", json_integer((json_int_t)u[i].line));
    json_array_append_new(bu, o);
  }
  json_object_set_new(logs, "backdoor_use", bu);
  /* per-day counts for the report chart, sorted by day */
  for (size_t i = 1; i < ctx->ndays; i++)
    for (size_t j = i; j > 0 && ctx->days[j - 1].day > ctx->days[j].day; j--) {
      struct rs_day_count t = ctx->days[j];
      ctx->days[j] = ctx->days[j - 1];
      ctx->days[j - 1] = t;
    }
  json_t *pd = json_array();
  for (size_t i = 0; i < ctx->ndays; i++) {
    json_t *o = json_object();
    struct rs_time t = rs_time_from_unix(ctx->days[i].day * 86400, 0, 0);
    char iso[RS_TIME_ISO_MAX];
    rs_time_iso(&t, iso);
    iso[10] = '\0';
    json_object_set_new(o, "date", json_string(iso));
    for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++)
      json_object_set_new(o, rs_family_key((enum rs_family)f), json_integer((json_int_t)ctx->days[i].hits[f]));
    json_array_append_new(pd, o);
  }
  json_object_set_new(logs, "per_day", pd);
  return logs;
}

/* -------------------------------------------------------------- system */

static json_t *regval_data(const struct rs_regval *v)
{
  return v->present ? rs_json_str(v->data) : json_null();
}

static json_t *system_json(struct rs_scan_ctx *ctx)
{
  const struct rs_sysinfo *si = &ctx->si;
  json_t *s = json_object();
  json_t *os = json_object();
  json_object_set_new(os, "product", regval_data(&si->product_name));
  json_object_set_new(os, "version", regval_data(&si->current_version));
  json_object_set_new(os, "build", regval_data(&si->build));
  json_object_set_new(os, "service_pack", regval_data(&si->csd_version));
  json_object_set_new(os, "sp6a", ctx->have_software ? json_boolean(si->sp6a) : json_null());
  json_object_set_new(os, "product_type", regval_data(&si->product_type));
  json_object_set_new(os, "system_root", regval_data(&si->system_root));
  json_object_set_new(os, "registered_owner", regval_data(&si->registered_owner));
  /* InstallDate is a REG_DWORD of seconds since 1970 (UTC) */
  struct rs_time inst = rs_time_from_unix((int64_t)si->install_date.dword, 0, 0);
  json_object_set_new(os, "install_date_utc", si->install_date.present && si->install_date.type == 4 &&
                                                  si->install_date.dword
                                              ? rs_json_time(&inst)
                                              : json_null());
  json_object_set_new(os, "iis_major_version",
                      si->iis_major.present ? json_integer(si->iis_major.dword) : json_null());
  json_object_set_new(s, "os", os);
  json_object_set_new(s, "computer_name", regval_data(&si->computer_name));
  json_object_set_new(s, "system_volume", ctx->sys_volume >= 0 ? json_integer(ctx->sys_volume)
                                                               : json_null());
  json_object_set_new(s, "current_control_set", si->current_control_set[0]
                                                    ? json_string(si->current_control_set)
                                                    : json_null());
  json_t *sel = json_object();
  json_object_set_new(sel, "current", si->select_current >= 0 ? json_integer(si->select_current) : json_null());
  json_object_set_new(sel, "default", si->select_default >= 0 ? json_integer(si->select_default) : json_null());
  json_object_set_new(sel, "last_known_good", si->select_lkg >= 0 ? json_integer(si->select_lkg) : json_null());
  json_object_set_new(sel, "failed", si->select_failed >= 0 ? json_integer(si->select_failed) : json_null());
  json_object_set_new(s, "select", sel);
  char tzd[160];
  rs_tz_describe(&si->tz, tzd, sizeof tzd);
  json_object_set_new(s, "time_zone", si->tz.known ? rs_json_str(tzd) : json_null());
  /* hotfixes */
  json_t *hf = json_object();
  for (int i = 0; i < si->nhotfixes; i++) {
    const struct rs_hotfix *h = &si->hotfixes[i];
    json_t *o = json_object_get(hf, h->id);
    if (o && json_is_true(json_object_get(o, "present")))
      continue; /* first location that has it wins */
    o = json_object();
    json_object_set_new(o, "present", json_boolean(h->present));
    json_object_set_new(o, "key", h->present ? rs_json_str(h->key) : json_null());
    json_object_set_new(o, "last_written_utc", rs_json_time(&h->last_written));
    json_object_set_new(o, "installed", h->installed[0] ? rs_json_str(h->installed) : json_null());
    json_object_set_new(o, "comments", h->comments[0] ? rs_json_str(h->comments) : json_null());
    json_object_set_new(o, "filelist", json_boolean(h->filelist));
    json_object_set(hf, h->id, o);
    json_decref(o);
  }
  json_object_set_new(s, "hotfixes", hf);
  json_t *sm = json_object();
  json_object_set_new(sm, "ida", ctx->map_ida < 0 ? json_null() : json_boolean(ctx->map_ida));
  json_object_set_new(sm, "idq", ctx->map_idq < 0 ? json_null() : json_boolean(ctx->map_idq));
  json_object_set_new(sm, "source", ctx->map_source[0] ? json_string(ctx->map_source) : json_null());
  if (ctx->have_metabase) {
    json_object_set_new(sm, "metabase_ida_entry", ctx->mb.ida ? rs_json_str(ctx->mb.ida_entry) : json_null());
    json_object_set_new(sm, "metabase_idq_entry", ctx->mb.idq ? rs_json_str(ctx->mb.idq_entry) : json_null());
    json_object_set_new(sm, "metabase_method", json_string("string scan of MetaBase.bin (format UNCONFIRMED, heuristic)"));
  }
  json_object_set_new(s, "script_maps", sm);
  /* virtual roots of the current control set; all sets below */
  const struct rs_controlset *cur = NULL;
  for (int i = 0; i < si->nsets; i++)
    if (si->sets[i].is_current)
      cur = &si->sets[i];
  json_t *vr = json_object();
  json_object_set_new(vr, "/C", cur ? regval_data(&cur->vroot_c) : json_null());
  json_object_set_new(vr, "/D", cur ? regval_data(&cur->vroot_d) : json_null());
  json_object_set_new(vr, "/Scripts", cur ? regval_data(&cur->vroot_scripts) : json_null());
  json_object_set_new(vr, "/MSADC", cur ? regval_data(&cur->vroot_msadc) : json_null());
  json_object_set_new(s, "virtual_roots", vr);
  json_t *sets = json_array();
  for (int i = 0; i < si->nsets; i++) {
    const struct rs_controlset *cs = &si->sets[i];
    json_t *o = json_object();
    char name[32];
    snprintf(name, sizeof name, "ControlSet%03d", cs->number);
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "current", json_boolean(cs->is_current));
    json_object_set_new(o, "default", json_boolean(cs->is_default));
    json_object_set_new(o, "last_known_good", json_boolean(cs->is_lkg));
    json_object_set_new(o, "failed", json_boolean(cs->is_failed));
    json_t *v = json_object();
    json_object_set_new(v, "/C", regval_data(&cs->vroot_c));
    json_object_set_new(v, "/D", regval_data(&cs->vroot_d));
    json_object_set_new(v, "/Scripts", regval_data(&cs->vroot_scripts));
    json_object_set_new(v, "/MSADC", regval_data(&cs->vroot_msadc));
    json_object_set_new(o, "virtual_roots", v);
    json_t *m = json_object();
    json_object_set_new(m, ".ida", regval_data(&cs->scriptmap_ida));
    json_object_set_new(m, ".idq", regval_data(&cs->scriptmap_idq));
    json_object_set_new(o, "script_map", m);
    json_object_set_new(o, "w3svc_start", cs->w3svc_start.present ? json_integer(cs->w3svc_start.dword) : json_null());
    json_object_set_new(o, "msftpsvc_start", cs->msftpsvc_start.present ? json_integer(cs->msftpsvc_start.dword) : json_null());
    json_object_set_new(o, "cisvc_start", cs->cisvc_start.present ? json_integer(cs->cisvc_start.dword) : json_null());
    json_array_append_new(sets, o);
  }
  json_object_set_new(s, "control_sets", sets);
  char sfc[16];
  snprintf(sfc, sizeof sfc, "0x%x", si->sfcdisable.dword);
  json_object_set_new(s, "sfcdisable", si->sfcdisable.present && si->sfcdisable.type == 4
                                           ? json_string(sfc)
                                           : json_null());
  json_object_set_new(s, "idq_dll", ctx->idq_list);
  ctx->idq_list = NULL;
  json_object_set_new(s, "hives", ctx->hive_list);
  ctx->hive_list = NULL;
  /* every value behind the facts above, with where it was read */
  json_t *vals = json_array();
  for (size_t i = 0; i < ctx->nregvals; i++) {
    const struct rs_regval_read *r = &ctx->regvals[i];
    char tb[16];
    json_t *o = json_object();
    json_object_set_new(o, "hive", rs_json_str(r->v.hive));
    json_object_set_new(o, "hive_role", json_string(r->role));
    json_object_set_new(o, "key", rs_json_str(r->v.key));
    json_object_set_new(o, "value", rs_json_str(r->v.name));
    json_object_set_new(o, "type", json_string(rs_regtype_name(r->v.type, tb, sizeof tb)));
    json_object_set_new(o, "data", rs_json_str(r->v.data));
    json_object_set_new(o, "key_last_written_utc", rs_json_time(&r->v.key_written));
    json_array_append_new(vals, o);
  }
  json_object_set_new(s, "values", vals);
  return s;
}

struct hash_job {
  const struct rs_image *img;
  struct rs_media_hashes h;
  struct rs_diag d;
  enum rs_err err;
  _Atomic uint64_t done_bytes;
  atomic_bool finished;
};

static void *hash_thread(void *arg)
{
  struct hash_job *j = arg;
  j->err = rs_media_hash_progress(j->img, &j->h, &j->d, &j->done_bytes);
  atomic_store(&j->finished, true);
  return NULL;
}

/* The analysis is done and the media hash is still running (a large image):
 * show how far it is, on one rewritten terminal line, until it ends. */
static void hash_wait_progress(const struct rs_scan_ctx *ctx, struct hash_job *j)
{
  if (!ctx->opts->progress || !isatty(2) || atomic_load(&j->finished))
    return;
  const uint64_t total = ctx->img->media_size, mib = 1024 * 1024;
  const struct timespec tick = {0, 250 * 1000 * 1000};
  for (;;) {
    bool fin = atomic_load(&j->finished); /* read first: the last line shows the end */
    uint64_t n = atomic_load_explicit(&j->done_bytes, memory_order_relaxed);
    fprintf(stderr, "\rredsleuth: hashing the media: %3u%% (%llu of %llu MiB)",
            total ? (unsigned)(n * 100 / total) : 0u, (unsigned long long)(n / mib),
            (unsigned long long)(total / mib));
    if (fin)
      break;
    nanosleep(&tick, NULL);
  }
  fputc('\n', stderr);
}

static json_t *evidence_json(struct rs_scan_ctx *ctx, const struct hash_job *hj, bool hashed,
                             const struct rs_ewf_meta *em)
{
  const struct rs_image *img = ctx->img;
  json_t *ev = json_object();
  json_t *segs = json_array();
  for (int i = 0; i < img->nseg; i++)
    json_array_append_new(segs, rs_json_str(img->segments[i]));
  json_object_set_new(ev, "segments", segs);
  json_object_set_new(ev, "format", json_string(img->format));
  json_object_set_new(ev, "media_size", json_integer((json_int_t)img->media_size));
  json_object_set_new(ev, "sector_size", json_integer(img->sector_size));
  json_object_set_new(ev, "volume_system", json_string(img->vs_type));
  rs_report_add_container(ev, img);
  bool have = hashed && hj->err == RS_OK && hj->h.done;
  if (have) {
    json_t *h = json_object();
    json_object_set_new(h, "md5", json_string(hj->h.md5));
    json_object_set_new(h, "sha1", json_string(hj->h.sha1));
    json_object_set_new(h, "sha256", json_string(hj->h.sha256));
    json_object_set_new(ev, "hashes", h);
  } else {
    json_object_set_new(ev, "hashes", json_null());
    if (hashed)
      rs_ctx_unreadable(ctx, "media hash", img->nseg ? img->segments[0] : "-",
                        hj->d.what[0] ? hj->d.what : "media could not be read to the end");
  }
  if (have && hj->h.checksum_errors) {
    char why[400];
    snprintf(why, sizeof why,
             "%u range(s) of EWF chunks fail their stored checksum or are missing (first: sectors "
             "%llu-%llu); the media "
             "hash covers them as stored, the analysis saw them as zeros (libtsk/libewf "
             "zero-fill a corrupted chunk)",
             hj->h.checksum_errors, (unsigned long long)hj->h.bad[0].first,
             (unsigned long long)(hj->h.bad[0].first + hj->h.bad[0].count -
                                  (hj->h.bad[0].count ? 1 : 0)));
    rs_ctx_unreadable(ctx, "EWF chunk", img->nseg ? img->segments[0] : "-", why);
  }
  json_object_set_new(ev, "checksum_errors",
                      em->is_ewf && have ? json_integer(hj->h.checksum_errors) : json_null());
  const char *ver = "not-checked";
  if (em->is_ewf) {
    json_t *sh = json_object();
    json_object_set_new(sh, "md5", em->has_md5 ? json_string(em->md5) : json_null());
    json_object_set_new(sh, "sha1", em->has_sha1 ? json_string(em->sha1) : json_null());
    json_object_set_new(ev, "stored_hashes", sh);
    if (!em->has_md5 && !em->has_sha1)
      /* a damaged set may have lost its hash section: we cannot say none was stored */
      ver = img->media_damaged ? "not-checked" : "not-stored";
    else if (have) {
      bool ok = (!em->has_md5 || strcasecmp(em->md5, hj->h.md5) == 0) &&
                (!em->has_sha1 || strcasecmp(em->sha1, hj->h.sha1) == 0);
      ver = ok ? "match" : "mismatch";
    }
    json_t *acq = json_object();
#define ACQ(k, f) json_object_set_new(acq, k, em->f[0] ? rs_json_str(em->f) : json_null())
    ACQ("case_number", case_number);
    ACQ("evidence_number", evidence_number);
    ACQ("examiner", examiner);
    ACQ("description", description);
    ACQ("notes", notes);
    ACQ("acquiry_date", acquiry_date);
    ACQ("system_date", system_date);
    ACQ("acquiry_os", acquiry_os);
    ACQ("acquiry_software", acquiry_software);
    ACQ("acquiry_software_version", acquiry_software_version);
#undef ACQ
    json_object_set_new(ev, "acquisition", acq);
  } else {
    json_object_set_new(ev, "stored_hashes", json_null());
    json_object_set_new(ev, "acquisition", json_null());
    ver = "not-stored";
  }
  if (!hashed)
    ver = "not-checked";
  json_object_set_new(ev, "verification", json_string(ver));
  return ev;
}

/* libewf renders header dates like "Fri Aug 10 12:00:00 2001": the acquiring
 * host's clock, without a zone. */
static struct rs_time parse_ewf_date(const char *s)
{
  static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char wd[8], mn[8];
  int d, h, mi, se, y;
  if (sscanf(s, "%7s %7s %d %d:%d:%d %d", wd, mn, &d, &h, &mi, &se, &y) != 7)
    return RS_TIME_UNSET;
  for (int m = 0; m < 12; m++)
    if (strcmp(mn, mon[m]) == 0)
      return rs_time_from_civil(y, m + 1, d, h, mi, se);
  return RS_TIME_UNSET;
}

/* A generic (finding-less) "Key Last Written" entry of the live hives. */
struct key_entry {
  const char *hive, *key;   /* point into ctx->si */
  struct rs_time t;
  struct rs_buf msg;
};

static void key_entry_add(struct key_entry *ke, size_t *n, const char *hive, const char *key,
                          const struct rs_time *t, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void key_entry_add(struct key_entry *ke, size_t *n, const char *hive, const char *key,
                          const struct rs_time *t, const char *fmt, ...)
{
  struct key_entry *e = &ke[(*n)++];
  e->hive = hive;
  e->key = key;
  e->t = *t;
  rs_buf_init(&e->msg, 8192);
  char line[1200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  rs_buf_adds(&e->msg, line);
}

/* "A, B, (default)": the names of regvals[a..b), bounded. */
static void value_names(const struct rs_scan_ctx *ctx, size_t a, size_t b, struct rs_buf *out)
{
  for (size_t i = a; i < b; i++) {
    const char *nm = ctx->regvals[i].v.name;
    if (out->len > 1500) {
      rs_buf_adds(out, ", ...");
      return;
    }
    if (i > a)
      rs_buf_adds(out, ", ");
    rs_buf_adds(out, nm[0] ? nm : "(default)");
  }
}

/* Registry key times. Every key a value was read from (system.values) gets
 * one entry without a finding, with the names of the values read; the keys
 * that matter even when nothing is wrong (hotfix keys, W3SVC Virtual Roots
 * and Script Map of every control set: they date patching and IIS changes)
 * keep their own wording and get the value names appended, so no key is on
 * the timeline twice. Registry findings add their own entries (checks.c).
 * `path` is always the hive file; the key is in the message. */
static void registry_timeline(struct rs_scan_ctx *ctx)
{
  const struct rs_sysinfo *si = &ctx->si;
  struct key_entry ke[RS_MAX_HOTFIXES + 2 * RS_MAX_CONTROLSETS];
  size_t nke = 0;
  for (int h = 0; h < si->nhotfixes; h++) {
    const struct rs_hotfix *hf = &si->hotfixes[h];
    if (hf->present)
      key_entry_add(ke, &nke, hf->hive, hf->key, &hf->last_written, "hotfix %s key: %s", hf->id,
                    hf->key);
  }
  for (int i = 0; i < si->nsets; i++) {
    const struct rs_controlset *cs = &si->sets[i];
    const struct rs_regval *v[] = {&cs->vroot_scripts, &cs->scriptmap_ida};
    const char *what[] = {"W3SVC Virtual Roots key", "W3SVC Script Map key"};
    for (int k = 0; k < 2; k++)
      if (v[k]->key_present)
        key_entry_add(ke, &nke, v[k]->hive, v[k]->key, &v[k]->key_written, "%s (ControlSet%03d%s): %s",
                      what[k], cs->number, cs->is_current ? ", current" : "", v[k]->key);
  }
  struct rs_buf names, msg;
  rs_buf_init(&names, 4096);
  rs_buf_init(&msg, 8192);
  for (size_t a = 0, b; a < ctx->nregvals; a = b) {
    const struct rs_regval_read *r = &ctx->regvals[a];
    for (b = a + 1; b < ctx->nregvals && ctx->regvals[b].rank == r->rank &&
                    strcmp(ctx->regvals[b].v.hive, r->v.hive) == 0 &&
                    strcasecmp(ctx->regvals[b].v.key, r->v.key) == 0;
         b++)
      ;
    if (!r->v.key_written.set)
      continue;
    rs_buf_reset(&names);
    value_names(ctx, a, b, &names);
    bool merged = false;
    for (size_t k = 0; k < nke && !merged; k++)
      if (strcmp(ke[k].hive, r->v.hive) == 0 && strcasecmp(ke[k].key, r->v.key) == 0 &&
          rs_time_cmp(&ke[k].t, &r->v.key_written) == 0) {
        rs_buf_addf(&ke[k].msg, "; values read: %s", names.data ? names.data : "");
        merged = true;
      }
    if (merged)
      continue;
    rs_buf_reset(&msg);
    rs_buf_addf(&msg, "registry key %s (%s%s): values read: %s", r->v.key, r->role,
                strcmp(r->role, "live") == 0 ? " hive" : " hive copy",
                names.data ? names.data : "");
    rs_tl_add(ctx, &r->v.key_written, "Key Last Written", "registry", msg.data, -1, r->v.hive,
              NULL);
  }
  for (size_t k = 0; k < nke; k++) {
    rs_tl_add(ctx, &ke[k].t, "Key Last Written", "registry", ke[k].msg.data, -1, ke[k].hive,
              NULL);
    rs_buf_free(&ke[k].msg);
  }
  rs_buf_free(&names);
  rs_buf_free(&msg);
}

/* ------------------------------------------------------------ findings */

static int find_cmp(const void *pa, const void *pb)
{
  const struct rs_find *a = pa, *b = pb;
  if (a->check != b->check)
    return a->check < b->check ? -1 : 1; /* table order */
  return strcmp(a->sort_key, b->sort_key);
}

/* ------------------------------------------------- damaged EWF chunks */

/* libtsk hands the analysis a chunk that fails its checksum as zeros. Once
 * the hash pass has listed those chunks, every file whose content was read
 * (candidates of every kind, and the hives) is checked against them: what
 * overlaps is listed under `unreadable`, its findings get `content_damaged`,
 * and a root.exe that "differs from cmd.exe" only because zeros were
 * compared is reported as undecided. */
struct dmg {
  int vol;
  uint64_t inum, bytes, first_off;
};

static bool cmd_copy_otherwise(const struct rs_check *c)
{
  for (size_t i = 0; i < rs_ncheck; i++)
    if (rs_checks[i].match == RS_M_CMD_COPY && rs_checks[i].otherwise &&
        strcmp(rs_checks[i].otherwise, c->id) == 0)
      return true;
  return false;
}

static void damage_one(struct rs_scan_ctx *ctx, const struct rs_byte_range *br, size_t nbr,
                       int vol, uint64_t inum, const char *win, struct dmg **list, size_t *n,
                       bool *cmd_ref)
{
  for (size_t i = 0; i < *n; i++)
    if ((*list)[i].vol == vol && (*list)[i].inum == inum)
      return;
  if (vol < 0 || vol >= ctx->img->nvol || !ctx->img->vols[vol].fs)
    return;
  uint64_t bytes = 0, off = 0;
  bool resident = false;
  struct rs_diag d;
  rs_diag_clear(&d);
  if (rs_file_overlap(ctx->img->vols[vol].fs, inum, br, nbr, &bytes, &off, &resident, &d) != RS_OK ||
      bytes == 0)
    return;
  struct dmg *nl = realloc(*list, (*n + 1) * sizeof *nl);
  if (!nl)
    return;
  *list = nl;
  nl[*n] = (struct dmg){vol, inum, bytes, off};
  (*n)++;
  if (cmd_ref)
    *cmd_ref = true;
  char why[600];
  snprintf(why, sizeof why,
           "%llu byte(s) of its content, from file offset %llu, lie in EWF chunks that fail their "
           "checksum: the analysis read zeros there, so its hashes and what was parsed from it "
           "are not those of the acquired data",
           (unsigned long long)bytes, (unsigned long long)off);
  rs_ctx_unreadable(ctx, "file content", win, why);
}

static void map_damage(struct rs_scan_ctx *ctx, const struct rs_media_hashes *h)
{
  if (!h->done || h->nbad == 0)
    return;
  struct rs_byte_range br[RS_BAD_RANGES_MAX];
  size_t nbr = 0;
  uint64_t ss = h->sector_size ? h->sector_size : 512;
  for (uint32_t i = 0; i < h->nbad; i++)
    br[nbr++] = (struct rs_byte_range){h->bad[i].first * ss, (h->bad[i].first + h->bad[i].count) * ss};
  struct dmg *list = NULL;
  size_t n = 0;
  bool cmd_damaged = false;
  char win[1200];
  for (size_t i = 0; i < ctx->ncand; i++) {
    const struct rs_cand *c = &ctx->cands[i];
    rs_win_path(ctx, c->volume, c->path, win, sizeof win);
    damage_one(ctx, br, nbr, c->volume, c->inum, win, &list, &n,
               c->kind == RS_C_CMD_REF ? &cmd_damaged : NULL);
  }
  size_t k;
  json_t *ho;
  json_array_foreach(ctx->hive_list, k, ho) {
    json_t *v = json_object_get(ho, "volume"), *e = json_object_get(ho, "mft_entry");
    if (json_is_integer(v) && json_is_integer(e))
      damage_one(ctx, br, nbr, (int)json_integer_value(v), (uint64_t)json_integer_value(e),
                 json_string_value(json_object_get(ho, "path")), &list, &n, NULL);
  }
  for (size_t i = 0; i < ctx->nfind; i++) {
    struct rs_find *f = &ctx->finds[i];
    json_t *e = json_object_get(f->obj, "mft_entry");
    if (!json_is_integer(e))
      e = json_object_get(f->obj, "dir_entry");
    const struct dmg *hit = NULL;
    for (size_t j = 0; j < n && json_is_integer(e); j++)
      if (list[j].vol == f->volume && list[j].inum == (uint64_t)json_integer_value(e))
        hit = &list[j];
    bool undecided = cmd_copy_otherwise(f->check) && (hit || cmd_damaged);
    if (hit)
      json_object_set_new(f->obj, "content_damaged",
                          json_pack("{s:I,s:I}", "bytes", (json_int_t)hit->bytes, "first_offset",
                                    (json_int_t)hit->first_off));
    if (undecided) {
      json_object_set_new(f->obj, "title",
                          json_string("root.exe in an IIS script folder, content damaged: "
                                      "cannot tell whether it is a cmd.exe copy"));
      json_object_set_new(f->obj, "why",
                          json_string("named like the Code Red II backdoor; its content or this "
                                      "host's cmd.exe lies in EWF chunks that fail their checksum "
                                      "(see unreadable), so the comparison saw zeros"));
      json_object_set_new(json_object_get(f->obj, "details"), "decided_by",
                          json_string(hit ? "undecided: its content is damaged in the image"
                                          : "undecided: this host's cmd.exe is damaged in the image"));
    }
  }
  free(list);
}

static json_t *finalize_findings(struct rs_scan_ctx *ctx)
{
  if (ctx->nfind > 1) /* finds is NULL when there are none (UBSan, fuzz_scan) */
    qsort(ctx->finds, ctx->nfind, sizeof *ctx->finds, find_cmp);
  /* timeline entries refer to findings by creation order: remap */
  int *map = calloc(ctx->nfind ? ctx->nfind : 1, sizeof *map);
  json_t *arr = json_array();
  const struct rs_check *prev = NULL;
  int n = 0;
  for (size_t i = 0; i < ctx->nfind; i++) {
    struct rs_find *f = &ctx->finds[i];
    n = f->check == prev ? n + 1 : 1;
    prev = f->check;
    snprintf(f->id, sizeof f->id, "%s-%d", f->check->id, n);
    if (map)
      map[f->seq] = (int)i;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(f->id));
    json_object_update(o, f->obj);
    /* The contract lists these for every finding; a registry or log finding
     * has none of them, so they are there as null rather than missing. */
    static const char *const contract_keys[] = {"path", "allocated", "mft_entry", "size",
                                                "md5", "sha256", "times", "details"};
    for (size_t k = 0; k < sizeof contract_keys / sizeof contract_keys[0]; k++)
      if (!json_object_get(o, contract_keys[k]))
        json_object_set_new(o, contract_keys[k], json_null());
    json_array_append_new(arr, o);
  }
  for (size_t i = 0; map && i < ctx->ntl; i++)
    if (ctx->tl[i].find_index >= 0 && (size_t)ctx->tl[i].find_index < ctx->nfind)
      ctx->tl[i].find_index = map[ctx->tl[i].find_index];
  free(map);
  return arr;
}

static void ctx_free(struct rs_scan_ctx *ctx)
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

enum rs_err rs_scan(const struct rs_run_opts *o, json_t **report, struct rs_diag *d)
{
  *report = NULL;
  char started[40];
  rs_now_iso(started);
  /* FAT times are local clock values that TSK converts with mktime():
   * pin the process zone so that they come out unchanged (recipes 2). */
  setenv("TZ", "UTC", 1);
  tzset();

  struct rs_scan_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.opts = o;
  ctx.sys_volume = -1;
  ctx.map_ida = ctx.map_idq = -1;
  enum rs_err e = rs_image_open(o->segs, o->nseg, &o->img, &ctx.img, d);
  if (e != RS_OK)
    return e;
  ctx.unreadable = json_array();
  ctx.hive_list = json_array();
  ctx.idq_list = json_array();
  ctx.log_files = json_array();
  ctx.agg = rs_logagg_new();
  rs_sysinfo_init(&ctx.si);
  if (!ctx.agg || !ctx.unreadable) {
    ctx_free(&ctx);
    rs_image_close(ctx.img);
    return rs_diag_set(d, RS_E_NOMEM, o->segs[0], "out of memory");
  }

  /* the media hash runs on the second core while we analyse */
  struct hash_job hj;
  memset(&hj, 0, sizeof hj);
  atomic_init(&hj.done_bytes, 0);
  atomic_init(&hj.finished, false);
  hj.img = ctx.img;
  pthread_t th;
  bool threaded = false;
  if (!o->no_hash) {
    progress(&ctx, "hashing %s", o->segs[0]);
    threaded = pthread_create(&th, NULL, hash_thread, &hj) == 0;
    if (!threaded)
      hash_thread(&hj);
  }

  /* nothing at all to examine (no partition table, no file system): the
   * evidence cannot be opened, as `info` says too (exit 3) */
  enum rs_err ve = rs_image_volumes(ctx.img, &o->img, d);
  if (ve != RS_OK) {
    if (threaded)
      pthread_join(th, NULL);
    ctx_free(&ctx);
    rs_image_close(ctx.img);
    return ve;
  }
  for (int i = 0; i < ctx.img->nproblems; i++)
    rs_ctx_unreadable(&ctx, "volume", o->segs[0], ctx.img->problems[i]);

  for (int v = 0; v < ctx.img->nvol; v++) {
    if (ctx.img->vols[v].fs && ctx.img->vols[v].windows_root[0]) {
      ctx.sys_volume = v;
      break;
    }
  }
  if (ctx.sys_volume >= 0) {
    progress(&ctx, "reading registry%s", "");
    read_registry(&ctx, ctx.sys_volume);
    map_drive_letters(&ctx);
    read_metabase(&ctx, ctx.sys_volume);
  }
  decide_script_maps(&ctx);
  walk_volumes(&ctx);
  eval_candidates(&ctx);
  eval_idq(&ctx);
  rs_checks_eval_patch(&ctx);
  eval_logs(&ctx);
  log_findings(&ctx);

  struct rs_ewf_meta em;
  memset(&em, 0, sizeof em);
  struct rs_diag ed;
  rs_diag_clear(&ed);
  if (rs_ewf_read_meta(ctx.img, &em, &ed) != RS_OK)
    rs_ctx_unreadable(&ctx, "EWF metadata", o->segs[0], ed.what);
  if (em.is_ewf && em.acquiry_date[0]) {
    struct rs_time at = parse_ewf_date(em.acquiry_date);
    char msg[400];
    snprintf(msg, sizeof msg, "evidence acquired (EWF header, case %s, examiner %s)",
             em.case_number[0] ? em.case_number : "-", em.examiner[0] ? em.examiner : "-");
    rs_tl_add(&ctx, &at, "Acquisition Date (acquiring host's clock; zone not stored)", "ewf",
              msg, -1, o->segs[0], NULL);
  }
  registry_timeline(&ctx);
  if (threaded) {
    hash_wait_progress(&ctx, &hj);
    pthread_join(th, NULL);
  }
  if (hj.err == RS_OK)
    map_damage(&ctx, &hj.h);

  json_t *findings = finalize_findings(&ctx);
  json_t *rep = json_object();
  json_object_set_new(rep, "schema", json_string("redsleuth-report/1"));
  /* what must be seen first, before any other field (issue 7) */
  json_t *warnings = json_array();
  json_object_set_new(rep, "warnings", warnings);
  json_object_set_new(rep, "tool", rs_report_tool());
  json_object_set_new(rep, "run", rs_report_run(o, started));
  json_t *evj = evidence_json(&ctx, &hj, !o->no_hash, &em);
  json_object_set_new(rep, "evidence", evj);
  if (strcmp(json_string_value(json_object_get(evj, "verification")), "mismatch") == 0)
    json_array_append_new(warnings, json_string(
        "STORED HASH MISMATCH: the media's computed hashes differ from the hashes stored in the "
        "EWF image; the evidence may have changed since acquisition (see evidence)"));
  json_object_set_new(rep, "volumes", rs_report_volumes(ctx.img));
  json_object_set_new(rep, "system", system_json(&ctx));
  json_object_set_new(rep, "logs", logs_json(&ctx));
  json_object_set_new(rep, "findings", findings);
  json_object_set_new(rep, "verdict", rs_verdict_build(&ctx));
  json_object_set_new(rep, "timeline", rs_tl_build(&ctx));
  if (ctx.tl_overflow)
    rs_ctx_unreadable(&ctx, "timeline", "-", "too many dated facts; the timeline was cut");
  json_object_set(rep, "unreadable", ctx.unreadable);
  char finished[40];
  rs_now_iso(finished);
  json_object_set_new(json_object_get(rep, "run"), "finished_utc", json_string(finished));
  ctx_free(&ctx);
  rs_image_close(ctx.img);
  *report = rep;
  return RS_OK;
}

int rs_report_exit_code(const json_t *report)
{
  const char *status = json_string_value(json_object_get(json_object_get(report, "verdict"), "status"));
  const json_t *unr = json_object_get(report, "unreadable");
  const char *ver = json_string_value(
      json_object_get(json_object_get(report, "evidence"), "verification"));
  /* 11 before 10: a verdict built from partly unreadable or unverified
   * evidence must not pass for a complete one in a script that branches on
   * the exit code alone (the verdict itself is in every output). */
  if ((json_is_array(unr) && json_array_size(unr) > 0) || (ver && strcmp(ver, "mismatch") == 0) ||
      (status && strcmp(status, "undetermined") == 0))
    return RS_EXIT_UNREADABLE;
  if (status && strcmp(status, "clean") != 0 && strcmp(status, "patched") != 0)
    return RS_EXIT_INDICATORS;
  return RS_EXIT_CLEAN;
}
