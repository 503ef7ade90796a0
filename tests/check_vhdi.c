/* VHD and VHDX through libvhdi (src/lib/evidence/vhdi.c). Containers are
 * made here from the fixtures' raw disks: dynamic and fixed VHDX and a
 * dynamic VHD by qemu-img, differencing VHDX by write_child() below (qemu
 * cannot make them: "Backing file not supported for file format 'vhdx'"),
 * following [MS-VHDX] 2.2-2.6. Each must give the raw image's volumes,
 * media hash and verdict, or, for a differencing disk, those of the raw
 * image with the child's changes applied. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "redsleuth/evidence.h"
#include "redsleuth/image.h"
#include "redsleuth/registry.h"
#include "redsleuth/scan.h"
#include "redsleuth/vhdi.h"
#include "testutil.h"

#define MIB (1024u * 1024u)
#define SCEN "w2k-cr2-used"

/* ---- a differencing VHDX writer ----------------------------------------- */

static uint32_t crc32c(const uint8_t *p, size_t n)
{
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++)
      c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
  }
  return ~c;
}

static void le(uint8_t *p, uint64_t v, int n)
{
  for (int i = 0; i < n; i++, v >>= 8)
    p[i] = (uint8_t)v;
}

/* "2dc27766-f623-4200-9d64-115e9bfd4a08" as a VHDX stores it (little-endian
 * first three fields). */
static void guid(uint8_t *p, const char *s)
{
  unsigned v[16];
  ck_assert_int_eq(sscanf(s, "%2x%2x%2x%2x-%2x%2x-%2x%2x-%2x%2x-%2x%2x%2x%2x%2x%2x", &v[0], &v[1],
                          &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11],
                          &v[12], &v[13], &v[14], &v[15]),
                   16);
  static const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  for (int i = 0; i < 16; i++)
    p[i] = (uint8_t)v[order[i]];
}

/* The current header's DataWriteGuid of a VHDX (the one with the valid
 * checksum and the higher sequence number) as text: what a child's
 * parent_linkage must name. */
static void data_write_guid(const char *path, char out[40])
{
  uint8_t h[2][4096];
  int fd = open(path, O_RDONLY);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(pread(fd, h[0], 4096, 64 * 1024), 4096);
  ck_assert_int_eq(pread(fd, h[1], 4096, 128 * 1024), 4096);
  close(fd);
  int best = -1;
  uint64_t seq[2] = {0, 0};
  for (int i = 0; i < 2; i++) {
    uint32_t stored = rs_t_le32(h[i] + 4);
    memset(h[i] + 4, 0, 4);
    if (memcmp(h[i], "head", 4) != 0 || crc32c(h[i], 4096) != stored)
      continue;
    seq[i] = rs_t_le32(h[i] + 8) | (uint64_t)rs_t_le32(h[i] + 12) << 32;
    if (best < 0 || seq[i] > seq[best])
      best = i;
  }
  ck_assert_msg(best >= 0, "%s: no valid VHDX header", path);
  const uint8_t *g = h[best] + 32;
  snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3],
           g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14],
           g[15]);
}

static size_t utf16(uint8_t *p, const char *s)
{
  size_t n = 0;
  for (; *s; s++, n += 2) {
    p[n] = (uint8_t)*s;
    p[n + 1] = 0;
  }
  return n;
}

struct child_spec {
  const char *path;      /* the VHDX to write */
  const char *view;      /* raw file: what the child must read as (present sectors come from it) */
  uint64_t size;         /* virtual disk size */
  const char *self;      /* the child's own DataWriteGuid */
  const char *linkage;   /* parent_linkage: the parent's DataWriteGuid */
  const char *named;     /* absolute_win32_path of the parent */
  const unsigned *full;  /* fully present 1 MiB blocks */
  int nfull;
  int partial;           /* a partially present block, or -1 */
  const unsigned *sectors; /* its present sectors, relative to the block */
  int nsectors;
  int zero;              /* a block in state PAYLOAD_BLOCK_ZERO (reads as zeros), or -1 */
};

/* Layout: header section (file identifier, two headers, two region
 * tables) in the first 1 MiB, an empty log at 1 MiB, metadata at 2 MiB, the
 * BAT at 3 MiB, the sector bitmap block at 4 MiB, payload blocks from
 * 5 MiB. Block size 1 MiB and 512-byte sectors give a chunk ratio of 4096:
 * the BAT entry of payload block b (< 4096) is b, the chunk's sector
 * bitmap entry is 4096. */
static void write_child(const struct child_spec *c)
{
  uint8_t *buf = calloc(1, MIB);
  ck_assert_ptr_nonnull(buf);
  int fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ck_assert_int_ge(fd, 0);
  /* header section */
  memcpy(buf, "vhdxfile", 8);
  utf16(buf + 8, "redsleuth tests");
  for (int i = 0; i < 2; i++) {
    uint8_t *h = buf + (64 + 64 * i) * 1024;
    memcpy(h, "head", 4);
    le(h + 8, (uint64_t)i + 1, 8);
    guid(h + 16, c->self);
    guid(h + 32, c->self);
    le(h + 66, 1, 2);      /* Version */
    le(h + 68, MIB, 4);    /* LogLength */
    le(h + 72, MIB, 8);    /* LogOffset; LogGuid zero: nothing to replay */
    le(h + 4, crc32c(h, 4096), 4);
    uint8_t *r = buf + (192 + 64 * i) * 1024;
    memcpy(r, "regi", 4);
    le(r + 8, 2, 4);
    guid(r + 16, "2dc27766-f623-4200-9d64-115e9bfd4a08"); /* BAT */
    le(r + 32, 3 * MIB, 8);
    le(r + 40, MIB, 4);
    le(r + 44, 1, 4);
    guid(r + 48, "8b7ca206-4790-4b9a-b8fe-575f050f886e"); /* metadata */
    le(r + 64, 2 * MIB, 8);
    le(r + 72, MIB, 4);
    le(r + 76, 1, 4);
    le(r + 4, crc32c(r, 64 * 1024), 4);
  }
  ck_assert_int_eq(pwrite(fd, buf, MIB, 0), (ssize_t)MIB);
  /* metadata: table, then the items from 64 KiB */
  memset(buf, 0, MIB);
  memcpy(buf, "metadata", 8);
  static const struct { const char *id; uint32_t len, flags; } items[] = {
      {"caa16737-fa36-4d43-b3b6-33f0aa44e76b", 8, 4},    /* file parameters */
      {"2fa54224-cd1b-4876-b211-5dbed83bf4b8", 8, 6},    /* virtual disk size */
      {"beca12ab-b2e6-4523-93ef-c309e000c746", 16, 6},   /* virtual disk id */
      {"8141bf1d-a96f-4709-ba47-f233a8faab5f", 4, 6},    /* logical sector size */
      {"cda348c7-445d-4471-9cc9-e9885251c556", 4, 6},    /* physical sector size */
      {"a8d35f2d-b30b-454d-abf7-d3d84834ab0c", 0, 4},    /* parent locator */
  };
  le(buf + 10, 6, 2);
  uint8_t *it = buf + 64 * 1024;
  le(it, MIB, 4);            /* block size */
  le(it + 4, 2, 4);          /* HasParent */
  le(it + 256, c->size, 8);
  guid(it + 512, c->self);
  le(it + 768, 512, 4);
  le(it + 1024, 512, 4);
  uint8_t *loc = it + 1280;
  guid(loc, "b04aefb7-d19e-4a81-b789-25b8e9445913");
  char link[48], rel[1100];
  snprintf(link, sizeof link, "{%s}", c->linkage);
  const char *base = strrchr(c->named, '\\');
  snprintf(rel, sizeof rel, ".\\%s", base ? base + 1 : c->named);
  const char *kv[3][2] = {{"parent_linkage", link}, {"relative_path", rel},
                          {"absolute_win32_path", c->named}};
  le(loc + 18, 3, 2);
  size_t off = 20 + 3 * 12;
  for (int i = 0; i < 3; i++) {
    size_t kl = utf16(loc + off, kv[i][0]);
    le(loc + 20 + 12 * i, off, 4);
    le(loc + 28 + 12 * i, kl, 2);
    off += kl;
    size_t vl = utf16(loc + off, kv[i][1]);
    le(loc + 24 + 12 * i, off, 4);
    le(loc + 30 + 12 * i, vl, 2);
    off += vl;
  }
  for (int i = 0; i < 6; i++) {
    uint8_t *e = buf + 32 + 32 * i;
    guid(e, items[i].id);
    le(e + 16, 64 * 1024 + 256 * (uint64_t)i, 4);
    le(e + 20, i == 5 ? off : items[i].len, 4);
    le(e + 24, items[i].flags, 4);
  }
  ck_assert_int_eq(pwrite(fd, buf, MIB, 2 * MIB), (ssize_t)MIB);
  /* payload blocks and the BAT */
  uint8_t *bat = calloc(1, MIB);
  ck_assert_ptr_nonnull(bat);
  int vfd = open(c->view, O_RDONLY);
  ck_assert_int_ge(vfd, 0);
  uint64_t at = 5;
  for (int i = 0; i <= c->nfull; i++) {
    bool part = i == c->nfull;
    if (part && c->partial < 0)
      break;
    unsigned b = part ? (unsigned)c->partial : c->full[i];
    memset(buf, 0xEE, MIB); /* never read: the parent's bytes show through */
    ck_assert_int_gt(pread(vfd, buf, MIB, (off_t)b * MIB), 0);
    le(bat + 8 * b, (part ? 7u : 6u) | at << 20, 8);
    ck_assert_int_eq(pwrite(fd, buf, MIB, (off_t)(at * MIB)), (ssize_t)MIB);
    at++;
  }
  close(vfd);
  if (c->zero >= 0)
    le(bat + 8 * (unsigned)c->zero, 2, 8);
  if (c->partial >= 0) {
    memset(buf, 0, MIB);
    for (int i = 0; i < c->nsectors; i++) {
      unsigned s = (unsigned)c->partial * 2048 + c->sectors[i];
      buf[s / 8] |= (uint8_t)(1u << (s % 8));
    }
    le(bat + 8 * 4096, 6u | 4ull << 20, 8);
    ck_assert_int_eq(pwrite(fd, buf, MIB, 4 * MIB), (ssize_t)MIB);
  }
  ck_assert_int_eq(pwrite(fd, bat, MIB, 3 * MIB), (ssize_t)MIB);
  ck_assert_int_eq(close(fd), 0);
  free(bat);
  free(buf);
}

/* ---- helpers -------------------------------------------------------------- */

static bool have_qemu(void)
{
  return rs_t_have("qemu-img");
}

/* qemu-img convert of a raw image; opts e.g. "-O vhdx -o subformat=fixed". */
static const char *convert(const char *raw, const char *opts, const char *name)
{
  static char out[4][4200];
  static int k;
  char *p = out[k++ % 4];
  snprintf(p, 4200, "%s/%s", rs_t_tmpdir(), name);
  char cmd[9000];
  snprintf(cmd, sizeof cmd, "qemu-img convert -f raw %s '%s' '%s' 2>&1", opts, raw, p);
  char *o = NULL;
  int rc = rs_t_run(cmd, &o);
  ck_assert_msg(rc == 0, "%s: %s", cmd, o ? o : "");
  free(o);
  return p;
}

static struct rs_image *open_img(const char *path, struct rs_diag *d, enum rs_err *err)
{
  struct rs_image_opts o;
  rs_image_opts_init(&o);
  struct rs_image *img = NULL;
  rs_diag_clear(d);
  const char *segs[1] = {path};
  *err = rs_image_open(segs, 1, &o, &img, d);
  if (*err == RS_OK)
    *err = rs_image_volumes(img, &o, d);
  return img;
}

static struct rs_image *open_ok(const char *path)
{
  struct rs_diag d;
  enum rs_err e;
  struct rs_image *img = open_img(path, &d, &e);
  ck_assert_msg(e == RS_OK, "open %s: %s: %s", path, rs_err_name(e), d.what);
  return img;
}

static void same_volumes(const struct rs_image *a, const struct rs_image *b)
{
  ck_assert_uint_eq(a->media_size, b->media_size);
  ck_assert_str_eq(a->vs_type, b->vs_type);
  ck_assert_int_eq(a->nvol, b->nvol);
  ck_assert_int_ge(a->nvol, 1);
  for (int i = 0; i < a->nvol; i++) {
    ck_assert_uint_eq(a->vols[i].start_sector, b->vols[i].start_sector);
    ck_assert_uint_eq(a->vols[i].sectors, b->vols[i].sectors);
    ck_assert_int_eq(a->vols[i].fs_kind, b->vols[i].fs_kind);
    ck_assert_str_eq(a->vols[i].label, b->vols[i].label);
    ck_assert_str_eq(a->vols[i].windows_root, b->vols[i].windows_root);
  }
}

static void media_sha256(const struct rs_image *img, char out[65])
{
  struct rs_media_hashes h;
  struct rs_diag d;
  enum rs_err e = rs_media_hash(img, &h, &d);
  ck_assert_msg(e == RS_OK, "hash: %s", d.what);
  snprintf(out, 65, "%s", h.sha256);
}

static json_t *scan(const char *path)
{
  struct rs_run_opts o;
  rs_run_opts_init(&o);
  const char *segs[1] = {path};
  o.segs = segs;
  o.nseg = 1;
  json_t *rep = NULL;
  struct rs_diag d;
  enum rs_err e = rs_scan(&o, &rep, &d);
  ck_assert_msg(e == RS_OK, "scan %s: %s", path, d.what);
  return rep;
}

static const char *verdict(json_t *rep)
{
  return json_string_value(json_object_get(json_object_get(rep, "verdict"), "status"));
}

/* A copy of raw with `text` written at byte off. */
static const char *patched(const char *raw, const char *name, uint64_t off, const char *text)
{
  static char out[2][4200];
  static int k;
  char *p = out[k++ % 2];
  snprintf(p, 4200, "%s/%s", rs_t_tmpdir(), name);
  char cmd[9000];
  snprintf(cmd, sizeof cmd, "cp '%s' '%s' && chmod u+w '%s'", raw, p, p);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  rs_t_patch(p, off, text, strlen(text));
  return p;
}

/* ---- tests ---------------------------------------------------------------- */

/* qemu-img's dynamic and fixed VHDX and dynamic VHD of three fixtures: the
 * same volumes, media hash and verdict as the raw disk. */
static const struct { const char *scen, *opts, *name, *format, *type; } made[] = {
    {"w2k-cr2-used", "-O vhdx", "d.vhdx", "vhdx", "dynamic"},
    {"w2k-clean", "-O vhdx -o subformat=fixed", "f.vhdx", "vhdx", "fixed"},
    {"w2k-mitigated", "-O vpc -o force_size=on", "d.vhd", "vhd", "dynamic"},
};

START_TEST(qemu_containers_equal_raw)
{
  RS_T_SKIP_IF(!have_qemu(), "qemu-img (qemu-utils) absent");
  const char *raw = rs_t_scenario_raw(made[_i].scen);
  const char *c = convert(raw, made[_i].opts, made[_i].name);
  struct rs_image *a = open_ok(raw), *b = open_ok(c);
  ck_assert_str_eq(b->format, made[_i].format);
  const struct rs_vhdi_chain *ch = rs_vhdi_chain(b->img);
  ck_assert_ptr_nonnull(ch);
  ck_assert_ptr_null(rs_vhdi_chain(a->img));
  ck_assert_int_eq(ch->n, 1);
  ck_assert_str_eq(ch->disk[0].type, made[_i].type);
  ck_assert_str_eq(ch->disk[0].format, made[_i].format);
  ck_assert(strncmp(ch->reader, "libvhdi ", 8) == 0);
  same_volumes(a, b);
  char ha[65], hb[65];
  media_sha256(a, ha);
  media_sha256(b, hb);
  ck_assert_str_eq(ha, hb);
  if (strcmp(made[_i].format, "vhdx") == 0) {
    char g[40];
    data_write_guid(c, g);
    ck_assert_str_eq(ch->disk[0].identifier, g);
  }
  rs_image_close(a);
  rs_image_close(b);
  json_t *answer = rs_t_answer(made[_i].scen);
  json_t *rep = scan(c);
  ck_assert_str_eq(verdict(rep), json_string_value(json_object_get(answer, "verdict")));
  json_t *ev = json_object_get(rep, "evidence");
  ck_assert_str_eq(json_string_value(json_object_get(ev, "format")), made[_i].format);
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(ev, "hashes"), "sha256")), ha);
  json_t *ct = json_object_get(ev, "container");
  ck_assert_str_eq(json_string_value(json_object_get(ct, "type")), made[_i].type);
  ck_assert_int_eq(json_array_size(json_object_get(ct, "parents")), 0);
  json_decref(rep);
  json_decref(answer);
}
END_TEST

/* A VHDX found by its signature whatever its name; -i raw still opens it
 * as the bytes it is; a container with a second "segment" is refused. */
START_TEST(vhdx_by_signature)
{
  RS_T_SKIP_IF(!have_qemu(), "qemu-img (qemu-utils) absent");
  const char *raw = rs_t_scenario_raw(SCEN);
  const char *c = convert(raw, "-O vhdx", "disk.img");
  ck_assert(rs_vhdi_is_vhdx(c));
  ck_assert(!rs_vhdi_is_vhdx(raw));
  struct rs_image *img = open_ok(c);
  ck_assert_str_eq(img->format, "vhdx");
  rs_image_close(img);
  struct rs_image_opts o;
  rs_image_opts_init(&o);
  o.img_type = "raw";
  const char *segs[2] = {c, raw};
  struct rs_diag d;
  ck_assert_int_eq(rs_image_open(segs, 1, &o, &img, &d), RS_OK);
  ck_assert_str_eq(img->format, "raw");
  ck_assert_ptr_null(rs_vhdi_chain(img->img));
  rs_image_close(img);
  rs_image_opts_init(&o);
  ck_assert_int_eq(rs_image_open(segs, 2, &o, &img, &d), RS_E_USAGE);
  ck_assert_ptr_nonnull(strstr(d.what, "one file"));
}
END_TEST

/* base.vhdx (qemu, from the raw disk) <- mid.vhdx (block 0 fully present,
 * a change at sector 100) <- top.vhdx (block 0 partially present: only
 * sector 200, changed; the rest of its data block is 0xEE and must never
 * show). Both changes sit in the gap before the first partition, so the
 * volumes and the verdict are the raw disk's while the media hash is that
 * of the raw disk with the changes. */
struct chain {
  const char *dir, *base, *mid, *top, *raw, *p1, *p2;
  char gbase[40], gmid[40];
};

static const unsigned block0[1] = {0};
static const unsigned sector200[1] = {200};

static void make_chain(struct chain *c, const char *named_base)
{
  c->raw = rs_t_scenario_raw(SCEN);
  c->dir = rs_t_tmpdir();
  c->base = convert(c->raw, "-O vhdx", "base.vhdx");
  data_write_guid(c->base, c->gbase);
  snprintf(c->gmid, sizeof c->gmid, "5eed0001-0000-4000-8000-000000000001");
  c->p1 = patched(c->raw, "p1.raw", 100 * 512, "redsleuth: changed in mid.vhdx");
  c->p2 = patched(c->p1, "p2.raw", 200 * 512, "redsleuth: changed in top.vhdx");
  struct stat st;
  ck_assert_int_eq(stat(c->raw, &st), 0);
  static char mid[4200], top[4200];
  snprintf(mid, sizeof mid, "%s/mid.vhdx", c->dir);
  snprintf(top, sizeof top, "%s/top.vhdx", c->dir);
  c->mid = mid;
  c->top = top;
  struct child_spec s = {mid, c->p1, (uint64_t)st.st_size, c->gmid, c->gbase, named_base,
                         block0, 1, -1, NULL, 0, -1};
  write_child(&s);
  struct child_spec t = {top, c->p2, (uint64_t)st.st_size, "5eed0002-0000-4000-8000-000000000002",
                         c->gmid, "D:\\Hyper-V\\mid.vhdx", NULL, 0, 0, sector200, 1, -1};
  write_child(&t);
}

static void file_sha256(const char *p, char out[65])
{
  rs_t_sha256_file(p, out);
  ck_assert_uint_eq(strlen(out), 64);
}

START_TEST(differencing_chain)
{
  RS_T_SKIP_IF(!have_qemu(), "qemu-img (qemu-utils) absent");
  struct chain c;
  make_chain(&c, "C:\\VMs\\base.vhdx");
  struct rs_image *raw = open_ok(c.raw);
  char hraw[65], hp1[65], hp2[65], h[65];
  media_sha256(raw, hraw);
  file_sha256(c.p1, hp1);
  file_sha256(c.p2, hp2);
  ck_assert_str_ne(hp1, hraw);
  ck_assert_str_ne(hp2, hp1);

  struct rs_image *mid = open_ok(c.mid);
  const struct rs_vhdi_chain *ch = rs_vhdi_chain(mid->img);
  ck_assert_ptr_nonnull(ch);
  ck_assert_int_eq(ch->n, 2);
  ck_assert_str_eq(ch->disk[0].type, "differencing");
  ck_assert_str_eq(ch->disk[0].identifier, c.gmid);
  ck_assert_str_eq(ch->disk[1].path, c.base);
  ck_assert_str_eq(ch->disk[1].named_as, "C:\\VMs\\base.vhdx");
  ck_assert_str_eq(ch->disk[1].type, "dynamic");
  ck_assert_str_eq(ch->disk[1].identifier, c.gbase);
  same_volumes(raw, mid);
  media_sha256(mid, h);
  ck_assert_str_eq(h, hp1);
  rs_image_close(mid);

  struct rs_image *top = open_ok(c.top);
  ch = rs_vhdi_chain(top->img);
  ck_assert_int_eq(ch->n, 3);
  ck_assert_str_eq(ch->disk[1].path, c.mid);
  ck_assert_str_eq(ch->disk[1].named_as, "D:\\Hyper-V\\mid.vhdx");
  ck_assert_str_eq(ch->disk[1].type, "differencing");
  ck_assert_str_eq(ch->disk[2].path, c.base);
  same_volumes(raw, top);
  media_sha256(top, h);
  ck_assert_str_eq(h, hp2);
  /* the partially present block: sector 200 from top, 100 from mid, 300 from base */
  char sec[512], want[512];
  for (int s = 100; s <= 300; s += 100) {
    ck_assert_int_eq(tsk_img_read(top->img, (TSK_OFF_T)s * 512, sec, 512),
                     512);
    rs_t_readat(c.p2, (uint64_t)s * 512, want, 512);
    ck_assert_int_eq(memcmp(sec, want, 512), 0);
  }
  rs_image_close(top);
  rs_image_close(raw);

  json_t *answer = rs_t_answer(SCEN);
  json_t *rep = scan(c.top);
  ck_assert_str_eq(verdict(rep), json_string_value(json_object_get(answer, "verdict")));
  json_t *ev = json_object_get(rep, "evidence");
  ck_assert_str_eq(json_string_value(json_object_get(json_object_get(ev, "hashes"), "sha256")), hp2);
  ck_assert_int_eq(json_array_size(json_object_get(ev, "segments")), 1);
  json_t *ct = json_object_get(ev, "container"), *ps = json_object_get(ct, "parents");
  ck_assert_str_eq(json_string_value(json_object_get(ct, "format")), "vhdx");
  ck_assert_str_eq(json_string_value(json_object_get(ct, "type")), "differencing");
  ck_assert_int_eq(json_array_size(ps), 2);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ps, 0), "path")), c.mid);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ps, 1), "path")), c.base);
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ps, 1), "named_as")),
                   "C:\\VMs\\base.vhdx");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ps, 1), "identifier")),
                   c.gbase);
  json_decref(rep);
  json_decref(answer);

  /* the text and HTML reports name the chain too */
  char out[4200], cmd[9000], *o = NULL;
  snprintf(out, sizeof out, "%s/rs-vhdi-out-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(out));
  snprintf(cmd, sizeof cmd, "'%s/redsleuth' scan --no-hash --out-dir '%s/r' '%s' >/dev/null 2>&1; "
           "grep -c -e '^  Container      vhdx differencing, read with libvhdi ' -e "
           "'^  Parent         %s (vhdx differencing, named \"D:\\\\Hyper-V\\\\mid.vhdx\")' -e "
           "'^  Parent         %s (vhdx dynamic, ' '%s/r/report.txt'; "
           "grep -c '<tr><th>Parent disk</th><td><code>%s</code>' '%s/r/report.html'; rm -rf '%s'",
           RS_BUILDDIR, out, c.top, c.mid, c.base, out, c.base, out, out);
  rs_t_run(cmd, &o);
  ck_assert_msg(o && strcmp(o, "3\n1\n") == 0, "%s", o ? o : "");
  free(o);
  /* and so does `info` */
  snprintf(cmd, sizeof cmd, "'%s/redsleuth' info --json '%s'", RS_BUILDDIR, c.top);
  o = NULL;
  ck_assert_int_eq(rs_t_run(cmd, &o), 0);
  json_t *info = json_loads(o ? o : "", 0, NULL);
  ck_assert_ptr_nonnull(info);
  ct = json_object_get(json_object_get(info, "evidence"), "container");
  ck_assert_str_eq(json_string_value(json_object_get(ct, "type")), "differencing");
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(ct, "parents"), 1),
                                                     "path")), c.base);
  json_decref(info);
  free(o);
}
END_TEST

/* [MS-VHDX] 2.5.1.1: a payload block in state PAYLOAD_BLOCK_ZERO reads as
 * zeros, in a differencing disk too (NOT_PRESENT is the state that defers to
 * the parent). The child below marks the disk's last 1 MiB block zero (the
 * end of volume 1, its backup boot sector included) over qemu's dynamic VHDX
 * and has no sector bitmap block: libvhdi 20210425 read the zero block from
 * the parent and took block 0's sector bitmap from the file's own header
 * (bits set by "vhdxfile" and the creator string), showing header bytes at
 * disk offset 128 KiB. vhdi.c resolves differencing blocks itself. */
START_TEST(zero_block_over_parent)
{
  RS_T_SKIP_IF(!have_qemu(), "qemu-img (qemu-utils) absent");
  const char *raw = rs_t_scenario_raw(SCEN);
  const char *dir = rs_t_tmpdir();
  const char *base = convert(raw, "-O vhdx", "base.vhdx");
  char gbase[40], child[4200], cmd[9000], want[65], got[65];
  data_write_guid(base, gbase);
  struct stat st;
  ck_assert_int_eq(stat(raw, &st), 0);
  unsigned last = (unsigned)((st.st_size - 1) / MIB);
  ck_assert_uint_gt(last, 0);
  snprintf(child, sizeof child, "%s/zero.vhdx", dir);
  struct child_spec z = {child, raw, (uint64_t)st.st_size, "5eed0004-0000-4000-8000-000000000004",
                         gbase, "base.vhdx", NULL, 0, -1, NULL, 0, (int)last};
  write_child(&z);
  snprintf(cmd, sizeof cmd,
           "cp '%s' '%s/z.raw' && chmod u+w '%s/z.raw' && dd if=/dev/zero of='%s/z.raw' bs=1M "
           "seek=%u count=1 conv=notrunc 2>/dev/null && truncate -s %lld '%s/z.raw'",
           raw, dir, dir, dir, last, (long long)st.st_size, dir);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  snprintf(cmd, sizeof cmd, "%s/z.raw", dir);
  file_sha256(cmd, want);
  struct rs_image *img = open_ok(child);
  media_sha256(img, got);
  ck_assert_str_eq(got, want);
  char sec[512], zeros[512] = {0};
  ck_assert_int_eq(tsk_img_read(img->img, st.st_size - 512, sec, 512), 512);
  ck_assert_int_eq(memcmp(sec, zeros, 512), 0);
  rs_image_close(img);

  /* a grandchild with that block partially present (sector 5 only): the
   * other sectors come from the zero block below it */
  static const unsigned five[1] = {5};
  char zp[4200], view[4200];
  snprintf(view, sizeof view, "%s/z.raw", dir);
  rs_t_patch(view, (uint64_t)last * MIB + 5 * 512, "written over a zero block", 25);
  file_sha256(view, want);
  snprintf(zp, sizeof zp, "%s/zp.vhdx", dir);
  struct child_spec p = {zp, view, (uint64_t)st.st_size, "5eed0005-0000-4000-8000-000000000005",
                         "5eed0004-0000-4000-8000-000000000004", "zero.vhdx", NULL, 0, (int)last,
                         five, 1, -1};
  write_child(&p);
  img = open_ok(zp);
  ck_assert_int_eq(rs_vhdi_chain(img->img)->n, 3);
  media_sha256(img, got);
  ck_assert_str_eq(got, want);
  rs_image_close(img);
}
END_TEST

/* Windows names ignore case: a parent stored as BASE.VHDX is base.vhdx
 * here, unless two files match, when nothing is guessed. */
START_TEST(parent_name_case)
{
  RS_T_SKIP_IF(!have_qemu(), "qemu-img (qemu-utils) absent");
  struct chain c;
  make_chain(&c, "C:\\VMs\\BASE.VHDX");
  struct rs_image *mid = open_ok(c.mid);
  ck_assert_str_eq(rs_vhdi_chain(mid->img)->disk[1].path, c.base);
  rs_image_close(mid);
  char cmd[9000];
  snprintf(cmd, sizeof cmd, "cp '%s' '%s/Base.vhdx'", c.base, c.dir);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  struct rs_diag d;
  enum rs_err e;
  mid = open_img(c.mid, &d, &e);
  ck_assert_ptr_null(mid);
  ck_assert_int_eq(e, RS_E_AMBIGUOUS);
  ck_assert_str_eq(d.where, c.mid);
  ck_assert_ptr_nonnull(strstr(d.what, "BASE.VHDX"));
}
END_TEST

/* Bad input: the parent missing, the wrong parent under the right name (a
 * second qemu-img convert of the same raw disk: same size, another data
 * write GUID), a child that names itself. Each is refused with a sentence
 * naming the file at fault; from the command line: exit 3, one stderr line,
 * and nothing written anywhere but --out-dir. */
START_TEST(bad_parents)
{
  RS_T_SKIP_IF(!have_qemu(), "qemu-img (qemu-utils) absent");
  struct chain c;
  make_chain(&c, "C:\\VMs\\base.vhdx");
  char cmd[9000], moved[4200];
  snprintf(moved, sizeof moved, "%s/elsewhere.vhdx", c.dir);
  ck_assert_int_eq(rename(c.base, moved), 0);
  struct rs_diag d;
  enum rs_err e;
  ck_assert_ptr_null(open_img(c.top, &d, &e));
  ck_assert_int_eq(e, RS_E_OPEN);
  ck_assert_str_eq(d.where, c.top);
  ck_assert_msg(strstr(d.what, "parent of differencing disk") && strstr(d.what, c.mid) &&
                    strstr(d.what, "is missing") && strstr(d.what, c.base) &&
                    strstr(d.what, "C:\\VMs\\base.vhdx"),
                "%s", d.what);

  /* the command line, run in an empty folder, the evidence read-only */
  char work[4200], out[4300], before[65], after[65];
  snprintf(work, sizeof work, "%s/rs-vhdi-cwd-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(work)); /* outside the evidence folder */
  snprintf(out, sizeof out, "%s/report", work);
  snprintf(cmd, sizeof cmd, "chmod a-w '%s' '%s' '%s' && find '%s' -printf '%%p %%s %%T@ %%m\\n' | sort | sha256sum",
           c.mid, c.top, moved, c.dir);
  char *o = NULL;
  ck_assert_int_eq(rs_t_run(cmd, &o), 0);
  snprintf(before, sizeof before, "%.64s", o);
  free(o);
  snprintf(cmd, sizeof cmd, "cd '%s' && '%s/redsleuth' scan --out-dir '%s' '%s' 2>&1; echo \"exit=$?\"",
           work, RS_BUILDDIR, out, c.top);
  o = NULL;
  rs_t_run(cmd, &o);
  ck_assert_ptr_nonnull(o);
  ck_assert_msg(strstr(o, "exit=3\n") != NULL, "%s", o);
  ck_assert_msg(strncmp(o, "redsleuth: error: RS_E_OPEN: ", 29) == 0 && strstr(o, "base.vhdx not found"),
                "%s", o);
  int lines = 0;
  for (const char *q = o; *q; q++)
    lines += *q == '\n';
  ck_assert_msg(lines == 2, "not one stderr line: %s", o);
  free(o);
  snprintf(cmd, sizeof cmd, "find '%s' -printf '%%p %%s %%T@ %%m\\n' | sort | sha256sum; ls -A '%s' | grep -v '^report$' | wc -l",
           c.dir, work);
  o = NULL;
  ck_assert_int_eq(rs_t_run(cmd, &o), 0);
  snprintf(after, sizeof after, "%.64s", o);
  ck_assert_str_eq(before, after);
  ck_assert_msg(atoi(strchr(o, '\n') + 1) == 0, "files written beside the run: %s", o);
  free(o);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
  rs_t_run(cmd, NULL);

  /* the wrong parent under the right name */
  convert(c.raw, "-O vhdx", "base.vhdx");
  ck_assert_ptr_null(open_img(c.mid, &d, &e));
  ck_assert_int_eq(e, RS_E_OPEN);
  ck_assert_msg(strstr(d.what, "is not the parent") && strstr(d.what, "identifier"), "%s", d.what);

  /* a child naming itself */
  char self[4200];
  snprintf(self, sizeof self, "%s/loop.vhdx", c.dir);
  struct stat st;
  ck_assert_int_eq(stat(c.raw, &st), 0);
  const char *g = "5eed0003-0000-4000-8000-000000000003";
  struct child_spec s = {self, c.p1, (uint64_t)st.st_size, g, g, "loop.vhdx", block0, 1, -1, NULL, 0, -1};
  write_child(&s);
  ck_assert_ptr_null(open_img(self, &d, &e));
  ck_assert_int_eq(e, RS_E_CORRUPT);
  ck_assert_ptr_nonnull(strstr(d.what, "loops"));
}
END_TEST

/* fixture-recipes section 0: an E01 (libewf), a hive (libregf) and a VHDX
 * (libvhdi) in one process, each library on its own libyal helpers: all
 * three read, and closing the E01 (where mixed copies crashed) is clean.
 * The binary carries libvhdi's helpers renamed and local, exports nothing
 * libyal, and leaves no libvhdi symbol for the shared libvhdi to fill. */
START_TEST(e01_hive_vhdx_one_process)
{
  RS_T_SKIP_IF(!have_qemu(), "qemu-img (qemu-utils) absent");
  const char *e01 = rs_t_src("fixtures/out/w2k-cr2-infected/disk.E01");
  RS_T_SKIP_IF(access(e01, R_OK) != 0, "fixture E01 absent");
  struct rs_image *ewf = open_ok(e01);
  ck_assert_str_eq(ewf->format, "ewf");
  char he[65];
  media_sha256(ewf, he);
  size_t len = 0;
  unsigned char *buf = rs_t_slurp(rs_t_src("fixtures/out/w2k-clean/hives/SYSTEM"), &len);
  ck_assert_ptr_nonnull(buf);
  struct rs_hive *h = NULL;
  struct rs_diag d;
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "SYSTEM", 0, &h, &d), RS_OK);
  struct rs_regval v;
  ck_assert_int_eq(rs_hive_get_value(h, "Select", "Current", &v, &d), RS_OK);
  ck_assert(v.present);
  const char *raw = rs_t_scenario_raw("w2k-cr2-infected");
  const char *c = convert(raw, "-O vhdx", "one.vhdx");
  struct rs_image *vx = open_ok(c);
  char hv[65], hr[65];
  media_sha256(vx, hv);
  file_sha256(raw, hr);
  ck_assert_str_eq(hv, hr);
  ck_assert_str_eq(he, hr); /* the E01 holds the same disk */
  rs_image_close(vx);
  rs_hive_close(h);
  free(buf);
  rs_image_close(ewf);

  RS_T_SKIP_IF(!rs_t_have("nm"), "nm absent");
  static const struct { const char *grep; int want; const char *why; } sym[] = {
      {"nm '%s/redsleuth' | grep -c ' t rs_own_vhdi_libbfio_handle_read_buffer$'", 1,
       "libvhdi's own libbfio, local"},
      {"nm '%s/redsleuth' | grep -c ' [TDBR] \\(rs_own_vhdi_\\|libvhdi_\\)'", 0,
       "global libvhdi symbols"},
      {"nm '%s/redsleuth' | grep -c ' U libvhdi_'", 0, "libvhdi symbols left undefined"},
      {"nm -D --defined-only '%s/redsleuth' | grep -c 'vhdi\\|libcdata_\\|libbfio_'", 0,
       "exported libyal symbols"},
  };
  for (size_t i = 0; i < sizeof sym / sizeof sym[0]; i++) {
    char cmd[4400], *o = NULL;
    snprintf(cmd, sizeof cmd, sym[i].grep, RS_BUILDDIR);
    rs_t_run(cmd, &o);
    ck_assert_msg(o && atoi(o) == sym[i].want, "%s: %s", sym[i].why, o ? o : "");
    free(o);
  }
}
END_TEST

Suite *rs_suite_vhdi(void)
{
  Suite *s = suite_create("vhdi");
  TCase *tc = tcase_create("vhdi");
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, qemu_containers_equal_raw, 0, (int)(sizeof made / sizeof made[0]));
  tcase_add_test(tc, vhdx_by_signature);
  tcase_add_test(tc, differencing_chain);
  tcase_add_test(tc, zero_block_over_parent);
  tcase_add_test(tc, parent_name_case);
  tcase_add_test(tc, bad_parents);
  tcase_add_test(tc, e01_hive_vhdx_one_process);
  suite_add_tcase(s, tc);
  return s;
}
