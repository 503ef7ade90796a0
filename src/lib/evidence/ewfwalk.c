/* Why an E01 that libewf refuses (or opens as empty) cannot be read: the
 * segment file's own section chain, walked from its file header. A file cut
 * short (`head -c 1000 disk.E01`) ends inside a section; saying so, with the
 * byte and the section, beats libewf's chain of "unable to read volume". */
#include "evidence/segments.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { EWF_FILE_HEADER = 13, EWF_DESCRIPTOR = 76, EWF_MAX_SECTIONS = 100000 };

static uint64_t le64(const unsigned char *p)
{
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

bool rs_ewf_truncated(const char *path, struct rs_diag *d)
{
  static const unsigned char evf[8] = {'E', 'V', 'F', 0x09, 0x0d, 0x0a, 0xff, 0x00};
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat st;
  unsigned char hdr[EWF_DESCRIPTOR];
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      pread(fd, hdr, 8, 0) != 8 || memcmp(hdr, evf, 8) != 0) {
    if (fd >= 0)
      close(fd);
    return false; /* not an EWF (version 1) segment file: nothing to say */
  }
  uint64_t fsize = (uint64_t)st.st_size, pos = EWF_FILE_HEADER;
  char seen[200] = "";
  bool data = false, cut = false;
  char what[300] = "";
  if (fsize < EWF_FILE_HEADER) {
    snprintf(what, sizeof what, "inside its %d-byte file header", EWF_FILE_HEADER);
    cut = true;
  }
  for (int k = 0; !cut && k < EWF_MAX_SECTIONS; k++) {
    if (pos + EWF_DESCRIPTOR > fsize) {
      snprintf(what, sizeof what, "%s section descriptor (at byte %llu)",
               k ? "inside a" : "before its first", (unsigned long long)pos);
      cut = true;
      break;
    }
    if (pread(fd, hdr, EWF_DESCRIPTOR, (off_t)pos) != EWF_DESCRIPTOR)
      break;
    char type[17];
    memcpy(type, hdr, 16);
    type[16] = '\0';
    for (char *p = type; *p; p++)
      if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
        *p = '?';
    uint64_t next = le64(hdr + 16), size = le64(hdr + 24);
    uint64_t end = size > EWF_DESCRIPTOR ? pos + size : next;
    if (strcmp(type, "done") == 0 || strcmp(type, "next") == 0)
      break; /* the chain is whole: libewf's reason stands */
    if (end > fsize || next > fsize) {
      snprintf(what, sizeof what, "inside its '%s' section (bytes %llu-%llu)", type,
               (unsigned long long)pos, (unsigned long long)(end > next ? end : next) - 1);
      cut = true;
      break;
    }
    if (!strcmp(type, "sectors") || !strcmp(type, "table") || !strcmp(type, "table2"))
      data = true;
    size_t l = strlen(seen);
    if (l + strlen(type) + 3 < sizeof seen)
      snprintf(seen + l, sizeof seen - l, "%s%s", l ? ", " : "", type);
    if (next <= pos)
      break; /* a broken chain, not a short file */
    pos = next;
  }
  close(fd);
  if (!cut)
    return false;
  rs_diag_set(d, RS_E_TRUNCATED, path,
              "truncated EWF segment: the file ends at byte %llu, %s; sections before the cut: "
              "%s; %s",
              (unsigned long long)fsize, what, seen[0] ? seen : "none",
              data ? "the media data past the cut is lost"
                   : "no chunk data or chunk table was reached, so none of the media can be "
                     "located (was the copy or download cut short?)");
  return true;
}
