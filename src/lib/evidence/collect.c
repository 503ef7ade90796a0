/* Collections (folder, ZIP, TAR) as images: the listing of a folder with the
 * operating system's calls (openat, O_NOFOLLOW: a symbolic link is never
 * followed), the layouts that give drive letters (KAPE, Velociraptor), and
 * the bounded reads the stages make. Archives are listed and read by
 * collect_archive.c. Nothing here writes anywhere. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "evidence/collect_int.h"
#include "redsleuth/buf.h"

#define NAME_MAX_LEN 4096u /* a collected file's name in the collection */
#define READ_RUN (8u << 20)

const char *rs_coll_kind_name(enum rs_coll_kind k)
{
  return k == RS_COLL_ZIP ? "zip" : k == RS_COLL_TAR ? "tar" : "folder";
}

bool rs_coll_sniff(const char *path, enum rs_coll_kind *kind)
{
  struct stat st;
  if (!path || stat(path, &st) != 0)
    return false;
  if (S_ISDIR(st.st_mode)) {
    *kind = RS_COLL_FOLDER;
    return true;
  }
  if (!S_ISREG(st.st_mode))
    return false;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  unsigned char b[512];
  ssize_t n = pread(fd, b, sizeof b, 0);
  close(fd);
  if (n >= 4 && b[0] == 'P' && b[1] == 'K' &&
      ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6))) {
    *kind = RS_COLL_ZIP;
    return true;
  }
  if (n == 512 && memcmp(b + 257, "ustar", 5) == 0) {
    *kind = RS_COLL_TAR;
    return true;
  }
  /* gzip: a .tar.gz (libarchive's gzip filter undoes it; a gzip file that
   * holds no TAR is then refused by the listing as "cannot be read as TAR").
   * No disk image starts with these bytes: its first sector is boot code. */
  if (n >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8) {
    *kind = RS_COLL_TAR;
    return true;
  }
  return false;
}

/* Entries and problems ----------------------------------------------- */

bool rs_coll_add_entry(struct rs_coll *c, const char *name, uint64_t size, uint64_t index,
                       bool is_dir)
{
  if (c->n >= RS_COLL_ENTRIES_MAX) {
    c->skipped++;
    return true;
  }
  if (!rs_grow((void **)&c->e, &c->cap, c->n + 1, sizeof *c->e, 256))
    return !(c->nomem = true);
  struct rs_coll_entry *e = &c->e[c->n];
  memset(e, 0, sizeof *e);
  e->name = strdup(name);
  if (!e->name)
    return !(c->nomem = true);
  e->vol = -1;
  e->size = size;
  e->index = index;
  e->is_dir = is_dir;
  c->n++;
  return true;
}

void rs_coll_add_problem(struct rs_coll *c, const char *name, const char *fmt, ...)
{
  if (!rs_grow((void **)&c->pb, &c->cappb, c->npb + 1, sizeof *c->pb, 16)) {
    c->nomem = true;
    return;
  }
  char why[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  struct rs_coll_problem *p = &c->pb[c->npb];
  p->name = strdup(name);
  p->why = strdup(why);
  if (!p->name || !p->why) {
    free(p->name);
    free(p->why);
    c->nomem = true;
    return;
  }
  c->npb++;
}

/* Folder listing ----------------------------------------------------- */

static int cmp_cstr(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists folder dfd (rel: its name in the collection, rl its length, in a
 * buffer of NAME_MAX_LEN) in name order, entering subfolders. */
static void list_dir(struct rs_coll *c, int dfd, char *rel, size_t rl, int depth)
{
  int fd2 = dup(dfd);
  DIR *dir = fd2 >= 0 ? fdopendir(fd2) : NULL;
  if (!dir) {
    if (fd2 >= 0)
      close(fd2);
    rs_coll_add_problem(c, rl ? rel : ".", "folder cannot be listed: %s", strerror(errno));
    return;
  }
  char **names = NULL;
  size_t nn = 0, cap = 0;
  struct dirent *de;
  while ((de = readdir(dir)) != NULL) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    if (!rs_grow((void **)&names, &cap, nn + 1, sizeof *names, 64)) {
      c->nomem = true;
      break;
    }
    if (!(names[nn] = strdup(de->d_name))) {
      c->nomem = true;
      break;
    }
    nn++;
  }
  closedir(dir);
  if (nn > 1)
    qsort(names, nn, sizeof *names, cmp_cstr);
  for (size_t i = 0; i < nn; i++) {
    const char *nm = names[i];
    size_t l = strlen(nm);
    if (c->nomem || rl + 1 + l + 1 > NAME_MAX_LEN) {
      if (!c->nomem)
        rs_coll_add_problem(c, nm, "name too long under %s: not listed", rl ? rel : ".");
      continue;
    }
    if (rl)
      rel[rl] = '/';
    memcpy(rel + rl + (rl ? 1 : 0), nm, l + 1);
    size_t nl = rl + (rl ? 1 : 0) + l;
    struct stat st;
    if (fstatat(dfd, nm, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      rs_coll_add_problem(c, rel, "cannot be examined: %s", strerror(errno));
    } else if (S_ISLNK(st.st_mode)) {
      rs_coll_add_problem(c, rel, "symbolic link: not followed");
    } else if (S_ISDIR(st.st_mode)) {
      rs_coll_add_entry(c, rel, 0, 0, true);
      int sub = depth < RS_COLL_DEPTH
                    ? openat(dfd, nm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    : -1;
      if (sub < 0 && depth >= RS_COLL_DEPTH)
        rs_coll_add_problem(c, rel, "folder deeper than %d levels: not entered", RS_COLL_DEPTH);
      else if (sub < 0)
        rs_coll_add_problem(c, rel, "folder cannot be opened: %s", strerror(errno));
      else {
        list_dir(c, sub, rel, nl, depth + 1);
        close(sub);
      }
    } else if (S_ISREG(st.st_mode)) {
      rs_coll_add_entry(c, rel, (uint64_t)st.st_size, 0, false);
    } else {
      rs_coll_add_problem(c, rel, "not a regular file or folder: not read");
    }
    rel[rl] = '\0';
  }
  for (size_t i = 0; i < nn; i++)
    free(names[i]);
  free(names);
}

/* Layouts -------------------------------------------------------------- */

/* A Velociraptor volume component ("C%3A", "%5C%5C.%5CC%3A") or a KAPE one
 * ("C"): its letter, or 0. */
static char letter_of(const char *comp, bool *velo)
{
  char buf[64];
  size_t l = strlen(comp);
  *velo = false;
  if (l == 1 && isalpha((unsigned char)comp[0]))
    return (char)toupper((unsigned char)comp[0]);
  if (l >= sizeof buf || !strchr(comp, '%'))
    return 0;
  memcpy(buf, comp, l + 1);
  rs_coll_pct_decode(buf);
  const char *p = buf;
  if (!strncmp(p, "\\\\.\\", 4) || !strncmp(p, "\\\\?\\", 4))
    p += 4;
  if (isalpha((unsigned char)p[0]) && p[1] == ':' && p[2] == '\0') {
    *velo = true;
    return (char)toupper((unsigned char)p[0]);
  }
  return 0;
}

static int find_vol(struct rs_coll *c, char letter)
{
  for (int v = 0; v < c->nvol; v++)
    if (c->vols[v].letter[0] == letter)
      return v;
  return -1;
}

/* Adds prefix as a root of the volume with this letter (a new volume when
 * the letter is new); a Velociraptor collection may hold one drive under
 * several accessors ("auto", "ntfs"). */
static void add_root(struct rs_coll *c, char letter, bool assumed, const char *prefix,
                     bool decode, const char *layout)
{
  int v = find_vol(c, letter);
  if (v < 0) {
    if (c->nvol >= 26)
      return;
    v = c->nvol++;
    memset(&c->vols[v], 0, sizeof c->vols[v]);
    snprintf(c->vols[v].letter, sizeof c->vols[v].letter, "%c:", letter);
    c->vols[v].assumed = assumed;
    c->vols[v].decode = decode;
    snprintf(c->vols[v].layout, sizeof c->vols[v].layout, "%s", layout);
  }
  struct rs_coll_vol *cv = &c->vols[v];
  for (int i = 0; i < cv->nprefix; i++)
    if (!strcmp(cv->prefix[i], prefix))
      return;
  if (cv->nprefix >= RS_COLL_PREFIXES)
    return;
  if (!(cv->prefix[cv->nprefix] = strdup(prefix))) {
    c->nomem = true;
    return;
  }
  cv->nprefix++;
}

/* The volume roots beside one with a letter (KAPE: parent/X; Velociraptor:
 * uploads/<any accessor>/X%3A): folders, listed or implied by a file's name
 * (archives need not list folders). */
static void add_siblings(struct rs_coll *c, const char *parent, bool velo)
{
  char up[NAME_MAX_LEN];
  if (velo) { /* parent is uploads/<accessor>: every accessor */
    const char *s = strrchr(parent, '/');
    snprintf(up, sizeof up, "%.*s", (int)(s ? s - parent : 0), parent);
    parent = up;
  }
  size_t pl = strlen(parent);
  char comp[64], root[NAME_MAX_LEN];
  for (size_t i = 0; i < c->n && !c->nomem; i++) {
    const struct rs_coll_entry *e = &c->e[i];
    if (pl && (strncmp(e->name, parent, pl) != 0 || e->name[pl] != '/'))
      continue;
    const char *p = e->name + pl + (pl ? 1 : 0);
    if (velo && (!(p = strchr(p, '/')) || !*++p))
      continue; /* past the accessor folder */
    const char *slash = strchr(p, '/');
    size_t cl = slash ? (size_t)(slash - p) : strlen(p);
    if ((!slash && !e->is_dir) || cl == 0 || cl >= sizeof comp)
      continue;
    memcpy(comp, p, cl);
    comp[cl] = '\0';
    bool v2;
    char l = letter_of(comp, &v2);
    if (!l || v2 != velo)
      continue;
    snprintf(root, sizeof root, "%.*s", (int)(p - e->name + cl), e->name);
    add_root(c, l, false, root, velo, velo ? "velociraptor" : "kape");
  }
}

/* Finds every name ending in <WIN>/system32/config/SYSTEM and the volume
 * root above it. */
static void find_trees(struct rs_coll *c)
{
  static const char tail[] = "/system32/config/system";
  const size_t tl = sizeof tail - 1;
  for (size_t i = 0; i < c->n; i++) {
    const struct rs_coll_entry *e = &c->e[i];
    size_t l = strlen(e->name);
    if (e->is_dir || l <= tl || strcasecmp(e->name + l - tl, tail) != 0)
      continue;
    /* name = [R/]WIN/system32/config/SYSTEM */
    size_t wend = l - tl;
    size_t wstart = wend;
    while (wstart > 0 && e->name[wstart - 1] != '/')
      wstart--;
    if (wend == wstart || wend - wstart >= 200)
      continue;
    char root[NAME_MAX_LEN], win[256];
    snprintf(root, sizeof root, "%.*s", (int)(wstart ? wstart - 1 : 0), e->name);
    snprintf(win, sizeof win, "%.*s", (int)(wend - wstart), e->name + wstart);
    const char *last = strrchr(root, '/');
    const char *comp = last ? last + 1 : root;
    bool velo = false;
    char letter = root[0] ? letter_of(comp, &velo) : 0;
    if (velo)
      rs_coll_pct_decode(win);
    if (letter) {
      char parent[NAME_MAX_LEN];
      snprintf(parent, sizeof parent, "%.*s", (int)(last ? last - root : 0), root);
      add_root(c, letter, false, root, velo, velo ? "velociraptor" : "kape");
      add_siblings(c, parent, velo);
    } else {
      if (find_vol(c, 'C') >= 0)
        continue; /* one tree without a letter: the first is C: */
      add_root(c, 'C', true, root, false, "plain");
      letter = 'C';
    }
    int v = find_vol(c, letter);
    if (v >= 0 && !c->vols[v].windows_root[0])
      snprintf(c->vols[v].windows_root, sizeof c->vols[v].windows_root, "/%s", win);
  }
}

/* Each entry's volume and path within it. */
static void assign(struct rs_coll *c)
{
  for (size_t i = 0; i < c->n && !c->nomem; i++) {
    struct rs_coll_entry *e = &c->e[i];
    for (int v = 0; v < c->nvol && e->vol < 0; v++) {
      const struct rs_coll_vol *cv = &c->vols[v];
      for (int k = 0; k < cv->nprefix; k++) {
        size_t pl = strlen(cv->prefix[k]);
        if (pl && (strncmp(e->name, cv->prefix[k], pl) != 0 || e->name[pl] != '/'))
          continue;
        const char *rest = e->name + pl + (pl ? 1 : 0);
        size_t rl = strlen(rest);
        char *p = malloc(rl + 2);
        if (!p) {
          c->nomem = true;
          return;
        }
        p[0] = '/';
        memcpy(p + 1, rest, rl + 1);
        if (cv->decode)
          rs_coll_pct_decode(p);
        e->path = p;
        e->vol = v;
        break;
      }
    }
  }
}

/* The walk order: by volume, then path; a second entry with the same path
 * (one file under two Velociraptor accessors) is left out of its volume. */
static int cmp_entry(const void *a, const void *b, void *arg)
{
  const struct rs_coll *c = arg;
  const struct rs_coll_entry *x = &c->e[*(const size_t *)a], *y = &c->e[*(const size_t *)b];
  if (x->vol != y->vol)
    return x->vol < y->vol ? -1 : 1;
  int r = strcasecmp(x->path ? x->path : "", y->path ? y->path : "");
  if (r)
    return r;
  return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static void order_entries(struct rs_coll *c)
{
  c->order = malloc((c->n ? c->n : 1) * sizeof *c->order);
  if (!c->order) {
    c->nomem = true;
    return;
  }
  for (size_t i = 0; i < c->n; i++)
    c->order[i] = i;
  qsort_r(c->order, c->n, sizeof *c->order, cmp_entry, c);
  for (size_t k = 1; k < c->n; k++) {
    struct rs_coll_entry *p = &c->e[c->order[k - 1]], *e = &c->e[c->order[k]];
    if (e->vol >= 0 && p->vol == e->vol && !strcasecmp(p->path, e->path) && !e->is_dir &&
        !p->is_dir) {
      rs_coll_add_problem(c, e->name, "the same file as %s: read once, from there", p->name);
      e->vol = -1;
    }
  }
}

static int vol_cmp(const void *a, const void *b)
{
  return strcmp(((const struct rs_coll_vol *)a)->letter, ((const struct rs_coll_vol *)b)->letter);
}

void rs_coll_free(struct rs_coll *c)
{
  if (!c)
    return;
  for (size_t i = 0; i < c->n; i++) {
    free(c->e[i].name);
    free(c->e[i].path);
  }
  free(c->e);
  for (size_t i = 0; i < c->npb; i++) {
    free(c->pb[i].name);
    free(c->pb[i].why);
  }
  free(c->pb);
  for (int v = 0; v < c->nvol; v++)
    for (int k = 0; k < c->vols[v].nprefix; k++)
      free(c->vols[v].prefix[k]);
  free(c->order);
  if (c->dirfd >= 0)
    close(c->dirfd);
  pthread_mutex_destroy(&c->mu);
  free(c->path);
  free(c);
}

enum rs_coll_kind rs_coll_kind_of(const struct rs_coll *c) { return c->kind; }
size_t rs_coll_nentries(const struct rs_coll *c) { return c->n; }
const struct rs_coll_entry *rs_coll_entry(const struct rs_coll *c, size_t i)
{
  return i < c->n ? &c->e[i] : NULL;
}
size_t rs_coll_nproblems(const struct rs_coll *c) { return c->npb; }
const struct rs_coll_problem *rs_coll_problem(const struct rs_coll *c, size_t i)
{
  return i < c->npb ? &c->pb[i] : NULL;
}
const struct rs_coll_vol *rs_coll_volume(const struct rs_coll *c, int vol)
{
  return vol >= 0 && vol < c->nvol ? &c->vols[vol] : NULL;
}

static enum rs_err build_image(struct rs_coll *c, struct rs_image **out, struct rs_diag *d)
{
  struct rs_image *img = calloc(1, sizeof *img);
  if (!img)
    return rs_diag_set(d, RS_E_NOMEM, c->path, "out of memory");
  img->coll = c;
  snprintf(img->format, sizeof img->format, "%s", rs_coll_kind_name(c->kind));
  snprintf(img->vs_type, sizeof img->vs_type, "none");
  img->segments = calloc(1, sizeof *img->segments);
  img->vols = calloc((size_t)c->nvol, sizeof *img->vols);
  if (!img->segments || !img->vols || !(img->segments[0] = strdup(c->path))) {
    rs_image_close(img);
    return rs_diag_set(d, RS_E_NOMEM, c->path, "out of memory");
  }
  img->nseg = 1;
  for (size_t i = 0; i < c->n; i++)
    img->media_size += c->e[i].size;
  img->nvol = c->nvol;
  img->capvol = (size_t)c->nvol;
  for (int v = 0; v < c->nvol; v++) {
    struct rs_volume *vol = &img->vols[v];
    const struct rs_coll_vol *cv = &c->vols[v];
    vol->index = v;
    vol->fs_kind = RS_FS_OTHER;
    snprintf(vol->fs_name, sizeof vol->fs_name, "%s", rs_coll_kind_name(c->kind));
    snprintf(vol->drive, sizeof vol->drive, "%s", cv->letter);
    vol->drive_assumed = cv->assumed;
    snprintf(vol->windows_root, sizeof vol->windows_root, "%s", cv->windows_root);
    snprintf(vol->note, sizeof vol->note,
             "collected files (%s layout, under \"%.100s\"%s): no file-system metadata", cv->layout,
             cv->prefix[0][0] ? cv->prefix[0] : ".", cv->nprefix > 1 ? " and more" : "");
    vol->coll = c;
  }
  *out = img;
  return RS_OK;
}

enum rs_err rs_coll_open_image(const char *path, struct rs_image **out, struct rs_diag *d)
{
  *out = NULL;
  enum rs_coll_kind k;
  if (!rs_coll_sniff(path, &k))
    return rs_diag_set(d, RS_E_OPEN, path ? path : "-", "not a folder, ZIP or TAR file");
  struct rs_coll *c = calloc(1, sizeof *c);
  if (!c)
    return rs_diag_set(d, RS_E_NOMEM, path, "out of memory");
  c->kind = k;
  c->dirfd = -1;
  pthread_mutex_init(&c->mu, NULL);
  if (!(c->path = strdup(path))) {
    rs_coll_free(c);
    return rs_diag_set(d, RS_E_NOMEM, path, "out of memory");
  }
  enum rs_err e = RS_OK;
  if (k == RS_COLL_FOLDER) {
    c->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c->dirfd < 0)
      e = rs_diag_set(d, RS_E_OPEN, path, "folder cannot be opened: %s", strerror(errno));
    else {
      char rel[NAME_MAX_LEN] = "";
      list_dir(c, c->dirfd, rel, 0, 0);
    }
  } else {
    e = rs_coll_archive_list(c, d);
  }
  if (e == RS_OK && !c->nomem) {
    find_trees(c);
    if (c->nvol == 0 && !c->nomem)
      e = rs_diag_set(d, RS_E_OPEN, path,
                      "no Windows tree found: no folder holds system32/config/SYSTEM (layouts "
                      "read: KAPE, Velociraptor, a plain tree; %zu files and folders listed)",
                      c->n);
  }
  if (e == RS_OK && !c->nomem) {
    qsort(c->vols, (size_t)c->nvol, sizeof c->vols[0], vol_cmp);
    assign(c);
    order_entries(c);
  }
  if (e == RS_OK && c->nomem)
    e = rs_diag_set(d, RS_E_NOMEM, path, "out of memory listing the collection");
  if (e == RS_OK)
    e = build_image(c, out, d); /* owns c from here, even on failure */
  else
    rs_coll_free(c);
  return e;
}

enum rs_err rs_coll_walk(const struct rs_coll *c, int vol, rs_fsentry_cb cb, void *arg)
{
  for (size_t k = 0; k < c->n; k++) {
    const struct rs_coll_entry *ce = &c->e[c->order[k]];
    if (ce->vol != vol || !ce->path || !strcmp(ce->path, "/"))
      continue;
    struct rs_fsentry e;
    memset(&e, 0, sizeof e);
    e.inum = c->order[k];
    e.path = ce->path;
    const char *slash = strrchr(ce->path, '/');
    e.name = slash ? slash + 1 : ce->path;
    e.allocated = true;
    e.is_dir = ce->is_dir;
    e.size = ce->size;
    if (cb(&e, arg))
      break;
  }
  return RS_OK;
}

/* Reading --------------------------------------------------------------- */

/* Every read is hashed on its way (MD5, SHA-1, SHA-256): a whole read gives
 * the manifest's SHA-256 and the digests of rs_coll_digest. */
struct hs {
  EVP_MD_CTX *m[3];
  uint64_t n;
  rs_data_cb cb;
  void *arg;
  bool stopped, bad;
};

static int hs_cb(const uint8_t *p, size_t n, void *arg)
{
  struct hs *h = arg;
  for (int i = 0; i < 3; i++)
    if (EVP_DigestUpdate(h->m[i], p, n) != 1)
      h->bad = true;
  h->n += n;
  if (h->bad || (h->cb && h->cb(p, n, h->arg))) {
    h->stopped = true;
    return 1;
  }
  return 0;
}

static void hex(const unsigned char *b, unsigned n, char *out)
{
  for (unsigned i = 0; i < n; i++)
    snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* Opens name below the root one component at a time, never following a
 * symbolic link; a regular file only. */
static int open_in_tree(const struct rs_coll *c, const char *name, struct rs_diag *d)
{
  char buf[NAME_MAX_LEN];
  if (snprintf(buf, sizeof buf, "%s", name) >= (int)sizeof buf)
    return rs_diag_set(d, RS_E_LIMIT, name, "name too long"), -1;
  int dfd = c->dirfd;
  char *p = buf, *slash;
  while ((slash = strchr(p, '/')) != NULL) {
    *slash = '\0';
    int nfd = openat(dfd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int err = errno;
    if (dfd != c->dirfd)
      close(dfd);
    if (nfd < 0)
      return rs_diag_set(d, RS_E_IO, name, "cannot be opened: %s", strerror(err)), -1;
    dfd = nfd;
    p = slash + 1;
  }
  int fd = openat(dfd, p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  int err = errno;
  if (dfd != c->dirfd)
    close(dfd);
  struct stat st;
  if (fd < 0)
    return rs_diag_set(d, RS_E_IO, name, "cannot be opened: %s", strerror(err)), -1;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return rs_diag_set(d, RS_E_IO, name, "no longer a regular file"), -1;
  }
  return fd;
}

static enum rs_err folder_stream(struct rs_coll *c, const struct rs_coll_entry *e, size_t chunk,
                                 rs_data_cb cb, void *arg, struct rs_diag *d)
{
  int fd = open_in_tree(c, e->name, d);
  if (fd < 0)
    return d ? d->err : RS_E_IO;
  size_t run = chunk < (64u << 10) ? (64u << 10) : chunk > READ_RUN ? READ_RUN : chunk;
  uint8_t *buf = malloc(run);
  if (!buf) {
    close(fd);
    return rs_diag_set(d, RS_E_NOMEM, e->name, "out of memory for %zu bytes", run);
  }
  enum rs_err r = RS_OK;
  uint64_t total = 0;
  for (;;) {
    ssize_t n = read(fd, buf, run);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      r = rs_diag_set(d, RS_E_IO, e->name, "read failed at byte %llu: %s",
                      (unsigned long long)total, strerror(errno));
      break;
    }
    if (n == 0)
      break;
    total += (uint64_t)n;
    if (total > RS_COLL_ENTRY_MAX) {
      r = rs_diag_set(d, RS_E_LIMIT, e->name, "grew past %llu bytes while read",
                      (unsigned long long)RS_COLL_ENTRY_MAX);
      break;
    }
    if (cb(buf, (size_t)n, arg))
      break;
  }
  free(buf);
  close(fd);
  return r;
}

static enum rs_err entry_stream(struct rs_coll *c, uint64_t i, size_t chunk, rs_data_cb cb,
                                void *arg, struct rs_file_digest *dg, struct rs_diag *d)
{
  if (!c || i >= c->n || c->e[i].is_dir)
    return rs_diag_set(d, RS_E_USAGE, c ? c->path : "-", "no file %llu in the collection",
                       (unsigned long long)i);
  struct rs_coll_entry *e = &c->e[i];
  if (e->size > RS_COLL_ENTRY_MAX)
    return rs_diag_set(d, RS_E_LIMIT, e->name,
                       "%llu bytes, more than the %llu a collected file may have: not read",
                       (unsigned long long)e->size, (unsigned long long)RS_COLL_ENTRY_MAX);
  struct hs h = {{EVP_MD_CTX_new(), EVP_MD_CTX_new(), EVP_MD_CTX_new()}, 0, cb, arg, false, false};
  enum rs_err r = RS_OK;
  if (!h.m[0] || !h.m[1] || !h.m[2] || EVP_DigestInit_ex(h.m[0], EVP_md5(), NULL) != 1 ||
      EVP_DigestInit_ex(h.m[1], EVP_sha1(), NULL) != 1 ||
      EVP_DigestInit_ex(h.m[2], EVP_sha256(), NULL) != 1)
    r = rs_diag_set(d, RS_E_NOMEM, e->name, "no digest context");
  if (r == RS_OK)
    r = c->kind == RS_COLL_FOLDER ? folder_stream(c, e, chunk, hs_cb, &h, d)
                                  : rs_coll_archive_stream(c, e, chunk, hs_cb, &h, d);
  if (r == RS_OK && h.bad)
    r = rs_diag_set(d, RS_E_INTERNAL, e->name, "digest failed");
  if (r == RS_OK && !h.stopped) {
    unsigned char md[3][EVP_MAX_MD_SIZE];
    unsigned len[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++)
      EVP_DigestFinal_ex(h.m[k], md[k], &len[k]);
    char sha256[65];
    hex(md[2], 32, sha256);
    pthread_mutex_lock(&c->mu);
    e->hashed = true;
    memcpy(e->sha256, sha256, sizeof sha256);
    pthread_mutex_unlock(&c->mu);
    if (dg) {
      dg->done = true;
      dg->bytes = h.n;
      hex(md[0], 16, dg->md5);
      hex(md[1], 20, dg->sha1);
      memcpy(dg->sha256, sha256, sizeof sha256);
    }
  }
  for (int k = 0; k < 3; k++)
    EVP_MD_CTX_free(h.m[k]);
  return r;
}

enum rs_err rs_coll_stream(struct rs_coll *c, uint64_t i, size_t chunk, rs_data_cb cb,
                           void *arg, struct rs_diag *d)
{
  return entry_stream(c, i, chunk, cb, arg, NULL, d);
}

enum rs_err rs_coll_digest(struct rs_coll *c, uint64_t i, struct rs_file_digest *out,
                           struct rs_diag *d)
{
  memset(out, 0, sizeof *out);
  return entry_stream(c, i, READ_RUN, NULL, NULL, out, d);
}

struct rd_ctx {
  uint8_t *p;
  size_t n, max;
  bool cut;             /* the file is larger than max: stop once full */
};

static int rd_cb(const uint8_t *p, size_t n, void *arg)
{
  struct rd_ctx *r = arg;
  size_t take = r->max - r->n < n ? r->max - r->n : n;
  memcpy(r->p + r->n, p, take);
  r->n += take;
  return take < n || (r->cut && r->n >= r->max); /* a file larger than max is cut */
}

enum rs_err rs_coll_read(struct rs_coll *c, uint64_t i, size_t max, bool truncate_ok,
                         uint8_t **data, size_t *len, struct rs_diag *d)
{
  *data = NULL;
  *len = 0;
  if (!c || i >= c->n || c->e[i].is_dir)
    return rs_diag_set(d, RS_E_USAGE, c ? c->path : "-", "no file %llu in the collection",
                       (unsigned long long)i);
  uint64_t size = c->e[i].size;
  if (size > max && !truncate_ok)
    return rs_diag_set(d, RS_E_LIMIT, c->e[i].name, "%llu bytes is more than the limit of %zu",
                       (unsigned long long)size, max);
  struct rd_ctx r = {NULL, 0, size < max ? (size_t)size : max, size > max};
  r.p = malloc(r.max ? r.max : 1);
  if (!r.p)
    return rs_diag_set(d, RS_E_NOMEM, c->e[i].name, "out of memory for %zu bytes", r.max);
  enum rs_err e = r.max ? entry_stream(c, i, READ_RUN, rd_cb, &r, NULL, d) : RS_OK;
  if (e == RS_OK && !r.max)
    e = entry_stream(c, i, READ_RUN, NULL, NULL, NULL, d); /* an empty file: the manifest */
  if (e != RS_OK) {
    free(r.p);
    return e;
  }
  *data = r.p;
  *len = r.n;
  return RS_OK;
}

enum rs_err rs_coll_read_path(struct rs_coll *c, int vol, const char *path, size_t max,
                              uint8_t **data, size_t *len, uint64_t *inum, struct rs_diag *d)
{
  *data = NULL;
  *len = 0;
  for (size_t i = 0; c && path && i < c->n; i++) {
    const struct rs_coll_entry *e = &c->e[i];
    if (e->vol != vol || e->is_dir || !e->path || strcasecmp(e->path, path) != 0)
      continue;
    if (inum)
      *inum = i;
    return rs_coll_read(c, i, max, false, data, len, d);
  }
  return RS_OK; /* absence is a result */
}

enum rs_err rs_vfile_read(const struct rs_volume *v, uint64_t inum, size_t max, bool truncate_ok,
                          uint8_t **data, size_t *len, struct rs_diag *d)
{
  if (v->coll)
    return rs_coll_read(v->coll, inum, max, truncate_ok, data, len, d);
  return rs_file_read(v->fs, inum, max, truncate_ok, data, len, d);
}

enum rs_err rs_vfile_stream(const struct rs_volume *v, uint64_t inum, size_t chunk,
                            rs_data_cb cb, void *arg, struct rs_diag *d)
{
  if (v->coll)
    return rs_coll_stream(v->coll, inum, chunk, cb, arg, d);
  return rs_file_stream(v->fs, inum, chunk, cb, arg, d);
}

enum rs_err rs_vfile_digest(const struct rs_volume *v, uint64_t inum, struct rs_file_digest *out,
                            struct rs_diag *d)
{
  if (v->coll)
    return rs_coll_digest(v->coll, inum, out, d);
  return rs_file_digest(v->fs, inum, out, d);
}
