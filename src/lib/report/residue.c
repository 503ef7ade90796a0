/* The report's residue block (residue.regions[]) and the details of a
 * residue finding (scan/residue.c). The block is absent when no region was
 * searched. */
#include "report/report.h"

void rs_report_residue_fields(struct rs_jb *jb, json_t *o, const struct rs_finding *f)
{
  const struct rs_residue_detail *rd = &f->u.res;
  rs_jset(jb, o, "path", rs_json_str(f->path));
  rs_jset(jb, o, "allocated", json_boolean(f->live));
  json_t *det = json_object();
  rs_jset(jb, det, "region", json_integer((json_int_t)rd->region));
  rs_jset(jb, det, "region_kind", rs_json_str(rd->region_kind));
  rs_jset(jb, det, "rule", rs_json_str(rd->rule));
  rs_jset(jb, det, "namespace", rs_json_str(rd->ns));
  rs_jset(jb, det, "offset", rd->nhits ? json_integer((json_int_t)rd->hits[0].offset) : json_null());
  rs_jset(jb, det, "strings_matched", json_integer((json_int_t)rd->nstrings));
  json_t *arr = json_array();
  for (size_t i = 0; i < rd->nhits; i++) {
    const struct rs_residue_hit *h = &rd->hits[i];
    json_t *m = json_object();
    rs_jset(jb, m, "string", rs_json_str(h->id));
    rs_jset(jb, m, "offset", json_integer((json_int_t)h->offset));
    rs_jset(jb, m, "length", json_integer((json_int_t)h->length));
    rs_jset(jb, m, "encoding", json_string(h->wide ? "utf-16le" : "ascii"));
    rs_jset(jb, m, "context_offset", json_integer((json_int_t)h->ctx_offset));
    rs_jset(jb, m, "context", rs_json_str(h->ctx));
    rs_japp(jb, arr, m);
  }
  rs_jset(jb, det, "matches", arr);
  rs_jset(jb, det, "supports_infected_in_memory", json_boolean(rd->supports_memory));
  rs_jset(jb, o, "details", det);
}

json_t *rs_report_residue(struct rs_jb *jb, const struct rs_scan_ctx *ctx)
{
  json_t *o = json_object();
  json_t *arr = json_array();
  for (size_t i = 0; i < ctx->nregions; i++) {
    const struct rs_residue_region *g = &ctx->regions[i];
    json_t *x = json_object();
    rs_jset(jb, x, "kind", rs_json_str(g->kind));
    rs_jset(jb, x, "volume", json_integer(g->volume));
    rs_jset(jb, x, "path", rs_json_str(g->path));
    rs_jset(jb, x, "bytes", json_integer((json_int_t)g->bytes));
    rs_jset(jb, x, "bytes_searched", json_integer((json_int_t)g->searched));
    rs_jset(jb, x, "bytes_skipped", json_integer((json_int_t)g->skipped));
    rs_jset(jb, x, "rules_fired", json_integer((json_int_t)g->rules));
    rs_jset(jb, x, "note", rs_json_str(g->note));
    rs_japp(jb, arr, x);
  }
  rs_jset(jb, o, "regions", arr);
  return o;
}

static json_t *hits_json(struct rs_jb *jb, const struct rs_residue_hit *hits, size_t n)
{
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    const struct rs_residue_hit *h = &hits[i];
    json_t *m = json_object();
    rs_jset(jb, m, "string", rs_json_str(h->id));
    rs_jset(jb, m, "offset", json_integer((json_int_t)h->offset));
    rs_jset(jb, m, "length", json_integer((json_int_t)h->length));
    rs_jset(jb, m, "encoding", json_string(h->wide ? "utf-16le" : "ascii"));
    rs_jset(jb, m, "context_offset", json_integer((json_int_t)h->ctx_offset));
    rs_jset(jb, m, "context", rs_json_str(h->ctx));
    rs_japp(jb, arr, m);
  }
  return arr;
}

void rs_report_match_fields(struct rs_jb *jb, json_t *o, const struct rs_finding *f)
{
  const struct rs_match_detail *m = f->match;
  json_t *det = json_object_get(o, "details");
  bool fresh = !json_is_object(det);
  if (fresh)
    det = json_object();
  if (m->hashset) {
    rs_jset(jb, det, "hash_set", rs_json_str(m->set));
    rs_jset(jb, det, "entry_name", rs_json_str(m->entry));
    rs_jset(jb, det, "digest_kind", rs_json_str(m->digest_kind));
    rs_jset(jb, det, "digest", json_string(m->digest));
  } else {
    rs_jset(jb, det, "rule", rs_json_str(m->rule));
    rs_jset(jb, det, "namespace", rs_json_str(m->ns));
    rs_jset(jb, det, "rule_file", rs_json_str(m->rule_file));
    json_t *tags = json_array();
    for (size_t i = 0; i < m->ntags; i++)
      rs_japp(jb, tags, rs_json_str(m->tags[i]));
    rs_jset(jb, det, "tags", tags);
    json_t *meta = json_object();
    for (size_t i = 0; i < m->nmeta; i++) {
      const struct rs_meta_kv *kv = &m->meta[i];
      rs_jset(jb, meta, kv->key ? kv->key : "",
              kv->str       ? rs_json_str(kv->str)
              : kv->is_bool ? json_boolean(kv->num != 0)
                            : json_integer((json_int_t)kv->num));
    }
    rs_jset(jb, det, "meta", meta);
    rs_jset(jb, det, "role", json_string(f->infected ? "infected" : "context"));
    if (f->what != RS_FD_RESIDUE) { /* a residue finding has its matches already */
      rs_jset(jb, det, "offset",
              m->nhits ? json_integer((json_int_t)m->hits[0].offset) : json_null());
      rs_jset(jb, det, "strings_matched", json_integer((json_int_t)m->nstrings));
      rs_jset(jb, det, "matches", hits_json(jb, m->hits, m->nhits));
    }
  }
  if (fresh)
    rs_jset(jb, o, "details", det);
}

json_t *rs_report_content_scan(struct rs_jb *jb, const struct rs_scan_ctx *ctx)
{
  const struct rs_content *c = ctx->content;
  json_t *o = json_object();
  rs_jset(jb, o, "files_scanned", json_integer((json_int_t)c->files_scanned));
  rs_jset(jb, o, "bytes_scanned", json_integer((json_int_t)c->bytes_scanned));
  rs_jset(jb, o, "skipped_too_large", json_integer((json_int_t)c->skipped_too_large));
  rs_jset(jb, o, "unreadable", json_integer((json_int_t)c->unreadable));
  rs_jset(jb, o, "max_file_size", json_integer((json_int_t)c->max_file_size));
  rs_jset(jb, o, "rules", json_integer((json_int_t)c->nrules));
  rs_jset(jb, o, "hash_sets", json_integer(ctx->opts->nhashset));
  rs_jset(jb, o, "hash_entries", json_integer((json_int_t)c->hash_entries));
  rs_jset(jb, o, "named_streams", json_string("not searched (default data stream only)"));
  return o;
}
