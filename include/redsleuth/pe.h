/* Minimal, hostile-input-safe PE reader: header facts and the version
 * resource (VS_FIXEDFILEINFO + StringFileInfo). Every offset is
 * bounds-checked; resource-directory loops are detected. */
#ifndef REDSLEUTH_PE_H
#define REDSLEUTH_PE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "diag.h"

struct rs_pe_info {
  uint16_t machine;          /* COFF Machine */
  bool pe32plus;
  uint32_t timestamp;        /* COFF TimeDateStamp (seconds since 1970) */
  uint16_t characteristics;
  bool is_dll;
  bool has_version;          /* a VS_VERSIONINFO with a valid fixed part */
  uint16_t file_version[4];  /* from VS_FIXEDFILEINFO */
  uint16_t product_version[4];
  char file_version_str[64];       /* "5.0.2195.1" from the fixed part */
  /* StringFileInfo values (first string table), UTF-8, "" when absent */
  char sfi_file_version[128];
  char original_filename[128];
  char internal_name[128];
  char product_name[128];
  char company_name[128];
  char note[128];            /* e.g. "no version resource", "" otherwise */
  /* The first StringTable's key, "040904B0": its LANGID (0x0409, US English)
   * and code page; has_sfi_lang false when the key is not 8 hex digits. */
  bool has_sfi_lang;
  uint16_t sfi_langid, sfi_codepage;
};

/* Parses buf[0..len). Returns RS_OK for any PE (has_version says whether a
 * version resource was found; note says why not), RS_E_FORMAT when buf is not
 * a PE image, RS_E_CORRUPT/RS_E_TRUNCATED for a PE whose headers are damaged.
 * A PE whose headers are sound but whose resource tree or VS_VERSIONINFO is
 * damaged (loop, overrun, bad signature) also returns RS_E_CORRUPT or
 * RS_E_TRUNCATED; out then still holds what was read before the damage
 * (header facts, and the fixed version when has_version is true) and note
 * says "version resource unreadable" or "StringFileInfo unreadable".
 * out is always zeroed first; d's where is "PE image" (the caller knows the
 * file name and may replace it). Never reads outside buf. */
enum rs_err rs_pe_read(const uint8_t *buf, size_t len, struct rs_pe_info *out,
                       struct rs_diag *d);

#endif
