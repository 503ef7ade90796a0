/* Corrupt evidence, end to end: every case derives a damaged copy FROM THE
 * FIXTURES at test time (truncated raw and EWF, a corrupted EWF chunk, a
 * zeroed MFT record, a torn root directory record, an MFT parent loop,
 * damaged hives, logs and idq.dll patched in place, an MBR entry past the
 * end) and runs the built `redsleuth scan` on it. Each must exit with its
 * documented code, name what could not be read under "unreadable", still
 * report what survived, finish in bounded time, never crash, and never
 * write to the (read-only) input.
 * Offsets inside the images come from TSK (ifind/istat/fsstat) at test time,
 * never from our own parser. Also: hostile file names through every output. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <check.h>
#include <jansson.h>

#include "testutil.h"

#define BIN RS_BUILDDIR "/redsleuth"
#define MAX_SECS 30.0
#define P0 2048ull  /* first partition of every MBR fixture (answer.json) */

/* ------------------------------------------------------------ helpers */

struct run {
  int rc;
  double secs;
  json_t *rep;     /* NULL when stdout was not a JSON report */
  char *err;       /* stderr */
};

static void run_free(struct run *r)
{
  json_decref(r->rep);
  free(r->err);
}

/* Scans read-only evidence with the built binary; checks the common promises:
 * no crash, no hang (timeout 60 > bound), bounded time, input unchanged. */
static void scan_bin(const char *const *files, int nfiles, const char *args, struct run *r)
{
  const char *dir = rs_t_tmpdir();
  char before[8][65], after[65];
  ck_assert_int_le(nfiles, 8);
  for (int i = 0; i < nfiles; i++) {
    chmod(files[i], 0444);
    rs_t_sha256_file(files[i], before[i]);
    ck_assert_msg(before[i][0], "cannot hash %s", files[i]);
  }
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "timeout 60 '%s' scan %s '%s' > '%s/out.json' 2> '%s/err.txt'", BIN,
           args ? args : "--json", files[0], dir, dir);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  r->rc = rs_t_run(cmd, NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  r->secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  char p[4096];
  snprintf(p, sizeof p, "%s/err.txt", dir);
  size_t n = 0;
  r->err = (char *)rs_t_slurp(p, &n);
  if (r->err) {
    char *z = realloc(r->err, n + 1);
    if (z) {
      r->err = z;
      r->err[n] = '\0';
    }
  }
  snprintf(p, sizeof p, "%s/out.json", dir);
  r->rep = json_load_file(p, 0, NULL);
  fprintf(stderr, "corrupt: %s: exit %d in %.2f s\n", files[0], r->rc, r->secs);
  size_t ui;
  json_t *u;
  json_array_foreach(json_object_get(r->rep, "unreadable"), ui, u)
    fprintf(stderr, "  unreadable: %s @ %s: %.150s\n",
            json_string_value(json_object_get(u, "what")),
            json_string_value(json_object_get(u, "where")),
            json_string_value(json_object_get(u, "reason")));
  ck_assert_msg(r->rc >= 0 && r->rc != 124 && r->rc < 128, "%s: crashed or hung (status %d): %s",
                files[0], r->rc, r->err ? r->err : "");
  ck_assert_msg(r->secs < MAX_SECS, "%s: took %.1f s", files[0], r->secs);
  for (int i = 0; i < nfiles; i++) {
    rs_t_sha256_file(files[i], after);
    ck_assert_msg(strcmp(before[i], after) == 0, "%s was modified by the scan", files[i]);
  }
  if ((!args || strstr(args, "--json")) && (r->rc == 10 || r->rc == 11 || r->rc == 0))
    ck_assert_msg(r->rep != NULL, "%s: exit %d but no JSON report", files[0], r->rc);
  /* 11 outranks 10, so its one stderr line must still give the verdict */
  if (r->rc == 11)
    ck_assert_msg(r->err && strncmp(r->err, "redsleuth: incomplete: ", 23) == 0 && strstr(r->err, "verdict "),
                  "%s: exit 11 without the verdict on stderr: %s", files[0], r->err ? r->err : "");
}

/* An unreadable entry whose what equals `what`, whose where contains
 * where_has (equals it, when exact) and whose reason contains reason_has
 * (each NULL: any). */
static json_t *unreadable(const struct run *r, const char *what, const char *where_has,
                          bool exact, const char *reason_has)
{
  size_t i;
  json_t *u;
  json_array_foreach(json_object_get(r->rep, "unreadable"), i, u) {
    const char *w = json_string_value(json_object_get(u, "what"));
    const char *wh = json_string_value(json_object_get(u, "where"));
    const char *re = json_string_value(json_object_get(u, "reason"));
    if ((!what || (w && strcmp(w, what) == 0)) &&
        (!where_has || (wh && (exact ? !strcmp(wh, where_has) : !!strstr(wh, where_has)))) &&
        (!reason_has || (re && strstr(re, reason_has))))
      return u;
  }
  return NULL;
}

static void dump_unreadable(const struct run *r)
{
  char *s = json_dumps(json_object_get(r->rep, "unreadable"), JSON_INDENT(1));
  fprintf(stderr, "unreadable: %s\n", s ? s : "?");
  free(s);
}

static void assert_unreadable(const struct run *r, const char *what, const char *where,
                              const char *reason)
{
  if (!unreadable(r, what, where, false, reason))
    dump_unreadable(r);
  ck_assert_msg(unreadable(r, what, where, false, reason), "no unreadable entry %s @ %s (%s)", what,
                where ? where : "*", reason ? reason : "*");
}
#define ASSERT_UNREADABLE assert_unreadable

static json_t *finding(const struct run *r, const char *check, const char *path)
{
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(r->rep, "findings"), i, f) {
    const char *c = json_string_value(json_object_get(f, "check"));
    const char *p = json_string_value(json_object_get(f, "path"));
    if (c && strcmp(c, check) == 0 && (!path || (p && strcasecmp(p, path) == 0)))
      return f;
  }
  return NULL;
}

static void assert_finding(const struct run *r, const char *check, const char *path)
{
  ck_assert_msg(finding(r, check, path), "finding %s %s missing", check, path ? path : "");
}
#define ASSERT_FINDING assert_finding

static const char *verdict(const struct run *r)
{
  return json_string_value(json_object_get(json_object_get(r->rep, "verdict"), "status"));
}

/* A private writable copy of a scenario's raw image. */
static const char *raw_copy(const char *scen)
{
  const char *p = rs_t_scenario_raw(scen);
  chmod(p, 0644);
  return p;
}


/* ------------------------------------------- 1. truncated raw images */

START_TEST(truncated_raw_mid_second_partition)
{
  const char *img = raw_copy("w2k-cr2-used");
  /* volume 1: sectors 67584..100351 (answer.json); cut in its middle */
  ck_assert_int_eq(truncate(img, (67584 + 16384) * 512LL), 0);
  struct run r = {0};
  scan_bin(&img, 1, NULL, &r);
  /* C: is whole: its backdoor artifacts and the log evidence keep the verdict */
  ck_assert_int_eq(r.rc, 11); /* damaged AND infected: 11 outranks 10 */
  ck_assert_str_eq(verdict(&r), "backdoor-used");
  ASSERT_UNREADABLE(&r, "volume", "disk.raw", "volume 1 at sector 67584: partition ends beyond");
  ASSERT_FINDING(&r, "CR2-ROOTEXE", "C:\\Inetpub\\scripts\\root.exe");
  ASSERT_FINDING(&r, "CR2-EXPLORER", "C:\\explorer.exe");
  ASSERT_FINDING(&r, "LOG-BACKDOOR-USE", NULL);
  /* D:'s MFT survived but its files' content is past the cut: named, not hidden */
  ASSERT_UNREADABLE(&r, "file content", "D:\\Inetpub\\scripts\\root.exe", "Offset missing");
  /* and never claimed to be a cmd.exe copy, nor silently dropped */
  ck_assert_ptr_null(finding(&r, "CR2-ROOTEXE", "D:\\Inetpub\\scripts\\root.exe"));
  json_t *f = finding(&r, "ROOTEXE-NOT-CMD", "D:\\Inetpub\\scripts\\root.exe");
  ck_assert_ptr_nonnull(f);
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(f, "details"), "decided_by")),
                   "content not readable");
  run_free(&r);
}
END_TEST

START_TEST(truncated_raw_end_of_first_partition)
{
  const char *img = raw_copy("w2k-cr2-used");
  /* volume 0 ends at sector 67583: cut 584 sectors before, so the second
   * partition starts past the end (libtsk then rejects the whole table) */
  ck_assert_int_eq(truncate(img, 67000 * 512LL), 0);
  struct run r = {0};
  scan_bin(&img, 1, NULL, &r);
  ck_assert_int_eq(r.rc, 11); /* damaged AND infected: 11 outranks 10 */
  ck_assert_str_eq(verdict(&r), "backdoor-used");
  ASSERT_UNREADABLE(&r, "volume", "disk.raw", "volume 0 at sector 2048: partition ends beyond");
  ASSERT_UNREADABLE(&r, "volume", "disk.raw", "volume 1 at sector 67584: partition starts beyond");
  ASSERT_UNREADABLE(&r, "volume", "disk.raw", "libtsk rejects the DOS partition table");
  ASSERT_FINDING(&r, "CR2-ROOTEXE", "C:\\Inetpub\\scripts\\root.exe");
  ASSERT_FINDING(&r, "CR2-VROOT-C", NULL);
  ASSERT_FINDING(&r, "LOG-BACKDOOR-USE", NULL);
  ck_assert_ptr_null(finding(&r, "CR2-EXPLORER", "D:\\explorer.exe"));
  json_t *vols = json_object_get(r.rep, "volumes");
  ck_assert_int_eq(json_array_size(vols), 2);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(vols, 0), "fs_type")), "ntfs");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(vols, 1), "fs_type")), "none");
  run_free(&r);
}
END_TEST

/* --unallocated on a cut image: the free clusters before the cut are
 * searched (the deleted logs' lines still carved, as many as from the whole
 * image), the walk's stop is listed under "unreadable", the scan goes on. */
START_TEST(truncated_raw_unallocated)
{
  const char *whole = raw_copy("w2k-cr1-deleted-logs");
  struct run w = {0};
  scan_bin(&whole, 1, "--json --unallocated", &w);
  ck_assert_ptr_nonnull(w.rep);
  json_int_t lines = json_integer_value(
      json_object_get(json_object_get(json_object_get(w.rep, "logs"), "carved"), "lines"));
  json_t *wreg = json_array_get(json_object_get(json_object_get(w.rep, "residue"), "regions"), 0);
  json_int_t wbytes = json_integer_value(json_object_get(wreg, "bytes_searched"));
  ck_assert_int_gt(lines, 0);
  const char *img = raw_copy("w2k-cr1-deleted-logs");
  struct stat st;
  ck_assert_int_eq(stat(img, &st), 0);
  ck_assert_int_eq(truncate(img, st.st_size / 8 * 7), 0);
  struct run r = {0};
  scan_bin(&img, 1, "--json --unallocated", &r);
  ck_assert_int_eq(r.rc, 11);
  ASSERT_UNREADABLE(&r, "unallocated space", "volume 0", "block walk stopped");
  json_t *reg = json_array_get(json_object_get(json_object_get(r.rep, "residue"), "regions"), 0);
  ck_assert_str_eq(json_string_value(json_object_get(reg, "kind")), "unallocated");
  json_int_t bytes = json_integer_value(json_object_get(reg, "bytes_searched"));
  ck_assert_int_gt(bytes, 0);
  ck_assert_int_lt(bytes, wbytes);
  ck_assert_int_eq(json_integer_value(json_object_get(
                       json_object_get(json_object_get(r.rep, "logs"), "carved"), "lines")),
                   lines);
  run_free(&w);
  run_free(&r);
}
END_TEST

/* Cut inside the first partition, before its file system can be opened:
 * nothing to analyse, but the partition table is readable, so the volumes
 * are reported with what could not be read (exit 11, verdict undetermined),
 * not "cannot be opened" (3). Random bytes ending in 55 AA stay exit 3. */
START_TEST(truncated_raw_inside_first_partition)
{
  const char *img = raw_copy("w2k-cr2-used");
  ck_assert_int_eq(truncate(img, 5000000), 0);
  struct run r = {0};
  scan_bin(&img, 1, NULL, &r);
  ck_assert_int_eq(r.rc, 11);
  ck_assert_str_eq(verdict(&r), "undetermined");
  ASSERT_UNREADABLE(&r, "volume", "disk.raw", "volume 0 at sector 2048: partition ends beyond");
  ASSERT_UNREADABLE(&r, "volume", "disk.raw", "volume 1 at sector 67584: partition starts beyond");
  json_t *vols = json_object_get(r.rep, "volumes");
  ck_assert_int_eq(json_array_size(vols), 2);
  ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(vols, 0), "start_sector")),
                   2048);
  run_free(&r);
  /* the same size of random bytes with the 55 AA signature: not a table */
  char rnd[4200], cmd[8600];
  snprintf(rnd, sizeof rnd, "%s/random55aa.raw", rs_t_tmpdir());
  snprintf(cmd, sizeof cmd, "head -c 5000000 /dev/urandom > '%s'", rnd);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  static const uint8_t sig[2] = {0x55, 0xAA}, bad_flags[4] = {1, 1, 1, 1};
  rs_t_patch(rnd, 510, sig, sizeof sig);
  rs_t_patch(rnd, 446, bad_flags, sizeof bad_flags); /* no valid boot flag */
  const char *f = rnd;
  struct run q = {0};
  scan_bin(&f, 1, NULL, &q);
  ck_assert_int_eq(q.rc, 3);
  ck_assert_ptr_nonnull(strstr(q.err, "55 AA"));
  run_free(&q);
}
END_TEST

/* ------------------------------------------------------ 2. EWF cut */

static bool make_e01(const char *raw, const char *base, const char *seg)
{
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "ewfacquire -q -u -t '%s' -f encase6 -c none %s%s '%s' >/dev/null 2>&1",
           base, seg ? "-S " : "", seg ? seg : "", raw);
  return rs_t_run(cmd, NULL) == 0;
}

START_TEST(ewf_last_segment_cut)
{
  RS_T_SKIP_IF(!rs_t_have("ewfacquire"), "ewfacquire (ewf-tools) not installed");
  const char *raw = raw_copy("w2k-cr2-used");
  char base[4096], segs[3][4200];
  snprintf(base, sizeof base, "%s/seg", rs_t_tmpdir());
  ck_assert(make_e01(raw, base, "20MiB"));
  for (int i = 0; i < 3; i++) {
    snprintf(segs[i], sizeof segs[i], "%s.E0%d", base, i + 1);
    ck_assert_msg(access(segs[i], F_OK) == 0, "%s not made", segs[i]);
  }
  char more[4200];
  snprintf(more, sizeof more, "%s.E04", base);
  ck_assert_msg(access(more, F_OK) != 0, "expected exactly 3 segments");
  /* cut the last segment to 4 MB: its chunk table (at its end) is lost */
  ck_assert_int_eq(truncate(segs[2], 4000000), 0);
  const char *files[3] = {segs[0], segs[1], segs[2]};
  struct run r = {0};
  scan_bin(files, 3, NULL, &r);
  ck_assert_int_eq(r.rc, 11); /* damaged AND infected: 11 outranks 10 */
  ck_assert_str_eq(verdict(&r), "backdoor-used");
  ASSERT_UNREADABLE(&r, "volume", "seg.E01", "EWF segment set is truncated");
  /* libewf reports the lost chunks as one checksum-error range ending at the
   * last sector (100351) */
  ASSERT_UNREADABLE(&r, "EWF chunk", "seg.E01", "-100351)");
  ASSERT_FINDING(&r, "CR2-ROOTEXE", "C:\\Inetpub\\scripts\\root.exe");
  ASSERT_FINDING(&r, "LOG-BACKDOOR-USE", NULL);
  json_t *ev = json_object_get(r.rep, "evidence");
  ck_assert_str_eq(json_string_value(json_object_get(ev, "format")), "ewf");
  /* the hash section was in the lost part: nothing verifies, nothing claims "not stored" */
  ck_assert_str_eq(json_string_value(json_object_get(ev, "verification")), "not-checked");
  run_free(&r);
}
END_TEST

START_TEST(ewf_single_truncated)
{
  const char *src = rs_t_src("fixtures/out/w2k-cr2-infected/disk.E01");
  size_t len = 0;
  unsigned char *data = rs_t_slurp(src, &len);
  RS_T_SKIP_IF(!data, "fixture disk.E01 absent");
  char raw_md5[64] = "";
  for (int k = 0; k < 2; k++) {
    char p[4096];
    snprintf(p, sizeof p, "%s/cut%d.E01", rs_t_tmpdir(), k);
    /* k=0: cut in half (the chunk table at the end is lost: nothing readable);
     * k=1: cut 3000 bytes (the digest/hash/done sections go, the table stays) */
    size_t keep = k == 0 ? len / 2 : len - 3000;
    FILE *fp = fopen(p, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(data, 1, keep, fp), keep);
    fclose(fp);
    const char *f = p;
    struct run r = {0};
    scan_bin(&f, 1, NULL, &r);
    if (k == 0) {
      ck_assert_int_eq(r.rc, 3);
      ck_assert_msg(r.err && strstr(r.err, "redsleuth: error: RS_E_") && strstr(r.err, "cut0.E01") &&
                        strstr(r.err, "EWF segment set is truncated"),
                    "stderr: %s", r.err ? r.err : "");
    } else {
      ck_assert_int_eq(r.rc, 11); /* damaged AND infected: 11 outranks 10 */
      ck_assert_str_eq(verdict(&r), "infected");
      ASSERT_UNREADABLE(&r, "volume", "cut1.E01", "EWF segment set is truncated");
      ASSERT_FINDING(&r, "CR2-ROOTEXE", "C:\\Inetpub\\scripts\\root.exe");
      json_t *ev = json_object_get(r.rep, "evidence");
      ck_assert_str_eq(json_string_value(json_object_get(ev, "verification")), "not-checked");
      if (rs_t_have("ewfinfo")) {
        /* all chunks survived: the media hash equals what ewfinfo shows stored in the intact file */
        char cmd[4096], *out = NULL;
        snprintf(cmd, sizeof cmd, "ewfinfo '%s' 2>/dev/null | awk '/MD5:/{print $2}'", src);
        rs_t_run(cmd, &out);
        snprintf(raw_md5, sizeof raw_md5, "%.32s", out ? out : "");
        free(out);
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(ev, "hashes"), "md5")),
                         raw_md5);
      }
    }
    run_free(&r);
  }
  free(data);
}
END_TEST

/* ---------------------------------- 3. + issue 7: changed EWF chunk data */

/* Uncompressed encase6: chunk i's 32768 data bytes start at
 * sectors_section + 76 + i * (32768 + 4) (each is followed by its Adler-32).
 * The "sectors" section is found by walking the section descriptors. */
static uint64_t chunk_data_offset(const char *e01, uint64_t media_off)
{
  size_t len = 0;
  unsigned char *d = rs_t_slurp(e01, &len);
  ck_assert_ptr_nonnull(d);
  uint64_t off = 13, sectors = 0;
  for (int guard = 0; guard < 64 && off + 76 <= len; guard++) {
    if (strncmp((char *)d + off, "sectors", 16) == 0) {
      sectors = off;
      break;
    }
    uint64_t next = rs_t_le32(d + off + 16) | (uint64_t)rs_t_le32(d + off + 20) << 32;
    if (next <= off)
      break;
    off = next;
  }
  free(d);
  ck_assert_msg(sectors, "no sectors section in %s", e01);
  return sectors + 76 + (media_off / 32768) * 32772 + media_off % 32768;
}

START_TEST(ewf_changed_byte_mismatch)
{
  RS_T_SKIP_IF(!rs_t_have("ewfacquire"), "ewfacquire (ewf-tools) not installed");
  /* w2k-clean: verdict clean, so the mismatch alone decides the exit code */
  const char *raw = raw_copy("w2k-clean");
  char base[4096], e01[4200];
  snprintf(base, sizeof base, "%s/one", rs_t_tmpdir());
  snprintf(e01, sizeof e01, "%s.E01", base);
  ck_assert(make_e01(raw, base, NULL));
  /* one byte in the unpartitioned gap (sector 100, zeros): the hardest case,
   * since libtsk's zero-filled replacement equals the original there */
  uint64_t o = chunk_data_offset(e01, 100 * 512);
  uint8_t b;
  rs_t_readat(e01, o, &b, 1);
  uint8_t orig = 0;
  rs_t_readat(raw, 100 * 512, &orig, 1);
  ck_assert_uint_eq(b, orig); /* the layout formula points at the media byte */
  b ^= 0x5a;
  rs_t_patch(e01, o, &b, 1);
  const char *f = e01;
  struct run r = {0};
  scan_bin(&f, 1, NULL, &r);
  ck_assert_int_eq(r.rc, 11);
  ck_assert_str_eq(verdict(&r), "clean");
  json_t *ev = json_object_get(r.rep, "evidence");
  ck_assert_str_eq(json_string_value(json_object_get(ev, "verification")), "mismatch");
  ck_assert_int_eq(json_integer_value(json_object_get(ev, "checksum_errors")), 1);
  ASSERT_UNREADABLE(&r, "EWF chunk", "one.E01", "sectors 64-127");
  if (rs_t_have("ewfverify")) {
    /* the peer computes the same (stored-bytes) MD5 */
    char cmd[8192], *out = NULL;
    snprintf(cmd, sizeof cmd, "ewfverify -q '%s' 2>/dev/null | awk '/calculated over data/{print $NF}'", e01);
    rs_t_run(cmd, &out);
    ck_assert_msg(out && strncmp(out, json_string_value(json_object_get(json_object_get(ev, "hashes"), "md5")), 32) == 0,
                  "ewfverify: %s", out ? out : "");
    free(out);
  }
  run_free(&r);
  /* the default text report says so at its very top */
  struct run t = {0};
  scan_bin(&f, 1, "", &t);
  ck_assert_int_eq(t.rc, 11);
  char p[4096];
  snprintf(p, sizeof p, "%s/out.json", rs_t_tmpdir()); /* stdout, text here */
  char *text = (char *)rs_t_slurp(p, NULL);
  ck_assert_ptr_nonnull(text);
  ck_assert_msg(strncmp(text, "!!! STORED HASH MISMATCH", 24) == 0, "text starts: %.80s", text);
  free(text);
  run_free(&t);
  /* and at the top of the timeline files: JSONL's first event, the body
   * file's first line (all times 0: mactime accepts it and lists nothing
   * for it) */
  char od[4200], args[4400];
  snprintf(od, sizeof od, "%s/mm", rs_t_tmpdir());
  snprintf(args, sizeof args, "--out-dir '%s' --allow-evidence-dir --json", od);
  struct run om = {0};
  scan_bin(&f, 1, args, &om);
  ck_assert_int_eq(om.rc, 11);
  run_free(&om);
  snprintf(p, sizeof p, "%s/timeline.jsonl", od);
  char *jl = (char *)rs_t_slurp(p, NULL);
  ck_assert_ptr_nonnull(jl);
  json_t *first = json_loadb(jl, strcspn(jl, "\n"), 0, NULL);
  ck_assert_ptr_nonnull(first);
  ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(first, "message")),
                               "STORED HASH MISMATCH"));
  ck_assert(json_is_integer(json_object_get(first, "timestamp")));
  ck_assert_ptr_nonnull(json_object_get(first, "timestamp_desc"));
  json_decref(first);
  free(jl);
  snprintf(p, sizeof p, "%s/timeline.body", od);
  char *body = (char *)rs_t_slurp(p, NULL);
  ck_assert_ptr_nonnull(body);
  ck_assert_msg(strncmp(body, "0|!!! STORED HASH MISMATCH", 26) == 0, "body starts: %.80s", body);
  free(body);
  if (rs_t_have("mactime")) {
    char cmd[4600];
    snprintf(cmd, sizeof cmd, "mactime -b '%s' -d >/dev/null 2>&1", p);
    ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  }
}
END_TEST

/* An uncompressed E01 of raw (tmpdir/NAME.E01, path in e01) whose chunk
 * holding media byte media_off has 64 bytes of its stored data flipped, so
 * that it fails its checksum. */
static void e01_damaged_at(const char *raw, const char *name, uint64_t media_off, char *e01,
                           size_t e01_size)
{
  char base[4096];
  snprintf(base, sizeof base, "%s/%s", rs_t_tmpdir(), name);
  snprintf(e01, e01_size, "%s.E01", base);
  ck_assert(make_e01(raw, base, NULL));
  uint64_t o = chunk_data_offset(e01, media_off);
  uint8_t junk[64];
  rs_t_readat(e01, o, junk, sizeof junk);
  for (size_t i = 0; i < sizeof junk; i++)
    junk[i] ^= 0xa5;
  rs_t_patch(e01, o, junk, sizeof junk);
}

START_TEST(ewf_corrupted_chunk)
{
  RS_T_SKIP_IF(!rs_t_have("ewfacquire"), "ewfacquire (ewf-tools) not installed");
  RS_T_SKIP_IF(!rs_t_have_tsk(), "sleuthkit tools not installed");
  const char *raw = raw_copy("w2k-cr2-used");
  /* damage the chunk holding D:\explorer.exe's content */
  uint64_t offs[64], size, cs;
  rs_t_file_offsets(raw, 67584, "/explorer.exe", offs, 64, &size, &cs);
  char e01[4200];
  e01_damaged_at(raw, "cc", offs[0], e01, sizeof e01);
  const char *f = e01;
  struct run r = {0};
  scan_bin(&f, 1, NULL, &r);
  ck_assert_int_eq(r.rc, 11); /* damaged AND infected: 11 outranks 10 */
  ck_assert_str_eq(verdict(&r), "backdoor-used");
  json_t *ev = json_object_get(r.rep, "evidence");
  ck_assert_str_eq(json_string_value(json_object_get(ev, "verification")), "mismatch");
  /* shown first in the JSON too: "warnings" is the key right after "schema" */
  const char *w0 = json_string_value(json_array_get(json_object_get(r.rep, "warnings"), 0));
  ck_assert_ptr_nonnull(w0);
  ck_assert_ptr_nonnull(strstr(w0, "STORED HASH MISMATCH"));
  void *it = json_object_iter_next(r.rep, json_object_iter(r.rep));
  ck_assert_str_eq(json_object_iter_key(it), "warnings");
  char range[64];
  uint64_t first = offs[0] / 512 / 64 * 64;
  snprintf(range, sizeof range, "sectors %llu-%llu", (unsigned long long)first,
           (unsigned long long)first + 63);
  ASSERT_UNREADABLE(&r, "EWF chunk", "cc.E01", range);
  ASSERT_FINDING(&r, "CR2-ROOTEXE", "C:\\Inetpub\\scripts\\root.exe");
  ASSERT_FINDING(&r, "LOG-BACKDOOR-USE", NULL);
  /* libtsk/libewf hand the analysis a corrupted chunk as zeros. D:'s
   * root.exe shares the chunk (TSK's istat says so): its content read as
   * zeros, so it is named under unreadable with the damaged bytes, marked
   * content_damaged, and reported as undecided, never as "not cmd.exe". */
  uint64_t roff[8], rsize, rcs;
  rs_t_file_offsets(raw, 67584, "/Inetpub/scripts/root.exe", roff, 8, &rsize, &rcs);
  ck_assert_uint_eq(roff[0] / 512 / 64 * 64, first);
  ASSERT_UNREADABLE(&r, "file content", "D:\\Inetpub\\scripts\\root.exe",
                    "lie in EWF chunks that fail their checksum");
  ASSERT_UNREADABLE(&r, "file content", "D:\\explorer.exe", "lie in EWF chunks that fail");
  json_t *d = finding(&r, "ROOTEXE-NOT-CMD", "D:\\Inetpub\\scripts\\root.exe");
  ck_assert_ptr_nonnull(d);
  json_t *cd = json_object_get(d, "content_damaged");
  ck_assert_msg(json_is_object(cd), "D: root.exe has no content_damaged");
  /* the whole file (3584 bytes) lies inside the 32 KiB chunk */
  ck_assert_int_eq(json_integer_value(json_object_get(cd, "bytes")), (json_int_t)rsize);
  ck_assert_int_eq(json_integer_value(json_object_get(cd, "first_offset")), 0);
  ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(d, "title")), "content damaged"));
  ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_object_get(d, "details"),
                                                                 "decided_by")), "undecided"));
  json_t *dx = finding(&r, "CR2-EXPLORER", "D:\\explorer.exe");
  ck_assert_ptr_nonnull(dx);
  ck_assert(json_is_object(json_object_get(dx, "content_damaged")));
  /* files outside the chunk are untouched */
  json_t *c = finding(&r, "CR2-ROOTEXE", "C:\\Inetpub\\scripts\\root.exe");
  ck_assert_ptr_null(json_object_get(c, "content_damaged"));
  ck_assert_ptr_null(unreadable(&r, "file content", "C:\\", false, NULL));
  run_free(&r);
  /* and the text report says it under the finding */
  struct run t = {0};
  scan_bin(&f, 1, "", &t);
  char p[4096];
  snprintf(p, sizeof p, "%s/out.json", rs_t_tmpdir()); /* stdout, text here */
  char *text = (char *)rs_t_slurp(p, NULL);
  ck_assert_ptr_nonnull(text);
  ck_assert_ptr_nonnull(strstr(text, "lie in damaged EWF chunks and were read as zeros"));
  free(text);
  run_free(&t);
}
END_TEST

/* The same for an NTFS named stream searched with --yara: w2k-patched's
 * C:\Inetpub\wwwroot\default.htm:notes.txt (answer.json named_streams: MFT
 * entry 72, attribute 4, 6,324 bytes, non-resident) in a corrupted chunk.
 * The damage stage follows the stream's own runs, not the file's default
 * stream: the stream is listed under unreadable as file:stream, its finding
 * gets content_damaged, and the file's default stream is judged on its own
 * bytes. */
START_TEST(ewf_corrupted_stream)
{
  RS_T_SKIP_IF(!rs_t_have("ewfacquire"), "ewfacquire (ewf-tools) not installed");
  RS_T_SKIP_IF(!rs_t_have_tsk(), "sleuthkit tools not installed");
  const char *raw = raw_copy("w2k-patched");
  const uint64_t part = 2048; /* answer.json volumes[0].start_sector */
  uint64_t inum = rs_t_tsk_inode(raw, part, "/Inetpub/wwwroot/default.htm");
  ck_assert_uint_eq(inum, 72);
  uint64_t soffs[16], ssize;
  size_t ns = rs_t_stream_offsets(raw, part, inum, "notes.txt", soffs, 16, &ssize);
  ck_assert_uint_eq(ssize, 6324);
  /* the chunk (64 sectors) holding the stream's first cluster */
  uint64_t first = soffs[0] / 512 / 64 * 64, chunk_lo = first * 512, chunk_hi = chunk_lo + 32768;
  uint64_t in_chunk = 0, cs = rs_t_cluster_size(raw, part);
  for (size_t i = 0; i < ns && i * cs < ssize; i++) {
    /* cluster i holds stream bytes [i*cs, min((i+1)*cs, size)): slack is not the stream's */
    uint64_t len = ssize - i * cs < cs ? ssize - i * cs : cs;
    uint64_t lo = soffs[i], hi = lo + len;
    uint64_t a = lo > chunk_lo ? lo : chunk_lo, b = hi < chunk_hi ? hi : chunk_hi;
    in_chunk += a < b ? b - a : 0;
  }
  ck_assert_uint_gt(in_chunk, 0);
  char e01[4200], rules[4200], args[8600];
  e01_damaged_at(raw, "cs", soffs[0], e01, sizeof e01);
  /* a rule that fires on the stream's size whatever its bytes (zeros here) */
  snprintf(rules, sizeof rules, "%s/size.yar", rs_t_tmpdir());
  FILE *fp = fopen(rules, "w");
  ck_assert_ptr_nonnull(fp);
  fputs("rule size_6324 { condition: filesize == 6324 }\n", fp);
  ck_assert_int_eq(fclose(fp), 0);
  snprintf(args, sizeof args, "--json --yara '%s'", rules);
  const char *f = e01;
  struct run r = {0};
  scan_bin(&f, 1, args, &r);
  ck_assert_int_eq(r.rc, 11);
  const char *sp = "C:\\Inetpub\\wwwroot\\default.htm:notes.txt";
  if (!unreadable(&r, NULL, sp, true, NULL))
    dump_unreadable(&r);
  ck_assert_msg(unreadable(&r, NULL, sp, true, NULL), "the damaged stream is not under unreadable");
  ASSERT_UNREADABLE(&r, "file content", sp, "lie in EWF chunks that fail their checksum");
  json_t *y = finding(&r, "YARA-MATCH", sp);
  ck_assert_msg(y != NULL, "no YARA-MATCH on the stream");
  json_t *cd = json_object_get(y, "content_damaged");
  ck_assert_msg(json_is_object(cd), "the stream's finding has no content_damaged");
  ck_assert_uint_eq((uint64_t)json_integer_value(json_object_get(cd, "bytes")), in_chunk);
  /* zeros were read: its digest is not the acquired stream's */
  ck_assert_str_ne(json_string_value(json_object_get(y, "sha256")),
                   "774f5c3dd5b5152f23f4e983d38f8c0e2894b14565312874dc1092c6a3139b13");
  json_t *st = json_object_get(y, "stream");
  ck_assert_str_eq(json_string_value(json_object_get(st, "name")), "notes.txt");
  ck_assert_int_eq(json_integer_value(json_object_get(st, "attr_id")), 4);
  ck_assert_str_eq(json_string_value(json_object_get(st, "tsk_address")), "72-128-4");
  /* the file's default stream: listed only when its own runs reach the chunk */
  uint64_t doffs[64], dsize = 0, in_dflt = 0;
  size_t nd = rs_t_stream_offsets(raw, part, inum, NULL, doffs, 64, &dsize); /* 0: resident */
  for (size_t i = 0; i < nd; i++)
    in_dflt += doffs[i] >= chunk_lo && doffs[i] < chunk_hi;
  const bool dflt_listed = unreadable(&r, NULL, "C:\\Inetpub\\wwwroot\\default.htm", true, NULL);
  ck_assert_msg(dflt_listed == (in_dflt > 0),
                "default.htm's default stream: %llu cluster(s) in the chunk, listed %d",
                (unsigned long long)in_dflt, (int)dflt_listed);
  run_free(&r);
}
END_TEST

/* ------------------------------------------------ 4. zeroed MFT record */

START_TEST(mft_record_zeroed)
{
  RS_T_SKIP_IF(!rs_t_have_tsk(), "sleuthkit tools not installed");
  const char *img = raw_copy("w2k-cr2-used");
  uint64_t inum = rs_t_tsk_inode(img, P0, "/Inetpub/scripts/root.exe");
  ck_assert_uint_eq(inum, 91); /* answer.json */
  uint64_t off = rs_t_mft_record_offset(img, P0, inum);
  uint8_t rec[1024];
  rs_t_readat(img, off, rec, 4);
  ck_assert(memcmp(rec, "FILE", 4) == 0);
  memset(rec, 0, sizeof rec);
  rs_t_patch(img, off, rec, sizeof rec);
  struct run r = {0};
  scan_bin(&img, 1, NULL, &r);
  ck_assert_int_eq(r.rc, 11); /* damaged AND infected: 11 outranks 10 */
  ck_assert_str_eq(verdict(&r), "backdoor-used");
  ck_assert_ptr_null(finding(&r, "CR2-ROOTEXE", "C:\\Inetpub\\scripts\\root.exe"));
  ASSERT_FINDING(&r, "CR2-ROOTEXE", "C:\\Program Files\\Common Files\\System\\msadc\\root.exe");
  ASSERT_FINDING(&r, "CR2-ROOTEXE", "D:\\Inetpub\\scripts\\root.exe");
  ASSERT_FINDING(&r, "NIMDA-TFTP", "C:\\Inetpub\\scripts\\TFTP3233");
  ASSERT_UNREADABLE(&r, "MFT/directory entries", "volume 0", NULL);
  run_free(&r);
}
END_TEST

/* ------------------------------------------- 4b. torn root directory record */

/* Entry 5 (the root directory) torn: one sector's last two bytes no longer
 * match the record's update sequence number, so TSK refuses the record and
 * with it every path lookup. The $FILE_NAMEs below still name entry 5 as
 * their parent: the report must be the undamaged image's (verdict, reasons,
 * findings, Windows folder, hives, timeline), plus one unreadable entry
 * naming entry 5, and exit 11. Before issue 20 the walk read freed memory
 * here (ASan: heap-use-after-free in ntfs_emit) and every file and hive
 * was lost under $OrphanFiles. */
static const char *const torn_scen[] = {"w2k-cr2-infected", "w2k-cr2-used"};

START_TEST(mft_root_record_torn)
{
  RS_T_SKIP_IF(!rs_t_have_tsk(), "sleuthkit tools not installed");
  const char *scen = torn_scen[_i];
  json_t *ans = rs_t_answer(scen);
  const char *img = raw_copy(scen);
  struct run good = {0}, torn = {0};
  scan_bin(&img, 1, NULL, &good);
  ck_assert_ptr_nonnull(good.rep);
  ck_assert_int_eq(good.rc, 10);
  ck_assert_str_eq(verdict(&good), json_string_value(json_object_get(ans, "verdict")));
  ck_assert_uint_eq(json_array_size(json_object_get(good.rep, "unreadable")), 0);

  chmod(img, 0644);
  rs_t_ntfs_tear(img, P0, 5);
  scan_bin(&img, 1, NULL, &torn);
  ck_assert_msg(torn.rc == 11, "exit %d: %s", torn.rc, torn.err ? torn.err : "");
  ck_assert_str_eq(verdict(&torn), verdict(&good));
  /* one unreadable entry: the root record, on the first volume */
  json_t *u = json_object_get(torn.rep, "unreadable");
  if (json_array_size(u) != 1)
    dump_unreadable(&torn);
  ck_assert_uint_eq(json_array_size(u), 1);
  ASSERT_UNREADABLE(&torn, "MFT/directory entries", "volume 0", "entry 5");
  /* everything else as on the undamaged image: the reasons first */
  ck_assert_msg(
      json_equal(json_object_get(good.rep, "verdict"), json_object_get(torn.rep, "verdict")),
      "verdict (status, reasons, cleanup) differs from the undamaged image's");
  const char *key;
  json_t *val;
  size_t same = 0;
  json_object_foreach(good.rep, key, val) {
    if (!strcmp(key, "run") || !strcmp(key, "evidence") || !strcmp(key, "unreadable"))
      continue;
    json_t *t = json_object_get(torn.rep, key);
    if (!json_equal(val, t)) {
      char *a = json_dumps(val, JSON_COMPACT), *b = json_dumps(t, JSON_COMPACT);
      fprintf(stderr, "undamaged %s: %.2000s\ntorn %s: %.2000s\n", key, a ? a : "?", key,
              b ? b : "?");
      free(a);
      free(b);
    }
    ck_assert_msg(json_equal(val, t), "\"%s\" differs from the undamaged image's", key);
    same++;
  }
  ck_assert_uint_ge(same, 6); /* verdict, findings, volumes, system, logs, timeline ... */
  ck_assert_uint_gt(json_array_size(json_object_get(torn.rep, "findings")), 0);
  /* the undamaged image has a Windows folder on volume 0 (so "volumes"
   * being equal means the torn one found it too) */
  ck_assert(json_is_string(
      json_object_get(json_array_get(json_object_get(good.rep, "volumes"), 0), "windows_root")));
  run_free(&good);
  run_free(&torn);
  json_decref(ans);
}
END_TEST

/* -------------------------------------------------- 5. MFT parent loop */

/* Points every $FILE_NAME of record `rec_inum` at `parent` (entry + seq). */
static void set_parent(const char *img, uint64_t rec_inum, uint64_t parent_ref)
{
  uint64_t off = rs_t_mft_record_offset(img, P0, rec_inum);
  uint8_t rec[1024];
  rs_t_readat(img, off, rec, sizeof rec);
  ck_assert(memcmp(rec, "FILE", 4) == 0);
  size_t a = rs_t_le16(rec + 0x14);
  int patched = 0;
  while (a + 24 <= sizeof rec) {
    uint32_t type = rs_t_le32(rec + a), alen = rs_t_le32(rec + a + 4);
    if (type == 0xFFFFFFFFu || alen < 24 || a + alen > sizeof rec)
      break;
    if (type == 0x30 && rec[a + 8] == 0) {
      size_t c = a + rs_t_le16(rec + a + 0x14);
      ck_assert(c + 8 <= sizeof rec);
      /* the fixup words at 510 and 1022 hold the update sequence number */
      ck_assert(!(c <= 511 && c + 8 > 510) && !(c <= 1023 && c + 8 > 1022));
      for (int i = 0; i < 8; i++)
        rec[c + i] = (uint8_t)(parent_ref >> (8 * i));
      patched++;
    }
    a += alen;
  }
  ck_assert_int_gt(patched, 0);
  rs_t_patch(img, off, rec, sizeof rec);
}

static uint64_t mft_ref(const char *img, uint64_t inum)
{
  uint8_t rec[32];
  rs_t_readat(img, rs_t_mft_record_offset(img, P0, inum), rec, sizeof rec);
  return inum | (uint64_t)rs_t_le16(rec + 0x10) << 48;
}

START_TEST(mft_parent_loop)
{
  RS_T_SKIP_IF(!rs_t_have_tsk(), "sleuthkit tools not installed");
  const char *img = raw_copy("w2k-cr2-used");
  uint64_t inetpub = rs_t_tsk_inode(img, P0, "/Inetpub");
  uint64_t scripts = rs_t_tsk_inode(img, P0, "/Inetpub/scripts");
  /* Inetpub's parent becomes scripts, scripts' parent is Inetpub: a loop */
  set_parent(img, inetpub, mft_ref(img, scripts));
  struct run r = {0};
  scan_bin(&img, 1, NULL, &r);
  ck_assert_msg(r.rc == 11, "exit %d: %s", r.rc, r.err ? r.err : "");
  ck_assert_str_eq(verdict(&r), "backdoor-used");
  /* everything outside the loop is untouched */
  ASSERT_FINDING(&r, "CR2-ROOTEXE", "C:\\Program Files\\Common Files\\System\\msadc\\root.exe");
  ASSERT_FINDING(&r, "CR2-ROOTEXE", "D:\\Inetpub\\scripts\\root.exe");
  ASSERT_FINDING(&r, "CR2-EXPLORER", "C:\\explorer.exe");
  ASSERT_FINDING(&r, "LOG-BACKDOOR-USE", NULL);
  /* the loop is named, not silently cut */
  ASSERT_UNREADABLE(&r, "MFT/directory entries", "volume 0", NULL);
  run_free(&r);
}
END_TEST

/* ----------------------------------------------- 6. damaged hives in place */

START_TEST(hives_damaged_in_place)
{
  RS_T_SKIP_IF(!rs_t_have_tsk(), "sleuthkit tools not installed");
  const char *img = raw_copy("w2k-cr2-used");
  uint64_t offs[4096], size, cs;
  /* SYSTEM: first hbin signature (hive offset 4096) */
  size_t n = rs_t_file_offsets(img, P0, "/WINNT/system32/config/SYSTEM", offs, 4096, &size, &cs);
  ck_assert_uint_gt(size, 4096);
  uint64_t at = offs[4096 / cs] + 4096 % cs;
  char sig[4];
  rs_t_readat(img, at, sig, 4);
  ck_assert_msg(memcmp(sig, "hbin", 4) == 0, "no hbin at hive offset 4096");
  rs_t_patch(img, at, "XXXX", 4);
  (void)n;
  /* SOFTWARE: second half zeroed, size kept */
  n = rs_t_file_offsets(img, P0, "/WINNT/system32/config/SOFTWARE", offs, 4096, &size, &cs);
  uint8_t *zero = calloc(1, cs);
  for (uint64_t pos = size / 2 / cs * cs; pos < size; pos += cs) {
    ck_assert_uint_lt(pos / cs, n);
    uint64_t from = pos < size / 2 ? size / 2 : pos;
    uint64_t len = (pos + cs < size ? pos + cs : size) - from;
    rs_t_patch(img, offs[pos / cs] + (from - pos), zero, len);
  }
  free(zero);
  struct run r = {0};
  scan_bin(&img, 1, NULL, &r);
  ck_assert_int_eq(r.rc, 11); /* damaged AND infected: 11 outranks 10 */
  ck_assert_str_eq(verdict(&r), "backdoor-used"); /* files + logs still prove it */
  ASSERT_UNREADABLE(&r, "registry hive", "C:\\WINNT\\system32\\config\\SYSTEM", NULL);
  ASSERT_UNREADABLE(&r, "registry hive", "C:\\WINNT\\system32\\config\\SOFTWARE", NULL);
  ASSERT_FINDING(&r, "CR2-ROOTEXE", "C:\\Inetpub\\scripts\\root.exe");
  ASSERT_FINDING(&r, "LOG-BACKDOOR-USE", NULL);
  /* the /C root came from the SYSTEM hive: not invented */
  ck_assert_ptr_null(finding(&r, "CR2-VROOT-C", NULL));
  run_free(&r);
}
END_TEST

/* ---------------------------------------------------- 7. damaged logs */

START_TEST(log_binary_garbage)
{
  RS_T_SKIP_IF(!rs_t_have_tsk(), "sleuthkit tools not installed");
  const char *img = raw_copy("w2k-cr2-used");
  uint64_t offs[64], size, cs;
  const char *log = "/WINNT/system32/LogFiles/W3SVC1/ex010918.log";
  rs_t_file_offsets(img, P0, log, offs, 64, &size, &cs);
  ck_assert_uint_gt(size, 1024);
  uint8_t junk[512];
  srand(7);
  for (size_t i = 0; i < sizeof junk; i++)
    junk[i] = (uint8_t)(rand() & 0xff);
  junk[100] = 0; /* a NUL and raw control bytes in the middle of a log */
  uint64_t mid = size / 2 - 256;
  ck_assert_uint_eq(mid / cs, (mid + 511) / cs); /* fixture logs fit a cluster */
  rs_t_patch(img, offs[mid / cs] + mid % cs, junk, sizeof junk);
  struct run r = {0};
  scan_bin(&img, 1, NULL, &r);
  ck_assert_int_eq(r.rc, 11); /* damaged AND infected: 11 outranks 10 */
  ck_assert_str_eq(verdict(&r), "backdoor-used");
  ASSERT_UNREADABLE(&r, "IIS log lines", "C:\\WINNT\\system32\\LogFiles\\W3SVC1\\ex010918.log",
                    "could not be parsed");
  /* the other logs' hits survive */
  ASSERT_FINDING(&r, "LOG-CR1", NULL);
  ASSERT_FINDING(&r, "LOG-BACKDOOR-USE", NULL);
  json_t *files = json_object_get(json_object_get(r.rep, "logs"), "files");
  ck_assert_int_eq(json_array_size(files), 3);
  run_free(&r);
}
END_TEST

START_TEST(log_one_megabyte_line)
{
  RS_T_SKIP_IF(!rs_t_have_mtools(), "dosfstools/mtools not installed: no image with a 1 MB log line");
  const char *dir = rs_t_tmpdir();
  char logp[4096], img[4096], cmd[16384];
  snprintf(logp, sizeof logp, "%s/ex010801.log", dir);
  snprintf(img, sizeof img, "%s/fat.raw", dir);
  FILE *fp = fopen(logp, "wb");
  ck_assert_ptr_nonnull(fp);
  fputs("#Software: Microsoft Internet Information Services 5.0\r\n#Version: 1.0\r\n"
        "#Date: 2001-08-01 00:00:00\r\n"
        "#Fields: date time c-ip cs-username s-ip s-port cs-method cs-uri-stem cs-uri-query "
        "sc-status\r\n", fp);
  const char *cr2 = "2001-08-01 10:00:0%d 192.0.2.%d - 10.0.0.1 80 GET /default.ida "
                    "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX%%u9090%%u6858%%ucbd3 404\r\n";
  fprintf(fp, cr2, 1, 1);
  fputs("2001-08-01 10:00:02 192.0.2.9 - 10.0.0.1 80 GET /", fp);
  for (int i = 0; i < (1 << 20); i++)
    fputc('A' + i % 26, fp);
  fputs(" - 404\r\n", fp);
  fprintf(fp, cr2, 3, 2);
  fclose(fp);
  rs_t_fat16(img, 16, "LOGS");
  snprintf(cmd, sizeof cmd,
           RS_T_MTOOLS "mmd -i '%s' ::/LogFiles ::/LogFiles/W3SVC1 && "
           RS_T_MTOOLS "mcopy -i '%s' '%s' ::/LogFiles/W3SVC1/ex010801.log",
           img, img, logp);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  const char *f = img;
  struct run r = {0};
  scan_bin(&f, 1, NULL, &r);
  /* no Windows volume: undetermined, which is not an indicator (exit 11) */
  ck_assert_int_eq(r.rc, 11);
  ck_assert_str_eq(verdict(&r), "undetermined");
  json_t *logs = json_object_get(r.rep, "logs");
  json_t *lf = json_array_get(json_object_get(logs, "files"), 0);
  ck_assert_ptr_nonnull(lf);
  ck_assert_str_eq(json_string_value(json_object_get(lf, "path")),
                   "C:\\LogFiles\\W3SVC1\\ex010801.log");
  /* both worm lines around the 1 MB line are counted: the parser resynced */
  ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(logs, "hits"), "code_red_2")), 2);
  ck_assert_int_ge(json_integer_value(json_object_get(lf, "lines")), 3);
  run_free(&r);
}
END_TEST

/* --------------- version resources: cmd.exe builds, idq.dll language */

/* root.exe is Code Red II's copy of cmd.exe even when this host's cmd.exe
 * has changed since (a service pack replaced it): with one byte of system32
 * and dllcache cmd.exe flipped in the image, every root.exe is still a
 * CR2-ROOTEXE finding, decided by its version resource, and the verdict
 * stays infected (codered-artifacts 2.1). */
START_TEST(rootexe_other_cmd_build)
{
  RS_T_SKIP_IF(!rs_t_have_tsk(), "sleuthkit tools not installed");
  const char *img = raw_copy("w2k-cr2-infected");
  struct run r0 = {0};
  scan_bin(&img, 1, NULL, &r0);
  size_t n0 = 0, i;
  json_t *f;
  json_array_foreach(json_object_get(r0.rep, "findings"), i, f)
    n0 += strcmp(json_string_value(json_object_get(f, "check")), "CR2-ROOTEXE") == 0;
  ck_assert_uint_ge(n0, 2);
  run_free(&r0);
  static const char *const cmds[] = {"/WINNT/system32/cmd.exe", "/WINNT/system32/dllcache/cmd.exe"};
  for (size_t k = 0; k < 2; k++) {
    uint64_t offs[64], size, cs;
    rs_t_file_offsets(img, P0, cmds[k], offs, 64, &size, &cs);
    uint8_t b;
    rs_t_readat(img, offs[0] + 0x80, &b, 1);
    b ^= 0xff;
    rs_t_patch(img, offs[0] + 0x80, &b, 1);
  }
  struct run r = {0};
  scan_bin(&img, 1, NULL, &r);
  ck_assert_str_eq(verdict(&r), "infected");
  size_t n = 0;
  json_array_foreach(json_object_get(r.rep, "findings"), i, f) {
    const char *c = json_string_value(json_object_get(f, "check"));
    ck_assert_str_ne(c, "ROOTEXE-NOT-CMD");
    if (strcmp(c, "CR2-ROOTEXE") == 0) {
      n++;
      const char *why = json_string_value(
          json_object_get(json_object_get(f, "details"), "decided_by"));
      ck_assert_msg(why && strstr(why, "OriginalFilename Cmd.Exe") &&
                        strstr(why, "differs from every cmd.exe of this host"),
                    "decided_by: %s", why ? why : "(none)");
    }
  }
  ck_assert_uint_eq(n, n0);
  run_free(&r);
}
END_TEST

/* The system.idq_dll[] entry for a Windows path (the test fails without one). */
static json_t *idq_row(const struct run *r, const char *path)
{
  size_t i;
  json_t *v;
  json_array_foreach(json_object_get(json_object_get(r->rep, "system"), "idq_dll"), i, v)
    if (strcmp(json_string_value(json_object_get(v, "path")), path) == 0)
      return v;
  ck_abort_msg("no idq_dll entry for %s", path);
  return NULL;
}

/* The idq.dll language reaches the classification (issue 4): on NT4 the
 * English and Japanese fix builds kept 5.0.1781.3 and differ by date, so the
 * uninstall copy's version resource key decides which rows apply. Its key is
 * patched from 040904B0 to 041104B0 in the image (clusters from istat). */
START_TEST(idq_language_decides_rows)
{
  RS_T_SKIP_IF(!rs_t_have_tsk(), "sleuthkit tools not installed");
  const char *img = raw_copy("nt4-cleaned");
  const char *bk = "C:\\WINNT\\$NtUninstallQ300972$\\idq.dll";
  struct run r = {0};
  scan_bin(&img, 1, NULL, &r);
  json_t *row = idq_row(&r, bk);
  ck_assert_str_eq(json_string_value(json_object_get(row, "rule")), "IDQ-NT4-1781.3-EN-MS00-006");
  ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(row, "language")), "0409 (en"));
  run_free(&r);
  uint64_t offs[16], size, cs;
  size_t n = rs_t_file_offsets(img, P0, "/WINNT/$NtUninstallQ300972$/idq.dll", offs, 16, &size, &cs);
  static const unsigned char en[] = {'0', 0, '4', 0, '0', 0, '9', 0, '0', 0, '4', 0, 'B', 0};
  bool patched = false;
  for (size_t c = 0; c < n && !patched; c++) {
    unsigned char buf[65536];
    rs_t_readat(img, offs[c], buf, cs);
    unsigned char *k = memmem(buf, cs, en, sizeof en);
    if (k) {
      unsigned char ja[4] = {'1', 0, '1', 0}; /* "0409" -> "0411" */
      rs_t_patch(img, offs[c] + (uint64_t)(k - buf) + 4, ja, sizeof ja);
      patched = true;
    }
  }
  ck_assert_msg(patched, "no 040904B0 key in the uninstall copy's clusters");
  struct run r2 = {0};
  scan_bin(&img, 1, NULL, &r2);
  row = idq_row(&r2, bk);
  ck_assert_str_eq(json_string_value(json_object_get(row, "rule")), "IDQ-NT4-1781.3-JA-PREFIX");
  ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(row, "language")), "0411 (ja"));
  run_free(&r2);
}
END_TEST

/* ------------------------------------------------- 8. hostile idq.dll */

/* File offset of the resource directory of a PE held in `buf`. */
static size_t rsrc_offset(const uint8_t *d, size_t len)
{
  ck_assert(len > 0x40 && d[0] == 'M' && d[1] == 'Z');
  uint32_t pe = rs_t_le32(d + 0x3c);
  ck_assert(pe + 24 + 96 + 24 <= len && memcmp(d + pe, "PE\0\0", 4) == 0);
  uint16_t ns = rs_t_le16(d + pe + 6), so = rs_t_le16(d + pe + 20);
  size_t opt = pe + 24;
  ck_assert_uint_eq(rs_t_le16(d + opt), 0x10b);
  uint32_t rva = rs_t_le32(d + opt + 96 + 16);
  for (uint16_t i = 0; i < ns; i++) {
    const uint8_t *s = d + opt + so + 40 * i;
    uint32_t va = rs_t_le32(s + 12), raw = rs_t_le32(s + 16), ptr = rs_t_le32(s + 20);
    if (rva >= va && rva < va + raw)
      return ptr + (rva - va);
  }
  ck_abort_msg("no section holds the resource directory");
  return 0;
}

START_TEST(pe_resource_loop_and_bad_offsets)
{
  RS_T_SKIP_IF(!rs_t_have_tsk(), "sleuthkit tools not installed");
  const char *img = raw_copy("w2k-cr2-used");
  static const char *const paths[2] = {"/WINNT/system32/idq.dll",
                                       "/WINNT/system32/dllcache/idq.dll"};
  for (int k = 0; k < 2; k++) {
    uint64_t offs[256], size, cs;
    size_t n = rs_t_file_offsets(img, P0, paths[k], offs, 256, &size, &cs);
    uint8_t *d = malloc(n * cs);
    for (size_t i = 0; i < n; i++)
      rs_t_readat(img, offs[i], d + i * cs, cs);
    size_t rs = rsrc_offset(d, size);
    uint16_t ne = (uint16_t)(rs_t_le16(d + rs + 12) + rs_t_le16(d + rs + 14));
    ck_assert_uint_ge(ne, 1);
    for (uint16_t e = 0; e < ne; e++) {
      uint8_t *ent = d + rs + 16 + 8 * e;
      /* k=0: every type entry is a subdirectory at offset 0, the root itself
       * (a loop); k=1: offsets far past the section and the file */
      uint32_t v = k == 0 ? 0x80000000u : 0x80000000u | (0x7ffffff0u - 8u * e);
      for (int i = 0; i < 4; i++)
        ent[4 + i] = (uint8_t)(v >> (8 * i));
    }
    /* write back only the changed cluster */
    size_t ci = (rs + 16) / cs, ce = (rs + 16 + 8u * ne) / cs;
    for (size_t c = ci; c <= ce && c < n; c++)
      rs_t_patch(img, offs[c], d + c * cs, cs);
    free(d);
  }
  struct run r = {0};
  scan_bin(&img, 1, NULL, &r);
  ck_assert_int_eq(r.rc, 11); /* damaged AND infected: 11 outranks 10 */
  ck_assert_str_eq(verdict(&r), "backdoor-used");
  ASSERT_UNREADABLE(&r, "PE file", "C:\\WINNT\\system32\\idq.dll", NULL);
  ASSERT_UNREADABLE(&r, "PE file", "C:\\WINNT\\system32\\dllcache\\idq.dll", NULL);
  /* both copies are still listed, with no version invented */
  size_t i;
  json_t *q;
  int seen = 0;
  json_array_foreach(json_object_get(json_object_get(r.rep, "system"), "idq_dll"), i, q) {
    ck_assert(json_is_null(json_object_get(q, "file_version")));
    ck_assert(json_is_null(json_object_get(q, "patched")));
    seen++;
  }
  ck_assert_int_eq(seen, 2);
  ASSERT_FINDING(&r, "CR2-ROOTEXE", "C:\\Inetpub\\scripts\\root.exe");
  run_free(&r);
}
END_TEST

/* ------------------------------------------- 9. MBR entry past the end */

START_TEST(mbr_entry_past_end)
{
  const char *img = raw_copy("w2k-cr2-used");
  uint8_t e[16];
  rs_t_readat(img, 446 + 16, e, 16);
  ck_assert_uint_eq(rs_t_le32(e + 8), 67584); /* answer.json volume 1 */
  uint32_t len = 0x7fffffffu;
  for (int i = 0; i < 4; i++)
    e[12 + i] = (uint8_t)(len >> (8 * i));
  rs_t_patch(img, 446 + 16, e, 16);
  struct run r = {0};
  scan_bin(&img, 1, NULL, &r);
  ck_assert_int_eq(r.rc, 11); /* damaged AND infected: 11 outranks 10 */
  ck_assert_str_eq(verdict(&r), "backdoor-used");
  ASSERT_UNREADABLE(&r, "volume", "disk.raw", "volume 1 at sector 67584: partition ends beyond");
  /* the volume's file system itself is whole: its findings survive */
  ASSERT_FINDING(&r, "CR2-ROOTEXE", "C:\\Inetpub\\scripts\\root.exe");
  ASSERT_FINDING(&r, "CR2-ROOTEXE", "D:\\Inetpub\\scripts\\root.exe");
  ASSERT_FINDING(&r, "CR2-EXPLORER", "D:\\explorer.exe");
  run_free(&r);
}
END_TEST

/* -------------------------------------- issue 7: hostile names everywhere */

static const char *const hostile[2] = {"TFTP<img src=x onerror=alert(1)>|x",
                                       "TFTP9\"\x1b[31m|\n1"};

/* Issue 16: the host's System log carries hostile text too (evtscen.py
 * HOSTILE_STR: markup, quotes, backslashes, ESC, CR LF TAB BEL, a lone low
 * and a lone high UTF-16 surrogate; HOSTILE_LONG: 3003 bytes of UTF-8).
 * libevt refuses a text with a lone surrogate; the scan reads it from the
 * record's bytes as WTF-8, so the bad units show as \xNN everywhere. */
#define EVT_H_TEXT "<script>alert(\"evt\")</script> & 'q' \\\\\\srv\\share\\ | " \
                   "\\x1b[31mred\\x1b[0m \\x0d\\x0a\\x09bell\\x07 bad:\\xed\\xb0\\x80:end"
#define EVT_H_HTML "&lt;script&gt;alert(&quot;evt&quot;)&lt;/script&gt;"

/* The planned hostile records (answer.json evt.hostile) against one JSON
 * report: each finding of its check and record keeps its strings exactly. */
static void hostile_evt_json(const json_t *rep, const json_t *hev, const char *what)
{
  size_t i, k;
  json_t *h, *f;
  ck_assert_int_ge(json_array_size(hev), 2);
  json_array_foreach(hev, i, h) {
    const json_t *got = NULL;
    json_array_foreach(json_object_get(rep, "findings"), k, f) {
      json_t *d = json_object_get(f, "details");
      if (!strcmp(json_string_value(json_object_get(f, "check")),
                  json_string_value(json_object_get(h, "check"))) &&
          json_integer_value(json_object_get(d, "record_number")) ==
              json_integer_value(json_object_get(h, "record_number")))
        got = json_object_get(d, "strings");
    }
    ck_assert_msg(got != NULL, "%s: no %s finding for record %lld", what,
                  json_string_value(json_object_get(h, "check")),
                  (long long)json_integer_value(json_object_get(h, "record_number")));
    json_t *want = json_object_get(h, "strings");
    ck_assert_int_eq(json_array_size(got), json_array_size(want));
    for (k = 0; k < json_array_size(want); k++) {
      const char *g = json_string_value(json_array_get(got, k));
      const char *w = json_string_value(json_array_get(want, k));
      ck_assert_msg(g && w && !strcmp(g, w), "%s record %lld string %zu: %.80s, want %.80s", what,
                    (long long)json_integer_value(json_object_get(h, "record_number")), k,
                    g ? g : "(null)", w);
      ck_assert_uint_le(strlen(g), 2048); /* RS_EVT_MAX_STRING, cut on a character */
    }
  }
}

START_TEST(hostile_names_every_output)
{
  json_t *ans = rs_t_answer("w2k-hostile-names");
  ck_assert_ptr_nonnull(ans);
  const json_t *hev = json_object_get(json_object_get(ans, "evt"), "hostile");
  /* the 6008's first string, as the JSON report gives it */
  const char *h0 = json_string_value(json_array_get(
      json_object_get(json_array_get(hev, 0), "strings"), 0));
  ck_assert_ptr_nonnull(h0);
  const char *img = raw_copy("w2k-hostile-names");
  const char *dir = rs_t_tmpdir();
  char od[4096], cmd[8192], p[4300];
  snprintf(od, sizeof od, "%s/out", dir);
  char o2[4096];
  snprintf(o2, sizeof o2, "--out-dir '%s' --allow-evidence-dir --json", od);
  struct run r = {0};
  scan_bin(&img, 1, o2, &r); /* --json stdout + the out-dir files */
  ck_assert_int_eq(r.rc, 10);
  ck_assert_str_eq(verdict(&r), "infected");
  /* every hostile file is a NIMDA-TFTP finding with its exact name */
  for (int k = 0; k < 2; k++) {
    char win[256];
    snprintf(win, sizeof win, "C:\\Inetpub\\scripts\\%s", hostile[k]);
    ASSERT_FINDING(&r, "NIMDA-TFTP", win);
  }
  run_free(&r);
  char a[4300], b[4300];
  snprintf(a, sizeof a, "%s/out.json", dir);
  snprintf(b, sizeof b, "%s/stdout.json", dir);
  ck_assert_int_eq(rename(a, b), 0);
  struct run t = {0};
  scan_bin(&img, 1, "", &t); /* default text on stdout */
  ck_assert_int_eq(t.rc, 10);
  run_free(&t);
  snprintf(cmd, sizeof cmd, "%s/out.json", dir);

  static const char *const outs[] = {"out/report.txt", "out/report.json", "out/report.html",
                                     "out/timeline.jsonl", "out/timeline.body", "stdout.json"};
  for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, outs[i]);
    size_t len = 0;
    char *s = (char *)rs_t_slurp(p, &len);
    ck_assert_msg(s && len > 0, "%s missing or empty", outs[i]);
    ck_assert_msg(!memchr(s, 0x1b, len), "%s has a raw ESC byte", outs[i]);
    ck_assert_msg(!memchr(s, 0, len), "%s has a NUL byte", outs[i]);
    char *z = realloc(s, len + 1);
    ck_assert_ptr_nonnull(z);
    s = z;
    s[len] = '\0';
    /* each name appears, in the output's own escaped form */
    ck_assert_msg(strstr(s, "TFTP") != NULL, "%s: hostile names dropped", outs[i]);
    /* the record from a hostile source matches no row: shown nowhere */
    ck_assert_msg(!strstr(s, "alert(\"src") && !strstr(s, "alert(\\\"src") &&
                      !strstr(s, "alert(&quot;src"),
                  "%s: the unmatched record's source is shown", outs[i]);
    if (strstr(outs[i], ".html")) {
      ck_assert_msg(!strcasestr(s, "<img"), "raw <img in HTML");
      ck_assert_msg(!strstr(s, "<script>alert("), "raw <script> from the event log in HTML");
      ck_assert_ptr_nonnull(strstr(s, EVT_H_HTML));
      ck_assert_ptr_nonnull(strstr(s, "bad:\\xed\\xb0\\x80:end\\xed\\xa0\\x80"));
      ck_assert_ptr_nonnull(strstr(s, "TFTP&lt;img src=x onerror=alert(1)&gt;"));
      ck_assert_ptr_nonnull(strstr(s, "TFTP9&quot;\\x1b[31m"));
    } else if (strstr(outs[i], ".body")) {
      int lines = 0, named = 0, evt = 0;
      for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        int bars = 0;
        for (char *c = line; *c; c++)
          bars += *c == '|';
        ck_assert_msg(bars == 10, "body line with %d '|': %s", bars, line);
        named += strstr(line, "TFTP") != NULL;
        /* a body file lists files (mactime), not event records: the
         * hostile record text must not leak into one, raw or escaped */
        evt += strstr(line, "alert(\"evt") != NULL || strstr(line, "bell") != NULL;
        lines++;
      }
      ck_assert_int_gt(lines, 0);
      ck_assert_int_ge(named, 2);
      ck_assert_int_eq(evt, 0);
    } else if (strstr(outs[i], ".jsonl")) {
      int named = 0, evt = 0;
      for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        json_error_t je;
        json_t *j = json_loads(line, 0, &je);
        ck_assert_msg(j != NULL, "jsonl line does not parse (%s): %.120s", je.text, line);
        const char *m = json_string_value(json_object_get(j, "message"));
        for (int k = 0; k < 2; k++)
          named += m && strstr(m, hostile[k]) != NULL;
        evt += m && strstr(m, h0) != NULL;
        json_decref(j);
      }
      ck_assert_int_ge(named, 2);
      ck_assert_int_ge(evt, 1);
    } else if (strstr(outs[i], ".json")) {
      json_t *j = json_loads(s, 0, NULL);
      ck_assert_msg(j != NULL, "%s does not parse", outs[i]);
      char *flat = json_dumps(j, JSON_ENSURE_ASCII);
      for (int k = 0; k < 2; k++) {
        /* the name as JSON text, as jansson escapes it */
        json_t *nm = json_string(hostile[k]);
        char *enc = json_dumps(nm, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
        enc[strlen(enc) - 1] = '\0';
        ck_assert_msg(strstr(flat, enc + 1), "%s: %s missing", outs[i], enc + 1);
        free(enc);
        json_decref(nm);
      }
      free(flat);
      hostile_evt_json(j, hev, outs[i]);
      json_decref(j);
    } else {
      /* text: \xNN escapes, and the newline inside a name never breaks a line */
      ck_assert_ptr_nonnull(strstr(s, "TFTP9\"\\x1b[31m|\\x0a1"));
      ck_assert_ptr_nonnull(strstr(s, "TFTP<img src=x onerror=alert(1)>|x"));
      ck_assert_msg(strstr(s, EVT_H_TEXT) != NULL, "report.txt: the 6008's text not escaped");
    }
    free(s);
  }
  /* the default text stdout */
  char *s = (char *)rs_t_slurp(cmd, NULL);
  ck_assert_ptr_nonnull(s);
  ck_assert_msg(!strchr(s, 0x1b), "text stdout has a raw ESC byte");
  ck_assert_ptr_nonnull(strstr(s, "TFTP9\"\\x1b[31m|\\x0a1"));
  ck_assert_msg(strstr(s, EVT_H_TEXT) != NULL, "text stdout: the 6008's text not escaped");
  free(s);
  json_decref(ans);
}
END_TEST

/* A lone UTF-16 surrogate in an NTFS name (testutil: rs_t_surrogate_image):
 * nothing of the name is lost and the bad unit is visible in every output:
 * \xNN escapes of its WTF-8 bytes in text, HTML and the body files (not a
 * doubled backslash: the writers see the bytes, not the JSON form), and
 * rs_escape_utf8's \xNN text in the JSON outputs. */
#define SUR92_TXT "TFTP<\\xed\\xa0\\x80mg src=x onerror=alert(1)>|\\xed\\xb0\\x80"

START_TEST(invalid_utf16_name_every_output)
{
  const char *img = rs_t_surrogate_image();
  const char *dir = rs_t_tmpdir();
  char args[4300], p[4300];
  snprintf(args, sizeof args, "--json --timeline full --allow-evidence-dir --out-dir '%s/u16'", dir);
  struct run r = {0};
  scan_bin(&img, 1, args, &r);
  ck_assert_int_eq(r.rc, 10);
  /* JSON (stdout): the invalid bytes as \xNN text, the valid pair as is */
  const json_t *f92 = NULL, *f93 = NULL;
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(r.rep, "findings"), i, f) {
    const char *path = json_string_value(json_object_get(f, "path"));
    if (path && !strcmp(path, "C:\\Inetpub\\scripts\\" SUR92_TXT))
      f92 = f;
    if (path && !strcmp(path, "C:\\Inetpub\\scripts\\" RS_T_SUR93))
      f93 = f;
  }
  ck_assert_msg(f92 != NULL, "no finding with the escaped name");
  ck_assert_ptr_nonnull(f93);
  ck_assert_str_eq(json_string_value(json_object_get(f92, "check")), "NIMDA-TFTP");
  run_free(&r);
  static const struct {
    const char *file, *want;
  } outs[] = {
      {"report.txt", "C:\\Inetpub\\scripts\\" SUR92_TXT},
      {"report.html", "TFTP&lt;\\xed\\xa0\\x80mg src=x onerror=alert(1)&gt;|\\xed\\xb0\\x80"},
      {"timeline.body",
       "|C:/Inetpub/scripts/TFTP<\\xed\\xa0\\x80mg src=x onerror=alert(1)>\\x7c\\xed\\xb0\\x80|92|"},
      {"timeline-full.body",
       "|C:/Inetpub/scripts/TFTP<\\xed\\xa0\\x80mg src=x onerror=alert(1)>\\x7c\\xed\\xb0\\x80|92-128-2|"},
      {"report.json", "\"C:\\\\Inetpub\\\\scripts\\\\TFTP<\\\\xed\\\\xa0\\\\x80mg src=x "
                      "onerror=alert(1)>|\\\\xed\\\\xb0\\\\x80\""},
      {"timeline.jsonl", "TFTP<\\\\xed\\\\xa0\\\\x80mg src=x onerror=alert(1)>|\\\\xed\\\\xb0\\\\x80"},
  };
  for (size_t k = 0; k < sizeof outs / sizeof outs[0]; k++) {
    snprintf(p, sizeof p, "%s/u16/%s", dir, outs[k].file);
    size_t len = 0;
    char *s = (char *)rs_t_slurp(p, &len);
    ck_assert_msg(s && len > 0, "%s missing or empty", outs[k].file);
    ck_assert_msg(strstr(s, outs[k].want), "%s: %s missing", outs[k].file, outs[k].want);
    /* the raw invalid bytes never reach a file, nor a doubled backslash */
    ck_assert_msg(!memmem(s, len, "\xed\xa0\x80", 3), "%s: raw WTF-8 bytes", outs[k].file);
    /* (on the lines of the name: since issue 16 the image's System log has
     * insertion strings with lone surrogates, and text and HTML show a
     * finding's string-array details in their JSON form) */
    if (!strstr(outs[k].file, "json"))
      for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n"))
        ck_assert_msg(!strstr(line, "TFTP<") || !strstr(line, "\\\\xed"),
                      "%s: doubled backslash: %.200s", outs[k].file, line);
    free(s);
  }
  /* the text report shows the valid pair as the character it is */
  snprintf(p, sizeof p, "%s/u16/report.txt", dir);
  char *s = (char *)rs_t_slurp(p, NULL);
  ck_assert_ptr_nonnull(strstr(s, "TFTP9\"\\x1b[\xf0\x9f\x98\x80m|\\x0a1"));
  free(s);
}
END_TEST

Suite *rs_suite_corrupt(void)
{
  Suite *s = suite_create("corrupt");
  TCase *tc = tcase_create("corrupt");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, truncated_raw_mid_second_partition);
  tcase_add_test(tc, truncated_raw_end_of_first_partition);
  tcase_add_test(tc, truncated_raw_unallocated);
  tcase_add_test(tc, truncated_raw_inside_first_partition);
  tcase_add_test(tc, ewf_last_segment_cut);
  tcase_add_test(tc, ewf_single_truncated);
  tcase_add_test(tc, ewf_changed_byte_mismatch);
  tcase_add_test(tc, ewf_corrupted_chunk);
  tcase_add_test(tc, ewf_corrupted_stream);
  tcase_add_test(tc, mft_record_zeroed);
  tcase_add_loop_test(tc, mft_root_record_torn, 0, 2);
  tcase_add_test(tc, mft_parent_loop);
  tcase_add_test(tc, hives_damaged_in_place);
  tcase_add_test(tc, log_binary_garbage);
  tcase_add_test(tc, log_one_megabyte_line);
  tcase_add_test(tc, pe_resource_loop_and_bad_offsets);
  tcase_add_test(tc, idq_language_decides_rows);
  tcase_add_test(tc, rootexe_other_cmd_build);
  tcase_add_test(tc, mbr_entry_past_end);
  tcase_add_test(tc, hostile_names_every_output);
  tcase_add_test(tc, invalid_utf16_name_every_output);
  suite_add_tcase(s, tc);
  return s;
}
