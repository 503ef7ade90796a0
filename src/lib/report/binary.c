/* tool.binary: which redsleuth wrote the report. The path and SHA-256 of
 * the running executable (/proc/self/exe, read as it is on disk now) and
 * its GNU build-id note (the linker's hash of the build, found in the
 * loaded program's PT_NOTE segments). An examiner can match both against
 * `sha256sum $(which redsleuth)` and `readelf -n`. */
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "redsleuth/scan.h"
#include "report/report.h"

struct build_id {
  char hex[2 * 64 + 1];
  bool found;
};

/* The first object dl_iterate_phdr reports is the main program. */
static int note_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
  (void)size;
  struct build_id *b = arg;
  for (int i = 0; i < info->dlpi_phnum && !b->found; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_NOTE)
      continue;
    const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
    size_t left = ph->p_memsz;
    while (left >= sizeof(ElfW(Nhdr))) {
      const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
      size_t nsz = (n->n_namesz + 3u) & ~3u, dsz = (n->n_descsz + 3u) & ~3u;
      size_t all = sizeof *n + nsz + dsz;
      if (all > left)
        break;
      const char *name = (const char *)(p + sizeof *n);
      if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
          n->n_descsz > 0 && n->n_descsz <= 64) {
        const unsigned char *d = p + sizeof *n + nsz;
        for (unsigned k = 0; k < n->n_descsz; k++)
          snprintf(b->hex + 2 * k, 3, "%02x", d[k]);
        b->found = true;
        break;
      }
      p += all;
      left -= all;
    }
  }
  return 1; /* the main program only */
}

bool rs_sha256_fd(int fd, char out[65])
{
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  bool ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1;
  unsigned char buf[1 << 16];
  ssize_t n;
  while (ok && (n = read(fd, buf, sizeof buf)) != 0) {
    if (n < 0 || EVP_DigestUpdate(c, buf, (size_t)n) != 1)
      ok = false;
  }
  unsigned char md[32];
  unsigned len = 0;
  if (ok && EVP_DigestFinal_ex(c, md, &len) == 1 && len == 32)
    for (unsigned k = 0; k < 32; k++)
      snprintf(out + 2 * k, 3, "%02x", md[k]);
  else
    ok = false;
  EVP_MD_CTX_free(c);
  return ok;
}

json_t *rs_report_binary(void)
{
  char path[4096];
  ssize_t l = readlink("/proc/self/exe", path, sizeof path - 1);
  path[l > 0 ? l : 0] = '\0';
  char sha[65] = "";
  int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  bool have = fd >= 0 && rs_sha256_fd(fd, sha);
  if (fd >= 0)
    close(fd);
  struct build_id b = {.found = false};
  dl_iterate_phdr(note_cb, &b);
  /* NULL when memory ran out (never an object missing a field): the caller's
   * json_pack fails on it and the scan ends with RS_E_NOMEM */
  json_t *o = json_object();
  if (!o || json_object_set_new(o, "path", path[0] ? rs_json_str(path) : json_null()) != 0 ||
      json_object_set_new(o, "sha256", have ? json_string(sha) : json_null()) != 0 ||
      json_object_set_new(o, "build_id", b.found ? json_string(b.hex) : json_null()) != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}
