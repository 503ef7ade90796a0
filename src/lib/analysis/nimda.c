/* Nimda's footprint: classifiers over bytes already read (bounded reads by
 * the scan), SAM values and Security log records. See analysis/nimda.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "analysis/nimda.h"

static bool ends_with(const char *s, const char *suf)
{
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && strcasecmp(s + n - m, suf) == 0;
}

bool rs_nimda_page_name(const char *name)
{
  if (!ends_with(name, ".htm") && !ends_with(name, ".html") && !ends_with(name, ".asp"))
    return false;
  return strcasestr(name, "default") || strcasestr(name, "index") || strcasestr(name, "main") ||
         strcasestr(name, "readme");
}

bool rs_nimda_eml_name(const char *name)
{
  return ends_with(name, ".eml") || ends_with(name, ".nws");
}

/* codered-artifacts 2.4 and 13: Nimda's and Nimda.E's copy names */
static const char *const pe_names[] = {"riched20.dll", "load.exe",   "mmc.exe",
                                       "readme.exe",   "httpodbc.dll", "cool.dll",
                                       "sample.exe",   "csrss.exe"};

bool rs_nimda_pe_name(const char *name)
{
  for (size_t i = 0; i < sizeof pe_names / sizeof pe_names[0]; i++)
    if (strcasecmp(name, pe_names[i]) == 0)
      return true;
  return false;
}

/* case-insensitive memmem */
static const uint8_t *find_ci(const uint8_t *p, size_t n, const char *s)
{
  size_t m = strlen(s);
  if (m == 0 || n < m)
    return NULL;
  for (size_t i = 0; i + m <= n; i++) {
    size_t k = 0;
    while (k < m && tolower(p[i + k]) == tolower((unsigned char)s[k]))
      k++;
    if (k == m)
      return p + i;
  }
  return NULL;
}

static const uint8_t *find_last_ci(const uint8_t *p, size_t n, const char *s)
{
  const uint8_t *last = NULL, *q = p;
  size_t left = n;
  const uint8_t *h;
  while ((h = find_ci(q, left, s)) != NULL) {
    last = h;
    left -= (size_t)(h + 1 - q);
    q = h + 1;
  }
  return last;
}

bool rs_nimda_page_script(const uint8_t *p, size_t n)
{
  while (n && (isspace(p[n - 1]) || p[n - 1] == 0))
    n--;
  static const char end[] = "</script></html>";
  size_t el = sizeof end - 1;
  if (n < el || !find_ci(p + n - el, el, end))
    return false;
  /* the script itself sits just before: within the last few hundred bytes */
  size_t from = n > 400 ? n - 400 : 0;
  const uint8_t *w = find_last_ci(p + from, n - from, "window.open(\"readme.eml\"");
  return w && find_ci(w, (size_t)(p + n - w), "top=6000");
}

bool rs_nimda_eml_marker(const uint8_t *p, size_t n)
{
  static const char m[] = "Kz29vb29oWsrLPh4eisrPb09Pb2";
  return n >= sizeof m - 1 && memmem(p, n, m, sizeof m - 1) != NULL;
}

static size_t skip_ws(const uint8_t *p, size_t i, size_t n)
{
  while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n' || p[i] == 0))
    i++;
  return i;
}

bool rs_nimda_pe_marker(const uint8_t *p, size_t n, char *what, size_t whatsz)
{
  if (whatsz)
    what[0] = '\0';
  if (n < 64 || p[0] != 'M' || p[1] != 'Z')
    return false;
  static const char *const lit[] = {"fsdhqherwqi2001", "efqpm2300dfhroop"};
  for (size_t i = 0; i < 2; i++)
    if (memmem(p, n, lit[i], strlen(lit[i]))) {
      snprintf(what, whatsz, "%s", lit[i]);
      return true;
    }
  /* "Concept Virus(CV) V.5" with loose white space */
  const uint8_t *q = p;
  size_t left = n;
  const uint8_t *h;
  while ((h = memmem(q, left, "Concept", 7)) != NULL) {
    size_t off = (size_t)(h - p) + 7;
    size_t j = skip_ws(p, off, n);
    if (j > off && j + 9 <= n && memcmp(p + j, "Virus(CV)", 9) == 0) {
      j = skip_ws(p, j + 9, n);
      if (j + 3 <= n && p[j] == 'V' && p[j + 1] == '.' && isdigit(p[j + 2]))
        snprintf(what, whatsz, "Concept Virus(CV) V.%c", p[j + 2]);
      else
        snprintf(what, whatsz, "Concept Virus(CV)");
      return true;
    }
    left -= (size_t)(h + 1 - q);
    q = h + 1;
  }
  return false;
}

bool rs_nimda_ini_shell(const uint8_t *p, size_t n, char *line, size_t linesz)
{
  size_t i = 0;
  while (i < n) {
    size_t e = i;
    while (e < n && p[e] != '\n' && p[e] != '\r')
      e++;
    size_t s = skip_ws(p, i, e);
    if (e - s >= 5 && strncasecmp((const char *)p + s, "shell", 5) == 0) {
      size_t k = skip_ws(p, s + 5, e);
      if (k < e && p[k] == '=' && find_ci(p + k, e - k, "load.exe")) {
        size_t t = e;
        while (t > s && isspace(p[t - 1]))
          t--;
        size_t len = t - s;
        if (linesz) {
          if (len >= linesz)
            len = linesz - 1;
          for (size_t c = 0; c < len; c++)
            line[c] = isprint(p[s + c]) ? (char)p[s + c] : '?';
          line[len] = '\0';
        }
        return true;
      }
    }
    i = e + 1;
  }
  return false;
}

static uint32_t le32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool rs_sam_f_acb(const uint8_t *f, size_t n, uint16_t *acb)
{
  if (n < 58)
    return false;
  *acb = (uint16_t)(f[56] | f[57] << 8);
  return true;
}

/* A SID as text ("S-1-5-21-...") from its binary form at p (len bytes). */
static size_t sid_text(const uint8_t *p, size_t len, char *out, size_t outsz)
{
  if (len < 8)
    return 0;
  size_t nsub = p[1];
  size_t need = 8 + 4 * nsub;
  if (nsub > 15 || need > len)
    return 0;
  uint64_t auth = 0;
  for (int i = 2; i < 8; i++)
    auth = auth << 8 | p[i];
  int k = snprintf(out, outsz, "S-%u-%llu", p[0], (unsigned long long)auth);
  for (size_t i = 0; i < nsub && k > 0 && (size_t)k < outsz; i++)
    k += snprintf(out + k, outsz - (size_t)k, "-%u", le32(p + 8 + 4 * i));
  return need;
}

int rs_sam_alias_has_rid(const uint8_t *c, size_t n, uint32_t rid, char *members,
                         size_t membersz)
{
  if (membersz)
    members[0] = '\0';
  if (n < 0x34)
    return -1;
  uint32_t ofs = le32(c + 40), num = le32(c + 48);
  if (num > 4096 || ofs > n - 0x34)
    return -1;
  size_t at = 0x34 + (size_t)ofs;
  int found = 0;
  size_t used = 0;
  for (uint32_t i = 0; i < num; i++) {
    if (at + 8 > n || c[at] != 1)
      return -1;
    char sid[200];
    size_t len = sid_text(c + at, n - at, sid, sizeof sid);
    if (!len)
      return -1;
    size_t nsub = c[at + 1];
    if (nsub && le32(c + at + 8 + 4 * (nsub - 1)) == rid)
      found = 1;
    if (membersz) {
      int k = snprintf(members + used, membersz - used, "%s%s", used ? "," : "", sid);
      if (k > 0 && used + (size_t)k < membersz)
        used += (size_t)k;
    }
    at += len;
  }
  return found;
}

size_t rs_hex_bytes(const char *hex, uint8_t *out, size_t outsz)
{
  size_t n = 0;
  while (hex[0] && hex[1] && n < outsz) {
    if (!isxdigit((unsigned char)hex[0]) || !isxdigit((unsigned char)hex[1]))
      break;
    char b[3] = {hex[0], hex[1], 0};
    unsigned v = 0;
    sscanf(b, "%x", &v);
    out[n++] = (uint8_t)v;
    hex += 2;
    while (*hex == ' ')
      hex++;
  }
  return n;
}

/* A SID insertion string as Windows 2000 writes it, "%{S-1-5-...}", or bare:
 * its length without the wrapper (and *sid at its start). */
static size_t sid_text_of(const char *s, const char **sid)
{
  size_t n = strlen(s);
  if (n > 3 && s[0] == '%' && s[1] == '{' && s[n - 1] == '}') {
    *sid = s + 2;
    return n - 3;
  }
  *sid = s;
  return n;
}

static bool is_guest(const char *s)
{
  const char *sid;
  size_t n = sid_text_of(s, &sid);
  return strcasecmp(s, "Guest") == 0 ||
         (n > 4 && sid[0] == 'S' && sid[1] == '-' && strncmp(sid + n - 4, "-501", 4) == 0);
}

static bool is_admins(const char *s)
{
  const char *sid;
  size_t n = sid_text_of(s, &sid);
  return strcasecmp(s, "Administrators") == 0 ||
         (n == 12 && strncmp(sid, "S-1-5-32-544", 12) == 0);
}

bool rs_nimda_secevent(const struct rs_evt_record *r, char *what, size_t whatsz)
{
  if (strcasecmp(r->source, "Security") != 0)
    return false;
  bool guest = false, admins = false;
  for (uint16_t i = 0; i < r->nstr; i++) {
    if (is_guest(r->str[i]))
      guest = true;
    if (is_admins(r->str[i]))
      admins = true;
  }
  if (!guest)
    return false;
  switch (r->event_id) {
  case 624:
    snprintf(what, whatsz, "event 624: the Guest account was created");
    return true;
  case 626:
    snprintf(what, whatsz, "event 626: the Guest account was enabled");
    return true;
  case 636:
    if (!admins)
      return false;
    snprintf(what, whatsz, "event 636: Guest was added to the local group Administrators");
    return true;
  default:
    return false;
  }
}
