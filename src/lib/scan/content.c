/* Stage "content" (issue 17): with --yara or --hashset, every allocated and
 * deleted file the walk listed is read once (up to --max-file-size; larger
 * files are skipped and counted), its digests computed once (or taken from a
 * finding that already hashed it) and looked up in the hash sets, and its
 * bytes searched with the user's rules. Matches become YARA-MATCH and
 * HASHSET-MATCH findings on the file (path, volume, MFT entry, digests). The
 * user's rules also run over memory residue (scan/residue.c), which is
 * therefore not searched here a second time (only hashed, with --hashset).
 *
 * NTFS named streams (alternate data streams) of every entry, files and
 * folders, allocated and deleted, are read too, each on its own (path
 * "file:stream", its own size against the cap, its own digests): the walk
 * already lists them, so this costs nothing without either option. A file that cannot be read
 * (a deleted file whose clusters are gone) is counted in content_scan, not
 * listed as unreadable evidence. Empty files are not scanned. Without either option nothing here runs and
 * the walk keeps no extra candidate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redsleuth/collect.h"
#include "redsleuth/hashset.h"
#include "redsleuth/yara.h"
#include "scan/stage.h"

#define NTFS_BADCLUS_INUM 8 /* MFT entry of $BadClus */

void rs_content_free(struct rs_content *c)
{
  if (!c)
    return;
  rs_rules_close(c->rules);
  rs_hashset_free(c->hs);
  free(c);
}

enum rs_err rs_content_prepare(struct rs_scan_ctx *ctx, struct rs_diag *d)
{
  const struct rs_run_opts *o = ctx->opts;
  if (o->nyara <= 0 && o->nhashset <= 0)
    return RS_OK;
  struct rs_content *c = calloc(1, sizeof *c);
  if (!c)
    return rs_diag_set(d, RS_E_NOMEM, "content scan", "out of memory");
  ctx->content = c;
  c->max_file_size = o->max_file_size ? o->max_file_size : RS_MAX_FILE_SIZE_DEFAULT;
  enum rs_err e = RS_OK;
  if (o->nyara > 0) {
    struct rs_rules_opts ro = {.no_bundled = true};
    e = rs_rules_open(&ro, o->yara, (size_t)o->nyara, &c->rules, d);
    if (e != RS_OK)
      return e == RS_E_NOMEM ? e : (d->err = RS_E_USAGE);
    c->nrules = rs_rules_count(c->rules);
  }
  if (o->nhashset > 0) {
    if (!(c->hs = rs_hashset_new()))
      return rs_diag_set(d, RS_E_NOMEM, "--hashset", "out of memory");
    for (int i = 0; i < o->nhashset; i++) {
      e = rs_hashset_load(c->hs, o->hashsets[i], NULL, d);
      if (e != RS_OK)
        /* unreadable or not a hash set: the command line is wrong (exit 2) */
        return e == RS_E_NOMEM ? e : (d->err = RS_E_USAGE);
    }
    rs_hashset_seal(c->hs);
    for (int k = 0; k < RS_DIGEST__COUNT; k++)
      c->hash_entries += rs_hashset_count(c->hs, (enum rs_digest)k);
  }
  return RS_OK;
}

/* Each non-empty named $DATA stream of e (NTFS) as a candidate of its own. */
static void walk_streams(struct rs_scan_ctx *ctx, int vol, const struct rs_fsentry *e)
{
  for (size_t i = 0; i < e->nstreams; i++) {
    const struct rs_fsstream *s = &e->streams[i];
    if (s->type != TSK_FS_ATTR_TYPE_NTFS_DATA || !s->name || !s->name[0] || s->size == 0)
      continue;
    /* $BadClus:$Bad spans the whole volume, sparse but for bad clusters;
     * libtsk reads none of it (icat gives 0 bytes): not a stream to search */
    if (e->inum == NTFS_BADCLUS_INUM && !strcmp(s->name, "$Bad"))
      continue;
    size_t n = strlen(e->path) + strlen(s->name) + 2;
    char *p = malloc(n);
    if (!p) {
      rs_results_fail(&ctx->res, RS_E_NOMEM);
      return;
    }
    snprintf(p, n, "%s:%s", e->path, s->name);
    struct rs_fsentry se = *e;
    se.path = p;
    se.size = s->size;
    struct rs_cand *c = rs_walk_add_cand(ctx, RS_C_SCAN, vol, &se);
    free(p);
    if (!c)
      return;
    c->stream = true;
    c->attr_id = s->id;
    c->stream_name_len = strlen(s->name);
  }
}

void rs_content_walk_entry(struct rs_scan_ctx *ctx, int vol, const struct rs_fsentry *e)
{
  if (!ctx->content)
    return;
  /* an empty file (or an entry without a data stream: $Extend's indexes,
   * orphan records) has no bytes to search; its digest is that of nothing */
  if (!e->is_dir && e->size > 0) {
    /* memory residue the residue stage keeps (the walk calls it first) is
     * searched there with the user's rules too: here it is only hashed */
    const struct rs_cand *last = ctx->ncand ? &ctx->cands[ctx->ncand - 1] : NULL;
    bool residue = last && last->kind == RS_C_RESIDUE && last->volume == vol &&
                   last->inum == e->inum;
    struct rs_cand *c = rs_walk_add_cand(ctx, RS_C_SCAN, vol, e);
    if (!c)
      return;
    if (residue)
      snprintf(c->role, sizeof c->role, "residue");
  }
  walk_streams(ctx, vol, e);
}

/* ---- findings ------------------------------------------------------------ */

struct rs_match_detail *rs_content_match_detail(struct rs_scan_ctx *ctx,
                                                const struct rs_rule_match *m, bool with_hits)
{
  struct rs_results *r = &ctx->res;
  const struct rs_rule_info *in = m->info;
  struct rs_match_detail *md = calloc(1, sizeof *md);
  if (!md) {
    rs_results_fail(r, RS_E_NOMEM);
    return NULL;
  }
  md->rule = rs_results_strdup(r, in->rule);
  md->ns = rs_results_strdup(r, in->ns);
  md->rule_file = rs_results_strdup(r, in->file);
  md->nstrings = m->nstrings;
  if (in->ntags && (md->tags = calloc(in->ntags, sizeof *md->tags)))
    for (size_t i = 0; i < in->ntags; i++)
      md->tags[md->ntags++] = rs_results_strdup(r, in->tags[i]);
  if (in->nmeta && (md->meta = calloc(in->nmeta, sizeof *md->meta)))
    for (size_t i = 0; i < in->nmeta; i++) {
      struct rs_meta_kv *kv = &md->meta[md->nmeta++];
      kv->key = rs_results_strdup(r, in->meta[i].key);
      if (in->meta[i].type == RS_META_STRING)
        kv->str = rs_results_strdup(r, in->meta[i].str ? in->meta[i].str : "");
      kv->num = in->meta[i].num;
      kv->is_bool = in->meta[i].type == RS_META_BOOL;
    }
  if (with_hits)
    md->hits = rs_rule_hits_copy(r, m, &md->nhits);
  if ((in->ntags && !md->tags) || (in->nmeta && !md->meta))
    rs_results_fail(r, RS_E_NOMEM);
  if (rs_ctx_failed(ctx)) {
    rs_match_detail_free(md);
    return NULL;
  }
  return md;
}

struct file_run {
  struct rs_scan_ctx *ctx;
  const struct rs_cand *c;
  const uint8_t *data;
  size_t len;
  struct rs_file_digest dg;   /* dg.done once computed */
};

static bool file_digest(struct file_run *fr)
{
  if (fr->dg.done)
    return true;
  struct rs_diag d;
  rs_diag_clear(&d);
  enum rs_err e = rs_digest_mem(fr->data, fr->len, &fr->dg, &d);
  if (e == RS_E_NOMEM)
    rs_results_fail(&fr->ctx->res, e);
  return e == RS_OK;
}

/* The finding's sort key gains the rule or set entry, so that several matches
 * of one file keep one order. */
static void key_suffix(struct rs_scan_ctx *ctx, struct rs_finding *f, const char *what)
{
  size_t n = strlen(f->sort_key) + strlen(what) + 2;
  char *k = malloc(n);
  if (!k) {
    rs_results_fail(&ctx->res, RS_E_NOMEM);
    return;
  }
  snprintf(k, n, "%s|%s", f->sort_key, what);
  free(f->sort_key);
  f->sort_key = k;
}

static void yara_cb(const struct rs_rule_match *m, void *arg)
{
  struct file_run *fr = arg;
  struct rs_scan_ctx *ctx = fr->ctx;
  if (rs_ctx_failed(ctx))
    return;
  const struct rs_check *chk = rs_check_find("YARA-MATCH");
  file_digest(fr);
  struct rs_finding *f = rs_file_finding(ctx, chk, fr->c, &fr->dg);
  if (!f)
    return;
  f->match = rs_content_match_detail(ctx, m, true);
  f->infected = m->info->infected;
  char what[600];
  snprintf(what, sizeof what, "%s:%s", m->info->ns, m->info->rule);
  key_suffix(ctx, f, what);
}

static void hashset_check(struct file_run *fr, const struct rs_hashset *hs)
{
  struct rs_scan_ctx *ctx = fr->ctx;
  if (!file_digest(fr))
    return;
  /* the strongest digest the sets know this file by */
  const char *hex[3] = {fr->dg.sha256, fr->dg.sha1, fr->dg.md5};
  struct rs_hashset_hit hit;
  for (int i = 0; i < 3; i++) {
    if (!rs_hashset_lookup_hex(hs, hex[i], &hit))
      continue;
    struct rs_finding *f = rs_file_finding(ctx, rs_check_find("HASHSET-MATCH"), fr->c, &fr->dg);
    if (!f)
      return;
    struct rs_match_detail *md = calloc(1, sizeof *md);
    if (!md) {
      rs_results_fail(&ctx->res, RS_E_NOMEM);
      return;
    }
    f->match = md;
    md->hashset = true;
    md->set = rs_results_strdup(&ctx->res, hit.set);
    md->entry = rs_results_strdup(&ctx->res, hit.name);
    md->digest_kind = rs_digest_name(hit.kind);
    snprintf(md->digest, sizeof md->digest, "%s", hit.hex);
    key_suffix(ctx, f, hit.set);
    return;
  }
}

/* A digest a finding already holds for this file (files stage): not computed twice. */
static void reuse_digest(const struct rs_scan_ctx *ctx, const struct rs_cand *c,
                         struct rs_file_digest *dg)
{
  for (size_t i = 0; i < ctx->res.nfind; i++) {
    const struct rs_finding *f = &ctx->res.finds[i];
    if (f->what == RS_FD_FILE && f->volume == c->volume && f->u.file.inum == c->inum &&
        f->u.file.digest) {
      dg->done = true;
      dg->bytes = f->u.file.size;
      memcpy(dg->md5, f->u.file.md5, sizeof dg->md5);
      memcpy(dg->sha1, f->u.file.sha1, sizeof dg->sha1);
      memcpy(dg->sha256, f->u.file.sha256, sizeof dg->sha256);
      return;
    }
  }
}

void rs_stage_content(struct rs_scan_ctx *ctx)
{
  struct rs_content *ct = ctx->content;
  if (!ct)
    return;
  struct rs_rules_scanner *sc = NULL;
  struct rs_diag d;
  rs_diag_clear(&d);
  if (ct->rules && rs_rules_scanner_new(ct->rules, &sc, &d) != RS_OK) {
    rs_ctx_unreadable(ctx, "user rules", d.where[0] ? d.where : "--yara", d.err, d.what);
    if (rs_ctx_failed(ctx))
      return;
  }
  rs_scan_progress(ctx, "scanning file content", NULL);
  for (size_t i = 0; i < ctx->ncand && !rs_ctx_failed(ctx); i++) {
    const struct rs_cand *c = &ctx->cands[i];
    if (c->kind != RS_C_SCAN)
      continue;
    const bool residue = !strcmp(c->role, "residue");
    if (residue && !ct->hs)
      continue; /* searched by the residue stage, with the user's rules */
    if (c->size > ct->max_file_size) {
      ct->skipped_too_large++;
      continue;
    }
    struct file_run fr = {.ctx = ctx, .c = c};
    if (!sc && !c->stream) /* hash sets only: a digest the files stage made is enough */
      reuse_digest(ctx, c, &fr.dg);
    uint8_t *data = NULL;
    size_t len = 0;
    if (!fr.dg.done) {
      rs_diag_clear(&d);
      const struct rs_volume *v = &ctx->img->vols[c->volume];
      enum rs_err e =
          c->stream ? rs_file_read_stream(v->fs, c->inum, c->attr_id, (size_t)ct->max_file_size,
                                          false, &data, &len, &d)
                    : rs_vfile_read(v, c->inum, (size_t)ct->max_file_size, false, &data, &len, &d);
      if (e == RS_E_NOMEM) {
        rs_results_fail(&ctx->res, e);
        break;
      }
      if (e != RS_OK) {
        ct->unreadable++;
        continue;
      }
    }
    /* a file read again after the files stage listed it (cands are stable:
     * rs_file_finding adds findings, not candidates) */
    c = &ctx->cands[i];
    fr.c = c;
    fr.data = data;
    fr.len = len;
    if (c->stream)
      ct->streams_scanned++;
    else
      ct->files_scanned++;
    ct->bytes_scanned += fr.dg.done ? fr.dg.bytes : len;
    if (sc && data && !residue) {
      rs_diag_clear(&d);
      enum rs_err e = rs_rules_scan_mem(sc, data, len, 0, yara_cb, &fr, NULL, &d);
      if (e == RS_E_NOMEM)
        rs_results_fail(&ctx->res, e);
      else if (e != RS_OK)
        ct->unreadable++;
    }
    if (ct->hs && !rs_ctx_failed(ctx))
      hashset_check(&fr, ct->hs);
    free(data);
  }
  rs_rules_scanner_free(sc);
}
