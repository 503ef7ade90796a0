/* idq.dll classification: one case per row of codered-artifacts.md section 5
 * (and per derived rule), plus the edges: unknown OS, OS/version conflict,
 * missing date, dates exactly on and one day before each boundary, EN vs JA
 * vs unknown language, service pack known/unknown. Every case asserts the
 * state AND the rule id that decided it. Expected values come from reading
 * section 5, not from running the code. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "redsleuth/idq.h"
#include "redsleuth/pe.h"
#include <stdlib.h>
#include "testutil.h"

#define NODATE 0, 0, 0
struct idq_case {
  const char *name;
  uint16_t v[4];
  bool has_version;
  uint64_t size;
  int y, m, d; /* file date (00:00:00Z + hour below); y 0 = unset */
  int hour;
  int os, sp;
  const char *lang;
  enum rs_patch_state want;
  const char *rule;
  const char *why_has; /* substring the why must contain */
  int iis;             /* the host's IIS major version, 0 unknown */
};

#define VUL RS_PATCH_VULNERABLE
#define FIX RS_PATCH_FIXED
#define UNK RS_PATCH_UNKNOWN

static const struct idq_case cases[] = {
  /* ---- section 5 rows, NT4 ---- */
  {"NT4 MS00-006 x86 EN 2000-01-25", {5, 0, 1781, 3}, true, 193296, 2000, 1, 25, 22, 4, -1, "en",
   VUL, "IDQ-NT4-1781.3-EN-MS00-006", "2000-01-25T22:00:00Z", 0},
  {"NT4 original MS01-033 EN 2001-05-25 14:36", {5, 0, 1781, 3}, true, 193296, 2001, 5, 25, 14, 4, -1, "en",
   FIX, "IDQ-NT4-1781.3-EN-FIXED", "KB300972", 0},
  {"NT4 re-released MS01-033 5.0.1782.4", {5, 0, 1782, 4}, true, 193296, 2001, 7, 3, 0, 4, -1, "en",
   FIX, "IDQ-NT4-1782.4", "KB300972", 0},
  {"NT4 MS01-044 5.0.1782.4 2001-07-13", {5, 0, 1782, 4}, true, 193296, 2001, 7, 13, 0, 4, -1, NULL,
   FIX, "IDQ-NT4-1782.4", "MS01-044", 0},
  {"NT4 MS02-018 5.0.1782.4 no date", {5, 0, 1782, 4}, true, 193296, NODATE, 0, 4, -1, "en",
   FIX, "IDQ-NT4-1782.4", "5.0.1782.4", 0},
  {"NT4 JA patch before 2001-08-08 (2001-06-14)", {5, 0, 1781, 3}, true, 0, 2001, 6, 14, 0, 4, -1, "ja",
   FIX, "IDQ-NT4-1781.3-JA-FIXED", "2001-06-14", 0},
  {"NT4 JA patch from 2001-08-09 (5.0.1782.4, 2001-07-26)", {5, 0, 1782, 4}, true, 0, 2001, 7, 26, 0, 4, -1, "ja",
   FIX, "IDQ-NT4-1782.4", "Japanese", 0},
  {"NT4 Alpha MS00-006 300,304 bytes", {5, 0, 1781, 3}, true, 300304, 2000, 1, 25, 0, 4, -1, "en",
   VUL, "IDQ-NT4-ALPHA-1781.3", "Alpha", 0},
  /* ---- section 5 rows, Windows 2000 ---- */
  {"W2K MS01-033 hotfix 3645", {5, 0, 2195, 3645}, true, 121104, 2001, 5, 24, 16, 5, 1, "en",
   FIX, "IDQ-W2K-3645", "KB300972", 0},
  {"W2K MS01-044 3649", {5, 0, 2195, 3649}, true, 121104, 2001, 8, 6, 0, 5, 2, NULL,
   FIX, "IDQ-W2K-3649", "MS01-044", 0},
  {"W2K MS02-018 4966", {5, 0, 2195, 4966}, true, 121104, 2002, 4, 3, 0, 5, 2, NULL,
   FIX, "IDQ-W2K-4966", "MS02-018", 0},
  {"W2K Q321073 5617", {5, 0, 2195, 5617}, true, 122128, 2002, 4, 21, 0, 5, 2, NULL,
   FIX, "IDQ-W2K-5617", "Q321073", 0},
  {"W2K gold build, SP0 (rule 2)", {5, 0, 2195, 1}, true, 0, NODATE, 0, 5, 0, "en",
   VUL, "IDQ-W2K-<3645-SP<3", "gold/SP1/SP2", 0},
  {"W2K SP2 build below 3645 (rule 2)", {5, 0, 2195, 2000}, true, 0, NODATE, 0, 5, 2, NULL,
   VUL, "IDQ-W2K-<3645-SP<3", "Service Pack 2", 0},
  {"W2K below 3645 with SP3: heuristic, unknown", {5, 0, 2195, 3000}, true, 0, NODATE, 0, 5, 3, NULL,
   UNK, "IDQ-W2K-<3645-SP>=3", "UNCONFIRMED", 0},
  {"W2K below 3645 with SP4", {5, 0, 2195, 1}, true, 0, NODATE, 0, 5, 4, NULL,
   UNK, "IDQ-W2K-<3645-SP>=3", "Service Pack 4", 0},
  {"W2K below 3645, SP unknown", {5, 0, 2195, 3644}, true, 0, NODATE, 0, 5, -1, NULL,
   VUL, "IDQ-W2K-<3645-SP?", "service pack is not known", 0},
  {"W2K QFE above 3645 not in table (rule 2)", {5, 0, 2195, 6011}, true, 0, NODATE, 0, 5, -1, NULL,
   FIX, "IDQ-W2K-QFE>=3645", "rule 2", 0},
  {"W2K 3646 (between rows)", {5, 0, 2195, 3646}, true, 0, NODATE, 0, 5, 1, NULL,
   FIX, "IDQ-W2K-QFE>=3645", "3645 or later", 0},
  {"W2K non-2195 build (beta/XP: UNCONFIRMED)", {5, 1, 2600, 0}, true, 0, NODATE, 0, 5, -1, NULL,
   UNK, "IDQ-UNLISTED", "UNCONFIRMED", 0},
  /* ---- NT4 5.0.1781.3 date edges ---- */
  {"EN: no date -> ambiguous", {5, 0, 1781, 3}, true, 193296, NODATE, 0, 4, -1, "en",
   UNK, "IDQ-NT4-1781.3-NODATE", "no file date", 0},
  {"JA: no date -> ambiguous", {5, 0, 1781, 3}, true, 0, NODATE, 0, 4, -1, "ja",
   UNK, "IDQ-NT4-1781.3-NODATE", "MS00-006", 0},
  {"Alpha size but no date -> still ambiguous", {5, 0, 1781, 3}, true, 300304, NODATE, 0, 4, -1, NULL,
   UNK, "IDQ-NT4-1781.3-NODATE", "no file date", 0},
  {"Alpha size dated after the fix -> EN fix row", {5, 0, 1781, 3}, true, 300304, 2001, 6, 1, 0, 4, -1, "en",
   FIX, "IDQ-NT4-1781.3-EN-FIXED", "2001-06-01", 0},
  {"EN exactly on boundary 2001-05-25T00:00:00Z", {5, 0, 1781, 3}, true, 193296, 2001, 5, 25, 0, 4, -1, "en",
   FIX, "IDQ-NT4-1781.3-EN-FIXED", "2001-05-25T00:00:00Z", 0},
  {"EN one second before boundary", {5, 0, 1781, 3}, true, 193296, 2001, 5, 24, -1, 4, -1, "en",
   UNK, "IDQ-NT4-1781.3-EN-NEAR", "time-zone", 0},
  {"EN 2001-05-24 00:00 (near)", {5, 0, 1781, 3}, true, 193296, 2001, 5, 24, 0, 4, -1, "en",
   UNK, "IDQ-NT4-1781.3-EN-NEAR", "one day before", 0},
  {"EN 2001-05-23 (vulnerable)", {5, 0, 1781, 3}, true, 193296, 2001, 5, 23, 12, 4, -1, "en",
   VUL, "IDQ-NT4-1781.3-EN-MS00-006", "predates", 0},
  {"JA exactly on boundary 2001-06-14", {5, 0, 1781, 3}, true, 0, 2001, 6, 14, 0, 4, -1, "ja",
   FIX, "IDQ-NT4-1781.3-JA-FIXED", "Japanese", 0},
  {"JA 2001-06-13 (near)", {5, 0, 1781, 3}, true, 0, 2001, 6, 13, 23, 4, -1, "ja",
   UNK, "IDQ-NT4-1781.3-JA-NEAR", "Japanese", 0},
  {"JA dated like the EN fix 2001-05-25 -> still pre-fix for JA", {5, 0, 1781, 3}, true, 0, 2001, 5, 25, 14, 4, -1, "ja",
   VUL, "IDQ-NT4-1781.3-JA-PREFIX", "predates", 0},
  {"EN dated 2001-06-01 fixed, same date JA would be pre-fix", {5, 0, 1781, 3}, true, 0, 2001, 6, 1, 0, 4, -1, "en",
   FIX, "IDQ-NT4-1781.3-EN-FIXED", "English", 0},
  {"language unknown, between EN and JA dates", {5, 0, 1781, 3}, true, 0, 2001, 6, 1, 0, 4, -1, NULL,
   UNK, "IDQ-NT4-1781.3-LANG?", "language", 0},
  {"language unknown, after both dates", {5, 0, 1781, 3}, true, 0, 2001, 6, 14, 0, 4, -1, NULL,
   FIX, "IDQ-NT4-1781.3-ANYLANG-FIXED", "derived", 0},
  {"language unknown, before both dates", {5, 0, 1781, 3}, true, 0, 2000, 1, 25, 0, 4, -1, NULL,
   VUL, "IDQ-NT4-1781.3-ANYLANG-PREFIX", "predates", 0},
  {"German: treated as language not known", {5, 0, 1781, 3}, true, 0, 2001, 6, 1, 0, 4, -1, "de",
   UNK, "IDQ-NT4-1781.3-LANG?", "language", 0},
  {"language unknown, one day before EN boundary", {5, 0, 1781, 3}, true, 0, 2001, 5, 24, 0, 4, -1, NULL,
   UNK, "IDQ-NT4-1781.3-LANG?", "language", 0},
  /* ---- NT4 other versions ---- */
  {"NT4 lower version 5.0.1781.2", {5, 0, 1781, 2}, true, 0, NODATE, 0, 4, -1, NULL,
   VUL, "IDQ-NT4-<1781.3", "lower than 5.0.1781.3", 0},
  {"NT4 Index Server 1.1-era version 4.x", {4, 2, 0, 0}, true, 0, NODATE, 0, 4, -1, NULL,
   VUL, "IDQ-NT4-<1781.3", "DoS only", 0},
  /* issue 13: the wording follows the host's IIS (IIS 4 must not read "DoS only") */
  {"IIS 3 host, version below 5.0.1781.3", {4, 2, 0, 0}, true, 0, NODATE, 0, 4, -1, NULL,
   VUL, "IDQ-NT4-<1781.3-IIS3", "IIS 3, DoS only", 3},
  {"IIS 4 host, version below 5.0.1781.3", {5, 0, 1781, 2}, true, 0, NODATE, 0, 4, -1, NULL,
   VUL, "IDQ-NT4-<1781.3-IIS4", "IIS 4, whose Index Server 2.0", 4},
  {"NT4 unlisted 5.0.1782.3", {5, 0, 1782, 3}, true, 0, NODATE, 0, 4, -1, NULL,
   UNK, "IDQ-NT4-UNLISTED", "not a build", 0},
  {"NT4 unlisted above 1782.4", {5, 0, 1782, 9}, true, 0, NODATE, 0, 4, -1, NULL,
   UNK, "IDQ-NT4-UNLISTED", "5.0.1782.9", 0},
  /* ---- OS edges ---- */
  {"OS unknown, NT4 build inferred", {5, 0, 1782, 4}, true, 0, NODATE, 0, 0, -1, NULL,
   FIX, "IDQ-NT4-1782.4", "5.0.1782.4", 0},
  {"OS unknown, W2K build inferred", {5, 0, 2195, 1}, true, 0, NODATE, 0, 0, 1, NULL,
   VUL, "IDQ-W2K-<3645-SP<3", "5.0.2195.1", 0},
  {"OS unknown, version of no known line", {5, 0, 1700, 0}, true, 0, NODATE, 0, 0, -1, NULL,
   UNK, "IDQ-OS-UNKNOWN", "not known", 0},
  {"NT4 system with a W2K build", {5, 0, 2195, 3645}, true, 0, NODATE, 0, 4, -1, NULL,
   UNK, "IDQ-OS-CONFLICT", "Windows 2000 build", 0},
  {"W2K system with an NT4 build", {5, 0, 1781, 3}, true, 0, 2000, 1, 25, 0, 5, -1, "en",
   UNK, "IDQ-OS-CONFLICT", "NT4 Index Server build", 0},
  {"unsupported OS major 6", {5, 0, 2195, 3645}, true, 0, NODATE, 0, 6, -1, NULL,
   UNK, "IDQ-OS-UNSUPPORTED", "only NT4", 0},
  {"no version resource", {0, 0, 0, 0}, false, 193296, 2001, 5, 25, 0, 4, -1, "en",
   UNK, "IDQ-NOVERSION", "no readable version", 0},
};
#define N_CASES ((int)(sizeof cases / sizeof cases[0]))

START_TEST(classify_case)
{
  const struct idq_case *c = &cases[_i];
  struct rs_idq_input in = {.has_version = c->has_version, .size = c->size,
                            .os_major = c->os, .service_pack = c->sp,
                            .language = c->lang, .iis_major = c->iis};
  memcpy(in.version, c->v, sizeof in.version);
  if (c->y) {
    in.file_date = rs_time_from_civil(c->y, c->m, c->d, c->hour < 0 ? 23 : c->hour,
                                      c->hour < 0 ? 59 : 0, c->hour < 0 ? 59 : 0);
    ck_assert(in.file_date.set);
  }
  struct rs_idq_result r;
  memset(&r, 0xAA, sizeof r);
  rs_idq_classify(&in, &r);
  ck_assert_msg(r.state == c->want && r.rule && !strcmp(r.rule, c->rule),
                "%s: got %s/%s, want %s/%s (%s)", c->name, rs_patch_state_name(r.state),
                r.rule ? r.rule : "(null)", rs_patch_state_name(c->want), c->rule, r.why);
  ck_assert_str_eq(r.ref, "codered-artifacts 5");
  ck_assert_msg(strstr(r.why, c->why_has) != NULL, "%s: why \"%s\" lacks \"%s\"", c->name,
                r.why, c->why_has);
  ck_assert(strchr(r.why, '%') == NULL); /* every placeholder expanded */
  if (c->iis >= 4)
    ck_assert_msg(strstr(r.why, "DoS") == NULL, "%s: IIS %d host told DoS only: %s", c->name,
                  c->iis, r.why);
  ck_assert_uint_lt(strlen(r.why), sizeof r.why - 1); /* not cut */
}
END_TEST

/* Every table row is reached by at least one case above, and ids are unique. */
START_TEST(every_row_covered)
{
  size_t n = rs_idq_row_count();
  ck_assert_uint_ge(n, 20);
  for (size_t i = 0; i < n; i++) {
    enum rs_patch_state st;
    const char *src;
    const char *id = rs_idq_row_id(i, &st, &src);
    ck_assert_ptr_nonnull(id);
    ck_assert_msg(src && src[0] == '[', "row %s has no source tag", id);
    bool hit = false;
    for (int k = 0; k < N_CASES; k++)
      if (!strcmp(cases[k].rule, id)) {
        hit = true;
        ck_assert_int_eq(cases[k].want, st);
      }
    ck_assert_msg(hit, "row %s has no test case", id);
    for (size_t j = i + 1; j < n; j++)
      ck_assert_str_ne(id, rs_idq_row_id(j, NULL, NULL));
  }
  ck_assert_ptr_null(rs_idq_row_id(n, NULL, NULL));
}
END_TEST

/* docs/idq.md documents every row, in table order. */
START_TEST(docs_list_every_row)
{
  size_t len;
  char *doc = (char *)rs_t_slurp(rs_t_src("docs/idq.md"), &len);
  RS_T_SKIP_IF(!doc, "docs/idq.md absent");
  const char *prev = doc;
  for (size_t i = 0; i < rs_idq_row_count(); i++) {
    char pat[96];
    snprintf(pat, sizeof pat, "| %s |", rs_idq_row_id(i, NULL, NULL));
    const char *at = strstr(doc, pat);
    ck_assert_msg(at != NULL, "docs/idq.md lacks row %s", pat);
    ck_assert_msg(at > prev, "docs/idq.md lists %s out of order", pat);
    prev = at;
  }
  free(doc);
}
END_TEST

START_TEST(edge_args)
{
  struct rs_idq_result r;
  rs_idq_classify(NULL, &r);
  ck_assert_int_eq(r.state, RS_PATCH_UNKNOWN);
  ck_assert_str_eq(r.rule, "IDQ-NOINPUT");
  rs_idq_classify(NULL, NULL); /* must not crash */
  ck_assert_str_eq(rs_patch_state_name(RS_PATCH_FIXED), "fixed");
  ck_assert_str_eq(rs_patch_state_name(RS_PATCH_VULNERABLE), "vulnerable");
  ck_assert_str_eq(rs_patch_state_name(RS_PATCH_UNKNOWN), "unknown");
  ck_assert_str_eq(rs_patch_state_name((enum rs_patch_state)42), "unknown");
  /* A hash given while the table's hash column is empty changes nothing. */
  struct rs_idq_input in = {.version = {5, 0, 1782, 4}, .has_version = true, .os_major = 4,
                            .service_pack = -1,
                            .sha256 = "00000000000000000000000000000000"
                                      "00000000000000000000000000000000"};
  rs_idq_classify(&in, &r);
  ck_assert_str_eq(r.rule, "IDQ-NT4-1782.4");
  /* The PE stamp is reported, never decisive (build stamps UNCONFIRMED). */
  struct rs_idq_input in2 = {.version = {5, 0, 1781, 3}, .has_version = true, .os_major = 4,
                             .service_pack = -1, .language = "en",
                             .pe_timestamp = 994000000u};
  rs_idq_classify(&in2, &r);
  ck_assert_str_eq(r.rule, "IDQ-NT4-1781.3-NODATE");
  ck_assert_ptr_nonnull(strstr(r.why, "2001-07-01T15:06:40Z"));
}
END_TEST


/* End to end: the fixture generator's idq.dll stand-ins through rs_pe_read
 * and the table (no file dates: the fixtures carry no NTFS times here). */
static const struct {
  const char *file;
  int os, sp;
  enum rs_patch_state want;
  const char *rule;
} fx[] = {
  {"idq_5.0.1781.3.dll", 4, 6, UNK, "IDQ-NT4-1781.3-NODATE"},
  {"idq_5.0.1782.4.dll", 4, 6, FIX, "IDQ-NT4-1782.4"},
  {"idq_5.0.2195.1.dll", 5, 0, VUL, "IDQ-W2K-<3645-SP<3"},
  {"idq_5.0.2195.3645.dll", 5, 1, FIX, "IDQ-W2K-3645"},
  {"idq_5.0.2195.5617.dll", 5, 2, FIX, "IDQ-W2K-5617"},
};

START_TEST(fixture_dlls)
{
  char rel[256];
  snprintf(rel, sizeof rel, "fixtures/out/pe/%s", fx[_i].file);
  size_t len;
  unsigned char *b = rs_t_slurp(rs_t_src(rel), &len);
  RS_T_SKIP_IF(!b, "fixtures/out/pe absent (fixtures branch not merged)");
  struct rs_pe_info pi;
  ck_assert_int_eq(rs_pe_read(b, len, &pi, NULL), RS_OK);
  struct rs_idq_input in = {.has_version = pi.has_version, .size = len,
                            .pe_timestamp = pi.timestamp, .os_major = fx[_i].os,
                            .service_pack = fx[_i].sp, .language = "en"};
  memcpy(in.version, pi.file_version, sizeof in.version);
  struct rs_idq_result r;
  rs_idq_classify(&in, &r);
  ck_assert_int_eq(r.state, fx[_i].want);
  ck_assert_str_eq(r.rule, fx[_i].rule);
  free(b);
}
END_TEST

Suite *rs_suite_idq(void)
{
  Suite *s = suite_create("idq");
  TCase *tc = tcase_create("table");
  tcase_add_loop_test(tc, classify_case, 0, N_CASES);
  tcase_add_test(tc, every_row_covered);
  tcase_add_test(tc, docs_list_every_row);
  tcase_add_test(tc, edge_args);
  tcase_add_loop_test(tc, fixture_dlls, 0, (int)(sizeof fx / sizeof fx[0]));
  suite_add_tcase(s, tc);
  return s;
}
