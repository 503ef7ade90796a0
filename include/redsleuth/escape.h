/* Escaping of strings taken from evidence, for each output. Nothing from
 * evidence reaches a terminal, an HTML page or a body file unescaped. */
#ifndef REDSLEUTH_ESCAPE_H
#define REDSLEUTH_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"

/* Decoding rule shared by text, HTML and body output (docs/formats.md):
 *   "\\"        one backslash
 *   "\xNN"      a C0 control or DEL (NN < 0x80), or a byte that is not part of
 *               valid UTF-8 (NN >= 0x80); in body output also '|' (\x7c)
 *   "\u{N..}"   a C1 control (U+0080..U+009F) or a code point that changes
 *               text layout (bidi overrides/isolates/marks, U+2028, U+2029)
 *   any other backslash is literal.
 * A backslash from the input is doubled only where it would otherwise be
 * read as the start of an escape (before 'x', 'u', '\' or an escaped
 * character), so Windows paths stay readable and the form stays unambiguous.
 * All functions append to out; RS_E_LIMIT when out would exceed its max,
 * RS_E_USAGE for NULL out (or NULL s with n > 0). */

/* Terminal/text: C0 controls, DEL, C1 controls and bytes of invalid UTF-8
 * are escaped as above. Valid printable UTF-8 passes through. */
enum rs_err rs_escape_text(struct rs_buf *out, const char *s, size_t n);
/* HTML text and attribute values: & < > " ' become entities; controls as for text. */
enum rs_err rs_escape_html(struct rs_buf *out, const char *s, size_t n);
/* TSK body file field: as for text, and '|' becomes \x7c, so a name can
 * neither add a field nor end the record (newlines are C0 controls). */
enum rs_err rs_escape_body(struct rs_buf *out, const char *s, size_t n);
/* One TSK 3.x body-file line (the input of mactime -b), as fls -m writes it:
 *   md5|name|inode|mode|0|0|size|atime|mtime|ctime|crtime
 * and a newline. name is already escaped (rs_escape_body); md5 that is not
 * 32 characters (NULL too) is written "0"; t holds atime, mtime, ctime and
 * crtime in seconds since 1970 (0: no time). The one formatter of body lines
 * (timeline.body and timeline-full.body). */
enum rs_err rs_body_line(struct rs_buf *out, const char *md5, const char *name,
                         const char *inode, const char *mode, uint64_t size,
                         const int64_t t[4]);
/* Makes arbitrary bytes valid UTF-8 for JSON: invalid sequences become
 * "\\xNN" text (so nothing is dropped and the JSON stays valid); valid UTF-8,
 * controls and backslashes pass unchanged (the JSON encoder escapes them). */
enum rs_err rs_escape_utf8(struct rs_buf *out, const char *s, size_t n);
/* True when the n bytes at s are valid UTF-8 by the rule above (strict RFC
 * 3629: no surrogates, overlong forms or truncated sequences). */
bool rs_utf8_valid(const char *s, size_t n);
/* n UTF-16LE units at p as UTF-8, or WTF-8 where the UTF-16 is not valid (a
 * lone surrogate: three bytes ED A0..BF 80..BF, which every writer escapes
 * as \xNN; no unit dropped or merged). out holds 3*n+1 bytes; returns the
 * length written (NUL-terminated). */
size_t rs_utf16le_to_wtf8(const uint8_t *p, size_t n, char *out);

#endif
