/* Nimda's footprint on a server (codered-artifacts 2.4, 12, 13): byte
 * classifiers over bounded reads (pages, .eml/.nws, PE copies, system.ini),
 * the SAM's Guest and Administrators values, and Security log records.
 * Pure functions: no image, no scan context. */
#ifndef RS_ANALYSIS_NIMDA_H
#define RS_ANALYSIS_NIMDA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "redsleuth/evt.h"

/* Bytes read from the end of a page, from the start of an .eml/.nws. */
#define RS_NIMDA_PAGE_TAIL 4096u
#define RS_NIMDA_EML_MAX (1u << 20)

/* Is name a page Nimda appends to: .htm/.html/.asp whose name holds
 * default, index, main or readme (case-insensitive)? */
bool rs_nimda_page_name(const char *name);
/* *.eml or *.nws */
bool rs_nimda_eml_name(const char *name);
/* A PE name Nimda or Nimda.E uses for its copies (any folder). */
bool rs_nimda_pe_name(const char *name);

/* The page's last bytes (trailing white space and NULs ignored) are the
 * appended `window.open("readme.eml", ...)` script. */
bool rs_nimda_page_script(const uint8_t *p, size_t n);
/* The base64 marker of Nimda's .eml/.nws files. */
bool rs_nimda_eml_marker(const uint8_t *p, size_t n);
/* A PE ("MZ") holding a Nimda string: fsdhqherwqi2001, efqpm2300dfhroop or
 * "Concept Virus(CV) V.n" (white space between the words may vary). what gets
 * the string found ("Concept Virus(CV) V.6" for Nimda.E). */
bool rs_nimda_pe_marker(const uint8_t *p, size_t n, char *what, size_t whatsz);
/* A system.ini `shell=` line naming load.exe; line gets it (trimmed). */
bool rs_nimda_ini_shell(const uint8_t *p, size_t n, char *line, size_t linesz);

/* SAM user F value: the account-control flags (offset 56). false when the
 * value is too short. */
bool rs_sam_f_acb(const uint8_t *f, size_t n, uint16_t *acb);
#define RS_SAM_ACB_DISABLED 0x0001u
/* SAM alias C value: does a member SID end in rid? 1 yes, 0 no, -1 the value
 * is malformed. members gets the member SIDs as text, comma separated. */
int rs_sam_alias_has_rid(const uint8_t *c, size_t n, uint32_t rid, char *members,
                         size_t membersz);
/* Hex text (as rs_regval.data holds binary data) to bytes; the count, or 0. */
size_t rs_hex_bytes(const char *hex, uint8_t *out, size_t outsz);

/* Security log: a W2K record of the Guest account being created (624),
 * enabled (626) or added to a local group (636, 632). what gets a short
 * description. */
bool rs_nimda_secevent(const struct rs_evt_record *r, char *what, size_t whatsz);

#endif
