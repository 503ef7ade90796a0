/* Windows event logs in the EVT format (NT 4.0, Windows 2000, XP):
 * SysEvent.Evt, AppEvent.Evt, SecEvent.Evt, read from memory with libevt,
 * including the records libevt recovers from the unused part of the file.
 *
 * Format facts (libyal "Windows Event Log (EVT) format", codered-artifacts.md
 * section 11): a 48-byte header, then records with the signature "LfLe" at
 * offset 4, an end-of-file record, and unused space; times are POSIX seconds
 * in UTC; the event identifier's upper 16 bits hold severity, customer flag
 * and facility; message texts are not in the file (only the source, the
 * event identifier and the insertion strings are). docs/evtlogs.md says what
 * is read and what is not. */
#ifndef REDSLEUTH_EVT_H
#define REDSLEUTH_EVT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "rtime.h"

/* Bounds on what is copied out of hostile files. */
#define RS_EVT_MAX_STRINGS 32       /* insertion strings kept per record */
#define RS_EVT_MAX_STRING 2048      /* bytes of one string kept (UTF-8, cut on a character) */
#define RS_EVT_MAX_NAME 512         /* bytes of a source/computer name or SID kept */
#define RS_EVT_MAX_RECORDS 500000   /* records kept per file (live + recovered) */

/* The file as a whole. One value for the report, in this order of
 * precedence: unreadable (the record chain cannot be followed from the
 * header to the end-of-file record, or libevt refused the file), dirty (the
 * header's dirty flag: the log was open, e.g. the machine was not shut down
 * cleanly or was imaged live), wrapped (the header's wrap flag: the oldest
 * records were overwritten), ok. The flags themselves are kept too. */
enum rs_evt_state { RS_EVT_OK = 0, RS_EVT_DIRTY, RS_EVT_WRAPPED, RS_EVT_UNREADABLE };
const char *rs_evt_state_name(enum rs_evt_state s); /* "ok","dirty","wrapped","unreadable" */

/* Which log, from the file name (SysEvent.Evt, AppEvent.Evt, SecEvent.Evt,
 * any case, any folder); the file itself does not say. */
enum rs_evt_logkind {
  RS_EVT_LOG_UNKNOWN = 0,
  RS_EVT_LOG_SYSTEM,
  RS_EVT_LOG_APPLICATION,
  RS_EVT_LOG_SECURITY
};
const char *rs_evt_logkind_name(enum rs_evt_logkind k); /* "system","application","security","unknown" */
enum rs_evt_logkind rs_evt_logkind_from_name(const char *path);

/* "error","warning","information","audit_success","audit_failure", "success" (0),
 * "unknown" for other values. */
const char *rs_evt_type_name(uint16_t type);

/* Header flags (ELF_LOGFILE_HEADER_*). */
#define RS_EVT_FLAG_DIRTY 0x1u
#define RS_EVT_FLAG_WRAP 0x2u
#define RS_EVT_FLAG_LOGFULL 0x4u
#define RS_EVT_FLAG_ARCHIVE 0x8u

struct rs_evt_header {
  uint32_t size, copy_of_size;      /* 48 both */
  uint32_t major, minor;            /* 1.1 */
  uint32_t first_offset;            /* oldest record */
  uint32_t eof_offset;              /* end-of-file record */
  uint32_t next_number;             /* number the next record gets (libyal: "last record number") */
  uint32_t first_number;            /* oldest record's number */
  uint32_t max_size;
  uint32_t flags;                   /* RS_EVT_FLAG_* */
  uint32_t retention;
};

struct rs_evt_record {
  uint32_t number;            /* record number */
  uint64_t offset;            /* byte offset of the record in the file */
  struct rs_time generated;   /* "creation time", UTC */
  struct rs_time written;     /* UTC */
  uint32_t event_id_raw;      /* as stored */
  uint16_t event_id;          /* the code (low 16 bits): what Event Viewer shows */
  uint8_t severity;           /* top two bits: 0 success, 1 informational, 2 warning, 3 error */
  uint16_t type;              /* rs_evt_type_name() */
  uint16_t category;
  const char *source;         /* UTF-8, "" when absent (never NULL) */
  const char *computer;       /* UTF-8, "" when absent */
  const char *sid;            /* "S-1-5-18", "" when the record carries none */
  const char *const *str;     /* nstr insertion strings, UTF-8 */
  uint16_t nstr;              /* strings kept (at most RS_EVT_MAX_STRINGS) */
  uint16_t nstr_file;         /* the record's own string count */
  bool cut;                   /* a name or string was shortened, or strings were dropped */
  uint32_t data_size;         /* bytes of binary event data (not kept) */
  bool recovered;             /* found by libevt in the unused part of the file */
  void *mem_;                 /* private: owns the strings */
};

struct rs_evt_log {
  enum rs_evt_state state;
  bool header_ok;             /* the 48-byte header was read (header is valid) */
  struct rs_evt_header header;
  bool dirty, wrapped, full, archive; /* header flags */
  bool lib_corrupted;         /* libevt found the header inconsistent (stale offsets, ...) */
  bool relocated;             /* header offsets were stale: records found from the end-of-file record */
  size_t nrecords;            /* live records (the record chain) */
  size_t nrecovered;          /* records recovered from the unused part of the file */
  size_t nbad;                /* records libevt listed but could not return */
  size_t ndropped;            /* records beyond RS_EVT_MAX_RECORDS (not kept) */
  struct rs_time first, last; /* oldest and newest generated time of the live records */
  struct rs_time rec_first, rec_last; /* the same over the recovered records */
  struct rs_evt_record *rec;  /* nrecords live (file order), then nrecovered recovered */
  size_t nrec;                /* nrecords + nrecovered */
  char note[512];             /* why unreadable, or what was odd; "" otherwise */
};

/* Reads an EVT file held in buf[0..len) (borrowed; only read during the
 * call). out is always initialised (free it with rs_evt_log_free, also after
 * a failure). Returns:
 *  RS_OK            the file was read; out->state is ok, dirty or wrapped;
 *  RS_E_FORMAT      not an EVT file (no "LfLe" header signature);
 *  RS_E_TRUNCATED   shorter than its header, or the record chain runs off
 *                   the end of a file that has not wrapped (a cut file);
 *  RS_E_CORRUPT     header or record chain damaged, or libevt refused it;
 *  RS_E_UNSUPPORTED a format version other than 1.1;
 *  RS_E_NOMEM, RS_E_USAGE (buf or out NULL).
 * For every error out->state is RS_EVT_UNREADABLE; except after RS_E_NOMEM
 * and RS_E_USAGE (out then holds nothing more), out->note and d say why and
 * out still holds what could be read (header facts, any records libevt
 * returned). d's where is "EVT file" (the caller knows the path). Never reads
 * outside buf. */
enum rs_err rs_evt_read(const uint8_t *buf, size_t len, struct rs_evt_log *out,
                        struct rs_diag *d);
void rs_evt_log_free(struct rs_evt_log *log); /* accepts NULL; leaves log zeroed */

#endif
