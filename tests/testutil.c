#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

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
  snprintf(cmd, sizeof cmd,
           "d=$(mktemp -d '%s/chr-XXXXXX') && cd '%s' && timeout 90 chromium --headless "
           "--no-sandbox --disable-gpu --disable-quic --no-first-run "
           "--disable-background-networking --disable-component-update --disable-sync "
           "--user-data-dir=\"$d\" %s 'file://%s' 2>/dev/null; s=$?; rm -rf \"$d\"; exit $s",
           tmp, tmp, args, file);
  return rs_t_run(cmd, out);
}
