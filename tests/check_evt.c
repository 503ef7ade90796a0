/* Suite "evt": the host's own account (codered-artifacts.md section 11).
 * - EVT: every fixture file (fixtures/out/evt, written by fixtures/gen/evt.py)
 *   and the real XP SysEvent.Evt against evtexport (libevt-utils), record by
 *   record; state, masked ids, recovered records, the wrapped log, the dirty
 *   log; cut files, bad record sizes and records pointing past the end give
 *   "unreadable", never a crash; bounds on strings; the link arrangement.
 * - Dr. Watson and UrlScan: the fixtures against their answer.json, edge
 *   cases, truncation at every length, bounds.
 * - The table: every fixture record's checks and timeline roles, the real
 *   log's non-IIS 7031s, the W3svc.dll threshold, the crash correlation. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <jansson.h>

#include "redsleuth/drwatson.h"
#include "redsleuth/evidence.h"
#include "redsleuth/evt.h"
#include "redsleuth/evtcheck.h"
#include "redsleuth/image.h"
#include "redsleuth/registry.h"
#include "redsleuth/urlscan.h"
#include "testutil.h"

/* ---------- helpers ---------- */

static json_t *evt_answer(void)
{
  json_error_t je;
  json_t *a = json_load_file(rs_t_src("fixtures/out/evt/answer.json"), 0, &je);
  ck_assert_msg(a != NULL, "fixtures/out/evt/answer.json: %s", je.text);
  return a;
}

static unsigned char *fixture(const char *rel, size_t *len)
{
  char p[512];
  snprintf(p, sizeof p, "fixtures/out/evt/%s", rel);
  unsigned char *b = rs_t_slurp(rs_t_src(p), len);
  ck_assert_msg(b != NULL, "%s missing", p);
  return b;
}

static const char *iso(const struct rs_time *t)
{
  static char buf[4][RS_TIME_ISO_MAX];
  static int k;
  k = (k + 1) % 4;
  return rs_time_iso(t, buf[k]);
}

/* One record as evtexport prints it. */
struct xrec {
  uint32_t number;
  int64_t created, written;
  unsigned type, category;
  uint32_t eid;
  char sid[200], computer[600], source[600];
  int nstr;
  char *str[64]; /* point into the text */
};

static int64_t xtime(const char *v)
{
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  const char *e = strptime(v, "%b %d, %Y %H:%M:%S", &tm);
  ck_assert_msg(e && !strncmp(e, " UTC", 4), "evtexport time '%.40s'", v);
  return (int64_t)timegm(&tm);
}

/* Field value of "Name\t\t: value" starting at line l (NUL-terminated line). */
static const char *val(const char *l)
{
  const char *c = strstr(l, ": ");
  return c ? c + 2 : "";
}

/* Runs evtexport -m mode on path; parses its records into *out (malloc'd
 * array), text into *keep (strings point into it). Returns the count. */
static size_t evtexport(const char *path, const char *mode, struct xrec **out, char **keep)
{
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "evtexport -m %s '%s' 2>/dev/null", mode, path);
  char *text = NULL;
  int rc = rs_t_run(cmd, &text);
  ck_assert_msg(rc == 0 && text, "%s failed (%d)", cmd, rc);
  size_t n = 0, cap = 0;
  struct xrec *v = NULL;
  /* records are separated by "\n\nEvent number"; strings come last */
  char *p = strstr(text, "Event number");
  while (p) {
    char *next = strstr(p, "\n\nEvent number");
    if (next) {
      next[1] = '\0'; /* the record ends with the '\n' after its last line */
    } else {
      size_t tl = strlen(p); /* the output ends with a blank line */
      if (tl >= 2 && p[tl - 1] == '\n' && p[tl - 2] == '\n')
        p[tl - 1] = '\0';
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      v = realloc(v, cap * sizeof *v);
      ck_assert_ptr_nonnull(v);
    }
    struct xrec *x = &v[n++];
    memset(x, 0, sizeof *x);
    /* strings: "String: k\t...: value" up to the next "\nString: " or the end */
    char *s1 = strstr(p, "\nString: 1\t");
    char *end = p + strlen(p);
    if (s1) {
      char *q = s1; /* at the '\n' before "String: k" */
      while (q && x->nstr < 64) {
        char *v0 = strstr(q + 1, "\t: "); /* "String: k\t\t\t: value" */
        ck_assert_ptr_nonnull(v0);
        v0 += 3;
        char *nq = strstr(v0, "\nString: ");
        char *ve = nq ? nq : end;
        if (!nq && ve > v0 && ve[-1] == '\n')
          ve--; /* the line break evtexport adds after the last string */
        *ve = '\0';
        x->str[x->nstr++] = v0;
        q = nq;
      }
      *s1 = '\0';
    }
    for (char *l = strtok(p, "\n"); l; l = strtok(NULL, "\n")) {
      if (!strncmp(l, "Event number", 12))
        x->number = (uint32_t)strtoul(val(l), NULL, 10);
      else if (!strncmp(l, "Creation time", 13))
        x->created = xtime(val(l));
      else if (!strncmp(l, "Written time", 12))
        x->written = xtime(val(l));
      else if (!strncmp(l, "Event type", 10))
        x->type = (unsigned)strtoul(strrchr(l, '(') + 1, NULL, 10);
      else if (!strncmp(l, "User security identifier", 24))
        snprintf(x->sid, sizeof x->sid, "%s", val(l));
      else if (!strncmp(l, "Computer name", 13))
        snprintf(x->computer, sizeof x->computer, "%s", val(l));
      else if (!strncmp(l, "Source name", 11))
        snprintf(x->source, sizeof x->source, "%s", val(l));
      else if (!strncmp(l, "Event category", 14))
        x->category = (unsigned)strtoul(val(l), NULL, 10);
      else if (!strncmp(l, "Event identifier", 16))
        x->eid = (uint32_t)strtoul(val(l), NULL, 16);
      else if (!strncmp(l, "Number of strings", 17))
        ck_assert_int_eq(atoi(val(l)), x->nstr);
    }
    p = next ? next + 2 : NULL;
  }
  *out = v;
  *keep = text;
  return n;
}

/* Our records [from, from+n) equal evtexport's, field by field. */
static void same_as_evtexport(const char *path, const struct rs_evt_log *l, bool recovered)
{
  struct xrec *x = NULL;
  char *keep = NULL;
  size_t n = evtexport(path, recovered ? "recovered" : "items", &x, &keep);
  size_t from = recovered ? l->nrecords : 0, cnt = recovered ? l->nrecovered : l->nrecords;
  ck_assert_msg(n == cnt, "%s: evtexport %zu %s records, we %zu", path, n,
                recovered ? "recovered" : "live", cnt);
  for (size_t i = 0; i < n; i++) {
    const struct rs_evt_record *r = &l->rec[from + i];
    const struct xrec *e = &x[i];
    ck_assert_msg(r->recovered == recovered, "%s #%u recovered flag", path, r->number);
    ck_assert_uint_eq(r->number, e->number);
    ck_assert_int_eq(r->generated.sec, e->created);
    ck_assert_int_eq(r->written.sec, e->written);
    ck_assert_uint_eq(r->type, e->type);
    ck_assert_uint_eq(r->category, e->category);
    ck_assert_uint_eq(r->event_id_raw, e->eid);
    ck_assert_uint_eq(r->event_id, e->eid & 0xFFFF);
    ck_assert_str_eq(r->source, e->source);
    ck_assert_str_eq(r->computer, e->computer);
    ck_assert_str_eq(r->sid, e->sid);
    ck_assert_int_eq(r->nstr_file, e->nstr);
    for (int k = 0; k < e->nstr && k < r->nstr; k++)
      if (strlen(e->str[k]) <= RS_EVT_MAX_STRING)
        ck_assert_msg(!strcmp(r->str[k], e->str[k]), "%s #%u string %d: '%s' vs '%s'", path,
                      r->number, k + 1, r->str[k], e->str[k]);
  }
  free(x);
  free(keep);
}

static bool have_evtexport(void)
{
  return rs_t_have("evtexport");
}

/* ---------- EVT: fixtures ---------- */

#define N_EVT 6

START_TEST(evt_fixture_matches_evtexport_and_answer)
{
  json_t *a = evt_answer();
  json_t *f = json_array_get(json_object_get(a, "evt"), (size_t)_i);
  ck_assert_ptr_nonnull(f);
  const char *rel = json_string_value(json_object_get(f, "path"));
  size_t len;
  unsigned char *b = fixture(rel, &len);
  struct rs_evt_log l;
  struct rs_diag d;
  ck_assert_msg(rs_evt_read(b, len, &l, &d) == RS_OK, "%s: %s", rel, d.what);
  ck_assert_str_eq(rs_evt_state_name(l.state), json_string_value(json_object_get(f, "state")));
  ck_assert_uint_eq(l.header.flags, json_integer_value(json_object_get(f, "flags")));
  ck_assert_uint_eq(l.nrecords, json_integer_value(json_object_get(f, "records")));
  ck_assert_uint_eq(l.nrecovered, json_integer_value(json_object_get(f, "recovered")));
  ck_assert_uint_eq(l.nbad, 0);
  /* record numbers and ids in the plan's order */
  json_t *live = json_object_get(f, "live"), *rec = json_object_get(f, "recovered_records");
  for (size_t i = 0; i < l.nrec; i++) {
    json_t *p = i < l.nrecords ? json_array_get(live, i) : json_array_get(rec, i - l.nrecords);
    ck_assert_uint_eq(l.rec[i].number, json_integer_value(json_object_get(p, "number")));
    ck_assert_uint_eq(l.rec[i].event_id_raw, json_integer_value(json_object_get(p, "event_id_raw")));
    ck_assert_uint_eq(l.rec[i].event_id, json_integer_value(json_object_get(p, "event_id")));
    ck_assert_str_eq(l.rec[i].sid, json_string_value(json_object_get(p, "sid")));
    ck_assert_str_eq(iso(&l.rec[i].generated), json_string_value(json_object_get(p, "generated")));
  }
  if (l.nrecords) {
    ck_assert_str_eq(iso(&l.first), json_string_value(json_object_get(json_array_get(live, 0),
                                                                      "generated")));
    ck_assert_str_eq(iso(&l.last), json_string_value(json_object_get(
                                       json_array_get(live, l.nrecords - 1), "generated")));
  }
  if (have_evtexport()) {
    char p[512];
    snprintf(p, sizeof p, "fixtures/out/evt/%s", rel);
    same_as_evtexport(rs_t_src(p), &l, false);
    same_as_evtexport(rs_t_src(p), &l, true);
  } else {
    fprintf(stderr, "SKIP evtexport comparison: libevt-utils not installed\n");
  }
  rs_evt_log_free(&l);
  free(b);
  json_decref(a);
}
END_TEST

/* Issue 16: evidence text need not be valid UTF-16. libevt refuses a
 * record whose source or strings hold a lone surrogate (libuna: unsupported
 * UTF-16 character); the reader takes the same texts from the record's
 * bytes, a lone surrogate as its WTF-8 bytes, a long string cut at
 * RS_EVT_MAX_STRING on a character (w2k-hostile-names' System log). */
START_TEST(evt_lone_surrogate_text_kept)
{
  size_t len;
  unsigned char *b = rs_t_slurp(rs_t_src("fixtures/out/w2k-hostile-names/evt/SysEvent.Evt"), &len);
  ck_assert_ptr_nonnull(b);
  json_t *ans = rs_t_answer("w2k-hostile-names");
  ck_assert_ptr_nonnull(ans);
  json_t *ev = json_object_get(ans, "evt");
  struct rs_evt_log l;
  struct rs_diag d;
  rs_diag_clear(&d);
  ck_assert_msg(rs_evt_read(b, len, &l, &d) == RS_OK, "%s", d.what);
  ck_assert_int_eq(l.state, RS_EVT_OK);
  ck_assert_uint_eq(l.nbad, 0);
  ck_assert_uint_eq(l.nrecords, (size_t)json_integer_value(json_object_get(
                                    json_array_get(json_object_get(ev, "event_logs"), 0), "records")));
  int hostile_src = 0, seen = 0;
  for (size_t i = 0; i < l.nrec; i++) {
    const struct rs_evt_record *r = &l.rec[i];
    /* the unmatched record's source: markup, ESC, BEL and a lone low surrogate */
    if (strstr(r->source, "<img src=x onerror=alert(\"src\")>\x1b]0;pwn\x07|")) {
      hostile_src++;
      size_t n = strlen(r->source);
      ck_assert_uint_ge(n, 3);
      ck_assert_mem_eq(r->source + n - 3, "\xed\xb0\x80", 3);
      ck_assert_str_eq(r->computer, "HOSTILE");
    }
    if (r->event_id != 6008 && r->event_id != 7031)
      continue;
    seen++;
    size_t k = r->event_id == 6008 ? 0 : 1; /* where HOSTILE_STR is */
    ck_assert_uint_gt(r->nstr, k + 1);
    const char *s = r->str[k];
    ck_assert_ptr_nonnull(strstr(s, "bad:\xed\xb0\x80:end"));
    ck_assert_mem_eq(s + strlen(s) - 3, "\xed\xa0\x80", 3);
    ck_assert_ptr_nonnull(strstr(s, "\x1b[31mred\x1b[0m \r\n\tbell\x07"));
    /* HOSTILE_LONG: 1500 two-byte characters then "<b>", cut on a character */
    ck_assert_uint_eq(strlen(r->str[k + 1]), 2048);
    ck_assert(r->cut);
    ck_assert_str_eq(r->source, r->event_id == 6008 ? "EventLog" : "Service Control Manager");
  }
  ck_assert_int_eq(hostile_src, 1);
  ck_assert_int_eq(seen, 2);
  rs_evt_log_free(&l);
  free(b);
  json_decref(ans);
}
END_TEST

START_TEST(evt_masked_ids_and_types)
{
  size_t len;
  unsigned char *b = fixture("w2k/SysEvent.Evt", &len);
  struct rs_evt_log l;
  ck_assert_int_eq(rs_evt_read(b, len, &l, NULL), RS_OK);
  int seen = 0;
  for (size_t i = 0; i < l.nrec; i++) {
    const struct rs_evt_record *r = &l.rec[i];
    if (r->event_id_raw == 0xc0001b77u) {
      ck_assert_uint_eq(r->event_id, 7031);
      ck_assert_uint_eq(r->severity, 3);
      ck_assert_str_eq(rs_evt_type_name(r->type), "error");
      seen |= 1;
    }
    if (r->event_id_raw == 0x80001775u) {
      ck_assert_uint_eq(r->event_id, 6005);
      ck_assert_uint_eq(r->severity, 2);
      ck_assert_str_eq(rs_evt_type_name(r->type), "information");
      ck_assert_uint_eq(r->data_size, r->number == 102 ? 24 : 0); /* plan: data on #102 only */
      seen |= 2;
    }
    if (r->event_id_raw == 0x4000fa20u) {
      ck_assert_uint_eq(r->event_id, 64032);
      ck_assert_uint_eq(r->severity, 1);
      seen |= 4;
    }
  }
  ck_assert_int_eq(seen, 7);
  rs_evt_log_free(&l);
  free(b);
}
END_TEST

START_TEST(evt_recovered_record_found)
{
  size_t len;
  unsigned char *b = fixture("w2k/SysEvent.Evt", &len);
  struct rs_evt_log l;
  ck_assert_int_eq(rs_evt_read(b, len, &l, NULL), RS_OK);
  ck_assert_uint_eq(l.nrecovered, 1);
  const struct rs_evt_record *r = &l.rec[l.nrecords];
  ck_assert(r->recovered);
  ck_assert_uint_eq(r->number, 57);
  ck_assert_uint_eq(r->offset, 0x3000);
  ck_assert_str_eq(r->str[0], "World Wide Web Publishing Service");
  ck_assert_str_eq(iso(&l.rec_first), "2001-07-20T10:00:00Z");
  const struct rs_evt_rule *m[4];
  ck_assert_uint_eq(rs_evt_classify(r, RS_EVT_LOG_SYSTEM, m, 4), 1);
  ck_assert_str_eq(m[0]->id, "EVT-IIS-CRASH");
  /* the security log was cleared: one live record, two recovered */
  free(b);
  rs_evt_log_free(&l);
  b = fixture("w2k/SecEvent.Evt", &len);
  ck_assert_int_eq(rs_evt_read(b, len, &l, NULL), RS_OK);
  ck_assert_uint_eq(l.nrecords, 1);
  ck_assert_uint_eq(l.nrecovered, 2);
  ck_assert_str_eq(l.rec[1].sid, "S-1-5-21-1004336348-1177238915-682003330-500");
  ck_assert_uint_eq(l.rec[1].nstr, 7);
  rs_evt_log_free(&l);
  free(b);
}
END_TEST

START_TEST(evt_wrapped_log)
{
  json_t *a = evt_answer();
  json_t *f = NULL;
  for (size_t i = 0; i < json_array_size(json_object_get(a, "evt")); i++)
    if (strstr(json_string_value(json_object_get(json_array_get(json_object_get(a, "evt"), i),
                                                 "path")), "wrapped/"))
      f = json_array_get(json_object_get(a, "evt"), i);
  ck_assert_ptr_nonnull(f);
  size_t len;
  unsigned char *b = fixture("wrapped/SysEvent.Evt", &len);
  struct rs_evt_log l;
  ck_assert_int_eq(rs_evt_read(b, len, &l, NULL), RS_OK);
  ck_assert_int_eq(l.state, RS_EVT_WRAPPED);
  ck_assert(l.wrapped && !l.dirty);
  /* the oldest record is in the middle of the file; one continues at 48 */
  ck_assert_uint_gt(l.header.first_offset, l.header.eof_offset);
  uint32_t split = (uint32_t)json_integer_value(json_object_get(f, "split_record"));
  int found = 0;
  for (size_t i = 0; i < l.nrecords; i++) {
    if (i)
      ck_assert_uint_eq(l.rec[i].number, l.rec[i - 1].number + 1);
    if (l.rec[i].number == split) {
      found = 1;
      ck_assert_uint_gt(l.rec[i].offset + 200, len - 200); /* near the end */
      ck_assert_int_eq(l.rec[i].nstr, 2);
      ck_assert(strlen(l.rec[i].str[0]) > 3);
    }
  }
  ck_assert(found);
  ck_assert_uint_eq(l.rec[l.nrecords - 1].event_id, 7034);
  ck_assert_str_eq(l.rec[l.nrecords - 1].str[0], "IIS Admin Service");
  rs_evt_log_free(&l);
  free(b);
  json_decref(a);
}
END_TEST

START_TEST(evt_dirty_stale_header)
{
  size_t len;
  unsigned char *b = fixture("nt4/SysEvent.Evt", &len);
  struct rs_evt_log l;
  ck_assert_int_eq(rs_evt_read(b, len, &l, NULL), RS_OK);
  ck_assert_int_eq(l.state, RS_EVT_DIRTY);
  ck_assert(l.dirty && l.lib_corrupted && !l.relocated);
  ck_assert_uint_eq(l.nrecords, 6);
  ck_assert_uint_eq(l.header.next_number, 14); /* stale: the end-of-file record says 17 */
  /* a dirty log whose first-record offset is stale too: found from the
   * end-of-file record, as libevt does */
  unsigned char *c = malloc(len);
  memcpy(c, b, len);
  c[16] = 0x34; /* first record offset 0x34: inside the first record */
  struct rs_evt_log m;
  ck_assert_int_eq(rs_evt_read(c, len, &m, NULL), RS_OK);
  ck_assert(m.relocated);
  ck_assert_int_eq(m.state, RS_EVT_DIRTY);
  ck_assert_uint_eq(m.nrecords, 6);
  /* the same damage in a log that is not dirty: unreadable */
  c[36] = 0;
  struct rs_evt_log k;
  struct rs_diag d;
  ck_assert_int_eq(rs_evt_read(c, len, &k, &d), RS_E_CORRUPT);
  ck_assert_int_eq(k.state, RS_EVT_UNREADABLE);
  ck_assert_ptr_nonnull(strstr(k.note, "0x34"));
  rs_evt_log_free(&k);
  rs_evt_log_free(&m);
  rs_evt_log_free(&l);
  free(c);
  free(b);
}
END_TEST

/* ---------- EVT: damage ---------- */

static uint32_t rd32(const unsigned char *p)
{
  return rs_t_le32(p);
}
static void wr32(unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8), p[2] = (unsigned char)(v >> 16),
  p[3] = (unsigned char)(v >> 24);
}

/* Reads and checks the invariants any result must keep. */
static enum rs_err read_checked(const unsigned char *b, size_t len, struct rs_evt_log *l)
{
  struct rs_diag d;
  memset(&d, 0, sizeof d);
  enum rs_err e = rs_evt_read(b, len, l, &d);
  ck_assert(e != RS_E_NOMEM && e != RS_E_USAGE && e != RS_E_INTERNAL);
  if (e == RS_OK) {
    ck_assert_int_ne(l->state, RS_EVT_UNREADABLE);
  } else {
    ck_assert_int_eq(l->state, RS_EVT_UNREADABLE);
    ck_assert_msg(l->note[0] && d.what[0], "unreadable without a reason");
  }
  ck_assert_uint_eq(l->nrec, l->nrecords + l->nrecovered);
  for (size_t i = 0; i < l->nrec; i++) {
    ck_assert_ptr_nonnull(l->rec[i].source);
    ck_assert_uint_le(l->rec[i].nstr, RS_EVT_MAX_STRINGS);
    for (unsigned k = 0; k < l->rec[i].nstr; k++)
      ck_assert_uint_le(strlen(l->rec[i].str[k]), RS_EVT_MAX_STRING);
  }
  return e;
}

/* Cut at every length: inside the header and the record chain the file is
 * unreadable (and says where); past the end-of-file record it still reads. */
START_TEST(evt_cut_every_length)
{
  size_t len;
  unsigned char *b = fixture("w2k/SysEvent.Evt", &len);
  struct rs_evt_log full;
  ck_assert_int_eq(rs_evt_read(b, len, &full, NULL), RS_OK);
  size_t chain_end = full.header.eof_offset + 0x28;
  for (size_t cut = 0; cut < len; cut += (cut < chain_end + 64 ? 1 : 509)) {
    unsigned char *c = malloc(cut ? cut : 1);
    memcpy(c, b, cut);
    struct rs_evt_log l;
    enum rs_err e = read_checked(c, cut, &l);
    if (cut < chain_end)
      ck_assert_msg(e != RS_OK, "cut at %zu read as %s", cut, rs_evt_state_name(l.state));
    else
      ck_assert_msg(e == RS_OK && l.nrecords == full.nrecords, "cut at %zu: %s", cut, l.note);
    if (cut >= 48 && cut < chain_end)
      ck_assert_msg(e == RS_E_TRUNCATED, "cut at %zu: %s (%s)", cut, rs_err_name(e), l.note);
    rs_evt_log_free(&l);
    free(c);
  }
  rs_evt_log_free(&full);
  free(b);
}
END_TEST

/* Every record's size field and size copy damaged in several ways. */
static const struct {
  int delta;      /* added to the size field */
  uint32_t set;   /* or this value when delta == 0 */
  bool tail;      /* damage the copy at the end instead */
} size_muts[] = {
  {4, 0, false}, {-4, 0, false}, {8, 0, false}, {0, 0, false}, {0, 7, false},
  {0, 0x27, false}, {0, 0xFFFFFFFFu, false}, {0, 0x7FFFFFFFu, false}, {1, 0, true},
};
#define N_SIZE_MUTS (sizeof size_muts / sizeof size_muts[0])

START_TEST(evt_bad_record_sizes)
{
  size_t len;
  unsigned char *b = fixture("w2k/SysEvent.Evt", &len);
  struct rs_evt_log full;
  ck_assert_int_eq(rs_evt_read(b, len, &full, NULL), RS_OK);
  for (size_t i = 0; i < full.nrecords; i++) {
    size_t off = (size_t)full.rec[i].offset;
    uint32_t size = rd32(b + off);
    unsigned char *c = malloc(len);
    memcpy(c, b, len);
    if (size_muts[_i].tail)
      wr32(c + off + size - 4, size + (uint32_t)size_muts[_i].delta);
    else
      wr32(c + off, size_muts[_i].delta ? size + (uint32_t)size_muts[_i].delta : size_muts[_i].set);
    struct rs_evt_log l;
    enum rs_err e = read_checked(c, len, &l);
    ck_assert_msg(e == RS_E_CORRUPT || e == RS_E_TRUNCATED, "record %zu mutation %d: %s", i, _i,
                  rs_err_name(e));
    ck_assert_msg(strstr(l.note, "record at 0x") || strstr(l.note, "end-of-file") ||
                      strstr(l.note, "libevt"), "note: %s", l.note);
    rs_evt_log_free(&l);
    free(c);
  }
  rs_evt_log_free(&full);
  free(b);
}
END_TEST

/* A record (or the header) pointing past the end of the file. */
START_TEST(evt_pointer_past_end)
{
  size_t len;
  unsigned char *b = fixture("w2k/AppEvent.Evt", &len);
  struct rs_evt_log l;
  unsigned char *c = malloc(len);
  /* record size beyond the file */
  memcpy(c, b, len);
  wr32(c + 48, (uint32_t)len + 64);
  enum rs_err e = read_checked(c, len, &l);
  ck_assert(e == RS_E_TRUNCATED || e == RS_E_CORRUPT);
  ck_assert_ptr_nonnull(strstr(l.note, "past the end"));
  rs_evt_log_free(&l);
  wr32(c + 48, 0x00F00000u); /* beyond the declared maximum size too */
  ck_assert_int_eq(read_checked(c, len, &l), RS_E_CORRUPT);
  ck_assert_ptr_nonnull(strstr(l.note, "past the end"));
  rs_evt_log_free(&l);
  /* first record offset beyond the file (and its declared maximum size) */
  memcpy(c, b, len);
  wr32(c + 16, 0x7FFFFFF0u);
  ck_assert_int_eq(read_checked(c, len, &l), RS_E_CORRUPT);
  ck_assert_ptr_nonnull(strstr(l.note, "outside the file"));
  rs_evt_log_free(&l);
  /* the last record's size runs past the end of a log that has not wrapped */
  memcpy(c, b, len);
  struct rs_evt_log full;
  ck_assert_int_eq(rs_evt_read(b, len, &full, NULL), RS_OK);
  size_t last = (size_t)full.rec[full.nrecords - 1].offset;
  wr32(c + last, (uint32_t)(len - last + 16));
  ck_assert_int_eq(read_checked(c, len, &l), RS_E_TRUNCATED);
  rs_evt_log_free(&l);
  /* string offset far past the record: libevt ignores it (format doc:
   * "offsets beyond the record data should be ignored"), nothing breaks */
  memcpy(c, b, len);
  wr32(c + 48 + 36, 0x7FFFFFF0u);
  read_checked(c, len, &l);
  rs_evt_log_free(&l);
  rs_evt_log_free(&full);
  free(c);
  free(b);
}
END_TEST

/* Seeded random damage: any result, never a crash, invariants kept. */
START_TEST(evt_random_damage)
{
  static const char *files[] = {"w2k/SysEvent.Evt", "wrapped/SysEvent.Evt", "nt4/SysEvent.Evt"};
  size_t len;
  unsigned char *b = fixture(files[_i], &len);
  unsigned char *c = malloc(len);
  unsigned seed = 1234u + (unsigned)_i;
  int unreadable = 0;
  for (int round = 0; round < 300; round++) {
    memcpy(c, b, len);
    int hits = 1 + (int)(rand_r(&seed) % 8);
    for (int k = 0; k < hits; k++)
      c[rand_r(&seed) % len] = (unsigned char)rand_r(&seed);
    struct rs_evt_log l;
    if (read_checked(c, len, &l) != RS_OK)
      unreadable++;
    rs_evt_log_free(&l);
  }
  ck_assert_int_gt(unreadable, 0);
  free(c);
  free(b);
}
END_TEST

START_TEST(evt_bad_args)
{
  struct rs_evt_log l;
  struct rs_diag d;
  unsigned char hdr[48] = {0x30, 0, 0, 0, 'L', 'f', 'L', 'e', 1, 0, 0, 0, 1};
  ck_assert_int_eq(rs_evt_read(NULL, 5, &l, &d), RS_E_USAGE);
  ck_assert_int_eq(l.state, RS_EVT_UNREADABLE);
  ck_assert_int_eq(rs_evt_read(hdr, 48, NULL, &d), RS_E_USAGE);
  ck_assert_int_eq(rs_evt_read(NULL, 0, &l, &d), RS_E_FORMAT);
  ck_assert_int_eq(l.state, RS_EVT_UNREADABLE);
  ck_assert_int_eq(rs_evt_read(hdr, 47, &l, &d), RS_E_TRUNCATED);
  ck_assert_int_eq(rs_evt_read((const uint8_t *)"regf and more bytes than forty-eight, surely, yes.",
                               50, &l, &d), RS_E_FORMAT);
  ck_assert_ptr_nonnull(strstr(d.what, "LfLe"));
  hdr[44] = 0x30;
  hdr[8] = 2;
  ck_assert_int_eq(rs_evt_read(hdr, 48, &l, &d), RS_E_UNSUPPORTED);
  hdr[8] = 1;
  hdr[44] = 0x31;
  ck_assert_int_eq(rs_evt_read(hdr, 48, &l, &d), RS_E_CORRUPT);
  rs_evt_log_free(&l);
  rs_evt_log_free(NULL);
  ck_assert_str_eq(rs_evt_state_name(RS_EVT_WRAPPED), "wrapped");
  ck_assert_int_eq(rs_evt_logkind_from_name("C:\\WINNT\\system32\\config\\APPEVENT.EVT"),
                   RS_EVT_LOG_APPLICATION);
  ck_assert_int_eq(rs_evt_logkind_from_name("x/SysEvent.Evt"), RS_EVT_LOG_SYSTEM);
  ck_assert_int_eq(rs_evt_logkind_from_name("SecEvent.Evt"), RS_EVT_LOG_SECURITY);
  ck_assert_int_eq(rs_evt_logkind_from_name("SysEvent.Evt.bak"), RS_EVT_LOG_UNKNOWN);
  ck_assert_int_eq(rs_evt_logkind_from_name(NULL), RS_EVT_LOG_UNKNOWN);
}
END_TEST

/* A record built here with more strings and longer strings than kept. */
static size_t u16(unsigned char *p, const char *s, size_t rep)
{
  size_t n = 0;
  for (size_t r = 0; r < rep; r++)
    for (const char *q = s; *q; q++, n += 2)
      p[n] = (unsigned char)*q, p[n + 1] = 0;
  p[n] = p[n + 1] = 0;
  return n + 2;
}

START_TEST(evt_bounds)
{
  size_t cap = 0x10000;
  unsigned char *b = calloc(1, cap);
  size_t off = 48, p = off + 56;
  p += u16(b + p, "Bounds", 1);
  p += u16(b + p, "HOST", 1);
  size_t so = p;
  p += u16(b + p, "\xc3\xa9", 0); /* empty first string */
  /* string 2: 3000 x "\u00e9" (2 UTF-8 bytes each): cut on a character */
  for (int i = 0; i < 3000; i++)
    b[p] = 0xe9, b[p + 1] = 0, p += 2;
  b[p] = b[p + 1] = 0, p += 2;
  for (int i = 0; i < 38; i++)
    p += u16(b + p, "s", 1);
  size_t data_off = p;
  p = (p + 3) & ~(size_t)3;
  size_t size = p + 4 - off;
  wr32(b + off, (uint32_t)size);
  memcpy(b + off + 4, "LfLe", 4);
  wr32(b + off + 8, 7);
  wr32(b + off + 12, 1000000000u);
  wr32(b + off + 16, 1000000000u);
  wr32(b + off + 20, 0xc0001b77u);
  b[off + 24] = 1;
  b[off + 26] = 40; /* strings */
  wr32(b + off + 36, (uint32_t)(so - off));
  wr32(b + off + 44, (uint32_t)(so - off));
  wr32(b + off + 52, (uint32_t)(data_off - off));
  wr32(b + off + size - 4, (uint32_t)size);
  size_t e = off + size;
  uint32_t eofr[10] = {0x28, 0x11111111, 0x22222222, 0x33333333, 0x44444444,
                       48, (uint32_t)e, 8, 7, 0x28};
  for (int i = 0; i < 10; i++)
    wr32(b + e + 4 * i, eofr[i]);
  uint32_t h[12] = {48, 0x654c664c, 1, 1, 48, (uint32_t)e, 8, 7, 0x80000, 0, 0, 48};
  for (int i = 0; i < 12; i++)
    wr32(b + 4 * i, h[i]);
  size_t len = e + 0x28 + 64;
  struct rs_evt_log l;
  struct rs_diag d;
  ck_assert_msg(rs_evt_read(b, len, &l, &d) == RS_OK, "%s", d.what);
  ck_assert_uint_eq(l.nrecords, 1);
  const struct rs_evt_record *r = &l.rec[0];
  ck_assert_uint_eq(r->nstr_file, 40);
  ck_assert_uint_eq(r->nstr, RS_EVT_MAX_STRINGS);
  ck_assert(r->cut);
  ck_assert_str_eq(r->str[0], "");
  ck_assert_uint_le(strlen(r->str[1]), RS_EVT_MAX_STRING);
  ck_assert_uint_ge(strlen(r->str[1]), RS_EVT_MAX_STRING - 1);
  ck_assert_uint_eq(strlen(r->str[1]) % 2, 0); /* whole characters only */
  ck_assert_str_eq(r->str[2], "s");
  ck_assert_str_eq(r->source, "Bounds");
  ck_assert_str_eq(iso(&r->generated), "2001-09-09T01:46:40Z");
  rs_evt_log_free(&l);
  free(b);
}
END_TEST

/* ---------- EVT: the real XP log (realdata README) ---------- */

START_TEST(evt_real_sysevent)
{
  const char *p = rs_t_realdata("evt/SysEvent.Evt");
  RS_T_SKIP_IF(!p, "realdata absent");
  size_t len;
  unsigned char *b = rs_t_slurp(p, &len);
  ck_assert_ptr_nonnull(b);
  struct rs_evt_log l;
  struct rs_diag d;
  ck_assert_msg(rs_evt_read(b, len, &l, &d) == RS_OK, "%s", d.what);
  ck_assert_uint_eq(l.nrecords, 6063);
  ck_assert_uint_eq(l.nrecovered, 438);
  ck_assert(l.dirty && l.wrapped);
  ck_assert_int_eq(l.state, RS_EVT_DIRTY);
  ck_assert_str_eq(l.rec[0].computer, "WKS-WINXP32BIT");
  ck_assert_str_eq(iso(&l.first), "2011-07-27T06:41:47Z");
  ck_assert_uint_eq(l.first.sec / 86400 <= l.last.sec / 86400, 1);
  ck_assert_msg(!strncmp(iso(&l.last), "2012-04-07", 10), "last %s", iso(&l.last));
  unsigned c6005 = 0, c6009 = 0, c6006 = 0, c6008 = 0, c7031 = 0, boots = 0, shut = 0;
  for (size_t i = 0; i < l.nrecords; i++) {
    const struct rs_evt_record *r = &l.rec[i];
    if (!strcmp(r->source, "EventLog")) {
      c6005 += r->event_id == 6005;
      c6009 += r->event_id == 6009;
      c6006 += r->event_id == 6006;
      c6008 += r->event_id == 6008;
    }
    if (!strcmp(r->source, "Service Control Manager") && r->event_id == 7031) {
      c7031++;
      ck_assert_str_eq(r->str[0], "McAfee McShield");
    }
    const struct rs_evt_rule *m[4];
    size_t k = rs_evt_classify(r, RS_EVT_LOG_SYSTEM, m, 4);
    for (size_t j = 0; j < k; j++) {
      /* a real crash record that is not IIS gives no IIS finding */
      ck_assert_int_ne(m[j]->role, RS_EVT_ROLE_FINDING);
      boots += m[j]->role == RS_EVT_ROLE_BOOT;
      shut += m[j]->role == RS_EVT_ROLE_SHUTDOWN;
    }
  }
  ck_assert_uint_eq(c6005, 24);
  ck_assert_uint_eq(c6009, 24);
  ck_assert_uint_eq(c6006, 18);
  ck_assert_uint_eq(c6008, 0);
  ck_assert_uint_eq(c7031, 7);
  ck_assert_uint_eq(boots, 48);
  ck_assert_uint_eq(shut, 18);
  if (have_evtexport()) {
    same_as_evtexport(p, &l, false);
    same_as_evtexport(p, &l, true);
  }
  rs_evt_log_free(&l);
  free(b);
}
END_TEST

/* Memory exhaustion: with the address space capped just above current use,
 * reading the real log fails cleanly (out of memory, or unreadable when
 * libevt itself ran out) or succeeds; never crashes. Forked mode only. */
static const size_t evt_margins[] = {64u << 10, 512u << 10, 2u << 20, 4u << 20, 8u << 20};

START_TEST(evt_alloc_failure)
{
#if defined(__SANITIZE_ADDRESS__)
  RS_T_SKIP_IF(true, "address space cap is incompatible with ASan");
#endif
  const char *fork = getenv("CK_FORK");
  RS_T_SKIP_IF(fork && strcmp(fork, "no") == 0, "needs CK_FORK (address space cap)");
  const char *p = rs_t_realdata("evt/SysEvent.Evt");
  RS_T_SKIP_IF(!p, "realdata absent");
  size_t len;
  unsigned char *b = rs_t_slurp(p, &len);
  ck_assert_ptr_nonnull(b);
  FILE *fp = fopen("/proc/self/statm", "r");
  RS_T_SKIP_IF(!fp, "/proc/self/statm unreadable");
  unsigned long pages = 0;
  ck_assert_int_eq(fscanf(fp, "%lu", &pages), 1);
  fclose(fp);
  struct rlimit rl;
  rl.rlim_cur = rl.rlim_max = pages * 4096ul + evt_margins[_i];
  ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
  struct rs_evt_log l;
  struct rs_diag d;
  enum rs_err e = rs_evt_read(b, len, &l, &d);
  ck_assert_msg(e == RS_OK || e == RS_E_NOMEM || e == RS_E_CORRUPT, "%s", rs_err_name(e));
  if (e == RS_E_NOMEM) {
    ck_assert_uint_eq(l.nrec, 0);
    ck_assert_int_eq(l.state, RS_EVT_UNREADABLE);
  }
  if (e == RS_OK)
    ck_assert_uint_eq(l.nrecords, 6063);
  rs_evt_log_free(&l);
  free(b);
}
END_TEST

/* ---------- linking (fixture-recipes section 0, for libevt) ---------- */

/* An E01 through libtsk (libewf), a hive through libregf and an EVT file
 * through libevt in one process; closing the E01 last is what crashed with
 * a wrong link line. */
START_TEST(evt_e01_hive_evt_same_process)
{
  const char *e01 = rs_t_realdata("images/image-split.E01");
  const char *hive = rs_t_realdata("registry/NTUSER.DAT");
  RS_T_SKIP_IF(!e01 || !hive, "realdata absent");
  size_t hl, el;
  unsigned char *hb = rs_t_slurp(hive, &hl);
  unsigned char *eb = fixture("w2k/SysEvent.Evt", &el);
  ck_assert_ptr_nonnull(hb);
  struct rs_hive *h = NULL;
  struct rs_diag d;
  ck_assert_msg(rs_hive_open_mem(hb, hl, "NTUSER.DAT", 0, &h, &d) == RS_OK, "%s", d.what);
  struct rs_image_opts o;
  rs_image_opts_init(&o);
  struct rs_image *img = NULL;
  const char *segs[1] = {e01};
  ck_assert_msg(rs_image_open(segs, 1, &o, &img, &d) == RS_OK, "%s", d.what);
  ck_assert_int_eq(rs_image_volumes(img, &o, NULL), RS_OK);
  struct rs_ewf_meta m;
  ck_assert_int_eq(rs_ewf_read_meta(img, &m, NULL), RS_OK);
  struct rs_evt_log l;
  ck_assert_int_eq(rs_evt_read(eb, el, &l, &d), RS_OK);
  ck_assert_uint_eq(l.nrecords, 11);
  rs_image_close(img);
  rs_evt_log_free(&l);
  rs_hive_close(h);
  free(hb);
  free(eb);
}
END_TEST

/* libevt's helpers are its own private copies: none undefined, none
 * exported, and two copies of libcdata are present (libregf's and libevt's). */
START_TEST(evt_libevt_is_private)
{
  RS_T_SKIP_IF(!rs_t_have("nm"), "nm absent");
  char cmd[4096];
  char *out = NULL;
  const char *bin = RS_BUILDDIR "/tests/check_redsleuth";
  snprintf(cmd, sizeof cmd, "nm '%s' | grep -c ' U lib\\(evt\\|bfio\\|cdata\\|cerror\\|fdata\\|una\\)_'", bin);
  rs_t_run(cmd, &out);
  ck_assert_msg(out && atoi(out) == 0, "undefined libyal symbols: %s", out);
  free(out);
  snprintf(cmd, sizeof cmd, "nm -D --defined-only '%s' | grep -c 'libevt_\\|libcdata_\\|libfdata_'", bin);
  rs_t_run(cmd, &out);
  ck_assert_msg(out && atoi(out) == 0, "libyal symbols exported: %s", out);
  free(out);
  snprintf(cmd, sizeof cmd, "nm '%s' | grep -c ' t libcdata_array_free$'", bin);
  rs_t_run(cmd, &out);
  ck_assert_msg(out && atoi(out) == 2, "libcdata copies (want libregf's and libevt's): %s", out);
  free(out);
}
END_TEST

/* ---------- Dr. Watson ---------- */

START_TEST(drw_fixture_matches_answer)
{
  json_t *a = evt_answer();
  json_t *f = json_array_get(json_object_get(a, "drwatson"), (size_t)_i);
  const char *rel = json_string_value(json_object_get(f, "path"));
  size_t len;
  unsigned char *b = fixture(rel, &len);
  struct rs_drw_log l;
  ck_assert_int_eq(rs_drw_parse(b, len, &l, NULL), RS_OK);
  ck_assert_str_eq(rs_drw_style_name(l.style), json_string_value(json_object_get(f, "style")));
  ck_assert_uint_eq(l.garbage, json_integer_value(json_object_get(f, "garbage")));
  json_t *es = json_object_get(f, "entries");
  ck_assert_uint_eq(l.n, json_array_size(es));
  for (size_t i = 0; i < l.n; i++) {
    json_t *e = json_array_get(es, i);
    const struct rs_drw_entry *x = &l.e[i];
    ck_assert_uint_eq(x->line, json_integer_value(json_object_get(e, "line")));
    ck_assert_str_eq(x->app_raw, json_string_value(json_object_get(e, "app")));
    ck_assert_int_eq(x->pid, json_integer_value(json_object_get(e, "pid")));
    json_t *res = json_object_get(e, "app_resolved");
    ck_assert_int_eq(x->app_from_tasks, res != NULL);
    if (res)
      ck_assert_str_eq(x->app, json_string_value(res));
    /* "8/4/2001 10:02:09.375" -> 2001-08-04T10:02:09.375 (local) */
    unsigned mo, da, yr, h, mi, se, ms;
    ck_assert_int_eq(sscanf(json_string_value(json_object_get(e, "when")), "%u/%u/%u %u:%u:%u.%u",
                            &mo, &da, &yr, &h, &mi, &se, &ms), 7);
    char want[64];
    snprintf(want, sizeof want, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", yr, mo, da, h, mi, se, ms);
    ck_assert_str_eq(iso(&x->when), want);
    json_t *code = json_object_get(e, "code");
    ck_assert_int_eq(x->has_code, json_is_string(code));
    if (json_is_string(code)) {
      ck_assert_uint_eq(x->code, strtoul(json_string_value(code), NULL, 16));
      ck_assert_str_eq(x->code_text, "access violation");
    }
    json_t *fault = json_object_get(e, "fault");
    ck_assert_int_eq(x->has_fault, json_is_string(fault));
    if (json_is_string(fault))
      ck_assert_uint_eq(x->fault, strtoull(json_string_value(fault), NULL, 16));
    ck_assert_int_eq(x->complete, json_is_string(code));
    bool want_check = json_array_size(json_object_get(e, "checks")) > 0;
    ck_assert_int_eq(rs_drw_is_inetinfo(x), want_check);
  }
  rs_drw_log_free(&l);
  free(b);
  json_decref(a);
}
END_TEST

static const struct {
  const char *when;
  const char *iso; /* NULL: not parsed (garbage) */
} when_cases[] = {
  {"11/11/1999 @ 10:11:1.875", "1999-11-11T10:11:01.875Z"},   /* Q246084 */
  {"12/29/2000 @ 15:7:41.106", "2000-12-29T15:07:41.106Z"},   /* unpadded minutes */
  {"6/29/1998 @ 12:19:7.234", "1998-06-29T12:19:07.234Z"},    /* Q234551 */
  {"8/4/2001 @ 10:02:09", "2001-08-04T10:02:09.000Z"},        /* no milliseconds */
  {"2/29/2000 @ 0:0:0.0", "2000-02-29T00:00:00.000Z"},
  {"2/29/2001 @ 0:0:0.0", NULL},
  {"13/1/2001 @ 1:1:1.1", NULL},
  {"1/32/2001 @ 1:1:1.1", NULL},
  {"8/4/2001 10:02:09.375", NULL},
  {"8/4/2001 @ 24:00:00.000", NULL},
  {"8/4/2001 @ 10:02:09.1000", NULL},
  {"date time", NULL},
};
#define N_WHEN (sizeof when_cases / sizeof when_cases[0])

START_TEST(drw_when_forms)
{
  char text[512];
  snprintf(text, sizeof text,
           "Application exception occurred:\n        App: x.exe (pid=7)\n        When: %s\n"
           "        Exception number: 80000003 (hardcoded breakpoint)\n", when_cases[_i].when);
  struct rs_drw_log l;
  ck_assert_int_eq(rs_drw_parse((const uint8_t *)text, strlen(text), &l, NULL), RS_OK);
  ck_assert_uint_eq(l.n, 1);
  ck_assert_str_eq(l.e[0].when_raw, when_cases[_i].when);
  if (when_cases[_i].iso) {
    ck_assert_str_eq(iso(&l.e[0].when), when_cases[_i].iso);
    ck_assert_uint_eq(l.garbage, 0);
    ck_assert(l.e[0].complete);
  } else {
    ck_assert(!l.e[0].when.set);
    ck_assert_uint_eq(l.garbage, 1);
    ck_assert(!l.e[0].complete);
  }
  ck_assert_uint_eq(l.e[0].code, 0x80000003u);
  ck_assert_str_eq(l.e[0].code_text, "hardcoded breakpoint");
  ck_assert_int_eq(l.e[0].pid, 7);
  rs_drw_log_free(&l);
}
END_TEST

/* A report with two When: lines (a torn or spliced log; fuzz_evt found the
 * second, empty one emptying when_raw under a parsed time): the first that
 * parses stands with its own text, the other counts as garbage. */
START_TEST(drw_when_repeated)
{
  static const char *cases[][3] = {
    /* lines, expected when_raw, expected garbage */
    {"When: 8/4/2001 @ 10:2:9.375\n        When: \n", "8/4/2001 @ 10:2:9.375", "1"},
    {"When: 8/4/2001 @ 10:2:9.375\n        When: 9/9/2001 @ 1:1:1\n", "8/4/2001 @ 10:2:9.375", "1"},
    {"When: garbage\n        When: 8/4/2001 @ 10:2:9.375\n", "8/4/2001 @ 10:2:9.375", "1"},
    {"When: \n        When: x\n", "x", "2"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char text[512];
    snprintf(text, sizeof text, "Application exception occurred:\n        App: inetinfo.exe (pid=7)\n"
             "        %s        Exception number: c0000005 (access violation)\n", cases[i][0]);
    struct rs_drw_log l;
    ck_assert_int_eq(rs_drw_parse((const uint8_t *)text, strlen(text), &l, NULL), RS_OK);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.e[0].when_raw, cases[i][1]);
    ck_assert_uint_eq(l.garbage, (uint64_t)atoi(cases[i][2]));
    if (i < 3) {
      ck_assert_str_eq(iso(&l.e[0].when), "2001-08-04T10:02:09.375Z");
      ck_assert(l.e[0].complete);
    } else {
      ck_assert(!l.e[0].when.set);
      ck_assert(!l.e[0].complete);
    }
    rs_drw_log_free(&l);
  }
}
END_TEST

/* The same for App: and Exception number: lines: the first that parses
 * stands (name, pid, code and its text), a later one is garbage. */
START_TEST(drw_first_field_stands)
{
  const char *text = "Application exception occurred:\n"
                     "        App: inetinfo.exe (pid=7)\n"
                     "        App: \n"
                     "        App: notepad.exe (pid=9)\n"
                     "        When: 8/4/2001 @ 10:2:9.375\n"
                     "        Exception number: c0000005 (access violation)\n"
                     "        Exception number: 80000003 (hardcoded breakpoint)\n";
  struct rs_drw_log l;
  ck_assert_int_eq(rs_drw_parse((const uint8_t *)text, strlen(text), &l, NULL), RS_OK);
  ck_assert_uint_eq(l.n, 1);
  ck_assert_str_eq(l.e[0].app, "inetinfo.exe");
  ck_assert_int_eq(l.e[0].pid, 7);
  ck_assert_uint_eq(l.e[0].code, 0xc0000005u);
  ck_assert_str_eq(l.e[0].code_text, "access violation");
  ck_assert_uint_eq(l.garbage, 3);
  ck_assert(l.e[0].complete);
  ck_assert(rs_drw_is_inetinfo(&l.e[0]));
  rs_drw_log_free(&l);
}
END_TEST

START_TEST(drw_image_names)
{
  static const char *cases[][2] = {
    {"exe\\inetinfo.dbg", "inetinfo.exe"}, {"snaadmin.DBG", "snaadmin.exe"},
    {"C:\\WINNT\\System32\\inetsrv\\inetinfo.exe", "inetinfo.exe"}, {"INETINFO.EXE", "inetinfo.exe"},
    {"  inetinfo.exe  ", "inetinfo.exe"}, {"", ""}, {"dir/", ""}, {"inetinfo.exe.dbg", "inetinfo.exe.exe"},
  };
  char out[64];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rs_drw_image_name(cases[i][0], out, sizeof out);
    ck_assert_str_eq(out, cases[i][1]);
  }
  rs_drw_image_name(NULL, out, sizeof out);
  ck_assert_str_eq(out, "");
  rs_drw_image_name("a-very-long-name.exe", out, 5);
  ck_assert_str_eq(out, "a-ve");
}
END_TEST

/* Every prefix of both fixtures: no crash, never more reports than the
 * whole file, the garbage never shrinks as the file grows. */
START_TEST(drw_truncation_every_length)
{
  static const char *files[] = {"w2k/drwtsn32.log", "nt4/Drwtsn32.log"};
  size_t len;
  unsigned char *b = fixture(files[_i], &len);
  struct rs_drw_log full;
  ck_assert_int_eq(rs_drw_parse(b, len, &full, NULL), RS_OK);
  size_t last_n = 0;
  for (size_t cut = 0; cut <= len; cut++) {
    unsigned char *c = malloc(cut ? cut : 1);
    memcpy(c, b, cut);
    struct rs_drw_log l;
    ck_assert_int_eq(rs_drw_parse(c, cut, &l, NULL), RS_OK);
    ck_assert_uint_le(l.n, full.n);
    ck_assert_uint_ge(l.n, last_n);
    last_n = l.n;
    rs_drw_log_free(&l);
    free(c);
  }
  ck_assert_uint_eq(last_n, full.n);
  rs_drw_log_free(&full);
  free(b);
}
END_TEST

START_TEST(drw_bounds_and_args)
{
  struct rs_drw_log l;
  struct rs_diag d;
  ck_assert_int_eq(rs_drw_parse(NULL, 1, &l, &d), RS_E_USAGE);
  ck_assert_int_eq(rs_drw_parse((const uint8_t *)"x", 1, NULL, &d), RS_E_USAGE);
  ck_assert_int_eq(rs_drw_parse(NULL, 0, &l, &d), RS_OK);
  ck_assert_uint_eq(l.n, 0);
  rs_drw_log_free(&l);
  rs_drw_log_free(NULL);
  /* more reports than kept: the rest counted */
  const char *one = "Application exception occurred:\r\n App: a.exe (pid=1)\r\n";
  size_t n1 = strlen(one), reps = RS_DRW_MAX_ENTRIES + 25;
  char *big = malloc(n1 * reps);
  for (size_t i = 0; i < reps; i++)
    memcpy(big + i * n1, one, n1);
  ck_assert_int_eq(rs_drw_parse((const uint8_t *)big, n1 * reps, &l, NULL), RS_OK);
  ck_assert_uint_eq(l.n, RS_DRW_MAX_ENTRIES);
  ck_assert_uint_eq(l.ndropped, 25);
  ck_assert_str_eq(l.e[RS_DRW_MAX_ENTRIES - 1].app, "a.exe");
  rs_drw_log_free(&l);
  /* an overlong line is garbage, the report around it still reads */
  size_t ll = RS_DRW_MAX_LINE + 10;
  char *lng = malloc(ll + 200);
  int k = snprintf(lng, 200, "Application exception occurred:\n App: b.exe (pid=2)\n");
  memset(lng + k, 'A', ll);
  memcpy(lng + k + ll, "\n When: 1/2/2001 @ 3:4:5.6\n", 27);
  ck_assert_int_eq(rs_drw_parse((const uint8_t *)lng, (size_t)k + ll + 27, &l, NULL), RS_OK);
  ck_assert_uint_eq(l.garbage, 1);
  ck_assert_str_eq(iso(&l.e[0].when), "2001-01-02T03:04:05.006Z");
  rs_drw_log_free(&l);
  free(lng);
  free(big);
}
END_TEST

/* ---------- UrlScan ---------- */

START_TEST(urlscan_fixture_matches_answer)
{
  json_t *a = evt_answer();
  json_t *f = json_array_get(json_object_get(a, "urlscan"), 0);
  size_t len;
  unsigned char *b = fixture(json_string_value(json_object_get(f, "path")), &len);
  struct rs_urlscan_log l;
  ck_assert_int_eq(rs_urlscan_parse(b, len, &l, NULL), RS_OK);
  json_t *rj = json_object_get(f, "rejected");
  ck_assert_uint_eq(l.n, json_array_size(rj));
  ck_assert_uint_eq(l.rejected, l.n);
  ck_assert_uint_eq(l.garbage, json_integer_value(json_object_get(f, "garbage")));
  ck_assert_uint_eq(l.ida_count, json_integer_value(json_object_get(f, "ida_count")));
  for (size_t i = 0; i < l.n; i++) {
    json_t *e = json_array_get(rj, i);
    const struct rs_urlscan_entry *x = &l.e[i];
    ck_assert_uint_eq(x->line, json_integer_value(json_object_get(e, "line")));
    ck_assert_str_eq(x->when_raw, json_string_value(json_object_get(e, "when")));
    ck_assert_str_eq(x->client, json_string_value(json_object_get(e, "ip")));
    ck_assert_str_eq(x->reason, json_string_value(json_object_get(e, "reason")));
    ck_assert_str_eq(x->url, json_string_value(json_object_get(e, "url")));
    ck_assert_int_eq(x->site, 1);
    ck_assert_int_eq(x->ida, json_is_true(json_object_get(e, "ida")));
    ck_assert_str_eq(rs_family_key(x->family), json_string_value(json_object_get(e, "family")));
  }
  /* "11-02-2001 - 10:31:44" -> 2001-11-02T10:31:44 local */
  unsigned mo, da, yr, h, mi, se;
  ck_assert_int_eq(sscanf(json_string_value(json_object_get(f, "ida_first")), "%u-%u-%u - %u:%u:%u",
                          &mo, &da, &yr, &h, &mi, &se), 6);
  char want[40];
  snprintf(want, sizeof want, "%04u-%02u-%02uT%02u:%02u:%02uZ", yr, mo, da, h, mi, se);
  ck_assert_str_eq(iso(&l.ida_first), want);
  ck_assert_int_eq(sscanf(json_string_value(json_object_get(f, "ida_last")), "%u-%u-%u - %u:%u:%u",
                          &mo, &da, &yr, &h, &mi, &se), 6);
  snprintf(want, sizeof want, "%04u-%02u-%02uT%02u:%02u:%02uZ", yr, mo, da, h, mi, se);
  ck_assert_str_eq(iso(&l.ida_last), want);
  ck_assert_int_eq(l.ida_listed, json_is_true(json_object_get(f, "ida_listed")));
  ck_assert_str_eq(iso(&l.ida_listed_when), "2001-11-02T09:14:03Z");
  rs_urlscan_log_free(&l);
  free(b);
  json_decref(a);
}
END_TEST

START_TEST(urlscan_lines)
{
  /* the real 2002 sample's form (ossec-docs), a query logged in the URL,
   * no Site Instance, and damaged lines */
  const char *t =
    "[11-29-2002 - 21:15:17] Client at 24.67.253.204: URL contains extension '.com', which is "
    "disallowed. Request will be rejected. Site Instance='1', Raw URL='/scripts/www.x.com'\n"
    "[12-02-2002 - 09:52:33] Client at 10.0.0.1: URL length exceeded maximum allowed. Request "
    "will be rejected.  Raw URL='/default.ida?XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX%u9090'\n"
    "[12-02-2002 - 09:52:34] Client at 10.0.0.2: URL contains extension '.IDA', which is "
    "disallowed. Request will be rejected.  Site Instance='3', Raw URL='/Default.IDA'\n"
    "[12-02-2002 - 09:52:35] Client at 10.0.0.3: Request will be rejected.\n"
    "[12-02-2002 - 9:52:35] Client at 10.0.0.3: short hour\n"
    "\n";
  struct rs_urlscan_log l;
  ck_assert_int_eq(rs_urlscan_parse((const uint8_t *)t, strlen(t), &l, NULL), RS_OK);
  ck_assert_uint_eq(l.rejected, 4);
  ck_assert_uint_eq(l.garbage, 1);
  ck_assert_str_eq(l.e[0].reason, "URL contains extension '.com', which is disallowed");
  ck_assert(!l.e[0].ida);
  ck_assert_int_eq(l.e[1].site, -1);
  ck_assert(l.e[1].ida);
  ck_assert_int_eq(l.e[1].family, RS_FAM_CODERED2);
  ck_assert_int_eq(l.e[2].site, 3);
  ck_assert(l.e[2].ida);
  ck_assert_int_eq(l.e[2].family, RS_FAM_CODERED_UNKNOWN);
  ck_assert_str_eq(l.e[3].url, "");
  ck_assert_str_eq(l.e[3].reason, "");
  ck_assert_str_eq(l.e[3].client, "10.0.0.3");
  ck_assert_uint_eq(l.ida_count, 2);
  ck_assert_uint_eq(l.ida_first_line, 2);
  ck_assert_uint_eq(l.ida_last_line, 3);
  ck_assert(!l.ida_listed);
  rs_urlscan_log_free(&l);
}
END_TEST

START_TEST(urlscan_truncation_and_bounds)
{
  size_t len;
  unsigned char *b = fixture("w2k/urlscan.log", &len);
  struct rs_urlscan_log full;
  ck_assert_int_eq(rs_urlscan_parse(b, len, &full, NULL), RS_OK);
  uint64_t last = 0;
  for (size_t cut = 0; cut <= len; cut++) {
    unsigned char *c = malloc(cut ? cut : 1);
    memcpy(c, b, cut);
    struct rs_urlscan_log l;
    ck_assert_int_eq(rs_urlscan_parse(c, cut, &l, NULL), RS_OK);
    ck_assert_uint_le(l.ida_count, full.ida_count);
    ck_assert_uint_le(l.rejected, full.rejected);
    ck_assert_uint_ge(l.rejected + 1, last); /* a cut line may stop counting, no more */
    last = l.rejected;
    rs_urlscan_log_free(&l);
    free(c);
  }
  ck_assert_uint_eq(last, full.rejected);
  rs_urlscan_log_free(&full);
  free(b);
  const char *one = "[11-02-2001 - 10:31:44] Client at 192.0.2.45: URL contains extension '.ida', "
                    "which is disallowed. Request will be rejected.  Site Instance='1', Raw URL='/default.ida'\n";
  size_t n1 = strlen(one), reps = RS_URLSCAN_MAX_ENTRIES + 7;
  char *big = malloc(n1 * reps);
  for (size_t i = 0; i < reps; i++)
    memcpy(big + i * n1, one, n1);
  struct rs_urlscan_log l;
  ck_assert_int_eq(rs_urlscan_parse((const uint8_t *)big, n1 * reps, &l, NULL), RS_OK);
  ck_assert_uint_eq(l.n, RS_URLSCAN_MAX_ENTRIES);
  ck_assert_uint_eq(l.ndropped, 7);
  ck_assert_uint_eq(l.ida_count, reps); /* the summary is exact */
  ck_assert_uint_eq(l.ida_last_line, reps);
  rs_urlscan_log_free(&l);
  free(big);
  struct rs_diag d;
  ck_assert_int_eq(rs_urlscan_parse(NULL, 3, &l, &d), RS_E_USAGE);
  ck_assert_int_eq(rs_urlscan_parse(NULL, 0, NULL, &d), RS_E_USAGE);
  rs_urlscan_log_free(NULL);
}
END_TEST

/* ---------- the table ---------- */

/* Every record of every fixture file raises exactly the planned checks and
 * timeline roles. */
START_TEST(table_fixture_records)
{
  json_t *a = evt_answer();
  json_t *f = json_array_get(json_object_get(a, "evt"), (size_t)_i);
  const char *rel = json_string_value(json_object_get(f, "path"));
  size_t len;
  unsigned char *b = fixture(rel, &len);
  struct rs_evt_log l;
  ck_assert_int_eq(rs_evt_read(b, len, &l, NULL), RS_OK);
  enum rs_evt_logkind kind = rs_evt_logkind_from_name(rel);
  ck_assert_int_ne(kind, RS_EVT_LOG_UNKNOWN);
  for (size_t i = 0; i < l.nrec; i++) {
    json_t *p = i < l.nrecords ? json_array_get(json_object_get(f, "live"), i)
                               : json_array_get(json_object_get(f, "recovered_records"), i - l.nrecords);
    const struct rs_evt_rule *m[8];
    size_t k = rs_evt_classify(&l.rec[i], kind, m, 8);
    json_t *checks = json_object_get(p, "checks");
    json_t *tl = json_object_get(p, "timeline");
    size_t want = json_array_size(checks) + (json_is_string(tl) ? 1 : 0);
    ck_assert_msg(k == want, "%s #%u: %zu rows, plan %zu", rel, l.rec[i].number, k, want);
    size_t nf = 0;
    for (size_t j = 0; j < k; j++) {
      ck_assert(!strncmp(m[j]->ref, "codered-artifacts 11", 20));
      if (m[j]->role == RS_EVT_ROLE_FINDING) {
        ck_assert_str_eq(m[j]->id, json_string_value(json_array_get(checks, nf)));
        nf++;
      } else {
        ck_assert_str_eq(rs_evt_role_name(m[j]->role), json_string_value(tl));
      }
    }
  }
  rs_evt_log_free(&l);
  free(b);
  json_decref(a);
}
END_TEST

START_TEST(table_rows_and_log_kinds)
{
  size_t n = rs_evt_rule_count();
  ck_assert_uint_ge(n, 11);
  ck_assert_ptr_null(rs_evt_rule_at(n));
  static const char *ids[] = {"EVT-IIS-CRASH", "EVT-APP-CRASH-INETINFO", "EVT-WFP-DISABLED",
                              "EVT-UNEXPECTED-SHUTDOWN", "EVT-BOOT", "EVT-SHUTDOWN"};
  for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
    bool seen = false;
    for (size_t i = 0; i < n; i++)
      seen |= !strcmp(rs_evt_rule_at(i)->id, ids[k]);
    ck_assert_msg(seen, "no row %s", ids[k]);
  }
  for (size_t i = 0; i < n; i++) {
    const struct rs_evt_rule *r = rs_evt_rule_at(i);
    ck_assert(!strcmp(r->status, "C") || !strcmp(r->status, "S"));
    ck_assert(r->what[0] && r->source[0] && r->event_id);
  }
  /* a W3SVC 7031 in the wrong log does not match; a renamed file does */
  const char *s[] = {"world wide web publishing service", "1"};
  struct rs_evt_record r;
  memset(&r, 0, sizeof r);
  r.source = "service control manager";
  r.event_id = 7031;
  r.event_id_raw = 0xc0001b77u;
  r.str = s;
  r.nstr = 2;
  const struct rs_evt_rule *m[2];
  ck_assert_uint_eq(rs_evt_classify(&r, RS_EVT_LOG_SYSTEM, m, 2), 1);
  ck_assert_uint_eq(rs_evt_classify(&r, RS_EVT_LOG_APPLICATION, m, 2), 0);
  ck_assert_uint_eq(rs_evt_classify(&r, RS_EVT_LOG_UNKNOWN, m, 2), 1);
  r.nstr = 0; /* the string the row tests is missing */
  ck_assert_uint_eq(rs_evt_classify(&r, RS_EVT_LOG_SYSTEM, m, 2), 0);
  r.nstr = 2;
  r.event_id = 7036;
  ck_assert_uint_eq(rs_evt_classify(&r, RS_EVT_LOG_SYSTEM, m, 2), 0);
  ck_assert_uint_eq(rs_evt_classify(NULL, RS_EVT_LOG_SYSTEM, m, 2), 0);
  /* 6008: a finding and a shutdown; max bounds what is stored, not the count */
  const char *s8[] = {"3:01:22 AM", "8/5/2001"};
  r.source = "EventLog";
  r.event_id = 6008;
  r.str = s8;
  ck_assert_uint_eq(rs_evt_classify(&r, RS_EVT_LOG_SYSTEM, m, 1), 2);
  ck_assert_str_eq(m[0]->id, "EVT-UNEXPECTED-SHUTDOWN");
  /* NT 4.0's DrWatson string names the symbol file */
  const char *sd[] = {"inetinfo.DBG", "7", "19", "2001"};
  r.source = "DrWatson";
  r.event_id = 4097;
  r.str = sd;
  r.nstr = 4;
  ck_assert_uint_eq(rs_evt_classify(&r, RS_EVT_LOG_APPLICATION, m, 2), 1);
  sd[0] = "inetinfo2.exe";
  ck_assert_uint_eq(rs_evt_classify(&r, RS_EVT_LOG_APPLICATION, m, 2), 0);
}
END_TEST

/* docs/evtlogs.md lists every row: id, role, source and code on one table line. */
START_TEST(table_documented)
{
  size_t len;
  unsigned char *doc = rs_t_slurp(rs_t_src("docs/evtlogs.md"), &len);
  ck_assert_ptr_nonnull(doc);
  size_t rows_in_doc = 0;
  for (char *l = strtok((char *)doc, "\n"); l; l = strtok(NULL, "\n")) {
    if (strncmp(l, "| EVT-", 6) != 0)
      continue;
    rows_in_doc++;
    bool found = false;
    for (size_t i = 0; i < rs_evt_rule_count() && !found; i++) {
      const struct rs_evt_rule *r = rs_evt_rule_at(i);
      char want[256];
      snprintf(want, sizeof want, "| %s | %s | ", r->id, rs_evt_role_name(r->role));
      char want2[256];
      snprintf(want2, sizeof want2, "| %s | %u | ", r->source, r->event_id);
      found = !strncmp(l, want, strlen(want)) && strstr(l, want2) &&
              strstr(l, r->match == RS_EVT_M_EQ ? r->value : "|");
    }
    ck_assert_msg(found, "docs/evtlogs.md row without a table row: %s", l);
  }
  ck_assert_uint_eq(rows_in_doc, rs_evt_rule_count());
  free(doc);
}
END_TEST

static const struct {
  uint16_t v[4];
  bool has;
  enum rs_patch_state want;
} w3svc_cases[] = {
  {{4, 2, 769, 1}, true, RS_PATCH_FIXED},      {{4, 2, 769, 0}, true, RS_PATCH_VULNERABLE},
  {{4, 2, 768, 9}, true, RS_PATCH_VULNERABLE}, {{4, 2, 770, 0}, true, RS_PATCH_FIXED},
  {{4, 3, 0, 0}, true, RS_PATCH_FIXED},        {{4, 1, 9999, 9}, true, RS_PATCH_VULNERABLE},
  {{4, 2, 0, 0}, true, RS_PATCH_VULNERABLE},   {{5, 0, 2195, 1}, true, RS_PATCH_UNKNOWN},
  {{3, 0, 0, 0}, true, RS_PATCH_UNKNOWN},      {{4, 2, 769, 1}, false, RS_PATCH_UNKNOWN},
};
#define N_W3SVC (sizeof w3svc_cases / sizeof w3svc_cases[0])

START_TEST(table_w3svc)
{
  struct rs_w3svc_result r;
  rs_w3svc_classify(w3svc_cases[_i].v, w3svc_cases[_i].has, &r);
  ck_assert_int_eq(r.state, w3svc_cases[_i].want);
  ck_assert_str_eq(r.rule, "W3SVC-IIS4-Q301625");
  ck_assert_ptr_nonnull(strstr(r.ref, "Q301625"));
  ck_assert(r.why[0]);
  if (r.state == RS_PATCH_VULNERABLE)
    ck_assert_str_eq(r.check, "W3SVC-DLL");
  else
    ck_assert_ptr_null(r.check);
  ck_assert_int_eq(rs_version_cmp(w3svc_cases[_i].v, w3svc_cases[_i].v), 0);
  int c = rs_version_cmp(w3svc_cases[_i].v, rs_w3svc_iis4_fix);
  ck_assert_int_eq(c, -rs_version_cmp(rs_w3svc_iis4_fix, w3svc_cases[_i].v));
  if (w3svc_cases[_i].has && w3svc_cases[_i].v[0] == 4)
    ck_assert_int_eq(c < 0, w3svc_cases[_i].want == RS_PATCH_VULNERABLE);
  rs_w3svc_classify(NULL, true, &r);
  ck_assert_int_eq(r.state, RS_PATCH_UNKNOWN);
}
END_TEST

START_TEST(table_crash_after_request)
{
  const int64_t t0 = 996933600; /* 2001-08-04T14:00:00Z */
  struct rs_time req[4] = {rs_time_from_unix(t0, 0, 0), rs_time_from_unix(t0 + 100, 0, 0),
                           rs_time_from_unix(t0 + 100, 0, 0), rs_time_from_unix(t0 + 1000, 0, 0)};
  static const struct {
    int64_t at;
    uint32_t nsec;
    long want;
  } c[] = {
    {-5, 0, -1}, {0, 0, 0}, {50, 0, 0}, {99, 999999999, 0}, {100, 0, 2}, {650, 0, 2},
    {700, 0, 2}, {700, 1, -1}, {701, 0, -1}, {999, 0, -1}, {1000, 0, 3}, {1600, 0, 3}, {1601, 0, -1},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    struct rs_time crash = rs_time_from_unix(t0 + c[i].at, c[i].nsec, 9);
    ck_assert_msg(rs_crash_after_request(req, 4, &crash, RS_CRASH_WINDOW_SEC) == c[i].want,
                  "crash at +%lld", (long long)c[i].at);
  }
  struct rs_time crash = rs_time_from_unix(t0 + 10, 0, 0);
  ck_assert_int_eq(rs_crash_after_request(req, 0, &crash, 600), -1);
  ck_assert_int_eq(rs_crash_after_request(NULL, 4, &crash, 600), -1);
  struct rs_time unset = RS_TIME_UNSET;
  ck_assert_int_eq(rs_crash_after_request(req, 4, &unset, 600), -1);
  ck_assert_int_eq(rs_crash_after_request(req, 4, &crash, -1), -1);
  /* the fixture's story: the IIS crash at 14:02:11 follows a request at 14:00:00 */
  size_t len;
  unsigned char *b = fixture("w2k/SysEvent.Evt", &len);
  struct rs_evt_log l;
  ck_assert_int_eq(rs_evt_read(b, len, &l, NULL), RS_OK);
  int hits = 0;
  for (size_t i = 0; i < l.nrec; i++) {
    const struct rs_evt_rule *m[4];
    size_t k = rs_evt_classify(&l.rec[i], RS_EVT_LOG_SYSTEM, m, 4);
    if (k && !strcmp(m[0]->id, "EVT-IIS-CRASH") &&
        rs_crash_after_request(req, 2, &l.rec[i].generated, RS_CRASH_WINDOW_SEC) == 1)
      hits++;
  }
  ck_assert_int_eq(hits, 2); /* 7031 and 7034 at 14:02:11; the old recovered one is weeks earlier */
  rs_evt_log_free(&l);
  free(b);
}
END_TEST

Suite *rs_suite_evt(void)
{
  Suite *s = suite_create("evt");
  TCase *te = tcase_create("evt");
  tcase_add_loop_test(te, evt_fixture_matches_evtexport_and_answer, 0, N_EVT);
  tcase_add_test(te, evt_masked_ids_and_types);
  tcase_add_test(te, evt_lone_surrogate_text_kept);
  tcase_add_test(te, evt_recovered_record_found);
  tcase_add_test(te, evt_wrapped_log);
  tcase_add_test(te, evt_dirty_stale_header);
  tcase_add_test(te, evt_cut_every_length);
  tcase_add_loop_test(te, evt_bad_record_sizes, 0, N_SIZE_MUTS);
  tcase_add_test(te, evt_pointer_past_end);
  tcase_add_loop_test(te, evt_random_damage, 0, 3);
  tcase_add_test(te, evt_bad_args);
  tcase_add_test(te, evt_bounds);
  tcase_add_test(te, evt_real_sysevent);
  tcase_add_loop_test(te, evt_alloc_failure, 0, (int)(sizeof evt_margins / sizeof evt_margins[0]));
  tcase_add_test(te, evt_e01_hive_evt_same_process);
  tcase_add_test(te, evt_libevt_is_private);
  tcase_set_timeout(te, 120);
  suite_add_tcase(s, te);
  TCase *td = tcase_create("drwatson");
  tcase_add_loop_test(td, drw_fixture_matches_answer, 0, 2);
  tcase_add_loop_test(td, drw_when_forms, 0, N_WHEN);
  tcase_add_test(td, drw_when_repeated);
  tcase_add_test(td, drw_first_field_stands);
  tcase_add_test(td, drw_image_names);
  tcase_add_loop_test(td, drw_truncation_every_length, 0, 2);
  tcase_add_test(td, drw_bounds_and_args);
  tcase_add_test(td, urlscan_fixture_matches_answer);
  tcase_add_test(td, urlscan_lines);
  tcase_add_test(td, urlscan_truncation_and_bounds);
  tcase_set_timeout(td, 120);
  suite_add_tcase(s, td);
  TCase *tt = tcase_create("table");
  tcase_add_loop_test(tt, table_fixture_records, 0, N_EVT);
  tcase_add_test(tt, table_rows_and_log_kinds);
  tcase_add_test(tt, table_documented);
  tcase_add_loop_test(tt, table_w3svc, 0, N_W3SVC);
  tcase_add_test(tt, table_crash_after_request);
  suite_add_tcase(s, tt);
  return s;
}
