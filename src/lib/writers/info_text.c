/* `redsleuth info` as text: the image, its volumes and what libtsk, libewf
 * and the hives say about them, in aligned columns, before any analysis.
 * Every string from the evidence goes through rs_escape_text, as in
 * report.txt (writers/text.c). */
#include "redsleuth/writer.h"

#include <string.h>

#include "redsleuth/escape.h"
#include "writers/emit.h"

/* s escaped, then padded with spaces to width bytes (printf's %-*s). */
static void col(struct rs_emit *t, const char *s, int width)
{
  size_t start = t->out.len;
  em_esc(t, s);
  for (size_t n = t->out.len - start; !t->err && n < (size_t)width; n++)
    em_put(t, " ");
}

/* "string at k, or dflt when absent, null or empty", escaped and padded. */
static void col_key(struct rs_emit *t, const json_t *o, const char *k, const char *dflt,
                    int width)
{
  const char *v = rs_writer_str(o, k);
  col(t, v && *v ? v : dflt, width);
}

/* The info summary on a terminal: every string from the evidence (segment
 * paths, EWF case data, volume labels, Windows folder names, libtsk notes)
 * escaped as in the scan report. */
enum rs_err rs_info_write_text(const json_t *info, FILE *out, struct rs_diag *d)
{
  struct rs_emit t;
  if (!json_is_object(info))
    return rs_diag_set(d, RS_E_USAGE, "info writer", "the report is not a JSON object");
  em_init(&t, rs_escape_text);
  em_text_warnings(&t, info);
  const json_t *ev = json_object_get(info, "evidence");
  em_put(&t, "redsleuth ");
  em_key(&t, json_object_get(info, "tool"), "version", "-");
  em_put(&t, ": evidence summary\n\n");
  size_t i;
  const json_t *x;
  json_array_foreach(json_object_get(ev, "segments"), i, x) {
    em_putf(&t, "%-14s ", i ? "" : "Evidence:");
    em_val(&t, x, "-");
    em_put(&t, "\n");
  }
  json_int_t ms = json_integer_value(json_object_get(ev, "media_size"));
  em_putf(&t, "%-14s ", "Format:");
  em_key(&t, ev, "format", "-");
  em_putf(&t, ", %" JSON_INTEGER_FORMAT " bytes (%.1f MiB), %" JSON_INTEGER_FORMAT
              "-byte sectors\n",
          ms, (double)ms / 1048576.0, json_integer_value(json_object_get(ev, "sector_size")));
  em_tmpl(&t, ev, "Partitions:    {volume_system}\n");
  const json_t *sh = json_object_get(ev, "stored_hashes");
  if (json_is_object(sh)) {
    em_putf(&t, "%-14s ", "Stored MD5:");
    em_key(&t, sh, "md5", "(not stored)");
    em_put(&t, "\n");
    if (rs_writer_str(sh, "sha1"))
      em_tmpl(&t, sh, "Stored SHA-1:  {sha1}\n");
  }
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)json_object_get(ev, "acquisition"), k, v) {
    if (!json_is_string(v))
      continue;
    em_put(&t, "  ");
    col(&t, k, 26);
    em_put(&t, " ");
    em_val(&t, v, "");
    em_put(&t, "\n");
  }
  const json_t *vols = json_object_get(info, "volumes");
  em_putf(&t, "\nVolumes:\n  %-3s %-12s %-12s %-7s %-18s %-18s %-6s %s\n", "#", "start",
          "sectors", "fs", "label", "serial", "drive", "windows");
  bool any_win_fs = false, any_root = false;
  json_array_foreach(vols, i, x) {
    const char *fs = rs_writer_str(x, "fs_type");
    fs = fs ? fs : "";
    if (!strcmp(fs, "ntfs") || !strncmp(fs, "fat", 3))
      any_win_fs = true;
    const char *drive = rs_writer_str(x, "drive"), *root = rs_writer_str(x, "windows_root");
    char dr[16];
    snprintf(dr, sizeof dr, "%s%s", drive ? drive : "",
             json_is_true(json_object_get(x, "drive_assumed")) ? "*" : "");
    any_root |= root && *root;
    em_putf(&t, "  %-3" JSON_INTEGER_FORMAT " %-12" JSON_INTEGER_FORMAT " %-12" JSON_INTEGER_FORMAT
                " ",
            json_integer_value(json_object_get(x, "index")),
            json_integer_value(json_object_get(x, "start_sector")),
            json_integer_value(json_object_get(x, "sectors")));
    if (!strcmp(fs, "other") && rs_writer_str(x, "fs_name"))
      col_key(&t, x, "fs_name", "-", 7);
    else
      col(&t, fs, 7);
    em_put(&t, " ");
    col_key(&t, x, "label", "-", 18);
    em_put(&t, " ");
    col_key(&t, x, "serial", "-", 18);
    em_put(&t, " ");
    col(&t, *dr ? dr : "-", 6);
    em_put(&t, " ");
    em_esc(&t, root && *root ? root : "-");
    em_put(&t, "\n");
    if (rs_writer_str(x, "partition") && *rs_writer_str(x, "partition"))
      em_tmpl(&t, x, "      partition: {partition}\n");
    if (rs_writer_str(x, "note") && *rs_writer_str(x, "note"))
      em_tmpl(&t, x, "      note: {note}\n");
  }
  if (json_array_size(vols) == 0)
    em_put(&t, "  (none)\n");
  em_put(&t, "\n");
  if (!any_win_fs)
    em_put(&t, "Result: no Windows file system (no NTFS or FAT volume) in this image.\n");
  else if (!any_root)
    em_put(&t, "Result: no Windows system folder (no <folder>/system32/config/SYSTEM) found.\n");
  else
    em_put(&t, "Result: Windows system folder found (see \"windows\" above).\n");
  em_put(&t, "Drive letters marked * are assumed from partition order.\n");
  const json_t *unr = json_object_get(info, "unreadable");
  if (json_array_size(unr)) {
    em_put(&t, "\nUnreadable:\n");
    json_array_foreach(unr, i, x)
      em_tmpl(&t, x, "  {where?}: {reason?}\n");
  }
  enum rs_err e = em_finish(&t, out, "info writer", d);
  em_free(&t);
  return e;
}
