/* Registry hives read with libregf from memory (fixture-recipes.md 3).
 *
 * The hive bytes are borrowed: our libbfio handle (memio_*) points into the
 * caller's buffer, so nothing is copied and nothing is ever written to disk.
 * libregf is linked statically with hidden symbols (fixture-recipes.md 0).
 *
 * Every libregf/libbfio call that can fail gets an error object that is
 * always freed here; the first message chain is copied into the diag so an
 * examiner sees libregf's own reason ("unable to retrieve hive bin at
 * offset ..."). A missing key or value is a result (present = false), not
 * an error. */
#include "redsleuth/registry.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libregf.h>

#include "redsleuth/buf.h"
#include "sources/memio.h"

/* Hostile hives can announce absurd sizes: bound what we copy out. */
#define RS_HIVE_MAX_STRING (1u << 20)   /* one value's text */
#define RS_HIVE_MAX_VALUES 16384u       /* rs_hive_values per key */
#define RS_HIVE_MAX_SUBKEYS 65536u      /* rs_hive_subkeys per key */
#define RS_HIVE_MAX_PATH 2048u
#define RS_NOMEM (-2) /* the helpers' "out of memory", apart from -1 "unreadable" */

struct rs_hive {
  libbfio_handle_t *io;
  struct rs_memio_patch *patch; /* value counts clamped for libregf (clamp_value_counts) */
  size_t npatch;
  libregf_file_t *rf;
  libregf_key_t *root;
  char name[256];
  bool dirty;
  enum rs_hive_kind kind;
};

const char *rs_hive_kind_name(enum rs_hive_kind k)
{
  switch (k) {
  case RS_HIVE_SYSTEM:
    return "system";
  case RS_HIVE_SOFTWARE:
    return "software";
  default:
    return "other";
  }
}

const char *rs_regtype_name(uint32_t type, char *buf, size_t bufsz)
{
  static const char *const names[] = {
    "REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_DWORD_BIG_ENDIAN",
    "REG_LINK", "REG_MULTI_SZ", "REG_RESOURCE_LIST", "REG_FULL_RESOURCE_DESCRIPTOR",
    "REG_RESOURCE_REQUIREMENTS_LIST", "REG_QWORD"};
  if (type < sizeof names / sizeof names[0])
    return names[type];
  if (buf && bufsz)
    snprintf(buf, bufsz, "0x%x", (unsigned)type);
  return buf ? buf : "?";
}

/* ---- error plumbing ----------------------------------------------------- */

/* Sets d from a libregf error (and frees it). Returns e. */
static enum rs_err regf_fail(struct rs_diag *d, enum rs_err e, const char *where,
                             const char *what, libregf_error_t **err)
{
  char msg[768] = "";
  if (err && *err) {
    if (libregf_error_backtrace_sprint(*err, msg, sizeof msg) < 0)
      libregf_error_sprint(*err, msg, sizeof msg);
    msg[sizeof msg - 1] = '\0';
    rs_one_line(msg); /* a backtrace is one message per line; a diag one sentence */
    libregf_error_free(err);
  }
  if (msg[0])
    return rs_diag_set(d, e, where, "%s: %s", what, msg);
  return rs_diag_set(d, e, where, "%s", what);
}

static void bfio_free_err(libbfio_error_t **e)
{
  if (e && *e)
    libbfio_error_free(e);
}

/* ---- small helpers ------------------------------------------------------ */

/* Copies src into dst (size dsz), cutting on a UTF-8 character boundary so a
 * truncated name never ends in half a character. */
/* Copies src, cut at a character boundary to fit; true when it was cut. */
static bool copy_utf8(char *dst, size_t dsz, const char *src)
{
  if (dsz == 0)
    return *src != '\0';
  size_t n = strlen(src);
  bool cut = n >= dsz;
  if (cut) {
    n = dsz - 1;
    while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
      n--;
  }
  memcpy(dst, src, n);
  dst[n] = '\0';
  return cut;
}

static uint32_t le32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* "ControlSet" + exactly three digits, any case (Windows names them 001..). */
int rs_controlset_number(const char *name)
{
  if (strncasecmp(name, "ControlSet", 10) != 0)
    return -1;
  const char *p = name + 10;
  if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) ||
      !isdigit((unsigned char)p[2]) || p[3] != '\0')
    return -1;
  return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

/* Key name as UTF-8 into out (truncated to outsz). 0 ok, -1 error (freed). */
static int key_name(libregf_key_t *k, char *out, size_t outsz)
{
  size_t sz = 0;
  out[0] = '\0';
  if (libregf_key_get_utf8_name_size(k, &sz, NULL) != 1)
    return -1;
  if (sz == 0)
    return 0;
  if (sz > RS_HIVE_MAX_PATH)
    return -1;
  char *tmp = malloc(sz);
  if (!tmp)
    return RS_NOMEM;
  int r = libregf_key_get_utf8_name(k, (uint8_t *)tmp, sz, NULL);
  if (r == 1) {
    tmp[sz - 1] = '\0';
    copy_utf8(out, outsz, tmp);
  }
  free(tmp);
  return r == 1 ? 0 : -1;
}

/* Looks key up (relative to root, "\\"-separated, case-insensitive in
 * libregf). 1 found, 0 absent, -1 error (d set). */
static int find_key(struct rs_hive *h, const char *key, libregf_key_t **out,
                    struct rs_diag *d)
{
  libregf_error_t *e = NULL;
  *out = NULL;
  size_t n = strlen(key);
  /* A path that is only "\\" or "" means the root itself. */
  const char *p = key;
  while (*p == '\\')
    p++, n--;
  if (n == 0) {
    /* The root key is owned by the hive; hand out a fresh handle so callers
     * free uniformly. */
    int r = libregf_file_get_root_key(h->rf, out, &e);
    if (r != 1) {
      regf_fail(d, RS_E_CORRUPT, h->name, "root key unreadable", &e);
      return -1;
    }
    return 1;
  }
  int r = libregf_file_get_key_by_utf8_path(h->rf, (const uint8_t *)p, n, out, &e);
  if (r == -1) {
    char what[600];
    rs_snprintf(what, sizeof what, "key %s unreadable", p);
    regf_fail(d, RS_E_CORRUPT, h->name, what, &e);
    return -1;
  }
  libregf_error_free(&e);
  return r;
}

static bool has_subkey(libregf_key_t *k, const char *name)
{
  libregf_key_t *s = NULL;
  int r = libregf_key_get_sub_key_by_utf8_name(k, (const uint8_t *)name, strlen(name), &s,
                                               NULL);
  if (r == 1)
    libregf_key_free(&s, NULL);
  return r == 1;
}

static bool has_path(libregf_key_t *k, const char *path)
{
  libregf_key_t *s = NULL;
  int r = libregf_key_get_sub_key_by_utf8_path(k, (const uint8_t *)path, strlen(path), &s,
                                               NULL);
  if (r == 1)
    libregf_key_free(&s, NULL);
  return r == 1;
}

/* SYSTEM: Select and a ControlSet00N; SOFTWARE: Microsoft and (Classes or
 * Microsoft\Windows NT). Decided from root sub key names only, so a damaged
 * deeper key does not change the kind. */
static enum rs_hive_kind classify(libregf_key_t *root, bool *nomem)
{
  int n = 0;
  bool select = has_subkey(root, "Select");
  bool cs = false;
  if (select && libregf_key_get_number_of_sub_keys(root, &n, NULL) == 1) {
    for (int i = 0; i < n && !cs; i++) {
      libregf_key_t *s = NULL;
      if (libregf_key_get_sub_key(root, i, &s, NULL) != 1)
        continue;
      char nm[64];
      int kr = key_name(s, nm, sizeof nm);
      if (kr == 0 && rs_controlset_number(nm) > 0)
        cs = true;
      *nomem |= kr == RS_NOMEM;
      libregf_key_free(&s, NULL);
    }
  }
  if (select && cs)
    return RS_HIVE_SYSTEM;
  if (has_subkey(root, "Microsoft") &&
      (has_subkey(root, "Classes") || has_path(root, "Microsoft\\Windows NT")))
    return RS_HIVE_SOFTWARE;
  return RS_HIVE_OTHER;
}

/* libregf 20201007 reads a key's value list for as many entries as the nk
 * record announces, without checking the list cell's size: a hostile count
 * reads far past libregf's copy of the hive bin (found by fuzz/fuzz_hive.c;
 * a heap over-read, in our static copy of libregf too). Before libregf sees
 * the hive, every nk cell whose value count exceeds what its value list
 * cell can hold gets the count clamped to that capacity (less a trailing
 * empty slot), through the memio overlay: the entries beyond the cell were
 * never there to read.
 * Returns the number of patches in *out (malloc'd), or (size_t)-1 when out
 * of memory. */
static size_t clamp_value_counts(const uint8_t *buf, size_t len, struct rs_memio_patch **out)
{
  const size_t base = 0x1000; /* hive bins start after the base block */
  struct rs_memio_patch *v = NULL;
  size_t n = 0, cap = 0;
  *out = NULL;
  size_t hb = base;
  while (hb <= len && len - hb >= 0x20 && memcmp(buf + hb, "hbin", 4) == 0) {
    size_t hsize = le32(buf + hb + 8);
    if (hsize < 0x20 || hsize > len - hb)
      break;
    size_t end = hb + hsize;
    for (size_t c = hb + 0x20; c + 4 <= end;) {
      int32_t cs = (int32_t)le32(buf + c);
      size_t asz = cs < 0 ? (size_t)(-(int64_t)cs) : (size_t)cs;
      if (asz < 8 || asz > end - c)
        break;
      if (asz >= 4 + 0x2C && buf[c + 4] == 'n' && buf[c + 5] == 'k') {
        const uint8_t *nk = buf + c + 4;
        uint32_t count = le32(nk + 0x24);
        uint32_t lo = le32(nk + 0x28);
        size_t pos = base + (size_t)lo;
        if (count > 0 && lo != 0xFFFFFFFFu && pos <= len && len - pos >= 4) {
          int32_t ls = (int32_t)le32(buf + pos);
          size_t lsz = ls < 0 ? (size_t)(-(int64_t)ls) : (size_t)ls;
          if (lsz > len - pos)
            lsz = len - pos;
          size_t fits = lsz >= 4 ? (lsz - 4) / 4 : 0;
          /* Cells are 8-byte aligned, so a list cell often has a spare
           * slot; offsets 0 and 0xFFFFFFFF never point at a value key
           * (cell 0 is the hbin header): the list ends before them. */
          if (count > fits)
            for (size_t k = 0; k < fits; k++) {
              uint32_t vo = le32(buf + pos + 4 + 4 * k);
              if (vo == 0 || vo == 0xFFFFFFFFu) {
                fits = k;
                break;
              }
            }
          if (count > fits) {
            if (!rs_grow((void **)&v, &cap, n + 1, sizeof *v, 8)) {
              free(v);
              return (size_t)-1;
            }
            v[n].off = (size_t)(nk + 0x24 - buf);
            for (int k = 0; k < 4; k++)
              v[n].b[k] = (uint8_t)(fits >> (8 * k));
            n++;
          }
        }
      }
      c += asz;
    }
    hb = end;
  }
  *out = v;
  return n;
}

/* ---- open / close ------------------------------------------------------- */

enum rs_err rs_hive_open_mem(const uint8_t *buf, size_t len, const char *name,
                             int codepage, struct rs_hive **out, struct rs_diag *d)
{
  const char *where = name ? name : "(hive)";
  if (out)
    *out = NULL;
  if (!out || (!buf && len > 0))
    return rs_diag_set(d, RS_E_USAGE, where, "rs_hive_open_mem: NULL argument");
  if (len < 4 || memcmp(buf, "regf", 4) != 0)
    return rs_diag_set(d, RS_E_FORMAT, where, "not a registry hive (no \"regf\" signature)");
  if (codepage == 0)
    codepage = LIBREGF_CODEPAGE_WINDOWS_1252;

  struct rs_hive *h = calloc(1, sizeof *h);
  if (!h)
    return rs_diag_set(d, RS_E_NOMEM, where, "out of memory");
  copy_utf8(h->name, sizeof h->name, where);
  /* Sequence numbers at 0x04/0x08 differ when the hive was not flushed
   * cleanly (transaction logs would hold newer data). libregf does not tell
   * us, so read them ourselves. */
  h->dirty = len >= 12 && le32(buf + 4) != le32(buf + 8);

  libregf_error_t *e = NULL;
  libbfio_error_t *be = NULL;
  enum rs_err rc;

  h->npatch = clamp_value_counts(buf, len, &h->patch);
  if (h->npatch == (size_t)-1) {
    h->npatch = 0;
    rc = rs_diag_set(d, RS_E_NOMEM, where, "out of memory");
    goto fail;
  }
  if (rs_memio_handle(&h->io, buf, len, h->patch, h->npatch, &be) != 1) {
    bfio_free_err(&be);
    rc = rs_diag_set(d, RS_E_NOMEM, where, "libbfio_handle_initialize failed");
    goto fail;
  }
  if (libregf_file_initialize(&h->rf, &e) != 1) {
    rc = regf_fail(d, RS_E_NOMEM, where, "libregf_file_initialize failed", &e);
    goto fail;
  }
  if (libregf_file_set_ascii_codepage(h->rf, codepage, &e) != 1) {
    char what[96];
    rs_snprintf(what, sizeof what, "code page %d not supported by libregf", codepage);
    rc = regf_fail(d, RS_E_USAGE, where, what, &e);
    goto fail;
  }
  if (libregf_file_open_file_io_handle(h->rf, h->io, LIBREGF_OPEN_READ, &e) != 1) {
    rc = regf_fail(d, RS_E_CORRUPT, where, "libregf refused the hive", &e);
    libregf_file_free(&h->rf, NULL);
    goto fail;
  }
  /* libregf opens lazily: a hive whose root key cannot be read (the usual
   * damage: a sub key list pointing outside every hbin) only fails here. */
  if (libregf_file_get_root_key(h->rf, &h->root, &e) != 1) {
    rc = regf_fail(d, RS_E_CORRUPT, where, "libregf cannot read the root key", &e);
    goto fail;
  }
  bool nomem = false;
  h->kind = classify(h->root, &nomem);
  if (nomem) {
    rc = rs_diag_set(d, RS_E_NOMEM, where, "out of memory");
    goto fail;
  }
  *out = h;
  return RS_OK;

fail:
  rs_hive_close(h);
  return rc;
}

void rs_hive_close(struct rs_hive *h)
{
  if (!h)
    return;
  if (h->root)
    libregf_key_free(&h->root, NULL);
  if (h->rf) {
    libregf_file_close(h->rf, NULL);
    libregf_file_free(&h->rf, NULL);
  }
  if (h->io) {
    libbfio_error_t *be = NULL;
    libbfio_handle_free(&h->io, &be);
    bfio_free_err(&be);
  }
  free(h->patch);
  free(h);
}

enum rs_hive_kind rs_hive_kind(const struct rs_hive *h)
{
  return h ? h->kind : RS_HIVE_OTHER;
}

bool rs_hive_dirty(const struct rs_hive *h)
{
  return h ? h->dirty : false;
}

const char *rs_hive_name(const struct rs_hive *h)
{
  return h ? h->name : "";
}

/* ---- values ------------------------------------------------------------- */

static bool hex_into(char *out, size_t outsz, const uint8_t *p, size_t n)
{
  static const char hx[] = "0123456789abcdef";
  size_t o = 0;
  /* Leave room for "..." when the data does not fit. */
  bool cut = n * 2 + 1 > outsz;
  size_t maxb = cut ? (outsz - 4) / 2 : n;
  for (size_t i = 0; i < maxb && i < n; i++) {
    out[o++] = hx[p[i] >> 4];
    out[o++] = hx[p[i] & 15];
  }
  if (cut) {
    memcpy(out + o, "...", 3);
    o += 3;
  }
  out[o] = '\0';
  return cut;
}

/* Raw data as hex (the fallback for types we do not decode and for strings
 * libregf cannot convert). 0 ok, -1 error (e set). */
static int data_hex(libregf_value_t *val, struct rs_regval *v, libregf_error_t **e)
{
  size_t sz = 0;
  if (libregf_value_get_value_data_size(val, &sz, e) != 1)
    return -1;
  if (sz == 0) {
    v->data[0] = '\0';
    return 0;
  }
  /* Only what fits in data[] is shown, but libregf copies the whole data, so
   * the size is bounded first. */
  if (sz > RS_HIVE_MAX_STRING) {
    rs_strlcpy(v->data, "(value data too large)", sizeof v->data);
    v->truncated = true;
    return 0;
  }
  uint8_t *tmp = malloc(sz);
  if (!tmp)
    return RS_NOMEM;
  int r = libregf_value_get_value_data(val, tmp, sz, e);
  if (r == 1)
    v->truncated |= hex_into(v->data, sizeof v->data, tmp, sz);
  free(tmp);
  return r == 1 ? 0 : -1;
}

static int data_string(libregf_value_t *val, struct rs_regval *v, libregf_error_t **e)
{
  size_t sz = 0;
  if (libregf_value_get_value_utf8_string_size(val, &sz, e) != 1)
    return -1;
  if (sz <= 1) {
    v->data[0] = '\0';
    return 0;
  }
  if (sz > RS_HIVE_MAX_STRING) {
    sz = RS_HIVE_MAX_STRING; /* libregf refuses a short buffer: then hex */
    v->truncated = true;
  }
  char *tmp = malloc(sz);
  if (!tmp)
    return RS_NOMEM;
  int r = libregf_value_get_value_utf8_string(val, (uint8_t *)tmp, sz, e);
  if (r == 1) {
    tmp[sz - 1] = '\0';
    v->truncated |= copy_utf8(v->data, sizeof v->data, tmp);
  }
  free(tmp);
  return r == 1 ? 0 : -1;
}

static int data_multi(libregf_value_t *val, struct rs_regval *v, libregf_error_t **e)
{
  libregf_multi_string_t *ms = NULL;
  int n = 0;
  if (libregf_value_get_value_multi_string(val, &ms, e) != 1)
    return -1;
  int rc = 0;
  struct rs_buf b;
  rs_buf_init(&b, sizeof v->data * 4);
  if (libregf_multi_string_get_number_of_strings(ms, &n, e) != 1) {
    rc = -1;
    goto out;
  }
  for (int i = 0; i < n && b.len < sizeof v->data; i++) {
    size_t sz = 0;
    if (libregf_multi_string_get_utf8_string_size(ms, i, &sz, e) != 1 || sz > RS_HIVE_MAX_STRING) {
      rc = -1;
      goto out;
    }
    char *tmp = malloc(sz ? sz : 1);
    if (!tmp) {
      rc = RS_NOMEM;
      goto out;
    }
    tmp[0] = '\0';
    if (sz && libregf_multi_string_get_utf8_string(ms, i, (uint8_t *)tmp, sz, e) != 1) {
      free(tmp);
      rc = -1;
      goto out;
    }
    if (sz)
      tmp[sz - 1] = '\0';
    enum rs_err be = i > 0 ? rs_buf_add(&b, "\n", 1) : RS_OK;
    if (be == RS_OK)
      be = rs_buf_add(&b, tmp, strnlen(tmp, sizeof v->data));
    free(tmp);
    if (be != RS_OK) {
      rc = RS_NOMEM; /* b holds 4 x data[] and stops at data[]: never the limit */
      goto out;
    }
  }
  if (n > 0 && b.len >= sizeof v->data)
    v->truncated = true; /* the loop stopped before the last string */
  v->truncated |= copy_utf8(v->data, sizeof v->data, b.data ? b.data : "");
out:
  rs_buf_free(&b);
  libregf_multi_string_free(&ms, NULL);
  return rc;
}

/* Fills v's name, type and data from a libregf value. The hive/key/time
 * fields are the caller's. 0 ok, -1 when not even the raw bytes are
 * readable (d set), RS_NOMEM when memory ran out. */
static int fill_value(struct rs_hive *h, const char *key, libregf_value_t *val,
                      struct rs_regval *v, struct rs_diag *d)
{
  libregf_error_t *e = NULL;
  size_t nsz = 0;
  v->name[0] = '\0';
  if (libregf_value_get_utf8_name_size(val, &nsz, &e) == 1 && nsz > 1) {
    if (nsz > RS_HIVE_MAX_PATH) {
      v->truncated = true; /* a name longer than any Windows writes: not read */
    } else {
      char *tmp = malloc(nsz);
      if (!tmp)
        return RS_NOMEM;
      if (libregf_value_get_utf8_name(val, (uint8_t *)tmp, nsz, &e) == 1) {
        tmp[nsz - 1] = '\0';
        v->truncated |= copy_utf8(v->name, sizeof v->name, tmp);
      }
      free(tmp);
    }
  }
  libregf_error_free(&e);
  size_t dsz = 0;
  if (libregf_value_get_value_data_size(val, &dsz, &e) == 1)
    v->data_size = dsz;
  libregf_error_free(&e);

  uint32_t type = 0;
  if (libregf_value_get_value_type(val, &type, &e) != 1) {
    char what[640];
    rs_snprintf(what, sizeof what, "value %s\\%s: type unreadable", key, v->name);
    regf_fail(d, RS_E_CORRUPT, h->name, what, &e);
    return -1;
  }
  v->type = type;
  v->present = true;
  int r = 0;
  switch (type) {
  case LIBREGF_VALUE_TYPE_STRING:
  case LIBREGF_VALUE_TYPE_EXPANDABLE_STRING:
    r = data_string(val, v, &e);
    break;
  case LIBREGF_VALUE_TYPE_MULTI_VALUE_STRING:
    r = data_multi(val, v, &e);
    break;
  case LIBREGF_VALUE_TYPE_INTEGER_32BIT_LITTLE_ENDIAN:
  case LIBREGF_VALUE_TYPE_INTEGER_32BIT_BIG_ENDIAN: {
    uint32_t u = 0;
    r = libregf_value_get_value_32bit(val, &u, &e) == 1 ? 0 : -1;
    if (r == 0) {
      v->dword = u;
      rs_snprintf(v->data, sizeof v->data, "0x%x", u);
    }
    break;
  }
  case LIBREGF_VALUE_TYPE_INTEGER_64BIT_LITTLE_ENDIAN: {
    uint64_t u = 0;
    r = libregf_value_get_value_64bit(val, &u, &e) == 1 ? 0 : -1;
    if (r == 0)
      rs_snprintf(v->data, sizeof v->data, "0x%llx", (unsigned long long)u);
    break;
  }
  default:
    r = data_hex(val, v, &e);
    break;
  }
  if (r == 0 || r == RS_NOMEM) {
    libregf_error_free(&e);
    return r;
  }
  /* A string or number with the wrong size (a hostile or damaged value):
   * show the raw bytes rather than nothing. */
  libregf_error_free(&e);
  r = data_hex(val, v, &e);
  if (r != 0 && r != RS_NOMEM) {
    char what[640];
    rs_snprintf(what, sizeof what, "value %s\\%s: data unreadable", key, v->name);
    regf_fail(d, RS_E_CORRUPT, h->name, what, &e);
    v->data[0] = '\0';
    r = -1;
  }
  libregf_error_free(&e);
  return r;
}

static void regval_where(struct rs_hive *h, const char *key, libregf_key_t *k,
                         struct rs_regval *v)
{
  memset(v, 0, sizeof *v);
  copy_utf8(v->hive, sizeof v->hive, h->name);
  const char *p = key;
  while (*p == '\\')
    p++;
  v->truncated = copy_utf8(v->key, sizeof v->key, p);
  if (k) {
    uint64_t ft = 0;
    v->key_present = true;
    if (libregf_key_get_last_written_time(k, &ft, NULL) == 1)
      v->key_written = rs_time_from_filetime(ft);
  }
}

/* The unnamed "(default)" value: libregf's by-name lookup does not find a
 * zero-length name, so walk the list. 1 found, 0 absent, -1 error. */
static int default_value(libregf_key_t *k, libregf_value_t **out, libregf_error_t **e)
{
  int n = 0;
  *out = NULL;
  if (libregf_key_get_number_of_values(k, &n, e) != 1)
    return -1;
  for (int i = 0; i < n; i++) {
    libregf_value_t *v = NULL;
    size_t sz = 0;
    if (libregf_key_get_value(k, i, &v, e) != 1)
      return -1;
    if (libregf_value_get_utf8_name_size(v, &sz, NULL) == 1 && sz <= 1) {
      *out = v;
      return 1;
    }
    libregf_value_free(&v, NULL);
  }
  return 0;
}

enum rs_err rs_hive_get_value(struct rs_hive *h, const char *key, const char *value,
                              struct rs_regval *v, struct rs_diag *d)
{
  if (!v)
    return rs_diag_set(d, RS_E_USAGE, "rs_hive_get_value", "NULL argument");
  memset(v, 0, sizeof *v);
  if (!h || !key || !value)
    return rs_diag_set(d, RS_E_USAGE, "rs_hive_get_value", "NULL argument");
  libregf_key_t *k = NULL;
  int r = find_key(h, key, &k, d);
  regval_where(h, key, r == 1 ? k : NULL, v);
  v->truncated |= copy_utf8(v->name, sizeof v->name, value);
  if (r != 1) {
    return r < 0 ? RS_E_CORRUPT : RS_OK;
  }
  libregf_error_t *e = NULL;
  libregf_value_t *val = NULL;
  /* libregf matches value names case-insensitively, as Windows does. */
  if (value[0] != '\0')
    r = libregf_key_get_value_by_utf8_name(k, (const uint8_t *)value, strlen(value), &val, &e);
  else
    r = default_value(k, &val, &e);
  enum rs_err rc = RS_OK;
  if (r == 1) {
    int fr = fill_value(h, key, val, v, d);
    rc = fr == 0 ? RS_OK
         : fr == RS_NOMEM ? rs_diag_set(d, RS_E_NOMEM, h->name, "out of memory")
                          : RS_E_CORRUPT;
    libregf_value_free(&val, NULL);
  } else if (r < 0) {
    char what[700];
    rs_snprintf(what, sizeof what, "value %s\\%s unreadable", v->key, value);
    rc = regf_fail(d, RS_E_CORRUPT, h->name, what, &e);
  }
  libregf_error_free(&e);
  libregf_key_free(&k, NULL);
  return rc;
}

void rs_strv_free(char **v, size_t n)
{
  if (!v)
    return;
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

/* The frame rs_hive_subkeys and rs_hive_values share: find the key, count
 * its children (sub keys or values), clamp the count to max, and read each
 * into an array of elem-sized slots with item(). A child that cannot be read
 * makes the result RS_E_CORRUPT but does not hide its siblings. */
struct children {
  const char *fn;                                       /* the public function's name */
  const char *noun;                                     /* "sub key", "value" */
  int (*count)(libregf_key_t *, int *, libregf_error_t **);
  unsigned max;
  size_t elem;
  /* 0: slot filled; 1: skipped (nothing to report); -1: unreadable (*e may
   * hold libregf's error); RS_NOMEM: out of memory (the reading stops) */
  int (*item)(struct rs_hive *h, const char *key, libregf_key_t *k, int i, void *slot,
              libregf_error_t **e, struct rs_diag *d);
};

static enum rs_err read_children(struct rs_hive *h, const char *key, const struct children *c,
                                 void **out, size_t *n, struct rs_diag *d)
{
  if (out)
    *out = NULL;
  if (n)
    *n = 0;
  if (!h || !key || !out || !n)
    return rs_diag_set(d, RS_E_USAGE, c->fn, "NULL argument");
  libregf_key_t *k = NULL;
  int r = find_key(h, key, &k, d);
  if (r != 1)
    return r < 0 ? RS_E_CORRUPT : RS_OK;
  libregf_error_t *e = NULL;
  int cnt = 0;
  enum rs_err rc = RS_OK;
  if (c->count(k, &cnt, &e) != 1) {
    char what[64];
    rs_snprintf(what, sizeof what, "%s list unreadable", c->noun);
    rc = regf_fail(d, RS_E_CORRUPT, h->name, what, &e);
    goto out;
  }
  if (cnt <= 0)
    goto out;
  size_t want = (size_t)cnt;
  if (want > c->max) {
    rc = rs_diag_set(d, RS_E_LIMIT, h->name, "key %s: %d %ss, only %u read", key, cnt, c->noun,
                     c->max);
    want = c->max;
  }
  unsigned char *v = calloc(want, c->elem);
  if (!v) {
    rc = rs_diag_set(d, RS_E_NOMEM, h->name, "out of memory");
    goto out;
  }
  size_t got = 0;
  for (size_t i = 0; i < want; i++) {
    int ir = c->item(h, key, k, (int)i, v + got * c->elem, &e, d);
    if (ir == 0)
      got++;
    if (ir >= 0)
      continue;
    if (ir == RS_NOMEM) {
      rc = rs_diag_set(d, RS_E_NOMEM, h->name, "out of memory");
      break;
    }
    char what[600];
    rs_snprintf(what, sizeof what, "key %s: %s %zu unreadable", key, c->noun, i);
    rc = e ? regf_fail(d, RS_E_CORRUPT, h->name, what, &e) : RS_E_CORRUPT;
  }
  if (got == 0) {
    free(v);
  } else {
    *out = v;
    *n = got;
  }
out:
  libregf_error_free(&e);
  libregf_key_free(&k, NULL);
  return rc;
}

static int subkey_item(struct rs_hive *h, const char *key, libregf_key_t *k, int i, void *slot,
                       libregf_error_t **e, struct rs_diag *d)
{
  libregf_key_t *s = NULL;
  if (libregf_key_get_sub_key(k, i, &s, e) != 1)
    return -1;
  char nm[512];
  int r = key_name(s, nm, sizeof nm);
  if (r == 0) {
    *(char **)slot = strdup(nm);
    r = *(char **)slot ? 0 : RS_NOMEM;
  } else if (r != RS_NOMEM) {
    r = 1; /* a name that cannot be decoded is passed over, as before */
  }
  libregf_key_free(&s, NULL);
  return r;
}

static int value_item(struct rs_hive *h, const char *key, libregf_key_t *k, int i, void *slot,
                      libregf_error_t **e, struct rs_diag *d)
{
  libregf_value_t *val = NULL;
  if (libregf_key_get_value(k, i, &val, e) != 1)
    return -1;
  struct rs_regval *rv = slot;
  regval_where(h, key, k, rv);
  int r = fill_value(h, key, val, rv, d);
  r = r == 0 || r == RS_NOMEM ? r : -1;
  libregf_value_free(&val, NULL);
  return r;
}

/* On RS_E_CORRUPT/RS_E_LIMIT the names that could be read are still returned
 * (free them): a damaged sub key must not hide its siblings. */
enum rs_err rs_hive_subkeys(struct rs_hive *h, const char *key, char ***names, size_t *n,
                            struct rs_diag *d)
{
  static const struct children c = {"rs_hive_subkeys", "sub key",
                                    libregf_key_get_number_of_sub_keys,
                                    RS_HIVE_MAX_SUBKEYS, sizeof(char *), subkey_item};
  return read_children(h, key, &c, (void **)names, n, d);
}

/* Same convention as rs_hive_subkeys: readable values survive a bad one. */
enum rs_err rs_hive_values(struct rs_hive *h, const char *key, struct rs_regval **vals,
                           size_t *n, struct rs_diag *d)
{
  static const struct children c = {"rs_hive_values", "value", libregf_key_get_number_of_values,
                                    RS_HIVE_MAX_VALUES, sizeof(struct rs_regval), value_item};
  return read_children(h, key, &c, (void **)vals, n, d);
}
