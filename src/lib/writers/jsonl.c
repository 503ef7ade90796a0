/* timeline.jsonl: one JSON object per timeline entry, for Timesketch. The
 * three fields Timesketch requires (message, datetime, timestamp_desc) come
 * first and are always present; "timestamp" (microseconds since 1970, the
 * form Timesketch sorts on) is added when datetime parses; then source,
 * finding and every other field of the entry in report order. */
#include "redsleuth/writer.h"

#include <string.h>

#include "writers/emit.h"

static bool is_lead_key(const char *k)
{
  static const char *const lead[] = {"message", "datetime", "timestamp_desc", "timestamp",
                                     "source", "finding"};
  for (size_t i = 0; i < sizeof lead / sizeof lead[0]; i++)
    if (strcmp(k, lead[i]) == 0)
      return true;
  return false;
}

/* The bytes as the report holds them (rs_writer_json makes them valid). */
static json_t *str_or_empty(const json_t *entry, const char *key)
{
  const char *s = rs_writer_str(entry, key);
  return json_stringn_nocheck(s ? s : "", s ? strlen(s) : 0);
}

static enum rs_err entry_line(struct rs_buf *b, const json_t *entry)
{
  json_t *o = json_object();
  if (!o)
    return RS_E_NOMEM;
  /* a field that could not be set is out of memory, never a shorter line */
  int bad = 0;
  bad |= json_object_set_new(o, "message", str_or_empty(entry, "message"));
  bad |= json_object_set_new(o, "datetime", str_or_empty(entry, "datetime"));
  bad |= json_object_set_new(o, "timestamp_desc", str_or_empty(entry, "timestamp_desc"));
  int64_t sec;
  uint32_t nsec;
  if (rs_writer_time_parse(rs_writer_str(entry, "datetime"), &sec, &nsec))
    bad |= json_object_set_new(o, "timestamp", json_integer(sec * 1000000 + nsec / 1000));
  bad |= json_object_set_new(o, "source", str_or_empty(entry, "source"));
  const json_t *f = json_object_get(entry, "finding");
  bad |= json_object_set_new(o, "finding", f ? json_deep_copy(f) : json_null());
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)entry, k, v) {
    if (!is_lead_key(k))
      bad |= json_object_set_new(o, k, json_deep_copy(v));
  }
  enum rs_err e = bad ? RS_E_NOMEM : rs_writer_json(b, o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  if (!e)
    e = rs_buf_adds(b, "\n");
  json_decref(o);
  return e;
}

static enum rs_err write_jsonl(const json_t *report, struct rs_hits *hits, FILE *out,
                               struct rs_diag *d)
{
  struct rs_buf b;
  rs_buf_init(&b, RS_WRITER_MAX);
  enum rs_err e = RS_OK;
  if (!json_is_object(report)) {
    rs_buf_free(&b);
    return rs_diag_set(d, RS_E_USAGE, "jsonl writer", "the report is not a JSON object");
  }
  /* report.warnings (a stored-hash mismatch) first, as in every output:
   * an event at the epoch, so Timesketch keeps it apart from the evidence's
   * own times */
  size_t i;
  const json_t *entry, *w;
  json_array_foreach(json_object_get(report, "warnings"), i, w) {
    if (!json_is_string(w))
      continue;
    json_t *ev = json_pack("{s:O,s:s,s:s,s:s}", "message", w, "datetime", "1970-01-01T00:00:00Z",
                           "timestamp_desc", "Evidence Warning (not an event time)", "source",
                           "redsleuth");
    e = ev ? entry_line(&b, ev) : RS_E_NOMEM;
    json_decref(ev);
    if (e)
      break;
  }
  if (e) {
    rs_buf_free(&b);
    return rs_diag_set(d, e, "jsonl writer", "cannot serialise warning %zu", i);
  }
  /* with --timeline-hits, millions of lines: written out as they come */
  struct rs_tl_iter it;
  tl_iter_init(&it, report, hits);
  size_t n = 0;
  while (!e && (entry = tl_iter_next(&it))) {
    if (json_is_object(entry) && (e = entry_line(&b, entry)) != RS_OK)
      rs_diag_set(d, e, "jsonl writer", "cannot serialise timeline entry %zu", n);
    else if (b.len >= EM_DRAIN && (e = rs_writer_emit(&b, out, "jsonl writer", d)) == RS_OK)
      rs_buf_reset(&b);
    n++;
  }
  if (!e && it.err)
    e = rs_diag_set(d, it.err, "jsonl writer", "%s: %s", it.d.where, it.d.what);
  tl_iter_free(&it);
  if (!e)
    e = rs_writer_emit(&b, out, "jsonl writer", d);
  rs_buf_free(&b);
  return e;
}

const struct rs_writer rs_writer_jsonl = {"jsonl", "timeline.jsonl", write_jsonl};
