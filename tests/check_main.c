/* One test binary with every suite: one Check summary line closes the run. */
#include <stdlib.h>
#include <check.h>

#define RS_SUITES(X)                                                             \
  X(util) X(image) X(evidence) X(fswalk) X(pe) X(idq) X(iislog) X(registry)      \
  X(writers) X(analysis) X(scan) X(fixtures) X(cli) X(corrupt) X(report)

#define DECL(n) Suite *rs_suite_##n(void);
RS_SUITES(DECL)

int main(void)
{
  SRunner *sr = srunner_create(NULL);
#define ADD(n) srunner_add_suite(sr, rs_suite_##n());
  RS_SUITES(ADD)
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
