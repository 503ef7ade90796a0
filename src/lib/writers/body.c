/* timeline.body: TSK 3.x body file, the input of mactime(1):
 *   MD5|name|inode|mode_as_string|UID|GID|size|atime|mtime|ctime|crtime
 * One line per finding that carries NTFS times, with its $STANDARD_INFORMATION
 * times (a FAT entry's line: its FAT written/accessed/created times, ctime 0,
 * and TSK's address for the entry as fls gives it), and a second line named "<name> ($FILE_NAME)" with the $FILE_NAME
 * times when any is known, as `fls -m` writes them. The name is the
 * finding's path with '\' turned into '/' ("C:/Inetpub/scripts/root.exe", the
 * form `fls -m C:` gives), " (deleted)" appended for unallocated files (after
 * " ($FILE_NAME)", as fls writes it), and
 * escaped with rs_escape_body so no name can add a '|' or end the line. */
#include "redsleuth/writer.h"

#include <inttypes.h>
#include <string.h>

#include "redsleuth/escape.h"

/* Epoch seconds of times[key]; 0 (mactime's "no time") when absent or
 * before 1970. */
static int64_t epoch(const json_t *times, const char *key)
{
  int64_t sec;
  uint32_t nsec;
  if (!rs_writer_time_parse(rs_writer_str(times, key), &sec, &nsec) || sec < 0)
    return 0;
  return sec;
}

static bool any_time(const json_t *times, const char *const keys[4])
{
  for (int i = 0; i < 4; i++)
    if (rs_writer_str(times, keys[i]))
      return true;
  return false;
}

static enum rs_err body_line(struct rs_buf *b, struct rs_buf *tmp, struct rs_buf *esc,
                             const json_t *f, const json_t *times, const char *const keys[4],
                             const char *suffix)
{
  /* keys: atime, mtime, ctime (MFT entry modified), crtime */
  enum rs_err e;
  const char *path = rs_writer_str(f, "path");
  /* the TSK address (fls's inode): "inode", on FAT the directory entry's
   * position; older reports carry only mft_entry */
  const json_t *mft = json_object_get(f, "inode");
  if (!json_is_integer(mft))
    mft = json_object_get(f, "mft_entry");
  const json_t *size = json_object_get(f, "size");
  rs_buf_reset(tmp);
  rs_buf_reset(esc);
  for (const char *p = path; *p; p++) {
    if ((e = rs_buf_add(tmp, *p == '\\' ? "/" : p, 1)) != RS_OK)
      return e;
  }
  /* fls -m's order: "name ($FILE_NAME) (deleted)" */
  if ((e = rs_buf_adds(tmp, suffix)) != RS_OK)
    return e;
  if (json_is_false(json_object_get(f, "allocated")) && (e = rs_buf_adds(tmp, " (deleted)")))
    return e;
  if ((e = rs_escape_body(esc, tmp->data, tmp->len)) != RS_OK)
    return e;
  char ino[32];
  snprintf(ino, sizeof ino, "%" JSON_INTEGER_FORMAT, json_is_integer(mft) ? json_integer_value(mft) : 0);
  int64_t t[4];
  for (int i = 0; i < 4; i++)
    t[i] = epoch(times, keys[i]);
  return rs_body_line(b, rs_writer_str(f, "md5"), esc->data, ino, "r/rrwxrwxrwx",
                      json_is_integer(size) ? (uint64_t)json_integer_value(size) : 0, t);
}

/* report.warnings (a stored-hash mismatch, a split set whose sizes do not
 * fit) first, as in every output: a line whose times are all 0, which
 * mactime accepts and leaves out of its listing, but which anyone reading
 * the file sees first */
enum rs_err rs_writer_body_warnings(struct rs_buf *out, const json_t *report)
{
  struct rs_buf tmp;
  rs_buf_init(&tmp, RS_WRITER_MAX);
  enum rs_err e = RS_OK;
  size_t i;
  const json_t *w;
  json_array_foreach(json_object_get(report, "warnings"), i, w) {
    const char *ws = json_string_value(w);
    if (!ws)
      continue;
    static const int64_t none[4];
    rs_buf_reset(&tmp);
    if ((e = rs_buf_adds(&tmp, "!!! ")) != RS_OK ||
        (e = rs_escape_body(&tmp, ws, strlen(ws))) != RS_OK ||
        (e = rs_body_line(out, NULL, tmp.data, "0", "----------", 0, none)) != RS_OK)
      break;
  }
  rs_buf_free(&tmp);
  return e;
}

/* The timeline's entries have no file times: hits play no part here. */
static enum rs_err write_body(const json_t *report, struct rs_hits *hits, FILE *out,
                              struct rs_diag *d)
{
  (void)hits;
  static const char *const si[4] = {"si_accessed_utc", "si_modified_utc",
                                    "si_mft_modified_utc", "si_created_utc"};
  static const char *const fn[4] = {"fn_accessed_utc", "fn_modified_utc",
                                    "fn_mft_modified_utc", "fn_created_utc"};
  /* FAT: written, accessed, created; no metadata-change time (ctime 0, as
   * fls -m gives FAT entries) */
  static const char *const fat[4] = {"fat_accessed_utc", "fat_modified_utc", "",
                                     "fat_created_utc"};
  struct rs_buf b, tmp, esc;
  rs_buf_init(&b, RS_WRITER_MAX);
  rs_buf_init(&tmp, RS_WRITER_MAX);
  rs_buf_init(&esc, RS_WRITER_MAX);
  enum rs_err e = RS_OK;
  if (!json_is_object(report)) {
    rs_buf_free(&b);
    return rs_diag_set(d, RS_E_USAGE, "body writer", "the report is not a JSON object");
  }
  size_t i = 0;
  const json_t *f;
  e = rs_writer_body_warnings(&b, report);
  json_array_foreach(json_object_get(report, "findings"), i, f) {
    if (e)
      break;
    const json_t *times = json_object_get(f, "times");
    if (!json_is_object(times) || !rs_writer_str(f, "path"))
      continue;
    if (any_time(times, si) && (e = body_line(&b, &tmp, &esc, f, times, si, "")))
      break;
    if (any_time(times, fat) && (e = body_line(&b, &tmp, &esc, f, times, fat, "")))
      break;
    if (any_time(times, fn) && (e = body_line(&b, &tmp, &esc, f, times, fn, " ($FILE_NAME)")))
      break;
  }
  if (e)
    rs_diag_set(d, e, "body writer", "cannot format finding %zu", i);
  else
    e = rs_writer_emit(&b, out, "body writer", d);
  rs_buf_free(&b);
  rs_buf_free(&tmp);
  rs_buf_free(&esc);
  return e;
}

const struct rs_writer rs_writer_body = {"body", "timeline.body", write_body};
