/* Stage "registry": the live hives and their copies (code page, control
 * sets, script maps, values read), drive letters from MountedDevices, the
 * IIS metabase; and stage "keys": the registry key times on the timeline. */
#include <stdarg.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/buf.h"
#include "scan/stage.h"


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

static struct rs_hive_read *add_hive(struct rs_scan_ctx *ctx, const char *win, const char *role,
                                     const uint8_t *data, uint64_t len, int vol, uint64_t inum)
{
  if (!rs_results_grow(&ctx->res, (void **)&ctx->hives, &ctx->caphives, ctx->nhives,
                       sizeof *ctx->hives, 8))
    return NULL;
  char *p = rs_results_strdup(&ctx->res, win);
  if (!p)
    return NULL;
  struct rs_hive_read *hr = &ctx->hives[ctx->nhives++];
  memset(hr, 0, sizeof *hr);
  hr->path = p;
  hr->role = role;
  hr->size = len;
  hr->volume = vol;
  hr->inum = inum;
  hr->codepage = ctx->codepage ? ctx->codepage : 1252;
  /* the SHA-256 of the bytes every value read from it came from */
  struct rs_file_digest hd;
  struct rs_diag hdd;
  rs_diag_clear(&hdd);
  enum rs_err e = rs_digest_mem(data, (size_t)len, &hd, &hdd);
  if (e == RS_E_NOMEM)
    rs_results_fail(&ctx->res, e);
  if (e == RS_OK && hd.done)
    memcpy(hr->sha256, hd.sha256, sizeof hr->sha256);
  return hr;
}

struct rs_hive_read *rs_scan_add_hive(struct rs_scan_ctx *ctx, const char *win, const char *role,
                                      const uint8_t *data, uint64_t len, int vol, uint64_t inum)
{
  return add_hive(ctx, win, role, data, len, vol, inum);
}

static struct rs_hive *open_hive(struct rs_scan_ctx *ctx, int vol, const char *rel,
                                 enum rs_hive_kind want, const char *role, struct hive_slot *slot)
{
  const struct rs_volume *v = &ctx->img->vols[vol];
  slot->data = NULL;
  slot->h = NULL;
  struct rs_buf tsk_path = {0}, winb = {0};
  rs_buf_init(&tsk_path, 1u << 16);
  if (rs_buf_addf(&tsk_path, "%s/%s", v->windows_root, rel) != RS_OK ||
      !rs_win_path(ctx, vol, tsk_path.data, &winb)) {
    rs_results_fail(&ctx->res, RS_E_NOMEM);
    rs_buf_free(&tsk_path);
    rs_buf_free(&winb);
    return NULL;
  }
  const char *win = winb.data;
  size_t len = 0;
  uint64_t inum = 0;
  struct rs_diag d;
  rs_diag_clear(&d);
  enum rs_err e = rs_volume_read_path(v, tsk_path.data, RS_HIVE_MAX, &slot->data, &len, &inum, &d);
  rs_buf_free(&tsk_path);
  if (e != RS_OK) {
    rs_ctx_unreadable(ctx, "registry hive", win, e, d.what);
    goto fail;
  }
  if (!slot->data)
    goto fail; /* absent: a result */
  e = rs_hive_open_mem(slot->data, len, win, ctx->codepage, &slot->h, &d);
  if (e == RS_OK && want == RS_HIVE_SYSTEM && !strcmp(role, "live") && ctx->codepage == 0) {
    /* Key names flagged ASCII are in the system's ANSI code page: learn it
     * from this hive (the lookup itself is pure ASCII) and reopen the same
     * bytes with it when it is not the default 1252 (issue 5). */
    int acp = rs_registry_codepage(slot->h, &ctx->acp);
    if (acp < 0) {
      rs_results_fail(&ctx->res, RS_E_NOMEM);
      goto fail;
    }
    ctx->codepage = acp ? acp : 1252;
    if (acp && acp != 1252) {
      struct rs_hive *h2 = NULL;
      struct rs_diag d2;
      rs_diag_clear(&d2);
      enum rs_err e2 = rs_hive_open_mem(slot->data, len, win, acp, &h2, &d2);
      if (e2 == RS_OK) {
        rs_hive_close(slot->h);
        slot->h = h2;
      } else {
        ctx->codepage = 1252;
        rs_ctx_unreadable(ctx, "registry code page", win, e2, d2.what);
      }
    }
  }
  struct rs_hive_read *hr = add_hive(ctx, win, role, slot->data, len, vol, inum);
  if (!hr)
    goto fail;
  if (e != RS_OK) {
    hr->error = rs_results_strdup(&ctx->res, d.what);
    rs_ctx_unreadable(ctx, "registry hive", win, e, d.what);
    goto fail;
  }
  enum rs_hive_kind k = rs_hive_kind(slot->h);
  hr->opened = true;
  hr->kind = k;
  hr->dirty = rs_hive_dirty(slot->h);
  if (k != want) {
    char why[200];
    snprintf(why, sizeof why, "expected a %s hive, found a %s hive", rs_hive_kind_name(want),
             rs_hive_kind_name(k));
    rs_results_unreadable(&ctx->res, "registry hive", win, why);
    goto fail;
  }
  rs_buf_free(&winb);
  return slot->h;
fail:
  rs_buf_free(&winb);
  rs_hive_close(slot->h);
  free(slot->data);
  slot->h = NULL;
  slot->data = NULL;
  return NULL;
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
  if (!rs_results_grow(&ctx->res, (void **)&ctx->regvals, &ctx->capregvals, ctx->nregvals,
                       sizeof *ctx->regvals, 64))
    return;
  struct rs_regval_read *r = &ctx->regvals[ctx->nregvals++];
  r->v = *v;
  r->role = o->role;
  r->rank = o->rank;
}

void rs_scan_note_value(struct rs_scan_ctx *ctx, const struct rs_regval *v)
{
  /* after every hive of the list: the sort order of system.values[] holds */
  struct regval_obs o = {ctx, "live", (int)(sizeof hive_files / sizeof hive_files[0])};
  note_regval(&o, v);
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
        rs_ctx_unreadable(ctx, "registry hive", rs_hive_name(h), e, d.what);
      if (si == &ctx->si && hive_files[j].kind == RS_HIVE_SYSTEM && ctx->acp.present)
        note_regval(&obs, &ctx->acp); /* the code page open_hive learnt from this hive */
      if (si == &ctx->si) {
        if (hive_files[j].kind == RS_HIVE_SYSTEM) {
          ctx->have_system = true;
          rs_nimda_shares(ctx, h); /* Nimda's C$ share, while the hive is open */
        } else {
          ctx->have_software = true;
        }
      }
    }
    si->on_value = NULL; /* obs lives on this stack frame */
    si->on_value_arg = NULL;
    if (sys.h || sw.h)
      rs_checks_eval_registry(&ctx->res, ctx->sys_volume, si, sw.h, role, si == &ctx->si);
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
  struct rs_buf tsk_path = {0}, win = {0};
  rs_buf_init(&tsk_path, 1u << 16);
  if (rs_buf_addf(&tsk_path, "%s/system32/inetsrv/MetaBase.bin", v->windows_root) != RS_OK ||
      !rs_win_path(ctx, vol, tsk_path.data, &win)) {
    rs_results_fail(&ctx->res, RS_E_NOMEM);
    goto out;
  }
  uint8_t *data = NULL;
  size_t len = 0;
  struct rs_diag d;
  rs_diag_clear(&d);
  enum rs_err e = rs_volume_read_path(v, tsk_path.data, RS_METABASE_MAX, &data, &len, NULL, &d);
  if (e != RS_OK) {
    rs_ctx_unreadable(ctx, "IIS metabase", win.data, e, d.what);
    goto out;
  }
  if (!data)
    goto out;
  rs_metabase_scan(data, len, &ctx->mb);
  ctx->have_metabase = true;
  free(data);
  if (ctx->mb.vdir_c || ctx->mb.vdir_d) {
    const struct rs_check *c = NULL;
    for (size_t i = 0; i < rs_ncheck; i++)
      if (rs_checks[i].kind == RS_K_METABASE_VDIR)
        c = &rs_checks[i];
    if (c) {
      struct rs_finding *f =
          rs_results_add_finding(&ctx->res, c, RS_FD_METABASE, false, vol, win.data);
      if (f) {
        /* heuristic: the checklist fails on it, the verdict does not rest on it */
        f->current_source = true;
        f->path = rs_results_strdup(&ctx->res, win.data);
        f->u.mb.vdir_c = ctx->mb.vdir_c;
        f->u.mb.vdir_d = ctx->mb.vdir_d;
      }
    }
  }
out:
  rs_buf_free(&tsk_path);
  rs_buf_free(&win);
}

/* The script-map state of .ida and .idq, decided from what was actually read
 * (analysis/scriptmap.c), and one finding per extension that names the source:
 * the registry key, value and last-written time, the metabase's state. */
static void decide_script_maps(struct rs_scan_ctx *ctx)
{
  const struct rs_controlset *cur = NULL;
  for (int s = 0; s < ctx->si.nsets; s++)
    if (ctx->si.sets[s].is_current)
      cur = &ctx->si.sets[s];
  ctx->mb_state = rs_mb_state_of(ctx->have_metabase, &ctx->mb);
  const struct rs_check *rows[2] = {rs_check_find("SCRIPTMAP-IDA"), rs_check_find("SCRIPTMAP-IDQ")};
  for (int e = 0; e < 2; e++) {
    const struct rs_regval *rv = cur ? (e == 0 ? &cur->scriptmap_ida : &cur->scriptmap_idq) : NULL;
    struct rs_scriptmap_in in = {
        .have_system = ctx->have_system,
        .w3svc = cur && cur->w3svc_present,
        .iis_major = ctx->si.iis_major.present && ctx->si.iis_major.dword < 100
                         ? (int)ctx->si.iis_major.dword
                         : 0,
        .reg_present = rv && rv->present,
        .mb = ctx->mb_state,
        .mb_hit = e == 0 ? ctx->mb.ida : ctx->mb.idq,
    };
    struct rs_scriptmap_out *o = &ctx->map_out[e];
    rs_scriptmap_decide(&in, o);
    ctx->map_find[e] = -1;
    const struct rs_check *c = rows[e];
    /* nothing was read that could decide it (no SYSTEM hive, no metabase):
     * system.script_maps says "not known, source none"; a finding would only
     * restate that absence */
    if (!c || rs_ctx_failed(ctx) || (!ctx->have_system && !ctx->have_metabase))
      continue;
    struct rs_finding *f = rs_results_add_finding(&ctx->res, c, RS_FD_REGISTRY, true,
                                                  ctx->sys_volume, c->name);
    if (!f)
      continue;
    ctx->map_find[e] = (int)f->seq;
    if (rv) {
      f->u.reg.v = *rv;
      snprintf(f->u.reg.control_set, sizeof f->u.reg.control_set, "ControlSet%03d", cur->number);
      f->u.reg.current = true;
      f->path = rs_results_strdup(&ctx->res, rv->hive[0] ? rv->hive : NULL);
    }
    f->u.reg.hive_role = "live";
    f->u.reg.sm_source = o->source;
    f->u.reg.sm_metabase = rs_mb_state_name(ctx->mb_state);
    const char *entry = e == 0 ? ctx->mb.ida_entry : ctx->mb.idq_entry;
    f->u.reg.sm_entry = in.mb_hit ? rs_results_strdup(&ctx->res, entry) : NULL;
    f->u.reg.scriptmap = true;
    char line[512];
    snprintf(line, sizeof line, "%s script map %s (decided by %s)", c->name,
             o->mapped == 1 ? "present" : o->mapped == 0 ? "absent" : "not known",
             strcmp(o->source, "none") == 0 ? "no source that was read" : o->source);
    f->title = rs_results_strdup(&ctx->res, line);
    snprintf(line, sizeof line, "%s; MetaBase.bin: %s", o->why, rs_mb_state_name(ctx->mb_state));
    f->why = rs_results_strdup(&ctx->res, line);
  }
  ctx->map_ida = ctx->map_out[0].mapped;
  ctx->map_idq = ctx->map_out[1].mapped;
  snprintf(ctx->map_source, sizeof ctx->map_source, "%s", ctx->map_out[0].source);
}

void rs_stage_registry(struct rs_scan_ctx *ctx)
{
  for (int v = 0; v < ctx->img->nvol; v++) {
    if ((ctx->img->vols[v].fs || ctx->img->vols[v].coll) && ctx->img->vols[v].windows_root[0]) {
      ctx->sys_volume = v;
      break;
    }
  }
  if (ctx->sys_volume >= 0 && !rs_ctx_failed(ctx)) {
    rs_scan_progress(ctx, "reading registry", NULL);
    read_registry(ctx, ctx->sys_volume);
    map_drive_letters(ctx);
    read_metabase(ctx, ctx->sys_volume);
  }
  decide_script_maps(ctx);
}

/* A generic (finding-less) "Key Last Written" entry of the live hives. */
struct key_entry {
  const char *hive, *key;   /* point into ctx->si */
  int find;                 /* finding seq or -1 */
  struct rs_time t;
  struct rs_buf msg;
};

static void key_entry_add(struct rs_scan_ctx *ctx, struct key_entry *ke, size_t *n,
                          const char *hive, const char *key, const struct rs_time *t,
                          const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void key_entry_add(struct rs_scan_ctx *ctx, struct key_entry *ke, size_t *n,
                          const char *hive, const char *key, const struct rs_time *t,
                          const char *fmt, ...)
{
  struct key_entry *e = &ke[(*n)++];
  e->find = -1;
  e->hive = hive;
  e->key = key;
  e->t = *t;
  rs_buf_init(&e->msg, 8192); /* key paths are 512 bytes at most (rs_regval) */
  va_list ap;
  va_start(ap, fmt);
  rs_ctx_buf(ctx, rs_buf_vaddf(&e->msg, fmt, ap));
  va_end(ap);
}

/* "A, B, (default)": the names of regvals[a..b), bounded. */
static void value_names(struct rs_scan_ctx *ctx, size_t a, size_t b, struct rs_buf *out)
{
  for (size_t i = a; i < b && !rs_ctx_failed(ctx); i++) {
    const char *nm = ctx->regvals[i].v.name;
    if (out->len > 1500) {
      rs_ctx_buf(ctx, rs_buf_adds(out, ", ..."));
      return;
    }
    rs_ctx_buf(ctx, rs_buf_addf(out, "%s%s", i > a ? ", " : "", nm[0] ? nm : "(default)"));
  }
}

/* Registry key times. Every key a value was read from (system.values) gets
 * one entry without a finding, with the names of the values read; the keys
 * that matter even when nothing is wrong (hotfix keys, W3SVC Virtual Roots
 * and Script Map of every control set: they date patching and IIS changes)
 * keep their own wording and get the value names appended, so no key is on
 * the timeline twice. Registry findings add their own entries (checks.c).
 * `path` is always the hive file; the key is in the message. */
void rs_stage_keys(struct rs_scan_ctx *ctx)
{
  const struct rs_sysinfo *si = &ctx->si;
  struct key_entry ke[RS_MAX_HOTFIXES + 2 * RS_MAX_CONTROLSETS];
  size_t nke = 0;
  for (int h = 0; h < si->nhotfixes; h++) {
    const struct rs_hotfix *hf = &si->hotfixes[h];
    if (hf->present)
      key_entry_add(ctx, ke, &nke, hf->hive, hf->key, &hf->last_written, "hotfix %s key: %s",
                    hf->id, hf->key);
  }
  for (int i = 0; i < si->nsets; i++) {
    const struct rs_controlset *cs = &si->sets[i];
    const struct rs_regval *v[] = {&cs->vroot_scripts, &cs->scriptmap_ida};
    const char *what[] = {"W3SVC Virtual Roots key", "W3SVC Script Map key"};
    for (int k = 0; k < 2; k++)
      if (v[k]->key_present) {
        key_entry_add(ctx, ke, &nke, v[k]->hive, v[k]->key, &v[k]->key_written,
                      "%s (ControlSet%03d%s): %s", what[k], cs->number,
                      cs->is_current ? ", current" : "", v[k]->key);
        if (k == 1 && cs->is_current)
          ke[nke - 1].find = ctx->map_find[0];
      }
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
        rs_ctx_buf(ctx, rs_buf_addf(&ke[k].msg, "; values read: %s", names.data ? names.data : ""));
        merged = true;
      }
    if (merged)
      continue;
    rs_buf_reset(&msg);
    rs_ctx_buf(ctx, rs_buf_addf(&msg, "registry key %s (%s%s): values read: %s", r->v.key,
                                r->role, strcmp(r->role, "live") == 0 ? " hive" : " hive copy",
                                names.data ? names.data : ""));
    rs_tl_add(&ctx->res, &r->v.key_written, "Key Last Written", "registry", msg.data, -1, r->v.hive,
              NULL);
  }
  for (size_t k = 0; k < nke; k++) {
    rs_tl_add(&ctx->res, &ke[k].t, "Key Last Written", "registry", ke[k].msg.data, ke[k].find,
              ke[k].hive, NULL);
    rs_buf_free(&ke[k].msg);
  }
  rs_buf_free(&names);
  rs_buf_free(&msg);
}
