/* Registry facts from SYSTEM and SOFTWARE hives, read with libregf from
 * memory (never via temporary files). Absence is a result: every value
 * carries `present`. */
#ifndef REDSLEUTH_REGISTRY_H
#define REDSLEUTH_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "rtime.h"
#include "tz.h"

struct rs_hive;

enum rs_hive_kind { RS_HIVE_OTHER = 0, RS_HIVE_SYSTEM, RS_HIVE_SOFTWARE };
const char *rs_hive_kind_name(enum rs_hive_kind k); /* "system","software","other" */

/* Opens a hive held in memory. buf is borrowed and must outlive the hive.
 * name is used in messages (e.g. "C:\\WINNT\\system32\\config\\SYSTEM").
 * codepage: Windows code page for ASCII-flagged names (0 = 1252).
 * RS_E_FORMAT: not a regf file; RS_E_CORRUPT: libregf refused it (the libregf
 * message is in d). */
enum rs_err rs_hive_open_mem(const uint8_t *buf, size_t len, const char *name,
                             int codepage, struct rs_hive **out, struct rs_diag *d);
void rs_hive_close(struct rs_hive *h); /* accepts NULL */
enum rs_hive_kind rs_hive_kind(const struct rs_hive *h);
bool rs_hive_dirty(const struct rs_hive *h);  /* base block sequence numbers differ */
const char *rs_hive_name(const struct rs_hive *h);
/* N of a "ControlSet00N" key name (exactly three digits, any case); -1 otherwise. */
int rs_controlset_number(const char *name);

/* One registry value as found, with where it came from. */
struct rs_regval {
  bool present;              /* false: key or value absent (rest is empty) */
  bool key_present;          /* the key exists even if the value does not */
  char hive[256];            /* hive name as given to rs_hive_open_mem */
  char key[512];             /* key path, "\\"-separated, relative to the hive root */
  char name[128];            /* value name as stored ("" = default) */
  uint32_t type;             /* REG_* type */
  char data[1024];           /* REG_SZ/EXPAND_SZ text; MULTI_SZ joined with '\n';
                                DWORD as "0x%x"; binary as hex (truncated) */
  uint32_t dword;            /* REG_DWORD value when type is 4 */
  struct rs_time key_written;  /* last-written time of the key */
  /* Bounded by design (STYLE: bounded buffers for what evidence holds): the
   * fields above keep at most their size; what did not fit is never silent. */
  size_t data_size;          /* bytes of value data as stored in the hive */
  bool truncated;            /* key, name or data was cut to fit (the report says so) */
};

/* "REG_SZ", "REG_DWORD", ... for the standard types 0..11; "0x%x" of the
 * number otherwise (buf, at least 16 bytes, holds it; the return value is
 * buf or a static string). */
const char *rs_regtype_name(uint32_t type, char *buf, size_t bufsz);

/* Generic lookups. Return RS_OK whether or not found (see v->present). */
enum rs_err rs_hive_get_value(struct rs_hive *h, const char *key, const char *value,
                              struct rs_regval *v, struct rs_diag *d);
/* Names of the sub keys of key (malloc'd array of malloc'd strings; free with
 * rs_strv_free). 0 sub keys or absent key: *n = 0. */
enum rs_err rs_hive_subkeys(struct rs_hive *h, const char *key, char ***names, size_t *n,
                            struct rs_diag *d);
/* All values of key (malloc'd array; free()). */
enum rs_err rs_hive_values(struct rs_hive *h, const char *key, struct rs_regval **vals,
                           size_t *n, struct rs_diag *d);
void rs_strv_free(char **v, size_t n);

#define RS_MAX_CONTROLSETS 8
#define RS_MAX_HOTFIXES 32
#define RS_MAX_MOUNTS 32

/* What one ControlSet00N says about IIS and Code Red II. */
struct rs_controlset {
  int number;                /* N of ControlSet00N */
  bool is_current, is_default, is_lkg, is_failed;
  struct rs_regval vroot_c, vroot_d, vroot_scripts, vroot_msadc; /* W3SVC\Parameters\Virtual Roots */
  struct rs_regval scriptmap_ida, scriptmap_idq;                  /* W3SVC\Parameters\Script Map */
  struct rs_regval w3svc_start, msftpsvc_start, cisvc_start;      /* Services\X\Start */
  bool w3svc_present;
};

struct rs_mount {
  char name[64];             /* "\\DosDevices\\C:" */
  char letter[4];            /* "C:" or "" */
  bool mbr;                  /* 12-byte MBR form: disk signature + offset */
  uint32_t disk_signature;
  uint64_t offset_bytes;
};

struct rs_hotfix {
  char id[16];               /* "Q300972" */
  bool present;
  char key[512];             /* where it was found */
  struct rs_time last_written;
  char installed[64];        /* Installed value, "" if absent */
  char comments[256];
  /* Added by the registry module (backward compatible, appended): */
  bool filelist;             /* W2K Updates\...\Qnnnnnn\Filelist sub key exists */
  const char *why;           /* static text from the hotfix table; NULL for keys
                                found beyond the table */
  const char *ref;           /* artifact reference row ("codered-artifacts 3.3") */
  char hive[256];            /* hive name the key was found in ("" if absent) */
};

/* Called once for every value found (present) while rs_registry_read_system
 * or rs_registry_read_software read it: the values behind every fact of
 * rs_sysinfo, with hive, key, name, type, data and the key's last-written
 * time. A value may be reported twice when it is looked up twice. */
typedef void (*rs_regval_fn)(void *arg, const struct rs_regval *v);

struct rs_sysinfo {
  bool have_system, have_software;
  /* SYSTEM */
  int select_current, select_default, select_lkg, select_failed; /* -1 absent */
  char current_control_set[32];  /* "ControlSet002", "" if unknown */
  struct rs_controlset sets[RS_MAX_CONTROLSETS];
  int nsets;
  struct rs_regval computer_name;
  struct rs_regval product_type;     /* Control\ProductOptions\ProductType */
  struct rs_tz tz;
  struct rs_mount mounts[RS_MAX_MOUNTS];
  int nmounts;
  /* SOFTWARE */
  struct rs_regval product_name, current_version, build, csd_version, install_date,
      registered_owner, system_root;
  bool sp6a;                          /* Hotfix\Q246009 Installed = 1 */
  int os_major, os_minor;             /* from CurrentVersion, 0 unknown */
  int service_pack;                   /* from CSDVersion, -1 unknown, 0 none */
  struct rs_regval sfcdisable;        /* Winlogon\SFCDisable */
  struct rs_regval iis_major;         /* InetStp\MajorVersion */
  struct rs_hotfix hotfixes[RS_MAX_HOTFIXES];
  int nhotfixes;
  /* Optional observer of the values read (NULL after rs_sysinfo_init). */
  rs_regval_fn on_value;
  void *on_value_arg;
};

void rs_sysinfo_init(struct rs_sysinfo *si);
/* Fill si from a SYSTEM hive (every ControlSet00N, Select, ComputerName,
 * TimeZoneInformation, MountedDevices, ProductOptions). */
enum rs_err rs_registry_read_system(struct rs_hive *h, struct rs_sysinfo *si,
                                    struct rs_diag *d);
/* The system's ANSI code page: SYSTEM\ControlSet00N\Control\Nls\CodePage\ACP
 * of the current control set (Select\Current). Key and value names flagged
 * ASCII in NT4/2000 hives are in this code page. 0 when it cannot be told,
 * -1 when memory ran out. acp (may be NULL) gets the ACP value as read, with where it was found
 * (present false when there is none). */
int rs_registry_codepage(struct rs_hive *system, struct rs_regval *acp);

/* Fill si from a SOFTWARE hive (CurrentVersion, hotfixes, Updates, Winlogon,
 * InetStp). The hotfix ids looked for come from a table (Q300972, Q299444,
 * Q301625, Q269049, Q246009, Q317636, ...). */
enum rs_err rs_registry_read_software(struct rs_hive *h, struct rs_sysinfo *si,
                                      struct rs_diag *d);

/* IIS 4/5 metabase heuristic (format UNCONFIRMED, codered-artifacts 4):
 * scans MetaBase.bin for ".ida,"/".idq,"/"idq.dll" in UTF-16LE and ANSI,
 * and for virtual directory names "/C" and "/D" under ROOT. */
struct rs_metabase_scan {
  bool ida, idq;             /* a ScriptMaps-like entry for the extension was seen */
  bool idq_dll;              /* "idq.dll" appears at all */
  char ida_encoding[16];     /* "utf-16le", "ansi" or "" */
  uint64_t ida_offset, idq_offset;
  char ida_entry[256], idq_entry[256];   /* the entry text around the hit, escaped */
  bool vdir_c, vdir_d;       /* "/LM/W3SVC/n/ROOT/C"-like names seen (heuristic) */
  uint64_t strings;          /* readable strings (4+ printable ASCII units, ANSI or
                                UTF-16LE); 0: the file is opaque to the heuristic */
};
void rs_metabase_scan(const uint8_t *buf, size_t len, struct rs_metabase_scan *out);

#endif
