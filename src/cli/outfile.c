#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int rs_out_dir_open(const char *dir, struct rs_diag *d)
{
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
    rs_diag_set(d, RS_E_OUTPUT, dir, "cannot create the folder: %s", strerror(errno));
    return -1;
  }
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    rs_diag_set(d, RS_E_OUTPUT, dir, "cannot open the folder: %s", strerror(errno));
    return -1;
  }
  int fd2 = dup(fd);
  DIR *dp = fd2 >= 0 ? fdopendir(fd2) : NULL;
  if (!dp) {
    rs_diag_set(d, RS_E_OUTPUT, dir, "cannot list the folder: %s", strerror(errno));
    if (fd2 >= 0)
      close(fd2);
    close(fd);
    return -1;
  }
  const struct dirent *de;
  while ((de = readdir(dp))) {
    struct stat st;
    bool link = de->d_type == DT_LNK;
    if (de->d_type == DT_UNKNOWN && fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
      link = S_ISLNK(st.st_mode);
    if (link) {
      rs_diag_set(d, RS_E_USAGE, dir,
                  "holds a symbolic link, '%s': refused, since a report written under a link's "
                  "name could overwrite its target (remove the link or choose another folder)",
                  de->d_name);
      closedir(dp);
      close(fd);
      return -1;
    }
  }
  closedir(dp);
  return fd;
}

enum rs_err rs_out_create(struct rs_out *o, int dirfd, const char *dir, const char *name,
                          struct rs_diag *d)
{
  static unsigned counter;
  memset(o, 0, sizeof *o);
  o->dirfd = dirfd;
  o->fd = -1;
  snprintf(o->name, sizeof o->name, "%s", name);
  snprintf(o->shown, sizeof o->shown, "%s/%s", dir, name);
  for (int tries = 0; tries < 100; tries++) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(o->tmp, sizeof o->tmp, ".%.40s.%ld.%u.%06ld.tmp", name, (long)getpid(), counter++,
             ts.tv_nsec / 1000);
    o->fd = openat(dirfd, o->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (o->fd >= 0 || errno != EEXIST)
      break;
  }
  if (o->fd < 0) {
    o->tmp[0] = '\0';
    return rs_diag_set(d, RS_E_OUTPUT, o->shown, "cannot create a new file in the folder: %s",
                       strerror(errno));
  }
  if (!(o->fp = fdopen(o->fd, "w+"))) {
    enum rs_err e = rs_diag_set(d, RS_E_OUTPUT, o->shown, "%s", strerror(errno));
    rs_out_abort(o);
    return e;
  }
  return RS_OK;
}

enum rs_err rs_out_commit(struct rs_out *o, struct rs_diag *d)
{
  if (!o->fp)
    return rs_diag_set(d, RS_E_INTERNAL, o->shown, "no file to commit");
  enum rs_err e = RS_OK;
  if (fflush(o->fp) != 0 || fsync(o->fd) != 0)
    e = rs_diag_set(d, RS_E_OUTPUT, o->shown, "%s", strerror(errno));
  if (fclose(o->fp) != 0 && e == RS_OK)
    e = rs_diag_set(d, RS_E_OUTPUT, o->shown, "%s", strerror(errno));
  o->fp = NULL;
  o->fd = -1;
  if (e == RS_OK && renameat(o->dirfd, o->tmp, o->dirfd, o->name) != 0)
    e = rs_diag_set(d, RS_E_OUTPUT, o->shown, "cannot put the report in place: %s",
                    strerror(errno));
  if (e != RS_OK) {
    rs_out_abort(o);
    return e;
  }
  o->tmp[0] = '\0';
  fsync(o->dirfd); /* the rename itself, on a journal that needs it */
  return RS_OK;
}

void rs_out_abort(struct rs_out *o)
{
  /* tmp[] is set only once a file was made: a zeroed, never created o
   * (fd 0) closes nothing */
  if (o->fp)
    fclose(o->fp);
  else if (o->tmp[0] && o->fd >= 0)
    close(o->fd);
  o->fp = NULL;
  o->fd = -1;
  if (o->tmp[0] && o->dirfd >= 0)
    unlinkat(o->dirfd, o->tmp, 0);
  o->tmp[0] = '\0';
}

/* ---- paths: is the output folder inside the evidence folder? ---------- */

/* Splits path at its last '/' (trailing ones ignored): parent gets the
 * folder part ("." or "/" when there is none), the return value points at
 * the last component inside tmp, which holds a copy of path. */
static const char *split_path(const char *path, char tmp[PATH_MAX], char parent[PATH_MAX])
{
  snprintf(tmp, PATH_MAX, "%s", path);
  size_t l = strlen(tmp);
  while (l > 1 && tmp[l - 1] == '/')
    tmp[--l] = '\0';
  char *sl = strrchr(tmp, '/');
  if (!sl)
    snprintf(parent, PATH_MAX, ".");
  else if (sl == tmp)
    snprintf(parent, PATH_MAX, "/");
  else
    snprintf(parent, PATH_MAX, "%.*s", (int)(sl - tmp), tmp);
  return sl ? sl + 1 : tmp;
}

int rs_path_parent_real(const char *path, char out[PATH_MAX])
{
  char tmp[PATH_MAX], parent[PATH_MAX];
  split_path(path, tmp, parent);
  return realpath(parent, out) ? 0 : -1;
}

/* path made absolute with its symbolic links resolved, for a path that may
 * not exist yet: the longest existing ancestor through realpath, the rest
 * appended as written. 0 on success. */
static int resolve_at(const char *path, char *out, int depth)
{
  if (realpath(path, out))
    return 0;
  char tmp[PATH_MAX], parent[PATH_MAX];
  const char *base = split_path(path, tmp, parent);
  if (depth > 64 || !*base)
    return -1;
  char rp[PATH_MAX];
  if (resolve_at(parent, rp, depth + 1) != 0)
    return -1;
  if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
    /* "x/missing/..": the parent resolved, so ".." is lexical here */
    char *s2 = strrchr(rp, '/');
    if (strcmp(base, "..") == 0 && s2)
      *(s2 == rp ? s2 + 1 : s2) = '\0';
    snprintf(out, PATH_MAX, "%s", rp);
    return 0;
  }
  int n = snprintf(out, PATH_MAX, "%s%s%s", rp, strcmp(rp, "/") ? "/" : "", base);
  return n > 0 && n < PATH_MAX ? 0 : -1;
}

int rs_path_resolve(const char *path, char out[PATH_MAX])
{
  return resolve_at(path, out, 0);
}
