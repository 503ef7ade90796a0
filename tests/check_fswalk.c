/* fswalk: one metadata pass per volume, paths from parent references.
 * Answer keys: the DFTT #6/#7 index.html tables (sizes, MFT entries, MD5s),
 * the fiwalk DFXML listings in realdata/expected, and TSK's own fls/icat run
 * at test time as a peer oracle. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "redsleuth/fswalk.h"
#include "testutil.h"

/* ---- collecting a walk ---- */

struct ent {
  char *path, *shrt;
  uint64_t inum, size;
  uint32_t seq, attrs;
  bool alloc, dir, orphan, attrs_known;
  struct rs_fsentry raw; /* times and flags; strings not valid */
};

struct coll {
  struct ent *v;
  size_t n, cap;
  size_t stop_after; /* 0 = never stop */
};

static int coll_cb(const struct rs_fsentry *e, void *arg)
{
  struct coll *c = arg;
  if (c->n == c->cap) {
    c->cap = c->cap ? 2 * c->cap : 64;
    c->v = realloc(c->v, c->cap * sizeof *c->v);
    ck_assert_ptr_nonnull(c->v);
  }
  struct ent *x = &c->v[c->n++];
  x->path = strdup(e->path);
  x->shrt = e->short_name ? strdup(e->short_name) : NULL;
  x->inum = e->inum;
  x->size = e->size;
  x->seq = e->seq;
  x->attrs = e->dos_attrs;
  x->attrs_known = e->attrs_known;
  x->alloc = e->allocated;
  x->dir = e->is_dir;
  x->orphan = e->orphan;
  x->raw = *e;
  /* name is the last component of path */
  const char *slash = strrchr(e->path, '/');
  ck_assert_ptr_nonnull(slash);
  ck_assert_str_eq(slash + 1, e->name);
  return c->stop_after && c->n >= c->stop_after;
}

static void coll_free(struct coll *c)
{
  for (size_t i = 0; i < c->n; i++) {
    free(c->v[i].path);
    free(c->v[i].shrt);
  }
  free(c->v);
  memset(c, 0, sizeof *c);
}

static const struct ent *find_path(const struct coll *c, const char *path)
{
  for (size_t i = 0; i < c->n; i++)
    if (!strcmp(c->v[i].path, path))
      return &c->v[i];
  return NULL;
}

struct vol {
  TSK_IMG_INFO *img;
  TSK_FS_INFO *fs;
};

static bool vol_open(struct vol *v, const char *path, TSK_IMG_TYPE_ENUM t, TSK_OFF_T off)
{
  setenv("TZ", "UTC", 1);
  tzset();
  const char *nm[1] = {path};
  v->img = tsk_img_open_utf8(1, nm, t, 0);
  if (!v->img)
    return false;
  v->fs = tsk_fs_open_img(v->img, off, TSK_FS_TYPE_DETECT);
  return v->fs != NULL;
}

static void vol_close(struct vol *v)
{
  if (v->fs)
    tsk_fs_close(v->fs);
  if (v->img)
    tsk_img_close(v->img);
  v->fs = NULL;
  v->img = NULL;
}

/* why a test image is not there (the zip or unzip absent), for the SKIP */
static const char *zip_why;

static const char *unpack_zip(const char *zip, const char *member)
{
  return rs_t_realdata_zip(zip, member, &zip_why);
}

#define NTFS7 "7-undel-ntfs/7-ntfs-undel.dd"
#define FAT6 "6-undel-fat/6-fat-undel.dd"

static void walk_into(TSK_FS_INFO *fs, struct coll *c, struct rs_fswalk_stats *st)
{
  struct rs_diag d;
  rs_diag_clear(&d);
  ck_assert_int_eq(rs_fswalk(fs, coll_cb, c, st, &d), RS_OK);
}

/* ---- NTFS DFTT #7: the deleted entries of its answer key ---- */

static const struct {
  const char *path;
  uint64_t inum, size;
  bool dir, orphan;
  const char *md5; /* index.html of the image; NULL for directories */
} ntfs7[] = {
    {"/frag1.dat", 29, 1584, false, false, "7a3bc5b763bef201202108f4ba128149"},
    {"/frag2.dat", 30, 3873, false, false, "0e80ab84ef0087e60dfc67b88a1cf13e"},
    {"/sing1.dat", 31, 780, false, false, "59b20779f69ff9f0ac5fcd2c38835a79"},
    {"/mult1.dat", 32, 3801, false, false, "ffd27bd782bdce67750b6b9ee069d2ef"},
    {"/dir1", 33, 0, true, false, NULL},
    {"/dir1/dir2", 34, 0, true, false, NULL},
    {"/dir1/dir2/frag3.dat", 35, 2027, false, false, "21121699487f3fbbdb9a4b3391b6d3e0"},
    {"/dir1/mult2.dat", 36, 1715, false, false, "59cf0e9cd107bc1e75afb7374f6e05bb"},
    {"/res1.dat", 37, 101, false, false, "9036637712b491904cd0bfbdbe648453"},
    /* dir3 (#37) was reused by res1.dat, so sing2.dat has no parent left */
    {"/$OrphanFiles/sing2.dat", 38, 1005, false, true, "c229626f6a71b167ad7e50c4f2fccdb1"},
};
#define N_NTFS7 (int)(sizeof ntfs7 / sizeof ntfs7[0])

START_TEST(ntfs7_deleted)
{
  const char *img = unpack_zip("images/7-undel-ntfs.zip", NTFS7);
  RS_T_SKIP_IF(!img, zip_why);
  struct vol v;
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, 0));
  struct coll c = {0};
  struct rs_fswalk_stats st;
  walk_into(v.fs, &c, &st);
  const struct ent *e = find_path(&c, ntfs7[_i].path);
  ck_assert_msg(e != NULL, "%s not found", ntfs7[_i].path);
  ck_assert_uint_eq(e->inum, ntfs7[_i].inum);
  ck_assert(!e->alloc);
  ck_assert_int_eq(e->dir, ntfs7[_i].dir);
  ck_assert_int_eq(e->orphan, ntfs7[_i].orphan);
  if (!ntfs7[_i].dir) {
    ck_assert_uint_eq(e->size, ntfs7[_i].size);
    struct rs_file_digest dg;
    struct rs_diag d;
    rs_diag_clear(&d);
    ck_assert_int_eq(rs_file_digest(v.fs, e->inum, &dg, &d), RS_OK);
    ck_assert(dg.done);
    ck_assert_uint_eq(dg.bytes, ntfs7[_i].size);
    ck_assert_str_eq(dg.md5, ntfs7[_i].md5);
    if (rs_t_have("icat")) { /* peer: icat's bytes, hashed here */
      char cmd[1024], *out = NULL;
      snprintf(cmd, sizeof cmd, "icat -r '%s' %llu | sha256sum | cut -c1-64", img,
               (unsigned long long)e->inum);
      ck_assert_int_eq(rs_t_run(cmd, &out), 0);
      ck_assert_ptr_nonnull(out);
      ck_assert_int_eq(strncmp(out, dg.sha256, 64), 0);
      free(out);
    }
  }
  /* 2004-02-29 (the leap day the image was made) */
  char t[RS_TIME_ISO_MAX];
  rs_time_iso(&e->raw.si_mtime, t);
  ck_assert_msg(!strncmp(t, "2004-02-29T", 11), "si_mtime %s", t);
  ck_assert_int_eq(e->raw.si_mtime.digits, 7);
  ck_assert(e->raw.fn_crtime.set);
  coll_free(&c);
  vol_close(&v);
}
END_TEST

START_TEST(ntfs7_stats_shortnames_attrs)
{
  const char *img = unpack_zip("images/7-undel-ntfs.zip", NTFS7);
  RS_T_SKIP_IF(!img, zip_why);
  struct vol v;
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, 0));
  struct coll c = {0};
  struct rs_fswalk_stats st;
  walk_into(v.fs, &c, &st);
  ck_assert_uint_eq(st.entries, c.n);
  ck_assert_uint_eq(st.allocated + st.deleted, st.entries);
  ck_assert_uint_eq(st.deleted, 10); /* the 10 rows of the answer key */
  ck_assert_uint_eq(st.orphans, 1);
  ck_assert_uint_eq(st.unreadable, 0);
  /* The long name is reported once; its DOS name rides along. */
  const struct ent *svi = find_path(&c, "/System Volume Information");
  ck_assert_ptr_nonnull(svi);
  ck_assert_str_eq(svi->shrt, "SYSTEM~1");
  for (size_t i = 0; i < c.n; i++)
    ck_assert_str_ne(c.v[i].path, "/SYSTEM~1");
  /* $SI flags as the walk read them equal the per-entry reader's, and
   * $MFT is hidden+system as on every NTFS. */
  for (size_t i = 0; i < c.n; i++) {
    uint32_t a = 0;
    ck_assert(c.v[i].attrs_known);
    ck_assert_int_eq(rs_fsentry_attrs(v.fs, c.v[i].inum, &a, NULL), RS_OK);
    ck_assert_uint_eq(a, c.v[i].attrs);
  }
  const struct ent *mft = find_path(&c, "/$MFT");
  ck_assert_ptr_nonnull(mft);
  ck_assert_uint_eq(mft->attrs & (RS_ATTR_HIDDEN | RS_ATTR_SYSTEM),
                    RS_ATTR_HIDDEN | RS_ATTR_SYSTEM);
  /* The root itself ("." in name2) is not reported. */
  ck_assert_ptr_null(find_path(&c, "/."));
  ck_assert_ptr_null(find_path(&c, "/"));
  coll_free(&c);
  vol_close(&v);
}
END_TEST

/* ---- peer oracle: fls -r -p gives the same path set ---- */

/* fls -p lines: "r/r * 32-128-6:\tmult1.dat:ADS". Streams fold into their
 * entry (the walk reports entries, not streams); $OrphanFiles itself is a
 * TSK-made directory, not reported. */
static char **fls_paths(const char *cmd, size_t *n)
{
  char *out = NULL;
  *n = 0;
  if (rs_t_run(cmd, &out) != 0 || !out) {
    free(out);
    return NULL;
  }
  size_t cap = 256;
  char **v = malloc(cap * sizeof *v);
  for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
    char *tab = strchr(line, '\t');
    if (!tab)
      continue;
    char *p = tab + 1;
    if (strstr(line, "(realloc)"))
      continue; /* a dead $I30 name of a reused entry: not in the MFT pass */
    char *last = strrchr(p, '/');
    char *colon = strchr(last ? last : p, ':');
    if (colon)
      *colon = '\0';
    if (!strcmp(p, "$OrphanFiles") || !strcmp(p, "$MBR") || !strcmp(p, "$FAT1") ||
        !strcmp(p, "$FAT2"))
      continue;
    char buf[4096];
    snprintf(buf, sizeof buf, "/%s", p);
    bool dup = false;
    for (size_t i = 0; i < *n && !dup; i++)
      dup = !strcmp(v[i], buf);
    if (dup)
      continue;
    if (*n == cap)
      v = realloc(v, (cap *= 2) * sizeof *v);
    v[(*n)++] = strdup(buf);
  }
  free(out);
  return v;
}

static void compare_with_fls(const char *img, const char *flsargs, TSK_IMG_TYPE_ENUM t,
                             TSK_OFF_T off)
{
  struct vol v;
  ck_assert(vol_open(&v, img, t, off));
  struct coll c = {0};
  struct rs_fswalk_stats st;
  walk_into(v.fs, &c, &st);
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "fls -r -p %s '%s'", flsargs, img);
  size_t n;
  char **fp = fls_paths(cmd, &n);
  ck_assert_msg(fp != NULL, "fls failed: %s", cmd);
  ck_assert_uint_gt(n, 5);
  for (size_t i = 0; i < n; i++)
    ck_assert_msg(find_path(&c, fp[i]) != NULL, "fls has %s, the walk not", fp[i]);
  for (size_t i = 0; i < c.n; i++) {
    bool in = false;
    for (size_t k = 0; k < n && !in; k++)
      in = !strcmp(fp[k], c.v[i].path);
    ck_assert_msg(in, "the walk has %s, fls not", c.v[i].path);
  }
  for (size_t i = 0; i < n; i++)
    free(fp[i]);
  free(fp);
  coll_free(&c);
  vol_close(&v);
}

START_TEST(fls_oracle_ntfs7)
{
  RS_T_SKIP_IF(!rs_t_have("fls"), "fls not installed");
  const char *img = unpack_zip("images/7-undel-ntfs.zip", NTFS7);
  RS_T_SKIP_IF(!img, zip_why);
  compare_with_fls(img, "", TSK_IMG_TYPE_RAW, 0);
}
END_TEST

START_TEST(fls_oracle_fat6)
{
  RS_T_SKIP_IF(!rs_t_have("fls"), "fls not installed");
  const char *img = unpack_zip("images/6-undel-fat.zip", FAT6);
  RS_T_SKIP_IF(!img, zip_why);
  compare_with_fls(img, "", TSK_IMG_TYPE_RAW, 0);
}
END_TEST

START_TEST(fls_oracle_e01)
{
  RS_T_SKIP_IF(!rs_t_have("fls"), "fls not installed");
  const char *img = rs_t_realdata("images/imageformat_mmls_1.E01");
  RS_T_SKIP_IF(!img, "imageformat_mmls_1.E01 not available");
  static const long starts[] = {128, 55424};
  char a[32];
  snprintf(a, sizeof a, "-o %ld", starts[_i]);
  compare_with_fls(img, a, TSK_IMG_TYPE_EWF_EWF, (TSK_OFF_T)starts[_i] * 512);
}
END_TEST

/* ---- FAT DFTT #6 ---- */

static const struct {
  const char *path;
  uint64_t size;
  const char *md5; /* index.html; fragmented files: TSK's contiguous guess */
} fat6[] = {
    {"/_ing.dat", 780, "59b20779f69ff9f0ac5fcd2c38835a79"},
    {"/_ult1.dat", 3801, "ffd27bd782bdce67750b6b9ee069d2ef"},
    {"/_ir1/mult2.dat", 1715, "59cf0e9cd107bc1e75afb7374f6e05bb"},
    /* index.html lists these as the "incorrect" MD5s a tool gets when it
     * assumes the clusters of a deleted FAT file are consecutive, which is
     * what TSK does (FAT keeps no chain for deleted files). */
    {"/_rag1.dat", 1584, "c4f3b9a0f17d464f4fc61b94ecf6cc21"},
    {"/_rag2.dat", 3873, "965370acfa85aa7e26ab04bbd45cdcae"},
    {"/_ir1/dir2/frag3.dat", 2027, "a7a14ac62f79fdea4056ed5e8bcf97ef"},
};
#define N_FAT6 (int)(sizeof fat6 / sizeof fat6[0])

START_TEST(fat6_deleted)
{
  const char *img = unpack_zip("images/6-undel-fat.zip", FAT6);
  RS_T_SKIP_IF(!img, zip_why);
  struct vol v;
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, 0));
  struct coll c = {0};
  struct rs_fswalk_stats st;
  walk_into(v.fs, &c, &st);
  const struct ent *e = find_path(&c, fat6[_i].path);
  ck_assert_msg(e != NULL, "%s not found", fat6[_i].path);
  ck_assert(!e->alloc);
  ck_assert(!e->dir);
  ck_assert_uint_eq(e->size, fat6[_i].size);
  ck_assert(e->raw.fat_local);
  ck_assert_uint_eq(e->seq, 0);
  /* the deleted entry keeps its attribute byte: "File, Archive" in istat */
  ck_assert(e->attrs_known);
  ck_assert_uint_eq(e->attrs, RS_ATTR_ARCHIVE);
  struct rs_file_digest dg;
  ck_assert_int_eq(rs_file_digest(v.fs, e->inum, &dg, NULL), RS_OK);
  ck_assert_uint_eq(dg.bytes, fat6[_i].size);
  ck_assert_str_eq(dg.md5, fat6[_i].md5);
  /* FAT times: the stored local clock read as UTC (TZ=UTC); istat shows
   * the same value under TZ=UTC. */
  if (rs_t_have("istat")) {
    char cmd[1024], *out = NULL, t[RS_TIME_ISO_MAX];
    snprintf(cmd, sizeof cmd, "TZ=UTC istat '%s' %llu | grep '^Written:' | cut -f2", img,
             (unsigned long long)e->inum);
    ck_assert_int_eq(rs_t_run(cmd, &out), 0);
    rs_time_iso(&e->raw.si_mtime, t); /* 2004-02-14T12:51:16Z */
    t[10] = ' ';
    t[19] = '\0';
    ck_assert_msg(out && !strncmp(out, t, 19), "istat %s walk %s", out, t);
    free(out);
  }
  coll_free(&c);
  vol_close(&v);
}
END_TEST

/* ---- FAT attribute byte against istat ---- */

/* The bits istat's "File Attributes:" line names (TSK reads the directory
 * entry itself for it), -1 when istat fails. */
static int istat_fat_attrs(const char *img, long long off, uint64_t inum)
{
  char cmd[4300], *out = NULL;
  snprintf(cmd, sizeof cmd, "istat -o %lld '%s' %llu | grep '^File Attributes:'", off, img,
           (unsigned long long)inum);
  if (rs_t_run(cmd, &out) != 0 || !out) {
    free(out);
    return -1;
  }
  int a = 0;
  static const struct {
    const char *word;
    int bit;
  } w[] = {{"Directory", 0x10}, {"Volume Label", 0x08}, {"Read Only", RS_ATTR_READONLY},
           {"Hidden", RS_ATTR_HIDDEN}, {"System", RS_ATTR_SYSTEM}, {"Archive", RS_ATTR_ARCHIVE}};
  for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
    if (strstr(out, w[i].word))
      a |= w[i].bit;
  free(out);
  return a;
}

/* A copy of w2k-vulnerable-fat whose entries carry more than "archive":
 * boot.ini read-only+hidden+system+archive, Inetpub a read-only hidden
 * directory, idq.dll deleted (0xE5) read-only+hidden+archive. Entries are
 * found by their 8.3 names in the raw bytes, not by the walk's numbering. */
static const char *fat_attr_copy(const char *raw)
{
  static const struct {
    const char *name; /* 11 bytes of the 8.3 entry */
    uint8_t attr;
    bool del;
  } p[] = {{"BOOT    INI", 0x27, false}, {"INETPUB    ", 0x13, false},
           {"IDQ     DLL", 0x23, true}};
  size_t len;
  unsigned char *b = rs_t_slurp(raw, &len);
  ck_assert_ptr_nonnull(b);
  for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) {
    unsigned char *at = memmem(b, len, p[i].name, 11);
    ck_assert_msg(at != NULL, "%s not in the image", p[i].name);
    ck_assert_ptr_null(memmem(at + 1, len - (size_t)(at - b) - 1, p[i].name, 11));
    at[11] = p[i].attr;
    if (p[i].del)
      at[0] = 0xE5;
  }
  static char out[4096];
  snprintf(out, sizeof out, "%s/fat-attrs.raw", rs_t_tmpdir());
  FILE *f = fopen(out, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(b, 1, len, f), len);
  fclose(f);
  free(b);
  return out;
}

/* Every entry of the walk has attrs_known and the attribute byte istat
 * shows, allocated and deleted alike; rs_fsentry_attrs gives the same. */
START_TEST(fat_attrs_istat)
{
  RS_T_SKIP_IF(!rs_t_have("istat"), "sleuthkit not installed");
  const char *img;
  long long off = 0;
  if (_i == 0) {
    img = fat_attr_copy(rs_t_scenario_raw("w2k-vulnerable-fat"));
    off = 2048; /* answer.json: start_sector */
  } else {
    img = unpack_zip("images/6-undel-fat.zip", FAT6);
    RS_T_SKIP_IF(!img, zip_why);
  }
  struct vol v;
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, off * 512));
  struct coll c = {0};
  struct rs_fswalk_stats st;
  walk_into(v.fs, &c, &st);
  ck_assert_uint_gt(c.n, 10);
  unsigned seen = 0, deleted = 0;
  for (size_t i = 0; i < c.n; i++) {
    const struct ent *e = &c.v[i];
    int want = istat_fat_attrs(img, off, e->inum);
    ck_assert_msg(want >= 0, "istat failed on %llu", (unsigned long long)e->inum);
    ck_assert_msg(e->attrs_known, "%s: attributes unknown", e->path);
    ck_assert_msg(e->attrs == (uint32_t)want, "%s: walk %02x, istat %02x", e->path, e->attrs,
                  want);
    uint32_t a = 0;
    ck_assert_int_eq(rs_fsentry_attrs(v.fs, e->inum, &a, NULL), RS_OK);
    ck_assert_uint_eq(a, e->attrs);
    seen |= e->attrs;
    deleted += !e->alloc && (e->attrs & (RS_ATTR_HIDDEN | RS_ATTR_READONLY | RS_ATTR_SYSTEM));
  }
  /* the cases the images were chosen for are there */
  ck_assert_uint_eq(seen & 0x3fu, _i == 0 ? 0x3fu : 0x3eu);
  ck_assert_uint_ge(deleted, 1);
  if (_i == 0) {
    const struct ent *b = find_path(&c, "/boot.ini");
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->attrs, 0x27);
  }
  /* the root and the virtual files have no directory entry */
  uint32_t a = 1;
  struct rs_diag d;
  rs_diag_clear(&d);
  ck_assert_int_eq(rs_fsentry_attrs(v.fs, v.fs->root_inum, &a, &d), RS_E_CORRUPT);
  ck_assert_uint_eq(a, 0);
  ck_assert_int_ne(rs_fsentry_attrs(v.fs, v.fs->last_inum, &a, NULL), RS_OK);
  coll_free(&c);
  vol_close(&v);
}
END_TEST

/* DFXML (fiwalk) lists: every file object (but ".", ".." and TSK's virtual
 * files) is in the walk with the same size and allocation. */
static size_t dfxml_check(const char *xml, int partition, const struct coll *c)
{
  size_t len = 0, checked = 0;
  char *s = (char *)rs_t_slurp(xml, &len);
  ck_assert_ptr_nonnull(s);
  s = realloc(s, len + 1);
  s[len] = '\0';
  for (char *p = strstr(s, "<fileobject>"); p; p = strstr(p + 1, "<fileobject>")) {
    char *end = strstr(p, "</fileobject>");
    ck_assert_ptr_nonnull(end);
    *end = '\0';
    char name[1024] = "", *q;
    long long size = -1;
    int part = 1, an = -1, ai = -1;
    if ((q = strstr(p, "<filename>")))
      sscanf(q + 10, "%1023[^<]", name);
    if ((q = strstr(p, "<filesize>")))
      size = atoll(q + 10);
    if ((q = strstr(p, "<partition>")))
      part = atoi(q + 11);
    if ((q = strstr(p, "<alloc_name>")))
      an = atoi(q + 12);
    if ((q = strstr(p, "<alloc_inode>")))
      ai = atoi(q + 13);
    *end = '<';
    size_t nl = strlen(name);
    if (part != partition || !strcmp(name, ".") || !strcmp(name, "..") ||
        (nl >= 2 && !strcmp(name + nl - 2, "/.")) ||
        (nl >= 3 && !strcmp(name + nl - 3, "/..")) || !strcmp(name, "$OrphanFiles") ||
        !strcmp(name, "$MBR") || !strcmp(name, "$FAT1") || !strcmp(name, "$FAT2"))
      continue;
    char path[1100];
    snprintf(path, sizeof path, "/%s", name);
    const struct ent *e = find_path(c, path);
    ck_assert_msg(e != NULL, "DFXML has %s, the walk not", path);
    ck_assert_msg((long long)e->size == size, "%s: size %llu, DFXML %lld", path,
                  (unsigned long long)e->size, size);
    if (an >= 0 && ai >= 0)
      ck_assert_int_eq(e->alloc, an == 1 && ai == 1);
    checked++;
  }
  free(s);
  return checked;
}

START_TEST(fat6_dfxml)
{
  const char *img = unpack_zip("images/6-undel-fat.zip", FAT6);
  const char *xml = rs_t_realdata("expected/6-fat-undel.dd.xml");
  RS_T_SKIP_IF(!img, zip_why);
  RS_T_SKIP_IF(!xml, "realdata DFXML absent");
  struct vol v;
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, 0));
  struct coll c = {0};
  struct rs_fswalk_stats st;
  walk_into(v.fs, &c, &st);
  /* 27 objects - 10 dot entries - 4 virtual files = 13 */
  ck_assert_uint_eq(dfxml_check(xml, 1, &c), 13);
  /* frag3.dat's directory entry is reachable through two directories (the
   * restore point reused dir2's cluster): both names are reported. */
  ck_assert_uint_eq(c.n, 13);
  /* The same inode under two paths, reported in path order. */
  size_t k = 0;
  for (size_t i = 0; i < c.n; i++)
    if (c.v[i].inum == 965)
      k++;
  ck_assert_uint_eq(k, 2);
  coll_free(&c);
  vol_close(&v);
}
END_TEST

START_TEST(e01_dfxml)
{
  const char *img = rs_t_realdata("images/imageformat_mmls_1.E01");
  const char *xml = rs_t_realdata("expected/imageformat_mmls_1.E01.xml");
  RS_T_SKIP_IF(!img || !xml, "imageformat_mmls_1.E01 or its DFXML not available");
  static const long starts[] = {128, 55424};
  struct vol v;
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_EWF_EWF, (TSK_OFF_T)starts[_i] * 512));
  struct coll c = {0};
  struct rs_fswalk_stats st;
  walk_into(v.fs, &c, &st);
  /* 40 objects per volume - ".", 6 dirs x 2 dot entries, $OrphanFiles = 26 */
  ck_assert_uint_eq(dfxml_check(xml, _i + 1, &c), 26);
  ck_assert_uint_eq(c.n, 26);
  /* Windows 10 leaves records 16-23 and 39-255 zeroed and free: not damage */
  ck_assert_uint_eq(st.unreadable, 0);
  coll_free(&c);
  vol_close(&v);
}
END_TEST

/* ---- determinism, early stop, API edges ---- */

static char *fingerprint(const struct coll *c)
{
  size_t cap = 1 << 16, n = 0;
  char *s = malloc(cap);
  s[0] = '\0';
  for (size_t i = 0; i < c->n; i++) {
    char t[4][RS_TIME_ISO_MAX], line[8192];
    const struct ent *e = &c->v[i];
    int l = snprintf(line, sizeof line, "%llu|%u|%s|%s|%d%d%d|%llu|%x|%s|%s|%s|%s\n",
                     (unsigned long long)e->inum, e->seq, e->path, e->shrt ? e->shrt : "",
                     e->alloc, e->dir, e->orphan, (unsigned long long)e->size, e->attrs,
                     rs_time_iso(&e->raw.si_crtime, t[0]), rs_time_iso(&e->raw.si_mtime, t[1]),
                     rs_time_iso(&e->raw.fn_crtime, t[2]), rs_time_iso(&e->raw.fn_mtime, t[3]));
    while (n + (size_t)l + 1 > cap)
      s = realloc(s, cap *= 2);
    memcpy(s + n, line, (size_t)l + 1);
    n += (size_t)l;
  }
  return s;
}

START_TEST(deterministic_and_ordered)
{
  static const char *zips[] = {"images/7-undel-ntfs.zip", "images/6-undel-fat.zip"};
  static const char *mem[] = {NTFS7, FAT6};
  const char *img = unpack_zip(zips[_i], mem[_i]);
  RS_T_SKIP_IF(!img, zip_why);
  struct vol v;
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, 0));
  struct coll a = {0}, b = {0};
  walk_into(v.fs, &a, NULL);
  walk_into(v.fs, &b, NULL);
  char *fa = fingerprint(&a), *fb = fingerprint(&b);
  ck_assert_str_eq(fa, fb);
  for (size_t i = 1; i < a.n; i++) /* by inum, then (FAT) path */
    ck_assert(a.v[i - 1].inum < a.v[i].inum ||
              (a.v[i - 1].inum == a.v[i].inum && strcmp(a.v[i - 1].path, a.v[i].path) < 0));
  free(fa);
  free(fb);
  coll_free(&a);
  coll_free(&b);
  vol_close(&v);
}
END_TEST

START_TEST(early_stop_and_args)
{
  const char *img = unpack_zip("images/7-undel-ntfs.zip", NTFS7);
  RS_T_SKIP_IF(!img, zip_why);
  struct vol v;
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, 0));
  struct coll c = {0};
  c.stop_after = 3;
  struct rs_fswalk_stats st;
  ck_assert_int_eq(rs_fswalk(v.fs, coll_cb, &c, &st, NULL), RS_OK);
  ck_assert_uint_eq(c.n, 3);
  coll_free(&c);
  struct rs_diag d;
  rs_diag_clear(&d);
  ck_assert_int_eq(rs_fswalk(NULL, coll_cb, &c, &st, &d), RS_E_USAGE);
  ck_assert_int_eq(d.err, RS_E_USAGE);
  ck_assert_int_eq(rs_file_digest(v.fs, 29, NULL, NULL), RS_E_USAGE);
  ck_assert_int_eq(rs_fsentry_attrs(v.fs, 29, NULL, NULL), RS_E_USAGE);
  /* rs_file_read: limit, truncation, whole file */
  uint8_t *data = NULL;
  size_t len = 0;
  ck_assert_int_eq(rs_file_read(v.fs, 29, 100, false, &data, &len, &d), RS_E_LIMIT);
  ck_assert_ptr_null(data);
  ck_assert_int_eq(rs_file_read(v.fs, 29, 100, true, &data, &len, NULL), RS_OK);
  ck_assert_uint_eq(len, 100);
  uint8_t *all = NULL;
  size_t alen = 0;
  ck_assert_int_eq(rs_file_read(v.fs, 29, 1 << 20, false, &all, &alen, NULL), RS_OK);
  ck_assert_uint_eq(alen, 1584);
  ck_assert_int_eq(memcmp(data, all, 100), 0);
  free(data);
  free(all);
  /* an inum past the end: a clear error, no crash */
  rs_diag_clear(&d);
  struct rs_file_digest dg;
  ck_assert_int_ne(rs_file_digest(v.fs, 1u << 30, &dg, &d), RS_OK);
  ck_assert(!dg.done);
  ck_assert_int_ne(d.err, RS_OK);
  vol_close(&v);
}
END_TEST

/* Issue 17: rs_file_read_stream reads one NTFS named stream (w2k-patched's,
 * on an allocated file, and nt4-cleaned's, on a deleted one; answer.json
 * named_streams): its bytes hash to the answer's SHA-256, the cap
 * holds, an attribute id the entry lacks is RS_E_FORMAT, FAT is unsupported. */
static json_int_t ans_int(const json_t *o, const char *k)
{
  return json_integer_value(json_object_get(o, k));
}

START_TEST(named_stream_read)
{
  /* an allocated file's stream, then a deleted file's (nt4-cleaned's explorer.exe) */
  const char *scen = _i == 0 ? "w2k-patched" : "nt4-cleaned";
  json_t *a = rs_t_answer(scen);
  const json_t *ns = json_array_get(json_object_get(a, "named_streams"), 0);
  ck_assert_ptr_nonnull(ns);
  ck_assert(json_is_true(json_object_get(ns, "allocated")) == (_i == 0));
  const json_t *v0 = json_array_get(json_object_get(a, "volumes"), 0);
  struct vol v = {0};
  ck_assert(vol_open(&v, rs_t_scenario_raw(scen), TSK_IMG_TYPE_RAW,
                     (TSK_OFF_T)ans_int(v0, "start_sector") * 512));
  uint64_t inum = (uint64_t)ans_int(ns, "mft_entry");
  uint16_t id = (uint16_t)ans_int(ns, "attr_id");
  size_t size = (size_t)ans_int(ns, "size");
  uint8_t *data = NULL;
  size_t len = 0;
  struct rs_diag d;
  rs_diag_clear(&d);
  ck_assert_int_eq(rs_file_read_stream(v.fs, inum, id, 1 << 20, false, &data, &len, &d), RS_OK);
  ck_assert_uint_eq(len, size);
  struct rs_file_digest dg;
  ck_assert_int_eq(rs_digest_mem(data, len, &dg, NULL), RS_OK);
  ck_assert_str_eq(dg.sha256, json_string_value(json_object_get(ns, "sha256")));
  const char *text = json_string_value(json_object_get(ns, "text"));
  ck_assert_int_eq(memcmp(data, text, strlen(text)), 0);
  free(data);
  /* the default stream is another thing: rs_file_read gives the file's bytes */
  ck_assert_int_eq(rs_file_read(v.fs, inum, 1 << 20, false, &data, &len, NULL), RS_OK);
  ck_assert(len != size || memcmp(data, text, strlen(text)) != 0);
  free(data);
  data = NULL;
  ck_assert_int_eq(rs_file_read_stream(v.fs, inum, id, size - 1, false, &data, &len, &d),
                   RS_E_LIMIT);
  ck_assert_ptr_null(data);
  rs_diag_clear(&d);
  ck_assert_int_eq(rs_file_read_stream(v.fs, inum, 999, 1 << 20, false, &data, &len, &d),
                   RS_E_FORMAT);
  ck_assert_ptr_nonnull(strstr(d.where, "-128-999"));
  vol_close(&v);
  json_decref(a);
  if (_i != 0)
    return;
  /* FAT has no named streams */
  a = rs_t_answer("w2k-vulnerable-fat");
  v0 = json_array_get(json_object_get(a, "volumes"), 0);
  ck_assert(vol_open(&v, rs_t_scenario_raw("w2k-vulnerable-fat"), TSK_IMG_TYPE_RAW,
                     (TSK_OFF_T)ans_int(v0, "start_sector") * 512));
  ck_assert_int_eq(rs_file_read_stream(v.fs, 3, 1, 1 << 20, false, &data, &len, NULL),
                   RS_E_UNSUPPORTED);
  vol_close(&v);
  json_decref(a);
}
END_TEST

static int chunk_cb(const uint8_t *p, size_t n, void *arg)
{
  size_t *v = arg; /* v[0] total, v[1] calls, v[2] max chunk */
  (void)p;
  v[0] += n;
  v[1]++;
  if (n > v[2])
    v[2] = n;
  return 0;
}

START_TEST(stream_chunks)
{
  const char *img = unpack_zip("images/7-undel-ntfs.zip", NTFS7);
  RS_T_SKIP_IF(!img, zip_why);
  struct vol v;
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, 0));
  size_t acc[3] = {0, 0, 0};
  ck_assert_int_eq(rs_file_stream(v.fs, 30, 1000, chunk_cb, acc, NULL), RS_OK);
  ck_assert_uint_eq(acc[0], 3873);
  ck_assert_uint_eq(acc[1], 4); /* 1000+1000+1000+873 */
  ck_assert_uint_le(acc[2], 1000);
  vol_close(&v);
}
END_TEST

/* rs_file_overlap against TSK's istat: entry 30 (3873 bytes) is fragmented
 * over clusters 4074, 4076, 4077, 4085 of 1 KiB; a range over one cluster
 * must give exactly that cluster's share of the file and its file offset. */
START_TEST(overlap_follows_runs)
{
  const char *img = unpack_zip("images/7-undel-ntfs.zip", NTFS7);
  RS_T_SKIP_IF(!img, zip_why);
  RS_T_SKIP_IF(!rs_t_have("istat"), "sleuthkit not installed");
  char cmd[4200], *out = NULL;
  snprintf(cmd, sizeof cmd, "istat '%s' 30 | tail -1", img);
  ck_assert_int_eq(rs_t_run(cmd, &out), 0);
  unsigned long long blk[16];
  int nb = 0, used = 0, pos = 0;
  while (nb < 16 && sscanf(out + pos, "%llu%n", &blk[nb], &used) == 1) {
    nb++;
    pos += used;
  }
  free(out);
  ck_assert_int_ge(nb, 2);
  struct vol v;
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, 0));
  const uint64_t bs = v.fs->block_size, size = 3873;
  uint64_t bytes, off;
  bool res;
  struct rs_byte_range all = {0, UINT64_MAX};
  ck_assert_int_eq(rs_file_overlap(v.fs, 30, &all, 1, &bytes, &off, &res, NULL), RS_OK);
  ck_assert_uint_eq(bytes, size);
  ck_assert_uint_eq(off, 0);
  ck_assert(!res);
  for (int i = 0; i < nb; i++) {
    struct rs_byte_range one = {blk[i] * bs, (blk[i] + 1) * bs};
    ck_assert_int_eq(rs_file_overlap(v.fs, 30, &one, 1, &bytes, &off, &res, NULL), RS_OK);
    uint64_t want = size - (uint64_t)i * bs < bs ? size - (uint64_t)i * bs : bs;
    ck_assert_msg(bytes == want && off == (uint64_t)i * bs, "cluster %llu: %llu bytes at %llu",
                  blk[i], (unsigned long long)bytes, (unsigned long long)off);
  }
  /* a cluster between two of its fragments is not the file's */
  struct rs_byte_range gap = {(blk[0] + 1) * bs, (blk[0] + 2) * bs};
  ck_assert_uint_ne(blk[1], blk[0] + 1);
  ck_assert_int_eq(rs_file_overlap(v.fs, 30, &gap, 1, &bytes, &off, &res, NULL), RS_OK);
  ck_assert_uint_eq(bytes, 0);
  /* two ranges: both counted, the first offset is the lower one */
  struct rs_byte_range two[2] = {{blk[nb - 1] * bs, (blk[nb - 1] + 1) * bs}, {blk[1] * bs, (blk[1] + 1) * bs}};
  ck_assert_int_eq(rs_file_overlap(v.fs, 30, two, 2, &bytes, &off, &res, NULL), RS_OK);
  ck_assert_uint_eq(bytes, bs + (size - (uint64_t)(nb - 1) * bs));
  ck_assert_uint_eq(off, bs);
  /* $Volume's $DATA is resident: nothing in the ranges, said so */
  ck_assert_int_eq(rs_file_overlap(v.fs, 3, &all, 1, &bytes, &off, &res, NULL), RS_OK);
  ck_assert_uint_eq(bytes, 0);
  ck_assert(res);
  /* an entry past the end: an error, no crash */
  struct rs_diag d;
  rs_diag_clear(&d);
  ck_assert_int_ne(rs_file_overlap(v.fs, 1u << 30, &all, 1, &bytes, &off, &res, &d), RS_OK);
  vol_close(&v);
}
END_TEST

/* ---- streams and virtual entries (what fls -m lists) ---- */

struct strm_probe {
  uint64_t inum;
  char got[1024]; /* "type-id[:name]=size ..." then " fn=id/size" */
};

static int strm_cb(const struct rs_fsentry *e, void *arg)
{
  struct strm_probe *p = arg;
  if (e->inum != p->inum)
    return 0;
  size_t k = 0;
  for (size_t i = 0; i < e->nstreams; i++)
    k += (size_t)snprintf(p->got + k, sizeof p->got - k, "%s%u-%u%s%s=%llu", i ? " " : "",
                          (unsigned)e->streams[i].type, (unsigned)e->streams[i].id,
                          e->streams[i].name ? ":" : "", e->streams[i].name ? e->streams[i].name : "",
                          (unsigned long long)e->streams[i].size);
  if (e->fn_attr)
    snprintf(p->got + k, sizeof p->got - k, " fn=%u/%llu", (unsigned)e->fn_id,
             (unsigned long long)e->fn_size);
  return 0;
}

struct virt_list {
  char s[512];
  size_t n;
};

static int virt_cb(const struct rs_fsentry *e, void *arg)
{
  struct virt_list *v = arg;
  ck_assert(e->is_virtual);
  ck_assert(!e->si_mtime.set);
  size_t k = strlen(v->s);
  snprintf(v->s + k, sizeof v->s - k, "%s%llu %s%s", v->n++ ? ", " : "",
           (unsigned long long)e->inum, e->path, e->is_dir ? "/" : "");
  return 0;
}

/* Attribute ids and sizes as fls -m prints them for DFTT #7:
 * mult1.dat|32-128-3 (3801), mult1.dat:ADS|32-128-6 (1234),
 * mult1.dat ($FILE_NAME)|32-48-2 (84); $Secure has no unnamed $DATA;
 * dir1|33-144-1 is the $I30 index (no stream name). */
START_TEST(streams_and_virtual)
{
  static const struct {
    uint64_t inum;
    const char *want;
  } ntfs[] = {
      {32, "128-3=3801 128-6:ADS=1234 fn=2/84"},
      {9, "128-8:$SDS=263140 144-11:$SDH=56 144-5:$SII=288 fn=7/80"},
      {33, "144-1=48 fn=2/74"},
      {8, "128-2=0 128-1:$Bad=6160384 fn=3/82"},
  };
  const char *img = unpack_zip("images/7-undel-ntfs.zip", NTFS7);
  RS_T_SKIP_IF(!img, zip_why);
  struct vol v;
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, 0));
  for (size_t i = 0; i < sizeof ntfs / sizeof ntfs[0]; i++) {
    struct strm_probe p = {.inum = ntfs[i].inum};
    ck_assert_int_eq(rs_fswalk(v.fs, strm_cb, &p, NULL, NULL), RS_OK);
    /* the order of $Secure's attributes is TSK's; compare as a set */
    char a[1024], b[1024];
    snprintf(a, sizeof a, " %s ", p.got);
    snprintf(b, sizeof b, "%s", ntfs[i].want);
    size_t words = 0;
    for (char *t = strtok(b, " "); t; t = strtok(NULL, " "), words++) {
      char w[200];
      snprintf(w, sizeof w, " %s ", t);
      ck_assert_msg(strstr(a, w), "entry %llu: %s not in \"%s\"",
                    (unsigned long long)ntfs[i].inum, t, p.got);
    }
    size_t have = 0;
    for (char *c = p.got; *c; c++)
      have += *c == ' ';
    ck_assert_uint_eq(have + 1, words);
  }
  struct virt_list vl = {.n = 0};
  ck_assert_int_eq(rs_fsvirtual(v.fs, virt_cb, &vl, NULL), RS_OK);
  ck_assert_str_eq(vl.s, "39 /$OrphanFiles/");
  vol_close(&v);
  /* FAT: no streams; $MBR, $FAT1, $FAT2 and $OrphanFiles, as fls lists them */
  img = unpack_zip("images/6-undel-fat.zip", FAT6);
  RS_T_SKIP_IF(!img, zip_why);
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, 0));
  struct strm_probe p = {.inum = 4};
  ck_assert_int_eq(rs_fswalk(v.fs, strm_cb, &p, NULL, NULL), RS_OK);
  ck_assert_str_eq(p.got, "");
  memset(&vl, 0, sizeof vl);
  ck_assert_int_eq(rs_fsvirtual(v.fs, virt_cb, &vl, NULL), RS_OK);
  ck_assert_str_eq(vl.s, "191619 /$MBR, 191620 /$FAT1, 191621 /$FAT2, 191622 /$OrphanFiles/");
  ck_assert_int_eq(rs_fsvirtual(NULL, virt_cb, &vl, NULL), RS_E_USAGE);
  vol_close(&v);
}
END_TEST

/* ---- invalid UTF-16 in NTFS names ---- */

/* TSK's lenient UTF-16 conversion writes '^' for a lone surrogate and loses
 * the unit after it (istat shows "TFTP<^g src=..."). The walk decodes the
 * $FILE_NAME itself: every unit kept, a lone surrogate in WTF-8 (three
 * bytes ED xx xx, invalid UTF-8, so each output escapes them), a valid
 * pair as its code point. Nothing else changes. */
START_TEST(ntfs_invalid_utf16_names)
{
  const char *img = rs_t_surrogate_image();
  const char *orig = rs_t_scenario_raw("w2k-hostile-names");
  struct vol v, o;
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, 2048 * 512));
  ck_assert(vol_open(&o, orig, TSK_IMG_TYPE_RAW, 2048 * 512));
  struct coll c = {0}, co = {0};
  struct rs_fswalk_stats st, sto;
  walk_into(v.fs, &c, &st);
  walk_into(o.fs, &co, &sto);
  ck_assert_uint_eq(c.n, co.n);
  ck_assert_uint_eq(st.unreadable, 0);
  unsigned seen = 0;
  for (size_t i = 0; i < c.n; i++) {
    const struct ent *e = &c.v[i];
    ck_assert_uint_eq(e->inum, co.v[i].inum);
    if (e->inum == 92) {
      ck_assert_str_eq(e->path, "/Inetpub/scripts/" RS_T_SUR92);
      seen |= 1;
    } else if (e->inum == 93) {
      ck_assert_str_eq(e->path, "/Inetpub/scripts/" RS_T_SUR93);
      seen |= 2;
    } else {
      ck_assert_str_eq(e->path, co.v[i].path);
    }
  }
  ck_assert_uint_eq(seen, 3);
  coll_free(&c);
  coll_free(&co);
  vol_close(&v);
  vol_close(&o);
}
END_TEST

/* ---- damaged volumes: the walk returns and reports the rest ---- */

/* Corrupts a copy of the NTFS image: mode 0 zeroes MFT record 28 (tracking.log,
 * allocated: a zeroed free record cannot be told from a never-used one),
 * mode 1 scribbles 0xA5 over records 31-33, mode 2 makes record 34's
 * parent reference point at itself (a loop), mode 3 points dir1 (#33) at
 * dir2 (#34) and dir2 at dir1 (a two-entry loop). */
static const char *corrupt_copy(const char *img, int mode)
{
  size_t len;
  unsigned char *b = rs_t_slurp(img, &len);
  ck_assert_ptr_nonnull(b);
  /* This $MFT is fragmented: find each record by its raw bytes as TSK
   * reads them from $MFT's data (stale copies elsewhere can carry the
   * same record number). */
  size_t rec[40] = {0};
  struct vol v;
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, 0));
  TSK_FS_FILE *mf = tsk_fs_file_open_meta(v.fs, NULL, 0);
  ck_assert_ptr_nonnull(mf);
  for (int i = 28; i <= 34; i++) {
    char r[1024];
    ck_assert_int_eq(tsk_fs_file_read(mf, (TSK_OFF_T)i * 1024, r, 1024,
                                      TSK_FS_FILE_READ_FLAG_NONE), 1024);
    unsigned char *at = memmem(b, len, r, 1024);
    ck_assert_ptr_nonnull(at);
    rec[i] = (size_t)(at - b);
    ck_assert_ptr_null(memmem(at + 1, len - rec[i] - 1, r, 1024));
  }
  tsk_fs_file_close(mf);
  vol_close(&v);
  if (mode == 0) {
    memset(b + rec[28], 0, 1024);
  } else if (mode == 1) {
    ck_assert_uint_eq(rec[32], rec[31] + 1024);
    ck_assert_uint_eq(rec[33], rec[31] + 2048);
    memset(b + rec[31] + 100, 0xA5, 3 * 1024 - 200);
  } else {
    /* $FILE_NAME's parent reference, found by scanning the record for the
     * attribute type 0x30; the update sequence array does not cover it. */
    int targets[2] = {34, 33}, pars[2] = {34, 34};
    if (mode == 3)
      pars[0] = 33;
    for (int k = 0; k < (mode == 3 ? 2 : 1); k++) {
      unsigned char *r = b + rec[targets[k]];
      size_t off = r[0x14] | (r[0x15] << 8);
      while (off + 24 < 1024 && !(r[off] == 0x30 && r[off + 1] == 0 && r[off + 2] == 0)) {
        size_t al = r[off + 4] | (r[off + 5] << 8);
        ck_assert_uint_gt(al, 0);
        off += al;
      }
      ck_assert_uint_lt(off + 24, 1024);
      size_t body = off + (r[off + 20] | (r[off + 21] << 8));
      r[body] = (unsigned char)pars[k];
      /* keep par_seq = the target's stored seq - 1 (it is deleted) */
    }
  }
  char *out = malloc(strlen(rs_t_tmpdir()) + 32);
  sprintf(out, "%s/corrupt%d.dd", rs_t_tmpdir(), mode);
  FILE *f = fopen(out, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(b, 1, len, f), len);
  fclose(f);
  free(b);
  static char path[4][1024];
  snprintf(path[mode], sizeof path[mode], "%s", out);
  free(out);
  return path[mode];
}

START_TEST(corrupt_ntfs)
{
  const char *img = unpack_zip("images/7-undel-ntfs.zip", NTFS7);
  RS_T_SKIP_IF(!img, zip_why);
  const char *bad = corrupt_copy(img, _i);
  struct vol v;
  ck_assert(vol_open(&v, bad, TSK_IMG_TYPE_RAW, 0));
  struct coll c = {0};
  struct rs_fswalk_stats st;
  struct rs_diag d;
  rs_diag_clear(&d);
  ck_assert_int_eq(rs_fswalk(v.fs, coll_cb, &c, &st, &d), RS_OK);
  /* what was not touched is still there, with its path */
  ck_assert_ptr_nonnull(find_path(&c, "/frag1.dat"));
  ck_assert_ptr_nonnull(find_path(&c, "/res1.dat"));
  ck_assert_ptr_nonnull(find_path(&c, "/System Volume Information"));
  switch (_i) {
  case 0:
    ck_assert_ptr_null(find_path(&c, "/System Volume Information/tracking.log"));
    ck_assert_uint_ge(st.unreadable, 1);
    ck_assert_int_eq(d.err, RS_E_CORRUPT);
    break;
  case 1:
    ck_assert_ptr_null(find_path(&c, "/sing1.dat"));
    ck_assert_uint_ge(st.unreadable, 3);
    ck_assert_int_eq(d.err, RS_E_CORRUPT);
    /* dir1 (#33) is gone: its children become orphans */
    ck_assert_ptr_nonnull(find_path(&c, "/$OrphanFiles/dir2/frag3.dat"));
    ck_assert_ptr_nonnull(find_path(&c, "/$OrphanFiles/mult2.dat"));
    break;
  case 2: {
    /* dir2 is its own parent: the loop is cut, dir2 becomes an orphan */
    const struct ent *e = find_path(&c, "/$OrphanFiles/dir2/frag3.dat");
    ck_assert_ptr_nonnull(e);
    ck_assert(e->orphan);
    ck_assert_ptr_nonnull(find_path(&c, "/dir1/mult2.dat"));
    break;
  }
  case 3: {
    /* dir1 <-> dir2: cut once, every entry still gets exactly one path */
    size_t k = 0;
    for (size_t i = 0; i < c.n; i++)
      if (c.v[i].inum == 35 || c.v[i].inum == 36) {
        ck_assert(!strncmp(c.v[i].path, "/$OrphanFiles/", 14));
        k++;
      }
    ck_assert_uint_eq(k, 2);
    break;
  }
  }
  coll_free(&c);
  vol_close(&v);
}
END_TEST

/* A torn root directory record (entry 5, one sector's fixup no longer
 * matching): TSK cannot read it, but every $FILE_NAME still names entry 5
 * as its parent. The walk must cost that one record, not the tree: every
 * path as on the undamaged volume, nothing moved under $OrphanFiles. (The
 * path rebuild also used to read a name after the arena holding it had
 * moved: a heap-use-after-free under the sanitizer build.) */
START_TEST(torn_root_record)
{
  RS_T_SKIP_IF(!rs_t_have_tsk(), "sleuthkit tools not installed");
  const char *img = rs_t_scenario_raw("w2k-cr2-infected");
  json_t *ans = rs_t_answer("w2k-cr2-infected");
  uint64_t part = (uint64_t)json_integer_value(
      json_object_get(json_array_get(json_object_get(ans, "volumes"), 0), "start_sector"));
  struct vol v;
  struct coll good = {0}, torn = {0};
  struct rs_fswalk_stats st;
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, (TSK_OFF_T)(part * 512)));
  walk_into(v.fs, &good, &st);
  ck_assert_uint_eq(st.unreadable, 0);
  vol_close(&v);

  rs_t_ntfs_tear(img, part, 5);
  ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, (TSK_OFF_T)(part * 512)));
  TSK_FS_FILE *root = tsk_fs_file_open_meta(v.fs, NULL, 5);
  ck_assert_msg(root == NULL, "TSK still reads the torn root record");
  tsk_error_reset();
  struct rs_diag d;
  rs_diag_clear(&d);
  ck_assert_int_eq(rs_fswalk(v.fs, coll_cb, &torn, &st, &d), RS_OK);
  vol_close(&v);
  ck_assert_uint_eq(st.unreadable, 1);
  ck_assert_int_eq(d.err, RS_E_CORRUPT);
  ck_assert_msg(strstr(d.what, "entry 5"), "diag does not name entry 5: %s", d.what);
  ck_assert_uint_eq(st.loops, 0);

  /* the same entries, in the same order, with the same paths */
  ck_assert_uint_gt(good.n, 20);
  ck_assert_uint_eq(torn.n, good.n);
  size_t orphans = 0;
  for (size_t i = 0; i < good.n; i++) {
    ck_assert_uint_eq(torn.v[i].inum, good.v[i].inum);
    ck_assert_str_eq(torn.v[i].path, good.v[i].path);
    ck_assert_int_eq(torn.v[i].orphan, good.v[i].orphan);
    ck_assert_int_eq(torn.v[i].alloc, good.v[i].alloc);
    orphans += torn.v[i].orphan;
  }
  ck_assert_uint_eq(st.orphans, orphans);
  /* and every artifact of the answer key on this volume by its path */
  size_t ai, seen = 0;
  json_t *a;
  json_array_foreach(json_object_get(ans, "artifacts"), ai, a) {
    if (json_integer_value(json_object_get(a, "volume")) != 0)
      continue;
    const char *path = json_string_value(json_object_get(a, "path"));
    const struct ent *e = find_path(&torn, path);
    ck_assert_msg(e != NULL, "%s not in the walk of the torn volume", path);
    ck_assert_uint_eq(e->inum, (uint64_t)json_integer_value(json_object_get(a, "inode")));
    seen++;
  }
  ck_assert_uint_gt(seen, 0);
  ck_assert_ptr_nonnull(find_path(&torn, "/WINNT/system32/config/SYSTEM"));
  coll_free(&good);
  coll_free(&torn);
  json_decref(ans);
}
END_TEST


/* ---- project fixtures: every answer.json artifact is in the walk ---- */

static const char *const scenarios[] = {
    "nt4-cleaned", "w2k-clean", "w2k-cr2-infected", "w2k-cr2-used",
    "w2k-hostile-names", "w2k-mitigated", "w2k-patched", "w2k-vulnerable-fat",
};
#define N_SCEN (int)(sizeof scenarios / sizeof scenarios[0])

/* "2001-08-06T09:14:52Z" or with a fraction: equal to ours up to the
 * digits the answer gives. */
static void time_eq(const char *what, const char *path, const struct rs_time *t,
                    json_t *want)
{
  if (!json_is_string(want))
    return;
  const char *w = json_string_value(want);
  char got[RS_TIME_ISO_MAX];
  rs_time_iso(t, got);
  size_t wl = strlen(w);
  if (wl > 0 && w[wl - 1] == 'Z')
    wl--;
  ck_assert_msg(strlen(got) >= 19 && !strncmp(got, w, wl < 19 ? wl : 19),
                "%s %s: walk %s, answer %s", path, what, got, w);
  if (wl > 20) /* fraction given */
    ck_assert_msg(!strncmp(got, w, wl), "%s %s: walk %s, answer %s", path, what, got, w);
  else if (t->digits > 0) /* none given: ours must be a whole second */
    ck_assert_msg(t->nsec == 0, "%s %s: walk %s, answer %s", path, what, got, w);
}

START_TEST(fixture_answers)
{
  char rel[256];
  snprintf(rel, sizeof rel, "fixtures/out/%s/answer.json", scenarios[_i]);
  const char *ans = rs_t_src(rel);
  FILE *probe = ans ? fopen(ans, "rb") : NULL;
  RS_T_SKIP_IF(!probe, "fixture answer.json not present");
  fclose(probe);
  json_error_t jerr;
  json_t *root = json_load_file(ans, 0, &jerr);
  ck_assert_msg(root != NULL, "%s: %s", ans, jerr.text);
  const char *img = rs_t_scenario_raw(scenarios[_i]);
  json_t *vols = json_object_get(root, "volumes"), *arts = json_object_get(root, "artifacts");
  ck_assert(json_is_array(vols) && json_is_array(arts));
  size_t nv = json_array_size(vols), checked = 0;
  for (size_t vi = 0; vi < nv; vi++) {
    json_t *vo = json_array_get(vols, vi);
    TSK_OFF_T off = (TSK_OFF_T)json_integer_value(json_object_get(vo, "start_sector")) * 512;
    bool fat = strstr(json_string_value(json_object_get(vo, "fs_type")), "fat") != NULL;
    struct vol v;
    ck_assert(vol_open(&v, img, TSK_IMG_TYPE_RAW, off));
    struct coll c = {0};
    struct rs_fswalk_stats st;
    walk_into(v.fs, &c, &st);
    ck_assert_uint_eq(st.unreadable, 0);
    size_t ai;
    json_t *a;
    json_array_foreach(arts, ai, a) {
      if ((size_t)json_integer_value(json_object_get(a, "volume")) != vi)
        continue;
      const char *path = json_string_value(json_object_get(a, "path"));
      const struct ent *e = find_path(&c, path);
      ck_assert_msg(e != NULL, "%s: %s not in the walk", scenarios[_i], path);
      ck_assert_uint_eq(e->inum, (uint64_t)json_integer_value(json_object_get(a, "inode")));
      json_t *mft = json_object_get(a, "mft_entry");
      if (json_is_integer(mft))
        ck_assert_uint_eq(e->inum, (uint64_t)json_integer_value(mft));
      ck_assert_int_eq(e->alloc, json_is_true(json_object_get(a, "allocated")));
      ck_assert_uint_eq(e->size, (uint64_t)json_integer_value(json_object_get(a, "size")));
      struct rs_file_digest dg;
      ck_assert_int_eq(rs_file_digest(v.fs, e->inum, &dg, NULL), RS_OK);
      ck_assert_str_eq(dg.sha256, json_string_value(json_object_get(a, "sha256")));
      json_t *si = json_object_get(a, "si_times"), *fn = json_object_get(a, "fn_times");
      time_eq("si_mtime", path, &e->raw.si_mtime, json_object_get(si, "mtime"));
      /* attributes: NTFS $SI flags, FAT the directory entry's byte */
      uint32_t want = 0;
      size_t k;
      json_t *at;
      json_array_foreach(json_object_get(a, "attrs"), k, at) {
        const char *n = json_string_value(at);
        want |= !strcmp(n, "hidden")     ? RS_ATTR_HIDDEN
                : !strcmp(n, "system")   ? RS_ATTR_SYSTEM
                : !strcmp(n, "archive")  ? RS_ATTR_ARCHIVE
                : !strcmp(n, "readonly") ? RS_ATTR_READONLY
                                         : 0;
      }
      ck_assert(e->attrs_known);
      ck_assert_msg((e->attrs & 0x27u) == want, "%s attrs %x, answer %x", path, e->attrs, want);
      if (!fat) {
        time_eq("si_crtime", path, &e->raw.si_crtime, json_object_get(si, "crtime"));
        time_eq("si_atime", path, &e->raw.si_atime, json_object_get(si, "atime"));
        time_eq("si_ctime", path, &e->raw.si_ctime, json_object_get(si, "ctime"));
        time_eq("fn_crtime", path, &e->raw.fn_crtime, json_object_get(fn, "crtime"));
        time_eq("fn_mtime", path, &e->raw.fn_mtime, json_object_get(fn, "mtime"));
        time_eq("fn_atime", path, &e->raw.fn_atime, json_object_get(fn, "atime"));
        time_eq("fn_ctime", path, &e->raw.fn_ctime, json_object_get(fn, "ctime"));
      } else {
        ck_assert(e->raw.fat_local);
      }
      checked++;
    }
    coll_free(&c);
    vol_close(&v);
  }
  ck_assert_uint_eq(checked, json_array_size(arts));
  json_decref(root);
}
END_TEST

Suite *rs_suite_fswalk(void)
{
  Suite *s = suite_create("fswalk");
  TCase *tc = tcase_create("realdata");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, ntfs7_deleted, 0, N_NTFS7);
  tcase_add_test(tc, ntfs7_stats_shortnames_attrs);
  tcase_add_test(tc, fls_oracle_ntfs7);
  tcase_add_test(tc, fls_oracle_fat6);
  tcase_add_loop_test(tc, fls_oracle_e01, 0, 2);
  tcase_add_loop_test(tc, fat6_deleted, 0, N_FAT6);
  tcase_add_test(tc, fat6_dfxml);
  tcase_add_loop_test(tc, fat_attrs_istat, 0, 2);
  tcase_add_loop_test(tc, e01_dfxml, 0, 2);
  tcase_add_loop_test(tc, deterministic_and_ordered, 0, 2);
  tcase_add_test(tc, early_stop_and_args);
  tcase_add_test(tc, stream_chunks);
  tcase_add_test(tc, overlap_follows_runs);
  tcase_add_test(tc, ntfs_invalid_utf16_names);
  tcase_add_test(tc, streams_and_virtual);
  tcase_add_loop_test(tc, named_stream_read, 0, 2);
  suite_add_tcase(s, tc);
  TCase *tb = tcase_create("damaged");
  tcase_set_timeout(tb, 60);
  tcase_add_loop_test(tb, corrupt_ntfs, 0, 4);
  tcase_add_test(tb, torn_root_record);
  suite_add_tcase(s, tb);
  TCase *tf = tcase_create("fixtures");
  tcase_set_timeout(tf, 60);
  tcase_add_loop_test(tf, fixture_answers, 0, N_SCEN);
  suite_add_tcase(s, tf);
  return s;
}
