/* Issue 13, report content: every reason backed by the evidence that decided
 * it. Test cases of the report suite (rs_tcases_reasons adds them), on the
 * fixture scenarios (fixtures/out/<scen>/answer.json says what each holds). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <jansson.h>

#include "analysis/scriptmap.h"
#include "redsleuth/idq.h"
#include "redsleuth/registry.h"
#include "redsleuth/scan.h"
#include "redsleuth/writer.h"
#include "testutil.h"

static json_t *scan_scenario(const char *scen)
{
  char rel[256];
  snprintf(rel, sizeof rel, "fixtures/out/%s/disk.raw.xz", scen);
  const char *p = rs_t_unpack(rs_t_src(rel), NULL);
  ck_assert_msg(p != NULL, "cannot unpack %s", rel);
  struct rs_run_opts o;
  rs_run_opts_init(&o);
  const char *segs[1] = {p};
  o.segs = segs;
  o.nseg = 1;
  o.no_hash = true;
  json_t *rep = NULL;
  struct rs_diag d;
  enum rs_err e = rs_scan(&o, &rep, &d);
  ck_assert_msg(e == RS_OK, "scan %s: %s", scen, d.what);
  return rep;
}

static const json_t *finding(const json_t *rep, const char *id)
{
  size_t i;
  const json_t *f;
  json_array_foreach(json_object_get(rep, "findings"), i, f)
    if (!strcmp(json_string_value(json_object_get(f, "id")), id))
      return f;
  return NULL;
}

/* nt4-cleaned holds a $NtUninstallQ300972$ backup of the vulnerable idq.dll:
 * it stays a finding and an idq.dll copy, never a reason nor the first "Why". */
START_TEST(backups_are_not_reasons)
{
  json_t *rep = scan_scenario("nt4-cleaned");
  json_t *ans = rs_t_answer("nt4-cleaned");
  ck_assert_ptr_nonnull(ans);
  size_t i, k;
  const json_t *a, *r, *q;
  int backups = 0;
  json_array_foreach(json_object_get(ans, "idq"), i, a) {
    if (!strcmp(json_string_value(json_object_get(a, "role")), "active"))
      continue;
    backups++;
    const char *sha = json_string_value(json_object_get(a, "sha256"));
    bool listed = false;
    json_array_foreach(json_object_get(json_object_get(rep, "system"), "idq_dll"), k, q)
      listed |= !strcmp(json_string_value(json_object_get(q, "sha256")), sha);
    ck_assert_msg(listed, "backup %s missing from system.idq_dll", sha);
    json_array_foreach(json_object_get(json_object_get(rep, "verdict"), "reasons"), k, r) {
      const json_t *f = finding(rep, json_string_value(r));
      ck_assert_ptr_nonnull(f);
      const char *fs = json_string_value(json_object_get(f, "sha256"));
      ck_assert_msg(!fs || strcmp(fs, sha) != 0, "backup idq.dll %s is reason %s", sha,
                    json_string_value(r));
    }
  }
  ck_assert_int_ge(backups, 1);
  /* the first line under "Why" is not a backup */
  char *txt = rs_t_render(rs_writer_find("text"), rep, NULL);
  const char *why = strstr(txt, "Why (findings behind the verdict):\n");
  ck_assert_ptr_nonnull(why);
  const char *l1 = strchr(why, '\n') + 1, *l2 = strchr(l1, '\n') + 1;
  const char *l3 = strchr(l2, '\n');
  char first[1024];
  snprintf(first, sizeof first, "%.*s", (int)(l3 - l1), l1);
  ck_assert_msg(!strstr(first, "backup") && !strstr(first, "$NtUninstall"),
                "first Why line is a backup: %s", first);
  free(txt);
  json_decref(ans);
  json_decref(rep);
}
END_TEST

/* The script-map state is a finding in "Why" that names what decided it,
 * and system.script_maps keeps {ida, idq, source} with the per-extension
 * detail beside it. */
START_TEST(scriptmap_finding_names_its_source)
{
  static const char *const scen[] = {"w2k-mitigated", "w2k-vulnerable-fat", "w2k-clean"};
  for (size_t s = 0; s < 3; s++) {
    json_t *rep = scan_scenario(scen[s]);
    const json_t *sm = json_object_get(json_object_get(rep, "system"), "script_maps");
    const char *src = json_string_value(json_object_get(sm, "source"));
    ck_assert_ptr_nonnull(src);
    ck_assert_msg(!strcmp(src, "registry") || !strcmp(src, "metabase") || !strcmp(src, "none"),
                  "%s: source %s", scen[s], src);
    const json_t *ida = json_object_get(json_object_get(sm, "by_extension"), "ida");
    ck_assert_str_eq(json_string_value(json_object_get(ida, "source")), src);
    ck_assert(json_equal(json_object_get(ida, "mapped"), json_object_get(sm, "ida")));
    const json_t *f = finding(rep, "SCRIPTMAP-IDA-1");
    ck_assert_msg(f != NULL, "%s: no SCRIPTMAP-IDA-1", scen[s]);
    const json_t *det = json_object_get(f, "details");
    ck_assert_str_eq(json_string_value(json_object_get(det, "decided_by")), src);
    ck_assert_str_eq(json_string_value(json_object_get(det, "metabase")),
                     json_string_value(json_object_get(sm, "metabase")));
    ck_assert_ptr_nonnull(json_string_value(json_object_get(det, "key")));
    bool reason = false;
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(json_object_get(rep, "verdict"), "reasons"), i, r)
      reason |= !strcmp(json_string_value(r), "SCRIPTMAP-IDA-1");
    ck_assert_msg(reason, "%s: script map not among the reasons", scen[s]);
    char *txt = rs_t_render(rs_writer_find("text"), rep, NULL);
    const char *why = strstr(txt, "Why (findings behind the verdict):");
    const char *end = why ? strstr(why, "\nRun\n") : NULL;
    const char *in = why ? strstr(why, "SCRIPTMAP-IDA-1") : NULL;
    ck_assert_msg(in && in < end, "%s: SCRIPTMAP-IDA-1 not in Why", scen[s]);
    ck_assert_msg(strstr(in, "decided by") && strstr(in, "decided by") < end, "%s", scen[s]);
    free(txt);
    json_decref(rep);
  }
}
END_TEST

/* No hit in a file of unknown layout proves nothing. */
START_TEST(opaque_metabase_decides_nothing)
{
  uint8_t opaque[4096];
  for (size_t i = 0; i < sizeof opaque; i++)
    opaque[i] = (uint8_t)(0x80 | (i * 37 % 128)); /* no printable ASCII at all */
  struct rs_metabase_scan mb;
  rs_metabase_scan(opaque, sizeof opaque, &mb);
  ck_assert_uint_eq(mb.strings, 0);
  ck_assert_int_eq(rs_mb_state_of(true, &mb), RS_MB_OPAQUE);
  ck_assert_str_eq(rs_mb_state_name(RS_MB_OPAQUE), "opaque");
  static const char text[] = "W\0e\0b\0 \0S\0i\0t\0e\0\0\0/LM/W3SVC/1/ROOT\0";
  rs_metabase_scan((const uint8_t *)text, sizeof text, &mb);
  ck_assert_uint_ge(mb.strings, 2);
  ck_assert_int_eq(rs_mb_state_of(true, &mb), RS_MB_NO_HIT);
  ck_assert_int_eq(rs_mb_state_of(false, &mb), RS_MB_ABSENT);

  struct rs_scriptmap_out o;
  /* IIS 5, opaque metabase, registry without the value: not known, decided by none */
  struct rs_scriptmap_in in = {.have_system = true, .w3svc = true, .iis_major = 5,
                               .mb = RS_MB_OPAQUE};
  rs_scriptmap_decide(&in, &o);
  ck_assert_int_eq(o.mapped, -1);
  ck_assert_str_eq(o.source, "none");
  ck_assert_ptr_nonnull(strstr(o.why, "proves nothing"));
  /* ... the registry value, the evidence actually read, decides */
  in.reg_present = true;
  rs_scriptmap_decide(&in, &o);
  ck_assert_int_eq(o.mapped, 1);
  ck_assert_str_eq(o.source, "registry");
  /* readable strings without an entry, and no registry value: absent, by the metabase */
  in.reg_present = false;
  in.mb = RS_MB_NO_HIT;
  rs_scriptmap_decide(&in, &o);
  ck_assert_int_eq(o.mapped, 0);
  ck_assert_str_eq(o.source, "metabase");
  /* a heuristic hit decides "mapped" */
  in.mb = RS_MB_HIT;
  in.mb_hit = true;
  rs_scriptmap_decide(&in, &o);
  ck_assert_int_eq(o.mapped, 1);
  ck_assert_str_eq(o.source, "metabase");
  /* IIS 3 keeps its maps in the registry: absence there decides */
  struct rs_scriptmap_in iis3 = {.have_system = true, .w3svc = true, .iis_major = 3};
  rs_scriptmap_decide(&iis3, &o);
  ck_assert_int_eq(o.mapped, 0);
  ck_assert_str_eq(o.source, "registry");
}
END_TEST

/* An IIS 4 host never gets the IIS 3 / Index Server 1.1 "DoS only" text. */
START_TEST(nt4_wording_follows_iis)
{
  struct rs_idq_input in = {.has_version = true, .version = {5, 0, 1781, 1}, .os_major = 4,
                            .service_pack = 6, .iis_major = 4};
  struct rs_idq_result r;
  rs_idq_classify(&in, &r);
  ck_assert_int_eq(r.state, RS_PATCH_VULNERABLE);
  ck_assert_msg(!strstr(r.why, "DoS"), "IIS 4 told DoS only: %s", r.why);
  ck_assert_ptr_nonnull(strstr(r.why, "IIS 4"));
  in.iis_major = 3;
  rs_idq_classify(&in, &r);
  ck_assert_ptr_nonnull(strstr(r.why, "DoS only"));
  /* the NT4 fixture is IIS 4: no "DoS only" anywhere in its report */
  json_t *rep = scan_scenario("nt4-cleaned");
  const json_t *os = json_object_get(json_object_get(rep, "system"), "os");
  ck_assert_int_eq(json_integer_value(json_object_get(os, "iis_major_version")), 4);
  char *txt = rs_t_render(rs_writer_find("text"), rep, NULL);
  ck_assert_ptr_null(strstr(txt, "DoS only"));
  free(txt);
  json_decref(rep);
}
END_TEST

void rs_tcases_reasons(Suite *s);
void rs_tcases_reasons(Suite *s)
{
  TCase *tc = tcase_create("reasons");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, backups_are_not_reasons);
  tcase_add_test(tc, scriptmap_finding_names_its_source);
  tcase_add_test(tc, opaque_metabase_decides_nothing);
  tcase_add_test(tc, nt4_wording_follows_iis);
  suite_add_tcase(s, tc);
}
