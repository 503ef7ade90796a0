/* Collection archives (ZIP, TAR) read in place with libarchive: one pass
 * lists the entries (names made safe by rs_coll_name_clean: "../" and
 * absolute names are refused and listed, never read); a file's content is
 * read by opening the archive again and going to its entry, in bounded runs.
 * Nothing is ever unpacked to disk. */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence/collect_int.h"

#define NAME_BUF 4096u
#define RUN_MAX (8u << 20)

static struct archive *arc_open(const struct rs_coll *c, struct rs_diag *d)
{
  struct archive *a = archive_read_new();
  if (!a) {
    rs_diag_set(d, RS_E_NOMEM, c->path, "out of memory");
    return NULL;
  }
  if (c->kind == RS_COLL_ZIP)
    archive_read_support_format_zip_seekable(a);
  else {
    archive_read_support_format_tar(a);
    archive_read_support_filter_gzip(a); /* .tar.gz: each entry read again means
                                            inflating from the start (slow, bounded) */
  }
  if (archive_read_open_filename(a, c->path, 1u << 16) != ARCHIVE_OK) {
    rs_diag_set(d, RS_E_OPEN, c->path, "cannot be read as %s: %s",
                c->kind == RS_COLL_ZIP ? "ZIP" : "TAR", archive_error_string(a));
    archive_read_free(a);
    return NULL;
  }
  return a;
}

enum rs_err rs_coll_archive_list(struct rs_coll *c, struct rs_diag *d)
{
  struct archive *a = arc_open(c, d);
  if (!a)
    return d->err;
  struct archive_entry *ae;
  uint64_t idx = 0;
  int r = ARCHIVE_EOF;
  char clean[NAME_BUF];
  while (!c->nomem && ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN)) {
    const char *nm = archive_entry_pathname(ae);
    uint64_t here = idx++;
    const char *why = NULL;
    if (!nm) {
      rs_coll_add_problem(c, "(no name)", "entry %llu has a name libarchive cannot convert",
                          (unsigned long long)here);
      continue;
    }
    if (!rs_coll_name_clean(nm, strlen(nm), clean, sizeof clean, &why)) {
      if (strcmp(why, "empty name") != 0 || strspn(nm, "./") != strlen(nm))
        rs_coll_add_problem(c, nm, "%s", why);
      continue; /* "./", the archive's own root, is nothing to list */
    }
    mode_t t = archive_entry_filetype(ae);
    if (archive_entry_hardlink(ae))
      rs_coll_add_problem(c, clean, "hard link to another entry: not read");
    else if (t == AE_IFDIR)
      rs_coll_add_entry(c, clean, 0, here, true);
    else if (t == AE_IFREG && archive_entry_size_is_set(ae) && archive_entry_size(ae) >= 0)
      rs_coll_add_entry(c, clean, (uint64_t)archive_entry_size(ae), here, false);
    else if (t == AE_IFLNK)
      rs_coll_add_problem(c, clean, "symbolic link: not followed");
    else
      rs_coll_add_problem(c, clean, "not a regular file or folder (or no size): not read");
  }
  enum rs_err e = RS_OK;
  if (c->nomem)
    e = rs_diag_set(d, RS_E_NOMEM, c->path, "out of memory listing the archive");
  else if (r != ARCHIVE_EOF) {
    if (idx == 0)
      e = rs_diag_set(d, RS_E_OPEN, c->path, "cannot be read as %s: %s",
                      c->kind == RS_COLL_ZIP ? "ZIP" : "TAR", archive_error_string(a));
    else
      rs_coll_add_problem(c, c->path, "the archive cannot be read past entry %llu: %s",
                          (unsigned long long)idx, archive_error_string(a));
  }
  archive_read_free(a);
  return e;
}

enum rs_err rs_coll_archive_stream(struct rs_coll *c, const struct rs_coll_entry *e, size_t chunk,
                                   rs_data_cb cb, void *arg, struct rs_diag *d)
{
  struct archive *a = arc_open(c, d);
  if (!a)
    return d->err == RS_E_OPEN ? rs_diag_set(d, RS_E_IO, e->name, "%s", d->what) : d->err;
  struct archive_entry *ae;
  uint64_t idx = 0;
  int r = ARCHIVE_EOF;
  enum rs_err ret = RS_OK;
  while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    if (idx++ == e->index)
      break;
  }
  if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
    ret = rs_diag_set(d, RS_E_IO, e->name, "entry %llu not found again in the archive: %s",
                      (unsigned long long)e->index, archive_error_string(a));
    archive_read_free(a);
    return ret;
  }
  size_t run = chunk < (64u << 10) ? (64u << 10) : chunk > RUN_MAX ? RUN_MAX : chunk;
  uint8_t *buf = malloc(run);
  if (!buf) {
    archive_read_free(a);
    return rs_diag_set(d, RS_E_NOMEM, e->name, "out of memory for %zu bytes", run);
  }
  uint64_t total = 0;
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf, run);
    if (n < 0) {
      ret = rs_diag_set(d, RS_E_CORRUPT, e->name, "archive entry unreadable at byte %llu: %s",
                        (unsigned long long)total, archive_error_string(a));
      break;
    }
    if (n == 0)
      break;
    total += (uint64_t)n;
    /* the listing's size bounds the read: an entry that inflates past what
     * it declared is not followed */
    if (total > e->size) {
      ret = rs_diag_set(d, RS_E_CORRUPT, e->name, "holds more than the %llu bytes it declares",
                        (unsigned long long)e->size);
      break;
    }
    if (cb(buf, (size_t)n, arg))
      break;
  }
  free(buf);
  archive_read_free(a);
  return ret;
}
