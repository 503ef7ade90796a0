/* EVT event logs read from memory with libevt (docs/evtlogs.md).
 *
 * Two readers look at every file. Our own walk follows the record chain the
 * header announces (size, "LfLe", size copy at the end, one wrap from the
 * end of the file to offset 48) up to the end-of-file record: it decides
 * whether the file is readable, and says where it is not. libevt then gives
 * the records themselves (strings decoded, SIDs formatted) and the records it
 * recovers from the unused part of the file. Both must agree on the number
 * of live records; when they do not, the file is reported unreadable rather
 * than half-read in silence.
 *
 * libevt is linked from a private object with its own copies of the libyal
 * helpers (src/lib/sources/libevt-private.sh); its libbfio handle is our
 * bounded memio over the caller's buffer, so nothing is copied or written. */
#include "redsleuth/evt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libevt.h>

#include "redsleuth/buf.h"
#include "redsleuth/escape.h"
#include "sources/memio.h"

#define WHERE "EVT file"
#define HDR 48u           /* file header size; records wrap back to here */
#define EOF_SIZE 0x28u    /* end-of-file record */
#define REC_FIXED 0x38u   /* fixed part of an event record */

static const uint8_t lfle[4] = {'L', 'f', 'L', 'e'};

const char *rs_evt_state_name(enum rs_evt_state s)
{
  switch (s) {
  case RS_EVT_OK:
    return "ok";
  case RS_EVT_DIRTY:
    return "dirty";
  case RS_EVT_WRAPPED:
    return "wrapped";
  default:
    return "unreadable";
  }
}

const char *rs_evt_logkind_name(enum rs_evt_logkind k)
{
  switch (k) {
  case RS_EVT_LOG_SYSTEM:
    return "system";
  case RS_EVT_LOG_APPLICATION:
    return "application";
  case RS_EVT_LOG_SECURITY:
    return "security";
  default:
    return "unknown";
  }
}

enum rs_evt_logkind rs_evt_logkind_from_name(const char *path)
{
  if (!path)
    return RS_EVT_LOG_UNKNOWN;
  const char *b = path;
  for (const char *p = path; *p; p++)
    if (*p == '/' || *p == '\\')
      b = p + 1;
  if (!strcasecmp(b, "SysEvent.Evt"))
    return RS_EVT_LOG_SYSTEM;
  if (!strcasecmp(b, "AppEvent.Evt"))
    return RS_EVT_LOG_APPLICATION;
  if (!strcasecmp(b, "SecEvent.Evt"))
    return RS_EVT_LOG_SECURITY;
  return RS_EVT_LOG_UNKNOWN;
}

const char *rs_evt_type_name(uint16_t type)
{
  switch (type) {
  case 0:
    return "success";
  case 1:
    return "error";
  case 2:
    return "warning";
  case 4:
    return "information";
  case 8:
    return "audit_success";
  case 16:
    return "audit_failure";
  default:
    return "unknown";
  }
}

static uint32_t le32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- our walk of the record chain -------------------------------------- */

/* The byte at position pos of a record area that wraps from len to HDR. */
static uint8_t vbyte(const uint8_t *b, size_t len, size_t pos)
{
  if (pos >= len)
    pos = HDR + (pos - len);
  return pos < len ? b[pos] : 0;
}

static uint32_t vle32(const uint8_t *b, size_t len, size_t pos)
{
  uint8_t x[4];
  for (size_t i = 0; i < 4; i++)
    x[i] = vbyte(b, len, pos + i);
  return le32(x);
}

struct chain {
  size_t n;         /* event records */
  bool wrapped;     /* a record continued at offset 48 */
  size_t eof_off;   /* where the end-of-file record was found */
};

/* Follows the chain from first to the end-of-file record. may_wrap: the log
 * may continue at offset 48 once (its wrap flag is set, or it is dirty and
 * the flag may be stale). max_size: the header's maximum file size (a first
 * record beyond the data but within it is a cut file). RS_OK, or an error
 * with why set. */
static enum rs_err walk(const uint8_t *b, size_t len, size_t first, bool may_wrap,
                        size_t max_size, struct chain *c, char *why, size_t whysz)
{
  memset(c, 0, sizeof *c);
  if (first >= len && first < max_size) {
    snprintf(why, whysz, "the file ends (%zu bytes) before its first record at 0x%zx", len, first);
    return RS_E_TRUNCATED;
  }
  if (first < HDR || first >= len) {
    snprintf(why, whysz, "first record offset 0x%zx is outside the file (%zu bytes)", first,
             len);
    return RS_E_CORRUPT;
  }
  const size_t area = len - HDR;
  size_t off = first;
  for (size_t step = 0; step <= area / EOF_SIZE + 1; step++) {
    if (len - off < 4) {
      snprintf(why, whysz, "record at 0x%zx: its size field runs past the end of the file", off);
      return RS_E_TRUNCATED;
    }
    uint32_t size = le32(b + off);
    if (size < EOF_SIZE) {
      snprintf(why, whysz, "record at 0x%zx: size %u is below the smallest record (40 bytes)",
               off, size);
      return RS_E_CORRUPT;
    }
    if (size > area) {
      /* larger than this file can hold: a cut file when a file of the
       * header's maximum size could hold it, else a damaged size */
      bool cut = max_size > HDR && size <= max_size - HDR;
      snprintf(why, whysz,
               "record at 0x%zx: size %u points past the end of the file (%zu bytes after "
               "the header)%s", off, size, area, cut ? "; the file looks cut" : "");
      return cut ? RS_E_TRUNCATED : RS_E_CORRUPT;
    }
    size_t avail = len - off;
    bool wraps = size > avail;
    if (wraps && (c->wrapped || !may_wrap)) {
      snprintf(why, whysz,
               "record at 0x%zx (size %u) runs past the end of the file (%zu bytes left)%s",
               off, size, avail,
               c->wrapped ? " after the log already wrapped once" : " and the log has not wrapped");
      return c->wrapped ? RS_E_CORRUPT : RS_E_TRUNCATED;
    }
    uint32_t sig = vle32(b, len, off + 4);
    if (sig == 0x11111111u) {
      if (size != EOF_SIZE || vle32(b, len, off + 8) != 0x22222222u ||
          vle32(b, len, off + 12) != 0x33333333u || vle32(b, len, off + 16) != 0x44444444u) {
        snprintf(why, whysz, "end-of-file record at 0x%zx is damaged", off);
        return RS_E_CORRUPT;
      }
      c->eof_off = off;
      return RS_OK;
    }
    if (vbyte(b, len, off + 4) != lfle[0] || vbyte(b, len, off + 5) != lfle[1] ||
        vbyte(b, len, off + 6) != lfle[2] || vbyte(b, len, off + 7) != lfle[3]) {
      snprintf(why, whysz, "record at 0x%zx has no \"LfLe\" signature", off);
      return RS_E_CORRUPT;
    }
    if (size < REC_FIXED) {
      snprintf(why, whysz, "event record at 0x%zx: size %u is below its fixed part (56 bytes)",
               off, size);
      return RS_E_CORRUPT;
    }
    uint32_t tail = vle32(b, len, off + size - 4);
    if (tail != size) {
      snprintf(why, whysz, "event record at 0x%zx: the size copy at its end is %u, not %u", off,
               tail, size);
      return RS_E_CORRUPT;
    }
    c->n++;
    if (wraps) {
      c->wrapped = true;
      off = HDR + (size - avail);
    } else {
      off += size;
      if (off == len) {
        if (c->wrapped || !may_wrap) {
          snprintf(why, whysz, "the records reach the end of the file without an end-of-file "
                               "record");
          return RS_E_TRUNCATED;
        }
        c->wrapped = true;
        off = HDR;
      }
    }
    if (c->wrapped && off >= first) {
      snprintf(why, whysz, "the record chain wrapped back to its start (0x%zx) without an "
                           "end-of-file record", first);
      return RS_E_CORRUPT;
    }
  }
  snprintf(why, whysz, "no end-of-file record after %zu records", c->n);
  return RS_E_CORRUPT;
}

/* A dirty log's header may be stale; the end-of-file record is rewritten
 * with every record and names the oldest record's offset (libyal's
 * "corruption scenarios"). Offset of the first end-of-file record found on a
 * 4-byte boundary, or 0. */
static size_t find_eof_record(const uint8_t *b, size_t len)
{
  for (size_t p = HDR; p + EOF_SIZE <= len; p += 4)
    if (le32(b + p) == EOF_SIZE && le32(b + p + 4) == 0x11111111u &&
        le32(b + p + 8) == 0x22222222u && le32(b + p + 12) == 0x33333333u &&
        le32(b + p + 16) == 0x44444444u && le32(b + p + 36) == EOF_SIZE)
      return p;
  return 0;
}

/* ---- libevt ------------------------------------------------------------- */

/* libevt's own message for e (freed), in msg. */
static void evt_msg(libevt_error_t **e, char *msg, size_t msz)
{
  msg[0] = '\0';
  if (e && *e) {
    if (libevt_error_backtrace_sprint(*e, msg, msz) < 0)
      libevt_error_sprint(*e, msg, msz);
    msg[msz - 1] = '\0';
    rs_one_line(msg);
    libevt_error_free(e);
  }
}

/* Cuts s (NUL-terminated, length n) to at most max bytes on a UTF-8
 * character boundary. Returns the new length. */
static size_t cut_utf8(char *s, size_t n, size_t max)
{
  if (n <= max)
    return n;
  n = max;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
    n--;
  s[n] = '\0';
  return n;
}

/* One string from libevt: get(size) then get(text). *out is malloc'd
 * (NULL when absent: r == 0). Returns 1 ok, 0 absent, -1 error, -2 no memory. */
typedef int (*size_fn)(libevt_record_t *, size_t *, libevt_error_t **);
typedef int (*text_fn)(libevt_record_t *, uint8_t *, size_t, libevt_error_t **);

static int get_text(libevt_record_t *r, size_fn fs, text_fn ft, size_t max, char **out,
                    bool *cut)
{
  size_t sz = 0;
  *out = NULL;
  int k = fs(r, &sz, NULL);
  if (k != 1)
    return k == 0 ? 0 : -1;
  if (sz == 0)
    return 0;
  char *s = malloc(sz + 1);
  if (!s)
    return -2;
  if (ft(r, (uint8_t *)s, sz, NULL) != 1) {
    free(s);
    return -1;
  }
  s[sz] = '\0';
  size_t n = strlen(s);
  size_t m = cut_utf8(s, n, max);
  if (m < n)
    *cut = true;
  *out = s;
  return 1;
}

static int get_string(libevt_record_t *r, int i, char **out, bool *cut)
{
  size_t sz = 0;
  *out = NULL;
  if (libevt_record_get_utf8_string_size(r, i, &sz, NULL) != 1)
    return -1;
  char *s = malloc(sz + 1);
  if (!s)
    return -2;
  if (sz > 0 && libevt_record_get_utf8_string(r, i, (uint8_t *)s, sz, NULL) != 1) {
    free(s);
    return -1;
  }
  s[sz] = '\0';
  size_t n = strlen(s);
  if (cut_utf8(s, n, RS_EVT_MAX_STRING) < n)
    *cut = true;
  *out = s;
  return 1;
}

static void record_free(struct rs_evt_record *o)
{
  free(o->mem_);
  o->mem_ = NULL;
}

/* Copies the strings into one block owned by the record. */
static int pack(struct rs_evt_record *o, char *src, char *comp, char *sid, char **str,
                unsigned n)
{
  size_t need = (size_t)n * sizeof(char *);
  const char *parts[3] = {src ? src : "", comp ? comp : "", sid ? sid : ""};
  for (int i = 0; i < 3; i++)
    need += strlen(parts[i]) + 1;
  for (unsigned i = 0; i < n; i++)
    need += strlen(str[i]) + 1;
  char *m = malloc(need ? need : 1);
  if (!m)
    return -2;
  const char **tab = (const char **)(void *)m;
  char *p = m + (size_t)n * sizeof(char *);
  const char **dst[3] = {&o->source, &o->computer, &o->sid};
  for (int i = 0; i < 3; i++) {
    size_t l = strlen(parts[i]) + 1;
    memcpy(p, parts[i], l);
    *dst[i] = p;
    p += l;
  }
  for (unsigned i = 0; i < n; i++) {
    size_t l = strlen(str[i]) + 1;
    memcpy(p, str[i], l);
    tab[i] = p;
    p += l;
  }
  o->str = n ? tab : NULL;
  o->nstr = (uint16_t)n;
  o->mem_ = m;
  return 1;
}

/* Source, computer name and strings from libevt (its UTF-8). 1 ok, -1 a
 * text libevt cannot convert (a lone UTF-16 surrogate: libuna refuses it),
 * -2 out of memory. */
static int lib_texts(libevt_record_t *r, char **src, char **comp, char **str, unsigned *nk,
                     int *ns, bool *cut)
{
  int k;
  if ((k = get_text(r, libevt_record_get_utf8_source_name_size,
                    libevt_record_get_utf8_source_name, RS_EVT_MAX_NAME, src, cut)) < 0 ||
      (k = get_text(r, libevt_record_get_utf8_computer_name_size,
                    libevt_record_get_utf8_computer_name, RS_EVT_MAX_NAME, comp, cut)) < 0)
    return k;
  if (libevt_record_get_number_of_strings(r, ns, NULL) != 1 || *ns < 0)
    return -1;
  for (int i = 0; i < *ns && *nk < RS_EVT_MAX_STRINGS; i++) {
    if ((k = get_string(r, i, &str[*nk], cut)) < 0)
      return k;
    (*nk)++;
  }
  return 1;
}

/* One NUL-terminated UTF-16LE text of the record at rec (size bytes), from
 * *pos, as UTF-8 or WTF-8 (rs_utf16le_to_wtf8: a lone surrogate kept as
 * bytes every writer escapes), cut to max bytes; *pos moves past it. */
static int raw_text(const uint8_t *rec, size_t size, size_t *pos, size_t max, char **out,
                    bool *cut)
{
  size_t end = size - 4, n = 0;
  while (*pos + 2 * n + 2 <= end && (rec[*pos + 2 * n] || rec[*pos + 2 * n + 1]))
    n++;
  char *s = malloc(3 * n + 1);
  if (!s)
    return -2;
  size_t l = rs_utf16le_to_wtf8(rec + *pos, n, s);
  if (cut_utf8(s, l, max) < l)
    *cut = true;
  *out = s;
  *pos += 2 * n + 2;
  return 1;
}

/* The same texts read from the record's own bytes in the file, for a record
 * libevt cannot convert (evidence text need not be valid UTF-16): only a
 * record that lies whole at its offset (size, signature and size copy
 * agree). 1 ok, -1 not possible, -2 out of memory. */
static int raw_texts(const uint8_t *buf, size_t len, uint64_t off, char **src, char **comp,
                     char **str, unsigned *nk, int *ns, bool *cut)
{
  if (!buf || off < HDR || off > len || len - off < 60)
    return -1;
  const uint8_t *rec = buf + off;
  size_t size = le32(rec);
  if (size < 60 || size > len - off || memcmp(rec + 4, lfle, 4) || le32(rec + size - 4) != size)
    return -1;
  size_t pos = 56;
  int k;
  if ((k = raw_text(rec, size, &pos, RS_EVT_MAX_NAME, src, cut)) < 0 ||
      (k = raw_text(rec, size, &pos, RS_EVT_MAX_NAME, comp, cut)) < 0)
    return k;
  *ns = (int)(rec[26] | rec[27] << 8);
  pos = le32(rec + 36);
  for (int i = 0; i < *ns && *nk < RS_EVT_MAX_STRINGS; i++) {
    if (pos > size - 4)
      return -1;
    if ((k = raw_text(rec, size, &pos, RS_EVT_MAX_STRING, &str[*nk], cut)) < 0)
      return k;
    (*nk)++;
  }
  return 1;
}

/* Fills o from libevt's record. 1 ok, -1 unreadable, -2 out of memory. */
static int fill_record(libevt_record_t *r, bool recovered, const uint8_t *buf, size_t len,
                       struct rs_evt_record *o)
{
  memset(o, 0, sizeof *o);
  o->recovered = recovered;
  uint32_t t1 = 0, t2 = 0;
  off64_t off = 0;
  uint16_t type = 0, cat = 0;
  if (libevt_record_get_identifier(r, &o->number, NULL) != 1 ||
      libevt_record_get_offset(r, &off, NULL) != 1 ||
      libevt_record_get_creation_time(r, &t1, NULL) != 1 ||
      libevt_record_get_written_time(r, &t2, NULL) != 1 ||
      libevt_record_get_event_identifier(r, &o->event_id_raw, NULL) != 1 ||
      libevt_record_get_event_type(r, &type, NULL) != 1 ||
      libevt_record_get_event_category(r, &cat, NULL) != 1)
    return -1;
  o->offset = off < 0 ? 0 : (uint64_t)off;
  o->generated = rs_time_from_unix(t1, 0, 0);
  o->written = rs_time_from_unix(t2, 0, 0);
  o->event_id = (uint16_t)(o->event_id_raw & 0xFFFFu);
  o->severity = (uint8_t)(o->event_id_raw >> 30);
  o->type = type;
  o->category = cat;
  size_t dsz = 0;
  if (libevt_record_get_data_size(r, &dsz, NULL) == 1)
    o->data_size = dsz > UINT32_MAX ? UINT32_MAX : (uint32_t)dsz;

  char *src = NULL, *comp = NULL, *sid = NULL, *str[RS_EVT_MAX_STRINGS] = {0};
  unsigned nk = 0;
  int ns = 0;
  int rc = lib_texts(r, &src, &comp, str, &nk, &ns, &o->cut);
  if (rc == -1) {
    /* a text libevt refuses: the same texts from the record's bytes */
    free(src);
    free(comp);
    for (unsigned i = 0; i < nk; i++)
      free(str[i]);
    src = comp = NULL;
    nk = 0;
    ns = 0;
    o->cut = false;
    rc = raw_texts(buf, len, o->offset, &src, &comp, str, &nk, &ns, &o->cut);
  }
  if (rc < 0)
    goto done;
  int k = get_text(r, libevt_record_get_utf8_user_security_identifier_size,
                   libevt_record_get_utf8_user_security_identifier, RS_EVT_MAX_NAME, &sid,
                   &o->cut);
  if (k < 0) {
    rc = k;
    goto done;
  }
  o->nstr_file = ns > UINT16_MAX ? UINT16_MAX : (uint16_t)ns;
  if (ns > RS_EVT_MAX_STRINGS)
    o->cut = true;
  rc = pack(o, src, comp, sid, str, nk);
done:
  free(src);
  free(comp);
  free(sid);
  for (unsigned i = 0; i < nk; i++)
    free(str[i]);
  return rc;
}

/* Reads every live and recovered record libevt has into log->rec; *live
 * gets libevt's count of live records. RS_OK or RS_E_NOMEM. Unreadable
 * records are counted in log->nbad. */
static enum rs_err read_records(libevt_file_t *f, const uint8_t *buf, size_t len,
                                struct rs_evt_log *log, size_t *live)
{
  int nlive = 0, nrec = 0;
  if (libevt_file_get_number_of_records(f, &nlive, NULL) != 1 || nlive < 0)
    nlive = 0;
  *live = (size_t)nlive;
  if (libevt_file_get_number_of_recovered_records(f, &nrec, NULL) != 1 || nrec < 0)
    nrec = 0;
  size_t want = (size_t)nlive + (size_t)nrec;
  if (want > RS_EVT_MAX_RECORDS) {
    log->ndropped = want - RS_EVT_MAX_RECORDS;
    want = RS_EVT_MAX_RECORDS;
  }
  if (want == 0)
    return RS_OK;
  log->rec = calloc(want, sizeof *log->rec);
  if (!log->rec)
    return RS_E_NOMEM;
  for (int pass = 0; pass < 2; pass++) {
    int n = pass ? nrec : nlive;
    for (int i = 0; i < n && log->nrec < want; i++) {
      libevt_record_t *r = NULL;
      int ok = pass ? libevt_file_get_recovered_record_by_index(f, i, &r, NULL)
                    : libevt_file_get_record_by_index(f, i, &r, NULL);
      if (ok != 1) {
        log->nbad++;
        continue;
      }
      struct rs_evt_record *o = &log->rec[log->nrec];
      int k = fill_record(r, pass == 1, buf, len, o);
      libevt_record_free(&r, NULL);
      if (k == -2) {
        record_free(o);
        return RS_E_NOMEM;
      }
      if (k != 1) {
        record_free(o);
        log->nbad++;
        continue;
      }
      log->nrec++;
      if (pass)
        log->nrecovered++;
      else
        log->nrecords++;
      struct rs_time *lo = pass ? &log->rec_first : &log->first;
      struct rs_time *hi = pass ? &log->rec_last : &log->last;
      if (!lo->set || rs_time_cmp(&o->generated, lo) < 0)
        *lo = o->generated;
      if (!hi->set || rs_time_cmp(&o->generated, hi) > 0)
        *hi = o->generated;
    }
  }
  return RS_OK;
}

/* ---- the whole file ------------------------------------------------------ */

void rs_evt_log_free(struct rs_evt_log *log)
{
  if (!log)
    return;
  for (size_t i = 0; i < log->nrec; i++)
    record_free(&log->rec[i]);
  free(log->rec);
  memset(log, 0, sizeof *log);
}

static void read_header(const uint8_t *b, struct rs_evt_header *h)
{
  uint32_t *f[] = {&h->size,       &h->copy_of_size, &h->major,    &h->minor,
                   &h->first_offset, &h->eof_offset, &h->next_number, &h->first_number,
                   &h->max_size,   &h->flags,        &h->retention};
  static const unsigned at[] = {0, 44, 8, 12, 16, 20, 24, 28, 32, 36, 40};
  for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
    *f[i] = le32(b + at[i]);
}

/* Marks log unreadable with why, sets d, returns e. */
static enum rs_err unreadable(struct rs_evt_log *log, struct rs_diag *d, enum rs_err e,
                              const char *why)
{
  log->state = RS_EVT_UNREADABLE;
  rs_strlcpy(log->note, why, sizeof log->note);
  return rs_diag_set(d, e, WHERE, "%s", why);
}

enum rs_err rs_evt_read(const uint8_t *buf, size_t len, struct rs_evt_log *out,
                        struct rs_diag *d)
{
  if (out) {
    memset(out, 0, sizeof *out);
    out->state = RS_EVT_UNREADABLE;
  }
  if (!out || (!buf && len > 0))
    return rs_diag_set(d, RS_E_USAGE, WHERE, "rs_evt_read: NULL argument");
  char why[400];
  if (len < HDR) {
    snprintf(why, sizeof why, "%zu bytes, shorter than the 48-byte file header", len);
    return unreadable(out, d, len >= 8 && !memcmp(buf + 4, lfle, 4) ? RS_E_TRUNCATED
                                                                     : RS_E_FORMAT, why);
  }
  if (memcmp(buf + 4, lfle, 4) != 0)
    return unreadable(out, d, RS_E_FORMAT, "no \"LfLe\" signature at offset 4: not an EVT file");
  struct rs_evt_header *h = &out->header;
  read_header(buf, h);
  if (h->size != HDR || h->copy_of_size != HDR) {
    snprintf(why, sizeof why, "header size fields are %u and %u, not 48", h->size,
             h->copy_of_size);
    return unreadable(out, d, RS_E_CORRUPT, why);
  }
  if (h->major != 1 || h->minor != 1) {
    snprintf(why, sizeof why, "format version %u.%u (only 1.1 is known)", h->major, h->minor);
    return unreadable(out, d, RS_E_UNSUPPORTED, why);
  }
  out->header_ok = true;
  out->dirty = h->flags & RS_EVT_FLAG_DIRTY;
  out->wrapped = h->flags & RS_EVT_FLAG_WRAP;
  out->full = h->flags & RS_EVT_FLAG_LOGFULL;
  out->archive = h->flags & RS_EVT_FLAG_ARCHIVE;

  struct chain c;
  bool may_wrap = out->wrapped || out->dirty;
  enum rs_err we = walk(buf, len, h->first_offset, may_wrap, h->max_size, &c, why, sizeof why);
  if (we != RS_OK && out->dirty && c.n == 0) {
    /* stale header of a dirty log: start where the end-of-file record says */
    size_t e = find_eof_record(buf, len);
    char why2[400];
    struct chain c2;
    if (e && walk(buf, len, le32(buf + e + 20), true, 0, &c2, why2, sizeof why2) == RS_OK &&
        c2.eof_off == e) {
      c = c2;
      we = RS_OK;
      out->relocated = true;
    }
  }

  /* libevt reads the records even when our walk failed: what it can give
   * is kept for the examiner, the file is still reported unreadable. */
  libbfio_handle_t *io = NULL;
  libevt_file_t *f = NULL;
  libevt_error_t *e = NULL;
  enum rs_err rc = RS_OK;
  char msg[600];
  if (rs_memio_handle(&io, buf, len, NULL, 0, NULL) != 1 ||
      libevt_file_initialize(&f, &e) != 1) {
    evt_msg(&e, msg, sizeof msg);
    rc = rs_diag_set(d, RS_E_NOMEM, WHERE, "out of memory");
    goto out;
  }
  if (libevt_file_open_file_io_handle(f, io, LIBEVT_OPEN_READ, &e) != 1) {
    evt_msg(&e, msg, sizeof msg);
    if (we == RS_OK)
      snprintf(why, sizeof why, "libevt refused the file: %s", msg[0] ? msg : "(no reason)");
    rc = unreadable(out, d, we == RS_OK ? RS_E_CORRUPT : we, why);
    goto out;
  }
  out->lib_corrupted = libevt_file_is_corrupted(f, NULL) == 1;
  size_t live = 0;
  if (read_records(f, buf, len, out, &live) != RS_OK) {
    rc = rs_diag_set(d, RS_E_NOMEM, WHERE, "out of memory");
    libevt_file_close(f, NULL);
    goto out;
  }
  libevt_file_close(f, NULL);

  if (we != RS_OK) {
    rc = unreadable(out, d, we, why);
  } else if (live != c.n) {
    snprintf(why, sizeof why, "libevt read %zu live records, the record chain holds %zu", live,
             c.n);
    rc = unreadable(out, d, RS_E_CORRUPT, why);
  } else if (out->nbad) {
    snprintf(why, sizeof why, "libevt could not return %zu of its records", out->nbad);
    rc = unreadable(out, d, RS_E_CORRUPT, why);
  } else {
    out->state = out->dirty ? RS_EVT_DIRTY : out->wrapped ? RS_EVT_WRAPPED : RS_EVT_OK;
    if (out->relocated)
      rs_strlcpy(out->note, "header offsets are stale; records found from the end-of-file record",
                 sizeof out->note);
    else if (c.wrapped && !out->wrapped)
      rs_strlcpy(out->note, "records wrap although the header's wrap flag is not set",
                 sizeof out->note);
    else if (c.eof_off != h->eof_offset)
      snprintf(out->note, sizeof out->note,
               "the header's end-of-file offset 0x%x is not where the end-of-file record is "
               "(0x%zx): the header was not updated", h->eof_offset, c.eof_off);
  }
out:
  if (f)
    libevt_file_free(&f, NULL);
  if (io)
    libbfio_handle_free(&io, NULL);
  if (rc == RS_E_NOMEM) {
    rs_evt_log_free(out);
    out->state = RS_EVT_UNREADABLE;
    return RS_E_NOMEM;
  }
  return rc;
}
