/* Suite "nimda": the Nimda footprint classifiers (analysis/nimda.c), the
 * check rows and the verdict over Nimda findings (issue 18). */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/nimda.h"
#include "redsleuth/scan.h"
#include "analysis/results.h"
#include "testutil.h"

#define S(x) (const uint8_t *)(x), strlen(x)
static const char script[] =
    "<html><script language=\"JavaScript\">window.open(\"readme.eml\", null, "
    "\"resizable=no,top=6000,left=6000\")</script></html>";

START_TEST(page_names)
{
  ck_assert(rs_nimda_page_name("default.htm"));
  ck_assert(rs_nimda_page_name("INDEX.HTML"));
  ck_assert(rs_nimda_page_name("main_old.asp"));
  ck_assert(rs_nimda_page_name("readme.htm"));
  ck_assert(!rs_nimda_page_name("default.txt"));
  ck_assert(!rs_nimda_page_name("contact.htm"));
  ck_assert(rs_nimda_eml_name("README.EML") && rs_nimda_eml_name("x.nws"));
  ck_assert(!rs_nimda_eml_name("eml.txt"));
  ck_assert(rs_nimda_pe_name("RichEd20.dll") && rs_nimda_pe_name("httpodbc.dll"));
  ck_assert(!rs_nimda_pe_name("cmd.exe"));
}
END_TEST

START_TEST(page_script)
{
  char buf[1024];
  snprintf(buf, sizeof buf, "<html><body>hi</body></html>\r\n%s\r\n\r\n", script);
  ck_assert(rs_nimda_page_script(S(buf)));
  /* the script in the middle of a page is not the appended line */
  snprintf(buf, sizeof buf, "<html>%s<body>more text after it</body></html>", script);
  ck_assert(!rs_nimda_page_script(S(buf)));
  ck_assert(!rs_nimda_page_script(S("<html><body>clean</body></html>")));
  ck_assert(!rs_nimda_page_script(S("")));
  /* trailing NULs (slack, padding) are ignored */
  size_t n = strlen(script);
  memcpy(buf, script, n);
  memset(buf + n, 0, 16);
  ck_assert(rs_nimda_page_script((const uint8_t *)buf, n + 16));
}
END_TEST

START_TEST(eml_marker)
{
  ck_assert(rs_nimda_eml_marker(S("MIME...\r\nTVqQAAMAAAAEAAAA//8AALgAKz29vb29oWsrLPh4eisrPb09Pb2xx")));
  ck_assert(!rs_nimda_eml_marker(S("Kz29vb29oWsrLPh4eisrPb09Pb")));
  ck_assert(!rs_nimda_eml_marker(S("")));
}
END_TEST

START_TEST(pe_marker)
{
  char what[64];
  uint8_t pe[200];
  memset(pe, 0, sizeof pe);
  pe[0] = 'M', pe[1] = 'Z';
  memcpy(pe + 80, "fsdhqherwqi2001", 15);
  ck_assert(rs_nimda_pe_marker(pe, sizeof pe, what, sizeof what));
  ck_assert_str_eq(what, "fsdhqherwqi2001");
  memset(pe + 80, 0, 15);
  ck_assert(!rs_nimda_pe_marker(pe, sizeof pe, what, sizeof what));
  memcpy(pe + 80, "Concept  Virus(CV)\tV.6, Copyright(C)2001", 40);
  ck_assert(rs_nimda_pe_marker(pe, sizeof pe, what, sizeof what));
  ck_assert_str_eq(what, "Concept Virus(CV) V.6");
  /* not a PE: text holding the string is not a copy */
  pe[0] = 'X';
  ck_assert(!rs_nimda_pe_marker(pe, sizeof pe, what, sizeof what));
  ck_assert(!rs_nimda_pe_marker(S("MZ ConceptVirus(CV)"), what, sizeof what));
}
END_TEST

START_TEST(ini_shell)
{
  char line[200];
  const char *ini = "[boot]\r\nshell=explorer.exe load.exe -dontrunold\r\nsystem.drv=system.drv\r\n";
  ck_assert(rs_nimda_ini_shell(S(ini), line, sizeof line));
  ck_assert_str_eq(line, "shell=explorer.exe load.exe -dontrunold");
  ck_assert(!rs_nimda_ini_shell(S("[boot]\r\nshell=Explorer.exe\r\n"), line, sizeof line));
  ck_assert(!rs_nimda_ini_shell(S("; shell=explorer.exe load.exe\r\n"), line, sizeof line));
}
END_TEST

/* SAM values as samparse reads them (F: flags at 56; C: 0x34 header) */
static size_t alias_c(uint8_t *c, const uint32_t *rids, size_t n)
{
  memset(c, 0, 0x34);
  size_t at = 0x34 + 8; /* 8 bytes of name first */
  c[40] = 8;            /* members at 0x34 + 8 */
  c[48] = (uint8_t)n;
  for (size_t i = 0; i < n; i++) {
    static const uint8_t hdr[8] = {1, 5, 0, 0, 0, 0, 0, 5};
    memcpy(c + at, hdr, 8);
    uint32_t sub[5] = {21, 111, 222, 333, rids[i]};
    for (int k = 0; k < 5; k++)
      for (int b = 0; b < 4; b++)
        c[at + 8 + 4 * k + b] = (uint8_t)(sub[k] >> (8 * b));
    at += 28;
  }
  return at;
}

START_TEST(sam_values)
{
  uint8_t f[80] = {0};
  uint16_t acb = 0;
  f[56] = 0x14; /* normal account + password not required: enabled */
  ck_assert(rs_sam_f_acb(f, sizeof f, &acb));
  ck_assert_uint_eq(acb & RS_SAM_ACB_DISABLED, 0);
  f[56] = 0x15;
  ck_assert(rs_sam_f_acb(f, sizeof f, &acb));
  ck_assert_uint_eq(acb & RS_SAM_ACB_DISABLED, 1);
  ck_assert(!rs_sam_f_acb(f, 40, &acb));
  uint8_t c[400];
  char members[300];
  uint32_t both[2] = {500, 501}, admin[1] = {500};
  size_t n = alias_c(c, both, 2);
  ck_assert_int_eq(rs_sam_alias_has_rid(c, n, 501, members, sizeof members), 1);
  ck_assert_str_eq(members, "S-1-5-21-111-222-333-500,S-1-5-21-111-222-333-501");
  n = alias_c(c, admin, 1);
  ck_assert_int_eq(rs_sam_alias_has_rid(c, n, 501, members, sizeof members), 0);
  /* a member count running past the value: malformed, not "absent" */
  c[48] = 3;
  ck_assert_int_eq(rs_sam_alias_has_rid(c, n, 501, members, sizeof members), -1);
  ck_assert_int_eq(rs_sam_alias_has_rid(c, 20, 501, members, sizeof members), -1);
  uint8_t b[8];
  ck_assert_uint_eq(rs_hex_bytes("0a0b0cff", b, sizeof b), 4);
  ck_assert_uint_eq(b[3], 0xff);
  ck_assert_uint_eq(rs_hex_bytes("0a0b...", b, sizeof b), 2);
}
END_TEST

START_TEST(secevent)
{
  char what[120];
  const char *s636[] = {"-", "S-1-5-21-1-2-3-501", "Administrators", "Builtin", "S-1-5-32-544"};
  struct rs_evt_record r;
  memset(&r, 0, sizeof r);
  r.source = "Security";
  r.event_id = 636;
  r.str = s636;
  r.nstr = 5;
  ck_assert(rs_nimda_secevent(&r, what, sizeof what));
  ck_assert(strstr(what, "636") != NULL);
  const char *s626[] = {"Guest", "WEBSRV", "S-1-5-21-1-2-3-501"};
  r.event_id = 626, r.str = s626, r.nstr = 3;
  ck_assert(rs_nimda_secevent(&r, what, sizeof what));
  const char *other[] = {"Bob", "WEBSRV", "S-1-5-21-1-2-3-1001"};
  r.str = other;
  ck_assert(!rs_nimda_secevent(&r, what, sizeof what));
  r.str = s626, r.source = "Application";
  ck_assert(!rs_nimda_secevent(&r, what, sizeof what));
  /* Guest added to a group that is not Administrators */
  const char *users[] = {"-", "S-1-5-21-1-2-3-501", "Users", "Builtin", "S-1-5-32-545"};
  r.source = "Security", r.event_id = 636, r.str = users, r.nstr = 5;
  ck_assert(!rs_nimda_secevent(&r, what, sizeof what));
  /* Windows 2000 writes SIDs as "%{S-1-...}" insertion strings */
  const char *w2k[] = {"-", "%{S-1-5-21-1-2-3-501}", "Administrators", "Builtin", "%{S-1-5-32-544}"};
  r.str = w2k;
  ck_assert(rs_nimda_secevent(&r, what, sizeof what));
  const char *w2k_admins_sid[] = {"-", "%{S-1-5-21-1-2-3-501}", "Admins", "Builtin",
                                  "%{S-1-5-32-544}"};
  r.str = w2k_admins_sid;
  ck_assert(rs_nimda_secevent(&r, what, sizeof what));
  /* a RID ending in 501 that is not 501, an unclosed wrapper */
  const char *not501[] = {"-", "%{S-1-5-21-1-2-3-1501}", "Administrators", "Builtin",
                          "%{S-1-5-32-544}"};
  r.str = not501;
  ck_assert(!rs_nimda_secevent(&r, what, sizeof what));
  const char *open_wrap[] = {"-", "%{S-1-5-21-1-2-3-501", "Administrators"};
  r.str = open_wrap, r.nstr = 3;
  ck_assert(!rs_nimda_secevent(&r, what, sizeof what));
}
END_TEST

/* The verdict over synthetic Nimda findings. */
static struct rs_verdict_facts facts(void)
{
  static struct rs_sysinfo si;
  rs_sysinfo_init(&si);
  struct rs_verdict_facts x;
  memset(&x, 0, sizeof x);
  x.si = &si;
  x.have_system = x.have_software = true;
  x.have_sam = true;
  x.map_ida = x.map_idq = 0;
  x.idq_active_found = true;
  x.idq_active_state = RS_PATCH_FIXED;
  x.idq_any = true;
  x.nwalked = 1;
  x.nlogs = 1;
  return x;
}

static enum rs_item_state item(const struct rs_results *r, const char *id)
{
  for (size_t i = 0; i < rs_ncleanup; i++)
    if (!strcmp(r->verdict.cleanup[i].item->id, id))
      return r->verdict.cleanup[i].state;
  ck_abort_msg("no item %s", id);
  return RS_ITEM_UNKNOWN;
}

static enum rs_status run(const char *const *ids, const bool *live, size_t n,
                          struct rs_results *r)
{
  rs_results_init(r);
  for (size_t i = 0; i < n; i++) {
    const struct rs_check *c = rs_check_find(ids[i]);
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(rs_results_add_finding(r, c, c->kind == RS_K_CONTENT ? RS_FD_FILE
                                                                               : RS_FD_REGISTRY,
                                                 live[i], 0, ids[i]));
  }
  rs_results_finish(r);
  struct rs_verdict_facts x = facts();
  rs_verdict_decide(&x, r);
  return r->verdict.status;
}

START_TEST(verdict_nimda)
{
  struct rs_results r;
  const char *all[] = {"NIMDA-WEBPAGE", "NIMDA-BINARY", "NIMDA-GUEST-ADMIN", "NIMDA-SHARE-C"};
  const bool live4[] = {true, true, true, true};
  ck_assert_int_eq(run(all, live4, 4, &r), RS_ST_INFECTED);
  ck_assert(strstr(r.verdict.summary, "A Nimda infection") != NULL);
  ck_assert_int_eq(item(&r, "nimda-pages-restored"), RS_ITEM_FAIL);
  ck_assert_int_eq(item(&r, "nimda-copies-removed"), RS_ITEM_FAIL);
  ck_assert_int_eq(item(&r, "guest-disabled"), RS_ITEM_FAIL);
  ck_assert_int_eq(item(&r, "shares-reset"), RS_ITEM_FAIL);
  ck_assert_uint_eq(r.verdict.reasons.n, 4);
  rs_results_free(&r);
  /* the page alone: Nimda or Chir.B */
  ck_assert_int_eq(run(all, live4, 1, &r), RS_ST_INFECTED);
  ck_assert(strstr(r.verdict.summary, "Nimda or W32/Chir.B") != NULL);
  ck_assert_int_eq(item(&r, "nimda-copies-removed"), RS_ITEM_PASS);
  ck_assert_int_eq(item(&r, "guest-disabled"), RS_ITEM_PASS);
  rs_results_free(&r);
  /* only the Guest administrator is enough */
  ck_assert_int_eq(run(all + 2, live4, 1, &r), RS_ST_INFECTED);
  rs_results_free(&r);
  /* deleted copies only, the rest reverted: cleaned */
  const bool dead[] = {false};
  ck_assert_int_eq(run(all + 1, dead, 1, &r), RS_ST_CLEANED);
  ck_assert_int_eq(item(&r, "nimda-copies-removed"), RS_ITEM_PASS);
  ck_assert_int_eq(item(&r, "shares-reset"), RS_ITEM_PASS);
  rs_results_free(&r);
  /* nothing, and no SAM read: guest-disabled is unknown */
  rs_results_init(&r);
  rs_results_finish(&r);
  struct rs_verdict_facts x = facts();
  x.have_sam = false;
  rs_verdict_decide(&x, &r);
  ck_assert_int_eq(item(&r, "guest-disabled"), RS_ITEM_UNKNOWN);
  ck_assert_int_eq(r.verdict.status, RS_ST_PATCHED);
  rs_results_free(&r);
}
END_TEST

START_TEST(rows)
{
  /* every issue-18 id is a row of the table, with its checklist item */
  static const char *const ids[][2] = {
      {"NIMDA-WEBPAGE", "nimda-pages-restored"}, {"NIMDA-EML", "nimda-copies-removed"},
      {"NIMDA-BINARY", "nimda-copies-removed"},  {"NIMDA-SYSTEM-INI", "nimda-copies-removed"},
      {"NIMDA-GUEST-ADMIN", "guest-disabled"},   {"NIMDA-SHARE-C", "shares-reset"},
      {"NIMDA-SECEVENT", NULL}};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    const struct rs_check *c = rs_check_find(ids[i][0]);
    ck_assert_msg(c != NULL, "%s", ids[i][0]);
    if (ids[i][1])
      ck_assert_str_eq(c->cleanup, ids[i][1]);
  }
}
END_TEST

/* ------------------------------------------------ the fixture disks */

static json_t *scan_scenario(const char *scen)
{
  const char *raw = rs_t_scenario_raw(scen);
  if (!raw)
    return NULL;
  struct rs_run_opts o;
  rs_run_opts_init(&o);
  const char *segs[1] = {raw};
  o.segs = segs;
  o.nseg = 1;
  o.no_hash = true;
  json_t *rep = NULL;
  struct rs_diag d;
  ck_assert_msg(rs_scan(&o, &rep, &d) == RS_OK, "scan %s: %s", scen, d.what);
  return rep;
}

static const char *js(const json_t *o, const char *k)
{
  return json_string_value(json_object_get(o, k));
}

static size_t count_check(json_t *rep, const char *check)
{
  size_t i, n = 0;
  json_t *f;
  json_array_foreach(json_object_get(rep, "findings"), i, f)
    n += js(f, "check") && strcmp(js(f, "check"), check) == 0;
  return n;
}

/* The finding of check at the answer's path (TSK form, volume 0 = C:). */
static json_t *finding_at(json_t *rep, const char *check, const char *tsk_path)
{
  char win[1024];
  size_t k = (size_t)snprintf(win, sizeof win, "C:");
  for (const char *p = tsk_path; *p && k + 1 < sizeof win; p++)
    win[k++] = *p == '/' ? '\\' : *p;
  win[k] = '\0';
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(rep, "findings"), i, f)
    if (strcmp(js(f, "check"), check) == 0 && js(f, "path") && strcasecmp(js(f, "path"), win) == 0)
      return f;
  return NULL;
}

static const char *cleanup_status(json_t *rep, const char *id)
{
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(json_object_get(rep, "verdict"), "cleanup"), i, it)
    if (strcmp(js(it, "id"), id) == 0)
      return js(it, "status");
  return NULL;
}

static const struct {
  const char *kind, *check;
} kinds[] = {{"nimda-page", "NIMDA-WEBPAGE"}, {"chir-page", "NIMDA-WEBPAGE"},
             {"nimda-eml", "NIMDA-EML"},      {"nimda-pe", "NIMDA-BINARY"},
             {"nimda-system-ini", "NIMDA-SYSTEM-INI"}};

/* Every planted file of answer a is its check's finding, with the bytes
 * that decided it; returns how many. */
static int files_found(json_t *rep, json_t *a, const char *scen)
{
  size_t i;
  json_t *art;
  int n = 0;
  json_array_foreach(json_object_get(a, "artifacts"), i, art) {
    const char *check = NULL;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
      if (strcmp(js(art, "kind"), kinds[k].kind) == 0)
        check = kinds[k].check;
    if (!check)
      continue;
    json_t *f = finding_at(rep, check, js(art, "path"));
    ck_assert_msg(f != NULL, "%s: no %s finding for %s", scen, check, js(art, "path"));
    ck_assert_str_eq(js(f, "sha256"), js(art, "sha256"));
    const char *why = js(json_object_get(f, "details"), "decided_by");
    ck_assert_msg(why && *why, "%s %s: no decided_by", scen, js(art, "path"));
    if (strcmp(check, "NIMDA-BINARY") == 0)
      ck_assert_msg(strstr(why, "fsdhqherwqi2001") || strstr(why, "efqpm2300dfhroop"), "%s: %s",
                    js(art, "path"), why);
    if (strcmp(check, "NIMDA-EML") == 0)
      ck_assert_msg(strstr(why, "Kz29vb29oWsrLPh4eisrPb09Pb2"), "%s", why);
    if (strcmp(check, "NIMDA-SYSTEM-INI") == 0)
      ck_assert_msg(strstr(why, "load.exe -dontrunold"), "%s", why);
    n++;
  }
  return n;
}

/* NIMDA-SECEVENT (issue 18 over issue 16): every Security log record the
 * answer plans is a finding with the record behind it (log path, number,
 * time, event id, insertion strings), corroborating the SAM's
 * NIMDA-GUEST-ADMIN; nothing else is. Returns how many matched. */
static int secevents(json_t *rep, json_t *a, const char *scen)
{
  json_t *ev = json_object_get(a, "evt");
  json_t *want = json_object_get(ev, "secevent");
  const char *log = js(json_array_get(json_object_get(ev, "event_logs"), 0), "path");
  ck_assert_msg(log != NULL, "%s: answer has no event log", scen);
  ck_assert_int_eq(count_check(rep, "NIMDA-SECEVENT"), json_array_size(want));
  /* the log is listed, read whole */
  size_t i, k;
  json_t *x, *w;
  bool listed = false;
  json_array_foreach(json_object_get(json_object_get(rep, "system"), "event_logs"), i, x)
    if (strcasecmp(js(x, "path"), log) == 0) {
      listed = true;
      ck_assert_str_eq(js(x, "state"), "ok");
      ck_assert_str_eq(js(x, "log"), "security");
    }
  ck_assert_msg(listed, "%s: %s not in system.event_logs", scen, log);
  const char *guest_id = NULL;
  json_array_foreach(json_object_get(rep, "findings"), i, x)
    if (strcmp(js(x, "check"), "NIMDA-GUEST-ADMIN") == 0)
      guest_id = js(x, "id");
  int n = 0;
  json_array_foreach(want, k, w) {
    json_t *f = NULL;
    json_array_foreach(json_object_get(rep, "findings"), i, x) {
      json_t *d = json_object_get(x, "details");
      if (strcmp(js(x, "check"), "NIMDA-SECEVENT") == 0 &&
          json_integer_value(json_object_get(d, "record_number")) ==
              json_integer_value(json_object_get(w, "record_number")))
        f = x;
    }
    ck_assert_msg(f != NULL, "%s: no NIMDA-SECEVENT for record %lld", scen,
                  (long long)json_integer_value(json_object_get(w, "record_number")));
    ck_assert_msg(strcasecmp(js(f, "path"), log) == 0, "%s", js(f, "path"));
    ck_assert_str_eq(js(f, "kind"), "log");
    json_t *d = json_object_get(f, "details");
    ck_assert_str_eq(js(d, "source_kind"), "evt");
    ck_assert_msg(strcasecmp(js(d, "log"), js(w, "log")) == 0, "%s", js(d, "log"));
    ck_assert_str_eq(js(d, "source"), "Security");
    ck_assert_str_eq(js(d, "time_utc"), js(w, "time_utc"));
    ck_assert_int_eq(json_integer_value(json_object_get(d, "event_id")),
                     json_integer_value(json_object_get(w, "event_id")));
    ck_assert(json_is_false(json_object_get(d, "recovered")));
    ck_assert_msg(json_equal(json_object_get(d, "strings"), json_object_get(w, "strings")),
                  "%s record %lld: strings differ", scen,
                  (long long)json_integer_value(json_object_get(w, "record_number")));
    char eid[16];
    snprintf(eid, sizeof eid, "event %lld",
             (long long)json_integer_value(json_object_get(w, "event_id")));
    ck_assert_msg(strstr(js(f, "title"), eid), "%s", js(f, "title"));
    /* it backs up the SAM finding, which names it back */
    ck_assert_msg(guest_id != NULL, "%s: NIMDA-SECEVENT without NIMDA-GUEST-ADMIN", scen);
    json_t *to = json_object_get(f, "corroborates");
    bool names = false;
    json_array_foreach(to, i, x)
      names |= strcmp(json_string_value(x), guest_id) == 0;
    ck_assert_msg(names, "%s: %s does not corroborate %s", scen, js(f, "id"), guest_id);
    n++;
  }
  return n;
}

START_TEST(disk_nimda)
{
  json_t *a = rs_t_answer("w2k-nimda");
  RS_T_SKIP_IF(!a, "fixtures/out/w2k-nimda not generated");
  json_t *rep = scan_scenario("w2k-nimda");
  ck_assert_ptr_nonnull(rep);
  json_t *n = json_object_get(a, "nimda");
  size_t i;
  json_t *x;
  json_array_foreach(json_object_get(n, "checks"), i, x)
    ck_assert_msg(count_check(rep, json_string_value(x)) > 0, "w2k-nimda: no %s finding",
                  json_string_value(x));
  ck_assert_int_ge(files_found(rep, a, "w2k-nimda"), 8);
  /* the pages say Nimda, not "Nimda or Chir.B": its copies are on the host */
  json_array_foreach(json_object_get(rep, "findings"), i, x)
    if (strcmp(js(x, "check"), "NIMDA-WEBPAGE") == 0)
      ck_assert_msg(!strstr(js(x, "title"), "Chir.B"), "%s", js(x, "title"));
  /* SAM: Guest enabled and in Administrators, the members as samparse lists them */
  json_array_foreach(json_object_get(rep, "findings"), i, x)
    if (strcmp(js(x, "check"), "NIMDA-GUEST-ADMIN") == 0) {
      const char *data = js(json_object_get(x, "details"), "data");
      json_t *m;
      size_t k;
      json_array_foreach(json_object_get(json_object_get(n, "sam"), "administrators"), k, m)
        ck_assert_msg(strstr(data, json_string_value(m)), "%s lacks %s", data,
                      json_string_value(m));
      ck_assert_msg(strstr(data, "(enabled)"), "%s", data);
    } else if (strcmp(js(x, "check"), "NIMDA-SHARE-C") == 0) {
      json_t *det = json_object_get(x, "details");
      ck_assert_str_eq(js(det, "value"), "C$");
      ck_assert_str_eq(js(det, "control_set"),
                       js(json_object_get(n, "shares"), "control_set"));
      ck_assert_msg(strstr(js(det, "data"), "Path=C:\\"), "%s", js(det, "data"));
    }
  ck_assert_int_eq(secevents(rep, a, "w2k-nimda"), 2);
  /* infected, naming Nimda; the four checklist items fail */
  json_t *v = json_object_get(rep, "verdict");
  ck_assert_str_eq(js(v, "status"), js(a, "verdict"));
  ck_assert_str_eq(js(v, "status"), "infected");
  ck_assert_msg(strstr(js(v, "summary"), "Nimda") && !strstr(js(v, "summary"), "Chir.B"), "%s",
                js(v, "summary"));
  json_array_foreach(json_object_get(n, "cleanup_fail"), i, x)
    ck_assert_str_eq(cleanup_status(rep, json_string_value(x)), "fail");
  json_decref(rep);
  json_decref(a);
}
END_TEST

START_TEST(disk_chir_decoy)
{
  json_t *a = rs_t_answer("w2k-chir-decoy");
  RS_T_SKIP_IF(!a, "fixtures/out/w2k-chir-decoy not generated");
  json_t *rep = scan_scenario("w2k-chir-decoy");
  ck_assert_ptr_nonnull(rep);
  /* only the page finding, and it says "Nimda or W32/Chir.B" */
  size_t i, nimda = 0;
  json_t *x;
  json_array_foreach(json_object_get(rep, "findings"), i, x)
    if (strcmp(js(x, "family"), "nimda") == 0) {
      nimda++;
      ck_assert_str_eq(js(x, "check"), "NIMDA-WEBPAGE");
      ck_assert_msg(strstr(js(x, "title"), "Nimda or W32/Chir.B"), "%s", js(x, "title"));
    }
  ck_assert_int_eq(nimda, 1);
  ck_assert_int_eq(files_found(rep, a, "w2k-chir-decoy"), 1);
  /* the unmarked riched20.dll and csrss.exe copies are no finding at all */
  json_array_foreach(json_object_get(a, "must_not_flag"), i, x)
    ck_assert_msg(!finding_at(rep, "NIMDA-BINARY", js(x, "path")), "%s", js(x, "path"));
  /* its Security log has look-alikes only (another account made an
   * administrator, Guest disabled and put in Guests): no NIMDA-SECEVENT */
  ck_assert_int_eq(secevents(rep, a, "w2k-chir-decoy"), 0);
  ck_assert_int_eq(count_check(rep, "NIMDA-BINARY") + count_check(rep, "NIMDA-GUEST-ADMIN") +
                       count_check(rep, "NIMDA-SHARE-C") + count_check(rep, "NIMDA-SYSTEM-INI"),
                   0);
  /* the rules: live infected pages make the host infected, without naming
   * Nimda for sure; only nimda-pages-restored fails of the four items */
  json_t *v = json_object_get(rep, "verdict");
  ck_assert_str_eq(js(v, "status"), js(a, "verdict"));
  ck_assert_msg(strstr(js(v, "summary"), "Nimda or W32/Chir.B"), "%s", js(v, "summary"));
  ck_assert_str_eq(cleanup_status(rep, "nimda-pages-restored"), "fail");
  ck_assert_str_eq(cleanup_status(rep, "nimda-copies-removed"), "pass");
  ck_assert_str_eq(cleanup_status(rep, "guest-disabled"), "pass");
  ck_assert_str_eq(cleanup_status(rep, "shares-reset"), "pass");
  json_decref(rep);
  json_decref(a);
}
END_TEST

Suite *rs_suite_nimda(void)
{
  Suite *s = suite_create("nimda");
  TCase *tc = tcase_create("classify");
  tcase_add_test(tc, page_names);
  tcase_add_test(tc, page_script);
  tcase_add_test(tc, eml_marker);
  tcase_add_test(tc, pe_marker);
  tcase_add_test(tc, ini_shell);
  tcase_add_test(tc, sam_values);
  tcase_add_test(tc, secevent);
  tcase_add_test(tc, verdict_nimda);
  tcase_add_test(tc, rows);
  suite_add_tcase(s, tc);
  TCase *disk = tcase_create("disks");
  tcase_set_timeout(disk, 300);
  tcase_add_test(disk, disk_nimda);
  tcase_add_test(disk, disk_chir_decoy);
  suite_add_tcase(s, disk);
  return s;
}
