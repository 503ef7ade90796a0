/* placeholder CLI until the info/scan commands land */
#include <stdio.h>
#include <string.h>
#include "options.h"

int rs_cli_main(int argc, char **argv)
{
  if (argc > 1 && strcmp(argv[1], "-V") == 0) {
    printf("redsleuth 0.1.0\n");
    return 0;
  }
  fprintf(stderr, "redsleuth: error: RS_E_USAGE: -: usage: redsleuth info|scan IMAGE\n");
  return 2;
}
