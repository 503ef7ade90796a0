/* Collections (src/lib/evidence/collect*.c): a folder of collected files and
 * a ZIP or TAR of them, made here from a fixture's raw disk (tsk_recover of
 * every allocated file of each volume) in the KAPE, Velociraptor and plain
 * layouts. Each must give the raw image's verdict and findings (same ids,
 * paths and SHA-256; the scenarios used have no finding that needs deleted
 * files or MFT data), drive letters as the layout recorded them, and a
 * manifest of the files read; bad input (traversal names, a 10 GB entry, a
 * folder without Windows, links and FIFOs) gives clear unreadable entries or
 * exit 3 and writes nothing anywhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <check.h>

#include "redsleuth/collect.h"
#include "redsleuth/scan.h"
#include "testutil.h"

static json_t *scan_rc(const char *path, enum rs_err *rc, struct rs_diag *d)
{
  struct rs_run_opts o;
  rs_run_opts_init(&o);
  const char *segs[1] = {path};
  o.segs = segs;
  o.nseg = 1;
  o.no_hash = true;
  json_t *rep = NULL;
  *rc = rs_scan(&o, &rep, d);
  return rep;
}

static json_t *scan(const char *path)
{
  struct rs_diag d;
  enum rs_err e;
  json_t *rep = scan_rc(path, &e, &d);
  ck_assert_msg(e == RS_OK && rep, "scan %s: %s", path, d.what);
  return rep;
}

static const char *status(const json_t *rep)
{
  return json_string_value(json_object_get(json_object_get(rep, "verdict"), "status"));
}

/* "id|path|sha256" of every finding, sorted, one per line (malloc'd). */
static char *finding_keys(const json_t *rep)
{
  const json_t *fs = json_object_get(rep, "findings");
  size_t n = json_array_size(fs);
  char **k = calloc(n + 1, sizeof *k);
  size_t total = 1;
  for (size_t i = 0; i < n; i++) {
    const json_t *f = json_array_get(fs, i);
    const char *sha = json_string_value(json_object_get(f, "sha256"));
    const char *path = json_string_value(json_object_get(f, "path"));
    size_t l = 64 + strlen(path ? path : "") + 80;
    k[i] = malloc(l);
    snprintf(k[i], l, "%s|%s|%s\n", json_string_value(json_object_get(f, "id")),
             path ? path : "-", sha ? sha : "-");
    total += strlen(k[i]);
  }
  for (size_t i = 0; i + 1 < n; i++) /* small n: insertion order by strcmp */
    for (size_t j = i + 1; j < n; j++)
      if (strcmp(k[i], k[j]) > 0) {
        char *t = k[i];
        k[i] = k[j];
        k[j] = t;
      }
  char *out = malloc(total);
  out[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    strcat(out, k[i]);
    free(k[i]);
  }
  free(k);
  return out;
}

static void sh(const char *fmt, const char *a, const char *b, const char *c)
{
  char cmd[16384];
  snprintf(cmd, sizeof cmd, fmt, a, b, c);
  ck_assert_msg(rs_t_run(cmd, NULL) == 0, "failed: %s", cmd);
}

/* The raw disk's volumes recovered into dir/<prefix><letter><suffix>/ (the
 * drive letters of the raw image's own report). */
static void recover(const char *raw, const json_t *rawrep, const char *dir, const char *prefix,
                    const char *suffix)
{
  const json_t *vols = json_object_get(rawrep, "volumes");
  for (size_t i = 0; i < json_array_size(vols); i++) {
    const json_t *v = json_array_get(vols, i);
    const char *drive = json_string_value(json_object_get(v, "drive"));
    const char *fs = json_string_value(json_object_get(v, "fs_type"));
    if (!drive || !fs || !strcmp(fs, "none") || !strcmp(fs, "other"))
      continue;
    char sub[4200], off[32];
    snprintf(sub, sizeof sub, "%s/%s%c%s", dir, prefix, drive[0], suffix);
    snprintf(off, sizeof off, "%lld",
             (long long)json_integer_value(json_object_get(v, "start_sector")));
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && tsk_recover -a -o %s '%s' '%s' >/dev/null", sub,
             off, raw, sub);
    ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  }
}

static const char *const scens[] = {"w2k-cr2-used", "w2k-vulnerable-fat"};
enum { L_KAPE, L_VELO, L_KAPE_ZIP, L_KAPE_TAR, L_VELO_ZIP, L_KAPE_TGZ, L__N };
static const char *const lname[L__N] = {"kape", "velo", "kape.zip", "kape.tar", "velo.zip",
                                        "kape.tar.gz"};

START_TEST(layouts_equal_raw)
{
  RS_T_SKIP_IF(!rs_t_have("tsk_recover") || !rs_t_have("zip") || !rs_t_have("tar"),
               "tsk_recover (sleuthkit), zip or tar missing: they make the collections");
  const char *scen = scens[_i / L__N];
  int lay = _i % L__N;
  const char *raw = rs_t_scenario_raw(scen);
  ck_assert_ptr_nonnull(raw);
  json_t *rawrep = scan(raw);
  char dir[4200], ev[4200];
  snprintf(dir, sizeof dir, "%s/%s", rs_t_tmpdir(), lay == L_VELO || lay == L_VELO_ZIP ? "velo" : "kape");
  if (lay == L_VELO || lay == L_VELO_ZIP)
    recover(raw, rawrep, dir, "uploads/auto/", "%3A");
  else
    recover(raw, rawrep, dir, "", "");
  snprintf(ev, sizeof ev, "%s/%s", rs_t_tmpdir(), lname[lay]);
  if (lay == L_KAPE_ZIP || lay == L_VELO_ZIP)
    sh("cd '%s' && zip -qr '%s' .%s", dir, ev, "");
  else if (lay == L_KAPE_TAR)
    sh("cd '%s' && tar -cf '%s' .%s", dir, ev, "");
  else if (lay == L_KAPE_TGZ)
    sh("cd '%s' && tar -czf '%s' .%s", dir, ev, "");
  json_t *rep = scan(ev);
  ck_assert_str_eq(status(rep), status(rawrep));
  char *a = finding_keys(rawrep), *b = finding_keys(rep);
  ck_assert_msg(strlen(a) > 0 || !strcmp(status(rawrep), "clean"), "no findings in %s", scen);
  ck_assert_str_eq(b, a);
  free(a);
  free(b);
  /* the same drives, none assumed; the evidence is the collection */
  const json_t *vols = json_object_get(rep, "volumes");
  ck_assert_uint_ge(json_array_size(vols), 1);
  for (size_t i = 0; i < json_array_size(vols); i++)
    ck_assert(json_is_false(json_object_get(json_array_get(vols, i), "drive_assumed")));
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(vols, 0), "drive")), "C:");
  const json_t *evj = json_object_get(rep, "evidence");
  const char *kind = json_string_value(json_object_get(evj, "kind"));
  ck_assert_str_eq(kind, lay == L_KAPE || lay == L_VELO ? "folder"
                         : lay == L_KAPE_TAR || lay == L_KAPE_TGZ ? "tar"
                                                        : "zip");
  ck_assert(json_is_null(json_object_get(evj, "hashes")));
  ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(evj, "limitation")), "MFT"));
  /* the manifest: every entry's SHA-256 is the file's own */
  const json_t *man = json_object_get(evj, "manifest");
  ck_assert_uint_ge(json_array_size(man), 3);
  bool hive = false;
  for (size_t i = 0; i < json_array_size(man); i++) {
    const json_t *m = json_array_get(man, i);
    const char *p = json_string_value(json_object_get(m, "path"));
    char file[9000], sha[65];
    snprintf(file, sizeof file, "%s/%s", dir, p);
    rs_t_sha256_file(file, sha);
    ck_assert_str_eq(json_string_value(json_object_get(m, "sha256")), sha);
    struct stat st;
    ck_assert_int_eq(stat(file, &st), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(m, "size")), st.st_size);
    hive |= strstr(p, "config/SYSTEM") != NULL;
  }
  ck_assert(hive);
  /* no MFT data: null, never an index passing for one */
  const json_t *fs = json_object_get(rep, "findings");
  for (size_t i = 0; i < json_array_size(fs); i++) {
    const json_t *f = json_array_get(fs, i);
    const char *fk = json_string_value(json_object_get(f, "kind"));
    if (fk && (!strcmp(fk, "file") || !strcmp(fk, "pe"))) {
      ck_assert(json_is_null(json_object_get(f, "mft_entry")));
      const json_t *sb = json_object_get(f, "si_before_fn"); /* absent on residue findings */
      ck_assert_msg(!sb || json_is_null(sb), "%s: si_before_fn not null",
                    json_string_value(json_object_get(f, "check"))); /* no $SI/$FN to compare */
    }
  }
  ck_assert_uint_eq(json_array_size(json_object_get(rep, "unreadable")), 0);
  json_decref(rep);
  json_decref(rawrep);
}
END_TEST

/* A tree without a drive folder is C:, and says the letter is assumed; a
 * Velociraptor drive under two accessors is one volume. */
START_TEST(plain_tree_assumed_and_accessors)
{
  RS_T_SKIP_IF(!rs_t_have("tsk_recover"), "tsk_recover (sleuthkit) missing: it makes the collection");
  const char *raw = rs_t_scenario_raw("w2k-cr2-used");
  json_t *rawrep = scan(raw);
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/plain", rs_t_tmpdir());
  recover(raw, rawrep, dir, "", "");
  json_t *rep = scan(dir); /* holds C/ and D/: KAPE */
  ck_assert_uint_eq(json_array_size(json_object_get(rep, "volumes")), 2);
  json_decref(rep);
  char c[4300];
  snprintf(c, sizeof c, "%s/C", dir);
  rep = scan(c); /* the C: tree alone */
  const json_t *vols = json_object_get(rep, "volumes");
  ck_assert_uint_eq(json_array_size(vols), 1);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(vols, 0), "drive")), "C:");
  ck_assert(json_is_true(json_object_get(json_array_get(vols, 0), "drive_assumed")));
  ck_assert_str_eq(status(rep), status(rawrep)); /* the log and C: findings decide it */
  json_decref(rep);
  /* the hives under the ntfs accessor, the rest under auto: one C: */
  sh("cd '%s' && mkdir -p velo2/uploads/auto velo2/uploads/ntfs && cp -r C 'velo2/uploads/auto/C%%3A' && "
     "mkdir -p 'velo2/uploads/ntfs/%%5C%%5C.%%5CC%%3A/WINNT/system32' && "
     "mv 'velo2/uploads/auto/C%%3A/WINNT/system32/config' 'velo2/uploads/ntfs/%%5C%%5C.%%5CC%%3A/WINNT/system32/'%s%s",
     dir, "", "");
  snprintf(c, sizeof c, "%s/velo2", dir);
  rep = scan(c);
  vols = json_object_get(rep, "volumes");
  ck_assert_uint_eq(json_array_size(vols), 1);
  ck_assert(json_is_false(json_object_get(json_array_get(vols, 0), "drive_assumed")));
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(vols, 0), "windows_root")),
                   "\\WINNT");
  ck_assert(json_array_size(json_object_get(json_object_get(rep, "system"), "hives")) > 0);
  json_decref(rep);
  json_decref(rawrep);
}
END_TEST

static void add_file(struct archive *a, const char *name, const void *data, size_t n)
{
  struct archive_entry *e = archive_entry_new();
  archive_entry_set_pathname(e, name);
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, (la_int64_t)n);
  ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
  ck_assert_int_eq(archive_write_data(a, data, n), (la_ssize_t)n);
  archive_entry_free(e);
}

/* "../", absolute and drive-letter names: refused by name, listed as
 * unreadable, never read or written anywhere; the rest scans as usual. */
START_TEST(traversal_names_refused)
{
  RS_T_SKIP_IF(!rs_t_have("tsk_recover") || !rs_t_have("zip"),
               "tsk_recover (sleuthkit) or zip missing: they make the collection");
  const char *raw = rs_t_scenario_raw("w2k-cr2-used");
  json_t *rawrep = scan(raw);
  char dir[4200], zipp[4200];
  snprintf(dir, sizeof dir, "%s/k", rs_t_tmpdir());
  recover(raw, rawrep, dir, "", "");
  snprintf(zipp, sizeof zipp, "%s/sub/evil.zip", rs_t_tmpdir());
  sh("mkdir -p '%s/sub' && cd '%s' && zip -qr '%s' .", rs_t_tmpdir(), dir, zipp);
  /* append the hostile names with libarchive into a second archive */
  char evil[4300];
  snprintf(evil, sizeof evil, "%s/sub/evil2.zip", rs_t_tmpdir());
  struct archive *in = archive_read_new(), *out = archive_write_new();
  archive_read_support_format_zip(in);
  ck_assert_int_eq(archive_read_open_filename(in, zipp, 65536), ARCHIVE_OK);
  archive_write_set_format_zip(out);
  ck_assert_int_eq(archive_write_open_filename(out, evil), ARCHIVE_OK);
  struct archive_entry *e;
  static char buf[1 << 20];
  while (archive_read_next_header(in, &e) == ARCHIVE_OK) {
    if (archive_entry_filetype(e) != AE_IFREG)
      continue;
    la_ssize_t n = archive_read_data(in, buf, sizeof buf);
    ck_assert_int_ge(n, 0);
    add_file(out, archive_entry_pathname(e), buf, (size_t)n);
  }
  static const char *const bad[] = {"../../escape-1.txt", "/tmp/escape-2.txt", "C:/escape-3.txt",
                                    "C/../../escape-4.txt", "..\\escape-5.txt"};
  for (size_t i = 0; i < 5; i++)
    add_file(out, bad[i], "x", 1);
  archive_read_free(in);
  ck_assert_int_eq(archive_write_close(out), ARCHIVE_OK);
  archive_write_free(out);
  json_t *rep = scan(evil);
  ck_assert_str_eq(status(rep), status(rawrep));
  const json_t *unr = json_object_get(rep, "unreadable");
  ck_assert_uint_eq(json_array_size(unr), 5);
  for (size_t i = 0; i < 5; i++) {
    bool found = false;
    for (size_t j = 0; j < json_array_size(unr); j++) {
      const json_t *u = json_array_get(unr, j);
      /* libarchive may give a ZIP's '\' as '/' */
      char w[64], b[64];
      snprintf(w, sizeof w, "%s", json_string_value(json_object_get(u, "where")));
      snprintf(b, sizeof b, "%s", bad[i]);
      for (char *q = w; *q; q++)
        *q = *q == '\\' ? '/' : *q;
      for (char *q = b; *q; q++)
        *q = *q == '\\' ? '/' : *q;
      if (!strcmp(w, b)) {
        found = true;
        ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(u, "reason")), "refused"));
      }
    }
    ck_assert_msg(found, "%s not listed", bad[i]);
    char p[9000];
    snprintf(p, sizeof p, "%s/escape-%zu.txt", rs_t_tmpdir(), i + 1);
    ck_assert_int_ne(access(p, F_OK), 0);
  }
  ck_assert_int_ne(access("/tmp/escape-2.txt", F_OK), 0);
  json_decref(rep);
  json_decref(rawrep);
}
END_TEST

/* A 10 GB log of zeros (a sparse file, a sparse TAR entry): listed, never
 * read (beyond RS_COLL_ENTRY_MAX), in bounded time and memory. */
START_TEST(huge_entry_bounded)
{
  RS_T_SKIP_IF(!rs_t_have("tsk_recover") || !rs_t_have("tar"),
               "tsk_recover (sleuthkit) or tar missing: they make the collection");
  const char *raw = rs_t_scenario_raw("w2k-cr2-used");
  json_t *rawrep = scan(raw);
  char dir[4200], tarp[4200];
  snprintf(dir, sizeof dir, "%s/big", rs_t_tmpdir());
  recover(raw, rawrep, dir, "", "");
  snprintf(tarp, sizeof tarp, "%s/big.tar", rs_t_tmpdir());
  sh("truncate -s 10G '%s/C/WINNT/system32/LogFiles/W3SVC1/ex991231.log' && cd '%s' && tar -cSf '%s' .",
     dir, dir, tarp);
  struct stat st;
  ck_assert_int_eq(stat(tarp, &st), 0);
  ck_assert_int_lt(st.st_size, 64 << 20); /* sparse in the archive too */
  for (int k = 0; k < 2; k++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    json_t *rep = scan(k ? tarp : dir);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 30);
    ck_assert_str_eq(status(rep), status(rawrep));
    const json_t *unr = json_object_get(rep, "unreadable");
    ck_assert_uint_eq(json_array_size(unr), 1);
    const json_t *u = json_array_get(unr, 0);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(u, "where")), "ex991231.log"));
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(u, "reason")), "10737418240 bytes"));
    json_decref(rep);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
#if defined(__SANITIZE_ADDRESS__)
  /* ASan's shadow memory and its quarantine of freed blocks (256 MiB) count
   * in the resident size: 615 MiB measured; reading the entry would be 10 GB */
  long limit_kib = 2L * 1024 * 1024;
#else
  long limit_kib = 400L * 1024;
#endif
  ck_assert_int_lt(ru.ru_maxrss, limit_kib); /* KiB: far from 10 GB */
  json_decref(rawrep);
}
END_TEST

/* No Windows tree: RS_E_OPEN (exit 3) naming the folder and the reason. A
 * file that is neither a folder nor an archive is not a collection. */
START_TEST(no_windows_tree)
{
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/nowin", rs_t_tmpdir());
  sh("mkdir -p '%s/C/Users' && echo hi > '%s/C/Users/a.txt'%s", dir, dir, "");
  struct rs_diag d;
  enum rs_err e;
  json_t *rep = scan_rc(dir, &e, &d);
  ck_assert_ptr_null(rep);
  ck_assert_int_eq(e, RS_E_OPEN);
  ck_assert_str_eq(d.where, dir);
  ck_assert_ptr_nonnull(strstr(d.what, "no Windows tree"));
  enum rs_coll_kind k;
  ck_assert(rs_coll_sniff(dir, &k) && k == RS_COLL_FOLDER);
  char f[4300];
  snprintf(f, sizeof f, "%s/C/Users/a.txt", dir);
  ck_assert(!rs_coll_sniff(f, &k));
  /* a gzip file holding no TAR is sniffed as one and refused by the listing */
  char gz[4300];
  snprintf(gz, sizeof gz, "%s/plain.gz", rs_t_tmpdir());
  sh("gzip -c '%s' > '%s'%s", f, gz, "");
  ck_assert(rs_coll_sniff(gz, &k) && k == RS_COLL_TAR);
  rep = scan_rc(gz, &e, &d);
  ck_assert_ptr_null(rep);
  ck_assert_int_eq(e, RS_E_OPEN);
  ck_assert_ptr_nonnull(strstr(d.what, "TAR"));
}
END_TEST

/* Symbolic links are never followed (not a file, not a folder: a link out
 * of the tree reads nothing), a FIFO is not read; both are listed. */
START_TEST(links_and_fifos)
{
  RS_T_SKIP_IF(!rs_t_have("tsk_recover"), "tsk_recover (sleuthkit) missing: it makes the collection");
  const char *raw = rs_t_scenario_raw("w2k-cr2-used");
  json_t *rawrep = scan(raw);
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/lk", rs_t_tmpdir());
  recover(raw, rawrep, dir, "", "");
  sh("cd '%s/C' && ln -s /etc Inetpub/scripts/outside && ln -s /etc/passwd Inetpub/scripts/idq.dll && "
     "mkfifo WINNT/system32/LogFiles/W3SVC1/ex990101.log%s%s", dir, "", "");
  json_t *rep = scan(dir);
  ck_assert_str_eq(status(rep), status(rawrep));
  const json_t *unr = json_object_get(rep, "unreadable");
  ck_assert_uint_eq(json_array_size(unr), 3);
  int links = 0, fifo = 0;
  for (size_t j = 0; j < json_array_size(unr); j++) {
    const char *why = json_string_value(json_object_get(json_array_get(unr, j), "reason"));
    links += strstr(why, "symbolic link") != NULL;
    fifo += strstr(why, "not a regular file") != NULL;
  }
  ck_assert_int_eq(links, 2);
  ck_assert_int_eq(fifo, 1);
  const json_t *man = json_object_get(json_object_get(rep, "evidence"), "manifest");
  for (size_t i = 0; i < json_array_size(man); i++)
    ck_assert_ptr_null(strstr(json_string_value(json_object_get(json_array_get(man, i), "path")),
                              "scripts/idq.dll"));
  json_decref(rep);
  json_decref(rawrep);
}
END_TEST

START_TEST(name_clean)
{
  static const struct {
    const char *in, *out; /* out NULL: refused */
  } t[] = {
      {"C/WINNT/system32/cmd.exe", "C/WINNT/system32/cmd.exe"},
      {"./C//WINNT/./x", "C/WINNT/x"},
      {"C\\WINNT\\x", "C/WINNT/x"},
      {"uploads/auto/C%3A/x", "uploads/auto/C%3A/x"},
      {"a/..b/c..", "a/..b/c.."},
      {"../x", NULL}, {"a/../x", NULL}, {"a/..", NULL}, {"/etc/x", NULL}, {"\\\\srv\\x", NULL},
      {"C:/x", NULL}, {"./C:/x", NULL}, {"a\x01" "b", NULL}, {"", NULL}, {"./", NULL},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    char out[64];
    const char *why = NULL;
    bool ok = rs_coll_name_clean(t[i].in, strlen(t[i].in), out, sizeof out, &why);
    ck_assert_msg(ok == (t[i].out != NULL), "%s: %s", t[i].in, why ? why : "accepted");
    if (ok)
      ck_assert_str_eq(out, t[i].out);
    else
      ck_assert_ptr_nonnull(why);
  }
  char nul[] = {'a', '\0', 'b'};
  char out[16];
  const char *why;
  ck_assert(!rs_coll_name_clean(nul, 3, out, sizeof out, &why));
  ck_assert(!rs_coll_name_clean("abcdefghijklmnopqrstuvwxyz", 26, out, sizeof out, &why));
  char s[] = "%5C%5C.%5CC%3A%zz%";
  rs_coll_pct_decode(s);
  ck_assert_str_eq(s, "\\\\.\\C:%zz%");
}
END_TEST

Suite *rs_suite_collect(void)
{
  Suite *s = suite_create("collect");
  TCase *tc = tcase_create("collect");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, name_clean);
  tcase_add_loop_test(tc, layouts_equal_raw, 0, (int)(sizeof scens / sizeof scens[0]) * L__N);
  tcase_add_test(tc, plain_tree_assumed_and_accessors);
  tcase_add_test(tc, traversal_names_refused);
  tcase_add_test(tc, huge_entry_bounded);
  tcase_add_test(tc, no_windows_tree);
  tcase_add_test(tc, links_and_fifos);
  suite_add_tcase(s, tc);
  return s;
}
