/* Escaping of strings taken from evidence, for each output. Nothing from
 * evidence reaches a terminal, an HTML page or a body file unescaped. */
#ifndef REDSLEUTH_ESCAPE_H
#define REDSLEUTH_ESCAPE_H

#include <stddef.h>
#include "buf.h"

/* Terminal/text: C0 controls, DEL, C1 controls (U+0080..U+009F) and bytes of
 * invalid UTF-8 become \xNN (or \u{NN} for code points); backslash doubles.
 * Valid printable UTF-8 passes through. */
enum rs_err rs_escape_text(struct rs_buf *out, const char *s, size_t n);
/* HTML text and attribute values: & < > " ' become entities; controls as for text. */
enum rs_err rs_escape_html(struct rs_buf *out, const char *s, size_t n);
/* TSK body file field: '|' -> "\|"... per mactime's reading: '|' , '\n', '\r'
 * and controls become \xNN; backslash doubles. */
enum rs_err rs_escape_body(struct rs_buf *out, const char *s, size_t n);
/* Makes arbitrary bytes valid UTF-8 for JSON: invalid sequences become
 * "\\xNN" text (so nothing is dropped and the JSON stays valid). */
enum rs_err rs_escape_utf8(struct rs_buf *out, const char *s, size_t n);

#endif
