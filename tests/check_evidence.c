/* Media hashing and EWF stored metadata, checked against the hashes the
 * acquisition tools stored and against ewfinfo. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/evp.h>
#include <libregf.h>

#include "redsleuth/evidence.h"
#include "redsleuth/image.h"
#include "testutil.h"

static struct rs_image *open_only(const char *path)
{
  struct rs_image_opts o;
  rs_image_opts_init(&o);
  struct rs_image *img = NULL;
  struct rs_diag d;
  const char *segs[1] = {path};
  enum rs_err e = rs_image_open(segs, 1, &o, &img, &d);
  ck_assert_msg(e == RS_OK, "%s: %s", path, d.what);
  return img;
}

/* The MD5 we compute over the media equals the one the imager stored. */
static const struct {
  const char *file, *stored_md5;
  uint64_t size;
} hash_cases[] = {
    {"images/imageformat_mmls_1.E01", "8ec671e301095c258224aad701740503", 62915072},
    {"images/image-split.E01", "38ea5af8a80e16e46c095c9110242fc0", 1474560},
};

START_TEST(ewf_hash_matches_stored)
{
  const char *p = rs_t_realdata(hash_cases[_i].file);
  RS_T_SKIP_IF(!p, "realdata absent");
  struct rs_image *img = open_only(p);
  struct rs_media_hashes h;
  struct rs_diag d;
  ck_assert_int_eq(rs_media_hash(img, &h, &d), RS_OK);
  ck_assert(h.done);
  ck_assert_uint_eq(h.bytes, hash_cases[_i].size);
  ck_assert_str_eq(h.md5, hash_cases[_i].stored_md5);
  ck_assert_uint_eq(strlen(h.sha1), 40);
  ck_assert_uint_eq(strlen(h.sha256), 64);
  struct rs_ewf_meta m;
  ck_assert_int_eq(rs_ewf_read_meta(img, &m, &d), RS_OK);
  ck_assert(m.is_ewf);
  ck_assert(m.has_md5);
  ck_assert_str_eq(m.md5, h.md5);
  rs_image_close(img);
}
END_TEST

/* image-split.E01's media is tsk_volume_system.raw: same MD5 and SHA-256
 * (the SHA-256 of the raw file computed independently by the test helper). */
START_TEST(ewf_media_equals_raw)
{
  const char *e01 = rs_t_realdata("images/image-split.E01");
  const char *raw = rs_t_realdata("images/tsk_volume_system.raw");
  RS_T_SKIP_IF(!e01, "realdata absent");
  struct rs_image *a = open_only(e01), *b = open_only(raw);
  struct rs_media_hashes ha, hb;
  ck_assert_int_eq(rs_media_hash(a, &ha, NULL), RS_OK);
  ck_assert_int_eq(rs_media_hash(b, &hb, NULL), RS_OK);
  ck_assert_str_eq(ha.md5, "38ea5af8a80e16e46c095c9110242fc0");
  ck_assert_str_eq(hb.md5, ha.md5);
  ck_assert_str_eq(hb.sha1, ha.sha1);
  char want[65];
  rs_t_sha256_file(raw, want);
  ck_assert_str_eq(hb.sha256, want);
  ck_assert_str_eq(ha.sha256, want);
  rs_image_close(a);
  rs_image_close(b);
}
END_TEST

/* Header values against ewfinfo's "Acquiry information". */
START_TEST(ewf_meta_headers)
{
  const char *p = rs_t_realdata("images/image-split.E01");
  RS_T_SKIP_IF(!p, "realdata absent");
  struct rs_image *img = open_only(p);
  struct rs_ewf_meta m;
  ck_assert_int_eq(rs_ewf_read_meta(img, &m, NULL), RS_OK);
  ck_assert_str_eq(m.case_number, "Case");
  ck_assert_str_eq(m.evidence_number, "Evidence");
  ck_assert_str_eq(m.examiner, "John");
  ck_assert_str_eq(m.description, "Description");
  ck_assert_str_eq(m.notes, "dfVFS split EWF-E01 test file");
  ck_assert_str_eq(m.acquiry_os, "Linux");
  ck_assert_str_eq(m.acquiry_software_version, "20140406");
  ck_assert(!m.has_sha1);
  if (rs_t_have("ewfinfo")) {
    char cmd[4200], *out = NULL;
    snprintf(cmd, sizeof cmd, "ewfinfo '%s' | sed -n 's/^\tExaminer name:\t*//p'", p);
    ck_assert_int_eq(rs_t_run(cmd, &out), 0);
    char want[300];
    snprintf(want, sizeof want, "%s\n", m.examiner);
    ck_assert_str_eq(out, want);
    free(out);
  }
  rs_image_close(img);
}
END_TEST

START_TEST(raw_is_not_ewf)
{
  const char *p = rs_t_realdata("images/tsk_volume_system.raw");
  RS_T_SKIP_IF(!p, "realdata absent");
  struct rs_image *img = open_only(p);
  struct rs_ewf_meta m;
  ck_assert_int_eq(rs_ewf_read_meta(img, &m, NULL), RS_OK);
  ck_assert(!m.is_ewf);
  ck_assert(!m.has_md5);
  rs_image_close(img);
}
END_TEST

/* Hashing in its own thread beside volume analysis on the same image. */
struct hjob {
  const struct rs_image *img;
  struct rs_media_hashes h;
  enum rs_err e;
};
static void *hash_thread(void *arg)
{
  struct hjob *j = arg;
  j->e = rs_media_hash(j->img, &j->h, NULL);
  return NULL;
}

START_TEST(hash_beside_analysis)
{
  const char *p = rs_t_realdata("images/imageformat_mmls_1.E01");
  RS_T_SKIP_IF(!p, "realdata absent");
  struct rs_image *img = open_only(p);
  struct hjob j = {img, {0}, RS_E_INTERNAL};
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, hash_thread, &j), 0);
  struct rs_image_opts o;
  rs_image_opts_init(&o);
  ck_assert_int_eq(rs_image_volumes(img, &o, NULL), RS_OK);
  pthread_join(t, NULL);
  ck_assert_int_eq(j.e, RS_OK);
  ck_assert_str_eq(j.h.md5, "8ec671e301095c258224aad701740503");
  ck_assert_int_eq(img->nvol, 2);
  rs_image_close(img);
}
END_TEST

/* fixture-recipes section 0: an E01 opened and closed through TSK (libewf)
 * and a hive opened from memory through libregf/libbfio in the same
 * process. With the wrong link line tsk_img_close() segfaults here. */
START_TEST(e01_and_hive_same_process)
{
  const char *e01 = rs_t_realdata("images/image-split.E01");
  const char *hive = rs_t_realdata("registry/NTUSER.DAT");
  RS_T_SKIP_IF(!e01 || !hive, "realdata absent");
  size_t len = 0;
  unsigned char *buf = rs_t_slurp(hive, &len);
  ck_assert_ptr_nonnull(buf);
  libbfio_handle_t *io = NULL;
  libregf_file_t *rf = NULL;
  ck_assert_int_eq(libbfio_memory_range_initialize(&io, NULL), 1);
  ck_assert_int_eq(libbfio_memory_range_set(io, buf, len, NULL), 1);
  ck_assert_int_eq(libregf_file_initialize(&rf, NULL), 1);
  ck_assert_int_eq(libregf_file_open_file_io_handle(rf, io, LIBREGF_OPEN_READ, NULL), 1);

  struct rs_image *img = open_only(e01);
  struct rs_image_opts o;
  rs_image_opts_init(&o);
  ck_assert_int_eq(rs_image_volumes(img, &o, NULL), RS_OK);
  struct rs_ewf_meta m;
  ck_assert_int_eq(rs_ewf_read_meta(img, &m, NULL), RS_OK);

  libregf_key_t *root = NULL;
  ck_assert_int_eq(libregf_file_get_root_key(rf, &root, NULL), 1);
  int nsub = 0;
  ck_assert_int_eq(libregf_key_get_number_of_sub_keys(root, &nsub, NULL), 1);
  ck_assert_int_gt(nsub, 0);
  libregf_key_free(&root, NULL);

  rs_image_close(img); /* the close that crashed */
  libregf_file_close(rf, NULL);
  libregf_file_free(&rf, NULL);
  libbfio_handle_free(&io, NULL);
  free(buf);
}
END_TEST

/* The hash pool's edges (hash.c: 2 MiB chunks in a ring of 4, two
 * workers): media one byte short of a chunk, exactly one, one byte over,
 * and long enough for the ring to wrap with a short last chunk. Each digest
 * equals libcrypto's one-shot digest of the same bytes, the byte count is
 * the file's, and the progress counter ends at the size. */
static void oneshot(const EVP_MD *md, const unsigned char *b, size_t n, char *hex)
{
  unsigned char dg[EVP_MAX_MD_SIZE];
  unsigned dl = 0;
  ck_assert_int_eq(EVP_Digest(b, n, dg, &dl, md, NULL), 1);
  for (unsigned i = 0; i < dl; i++)
    sprintf(hex + 2 * i, "%02x", dg[i]);
}

START_TEST(hash_chunk_edges)
{
  static const size_t chunk = 2u << 20;
  const size_t sizes[] = {chunk - 1, chunk, chunk + 1, 9 * chunk + 4096 + 7};
  size_t n = sizes[_i];
  unsigned char *b = malloc(n);
  ck_assert_ptr_nonnull(b);
  uint64_t x = 0x9e3779b97f4a7c15ull ^ n;
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b[i] = (unsigned char)(x >> 32);
  }
  char path[4200];
  snprintf(path, sizeof path, "%s/edges-%zu.raw", rs_t_tmpdir(), n);
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(b, 1, n, f), n);
  ck_assert_int_eq(fclose(f), 0);
  char md5[33], sha1[41], sha256[65];
  oneshot(EVP_md5(), b, n, md5);
  oneshot(EVP_sha1(), b, n, sha1);
  oneshot(EVP_sha256(), b, n, sha256);
  free(b);
  struct rs_image *img = open_only(path);
  struct rs_media_hashes h;
  struct rs_diag d;
  _Atomic uint64_t done = 0;
  ck_assert_int_eq(rs_media_hash_progress(img, &h, &d, &done), RS_OK);
  ck_assert(h.done);
  ck_assert_uint_eq(h.bytes, n);
  ck_assert_uint_eq(done, n);
  ck_assert_str_eq(h.md5, md5);
  ck_assert_str_eq(h.sha1, sha1);
  ck_assert_str_eq(h.sha256, sha256);
  rs_image_close(img);
  remove(path);
}
END_TEST

Suite *rs_suite_evidence(void)
{
  Suite *s = suite_create("evidence");
  TCase *tc = tcase_create("evidence");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, ewf_hash_matches_stored, 0, 2);
  tcase_add_test(tc, ewf_media_equals_raw);
  tcase_add_test(tc, ewf_meta_headers);
  tcase_add_test(tc, raw_is_not_ewf);
  tcase_add_test(tc, hash_beside_analysis);
  tcase_add_test(tc, e01_and_hive_same_process);
  tcase_add_loop_test(tc, hash_chunk_edges, 0, 4);
  suite_add_tcase(s, tc);
  return s;
}
