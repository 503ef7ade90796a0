/* Hash sets: plain digest lists and NSRL RDS CSV (see include/redsleuth/hashset.h).
 *
 * Each digest kind has one array of packed records [digest][name ref u32]
 * [order u32], sorted at seal time by (digest, order) so that the first
 * loaded copy of a digest is the one kept. Names live once in a pool as
 * [set index u16][bytes][NUL]. */
#include "redsleuth/hashset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "redsleuth/buf.h"

#define POOL_MAX ((size_t)1 << 31)

struct kind {
  uint8_t *rec;
  size_t n, cap;
};

struct rs_hashset {
  struct kind k[RS_DIGEST__COUNT];
  char *pool;
  size_t pool_len, pool_cap;
  char **files;
  size_t nfiles;
  uint32_t order;
  bool sealed;
};

static const size_t dlen[RS_DIGEST__COUNT] = {16, 20, 32};

const char *rs_digest_name(enum rs_digest k)
{
  static const char *const n[RS_DIGEST__COUNT] = {"md5", "sha1", "sha256"};
  return (unsigned)k < RS_DIGEST__COUNT ? n[k] : "unknown";
}

size_t rs_digest_len(enum rs_digest k)
{
  return (unsigned)k < RS_DIGEST__COUNT ? dlen[k] : 0;
}

static size_t rec_size(int k)
{
  return dlen[k] + 8;
}

struct rs_hashset *rs_hashset_new(void)
{
  return calloc(1, sizeof(struct rs_hashset));
}

void rs_hashset_free(struct rs_hashset *hs)
{
  if (!hs)
    return;
  for (int k = 0; k < RS_DIGEST__COUNT; k++)
    free(hs->k[k].rec);
  free(hs->pool);
  for (size_t i = 0; i < hs->nfiles; i++)
    free(hs->files[i]);
  free(hs->files);
  free(hs);
}

/* ------------------------------------------------------------ storing */

static int hexv(unsigned char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  c |= 0x20;
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int kind_of_len(size_t n)
{
  return n == 32 ? RS_DIGEST_MD5 : n == 40 ? RS_DIGEST_SHA1 : n == 64 ? RS_DIGEST_SHA256 : -1;
}

/* Decodes exactly n hex digits; false on a non-hex digit. */
static bool unhex(const char *s, size_t n, uint8_t *out)
{
  for (size_t i = 0; i < n; i += 2) {
    int a = hexv((unsigned char)s[i]), b = hexv((unsigned char)s[i + 1]);
    if (a < 0 || b < 0)
      return false;
    out[i / 2] = (uint8_t)(a << 4 | b);
  }
  return true;
}

static enum rs_err pool_add(struct rs_hashset *hs, uint16_t set, const char *name, size_t n,
                            uint32_t *ref, const char *where, struct rs_diag *d)
{
  if (n > RS_HASHSET_NAME_MAX)
    n = RS_HASHSET_NAME_MAX;
  size_t need = hs->pool_len + n + 3;
  if (need > POOL_MAX)
    return rs_diag_set(d, RS_E_LIMIT, where, "hash set names exceed %zu bytes", POOL_MAX);
  if (need > hs->pool_cap) {
    size_t nc = hs->pool_cap ? hs->pool_cap : 4096;
    while (nc < need)
      nc *= 2;
    char *np = realloc(hs->pool, nc);
    if (!np)
      return rs_diag_set(d, RS_E_NOMEM, where, "cannot allocate the hash set names");
    hs->pool = np;
    hs->pool_cap = nc;
  }
  *ref = (uint32_t)hs->pool_len;
  memcpy(hs->pool + hs->pool_len, &set, 2);
  memcpy(hs->pool + hs->pool_len + 2, name, n);
  hs->pool[hs->pool_len + 2 + n] = '\0';
  hs->pool_len = need;
  return RS_OK;
}

static enum rs_err add_digest(struct rs_hashset *hs, int k, const uint8_t *dg, uint32_t ref,
                              const char *where, struct rs_diag *d)
{
  struct kind *a = &hs->k[k];
  if (a->n >= RS_HASHSET_MAX_ENTRIES)
    return rs_diag_set(d, RS_E_LIMIT, where, "more than %u %s digests", RS_HASHSET_MAX_ENTRIES,
                       rs_digest_name((enum rs_digest)k));
  if (a->n == a->cap) {
    size_t nc = a->cap ? a->cap * 2 : 1024;
    uint8_t *nr = realloc(a->rec, nc * rec_size(k));
    if (!nr)
      return rs_diag_set(d, RS_E_NOMEM, where, "cannot allocate the hash set");
    a->rec = nr;
    a->cap = nc;
  }
  uint8_t *r = a->rec + a->n * rec_size(k);
  memcpy(r, dg, dlen[k]);
  memcpy(r + dlen[k], &ref, 4);
  uint32_t ord = hs->order++;
  memcpy(r + dlen[k] + 4, &ord, 4);
  a->n++;
  return RS_OK;
}

/* ------------------------------------------------------------ parsing */

struct reader {
  struct rs_hashset *hs;
  const char *where;
  uint16_t set;
  struct rs_hashset_stats *st;
  char line[RS_HASHSET_LINE_MAX + 1];
  size_t len;
  bool overlong, seen_first;
  /* NSRL columns (-1: absent) */
  bool nsrl;
  int col_sha1, col_md5, col_sha256, col_name;
  uint64_t good;
};

static void bad(struct reader *rd, const char *why)
{
  rd->st->bad_lines++;
  if (!rd->st->first_bad_line) {
    rd->st->first_bad_line = rd->st->lines;
    rs_strlcpy(rd->st->first_bad_why, why, sizeof rd->st->first_bad_why);
  }
}

static bool is_sep(char c)
{
  return c == ' ' || c == '\t' || c == ',' || c == ';';
}

/* Splits a CSV line into at most max fields (quotes, "" inside quotes),
 * in place; returns the count. */
static int csv_split(char *s, size_t n, char **f, size_t *fl, int max)
{
  int nf = 0;
  size_t i = 0;
  while (nf < max) {
    char *out = s + i;
    size_t o = 0;
    if (i < n && s[i] == '"') {
      i++;
      while (i < n) {
        if (s[i] == '"') {
          if (i + 1 < n && s[i + 1] == '"') {
            out[o++] = '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        out[o++] = s[i++];
      }
      while (i < n && s[i] != ',')
        i++; /* text after the closing quote: ignored */
    } else {
      while (i < n && s[i] != ',')
        out[o++] = s[i++];
    }
    f[nf] = out;
    fl[nf] = o;
    nf++;
    if (i >= n)
      break;
    i++; /* the comma */
  }
  return nf;
}

static bool nsrl_header(struct reader *rd, char *s, size_t n)
{
  char *f[32];
  size_t fl[32];
  if (n == 0 || s[0] != '"')
    return false;
  char tmp[RS_HASHSET_LINE_MAX + 1];
  memcpy(tmp, s, n);
  int nf = csv_split(tmp, n, f, fl, 32);
  rd->col_sha1 = rd->col_md5 = rd->col_sha256 = rd->col_name = -1;
  for (int i = 0; i < nf; i++) {
    f[i][fl[i]] = '\0';
    if (strcasecmp(f[i], "SHA-1") == 0)
      rd->col_sha1 = i;
    else if (strcasecmp(f[i], "MD5") == 0)
      rd->col_md5 = i;
    else if (strcasecmp(f[i], "SHA-256") == 0)
      rd->col_sha256 = i;
    else if (strcasecmp(f[i], "FileName") == 0)
      rd->col_name = i;
  }
  return rd->col_sha1 >= 0 || rd->col_md5 >= 0 || rd->col_sha256 >= 0;
}

static enum rs_err nsrl_row(struct reader *rd, char *s, size_t n, struct rs_diag *d)
{
  char *f[32];
  size_t fl[32];
  int nf = csv_split(s, n, f, fl, 32);
  const int cols[RS_DIGEST__COUNT] = {rd->col_md5, rd->col_sha1, rd->col_sha256};
  uint8_t dg[RS_DIGEST__COUNT][32];
  bool ok[RS_DIGEST__COUNT] = {false};
  bool any = false;
  for (int k = 0; k < RS_DIGEST__COUNT; k++) {
    int c = cols[k];
    if (c >= 0 && c < nf && fl[c] == 2 * dlen[k] && unhex(f[c], fl[c], dg[k]))
      any = ok[k] = true;
  }
  if (!any) {
    bad(rd, "NSRL row without a valid SHA-1, MD5 or SHA-256");
    return RS_OK;
  }
  uint32_t ref;
  const char *name = rd->col_name >= 0 && rd->col_name < nf ? f[rd->col_name] : "";
  size_t nl = rd->col_name >= 0 && rd->col_name < nf ? fl[rd->col_name] : 0;
  enum rs_err e = pool_add(rd->hs, rd->set, name, nl, &ref, rd->where, d);
  for (int k = 0; k < RS_DIGEST__COUNT && e == RS_OK; k++)
    if (ok[k]) {
      e = add_digest(rd->hs, k, dg[k], ref, rd->where, d);
      rd->st->entries[k]++;
    }
  rd->good++;
  return e;
}

static enum rs_err plain_row(struct reader *rd, char *s, size_t n, struct rs_diag *d)
{
  const char *hex = NULL, *name = "";
  size_t hl = 0, nl = 0;
  /* BSD style: ALGO (name) = digest */
  const char *open = memchr(s, '(', n);
  const char *eq = n >= 4 ? memmem(s, n, ") = ", 4) : NULL;
  if (open && eq && eq > open && hexv((unsigned char)s[0]) < 0) {
    name = open + 1;
    nl = (size_t)(eq - open - 1);
    hex = eq + 4;
    hl = (size_t)(s + n - hex);
  } else {
    size_t i = 0;
    while (i < n && hexv((unsigned char)s[i]) >= 0)
      i++;
    if (i < n && !is_sep(s[i])) {
      bad(rd, "no digest of 32, 40 or 64 hex digits at the start of the line");
      return RS_OK;
    }
    hex = s;
    hl = i;
    while (i < n && is_sep(s[i]))
      i++;
    if (i < n && s[i] == '*')
      i++; /* md5sum's binary-mode marker */
    name = s + i;
    nl = n - i;
  }
  int k = kind_of_len(hl);
  uint8_t dg[32];
  if (k < 0 || !unhex(hex, hl, dg)) {
    bad(rd, "no digest of 32, 40 or 64 hex digits at the start of the line");
    return RS_OK;
  }
  uint32_t ref;
  enum rs_err e = pool_add(rd->hs, rd->set, name, nl, &ref, rd->where, d);
  if (e == RS_OK)
    e = add_digest(rd->hs, k, dg, ref, rd->where, d);
  rd->st->entries[k]++;
  rd->good++;
  return e;
}

static enum rs_err one_line(struct reader *rd, char *s, size_t n, struct rs_diag *d)
{
  rd->st->lines++;
  if (!rd->seen_first && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
    s += 3; /* UTF-8 byte order mark */
    n -= 3;
  }
  while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  while (n > 0 && (s[0] == ' ' || s[0] == '\t')) {
    s++;
    n--;
  }
  s[n] = '\0';
  if (n == 0 || s[0] == '#')
    return RS_OK;
  if (!rd->seen_first) {
    rd->seen_first = true;
    if (nsrl_header(rd, s, n)) {
      rd->nsrl = rd->st->nsrl = true;
      return RS_OK;
    }
  }
  return rd->nsrl ? nsrl_row(rd, s, n, d) : plain_row(rd, s, n, d);
}

static enum rs_err feed(struct reader *rd, const uint8_t *data, size_t n, struct rs_diag *d)
{
  const char *c = (const char *)data;
  while (n > 0) {
    const char *nl = memchr(c, '\n', n);
    size_t take = nl ? (size_t)(nl - c) : n;
    if (!rd->overlong) {
      if (rd->len + take > RS_HASHSET_LINE_MAX) {
        rd->overlong = true;
      } else {
        memcpy(rd->line + rd->len, c, take);
        rd->len += take;
      }
    }
    if (!nl)
      break;
    enum rs_err e = RS_OK;
    if (rd->overlong) {
      rd->st->lines++;
      bad(rd, "line longer than 8192 bytes");
      rd->seen_first = true;
    } else {
      e = one_line(rd, rd->line, rd->len, d);
    }
    rd->overlong = false;
    rd->len = 0;
    if (e != RS_OK)
      return e;
    c = nl + 1;
    n -= take + 1;
  }
  return RS_OK;
}

static enum rs_err finish(struct reader *rd, struct rs_diag *d)
{
  enum rs_err e = RS_OK;
  if (rd->overlong) {
    rd->st->lines++;
    bad(rd, "line longer than 8192 bytes");
  } else if (rd->len > 0) {
    e = one_line(rd, rd->line, rd->len, d);
  }
  if (e == RS_OK && rd->good == 0 && rd->st->bad_lines > 0)
    e = rs_diag_set(d, RS_E_FORMAT, rd->where,
                    "not a hash set: no digest in %llu lines (line %llu: %s)",
                    (unsigned long long)rd->st->lines,
                    (unsigned long long)rd->st->first_bad_line, rd->st->first_bad_why);
  return e;
}

static enum rs_err begin(struct rs_hashset *hs, const char *name, struct reader **out,
                         struct rs_hashset_stats *st, struct rs_diag *d)
{
  *out = NULL;
  if (!hs || !name)
    return rs_diag_set(d, RS_E_USAGE, name, "rs_hashset_load: bad arguments");
  if (hs->sealed)
    return rs_diag_set(d, RS_E_USAGE, name, "the hash sets are sealed: load before sealing");
  if (hs->nfiles >= RS_HASHSET_MAX_FILES)
    return rs_diag_set(d, RS_E_LIMIT, name, "more than %d hash set files", RS_HASHSET_MAX_FILES);
  char **nf = realloc(hs->files, (hs->nfiles + 1) * sizeof *nf);
  if (!nf)
    return rs_diag_set(d, RS_E_NOMEM, name, "cannot allocate the hash set list");
  hs->files = nf;
  struct reader *rd = calloc(1, sizeof *rd);
  if (!rd || !(hs->files[hs->nfiles] = strdup(name))) {
    free(rd);
    return rs_diag_set(d, RS_E_NOMEM, name, "cannot allocate the hash set reader");
  }
  rd->hs = hs;
  rd->where = hs->files[hs->nfiles];
  rd->set = (uint16_t)hs->nfiles;
  hs->nfiles++;
  memset(st, 0, sizeof *st);
  rd->st = st;
  *out = rd;
  return RS_OK;
}

enum rs_err rs_hashset_load_mem(struct rs_hashset *hs, const char *name, const uint8_t *data,
                                size_t len, struct rs_hashset_stats *st, struct rs_diag *d)
{
  struct rs_hashset_stats local;
  struct reader *rd;
  if (!data && len)
    return rs_diag_set(d, RS_E_USAGE, name, "rs_hashset_load_mem: no data");
  enum rs_err e = begin(hs, name, &rd, st ? st : &local, d);
  if (e != RS_OK)
    return e;
  e = feed(rd, data, len, d);
  if (e == RS_OK)
    e = finish(rd, d);
  free(rd);
  return e;
}

enum rs_err rs_hashset_load(struct rs_hashset *hs, const char *path, struct rs_hashset_stats *st,
                            struct rs_diag *d)
{
  struct rs_hashset_stats local;
  if (!hs || !path)
    return rs_diag_set(d, RS_E_USAGE, path ? path : "hashset", "rs_hashset_load: bad arguments");
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return rs_diag_set(d, RS_E_OPEN, path, "cannot open the hash set: %s", strerror(errno));
  struct stat sb;
  if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
    fclose(fp);
    return rs_diag_set(d, RS_E_OPEN, path, "the hash set is not a regular file");
  }
  struct reader *rd;
  enum rs_err e = begin(hs, path, &rd, st ? st : &local, d);
  if (e != RS_OK) {
    fclose(fp);
    return e;
  }
  uint8_t *chunk = malloc(1 << 16);
  if (!chunk)
    e = rs_diag_set(d, RS_E_NOMEM, path, "cannot allocate the read buffer");
  size_t got;
  while (e == RS_OK && (got = fread(chunk, 1, 1 << 16, fp)) > 0)
    e = feed(rd, chunk, got, d);
  if (e == RS_OK && ferror(fp))
    e = rs_diag_set(d, RS_E_IO, path, "read error in the hash set");
  if (e == RS_OK)
    e = finish(rd, d);
  free(chunk);
  free(rd);
  fclose(fp);
  return e;
}

/* ------------------------------------------------------------ lookup */

static int cmp_rec(const void *a, const void *b, void *arg)
{
  size_t n = *(const size_t *)arg;
  int c = memcmp(a, b, n);
  if (c)
    return c;
  uint32_t x, y;
  memcpy(&x, (const uint8_t *)a + n + 4, 4);
  memcpy(&y, (const uint8_t *)b + n + 4, 4);
  return x < y ? -1 : x > y;
}

uint64_t rs_hashset_seal(struct rs_hashset *hs)
{
  if (!hs || hs->sealed)
    return 0;
  uint64_t dropped = 0;
  for (int k = 0; k < RS_DIGEST__COUNT; k++) {
    struct kind *a = &hs->k[k];
    size_t rs = rec_size(k), n = dlen[k];
    if (a->n > 1)
      qsort_r(a->rec, a->n, rs, cmp_rec, &n);
    size_t w = 0;
    for (size_t i = 0; i < a->n; i++) {
      if (w > 0 && memcmp(a->rec + (w - 1) * rs, a->rec + i * rs, n) == 0) {
        dropped++;
        continue;
      }
      if (w != i)
        memcpy(a->rec + w * rs, a->rec + i * rs, rs);
      w++;
    }
    a->n = w;
  }
  hs->sealed = true;
  return dropped;
}

size_t rs_hashset_count(const struct rs_hashset *hs, enum rs_digest k)
{
  return hs && (unsigned)k < RS_DIGEST__COUNT ? hs->k[k].n : 0;
}

bool rs_hashset_lookup(const struct rs_hashset *hs, enum rs_digest k, const uint8_t *digest,
                       struct rs_hashset_hit *hit)
{
  if (!hs || !hs->sealed || !digest || (unsigned)k >= RS_DIGEST__COUNT)
    return false;
  const struct kind *a = &hs->k[k];
  size_t rs = rec_size(k), n = dlen[k], lo = 0, hi = a->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = memcmp(a->rec + mid * rs, digest, n);
    if (c == 0) {
      if (hit) {
        uint32_t ref;
        uint16_t set;
        memcpy(&ref, a->rec + mid * rs + n, 4);
        memcpy(&set, hs->pool + ref, 2);
        hit->set = set < hs->nfiles ? hs->files[set] : "";
        hit->name = hs->pool + ref + 2;
        hit->kind = k;
        rs_hex(digest, n, hit->hex);
      }
      return true;
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

bool rs_hashset_lookup_hex(const struct rs_hashset *hs, const char *hex,
                           struct rs_hashset_hit *hit)
{
  if (!hex)
    return false;
  size_t n = strnlen(hex, 65);
  int k = kind_of_len(n);
  uint8_t dg[32];
  if (k < 0 || !unhex(hex, n, dg))
    return false;
  return rs_hashset_lookup(hs, (enum rs_digest)k, dg, hit);
}
