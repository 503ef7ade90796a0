/* The check table, for `redsleuth checks`. */
#ifndef REDSLEUTH_CHECKS_H
#define REDSLEUTH_CHECKS_H

#include <stdio.h>

/* Writes the table as docs/checks.md (Markdown). */
void rs_checks_markdown(FILE *out);

#endif
