/* Shared between yara.c (compiling) and yarascan.c (scanning). */
#ifndef REDSLEUTH_YARA_INT_H
#define REDSLEUTH_YARA_INT_H

#include <yara.h>

#include "redsleuth/prefilter.h"
#include "redsleuth/yara.h"

/* One YR_RULES: the bundled files together, the user's source files
 * together, or one compiled file. */
struct rs_rule_set {
  YR_RULES *yr;
  bool bundled;
  struct rs_prefilter *pf; /* bundled set only; NULL: YARA reads every byte */
  size_t first_rule, nrules;     /* into rs_rules.info */
  size_t first_string, nstrings; /* into a scanner's slots, by YR_STRING.idx */
  size_t max_match;              /* longest possible match of any string */
};

struct rs_rule_file {
  char *path;
  char *ns;
  bool bundled;
  size_t set;
};

struct rs_rules {
  struct rs_rule_set *sets;
  size_t nsets;
  struct rs_rule_info *info;
  size_t *rule_nstr; /* strings per rule */
  size_t ninfo, nstrings;
  struct rs_rule_file *files;
  size_t nfiles;
  size_t overlap;
  size_t window;     /* requested stream window, 0: default */
  size_t warnings;
  char first_warning[1024];
  char pf_why[512];
  bool yara_held;
};

/* A sentence for a libyara error code. */
const char *rs_yara_error(int code);

#endif
