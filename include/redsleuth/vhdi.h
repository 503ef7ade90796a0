/* VHD and VHDX containers, read through a private copy of libvhdi and handed
 * to libtsk as an external image: everything above the image layer (volumes,
 * file systems, the media hash) is the same as for a raw image. libvhdi
 * opens and checks every disk and reads the base; the blocks of differencing
 * VHDX disks are resolved by vhdi.c itself ([MS-VHDX] 2.5.1), which libvhdi
 * 20210425 gets wrong.
 *
 * A differencing disk names its parent; the parent is looked for beside it
 * (its file name, as Windows stored it, in the child's folder) and must be
 * the disk the child was made from (libvhdi compares the child's parent
 * identifier with the parent's own). Nothing is ever written: every file is
 * opened read-only. */
#ifndef REDSLEUTH_VHDI_H
#define REDSLEUTH_VHDI_H

#include <stdbool.h>
#include <tsk/libtsk.h>
#include "diag.h"

/* Longest parent chain followed (child, parent, grandparent, ...). */
#define RS_VHDI_MAX_CHAIN 16

struct rs_vhdi_disk {
  char path[4096];        /* as opened: the child as given, each parent as found */
  char named_as[1024];    /* parents: the name the child below stores (UTF-8), "" for the child */
  char format[8];         /* "vhd", "vhdx" */
  char type[16];          /* "fixed", "dynamic", "differencing" */
  char identifier[40];    /* the disk's own GUID, lower-case, "" if libvhdi gives none */
};

struct rs_vhdi_chain {
  int n;                  /* disk[0] is the file opened, disk[1] its parent, ... */
  struct rs_vhdi_disk disk[RS_VHDI_MAX_CHAIN];
  char reader[32];        /* "libvhdi 20210425" */
};

/* True when the file at path starts with the VHDX signature "vhdxfile"
 * (a VHD is recognised by its "conectix" footer in image.c's sniffing). */
bool rs_vhdi_is_vhdx(const char *path);

/* Opens a VHD or VHDX (segs[0]; a container is one file, so nseg must be 1)
 * and, for a differencing disk, its parents. sector_size 0 takes the disk's
 * own logical sector size. On RS_OK *out is a TSK_IMG_INFO of type
 * TSK_IMG_TYPE_EXTERNAL: read it with tsk_img_read(), release it (with every
 * libvhdi handle of the chain) with tsk_img_close(). On failure *out is NULL
 * and d says why: RS_E_OPEN for a missing or wrong parent, as for any
 * evidence that cannot be opened. */
enum rs_err rs_vhdi_open(const char *const *segs, int nseg, unsigned sector_size,
                         TSK_IMG_INFO **out, struct rs_diag *d);

/* The chain behind an image opened by rs_vhdi_open(); NULL for any other
 * TSK_IMG_INFO (raw, EWF, ...). Owned by ti. */
const struct rs_vhdi_chain *rs_vhdi_chain(const TSK_IMG_INFO *ti);

/* "vhd" or "vhdx" for an image opened by rs_vhdi_open(), NULL otherwise. */
const char *rs_vhdi_format(const TSK_IMG_INFO *ti);

#endif
