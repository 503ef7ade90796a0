/* idq.dll patch state from its version, size, dates and hash: the data of
 * codered-artifacts.md section 5 as a table (src/lib/analysis/idq_table.c). */
#ifndef REDSLEUTH_IDQ_H
#define REDSLEUTH_IDQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rtime.h"

enum rs_patch_state { RS_PATCH_UNKNOWN = 0, RS_PATCH_VULNERABLE, RS_PATCH_FIXED };
const char *rs_patch_state_name(enum rs_patch_state s); /* "unknown","vulnerable","fixed" */

struct rs_idq_input {
  uint16_t version[4];       /* file version; all 0 if unknown */
  bool has_version;
  uint64_t size;
  struct rs_time file_date;  /* best file date available ($SI mtime), may be unset */
  uint32_t pe_timestamp;     /* 0 if unknown */
  int os_major;              /* 4 = NT4, 5 = Windows 2000, 0 unknown */
  int service_pack;          /* -1 unknown */
  const char *language;      /* "en", "ja", NULL unknown */
  const char *sha256;        /* lowercase hex of the file, NULL if not computed
                                (added after the first interface: matches the
                                table's hash column, empty today) */
  int iis_major;             /* IIS major version from InetStp (3, 4, 5), 0 unknown:
                                the rule text names the host's Index Server */
};

struct rs_idq_result {
  enum rs_patch_state state;
  const char *rule;          /* id of the table row or rule that decided, e.g. "IDQ-NT4-1782" */
  const char *ref;           /* "codered-artifacts 5" */
  char why[256];             /* one sentence an examiner can check */
};

/* Classifies one idq.dll. The first matching row of the table decides;
 * out->rule names it and out->why says what decided it. NULL in gives
 * RS_PATCH_UNKNOWN with rule "IDQ-NOINPUT". out->rule/ref are static strings. */
void rs_idq_classify(const struct rs_idq_input *in, struct rs_idq_result *out);

/* The table, for documentation and tests: number of rows and the id,
 * state and source tags of row i (NULLs past the end). */
size_t rs_idq_row_count(void);
const char *rs_idq_row_id(size_t i, enum rs_patch_state *state, const char **src);

#endif
