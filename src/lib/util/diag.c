#include "redsleuth/diag.h"

#include "redsleuth/buf.h"
#include "redsleuth/escape.h"

#include <stdio.h>
#include <string.h>

static const struct {
  const char *name;
  const char *text;
} rs_err_table[RS_E__COUNT] = {
  [RS_OK] = {"RS_OK", "no error"},
  [RS_E_USAGE] = {"RS_E_USAGE", "usage error"},
  [RS_E_NOMEM] = {"RS_E_NOMEM", "out of memory"},
  [RS_E_IO] = {"RS_E_IO", "read or write failed"},
  [RS_E_OPEN] = {"RS_E_OPEN", "cannot be opened"},
  [RS_E_FORMAT] = {"RS_E_FORMAT", "not the expected format"},
  [RS_E_CORRUPT] = {"RS_E_CORRUPT", "data is damaged"},
  [RS_E_TRUNCATED] = {"RS_E_TRUNCATED", "data ends early"},
  [RS_E_UNSUPPORTED] = {"RS_E_UNSUPPORTED", "not supported"},
  [RS_E_LIMIT] = {"RS_E_LIMIT", "size limit exceeded"},
  [RS_E_AMBIGUOUS] = {"RS_E_AMBIGUOUS", "ambiguous"},
  [RS_E_MISMATCH] = {"RS_E_MISMATCH", "stored hash does not match"},
  [RS_E_OUTPUT] = {"RS_E_OUTPUT", "cannot write output"},
  [RS_E_INTERNAL] = {"RS_E_INTERNAL", "internal error"},
  [RS_E_INDICATORS] = {"RS_E_INDICATORS", "indicators found"},
  [RS_E_UNREADABLE] = {"RS_E_UNREADABLE", "parts could not be read"},
};

const char *rs_err_name(enum rs_err e)
{
  if ((unsigned)e >= RS_E__COUNT)
    return "RS_E_INTERNAL";
  return rs_err_table[e].name;
}

const char *rs_err_text(enum rs_err e)
{
  if ((unsigned)e >= RS_E__COUNT)
    return "internal error";
  return rs_err_table[e].text;
}

enum rs_err rs_diag_vset(struct rs_diag *d, enum rs_err e, const char *where,
                         const char *fmt, va_list ap)
{
  if (!d)
    return e;
  d->err = e;
  snprintf(d->where, sizeof d->where, "%s", where ? where : "");
  if (fmt)
    vsnprintf(d->what, sizeof d->what, fmt, ap);
  else
    snprintf(d->what, sizeof d->what, "%s", rs_err_text(e));
  return e;
}

enum rs_err rs_diag_set(struct rs_diag *d, enum rs_err e, const char *where,
                        const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  rs_diag_vset(d, e, where, fmt, ap);
  va_end(ap);
  return e;
}

void rs_diag_clear(struct rs_diag *d)
{
  if (!d)
    return;
  d->err = RS_OK;
  d->where[0] = '\0';
  d->what[0] = '\0';
}

/* Messages may quote evidence (file names, labels): never let them drive a
 * terminal. Escaped as the text report escapes (rs_escape_text: C0, DEL,
 * C1 controls such as U+009B, bidi overrides such as U+202E, invalid
 * UTF-8), so one decoding rule covers every output. */
static void put_safe(FILE *fp, const char *s)
{
  struct rs_buf b;
  rs_buf_init(&b, 16384);
  if (rs_escape_text(&b, s, strlen(s)) == RS_OK && b.data) {
    fputs(b.data, fp);
  } else {
    /* no memory: bytes below 0x20 and from 0x7f up, one by one */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
      if (*p < 0x20 || *p >= 0x7f)
        fprintf(fp, "\\x%02x", *p);
      else
        fputc(*p, fp);
    }
  }
  rs_buf_free(&b);
}

void rs_diag_print(FILE *fp, const struct rs_diag *d)
{
  if (!d)
    return;
  /* exits 10 and 11 are results, not errors (report contract, Exit codes) */
  if (d->err == RS_E_INDICATORS) {
    fputs("redsleuth: indicators: ", fp);
  } else if (d->err == RS_E_UNREADABLE) {
    fputs("redsleuth: incomplete: ", fp);
  } else {
    fputs("redsleuth: error: ", fp);
    fputs(rs_err_name(d->err), fp);
    fputs(": ", fp);
  }
  put_safe(fp, d->where[0] ? d->where : "-");
  fputs(": ", fp);
  put_safe(fp, d->what[0] ? d->what : rs_err_text(d->err));
  fputc('\n', fp);
}
