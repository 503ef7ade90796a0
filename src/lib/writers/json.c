/* report.json / --json: the report as one JSON document. Key order is the
 * order the driver built (JSON_PRESERVE_ORDER), so the bytes are
 * deterministic; UTF-8 is kept readable, but DEL, C1 controls and bidi
 * overrides are written as \uXXXX so printing it on a terminal is safe. */
#include "redsleuth/writer.h"

static enum rs_err write_json(const json_t *report, FILE *out, struct rs_diag *d)
{
  struct rs_buf b;
  rs_buf_init(&b, RS_WRITER_MAX);
  if (!json_is_object(report))
    return rs_diag_set(d, RS_E_USAGE, "json writer", "the report is not a JSON object");
  enum rs_err e = rs_writer_json(&b, report, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
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
