/* Escaping of strings taken from evidence (file names, log requests,
 * registry data) for each output. A file name on a seized disk is attacker
 * controlled: it must not drive the examiner's terminal (ESC sequences),
 * inject markup into the HTML report, or split a body-file record. */
#include "redsleuth/escape.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4) and its code point, or 0
 * when s[0] does not start a valid sequence. Strict RFC 3629: overlong
 * forms, UTF-16 surrogates (CESU-8/WTF-8 from unpaired surrogates in NTFS
 * names), code points above U+10FFFF and truncated sequences are invalid. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
  unsigned char c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t len;
  uint32_t v, min;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2; v = c & 0x1f; min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3; v = c & 0x0f; min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4; v = c & 0x07; min = 0x10000;
  } else {
    return 0; /* continuation byte, 0xc0/0xc1 (always overlong) or 0xf5.. */
  }
  if (n < len)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    v = (v << 6) | (s[i] & 0x3f);
  }
  if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
    return 0;
  *cp = v;
  return len;
}

/* Code points that change how a terminal or a browser lays out the text
 * around them: bidirectional overrides and isolates ("Trojan Source": a name
 * shown as "exe.txt" that is really "txt.exe") and the Unicode line and
 * paragraph separators. Shown as \u{NNNN} in text and HTML. */
static bool is_layout_cp(uint32_t cp)
{
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
         cp == 0x200e || cp == 0x200f || cp == 0x061c || cp == 0x2028 || cp == 0x2029;
}

/* M_UTF8 only replaces invalid UTF-8 (for JSON); the others escape more. */
enum rs_mode { M_TEXT, M_HTML, M_BODY, M_UTF8 };

/* True when the character at s (n bytes left) is written as a \x or \u
 * escape in mode m. */
static bool starts_escape(const unsigned char *s, size_t n, enum rs_mode m)
{
  uint32_t cp;
  if (n == 0)
    return false;
  if (utf8_next(s, n, &cp) == 0)
    return true;
  return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || is_layout_cp(cp) ||
         (m == M_BODY && cp == '|');
}

static enum rs_err esc_common(struct rs_buf *out, const char *str, size_t n, enum rs_mode m)
{
  const unsigned char *s = (const unsigned char *)str;
  enum rs_err e = RS_OK;
  char tmp[16];
  size_t i = 0;
  if (!out || (!s && n))
    return RS_E_USAGE;
  while (i < n && !e) {
    uint32_t cp;
    size_t len = utf8_next(s + i, n - i, &cp);
    if (len == 0) {
      /* Not UTF-8: show the byte, never drop it. */
      snprintf(tmp, sizeof tmp, "\\x%02x", s[i]);
      e = rs_buf_adds(out, tmp);
      i++;
      continue;
    }
    if (m == M_UTF8) {
      e = rs_buf_add(out, s + i, len);
      i += len;
      continue;
    }
    if (cp < 0x20 || cp == 0x7f) {
      snprintf(tmp, sizeof tmp, "\\x%02x", (unsigned)cp);
      e = rs_buf_adds(out, tmp);
    } else if ((cp >= 0x80 && cp <= 0x9f) || is_layout_cp(cp)) {
      /* C1 controls: U+009B is CSI on many terminals. Written as a code
       * point, not \xNN, so it cannot be confused with an invalid byte. */
      snprintf(tmp, sizeof tmp, "\\u{%x}", (unsigned)cp);
      e = rs_buf_adds(out, tmp);
    } else if (cp == '\\') {
      /* A backslash is doubled only where a reader could take it for the
       * start of an escape: before 'x', 'u', another backslash, or a
       * character that is itself escaped. So "\\" is always one backslash,
       * "\x"/"\u{" always an escape, and Windows paths stay readable
       * (C:\Inetpub\scripts). */
      const unsigned char *nx = s + i + 1;
      size_t left = n - i - 1;
      bool dbl = left && (nx[0] == 'x' || nx[0] == 'u' || nx[0] == '\\' ||
                          starts_escape(nx, left, m));
      e = rs_buf_adds(out, dbl ? "\\\\" : "\\");
    } else if (m == M_BODY && cp == '|') {
      e = rs_buf_adds(out, "\\x7c");
    } else if (m == M_HTML && cp == '&') {
      e = rs_buf_adds(out, "&amp;");
    } else if (m == M_HTML && cp == '<') {
      e = rs_buf_adds(out, "&lt;");
    } else if (m == M_HTML && cp == '>') {
      e = rs_buf_adds(out, "&gt;");
    } else if (m == M_HTML && cp == '"') {
      e = rs_buf_adds(out, "&quot;");
    } else if (m == M_HTML && cp == '\'') {
      e = rs_buf_adds(out, "&#39;");
    } else {
      e = rs_buf_add(out, s + i, len);
    }
    i += len;
  }
  return e;
}

enum rs_err rs_escape_text(struct rs_buf *out, const char *s, size_t n)
{
  return esc_common(out, s, n, M_TEXT);
}

enum rs_err rs_escape_html(struct rs_buf *out, const char *s, size_t n)
{
  return esc_common(out, s, n, M_HTML);
}

enum rs_err rs_escape_body(struct rs_buf *out, const char *s, size_t n)
{
  return esc_common(out, s, n, M_BODY);
}

enum rs_err rs_escape_utf8(struct rs_buf *out, const char *s, size_t n)
{
  return esc_common(out, s, n, M_UTF8);
}

bool rs_utf8_valid(const char *s, size_t n)
{
  const unsigned char *u = (const unsigned char *)s;
  uint32_t cp;
  for (size_t i = 0; i < n;) {
    size_t len = utf8_next(u + i, n - i, &cp);
    if (len == 0)
      return false;
    i += len;
  }
  return true;
}

enum rs_err rs_body_line(struct rs_buf *out, const char *md5, const char *name,
                         const char *inode, const char *mode, uint64_t size,
                         const int64_t t[4])
{
  return rs_buf_addf(out, "%s|%s|%s|%s|0|0|%" PRIu64 "|%" PRId64 "|%" PRId64 "|%" PRId64
                          "|%" PRId64 "\n",
                     md5 && strlen(md5) == 32 ? md5 : "0", name ? name : "", inode, mode, size,
                     t[0], t[1], t[2], t[3]);
}

/* UTF-16LE (NTFS names, EVT strings) -> UTF-8, or WTF-8 where the UTF-16 is not valid.
 * Surrogate pairs become one 4-byte sequence; a lone surrogate (U+D800..
 * U+DFFF not in a pair) is encoded like any other BMP unit, three bytes
 * ED A0..BF 80..BF. Those bytes are not UTF-8, so every output's escaping
 * shows them as \xNN (docs/formats.md) and no unit is dropped or merged
 * with its neighbour (TSK's lenient conversion writes '^' and loses the
 * unit after it). out must hold 3*n+1 bytes. */
size_t rs_utf16le_to_wtf8(const uint8_t *p, size_t n, char *out)
{
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = (uint32_t)p[2 * i] | ((uint32_t)p[2 * i + 1] << 8);
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n) {
      uint32_t lo = (uint32_t)p[2 * i + 2] | ((uint32_t)p[2 * i + 3] << 8);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
        i++;
        out[o++] = (char)(0xF0 | (c >> 18));
        out[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
        out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[o++] = (char)(0x80 | (c & 0x3F));
        continue;
      }
    }
    if (c < 0x80) {
      out[o++] = (char)c;
    } else if (c < 0x800) {
      out[o++] = (char)(0xC0 | (c >> 6));
      out[o++] = (char)(0x80 | (c & 0x3F));
    } else {
      out[o++] = (char)(0xE0 | (c >> 12));
      out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
      out[o++] = (char)(0x80 | (c & 0x3F));
    }
  }
  out[o] = '\0';
  return o;
}
