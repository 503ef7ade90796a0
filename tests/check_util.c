/* util: error names, bounded buffers, time conversion. */
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "redsleuth/buf.h"
#include "redsleuth/diag.h"
#include "redsleuth/rtime.h"
#include "testutil.h"

START_TEST(err_names_cover_enum)
{
  for (int e = 0; e < RS_E__COUNT; e++) {
    const char *n = rs_err_name((enum rs_err)e);
    ck_assert_ptr_nonnull(n);
    ck_assert_msg(strncmp(n, "RS_", 3) == 0, "bad name %s", n);
    ck_assert_ptr_nonnull(rs_err_text((enum rs_err)e));
  }
  ck_assert_str_eq(rs_err_name(RS_E_CORRUPT), "RS_E_CORRUPT");
  ck_assert_str_eq(rs_err_name((enum rs_err)9999), "RS_E_INTERNAL");
}
END_TEST

START_TEST(diag_set_and_print_escapes)
{
  struct rs_diag d;
  rs_diag_clear(&d);
  ck_assert_int_eq(rs_diag_set(&d, RS_E_IO, "evil\x1b[2Jname", "read %d", 5), RS_E_IO);
  ck_assert_int_eq(rs_diag_set(NULL, RS_E_IO, "x", "y"), RS_E_IO);
  char *out = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&out, &len);
  rs_diag_print(fp, &d);
  fclose(fp);
  ck_assert_str_eq(out, "redsleuth: error: RS_E_IO: evil\\x1b[2Jname: read 5\n");
  free(out);
}
END_TEST

START_TEST(buf_bounded)
{
  struct rs_buf b;
  rs_buf_init(&b, 10);
  ck_assert_int_eq(rs_buf_adds(&b, "hello"), RS_OK);
  ck_assert_int_eq(rs_buf_addf(&b, "%d", 1234), RS_OK);
  ck_assert_str_eq(b.data, "hello1234");
  ck_assert_int_eq(rs_buf_adds(&b, "xy"), RS_E_LIMIT);
  ck_assert_uint_eq(b.len, 9);
  ck_assert_int_eq(rs_buf_adds(&b, "z"), RS_OK);
  ck_assert_uint_eq(b.len, 10);
  char *s = rs_buf_steal(&b);
  ck_assert_str_eq(s, "hello1234z");
  free(s);
  ck_assert_ptr_null(b.data);
  rs_buf_free(&b);
  rs_buf_free(NULL);
  /* large formatted append goes through the slow path */
  rs_buf_init(&b, 1 << 20);
  char big[1000];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  ck_assert_int_eq(rs_buf_addf(&b, "<%s>", big), RS_OK);
  ck_assert_uint_eq(b.len, 1001);
  rs_buf_free(&b);
}
END_TEST

START_TEST(strlcpy_truncates)
{
  char d[4];
  ck_assert_int_eq(rs_strlcpy(d, "abc", sizeof d), 0);
  ck_assert_int_eq(rs_strlcpy(d, "abcd", sizeof d), -1);
  ck_assert_str_eq(d, "abc");
  ck_assert_int_eq(rs_snprintf(d, sizeof d, "%d", 12345), -1);
  ck_assert_str_eq(d, "123");
}
END_TEST

static const struct {
  uint64_t ft;
  const char *iso;
} ft_cases[] = {
  /* 2001-07-19T13:45:01.1234567Z */
  {126400239011234567ULL, "2001-07-19T13:45:01.1234567Z"},
  {116444736000000000ULL, "1970-01-01T00:00:00.0000000Z"},
  {1ULL, "1601-01-01T00:00:00.0000001Z"},
};

START_TEST(filetime_iso)
{
  char out[RS_TIME_ISO_MAX];
  struct rs_time t = rs_time_from_filetime(ft_cases[_i].ft);
  ck_assert(t.set);
  ck_assert_str_eq(rs_time_iso(&t, out), ft_cases[_i].iso);
}
END_TEST

START_TEST(civil_and_cmp)
{
  char out[RS_TIME_ISO_MAX];
  struct rs_time a = rs_time_from_civil(2001, 8, 4, 23, 59, 59);
  ck_assert_str_eq(rs_time_iso(&a, out), "2001-08-04T23:59:59Z");
  struct rs_time b = rs_time_from_civil(2000, 2, 29, 0, 0, 0);
  ck_assert_str_eq(rs_time_iso(&b, out), "2000-02-29T00:00:00Z");
  ck_assert_int_lt(rs_time_cmp(&b, &a), 0);
  struct rs_time u = RS_TIME_UNSET;
  ck_assert_int_lt(rs_time_cmp(&u, &a), 0);
  ck_assert_str_eq(rs_time_iso(&u, out), "");
  ck_assert(!rs_time_from_civil(2001, 13, 1, 0, 0, 0).set);
  ck_assert(!rs_time_from_filetime(0).set);
}
END_TEST

/* The text-log line splitter: CRLF and LF, a last line without newline,
 * a line one byte too long and one with a control byte are garbage (and
 * cost no more than their length), tabs are kept, the end is -1. */
START_TEST(text_line_splits)
{
  static const char in[] = "one\r\ntwo\tx\n123456\nbell\a\n\nlast";
  const unsigned char *b = (const unsigned char *)in;
  size_t len = sizeof in - 1, pos = 0, ll = 99;
  char t[6];
  ck_assert_int_eq(rs_text_line(b, len, &pos, t, sizeof t, &ll), 1);
  ck_assert_str_eq(t, "one");
  ck_assert_uint_eq(ll, 3);
  ck_assert_int_eq(rs_text_line(b, len, &pos, t, sizeof t, &ll), 1);
  ck_assert_str_eq(t, "two\tx");
  ck_assert_int_eq(rs_text_line(b, len, &pos, t, sizeof t, &ll), 0); /* 6 bytes, room for 5 */
  ck_assert_str_eq(t, "");
  ck_assert_uint_eq(ll, 0);
  ck_assert_int_eq(rs_text_line(b, len, &pos, t, sizeof t, &ll), 0); /* BEL */
  ck_assert_int_eq(rs_text_line(b, len, &pos, t, sizeof t, &ll), 1); /* empty line */
  ck_assert_str_eq(t, "");
  ck_assert_int_eq(rs_text_line(b, len, &pos, t, sizeof t, &ll), 1);
  ck_assert_str_eq(t, "last");
  ck_assert_uint_eq(pos, len);
  ck_assert_int_eq(rs_text_line(b, len, &pos, t, sizeof t, &ll), -1);
  ck_assert_int_eq(rs_text_line(b, 0, &(size_t){0}, t, sizeof t, &ll), -1);
}
END_TEST

Suite *rs_suite_util(void)
{
  Suite *s = suite_create("util");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, err_names_cover_enum);
  tcase_add_test(tc, diag_set_and_print_escapes);
  tcase_add_test(tc, buf_bounded);
  tcase_add_test(tc, strlcpy_truncates);
  tcase_add_test(tc, text_line_splits);
  tcase_add_loop_test(tc, filetime_iso, 0, sizeof ft_cases / sizeof ft_cases[0]);
  tcase_add_test(tc, civil_and_cmp);
  suite_add_tcase(s, tc);
  return s;
}
