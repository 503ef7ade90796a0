/* Evidence layer: opens an image read-only through libtsk and lists its
 * volumes. Nothing here ever writes to the evidence. */
#ifndef REDSLEUTH_IMAGE_H
#define REDSLEUTH_IMAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <tsk/libtsk.h>
#include "buf.h"
#include "diag.h"

struct rs_image_opts {
  const char *img_type;   /* -i: NULL = pick from magic bytes; TSK names ("raw", "ewf", ...) */
  const char *fs_type;    /* -f: NULL = detect */
  int64_t fs_offset;      /* -o in sectors; -1 = detect partitions */
  unsigned sector_size;   /* -b; 0 = 512 / image's own */
  bool verbose;           /* -v: libtsk's verbose messages on stderr (libtsk's own
                             switch, process-wide: set by rs_image_open) */
};
void rs_image_opts_init(struct rs_image_opts *o);

enum rs_fs_kind {
  RS_FS_NONE = 0, RS_FS_NTFS, RS_FS_FAT12, RS_FS_FAT16, RS_FS_FAT32,
  RS_FS_OTHER
};
const char *rs_fs_kind_name(enum rs_fs_kind k); /* "ntfs","fat16","other","none" */

struct rs_volume {
  int index;                /* 0.. in partition order */
  uint64_t start_sector;
  uint64_t sectors;
  char part_desc[128];      /* TSK partition description ("NTFS / exFAT (0x07)") */
  enum rs_fs_kind fs_kind;
  char fs_name[32];         /* tsk_fs_type_toname(), "" if none */
  char label[64];           /* volume label, UTF-8, "" if none */
  uint64_t serial;          /* volume serial number, 0 if unknown */
  char drive[4];            /* "C:", "" if unknown */
  bool drive_assumed;       /* letter from partition order, not MountedDevices */
  char windows_root[256];   /* "/WINNT" (TSK path form) if it holds system32/config/SYSTEM, "" otherwise */
  bool ambiguous;           /* more than one file system matched: not opened */
  char note[256];           /* why fs is none/ambiguous/unreadable, "" if fine */
  TSK_FS_INFO *fs;          /* open file system or NULL; owned by the image */
  struct rs_coll *coll;     /* a collection's drive (fs NULL): its files are read
                               from there (collect.h); owned by the image */
};

struct rs_coll;
struct rs_image {
  TSK_IMG_INFO *img;        /* NULL for a collection (coll) */
  struct rs_coll *coll;     /* a folder or archive of collected files, or NULL */
  char format[16];          /* "raw", "split-raw", "ewf", "vmdk", "vhd", "aff", ... */
  char **segments;          /* as TSK resolved them; nseg entries */
  int nseg;
  uint64_t media_size;
  unsigned sector_size;
  char vs_type[32];         /* "dos", "gpt", "none" */
  struct rs_volume *vols;
  int nvol;
  /* problems met while listing volumes, each a one-line sentence */
  char **problems;
  int nproblems;
  /* what the examiner must see before anything else (report.warnings), each
   * a one-line sentence: a split set whose segment sizes do not fit */
  char **warnings;
  int nwarnings;
  /* the media itself is damaged (EWF set corrupted or cut, end unreadable,
   * split segment missing): libewf returns zeros for what it cannot read */
  bool media_damaged;
  /* allocated slots of vols, problems, warnings */
  size_t capvol, capproblems, capwarnings;
  /* an allocation failed while opening or listing: rs_image_open and
   * rs_image_volumes return RS_E_NOMEM, never a shorter list */
  bool nomem;
};

/* Opens evidence read-only. segs[0..nseg-1] are the segments in order (the
 * first segment of an E01 or split raw set is enough: later ones are found).
 * On RS_OK *out owns the image: release it with rs_image_close(). On failure
 * *out is NULL and d says why (RS_E_OPEN for "cannot be opened at all"). */
enum rs_err rs_image_open(const char *const *segs, int nseg,
                          const struct rs_image_opts *opts,
                          struct rs_image **out, struct rs_diag *d);

/* Detects the volume system and file systems, opens each file system, and
 * finds Windows roots. Problems with single volumes are recorded in
 * img->problems and the volume's note; the call fails only when nothing at
 * all could be examined. */
enum rs_err rs_image_volumes(struct rs_image *img, const struct rs_image_opts *opts,
                             struct rs_diag *d);

void rs_image_close(struct rs_image *img); /* accepts NULL */

/* Reads a whole file by TSK path ("/WINNT/system32/config/SYSTEM", case
 * insensitive on NTFS/FAT) into a malloc'd buffer of at most max bytes.
 * Returns RS_OK with *data set; RS_E_LIMIT if larger than max (nothing
 * read); a missing file gives RS_OK with *data == NULL and *len == 0.
 * *inum gets the metadata address when not NULL. */
enum rs_err rs_volume_read_path(const struct rs_volume *v, const char *path,
                                size_t max, uint8_t **data, size_t *len,
                                uint64_t *inum, struct rs_diag *d);

/* Names of image types this libtsk build supports, comma separated. */
const char *rs_image_supported_types(void);
/* Is name a file system type libtsk knows (-f)? */
bool rs_fs_type_known(const char *name);
/* Appends libtsk's table of file system types (-f list) to out. */
enum rs_err rs_fs_types_list(struct rs_buf *out);

#endif
