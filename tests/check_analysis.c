/* analysis: the verdict engine over synthetic facts (every contract status),
 * the cleanup checklist, the file-row matcher, and the generated docs. */
#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <jansson.h>

#include "analysis/checks.h"
#include "analysis/results.h"
#include "analysis/tlspill.h"
#include "testutil.h"

struct vcase {
  const char *name;
  bool system;
  const char *live_rows;     /* comma list of check ids with live findings */
  const char *past_rows;     /* ... historic findings */
  enum rs_patch_state idq;   /* active copy state */
  bool idq_found;
  int map;                   /* 1, 0, -1 */
  const char *want;
};

static const struct vcase vcases[] = {
  {"no system volume", false, "", "", RS_PATCH_UNKNOWN, false, -1, "undetermined"},
  {"rootexe + log use", true, "CR2-ROOTEXE,LOG-BACKDOOR-USE", "", RS_PATCH_VULNERABLE, true, 1, "backdoor-used"},
  {"vroot only, use", true, "CR2-VROOT-C,LOG-BACKDOOR-USE", "", RS_PATCH_FIXED, true, 1, "backdoor-used"},
  {"rootexe, no log use", true, "CR2-ROOTEXE", "", RS_PATCH_VULNERABLE, true, 1, "infected"},
  {"sfcdisable only", true, "CR2-SFCDISABLE", "", RS_PATCH_FIXED, true, 1, "infected"},
  {"tftp files but no log use", true, "CR2-EXPLORER,NIMDA-TFTP", "", RS_PATCH_VULNERABLE, true, 1, "infected"},
  {"deleted rootexe, patched", true, "", "CR2-ROOTEXE", RS_PATCH_FIXED, true, 1, "cleaned"},
  {"old vroot, mitigated", true, "", "CR2-VROOT-C", RS_PATCH_VULNERABLE, true, 0, "cleaned"},
  {"old vroot, still vulnerable", true, "", "CR2-VROOT-C", RS_PATCH_VULNERABLE, true, 1, "vulnerable"},
  {"vulnerable", true, "LOG-CR2", "", RS_PATCH_VULNERABLE, true, 1, "vulnerable"},
  {"vulnerable, maps unknown", true, "", "", RS_PATCH_VULNERABLE, true, -1, "vulnerable"},
  {"mitigated", true, "", "", RS_PATCH_VULNERABLE, true, 0, "mitigated"},
  {"patched", true, "LOG-CR1", "", RS_PATCH_FIXED, true, 1, "patched"},
  {"clean", true, "", "", RS_PATCH_UNKNOWN, false, 0, "clean"},
  {"clean with attempts", true, "LOG-CR2", "", RS_PATCH_UNKNOWN, false, 0, "clean"},
  {"unknown idq version", true, "", "", RS_PATCH_UNKNOWN, true, 1, "undetermined"},
  {"log use without artifacts", true, "LOG-BACKDOOR-USE", "", RS_PATCH_FIXED, true, 1, "cleaned"},
};

/* The analysis layer is tested over facts and results built by hand: no
 * scan context, no image (the layer never sees either). */
static void add_rows(struct rs_results *r, const char *list, bool live)
{
  char buf[256];
  snprintf(buf, sizeof buf, "%s", list);
  for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
    const struct rs_check *c = rs_check_find(t);
    ck_assert_msg(c != NULL, "no row %s", t);
    struct rs_finding *f = rs_results_add_finding(r, c, RS_FD_FILE, live, 0, t);
    ck_assert_ptr_nonnull(f);
  }
}

static void facts_init(struct rs_verdict_facts *x, struct rs_sysinfo *si)
{
  memset(x, 0, sizeof *x);
  rs_sysinfo_init(si);
  x->si = si;
  x->map_ida = x->map_idq = -1;
}

static const char *item_status(const struct rs_results *r, const char *id)
{
  for (size_t i = 0; i < rs_ncleanup; i++)
    if (strcmp(r->verdict.cleanup[i].item->id, id) == 0)
      return rs_item_state_name(r->verdict.cleanup[i].state);
  return NULL;
}

START_TEST(verdict_table)
{
  const struct vcase *vc = &vcases[_i];
  struct rs_sysinfo si;
  struct rs_verdict_facts x;
  facts_init(&x, &si);
  struct rs_results r;
  rs_results_init(&r);
  x.have_system = x.have_software = vc->system;
  add_rows(&r, vc->live_rows, true);
  add_rows(&r, vc->past_rows, false);
  rs_results_finish(&r);
  x.idq_active_found = vc->idq_found;
  x.idq_any = vc->idq_found;
  x.idq_active_state = vc->idq;
  x.map_ida = x.map_idq = vc->map;
  x.nwalked = 1;
  x.nlogs = 1;
  rs_verdict_decide(&x, &r);
  ck_assert_int_eq(r.err, RS_OK);
  const char *got = rs_status_name(r.verdict.status);
  ck_assert_msg(strcmp(got, vc->want) == 0, "%s: got %s want %s", vc->name, got, vc->want);
  /* never a status without evidence: indicator statuses list reasons */
  if (strcmp(got, "clean") && strcmp(got, "undetermined") && strcmp(got, "mitigated") &&
      strcmp(got, "vulnerable") && strcmp(got, "patched"))
    ck_assert_uint_gt(r.verdict.reasons.n, 0);
  for (size_t i = 0; i < r.verdict.reasons.n; i++)
    ck_assert_uint_lt(r.verdict.reasons.v[i], r.nfind);
  ck_assert_ptr_nonnull(r.verdict.cleanup);
  for (size_t i = 0; i < rs_ncleanup; i++)
    ck_assert_ptr_eq(r.verdict.cleanup[i].item, &rs_cleanup_items[i]);
  rs_results_free(&r);
}
END_TEST

START_TEST(checklist_fails_on_live_and_other_control_sets)
{
  struct rs_sysinfo si;
  struct rs_verdict_facts x;
  facts_init(&x, &si);
  struct rs_results r;
  rs_results_init(&r);
  x.have_system = x.have_software = true;
  x.nwalked = 1;
  /* a /C vroot in a non-current set of the live hive: history for the verdict,
   * but the checklist item "removed in every control set" fails */
  struct rs_finding *f =
      rs_results_add_finding(&r, rs_check_find("CR2-VROOT-C"), RS_FD_REGISTRY, false, 0, "x");
  ck_assert_ptr_nonnull(f);
  f->current_source = true;
  rs_results_finish(&r);
  ck_assert_str_eq(r.finds[0].id, "CR2-VROOT-C-1");
  x.idq_active_found = x.idq_any = true;
  x.idq_active_state = RS_PATCH_FIXED;
  rs_verdict_decide(&x, &r);
  ck_assert_int_eq(r.verdict.status, RS_ST_CLEANED);
  ck_assert_str_eq(item_status(&r, "vroots-removed"), "fail");
  ck_assert_str_eq(item_status(&r, "rootexe-removed"), "pass");
  ck_assert_str_eq(item_status(&r, "fix-installed"), "pass");
  ck_assert_str_eq(item_status(&r, "memory-state"), "unknown");
  ck_assert_str_eq(item_status(&r, "no-backdoor-use"), "unknown"); /* no logs read */
  rs_results_free(&r);
}
END_TEST

/* Issue 17: a carved backdoor use answered 2xx (RESIDUE-LOG-LINE) weighs as
 * use of the backdoor only on a host with Code Red II artifacts, live or
 * deleted, and is then a reason with its carved detail; a carved 404, or a
 * carved 2xx without artifacts, changes nothing. */
static void carved_case(const char *cr2_row, bool cr2_live, enum rs_patch_state idq, int status,
                        const char *want, bool carved_reason)
{
  struct rs_sysinfo si;
  struct rs_verdict_facts x;
  facts_init(&x, &si);
  struct rs_results r;
  rs_results_init(&r);
  x.have_system = x.have_software = true;
  x.nwalked = x.nlogs = 1;
  x.idq_active_found = x.idq_any = true;
  x.idq_active_state = idq;
  x.map_ida = x.map_idq = 1;
  if (cr2_row)
    add_rows(&r, cr2_row, cr2_live);
  struct rs_finding *f = rs_results_add_finding(&r, rs_check_find("RESIDUE-LOG-LINE"),
                                                RS_FD_CARVED, false, 0, "c");
  ck_assert_ptr_nonnull(f);
  f->u.cv.parsed = true;
  f->u.cv.status = status;
  f->u.cv.backdoor_use = status == 200 || status == 502;
  f->u.cv.backdoor_2xx = status == 200;
  rs_results_finish(&r);
  rs_verdict_decide(&x, &r);
  ck_assert_int_eq(r.err, RS_OK);
  ck_assert_msg(!strcmp(rs_status_name(r.verdict.status), want), "%s/%d: got %s want %s",
                cr2_row ? cr2_row : "-", status, rs_status_name(r.verdict.status), want);
  bool reason = false;
  for (size_t i = 0; i < r.verdict.reasons.n; i++)
    reason |= r.finds[r.verdict.reasons.v[i]].what == RS_FD_CARVED;
  ck_assert_int_eq(reason, carved_reason);
  ck_assert_str_eq(item_status(&r, "no-backdoor-use"), carved_reason ? "fail" : "pass");
  if (carved_reason && r.verdict.status == RS_ST_BACKDOOR_USED)
    ck_assert_ptr_nonnull(strstr(r.verdict.summary, "carved"));
  rs_results_free(&r);
}

START_TEST(verdict_carved_backdoor_use)
{
  carved_case("CR2-ROOTEXE", true, RS_PATCH_VULNERABLE, 200, "backdoor-used", true);
  carved_case("CR2-ROOTEXE", true, RS_PATCH_VULNERABLE, 404, "infected", false);
  carved_case(NULL, false, RS_PATCH_VULNERABLE, 200, "vulnerable", false);
  carved_case(NULL, false, RS_PATCH_FIXED, 200, "patched", false);
  /* a deleted root.exe (history) on a patched host: cleaned, the carved use a reason */
  carved_case("CR2-ROOTEXE", false, RS_PATCH_FIXED, 200, "cleaned", true);
}
END_TEST

/* The results model: one failed allocation is sticky, later adds are no-ops. */
START_TEST(results_sticky_error)
{
  struct rs_results r;
  rs_results_init(&r);
  const struct rs_check *c = rs_check_find("CR2-ROOTEXE");
  ck_assert_ptr_nonnull(rs_results_add_finding(&r, c, RS_FD_FILE, true, 0, "a"));
  rs_results_unreadable(&r, "w", "x", "y");
  struct rs_time t = rs_time_from_unix(1000, 0, 0);
  rs_tl_add(&r, &t, "d", "s", "m", 0, NULL, NULL);
  ck_assert_uint_eq(r.nfind, 1);
  ck_assert_uint_eq(r.nunr, 1);
  ck_assert_uint_eq(r.ntl, 1);
  ck_assert_int_eq(rs_results_fail(&r, RS_E_NOMEM), RS_E_NOMEM);
  ck_assert_int_eq(rs_results_fail(&r, RS_E_IO), RS_E_NOMEM); /* the first one stays */
  ck_assert_ptr_null(rs_results_add_finding(&r, c, RS_FD_FILE, true, 0, "b"));
  rs_results_unreadable(&r, "w", "x", "y");
  rs_tl_add(&r, &t, "d", "s", "m", 0, NULL, NULL);
  ck_assert_uint_eq(r.nfind, 1);
  ck_assert_uint_eq(r.nunr, 1);
  ck_assert_uint_eq(r.ntl, 1);
  rs_results_finish(&r); /* a no-op after a failure */
  ck_assert(!r.finished);
  rs_results_free(&r);
  rs_results_free(NULL);
}
END_TEST

/* Findings sort in table order, then by sort key, and the timeline follows
 * them to their new places. */
START_TEST(results_finish_orders_and_remaps)
{
  struct rs_results r;
  rs_results_init(&r);
  const struct rs_check *a = rs_check_find("CR2-ROOTEXE"), *b = rs_check_find("CR2-VROOT-C");
  ck_assert(a < b);
  struct rs_finding *f0 = rs_results_add_finding(&r, b, RS_FD_REGISTRY, true, 0, "z");
  ck_assert_ptr_nonnull(f0);
  size_t s0 = f0->seq;
  ck_assert_ptr_nonnull(rs_results_add_finding(&r, a, RS_FD_FILE, true, 0, "k2"));
  ck_assert_ptr_nonnull(rs_results_add_finding(&r, a, RS_FD_FILE, true, 0, "k1"));
  struct rs_time t = rs_time_from_unix(5, 0, 0);
  rs_tl_add(&r, &t, "d", "s", "m", (int)s0, NULL, NULL);
  rs_results_finish(&r);
  ck_assert_str_eq(r.finds[0].id, "CR2-ROOTEXE-1");
  ck_assert_str_eq(r.finds[0].sort_key, "k1");
  ck_assert_str_eq(r.finds[1].id, "CR2-ROOTEXE-2");
  ck_assert_str_eq(r.finds[2].id, "CR2-VROOT-C-1");
  ck_assert_int_eq(r.tl[0].find_index, 2);
  rs_results_free(&r);
}
END_TEST

START_TEST(table_rows_are_well_formed)
{
  for (size_t i = 0; i < rs_ncheck; i++) {
    const struct rs_check *c = &rs_checks[i];
    ck_assert_msg(c->id && c->family && c->severity && c->title && c->why, "row %zu", i);
    ck_assert_msg(c->ref && strncmp(c->ref, "codered-artifacts ", 18) == 0, "%s: no ref", c->id);
    for (size_t j = 0; j < i; j++)
      ck_assert_msg(strcmp(rs_checks[j].id, c->id) != 0, "duplicate id %s", c->id);
    if (c->otherwise)
      ck_assert_msg(rs_check_find(c->otherwise) && rs_check_find(c->otherwise)->fallback,
                    "%s: otherwise row missing or not a fallback", c->id);
    if (c->cleanup) {
      bool ok = false;
      for (size_t k = 0; k < rs_ncleanup; k++)
        ok |= strcmp(rs_cleanup_items[k].id, c->cleanup) == 0;
      ck_assert_msg(ok, "%s: unknown checklist item %s", c->id, c->cleanup);
    }
  }
}
END_TEST

START_TEST(docs_checks_md_is_current)
{
  char *out = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&out, &len);
  rs_checks_markdown(fp);
  fclose(fp);
  size_t dlen = 0;
  char *doc = (char *)rs_t_slurp(rs_t_src("docs/checks.md"), &dlen);
  ck_assert_msg(doc != NULL, "docs/checks.md missing");
  ck_assert_msg(dlen == len && memcmp(doc, out, len) == 0,
                "docs/checks.md differs from `redsleuth checks`: regenerate it");
  free(doc);
  free(out);
}
END_TEST

/* File rows: which (volume, path, name) each row matches. Volume 0 is an
 * NTFS C: holding \WINNT; volume 1 a FAT D:. The current control set maps
 * /Scripts to d:\webscripts. */
static const struct {
  const char *row;
  int vol;
  const char *path;
  const char *short_name;
  bool allocated;
  bool want;
} mcases[] = {
  {"CR2-ROOTEXE", 0, "/Inetpub/scripts/root.exe", NULL, true, true},
  {"CR2-ROOTEXE", 0, "/INETPUB/SCRIPTS/ROOT.EXE", NULL, true, true},
  {"CR2-ROOTEXE", 0, "/Program Files/Common Files/System/msadc/root.exe", NULL, true, true},
  {"CR2-ROOTEXE", 1, "/webscripts/root.exe", NULL, true, true},       /* registry /Scripts */
  {"CR2-ROOTEXE", 0, "/webscripts/root.exe", NULL, true, false},      /* wrong drive */
  {"CR2-ROOTEXE", 0, "/tools/root.exe", NULL, true, false},           /* outside IIS folders */
  {"CR2-ROOTEXE", 0, "/Inetpub/scripts/sub/root.exe", NULL, true, false},
  {"CR2-ROOTEXE", 0, "/Inetpub/scripts/ROOTEX~1.EXE", "ROOT.EXE", true, true}, /* 8.3 alias */
  {"CR2-ROOTEXE", 1, "/Inetpub/scripts/_oot.exe", NULL, false, true}, /* deleted FAT name */
  {"CR2-ROOTEXE", 1, "/Inetpub/scripts/_oot.exe", NULL, true, false}, /* allocated: literal */
  {"ROOTEXE-NOT-CMD", 0, "/Inetpub/scripts/root.exe", NULL, true, false}, /* fallback only */
  {"CR2-EXPLORER", 0, "/explorer.exe", NULL, true, true},
  {"CR2-EXPLORER", 1, "/EXPLORER.EXE", NULL, false, true},
  {"CR2-EXPLORER", 0, "/WINNT/explorer.exe", NULL, true, false},      /* the real one */
  {"CR2-EXPLORER", 0, "/WINNT/system32/dllcache/explorer.exe", NULL, true, false},
  {"NIMDA-TFTP", 0, "/Inetpub/scripts/TFTP3233", NULL, true, true},
  {"NIMDA-TFTP", 0, "/Inetpub/wwwroot/TFTP3233", NULL, true, false},
  {"NIMDA-ADMINDLL", 0, "/Inetpub/scripts/Admin.dll", NULL, true, true},
  {"NIMDA-ADMINDLL-ROOT", 0, "/Admin.dll", NULL, true, true},
  {"NIMDA-MMC", 0, "/WINNT/mmc.exe", NULL, true, true},
  {"NIMDA-MMC", 0, "/WINNT/system32/mmc.exe", NULL, true, false},
  {"NIMDA-README-EML", 0, "/Inetpub/wwwroot/site/readme.eml", NULL, true, true},
  {"CR1-NOTWORM", 0, "/notworm", NULL, true, true},
};

START_TEST(file_rows_match)
{
  struct rs_volume vols[2];
  memset(vols, 0, sizeof vols);
  vols[0].fs_kind = RS_FS_NTFS;
  snprintf(vols[0].drive, sizeof vols[0].drive, "C:");
  snprintf(vols[0].windows_root, sizeof vols[0].windows_root, "/WINNT");
  vols[1].fs_kind = RS_FS_FAT16;
  snprintf(vols[1].drive, sizeof vols[1].drive, "D:");
  struct rs_image img;
  memset(&img, 0, sizeof img);
  img.vols = vols;
  img.nvol = 2;
  struct rs_sysinfo si;
  rs_sysinfo_init(&si);
  si.nsets = 1;
  si.sets[0].number = 1;
  si.sets[0].is_current = true;
  si.sets[0].vroot_scripts.present = true;
  snprintf(si.sets[0].vroot_scripts.data, sizeof si.sets[0].vroot_scripts.data,
           "d:\\webscripts,,217");
  struct rs_fsentry e;
  memset(&e, 0, sizeof e);
  e.path = mcases[_i].path;
  e.name = strrchr(mcases[_i].path, '/') + 1;
  e.short_name = mcases[_i].short_name;
  e.allocated = mcases[_i].allocated;
  const struct rs_check *c = rs_check_find(mcases[_i].row);
  ck_assert_ptr_nonnull(c);
  bool got = rs_checks_file_row_matches(c, &img.vols[mcases[_i].vol], &si, &e);
  ck_assert_msg(got == mcases[_i].want, "%s on vol %d %s: got %d", mcases[_i].row, mcases[_i].vol,
                mcases[_i].path, got);
}
END_TEST

/* The layering rule (docs/internals.md): analysis/ and sources/ never include
 * the scan driver's headers (scan/) nor the report layer's (report/), so the
 * results model cannot grow a cycle back into the driver. */
START_TEST(lower_layers_include_no_driver_or_report)
{
  static const char *const dirs[] = {"src/lib/analysis", "src/lib/sources"};
  int files = 0;
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", rs_t_src(dirs[i]));
    DIR *dp = opendir(dir);
    ck_assert_msg(dp != NULL, "cannot list %s", dir);
    struct dirent *de;
    while ((de = readdir(dp))) {
      size_t n = strlen(de->d_name);
      if (n < 3 || (strcmp(de->d_name + n - 2, ".c") && strcmp(de->d_name + n - 2, ".h")))
        continue;
      char path[2048];
      snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
      size_t len = 0;
      char *text = (char *)rs_t_slurp(path, &len);
      ck_assert_ptr_nonnull(text);
      files++;
      for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
          *nl = '\0';
        if (strncmp(line, "#include", 8) == 0)
          ck_assert_msg(!strstr(line, "\"scan/") && !strstr(line, "\"report/") &&
                            !strstr(line, "scanctx.h"),
                        "%s includes a driver or report header: %s", path, line);
        line = nl ? nl + 1 : NULL;
      }
      free(text);
    }
    closedir(dp);
  }
  ck_assert_int_gt(files, 10);
}
END_TEST

/* ---- the timeline spill (--timeline-hits): entries out of memory */

/* Entry k of a pseudo-random set: times repeat (ties on time are ordered by
 * the strings), some have no ip. Strings live in bufs. */
struct sp_ent {
  struct rs_tl_entry e;
  char desc[20], source[10], msg[80], path[40], ip[20];
  bool has_ip;
};

/* Points e's strings at x's own buffers (after x was copied or moved). */
static void sp_fix(struct sp_ent *x)
{
  x->e.desc = x->desc;
  x->e.source = x->source;
  x->e.message = x->msg;
  x->e.path = x->path;
  x->e.ip = x->has_ip ? x->ip : NULL;
}

/* A copy of e, the entry a spill handed out (its strings live in the spill). */
static void sp_copy(struct sp_ent *x, const struct rs_tl_entry *e)
{
  memset(x, 0, sizeof *x);
  x->e = *e;
  snprintf(x->desc, sizeof x->desc, "%s", e->desc);
  snprintf(x->source, sizeof x->source, "%s", e->source);
  snprintf(x->msg, sizeof x->msg, "%s", e->message);
  snprintf(x->path, sizeof x->path, "%s", e->path);
  snprintf(x->ip, sizeof x->ip, "%s", e->ip ? e->ip : "");
  x->has_ip = e->ip != NULL;
  sp_fix(x);
}

static void sp_make(struct sp_ent *x, unsigned k)
{
  unsigned h = k * 2654435761u;
  memset(x, 0, sizeof *x);
  x->e.t = rs_time_from_unix(996400000 + (int64_t)(h % 977), 0, 0);
  snprintf(x->msg, sizeof x->msg, "Nimda: GET /scripts/root.exe?/c+dir%u -> %u", h % 13,
           k % 3 ? 404 : 200);
  snprintf(x->path, sizeof x->path, "C:\\logs\\ex0108%02u.log", h % 7);
  snprintf(x->ip, sizeof x->ip, "192.0.2.%u", h % 250);
  snprintf(x->desc, sizeof x->desc, "Request Time");
  snprintf(x->source, sizeof x->source, "iislog");
  x->has_ip = k % 5 != 0;
  x->e.find_index = -1;
  sp_fix(x);
}

static int sp_cmp(const void *a, const void *b)
{
  return rs_tl_cmp(&((const struct sp_ent *)a)->e, &((const struct sp_ent *)b)->e);
}

static size_t dir_entries(const char *dir)
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

/* Whatever the run size (all in memory; a few runs on disk; more than
 * RS_SPILL_MAX_RUNS runs, merged on the way), the entries read back in
 * rs_tl_cmp order, each with its place among the in-memory timeline, the
 * first `keep` only, and no file is ever visible in the folder. */
START_TEST(spill_orders_and_places)
{
  static const size_t runs[] = {0, 6000, 600};
  const size_t n = 700, ntl = 60;
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/spill%d", rs_t_tmpdir(), _i);
  ck_assert_int_eq(mkdir(dir, 0700), 0);
  struct sp_ent *all = calloc(n, sizeof *all), *tl = calloc(ntl, sizeof *tl);
  ck_assert(all && tl);
  for (unsigned k = 0; k < ntl; k++) {
    sp_make(&tl[k], 100000 + k);
    snprintf(tl[k].desc, sizeof tl[k].desc, "First Request");
  }
  qsort(tl, ntl, sizeof *tl, sp_cmp);
  for (size_t k = 0; k < ntl; k++)
    sp_fix(&tl[k]);
  struct rs_tl_entry *tle = calloc(ntl, sizeof *tle);
  ck_assert_ptr_nonnull(tle);
  for (size_t k = 0; k < ntl; k++)
    tle[k] = tl[k].e;
  for (int pass = 0; pass < 2; pass++) {
    uint64_t keep = pass ? n - 37 : n;
    struct rs_tl_spill *s = rs_tl_spill_new(dir, runs[_i]);
    ck_assert_ptr_nonnull(s);
    for (unsigned k = 0; k < n; k++) {
      sp_make(&all[k], k);
      ck_assert_int_eq(rs_tl_spill_add(s, &all[k].e), RS_OK);
    }
    ck_assert_uint_eq(rs_tl_spill_count(s), n);
    ck_assert_uint_eq(dir_entries(dir), 0); /* unlinked */
    bool cut = true;
    ck_assert_int_eq(rs_tl_spill_finish(s, tle, ntl, keep, &cut), RS_OK);
    ck_assert(cut == (keep < n));
    ck_assert_uint_eq(rs_tl_spill_count(s), keep);
    qsort(all, n, sizeof *all, sp_cmp);
    for (size_t k = 0; k < n; k++)
      sp_fix(&all[k]);
    for (int round = 0; round < 2; round++) { /* every writer reads them again */
      ck_assert_int_eq(rs_tl_spill_rewind(s), RS_OK);
      struct rs_tl_entry e;
      size_t before, got = 0;
      while (rs_tl_spill_next(s, &e, &before) == 1) {
        ck_assert_uint_lt(got, keep);
        const struct rs_tl_entry *w = &all[got].e;
        ck_assert_msg(rs_tl_cmp(&e, w) == 0 && e.t.sec == w->t.sec, "entry %zu differs", got);
        ck_assert_str_eq(e.message, w->message);
        ck_assert(!e.ip == !w->ip);
        ck_assert_int_eq(e.find_index, -1);
        size_t want = 0;
        while (want < ntl && rs_tl_cmp(&tle[want], w) <= 0)
          want++;
        ck_assert_uint_eq(before, want);
        got++;
      }
      ck_assert_uint_eq(got, keep);
      ck_assert_int_eq(rs_tl_spill_error(s, NULL), RS_OK);
    }
    rs_tl_spill_free(s);
    ck_assert_uint_eq(dir_entries(dir), 0);
  }
  free(all);
  free(tl);
  free(tle);
}
END_TEST

struct sp_thread {
  struct rs_tl_spill *s;
  unsigned from, n;
  enum rs_err err;
};

static void *sp_adder(void *arg)
{
  struct sp_thread *t = arg;
  struct sp_ent x;
  for (unsigned k = t->from; k < t->from + t->n && t->err == RS_OK; k++) {
    sp_make(&x, k);
    t->err = rs_tl_spill_add(t->s, &x.e);
  }
  return NULL;
}

/* The two log workers add to one spill at once: nothing lost, order kept. */
START_TEST(spill_two_threads)
{
  struct rs_tl_spill *s = rs_tl_spill_new(rs_t_tmpdir(), 4096);
  ck_assert_ptr_nonnull(s);
  struct sp_thread t[2] = {{s, 0, 3000, RS_OK}, {s, 3000, 3000, RS_OK}};
  pthread_t th;
  ck_assert_int_eq(pthread_create(&th, NULL, sp_adder, &t[1]), 0);
  sp_adder(&t[0]);
  pthread_join(th, NULL);
  ck_assert_int_eq(t[0].err, RS_OK);
  ck_assert_int_eq(t[1].err, RS_OK);
  bool cut;
  ck_assert_int_eq(rs_tl_spill_finish(s, NULL, 0, RS_TL_MAX, &cut), RS_OK);
  ck_assert(!cut);
  ck_assert_int_eq(rs_tl_spill_rewind(s), RS_OK);
  struct rs_tl_entry e;
  struct sp_ent prev;
  size_t before, n = 0;
  while (rs_tl_spill_next(s, &e, &before) == 1) {
    ck_assert_uint_eq(before, 0);
    if (n)
      ck_assert_int_le(rs_tl_cmp(&prev.e, &e), 0);
    sp_copy(&prev, &e);
    n++;
  }
  ck_assert_uint_eq(n, 6000);
  rs_tl_spill_free(s);
}
END_TEST

/* A folder where no file can be made: RS_E_OUTPUT naming it, sticky. */
START_TEST(spill_unwritable_folder)
{
  struct rs_tl_spill *s = rs_tl_spill_new("/nonexistent-redsleuth-dir", 512);
  ck_assert_ptr_nonnull(s);
  struct sp_ent x;
  enum rs_err e = RS_OK;
  for (unsigned k = 0; k < 100 && e == RS_OK; k++) {
    sp_make(&x, k);
    e = rs_tl_spill_add(s, &x.e);
  }
  ck_assert_int_eq(e, RS_E_OUTPUT);
  const char *what = NULL;
  ck_assert_int_eq(rs_tl_spill_error(s, &what), RS_E_OUTPUT);
  ck_assert_msg(strstr(what, "/nonexistent-redsleuth-dir"), "folder not named: %s", what);
  ck_assert_int_eq(rs_tl_spill_add(s, &x.e), RS_E_OUTPUT);
  bool cut;
  ck_assert_int_eq(rs_tl_spill_finish(s, NULL, 0, 10, &cut), RS_E_OUTPUT);
  rs_tl_spill_free(s);
}
END_TEST

/* The code of a C file without its comments and string/char literals (each
 * replaced by a space), so a word in a comment or a message is not a call. */
static void strip_c(char *t)
{
  char *w = t;
  for (char *p = t; *p;) {
    if (p[0] == '/' && p[1] == '*') {
      char *e = strstr(p + 2, "*/");
      p = e ? e + 2 : p + strlen(p);
      *w++ = ' ';
    } else if (p[0] == '/' && p[1] == '/') {
      while (*p && *p != '\n')
        p++;
    } else if (*p == '"' || *p == '\'') {
      char q = *p++;
      while (*p && *p != q)
        p += (p[0] == '\\' && p[1]) ? 2 : 1;
      if (*p)
        p++;
      *w++ = ' ';
    } else {
      *w++ = *p++;
    }
  }
  *w = '\0';
}

/* Does code use the identifier word (or, when prefix, any starting so)? */
static bool uses_word(const char *code, const char *word, bool prefix)
{
  size_t n = strlen(word);
  for (const char *p = code; (p = strstr(p, word)); p += n) {
    bool start = p == code || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
    bool end = prefix || !(isalnum((unsigned char)p[n]) || p[n] == '_');
    if (start && end)
      return true;
  }
  return false;
}

/* Calls fn(path, text) for every .c/.h file under src/<rel> (and its
 * folders); returns the count. */
static int each_source(const char *rel, void (*fn)(const char *path, char *text))
{
  char dir[2048];
  snprintf(dir, sizeof dir, "%s", rs_t_src(rel));
  DIR *dp = opendir(dir);
  ck_assert_msg(dp != NULL, "cannot list %s", dir);
  int files = 0;
  struct dirent *de;
  while ((de = readdir(dp))) {
    size_t n = strlen(de->d_name);
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/%s", rel, de->d_name);
    if (de->d_type == DT_DIR && de->d_name[0] != '.') {
      files += each_source(sub, fn);
      continue;
    }
    if (n < 3 || (strcmp(de->d_name + n - 2, ".c") && strcmp(de->d_name + n - 2, ".h")))
      continue;
    size_t len = 0;
    char *text = (char *)rs_t_slurp(rs_t_src(sub), &len);
    ck_assert_ptr_nonnull(text);
    fn(sub, text);
    free(text);
    files++;
  }
  closedir(dp);
  return files;
}

/* The CLI includes one public header, redsleuth/redsleuth.h (and its own),
 * and calls no libtsk, libewf, libregf or OpenSSL function: the library
 * stands between the program and those (issue 14). */
static void cli_file(const char *path, char *text)
{
  for (char *line = text; line && *line;) {
    char *nl = strchr(line, '\n');
    if (strncmp(line, "#include", 8) == 0) {
      char inc[256] = "";
      sscanf(line + 8, " %255[^\n]", inc);
      bool ok;
      if (inc[0] == '"') {
        ok = strncmp(inc, "\"redsleuth/redsleuth.h\"", 23) == 0 || !strchr(inc + 1, '/');
      } else {
        ok = strncmp(inc, "<tsk/", 5) && strncmp(inc, "<libewf", 7) &&
             strncmp(inc, "<libregf", 8) && strncmp(inc, "<libbfio", 8) &&
             strncmp(inc, "<openssl/", 9) && strncmp(inc, "<jansson", 8);
      }
      ck_assert_msg(ok, "%s includes %s: the CLI includes only redsleuth/redsleuth.h", path,
                    inc);
    }
    line = nl ? nl + 1 : NULL;
  }
  strip_c(text);
  static const char *const foreign[] = {"tsk_", "libewf_", "libregf_", "libbfio_", "OpenSSL_",
                                        "EVP_"};
  for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
    ck_assert_msg(!uses_word(text, foreign[i], true), "%s calls %s* itself", path, foreign[i]);
}

START_TEST(cli_includes_one_public_header)
{
  ck_assert_int_ge(each_source("src/cli", cli_file), 5);
}
END_TEST

/* The library never prints and never touches process-wide state: progress
 * goes through the caller's callback, time zones are values, and output
 * goes to the FILE the caller hands a writer (issue 14). */
static void lib_file(const char *path, char *text)
{
  strip_c(text);
  for (char *p = text; (p = strstr(p, "format(printf"));) /* an attribute, not a call */
    memset(p + 7, ' ', 6);
  static const char *const banned[] = {"stderr", "stdout", "printf", "puts", "putchar",
                                       "isatty", "setenv", "putenv", "unsetenv", "tzset",
                                       "mktime", "localtime", "localtime_r", "timegm"};
  for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
    ck_assert_msg(!uses_word(text, banned[i], false), "%s uses %s", path, banned[i]);
}

START_TEST(library_neither_prints_nor_sets_process_state)
{
  ck_assert_int_gt(each_source("src/lib", lib_file), 40);
}
END_TEST

Suite *rs_suite_analysis(void)
{
  Suite *s = suite_create("analysis");
  TCase *tc = tcase_create("verdict");
  tcase_add_loop_test(tc, verdict_table, 0, sizeof vcases / sizeof vcases[0]);
  tcase_add_test(tc, checklist_fails_on_live_and_other_control_sets);
  tcase_add_test(tc, results_sticky_error);
  tcase_add_test(tc, verdict_carved_backdoor_use);
  tcase_add_test(tc, lower_layers_include_no_driver_or_report);
  tcase_add_test(tc, cli_includes_one_public_header);
  tcase_add_test(tc, library_neither_prints_nor_sets_process_state);
  tcase_add_test(tc, results_finish_orders_and_remaps);
  tcase_add_loop_test(tc, spill_orders_and_places, 0, 3);
  tcase_add_test(tc, spill_two_threads);
  tcase_add_test(tc, spill_unwritable_folder);
  tcase_add_test(tc, table_rows_are_well_formed);
  tcase_add_test(tc, docs_checks_md_is_current);
  tcase_add_loop_test(tc, file_rows_match, 0, sizeof mcases / sizeof mcases[0]);
  suite_add_tcase(s, tc);
  return s;
}
