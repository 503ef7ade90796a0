/* Suite "content": YARA rules (bundled and the user's), the literal
 * pre-filter, hash sets and log line carving (issue 17).
 *
 * Expected values come from fixtures/out/residue/answer.json (written by
 * fixtures/gen/residue.py from the strings of codered-artifacts.md section
 * 12, and checked there with the yara command-line tool), from
 * fixtures/out/pe/answer.json (digests by Python's hashlib), from the
 * original log files, or from a second way of computing the same thing
 * (pre-filtered vs plain YARA, scalar vs AVX2, whole vs pieces). */
#include <check.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yara.h>

#include "redsleuth/buf.h"
#include "redsleuth/carve.h"
#include "redsleuth/hashset.h"
#include "redsleuth/prefilter.h"
#include "redsleuth/rtime.h"
#include "redsleuth/yara.h"
#include "testutil.h"

/* ------------------------------------------------------------ helpers */

static struct rs_rules *open_rules(bool prefilter, size_t window, const char *const *user,
                                   size_t nuser)
{
  struct rs_rules_opts o;
  memset(&o, 0, sizeof o);
  o.bundled_dir = rs_t_src("rules");
  o.no_prefilter = !prefilter;
  o.window = window;
  struct rs_rules *r = NULL;
  struct rs_diag d;
  memset(&d, 0, sizeof d);
  enum rs_err e = rs_rules_open(&o, user, nuser, &r, &d);
  ck_assert_msg(e == RS_OK, "rs_rules_open: %s: %s: %s", rs_err_name(e), d.where, d.what);
  return r;
}

/* Every match of a scan as text, one line per hit, in delivery order:
 * what two ways of scanning must agree on. */
struct out {
  char *text;
  size_t len, cap;
  size_t rules;
};

static void out_add(struct out *o, const char *s)
{
  size_t n = strlen(s);
  if (o->len + n + 1 > o->cap) {
    o->cap = (o->len + n + 1) * 2;
    o->text = realloc(o->text, o->cap);
    ck_assert_ptr_nonnull(o->text);
  }
  memcpy(o->text + o->len, s, n + 1);
  o->len += n;
}

static void collect(const struct rs_rule_match *m, void *arg)
{
  struct out *o = arg;
  char line[512];
  o->rules++;
  snprintf(line, sizeof line, "%s:%s strings=%zu\n", m->info->ns, m->info->rule, m->nstrings);
  out_add(o, line);
  for (size_t i = 0; i < m->nhits; i++) {
    const struct rs_rule_hit *h = &m->hits[i];
    char ctx[2 * RS_RULES_CTX + 1];
    rs_hex(h->ctx, h->ctx_len, ctx);
    snprintf(line, sizeof line, "  %s %s @%llu len=%u wide=%d ctx@%llu %s\n", m->info->rule,
             h->id, (unsigned long long)h->offset, h->length, h->wide,
             (unsigned long long)h->ctx_offset, ctx);
    out_add(o, line);
  }
}

/* chunk 0: the whole buffer at once; held: pieces of chunk bytes, each in
 * its own buffer after the stream's last overlap bytes (rs_rules_stream_held,
 * as the unallocated-space reader does); else rs_rules_stream_feed. */
static struct out scan_buf_mode(struct rs_rules *r, const uint8_t *buf, size_t len, size_t chunk,
                                bool held)
{
  struct out o;
  memset(&o, 0, sizeof o);
  out_add(&o, "");
  struct rs_rules_scanner *s = NULL;
  struct rs_diag d;
  ck_assert_int_eq(rs_rules_scanner_new(r, &s, &d), RS_OK);
  struct rs_rules_stats st;
  if (chunk == 0) {
    ck_assert_msg(rs_rules_scan_mem(s, buf, len, 1000, collect, &o, &st, &d) == RS_OK, "%s",
                  d.what);
  } else if (held) {
    size_t ov = rs_rules_overlap(r);
    uint8_t *piece = malloc(ov + chunk);
    ck_assert_ptr_nonnull(piece);
    ck_assert_int_eq(rs_rules_stream_begin(s, 1000, collect, &o, &d), RS_OK);
    for (size_t off = 0; off < len; off += chunk) {
      size_t n = len - off < chunk ? len - off : chunk, k = off < ov ? off : ov;
      memset(piece, 0xAA, ov + chunk);   /* nothing before the held bytes is the stream's */
      memcpy(piece + ov - k, buf + off - k, k + n);
      ck_assert_msg(rs_rules_stream_held(s, piece + ov, n, k, off + n == len, &d) == RS_OK, "%s",
                    d.what);
    }
    /* the held bytes must be the stream's last ones */
    ck_assert_int_eq(rs_rules_stream_held(s, piece + ov, 0, 0, true, &d), RS_E_USAGE);
    free(piece);
    ck_assert_msg(rs_rules_stream_end(s, &st, &d) == RS_OK, "%s", d.what);
  } else {
    ck_assert_int_eq(rs_rules_stream_begin(s, 1000, collect, &o, &d), RS_OK);
    for (size_t off = 0; off < len; off += chunk)
      ck_assert_int_eq(rs_rules_stream_feed(s, buf + off, len - off < chunk ? len - off : chunk,
                                            &d),
                       RS_OK);
    ck_assert_msg(rs_rules_stream_end(s, &st, &d) == RS_OK, "%s", d.what);
  }
  ck_assert_int_eq(st.bytes, len);
  ck_assert_int_eq(st.rules, o.rules);
  rs_rules_scanner_free(s);
  return o;
}

static struct out scan_buf(struct rs_rules *r, const uint8_t *buf, size_t len, size_t chunk)
{
  return scan_buf_mode(r, buf, len, chunk, false);
}

static json_t *residue_answer(void)
{
  json_error_t je;
  json_t *a = json_load_file(rs_t_src("fixtures/out/residue/answer.json"), 0, &je);
  ck_assert_msg(a != NULL, "residue answer.json: %s", je.text);
  return a;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static void fill_random(uint8_t *b, size_t n)
{
  for (size_t i = 0; i < n; i++)
    b[i] = (uint8_t)rnd();
}

static void put_wide(uint8_t *b, const char *s)
{
  for (size_t i = 0; s[i]; i++) {
    b[2 * i] = (uint8_t)s[i];
    b[2 * i + 1] = 0;
  }
}

static char *write_tmp(const char *name, const void *data, size_t n)
{
  static char path[8][4096];
  static int slot;
  char *p = path[slot++ % 8];
  snprintf(p, sizeof path[0], "%s/%s", rs_t_tmpdir(), name);
  FILE *f = fopen(p, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(fwrite(data, 1, n, f), n);
  fclose(f);
  return p;
}

/* ------------------------------------------------------------ bundled rules */

START_TEST(bundled_rules_compile)
{
  struct rs_rules *r = open_rules(true, 0, NULL, 0);
  const char *why = "unset";
  ck_assert_msg(rs_rules_prefiltered(r, &why), "bundled rules not pre-filtered: %s",
                why ? why : "?");
  ck_assert_ptr_null(why);
  ck_assert_int_ge(rs_rules_count(r), 6);
  const char *fams[] = {"code_red_1", "code_red_2", "nimda"};
  int seen[3] = {0};
  for (size_t i = 0; i < rs_rules_count(r); i++) {
    const struct rs_rule_info *ri = rs_rules_info(r, i);
    ck_assert(ri->bundled);
    ck_assert_msg(ri->check && strncmp(ri->check, "RESIDUE-", 8) == 0, "%s: no check id",
                  ri->rule);
    ck_assert_msg(ri->family != NULL, "%s: no family", ri->rule);
    ck_assert(!ri->infected); /* worm bytes in residue: context */
    bool src = false, residue_tag = false;
    for (size_t k = 0; k < ri->nmeta; k++)
      if (strcmp(ri->meta[k].key, "source") == 0)
        src = ri->meta[k].type == RS_META_STRING &&
              strstr(ri->meta[k].str, "codered-artifacts.md section") != NULL;
    for (size_t k = 0; k < ri->ntags; k++)
      residue_tag = residue_tag || strcmp(ri->tags[k], "residue") == 0;
    ck_assert_msg(src, "%s: meta source must cite codered-artifacts.md", ri->rule);
    ck_assert_msg(residue_tag, "%s: no residue tag", ri->rule);
    for (int f = 0; f < 3; f++)
      seen[f] += strcmp(ri->family, fams[f]) == 0;
    ck_assert_str_eq(ri->ns, strrchr(ri->file, '/') + 1);
  }
  for (int f = 0; f < 3; f++)
    ck_assert_msg(seen[f] > 0, "no bundled rule for %s", fams[f]);
  rs_rules_close(r);
}
END_TEST

/* Each residue fixture: the rules that fire, and every planted string at
 * its offset and encoding, nothing else. */
START_TEST(bundled_rules_on_fixtures)
{
  json_t *a = residue_answer();
  struct rs_rules *r = open_rules(true, 0, NULL, 0);
  size_t nrules = rs_rules_count(r);
  bool *fired_somewhere = calloc(nrules, 1);
  json_t *files = json_object_get(a, "files"), *f;
  size_t fi;
  json_array_foreach(files, fi, f)
  {
    const char *name = json_string_value(json_object_get(f, "file"));
    char rel[256];
    snprintf(rel, sizeof rel, "fixtures/out/residue/%s", name);
    size_t len;
    uint8_t *buf = rs_t_slurp(rs_t_src(rel), &len);
    ck_assert_ptr_nonnull(buf);
    struct out o = scan_buf(r, buf, len, 0);
    /* rules fired == answer's rules */
    json_t *want = json_object_get(f, "rules"), *w;
    size_t wi;
    ck_assert_msg(o.rules == json_array_size(want), "%s: %zu rules fired, %zu expected:\n%s",
                  name, o.rules, json_array_size(want), o.text);
    json_array_foreach(want, wi, w)
    {
      char key[128];
      snprintf(key, sizeof key, ":%s strings=", json_string_value(w));
      ck_assert_msg(strstr(o.text, key), "%s: %s did not fire:\n%s", name,
                    json_string_value(w), o.text);
      for (size_t k = 0; k < nrules; k++)
        if (strcmp(rs_rules_info(r, k)->rule, json_string_value(w)) == 0)
          fired_somewhere[k] = true;
    }
    /* every planted string, and no other hit */
    json_t *strs = json_object_get(f, "strings"), *p;
    size_t pi, hits = 0;
    for (const char *c = o.text; (c = strstr(c, "\n  ")) != NULL; c++)
      hits++;
    ck_assert_msg(hits == json_array_size(strs), "%s: %zu hits for %zu planted strings:\n%s",
                  name, hits, json_array_size(strs), o.text);
    json_array_foreach(strs, pi, p)
    {
      char key[256];
      bool wide = strcmp(json_string_value(json_object_get(p, "encoding")), "utf-16le") == 0;
      snprintf(key, sizeof key, "  %s %s @%lld len=%lld wide=%d ",
               json_string_value(json_object_get(p, "rule")),
               json_string_value(json_object_get(p, "string")),
               1000 + json_integer_value(json_object_get(p, "offset")),
               json_integer_value(json_object_get(p, "length")), wide);
      ck_assert_msg(strstr(o.text, key), "%s: missing %s in\n%s", name, key, o.text);
    }
    /* the same through the stream (small odd chunks) and without the pre-filter */
    struct rs_rules *plain = open_rules(false, 0, NULL, 0);
    struct out o2 = scan_buf(plain, buf, len, 4093), o3 = scan_buf(r, buf, len, 777);
    ck_assert_str_eq(o.text, o2.text);
    ck_assert_str_eq(o.text, o3.text);
    rs_rules_close(plain);
    free(o.text);
    free(o2.text);
    free(o3.text);
    free(buf);
  }
  for (size_t k = 0; k < nrules; k++)
    ck_assert_msg(fired_somewhere[k], "bundled rule %s fires on no fixture",
                  rs_rules_info(r, k)->rule);
  free(fired_somewhere);
  rs_rules_close(r);
  json_decref(a);
}
END_TEST

/* The hiberfil's "compressed" pages hold no string the rules know; only the
 * plain page's strings are found (the answer lists the pages). */
START_TEST(bundled_rules_hiberfil_plain_page)
{
  json_t *a = residue_answer(), *f = NULL, *x;
  size_t i;
  json_array_foreach(json_object_get(a, "files"), i, x)
  {
    if (strcmp(json_string_value(json_object_get(x, "kind")), "hiberfil") == 0)
      f = x;
  }
  ck_assert_ptr_nonnull(f);
  json_int_t page = json_integer_value(json_object_get(f, "page_size"));
  json_int_t plain = json_integer_value(json_array_get(json_object_get(f, "plain_pages"), 0));
  json_t *p;
  json_array_foreach(json_object_get(f, "strings"), i, p)
  {
    json_int_t off = json_integer_value(json_object_get(p, "offset"));
    ck_assert_int_eq(off / page, plain);
  }
  size_t len;
  uint8_t *buf = rs_t_slurp(rs_t_src("fixtures/out/residue/hiberfil.sys"), &len);
  ck_assert_ptr_nonnull(buf);
  ck_assert_int_eq(memcmp(buf, "hibr", 4), 0);
  free(buf);
  json_decref(a);
}
END_TEST

/* The request rules skip an NCSA log line (a quote before GET) and take the
 * request anywhere else, at the very start of a buffer too. */
START_TEST(request_rule_skips_ncsa_lines)
{
  json_t *a = residue_answer();
  struct rs_rules *r = open_rules(true, 0, NULL, 0);
  char req[1024];
  size_t n;
  {
    uint8_t *log = rs_t_slurp(rs_t_src("fixtures/out/residue/nc010920.log"), &n);
    ck_assert_ptr_nonnull(log);
    const char *g = strstr((char *)log, "GET /default.ida?N");
    ck_assert_ptr_nonnull(g);
    const char *e = strstr(g, " HTTP/1.0");
    ck_assert_ptr_nonnull(e);
    snprintf(req, sizeof req, "%.*s", (int)(e - g), g);
    ck_assert_int_eq(g[-1], '"');
    struct out o = scan_buf(r, log, n, 0); /* the NCSA log: quoted only */
    ck_assert_msg(o.rules == 0, "fired on an NCSA log:\n%s", o.text);
    free(o.text);
    free(log);
  }
  uint8_t buf[2048];
  memset(buf, ' ', sizeof buf);
  memcpy(buf, req, strlen(req)); /* at offset 0 */
  struct out o = scan_buf(r, buf, sizeof buf, 0);
  ck_assert_msg(o.rules == 1 && strstr(o.text, "CodeRed1_Request $a @1000 "), "%s", o.text);
  free(o.text);
  buf[0] = '"';
  memmove(buf + 1, req, strlen(req));
  o = scan_buf(r, buf, sizeof buf, 0);
  ck_assert_msg(o.rules == 0, "%s", o.text);
  free(o.text);
  rs_rules_close(r);
  json_decref(a);
}
END_TEST

/* Nothing fires anywhere on the clean scenario's disk, read whole and as a
 * stream. */
START_TEST(bundled_rules_clean_disk)
{
  const char *raw = rs_t_scenario_raw("w2k-clean");
  size_t len;
  uint8_t *buf = rs_t_slurp(raw, &len);
  ck_assert_ptr_nonnull(buf);
  ck_assert_int_gt(len, 1 << 20);
  struct rs_rules *r = open_rules(true, 0, NULL, 0);
  struct out o = scan_buf(r, buf, len, 0);
  ck_assert_msg(o.rules == 0, "bundled rules fired on w2k-clean:\n%s", o.text);
  free(o.text);
  o = scan_buf(r, buf, len, (1 << 20) + 7);
  ck_assert_msg(o.rules == 0, "bundled rules fired on w2k-clean (stream):\n%s", o.text);
  free(o.text);
  rs_rules_close(r);
  /* the plain YARA scan agrees (and reads every byte) */
  r = open_rules(false, 0, NULL, 0);
  struct rs_rules_scanner *s;
  struct rs_diag d;
  struct rs_rules_stats st;
  ck_assert_int_eq(rs_rules_scanner_new(r, &s, &d), RS_OK);
  ck_assert_int_eq(rs_rules_scan_mem(s, buf, len, 0, NULL, NULL, &st, &d), RS_OK);
  ck_assert_int_eq(st.rules, 0);
  ck_assert_int_eq(st.yara_bytes, len);
  rs_rules_scanner_free(s);
  rs_rules_close(r);
  free(buf);
}
END_TEST

/* Every scenario disk: only the Nimda rules fire (and the rules of the
 * memory residue files a scenario's answer lists, issue 17), and only where the
 * scenario's answer lists Nimda's Admin.dll or (issue 18) a Nimda page, .eml
 * or marked copy (their fixture stand-ins carry the strings Nimda's files
 * hold; w2k-nimda's httpodbc.dll Nimda.E's); the request rules never fire,
 * though nt4-cleaned's NCSA log holds a Code Red I request (quoted), and
 * W32/Chir.B's page line alone (w2k-chir-decoy) fires none. */
START_TEST(bundled_rules_scenario_disks)
{
  const char *const *names;
  int n = rs_t_scenarios(&names);
  ck_assert_int_ge(n, 8);
  struct rs_rules *r = open_rules(true, 0, NULL, 0);
  int with_admin = 0;
  for (int i = 0; i < n; i++) {
    json_t *a = rs_t_answer(names[i]), *art;
    size_t k;
    bool admin = false, footprint = false;
    json_array_foreach(json_object_get(a, "artifacts"), k, art)
    {
      const char *kind = json_string_value(json_object_get(art, "kind"));
      admin = admin || (kind && strcmp(kind, "nimda-admin-dll") == 0);
      footprint = footprint || (kind && (strcmp(kind, "nimda-eml") == 0 ||
                                         strcmp(kind, "nimda-pe") == 0));
    }
    /* Nimda.E's stand-in (efqpm2300dfhroop) beside Nimda's: both rules */
    const char *fp = json_string_value(
        json_object_get(json_object_get(a, "nimda"), "footprint"));
    unsigned want = (admin || footprint ? 1u : 0u) + (fp && strcmp(fp, "nimda") == 0 ? 1u : 0u);
    /* issue 17: the residue files some scenarios carry fire their own rules */
    bool nimda = admin || footprint, nimda_e = fp && strcmp(fp, "nimda") == 0;
    const char *rn[8];
    unsigned nrn = 0;
    json_t *res, *rule;
    size_t ri;
    json_array_foreach(json_object_get(a, "residue"), k, res)
      json_array_foreach(json_object_get(res, "rules"), ri, rule) {
        const char *x = json_string_value(rule);
        bool seen = (nimda && !strcmp(x, "Nimda")) || (nimda_e && !strcmp(x, "Nimda_E"));
        for (unsigned j = 0; j < nrn; j++)
          seen |= !strcmp(rn[j], x);
        if (!seen && nrn < 8) {
          rn[nrn++] = x;
          want++;
        }
      }
    json_decref(a);
    size_t len;
    uint8_t *buf = rs_t_slurp(rs_t_scenario_raw(names[i]), &len);
    ck_assert_ptr_nonnull(buf);
    struct out o = scan_buf(r, buf, len, (4u << 20) + 1);
    ck_assert_msg(o.rules == want, "%s: %zu rules fired, want %u:\n%s", names[i], o.rules, want,
                  o.text);
    if (admin && !footprint)
      ck_assert_msg(strstr(o.text, "nimda.yar:Nimda strings=1\n  Nimda $exe "), "%s: %s",
                    names[i], o.text);
    with_admin += admin;
    free(o.text);
    free(buf);
  }
  ck_assert_int_ge(with_admin, 1);
  rs_rules_close(r);
}
END_TEST

/* Strings planted across window boundaries and at the edges of the windows'
 * ownership ranges, in random bytes: found once each, at the same offsets,
 * whether the buffer is scanned whole, streamed in odd chunks, pre-filtered
 * or not. */
START_TEST(boundaries_and_equivalence)
{
  const size_t window = 64 << 10, len = 2u << 20;
  struct rs_rules *r = open_rules(true, window, NULL, 0);
  struct rs_rules *plain = open_rules(false, window, NULL, 0);
  size_t ov = rs_rules_overlap(r);
  ck_assert_int_eq(ov, rs_rules_overlap(plain));
  size_t cap = window > 4 * ov ? window : 4 * ov, step = cap - ov;
  uint8_t *buf = malloc(len);
  rng_state = 0x1234567ULL + (uint64_t)_i;
  fill_random(buf, len);
  static const struct {
    const char *rule, *id, *text;
    bool wide;
  } plant[] = {
    {"CodeRed1_Body", "$host", "HOST:www.worm.com", false},
    {"CodeRed1_Body", "$title", "<title>HELLO!</title></head><bady>", true},
    {"CodeRed1_Body", "$welcome", "Welcome to http://www.worm.com !<br><br>Hacked By Chinese!", false},
    {"CodeRed1_Body", "$lysine", "c:\\NOTWORM", true},
    {"CodeRed2_Body", "$atom", "CodeRedII", false},
    {"CodeRed2_Body", "$scripts", "D:\\Inetpub\\Scripts\\root.exe", true},
    {"CodeRed2_Body", "$msadc", "d:\\progra~1\\common~1\\system\\MSADC\\root.exe", false},
    {"Nimda", "$cv", "Concept Virus(CV)\tV.5,  Copyright(C) 2001", false},
    {"Nimda", "$exe", "fsdhqherwqi2001", true},
    {"Nimda", "$eml", "Kz29vb29oWsrLPh4eisrPb09Pb2", false},
    {"Nimda_E", "$exe", "efqpm2300dfhroop", false},
    {"Nimda_E", "$cv", "Concept Virus(CV) V.6, Copyright(C)2001", true},
  };
  size_t np = sizeof plant / sizeof plant[0];
  uint64_t where[16];
  for (size_t i = 0; i < np; i++) {
    size_t k = 1 + i % 3 + 3 * (i / 3); /* boundary k */
    size_t b = k * step;               /* the next window's start */
    size_t L = strlen(plant[i].text) * (plant[i].wide ? 2 : 1);
    /* around the ownership edge b + LB and across the window end b + ov */
    size_t at[] = {b + RS_RULES_LOOKBEHIND - 1, b + RS_RULES_LOOKBEHIND, b + ov - L / 2,
                   b - L / 2, b + ov - 1};
    size_t pos = at[(i + (size_t)_i) % 5];
    if (plant[i].wide)
      put_wide(buf + pos, plant[i].text);
    else
      memcpy(buf + pos, plant[i].text, L);
    buf[pos - 1] = 0;
    buf[pos + L] = 0;
    where[i] = 1000 + pos;
  }
  struct out whole = scan_buf(r, buf, len, 0);
  for (size_t i = 0; i < np; i++) {
    char key[256];
    snprintf(key, sizeof key, "  %s %s @%llu ", plant[i].rule, plant[i].id,
             (unsigned long long)where[i]);
    ck_assert_msg(strstr(whole.text, key), "missing %s in\n%s", key, whole.text);
  }
  size_t chunks[] = {0, 1, 4095, 65536 + 3, len};
  for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
    if (chunks[c] == 1 && _i > 0)
      continue; /* byte by byte once is enough */
    struct out a = scan_buf(r, buf, len, chunks[c]), b = scan_buf(plain, buf, len, chunks[c]);
    ck_assert_msg(strcmp(whole.text, a.text) == 0, "chunk %zu differs:\n%s\n--\n%s", chunks[c],
                  whole.text, a.text);
    ck_assert_msg(strcmp(whole.text, b.text) == 0, "plain chunk %zu differs:\n%s\n--\n%s",
                  chunks[c], whole.text, b.text);
    free(a.text);
    free(b.text);
  }
  /* the caller's own pieces (unallocated space): boundaries at the planted
   * strings (step), one past, pieces shorter than the overlap */
  size_t pieces[] = {4095, 65536 + 3, step, step + 1, ov > 2 ? ov - 1 : 1, len};
  for (size_t c = 0; c < sizeof pieces / sizeof pieces[0]; c++) {
    if (pieces[c] < 4096 && _i > 0)
      continue;
    struct out a = scan_buf_mode(r, buf, len, pieces[c], true);
    ck_assert_msg(strcmp(whole.text, a.text) == 0, "held piece %zu differs:\n%s\n--\n%s",
                  pieces[c], whole.text, a.text);
    free(a.text);
  }
  free(whole.text);
  free(buf);
  rs_rules_close(r);
  rs_rules_close(plain);
}
END_TEST

/* The pre-filter reads far fewer bytes with YARA than a plain scan. */
START_TEST(prefilter_skips_yara)
{
  size_t len;
  uint8_t *buf = rs_t_slurp(rs_t_src("fixtures/out/residue/pagefile.sys"), &len);
  struct rs_rules *r = open_rules(true, 0, NULL, 0);
  struct rs_rules_scanner *s;
  struct rs_diag d;
  struct rs_rules_stats st;
  ck_assert_int_eq(rs_rules_scanner_new(r, &s, &d), RS_OK);
  ck_assert_int_eq(rs_rules_scan_mem(s, buf, len, 0, NULL, NULL, &st, &d), RS_OK);
  ck_assert_int_ge(st.anchors, 14);
  ck_assert_int_ge(st.slices, 1);
  ck_assert_int_lt(st.yara_bytes, len);
  ck_assert_int_eq(st.rules, 6);
  rs_rules_scanner_free(s);
  rs_rules_close(r);
  free(buf);
}
END_TEST

/* ------------------------------------------------------------ user rules */

/* A user rule naming the VERSIONINFO OriginalFilename "Cmd.Exe" (UTF-16LE)
 * fires exactly on the PE fixtures whose answer says so. */
START_TEST(user_rule_finds_known_file)
{
  const char *src = "rule known_cmd : user\n{\n  meta:\n    redsleuth_role = \"infected\"\n"
                    "  strings:\n    $n = \"Cmd.Exe\" wide\n  condition:\n    $n\n}\n";
  const char *path = write_tmp("known.yar", src, strlen(src));
  const char *user[] = {path};
  struct rs_rules *r = open_rules(true, 0, user, 1);
  const struct rs_rule_info *ri = rs_rules_info(r, rs_rules_count(r) - 1);
  ck_assert_str_eq(ri->rule, "known_cmd");
  ck_assert_str_eq(ri->ns, "known.yar");
  ck_assert_str_eq(ri->file, path);
  ck_assert(!ri->bundled);
  ck_assert(ri->infected);
  json_error_t je;
  json_t *a = json_load_file(rs_t_src("fixtures/out/pe/answer.json"), 0, &je), *v;
  ck_assert_ptr_nonnull(a);
  const char *name;
  int yes = 0, no = 0;
  json_object_foreach(a, name, v)
  {
    if (!json_is_object(v))
      continue;
    char rel[256];
    snprintf(rel, sizeof rel, "fixtures/out/pe/%s", name);
    size_t len;
    uint8_t *buf = rs_t_slurp(rs_t_src(rel), &len);
    ck_assert_ptr_nonnull(buf);
    struct out o = scan_buf(r, buf, len, 0);
    const char *of = json_string_value(json_object_get(v, "original_filename"));
    bool want = of && strcmp(of, "Cmd.Exe") == 0;
    ck_assert_msg((strstr(o.text, "known.yar:known_cmd") != NULL) == want, "%s: %s", name,
                  o.text);
    want ? yes++ : no++;
    free(o.text);
    free(buf);
  }
  ck_assert_int_ge(yes, 1);
  ck_assert_int_ge(no, 1);
  json_decref(a);
  rs_rules_close(r);
}
END_TEST

START_TEST(user_rule_syntax_error)
{
  const char *src = "rule ok { condition: true }\n\nrule broken {\n  strings:\n"
                    "    $a = \"x\"\n  condition:\n    $a and\n}\n";
  const char *path = write_tmp("broken.yar", src, strlen(src));
  const char *user[] = {path};
  struct rs_rules_opts o;
  memset(&o, 0, sizeof o);
  o.bundled_dir = rs_t_src("rules");
  struct rs_rules *r = (struct rs_rules *)1;
  struct rs_diag d;
  memset(&d, 0, sizeof d);
  ck_assert_int_eq(rs_rules_open(&o, user, 1, &r, &d), RS_E_USAGE);
  ck_assert_ptr_null(r);
  ck_assert_str_eq(d.where, path);
  /* the error is reported where the parser meets it: the closing brace */
  ck_assert_msg(strncmp(d.what, "line 8: ", 8) == 0, "%s", d.what);
  ck_assert_ptr_nonnull(strstr(d.what, "syntax error"));
  /* a missing file, a folder, an empty list of bundled rules */
  const char *missing[] = {"/nonexistent/x.yar"};
  ck_assert_int_eq(rs_rules_open(&o, missing, 1, &r, &d), RS_E_USAGE);
  ck_assert_str_eq(d.where, "/nonexistent/x.yar");
  const char *dir[] = {rs_t_tmpdir()};
  ck_assert_int_eq(rs_rules_open(&o, dir, 1, &r, &d), RS_E_USAGE);
  char empty[4096];
  snprintf(empty, sizeof empty, "%s/norules", rs_t_tmpdir());
  char mk[8192];
  snprintf(mk, sizeof mk, "mkdir -p '%s'", empty);
  ck_assert_int_eq(rs_t_run(mk, NULL), 0);
  o.bundled_dir = empty;
  ck_assert_int_eq(rs_rules_open(&o, NULL, 0, &r, &d), RS_E_OPEN);
  ck_assert_str_eq(d.where, empty);
  /* an error in a bundled file names it too */
  char bdir[4096];
  snprintf(bdir, sizeof bdir, "%s/badrules", rs_t_tmpdir());
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s' && printf 'rule a {\\n condition: nope\\n}\\n' > '%s/a.yar'",
           bdir, bdir);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  o.bundled_dir = bdir;
  ck_assert_int_eq(rs_rules_open(&o, NULL, 0, &r, &d), RS_E_USAGE);
  ck_assert_ptr_nonnull(strstr(d.where, "/badrules/a.yar"));
  ck_assert_msg(strncmp(d.what, "line 2: ", 8) == 0, "%s", d.what);
  /* bad arguments */
  ck_assert_int_eq(rs_rules_open(&o, NULL, 1, &r, &d), RS_E_USAGE);
  ck_assert_int_eq(rs_rules_open(&o, NULL, 0, NULL, &d), RS_E_USAGE);
}
END_TEST

/* Compiled rules (saved by libyara here) load beside source rules; a damaged
 * compiled file is a usage error naming it. */
START_TEST(user_rule_compiled)
{
  ck_assert_int_eq(yr_initialize(), ERROR_SUCCESS);
  YR_COMPILER *c;
  ck_assert_int_eq(yr_compiler_create(&c), ERROR_SUCCESS);
  ck_assert_int_eq(yr_compiler_add_string(c, "rule compiled_one { strings: $a = \"fsdhq\" "
                                             "condition: $a }", NULL),
                   0);
  YR_RULES *yr;
  ck_assert_int_eq(yr_compiler_get_rules(c, &yr), ERROR_SUCCESS);
  char path[4096];
  snprintf(path, sizeof path, "%s/compiled.yarc", rs_t_tmpdir());
  ck_assert_int_eq(yr_rules_save(yr, path), ERROR_SUCCESS);
  yr_rules_destroy(yr);
  yr_compiler_destroy(c);
  yr_finalize();
  const char *src = "rule source_one { strings: $a = \"herwqi\" condition: $a }\n";
  const char *spath = write_tmp("source.yar", src, strlen(src));
  const char *user[] = {path, spath};
  struct rs_rules *r = open_rules(true, 0, user, 2);
  size_t len;
  uint8_t *buf = rs_t_slurp(rs_t_src("fixtures/out/residue/pagefile.sys"), &len);
  struct out o = scan_buf(r, buf, len, 0);
  /* fsdhqherwqi2001 is planted UTF-16LE: the ASCII user rules do not see it */
  ck_assert_msg(strstr(o.text, ":compiled_one") == NULL, "%s", o.text);
  free(o.text);
  const char *ascii = "xx fsdhqherwqi2001 xx";
  o = scan_buf(r, (const uint8_t *)ascii, strlen(ascii), 0);
  ck_assert_msg(strstr(o.text, "default:compiled_one strings=1") &&
                    strstr(o.text, "source.yar:source_one strings=1") &&
                    strstr(o.text, "nimda.yar:Nimda strings=1"),
                "%s", o.text);
  free(o.text);
  free(buf);
  const struct rs_rule_info *ri = NULL;
  for (size_t i = 0; i < rs_rules_count(r); i++)
    if (strcmp(rs_rules_info(r, i)->rule, "compiled_one") == 0)
      ri = rs_rules_info(r, i);
  ck_assert_ptr_nonnull(ri);
  ck_assert_str_eq(ri->file, path);
  rs_rules_close(r);
  /* damaged: the magic, then garbage */
  const char *bad = write_tmp("damaged.yarc", "YARA\x01\x02\x03garbage-garbage", 20);
  const char *ub[] = {bad};
  struct rs_rules_opts op;
  memset(&op, 0, sizeof op);
  op.bundled_dir = rs_t_src("rules");
  struct rs_diag d;
  ck_assert_int_eq(rs_rules_open(&op, ub, 1, &r, &d), RS_E_USAGE);
  ck_assert_str_eq(d.where, bad);
  ck_assert_ptr_nonnull(strstr(d.what, "compiled rules"));
}
END_TEST

START_TEST(rules_dir_override)
{
  char dir[4096];
  ck_assert_int_eq(setenv(RS_RULES_ENV, rs_t_src("rules"), 1), 0);
  struct rs_diag d;
  ck_assert_int_eq(rs_rules_bundled_dir(dir, sizeof dir, &d), RS_OK);
  ck_assert_str_eq(dir, rs_t_src("rules"));
  struct rs_rules *r = NULL;
  ck_assert_int_eq(rs_rules_open(NULL, NULL, 0, &r, &d), RS_OK); /* found through the env */
  ck_assert_int_ge(rs_rules_count(r), 6);
  rs_rules_close(r);
  ck_assert_int_eq(setenv(RS_RULES_ENV, "/nonexistent/rules", 1), 0);
  ck_assert_int_eq(rs_rules_bundled_dir(dir, sizeof dir, &d), RS_E_USAGE);
  ck_assert_str_eq(d.where, "/nonexistent/rules");
  unsetenv(RS_RULES_ENV);
  /* without the env: the installed folder or the source tree, a real folder */
  ck_assert_int_eq(rs_rules_bundled_dir(dir, sizeof dir, &d), RS_OK);
  ck_assert_int_gt(strlen(dir), 0);
  ck_assert_int_eq(rs_rules_bundled_dir(NULL, 0, &d), RS_E_USAGE);
}
END_TEST

/* Two threads, one rule set, a scanner each: the same answer as one. */
struct thr {
  struct rs_rules *r;
  const uint8_t *buf;
  size_t len;
  char *text;
};

static void *thr_main(void *arg)
{
  struct thr *t = arg;
  struct out o = {0};
  for (int i = 0; i < 5; i++) {
    free(o.text);
    o = scan_buf(t->r, t->buf, t->len, i % 2 ? 0 : 10007);
  }
  t->text = o.text;
  return NULL;
}

START_TEST(rules_threads)
{
  size_t len;
  uint8_t *buf = rs_t_slurp(rs_t_src("fixtures/out/residue/pagefile.sys"), &len);
  struct rs_rules *r = open_rules(true, 0, NULL, 0);
  struct out ref = scan_buf(r, buf, len, 0);
  struct thr t[2] = {{r, buf, len, NULL}, {r, buf, len, NULL}};
  pthread_t th[2];
  for (int i = 0; i < 2; i++)
    ck_assert_int_eq(pthread_create(&th[i], NULL, thr_main, &t[i]), 0);
  for (int i = 0; i < 2; i++) {
    pthread_join(th[i], NULL);
    ck_assert_str_eq(t[i].text, ref.text);
    free(t[i].text);
  }
  free(ref.text);
  rs_rules_close(r);
  free(buf);
}
END_TEST

/* ------------------------------------------------------------ pre-filter */

struct pfhit {
  size_t pos;
  uint32_t id;
};
struct pfhits {
  struct pfhit h[4096];
  size_t n;
};

static bool pf_collect(size_t pos, uint32_t id, size_t len, void *arg)
{
  (void)len;
  struct pfhits *h = arg;
  if (h->n < 4096)
    h->h[h->n++] = (struct pfhit){pos, id};
  return true;
}

static int pfhit_cmp(const void *a, const void *b)
{
  const struct pfhit *x = a, *y = b;
  if (x->pos != y->pos)
    return x->pos < y->pos ? -1 : 1;
  return (int)x->id - (int)y->id;
}

/* Reference: every position, every pattern, byte by byte. */
static void naive(const struct rs_pf_pattern *p, size_t np, const uint8_t *b, size_t len,
                  struct pfhits *out)
{
  out->n = 0;
  for (size_t i = 0; i < len; i++)
    for (size_t k = 0; k < np; k++) {
      size_t w = p[k].wide ? 2 : 1, L = p[k].len * w;
      if (L > len - i)
        continue;
      bool ok = true;
      for (size_t j = 0; j < p[k].len && ok; j++) {
        uint8_t c = b[i + j * w], e = p[k].bytes[j];
        if (p[k].nocase && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
          ok = (c | 0x20) == (e | 0x20);
        else
          ok = c == e;
        if (ok && w == 2)
          ok = b[i + j * 2 + 1] == 0;
      }
      if (ok && out->n < 4096)
        out->h[out->n++] = (struct pfhit){i, p[k].id};
    }
}

START_TEST(prefilter_scalar_avx2_naive)
{
  static const char *const words[] = {"default.ida", "root.exe", "cmd.exe", "Kz29vb29",
                                      "CodeRedII", "AbCdEfG", "\x01\x02\x03\x04\x05\x06\x07",
                                      "aaaaaaaa", "Virus(CV)", "fsdhqherwqi2001"};
  struct rs_pf_pattern p[2 * 10];
  size_t np = 0;
  for (size_t i = 0; i < 10; i++)
    for (int w = 0; w < 2; w++)
      p[np] = (struct rs_pf_pattern){(const uint8_t *)words[i], strlen(words[i]), w == 1,
                                     i % 3 == 0, (uint32_t)np},
      np++;
  struct rs_prefilter *pf;
  struct rs_diag d;
  ck_assert_int_eq(rs_prefilter_new(p, np, &pf, &d), RS_OK);
  ck_assert_int_eq(rs_prefilter_max_len(pf), 30);
  size_t len = 65536 + (size_t)_i * 37;
  uint8_t *b = malloc(len);
  rng_state = 77 + (uint64_t)_i;
  fill_random(b, len);
  /* a mostly-'a' stretch (overlapping "aaaaaaaa"), and plants at block
   * edges, at the very start and the very end */
  memset(b + 1000, 'a', 40);
  for (size_t k = 0; k < 200; k++) {
    size_t w = rnd() % np, L = p[w].len * (p[w].wide ? 2 : 1);
    size_t pos = k == 0 ? 0 : k == 1 ? len - L : (rnd() % (len / 32)) * 32 + rnd() % 4 * 31 % 64;
    if (pos + L > len)
      pos = len - L;
    for (size_t j = 0; j < p[w].len; j++) {
      uint8_t c = p[w].bytes[j];
      if (p[w].nocase && (rnd() & 1) && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
        c ^= 0x20;
      if (p[w].wide) {
        b[pos + 2 * j] = c;
        b[pos + 2 * j + 1] = 0;
      } else {
        b[pos + j] = c;
      }
    }
  }
  static struct pfhits ref, got;
  naive(p, np, b, len, &ref);
  ck_assert_int_ge(ref.n, 150);
  enum rs_pf_impl impls[] = {RS_PF_SCALAR, RS_PF_AVX2};
  for (int m = 0; m < 2; m++) {
    enum rs_pf_impl used = rs_prefilter_use(pf, impls[m]);
    if (impls[m] == RS_PF_AVX2 && used != RS_PF_AVX2) {
      fprintf(stderr, "SKIP avx2: this CPU has no AVX2\n");
      continue;
    }
    got.n = 0;
    ck_assert_int_eq(rs_prefilter_scan(pf, b, len, pf_collect, &got), got.n);
    qsort(got.h, got.n, sizeof got.h[0], pfhit_cmp);
    ck_assert_msg(got.n == ref.n, "%s: %zu hits, reference %zu", rs_pf_impl_name(used), got.n,
                  ref.n);
    ck_assert_int_eq(memcmp(got.h, ref.h, ref.n * sizeof ref.h[0]), 0);
  }
  /* short buffers (the AVX2 loop's tail) */
  for (size_t l = 0; l < 80; l++) {
    naive(p, np, b + 1000 - 20, l, &ref);
    got.n = 0;
    rs_prefilter_scan(pf, b + 1000 - 20, l, pf_collect, &got);
    qsort(got.h, got.n, sizeof got.h[0], pfhit_cmp);
    ck_assert_int_eq(got.n, ref.n);
    ck_assert_int_eq(memcmp(got.h, ref.h, ref.n * sizeof ref.h[0]), 0);
  }
  free(b);
  rs_prefilter_free(pf);
  /* unusable patterns: under 7 bytes */
  struct rs_pf_pattern shortp = {(const uint8_t *)"abcdef", 6, false, false, 0};
  ck_assert_int_eq(rs_prefilter_new(&shortp, 1, &pf, &d), RS_E_USAGE);
  shortp.len = 4;
  shortp.wide = true; /* 8 bytes wide: fine */
  ck_assert_int_eq(rs_prefilter_new(&shortp, 1, &pf, &d), RS_OK);
  rs_prefilter_free(pf);
  ck_assert_int_eq(rs_prefilter_new(NULL, 1, &pf, &d), RS_E_USAGE);
}
END_TEST

/* ------------------------------------------------------------ hash sets */

static void digest_file(const char *path, const EVP_MD *md, char hex[65])
{
  size_t len;
  uint8_t *buf = rs_t_slurp(path, &len);
  ck_assert_ptr_nonnull(buf);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  ck_assert_int_eq(EVP_Digest(buf, len, out, &n, md, NULL), 1);
  rs_hex(out, n, hex);
  free(buf);
}

/* A hash set written from fixtures/out/pe/answer.json finds the files whose
 * digests OpenSSL computes here, by MD5 and SHA-256, with their names. */
START_TEST(hashset_finds_known_file)
{
  json_error_t je;
  json_t *a = json_load_file(rs_t_src("fixtures/out/pe/answer.json"), 0, &je), *v;
  ck_assert_ptr_nonnull(a);
  char text[8192] = "# known files (fixtures/out/pe/answer.json)\n";
  const char *name;
  int k = 0;
  json_object_foreach(a, name, v)
  {
    if (!json_is_object(v) || strncmp(name, "cmd_", 4) != 0)
      continue;
    size_t l = strlen(text);
    /* md5sum style for one, "digest,name" for the other */
    bool md5 = k++ % 2 == 1;
    snprintf(text + l, sizeof text - l, md5 ? "%s *%s\n" : "%s,%s copy\n",
             json_string_value(json_object_get(v, md5 ? "md5" : "sha256")), name);
  }
  ck_assert_int_eq(k, 2);
  const char *path = write_tmp("known.hash", text, strlen(text));
  struct rs_hashset *hs = rs_hashset_new();
  struct rs_hashset_stats st;
  struct rs_diag d;
  ck_assert_int_eq(rs_hashset_load(hs, path, &st, &d), RS_OK);
  ck_assert_int_eq(st.bad_lines, 0);
  ck_assert_int_eq(st.entries[RS_DIGEST_MD5] + st.entries[RS_DIGEST_SHA256], 2);
  struct rs_hashset_hit hit;
  ck_assert(!rs_hashset_lookup_hex(hs, "00", &hit)); /* not sealed, and not a digest */
  ck_assert_int_eq(rs_hashset_seal(hs), 0);
  int found = 0;
  json_object_foreach(a, name, v)
  {
    if (!json_is_object(v))
      continue;
    char rel[256], md5[65], sha[65];
    snprintf(rel, sizeof rel, "fixtures/out/pe/%s", name);
    digest_file(rs_t_src(rel), EVP_md5(), md5);
    digest_file(rs_t_src(rel), EVP_sha256(), sha);
    bool m = rs_hashset_lookup_hex(hs, md5, &hit), s = rs_hashset_lookup_hex(hs, sha, &hit);
    if (strncmp(name, "cmd_", 4) != 0) {
      ck_assert_msg(!m && !s, "%s matched", name);
      continue;
    }
    ck_assert_msg(m || s, "%s not found", name);
    ck_assert_str_eq(hit.set, path);
    ck_assert_ptr_nonnull(strstr(hit.name, name));
    ck_assert_str_eq(hit.hex, m ? md5 : sha);
    ck_assert_int_eq(hit.kind, m ? RS_DIGEST_MD5 : RS_DIGEST_SHA256);
    found++;
  }
  ck_assert_int_eq(found, 2);
  rs_hashset_free(hs);
  json_decref(a);
}
END_TEST

START_TEST(hashset_formats)
{
  char longline[RS_HASHSET_LINE_MAX + 100];
  memset(longline, 'a', sizeof longline - 2);
  longline[sizeof longline - 2] = '\n';
  longline[sizeof longline - 1] = '\0';
  struct rs_buf b;
  rs_buf_init(&b, 1 << 20);
  rs_buf_adds(&b, "\xef\xbb\xbf# comment\n\n"
                  "D41D8CD98F00B204E9800998ECF8427E  empty file\r\n"            /* md5, upper */
                  "da39a3ee5e6b4b0d3255bfef95601890afd80709\tempty sha1\n"      /* sha1, tab */
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n" /* no name */
                  "SHA256 (bsd style) = 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\n"
                  "not a digest line\n"
                  "d41d8cd98f00b204e9800998ecf8427e;repeated md5 (dropped)\n"
                  "0123456789abcdef0123456789abcdeX bad hex\n");
  rs_buf_adds(&b, longline);
  rs_buf_adds(&b, "900150983cd24fb0d6963f7d28e17f72 abc"); /* last line without newline */
  struct rs_hashset *hs = rs_hashset_new();
  struct rs_hashset_stats st;
  struct rs_diag d;
  ck_assert_int_eq(rs_hashset_load_mem(hs, "mixed.txt", (const uint8_t *)b.data, b.len, &st, &d),
                   RS_OK);
  ck_assert(!st.nsrl);
  ck_assert_int_eq(st.entries[RS_DIGEST_MD5], 3);
  ck_assert_int_eq(st.entries[RS_DIGEST_SHA1], 1);
  ck_assert_int_eq(st.entries[RS_DIGEST_SHA256], 2);
  ck_assert_int_eq(st.bad_lines, 3);
  ck_assert_int_eq(st.first_bad_line, 7);
  ck_assert_int_eq(st.lines, 11);
  ck_assert_int_eq(rs_hashset_seal(hs), 1);
  ck_assert_int_eq(rs_hashset_count(hs, RS_DIGEST_MD5), 2);
  struct rs_hashset_hit h;
  ck_assert(rs_hashset_lookup_hex(hs, "d41d8cd98f00b204e9800998ecf8427e", &h));
  ck_assert_str_eq(h.name, "empty file"); /* the first copy wins */
  ck_assert_str_eq(h.set, "mixed.txt");
  ck_assert(rs_hashset_lookup_hex(hs, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", &h));
  ck_assert_str_eq(h.name, "empty sha1");
  ck_assert_str_eq(h.hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  ck_assert(rs_hashset_lookup_hex(hs, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", &h));
  ck_assert_str_eq(h.name, "");
  ck_assert(rs_hashset_lookup_hex(hs, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", &h));
  ck_assert_str_eq(h.name, "bsd style");
  ck_assert(rs_hashset_lookup_hex(hs, "900150983cd24fb0d6963f7d28e17f72", &h));
  ck_assert(!rs_hashset_lookup_hex(hs, "900150983cd24fb0d6963f7d28e17f73", &h));
  ck_assert(!rs_hashset_lookup_hex(hs, "xyz", &h));
  ck_assert_int_eq(rs_hashset_load_mem(hs, "late", (const uint8_t *)"", 0, &st, &d), RS_E_USAGE);
  rs_hashset_free(hs);
  rs_buf_free(&b);
}
END_TEST

START_TEST(hashset_nsrl)
{
  const char *csv =
      "\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\",\"ProductCode\",\"OpSystemCode\","
      "\"SpecialCode\"\r\n"
      "\"0000002D9D62AEBE1E0E9DB6C4C4C7C16A163D2C\",\"1D6EBB5A789ABD108FF578263E1F40F3\","
      "\"FFFFFFFF\",\"_sfx_0024._p\",4109,21000,\"358\",\"\"\r\n"
      "\"00000142988AFA836117B1B572FAE4713F200567\",\"9B3702B0E788C6D62996392FE3C9786A\","
      "\"05E566DF\",\"J0180794.JPG, \"\"quoted\"\"\",32768,16848,\"358\",\"1\"\r\n"
      "\"nothex\",\"alsonot\",\"0\",\"x\",1,1,\"1\",\"\"\r\n";
  struct rs_hashset *hs = rs_hashset_new();
  struct rs_hashset_stats st;
  struct rs_diag d;
  ck_assert_int_eq(rs_hashset_load_mem(hs, "NSRLFile.txt", (const uint8_t *)csv, strlen(csv), &st,
                                       &d),
                   RS_OK);
  ck_assert(st.nsrl);
  ck_assert_int_eq(st.entries[RS_DIGEST_SHA1], 2);
  ck_assert_int_eq(st.entries[RS_DIGEST_MD5], 2);
  ck_assert_int_eq(st.bad_lines, 1);
  ck_assert_int_eq(st.first_bad_line, 4);
  rs_hashset_seal(hs);
  struct rs_hashset_hit h;
  ck_assert(rs_hashset_lookup_hex(hs, "9b3702b0e788c6d62996392fe3c9786a", &h));
  ck_assert_str_eq(h.name, "J0180794.JPG, \"quoted\"");
  ck_assert_int_eq(h.kind, RS_DIGEST_MD5);
  ck_assert(rs_hashset_lookup_hex(hs, "0000002d9d62aebe1e0e9db6c4c4c7c16a163d2c", &h));
  ck_assert_str_eq(h.name, "_sfx_0024._p");
  rs_hashset_free(hs);
  /* not a hash set at all; a missing file */
  hs = rs_hashset_new();
  const char *txt = "hello\nworld\n";
  ck_assert_int_eq(rs_hashset_load_mem(hs, "notes.txt", (const uint8_t *)txt, strlen(txt), &st,
                                       &d),
                   RS_E_FORMAT);
  ck_assert_str_eq(d.where, "notes.txt");
  ck_assert_ptr_nonnull(strstr(d.what, "line 1"));
  ck_assert_int_eq(rs_hashset_load(hs, "/nonexistent/set.txt", &st, &d), RS_E_OPEN);
  ck_assert_int_eq(rs_hashset_load(hs, rs_t_tmpdir(), &st, &d), RS_E_OPEN);
  ck_assert_int_eq(rs_hashset_load(NULL, "x", &st, &d), RS_E_USAGE);
  ck_assert(!rs_hashset_lookup(NULL, RS_DIGEST_MD5, (const uint8_t *)"0123456789abcdef", &h));
  rs_hashset_free(hs);
  rs_hashset_free(NULL);
}
END_TEST

/* ------------------------------------------------------------ carving */

#define MAXC 64
struct carved {
  uint64_t off, fields_off, date_off;
  char text[512], utc[RS_TIME_ISO_MAX], ip[64], stem[256];
  bool wide, whole, parsed, backdoor, has_fields, has_date, is_utc;
  enum rs_logfmt fmt;
  enum rs_carve_date from;
  int status;
};
struct carvings {
  struct carved c[MAXC];
  size_t n;
};

static void carve_collect(const struct rs_carved *c, void *arg)
{
  struct carvings *k = arg;
  ck_assert_int_lt(k->n, MAXC);
  struct carved *x = &k->c[k->n++];
  memset(x, 0, sizeof *x);
  x->off = c->offset;
  snprintf(x->text, sizeof x->text, "%s", c->text);
  ck_assert_int_eq(strlen(c->text), c->len);
  ck_assert_int_eq(c->raw_len, c->len * (c->wide ? 2 : 1));
  x->wide = c->wide;
  x->whole = c->whole;
  x->parsed = c->parsed;
  x->fmt = c->format;
  x->from = c->date_from;
  x->has_fields = c->fields != NULL;
  x->has_date = c->date_hdr != NULL;
  x->fields_off = c->fields_offset;
  x->date_off = c->date_offset;
  if (c->parsed) {
    rs_time_iso(&c->rec.when, x->utc);
    snprintf(x->ip, sizeof x->ip, "%s", c->rec.client_ip);
    snprintf(x->stem, sizeof x->stem, "%s", c->rec.stem);
    x->status = c->rec.status;
    x->backdoor = c->rec.backdoor_use;
    x->is_utc = c->rec.utc;
  }
}

static const char *fmt_key(enum rs_logfmt f)
{
  return f == RS_LOGFMT_UNKNOWN ? "unknown" : rs_logfmt_name(f);
}

/* Each keyword line of the answer carved once, equal to the original log's
 * line, parsed as the answer says (time, client, stem, status, backdoor use,
 * where the date came from). */
static void check_carvings(json_t *file, const struct carvings *k)
{
  json_t *lines = json_object_get(file, "lines"), *l;
  size_t i;
  ck_assert_msg(k->n == json_array_size(lines), "%s: %zu lines carved, %zu expected",
                json_string_value(json_object_get(file, "file")), k->n, json_array_size(lines));
  json_array_foreach(lines, i, l)
  {
    const struct carved *c = &k->c[i];
    const char *text = json_string_value(json_object_get(l, "text"));
    ck_assert_int_eq(c->off, json_integer_value(json_object_get(l, "offset")));
    ck_assert_str_eq(c->text, text);
    ck_assert_int_eq(c->wide, json_is_true(json_object_get(l, "wide")));
    ck_assert_int_eq(c->whole, json_is_true(json_object_get(l, "whole")));
    ck_assert_int_eq(c->parsed, json_is_true(json_object_get(l, "parsed")));
    ck_assert_str_eq(fmt_key(c->fmt), json_string_value(json_object_get(l, "format")));
    ck_assert_str_eq(rs_carve_date_name(c->from),
                     json_string_value(json_object_get(l, "date_from")));
    const char *log = json_string_value(json_object_get(l, "log"));
    if (log) {
      /* the original log holds this very line */
      char rel[256], needle[600];
      snprintf(rel, sizeof rel, "fixtures/out/residue/%s", log);
      size_t n;
      char *orig = (char *)rs_t_slurp(rs_t_src(rel), &n);
      ck_assert_ptr_nonnull(orig);
      snprintf(needle, sizeof needle, "\n%s\r\n", text);
      ck_assert_msg(strstr(orig, needle), "%s: no line %s", log, text);
      free(orig);
    }
    if (!c->parsed)
      continue;
    ck_assert_str_eq(c->utc, json_string_value(json_object_get(l, "utc")));
    ck_assert_str_eq(c->ip, json_string_value(json_object_get(l, "ip")));
    ck_assert_str_eq(c->stem, json_string_value(json_object_get(l, "stem")));
    ck_assert_int_eq(c->status, json_integer_value(json_object_get(l, "status")));
    ck_assert_int_eq(c->backdoor, json_is_true(json_object_get(l, "backdoor_use")));
  }
}

static json_t *answer_file(json_t *a, const char *name)
{
  json_t *f;
  size_t i;
  json_array_foreach(json_object_get(a, "files"), i, f)
  {
    if (strcmp(json_string_value(json_object_get(f, "file")), name) == 0)
      return f;
  }
  ck_abort_msg("no %s in the residue answer", name);
  return NULL;
}

START_TEST(carve_deleted_logs)
{
  json_t *a = residue_answer();
  const char *files[] = {"unalloc.bin", "pagefile.sys", "user.dmp", "hiberfil.sys"};
  for (int fi = 0; fi < 4; fi++) {
    char rel[256];
    snprintf(rel, sizeof rel, "fixtures/out/residue/%s", files[fi]);
    size_t len;
    uint8_t *buf = rs_t_slurp(rs_t_src(rel), &len);
    ck_assert_ptr_nonnull(buf);
    struct rs_carver *c;
    struct rs_diag d;
    ck_assert_int_eq(rs_carver_new(NULL, &c, &d), RS_OK);
    static struct carvings k;
    k.n = 0;
    struct rs_carve_stats st;
    memset(&st, 0, sizeof st);
    ck_assert_int_eq(rs_carver_scan(c, buf, len, 0, true, carve_collect, &k, &st, &d), RS_OK);
    check_carvings(answer_file(a, files[fi]), &k);
    ck_assert_int_eq(st.lines, k.n);
    ck_assert_int_ge(st.hits, st.lines);
    /* the headers used precede the line, in the same file */
    for (size_t i = 0; i < k.n; i++)
      if (k.c[i].fmt == RS_LOGFMT_W3C) {
        ck_assert(k.c[i].has_fields && k.c[i].has_date);
        ck_assert_int_lt(k.c[i].fields_off, k.c[i].off);
        ck_assert_int_lt(k.c[i].date_off, k.c[i].fields_off);
      }
    rs_carver_free(c);
    free(buf);
  }
  json_decref(a);
}
END_TEST

/* Lines carved from a region read whole and in overlapping pieces agree. */
START_TEST(carve_pieces_equal_whole)
{
  size_t len;
  uint8_t *unalloc = rs_t_slurp(rs_t_src("fixtures/out/residue/unalloc.bin"), &len);
  uint8_t *page = NULL;
  size_t plen;
  page = rs_t_slurp(rs_t_src("fixtures/out/residue/pagefile.sys"), &plen);
  const size_t big = 1500 << 10;
  uint8_t *buf = malloc(big);
  rng_state = 4242;
  fill_random(buf, big);
  /* copies of the blobs at awkward places, one straddling each piece edge */
  size_t at[] = {1000, 150 << 10, (300 << 10) - 7000, (600 << 10) - 3, 1000 << 10,
                 big - len};
  for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
    memcpy(buf + at[i], i % 2 ? page + 21 * 4096 - 100 : unalloc,
           i % 2 ? 26 * 4096 - (21 * 4096 - 100) : len);
  struct rs_carver *c;
  struct rs_diag d;
  ck_assert_int_eq(rs_carver_new(NULL, &c, &d), RS_OK);
  static struct carvings whole, parts;
  whole.n = parts.n = 0;
  ck_assert_int_eq(rs_carver_scan(c, buf, big, 5000, true, carve_collect, &whole, NULL, &d), RS_OK);
  ck_assert_int_ge(whole.n, 20);
  rs_carver_reset(c);
  size_t piece = 300 << 10, step = piece - RS_CARVE_OVERLAP;
  for (size_t off = 0;; off += step) {
    bool last = off + piece >= big;
    size_t n = last ? big - off : piece;
    ck_assert_int_eq(rs_carver_scan(c, buf + off, n, 5000 + off, last, carve_collect, &parts,
                                    NULL, &d),
                     RS_OK);
    if (last)
      break;
  }
  ck_assert_int_eq(parts.n, whole.n);
  for (size_t i = 0; i < whole.n; i++) {
    ck_assert_int_eq(parts.c[i].off, whole.c[i].off);
    ck_assert_str_eq(parts.c[i].text, whole.c[i].text);
    ck_assert_int_eq(parts.c[i].parsed, whole.c[i].parsed);
    ck_assert_int_eq(parts.c[i].from, whole.c[i].from);
    ck_assert_str_eq(parts.c[i].utc, whole.c[i].utc);
    ck_assert_int_eq(parts.c[i].whole, whole.c[i].whole);
  }
  rs_carver_free(c);
  free(buf);
  free(unalloc);
  free(page);
}
END_TEST

/* One line by hand: limits, a W3C line without a date column and no #Date
 * (stays undated), a non-text hit. */
START_TEST(carve_single_lines)
{
  struct rs_carver *c;
  struct rs_diag d;
  ck_assert_int_eq(rs_carver_new(NULL, &c, &d), RS_OK);
  static struct carvings k;
  const char *t = "#Fields: time c-ip cs-method cs-uri-stem sc-status\r\n"
                  "10:11:12 192.0.2.7 GET /scripts/root.exe 200\r\n";
  k.n = 0;
  size_t hit = (size_t)(strstr(t, "root.exe") - t);
  ck_assert_int_eq(rs_carve_line(c, (const uint8_t *)t, strlen(t), 0, hit, false, carve_collect,
                                 &k, &d),
                   RS_OK);
  ck_assert_int_eq(k.n, 1);
  ck_assert_str_eq(k.c[0].text, "10:11:12 192.0.2.7 GET /scripts/root.exe 200");
  ck_assert(k.c[0].parsed && k.c[0].whole && k.c[0].backdoor);
  ck_assert_int_eq(k.c[0].from, RS_CARVE_DATE_NONE);
  /* a NUL at the hit: nothing */
  uint8_t z[64] = {0};
  k.n = 0;
  ck_assert_int_eq(rs_carve_line(c, z, sizeof z, 0, 10, false, carve_collect, &k, &d), RS_OK);
  ck_assert_int_eq(k.n, 0);
  /* a line longer than the limit on both sides: cut, not whole */
  size_t n = 3 * RS_CARVE_LINE_MAX;
  char *longl = malloc(n + 1);
  memset(longl, 'x', n);
  memcpy(longl + n / 2, "cmd.exe", 7);
  k.n = 0;
  ck_assert_int_eq(rs_carver_scan(c, (const uint8_t *)longl, n, 0, true, carve_collect, &k, NULL,
                                  &d),
                   RS_OK);
  ck_assert_int_eq(k.n, 1);
  ck_assert(!k.c[0].whole);
  ck_assert_int_eq(k.c[0].off, n / 2 - RS_CARVE_LINE_MAX);
  free(longl);
  ck_assert_int_eq(rs_carve_line(c, z, sizeof z, 0, 64, false, NULL, NULL, &d), RS_E_USAGE);
  ck_assert_int_eq(rs_carver_scan(NULL, z, 1, 0, true, NULL, NULL, NULL, &d), RS_E_USAGE);
  rs_carver_free(c);
  rs_carver_free(NULL);
}
END_TEST

/* IIS native lines are local time: with the host's zone (US Eastern, DST
 * rule) the carver gives UTC, DST in August and not in January; without a
 * zone (NULL, or one not known) the time stays as written and not UTC. */
START_TEST(carve_iis_native_zone)
{
  struct rs_tz et;
  memset(&et, 0, sizeof et);
  et.known = true;
  et.bias = 300;
  et.daylight_bias = -60;
  et.daylight_start = (struct rs_systemtime){0, 4, 0, 1, 2, 0, 0, 0};
  et.standard_start = (struct rs_systemtime){0, 10, 0, 5, 2, 0, 0, 0};
  struct rs_tz unknown;
  memset(&unknown, 0, sizeof unknown);
  const char *t = "192.0.2.9, -, 8/1/01, 10:03:11, W3SVC1, NTIIS4, 192.0.2.80, 10, 412, 3243, "
                  "404, 2, GET, /default.ida, NNNN%u9090=a,\r\n"
                  "192.0.2.9, -, 1/15/02, 10:03:11, W3SVC1, NTIIS4, 192.0.2.80, 10, 412, 3243, "
                  "200, 0, GET, /scripts/root.exe, /c+dir,\r\n";
  const struct {
    const struct rs_tz *tz;
    bool utc;
    const char *aug, *jan;
  } cases[] = {
      {&et, true, "2001-08-01T14:03:11", "2002-01-15T15:03:11"},
      {NULL, false, "2001-08-01T10:03:11", "2002-01-15T10:03:11"},
      {&unknown, false, "2001-08-01T10:03:11", "2002-01-15T10:03:11"},
  };
  static struct carvings k;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct rs_carver *c;
    struct rs_diag d;
    ck_assert_int_eq(rs_carver_new(cases[i].tz, &c, &d), RS_OK);
    k.n = 0;
    ck_assert_int_eq(rs_carver_scan(c, (const uint8_t *)t, strlen(t), 0, true, carve_collect, &k,
                                    NULL, &d),
                     RS_OK);
    ck_assert_int_eq(k.n, 2);
    for (size_t j = 0; j < 2; j++) {
      ck_assert(k.c[j].parsed);
      ck_assert_int_eq(k.c[j].fmt, RS_LOGFMT_IIS);
      ck_assert_int_eq(k.c[j].from, RS_CARVE_DATE_LINE);
      ck_assert_int_eq(k.c[j].is_utc, cases[i].utc);
    }
    /* the clock time (the UTC flag is checked above) */
    ck_assert_msg(strncmp(k.c[0].utc, cases[i].aug, 19) == 0, "case %zu: %s",
                  i, k.c[0].utc);
    ck_assert_msg(strncmp(k.c[1].utc, cases[i].jan, 19) == 0, "case %zu: %s",
                  i, k.c[1].utc);
    ck_assert(k.c[1].backdoor);
    rs_carver_free(c);
  }
}
END_TEST

/* ------------------------------------------- content scan in rs_scan (issue 17) */

#include "redsleuth/scan.h"
#include "redsleuth/writer.h"

/* A scan of scenario scen with the user's rules and sets; the report (the
 * caller json_decref's it). */
static json_t *content_scan(const char *scen, const char *const *yara, int nyara,
                            const char *const *sets, int nsets, uint64_t max)
{
  const char *img = rs_t_scenario_raw(scen);
  struct rs_run_opts o;
  rs_run_opts_init(&o);
  const char *segs[] = {img};
  o.segs = segs;
  o.nseg = 1;
  o.no_hash = true;
  o.yara = yara;
  o.nyara = nyara;
  o.hashsets = sets;
  o.nhashset = nsets;
  o.max_file_size = max;
  json_t *rep = NULL;
  struct rs_diag d;
  memset(&d, 0, sizeof d);
  enum rs_err e = rs_scan(&o, &rep, &d);
  ck_assert_msg(e == RS_OK, "rs_scan %s: %s: %s", scen, d.where, d.what);
  return rep;
}

/* The findings of one check. */
static size_t findings_of(const json_t *rep, const char *check, const json_t **out, size_t max)
{
  size_t n = 0, i;
  const json_t *f;
  json_array_foreach(json_object_get(rep, "findings"), i, f)
  {
    if (strcmp(json_string_value(json_object_get(f, "check")), check) == 0 && n < max)
      out[n++] = f;
  }
  return n;
}

/* The artifact of answer.json at (volume, path). */
static const json_t *answer_artifact(const json_t *a, int vol, const char *path)
{
  size_t i;
  const json_t *x;
  json_array_foreach(json_object_get(a, "artifacts"), i, x)
  {
    if (json_integer_value(json_object_get(x, "volume")) == vol &&
        strcmp(json_string_value(json_object_get(x, "path")), path) == 0)
      return x;
  }
  return NULL;
}

/* root.exe's own bytes (by icat) make a user rule: the scan names the file,
 * its MFT entry, SHA-256 and the offset where the bytes are. */
START_TEST(scan_user_rule_names_file)
{
  if (!rs_t_have_tsk() || !rs_t_have("icat")) {
    printf("scan_user_rule_names_file: skipped (no icat)\n");
    return;
  }
  const char *img = rs_t_scenario_raw("w2k-cr2-used");
  json_t *a = rs_t_answer("w2k-cr2-used");
  uint64_t part = (uint64_t)json_integer_value(
      json_object_get(json_array_get(json_object_get(a, "volumes"), 0), "start_sector"));
  const char *rp = "/Inetpub/scripts/root.exe";
  uint64_t inum = rs_t_tsk_inode(img, part, rp);
  char cmd[8192], out[4096];
  snprintf(out, sizeof out, "%s/rootexe.bin", rs_t_tmpdir());
  snprintf(cmd, sizeof cmd, "icat -o %llu '%s' %llu > '%s'", (unsigned long long)part, img,
           (unsigned long long)inum, out);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  size_t len;
  uint8_t *buf = rs_t_slurp(out, &len);
  ck_assert_ptr_nonnull(buf);
  ck_assert_uint_gt(len, 256);
  /* 24 bytes from the middle of the file, as a hex string; where they first are */
  size_t at = len / 2;
  char rule[512] = "rule RootExe_Middle : fixture\n{\n  meta:\n    note = \"from icat\"\n"
                   "    weight = 7\n  strings:\n    $mid = { ";
  for (size_t i = 0; i < 24; i++)
    snprintf(rule + strlen(rule), sizeof rule - strlen(rule), "%02X ", buf[at + i]);
  strncat(rule, "}\n  condition:\n    $mid\n}\n", sizeof rule - strlen(rule) - 1);
  const uint8_t *first = memmem(buf, len, buf + at, 24);
  ck_assert_ptr_nonnull(first);
  const char *path = write_tmp("rootexe.yar", rule, strlen(rule));
  const char *yara[] = {path};
  json_t *rep = content_scan("w2k-cr2-used", yara, 1, NULL, 0, 0);
  const json_t *f[64];
  size_t n = findings_of(rep, "YARA-MATCH", f, 64);
  ck_assert_uint_ge(n, 1);
  const json_t *hit = NULL;
  for (size_t i = 0; i < n; i++) {
    const json_t *det = json_object_get(f[i], "details");
    ck_assert_str_eq(json_string_value(json_object_get(det, "rule")), "RootExe_Middle");
    ck_assert_str_eq(json_string_value(json_object_get(det, "namespace")), "rootexe.yar");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(det, "tags"), 0)),
                     "fixture");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(det, "meta"), "weight")), 7);
    ck_assert_str_eq(json_string_value(json_object_get(det, "role")), "context");
    if (strcmp(json_string_value(json_object_get(f[i], "path")), "C:\\Inetpub\\scripts\\root.exe") == 0)
      hit = f[i];
  }
  ck_assert_msg(hit != NULL, "no YARA-MATCH on C:\\Inetpub\\scripts\\root.exe");
  ck_assert_int_eq(json_integer_value(json_object_get(hit, "mft_entry")), (json_int_t)inum);
  ck_assert_int_eq(json_integer_value(json_object_get(hit, "volume")), 0);
  ck_assert_str_eq(json_string_value(json_object_get(hit, "sha256")),
                   json_string_value(json_object_get(answer_artifact(a, 0, rp), "sha256")));
  const json_t *m0 = json_array_get(json_object_get(json_object_get(hit, "details"), "matches"), 0);
  ck_assert_str_eq(json_string_value(json_object_get(m0, "string")), "$mid");
  ck_assert_int_eq(json_integer_value(json_object_get(m0, "offset")), (json_int_t)(first - buf));
  ck_assert_int_eq(json_integer_value(json_object_get(m0, "length")), 24);
  /* a context finding leaves the verdict alone */
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rep, "verdict"), "status")),
                   json_string_value(json_object_get(a, "verdict")));
  const json_t *cs = json_object_get(rep, "content_scan");
  ck_assert_int_eq(json_integer_value(json_object_get(cs, "rules")), 1);
  ck_assert_int_gt(json_integer_value(json_object_get(cs, "files_scanned")), 10);
  json_decref(rep);
  json_decref(a);
  free(buf);
}
END_TEST

/* redsleuth_role = "infected": a clean host whose cmd.exe a user rule marks
 * infected is infected, with that finding as the reason. */
START_TEST(scan_user_rule_infected_role)
{
  const char *src = "rule Marked { meta: redsleuth_role = \"infected\" strings: $a = \"This program\" "
                    "condition: uint16(0) == 0x5A4D and $a }\n";
  const char *path = write_tmp("marked.yar", src, strlen(src));
  const char *yara[] = {path};
  json_t *plain = content_scan("w2k-clean", NULL, 0, NULL, 0, 0);
  const char *before =
      json_string_value(json_object_get(json_object_get(plain, "verdict"), "status"));
  ck_assert_str_ne(before, "infected");
  ck_assert_ptr_null(json_object_get(plain, "content_scan"));
  json_t *rep = content_scan("w2k-clean", yara, 1, NULL, 0, 0);
  const json_t *v = json_object_get(rep, "verdict");
  ck_assert_str_eq(json_string_value(json_object_get(v, "status")), "infected");
  const json_t *f[64];
  size_t n = findings_of(rep, "YARA-MATCH", f, 64);
  ck_assert_uint_ge(n, 1);
  size_t i;
  const json_t *r;
  size_t yr = 0;
  json_array_foreach(json_object_get(v, "reasons"), i, r)
  yr += strncmp(json_string_value(r), "YARA-MATCH-", 11) == 0;
  ck_assert_uint_ge(yr, 1);
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(f[0], "details"), "role")),
                   "infected");
  json_decref(plain);
  json_decref(rep);
}
END_TEST

/* Hash sets made from answer.json: a sha256sum-style list and an NSRL CSV
 * (its MD5 column); --max-file-size below the files' size skips and counts. */
START_TEST(scan_hashset_and_size_cap)
{
  json_t *a = rs_t_answer("w2k-cr2-used");
  const json_t *root = answer_artifact(a, 0, "/Inetpub/scripts/root.exe");
  const json_t *expl = answer_artifact(a, 0, "/WINNT/explorer.exe");
  ck_assert_ptr_nonnull(root);
  ck_assert_ptr_nonnull(expl);
  char text[512], csv[1024];
  snprintf(text, sizeof text, "%s  root.exe copy\n",
           json_string_value(json_object_get(root, "sha256")));
  snprintf(csv, sizeof csv,
           "\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\",\"ProductCode\",\"OpSystemCode\","
           "\"SpecialCode\"\n\"%040d\",\"%s\",\"00000000\",\"explorer.exe\",1,1,\"WIN\",\"\"\n",
           0, json_string_value(json_object_get(expl, "md5")));
  const char *sets[] = {write_tmp("known.sha256", text, strlen(text)),
                        write_tmp("nsrl.csv", csv, strlen(csv))};
  json_t *rep = content_scan("w2k-cr2-used", NULL, 0, sets, 2, 0);
  const json_t *f[64];
  size_t n = findings_of(rep, "HASHSET-MATCH", f, 64);
  /* every artifact with root.exe's SHA-256 or explorer's MD5, and nothing else */
  size_t want = 0, i;
  const json_t *x;
  json_array_foreach(json_object_get(a, "artifacts"), i, x)
  {
    want += json_equal(json_object_get(x, "sha256"), json_object_get(root, "sha256")) ||
            json_equal(json_object_get(x, "md5"), json_object_get(expl, "md5"));
  }
  ck_assert_uint_eq(n, want);
  bool saw_root = false, saw_nsrl = false;
  for (size_t k = 0; k < n; k++) {
    const json_t *det = json_object_get(f[k], "details");
    const char *kind = json_string_value(json_object_get(det, "digest_kind"));
    if (!strcmp(json_string_value(json_object_get(f[k], "path")), "C:\\Inetpub\\scripts\\root.exe")) {
      saw_root = true;
      ck_assert_str_eq(kind, "sha256");
      ck_assert_str_eq(json_string_value(json_object_get(det, "hash_set")), sets[0]);
      ck_assert_str_eq(json_string_value(json_object_get(det, "entry_name")), "root.exe copy");
      ck_assert(json_equal(json_object_get(det, "digest"), json_object_get(root, "sha256")));
    }
    if (!strcmp(kind, "md5")) {
      saw_nsrl = true;
      ck_assert_str_eq(json_string_value(json_object_get(det, "entry_name")), "explorer.exe");
      ck_assert_str_eq(json_string_value(json_object_get(det, "hash_set")), sets[1]);
      ck_assert(json_equal(json_object_get(f[k], "md5"), json_object_get(expl, "md5")));
    }
  }
  ck_assert(saw_root && saw_nsrl);
  const json_t *cs = json_object_get(rep, "content_scan");
  json_int_t scanned = json_integer_value(json_object_get(cs, "files_scanned"));
  ck_assert_int_eq(json_integer_value(json_object_get(cs, "skipped_too_large")), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(cs, "hash_sets")), 2);
  /* a cap one byte below root.exe's size: root.exe is skipped, counted */
  json_int_t size = json_integer_value(json_object_get(f[0], "size"));
  json_t *capped = content_scan("w2k-cr2-used", NULL, 0, sets, 2, (uint64_t)size - 1);
  const json_t *cc = json_object_get(capped, "content_scan");
  json_int_t skipped = json_integer_value(json_object_get(cc, "skipped_too_large"));
  ck_assert_int_ge(skipped, (json_int_t)n);
  /* named streams ($Secure:$SDS ...) are capped and counted alike */
  ck_assert_int_eq(json_integer_value(json_object_get(cc, "files_scanned")) +
                       json_integer_value(json_object_get(cc, "streams_scanned")) + skipped,
                   scanned + json_integer_value(json_object_get(cs, "streams_scanned")));
  ck_assert_uint_eq(findings_of(capped, "HASHSET-MATCH", f, 64), 0);
  json_decref(capped);
  json_decref(rep);
  json_decref(a);
}
END_TEST

/* Issue 17, named streams: w2k-patched has one alternate data stream on an
 * allocated file, nt4-cleaned one on the deleted trojan explorer.exe
 * (answer.json named_streams), each with a first line nowhere else on the disk.
 * A user rule on that line and a hash set holding the stream's SHA-256 give
 * exactly one YARA-MATCH and one HASHSET-MATCH, both named "file:stream"
 * (Windows notation) with the stream's MFT entry, size and digests; the
 * match is at the stream's offset 0. --max-file-size one byte below the
 * stream's size skips it (counted), at its size it is searched. */
static const char *const stream_scens[] = {"w2k-patched", "nt4-cleaned"};

static json_t *stream_scan(const char *scen, const char *yara, const char *set, uint64_t max)
{
  const char *y[] = {yara}, *h[] = {set};
  return content_scan(scen, y, 1, h, 1, max);
}

START_TEST(scan_named_stream)
{
  const char *scen = stream_scens[_i];
  json_t *a = rs_t_answer(scen);
  const json_t *ns = json_array_get(json_object_get(a, "named_streams"), 0);
  ck_assert_msg(ns != NULL, "%s: no named_streams in answer.json", scen);
  /* w2k-patched's is on an allocated file, nt4-cleaned's on a deleted one */
  ck_assert(json_is_true(json_object_get(ns, "allocated")) == (_i == 0));
  const char *text = json_string_value(json_object_get(ns, "text"));
  const char *sha = json_string_value(json_object_get(ns, "sha256"));
  json_int_t size = json_integer_value(json_object_get(ns, "size"));
  ck_assert_ptr_nonnull(strchr(text, ' '));
  ck_assert_ptr_null(strchr(text, '"'));
  char want[1024], src[1400], set[200];
  int k = snprintf(want, sizeof want, "C:%s:%s", json_string_value(json_object_get(ns, "path")),
                   json_string_value(json_object_get(ns, "stream")));
  ck_assert_int_lt(k, (int)sizeof want);
  for (char *p = want; *p; p++)
    if (*p == '/')
      *p = '\\';
  snprintf(src, sizeof src, "rule HiddenStream : ads { strings: $t = \"%s\" condition: $t }\n",
           text);
  snprintf(set, sizeof set, "%s  hidden notes\n", sha);
  char yara[4096], hs[4096];
  snprintf(yara, sizeof yara, "%s", write_tmp("ads.yar", src, strlen(src)));
  snprintf(hs, sizeof hs, "%s", write_tmp("ads.sha256", set, strlen(set)));

  json_t *rep = stream_scan(scen, yara, hs, 0);
  const json_t *y[8], *h[8];
  ck_assert_uint_eq(findings_of(rep, "YARA-MATCH", y, 8), 1);
  ck_assert_uint_eq(findings_of(rep, "HASHSET-MATCH", h, 8), 1);
  const json_t *both[2] = {y[0], h[0]};
  for (int i = 0; i < 2; i++) {
    ck_assert_str_eq(json_string_value(json_object_get(both[i], "path")), want);
    ck_assert(json_equal(json_object_get(both[i], "mft_entry"), json_object_get(ns, "mft_entry")));
    ck_assert(json_equal(json_object_get(both[i], "size"), json_object_get(ns, "size")));
    ck_assert_str_eq(json_string_value(json_object_get(both[i], "sha256")), sha);
    ck_assert(json_equal(json_object_get(both[i], "md5"), json_object_get(ns, "md5")));
    ck_assert(json_equal(json_object_get(both[i], "allocated"), json_object_get(ns, "allocated")));
  }
  const json_t *yd = json_object_get(y[0], "details");
  ck_assert_str_eq(json_string_value(json_object_get(yd, "rule")), "HiddenStream");
  const json_t *m0 = json_array_get(json_object_get(yd, "matches"), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(m0, "offset")), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(m0, "length")), (json_int_t)strlen(text));
  const json_t *hd = json_object_get(h[0], "details");
  ck_assert_str_eq(json_string_value(json_object_get(hd, "digest")), sha);
  ck_assert_str_eq(json_string_value(json_object_get(hd, "entry_name")), "hidden notes");
  /* the stream's TSK address, and TSK's icat reads the same bytes through it */
  char addr[64];
  snprintf(addr, sizeof addr, "%lld-128-%lld",
           (long long)json_integer_value(json_object_get(ns, "mft_entry")),
           (long long)json_integer_value(json_object_get(ns, "attr_id")));
  for (int i = 0; i < 2; i++) {
    const json_t *st = json_object_get(both[i], "stream");
    ck_assert_str_eq(json_string_value(json_object_get(st, "name")),
                     json_string_value(json_object_get(ns, "stream")));
    ck_assert(json_equal(json_object_get(st, "attr_id"), json_object_get(ns, "attr_id")));
    ck_assert_str_eq(json_string_value(json_object_get(st, "tsk_address")), addr);
  }
  /* a file's own (default-stream) finding has none */
  size_t fi;
  const json_t *ff;
  json_array_foreach(json_object_get(rep, "findings"), fi, ff) {
    const char *fp = json_string_value(json_object_get(ff, "path"));
    if (fp && strlen(fp) > 2 && !strchr(fp + 2, ':'))
      ck_assert_ptr_null(json_object_get(ff, "stream"));
  }
  if (rs_t_have_tsk()) {
    char cmd[4600], *out = NULL;
    long long part = (long long)json_integer_value(
        json_object_get(json_array_get(json_object_get(a, "volumes"), 0), "start_sector"));
    snprintf(cmd, sizeof cmd, "icat -o %lld '%s' %s | sha256sum", part,
             rs_t_scenario_raw(scen), addr);
    ck_assert_int_eq(rs_t_run(cmd, &out), 0);
    ck_assert_msg(out && strncmp(out, sha, 64) == 0, "icat %s: %.64s, want %s", addr,
                  out ? out : "", sha);
    free(out);
  }
  /* the text and HTML reports give the address under the finding */
  char line[400];
  snprintf(line, sizeof line, "      stream   %s: NTFS $DATA attribute %lld, TSK address %s "
           "(icat reads it); the times below are the file's (a stream has none of its own)\n",
           json_string_value(json_object_get(ns, "stream")),
           (long long)json_integer_value(json_object_get(ns, "attr_id")), addr);
  for (int w = 0; w < 2; w++) {
    char *buf = rs_t_render(rs_writer_find(w ? "html" : "text"), rep, NULL);
    if (w == 0) {
      ck_assert_msg(strstr(buf, line), "text report: no line %s", line);
    } else {
      char hl[200];
      snprintf(hl, sizeof hl, "<br><small>stream %s: TSK %s</small>",
               json_string_value(json_object_get(ns, "stream")), addr);
      ck_assert_msg(strstr(buf, hl), "html report: no %s", hl);
    }
    free(buf);
  }
  const json_t *cs = json_object_get(rep, "content_scan");
  json_int_t streams = json_integer_value(json_object_get(cs, "streams_scanned"));
  ck_assert_int_ge(streams, 1);
  json_int_t skipped = json_integer_value(json_object_get(cs, "skipped_too_large"));
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rep, "verdict"), "status")),
                   json_string_value(json_object_get(a, "verdict")));
  json_decref(rep);

  /* the cap applies to the stream's own size */
  rep = stream_scan(scen, yara, hs, (uint64_t)size - 1);
  ck_assert_uint_eq(findings_of(rep, "YARA-MATCH", y, 8), 0);
  ck_assert_uint_eq(findings_of(rep, "HASHSET-MATCH", h, 8), 0);
  cs = json_object_get(rep, "content_scan");
  ck_assert_int_ge(json_integer_value(json_object_get(cs, "skipped_too_large")), skipped + 1);
  ck_assert_int_lt(json_integer_value(json_object_get(cs, "streams_scanned")), streams);
  json_decref(rep);
  rep = stream_scan(scen, yara, hs, (uint64_t)size);
  ck_assert_uint_eq(findings_of(rep, "YARA-MATCH", y, 8), 1);
  ck_assert_str_eq(json_string_value(json_object_get(y[0], "path")), want);
  json_decref(rep);
  json_decref(a);
}
END_TEST

/* A bad rule or set stops the scan before any work: RS_E_USAGE naming it. */
START_TEST(scan_bad_rule_or_set)
{
  const char *src = "rule ok { condition: true }\nrule bad {\n  condition:\n    nope\n}\n";
  const char *yara[] = {write_tmp("bad.yar", src, strlen(src))};
  const char *sets[] = {write_tmp("bad.txt", "not\na\nset\n", 10)};
  for (int k = 0; k < 2; k++) {
    struct rs_run_opts o;
    rs_run_opts_init(&o);
    const char *segs[] = {"/nonexistent/image.raw"}; /* not opened: the rules fail first */
    o.segs = segs;
    o.nseg = 1;
    o.yara = k == 0 ? yara : NULL;
    o.nyara = k == 0;
    o.hashsets = k == 1 ? sets : NULL;
    o.nhashset = k == 1;
    json_t *rep = NULL;
    struct rs_diag d;
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(rs_scan(&o, &rep, &d), RS_E_USAGE);
    ck_assert_ptr_null(rep);
    ck_assert_str_eq(d.where, k == 0 ? yara[0] : sets[0]);
    ck_assert_msg(strstr(d.what, k == 0 ? "line 4: " : "line 1") != NULL, "%s", d.what);
  }
}
END_TEST

/* `redsleuth checks` (docs/checks.md) lists every bundled rule with its file,
 * family, the check row it feeds (a real RS_K_RESIDUE row) and its source. */
#include "redsleuth/checks.h"
START_TEST(checks_list_bundled_rules)
{
  char *md = NULL;
  size_t mlen = 0;
  FILE *fp = open_memstream(&md, &mlen);
  ck_assert_ptr_nonnull(fp);
  rs_checks_markdown(fp);
  fclose(fp);
  ck_assert_ptr_nonnull(strstr(md, "## Bundled YARA rules"));
  struct rs_rules *r = open_rules(true, 0, NULL, 0);
  size_t n = 0;
  for (size_t i = 0; i < rs_rules_count(r); i++) {
    const struct rs_rule_info *in = rs_rules_info(r, i);
    ck_assert(in->bundled && in->check && in->family);
    const char *src = NULL;
    for (size_t k = 0; k < in->nmeta; k++)
      if (!strcmp(in->meta[k].key, "source"))
        src = in->meta[k].str;
    ck_assert_msg(src != NULL, "%s has no meta source", in->rule);
    char row[2048];
    snprintf(row, sizeof row, "\n| %s | %s | %s | %s | %s |\n", in->rule, in->ns, in->family,
             in->check, src);
    ck_assert_msg(strstr(md, row) != NULL, "row missing: %s", row);
    n++;
  }
  ck_assert_uint_ge(n, 6);
  rs_rules_close(r);
  free(md);
}
END_TEST

/* The user's rules run over memory residue too, once per region (the page
 * file and hiberfil.sys are not searched a second time as files): the match
 * is 5 bytes after the bundled rule's "HOST:www.worm.com" in the same file. */
START_TEST(scan_user_rule_in_residue)
{
  const char *src = "rule WormHost : cr1 { strings: $h = \"www.worm.com\" ascii wide "
                    "condition: $h }\n";
  const char *yara[] = {write_tmp("wormhost.yar", src, strlen(src))};
  json_t *rep = content_scan("w2k-vulnerable-fat", yara, 1, NULL, 0, 0);
  const json_t *u[64], *b[64];
  size_t nu = findings_of(rep, "YARA-MATCH", u, 64), nb = findings_of(rep, "RESIDUE-CODE-RED-1", b, 64);
  ck_assert_uint_ge(nu, 1);
  size_t checked = 0;
  for (size_t i = 0; i < nu; i++) {
    const json_t *det = json_object_get(u[i], "details");
    const char *path = json_string_value(json_object_get(u[i], "path"));
    ck_assert_msg(json_string_value(json_object_get(det, "region_kind")) != NULL,
                  "%s: a user match outside memory residue", path);
    ck_assert_str_eq(json_string_value(json_object_get(det, "rule_file")), yara[0]);
    ck_assert_str_eq(json_string_value(json_object_get(det, "role")), "context");
    for (size_t k = 0; k < nu; k++)
      ck_assert(k == i || strcmp(path, json_string_value(json_object_get(u[k], "path"))) != 0);
    const json_t *m0 = json_array_get(json_object_get(det, "matches"), 0);
    for (size_t k = 0; k < nb; k++) {
      if (strcmp(path, json_string_value(json_object_get(b[k], "path"))) != 0)
        continue;
      size_t j;
      const json_t *m;
      json_array_foreach(json_object_get(json_object_get(b[k], "details"), "matches"), j, m)
      {
        if (strcmp(json_string_value(json_object_get(m, "string")), "$host") == 0 &&
            json_integer_value(json_object_get(m, "offset")) + 5 ==
                json_integer_value(json_object_get(m0, "offset")))
          checked++;
      }
    }
  }
  ck_assert_uint_ge(checked, 1);
  json_decref(rep);
}
END_TEST

Suite *rs_suite_content(void)
{
  Suite *s = suite_create("content");
  TCase *tc = tcase_create("rules");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, bundled_rules_compile);
  tcase_add_test(tc, bundled_rules_on_fixtures);
  tcase_add_test(tc, bundled_rules_hiberfil_plain_page);
  tcase_add_test(tc, request_rule_skips_ncsa_lines);
  tcase_add_test(tc, bundled_rules_clean_disk);
  tcase_add_test(tc, bundled_rules_scenario_disks);
  tcase_add_loop_test(tc, boundaries_and_equivalence, 0, 3);
  tcase_add_test(tc, prefilter_skips_yara);
  tcase_add_test(tc, user_rule_finds_known_file);
  tcase_add_test(tc, user_rule_syntax_error);
  tcase_add_test(tc, user_rule_compiled);
  tcase_add_test(tc, rules_dir_override);
  tcase_add_test(tc, rules_threads);
  suite_add_tcase(s, tc);
  tc = tcase_create("prefilter");
  tcase_add_loop_test(tc, prefilter_scalar_avx2_naive, 0, 4);
  suite_add_tcase(s, tc);
  tc = tcase_create("hashset");
  tcase_add_test(tc, hashset_finds_known_file);
  tcase_add_test(tc, hashset_formats);
  tcase_add_test(tc, hashset_nsrl);
  tcase_add_test(tc, scan_user_rule_names_file);
  tcase_add_test(tc, scan_user_rule_infected_role);
  tcase_add_test(tc, scan_hashset_and_size_cap);
  tcase_add_loop_test(tc, scan_named_stream, 0,
                      (int)(sizeof stream_scens / sizeof stream_scens[0]));
  tcase_add_test(tc, scan_bad_rule_or_set);
  tcase_add_test(tc, checks_list_bundled_rules);
  tcase_add_test(tc, scan_user_rule_in_residue);
  suite_add_tcase(s, tc);
  tc = tcase_create("carve");
  tcase_add_test(tc, carve_deleted_logs);
  tcase_add_test(tc, carve_pieces_equal_whole);
  tcase_add_test(tc, carve_single_lines);
  tcase_add_test(tc, carve_iis_native_zone);
  suite_add_tcase(s, tc);
  return s;
}
