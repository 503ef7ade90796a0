/* redsleuth CLI: parses options, calls the library, prints. No analysis here. */
#include <stdlib.h>
#include <time.h>

#include "options.h"

int main(int argc, char **argv)
{
  /* libtsk converts FAT times with mktime() and libewf renders EWF header
   * dates with localtime(): in UTC both give the values as stored (the clock
   * of the host that wrote them), which the scan then converts with that
   * host's zone when the registry gives it. The program owns its process's
   * zone; the library never sets it (docs/internals.md, Time zones). */
  setenv("TZ", "UTC", 1);
  tzset();
  return rs_cli_main(argc, argv);
}
