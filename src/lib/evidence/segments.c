/* The segment files of an image, checked before libtsk or libewf opens any
 * of them. Evidence arrives on media someone else prepared: a FIFO named
 * disk.002 makes open() block forever, the same file named twice doubles
 * the media and the hashes then cover a disk that never existed, and a
 * stray disk.004 beside a three-part set is appended to the media without
 * a word. Nothing here reads more than the file metadata. */
#include "evidence/segments.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libewf.h>

/* libtsk's own split-raw glob (tsk/img/mult_files.c): exported by libtsk but
 * declared only in its internal header. Using it, rather than a copy of its
 * naming rules (.001, _001, .000, .01, .aa, xaa, .aaa, .dmg, .bin), means
 * we check exactly the files libtsk is about to open. It only stat()s. */
extern TSK_TCHAR **tsk_img_findFiles(const TSK_TCHAR *a_startingName, int *a_numFound);

struct seg_id {
  dev_t dev;
  ino_t ino;
  uint64_t size;
};

static const char *kind_name(mode_t m)
{
  if (S_ISDIR(m))
    return "a directory";
  if (S_ISFIFO(m))
    return "a FIFO (named pipe)";
  if (S_ISSOCK(m))
    return "a socket";
  if (S_ISCHR(m))
    return "a character device";
  return "not a regular file";
}

/* One segment: a regular file or a block device, not empty. `found` prefixes
 * the reason ("" for a segment the user named). Opens it (O_NONBLOCK, after
 * the type check, so even a file swapped for a FIFO in between cannot
 * block) only to ask a block device its size. */
static enum rs_err seg_check(const char *p, const char *found, struct seg_id *id,
                             struct rs_diag *d)
{
  struct stat st, fst;
  if (stat(p, &st) != 0)
    return rs_diag_set(d, RS_E_OPEN, p, "%s%s", found, strerror(errno));
  if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
    return rs_diag_set(d, RS_E_OPEN, p,
                       "%sis %s, not an image file (only regular files and block devices are "
                       "read)",
                       found, kind_name(st.st_mode));
  int fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return rs_diag_set(d, RS_E_OPEN, p, "%s%s", found, strerror(errno));
  if (fstat(fd, &fst) != 0 || fst.st_dev != st.st_dev || fst.st_ino != st.st_ino ||
      (fst.st_mode & S_IFMT) != (st.st_mode & S_IFMT)) {
    close(fd);
    return rs_diag_set(d, RS_E_OPEN, p, "%schanged while it was being opened", found);
  }
  /* Block devices report st_size 0: ask the device. */
  off_t sz = S_ISREG(st.st_mode) ? st.st_size : lseek(fd, 0, SEEK_END);
  close(fd);
  if (sz <= 0)
    return rs_diag_set(d, RS_E_OPEN, p, "%sfile is empty (0 bytes)", found);
  id->dev = st.st_dev;
  id->ino = st.st_ino;
  id->size = (uint64_t)sz;
  return RS_OK;
}

/* Index of an earlier segment that is the same file as ids[i], or -1. */
static int same_as(const struct seg_id *ids, int i)
{
  for (int j = 0; j < i; j++)
    if (ids[j].dev == ids[i].dev && ids[j].ino == ids[i].ino)
      return j;
  return -1;
}

enum rs_err rs_segments_check_given(const char *const *segs, int nseg, uint64_t *size0,
                                    struct rs_diag *d)
{
  struct seg_id *ids = calloc((size_t)nseg, sizeof *ids);
  if (!ids)
    return rs_diag_set(d, RS_E_NOMEM, segs[0], "out of memory");
  enum rs_err e = RS_OK;
  for (int i = 0; i < nseg && e == RS_OK; i++) {
    e = seg_check(segs[i], "", &ids[i], d);
    int j = e == RS_OK ? same_as(ids, i) : -1;
    if (j >= 0)
      e = rs_diag_set(d, RS_E_USAGE, segs[i],
                      "is named twice (segments %d and %d are the same file): give each "
                      "segment once, in order (the first is enough for a split or EWF set)",
                      j + 1, i + 1);
  }
  if (e == RS_OK)
    *size0 = ids[0].size;
  free(ids);
  return e;
}

enum rs_err rs_segments_check_found(const char *const *segs, int nseg, TSK_IMG_TYPE_ENUM type,
                                    struct rs_diag *d)
{
  if (nseg != 1)
    return RS_OK; /* several named: libtsk and libewf take them as given */
  char **names = NULL;
  int n = 0;
  bool ewf = TSK_IMG_TYPE_ISEWF(type);
  if (TSK_IMG_TYPE_ISRAW(type))
    names = tsk_img_findFiles(segs[0], &n);
  else if (ewf && libewf_glob(segs[0], strlen(segs[0]), LIBEWF_FORMAT_UNKNOWN, &names, &n,
                              NULL) != 1)
    names = NULL, n = 0;
  if (!names || n < 2) {
    if (names && ewf)
      libewf_glob_free(names, n, NULL);
    else if (names) {
      for (int i = 0; i < n; i++)
        free(names[i]);
      free(names);
    }
    return RS_OK;
  }
  enum rs_err e = RS_OK;
  struct seg_id *ids = calloc((size_t)n, sizeof *ids);
  if (!ids)
    e = rs_diag_set(d, RS_E_NOMEM, segs[0], "out of memory");
  for (int i = 0; i < n && e == RS_OK; i++) {
    char found[64] = "";
    if (i)
      snprintf(found, sizeof found, "found as segment %d of the set: ", i + 1);
    e = seg_check(names[i], found, &ids[i], d);
    int j = e == RS_OK ? same_as(ids, i) : -1;
    if (j >= 0)
      e = rs_diag_set(d, RS_E_OPEN, names[i],
                      "found as segment %d of the set, but it is the same file as segment %d: "
                      "the set is not what its names say",
                      i + 1, j + 1);
  }
  free(ids);
  if (ewf) {
    libewf_glob_free(names, n, NULL);
  } else {
    for (int i = 0; i < n; i++)
      free(names[i]);
    free(names);
  }
  return e;
}

#define RS_SEG_NAME_SHOWN 256 /* a file name (NAME_MAX) and its NUL */

static const char *base_name(const char *p)
{
  const char *s = strrchr(p, '/');
  return s && s[1] ? s + 1 : p;
}

enum rs_err rs_segments_sizes_warning(char *const *segs, int nseg, unsigned sector_size,
                                      struct rs_buf *out)
{
  if (nseg < 2)
    return RS_OK;
  uint64_t *sz = calloc((size_t)nseg, sizeof *sz), total = 0;
  if (!sz)
    return RS_E_NOMEM;
  for (int i = 0; i < nseg; i++) {
    struct seg_id id = {0, 0, 0};
    if (seg_check(segs[i], "", &id, NULL) == RS_OK)
      sz[i] = id.size;
    total += sz[i];
  }
  unsigned ss = sector_size ? sector_size : 512;
  struct rs_buf why;
  rs_buf_init(&why, 2 * RS_SEG_NAME_SHOWN + 256);
  enum rs_err e = RS_OK;
  for (int i = 1; i < nseg - 1 && !why.len && e == RS_OK; i++)
    if (sz[i] != sz[0])
      e = rs_buf_addf(&why, "segment %d (%s) is %s than the first (%llu bytes, not %llu)", i + 1,
                      base_name(segs[i]), sz[i] < sz[0] ? "shorter" : "longer",
                      (unsigned long long)sz[i], (unsigned long long)sz[0]);
  if (e == RS_OK && !why.len && sz[nseg - 1] > sz[0])
    e = rs_buf_addf(&why, "the last segment (%s) is longer than the first (%llu bytes, not "
                    "at most %llu)", base_name(segs[nseg - 1]), (unsigned long long)sz[nseg - 1],
                    (unsigned long long)sz[0]);
  if (e == RS_OK && !why.len && total % ss)
    e = rs_buf_addf(&why, "the media, %llu bytes, is not a whole number of %u-byte sectors",
                    (unsigned long long)total, ss);
  if (e == RS_OK && why.len)
    e = rs_buf_addf(out,
                    "SEGMENT SET INCONSISTENT: %s; a segment may be cut, missing or not part of "
                    "this image, and the media and its hashes then differ from the disk "
                    "(segment sizes:", why.data);
  /* runs of equal sizes on one item: "d.001-d.003 1048576 each"; a list
   * longer than out holds ends in "..." */
  for (int i = 0; e == RS_OK && why.len && i < nseg; i++) {
    int j = i;
    while (j + 1 < nseg && sz[j + 1] == sz[i])
      j++;
    if (out->len + 2 * RS_SEG_NAME_SHOWN + 64 > out->max) {
      e = rs_buf_adds(out, " ...");
      break;
    }
    if (j > i)
      e = rs_buf_addf(out, " %s-%s %llu bytes each%s", base_name(segs[i]), base_name(segs[j]),
                      (unsigned long long)sz[i], j + 1 < nseg ? "," : "");
    else
      e = rs_buf_addf(out, " %s %llu bytes%s", base_name(segs[i]), (unsigned long long)sz[i],
                      i + 1 < nseg ? "," : "");
    i = j;
  }
  if (e == RS_OK && why.len)
    e = rs_buf_adds(out, ")");
  rs_buf_free(&why);
  free(sz);
  return e;
}
