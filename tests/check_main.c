/* One test binary with every suite: one Check summary line closes the run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "testutil.h"
#include <check.h>

#define RS_SUITES(X)                                                             \
  X(util) X(image) X(evidence) X(fswalk) X(pe) X(idq) X(iislog) X(registry)      \
  X(writers) X(analysis) X(scan) X(fixtures) X(cli) X(corrupt) X(report) X(e2e)    \
  X(evt) X(vhdi) X(fleet) X(content) X(nimda) X(seal) X(collect)

#define DECL(n) Suite *rs_suite_##n(void);
RS_SUITES(DECL)

/* Evidence is never written (issue 9): every evidence file the suites read in
 * place (fixtures/out, ../shared/realdata) is hashed before and after the
 * whole run; unpacked copies are checked by the tests that scan them. */
static int evidence_digest(char out[65])
{
  char cmd[8192];
  snprintf(cmd, sizeof cmd,
           "cd '%s' && find fixtures/out '%s' -type f 2>/dev/null | LC_ALL=C sort | "
           "xargs -d '\\n' sha256sum | sha256sum", RS_SRCDIR, RS_REALDATA);
  char *text = NULL;
  int rc = rs_t_run(cmd, &text);
  snprintf(out, 65, "%.64s", text ? text : "");
  free(text);
  return rc;
}

int main(void)
{
  /* This program embeds the library, so it pins UTC as every embedding program
   * must (docs/internals.md: libtsk's FAT times go through mktime, libewf's
   * header dates through localtime); the CLI does the same in main.c, and the
   * tests that run the CLI under other zones check that pin. */
  setenv("TZ", "UTC", 1);
  tzset();
  char before[65], after[65];
  evidence_digest(before);
  SRunner *sr = srunner_create(NULL);
#define ADD(n) srunner_add_suite(sr, rs_suite_##n());
  RS_SUITES(ADD)
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  evidence_digest(after);
  if (strcmp(before, after) != 0 || strlen(before) != 64) {
    fprintf(stderr, "EVIDENCE CHANGED: fixtures/out or realdata differ after the run (%s -> %s)\n",
            before, after);
    failed++;
  } else {
    fprintf(stderr, "evidence unchanged: sha256 over every fixture and realdata file %s\n", before);
  }
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
