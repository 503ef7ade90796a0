#include "seal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include "outfile.h"
#include "redsleuth/redsleuth.h"

/* A name an earlier run of `redsleuth scan --out-dir` writes. */
static bool is_our_output(const char *name)
{
  if (strcmp(name, RS_SEAL_MANIFEST) == 0 || strcmp(name, "timeline-full.body") == 0)
    return true;
  for (int i = 0; rs_writers[i]; i++)
    if (strcmp(name, rs_writers[i]->file_name) == 0)
      return true;
  return false;
}

enum rs_err rs_seal_prepare(struct rs_seal *s, int dirfd, const char *dir, bool force,
                            struct rs_diag *d)
{
  memset(s, 0, sizeof *s);
  int fd2 = dup(dirfd);
  DIR *dp = fd2 >= 0 ? fdopendir(fd2) : NULL;
  if (!dp) {
    if (fd2 >= 0)
      close(fd2);
    return rs_diag_set(d, RS_E_OUTPUT, dir, "cannot list the folder: %s", strerror(errno));
  }
  rewinddir(dp);
  enum rs_err e = RS_OK;
  const struct dirent *de;
  while (e == RS_OK && (de = readdir(dp))) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    if (!force) {
      e = rs_diag_set(d, RS_E_USAGE, dir,
                      "is not empty (it holds '%s'); refused, so that no earlier file is "
                      "mistaken for this run's: choose an empty or new folder, or pass --force",
                      de->d_name);
      break;
    }
    struct stat st;
    if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
        is_our_output(de->d_name)) {
      if (unlinkat(dirfd, de->d_name, 0) != 0)
        e = rs_diag_set(d, RS_E_OUTPUT, dir, "cannot remove the earlier run's '%s': %s",
                        de->d_name, strerror(errno));
      continue;
    }
    if ((de->d_name[0] == '.' && strstr(de->d_name, ".tmp")) ||
        strcmp(de->d_name, "stdout.txt") == 0 || strcmp(de->d_name, "stderr.txt") == 0)
      continue; /* a batch's logs of this image (being written, or replaced at its end) */
    if (s->nothers < (int)(sizeof s->others / sizeof s->others[0]))
      snprintf(s->others[s->nothers++], sizeof s->others[0], "%s", de->d_name);
    else
      s->nmore++;
  }
  closedir(dp);
  return e;
}

void rs_seal_add(struct rs_seal *s, const char *name)
{
  if (s->n < RS_SEAL_MAX)
    s->names[s->n++] = name;
}

static enum rs_err sha256_at(int dirfd, const char *name, char out[65])
{
  int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return RS_E_IO;
  bool ok = rs_sha256_fd(fd, out);
  close(fd);
  return ok ? RS_OK : RS_E_IO;
}

enum rs_err rs_seal_manifest(const struct rs_seal *s, int dirfd, const char *dir,
                             struct rs_diag *d)
{
  struct rs_out o;
  enum rs_err e = rs_out_create(&o, dirfd, dir, RS_SEAL_MANIFEST, d);
  for (int i = 0; e == RS_OK && i < s->n; i++) {
    char hex[65];
    if (sha256_at(dirfd, s->names[i], hex) != RS_OK) {
      e = rs_diag_set(d, RS_E_OUTPUT, dir, "cannot read back '%s' to seal it: %s", s->names[i],
                      strerror(errno));
      break;
    }
    /* sha256sum's text form: hash, two spaces, name */
    if (fprintf(o.fp, "%s  %s\n", hex, s->names[i]) < 0)
      e = rs_diag_set(d, RS_E_OUTPUT, o.shown, "%s", strerror(errno));
  }
  if (e == RS_OK)
    return rs_out_commit(&o, d);
  rs_out_abort(&o);
  return e;
}
