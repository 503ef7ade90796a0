/* Image layer: opening raw, split raw and EWF evidence, volumes, file
 * systems, ambiguity, and the peer tools' view of the same data. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "redsleuth/evidence.h"
#include "redsleuth/image.h"
#include "testutil.h"

static struct rs_image *open1(const char *path, const struct rs_image_opts *o)
{
  struct rs_image_opts def;
  rs_image_opts_init(&def);
  struct rs_image *img = NULL;
  struct rs_diag d;
  rs_diag_clear(&d);
  const char *segs[1] = {path};
  enum rs_err e = rs_image_open(segs, 1, o ? o : &def, &img, &d);
  ck_assert_msg(e == RS_OK, "open %s: %s: %s", path, rs_err_name(e), d.what);
  e = rs_image_volumes(img, o ? o : &def, &d);
  ck_assert_msg(e == RS_OK, "volumes %s: %s: %s", path, rs_err_name(e), d.what);
  return img;
}

/* Volumes as The Sleuth Kit's mmls sees them: "002:  000:000   0000000128 ..."
 * (GPT: "004:  000   0000002048 ...") lines whose slot is not Meta/-------. Returns the count, fills starts/lens. */
static int mmls_parts(const char *path, unsigned long long *starts, unsigned long long *lens,
                      int max)
{
  char cmd[4200], *out = NULL;
  snprintf(cmd, sizeof cmd, "mmls '%s' 2>/dev/null", path);
  if (rs_t_run(cmd, &out) != 0) {
    free(out);
    return -1;
  }
  int n = 0;
  for (char *line = strtok(out, "\n"); line && n < max; line = strtok(NULL, "\n")) {
    unsigned slot, a, b;
    unsigned long long s, e, l;
    /* DOS slots are "table:entry" (000:000), GPT slots one number (000) */
    if (sscanf(line, "%u: %u:%u %llu %llu %llu", &slot, &a, &b, &s, &e, &l) == 6 ||
        sscanf(line, "%u: %u %llu %llu %llu", &slot, &a, &s, &e, &l) == 5) {
      starts[n] = s;
      lens[n] = l;
      n++;
    }
  }
  free(out);
  return n;
}

START_TEST(mmls_e01_two_ntfs)
{
  const char *p = rs_t_realdata("images/imageformat_mmls_1.E01");
  RS_T_SKIP_IF(!p, "realdata absent");
  struct rs_image *img = open1(p, NULL);
  ck_assert_str_eq(img->format, "ewf");
  ck_assert_str_eq(img->vs_type, "dos");
  ck_assert_int_eq(img->nvol, 2);
  ck_assert_uint_eq(img->vols[0].start_sector, 128);
  ck_assert_uint_eq(img->vols[1].start_sector, 55424);
  for (int i = 0; i < 2; i++) {
    ck_assert_int_eq(img->vols[i].fs_kind, RS_FS_NTFS);
    ck_assert_ptr_nonnull(img->vols[i].fs);
    ck_assert(img->vols[i].drive_assumed);
    ck_assert_str_eq(img->vols[i].windows_root, "");
  }
  ck_assert_str_eq(img->vols[0].label, "Part 1");
  ck_assert_str_eq(img->vols[1].label, "Part 2");
  ck_assert_str_eq(img->vols[0].drive, "C:");
  ck_assert_str_eq(img->vols[1].drive, "D:");
  /* fsstat prints "Volume Serial Number: AE5C74505C7414F5". */
  if (rs_t_have("fsstat")) {
    char cmd[4200], *out = NULL, want[32];
    snprintf(cmd, sizeof cmd, "fsstat -o 128 '%s' | sed -n 's/^Volume Serial Number: //p'", p);
    ck_assert_int_eq(rs_t_run(cmd, &out), 0);
    snprintf(want, sizeof want, "%016llX\n", (unsigned long long)img->vols[0].serial);
    ck_assert_str_eq(out, want);
    free(out);
  }
  ck_assert_int_eq(img->nproblems, 0);
  rs_image_close(img);
}
END_TEST

/* The same volume list from the raw disk and from its two-segment EWF. */
static const char *const vs_cases[] = {"images/tsk_volume_system.raw", "images/image-split.E01"};

START_TEST(volume_system_raw_and_e01)
{
  const char *p = rs_t_realdata(vs_cases[_i]);
  RS_T_SKIP_IF(!p, "realdata absent");
  struct rs_image *img = open1(p, NULL);
  ck_assert_uint_eq(img->media_size, 1474560);
  ck_assert_int_eq(img->nseg, _i == 1 ? 2 : 1);
  ck_assert_int_eq(img->nvol, 2);
  ck_assert_uint_eq(img->vols[0].start_sector, 1);
  ck_assert_uint_eq(img->vols[0].sectors, 350);
  ck_assert_uint_eq(img->vols[1].start_sector, 352);
  ck_assert_uint_eq(img->vols[1].sectors, 2528);
  /* fsstat: sector 1 "Cannot determine file system type", sector 352 Ext2. */
  ck_assert_int_eq(img->vols[0].fs_kind, RS_FS_NONE);
  ck_assert_int_eq(img->vols[1].fs_kind, RS_FS_OTHER);
  ck_assert_str_eq(img->vols[1].fs_name, "ext2");
  ck_assert_str_eq(img->vols[0].drive, "");
  ck_assert_int_eq(img->nproblems, 1); /* the unrecognised volume */
  if (rs_t_have("mmls")) {
    unsigned long long s[8], l[8];
    int n = mmls_parts(p, s, l, 8);
    ck_assert_int_eq(n, img->nvol);
    for (int i = 0; i < n; i++) {
      ck_assert_uint_eq(s[i], img->vols[i].start_sector);
      ck_assert_uint_eq(l[i], img->vols[i].sectors);
    }
  }
  rs_image_close(img);
}
END_TEST

START_TEST(split_raw_000_found)
{
  const char *p = rs_t_realdata("images/image.raw.000");
  RS_T_SKIP_IF(!p, "realdata absent");
  struct rs_image *img = open1(p, NULL);
  ck_assert_str_eq(img->format, "split-raw");
  ck_assert_int_eq(img->nseg, 2);
  ck_assert_ptr_nonnull(strstr(img->segments[1], "image.raw.001"));
  ck_assert_uint_eq(img->media_size, 102400);
  ck_assert_int_eq(img->nvol, 1);
  ck_assert_int_eq(img->vols[0].fs_kind, RS_FS_OTHER); /* ext2 */
  ck_assert_str_eq(img->vols[0].drive, "");
  ck_assert_int_eq(img->nproblems, 0);
  rs_image_close(img);
}
END_TEST

/* DFTT images: bare volumes without a partition table. */
static const struct {
  const char *zip, *member;
  enum rs_fs_kind kind;
} bare_cases[] = {
    {"images/7-undel-ntfs.zip", "7-undel-ntfs/7-ntfs-undel.dd", RS_FS_NTFS},
    {"images/6-undel-fat.zip", "6-undel-fat/6-fat-undel.dd", RS_FS_FAT12},
};

START_TEST(bare_volume)
{
  const char *why = NULL;
  const char *p = rs_t_realdata_zip(bare_cases[_i].zip, bare_cases[_i].member, &why);
  RS_T_SKIP_IF(!p, why);
  struct rs_image *img = open1(p, NULL);
  ck_assert_str_eq(img->vs_type, "none");
  ck_assert_int_eq(img->nvol, 1);
  ck_assert_uint_eq(img->vols[0].start_sector, 0);
  if (bare_cases[_i].kind == RS_FS_NTFS)
    ck_assert_int_eq(img->vols[0].fs_kind, RS_FS_NTFS);
  else
    ck_assert(img->vols[0].fs_kind >= RS_FS_FAT12 && img->vols[0].fs_kind <= RS_FS_FAT32);
  ck_assert_str_eq(img->vols[0].drive, "C:");
  if (rs_t_have("fsstat")) {
    char cmd[4200], *out = NULL;
    snprintf(cmd, sizeof cmd, "fsstat '%s' | sed -n 's/^File System Type: //p'", p);
    ck_assert_int_eq(rs_t_run(cmd, &out), 0);
    char want[32];
    snprintf(want, sizeof want, "%s\n", rs_fs_kind_name(img->vols[0].fs_kind));
    for (char *c = want; *c; c++)
      *c = (char)toupper((unsigned char)*c);
    ck_assert_str_eq(out, want);
    free(out);
  }
  rs_image_close(img);
}
END_TEST

/* A split made here with split(1): same media size, same volume list and
 * the same bytes as the joined file. */
START_TEST(split_equals_joined)
{
  const char *p = rs_t_realdata("images/tsk_volume_system.raw");
  RS_T_SKIP_IF(!p, "realdata absent");
  const char *dir = rs_t_tmpdir();
  static const char *const styles[] = {"-d -a 3 --numeric-suffixes=1", "-d -a 3", "-a 2"};
  static const char *const first[] = {"001", "000", "aa"};
  struct rs_image *whole = open1(p, NULL);
  struct rs_media_hashes hw;
  ck_assert_int_eq(rs_media_hash(whole, &hw, NULL), RS_OK);
  for (int s = 0; s < 3; s++) {
    char cmd[4400], seg[4200];
    snprintf(cmd, sizeof cmd, "split -b 500000 %s '%s' '%s/s%d.'", styles[s], p, dir, s);
    ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
    snprintf(seg, sizeof seg, "%s/s%d.%s", dir, s, first[s]);
    struct rs_image *img = open1(seg, NULL);
    ck_assert_str_eq(img->format, "split-raw");
    ck_assert_int_eq(img->nseg, 3);
    ck_assert_uint_eq(img->media_size, whole->media_size);
    ck_assert_int_eq(img->nvol, whole->nvol);
    for (int i = 0; i < img->nvol; i++)
      ck_assert_uint_eq(img->vols[i].start_sector, whole->vols[i].start_sector);
    struct rs_media_hashes h;
    ck_assert_int_eq(rs_media_hash(img, &h, NULL), RS_OK);
    ck_assert_str_eq(h.sha256, hw.sha256);
    rs_image_close(img);
  }
  rs_image_close(whole);
}
END_TEST

/* The other containers this libtsk build opens, each made here from the same
 * raw disk: same format name as detected from the magic bytes, same media
 * size, same volume list and the same media hash as the raw file. */
static const char *const containers[] = {"vhd", "vmdk", "aff"};

START_TEST(container_formats)
{
  const char *p = rs_t_realdata("images/tsk_volume_system.raw");
  RS_T_SKIP_IF(!p, "realdata absent");
  const char *fmt = containers[_i];
  RS_T_SKIP_IF(strcmp(fmt, "aff") == 0 && !rs_t_have("affconvert"), "affconvert (afflib-tools) absent");
  /* a private copy: the vmdk descriptor goes beside it, never beside evidence */
  char raw[4200], cmd[8600];
  snprintf(raw, sizeof raw, "%s/vs-%s.raw", rs_t_tmpdir(), fmt);
  snprintf(cmd, sizeof cmd, "cp '%s' '%s'", p, raw);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  const char *c = rs_t_container(raw, fmt);
  ck_assert_msg(c != NULL, "could not build the %s container", fmt);
  struct rs_image *whole = open1(raw, NULL), *img = open1(c, NULL);
  ck_assert_str_eq(img->format, fmt);
  ck_assert_uint_eq(img->media_size, whole->media_size);
  ck_assert_str_eq(img->vs_type, whole->vs_type);
  ck_assert_int_eq(img->nvol, whole->nvol);
  ck_assert_int_eq(img->nvol, 2);
  for (int i = 0; i < img->nvol; i++) {
    ck_assert_uint_eq(img->vols[i].start_sector, whole->vols[i].start_sector);
    ck_assert_uint_eq(img->vols[i].sectors, whole->vols[i].sectors);
    ck_assert_int_eq(img->vols[i].fs_kind, whole->vols[i].fs_kind);
  }
  struct rs_media_hashes hw, h;
  ck_assert_int_eq(rs_media_hash(whole, &hw, NULL), RS_OK);
  ck_assert_int_eq(rs_media_hash(img, &h, NULL), RS_OK);
  ck_assert_str_eq(h.sha256, hw.sha256);
  ck_assert_str_eq(h.md5, hw.md5);
  rs_image_close(img);
  rs_image_close(whole);
}
END_TEST

/* GPT, made here with sfdisk: two named partitions, FAT in the second. The
 * volume list (starts, lengths, names) equals mmls's; the FAT volume is
 * found and labelled, the empty one reported without a file system. */
START_TEST(gpt_volumes)
{
  RS_T_SKIP_IF(!rs_t_have("sfdisk") || !rs_t_have("mkfs.vfat"), "sfdisk/mkfs.vfat absent");
  char path[4200], cmd[9000];
  snprintf(path, sizeof path, "%s/gpt.img", rs_t_tmpdir());
  snprintf(cmd, sizeof cmd,
           "truncate -s 8M '%s' && printf 'label: gpt\\nstart=2048, size=4096, "
           "type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name=\"data1\"\\nstart=6144, size=8192, "
           "type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name=\"win\"\\n' | sfdisk -q '%s' && "
           "mkfs.vfat --offset 6144 -n GPTWIN '%s' 4096 >/dev/null 2>&1",
           path, path, path);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  struct rs_image *img = open1(path, NULL);
  ck_assert_str_eq(img->vs_type, "gpt");
  ck_assert_int_eq(img->nvol, 2);
  ck_assert_uint_eq(img->vols[0].start_sector, 2048);
  ck_assert_uint_eq(img->vols[0].sectors, 4096);
  ck_assert_str_eq(img->vols[0].part_desc, "data1");
  ck_assert_int_eq(img->vols[0].fs_kind, RS_FS_NONE);
  ck_assert_uint_eq(img->vols[1].start_sector, 6144);
  ck_assert_uint_eq(img->vols[1].sectors, 8192);
  ck_assert_str_eq(img->vols[1].part_desc, "win");
  ck_assert(img->vols[1].fs_kind >= RS_FS_FAT12 && img->vols[1].fs_kind <= RS_FS_FAT32);
  ck_assert_str_eq(img->vols[1].label, "GPTWIN");
  unsigned long long st[8], ln[8];
  int n = mmls_parts(path, st, ln, 8);
  if (n >= 0) {
    ck_assert_int_eq(n, img->nvol);
    for (int i = 0; i < n; i++) {
      ck_assert_uint_eq(st[i], img->vols[i].start_sector);
      ck_assert_uint_eq(ln[i], img->vols[i].sectors);
    }
  }
  rs_image_close(img);
}
END_TEST

/* A split set with its middle segment gone: opens, flagged as incomplete. */
START_TEST(split_missing_middle)
{
  const char *p = rs_t_realdata("images/tsk_volume_system.raw");
  RS_T_SKIP_IF(!p, "realdata absent");
  const char *dir = rs_t_tmpdir();
  char cmd[4400], seg[4200];
  snprintf(cmd, sizeof cmd, "split -b 500000 -d -a 3 --numeric-suffixes=1 '%s' '%s/m.' && rm '%s/m.002'",
           p, dir, dir);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  snprintf(seg, sizeof seg, "%s/m.001", dir);
  struct rs_image *img = NULL;
  struct rs_image_opts o;
  rs_image_opts_init(&o);
  const char *segs[1] = {seg};
  ck_assert_int_eq(rs_image_open(segs, 1, &o, &img, NULL), RS_OK);
  ck_assert_int_eq(img->nseg, 1);
  ck_assert_uint_eq(img->media_size, 500000);
  ck_assert_int_ge(img->nproblems, 1);
  ck_assert_ptr_nonnull(strstr(img->problems[0], "m.002 is missing"));
  rs_image_close(img);
}
END_TEST

/* An image that is both ext2 and FAT (a FAT boot sector written over an
 * ext2 volume's unused boot block): reported as ambiguous, never guessed. */
START_TEST(ambiguous_fs)
{
  RS_T_SKIP_IF(!rs_t_have("mkfs.ext2") || !rs_t_have("mkfs.vfat"), "mkfs.ext2/mkfs.vfat absent");
  const char *dir = rs_t_tmpdir();
  char cmd[2048], path[600];
  snprintf(cmd, sizeof cmd,
           "cd '%s' && truncate -s 4M e.img f.img && mkfs.ext2 -q -F e.img >/dev/null 2>&1 && "
           "mkfs.vfat -F 12 -R 4 f.img >/dev/null 2>&1 && cp e.img amb.img && "
           "dd if=f.img of=amb.img bs=512 count=1 conv=notrunc 2>/dev/null",
           dir);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  snprintf(path, sizeof path, "%s/amb.img", dir);
  struct rs_image *img = open1(path, NULL);
  ck_assert_int_eq(img->nvol, 1);
  ck_assert(img->vols[0].ambiguous);
  ck_assert_ptr_null(img->vols[0].fs);
  ck_assert_int_eq(img->vols[0].fs_kind, RS_FS_NONE);
  ck_assert_ptr_nonnull(strstr(img->vols[0].note, "FAT"));
  ck_assert_ptr_nonnull(strstr(img->vols[0].note, "EXT"));
  rs_image_close(img);
  /* -f picks one explicitly. */
  struct rs_image_opts o;
  rs_image_opts_init(&o);
  o.fs_type = "fat";
  img = open1(path, &o);
  ck_assert(!img->vols[0].ambiguous);
  ck_assert(img->vols[0].fs_kind == RS_FS_FAT12);
  rs_image_close(img);
}
END_TEST

/* -o skips partition detection; -i forces the image type. */
START_TEST(offset_and_type_override)
{
  const char *p = rs_t_realdata("images/imageformat_mmls_1.E01");
  RS_T_SKIP_IF(!p, "realdata absent");
  struct rs_image_opts o;
  rs_image_opts_init(&o);
  o.fs_offset = 55424;
  o.img_type = "ewf";
  struct rs_image *img = open1(p, &o);
  ck_assert_int_eq(img->nvol, 1);
  ck_assert_int_eq(img->vols[0].fs_kind, RS_FS_NTFS);
  ck_assert_str_eq(img->vols[0].label, "Part 2");
  rs_image_close(img);
  /* Forcing raw on an E01 opens the container bytes: no NTFS at 55424. */
  o.img_type = "raw";
  struct rs_image *raw = NULL;
  const char *segs[1] = {p};
  struct rs_diag d;
  enum rs_err e = rs_image_open(segs, 1, &o, &raw, &d);
  ck_assert_int_eq(e, RS_OK);
  ck_assert_str_eq(raw->format, "raw");
  rs_image_close(raw);
  o.img_type = "nonsense";
  ck_assert_int_eq(rs_image_open(segs, 1, &o, &raw, &d), RS_E_USAGE);
  ck_assert_ptr_null(raw);
}
END_TEST

/* Reading a file by path; absence is a result. */
START_TEST(read_path)
{
  const char *why = NULL;
  const char *p = rs_t_realdata_zip("images/7-undel-ntfs.zip", "7-undel-ntfs/7-ntfs-undel.dd", &why);
  RS_T_SKIP_IF(!p, why);
  struct rs_image *img = open1(p, NULL);
  uint8_t *data = NULL;
  size_t len = 0;
  uint64_t inum = 0;
  ck_assert_int_eq(rs_volume_read_path(&img->vols[0], "/$Volume", 1 << 20, &data, &len, &inum, NULL),
                   RS_OK);
  ck_assert_uint_eq(inum, 3);
  free(data);
  ck_assert_int_eq(rs_volume_read_path(&img->vols[0], "/no/such/file", 1 << 20, &data, &len,
                                       NULL, NULL), RS_OK);
  ck_assert_ptr_null(data);
  ck_assert_uint_eq(len, 0);
  struct rs_diag d;
  ck_assert_int_eq(rs_volume_read_path(&img->vols[0], "/$MFT", 16, &data, &len, NULL, &d),
                   RS_E_LIMIT);
  ck_assert_ptr_null(data);
  rs_image_close(img);
}
END_TEST

START_TEST(supported_types)
{
  const char *t = rs_image_supported_types();
  ck_assert_ptr_nonnull(strstr(t, "raw"));
  ck_assert_ptr_nonnull(strstr(t, "ewf")); /* this build must open E01 */
  ck_assert_str_eq(rs_fs_kind_name(RS_FS_FAT16), "fat16");
  ck_assert_str_eq(rs_fs_kind_name((enum rs_fs_kind)99), "none");
  rs_image_close(NULL);
}
END_TEST

/* A FAT volume with a Windows folder under an unusual name: found by
 * looking at every top-level directory, reported in the stored case. */
START_TEST(windows_root_found)
{
  RS_T_SKIP_IF(!rs_t_have_mtools(), "dosfstools/mtools absent");
  const char *dir = rs_t_tmpdir();
  static const char *const roots[] = {"WINNT", "W2KSRV"};
  for (int r = 0; r < 2; r++) {
    char cmd[8192], path[600];
    snprintf(path, sizeof path, "%s/win%d.img", dir, r);
    rs_t_fat16(path, 20, "WIN");
    snprintf(cmd, sizeof cmd,
             "echo regf > '%s.hive' && " RS_T_MTOOLS "mmd -i '%s' ::/Data ::/%s ::/%s/system32 "
             "::/%s/system32/config && " RS_T_MTOOLS "mcopy -i '%s' '%s.hive' "
             "::/%s/system32/config/SYSTEM",
             path, path, roots[r], roots[r], roots[r], path, path, roots[r]);
    ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
    struct rs_image *img = open1(path, NULL);
    ck_assert_int_eq(img->vols[0].fs_kind, RS_FS_FAT16);
    ck_assert_str_eq(img->vols[0].label, "WIN");
    char want[64];
    snprintf(want, sizeof want, "/%s", roots[r]);
    ck_assert_str_eq(img->vols[0].windows_root, want);
    ck_assert_str_eq(img->vols[0].drive, "C:");
    rs_image_close(img);
  }
}
END_TEST

/* ---- segments taken on trust (issue 20, items 3 and 7) ---------------------- */

/* rs_image_open on n segments; the diag in *d. */
static enum rs_err open_n(const char *const *segs, int n, struct rs_image **img, struct rs_diag *d)
{
  struct rs_image_opts o;
  rs_image_opts_init(&o);
  rs_diag_clear(d);
  *img = NULL;
  return rs_image_open(segs, n, &o, img, d);
}

/* tsk_volume_system.raw (1474560 bytes) as s.001-s.003 of 491520 bytes
 * each, in a fresh folder; returns the folder. */
static const char *split3(const char *name)
{
  const char *p = rs_t_realdata("images/tsk_volume_system.raw");
  static char dir[4200];
  char cmd[9000];
  snprintf(dir, sizeof dir, "%s/%s", rs_t_tmpdir(), name);
  snprintf(cmd, sizeof cmd,
           "rm -rf '%s' && mkdir '%s' && split -b 491520 -d -a 3 --numeric-suffixes=1 '%s' "
           "'%s/s.'",
           dir, dir, p, dir);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  return dir;
}

/* The same file named twice, under any name, is a usage error: the media
 * and its hashes would cover a disk that never existed. */
START_TEST(segment_named_twice)
{
  RS_T_SKIP_IF(!rs_t_realdata("images"), "realdata absent");
  const char *dir = split3("twice");
  char a[4300], b[4300], c[4300], a2[4300];
  snprintf(a, sizeof a, "%s/s.001", dir);
  snprintf(b, sizeof b, "%s/s.002", dir);
  snprintf(c, sizeof c, "%s/s.003", dir);
  snprintf(a2, sizeof a2, "%s/../twice/./s.001", dir);
  struct rs_image *img;
  struct rs_diag d;
  const char *same[2] = {a, a};
  ck_assert_int_eq(open_n(same, 2, &img, &d), RS_E_USAGE);
  ck_assert_ptr_null(img);
  ck_assert_msg(strstr(d.what, "named twice (segments 1 and 2"), "%s", d.what);
  const char *other_name[2] = {a, a2};
  ck_assert_int_eq(open_n(other_name, 2, &img, &d), RS_E_USAGE);
  const char *thrice[9] = {a, b, c, a, b, c, a, b, c};
  ck_assert_int_eq(open_n(thrice, 9, &img, &d), RS_E_USAGE);
  ck_assert_msg(strstr(d.what, "segments 1 and 4"), "%s", d.what);
  ck_assert_str_eq(d.where, a);
  /* the set given once, in order: fine, no warning */
  ck_assert_int_eq(open_n(thrice, 3, &img, &d), RS_OK);
  ck_assert_uint_eq(img->media_size, 1474560);
  ck_assert_int_eq(img->nwarnings, 0);
  rs_image_close(img);
}
END_TEST

/* A FIFO blocks open() forever; a character device never ends. Refused at
 * once, as a named segment and as one libtsk or libewf would find. */
START_TEST(segment_not_a_file)
{
  RS_T_SKIP_IF(!rs_t_realdata("images"), "realdata absent");
  const char *dir = rs_t_tmpdir();
  char cmd[9000], fifo[4300], raw0[4300], e01[4300];
  snprintf(fifo, sizeof fifo, "%s/pipe.dd", dir);
  snprintf(raw0, sizeof raw0, "%s/fi/image.raw.000", dir);
  snprintf(e01, sizeof e01, "%s/fe/image-split.E01", dir);
  snprintf(cmd, sizeof cmd,
           "mkfifo '%s' && mkdir -p '%s/fi' '%s/fe' && cp '%s' '%s' && mkfifo '%s/fi/image.raw.001'"
           " && cp '%s' '%s' && mkfifo '%s/fe/image-split.E02'",
           fifo, dir, dir, rs_t_realdata("images/image.raw.000"), raw0, dir,
           rs_t_realdata("images/image-split.E01"), e01, dir);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  alarm(10); /* a hang fails the test here, not after Check's timeout */
  static const struct {
    int which;
    const char *where, *what;
  } cases[] = {
      {0, "pipe.dd", "is a FIFO (named pipe), not an image file"},
      {1, "fi/image.raw.001", "found as segment 2 of the set: is a FIFO"},
      {2, "fe/image-split.E02", "found as segment 2 of the set: is a FIFO"},
      {3, "/dev/null", "is a character device, not an image file"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *seg[1] = {cases[i].which == 0   ? fifo
                          : cases[i].which == 1 ? raw0
                          : cases[i].which == 2 ? e01
                                                : "/dev/null"};
    struct rs_image *img;
    struct rs_diag d;
    ck_assert_int_eq(open_n(seg, 1, &img, &d), RS_E_OPEN);
    ck_assert_msg(strstr(d.where, cases[i].where), "case %zu: where %s", i, d.where);
    ck_assert_msg(strstr(d.what, cases[i].what), "case %zu: %s", i, d.what);
  }
  /* given as a later segment by name */
  const char *two[2] = {rs_t_realdata("images/image.raw.000"), fifo};
  struct rs_image *img;
  struct rs_diag d;
  ck_assert_int_eq(open_n(two, 2, &img, &d), RS_E_OPEN);
  ck_assert_str_eq(d.where, fifo);
  alarm(0);
}
END_TEST

/* Sizes that do not fit a split set: a warning with the sizes, the image
 * still opened (issue 20, item 7). */
START_TEST(segment_sizes_warning)
{
  RS_T_SKIP_IF(!rs_t_realdata("images"), "realdata absent");
  const char *dir = split3("sizes");
  char cmd[9000], first[4300];
  snprintf(first, sizeof first, "%s/s.001", dir);
  const char *seg[1] = {first};
  struct rs_image *img;
  struct rs_diag d;
  /* a stray s.004 of 1000 bytes is appended by libtsk's glob */
  snprintf(cmd, sizeof cmd, "head -c 1000 /dev/urandom > '%s/s.004'", dir);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  ck_assert_int_eq(open_n(seg, 1, &img, &d), RS_OK);
  ck_assert_int_eq(img->nseg, 4);
  ck_assert_uint_eq(img->media_size, 1475560);
  ck_assert_int_eq(img->nwarnings, 1);
  const char *w = img->warnings[0];
  static const char head[] = "SEGMENT SET INCONSISTENT: the media, 1475560 bytes, is not a "
                              "whole number of 512-byte sectors;";
  ck_assert_msg(strncmp(w, head, sizeof head - 1) == 0, "%s", w);
  ck_assert_msg(strstr(w, "(segment sizes: s.001-s.003 491520 bytes each, s.004 1000 bytes)"),
                "%s", w);
  rs_image_close(img);
  /* a middle segment shorter than the first (the total still whole sectors) */
  snprintf(cmd, sizeof cmd, "rm '%s/s.004' && truncate -s 245760 '%s/s.002'", dir, dir);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  ck_assert_int_eq(open_n(seg, 1, &img, &d), RS_OK);
  ck_assert_int_eq(img->nwarnings, 1);
  ck_assert_msg(strstr(img->warnings[0], "segment 2 (s.002) is shorter than the first (245760 "
                                         "bytes, not 491520)"), "%s", img->warnings[0]);
  ck_assert_ptr_nonnull(strstr(img->warnings[0], "s.001 491520 bytes, s.002 245760 bytes, "
                                                 "s.003 491520 bytes)"));
  rs_image_close(img);
  /* the last one larger than the first, named explicitly */
  char b[4300], c[4300];
  snprintf(b, sizeof b, "%s/s.002", dir);
  snprintf(c, sizeof c, "%s/s.003", dir);
  snprintf(cmd, sizeof cmd, "truncate -s 491520 '%s' && truncate -s 983040 '%s'", b, c);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  const char *three[3] = {first, b, c};
  ck_assert_int_eq(open_n(three, 3, &img, &d), RS_OK);
  ck_assert_int_eq(img->nwarnings, 1);
  ck_assert_ptr_nonnull(strstr(img->warnings[0], "the last segment (s.003) is longer"));
  rs_image_close(img);
  /* a single raw image, whatever its size, is not a set */
  snprintf(cmd, sizeof cmd, "head -c 1475560 '%s' > '%s/single.dd'",
           rs_t_realdata("images/tsk_volume_system.raw"), dir);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  char single[4300];
  snprintf(single, sizeof single, "%s/single.dd", dir);
  seg[0] = single;
  ck_assert_int_eq(open_n(seg, 1, &img, &d), RS_OK);
  ck_assert_int_eq(img->nwarnings, 0);
  rs_image_close(img);
}
END_TEST

/* The media hash's progress line: percent, size and time left (issue 20,
 * item 8), under 80 columns with the "redsleuth: " prefix. */
START_TEST(hash_progress_text)
{
  const uint64_t mib = 1024 * 1024;
  static const struct {
    uint64_t done, total, rate_bytes;
    double rate_s;
    bool ended;
    const char *want;
  } cases[] = {
      {512 * 1024 * 1024ULL, 2048 * 1024 * 1024ULL, 256 * 1024 * 1024ULL, 1.0, false,
       "hashing the media:  25% of 2048 MiB, about 6 s left"},
      {0, 2048 * 1024 * 1024ULL, 0, 0.2, false,
       "hashing the media:   0% of 2048 MiB, estimating the time left"},
      {10 * 1024 * 1024ULL, 2048 * 1024 * 1024ULL, 10 * 1024 * 1024ULL, 0.3, false,
       "hashing the media:   0% of 2048 MiB, estimating the time left"},
      /* 2 TiB at 1 GiB/s with a quarter done: 1536 s */
      {512ULL << 30, 2048ULL << 30, 1ULL << 30, 1.0, false,
       "hashing the media:  25% of 2097152 MiB, about 25 min 36 s left"},
      /* at 100 MiB/s: 15729 s */
      {512ULL << 30, 2048ULL << 30, 100ULL << 20, 1.0, false,
       "hashing the media:  25% of 2097152 MiB, about 4 h 22 min left"},
      {2048 * 1024 * 1024ULL, 2048 * 1024 * 1024ULL, 1, 1.0, true,
       "hashing the media: 100% of 2048 MiB, done"},
      {1024 * 1024 * 1024ULL, 2048 * 1024 * 1024ULL, 1, 1.0, true,
       "hashing the media:  50% of 2048 MiB, stopped (read error)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char line[200];
    rs_hash_progress_text(line, sizeof line, cases[i].done, cases[i].total, cases[i].rate_bytes,
                          cases[i].rate_s, cases[i].ended);
    ck_assert_str_eq(line, cases[i].want);
    ck_assert_uint_lt(strlen(line) + strlen("redsleuth: "), 80);
  }
  /* a short buffer is cut, never overrun */
  char small[16];
  rs_hash_progress_text(small, sizeof small, mib, 2 * mib, mib, 1.0, false);
  ck_assert_str_eq(small, "hashing the med");
}
END_TEST

Suite *rs_suite_image(void)
{
  Suite *s = suite_create("image");
  TCase *tc = tcase_create("image");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, mmls_e01_two_ntfs);
  tcase_add_loop_test(tc, volume_system_raw_and_e01, 0, 2);
  tcase_add_test(tc, split_raw_000_found);
  tcase_add_loop_test(tc, bare_volume, 0, 2);
  tcase_add_test(tc, split_equals_joined);
  tcase_add_test(tc, split_missing_middle);
  tcase_add_loop_test(tc, container_formats, 0, 3);
  tcase_add_test(tc, gpt_volumes);
  tcase_add_test(tc, ambiguous_fs);
  tcase_add_test(tc, offset_and_type_override);
  tcase_add_test(tc, read_path);
  tcase_add_test(tc, supported_types);
  tcase_add_test(tc, windows_root_found);
  tcase_add_test(tc, segment_named_twice);
  tcase_add_test(tc, segment_not_a_file);
  tcase_add_test(tc, segment_sizes_warning);
  tcase_add_test(tc, hash_progress_text);
  suite_add_tcase(s, tc);
  return s;
}
