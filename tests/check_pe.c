/* PE version reader: real DLLs (cross-checked with python3-pefile when it is
 * installed), synthetic PE32/PE32+ images built here byte by byte, and
 * hostile mutations of them: truncation at every length, loops, overruns,
 * 0xFFFFFFFF offsets, zero-length children, random byte damage. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redsleuth/pe.h"
#include "testutil.h"

/* ---------- a minimal PE builder ---------- */

#define IMG_CAP 0x800
#define RSRC_FILE 0x200 /* .rsrc raw data starts here */
#define RSRC_VA 0x1000
#define RSRC_RAW 0x400  /* raw size: leaves room after the version block */

struct img {
  uint8_t b[IMG_CAP];
  size_t len;
  /* where things are, for mutations (absolute file offsets) */
  size_t coff, opt, optsize, sect, dd2;
  size_t root, root_ent, name_dir, name_ent, lang_dir, lang_ent, data_ent;
  size_t vs, vs_end, fixed, sfi, st, str_fv, str_company, vfi;
};

static void w16(uint8_t *p, unsigned v)
{
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void w32(uint8_t *p, uint32_t v)
{
  w16(p, v & 0xFFFF);
  w16(p + 2, v >> 16);
}
static uint32_t r32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

/* UTF-16LE of an ASCII string plus NUL at p; returns bytes written. */
static size_t wstr(uint8_t *p, const char *s)
{
  size_t n = 0;
  for (; *s; s++, n += 2)
    w16(p + n, (unsigned char)*s);
  w16(p + n, 0);
  return n + 2;
}

/* Node: header, key, pad, value; returns the node's offset. pos advances. */
static size_t node_begin(struct img *m, size_t *pos, const char *key, unsigned type,
                         const uint8_t *val, size_t vbytes, unsigned vlen_field)
{
  size_t off = *pos;
  w16(m->b + off + 2, vlen_field);
  w16(m->b + off + 4, type);
  size_t p = off + 6 + wstr(m->b + off + 6, key);
  p = (p + 3) & ~(size_t)3;
  if (vbytes)
    memcpy(m->b + p, val, vbytes);
  p += vbytes;
  *pos = p;
  return off;
}
static void node_end(struct img *m, size_t *pos, size_t off)
{
  w16(m->b + off, (unsigned)(*pos - off));
  *pos = (*pos + 3) & ~(size_t)3;
}
static size_t string_node(struct img *m, size_t *pos, const char *key,
                          const uint16_t *val, size_t nchars)
{
  uint8_t v[128];
  for (size_t i = 0; i < nchars; i++)
    w16(v + 2 * i, val[i]);
  w16(v + 2 * nchars, 0);
  size_t off = node_begin(m, pos, key, 1, v, 2 * nchars + 2, (unsigned)nchars + 1);
  node_end(m, pos, off);
  return off;
}
static size_t ascii_string_node(struct img *m, size_t *pos, const char *key,
                                const char *val)
{
  uint16_t u[64];
  size_t n = strlen(val);
  for (size_t i = 0; i < n; i++)
    u[i] = (unsigned char)val[i];
  return string_node(m, pos, key, u, n);
}

/* CompanyName: "Caf\u00e9 " + U+1F600 as a surrogate pair. */
static const uint16_t company16[] = {'C', 'a', 'f', 0x00E9, ' ', 0xD83D, 0xDE00};
static const char company8[] = "Caf\xC3\xA9 \xF0\x9F\x98\x80";

static void build(struct img *m, bool plus)
{
  memset(m, 0, sizeof *m);
  uint8_t *b = m->b;
  b[0] = 'M';
  b[1] = 'Z';
  w32(b + 0x3C, 0x40);
  memcpy(b + 0x40, "PE\0\0", 4);
  m->coff = 0x44;
  w16(b + m->coff, plus ? 0x8664 : 0x14C);
  w16(b + m->coff + 2, 1);
  w32(b + m->coff + 4, 0x3B3F3C80); /* 2001-07-01T15:06:40Z */
  m->optsize = plus ? 240 : 224;
  w16(b + m->coff + 16, (unsigned)m->optsize);
  w16(b + m->coff + 18, 0x2102); /* DLL | 32BIT_MACHINE | EXECUTABLE_IMAGE */
  m->opt = m->coff + 20;
  w16(b + m->opt, plus ? 0x20B : 0x10B);
  w32(b + m->opt + (plus ? 108 : 92), 16);
  m->dd2 = m->opt + (plus ? 112 : 96) + 16;
  m->sect = m->opt + m->optsize;
  uint8_t *s = b + m->sect;
  memcpy(s, ".rsrc\0\0\0", 8);
  w32(s + 12, RSRC_VA);
  w32(s + 16, RSRC_RAW);
  w32(s + 20, RSRC_FILE);
  /* resource tree: root -> type 16 -> id 1 -> lang 0x409 -> data entry */
  m->root = RSRC_FILE;
  w16(b + m->root + 14, 1);
  m->root_ent = m->root + 16;
  w32(b + m->root_ent, 16);
  w32(b + m->root_ent + 4, 0x80000018u);
  m->name_dir = RSRC_FILE + 0x18;
  w16(b + m->name_dir + 14, 1);
  m->name_ent = m->name_dir + 16;
  w32(b + m->name_ent, 1);
  w32(b + m->name_ent + 4, 0x80000030u);
  m->lang_dir = RSRC_FILE + 0x30;
  w16(b + m->lang_dir + 14, 1);
  m->lang_ent = m->lang_dir + 16;
  w32(b + m->lang_ent, 0x409);
  w32(b + m->lang_ent + 4, 0x48);
  m->data_ent = RSRC_FILE + 0x48;
  m->vs = RSRC_FILE + 0x58;
  /* VS_VERSIONINFO 5.0.1781.3 */
  uint8_t ffi[52] = {0};
  w32(ffi, 0xFEEF04BDu);
  w32(ffi + 4, 0x00010000);
  w32(ffi + 8, 0x00050000);
  w32(ffi + 12, (1781u << 16) | 3);
  w32(ffi + 16, 0x00050000);
  w32(ffi + 20, (1781u << 16) | 4);
  size_t pos = m->vs;
  size_t root = node_begin(m, &pos, "VS_VERSION_INFO", 0, ffi, 52, 52);
  m->fixed = root + 40;
  pos = (pos + 3) & ~(size_t)3;
  m->sfi = node_begin(m, &pos, "StringFileInfo", 1, NULL, 0, 0);
  m->st = node_begin(m, &pos, "040904B0", 1, NULL, 0, 0);
  m->str_company = string_node(m, &pos, "CompanyName", company16,
                               sizeof company16 / sizeof company16[0]);
  m->str_fv = ascii_string_node(m, &pos, "FileVersion", "5.0.1781.3");
  ascii_string_node(m, &pos, "InternalName", "idq");
  ascii_string_node(m, &pos, "OriginalFilename", "idq.dll");
  ascii_string_node(m, &pos, "ProductName", "Index Server");
  node_end(m, &pos, m->st);
  node_end(m, &pos, m->sfi);
  m->vfi = node_begin(m, &pos, "VarFileInfo", 1, NULL, 0, 0);
  uint8_t tr[4];
  w16(tr, 0x409);
  w16(tr + 2, 0x4B0);
  size_t var = node_begin(m, &pos, "Translation", 0, tr, 4, 4);
  node_end(m, &pos, var);
  node_end(m, &pos, m->vfi);
  /* root's wLength excludes the final pad */
  size_t vend = pos;
  w16(b + root, (unsigned)(vend - root));
  m->vs_end = vend;
  w32(b + m->data_ent, (uint32_t)(RSRC_VA + (m->vs - RSRC_FILE)));
  w32(b + m->data_ent + 4, (uint32_t)(vend - m->vs));
  w32(s + 8, (uint32_t)(vend - RSRC_FILE)); /* VirtualSize */
  w32(b + m->dd2, RSRC_VA);
  w32(b + m->dd2 + 4, (uint32_t)(vend - RSRC_FILE));
  m->len = RSRC_FILE + RSRC_RAW;
  ck_assert_uint_le(m->len, IMG_CAP);
}

/* rs_pe_read on an exact-size heap copy, so valgrind sees any over-read. */
static enum rs_err read_copy(const uint8_t *b, size_t len, struct rs_pe_info *out,
                             struct rs_diag *d)
{
  uint8_t *c = malloc(len ? len : 1);
  ck_assert_ptr_nonnull(c);
  if (len)
    memcpy(c, b, len);
  rs_diag_clear(d);
  enum rs_err e = rs_pe_read(c, len, out, d);
  free(c);
  return e;
}

static void assert_full(const struct rs_pe_info *pi, bool plus)
{
  ck_assert(pi->has_version);
  ck_assert_str_eq(pi->file_version_str, "5.0.1781.3");
  ck_assert_uint_eq(pi->file_version[2], 1781);
  ck_assert_uint_eq(pi->product_version[3], 4);
  ck_assert_str_eq(pi->sfi_file_version, "5.0.1781.3");
  ck_assert_str_eq(pi->original_filename, "idq.dll");
  ck_assert_str_eq(pi->internal_name, "idq");
  ck_assert_str_eq(pi->product_name, "Index Server");
  ck_assert_str_eq(pi->company_name, company8);
  ck_assert_uint_eq(pi->timestamp, 0x3B3F3C80u);
  ck_assert_uint_eq(pi->machine, plus ? 0x8664 : 0x14C);
  ck_assert_int_eq(pi->pe32plus, plus);
  ck_assert(pi->is_dll);
  ck_assert_str_eq(pi->note, "");
}

START_TEST(synthetic_ok)
{
  static struct img m;
  bool plus = _i == 1;
  build(&m, plus);
  struct rs_pe_info pi;
  struct rs_diag d;
  ck_assert_int_eq(read_copy(m.b, m.len, &pi, &d), RS_OK);
  assert_full(&pi, plus);
}
END_TEST

/* Every prefix of the image: below 2 bytes "not a PE", up to the end of the
 * version block "truncated" (never OK, never a crash), from there on the full
 * answer. Runs for PE32 (_i 0) and PE32+ (_i 1). */
START_TEST(truncation_every_length)
{
  static struct img m;
  bool plus = _i == 1;
  build(&m, plus);
  unsigned n_ok = 0, n_trunc = 0;
  for (size_t len = 0; len <= m.len; len++) {
    struct rs_pe_info pi;
    struct rs_diag d;
    enum rs_err e = read_copy(m.b, len, &pi, &d);
    if (len < 2) {
      ck_assert_int_eq(e, RS_E_FORMAT);
    } else if (len < m.vs_end) {
      ck_assert_msg(e == RS_E_TRUNCATED, "len %zu: %s %s", len, rs_err_name(e), d.what);
      ck_assert(!pi.has_version);
      ck_assert(d.what[0] != '\0');
      n_trunc++;
    } else {
      ck_assert_msg(e == RS_OK, "len %zu: %s %s", len, rs_err_name(e), d.what);
      assert_full(&pi, plus);
      n_ok++;
    }
  }
  ck_assert_uint_eq(n_ok, m.len - m.vs_end + 1);
  ck_assert_uint_gt(n_trunc, 0x250);
}
END_TEST

/* ---------- named hostile mutations ---------- */

struct mut {
  const char *name;
  void (*apply)(struct img *m);
  enum rs_err want;
  const char *what_has; /* substring of the diag sentence or the note */
  int has_version;      /* -1: don't care */
};

static void m_root_self(struct img *m) { w32(m->b + m->root_ent + 4, 0x80000000u); }
static void m_name_to_root(struct img *m) { w32(m->b + m->name_ent + 4, 0x80000000u); }
static void m_lang_to_name(struct img *m) { w32(m->b + m->lang_ent + 4, 0x80000018u); }
static void m_subdir_ffff(struct img *m) { w32(m->b + m->name_ent + 4, 0xFFFFFFFFu); }
static void m_data_off_big(struct img *m) { w32(m->b + m->lang_ent + 4, 0x7FFFFFF0u); }
static void m_data_rva_ffff(struct img *m) { w32(m->b + m->data_ent, 0xFFFFFFFFu); }
static void m_data_size_ffff(struct img *m) { w32(m->b + m->data_ent + 4, 0xFFFFFFFFu); }
static void m_vs_wlen_over(struct img *m)
{
  w16(m->b + m->vs, (unsigned)(m->vs_end - m->vs + 4));
}
static void m_sfi_over(struct img *m) { w16(m->b + m->sfi, 0xFFF0); }
static void m_str_zero(struct img *m) { w16(m->b + m->str_fv, 0); }
static void m_str_three(struct img *m) { w16(m->b + m->str_fv, 3); }
static void m_ffi_sig(struct img *m) { w32(m->b + m->fixed, 0xFEEF04BCu); }
static void m_vs_key(struct img *m) { m->b[m->vs + 6] = 'W'; }
static void m_nsect_ffff(struct img *m) { w16(m->b + m->coff + 2, 0xFFFF); }
static void m_lfanew_ffff(struct img *m) { w32(m->b + 0x3C, 0xFFFFFFFFu); }
static void m_pe_sig(struct img *m) { m->b[0x41] = 'X'; }
static void m_opt_magic(struct img *m) { w16(m->b + m->opt, 0x107); }
static void m_optsize_ffff(struct img *m) { w16(m->b + m->coff + 16, 0xFFFF); }
static void m_optsize_1(struct img *m) { w16(m->b + m->coff + 16, 1); }
static void m_rawptr_far(struct img *m) { w32(m->b + m->sect + 20, 0xFFFFFFF0u); }
static void m_rawsize_0(struct img *m) { w32(m->b + m->sect + 16, 0); }
static void m_rsrc_rva_0(struct img *m) { w32(m->b + m->dd2, 0); }
static void m_rsrc_rva_nosect(struct img *m) { w32(m->b + m->dd2, 0x9000); }
static void m_no_rt_version(struct img *m) { w32(m->b + m->root_ent, 3); }
static void m_named_16(struct img *m) { w32(m->b + m->root_ent, 0x80000010u); }
static void m_root_count_huge(struct img *m)
{
  w16(m->b + m->root + 12, 0xFFFF);
  w16(m->b + m->root + 14, 0xFFFF);
}
static void m_root_empty(struct img *m) { w16(m->b + m->root + 14, 0); }
static void m_name_empty(struct img *m) { w16(m->b + m->name_dir + 14, 0); }
static void m_nrva_2(struct img *m)
{
  bool plus = r32(m->b + m->opt) == 0x20B;
  w32(m->b + m->opt + (plus ? 108 : 92), 2);
}
static void m_type_is_data(struct img *m) { w32(m->b + m->root_ent + 4, 0x48); }
static void m_lone_surrogate(struct img *m)
{
  /* CompanyName value starts after the 6-byte header and the 12-char key + NUL
   * (26 bytes) = 32: chars 5 and 6 are the pair; break the low half. */
  w16(m->b + m->str_company + 32 + 2 * 6, 'x');
}
static void m_deep_chain(struct img *m)
{
  /* 10 directories in the slack after the version block, each pointing to
   * the next: no loop, but deeper than any real tree. */
  size_t base = 0x300;
  w32(m->b + m->lang_ent + 4, 0x80000000u | (uint32_t)base);
  for (unsigned i = 0; i < 10; i++) {
    uint8_t *p = m->b + RSRC_FILE + base + 24 * i;
    memset(p, 0, 24);
    w16(p + 14, 1);
    w32(p + 16, 1);
    w32(p + 20, 0x80000000u | (uint32_t)(base + 24 * (i + 1)));
  }
}
static void m_ffi_short(struct img *m) { w16(m->b + m->vs + 2, 0); }
static void m_key_unterminated(struct img *m)
{
  /* the String "FileVersion" node shrinks to 10 bytes: its key has no NUL inside */
  w16(m->b + m->str_fv, 10);
}

static const struct mut muts[] = {
  {"root entry points to itself", m_root_self, RS_E_CORRUPT, "loop", 0},
  {"name dir points back to root", m_name_to_root, RS_E_CORRUPT, "loop", 0},
  {"lang dir points to name dir", m_lang_to_name, RS_E_CORRUPT, "loop", 0},
  {"subdir offset 0xFFFFFFFF", m_subdir_ffff, RS_E_TRUNCATED, "overruns", 0},
  {"data entry offset huge", m_data_off_big, RS_E_TRUNCATED, "data entry", 0},
  {"data RVA 0xFFFFFFFF", m_data_rva_ffff, RS_E_CORRUPT, "no section", 0},
  {"data size 0xFFFFFFFF", m_data_size_ffff, RS_E_TRUNCATED, "overruns", 0},
  {"VS_VERSIONINFO wLength beyond data", m_vs_wlen_over, RS_E_CORRUPT, "overruns its parent", 0},
  {"StringFileInfo overruns parent", m_sfi_over, RS_E_CORRUPT, "overruns its parent", 1},
  {"String wLength 0", m_str_zero, RS_E_CORRUPT, "wLength 0", 1},
  {"String wLength 3", m_str_three, RS_E_CORRUPT, "wLength 3", 1},
  {"fixed info signature", m_ffi_sig, RS_E_CORRUPT, "0xFEEF04BD", 0},
  {"root key not VS_VERSION_INFO", m_vs_key, RS_E_CORRUPT, "VS_VERSION_INFO", 0},
  {"NumberOfSections 0xFFFF", m_nsect_ffff, RS_E_TRUNCATED, "section table", 0},
  {"e_lfanew 0xFFFFFFFF", m_lfanew_ffff, RS_E_TRUNCATED, "e_lfanew", 0},
  {"PE signature damaged", m_pe_sig, RS_E_FORMAT, "PE signature", 0},
  {"optional header magic 0x107", m_opt_magic, RS_E_CORRUPT, "magic", 0},
  {"SizeOfOptionalHeader 0xFFFF", m_optsize_ffff, RS_E_TRUNCATED, "optional header", 0},
  {"SizeOfOptionalHeader 1", m_optsize_1, RS_E_CORRUPT, "SizeOfOptionalHeader", 0},
  {"section raw data beyond file", m_rawptr_far, RS_E_TRUNCATED, "past the end", 0},
  {"section raw size 0", m_rawsize_0, RS_E_CORRUPT, "uninitialised", 0},
  {"resource RVA 0", m_rsrc_rva_0, RS_OK, "no version resource", 0},
  {"resource RVA in no section", m_rsrc_rva_nosect, RS_E_CORRUPT, "no section", 0},
  {"no RT_VERSION type", m_no_rt_version, RS_OK, "no version resource", 0},
  {"named entry with value 16 is not RT_VERSION", m_named_16, RS_OK, "no version resource", 0},
  {"root entry counts 0xFFFF", m_root_count_huge, RS_E_TRUNCATED, "entries", 0},
  {"empty root directory", m_root_empty, RS_OK, "no version resource", 0},
  {"empty name directory", m_name_empty, RS_E_CORRUPT, "no entries", 0},
  {"NumberOfRvaAndSizes 2", m_nrva_2, RS_OK, "no resource data directory", 0},
  {"type entry points to data", m_type_is_data, RS_E_CORRUPT, "directory was expected", 0},
  {"lone surrogate", m_lone_surrogate, RS_OK, "", 1},
  {"directory chain deeper than 8", m_deep_chain, RS_E_CORRUPT, "deeper", 0},
  /* wValueLength 0 says "no fixed part": its 52 bytes are then read as a child
   * whose wLength (the signature's low half) overruns the parent. */
  {"wValueLength 0 over a fixed part", m_ffi_short, RS_E_CORRUPT, "overruns its parent", 0},
  {"String key without NUL", m_key_unterminated, RS_E_CORRUPT, "terminating NUL", 1},
};
#define N_MUTS ((int)(sizeof muts / sizeof muts[0]))

START_TEST(hostile_mutation)
{
  static struct img m;
  const struct mut *t = &muts[_i / 2];
  build(&m, _i % 2 == 1);
  t->apply(&m);
  struct rs_pe_info pi;
  struct rs_diag d;
  enum rs_err e = read_copy(m.b, m.len, &pi, &d);
  ck_assert_msg(e == t->want, "%s: got %s (%s), want %s", t->name, rs_err_name(e),
                d.what, rs_err_name(t->want));
  const char *text = e == RS_OK ? pi.note : d.what;
  ck_assert_msg(strstr(text, t->what_has) != NULL, "%s: \"%s\" lacks \"%s\"", t->name,
                text, t->what_has);
  if (t->has_version >= 0)
    ck_assert_int_eq(pi.has_version, t->has_version);
  if (e != RS_OK && e != RS_E_FORMAT)
    ck_assert(strstr(d.what, "0x") != NULL || strstr(d.what, "wLength") != NULL);
  if (t->apply == m_lone_surrogate)
    ck_assert_str_eq(pi.company_name, "Caf\xC3\xA9 \xEF\xBF\xBDx");
  if (t->has_version == 1 && e != RS_OK)
    ck_assert_str_eq(pi.file_version_str, "5.0.1781.3"); /* partial result kept */
}
END_TEST

/* True when s is well-formed UTF-8 (no overlongs checked: enough to show the
 * decoder never emits raw evidence bytes). */
static bool utf8_ok(const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    int k = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2
                                                 : (*p & 0xF8) == 0xF0 ? 3 : -1;
    if (k < 0)
      return false;
    p++;
    for (int i = 0; i < k; i++, p++)
      if ((*p & 0xC0) != 0x80)
        return false;
  }
  return true;
}

/* Deterministic random byte damage over the headers and the resource tree. */
START_TEST(random_damage)
{
  static struct img m, x;
  build(&m, _i == 1);
  uint32_t seed = 12345u + (uint32_t)_i;
  for (int iter = 0; iter < 4000; iter++) {
    x = m;
    int nflip = 1 + (int)((seed >> 16) % 4);
    for (int k = 0; k < nflip; k++) {
      seed = seed * 1103515245u + 12345u;
      size_t pos = (seed >> 8) % m.vs_end;
      seed = seed * 1103515245u + 12345u;
      x.b[pos] = (uint8_t)(seed >> 24);
    }
    struct rs_pe_info pi;
    struct rs_diag d;
    enum rs_err e = read_copy(x.b, x.len, &pi, &d);
    ck_assert(e == RS_OK || e == RS_E_FORMAT || e == RS_E_CORRUPT ||
              e == RS_E_TRUNCATED);
    ck_assert(utf8_ok(pi.sfi_file_version) && utf8_ok(pi.company_name) &&
              utf8_ok(pi.original_filename) && utf8_ok(pi.product_name) &&
              utf8_ok(pi.internal_name));
    ck_assert(memchr(pi.note, 0, sizeof pi.note) != NULL);
  }
}
END_TEST

START_TEST(bad_args)
{
  struct rs_pe_info pi;
  struct rs_diag d;
  rs_diag_clear(&d);
  ck_assert_int_eq(rs_pe_read(NULL, 0, &pi, &d), RS_E_FORMAT);
  ck_assert_int_eq(rs_pe_read((const uint8_t *)"MZ", 2, NULL, &d), RS_E_USAGE);
  ck_assert_int_eq(rs_pe_read(NULL, 5, &pi, NULL), RS_E_USAGE);
  ck_assert_int_eq(rs_pe_read((const uint8_t *)"ELF\x7f", 4, &pi, &d), RS_E_FORMAT);
  ck_assert_str_eq(d.where, "PE image");
}
END_TEST

/* ---------- real DLLs and the pefile peer ---------- */

static unsigned char *slurp_realdata(const char *rel, size_t *len)
{
  const char *p = rs_t_realdata(rel);
  return p ? rs_t_slurp(p, len) : NULL;
}

static bool have_pefile(void)
{
  return rs_t_run("/usr/bin/python3 -c 'import pefile' >/dev/null 2>&1", NULL) == 0;
}

/* pefile's view: "<fixed version>|<TimeDateStamp>|<FileVersion>|<OriginalFilename>". */
static char *pefile_view(const char *path)
{
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "/usr/bin/python3 -c '\n"
           "import sys, pefile\n"
           "pe = pefile.PE(sys.argv[1])\n"
           "fv = \"\"; st = {}\n"
           "if hasattr(pe, \"VS_FIXEDFILEINFO\"):\n"
           "  f = pe.VS_FIXEDFILEINFO[0]\n"
           "  fv = \"%%d.%%d.%%d.%%d\" %% (f.FileVersionMS >> 16, f.FileVersionMS & 0xffff, "
           "f.FileVersionLS >> 16, f.FileVersionLS & 0xffff)\n"
           "for fi in getattr(pe, \"FileInfo\", []):\n"
           "  for e in fi:\n"
           "    for t in getattr(e, \"StringTable\", [])[:1]:\n"
           "      st = {k.decode(): v.decode() for k, v in t.entries.items()}\n"
           "print(\"%%s|%%d|%%s|%%s\" %% (fv, pe.FILE_HEADER.TimeDateStamp, "
           "st.get(\"FileVersion\", \"\"), st.get(\"OriginalFilename\", \"\")), end=\"\")\n"
           "' '%s'",
           path);
  char *out = NULL;
  if (rs_t_run(cmd, &out) != 0) {
    free(out);
    return NULL;
  }
  return out;
}

static void compare_with_pefile(const char *path, const struct rs_pe_info *pi)
{
  if (!have_pefile()) {
    fprintf(stderr, "SKIP pefile cross-check: python3-pefile not installed\n");
    return;
  }
  char *v = pefile_view(path);
  ck_assert_msg(v != NULL, "pefile failed on %s", path);
  char mine[512];
  snprintf(mine, sizeof mine, "%s|%u|%s|%s", pi->has_version ? pi->file_version_str : "",
           (unsigned)pi->timestamp, pi->sfi_file_version, pi->original_filename);
  ck_assert_str_eq(mine, v);
  free(v);
}

START_TEST(real_wrc)
{
  size_t len;
  unsigned char *b = slurp_realdata("pe/wrc_test.dll", &len);
  RS_T_SKIP_IF(!b, "realdata pe/wrc_test.dll absent");
  struct rs_pe_info pi;
  struct rs_diag d;
  ck_assert_int_eq(rs_pe_read(b, len, &pi, &d), RS_OK);
  ck_assert(pi.has_version);
  ck_assert_str_eq(pi.file_version_str, "1.0.0.0");
  /* The fixed part says 1.0.0.0; the string table itself says "1.0.0" (bytes at
   * 0x20c2, and pefile agrees): the two are independent fields. */
  ck_assert_str_eq(pi.sfi_file_version, "1.0.0");
  ck_assert_str_eq(pi.original_filename, "wrc_test.dll");
  ck_assert_uint_eq(pi.machine, 0x14C);
  ck_assert(!pi.pe32plus);
  ck_assert(pi.is_dll);
  compare_with_pefile(rs_t_realdata("pe/wrc_test.dll"), &pi);
  free(b);
}
END_TEST

START_TEST(real_nowrc)
{
  size_t len;
  unsigned char *b = slurp_realdata("pe/nowrc_test.dll", &len);
  RS_T_SKIP_IF(!b, "realdata pe/nowrc_test.dll absent");
  struct rs_pe_info pi;
  struct rs_diag d;
  ck_assert_int_eq(rs_pe_read(b, len, &pi, &d), RS_OK);
  ck_assert(!pi.has_version);
  ck_assert_str_eq(pi.note, "no version resource");
  ck_assert(pi.is_dll);
  compare_with_pefile(rs_t_realdata("pe/nowrc_test.dll"), &pi);
  free(b);
}
END_TEST

/* Every prefix of the real DLL: never a crash, and an OK answer is either the
 * full one or "no version" only when the cut is before the resource section. */
START_TEST(real_truncation)
{
  size_t len;
  unsigned char *b = slurp_realdata("pe/wrc_test.dll", &len);
  RS_T_SKIP_IF(!b, "realdata pe/wrc_test.dll absent");
  unsigned n_full = 0;
  for (size_t n = 0; n <= len; n++) {
    struct rs_pe_info pi;
    struct rs_diag d;
    enum rs_err e = read_copy(b, n, &pi, &d);
    ck_assert(e == RS_OK || e == RS_E_FORMAT || e == RS_E_CORRUPT ||
              e == RS_E_TRUNCATED);
    if (e == RS_OK) {
      ck_assert(pi.has_version);
      ck_assert_str_eq(pi.file_version_str, "1.0.0.0");
      ck_assert_str_eq(pi.original_filename, "wrc_test.dll");
      n_full++;
    }
  }
  ck_assert_uint_gt(n_full, 0);
  free(b);
}
END_TEST

/* The synthetic images as pefile sees them: proves the builder writes real
 * PE structures, not something only this reader accepts. */
START_TEST(synthetic_vs_pefile)
{
  if (!have_pefile()) {
    fprintf(stderr, "SKIP synthetic_vs_pefile: python3-pefile not installed\n");
    return;
  }
  static struct img m;
  build(&m, _i == 1);
  char path[512];
  snprintf(path, sizeof path, "%s/synth%d.dll", rs_t_tmpdir(), _i);
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(m.b, 1, m.len, f), m.len);
  fclose(f);
  struct rs_pe_info pi;
  ck_assert_int_eq(rs_pe_read(m.b, m.len, &pi, NULL), RS_OK);
  compare_with_pefile(path, &pi);
}
END_TEST


/* ---------- the fixture generator's PEs (fixtures/out/pe, built with mingw) ---------- */

static const char *const fixture_pes[] = {
  "admin_nimda.dll", "cmd_nt4.exe", "cmd_w2k.exe", "explorer_nt4.exe", "explorer_w2k.exe",
  "idq_5.0.1781.3.dll", "idq_5.0.1782.4.dll", "idq_5.0.2195.1.dll",
  "idq_5.0.2195.3645.dll", "idq_5.0.2195.5617.dll", "root_tool.exe", "trojan_explorer.exe",
};
#define N_FIXTURE_PES ((int)(sizeof fixture_pes / sizeof fixture_pes[0]))

/* The raw text of key in the object of name in answer.json (written by
 * Python's json.dump: "name": { "key": value, ... }). "" when absent. */
static void answer_field(const char *json, const char *name, const char *key, char *out,
                         size_t cap)
{
  char pat[160];
  out[0] = '\0';
  snprintf(pat, sizeof pat, "\"%s\": {", name);
  const char *o = strstr(json, pat);
  if (!o)
    return;
  const char *end = strchr(o, '}');
  snprintf(pat, sizeof pat, "\"%s\": ", key);
  const char *k = strstr(o, pat);
  if (!k || !end || k > end)
    return;
  k += strlen(pat);
  size_t n = strcspn(k, ",\n}");
  if (n >= 2 && k[0] == '"' && k[n - 1] == '"') {
    k++;
    n -= 2;
  }
  if (n >= cap)
    n = cap - 1;
  memcpy(out, k, n);
  out[n] = '\0';
}

START_TEST(fixture_answers)
{
  size_t jlen;
  char *json = (char *)rs_t_slurp(rs_t_src("fixtures/out/pe/answer.json"), &jlen);
  RS_T_SKIP_IF(!json, "fixtures/out/pe/answer.json absent (fixtures branch not merged)");
  const char *name = fixture_pes[_i];
  char path[600], want_ver[64], want_ts[32], want_orig[128], want_size[32];
  snprintf(path, sizeof path, "fixtures/out/pe/%s", name);
  size_t len;
  unsigned char *b = rs_t_slurp(rs_t_src(path), &len);
  ck_assert_msg(b != NULL, "%s missing", path);
  answer_field(json, name, "version", want_ver, sizeof want_ver);
  answer_field(json, name, "pe_timestamp", want_ts, sizeof want_ts);
  answer_field(json, name, "original_filename", want_orig, sizeof want_orig);
  answer_field(json, name, "size", want_size, sizeof want_size);
  ck_assert_msg(want_ts[0] && want_ver[0], "answer.json has no entry for %s", name);
  struct rs_pe_info pi;
  struct rs_diag d;
  ck_assert_int_eq(rs_pe_read(b, len, &pi, &d), RS_OK);
  ck_assert_uint_eq(len, strtoull(want_size, NULL, 10));
  ck_assert_uint_eq(pi.timestamp, strtoul(want_ts, NULL, 10));
  if (!strcmp(want_ver, "null")) {
    ck_assert(!pi.has_version);
    ck_assert_str_eq(pi.note, "no version resource");
  } else {
    ck_assert(pi.has_version);
    ck_assert_str_eq(pi.file_version_str, want_ver);
  }
  if (strcmp(want_orig, "null"))
    ck_assert_str_eq(pi.original_filename, want_orig);
  else
    ck_assert_str_eq(pi.original_filename, "");
  if (have_pefile()) {
    char *v = pefile_view(rs_t_src(path));
    ck_assert_ptr_nonnull(v);
    ck_assert_msg(strncmp(v, pi.has_version ? pi.file_version_str : "|",
                          strlen(pi.has_version ? pi.file_version_str : "|")) == 0,
                  "%s: pefile says %s", name, v);
    free(v);
  }
  free(b);
  free(json);
}
END_TEST

/* The first StringTable's key gives the build's language (issue 4: the
 * English and Japanese NT4 fix builds share 5.0.1781.3). pefile is the peer
 * where installed; then the key is patched to Japanese and to non-hex. */
START_TEST(string_table_language)
{
  size_t len;
  unsigned char *b = rs_t_slurp(rs_t_src("fixtures/out/pe/idq_5.0.1781.3.dll"), &len);
  RS_T_SKIP_IF(!b, "fixture PE absent");
  struct rs_pe_info pi;
  ck_assert_int_eq(rs_pe_read(b, len, &pi, NULL), RS_OK);
  ck_assert(pi.has_sfi_lang);
  char key[16];
  snprintf(key, sizeof key, "%04x%04x", pi.sfi_langid, pi.sfi_codepage);
  if (have_pefile()) {
    char cmd[4400], *out = NULL;
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import pefile,sys; pe=pefile.PE(sys.argv[1]); "
             "print([t.LangID.decode() for fi in pe.FileInfo[0] if hasattr(fi,'StringTable') "
             "for t in fi.StringTable][0].lower())\" '%s'",
             rs_t_src("fixtures/out/pe/idq_5.0.1781.3.dll"));
    ck_assert_int_eq(rs_t_run(cmd, &out), 0);
    ck_assert_msg(out && strncmp(out, key, 8) == 0, "pefile %s, we %s", out ? out : "", key);
    free(out);
  }
  ck_assert_uint_eq(pi.sfi_langid, 0x0409);
  /* the key in UTF-16LE: "0409" -> "0411", then "04g9" */
  static const unsigned char en[] = {'0', 0, '4', 0, '0', 0, '9', 0, '0', 0, '4', 0};
  unsigned char *k = memmem(b, len, en, sizeof en);
  ck_assert_ptr_nonnull(k);
  k[4] = '1';
  k[6] = '1';
  ck_assert_int_eq(rs_pe_read(b, len, &pi, NULL), RS_OK);
  ck_assert(pi.has_sfi_lang);
  ck_assert_uint_eq(pi.sfi_langid, 0x0411);
  ck_assert_str_eq(pi.file_version_str, "5.0.1781.3"); /* the rest still read */
  k[4] = 'g';
  ck_assert_int_eq(rs_pe_read(b, len, &pi, NULL), RS_OK);
  ck_assert(!pi.has_sfi_lang);
  free(b);
}
END_TEST

Suite *rs_suite_pe(void)
{
  Suite *s = suite_create("pe");
  TCase *tc = tcase_create("synthetic");
  tcase_add_loop_test(tc, synthetic_ok, 0, 2);
  tcase_add_loop_test(tc, truncation_every_length, 0, 2);
  tcase_add_loop_test(tc, hostile_mutation, 0, 2 * N_MUTS);
  tcase_add_loop_test(tc, random_damage, 0, 2);
  tcase_add_test(tc, bad_args);
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  TCase *tr = tcase_create("real");
  tcase_add_test(tr, real_wrc);
  tcase_add_test(tr, real_nowrc);
  tcase_add_test(tr, real_truncation);
  tcase_add_loop_test(tr, synthetic_vs_pefile, 0, 2);
  tcase_add_loop_test(tr, fixture_answers, 0, N_FIXTURE_PES);
  tcase_add_test(tr, string_table_language);
  tcase_set_timeout(tr, 60);
  suite_add_tcase(s, tr);
  return s;
}
