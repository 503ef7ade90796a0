/* The report's residue block (residue.regions[]) and the details of a
 * residue finding (scan/residue.c). The block is absent when no region was
 * searched. Carved log lines: their findings' fields and logs.carved. */
#include "report/report.h"

/* The matched strings of a rule (residue and file matches alike). */
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
  rs_jset(jb, det, "matches", hits_json(jb, rd->hits, rd->nhits));
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

void rs_report_carved_fields(struct rs_jb *jb, json_t *o, const struct rs_finding *f)
{
  const struct rs_carved_detail *d = &f->u.cv;
  rs_jset(jb, o, "path", rs_json_str(f->path));
  rs_jset(jb, o, "allocated", json_false());
  json_t *det = json_object();
  rs_jset(jb, det, "carved", json_true());
  rs_jset(jb, det, "region", json_integer((json_int_t)d->region));
  rs_jset(jb, det, "region_kind", rs_json_str(d->region_kind));
  rs_jset(jb, det, "offset", json_integer((json_int_t)d->offset));
  rs_jset(jb, det, "hit_offset", json_integer((json_int_t)d->hit));
  rs_jset(jb, det, "bytes", json_integer((json_int_t)d->raw_len));
  rs_jset(jb, det, "encoding", json_string(d->wide ? "utf-16le" : "ascii"));
  rs_jset(jb, det, "whole", json_boolean(d->whole));
  rs_jset(jb, det, "text", rs_json_str(d->text));
  rs_jset(jb, det, "format", rs_json_str(d->format));
  rs_jset(jb, det, "fields_header", rs_json_str(d->fields));
  rs_jset(jb, det, "date_header", rs_json_str(d->date_hdr));
  rs_jset(jb, det, "parsed", json_boolean(d->parsed));
  rs_jset(jb, det, "date_from", rs_json_str(d->date_from));
  bool dated = d->parsed && d->when.set && d->has_date && d->utc;
  rs_jset(jb, det, "time_utc", dated ? rs_json_time(&d->when) : json_null());
  /* an IIS native line (local time) when the host's zone is unknown */
  if (d->parsed && d->when.set && d->has_date && !d->utc)
    rs_jset(jb, det, "time_local", rs_json_local_time(&d->when));
  rs_jset(jb, det, "client_ip", rs_json_str(d->ip));
  rs_jset(jb, det, "method", rs_json_str(d->method));
  rs_jset(jb, det, "stem", rs_json_str(d->stem));
  rs_jset(jb, det, "query", rs_json_str(d->query));
  rs_jset(jb, det, "status", d->parsed && d->status >= 0 ? json_integer(d->status) : json_null());
  rs_jset(jb, det, "request_family",
          d->parsed ? json_string(rs_family_key(d->family)) : json_null());
  rs_jset(jb, det, "backdoor_use", json_boolean(d->backdoor_use));
  rs_jset(jb, det, "backdoor_use_2xx", json_boolean(d->backdoor_2xx));
  rs_jset(jb, o, "details", det);
}

json_t *rs_report_carved(struct rs_jb *jb, const struct rs_scan_ctx *ctx)
{
  const struct rs_carved_counts *k = &ctx->carved;
  json_t *o = json_object();
  rs_jset(jb, o, "lines", json_integer((json_int_t)k->lines));
  rs_jset(jb, o, "parsed", json_integer((json_int_t)k->parsed));
  rs_jset(jb, o, "utf16le", json_integer((json_int_t)k->wide));
  rs_jset(jb, o, "partial", json_integer((json_int_t)k->partial));
  json_t *h = json_object();
  for (int f = RS_FAM_CODERED1; f < RS_FAM__COUNT; f++)
    rs_jset(jb, h, rs_family_key((enum rs_family)f), json_integer((json_int_t)k->hits[f]));
  rs_jset(jb, o, "hits", h);
  rs_jset(jb, o, "backdoor_uses", json_integer((json_int_t)k->backdoor_uses));
  rs_jset(jb, o, "backdoor_uses_2xx", json_integer((json_int_t)k->backdoor_2xx));
  rs_jset(jb, o, "listed", json_integer((json_int_t)k->listed));
  rs_jset(jb, o, "unlisted", json_integer((json_int_t)k->unlisted));
  return o;
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
  rs_jset(jb, o, "streams_scanned", json_integer((json_int_t)c->streams_scanned));
  return o;
}
