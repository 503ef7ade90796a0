/* What this libtsk build opens: image types and file system types, for the
 * CLI's -i list, -f list and -V (the CLI calls no libtsk function itself). */
#include "redsleuth/image.h"

#include <stdio.h>
#include <stdlib.h>

const char *rs_image_supported_types(void)
{
  static char buf[128];
  if (buf[0])
    return buf;
  TSK_IMG_TYPE_ENUM sup = tsk_img_type_supported();
  static const struct { TSK_IMG_TYPE_ENUM t; const char *name; } types[] = {
      {TSK_IMG_TYPE_RAW, "raw"},       {TSK_IMG_TYPE_RAW, "split-raw"},
      {TSK_IMG_TYPE_EWF_EWF, "ewf"},   {TSK_IMG_TYPE_AFF_AFF, "aff"},
      {TSK_IMG_TYPE_VMDK_VMDK, "vmdk"}, {TSK_IMG_TYPE_VHD_VHD, "vhd"},
  };
  size_t len = 0;
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    if (!(sup & types[i].t))
      continue;
    len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? "," : "", types[i].name);
  }
  return buf;
}

bool rs_fs_type_known(const char *name)
{
  return name && tsk_fs_type_toid_utf8(name) != TSK_FS_TYPE_UNSUPP;
}

enum rs_err rs_fs_types_list(struct rs_buf *out)
{
  /* libtsk only prints its table: print it into memory */
  char *text = NULL;
  size_t n = 0;
  FILE *fp = open_memstream(&text, &n);
  if (!fp)
    return RS_E_NOMEM;
  tsk_fs_type_print(fp);
  enum rs_err e = fclose(fp) == 0 && text ? rs_buf_add(out, text, n) : RS_E_NOMEM;
  free(text);
  return e;
}

const char *rs_fs_kind_name(enum rs_fs_kind k)
{
  switch (k) {
  case RS_FS_NTFS: return "ntfs";
  case RS_FS_FAT12: return "fat12";
  case RS_FS_FAT16: return "fat16";
  case RS_FS_FAT32: return "fat32";
  case RS_FS_OTHER: return "other";
  case RS_FS_NONE: break;
  }
  return "none";
}
