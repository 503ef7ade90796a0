/* EWF stored metadata: the hashes the acquisition tool stored and the case
 * header values, read with libewf directly (TSK does not expose them). */
#include "redsleuth/evidence.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libewf.h>

static void ewf_err_text(libewf_error_t *e, char *out, size_t n)
{
  out[0] = '\0';
  if (e && libewf_error_sprint(e, out, n) < 0)
    out[0] = '\0';
  if (!out[0])
    snprintf(out, n, "no detail from libewf");
}

/* Header values are UTF-8 as stored; a value that does not fit is cut at a
 * character boundary rather than refused. false only when memory runs out. */
static bool get_header(libewf_handle_t *h, const char *id, char *out, size_t outsz)
{
  out[0] = '\0';
  size_t sz = 0;
  libewf_error_t *e = NULL;
  if (libewf_handle_get_utf8_header_value_size(h, (const uint8_t *)id, strlen(id), &sz, &e) != 1 ||
      sz == 0) {
    libewf_error_free(&e);
    return true;
  }
  uint8_t *tmp = malloc(sz + 1);
  if (!tmp)
    return false;
  if (libewf_handle_get_utf8_header_value(h, (const uint8_t *)id, strlen(id), tmp, sz, &e) == 1) {
    tmp[sz] = '\0';
    size_t l = strlen((char *)tmp);
    if (l >= outsz) {
      l = outsz - 1;
      while (l > 0 && (tmp[l] & 0xC0) == 0x80)
        l--;
    }
    memcpy(out, tmp, l);
    out[l] = '\0';
  }
  libewf_error_free(&e);
  free(tmp);
  return true;
}

static bool get_hash(libewf_handle_t *h, const char *id, char *out, size_t hexlen)
{
  uint8_t v[129] = {0};
  libewf_error_t *e = NULL;
  int r = libewf_handle_get_utf8_hash_value(h, (const uint8_t *)id, strlen(id), v, sizeof v - 1, &e);
  libewf_error_free(&e);
  if (r != 1 || strlen((char *)v) != hexlen)
    return false;
  for (size_t i = 0; i < hexlen; i++) {
    if (!isxdigit(v[i]))
      return false;
    out[i] = (char)tolower(v[i]);
  }
  out[hexlen] = '\0';
  /* FTK and others store zeros when they computed no hash. */
  return strspn(out, "0") != hexlen;
}

enum rs_err rs_ewf_read_meta(const struct rs_image *img, struct rs_ewf_meta *out,
                             struct rs_diag *d)
{
  memset(out, 0, sizeof *out);
  if (!img || img->nseg < 1)
    return rs_diag_set(d, RS_E_USAGE, "-", "no image");
  if (strcmp(img->format, "ewf") != 0)
    return RS_OK;
  out->is_ewf = true;
  const char *where = img->segments[0];
  libewf_error_t *e = NULL;
  libewf_handle_t *h = NULL;
  char **names = NULL;
  int nnames = 0;
  char msg[512];
  enum rs_err r = RS_OK;
  /* Glob from the first segment so the set is the one libewf itself would
   * use, whatever the caller passed. */
  if (libewf_glob(where, strlen(where), LIBEWF_FORMAT_UNKNOWN, &names, &nnames, &e) != 1) {
    ewf_err_text(e, msg, sizeof msg);
    libewf_error_free(&e);
    return rs_diag_set(d, RS_E_OPEN, where, "libewf cannot find the segments: %s", msg);
  }
  if (libewf_handle_initialize(&h, &e) != 1) {
    ewf_err_text(e, msg, sizeof msg);
    r = rs_diag_set(d, RS_E_NOMEM, where, "libewf: %s", msg);
    goto done;
  }
  if (libewf_handle_open(h, names, nnames, LIBEWF_OPEN_READ, &e) != 1) {
    ewf_err_text(e, msg, sizeof msg);
    r = rs_diag_set(d, RS_E_OPEN, where, "libewf cannot open it: %s", msg);
    goto done;
  }
  out->has_md5 = get_hash(h, "MD5", out->md5, 32);
  out->has_sha1 = get_hash(h, "SHA1", out->sha1, 40);
  static const struct {
    const char *id;
    size_t off, size;
  } hdr[] = {
#define H(id, f) {id, offsetof(struct rs_ewf_meta, f), sizeof ((struct rs_ewf_meta *)0)->f}
      H("case_number", case_number),       H("evidence_number", evidence_number),
      H("examiner_name", examiner),        H("description", description),
      H("notes", notes),                   H("acquiry_date", acquiry_date),
      H("system_date", system_date),       H("acquiry_operating_system", acquiry_os),
      H("acquiry_software", acquiry_software),
      H("acquiry_software_version", acquiry_software_version),
#undef H
  };
  for (size_t i = 0; i < sizeof hdr / sizeof hdr[0] && r == RS_OK; i++)
    if (!get_header(h, hdr[i].id, (char *)out + hdr[i].off, hdr[i].size))
      r = rs_diag_set(d, RS_E_NOMEM, where, "out of memory");
  libewf_handle_close(h, NULL);
done:
  libewf_error_free(&e);
  if (h)
    libewf_handle_free(&h, NULL);
  libewf_glob_free(names, nnames, NULL);
  return r;
}
