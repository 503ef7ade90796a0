/* UrlScan 2.x logs (docs/evtlogs.md): rejected requests and the .ida/.idq
 * summary. One pass over the lines, bounded output. */
#include "redsleuth/urlscan.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/buf.h"

#define WHERE "UrlScan log"

/* n digits at p (exactly), value in *v. */
static bool digits(const char *p, int n, int *v)
{
  int x = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)p[i]))
      return false;
    x = x * 10 + (p[i] - '0');
  }
  *v = x;
  return true;
}

/* "[MM-DD-YYYY - HH:MM:SS] " (24 bytes) at the start of s: the local time,
 * the raw text and the message after it. */
static const char *prefix(const char *s, struct rs_time *t, char raw[24])
{
  int mo, da, yr, h, mi, se;
  if (s[0] != '[' || !digits(s + 1, 2, &mo) || s[3] != '-' || !digits(s + 4, 2, &da) ||
      s[6] != '-' || !digits(s + 7, 4, &yr) || strncmp(s + 11, " - ", 3) != 0 ||
      !digits(s + 14, 2, &h) || s[16] != ':' || !digits(s + 17, 2, &mi) || s[19] != ':' ||
      !digits(s + 20, 2, &se) || s[22] != ']')
    return NULL;
  static const uint8_t mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (yr % 4 == 0 && yr % 100 != 0) || yr % 400 == 0;
  if (mo < 1 || mo > 12 || da < 1 || da > mdays[mo - 1] || (mo == 2 && da == 29 && !leap) ||
      h > 23 || mi > 59 || se > 59 || yr < 1990)
    return NULL;
  *t = rs_time_from_civil(yr, mo, da, h, mi, se);
  if (!t->set)
    return NULL;
  memcpy(raw, s + 1, 21);
  raw[21] = '\0';
  s += 23;
  while (*s == ' ')
    s++;
  return s;
}

/* Copies [p, p+n) into dst (size dsz); true when it was cut. */
static bool copyn(char *dst, size_t dsz, const char *p, size_t n)
{
  bool cut = n >= dsz;
  if (cut)
    n = dsz - 1;
  memcpy(dst, p, n);
  dst[n] = '\0';
  return cut;
}

static bool ci_suffix(const char *s, size_t n, const char *suf)
{
  size_t k = strlen(suf);
  return n >= k && !strncasecmp(s + n - k, suf, k);
}

/* "Client at <ip>: <reason>. Request will be rejected.  Site Instance='n', Raw URL='u'" */
static void rejection(const char *m, struct rs_urlscan_entry *e)
{
  e->site = -1;
  const char *ip = m + strlen("Client at ");
  const char *colon = strchr(ip, ':');
  /* IPv4 here; a colon inside the address (IPv6) would end it early, which
   * UrlScan 2.x (IPv4 only) never wrote */
  const char *r = colon ? colon + 1 : ip + strlen(ip);
  e->cut |= copyn(e->client, sizeof e->client, ip, (size_t)(r - (colon ? 1 : 0) - ip));
  while (*r == ' ')
    r++;
  const char *stop = !strncmp(r, "Request will be rejected.", 25) ? r
                                                                  : strstr(r, ". Request will be rejected.");
  const char *site = strstr(r, "Site Instance='");
  const char *url = strstr(r, "Raw URL='");
  const char *rend = stop ? stop : site ? site : url ? url : r + strlen(r);
  while (rend > r && (rend[-1] == ' ' || rend[-1] == ','))
    rend--;
  e->cut |= copyn(e->reason, sizeof e->reason, r, (size_t)(rend - r));
  if (site) {
    const char *p = site + strlen("Site Instance='");
    int v = 0, k = 0;
    while (isdigit((unsigned char)p[k]) && k < 9)
      v = v * 10 + (p[k++] - '0');
    if (k > 0 && p[k] == '\'')
      e->site = v;
  }
  if (url) {
    const char *p = url + strlen("Raw URL='");
    size_t n = strlen(p);
    if (n > 0 && p[n - 1] == '\'')
      n--; /* the closing quote ends the line; quotes inside the URL stay */
    e->cut |= copyn(e->url, sizeof e->url, p, n);
  }
  size_t pl = strcspn(e->url, "?");
  e->ida = ci_suffix(e->url, pl, ".ida") || ci_suffix(e->url, pl, ".idq");
  e->family = e->url[0] ? rs_iislog_classify("", e->url, NULL) : RS_FAM_NONE;
}

void rs_urlscan_log_free(struct rs_urlscan_log *log)
{
  if (!log)
    return;
  free(log->e);
  memset(log, 0, sizeof *log);
}

enum rs_err rs_urlscan_parse(const uint8_t *buf, size_t len, struct rs_urlscan_log *out,
                             struct rs_diag *d)
{
  if (out)
    memset(out, 0, sizeof *out);
  if (!out || (!buf && len > 0))
    return rs_diag_set(d, RS_E_USAGE, WHERE, "rs_urlscan_parse: NULL argument");
  char *t = malloc(RS_URLSCAN_MAX_LINE + 1);
  if (!t)
    return rs_diag_set(d, RS_E_NOMEM, WHERE, "out of memory");
  size_t cap = 0, pos = 0, ll;
  bool in_list = false;
  int k;
  while ((k = rs_text_line(buf, len, &pos, t, RS_URLSCAN_MAX_LINE + 1, &ll)) >= 0) {
    out->lines++;
    if (k == 0) {
      out->garbage++;
      continue;
    }
    while (ll > 0 && (t[ll - 1] == ' ' || t[ll - 1] == '\t'))
      t[--ll] = '\0';
    if (ll == 0)
      continue; /* blank lines are nobody's */
    struct rs_time when;
    char raw[24];
    const char *m = prefix(t, &when, raw);
    if (!m) {
      out->garbage++;
      continue;
    }
    if (strncmp(m, "Client at ", 10) != 0) {
      out->other++;
      if (!strcmp(m, "Requests for following extensions will be rejected:")) {
        in_list = true;
      } else if (in_list && m[0] == '\'') {
        if ((!strcasecmp(m, "'.ida'") || !strcasecmp(m, "'.idq'")) && !out->ida_listed) {
          out->ida_listed = true;
          out->ida_listed_when = when;
          out->ida_listed_line = out->lines;
        }
      } else {
        in_list = false;
      }
      continue;
    }
    in_list = false;
    out->rejected++;
    struct rs_urlscan_entry e;
    memset(&e, 0, sizeof e);
    e.line = out->lines;
    e.when = when;
    memcpy(e.when_raw, raw, sizeof e.when_raw);
    rejection(m, &e);
    if (e.ida) {
      if (!out->ida_count || rs_time_cmp(&when, &out->ida_first) < 0) {
        out->ida_first = when;
        out->ida_first_line = e.line;
      }
      if (!out->ida_count || rs_time_cmp(&when, &out->ida_last) >= 0) {
        out->ida_last = when;
        out->ida_last_line = e.line;
      }
      out->ida_count++;
    }
    if (out->n >= RS_URLSCAN_MAX_ENTRIES) {
      out->ndropped++;
      continue;
    }
    if (out->n == cap) {
      size_t nc = cap ? cap * 2 : 32;
      if (nc > RS_URLSCAN_MAX_ENTRIES)
        nc = RS_URLSCAN_MAX_ENTRIES;
      struct rs_urlscan_entry *ne = realloc(out->e, nc * sizeof *ne);
      if (!ne) {
        free(t);
        rs_urlscan_log_free(out);
        return rs_diag_set(d, RS_E_NOMEM, WHERE, "out of memory");
      }
      out->e = ne;
      cap = nc;
    }
    out->e[out->n++] = e;
  }
  free(t);
  return RS_OK;
}
