/* Integration: the whole scan over every fixture scenario, compared with the
 * scenario's answer.json (whose facts the fixture self-check confirmed with
 * fls/istat/icat/regfexport/grep), plus determinism and evidence integrity. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <check.h>
#include <jansson.h>

#include <dirent.h>
#include <stdio.h>

#include "redsleuth/scan.h"
#include "redsleuth/writer.h"
#include "scan/stage.h"
#include "testutil.h"

static const char *const *scen;
static int nscen;

static void list_scenarios(void)
{
  nscen = rs_t_scenarios(&scen);
}

static json_t *scan_image(const char *path, bool no_hash)
{
  struct rs_run_opts o;
  rs_run_opts_init(&o);
  const char *segs[1] = {path};
  o.segs = segs;
  o.nseg = 1;
  o.no_hash = no_hash;
  json_t *rep = NULL;
  struct rs_diag d;
  enum rs_err e = rs_scan(&o, &rep, &d);
  ck_assert_msg(e == RS_OK, "scan %s: %s", path, d.what);
  ck_assert_ptr_nonnull(rep);
  return rep;
}

/* Windows form of an answer path: volume index -> drive from the report. */
static void win_path(json_t *rep, int vol, const char *tsk, char *out, size_t n)
{
  json_t *v = json_array_get(json_object_get(rep, "volumes"), (size_t)vol);
  const char *drive = json_string_value(json_object_get(v, "drive"));
  size_t k = (size_t)snprintf(out, n, "%s", drive ? drive : "");
  for (const char *p = tsk; *p && k + 1 < n; p++)
    out[k++] = *p == '/' ? '\\' : *p;
  out[k] = '\0';
}

static json_t *finding_by_path(json_t *rep, const char *win, const char *check_prefix)
{
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(rep, "findings"), i, f) {
    const char *p = json_string_value(json_object_get(f, "path"));
    const char *c = json_string_value(json_object_get(f, "check"));
    if (p && strcasecmp(p, win) == 0 &&
        (!check_prefix || (c && strncmp(c, check_prefix, strlen(check_prefix)) == 0)))
      return f;
  }
  return NULL;
}

static const char *kind_to_check(const char *kind)
{
  static const struct {
    const char *kind, *check;
  } m[] = {{"cr2-rootexe", "CR2-ROOTEXE"},   {"cr2-explorer", "CR2-EXPLORER"},
           {"nimda-admin-dll", "NIMDA-ADMINDLL"}, {"nimda-tftp", "NIMDA-TFTP"},
           /* issue 18: Nimda's own footprint, W32/Chir.B's page line */
           {"nimda-page", "NIMDA-WEBPAGE"}, {"chir-page", "NIMDA-WEBPAGE"},
           {"nimda-eml", "NIMDA-EML"}, {"nimda-pe", "NIMDA-BINARY"},
           {"nimda-system-ini", "NIMDA-SYSTEM-INI"}};
  for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
    if (strcmp(kind, m[i].kind) == 0)
      return m[i].check;
  return NULL;
}

START_TEST(scenario_matches_answer)
{
  list_scenarios();
  const char *s = scen[_i];
  json_t *ans = rs_t_answer(s);
  ck_assert_msg(ans != NULL, "%s: no answer.json", s);
  const char *img = rs_t_scenario_raw(s);
  chmod(img, 0444); /* a scan works on read-only evidence */
  char before[65], after[65];
  rs_t_sha256_file(img, before);

  json_t *rep = scan_image(img, false);
  const char *want = json_string_value(json_object_get(ans, "verdict"));
  const char *got =
      json_string_value(json_object_get(json_object_get(rep, "verdict"), "status"));
  ck_assert_msg(got && want && strcmp(got, want) == 0, "%s: verdict %s, want %s (%s)", s, got,
                want,
                json_string_value(json_object_get(json_object_get(rep, "verdict"), "summary")));

  /* every artifact of the answer is a finding with the peer-tool facts */
  size_t i;
  json_t *a;
  json_array_foreach(json_object_get(ans, "artifacts"), i, a) {
    const char *check = kind_to_check(json_string_value(json_object_get(a, "kind")));
    if (!check)
      continue;
    char win[2048];
    win_path(rep, (int)json_integer_value(json_object_get(a, "volume")),
             json_string_value(json_object_get(a, "path")), win, sizeof win);
    json_t *f = finding_by_path(rep, win, check);
    ck_assert_msg(f != NULL, "%s: no %s finding for %s", s, check, win);
    ck_assert_int_eq(json_is_true(json_object_get(f, "allocated")),
                     json_is_true(json_object_get(a, "allocated")));
    if (json_object_get(a, "mft_entry") && json_is_integer(json_object_get(a, "mft_entry")))
      ck_assert_int_eq(json_integer_value(json_object_get(f, "mft_entry")),
                       json_integer_value(json_object_get(a, "mft_entry")));
    ck_assert_int_eq(json_integer_value(json_object_get(f, "size")),
                     json_integer_value(json_object_get(a, "size")));
    const char *sha = json_string_value(json_object_get(a, "sha256"));
    if (sha && json_is_true(json_object_get(a, "allocated")))
      ck_assert_str_eq(json_string_value(json_object_get(f, "sha256")), sha);
  }
  /* decoys: nothing on the must-not-flag list appears as a finding */
  json_array_foreach(json_object_get(ans, "must_not_flag"), i, a) {
    char win[2048];
    win_path(rep, (int)json_integer_value(json_object_get(a, "volume")),
             json_string_value(json_object_get(a, "path")), win, sizeof win);
    json_t *f = finding_by_path(rep, win, NULL);
    ck_assert_msg(f == NULL || strcmp(json_string_value(json_object_get(f, "severity")), "info") == 0,
                  "%s: decoy %s flagged as %s", s, win,
                  f ? json_string_value(json_object_get(f, "check")) : "");
  }
  /* idq.dll copies: version and state */
  json_array_foreach(json_object_get(ans, "idq"), i, a) {
    char win[2048];
    win_path(rep, (int)json_integer_value(json_object_get(a, "volume")),
             json_string_value(json_object_get(a, "path")), win, sizeof win);
    size_t k;
    json_t *q, *hit = NULL;
    json_array_foreach(json_object_get(json_object_get(rep, "system"), "idq_dll"), k, q)
      if (strcasecmp(json_string_value(json_object_get(q, "path")), win) == 0)
        hit = q;
    ck_assert_msg(hit != NULL, "%s: idq.dll %s not reported", s, win);
    ck_assert_str_eq(json_string_value(json_object_get(hit, "file_version")),
                     json_string_value(json_object_get(a, "version")));
    const char *st = json_string_value(json_object_get(a, "expected_state"));
    if (st && strcmp(st, "unknown") != 0)
      ck_assert_str_eq(json_string_value(json_object_get(hit, "state")), st);
  }
  /* registry */
  json_t *reg = json_object_get(ans, "registry");
  json_t *sys = json_object_get(rep, "system");
  if (json_is_string(json_object_get(reg, "current_control_set")))
    ck_assert_str_eq(json_string_value(json_object_get(sys, "current_control_set")),
                     json_string_value(json_object_get(reg, "current_control_set")));
  if (json_object_get(reg, "sfcdisable")) {
    json_t *w = json_object_get(reg, "sfcdisable"), *g = json_object_get(sys, "sfcdisable");
    ck_assert_msg(json_equal(w, g), "%s: sfcdisable differs", s);
  }
  /* logs: hits per family */
  json_t *wh = json_object_get(json_object_get(ans, "logs"), "hits");
  json_t *gh = json_object_get(json_object_get(rep, "logs"), "hits");
  const char *key;
  json_t *val;
  json_object_foreach(wh, key, val) {
    ck_assert_msg(json_integer_value(json_object_get(gh, key)) == json_integer_value(val),
                  "%s: logs.hits.%s = %lld, want %lld", s, key,
                  (long long)json_integer_value(json_object_get(gh, key)),
                  (long long)json_integer_value(val));
  }
  json_t *bu = json_object_get(json_object_get(ans, "logs"), "backdoor_use");
  if (json_is_integer(bu))
    ck_assert_int_eq(json_array_size(json_object_get(json_object_get(rep, "logs"), "backdoor_use")),
                     json_integer_value(bu));
  rs_t_sha256_file(img, after);
  ck_assert_str_eq(before, after);
  json_decref(rep);
  json_decref(ans);
}
END_TEST

/* Same evidence, same bytes (run.* aside). */
START_TEST(scan_is_deterministic)
{
  list_scenarios();
  RS_T_SKIP_IF(nscen == 0, "no fixtures");
  const char *img = rs_t_scenario_raw(scen[0]);
  json_t *a = scan_image(img, false), *b = scan_image(img, false);
  json_object_del(a, "run");
  json_object_del(b, "run");
  char *sa = json_dumps(a, JSON_PRESERVE_ORDER), *sb = json_dumps(b, JSON_PRESERVE_ORDER);
  ck_assert_str_eq(sa, sb);
  free(sa);
  free(sb);
  json_decref(a);
  json_decref(b);
}
END_TEST

/* A fixture read through a VHD and a VMDK container gives the raw file's
 * verdict, findings, volumes, timeline and media hashes: the container is
 * only a way in. */
START_TEST(scan_through_containers)
{
  list_scenarios();
  RS_T_SKIP_IF(nscen == 0, "no fixtures");
  const char *img = rs_t_scenario_raw(scen[0]);
  json_t *raw = scan_image(img, false);
  static const char *const same[] = {"verdict", "findings", "timeline", "system", "logs"};
  static const char *const fmts[] = {"vhd", "vmdk"};
  for (size_t f = 0; f < 2; f++) {
    const char *c = rs_t_container(img, fmts[f]);
    ck_assert_msg(c != NULL, "could not build the %s container", fmts[f]);
    json_t *r = scan_image(c, false);
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++) {
      char *a = json_dumps(json_object_get(raw, same[k]), JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
      char *b = json_dumps(json_object_get(r, same[k]), JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
      ck_assert_ptr_nonnull(a);
      ck_assert_msg(strcmp(a, b) == 0, "%s: \"%s\" differs from the raw image's", fmts[f], same[k]);
      free(a);
      free(b);
    }
    json_t *ev = json_object_get(r, "evidence"), *evr = json_object_get(raw, "evidence");
    ck_assert_str_eq(json_string_value(json_object_get(ev, "format")), fmts[f]);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(ev, "hashes"), "sha256")),
                     json_string_value(json_object_get(json_object_get(evr, "hashes"), "sha256")));
    json_decref(r);
  }
  json_decref(raw);
}
END_TEST

/* ---- system.values: every registry value read, checked against the
 * scenario definition and, key time by key time, against hivex ---------- */

/* What hivexml (libhivex-bin, not libregf) says about one hive: each key's
 * path from the root, its mtime (whole seconds) and the file offset of its
 * nk cell; each value's type and text. */
struct hx_node {
  char *path;
  char mtime[40];
  long off;
};
struct hx_val {
  char *path, *name, *type, *text;
};
struct hx {
  struct hx_node *n;
  size_t nn;
  struct hx_val *v;
  size_t nv;
};

/* Attribute `name` of the tag [p, e), XML entities decoded; NULL if absent. */
static char *hx_attr(const char *p, const char *e, const char *name)
{
  char pat[64];
  snprintf(pat, sizeof pat, " %s=\"", name);
  const char *a = memmem(p, (size_t)(e - p), pat, strlen(pat));
  if (!a)
    return NULL;
  a += strlen(pat);
  const char *z = memchr(a, '"', (size_t)(e - a));
  ck_assert_ptr_nonnull(z);
  char *out = malloc((size_t)(z - a) + 1), *o = out;
  ck_assert_ptr_nonnull(out);
  while (a < z) {
    if (*a != '&') {
      *o++ = *a++;
      continue;
    }
    static const struct {
      const char *ent;
      char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool done = false;
    for (size_t k = 0; k < sizeof ents / sizeof ents[0] && !done; k++)
      if (strncmp(a, ents[k].ent, strlen(ents[k].ent)) == 0) {
        *o++ = ents[k].c;
        a += strlen(ents[k].ent);
        done = true;
      }
    if (!done && a[1] == '#') { /* &#N; / &#xN; (ASCII controls only in these hives) */
      char *end;
      long c = a[2] == 'x' ? strtol(a + 3, &end, 16) : strtol(a + 2, &end, 10);
      ck_assert(*end == ';' && c > 0 && c < 128);
      *o++ = (char)c;
      a = end + 1;
      done = true;
    }
    if (!done)
      *o++ = *a++;
  }
  *o = '\0';
  return out;
}

static void hx_load(const char *hive, struct hx *h)
{
  memset(h, 0, sizeof *h);
  char cmd[4200], *xml = NULL;
  snprintf(cmd, sizeof cmd, "hivexml '%s' 2>/dev/null", hive);
  ck_assert_msg(rs_t_run(cmd, &xml) == 0 && xml, "hivexml %s failed", hive);
  char *stack[128];
  int depth = 0;
  bool want_mtime = false, want_off = false;
  size_t capn = 0, capv = 0;
  for (const char *p = strchr(xml, '<'); p; p = strchr(p + 1, '<')) {
    const char *e = strchr(p, '>');
    ck_assert_ptr_nonnull(e);
    if (strncmp(p, "<node ", 6) == 0) {
      char *nm = hx_attr(p, e, "name");
      char *root = hx_attr(p, e, "root");
      ck_assert_int_lt(depth, 128);
      stack[depth++] = root ? strdup("") : nm;
      if (root)
        free(nm);
      free(root);
      char path[4096] = "";
      for (int i = 1; i < depth; i++) /* without the root key's name */
        snprintf(path + strlen(path), sizeof path - strlen(path), "%s%s", i > 1 ? "\\" : "",
                 stack[i]);
      if (h->nn == capn) {
        capn = capn ? capn * 2 : 64;
        h->n = realloc(h->n, capn * sizeof *h->n);
        ck_assert_ptr_nonnull(h->n);
      }
      memset(&h->n[h->nn], 0, sizeof h->n[0]);
      h->n[h->nn].path = strdup(path);
      h->n[h->nn].off = -1;
      h->nn++;
      want_mtime = want_off = true;
      if (e[-1] == '/') {
        free(stack[--depth]);
        want_mtime = want_off = false;
      }
    } else if (strncmp(p, "</node>", 7) == 0) {
      ck_assert_int_gt(depth, 0);
      free(stack[--depth]);
      want_mtime = want_off = false;
    } else if (strncmp(p, "<mtime>", 7) == 0 && want_mtime && h->nn) {
      const char *z = strchr(p + 7, '<');
      snprintf(h->n[h->nn - 1].mtime, sizeof h->n[0].mtime, "%.*s", (int)(z - p - 7), p + 7);
      want_mtime = false;
    } else if (strncmp(p, "<byte_run ", 10) == 0 && want_off && h->nn) {
      char *off = hx_attr(p, e, "file_offset");
      ck_assert_ptr_nonnull(off);
      h->n[h->nn - 1].off = strtol(off, NULL, 10);
      free(off);
      want_off = false;
    } else if (strncmp(p, "<value ", 7) == 0 && depth > 0) {
      want_off = false; /* byte runs from here on are the value's */
      if (h->nv == capv) {
        capv = capv ? capv * 2 : 64;
        h->v = realloc(h->v, capv * sizeof *h->v);
        ck_assert_ptr_nonnull(h->v);
      }
      struct hx_val *v = &h->v[h->nv++];
      /* the owner is the innermost open key (the stack), not the last one
       * opened, which may be a closed sub key */
      char path[4096] = "";
      for (int i = 1; i < depth; i++)
        snprintf(path + strlen(path), sizeof path - strlen(path), "%s%s", i > 1 ? "\\" : "",
                 stack[i]);
      v->path = strdup(path);
      v->name = hx_attr(p, e, "key");
      v->type = hx_attr(p, e, "type");
      v->text = hx_attr(p, e, "value");
      if (!v->name)
        v->name = strdup(""); /* the default value */
    }
  }
  while (depth > 0)
    free(stack[--depth]);
  free(xml);
}

static void hx_free(struct hx *h)
{
  for (size_t i = 0; i < h->nn; i++)
    free(h->n[i].path);
  for (size_t i = 0; i < h->nv; i++) {
    free(h->v[i].path);
    free(h->v[i].name);
    free(h->v[i].type);
    free(h->v[i].text);
  }
  free(h->n);
  free(h->v);
}

static const struct hx_node *hx_node(const struct hx *h, const char *path)
{
  for (size_t i = 0; i < h->nn; i++)
    if (strcasecmp(h->n[i].path, path) == 0)
      return &h->n[i];
  return NULL;
}

static const struct hx_val *hx_value(const struct hx *h, const char *path, const char *name)
{
  for (size_t i = 0; i < h->nv; i++)
    if (strcasecmp(h->v[i].path, path) == 0 && strcmp(h->v[i].name, name) == 0)
      return &h->v[i];
  return NULL;
}

/* hivexml's text of a value in the report's form (see docs/formats.md,
 * system.values[].data): strings as they are, int32 as 0x%x, binary from
 * base64 to lower-case hex. NULL for other types. */
static char *hx_data(const struct hx_val *v)
{
  if (!v->type || !v->text)
    return NULL;
  if (strcmp(v->type, "string") == 0 || strcmp(v->type, "expand") == 0)
    return strdup(v->text);
  char *out = malloc(strlen(v->text) * 2 + 16);
  ck_assert_ptr_nonnull(out);
  if (strcmp(v->type, "int32") == 0) {
    sprintf(out, "0x%x", (uint32_t)strtol(v->text, NULL, 10));
    return out;
  }
  if (strcmp(v->type, "binary") == 0) {
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint32_t acc = 0;
    int bits = 0;
    char *o = out;
    for (const char *c = v->text; *c && *c != '='; c++) {
      if (strchr(" \t\r\n", *c)) /* hivexml may wrap long data */
        continue;
      const char *k = strchr(b64, *c);
      ck_assert_ptr_nonnull(k);
      acc = acc << 6 | (uint32_t)(k - b64);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        o += sprintf(o, "%02x", (acc >> bits) & 0xffu);
      }
    }
    *o = '\0';
    return out;
  }
  free(out);
  return NULL;
}

/* The nk cell's FILETIME (offset 8 of the cell: size, "nk", flags), read
 * from the hive bytes at the offset hivexml gives, as ISO 8601 with 7
 * fractional digits: an exact second oracle beside hivexml's seconds. */
static void nk_time(const unsigned char *hive, size_t len, long off, char out[40])
{
  ck_assert(off > 0 && (size_t)off + 16 <= len);
  ck_assert_msg(hive[off + 4] == 'n' && hive[off + 5] == 'k', "no nk cell at %ld", off);
  uint64_t ft = 0;
  for (int i = 7; i >= 0; i--)
    ft = ft << 8 | hive[off + 8 + i];
  time_t sec = (time_t)(ft / 10000000u) - (time_t)11644473600LL;
  struct tm tm;
  gmtime_r(&sec, &tm);
  char base[32];
  strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out, 40, "%s.%07uZ", base, (unsigned)(ft % 10000000u));
}

/* The system.values entry of the live/sav hive whose file name is `file`. */
static const json_t *sv_find(const json_t *sys, const char *role, const char *file,
                             const char *key, const char *name)
{
  size_t i;
  const json_t *v;
  json_array_foreach(json_object_get(sys, "values"), i, v) {
    const char *h = json_string_value(json_object_get(v, "hive"));
    const char *b = h ? strrchr(h, '\\') : NULL;
    if (b && strcasecmp(b + 1, file) == 0 &&
        strcmp(json_string_value(json_object_get(v, "hive_role")), role) == 0 &&
        strcasecmp(json_string_value(json_object_get(v, "key")), key) == 0 &&
        strcasecmp(json_string_value(json_object_get(v, "value")), name) == 0)
      return v;
  }
  return NULL;
}

static const char *sv_data(const json_t *v)
{
  return json_string_value(json_object_get(v, "data"));
}

/* Virtual roots of answer sets {"ControlSet001": {"/C": data|null, ...}}. */
static void sv_check_sets(const char *s, const json_t *sys, const char *role, const char *file,
                          const json_t *sets)
{
  const char *csname;
  json_t *roots;
  json_object_foreach((json_t *)sets, csname, roots) {
    char key[256];
    snprintf(key, sizeof key, "%s\\Services\\W3SVC\\Parameters\\Virtual Roots", csname);
    const char *root;
    json_t *want;
    json_object_foreach(roots, root, want) {
      const json_t *v = sv_find(sys, role, file, key, root);
      if (json_is_null(want)) {
        ck_assert_msg(v == NULL, "%s: %s %s %s listed but absent", s, file, csname, root);
      } else {
        ck_assert_msg(v != NULL, "%s: %s %s %s not in system.values", s, file, csname, root);
        ck_assert_str_eq(sv_data(v), json_string_value(want));
        ck_assert_str_eq(json_string_value(json_object_get(v, "type")), "REG_SZ");
      }
    }
  }
}

START_TEST(registry_values_match_hives)
{
  list_scenarios();
  const char *s = scen[_i];
  json_t *ans = rs_t_answer(s);
  ck_assert_ptr_nonnull(ans);
  const char *img = rs_t_scenario_raw(s);
  json_t *rep = scan_image(img, true);
  const json_t *sys = json_object_get(rep, "system");
  const json_t *vals = json_object_get(sys, "values");
  const json_t *hives = json_object_get(sys, "hives");
  ck_assert(json_is_array(vals));
  ck_assert_uint_gt(json_array_size(vals), 20);

  /* 1. every entry is complete, from a hive the report lists, in order */
  size_t i;
  const json_t *v, *prev = NULL;
  json_array_foreach(vals, i, v) {
    static const char *const str_keys[] = {"hive", "hive_role", "key", "value", "type", "data",
                                           "key_last_written_utc"};
    for (size_t k = 0; k < sizeof str_keys / sizeof str_keys[0]; k++)
      ck_assert_msg(json_is_string(json_object_get(v, str_keys[k])), "%s: values[%zu].%s", s, i,
                    str_keys[k]);
    ck_assert_uint_eq(json_object_size(v), 7);
    const char *t = json_string_value(json_object_get(v, "key_last_written_utc"));
    ck_assert_msg(strlen(t) == 28 && t[10] == 'T' && t[27] == 'Z', "%s: time %s", s, t);
    ck_assert(json_string_value(json_object_get(v, "key"))[0] != '\0');
    bool listed = false;
    size_t k;
    const json_t *h;
    json_array_foreach(hives, k, h)
      listed |= json_equal(json_object_get(h, "path"), json_object_get(v, "hive")) &&
                json_equal(json_object_get(h, "role"), json_object_get(v, "hive_role"));
    ck_assert_msg(listed, "%s: values[%zu] hive not in system.hives", s, i);
    if (prev && json_equal(json_object_get(prev, "hive"), json_object_get(v, "hive"))) {
      int c = strcasecmp(json_string_value(json_object_get(prev, "key")),
                         json_string_value(json_object_get(v, "key")));
      ck_assert_msg(c < 0 || (c == 0 && strcasecmp(json_string_value(json_object_get(prev, "value")),
                                                   json_string_value(json_object_get(v, "value"))) < 0),
                    "%s: values[%zu] out of order or repeated", s, i);
    }
    prev = v;
  }

  /* 2. the scenario definition (fixtures/gen/scenarios.py via answer.json),
   * and the report's bare fields agree with the values behind them */
  const json_t *reg = json_object_get(ans, "registry");
  const char *ccs = json_string_value(json_object_get(reg, "current_control_set"));
  char key[512];
  snprintf(key, sizeof key, "%s\\Control\\ComputerName\\ComputerName", ccs);
  v = sv_find(sys, "live", "SYSTEM", key, "ComputerName");
  ck_assert_msg(v != NULL, "%s: ComputerName not in system.values", s);
  ck_assert_str_eq(sv_data(v), json_string_value(json_object_get(reg, "computer_name")));
  ck_assert_str_eq(sv_data(v), json_string_value(json_object_get(sys, "computer_name")));
  const char *sel_name;
  json_t *sel_val;
  json_object_foreach(json_object_get(reg, "select"), sel_name, sel_val) {
    char want[16];
    snprintf(want, sizeof want, "0x%x", (unsigned)json_integer_value(sel_val));
    v = sv_find(sys, "live", "SYSTEM", "Select", sel_name);
    ck_assert_msg(v != NULL, "%s: Select\\%s not in system.values", s, sel_name);
    ck_assert_str_eq(sv_data(v), want);
  }
  v = sv_find(sys, "live", "SOFTWARE", "Microsoft\\Windows NT\\CurrentVersion\\Winlogon",
              "SFCDisable");
  const json_t *sfc = json_object_get(reg, "sfcdisable");
  if (json_is_string(sfc)) {
    ck_assert_msg(v != NULL, "%s: SFCDisable not in system.values", s);
    ck_assert_str_eq(sv_data(v), json_string_value(sfc));
    ck_assert_str_eq(sv_data(v), json_string_value(json_object_get(sys, "sfcdisable")));
    ck_assert_str_eq(json_string_value(json_object_get(v, "type")), "REG_DWORD");
  } else {
    ck_assert_ptr_null(v);
  }
  sv_check_sets(s, sys, "live", "SYSTEM", json_object_get(reg, "sets"));
  /* the current set's virtual roots are system.virtual_roots */
  const char *root;
  json_t *rv;
  snprintf(key, sizeof key, "%s\\Services\\W3SVC\\Parameters\\Virtual Roots", ccs);
  json_object_foreach(json_object_get(sys, "virtual_roots"), root, rv) {
    v = sv_find(sys, "live", "SYSTEM", key, root);
    if (json_is_null(rv))
      ck_assert_ptr_null(v);
    else
      ck_assert_str_eq(sv_data(v), json_string_value(rv));
  }
  json_t *cp;
  json_array_foreach(json_object_get(reg, "hive_copies"), i, cp) {
    const char *path = json_string_value(json_object_get(cp, "path"));
    const char *base = strrchr(path, '/');
    sv_check_sets(s, sys, "sav", base ? base + 1 : path, json_object_get(cp, "sets"));
  }
  snprintf(key, sizeof key, "%s\\Control\\TimeZoneInformation", ccs);
  char bias[16];
  snprintf(bias, sizeof bias, "0x%x", (uint32_t)json_integer_value(json_object_get(reg, "tz_bias")));
  ck_assert_str_eq(sv_data(sv_find(sys, "live", "SYSTEM", key, "Bias")), bias);
  ck_assert_str_eq(sv_data(sv_find(sys, "live", "SYSTEM", key, "StandardName")),
                   json_string_value(json_object_get(reg, "tz_name")));
  json_t *q;
  json_array_foreach(json_object_get(reg, "hotfixes"), i, q) {
    snprintf(key, sizeof key, "Microsoft\\Windows NT\\CurrentVersion\\Hotfix\\%s",
             json_string_value(q));
    v = sv_find(sys, "live", "SOFTWARE", key, "Installed");
    ck_assert_msg(v != NULL, "%s: hotfix %s Installed not in system.values", s, json_string_value(q));
    ck_assert_str_eq(sv_data(v), "0x1");
  }
  const json_t *os = json_object_get(ans, "os");
  static const struct {
    const char *ans, *value;
  } osv[] = {{"version", "CurrentVersion"}, {"build", "CurrentBuildNumber"},
             {"service_pack", "CSDVersion"}, {"product_name", "ProductName"}};
  for (size_t k = 0; k < sizeof osv / sizeof osv[0]; k++) {
    v = sv_find(sys, "live", "SOFTWARE", "Microsoft\\Windows NT\\CurrentVersion", osv[k].value);
    const json_t *want = json_object_get(os, osv[k].ans);
    if (json_is_string(want)) {
      ck_assert_msg(v != NULL, "%s: CurrentVersion\\%s not in system.values", s, osv[k].value);
      ck_assert_str_eq(sv_data(v), json_string_value(want));
    } else {
      ck_assert_ptr_null(v);
    }
  }

  /* 3. peer oracle: each hive file as it is in the image (icat), read by
   * hivexml; every key time equals hivexml's mtime to the second and the nk
   * cell's FILETIME exactly; every string/DWORD/binary value's data agrees */
  if (!rs_t_have("hivexml") || !rs_t_have("icat")) {
    fprintf(stderr, "SKIP %s: hivexml/icat cross-check (libhivex-bin or sleuthkit absent)\n",
            __func__);
  } else {
    size_t k;
    const json_t *h;
    json_array_foreach(hives, k, h) {
      const char *hpath = json_string_value(json_object_get(h, "path"));
      const json_t *vol = json_array_get(json_object_get(rep, "volumes"),
                                         (size_t)json_integer_value(json_object_get(h, "volume")));
      char file[4096], cmd[12288];
      snprintf(file, sizeof file, "%s/hive-%s-%zu", rs_t_tmpdir(), s, k);
      snprintf(cmd, sizeof cmd, "icat -o %lld '%s' %lld > '%s'",
               (long long)json_integer_value(json_object_get(vol, "start_sector")), img,
               (long long)json_integer_value(json_object_get(h, "mft_entry")), file);
      ck_assert_msg(rs_t_run(cmd, NULL) == 0, "%s: %s", s, cmd);
      size_t hlen = 0;
      unsigned char *hb = rs_t_slurp(file, &hlen);
      ck_assert_ptr_nonnull(hb);
      ck_assert_uint_eq(hlen, (size_t)json_integer_value(json_object_get(h, "size")));
      struct hx hx;
      hx_load(file, &hx);
      int checked = 0;
      json_array_foreach(vals, i, v) {
        if (strcmp(json_string_value(json_object_get(v, "hive")), hpath) != 0 ||
            !json_equal(json_object_get(v, "hive_role"), json_object_get(h, "role")))
          continue;
        const char *vk = json_string_value(json_object_get(v, "key"));
        const char *vn = json_string_value(json_object_get(v, "value"));
        const char *t = json_string_value(json_object_get(v, "key_last_written_utc"));
        const struct hx_node *n = hx_node(&hx, vk);
        ck_assert_msg(n != NULL, "%s: hivexml has no key %s in %s", s, vk, hpath);
        ck_assert_msg(strlen(n->mtime) == 20 && strncmp(t, n->mtime, 19) == 0,
                      "%s: %s: key time %s, hivexml %s", s, vk, t, n->mtime);
        char exact[40];
        nk_time(hb, hlen, n->off, exact);
        ck_assert_msg(strcmp(t, exact) == 0, "%s: %s: key time %s, nk cell %s", s, vk, t, exact);
        const struct hx_val *xv = hx_value(&hx, vk, vn);
        ck_assert_msg(xv != NULL, "%s: hivexml has no value %s\\%s", s, vk, vn);
        char *xd = hx_data(xv);
        if (xd) {
          ck_assert_msg(strcmp(xd, sv_data(v)) == 0, "%s: %s\\%s = %s, hivexml %s", s, vk, vn,
                        sv_data(v), xd);
          checked++;
        }
        free(xd);
      }
      ck_assert_int_gt(checked, 0);
      hx_free(&hx);
      free(hb);
    }
  }

  /* 4. the timeline: exactly one finding-less "Key Last Written" entry per
   * distinct key read, at its time, path = the hive file, message naming the
   * key and every value read from it; every registry entry's path is a hive */
  const json_t *tl = json_object_get(rep, "timeline");
  json_array_foreach(vals, i, v) {
    const json_t *p = i ? json_array_get(vals, i - 1) : NULL;
    if (p && json_equal(json_object_get(p, "hive"), json_object_get(v, "hive")) &&
        strcasecmp(json_string_value(json_object_get(p, "key")),
                   json_string_value(json_object_get(v, "key"))) == 0)
      continue; /* first value of each key */
    const char *hv = json_string_value(json_object_get(v, "hive"));
    const char *vk = json_string_value(json_object_get(v, "key"));
    const char *t = json_string_value(json_object_get(v, "key_last_written_utc"));
    int hits = 0;
    size_t e;
    const json_t *ent;
    json_array_foreach(tl, e, ent) {
      const char *msg = json_string_value(json_object_get(ent, "message"));
      if (strcmp(json_string_value(json_object_get(ent, "source")), "registry") != 0 ||
          !json_is_null(json_object_get(ent, "finding")) ||
          strcmp(json_string_value(json_object_get(ent, "path")), hv) != 0 ||
          !strstr(msg, vk) || strstr(msg, "values read: ") == NULL)
        continue;
      /* the key itself, not a sub key of it */
      const char *at = strstr(msg, vk) + strlen(vk);
      if (*at == '\\')
        continue;
      hits++;
      ck_assert_str_eq(json_string_value(json_object_get(ent, "datetime")), t);
      ck_assert_str_eq(json_string_value(json_object_get(ent, "timestamp_desc")), "Key Last Written");
      for (size_t j = i; j < json_array_size(vals); j++) {
        const json_t *w = json_array_get(vals, j);
        if (!json_equal(json_object_get(w, "hive"), json_object_get(v, "hive")) ||
            strcasecmp(json_string_value(json_object_get(w, "key")), vk) != 0)
          break;
        const char *nm = json_string_value(json_object_get(w, "value"));
        ck_assert_msg(strstr(strstr(msg, "values read: "), nm[0] ? nm : "(default)") != NULL,
                      "%s: timeline entry for %s does not name %s: %s", s, vk, nm, msg);
      }
    }
    ck_assert_msg(hits == 1, "%s: key %s of %s is %d times on the timeline", s, vk, hv, hits);
  }
  size_t e;
  const json_t *ent;
  json_array_foreach(tl, e, ent) {
    if (strcmp(json_string_value(json_object_get(ent, "source")), "registry") != 0)
      continue;
    bool is_hive = false;
    size_t k;
    const json_t *h;
    json_array_foreach(hives, k, h)
      is_hive |= json_equal(json_object_get(h, "path"), json_object_get(ent, "path"));
    ck_assert_msg(is_hive, "%s: registry timeline entry with path %s", s,
                  json_string_value(json_object_get(ent, "path")));
  }
  json_decref(rep);
  json_decref(ans);
}
END_TEST

/* Two log workers (each with its own TSK handles) give the same report as
 * one: the merge is order-independent. */
START_TEST(parallel_logs_same_report)
{
  list_scenarios();
  RS_T_SKIP_IF(nscen == 0, "no fixtures");
  const char *img = rs_t_scenario_raw("w2k-cr2-used");
  ck_assert_ptr_nonnull(img);
  char *dump[2];
  for (int k = 0; k < 2; k++) {
    struct rs_run_opts o;
    rs_run_opts_init(&o);
    const char *segs[1] = {img};
    o.segs = segs;
    o.nseg = 1;
    o.no_hash = true;
    o.log_parallel_min = k ? -1 : 1LL << 40;
    json_t *rep = NULL;
    struct rs_diag d;
    ck_assert_int_eq(rs_scan(&o, &rep, &d), RS_OK);
    ck_assert_int_eq(json_array_size(json_object_get(json_object_get(rep, "logs"), "files")), 3);
    json_object_del(rep, "run");
    dump[k] = json_dumps(rep, JSON_PRESERVE_ORDER);
    json_decref(rep);
  }
  ck_assert_str_eq(dump[0], dump[1]);
  free(dump[0]);
  free(dump[1]);
}
END_TEST

static size_t folder_entries(const char *dir)
{
  DIR *dp = opendir(dir);
  ck_assert_ptr_nonnull(dp);
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir(dp)))
    n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
  closedir(dp);
  return n;
}

/* --timeline-hits as the CLI runs it: the hits kept out of the report
 * (rs_scan_hits) in a temporary file, merged in by the writers. Every writer
 * writes the bytes it writes for the report that holds them (rs_scan),
 * whether the hits stayed in memory or went through runs on disk, with one
 * log worker or two; the temporary file never shows in its folder. */
START_TEST(hits_apart_same_outputs)
{
  list_scenarios();
  RS_T_SKIP_IF(nscen == 0, "no fixtures");
  const char *img = rs_t_scenario_raw("w2k-cr2-used");
  ck_assert_ptr_nonnull(img);
  static const struct { size_t run; long long par; } v[] = {{0, 1LL << 40}, {200, 1LL << 40},
                                                            {200, -1}};
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/hits-tmp%d", rs_t_tmpdir(), _i);
  ck_assert_int_eq(mkdir(dir, 0700), 0);
  struct rs_run_opts o;
  rs_run_opts_init(&o);
  const char *segs[1] = {img};
  o.segs = segs;
  o.nseg = 1;
  o.no_hash = true;
  o.all_hits = true;
  o.tmp_dir = dir;
  o.spill_run = v[_i].run;
  o.log_parallel_min = v[_i].par;
  struct rs_diag d;
  json_t *ref = NULL, *rep = NULL;
  ck_assert_int_eq(rs_scan(&o, &ref, &d), RS_OK);
  struct rs_hits *hits = NULL;
  ck_assert_int_eq(rs_scan_hits(&o, &rep, &hits, &d), RS_OK);
  ck_assert_uint_eq(folder_entries(dir), 0);
  /* the hits: worm requests that name no finding (backdoor uses do) */
  size_t i, nhits = 0;
  const json_t *e;
  json_array_foreach(json_object_get(ref, "timeline"), i, e)
    nhits += strcmp(json_string_value(json_object_get(e, "timestamp_desc")), "Request Time") == 0 &&
             json_is_null(json_object_get(e, "finding"));
  ck_assert_uint_gt(nhits, 20);
  ck_assert_uint_eq(rs_hits_count(hits), nhits);
  /* logs.per_day[].status (issue 13) counts what the hits say, day by day and
   * status class by status class ("-> 200" in each hit's message), with one
   * log worker or two (merged) */
  const json_t *pd = json_object_get(json_object_get(ref, "logs"), "per_day");
  ck_assert_uint_gt(json_array_size(pd), 0);
  static const char *const cls[] = {"2xx", "3xx", "4xx", "5xx", "other"};
  size_t j;
  const json_t *day;
  json_array_foreach(pd, j, day) {
    const char *date = json_string_value(json_object_get(day, "date"));
    long long want[5] = {0};
    json_array_foreach(json_object_get(ref, "timeline"), i, e) {
      const char *dt = json_string_value(json_object_get(e, "datetime"));
      if (strcmp(json_string_value(json_object_get(e, "timestamp_desc")), "Request Time") ||
          !json_is_null(json_object_get(e, "finding")) || !dt || strncmp(dt, date, 10))
        continue;
      const char *arrow = strstr(json_string_value(json_object_get(e, "message")), " -> ");
      int st = arrow ? atoi(arrow + 4) : -1;
      want[st >= 200 && st < 600 ? st / 100 - 2 : 4]++;
    }
    const json_t *got = json_object_get(day, "status");
    long long sum = 0;
    for (int k = 0; k < 5; k++) {
      ck_assert_msg(json_integer_value(json_object_get(got, cls[k])) == want[k],
                    "%s %s: %lld in per_day, %lld hits", date, cls[k],
                    (long long)json_integer_value(json_object_get(got, cls[k])), want[k]);
      sum += want[k];
    }
    ck_assert_int_gt(sum, 0);
  }
  ck_assert_uint_eq(json_array_size(json_object_get(rep, "timeline")) + nhits,
                    json_array_size(json_object_get(ref, "timeline")));
  /* the run times differ between the two scans; nothing else may */
  json_object_set(rep, "run", json_object_get(ref, "run"));
  for (size_t k = 0; rs_writers[k]; k++) {
    size_t la, lb;
    char *a = rs_t_render_hits(rs_writers[k], ref, NULL, &la);
    char *b = rs_t_render_hits(rs_writers[k], rep, hits, &lb);
    ck_assert_msg(la == lb && memcmp(a, b, la) == 0, "%s differs (%zu vs %zu bytes)",
                  rs_writers[k]->file_name, la, lb);
    free(a);
    free(b);
  }
  rs_hits_free(hits);
  json_decref(ref);
  json_decref(rep);
  ck_assert_uint_eq(folder_entries(dir), 0);
}
END_TEST

/* The contract's required fields are all present. */
START_TEST(report_has_contract_fields)
{
  list_scenarios();
  RS_T_SKIP_IF(nscen == 0, "no fixtures");
  const char *img = rs_t_scenario_raw(scen[0]);
  json_t *r = scan_image(img, true);
  static const char *const paths[] = {
    "schema", "tool.name", "tool.version", "tool.libraries", "run.command_line",
    "run.started_utc", "run.finished_utc", "evidence.segments", "evidence.format",
    "evidence.media_size", "evidence.hashes", "evidence.stored_hashes", "evidence.verification",
    "volumes", "system.os", "system.current_control_set", "system.hotfixes",
    "system.script_maps", "system.virtual_roots", "system.sfcdisable", "system.idq_dll",
    "logs.files", "logs.hits", "logs.attackers", "logs.backdoor_use", "findings",
    "verdict.status", "verdict.reasons", "verdict.summary", "verdict.cleanup", "unreadable",
    "timeline"};
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    char buf[128];
    snprintf(buf, sizeof buf, "%s", paths[i]);
    json_t *cur = r;
    for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, "."))
      cur = json_object_get(cur, tok);
    ck_assert_msg(cur != NULL, "missing %s", paths[i]);
  }
  ck_assert_str_eq(json_string_value(json_object_get(r, "schema")), "redsleuth-report/1");
  ck_assert(json_is_null(json_object_get(json_object_get(r, "evidence"), "hashes")));
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "evidence"), "verification")),
                   "not-checked");
  /* every timeline time is ISO 8601 UTC with Z, and the timeline is sorted */
  size_t i;
  json_t *e;
  const char *prev = "";
  json_array_foreach(json_object_get(r, "timeline"), i, e) {
    const char *t = json_string_value(json_object_get(e, "datetime"));
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(t[strlen(t) - 1], 'Z');
    ck_assert_int_eq(t[10], 'T');
    ck_assert_msg(strncmp(prev, t, 19) <= 0, "timeline not sorted at %zu", i);
    prev = t;
  }
  json_decref(r);
}
END_TEST

/* Exit-code precedence: damaged or unverified evidence (11) outranks an
 * indicator verdict (10); only a complete analysis exits 10 or 0. */
START_TEST(exit_code_precedence)
{
  static const struct {
    const char *status, *verification;
    int unreadable, want;
  } t[] = {
      {"backdoor-used", "match", 0, RS_EXIT_INDICATORS},
      {"infected", NULL, 0, RS_EXIT_INDICATORS},
      {"vulnerable", "not stored", 0, RS_EXIT_INDICATORS},
      {"infected", NULL, 1, RS_EXIT_UNREADABLE},
      {"backdoor-used", "mismatch", 0, RS_EXIT_UNREADABLE},
      {"clean", "mismatch", 0, RS_EXIT_UNREADABLE},
      {"patched", NULL, 2, RS_EXIT_UNREADABLE},
      {"undetermined", NULL, 0, RS_EXIT_UNREADABLE},
      {"clean", "match", 0, RS_EXIT_CLEAN},
      {"patched", NULL, 0, RS_EXIT_CLEAN},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    json_t *unr = json_array();
    for (int k = 0; k < t[i].unreadable; k++)
      json_array_append_new(unr, json_pack("{s:s,s:s,s:s}", "what", "volume", "where", "x", "reason", "y"));
    json_t *r = json_pack("{s:{s:s},s:o,s:{s:o?}}", "verdict", "status", t[i].status, "unreadable", unr,
                          "evidence", "verification",
                          t[i].verification ? json_string(t[i].verification) : NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(rs_report_exit_code(r) == t[i].want, "row %zu (%s, %s, %d): exit %d, want %d", i,
                  t[i].status, t[i].verification ? t[i].verification : "-", t[i].unreadable,
                  rs_report_exit_code(r), t[i].want);
    json_decref(r);
  }
}
END_TEST

/* An IIS native log (local clock, no zone in the format) on a system whose
 * time zone cannot be read (its SYSTEM hive is not a hive): the backdoor use
 * keeps its local clock time in "local_time", "utc" is null, and no local
 * time reaches the timeline dressed as UTC. The log's path is the full
 * Windows path. A FAT16 disk made here with mtools. */
START_TEST(local_times_never_pass_for_utc)
{
  RS_T_SKIP_IF(!rs_t_have_mtools(), "dosfstools/mtools absent");
  const char *dir = rs_t_tmpdir();
  char img[4200], log[4200], cmd[20000];
  snprintf(img, sizeof img, "%s/local.img", dir);
  snprintf(log, sizeof log, "%s/in010801.log", dir);
  FILE *fp = fopen(log, "w");
  ck_assert_ptr_nonnull(fp);
  fputs("192.0.2.33, -, 8/1/01, 10:00:00, W3SVC1, WEB, 192.0.2.80, 10, 412, 3243, 200, 0, GET, "
        "/scripts/root.exe, /c+dir,\r\n"
        "192.0.2.34, -, 8/1/01, 11:30:00, W3SVC1, WEB, 192.0.2.80, 10, 412, 3243, 200, 0, GET, "
        "/default.ida, NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN%u9090,\r\n", fp);
  ck_assert_int_eq(fclose(fp), 0);
  rs_t_fat16(img, 20, "WEB");
  snprintf(cmd, sizeof cmd,
           "echo notahive > '%s/SYSTEM' && " RS_T_MTOOLS "mmd -i '%s' ::/WINNT ::/WINNT/system32 "
           "::/WINNT/system32/config ::/WINNT/system32/LogFiles ::/WINNT/system32/LogFiles/W3SVC1 && "
           RS_T_MTOOLS "mcopy -i '%s' '%s/SYSTEM' ::/WINNT/system32/config/SYSTEM && "
           RS_T_MTOOLS "mcopy -i '%s' '%s' ::/WINNT/system32/LogFiles/W3SVC1/in010801.log && "
           "echo 'not cmd' > '%s/root.exe' && TZ=UTC touch -d '2001-08-04 12:00:00' '%s/root.exe' && "
           RS_T_MTOOLS "mmd -i '%s' ::/Inetpub ::/Inetpub/scripts && "
           "TZ=UTC " RS_T_MTOOLS "mcopy -m -i '%s' '%s/root.exe' ::/Inetpub/scripts/root.exe",
           dir, img, img, dir, img, log, dir, dir, img, img, dir);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  json_t *r = scan_image(img, true);
  json_t *lg = json_object_get(r, "logs");
  json_t *bu = json_array_get(json_object_get(lg, "backdoor_use"), 0);
  ck_assert_ptr_nonnull(bu);
  ck_assert(json_is_null(json_object_get(bu, "utc")));
  ck_assert(json_is_false(json_object_get(bu, "time_is_utc")));
  ck_assert_str_eq(json_string_value(json_object_get(bu, "local_time")), "2001-08-01T10:00:00");
  ck_assert_str_eq(json_string_value(json_object_get(bu, "file")),
                   "C:\\WINNT\\system32\\LogFiles\\W3SVC1\\in010801.log");
  /* the same for a file's FAT clock times: *_utc null, *_local without Z */
  json_t *rootexe = finding_by_path(r, "C:\\Inetpub\\scripts\\root.exe", NULL);
  ck_assert_msg(rootexe != NULL, "no finding for C:\\Inetpub\\scripts\\root.exe");
  json_t *tm = json_object_get(rootexe, "times");
  ck_assert(json_is_null(json_object_get(tm, "fat_modified_utc")));
  ck_assert(json_is_null(json_object_get(tm, "si_modified_utc")));
  ck_assert_str_eq(json_string_value(json_object_get(tm, "fat_modified_local")),
                   "2001-08-04T12:00:00");
  /* nothing on the timeline carries any of these local clock times */
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(r, "timeline"), i, e) {
    const char *dt = json_string_value(json_object_get(e, "datetime"));
    ck_assert_ptr_nonnull(dt);
    ck_assert_msg(strncmp(dt, "2001-08-01T10:00:00", 19) != 0 &&
                      strncmp(dt, "2001-08-01T11:30:00", 19) != 0,
                  "a local clock time on the timeline as UTC: %s (%s)", dt,
                  json_string_value(json_object_get(e, "message")));
    ck_assert_msg(strncmp(dt, "2001-08-04T12:00:00", 19) != 0, "FAT local time on the timeline");
  }
  /* the hits still count, and the log says its times are not UTC */
  ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(lg, "hits"), "code_red_1")), 1);
  json_t *lf = json_array_get(json_object_get(lg, "files"), 0);
  ck_assert(json_is_false(json_object_get(lf, "times_utc")));
  ck_assert(json_is_null(json_object_get(lf, "first_utc")));
  json_decref(r);
}
END_TEST

/* Real third-party images: analysed without a crash, sensible verdicts. */
START_TEST(realdata_no_windows)
{
  const char *p = rs_t_realdata("images/image.raw.000");
  RS_T_SKIP_IF(!p, "../shared/realdata absent");
  json_t *r = scan_image(p, true);
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "verdict"), "status")),
                   "undetermined");
  ck_assert_int_eq(rs_report_exit_code(r), RS_EXIT_UNREADABLE);
  json_decref(r);
}
END_TEST

START_TEST(realdata_ewf_verifies)
{
  const char *p = rs_t_realdata("images/imageformat_mmls_1.E01");
  RS_T_SKIP_IF(!p, "../shared/realdata absent");
  json_t *r = scan_image(p, false);
  json_t *ev = json_object_get(r, "evidence");
  ck_assert_str_eq(json_string_value(json_object_get(ev, "verification")), "match");
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(ev, "hashes"), "md5")),
                   "8ec671e301095c258224aad701740503");
  ck_assert_int_eq(json_array_size(json_object_get(r, "volumes")), 2);
  json_decref(r);
}
END_TEST

/* Batch: every fixture plus one broken image, two at a time; the broken one
 * is isolated and every other image gets its folder, report and summary line. */
START_TEST(batch_isolates_failures)
{
  list_scenarios();
  RS_T_SKIP_IF(nscen == 0, "no fixtures");
  const char *tmp = rs_t_tmpdir();
  char list[4096], out[4096], bad[4096];
  snprintf(list, sizeof list, "%s/images.txt", tmp);
  snprintf(out, sizeof out, "%s/batch", tmp);
  snprintf(bad, sizeof bad, "%s/garbage.raw", tmp);
  FILE *fp = fopen(bad, "w");
  ck_assert_ptr_nonnull(fp);
  for (int i = 0; i < 4096; i++)
    fputc((i * 7919) & 0xff, fp);
  fclose(fp);
  fp = fopen(list, "w");
  ck_assert_ptr_nonnull(fp);
  fprintf(fp, "# fixtures\n");
  for (int i = 0; i < nscen; i++) {
    const char *img = rs_t_scenario_raw(scen[i]);
    char named[4096];
    snprintf(named, sizeof named, "%s/%s.raw", tmp, scen[i]);
    ck_assert_int_eq(rename(img, named), 0);
    fprintf(fp, "%s\n", named);
  }
  fprintf(fp, "%s\n", bad);
  fclose(fp);
  char cmd[16384];
  /* the images and the outputs share this test's temp folder */
  snprintf(cmd, sizeof cmd,
           "'%s/redsleuth' scan --no-hash --batch '%s' -j 2 --out-dir '%s' --allow-evidence-dir",
           RS_BUILDDIR, list, out);
  char *stdout_text = NULL;
  int rc = rs_t_run(cmd, &stdout_text);
  ck_assert_int_eq(rc, 11); /* one image could not be analysed */
  int lines = 0;
  for (char *p = stdout_text; p && *p; p++)
    lines += *p == '\n';
  ck_assert_int_eq(lines, nscen + 1);
  free(stdout_text);
  char sum[4200];
  snprintf(sum, sizeof sum, "%s/summary.jsonl", out);
  fp = fopen(sum, "r");
  ck_assert_ptr_nonnull(fp);
  char line[65536];
  int n = 0;
  while (fgets(line, sizeof line, fp)) {
    json_t *j = json_loads(line, 0, NULL);
    ck_assert_ptr_nonnull(j);
    const char *ev = json_string_value(json_object_get(j, "evidence"));
    int code = (int)json_integer_value(json_object_get(j, "exit_code"));
    if (n < nscen) {
      /* input order; the verdict is the scenario's */
      json_t *ans = rs_t_answer(scen[n]);
      ck_assert_ptr_nonnull(strstr(ev, scen[n]));
      ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")),
                       json_string_value(json_object_get(ans, "verdict")));
      ck_assert(code == 0 || code == 10);
      json_decref(ans);
    } else {
      ck_assert_int_eq(code, 3);
      ck_assert(json_is_null(json_object_get(j, "verdict")));
      ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(j, "error")), "RS_E_"));
    }
    json_decref(j);
    n++;
  }
  fclose(fp);
  ck_assert_int_eq(n, nscen + 1);
}
END_TEST

/* The Turbinia task: command construction and exit-code handling against a
 * fake runner (contrib/turbinia/test_redsleuth_task.py). */
START_TEST(turbinia_task_fake_runner)
{
  RS_T_SKIP_IF(!rs_t_have("/usr/bin/python3"), "no /usr/bin/python3");
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "cd '%s/contrib/turbinia' && /usr/bin/python3 -m unittest -q "
           "test_redsleuth_task 2>&1", RS_SRCDIR);
  char *out = NULL;
  int rc = rs_t_run(cmd, &out);
  ck_assert_msg(rc == 0, "turbinia task tests failed:\n%s", out ? out : "");
  ck_assert_ptr_nonnull(strstr(out, "OK"));
  free(out);
}
END_TEST

static int cmp_strp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The fields of a body line that fls -m and --timeline full must agree on:
 * name, inode ("inum-type-id" on NTFS), size, atime, mtime, ctime, crtime
 * (MD5 is 0 in both; mode, UID and GID are TSK's own derivations). One
 * string per line, sorted. */
static char **body_keys(char *text, size_t *n)
{
  size_t cap = 256;
  char **v = malloc(cap * sizeof *v);
  *n = 0;
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *f[11];
    int k = 0;
    for (char *p = line; k < 11; k++) {
      f[k] = p;
      char *bar = strchr(p, '|');
      if (!bar) {
        k++;
        break;
      }
      *bar = '\0';
      p = bar + 1;
    }
    ck_assert_msg(k == 11, "body line with %d fields", k);
    char key[8192];
    snprintf(key, sizeof key, "%s|%s|%s|%s|%s|%s|%s", f[1], f[2], f[6], f[7], f[8], f[9], f[10]);
    if (*n == cap)
      v = realloc(v, (cap *= 2) * sizeof *v);
    v[(*n)++] = strdup(key);
  }
  qsort(v, *n, sizeof *v, cmp_strp);
  return v;
}

/* --timeline full gives the lines fls -r -m gives: one per $DATA and
 * $INDEX_ROOT attribute (named streams as "file:stream"), one for the
 * $FILE_NAME, TSK's virtual $OrphanFiles (and FAT's $MBR, $FAT1, $FAT2),
 * orphans and deleted entries, with the same inode fields and times.
 * Images: w2k-cr2-used (two NTFS volumes), w2k-vulnerable-fat (FAT16),
 * DFTT #7 (deleted, orphaned, an ADS on a deleted file; realdata). */
START_TEST(timeline_full_body)
{
  const char *img;
  if (_i < 2) {
    list_scenarios();
    RS_T_SKIP_IF(nscen == 0, "no fixtures");
    img = rs_t_scenario_raw(_i == 0 ? "w2k-cr2-used" : "w2k-vulnerable-fat");
  } else {
    const char *why = NULL;
    img = rs_t_realdata_zip("images/7-undel-ntfs.zip", "7-undel-ntfs/7-ntfs-undel.dd", &why);
    RS_T_SKIP_IF(!img, why);
  }
  char out[4096], cmd[12288];
  snprintf(out, sizeof out, "%s/tlfull%d", rs_t_tmpdir(), _i);
  snprintf(cmd, sizeof cmd, "'%s/redsleuth' scan --no-hash --timeline full --out-dir '%s' "
           "--allow-evidence-dir '%s' >/dev/null 2>&1", RS_BUILDDIR, out, img);
  int rc = rs_t_run(cmd, NULL);
  ck_assert_msg(rc == 0 || rc == 10 || rc == 11, "scan exit %d", rc); /* DFTT #7: 11 */
  char body[4200];
  snprintf(body, sizeof body, "%s/timeline-full.body", out);
  size_t len = 0;
  char *b = (char *)rs_t_slurp(body, &len);
  ck_assert_ptr_nonnull(b);
  if (_i == 0) {
    ck_assert_int_eq(rc, 10);
    ck_assert_ptr_nonnull(strstr(b, "0|C:/Inetpub/scripts/root.exe|91-128-2|"));
    ck_assert_ptr_nonnull(strstr(b, "0|C:/Inetpub/scripts/root.exe ($FILE_NAME)|91-48-3|"));
    ck_assert_ptr_nonnull(strstr(b, "0|C:/$Secure:$SDS|9-128-2|"));
    ck_assert_ptr_nonnull(strstr(b, "0|D:/$OrphanFiles|75|"));
  } else if (_i == 2) {
    ck_assert_ptr_nonnull(strstr(b, "0|C:/mult1.dat:ADS (deleted)|32-128-6|"));
    ck_assert_ptr_nonnull(strstr(b, "0|C:/$OrphanFiles/sing2.dat ($FILE_NAME) (deleted)|38-48-2|"));
  }
  int bars = 0, lines = 0;
  for (size_t i = 0; i < len; i++) {
    if (b[i] == '|')
      bars++;
    if (b[i] == '\n') {
      ck_assert_int_eq(bars, 10);
      bars = 0;
      lines++;
    }
  }
  ck_assert_int_gt(lines, 15);
  if (rs_t_have("mactime")) {
    snprintf(cmd, sizeof cmd, "mactime -b '%s' -d -z UTC >/dev/null", body);
    ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  }
  if (!rs_t_have("fls")) {
    free(b);
    return;
  }
  /* fls -r -m per volume, with the report's drive and start sector; FAT
   * times are the stored clock read as UTC on both sides */
  char rp[4200];
  snprintf(rp, sizeof rp, "%s/report.json", out);
  json_t *rep = json_load_file(rp, 0, NULL);
  ck_assert_ptr_nonnull(rep);
  char *fls = NULL;
  size_t flen = 0, vi;
  json_t *v;
  json_array_foreach(json_object_get(rep, "volumes"), vi, v) {
    const char *fs = json_string_value(json_object_get(v, "fs_type"));
    if (!fs || (strcmp(fs, "ntfs") && strncmp(fs, "fat", 3)))
      continue;
    const char *drive = json_string_value(json_object_get(v, "drive"));
    char pre[32];
    if (drive)
      snprintf(pre, sizeof pre, "%s", drive);
    else
      snprintf(pre, sizeof pre, "vol%zu", vi);
    snprintf(cmd, sizeof cmd, "TZ=UTC fls -r -m '%s' -o %lld '%s'", pre,
             (long long)json_integer_value(json_object_get(v, "start_sector")), img);
    char *o = NULL;
    ck_assert_int_eq(rs_t_run(cmd, &o), 0);
    size_t ol = strlen(o);
    fls = realloc(fls, flen + ol + 1);
    memcpy(fls + flen, o, ol + 1);
    flen += ol;
    free(o);
  }
  json_decref(rep);
  ck_assert_ptr_nonnull(fls);
  size_t na, nb;
  char **ka = body_keys(fls, &na), **kb = body_keys(b, &nb);
  size_t x = 0, y = 0;
  while (x < na || y < nb) {
    int c = x == na ? 1 : y == nb ? -1 : strcmp(ka[x], kb[y]);
    ck_assert_msg(c >= 0, "fls -r -m has %s, --timeline full not", ka[x]);
    ck_assert_msg(c <= 0, "--timeline full has %s, fls -r -m not", kb[y]);
    x++;
    y++;
  }
  ck_assert_uint_eq(na, nb);
  for (size_t i = 0; i < na; i++)
    free(ka[i]);
  for (size_t i = 0; i < nb; i++)
    free(kb[i]);
  free(ka);
  free(kb);
  free(fls);
  free(b);
}
END_TEST

/* Regression seeds of fuzz/fuzz_scan.c (fuzz/RESULTS.md). The crash-*
 * images made rs_scan() pass NULL to qsort (no findings; no reference
 * cmd.exe): undefined behaviour that the ASan+UBSan build of this suite
 * reports. leak-* leaked inside libtsk (fuzz/lsan.supp). Each must give a
 * report; w2k-mini.fat (fuzz/mkscanseed.sh) holds root.exe = cmd.exe in
 * Inetpub\scripts and a trojan C:\explorer.exe, so it is infected. */
static const struct {
  const char *file;
  const char *status; /* expected verdict, NULL = any */
  int nfind;          /* expected number of findings, -1 = any */
} fuzz_seeds[] = {
  {"w2k-mini.fat", "infected", -1},
  {"crash-12e56e661f0aae9dddcf50ef29d31483f07df052", "undetermined", 0},
  {"crash-f0e38264d1a231b42f258abe4bccbe000e8f402b", NULL, -1},
  {"leak-f27a9afb2dc4d1f81b4d623e89225c02c87ebb37", NULL, -1},
};

START_TEST(fuzz_regression_seeds)
{
  char rel[256];
  snprintf(rel, sizeof rel, "fuzz/corpus/scan/%s", fuzz_seeds[_i].file);
  const char *p = rs_t_src(rel);
  RS_T_SKIP_IF(access(p, R_OK) != 0, "fuzz seed absent");
  json_t *r = scan_image(p, true);
  const char *st =
      json_string_value(json_object_get(json_object_get(r, "verdict"), "status"));
  ck_assert_ptr_nonnull(st);
  if (fuzz_seeds[_i].status)
    ck_assert_str_eq(st, fuzz_seeds[_i].status);
  json_t *f = json_object_get(r, "findings");
  ck_assert(json_is_array(f));
  if (fuzz_seeds[_i].nfind >= 0)
    ck_assert_int_eq((int)json_array_size(f), fuzz_seeds[_i].nfind);
  int x = rs_report_exit_code(r);
  ck_assert(x == RS_EXIT_CLEAN || x == RS_EXIT_INDICATORS || x == RS_EXIT_UNREADABLE);
  if (_i == 0) {
    ck_assert_int_eq(x, RS_EXIT_INDICATORS);
    ck_assert_ptr_nonnull(finding_by_path(r, "C:\\Inetpub\\scripts\\root.exe", "CR2-ROOTEXE"));
    ck_assert_ptr_nonnull(finding_by_path(r, "C:\\explorer.exe", "CR2-EXPLORER"));
  }
  json_decref(r);
}
END_TEST

/* fixture-recipes section 0: libregf's libyal helpers must be the private
 * static copies, never libewf.so's exported ones (which depends on the link
 * order), and nothing libyal may be exported from the binary. */
START_TEST(libyal_is_private)
{
  RS_T_SKIP_IF(!rs_t_have("nm"), "nm absent");
  char cmd[4096];
  char *out = NULL;
  snprintf(cmd, sizeof cmd, "nm '%s/redsleuth' | grep -c ' U lib\\(bfio\\|cdata\\|cerror\\|regf\\)_'",
           RS_BUILDDIR);
  rs_t_run(cmd, &out);
  ck_assert_msg(out && atoi(out) == 0, "undefined libyal symbols (bound to a shared copy): %s", out);
  free(out);
  snprintf(cmd, sizeof cmd, "nm -D --defined-only '%s/redsleuth' | grep -c 'libbfio_\\|libcdata_\\|libregf_'",
           RS_BUILDDIR);
  rs_t_run(cmd, &out);
  ck_assert_msg(out && atoi(out) == 0, "libyal symbols exported: %s", out);
  free(out);
  snprintf(cmd, sizeof cmd, "nm '%s/redsleuth' | grep -c ' t libbfio_handle_read_buffer$'", RS_BUILDDIR);
  rs_t_run(cmd, &out);
  ck_assert_msg(out && atoi(out) == 1, "no private libbfio copy linked: %s", out);
  free(out);
}
END_TEST

/* Progress goes through the caller's callback (issue 14): the phases in
 * order with the evidence names they read (log workers call from their own
 * threads), media-hash reports that end once, and the same report as a scan
 * without a callback. */
struct prog_log {
  pthread_mutex_t mu;
  int n, nhash, nlog, after_end, over;
  char what[64][32];
  char name[64][256];
  bool named[64], ended;
  uint64_t total;
};

static void prog_cb(const struct rs_progress *p, void *arg)
{
  struct prog_log *l = arg;
  pthread_mutex_lock(&l->mu);
  if (l->ended)
    l->after_end++;
  if (p->kind == RS_PROGRESS_HASH) {
    l->nhash++;
    l->total = p->total;
    l->over += p->done > p->total; /* asserted on the test's thread */
    l->ended = p->ended;
  } else if (l->n < 64) {
    snprintf(l->what[l->n], sizeof l->what[0], "%s", p->what);
    l->named[l->n] = p->name != NULL;
    snprintf(l->name[l->n], sizeof l->name[0], "%s", p->name ? p->name : "");
    l->nlog += strcmp(p->what, "reading log") == 0;
    l->n++;
  }
  pthread_mutex_unlock(&l->mu);
}

/* A scan of img with o's options and a progress callback: the report,
 * after checking that its findings and evidence are those of the same scan
 * without the callback. */
static json_t *scan_watched(struct rs_run_opts *o, const char *img,
                            void (*cb)(const struct rs_progress *, void *), void *arg)
{
  const char *segs[1] = {img};
  o->segs = segs;
  o->nseg = 1;
  struct rs_run_opts quiet = *o;
  o->progress = cb;
  o->progress_arg = arg;
  json_t *rep = NULL, *plain = NULL;
  struct rs_diag d;
  ck_assert_int_eq(rs_scan(o, &rep, &d), RS_OK);
  ck_assert_int_eq(rs_scan(&quiet, &plain, &d), RS_OK);
  ck_assert(json_equal(json_object_get(rep, "findings"), json_object_get(plain, "findings")));
  ck_assert(json_equal(json_object_get(rep, "evidence"), json_object_get(plain, "evidence")));
  json_decref(plain);
  o->segs = NULL; /* segs is this frame's */
  o->nseg = 0;
  return rep;
}

START_TEST(progress_through_callback)
{
  list_scenarios();
  RS_T_SKIP_IF(nscen == 0, "no fixtures");
  const char *img = rs_t_scenario_raw("w2k-cr2-used");
  struct prog_log l;
  memset(&l, 0, sizeof l);
  pthread_mutex_init(&l.mu, NULL);
  struct rs_run_opts o;
  rs_run_opts_init(&o);
  o.log_parallel_min = -1; /* two log workers: reports from two threads */
  json_t *rep = scan_watched(&o, img, prog_cb, &l);
  ck_assert_int_ge(l.n, 4);
  ck_assert_int_eq(l.over, 0);
  ck_assert_str_eq(l.what[0], "hashing");
  ck_assert_str_eq(l.name[0], img);
  ck_assert_str_eq(l.what[1], "reading registry");
  ck_assert(!l.named[1]);
  ck_assert_str_eq(l.what[2], "walking volume");
  ck_assert_str_eq(l.name[2], "0");
  ck_assert_int_eq(l.nlog, (int)json_array_size(json_object_get(json_object_get(rep, "logs"),
                                                                "files")));
  ck_assert_int_gt(l.nlog, 0);
  for (int i = 0; i < l.n; i++)
    if (strcmp(l.what[i], "reading log") == 0)
      ck_assert_msg(strncmp(l.name[i], "C:\\", 3) == 0, "log name %s", l.name[i]);
  if (l.nhash) { /* only when the hash outlasted the analysis */
    ck_assert(l.ended);
    ck_assert_int_eq(l.after_end, 0);
    ck_assert_uint_eq(l.total, (uint64_t)json_integer_value(json_object_get(
                                   json_object_get(rep, "evidence"), "media_size")));
  }
  json_decref(rep);
  pthread_mutex_destroy(&l.mu);
}
END_TEST

/* The analysis yields to the media hash (scan.c, RS_ANALYSIS_NICE): with
 * the hash beside it and no --yara, --hashset or --unallocated, every phase
 * of the analysis, the log worker's too, runs below the caller's priority;
 * without the hash, or with --unallocated, at the caller's own. The
 * caller's thread keeps its priority, and the report is the one a plain
 * scan gives. */
struct nice_log {
  pthread_mutex_t mu;
  int n, nlog, off;     /* phases seen, log phases, phases at another priority */
  int first, want;
};

static void nice_cb(const struct rs_progress *p, void *arg)
{
  struct nice_log *l = arg;
  if (p->kind != RS_PROGRESS_PHASE || strcmp(p->what, "hashing") == 0)
    return; /* the hash's reports and its start come from the caller's thread */
  errno = 0;
  int now = getpriority(PRIO_PROCESS, (id_t)gettid());
  pthread_mutex_lock(&l->mu);
  if (l->n++ == 0)
    l->first = now;
  l->nlog += strcmp(p->what, "reading log") == 0;
  l->off += errno != 0 || now != l->want;
  pthread_mutex_unlock(&l->mu);
}

START_TEST(analysis_yields_to_hash)
{
  list_scenarios();
  RS_T_SKIP_IF(nscen == 0, "no fixtures");
  const char *img = rs_t_scenario_raw("w2k-cr2-used");
  errno = 0;
  const int base = getpriority(PRIO_PROCESS, (id_t)gettid());
  ck_assert_int_eq(errno, 0);
  struct rs_run_opts o;
  rs_run_opts_init(&o);
  o.log_parallel_min = -1; /* a log worker: the threads the analysis starts */
  o.no_hash = _i == 1;
  o.unallocated = _i == 2;
  const bool yields = _i == 0;
  ck_assert(rs_scan_analysis_yields(&o, !o.no_hash) == yields);
  const int lowered = base + RS_ANALYSIS_NICE > 19 ? 19 : base + RS_ANALYSIS_NICE;
  struct nice_log l = {.want = yields ? lowered : base};
  pthread_mutex_init(&l.mu, NULL);
  json_t *rep = scan_watched(&o, img, nice_cb, &l);
  ck_assert_int_ge(l.n, 4);
  ck_assert_int_gt(l.nlog, 0);
  ck_assert_msg(l.off == 0, "variant %d: %d of %d phases not at priority %d (first at %d)", _i,
                l.off, l.n, l.want, l.first);
  errno = 0;
  ck_assert_int_eq(getpriority(PRIO_PROCESS, (id_t)gettid()), base);
  json_decref(rep);
  pthread_mutex_destroy(&l.mu);
  /* the user's content searches keep the hash's priority too */
  rs_run_opts_init(&o);
  const char *one[1] = {"x"};
  o.yara = one;
  o.nyara = 1;
  ck_assert(!rs_scan_analysis_yields(&o, true));
  rs_run_opts_init(&o);
  o.hashsets = one;
  o.nhashset = 1;
  ck_assert(!rs_scan_analysis_yields(&o, true));
}
END_TEST

Suite *rs_suite_scan(void)
{
  Suite *s = suite_create("scan");
  TCase *tc = tcase_create("fixtures");
  tcase_set_timeout(tc, 300);
  /* one test per fixture scenario there is (a fixed count would skip or miss some) */
  list_scenarios();
  tcase_add_loop_test(tc, scenario_matches_answer, 0, nscen);
  tcase_add_test(tc, scan_is_deterministic);
  tcase_add_test(tc, parallel_logs_same_report);
  tcase_add_loop_test(tc, hits_apart_same_outputs, 0, 3);
  tcase_add_test(tc, progress_through_callback);
  tcase_add_loop_test(tc, analysis_yields_to_hash, 0, 3);
  tcase_add_test(tc, scan_through_containers);
  tcase_add_test(tc, report_has_contract_fields);
  tcase_add_test(tc, exit_code_precedence);
  tcase_add_test(tc, local_times_never_pass_for_utc);
  tcase_add_loop_test(tc, registry_values_match_hives, 0, nscen);
  suite_add_tcase(s, tc);
  TCase *rd = tcase_create("realdata");
  tcase_set_timeout(rd, 120);
  tcase_add_test(rd, realdata_no_windows);
  tcase_add_test(rd, realdata_ewf_verifies);
  tcase_add_loop_test(rd, fuzz_regression_seeds, 0,
                      (int)(sizeof fuzz_seeds / sizeof fuzz_seeds[0]));
  suite_add_tcase(s, rd);
  TCase *cli = tcase_create("batch");
  tcase_set_timeout(cli, 300);
  tcase_add_test(cli, batch_isolates_failures);
  tcase_add_test(cli, turbinia_task_fake_runner);
  tcase_add_loop_test(cli, timeline_full_body, 0, 3);
  tcase_add_test(cli, libyal_is_private);
  suite_add_tcase(s, cli);
  return s;
}
