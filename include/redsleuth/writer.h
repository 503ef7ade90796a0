/* Output writers. Each takes the finished report (a jansson object of schema
 * "redsleuth-report/1", see docs/formats.md) and writes one format. Writers
 * never see evidence directly: what they print is what the report says. */
#ifndef REDSLEUTH_WRITER_H
#define REDSLEUTH_WRITER_H

#include <stdio.h>
#include <jansson.h>
#include "diag.h"

struct rs_writer {
  const char *name;          /* "text", "json", "jsonl", "body", "html" */
  const char *file_name;     /* name in --out-dir: "report.txt", ... */
  enum rs_err (*write)(const json_t *report, FILE *out, struct rs_diag *d);
};

/* All writers, NULL-terminated, in --out-dir order. */
extern const struct rs_writer *const rs_writers[];
const struct rs_writer *rs_writer_find(const char *name); /* NULL if unknown */

#endif
