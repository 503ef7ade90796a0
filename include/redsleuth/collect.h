/* Collections: a folder of collected files (a mounted image, an unpacked
 * KAPE or Velociraptor collection) or a ZIP/TAR of them, read in place,
 * never unpacked to disk. A collection is opened as an rs_image whose
 * volumes are the Windows drives found in it (fs NULL, coll set); a file's
 * address (the "inum" of the walk) is its index in the collection's entry
 * list. Nothing here writes anywhere. docs/containers.md has the layouts. */
#ifndef REDSLEUTH_COLLECT_H
#define REDSLEUTH_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "fswalk.h"
#include "image.h"

enum rs_coll_kind { RS_COLL_FOLDER, RS_COLL_ZIP, RS_COLL_TAR };

/* The largest entry a collection read will open (a candidate larger than
 * this is listed as unreadable, never read). */
#define RS_COLL_ENTRY_MAX (4ull << 30)
/* Entries listed at most (a folder or an archive); directories deeper than
 * RS_COLL_DEPTH are not entered. */
#define RS_COLL_ENTRIES_MAX 2000000u
#define RS_COLL_DEPTH 64

struct rs_coll_entry {
  char *name;           /* as stored, '/'-separated ("C/WINNT/system32/cmd.exe") */
  char *path;           /* TSK form within its volume ("/WINNT/system32/cmd.exe"), NULL when in none */
  int vol;              /* volume index, -1 */
  uint64_t size;
  uint64_t index;       /* archive: the entry's position in the archive */
  bool is_dir;
  /* the manifest: set once the whole entry was read */
  bool hashed;
  char sha256[65];
};

/* One thing in the collection that could not be listed or read: its name and
 * why (an archive name with "../" or an absolute name, a symbolic link, a
 * file the operating system would not open). */
struct rs_coll_problem {
  char *name, *why;
};

#define RS_COLL_PREFIXES 4
struct rs_coll_vol {
  char letter[4];       /* "C:" */
  bool assumed;         /* the layout recorded no letter */
  char *prefix[RS_COLL_PREFIXES]; /* the volume's roots in the collection ("C",
                           "uploads/auto/C%3A", "uploads/ntfs/%5C%5C.%5CC%3A", "") */
  int nprefix;
  bool decode;          /* Velociraptor: components are percent-encoded */
  char layout[16];      /* "kape", "velociraptor", "plain" */
  char windows_root[256]; /* "/WINNT" or "" */
};

struct rs_coll;

/* What a collection cannot tell (the report says it once: evidence.limitation
 * and a verdict note). */
#define RS_COLL_LIMITATION                                                                    \
  "collected files, not a volume: the checks that need file-system metadata could not run: "  \
  "deleted files (deleted root.exe, explorer.exe or idq.dll copies still in the MFT, so the "  \
  "'cleaned' status cannot rest on them), MFT entry numbers, $STANDARD_INFORMATION and "       \
  "$FILE_NAME times ($SI before $FN timestomping), DOS attributes; these are null"

/* Is path a collection (a directory, or a ZIP or TAR file by its first
 * bytes)? kind gets which. */
bool rs_coll_sniff(const char *path, enum rs_coll_kind *kind);

/* Opens the collection at path as an image: lists its entries (one pass),
 * finds its Windows tree(s) and their drive letters, and builds one volume
 * per drive. RS_E_OPEN (with d naming the reason) when it cannot be listed
 * or holds no Windows tree. */
enum rs_err rs_coll_open_image(const char *path, struct rs_image **out, struct rs_diag *d);
void rs_coll_free(struct rs_coll *c); /* accepts NULL */

const char *rs_coll_kind_name(enum rs_coll_kind k); /* "folder", "zip", "tar" */
enum rs_coll_kind rs_coll_kind_of(const struct rs_coll *c);
size_t rs_coll_nentries(const struct rs_coll *c);
const struct rs_coll_entry *rs_coll_entry(const struct rs_coll *c, size_t i);
size_t rs_coll_nproblems(const struct rs_coll *c);
const struct rs_coll_problem *rs_coll_problem(const struct rs_coll *c, size_t i);
const struct rs_coll_vol *rs_coll_volume(const struct rs_coll *c, int vol);

/* The walk of one volume: every entry of volume vol, in name order, as an
 * rs_fsentry (inum = entry index, allocated, no times, no MFT data). */
enum rs_err rs_coll_walk(const struct rs_coll *c, int vol, rs_fsentry_cb cb, void *arg);

/* Reading entry i (its index): the same contracts as rs_file_read,
 * rs_file_stream, rs_file_digest and rs_volume_read_path. A whole read
 * enters the entry in the manifest (thread-safe). */
enum rs_err rs_coll_read(struct rs_coll *c, uint64_t i, size_t max, bool truncate_ok,
                         uint8_t **data, size_t *len, struct rs_diag *d);
enum rs_err rs_coll_stream(struct rs_coll *c, uint64_t i, size_t chunk, rs_data_cb cb,
                           void *arg, struct rs_diag *d);
enum rs_err rs_coll_digest(struct rs_coll *c, uint64_t i, struct rs_file_digest *out,
                           struct rs_diag *d);
enum rs_err rs_coll_read_path(struct rs_coll *c, int vol, const char *path, size_t max,
                              uint8_t **data, size_t *len, uint64_t *inum, struct rs_diag *d);

/* A volume's file, read through libtsk or from the collection: what the
 * stages call. */
enum rs_err rs_vfile_read(const struct rs_volume *v, uint64_t inum, size_t max, bool truncate_ok,
                          uint8_t **data, size_t *len, struct rs_diag *d);
enum rs_err rs_vfile_stream(const struct rs_volume *v, uint64_t inum, size_t chunk,
                            rs_data_cb cb, void *arg, struct rs_diag *d);
enum rs_err rs_vfile_digest(const struct rs_volume *v, uint64_t inum, struct rs_file_digest *out,
                            struct rs_diag *d);

/* An archive entry's name made safe: '\' read as '/', "." and empty
 * components dropped. Refused (false, *why set) when absolute ("/x",
 * "C:x", "\\x"), when a component is "..", when it holds a NUL or control
 * byte, or when it does not fit outsz. The result never starts with '/'. */
bool rs_coll_name_clean(const char *name, size_t len, char *out, size_t outsz, const char **why);

/* Percent-decoding of one Velociraptor path component (in place). */
void rs_coll_pct_decode(char *s);

#endif
