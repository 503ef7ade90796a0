/* redsleuth CLI: parses options, calls the library, prints. No analysis here. */
#include <stdio.h>
#include <string.h>

#include "options.h"

int main(int argc, char **argv)
{
  return rs_cli_main(argc, argv);
}
