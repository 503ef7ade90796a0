/* placeholder suite: replaced when the module lands */
#include <check.h>
#include "testutil.h"

Suite *rs_suite_cli(void)
{
  return suite_create("cli");
}
