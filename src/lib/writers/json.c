/* report.json / --json: the report as one JSON document. Key order is the
 * order the driver built (JSON_PRESERVE_ORDER), so the bytes are
 * deterministic; UTF-8 is kept readable, but DEL, C1 controls and bidi
 * overrides are written as \uXXXX so printing it on a terminal is safe. */
#include "redsleuth/writer.h"

#include <string.h>

#include "writers/emit.h"

#define FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

/* One entry of report.timeline[] as jansson writes it at that depth: an
 * object dumped on its own, each of its lines indented by four more
 * spaces (no string holds a raw newline: JSON escapes them). */
static enum rs_err entry_json(struct rs_buf *out, struct rs_buf *tmp, const json_t *entry)
{
  rs_buf_reset(tmp);
  enum rs_err e = rs_writer_json(tmp, entry, FLAGS);
  const char *p = tmp->data ? tmp->data : "", *end = p + tmp->len;
  while (!e && p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
    e = rs_buf_add(out, p, n);
    if (!e && nl)
      e = rs_buf_adds(out, "    ");
    p += n;
  }
  return e;
}

/* With the entries of --timeline-hits (millions, kept out of the report):
 * the report is dumped with a null timeline, and the array is written in
 * its place entry by entry, byte for byte what jansson would write. */
static enum rs_err write_streamed(const json_t *report, struct rs_hits *hits, FILE *out,
                                  struct rs_diag *d)
{
  static const char mark[] = "\n  \"timeline\": null";
  json_t *shell = json_copy((json_t *)report); /* shallow: the values are shared */
  struct rs_buf b, tmp;
  rs_buf_init(&b, RS_WRITER_MAX);
  rs_buf_init(&tmp, RS_WRITER_MAX);
  enum rs_err e = shell && json_object_set_new(shell, "timeline", json_null()) == 0
                      ? rs_writer_json(&b, shell, FLAGS)
                      : RS_E_NOMEM;
  json_decref(shell);
  if (e) {
    rs_buf_free(&b);
    return rs_diag_set(d, e, "json writer", "cannot serialise the report");
  }
  /* a raw newline and two spaces begin only the report's own keys */
  const char *at = b.data ? strstr(b.data, mark) : NULL;
  if (!at) {
    rs_buf_free(&b);
    return rs_diag_set(d, RS_E_INTERNAL, "json writer", "no timeline in the report");
  }
  size_t head = (size_t)(at - b.data) + sizeof mark - 1 - 4; /* up to "null" */
  struct rs_buf o;
  rs_buf_init(&o, RS_WRITER_MAX);
  e = rs_buf_add(&o, b.data, head);
  if (!e)
    e = rs_buf_adds(&o, "[");
  struct rs_tl_iter it;
  tl_iter_init(&it, report, hits);
  const json_t *entry;
  size_t n = 0;
  bool said = false; /* d tells already */
  while (!e && (entry = tl_iter_next(&it))) {
    e = rs_buf_adds(&o, n++ ? ",\n    " : "\n    ");
    if (!e)
      e = entry_json(&o, &tmp, entry);
    if (!e && o.len >= EM_DRAIN) {
      said = (e = rs_writer_emit(&o, out, "json writer", d)) != RS_OK;
      rs_buf_reset(&o);
    }
  }
  if (!e && it.err) {
    e = rs_diag_set(d, it.err, "json writer", "%s: %s", it.d.where, it.d.what);
    said = true;
  }
  tl_iter_free(&it);
  if (!e)
    e = rs_buf_adds(&o, "\n  ]");
  if (!e)
    e = rs_buf_add(&o, b.data + head + 4, b.len - head - 4);
  if (!e)
    e = rs_buf_adds(&o, "\n");
  if (!e)
    said = (e = rs_writer_emit(&o, out, "json writer", d)) != RS_OK;
  if (e && !said)
    rs_diag_set(d, e, "json writer", "cannot serialise the report");
  rs_buf_free(&o);
  rs_buf_free(&tmp);
  rs_buf_free(&b);
  return e;
}

static enum rs_err write_json(const json_t *report, struct rs_hits *hits, FILE *out,
                              struct rs_diag *d)
{
  if (!json_is_object(report))
    return rs_diag_set(d, RS_E_USAGE, "json writer", "the report is not a JSON object");
  if (rs_hits_count(hits) > 0)
    return write_streamed(report, hits, out, d);
  struct rs_buf b;
  rs_buf_init(&b, RS_WRITER_MAX);
  enum rs_err e = rs_writer_json(&b, report, FLAGS);
  if (!e)
    e = rs_buf_adds(&b, "\n");
  if (e)
    rs_diag_set(d, e, "json writer", "cannot serialise the report");
  else
    e = rs_writer_emit(&b, out, "json writer", d);
  rs_buf_free(&b);
  return e;
}

const struct rs_writer rs_writer_json_doc = {"json", "report.json", write_json};
