#include "writers/emit.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "redsleuth/writer.h"

void em_init(struct rs_emit *t, rs_escape_fn escape)
{
  rs_buf_init(&t->out, RS_WRITER_MAX);
  rs_buf_init(&t->tmp, RS_WRITER_MAX);
  t->err = RS_OK;
  t->escape = escape;
  t->why[0] = '\0';
}

void em_free(struct rs_emit *t)
{
  rs_buf_free(&t->out);
  rs_buf_free(&t->tmp);
}

void em_put(struct rs_emit *t, const char *s)
{
  if (!t->err)
    t->err = rs_buf_adds(&t->out, s);
}

void em_putf(struct rs_emit *t, const char *fmt, ...)
{
  char small[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  em_put(t, small);
}

void em_esc(struct rs_emit *t, const char *s)
{
  if (!t->err && s)
    t->err = t->escape(&t->out, s, strlen(s));
}

/* Formats into tmp with fill(), then escapes tmp into out. */
static void esc_tmp(struct rs_emit *t, enum rs_err fill)
{
  if ((t->err = fill) != RS_OK)
    return;
  t->err = t->escape(&t->out, t->tmp.data ? t->tmp.data : "", t->tmp.len);
}

void em_val(struct rs_emit *t, const json_t *v, const char *dflt)
{
  if (t->err)
    return;
  rs_buf_reset(&t->tmp);
  esc_tmp(t, rs_writer_value(&t->tmp, v, dflt));
}

bool em_is_str_list(const json_t *v)
{
  if (!json_is_array(v) || json_array_size(v) == 0)
    return false;
  size_t i;
  const json_t *m;
  json_array_foreach(v, i, m) {
    if (!json_is_string(m))
      return false;
  }
  return true;
}

void em_each(struct rs_emit *t, const json_t *arr, const char *pre, bool numbered,
             const char *post)
{
  size_t i;
  const json_t *m;
  json_array_foreach(arr, i, m) {
    em_put(t, pre);
    if (numbered)
      em_putf(t, "[%zu] ", i + 1);
    em_val(t, m, "");
    em_put(t, post);
  }
}

size_t em_counts(struct rs_emit *t, const json_t *o, const char *open, const char *sep,
                 bool words)
{
  size_t n = 0;
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)o, k, v) {
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
      continue;
    em_put(t, n++ ? sep : open);
    em_esc(t, words ? em_family_words(k) : k);
    em_put(t, " ");
    em_val(t, v, "0");
  }
  return n;
}

void em_key(struct rs_emit *t, const json_t *o, const char *k, const char *dflt)
{
  em_val(t, json_is_object(o) ? json_object_get(o, k) : NULL, dflt);
}

void em_tmpl(struct rs_emit *t, const json_t *o, const char *tmpl)
{
  const char *p = tmpl;
  while (*p && !t->err) {
    const char *open = strchr(p, '{');
    const char *close = open ? strchr(open, '}') : NULL;
    if (!open || !close) {
      t->err = rs_buf_adds(&t->out, p);
      return;
    }
    if (open > p)
      t->err = rs_buf_add(&t->out, p, (size_t)(open - p));
    char key[64];
    size_t n = (size_t)(close - open - 1);
    bool opt = n > 0 && open[n] == '?';
    if (opt)
      n--;
    if (n >= sizeof key) {
      t->err = RS_E_INTERNAL;
      return;
    }
    memcpy(key, open + 1, n);
    key[n] = '\0';
    em_key(t, o, key, opt ? "" : "-");
    p = close + 1;
  }
}

void em_locator(struct rs_emit *t, const json_t *f)
{
  if (t->err)
    return;
  rs_buf_reset(&t->tmp);
  esc_tmp(t, rs_writer_locator(&t->tmp, f));
}

const json_t *em_find_finding(const json_t *report, const char *id)
{
  size_t i;
  const json_t *f;
  if (!id)
    return NULL;
  json_array_foreach(json_object_get(report, "findings"), i, f) {
    const char *fid = rs_writer_str(f, "id");
    if (fid && strcmp(fid, id) == 0)
      return f;
  }
  return NULL;
}

enum rs_err em_finish(struct rs_emit *t, FILE *fp, const char *who, struct rs_diag *d)
{
  enum rs_err e = t->err;
  if (e == RS_E_OUTPUT)
    rs_diag_set(d, e, who, "write failed");
  else if (e)
    rs_diag_set(d, e, who, "cannot format the report%s%s", t->why[0] ? ": " : "", t->why);
  else
    e = rs_writer_emit(&t->out, fp, who, d);
  return e;
}

void em_drain(struct rs_emit *t, FILE *fp)
{
  if (t->err || t->out.len < EM_DRAIN)
    return;
  if (fwrite(t->out.data, 1, t->out.len, fp) != t->out.len)
    t->err = RS_E_OUTPUT;
  rs_buf_reset(&t->out);
}

size_t tl_total(const json_t *report, const struct rs_hits *hits)
{
  return json_array_size(json_object_get(report, "timeline")) + (size_t)rs_hits_count(hits);
}

static void tl_iter_pull(struct rs_tl_iter *it)
{
  json_decref(it->hit);
  it->hit = NULL;
  if (it->hits && !it->err)
    it->err = rs_hits_next(it->hits, &it->hit, &it->hit_before, &it->d);
}

void tl_iter_init(struct rs_tl_iter *it, const json_t *report, struct rs_hits *hits)
{
  memset(it, 0, sizeof *it);
  rs_diag_clear(&it->d);
  it->tl = json_object_get(report, "timeline");
  it->n = json_array_size(it->tl);
  it->hits = hits;
  if (hits && (it->err = rs_hits_rewind(hits, &it->d)) == RS_OK)
    tl_iter_pull(it);
}

const json_t *tl_iter_next(struct rs_tl_iter *it)
{
  json_decref(it->last);
  it->last = NULL;
  if (it->err)
    return NULL;
  if (it->hit && it->hit_before <= it->i) {
    it->last = it->hit;
    it->hit = NULL;
    tl_iter_pull(it);
    return it->last;
  }
  if (it->i < it->n)
    return json_array_get(it->tl, it->i++);
  if (it->hit) { /* a hit placed past the end of the array */
    it->last = it->hit;
    it->hit = NULL;
    tl_iter_pull(it);
    return it->last;
  }
  return NULL;
}

void tl_iter_end(struct rs_tl_iter *it, struct rs_emit *t)
{
  if (it->err && !t->err) {
    t->err = it->err;
    snprintf(t->why, sizeof t->why, "%s: %s", it->d.where, it->d.what);
  }
  tl_iter_free(it);
}

void tl_iter_free(struct rs_tl_iter *it)
{
  json_decref(it->last);
  json_decref(it->hit);
  it->last = it->hit = NULL;
}

bool em_drive_assumed(const json_t *report, const json_t *f)
{
  const json_t *own = json_object_get(f, "drive_assumed");
  if (json_is_boolean(own))
    return json_is_true(own);
  const json_t *vi = json_object_get(f, "volume");
  if (!json_is_integer(vi) || json_integer_value(vi) < 0)
    return false;
  const json_t *v = json_array_get(json_object_get(report, "volumes"),
                                   (size_t)json_integer_value(vi));
  return rs_writer_str(v, "drive") && json_is_true(json_object_get(v, "drive_assumed"));
}

bool em_assumed_drives(struct rs_emit *t, const json_t *report)
{
  size_t i, n = 0;
  const json_t *v;
  json_array_foreach(json_object_get(report, "volumes"), i, v) {
    if (!rs_writer_str(v, "drive") || !json_is_true(json_object_get(v, "drive_assumed")))
      continue;
    if (t && n)
      em_put(t, ", ");
    if (t)
      em_key(t, v, "drive", "");
    n++;
  }
  return n > 0;
}

void em_file_id(struct rs_emit *t, const json_t *o)
{
  bool any = false;
  if (json_is_integer(json_object_get(o, "mft_entry"))) {
    em_tmpl(t, o, "MFT entry {mft_entry}");
    any = true;
  } else if (json_is_integer(json_object_get(o, "dir_entry"))) {
    em_tmpl(t, o, "FAT directory entry {dir_entry}");
    any = true;
  }
  if (rs_writer_str(o, "sha256")) {
    em_put(t, any ? ", " : "");
    em_tmpl(t, o, "SHA-256 {sha256}");
  }
}

bool em_has_file_id(const json_t *o)
{
  return json_is_integer(json_object_get(o, "mft_entry")) ||
         json_is_integer(json_object_get(o, "dir_entry")) || rs_writer_str(o, "sha256");
}

void em_file_cell(struct rs_emit *t, const json_t *o)
{
  em_put(t, "<td><code class=\"path\">");
  em_path(t, rs_writer_str(o, "path"));
  em_put(t, "</code>");
  if (em_has_file_id(o)) {
    em_put(t, "<br><small>");
    em_file_id(t, o);
    em_put(t, "</small>");
  }
  em_put(t, "</td>");
}

/* A file-time entry: its attribute (0 $SI, 1 $FN, 2 FAT) and MACB slot. */
static bool macb_of(const json_t *e, int *attr, int *slot)
{
  const char *src = rs_writer_str(e, "source"), *d = rs_writer_str(e, "timestamp_desc");
  const char *dt = rs_writer_str(e, "datetime");
  if (!src || !d || !dt || strlen(dt) < 19 || !rs_writer_str(e, "finding") ||
      (strcmp(src, "mft") && strcmp(src, "fat")))
    return false;
  *attr = strstr(d, "($SI)") ? 0 : strstr(d, "($FN)") ? 1 : strstr(d, "(FAT)") ? 2 : -1;
  *slot = !strncmp(d, "Modification", 12) ? 0
        : !strncmp(d, "Last Access", 11)  ? 1
        : !strncmp(d, "MFT Entry Change", 16) ? 2
        : !strncmp(d, "Creation", 8) ? 3 : -1;
  return *attr >= 0 && *slot >= 0;
}

static bool same_str(const json_t *a, const json_t *b, const char *k)
{
  const char *x = rs_writer_str(a, k), *y = rs_writer_str(b, k);
  return x && y && strcmp(x, y) == 0;
}

bool em_group_add(struct em_group *g, const json_t *e)
{
  int attr, slot;
  if (!g->first || !macb_of(e, &attr, &slot) || !same_str(g->first, e, "finding") ||
      !same_str(g->first, e, "source") ||
      strncmp(rs_writer_str(g->first, "datetime"), rs_writer_str(e, "datetime"), 19) != 0)
    return false;
  g->flags[attr][slot] = "macb"[slot];
  g->same_dt &= same_str(g->first, e, "datetime");
  g->n++;
  return true;
}

bool em_group_start(struct em_group *g, const json_t *e)
{
  int attr, slot;
  if (!macb_of(e, &attr, &slot))
    return false;
  g->first = json_incref((json_t *)e);
  g->n = 1;
  g->same_dt = true;
  for (int a = 0; a < 3; a++)
    memcpy(g->flags[a], "....", 5);
  g->flags[attr][slot] = "macb"[slot];
  return true;
}

void em_group_flags(struct rs_emit *t, const struct em_group *g)
{
  static const char *const names[3] = {"$SI", "$FN", "FAT"};
  bool any = false;
  for (int a = 0; a < 3; a++) {
    if (!strcmp(g->flags[a], "...."))
      continue;
    em_putf(t, "%s%s %s", any ? ", " : "", names[a], g->flags[a]);
    any = true;
  }
}

void em_group_time(struct rs_emit *t, const struct em_group *g)
{
  const char *dt = rs_writer_str(g->first, "datetime");
  if (g->same_dt) {
    em_esc(t, dt);
    return;
  }
  char sec[20];
  memcpy(sec, dt, 19);
  sec[19] = '\0';
  em_esc(t, sec);
  em_put(t, "Z (within the second)");
}

void em_group_end(struct em_group *g)
{
  json_decref(g->first);
  g->first = NULL;
  g->n = 0;
}

/* s inside a CSS string ("..." in <style>): letters, digits, space and
 * - _ . : / , as they are; every other code point as a CSS escape ("\\22 "),
 * so nothing can end the string or the style element. Invalid UTF-8 bytes
 * become U+FFFD. NULL or "" gives "-". */
void em_css_string(struct rs_emit *t, const char *s)
{
  if (!s || !*s) {
    em_put(t, "-");
    return;
  }
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    uint32_t cp = *p;
    int n = cp < 0x80 ? 1 : (cp & 0xE0) == 0xC0 ? 2 : (cp & 0xF0) == 0xE0 ? 3
          : (cp & 0xF8) == 0xF0 ? 4 : 0;
    cp = n == 1 ? cp : n == 2 ? (cp & 0x1F) : n == 3 ? (cp & 0x0F) : (cp & 0x07);
    bool ok = n > 0;
    for (int k = 1; ok && k < n; k++) {
      ok = (p[k] & 0xC0) == 0x80;
      cp = (cp << 6) | (p[k] & 0x3F);
    }
    if (!ok || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      cp = 0xFFFD;
      n = 1;
    }
    p += n;
    if (cp < 0x80 && (isalnum((int)cp) || strchr(" -_.:/,", (int)cp)))
      em_putf(t, "%c", (char)cp);
    else
      em_putf(t, "\\%X ", (unsigned)cp);
  }
}

/* A path, escaped, with a line-break opportunity (<wbr>) after every
 * backslash: a narrow column wraps it between folders, never inside a name. */
void em_path(struct rs_emit *t, const char *s)
{
  if (!s) {
    em_put(t, "-");
    return;
  }
  struct rs_buf seg;
  rs_buf_init(&seg, RS_WRITER_MAX);
  for (const char *p = s; *p && !t->err;) {
    const char *b = strchr(p, '\\');
    size_t n = b ? (size_t)(b - p) + 1 : strlen(p);
    rs_buf_reset(&seg);
    if (rs_buf_add(&seg, p, n) != RS_OK) {
      t->err = RS_E_NOMEM;
      break;
    }
    em_esc(t, seg.data);
    if (b)
      em_put(t, "<wbr>");
    p += n;
  }
  rs_buf_free(&seg);
}

void em_td(struct rs_emit *t, const char *k)
{
  size_t n = strlen(k);
  em_put(t, n >= 4 && strcmp(k + n - 4, "_utc") == 0 ? "<td class=\"ts\">" : "<td>");
}

/* A family key ("code_red_2", a finding's "code-red-2") as words ("Code Red
 * II"); an unknown key as it is. */
const char *em_family_words(const char *k)
{
  static const struct {
    const char *k, *w;
  } m[] = {{"code_red_1", "Code Red I"}, {"code_red_2", "Code Red II"},
           {"code_red_unknown", "Code Red (variant unknown)"},
           {"ida_other", "other .ida/.idq overflow"}, {"nimda", "Nimda"},
           {"root_exe_other", "root.exe, other"},
           /* findings[].family */
           {"code-red-1", "Code Red I"}, {"code-red-2", "Code Red II"},
           {"code-red", "Code Red"}, {"patch", "patch state"}};
  for (size_t i = 0; k && i < sizeof m / sizeof m[0]; i++)
    if (!strcmp(k, m[i].k))
      return m[i].w;
  return k;
}

/* report.warnings, right after the mismatch banner: "!!! " and the warning.
 * The stored-hash mismatch is one of them, and has its banner already.
 * report.txt and `info`'s text (writers/text.c, writers/info_text.c). */
void em_text_warnings(struct rs_emit *t, const json_t *report)
{
  size_t i;
  const json_t *w;
  bool any = false;
  json_array_foreach(json_object_get(report, "warnings"), i, w) {
    const char *ws = json_string_value(w);
    if (!ws || rs_writer_is_mismatch_warning(ws))
      continue;
    em_put(t, "!!! ");
    em_esc(t, ws);
    em_put(t, "\n");
    any = true;
  }
  if (any)
    em_put(t, "\n");
}
