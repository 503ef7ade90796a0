/* PE version reader: header facts plus VS_VERSIONINFO, written for hostile
 * input. The evidence is a byte buffer we never trust: every offset+size is
 * checked in 64-bit arithmetic before it is used, the resource directory walk
 * is depth-limited and remembers which directory offsets it has seen (a
 * directory that points to itself or an ancestor is a loop, not a hang), and
 * every VS_VERSIONINFO child must have a length that advances and stays inside
 * its parent. Layout: fixture-recipes.md section 6, Microsoft PE/COFF spec. */
#include "redsleuth/pe.h"

#include <stdio.h>
#include <string.h>

#define WHERE "PE image"

/* The loader accepts up to 96 sections on NT4/2000 and 65535 later; we accept
 * what the file can actually hold, the file size is the real bound. */
#define PE_MAX_RSRC_DEPTH 8     /* a normal tree is 3 deep: type, name, language */
#define PE_MAX_DIR_ENTRIES 4096 /* entries examined per directory */
#define PE_MAX_VS_CHILDREN 256  /* children examined per VS_VERSIONINFO node */
#define PE_MAX_KEY 64           /* UTF-8 bytes kept of a VS key */
#define RT_VERSION 16
#define VS_FFI_SIGNATURE 0xFEEF04BDu

struct pe_ctx {
  const uint8_t *buf;
  size_t len;
  size_t sect_off;   /* file offset of the section table */
  unsigned nsect;
  uint64_t rsrc_off; /* file offset of the resource directory root */
  uint64_t rsrc_end; /* end of the bytes the root's section provides (<= len) */
  uint64_t visited[PE_MAX_RSRC_DEPTH + 1];
  unsigned nvisited;
  struct rs_diag *d;
};

/* True when [off, off+n) lies inside [0, len). 64-bit so off+n cannot wrap
 * for any 32-bit field value. */
static bool in_buf(size_t len, uint64_t off, uint64_t n)
{
  return off <= (uint64_t)len && n <= (uint64_t)len - off;
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t le32(const uint8_t *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}

static uint64_t align4(uint64_t v) { return (v + 3u) & ~(uint64_t)3u; }

/* Appends code point cp as UTF-8 if it fits whole (a cut string never ends in
 * half a character). Returns false when out is full. */
static bool put_utf8(char *out, size_t cap, size_t *n, uint32_t cp)
{
  char tmp[4];
  size_t k;
  if (cp < 0x80) {
    tmp[0] = (char)cp;
    k = 1;
  } else if (cp < 0x800) {
    tmp[0] = (char)(0xC0 | (cp >> 6));
    tmp[1] = (char)(0x80 | (cp & 0x3F));
    k = 2;
  } else if (cp < 0x10000) {
    tmp[0] = (char)(0xE0 | (cp >> 12));
    tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    tmp[2] = (char)(0x80 | (cp & 0x3F));
    k = 3;
  } else {
    tmp[0] = (char)(0xF0 | (cp >> 18));
    tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    tmp[3] = (char)(0x80 | (cp & 0x3F));
    k = 4;
  }
  if (*n + k + 1 > cap)
    return false;
  memcpy(out + *n, tmp, k);
  *n += k;
  out[*n] = '\0';
  return true;
}

/* UTF-16LE p[0..nbytes) up to the first NUL -> UTF-8 in out (always
 * terminated). Lone or reversed surrogates become U+FFFD so the result is
 * always valid UTF-8 for the JSON writer. */
static void utf16_to_utf8(const uint8_t *p, size_t nbytes, char *out, size_t cap)
{
  size_t n = 0;
  if (cap == 0)
    return;
  out[0] = '\0';
  for (size_t i = 0; i + 1 < nbytes; i += 2) {
    uint32_t u = le16(p + i);
    if (u == 0)
      break;
    if (u >= 0xD800 && u <= 0xDBFF) {
      uint32_t lo = (i + 3 < nbytes) ? le16(p + i + 2) : 0;
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      } else {
        u = 0xFFFD;
      }
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      u = 0xFFFD;
    }
    if (!put_utf8(out, cap, &n, u))
      break;
  }
}

/* RVA -> file offset through the section table. The bytes must exist in the
 * file: a section whose raw data lies past the end of the file maps nothing.
 * *avail gets how many bytes of that section follow the offset in the file. */
static enum rs_err rva_to_off(const struct pe_ctx *c, uint32_t rva, uint64_t *off,
                              uint64_t *avail, const char *what)
{
  for (unsigned i = 0; i < c->nsect; i++) {
    const uint8_t *s = c->buf + c->sect_off + (size_t)i * 40;
    uint32_t vsize = le32(s + 8), va = le32(s + 12);
    uint32_t rawsize = le32(s + 16), rawptr = le32(s + 20);
    uint64_t span = vsize > rawsize ? vsize : rawsize;
    if ((uint64_t)rva < va || (uint64_t)rva >= (uint64_t)va + span)
      continue;
    uint64_t delta = (uint64_t)rva - va;
    if (delta >= rawsize)
      return rs_diag_set(c->d, RS_E_CORRUPT, WHERE,
                         "%s RVA 0x%08x lies in the uninitialised tail of section %u "
                         "(no file bytes behind it)",
                         what, (unsigned)rva, i);
    uint64_t o = (uint64_t)rawptr + delta;
    uint64_t end = (uint64_t)rawptr + rawsize;
    if (end > c->len)
      end = c->len;
    if (o >= end)
      return rs_diag_set(c->d, RS_E_TRUNCATED, WHERE,
                         "%s RVA 0x%08x maps to file offset 0x%llx, past the end of "
                         "the file (%zu bytes) or of section %u",
                         what, (unsigned)rva, (unsigned long long)o, c->len, i);
    *off = o;
    *avail = end - o;
    return RS_OK;
  }
  return rs_diag_set(c->d, RS_E_CORRUPT, WHERE, "%s RVA 0x%08x lies in no section",
                     what, (unsigned)rva);
}

/* Walks RT_VERSION -> first name -> first language -> data entry. Offsets in
 * the tree are relative to the root; a directory offset seen before is a
 * loop. Returns RS_OK with *found=false when there is no RT_VERSION entry. */
static enum rs_err find_version_data(struct pe_ctx *c, uint32_t *data_rva,
                                     uint32_t *data_size, bool *found)
{
  uint64_t dir = 0; /* relative to rsrc_off */
  uint64_t area = c->rsrc_end - c->rsrc_off;
  *found = false;
  for (unsigned depth = 0;; depth++) {
    if (depth >= PE_MAX_RSRC_DEPTH)
      return rs_diag_set(c->d, RS_E_CORRUPT, WHERE,
                         "resource directory nesting deeper than %d levels at "
                         ".rsrc+0x%llx",
                         PE_MAX_RSRC_DEPTH, (unsigned long long)dir);
    for (unsigned i = 0; i < c->nvisited; i++)
      if (c->visited[i] == dir)
        return rs_diag_set(c->d, RS_E_CORRUPT, WHERE,
                           "resource directory loop: .rsrc+0x%llx is reached twice",
                           (unsigned long long)dir);
    c->visited[c->nvisited++] = dir;
    if (dir > area || area - dir < 16)
      return rs_diag_set(c->d, RS_E_TRUNCATED, WHERE,
                         "resource directory at .rsrc+0x%llx (file offset 0x%llx) "
                         "overruns the resource section",
                         (unsigned long long)dir,
                         (unsigned long long)(c->rsrc_off + dir));
    const uint8_t *p = c->buf + c->rsrc_off + dir;
    unsigned nnamed = le16(p + 12), nid = le16(p + 14);
    unsigned count = nnamed + nid;
    if (count > PE_MAX_DIR_ENTRIES)
      count = PE_MAX_DIR_ENTRIES;
    if (count == 0) {
      if (depth == 0)
        return RS_OK; /* an empty resource tree: no version resource */
      return rs_diag_set(c->d, RS_E_CORRUPT, WHERE,
                         "resource directory at .rsrc+0x%llx on the RT_VERSION path "
                         "has no entries",
                         (unsigned long long)dir);
    }
    if ((uint64_t)count * 8 > area - dir - 16)
      return rs_diag_set(c->d, RS_E_TRUNCATED, WHERE,
                         "resource directory at .rsrc+0x%llx announces %u entries "
                         "that overrun the resource section",
                         (unsigned long long)dir, count);
    const uint8_t *e = NULL;
    if (depth == 0) {
      /* Named entries come first; RT_VERSION is an id entry. */
      for (unsigned i = 0; i < count; i++) {
        const uint8_t *x = p + 16 + (size_t)i * 8;
        uint32_t name = le32(x);
        if (!(name & 0x80000000u) && name == RT_VERSION) {
          e = x;
          break;
        }
      }
      if (!e)
        return RS_OK;
    } else {
      e = p + 16; /* first name, first language */
    }
    uint32_t target = le32(e + 4);
    if (target & 0x80000000u) {
      dir = target & 0x7FFFFFFFu;
      continue;
    }
    if (depth < 2)
      return rs_diag_set(c->d, RS_E_CORRUPT, WHERE,
                         "resource entry at .rsrc+0x%llx points to data at level %u; "
                         "a directory was expected",
                         (unsigned long long)(e - c->buf - c->rsrc_off), depth + 1);
    uint64_t de = target;
    if (de > area || area - de < 16)
      return rs_diag_set(c->d, RS_E_TRUNCATED, WHERE,
                         "resource data entry at .rsrc+0x%llx overruns the resource "
                         "section",
                         (unsigned long long)de);
    *data_rva = le32(c->buf + c->rsrc_off + de);
    *data_size = le32(c->buf + c->rsrc_off + de + 4);
    *found = true;
    return RS_OK;
  }
}

/* One VS_VERSIONINFO-style node: wLength, wValueLength, wType, key, pad,
 * value, pad, children. Offsets are absolute file offsets; alignment is
 * relative to the version block start (it is 4-aligned in practice). */
struct vs_node {
  uint64_t start, end;   /* [start, end) = wLength bytes */
  uint16_t value_len;    /* as stored (bytes for binary, often WCHARs for text) */
  uint16_t type;
  char key[PE_MAX_KEY];
  uint64_t value_off;    /* may equal end when there is no value */
  uint64_t children_off; /* first child, <= end */
};

static enum rs_err vs_node_read(const struct pe_ctx *c, uint64_t base, uint64_t off,
                                uint64_t limit, const char *parent,
                                struct vs_node *n)
{
  if (off > limit || limit - off < 6)
    return rs_diag_set(c->d, RS_E_TRUNCATED, WHERE,
                       "%s child header at file offset 0x%llx overruns its parent",
                       parent, (unsigned long long)off);
  const uint8_t *p = c->buf + off;
  uint16_t wlen = le16(p);
  n->value_len = le16(p + 2);
  n->type = le16(p + 4);
  if (wlen == 0)
    return rs_diag_set(c->d, RS_E_CORRUPT, WHERE,
                       "%s child at file offset 0x%llx has wLength 0", parent,
                       (unsigned long long)off);
  if (wlen < 6)
    return rs_diag_set(c->d, RS_E_CORRUPT, WHERE,
                       "%s child at file offset 0x%llx has wLength %u, shorter than "
                       "its own header",
                       parent, (unsigned long long)off, wlen);
  if ((uint64_t)wlen > limit - off)
    return rs_diag_set(c->d, RS_E_CORRUPT, WHERE,
                       "%s child at file offset 0x%llx has wLength %u that overruns "
                       "its parent by %llu bytes",
                       parent, (unsigned long long)off, wlen,
                       (unsigned long long)(off + wlen - limit));
  n->start = off;
  n->end = off + wlen;
  /* Key: UTF-16 up to a NUL that must lie inside the node. */
  uint64_t k = off + 6, knul = 0;
  bool term = false;
  for (; k + 1 < n->end; k += 2) {
    if (le16(c->buf + k) == 0) {
      term = true;
      knul = k;
      break;
    }
  }
  if (!term)
    return rs_diag_set(c->d, RS_E_CORRUPT, WHERE,
                       "%s child at file offset 0x%llx has a key without a "
                       "terminating NUL inside its wLength",
                       parent, (unsigned long long)off);
  utf16_to_utf8(c->buf + off + 6, (size_t)(knul - (off + 6)), n->key, sizeof n->key);
  uint64_t v = base + align4(knul + 2 - base);
  if (v > n->end)
    v = n->end;
  n->value_off = v;
  /* Binary values (wType 0) are counted in bytes, text values in WCHARs;
   * some linkers count text in bytes too, so the children start is found
   * from the byte count and never past the node. */
  uint64_t vbytes = n->type == 1 ? (uint64_t)n->value_len * 2 : n->value_len;
  uint64_t ch = base + align4(v + vbytes - base);
  n->children_off = ch > n->end ? n->end : ch;
  return RS_OK;
}

static void set_note(struct rs_pe_info *out, const char *s)
{
  snprintf(out->note, sizeof out->note, "%s", s);
}

/* The String children of the first StringTable: copy the five values. */
static enum rs_err read_string_table(const struct pe_ctx *c, uint64_t base,
                                     const struct vs_node *table,
                                     struct rs_pe_info *out)
{
  uint64_t off = table->children_off;
  for (unsigned i = 0; i < PE_MAX_VS_CHILDREN && off < table->end; i++) {
    struct vs_node s;
    enum rs_err e = vs_node_read(c, base, off, table->end, "StringTable", &s);
    if (e)
      return e;
    char *dst = NULL;
    size_t cap = 0;
    if (!strcmp(s.key, "FileVersion"))
      dst = out->sfi_file_version, cap = sizeof out->sfi_file_version;
    else if (!strcmp(s.key, "OriginalFilename"))
      dst = out->original_filename, cap = sizeof out->original_filename;
    else if (!strcmp(s.key, "InternalName"))
      dst = out->internal_name, cap = sizeof out->internal_name;
    else if (!strcmp(s.key, "ProductName"))
      dst = out->product_name, cap = sizeof out->product_name;
    else if (!strcmp(s.key, "CompanyName"))
      dst = out->company_name, cap = sizeof out->company_name;
    if (dst && !dst[0]) {
      /* The value runs to the node's end at most; the decoder stops at NUL. */
      uint64_t n = s.end - s.value_off;
      uint64_t want = (uint64_t)s.value_len * 2;
      if (want && want < n)
        n = want;
      utf16_to_utf8(c->buf + s.value_off, (size_t)n, dst, cap);
    }
    off = base + align4(s.end - base);
  }
  return RS_OK;
}

static enum rs_err read_version_block(const struct pe_ctx *c, uint64_t off,
                                      uint64_t size, struct rs_pe_info *out)
{
  struct vs_node root;
  enum rs_err e = vs_node_read(c, off, off, off + size, "version resource", &root);
  if (e)
    return e;
  if (strcmp(root.key, "VS_VERSION_INFO"))
    return rs_diag_set(c->d, RS_E_CORRUPT, WHERE,
                       "version resource at file offset 0x%llx has key \"%s\", not "
                       "VS_VERSION_INFO",
                       (unsigned long long)off, root.key);
  if (root.value_len >= 52) {
    if (root.end - root.value_off < 52)
      return rs_diag_set(c->d, RS_E_TRUNCATED, WHERE,
                         "VS_FIXEDFILEINFO at file offset 0x%llx overruns "
                         "VS_VERSIONINFO",
                         (unsigned long long)root.value_off);
    const uint8_t *f = c->buf + root.value_off;
    uint32_t sig = le32(f);
    if (sig != VS_FFI_SIGNATURE)
      return rs_diag_set(c->d, RS_E_CORRUPT, WHERE,
                         "VS_FIXEDFILEINFO at file offset 0x%llx has signature "
                         "0x%08x, not 0xFEEF04BD",
                         (unsigned long long)root.value_off, (unsigned)sig);
    uint32_t fms = le32(f + 8), fls = le32(f + 12), pms = le32(f + 16),
             pls = le32(f + 20);
    out->file_version[0] = (uint16_t)(fms >> 16);
    out->file_version[1] = (uint16_t)fms;
    out->file_version[2] = (uint16_t)(fls >> 16);
    out->file_version[3] = (uint16_t)fls;
    out->product_version[0] = (uint16_t)(pms >> 16);
    out->product_version[1] = (uint16_t)pms;
    out->product_version[2] = (uint16_t)(pls >> 16);
    out->product_version[3] = (uint16_t)pls;
    snprintf(out->file_version_str, sizeof out->file_version_str, "%u.%u.%u.%u",
             out->file_version[0], out->file_version[1], out->file_version[2],
             out->file_version[3]);
    out->has_version = true;
  } else {
    set_note(out, "version resource has no VS_FIXEDFILEINFO");
  }
  /* StringFileInfo -> first StringTable -> Strings. VarFileInfo is skipped. */
  uint64_t ch = root.children_off;
  for (unsigned i = 0; i < PE_MAX_VS_CHILDREN && ch < root.end; i++) {
    struct vs_node n;
    e = vs_node_read(c, off, ch, root.end, "VS_VERSIONINFO", &n);
    if (e)
      return e;
    if (!strcmp(n.key, "StringFileInfo") && n.children_off < n.end) {
      struct vs_node t;
      e = vs_node_read(c, off, n.children_off, n.end, "StringFileInfo", &t);
      if (e)
        return e;
      /* the table's key names its language: "040904B0" = LANGID 0x0409, code page 1200 */
      unsigned lid = 0, cp = 0;
      int used = 0;
      if (strlen(t.key) == 8 && strspn(t.key, "0123456789abcdefABCDEF") == 8 &&
          sscanf(t.key, "%4x%4x%n", &lid, &cp, &used) == 2 && used == 8) {
        out->has_sfi_lang = true;
        out->sfi_langid = (uint16_t)lid;
        out->sfi_codepage = (uint16_t)cp;
      }
      e = read_string_table(c, off, &t, out);
      if (e)
        return e;
      break;
    }
    ch = off + align4(n.end - off);
  }
  return RS_OK;
}

enum rs_err rs_pe_read(const uint8_t *buf, size_t len, struct rs_pe_info *out,
                       struct rs_diag *d)
{
  if (!out)
    return rs_diag_set(d, RS_E_USAGE, WHERE, "rs_pe_read: out is NULL");
  memset(out, 0, sizeof *out);
  if (!buf && len)
    return rs_diag_set(d, RS_E_USAGE, WHERE, "rs_pe_read: buf is NULL");
  if (len < 2 || buf[0] != 'M' || buf[1] != 'Z')
    return rs_diag_set(d, RS_E_FORMAT, WHERE, "no MZ signature at offset 0: not a PE");
  if (len < 0x40)
    return rs_diag_set(d, RS_E_TRUNCATED, WHERE,
                       "DOS header at offset 0 needs 64 bytes, the file has %zu", len);
  uint32_t lfanew = le32(buf + 0x3C);
  if (!in_buf(len, lfanew, 4))
    return rs_diag_set(d, RS_E_TRUNCATED, WHERE,
                       "e_lfanew 0x%08x points past the end of the file (%zu bytes): "
                       "no PE header",
                       (unsigned)lfanew, len);
  if (memcmp(buf + lfanew, "PE\0\0", 4))
    return rs_diag_set(d, RS_E_FORMAT, WHERE,
                       "no PE signature at e_lfanew 0x%08x: an MZ file that is not a "
                       "PE (DOS, NE or LE executable)",
                       (unsigned)lfanew);
  uint64_t coff = (uint64_t)lfanew + 4;
  if (!in_buf(len, coff, 20))
    return rs_diag_set(d, RS_E_TRUNCATED, WHERE,
                       "COFF header at offset 0x%llx overruns the file (%zu bytes)",
                       (unsigned long long)coff, len);
  const uint8_t *h = buf + coff;
  out->machine = le16(h);
  unsigned nsect = le16(h + 2);
  out->timestamp = le32(h + 4);
  uint16_t optsize = le16(h + 16);
  out->characteristics = le16(h + 18);
  out->is_dll = (out->characteristics & 0x2000) != 0;
  uint64_t opt = coff + 20;
  if (optsize < 2)
    return rs_diag_set(d, RS_E_CORRUPT, WHERE,
                       "COFF header at offset 0x%llx: SizeOfOptionalHeader %u is too "
                       "small for an image",
                       (unsigned long long)coff, optsize);
  if (!in_buf(len, opt, optsize))
    return rs_diag_set(d, RS_E_TRUNCATED, WHERE,
                       "optional header at offset 0x%llx (%u bytes) overruns the file "
                       "(%zu bytes)",
                       (unsigned long long)opt, optsize, len);
  uint16_t magic = le16(buf + opt);
  uint64_t nrva_at, dd_at;
  if (magic == 0x10B) {
    nrva_at = 92;
    dd_at = 96;
  } else if (magic == 0x20B) {
    out->pe32plus = true;
    nrva_at = 108;
    dd_at = 112;
  } else {
    return rs_diag_set(d, RS_E_CORRUPT, WHERE,
                       "optional header at offset 0x%llx has magic 0x%04x, neither "
                       "PE32 (0x10B) nor PE32+ (0x20B)",
                       (unsigned long long)opt, magic);
  }
  struct pe_ctx c = {.buf = buf, .len = len, .d = d};
  c.sect_off = (size_t)(opt + optsize);
  c.nsect = nsect;
  if (!in_buf(len, c.sect_off, (uint64_t)nsect * 40))
    return rs_diag_set(d, RS_E_TRUNCATED, WHERE,
                       "section table at offset 0x%zx (%u entries of 40 bytes) "
                       "overruns the file (%zu bytes)",
                       c.sect_off, nsect, len);
  uint32_t nrva = optsize >= nrva_at + 4 ? le32(buf + opt + nrva_at) : 0;
  if (nrva < 3 || optsize < dd_at + 3 * 8) {
    set_note(out, "no version resource (no resource data directory)");
    return RS_OK;
  }
  uint32_t rsrc_rva = le32(buf + opt + dd_at + 16);
  uint32_t rsrc_size = le32(buf + opt + dd_at + 20);
  if (rsrc_rva == 0 || rsrc_size == 0) {
    set_note(out, "no version resource");
    return RS_OK;
  }
  uint64_t avail;
  enum rs_err e = rva_to_off(&c, rsrc_rva, &c.rsrc_off, &avail, "resource directory");
  if (e) {
    set_note(out, "version resource unreadable");
    return e;
  }
  c.rsrc_end = c.rsrc_off + avail;
  uint32_t drva = 0, dsize = 0;
  bool found = false;
  e = find_version_data(&c, &drva, &dsize, &found);
  if (e) {
    set_note(out, "version resource unreadable");
    return e;
  }
  if (!found) {
    set_note(out, "no version resource");
    return RS_OK;
  }
  uint64_t voff;
  e = rva_to_off(&c, drva, &voff, &avail, "version resource data");
  if (e) {
    set_note(out, "version resource unreadable");
    return e;
  }
  if (dsize > avail) {
    set_note(out, "version resource unreadable");
    return rs_diag_set(d, RS_E_TRUNCATED, WHERE,
                       "version resource data at file offset 0x%llx (%u bytes) "
                       "overruns its section or the file",
                       (unsigned long long)voff, (unsigned)dsize);
  }
  e = read_version_block(&c, voff, dsize, out);
  if (e && !out->note[0])
    set_note(out, out->has_version ? "StringFileInfo unreadable"
                                   : "version resource unreadable");
  return e;
}
