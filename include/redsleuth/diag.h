/* redsleuth: one error enum, readable messages, and a diagnostic record.
 *
 * Every fallible library function returns enum rs_err and takes an optional
 * struct rs_diag * as its last argument. A missing key or file is a result,
 * not an error (STYLE.md, libyal's "absence is data"). */
#ifndef REDSLEUTH_DIAG_H
#define REDSLEUTH_DIAG_H

#include <stdarg.h>
#include <stdio.h>

enum rs_err {
  RS_OK = 0,
  RS_E_USAGE,       /* bad command line or API misuse */
  RS_E_NOMEM,       /* allocation failed */
  RS_E_IO,          /* read error from the evidence or an output file */
  RS_E_OPEN,        /* evidence cannot be opened at all */
  RS_E_FORMAT,      /* not the expected format (not a PE, not a hive, ...) */
  RS_E_CORRUPT,     /* the expected format, but damaged */
  RS_E_TRUNCATED,   /* data ends before a structure it announces */
  RS_E_UNSUPPORTED, /* valid but not handled by this build */
  RS_E_LIMIT,       /* a bounded buffer or counter would overflow */
  RS_E_AMBIGUOUS,   /* more than one interpretation fits; refused */
  RS_E_MISMATCH,    /* stored hash differs from the computed one */
  RS_E_OUTPUT,      /* cannot write a report file */
  RS_E_INTERNAL,    /* a bug */
  /* Not failures: the analysis finished, but the exit code is not 0 and the
   * report contract wants one stderr line for every non-zero exit. */
  RS_E_INDICATORS,  /* exit 10: the verdict is an indicator */
  RS_E_UNREADABLE,  /* exit 11: parts of the evidence could not be read */
  RS_E__COUNT
};

/* The sentence behind an error: where (file, hive, volume...) and what. */
struct rs_diag {
  enum rs_err err;
  char where[512];
  char what[1024];
};

/* "RS_E_CORRUPT"; never NULL. */
const char *rs_err_name(enum rs_err e);
/* A short English phrase for e ("data is damaged"); never NULL. */
const char *rs_err_text(enum rs_err e);

/* Records e, where and a printf-style sentence in d (d may be NULL) and
 * returns e, so callers can write `return rs_diag_set(d, RS_E_IO, f, "...")`. */
enum rs_err rs_diag_set(struct rs_diag *d, enum rs_err e, const char *where,
                        const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
enum rs_err rs_diag_vset(struct rs_diag *d, enum rs_err e, const char *where,
                         const char *fmt, va_list ap);
void rs_diag_clear(struct rs_diag *d); /* accepts NULL */

/* Prints "redsleuth: error: RS_E_<NAME>: <where>: <what>" and a newline;
 * for the two results that are not errors, "redsleuth: indicators: <where>:
 * <what>" (RS_E_INDICATORS, exit 10) and "redsleuth: incomplete: <where>:
 * <what>" (RS_E_UNREADABLE, exit 11). Control characters from evidence are
 * escaped. */
void rs_diag_print(FILE *fp, const struct rs_diag *d);

#endif
