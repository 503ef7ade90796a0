/* The writer table and the helpers every writer shares. */
#include "redsleuth/writer.h"

#include <inttypes.h>
#include <string.h>

#include "redsleuth/escape.h"
#include "redsleuth/rtime.h"

extern const struct rs_writer rs_writer_text, rs_writer_json_doc, rs_writer_jsonl,
    rs_writer_body, rs_writer_html;

/* --out-dir order: the report a person reads first, then the machine forms. */
const struct rs_writer *const rs_writers[] = {
  &rs_writer_text, &rs_writer_json_doc, &rs_writer_jsonl, &rs_writer_body, &rs_writer_html, NULL,
};

const struct rs_writer *rs_writer_find(const char *name)
{
  if (!name)
    return NULL;
  for (size_t i = 0; rs_writers[i]; i++)
    if (strcmp(rs_writers[i]->name, name) == 0)
      return rs_writers[i];
  return NULL;
}

static bool digits(const char *s, int n, int *out)
{
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool rs_writer_time_parse(const char *iso, int64_t *sec, uint32_t *nsec)
{
  int y, mo, d, h, mi, s;
  if (!iso || strlen(iso) < 20)
    return false;
  if (!digits(iso, 4, &y) || iso[4] != '-' || !digits(iso + 5, 2, &mo) || iso[7] != '-' ||
      !digits(iso + 8, 2, &d) || iso[10] != 'T' || !digits(iso + 11, 2, &h) ||
      iso[13] != ':' || !digits(iso + 14, 2, &mi) || iso[16] != ':' ||
      !digits(iso + 17, 2, &s))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
    return false;
  const char *p = iso + 19;
  uint32_t ns = 0;
  if (*p == '.') {
    int nd = 0;
    p++;
    while (*p >= '0' && *p <= '9') {
      if (++nd > 9)
        return false;
      ns = ns * 10 + (uint32_t)(*p - '0');
      p++;
    }
    if (nd == 0)
      return false;
    for (; nd < 9; nd++)
      ns *= 10;
  }
  if (p[0] != 'Z' || p[1] != '\0')
    return false;
  *sec = rs_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
  *nsec = ns;
  return true;
}

const char *rs_writer_str(const json_t *o, const char *key)
{
  if (!json_is_object(o))
    return NULL;
  const json_t *v = json_object_get(o, key);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

bool rs_writer_is_mismatch_warning(const char *w)
{
  static const char *const heads[] = {"STORED HASH MISMATCH:", "EXPECTED HASH MISMATCH:",
                                      "STORED AND EXPECTED HASH MISMATCH:"};
  for (size_t i = 0; w && i < sizeof heads / sizeof heads[0]; i++)
    if (strncmp(w, heads[i], strlen(heads[i])) == 0)
      return true;
  return false;
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
  return rs_buf_add(data, buffer, size) == RS_OK ? 0 : -1;
}

/* Report strings hold evidence bytes as they are (rs_json_str), which may
 * be invalid UTF-8: a raw byte, or a lone UTF-16 surrogate of an NTFS name
 * in WTF-8. The text, HTML and body writers escape each such byte as \xNN;
 * jansson cannot serialise them, so JSON gets a copy in which those strings
 * are made valid with rs_escape_utf8 (docs/formats.md). */
/* Walks v's strings. fix false: 1 at the first string that is not valid
 * UTF-8, else 0 (v untouched). fix true: every such string is made valid
 * with rs_escape_utf8; 0, or -1 when that fails. */
static int utf8_walk(json_t *v, bool fix)
{
  const char *k;
  size_t i;
  json_t *x;
  int r = 0;
  switch (json_typeof(v)) {
  case JSON_STRING:
    if (rs_utf8_valid(json_string_value(v), json_string_length(v)))
      return 0;
    if (!fix)
      return 1;
    struct rs_buf b;
    rs_buf_init(&b, RS_WRITER_MAX);
    if (rs_escape_utf8(&b, json_string_value(v), json_string_length(v)) != RS_OK ||
        json_string_setn(v, b.data ? b.data : "", b.len))
      r = -1;
    rs_buf_free(&b);
    return r;
  case JSON_OBJECT:
    json_object_foreach(v, k, x) {
      if ((r = utf8_walk(x, fix)) != 0)
        return r;
    }
    return 0;
  case JSON_ARRAY:
    json_array_foreach(v, i, x) {
      if ((r = utf8_walk(x, fix)) != 0)
        return r;
    }
    return 0;
  default:
    return 0;
  }
}

/* json_dump_callback of v, or of a valid-UTF-8 copy when v needs one. */
static enum rs_err dump_valid(const json_t *v, struct rs_buf *out, size_t flags)
{
  json_t *copy = NULL;
  if (utf8_walk((json_t *)v, false)) { /* read-only walk: v is not changed */
    copy = json_deep_copy(v);
    if (!copy || utf8_walk(copy, true) != 0) {
      json_decref(copy);
      return RS_E_NOMEM;
    }
  }
  int rc = json_dump_callback(copy ? copy : v, dump_cb, out, flags);
  json_decref(copy);
  return rc ? RS_E_LIMIT : RS_OK;
}

enum rs_err rs_writer_value(struct rs_buf *out, const json_t *v, const char *dflt)
{
  if (!v || json_is_null(v))
    return rs_buf_adds(out, dflt ? dflt : "");
  if (json_is_string(v))
    return rs_buf_add(out, json_string_value(v), json_string_length(v));
  if (json_is_integer(v))
    return rs_buf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
  if (json_is_true(v))
    return rs_buf_adds(out, "yes");
  if (json_is_false(v))
    return rs_buf_adds(out, "no");
  return dump_valid(v, out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
}

enum rs_err rs_writer_json(struct rs_buf *out, const json_t *v, size_t flags)
{
  struct rs_buf raw;
  rs_buf_init(&raw, out->max);
  enum rs_err e = dump_valid(v, &raw, flags);
  if (e) {
    rs_buf_free(&raw);
    return e;
  }
  /* jansson emits valid UTF-8 and only ASCII outside strings, so these byte
   * patterns can only be code points inside strings: a lead byte is never a
   * continuation byte of another character. */
  const unsigned char *s = (const unsigned char *)raw.data;
  size_t n = raw.len, i = 0;
  while (i < n && !e) {
    unsigned cp = 0;
    size_t len = 0;
    if (s[i] == 0x7f) {
      cp = 0x7f; len = 1;
    } else if (s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f) {
      cp = s[i + 1]; len = 2;
    } else if (s[i] == 0xd8 && i + 1 < n && s[i + 1] == 0x9c) {
      cp = 0x061c; len = 2;
    } else if (s[i] == 0xe2 && i + 2 < n && s[i + 1] == 0x80 &&
               ((s[i + 2] >= 0xaa && s[i + 2] <= 0xae) || s[i + 2] == 0x8e ||
                s[i + 2] == 0x8f || s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
      cp = 0x2000u + (s[i + 2] & 0x3fu); len = 3;
    } else if (s[i] == 0xe2 && i + 2 < n && s[i + 1] == 0x81 && s[i + 2] >= 0xa6 &&
               s[i + 2] <= 0xa9) {
      cp = 0x2040u + (s[i + 2] & 0x3fu); len = 3;
    }
    if (len) {
      e = rs_buf_addf(out, "\\u%04x", cp);
      i += len;
    } else {
      size_t j = i + 1;
      while (j < n && s[j] != 0x7f && s[j] != 0xc2 && s[j] != 0xd8 && s[j] != 0xe2)
        j++;
      e = rs_buf_add(out, s + i, j - i);
      i = j;
    }
  }
  rs_buf_free(&raw);
  return e;
}

enum rs_err rs_writer_emit(const struct rs_buf *b, FILE *out, const char *writer,
                           struct rs_diag *d)
{
  if (b->len && fwrite(b->data, 1, b->len, out) != b->len)
    return rs_diag_set(d, RS_E_OUTPUT, writer, "write failed");
  if (fflush(out) != 0 || ferror(out))
    return rs_diag_set(d, RS_E_OUTPUT, writer, "write failed");
  return RS_OK;
}

/* Where a finding is, in one line, for the places that list findings by id
 * (why, checklist): a file's path; a registry value's key\value = data with
 * its control set and whether it is live; a log finding's counts and dates,
 * which have no single path. */
enum rs_err rs_writer_locator(struct rs_buf *out, const json_t *f)
{
  const char *kind = rs_writer_str(f, "kind");
  const json_t *det = json_object_get(f, "details");
  enum rs_err e = RS_OK;
  if (kind && strcmp(kind, "registry") == 0 && rs_writer_str(det, "key")) {
    e = rs_buf_adds(out, rs_writer_str(det, "key"));
    if (!e && rs_writer_str(det, "value"))
      e = rs_buf_addf(out, "\\%s", rs_writer_str(det, "value"));
    if (!e && rs_writer_str(det, "data"))
      e = rs_buf_addf(out, " = %s", rs_writer_str(det, "data"));
    else if (!e && rs_writer_str(det, "decided_by"))
      e = rs_buf_adds(out, " (value absent)");
    /* issue 13: the key's last-written time is part of the evidence */
    if (!e && rs_writer_str(det, "key_last_written_utc"))
      e = rs_buf_addf(out, ", key written %s", rs_writer_str(det, "key_last_written_utc"));
    if (!e && rs_writer_str(det, "decided_by"))
      e = rs_buf_addf(out, ", decided by %s, MetaBase.bin %s", rs_writer_str(det, "decided_by"),
                      rs_writer_str(det, "metabase") ? rs_writer_str(det, "metabase") : "?");
    const json_t *live = json_object_get(f, "live");
    if (!e && json_is_boolean(live))
      e = rs_buf_adds(out, json_is_true(live) ? " (live" : " (history");
    if (!e && json_is_boolean(live) && rs_writer_str(det, "hive"))
      e = rs_buf_addf(out, ", %s)", rs_writer_str(det, "hive"));
    else if (!e && json_is_boolean(live))
      e = rs_buf_adds(out, ")");
    return e;
  }
  if (kind && strcmp(kind, "log") == 0) {
    /* a log finding usually stands for lines of several files: no path */
    const char *sep = "";
    if (rs_writer_str(f, "path")) {
      e = rs_buf_adds(out, rs_writer_str(f, "path"));
      sep = ", ";
    }
    const json_t *n = json_object_get(det, "uses");
    const char *what = "request(s) answered 2xx/502";
    if (!json_is_integer(n)) {
      n = json_object_get(det, "hits");
      what = "log line(s)";
    }
    if (!e && json_is_integer(n)) {
      e = rs_buf_addf(out, "%s%lld %s", sep, (long long)json_integer_value(n), what);
      sep = ", ";
    }
    const char *first = rs_writer_str(det, "first_utc"), *last = rs_writer_str(det, "last_utc");
    if (!e && first && last)
      e = rs_buf_addf(out, "%s%s .. %s", sep, first, last);
    else if (!e && first)
      e = rs_buf_addf(out, "%sfrom %s", sep, first);
    if (!e && json_is_object(json_object_get(det, "status"))) {
      e = rs_buf_adds(out, ", status");
      const char *k;
      const json_t *v;
      json_object_foreach(json_object_get(det, "status"), k, v)
        if (!e && json_is_integer(v) && json_integer_value(v) > 0)
          e = rs_buf_addf(out, " %s:%lld", k, (long long)json_integer_value(v));
    }
    return e;
  }
  if (rs_writer_str(f, "path"))
    e = rs_buf_adds(out, rs_writer_str(f, "path"));
  if (!e && json_is_false(json_object_get(f, "allocated")))
    e = rs_buf_adds(out, " (deleted)");
  return e;
}
