#include "testutil.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <tsk/libtsk.h>

#define SLOTS 16
static char slots[SLOTS][4096];
static int slot;

static char *next_slot(void)
{
  char *p = slots[slot];
  slot = (slot + 1) % SLOTS;
  return p;
}

const char *rs_t_realdata(const char *rel)
{
  struct stat st;
  if (stat(RS_REALDATA, &st) != 0)
    return NULL;
  char *p = next_slot();
  snprintf(p, 4096, "%s/%s", RS_REALDATA, rel);
  return p;
}

const char *rs_t_src(const char *rel)
{
  char *p = next_slot();
  snprintf(p, 4096, "%s/%s", RS_SRCDIR, rel);
  return p;
}

static char tmpdir[512];
static pid_t tmpdir_owner;

static int rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  (void)sb; (void)flag; (void)ftw;
  chmod(path, 0700);
  return remove(path);
}

static void cleanup_tmp(void)
{
  if (tmpdir[0] && getpid() == tmpdir_owner)
    nftw(tmpdir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

const char *rs_t_tmpdir(void)
{
  /* Check forks each test: give every process its own directory. */
  if (tmpdir[0] && tmpdir_owner == getpid())
    return tmpdir;
  const char *base = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/rs-test-XXXXXX", base && *base ? base : "/tmp");
  if (!mkdtemp(tmpdir)) {
    tmpdir[0] = '\0';
    return NULL;
  }
  if (tmpdir_owner == 0)
    atexit(cleanup_tmp);
  tmpdir_owner = getpid();
  return tmpdir;
}

int rs_t_run(const char *cmd, char **out)
{
  FILE *fp = popen(cmd, "r");
  if (!fp)
    return -1;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  size_t n;
  while (buf && (n = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
    len += n;
    if (cap - len < 2) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
  }
  if (buf)
    buf[len] = '\0';
  int st = pclose(fp);
  if (out)
    *out = buf;
  else
    free(buf);
  if (st == -1)
    return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

bool rs_t_have(const char *prog)
{
  char cmd[512];
  snprintf(cmd, sizeof cmd, "command -v '%s' >/dev/null 2>&1", prog);
  return rs_t_run(cmd, NULL) == 0;
}

const char *rs_t_unpack(const char *src, const char *member)
{
  const char *dir = rs_t_tmpdir();
  if (!dir || !src)
    return NULL;
  const char *base = strrchr(member ? member : src, '/');
  base = base ? base + 1 : (member ? member : src);
  char *p = next_slot();
  char cmd[8192];
  if (member) {
    snprintf(p, 4096, "%s/%s", dir, base);
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s' > '%s' 2>/dev/null", src, member, p);
  } else {
    size_t bl = strlen(base);
    snprintf(p, 4096, "%s/%.*s", dir, (int)(bl > 3 ? bl - 3 : bl), base);
    const char *tool = (bl > 3 && strcmp(base + bl - 3, ".gz") == 0) ? "gzip" : "xz";
    snprintf(cmd, sizeof cmd, "%s -dc '%s' > '%s' 2>/dev/null", tool, src, p);
  }
  if (rs_t_run(cmd, NULL) != 0)
    return NULL;
  return p;
}

const char *rs_t_realdata_zip(const char *zip, const char *member, const char **why)
{
  static char reason[600];
  const char *z = rs_t_realdata(zip);
  struct stat st;
  if (!z || stat(z, &st) != 0) {
    snprintf(reason, sizeof reason, "realdata %s absent", zip);
    *why = reason;
    return NULL;
  }
  if (!rs_t_have("unzip")) {
    snprintf(reason, sizeof reason, "unzip absent: cannot unpack realdata %s", zip);
    *why = reason;
    return NULL;
  }
  const char *p = rs_t_unpack(z, member);
  ck_assert_msg(p != NULL, "cannot unzip %s from %s", member, z);
  *why = NULL;
  return p;
}

static void put_be(unsigned char *p, uint64_t v, int n)
{
  for (int i = n - 1; i >= 0; i--, v >>= 8)
    p[i] = (unsigned char)v;
}

/* The 512-byte footer of a fixed VHD of `size` bytes (VHD spec 1.0: CHS
 * geometry by its algorithm, checksum = ones' complement of the byte sum). */
static void vhd_footer(unsigned char f[512], uint64_t size)
{
  uint64_t ts = size / 512;
  unsigned spt, heads, cth;
  if (ts > 65535ull * 16 * 255)
    ts = 65535ull * 16 * 255;
  if (ts >= 65535ull * 16 * 63) {
    spt = 255, heads = 16, cth = (unsigned)(ts / spt);
  } else {
    spt = 17, cth = (unsigned)(ts / spt), heads = (cth + 1023) / 1024;
    if (heads < 4)
      heads = 4;
    if (cth >= heads * 1024 || heads > 16)
      spt = 31, heads = 16, cth = (unsigned)(ts / spt);
    if (cth >= heads * 1024)
      spt = 63, heads = 16, cth = (unsigned)(ts / spt);
  }
  memset(f, 0, 512);
  memcpy(f, "conectix", 8);
  put_be(f + 8, 2, 4);              /* features: reserved bit */
  put_be(f + 12, 0x00010000, 4);    /* format version */
  put_be(f + 16, UINT64_MAX, 8);    /* data offset: none (fixed disk) */
  memcpy(f + 28, "rsld", 4);        /* creator application */
  put_be(f + 32, 0x00010000, 4);
  memcpy(f + 36, "Wi2k", 4);
  put_be(f + 40, size, 8);          /* original size */
  put_be(f + 48, size, 8);          /* current size */
  put_be(f + 56, cth / heads, 2);
  f[58] = (unsigned char)heads;
  f[59] = (unsigned char)spt;
  put_be(f + 60, 2, 4);             /* disk type: fixed */
  for (int i = 0; i < 16; i++)
    f[68 + i] = (unsigned char)(i + 1); /* unique id */
  uint32_t sum = 0;
  for (int i = 0; i < 512; i++)
    sum += f[i];
  put_be(f + 64, ~sum, 4);
}

const char *rs_t_container(const char *raw, const char *fmt)
{
  const char *dir = rs_t_tmpdir();
  struct stat st;
  if (!dir || !raw || stat(raw, &st) != 0 || st.st_size % 512 != 0)
    return NULL;
  char *p = next_slot();
  char cmd[9000];
  if (strcmp(fmt, "vhd") == 0) {
    snprintf(p, 4096, "%s/c%ld.vhd", dir, (long)st.st_ino);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && chmod u+w '%s'", raw, p, p);
    if (rs_t_run(cmd, NULL) != 0)
      return NULL;
    unsigned char f[512];
    vhd_footer(f, (uint64_t)st.st_size);
    FILE *fp = fopen(p, "ab");
    bool ok = fp && fwrite(f, 1, sizeof f, fp) == sizeof f;
    if (fp && fclose(fp) != 0)
      ok = false;
    return ok ? p : NULL;
  }
  if (strcmp(fmt, "vmdk") == 0) {
    /* libvmdk finds a relative extent name beside the descriptor */
    const char *slash = strrchr(raw, '/');
    snprintf(p, 4096, "%.*s/c%ld.vmdk", slash ? (int)(slash - raw) : 1, slash ? raw : ".",
             (long)st.st_ino);
    FILE *fp = fopen(p, "w");
    if (!fp)
      return NULL;
    int w = fprintf(fp,
                    "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
                    "createType=\"monolithicFlat\"\n\n# Extent description\n"
                    "RW %lld FLAT \"%s\" 0\n\n# The Disk Data Base\n#DDB\n\n"
                    "ddb.virtualHWVersion = \"4\"\nddb.adapterType = \"ide\"\n",
                    (long long)(st.st_size / 512), slash ? slash + 1 : raw);
    if (fclose(fp) != 0 || w < 0)
      return NULL;
    return p;
  }
  if (strcmp(fmt, "aff") == 0) {
    if (!rs_t_have("affconvert"))
      return NULL;
    snprintf(p, 4096, "%s/c%ld.aff", dir, (long)st.st_ino);
    snprintf(cmd, sizeof cmd, "affconvert -o '%s' '%s' >/dev/null 2>&1", p, raw);
    return rs_t_run(cmd, NULL) == 0 ? p : NULL;
  }
  return NULL;
}

bool rs_t_have_mtools(void)
{
  return rs_t_have("mkfs.vfat") && rs_t_have("mmd") && rs_t_have("mcopy");
}

void rs_t_fat16(const char *path, unsigned mb, const char *label)
{
  char cmd[9000];
  snprintf(cmd, sizeof cmd, "truncate -s %uM '%s' && mkfs.vfat -F 16 -n %s '%s' >/dev/null 2>&1",
           mb, path, label, path);
  ck_assert_msg(rs_t_run(cmd, NULL) == 0, "mkfs.vfat %s failed", path);
}

json_t *rs_t_answer(const char *scen)
{
  char rel[512];
  snprintf(rel, sizeof rel, "fixtures/out/%s/answer.json", scen);
  json_error_t err;
  json_t *a = json_load_file(rs_t_src(rel), 0, &err);
  ck_assert_msg(a != NULL, "%s: %s", rel, err.text);
  return a;
}

const char *rs_t_scenario_raw(const char *scen)
{
  char rel[512];
  snprintf(rel, sizeof rel, "fixtures/out/%s/disk.raw.xz", scen);
  const char *p = rs_t_unpack(rs_t_src(rel), NULL);
  ck_assert_msg(p != NULL, "cannot unpack %s", rel);
  return p;
}

const char *rs_t_surrogate_image(void)
{
  const char *src = rs_t_scenario_raw("w2k-hostile-names");
  char *dst = next_slot();
  snprintf(dst, 4096, "%s/hostile-utf16.raw", rs_t_tmpdir());
  /* #92 "TFTP<img src=x onerror=alert(1)>|x": 'i' (unit 5) -> D800, the
   * last 'x' (unit 33) -> DC00; #93 "TFTP9\"<ESC>[31m|<LF>1": "31" (units
   * 8-9) -> the pair D83D DE00 (U+1F600). Volume at sector 2048. */
  static const uint16_t hi[1] = {0xD800}, lo[1] = {0xDC00}, pair[2] = {0xD83D, 0xDE00};
  rs_t_ntfs_patch_name(src, dst, 2048LL * 512, 92, 5, hi, 1);
  rs_t_ntfs_patch_name(dst, dst, 2048LL * 512, 92, 33, lo, 1);
  rs_t_ntfs_patch_name(dst, dst, 2048LL * 512, 93, 8, pair, 2);
  return dst;
}

void rs_t_ntfs_patch_name(const char *src, const char *dst, long long off, uint64_t inum,
                          size_t at, const uint16_t *u, size_t n)
{
  /* the record as TSK reads it from $MFT's data (raw, fixups not applied) */
  const char *nm[1] = {src};
  TSK_IMG_INFO *img = tsk_img_open_utf8(1, nm, TSK_IMG_TYPE_RAW, 0);
  ck_assert_ptr_nonnull(img);
  TSK_FS_INFO *fs = tsk_fs_open_img(img, (TSK_OFF_T)off, TSK_FS_TYPE_NTFS);
  ck_assert_ptr_nonnull(fs);
  unsigned char boot[512];
  ck_assert_int_eq(tsk_fs_read(fs, 0, (char *)boot, sizeof boot), (ssize_t)sizeof boot);
  int8_t c = (int8_t)boot[0x40];
  size_t rsz = c < 0 ? (size_t)1 << (-c) : (size_t)c * boot[13] * rs_t_le16(boot + 11);
  ck_assert(rsz >= 512 && rsz <= 4096 && rsz % 512 == 0);
  unsigned char rec[4096], fix[4096];
  TSK_FS_FILE *mft = tsk_fs_file_open_meta(fs, NULL, 0);
  ck_assert_ptr_nonnull(mft);
  ck_assert_int_eq(tsk_fs_file_read(mft, (TSK_OFF_T)(inum * rsz), (char *)rec, rsz,
                                    TSK_FS_FILE_READ_FLAG_NONE),
                   (ssize_t)rsz);
  tsk_fs_file_close(mft);
  tsk_fs_close(fs);
  tsk_img_close(img);
  size_t len = 0;
  unsigned char *b = rs_t_slurp(src, &len);
  ck_assert_ptr_nonnull(b);
  unsigned char *r = memmem(b, len, rec, rsz);
  ck_assert_msg(r != NULL, "MFT entry %llu not found in %s", (unsigned long long)inum, src);
  ck_assert_ptr_null(memmem(r + 1, len - (size_t)(r - b) - 1, rec, rsz));
  ck_assert_int_eq(memcmp(r, "FILE", 4), 0);
  /* a fixed-up copy to find the attribute in */
  size_t usa = rs_t_le16(r + 4), nusa = rs_t_le16(r + 6);
  ck_assert_uint_eq(nusa, rsz / 512 + 1);
  memcpy(fix, r, rsz);
  for (size_t s = 0; s + 1 < nusa; s++)
    memcpy(fix + s * 512 + 510, r + usa + 2 * (s + 1), 2);
  size_t a = rs_t_le16(fix + 0x14), name = 0, nlen = 0;
  while (a + 24 <= rsz && rs_t_le16(fix + a) != 0xFFFF) {
    size_t alen = rs_t_le16(fix + a + 4) | ((size_t)rs_t_le16(fix + a + 6) << 16);
    ck_assert_uint_gt(alen, 0);
    if (rs_t_le16(fix + a) == 0x30 && rs_t_le16(fix + a + 2) == 0 && fix[a + 8] == 0) {
      /* a resident $FILE_NAME, not the DOS one */
      size_t body = a + rs_t_le16(fix + a + 20);
      if (body + 66 <= rsz && fix[body + 65] != 2) {
        name = body + 66;
        nlen = fix[body + 64];
        break;
      }
    }
    a += alen;
  }
  ck_assert_msg(name != 0, "MFT entry %llu has no long $FILE_NAME", (unsigned long long)inum);
  ck_assert_uint_le(at + n, nlen);
  for (size_t k = 0; k < n; k++) {
    for (size_t j = 0; j < 2; j++) {
      size_t q = name + 2 * (at + k) + j;
      unsigned char v = (unsigned char)(u[k] >> (8 * j));
      if (q % 512 >= 510) /* held in the update sequence array */
        r[usa + 2 * (q / 512 + 1) + (q % 512 - 510)] = v;
      else
        r[q] = v;
    }
  }
  FILE *f = fopen(dst, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(b, 1, len, f), len);
  ck_assert_int_eq(fclose(f), 0);
  free(b);
}

unsigned char *rs_t_slurp(const char *path, size_t *len)
{
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return NULL;
  if (fseek(fp, 0, SEEK_END) != 0) {
    fclose(fp);
    return NULL;
  }
  long sz = ftell(fp);
  rewind(fp);
  /* one byte more, always NUL: callers may treat text files as strings */
  unsigned char *buf = malloc(sz > 0 ? (size_t)sz + 1 : 1);
  if (buf && sz > 0 && fread(buf, 1, (size_t)sz, fp) != (size_t)sz) {
    free(buf);
    buf = NULL;
  }
  if (buf)
    buf[sz > 0 ? sz : 0] = '\0';
  fclose(fp);
  if (buf && len)
    *len = (size_t)(sz > 0 ? sz : 0);
  return buf;
}

void rs_t_sha256_file(const char *path, char out[65])
{
  out[0] = '\0';
  size_t len;
  unsigned char *data = rs_t_slurp(path, &len);
  if (!data)
    return;
  unsigned char md[32];
  unsigned int mdlen = 0;
  EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
  free(data);
  for (unsigned i = 0; i < 32; i++)
    sprintf(out + 2 * i, "%02x", md[i]);
}

#define RS_T_MAX_SCEN 32
static char scen_names[RS_T_MAX_SCEN][128];
static const char *scen_ptrs[RS_T_MAX_SCEN];
static int scen_count = -1;

static int scen_cmp(const void *a, const void *b)
{
  return strcmp((const char *)a, (const char *)b);
}

int rs_t_scenarios(const char *const **names)
{
  if (scen_count < 0) {
    scen_count = 0;
    DIR *d = opendir(rs_t_src("fixtures/out"));
    struct dirent *de;
    while (d && (de = readdir(d)) && scen_count < RS_T_MAX_SCEN) {
      char p[4096];
      snprintf(p, sizeof p, "%s/%s/disk.raw.xz", rs_t_src("fixtures/out"), de->d_name);
      struct stat st;
      if (de->d_name[0] != '.' && stat(p, &st) == 0)
        snprintf(scen_names[scen_count++], sizeof scen_names[0], "%s", de->d_name);
    }
    if (d)
      closedir(d);
    qsort(scen_names, (size_t)scen_count, sizeof scen_names[0], scen_cmp);
    for (int i = 0; i < scen_count; i++)
      scen_ptrs[i] = scen_names[i];
  }
  *names = scen_ptrs;
  return scen_count;
}

int rs_t_chromium(const char *args, const char *file, char **out)
{
  char cmd[8192];
  const char *tmp = rs_t_tmpdir();
  /* The profile and chromium's own TMPDIR in a short folder of /tmp: chromium
   * puts Unix sockets in its TMPDIR and aborts when their path outgrows
   * sun_path (108 bytes), as a long caller's TMPDIR would make it. */
  snprintf(cmd, sizeof cmd,
           "d=$(mktemp -d /tmp/rs-chr-XXXXXX) && cd '%s' && TMPDIR=\"$d\" timeout 90 chromium "
           "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
           "--disable-background-networking --disable-component-update --disable-sync "
           "--user-data-dir=\"$d/profile\" %s 'file://%s' 2>/dev/null; s=$?; rm -rf \"$d\"; "
           "exit $s",
           tmp, args, file);
  return rs_t_run(cmd, out);
}

void rs_t_patch(const char *img, uint64_t off, const void *buf, size_t n)
{
  int fd = open(img, O_WRONLY);
  ck_assert_msg(fd >= 0, "cannot open %s for writing", img);
  ck_assert_int_eq(pwrite(fd, buf, n, (off_t)off), (ssize_t)n);
  close(fd);
}

void rs_t_readat(const char *img, uint64_t off, void *buf, size_t n)
{
  int fd = open(img, O_RDONLY);
  ck_assert_msg(fd >= 0, "cannot open %s", img);
  ck_assert_int_eq(pread(fd, buf, n, (off_t)off), (ssize_t)n);
  close(fd);
}

bool rs_t_have_tsk(void)
{
  return rs_t_have("istat") && rs_t_have("ifind") && rs_t_have("fsstat");
}

uint64_t rs_t_tsk_inode(const char *img, uint64_t part, const char *path)
{
  char cmd[4096], *out = NULL;
  snprintf(cmd, sizeof cmd, "ifind -o %llu -n '%s' '%s' 2>/dev/null", (unsigned long long)part,
           path, img);
  ck_assert_int_eq(rs_t_run(cmd, &out), 0);
  ck_assert_msg(out && isdigit((unsigned char)out[0]), "ifind %s: %s", path, out ? out : "");
  uint64_t n = strtoull(out, NULL, 10);
  free(out);
  return n;
}

uint64_t rs_t_cluster_size(const char *img, uint64_t part)
{
  char cmd[4096], *out = NULL;
  snprintf(cmd, sizeof cmd, "fsstat -o %llu '%s' 2>/dev/null", (unsigned long long)part, img);
  ck_assert_int_eq(rs_t_run(cmd, &out), 0);
  const char *p = out ? strstr(out, "Cluster Size: ") : NULL;
  ck_assert_msg(p != NULL, "fsstat gives no cluster size");
  uint64_t cs = strtoull(p + 14, NULL, 10);
  free(out);
  ck_assert(cs >= 512 && cs <= 65536);
  return cs;
}

/* name NULL: the first $DATA attribute istat lists; else the one named so.
 * A resident attribute (no clusters) fails the test unless resident_ok,
 * which returns 0 for it. */
static size_t data_clusters(const char *img, uint64_t part, uint64_t inum, const char *name,
                            bool resident_ok, uint64_t *cl, size_t max, uint64_t *size)
{
  char cmd[4096], *out = NULL;
  snprintf(cmd, sizeof cmd, "istat -o %llu '%s' %llu 2>/dev/null", (unsigned long long)part, img,
           (unsigned long long)inum);
  ck_assert_int_eq(rs_t_run(cmd, &out), 0);
  char *p = out ? strstr(out, "Type: $DATA") : NULL;
  char want[300];
  snprintf(want, sizeof want, "Name: %s ", name ? name : "");
  while (name && p) {
    char *e = strchr(p, '\n');
    if (memmem(p, e ? (size_t)(e - p) : strlen(p), want, strlen(want)))
      break;
    p = strstr(p + 1, "Type: $DATA");
  }
  ck_assert_msg(p != NULL, "istat %llu: no $DATA %s", (unsigned long long)inum,
                name ? name : "");
  char *eol = strchr(p, '\n');
  ck_assert_msg(eol, "istat %llu: no end of line", (unsigned long long)inum);
  char *sz = memmem(p, (size_t)(eol - p), "size: ", 6);
  *size = sz ? strtoull(sz + 6, NULL, 10) : 0;
  if (!memmem(p, (size_t)(eol - p), "Non-Resident", 12)) {
    free(out);
    ck_assert_msg(resident_ok, "istat %llu: resident", (unsigned long long)inum);
    return 0;
  }
  size_t n = 0;
  p = eol + 1;
  while (*p && isdigit((unsigned char)*p) && n < max) {
    char *end;
    cl[n++] = strtoull(p, &end, 10);
    p = end;
    while (*p == ' ')
      p++;
    if (*p == '\n')
      p++;
  }
  free(out);
  ck_assert_msg(n > 0, "istat %llu: no clusters", (unsigned long long)inum);
  return n;
}

size_t rs_t_data_clusters(const char *img, uint64_t part, uint64_t inum, uint64_t *cl,
                          size_t max, uint64_t *size)
{
  return data_clusters(img, part, inum, NULL, false, cl, max, size);
}

size_t rs_t_stream_offsets(const char *img, uint64_t part, uint64_t inum, const char *name,
                           uint64_t *offs, size_t max, uint64_t *size)
{
  uint64_t cs = rs_t_cluster_size(img, part);
  size_t n = data_clusters(img, part, inum, name, true, offs, max, size);
  for (size_t i = 0; i < n; i++)
    offs[i] = part * 512 + offs[i] * cs;
  return n;
}

size_t rs_t_file_offsets(const char *img, uint64_t part, const char *path, uint64_t *offs,
                         size_t max, uint64_t *size, uint64_t *cs)
{
  *cs = rs_t_cluster_size(img, part);
  uint64_t inum = rs_t_tsk_inode(img, part, path);
  size_t n = rs_t_data_clusters(img, part, inum, offs, max, size);
  for (size_t i = 0; i < n; i++)
    offs[i] = part * 512 + offs[i] * *cs;
  return n;
}

uint64_t rs_t_mft_record_offset(const char *img, uint64_t part, uint64_t inum)
{
  static uint64_t cl[65536];
  uint64_t size = 0, cs = rs_t_cluster_size(img, part);
  size_t n = rs_t_data_clusters(img, part, 0, cl, 65536, &size);
  uint64_t byte = inum * 1024, idx = byte / cs;
  ck_assert_msg(idx < n && byte < size, "MFT record %llu beyond $MFT", (unsigned long long)inum);
  return part * 512 + cl[idx] * cs + byte % cs;
}

void rs_t_ntfs_tear(const char *img, uint64_t part, uint64_t inum)
{
  uint64_t off = rs_t_mft_record_offset(img, part, inum);
  uint8_t rec[1024];
  rs_t_readat(img, off, rec, sizeof rec);
  ck_assert_msg(memcmp(rec, "FILE", 4) == 0, "MFT record %llu has no FILE signature",
                (unsigned long long)inum);
  size_t usa = rs_t_le16(rec + 0x04), cnt = rs_t_le16(rec + 0x06);
  ck_assert_msg(usa + 2 * cnt <= sizeof rec && cnt >= 2, "MFT record %llu: bad fixup array",
                (unsigned long long)inum);
  uint16_t usn = rs_t_le16(rec + usa);
  ck_assert_msg(rs_t_le16(rec + 510) == usn, "MFT record %llu: fixups already broken",
                (unsigned long long)inum);
  uint8_t torn[2] = {(uint8_t)~rec[510], (uint8_t)~rec[511]};
  rs_t_patch(img, off + 510, torn, sizeof torn);
}

char *rs_t_render_hits(const struct rs_writer *w, const json_t *rep, struct rs_hits *hits,
                       size_t *len)
{
  char *p = NULL;
  size_t n = 0;
  FILE *fp = open_memstream(&p, &n);
  ck_assert_ptr_nonnull(fp);
  struct rs_diag d;
  rs_diag_clear(&d);
  enum rs_err e = w->write(rep, hits, fp, &d);
  ck_assert_int_eq(fclose(fp), 0);
  ck_assert_msg(e == RS_OK, "%s writer: %s %s", w->name, rs_err_name(e), d.what);
  if (len)
    *len = n;
  return p;
}

char *rs_t_render(const struct rs_writer *w, const json_t *rep, size_t *len)
{
  return rs_t_render_hits(w, rep, NULL, len);
}
