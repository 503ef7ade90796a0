/* Stage "nimda": Nimda's own footprint (codered-artifacts 2.4, 12, 13). The
 * walk keeps only candidates (pages by name, .eml/.nws files, PE copies by name,
 * system.ini in a Windows root); this stage reads their bytes (bounded) and the
 * live SAM (Guest in Administrators). The live SYSTEM's shares (C$) are read
 * by rs_nimda_shares while the registry stage has that hive open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/nimda.h"
#include "redsleuth/buf.h"
#include "redsleuth/collect.h"
#include "scan/stage.h"

#define INI_MAX (64u << 10)

static const struct rs_check *row_by(enum rs_check_kind k, enum rs_match m)
{
  for (size_t i = 0; i < rs_ncheck; i++)
    if (rs_checks[i].kind == k && (k != RS_K_CONTENT || rs_checks[i].match == m))
      return &rs_checks[i];
  return NULL;
}

static bool parent_is(const char *path, const char *dir)
{
  const char *slash = strrchr(path, '/');
  size_t dl = strlen(dir);
  return slash && (size_t)(slash - path) == dl && strncasecmp(path, dir, dl) == 0;
}

void rs_nimda_walk_entry(struct rs_scan_ctx *ctx, int vol, const struct rs_fsentry *e)
{
  if (e->is_dir)
    return;
  enum rs_match m;
  const struct rs_volume *v = &ctx->img->vols[vol];
  if (rs_nimda_page_name(e->name))
    m = RS_M_PAGE_SCRIPT;
  else if (rs_nimda_eml_name(e->name))
    m = RS_M_EML_MARKER;
  else if (rs_nimda_pe_name(e->name) && e->size <= RS_PE_MAX)
    m = RS_M_PE_MARKER;
  else if (strcasecmp(e->name, "system.ini") == 0 && v->windows_root[0] &&
           parent_is(e->path, v->windows_root))
    m = RS_M_INI_SHELL;
  else
    return;
  const struct rs_check *row = row_by(RS_K_CONTENT, m);
  if (!row)
    return;
  struct rs_cand *c = rs_walk_add_cand(ctx, RS_C_CONTENT, vol, e);
  if (c)
    c->check = row;
}

/* keeps the last RS_NIMDA_PAGE_TAIL bytes of a streamed file */
struct tail {
  uint8_t b[RS_NIMDA_PAGE_TAIL];
  size_t n;
};

static int tail_cb(const uint8_t *p, size_t n, void *arg)
{
  struct tail *t = arg;
  if (n >= sizeof t->b) {
    memcpy(t->b, p + n - sizeof t->b, sizeof t->b);
    t->n = sizeof t->b;
    return 0;
  }
  size_t keep = t->n + n > sizeof t->b ? sizeof t->b - n : t->n;
  memmove(t->b, t->b + t->n - keep, keep);
  memcpy(t->b + keep, p, n);
  t->n = keep + n;
  return 0;
}

struct hit {
  size_t cand;
  char what[64];
  char line[200];
};

/* Reads candidate c and applies its row's test; true on a hit. */
static bool test_cand(struct rs_scan_ctx *ctx, const struct rs_cand *c, struct hit *h)
{
  const struct rs_volume *fs = &ctx->img->vols[c->volume];
  struct rs_diag d;
  rs_diag_clear(&d);
  enum rs_match m = c->check->match;
  if (m == RS_M_PAGE_SCRIPT) {
    struct tail *t = calloc(1, sizeof *t);
    if (!t) {
      rs_results_fail(&ctx->res, RS_E_NOMEM);
      return false;
    }
    enum rs_err e = rs_vfile_stream(fs, c->inum, 1u << 20, tail_cb, t, &d);
    bool hit = e == RS_OK && rs_nimda_page_script(t->b, t->n);
    free(t);
    if (e == RS_E_NOMEM)
      rs_results_fail(&ctx->res, e);
    return hit;
  }
  size_t max = m == RS_M_EML_MARKER ? RS_NIMDA_EML_MAX : m == RS_M_PE_MARKER ? RS_PE_MAX : INI_MAX;
  uint8_t *data = NULL;
  size_t len = 0;
  enum rs_err e = rs_vfile_read(fs, c->inum, max, true, &data, &len, &d);
  if (e == RS_E_NOMEM)
    rs_results_fail(&ctx->res, e);
  bool hit = false;
  if (e == RS_OK && data) {
    if (m == RS_M_EML_MARKER)
      hit = rs_nimda_eml_marker(data, len);
    else if (m == RS_M_PE_MARKER)
      hit = rs_nimda_pe_marker(data, len, h->what, sizeof h->what);
    else
      hit = rs_nimda_ini_shell(data, len, h->line, sizeof h->line);
  }
  free(data);
  return hit;
}

static bool same_dir(const struct rs_cand *a, const struct rs_cand *b)
{
  const char *sa = strrchr(a->path, '/'), *sb = strrchr(b->path, '/');
  return a->volume == b->volume && sa && sb && sa - a->path == sb - b->path &&
         strncasecmp(a->path, b->path, (size_t)(sa - a->path)) == 0;
}

static void content_findings(struct rs_scan_ctx *ctx)
{
  struct hit *hits = NULL;
  size_t nhit = 0, caphit = 0;
  bool marker = false; /* a Nimda copy or marker besides pages */
  for (size_t i = 0; i < ctx->ncand && !rs_ctx_failed(ctx); i++) {
    const struct rs_cand *c = &ctx->cands[i];
    if (c->kind != RS_C_CONTENT)
      continue;
    struct hit h;
    memset(&h, 0, sizeof h);
    h.cand = i;
    if (!test_cand(ctx, c, &h))
      continue;
    if (!rs_results_grow(&ctx->res, (void **)&hits, &caphit, nhit, sizeof *hits, 16))
      break;
    hits[nhit++] = h;
    if (c->check->match != RS_M_PAGE_SCRIPT)
      marker = true;
  }
  struct rs_diag d;
  for (size_t k = 0; k < nhit && !rs_ctx_failed(ctx); k++) {
    const struct rs_cand *c = &ctx->cands[hits[k].cand];
    struct rs_file_digest dg;
    memset(&dg, 0, sizeof dg);
    rs_diag_clear(&d);
    if (rs_vfile_digest(&ctx->img->vols[c->volume], c->inum, &dg, &d) != RS_OK)
      dg.done = false;
    struct rs_finding *f = rs_file_finding(ctx, c->check, c, &dg);
    if (!f)
      break;
    char why[400];
    switch (c->check->match) {
    case RS_M_PAGE_SCRIPT:
      if (marker) {
        snprintf(why, sizeof why, "the page ends with the readme.eml script, and Nimda's copies "
                                  "or markers are on this host");
      } else {
        snprintf(why, sizeof why, "the page ends with the readme.eml script; no Nimda copy or "
                                  "marker is on this host, and W32/Chir.B appends the same line");
        f->title = rs_results_strdup(&ctx->res, "web page ending in the readme.eml script of "
                                                "Nimda or W32/Chir.B");
      }
      break;
    case RS_M_EML_MARKER: {
      size_t n = 0;
      for (size_t j = 0; j < nhit; j++)
        if (ctx->cands[hits[j].cand].check->match == RS_M_EML_MARKER &&
            same_dir(c, &ctx->cands[hits[j].cand]))
          n++;
      snprintf(why, sizeof why, "base64 marker Kz29vb29oWsrLPh4eisrPb09Pb2 found; %zu marked "
                                ".eml/.nws file(s) in this folder", n);
      break;
    }
    case RS_M_PE_MARKER:
      snprintf(why, sizeof why, "PE holding \"%s\"", hits[k].what);
      break;
    default:
      snprintf(why, sizeof why, "%s", hits[k].line);
      break;
    }
    f->u.file.decided_by = rs_results_strdup(&ctx->res, why);
  }
  free(hits);
}

/* The live SAM: Guest (RID 501) enabled and in Administrators (alias 0x220). */
static void sam_finding(struct rs_scan_ctx *ctx, const struct rs_check *row)
{
  int vol = ctx->sys_volume;
  const struct rs_volume *v = &ctx->img->vols[vol];
  char tsk[400];
  snprintf(tsk, sizeof tsk, "%s/system32/config/SAM", v->windows_root);
  struct rs_buf win = {0};
  if (!rs_win_path(ctx, vol, tsk, &win))
    return;
  uint8_t *data = NULL;
  size_t len = 0;
  uint64_t inum = 0;
  struct rs_diag d;
  rs_diag_clear(&d);
  struct rs_hive *h = NULL;
  enum rs_err e = rs_volume_read_path(v, tsk, RS_HIVE_MAX, &data, &len, &inum, &d);
  if (e != RS_OK)
    rs_ctx_unreadable(ctx, "registry hive", win.data, e, d.what);
  if (e != RS_OK || !data)
    goto out;
  e = rs_hive_open_mem(data, len, win.data, ctx->codepage ? ctx->codepage : 1252, &h, &d);
  struct rs_hive_read *hr = rs_scan_add_hive(ctx, win.data, "live", data, len, vol, inum);
  if (!hr)
    goto out;
  if (e != RS_OK) {
    hr->error = rs_results_strdup(&ctx->res, d.what);
    rs_ctx_unreadable(ctx, "registry hive", win.data, e, d.what);
    goto out;
  }
  hr->opened = true;
  hr->kind = rs_hive_kind(h);
  hr->dirty = rs_hive_dirty(h);
  struct rs_regval fv, cv;
  if (rs_hive_get_value(h, "SAM\\Domains\\Account\\Users\\000001F5", "F", &fv, &d) != RS_OK ||
      rs_hive_get_value(h, "SAM\\Domains\\Builtin\\Aliases\\00000220", "C", &cv, &d) != RS_OK) {
    rs_ctx_unreadable(ctx, "registry value", win.data, RS_E_CORRUPT, d.what);
    goto out;
  }
  ctx->have_sam = true;
  if (fv.present)
    rs_scan_note_value(ctx, &fv); /* Account\Users sorts before Builtin\Aliases */
  if (cv.present)
    rs_scan_note_value(ctx, &cv);
  if (!fv.present || !cv.present)
    goto out;
  uint8_t fb[256], cb[512];
  size_t fn = rs_hex_bytes(fv.data, fb, sizeof fb), cn = rs_hex_bytes(cv.data, cb, sizeof cb);
  uint16_t acb = 0;
  char members[400];
  int in_admins = rs_sam_alias_has_rid(cb, cn, 501, members, sizeof members);
  if (!rs_sam_f_acb(fb, fn, &acb) || in_admins < 0) {
    rs_results_unreadable(&ctx->res, "registry value", win.data,
                          "SAM Guest F or Administrators C value malformed or too long");
    goto out;
  }
  if ((acb & RS_SAM_ACB_DISABLED) || in_admins != 1)
    goto out;
  struct rs_finding *f = rs_results_add_finding(&ctx->res, row, RS_FD_REGISTRY, true, vol,
                                                "SAM|00000220");
  if (!f)
    goto out;
  f->path = rs_results_strdup(&ctx->res, win.data);
  f->u.reg.v = cv;
  snprintf(f->u.reg.v.data, sizeof f->u.reg.v.data,
           "Guest (RID 501) account flags 0x%04x (enabled); Administrators members: %s", acb,
           members);
  f->u.reg.hive_role = "live";
  f->u.reg.current = true;
  char msg[600];
  snprintf(msg, sizeof msg, "%s: Administrators alias key last written", row->title);
  rs_tl_add(&ctx->res, &cv.key_written, "Key Last Written", "registry", msg, (int)f->seq,
            win.data, NULL);
  snprintf(msg, sizeof msg, "%s: Guest user key last written", row->title);
  rs_tl_add(&ctx->res, &fv.key_written, "Key Last Written", "registry", msg, (int)f->seq,
            win.data, NULL);
out:
  rs_hive_close(h);
  free(data);
  rs_buf_free(&win);
}

/* The live SYSTEM, open in the registry stage (scan/registry.c calls this
 * after reading it, so the hive is not read a second time): every control
 * set's lanmanserver\Shares. */
void rs_nimda_shares(struct rs_scan_ctx *ctx, struct rs_hive *h)
{
  const struct rs_check *row = row_by(RS_K_REG_SHARE, 0);
  int vol = ctx->sys_volume;
  if (!row || !h || vol < 0 || rs_ctx_failed(ctx))
    return;
  const char *win = rs_hive_name(h);
  struct rs_diag d;
  rs_diag_clear(&d);
  for (int s = 0; s < ctx->si.nsets && !rs_ctx_failed(ctx); s++) {
    const struct rs_controlset *cs = &ctx->si.sets[s];
    char key[200], sec[220], set_name[32];
    snprintf(set_name, sizeof set_name, "ControlSet%03d", cs->number);
    snprintf(key, sizeof key, "%s\\%s", set_name, row->key);
    snprintf(sec, sizeof sec, "%s\\Security", key);
    struct rs_regval sv;
    if (rs_hive_get_value(h, key, row->name, &sv, &d) != RS_OK || !sv.present)
      continue;
    /* "Path=C:\" among the MULTI_SZ lines */
    char want[64];
    snprintf(want, sizeof want, "Path=%s", row->arg);
    bool path = false;
    for (const char *p = sv.data; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
      size_t n = strcspn(p, "\n");
      if (n == strlen(want) && strncasecmp(p, want, n) == 0)
        path = true;
    }
    struct rs_regval *vals = NULL;
    size_t nv = 0;
    char **subs = NULL;
    size_t ns = 0;
    if (rs_hive_values(h, sec, &vals, &nv, &d) != RS_OK)
      nv = 0;
    free(vals);
    if (rs_hive_subkeys(h, sec, &subs, &ns, &d) != RS_OK)
      ns = 0;
    rs_strv_free(subs, ns);
    if (!path || nv || ns)
      continue;
    char sk[300];
    snprintf(sk, sizeof sk, "live|%s|%s", set_name, row->name);
    struct rs_finding *f = rs_results_add_finding(&ctx->res, row, RS_FD_REGISTRY, cs->is_current,
                                                  vol, sk);
    if (!f)
      break;
    f->current_source = true; /* any control set of the live hive fails the checklist */
    f->path = rs_results_strdup(&ctx->res, win);
    f->u.reg.v = sv;
    f->u.reg.hive_role = "live";
    snprintf(f->u.reg.control_set, sizeof f->u.reg.control_set, "%s", set_name);
    f->u.reg.current = cs->is_current;
    char msg[700];
    snprintf(msg, sizeof msg, "%s: %s\\%s (Shares\\Security empty or absent)", row->title, key,
             row->name);
    rs_tl_add(&ctx->res, &sv.key_written, "Key Last Written", "registry", msg, (int)f->seq, win,
              NULL);
  }
}

void rs_stage_nimda(struct rs_scan_ctx *ctx)
{
  content_findings(ctx);
  if (rs_ctx_failed(ctx) || ctx->sys_volume < 0 || !ctx->img->vols[ctx->sys_volume].windows_root[0])
    return;
  const struct rs_check *sam = row_by(RS_K_SAM_GUEST, 0);
  if (sam)
    sam_finding(ctx, sam);
  /* the C$ share: rs_nimda_shares, from the registry stage */
}
