/* IIS log reader: the names of formats and families, the request
 * classifier (codered-artifacts.md 6.3, 6.4; rules listed in docs/logs.md)
 * and the stem pre-test the parser runs before it. */
#include "redsleuth/iislog.h"

#include <string.h>

#include "sources/iislog_int.h"

#define RS_RUN_MIN 13 /* Bro's worm.bro: N{13} / X{13} */

/* ---------------------------------------------------------------- names */

const char *rs_logfmt_name(enum rs_logfmt f)
{
  switch (f) {
  case RS_LOGFMT_W3C: return "w3c";
  case RS_LOGFMT_IIS: return "iis";
  case RS_LOGFMT_NCSA: return "ncsa";
  default: return "unknown";
  }
}

const char *rs_family_key(enum rs_family f)
{
  switch (f) {
  case RS_FAM_CODERED1: return "code_red_1";
  case RS_FAM_CODERED2: return "code_red_2";
  case RS_FAM_CODERED_UNKNOWN: return "code_red_unknown";
  case RS_FAM_IDA_OTHER: return "ida_other";
  case RS_FAM_NIMDA: return "nimda";
  case RS_FAM_ROOTEXE_OTHER: return "root_exe_other";
  default: return "none";
  }
}

const char *rs_family_title(enum rs_family f)
{
  switch (f) {
  case RS_FAM_CODERED1: return "Code Red I";
  case RS_FAM_CODERED2: return "Code Red II";
  case RS_FAM_CODERED_UNKNOWN: return "Code Red (variant unknown)";
  case RS_FAM_IDA_OTHER: return "other .ida/.idq overflow attempt";
  case RS_FAM_NIMDA: return "Nimda";
  case RS_FAM_ROOTEXE_OTHER: return "root.exe/cmd.exe (no known worm)";
  default: return "none";
  }
}

/* ----------------------------------------------------------- classifier */

static bool ci_suffix(const char *s, size_t n, const char *w)
{
  size_t wl = strlen(w);
  return n >= wl && rs_ci_eq(s + n - wl, wl, w);
}

static bool ci_contains(const char *s, size_t n, const char *w)
{
  size_t wl = strlen(w);
  if (wl == 0)
    return true;
  for (size_t i = 0; i + wl <= n; i++) {
    if (rs_lc((unsigned char)s[i]) != (unsigned char)w[0])
      continue;
    if (rs_ci_eq(s + i, wl, w))
      return true;
  }
  return false;
}

/* Longest run of byte c anywhere in s[0..n). */
static size_t max_run(const char *s, size_t n, char c)
{
  size_t best = 0, cur = 0;
  for (size_t i = 0; i < n; i++) {
    cur = s[i] == c ? cur + 1 : 0;
    if (cur > best)
      best = cur;
  }
  return best;
}

static size_t lead_run(const char *s, size_t n, char c)
{
  size_t i = 0;
  while (i < n && s[i] == c)
    i++;
  return i;
}

/* A request split into its parts: stem and query as spans of the caller's
 * strings. qpresent is false when no query was logged at all (no column, or
 * the column absent from this line) and the stem has no '?'. */
struct req {
  const char *stem;
  size_t sl;
  const char *q;
  size_t ql;
  bool qpresent;
  /* the stem as IIS resolves it: percent escapes (and IIS's %u00hh) decoded,
   * twice as the double-decode bug (MS01-026) does; stems longer than the
   * buffer are kept as logged */
  bool decoded;      /* stem points at dec and differs from the logged one */
  bool base_encoded; /* the file name itself was encoded: not a worm's probe */
  char dec[2048];
};

static size_t base_off(const char *s, size_t n)
{
  size_t b = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] == '/' || s[i] == '\\')
      b = i + 1;
  return b;
}

static int hexval(unsigned char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  c = rs_lc(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One round of URL decoding of s[0..n) into out (at most n bytes: decoding
 * never lengthens). "%hh" and "%u00hh" become the byte; a NUL stays encoded
 * (it would cut the name short), an invalid escape stays as it is. */
static size_t url_decode(const char *s, size_t n, char *out)
{
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    int v = -1;
    size_t len = 0;
    if (s[i] == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
        hexval((unsigned char)s[i + 2]) >= 0) {
      v = hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]);
      len = 3;
    } else if (s[i] == '%' && i + 5 < n && rs_lc((unsigned char)s[i + 1]) == 'u' &&
               s[i + 2] == '0' && s[i + 3] == '0' && hexval((unsigned char)s[i + 4]) >= 0 &&
               hexval((unsigned char)s[i + 5]) >= 0) {
      v = hexval((unsigned char)s[i + 4]) * 16 + hexval((unsigned char)s[i + 5]);
      len = 6;
    }
    if (v > 0) {
      out[o++] = (char)v;
      i += len - 1;
    } else {
      out[o++] = s[i];
    }
  }
  return o;
}

static void decode_stem(struct req *r)
{
  if (r->sl == 0 || r->sl >= sizeof r->dec || !memchr(r->stem, '%', r->sl))
    return;
  char tmp[sizeof r->dec];
  size_t n = url_decode(r->stem, r->sl, tmp);
  if (memchr(tmp, '%', n))
    n = url_decode(tmp, n, r->dec);
  else
    memcpy(r->dec, tmp, n);
  if (n == r->sl && memcmp(r->dec, r->stem, n) == 0)
    return;
  size_t bo = base_off(r->stem, r->sl), bd = base_off(r->dec, n);
  r->base_encoded = !(r->sl - bo == n - bd && memcmp(r->stem + bo, r->dec + bd, n - bd) == 0);
  r->stem = r->dec;
  r->sl = n;
  r->decoded = true;
}

static void split_request(const char *stem, const char *query, struct req *r)
{
  r->decoded = r->base_encoded = false;
  const char *s = stem ? stem : "";
  size_t sl = strlen(s);
  /* A logger that wrote the whole request line into the stem:
   * "GET /default.ida?NNN HTTP/1.0". Drop the method and the protocol. */
  if (sl && s[0] != '/') {
    const char *sp = memchr(s, ' ', sl);
    if (sp && sp + 1 < s + sl && sp[1] == '/') {
      sl -= (size_t)(sp + 1 - s);
      s = sp + 1;
    }
  }
  for (size_t i = 0; i + 6 <= sl; i++) {
    if (s[i] == ' ' && rs_ci_prefix(s + i + 1, sl - i - 1, "http/")) {
      sl = i;
      break;
    }
  }
  r->stem = s;
  r->sl = sl;
  bool qempty = !query || !query[0] || (query[0] == '-' && !query[1]);
  r->qpresent = query != NULL;
  r->q = qempty ? "" : query;
  r->ql = qempty ? 0 : strlen(query);
  if (qempty) {
    const char *qm = memchr(s, '?', sl);
    if (qm) {
      r->stem = s;
      r->sl = (size_t)(qm - s);
      r->q = qm + 1;
      r->ql = sl - r->sl - 1;
      r->qpresent = true;
    }
  }
  decode_stem(r);
}

/* Query normalised for comparison: lower case, '+' and "%20" as space,
 * bounded (longer queries are compared on their first 511 bytes). */
static void norm_query(const char *q, size_t ql, char out[512])
{
  size_t o = 0;
  for (size_t i = 0; i < ql && o < 511; i++) {
    unsigned char c = (unsigned char)q[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%' && i + 2 < ql + 0 && q[i + 1] == '2' && q[i + 2] == '0') {
      c = ' ';
      i += 2;
    }
    out[o++] = (char)rs_lc(c);
  }
  out[o] = '\0';
}

static bool is_dir_cmd(const char *nq)
{
  return strcmp(nq, "/c dir") == 0;
}

static bool is_tftp_admin(const char *nq)
{
  return strncmp(nq, "/c tftp", 7) == 0 && strstr(nq, "admin.dll") != NULL;
}

enum rs_family rs_iislog_classify(const char *method, const char *stem, const char *query)
{
  (void)method; /* the worms used GET; a HEAD or POST to the same stem is as telling */
  if (!stem)
    return RS_FAM_NONE;
  struct req r;
  split_request(stem, query, &r);
  size_t b = base_off(r.stem, r.sl);
  const char *base = r.stem + b;
  size_t bl = r.sl - b;

  /* Code Red and other Index Server (.ida/.idq) overflows. */
  if (ci_suffix(base, bl, ".ida") || ci_suffix(base, bl, ".idq")) {
    if (rs_ci_eq(base, bl, "default.ida") && !r.base_encoded) { /* the worms never encoded it */
      if (r.ql == 0)
        return RS_FAM_CODERED_UNKNOWN; /* short form: query not logged */
      if (lead_run(r.q, r.ql, 'N') >= RS_RUN_MIN)
        return RS_FAM_CODERED1;
      if (lead_run(r.q, r.ql, 'X') >= RS_RUN_MIN)
        return RS_FAM_CODERED2;
    }
    if (rs_ci_eq(base, bl, "null.ida") || rs_ci_eq(base, bl, "null.idq"))
      return RS_FAM_IDA_OTHER; /* mapping probe (Nessus, AWStats list) */
    if (max_run(r.q, r.ql, 'N') >= RS_RUN_MIN || max_run(r.q, r.ql, 'X') >= RS_RUN_MIN)
      return RS_FAM_IDA_OTHER;
    if (r.ql > 200 && ci_contains(r.q, r.ql, "%u"))
      return RS_FAM_IDA_OTHER; /* long query carrying %u-encoded code */
    return RS_FAM_NONE;
  }

  bool root = rs_ci_eq(base, bl, "root.exe");
  bool cmd = rs_ci_eq(base, bl, "cmd.exe");
  bool admin = rs_ci_eq(base, bl, "admin.dll");
  if (!root && !cmd && !admin)
    return RS_FAM_NONE;

  const char *dir = r.stem;
  size_t dl = b;
  bool trav = memmem(r.stem, r.sl, "..", 2) != NULL;
  char nq[512];
  norm_query(r.q, r.ql, nq);

  /* Nimda's probes name root.exe and cmd.exe literally; an encoded file name
   * ("r%6fot.exe") is someone hiding from simple log searches. */
  if (r.base_encoded)
    return RS_FAM_ROOTEXE_OTHER;
  if (root) {
    bool nimda_dir = rs_ci_eq(dir, dl, "/scripts/") || rs_ci_eq(dir, dl, "/msadc/");
    if (is_tftp_admin(nq))
      return RS_FAM_NIMDA;
    if (nimda_dir && (!r.qpresent || is_dir_cmd(nq)))
      return RS_FAM_NIMDA;
    return RS_FAM_ROOTEXE_OTHER;
  }
  if (cmd) {
    /* Nimda reaches cmd.exe through CRII's /c and /d roots or through a
     * ".." traversal (unicode, double-decode: encodings vary with how the
     * logger decoded them, so any ".." counts), always under \winnt. */
    bool nimda_stem = ci_suffix(r.stem, r.sl, "/winnt/system32/cmd.exe") &&
                      (rs_ci_prefix(r.stem, r.sl, "/c/") || rs_ci_prefix(r.stem, r.sl, "/d/") ||
                       trav);
    if (nimda_stem && (!r.qpresent || is_dir_cmd(nq)))
      return RS_FAM_NIMDA;
    if (is_tftp_admin(nq))
      return RS_FAM_NIMDA;
    return RS_FAM_ROOTEXE_OTHER;
  }
  /* admin.dll: fetched after the tftp copy, from the script folders or the
   * CRII drive roots. Elsewhere it may be a site's own ISAPI. */
  if (rs_ci_eq(dir, dl, "/scripts/") || rs_ci_eq(dir, dl, "/msadc/") || rs_ci_eq(dir, dl, "/c/") ||
      rs_ci_eq(dir, dl, "/d/") || rs_ci_eq(dir, dl, "/_vti_bin/") ||
      rs_ci_eq(dir, dl, "/_mem_bin/") || trav)
    return RS_FAM_NIMDA;
  return RS_FAM_NONE;
}

bool rs_iislog_is_backdoor_use(const char *stem, const char *query, int status)
{
  if (!stem || !((status >= 200 && status <= 299) || status == 502))
    return false;
  struct req r;
  split_request(stem, query, &r);
  size_t b = base_off(r.stem, r.sl);
  if (rs_ci_eq(r.stem + b, r.sl - b, "root.exe"))
    return true;
  /* cmd.exe only through CRII's /c and /d virtual roots; a traversal out of
   * /scripts is the unicode bug (MS00-078), not the Code Red II backdoor. */
  if (rs_ci_eq(r.stem + b, r.sl - b, "cmd.exe") &&
      (rs_ci_prefix(r.stem, r.sl, "/c/") || rs_ci_prefix(r.stem, r.sl, "/d/")))
    return true;
  return false;
}

/* Cheap test that a stem can be a hit: every rule above needs a base name
 * ending in .ida/.idq/.exe/.dll, literally or percent-encoded. Most stems
 * have one dot and no '%'. */
bool rs_iislog_maybe_hit(const char *s, size_t n)
{
  if (memchr(s, '%', n))
    return true; /* the name may be encoded: the classifier decodes it */
  const char *p = s, *end = s + n;
  while ((p = memchr(p, '.', (size_t)(end - p))) != NULL) {
    if (end - p >= 4) {
      unsigned char a = rs_lc((unsigned char)p[1]), b = rs_lc((unsigned char)p[2]),
                    c = rs_lc((unsigned char)p[3]);
      if ((a == 'i' && b == 'd' && (c == 'a' || c == 'q')) ||
          (a == 'e' && b == 'x' && c == 'e') || (a == 'd' && b == 'l' && c == 'l'))
        return true;
    }
    p++;
  }
  return false;
}
