/* Dr. Watson logs (docs/evtlogs.md). A line scanner with bounded state: one
 * report at a time, its task list for the pid lookup, nothing else kept. */
#include "redsleuth/drwatson.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/buf.h"

#define WHERE "Dr. Watson log"

const char *rs_drw_style_name(enum rs_drw_style s)
{
  switch (s) {
  case RS_DRW_STYLE_NT4:
    return "nt4";
  case RS_DRW_STYLE_W2K:
    return "w2k";
  default:
    return "unknown";
  }
}

void rs_drw_image_name(const char *app, char *out, size_t outsz)
{
  if (!outsz)
    return;
  out[0] = '\0';
  if (!app)
    return;
  const char *b = app;
  for (const char *p = app; *p; p++)
    if (*p == '\\' || *p == '/')
      b = p + 1;
  while (*b == ' ' || *b == '\t')
    b++;
  size_t n = strlen(b);
  while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == '\t'))
    n--;
  if (n >= outsz)
    n = outsz - 1;
  for (size_t i = 0; i < n; i++)
    out[i] = (char)tolower((unsigned char)b[i]);
  out[n] = '\0';
  if (n >= 4 && !strcmp(out + n - 4, ".dbg"))
    memcpy(out + n - 4, ".exe", 4);
}

struct task {
  int64_t pid;
  char name[64];
};

struct state {
  struct rs_drw_log *log;
  struct rs_drw_entry *cur;  /* NULL outside a report (or in a dropped one) */
  bool have_app, have_when, have_code;
  bool in_tasks;
  struct task *tasks;
  size_t ntasks;
  size_t cap;
};

/* Unsigned decimal at *p (advances). false when no digit or > max. */
static bool num(const char **p, uint64_t max, uint64_t *v)
{
  const char *s = *p;
  uint64_t x = 0;
  if (!isdigit((unsigned char)*s))
    return false;
  while (isdigit((unsigned char)*s)) {
    x = x * 10 + (uint64_t)(*s - '0');
    if (x > max)
      return false;
    s++;
  }
  *p = s;
  *v = x;
  return true;
}

/* Hex number at *p (advances), at most 16 digits. */
static bool hexnum(const char **p, uint64_t *v)
{
  const char *s = *p;
  uint64_t x = 0;
  int n = 0;
  while (isxdigit((unsigned char)*s) && n < 17) {
    int c = tolower((unsigned char)*s);
    x = x << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
    s++, n++;
  }
  if (n == 0 || n > 16)
    return false;
  *p = s;
  *v = x;
  return true;
}

/* "M/D/YYYY @ H:M:S[.ms]", fields without zero padding (Q246084:
 * "11/11/1999 @ 10:11:1.875"). The milliseconds are read as a number, like
 * the other fields. */
static bool parse_when(const char *s, struct rs_time *t)
{
  uint64_t mo, da, yr, h, mi, se, ms = 0;
  const char *p = s;
  if (!num(&p, 12, &mo) || *p++ != '/' || !num(&p, 31, &da) || *p++ != '/' ||
      !num(&p, 9999, &yr))
    return false;
  while (*p == ' ')
    p++;
  if (*p++ != '@')
    return false;
  while (*p == ' ')
    p++;
  if (!num(&p, 23, &h) || *p++ != ':' || !num(&p, 59, &mi) || *p++ != ':' || !num(&p, 59, &se))
    return false;
  if (*p == '.') {
    p++;
    if (!num(&p, 999, &ms))
      return false;
  }
  while (*p == ' ')
    p++;
  if (*p || yr < 1980 || mo < 1 || da < 1)
    return false;
  /* days in the month (civil calendar) */
  static const uint8_t mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (yr % 4 == 0 && yr % 100 != 0) || yr % 400 == 0;
  if (da > mdays[mo - 1] || (mo == 2 && da == 29 && !leap))
    return false;
  struct rs_time x = rs_time_from_civil((int)yr, (int)mo, (int)da, (int)h, (int)mi, (int)se);
  if (!x.set)
    return false;
  x.nsec = (uint32_t)ms * 1000000u;
  x.digits = 3;
  *t = x;
  return true;
}

static const char *after(const char *t, const char *prefix)
{
  size_t n = strlen(prefix);
  if (strncasecmp(t, prefix, n) != 0)
    return NULL;
  t += n;
  while (*t == ' ' || *t == '\t')
    t++;
  return t;
}

static void rtrim(char *s)
{
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    s[--n] = '\0';
}

static void finish(struct state *st)
{
  struct rs_drw_entry *e = st->cur;
  if (!e)
    return;
  e->complete = st->have_app && st->have_when && st->have_code;
  if (e->app_raw[0]) {
    rs_drw_image_name(e->app_raw, e->app, sizeof e->app);
  } else if (e->pid >= 0) {
    for (size_t i = 0; i < st->ntasks; i++)
      if (st->tasks[i].pid == e->pid) {
        rs_drw_image_name(st->tasks[i].name, e->app, sizeof e->app);
        e->app_from_tasks = e->app[0] != '\0';
        break;
      }
  }
  st->cur = NULL;
}

static enum rs_err start(struct state *st, uint64_t line)
{
  finish(st);
  st->have_app = st->have_when = st->have_code = st->in_tasks = false;
  st->ntasks = 0;
  struct rs_drw_log *log = st->log;
  if (log->n >= RS_DRW_MAX_ENTRIES) {
    log->ndropped++;
    return RS_OK;
  }
  if (log->n == st->cap) {
    size_t nc = st->cap ? st->cap * 2 : 16;
    if (nc > RS_DRW_MAX_ENTRIES)
      nc = RS_DRW_MAX_ENTRIES;
    struct rs_drw_entry *ne = realloc(log->e, nc * sizeof *ne);
    if (!ne)
      return RS_E_NOMEM;
    log->e = ne;
    st->cap = nc;
  }
  struct rs_drw_entry *e = &log->e[log->n++];
  memset(e, 0, sizeof *e);
  e->line = line;
  e->pid = -1;
  st->cur = e;
  return RS_OK;
}

/* "<app> (pid=<n>)": the pid part is optional. */
static bool parse_app(const char *v, struct rs_drw_entry *e)
{
  const char *pp = strstr(v, "(pid=");
  const char *q = NULL;
  for (const char *x = pp; x; x = strstr(x + 1, "(pid="))
    q = x; /* the last one: a name may hold "(pid=" itself */
  size_t n = q ? (size_t)(q - v) : strlen(v);
  if (n >= sizeof e->app_raw)
    n = sizeof e->app_raw - 1;
  memcpy(e->app_raw, v, n);
  e->app_raw[n] = '\0';
  rtrim(e->app_raw);
  if (!q)
    return true;
  const char *p = q + 5;
  uint64_t pid;
  if (!num(&p, UINT32_MAX, &pid) || *p != ')')
    return false;
  e->pid = (int64_t)pid;
  return true;
}

static bool parse_code(const char *v, struct rs_drw_entry *e)
{
  uint64_t c;
  const char *p = v;
  if (!hexnum(&p, &c) || c > UINT32_MAX || (*p && *p != ' ' && *p != '\t'))
    return false;
  e->has_code = true;
  e->code = (uint32_t)c;
  while (*p == ' ' || *p == '\t' || *p == '(')
    p++;
  rs_strlcpy(e->code_text, p, sizeof e->code_text);
  size_t n = strlen(e->code_text);
  while (n > 0 && (e->code_text[n - 1] == ')' || e->code_text[n - 1] == ' '))
    e->code_text[--n] = '\0';
  return true;
}

static void task_line(struct state *st, const char *t)
{
  const char *p = t;
  uint64_t pid;
  if (!num(&p, UINT32_MAX, &pid) || (*p != ' ' && *p != '\t')) {
    st->in_tasks = false;
    return;
  }
  while (*p == ' ' || *p == '\t')
    p++;
  if (!*p) {
    st->in_tasks = false;
    return;
  }
  if (st->ntasks < RS_DRW_MAX_TASKS) {
    st->tasks[st->ntasks].pid = (int64_t)pid;
    rs_strlcpy(st->tasks[st->ntasks].name, p, sizeof st->tasks[0].name);
    rtrim(st->tasks[st->ntasks].name);
    st->ntasks++;
  }
}

/* When: keeps its own text beside the time, so that when_raw is always the
 * text of `when` (first_stands never lets a later line replace it). */
static bool when_field(const char *v, struct rs_drw_entry *e)
{
  rs_strlcpy(e->when_raw, v, sizeof e->when_raw);
  rtrim(e->when_raw);
  return parse_when(e->when_raw, &e->when);
}

/* App:, When: and Exception number: come once per report: the first line
 * that parses stands; a line that does not parse, and any such line after
 * the one that did (a torn or spliced report), is counted as garbage and
 * never replaces it. */
static void first_stands(struct rs_drw_log *log, bool *have,
                         bool (*parse)(const char *, struct rs_drw_entry *), const char *v,
                         struct rs_drw_entry *e)
{
  if (!*have && parse(v, e))
    *have = true;
  else
    log->garbage++;
}

static void field(struct state *st, struct rs_drw_log *log, const char *t)
{
  struct rs_drw_entry *e = st->cur;
  const char *v;
  if (!*t) {
    st->in_tasks = false;
    return;
  }
  if (st->in_tasks && isdigit((unsigned char)*t)) {
    task_line(st, t);
    return;
  }
  st->in_tasks = false;
  if ((v = after(t, "App:")))
    first_stands(log, &st->have_app, parse_app, v, e);
  else if ((v = after(t, "When:")))
    first_stands(log, &st->have_when, when_field, v, e);
  else if ((v = after(t, "Exception number:")))
    first_stands(log, &st->have_code, parse_code, v, e);
  else if ((v = after(t, "Computer Name:"))) {
    rs_strlcpy(e->computer, v, sizeof e->computer);
    rtrim(e->computer);
  } else if (!strncmp(t, "FAULT ->", 8)) {
    const char *p = t + 8;
    uint64_t a;
    if (!e->has_fault && hexnum(&p, &a)) {
      e->has_fault = true;
      e->fault = a;
    }
  } else if (strstr(t, "Task List")) {
    st->in_tasks = true;
    st->ntasks = 0;
  }
}

void rs_drw_log_free(struct rs_drw_log *log)
{
  if (!log)
    return;
  free(log->e);
  memset(log, 0, sizeof *log);
}

enum rs_err rs_drw_parse(const uint8_t *buf, size_t len, struct rs_drw_log *out,
                         struct rs_diag *d)
{
  if (out)
    memset(out, 0, sizeof *out);
  if (!out || (!buf && len > 0))
    return rs_diag_set(d, RS_E_USAGE, WHERE, "rs_drw_parse: NULL argument");
  struct state st = {.log = out};
  st.tasks = malloc(RS_DRW_MAX_TASKS * sizeof *st.tasks);
  char *t = malloc(RS_DRW_MAX_LINE + 1);
  enum rs_err rc = RS_OK;
  if (!st.tasks || !t) {
    rc = RS_E_NOMEM;
    goto done;
  }
  bool w2k = false, dbg = false;
  size_t pos = 0, ll;
  int k;
  while ((k = rs_text_line(buf, len, &pos, t, RS_DRW_MAX_LINE + 1, &ll)) >= 0) {
    out->lines++;
    if (k == 0) {
      out->garbage++;
      continue;
    }
    const char *s = t;
    while (*s == ' ' || *s == '\t')
      s++;
    rtrim(t);
    if (!strncmp(s, "Microsoft (R) Windows 2000 (TM)", 31) && strstr(s, "DrWtsn32"))
      w2k = true;
    if (!strcasecmp(s, "Application exception occurred:")) {
      if ((rc = start(&st, out->lines)) != RS_OK)
        goto done;
      continue;
    }
    if (st.cur)
      field(&st, out, s);
  }
  finish(&st);
  for (size_t i = 0; i < out->n; i++) {
    size_t n = strlen(out->e[i].app_raw);
    if ((n >= 4 && !strcasecmp(out->e[i].app_raw + n - 4, ".dbg")) ||
        !strncasecmp(out->e[i].app_raw, "exe\\", 4))
      dbg = true;
  }
  out->style = w2k ? RS_DRW_STYLE_W2K : dbg ? RS_DRW_STYLE_NT4 : RS_DRW_STYLE_UNKNOWN;
done:
  free(st.tasks);
  free(t);
  if (rc != RS_OK) {
    rs_drw_log_free(out);
    return rs_diag_set(d, rc, WHERE, "out of memory");
  }
  return RS_OK;
}
