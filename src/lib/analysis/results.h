/* The results model: what a scan found, as plain structs. The stages add to
 * it, the checks and the verdict read facts and write it, and only the report
 * layer (src/lib/report) turns it into "redsleuth-report/1" JSON. Nothing
 * here knows the scan driver.
 *
 * One sticky error per scan, as curl's dynbuf keeps its first failure: once
 * an allocation fails, every later add is a no-op and the scan ends with
 * RS_E_NOMEM (exit 4). A report is complete or absent, never silently
 * shorter. */
#ifndef RS_ANALYSIS_RESULTS_H
#define RS_ANALYSIS_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/checks.h"
#include "analysis/tlspill.h"
#include "redsleuth/diag.h"
#include "redsleuth/fswalk.h"
#include "redsleuth/idq.h"
#include "redsleuth/image.h"
#include "redsleuth/iislog.h"
#include "redsleuth/registry.h"
#include "redsleuth/rtime.h"

/* What a finding carries besides the row's fields; one block per kind. */
enum rs_fdetail {
  RS_FD_FILE,       /* a file candidate (file rows, idq.dll copies) */
  RS_FD_REGISTRY,   /* a registry value */
  RS_FD_METABASE,   /* MetaBase.bin virtual directories (heuristic) */
  RS_FD_PATCH,      /* hotfix keys against an unpatched idq.dll */
  RS_FD_LOG_FAMILY, /* log hits of one request family */
  RS_FD_BACKDOOR,   /* backdoor uses in the logs */
  RS_FD_EVENT,      /* a record of the host's own account (scan/evt.c) */
  RS_FD_RESIDUE,    /* a rule that fired in a region of memory residue (scan/residue.c) */
  RS_FD_CARVED,     /* a log line carved from a residue region (scan/carved.c) */
};

/* One string match of a residue finding: where it is in its region (byte
 * offset in the file, or in the volume for unallocated space) and the bytes
 * around it, escaped (printable ASCII kept, '\\' doubled, others \xNN). */
struct rs_residue_hit {
  char *id;                   /* owned: "$host" */
  uint64_t offset;
  uint32_t length;
  bool wide;                  /* UTF-16LE */
  uint64_t ctx_offset;
  char *ctx;                  /* owned, escaped */
};

struct rs_residue_detail {
  size_t region;              /* residue.regions[] index */
  const char *region_kind;    /* static: "pagefile", "hiberfil", "crashdump", "unallocated" */
  char *rule, *ns;            /* owned: rule identifier, namespace (rule file) */
  size_t nstrings;            /* distinct strings that matched */
  struct rs_residue_hit *hits; /* owned, by offset */
  size_t nhits;
  bool supports_memory;       /* vulnerable idq.dll and Code Red requests answered 2xx */
};

/* A log line carved from a residue region (RESIDUE-LOG-LINE): where it is
 * (byte offset in the file, or in the volume for unallocated space), its
 * text, and the request the IIS log parser read from it. */
struct rs_carved_detail {
  size_t region;              /* residue.regions[] index */
  const char *region_kind;    /* static */
  uint64_t offset, hit;       /* the line's first byte; the keyword that found it */
  uint32_t raw_len;           /* bytes in the region */
  bool wide, whole, parsed;
  const char *format;         /* static: rs_logfmt_name */
  const char *date_from;      /* static: rs_carve_date_name */
  char *text;                 /* owned: the line as ASCII */
  char *fields, *date_hdr;    /* owned: the #Fields: / #Date: lines used; NULL */
  /* parsed */
  struct rs_time when;        /* UTC when utc */
  bool utc, has_date;
  char *ip, *method, *stem, *query; /* owned; NULL when not parsed */
  int status;
  enum rs_family family;
  bool backdoor_use;          /* the contract's backdoor use (2xx or 502) */
  bool backdoor_2xx;          /* ... answered 2xx: weighed by the verdict */
};

/* What a user rule (--yara) or hash set (--hashset) matched: the extra
 * block of a YARA-MATCH or HASHSET-MATCH finding (scan/content.c). A
 * YARA-MATCH on a file is an RS_FD_FILE finding with this block and the
 * string matches in hits; one in memory residue is an RS_FD_RESIDUE finding
 * (its hits there) with this block for tags and meta. */
struct rs_meta_kv {
  char *key;                  /* owned */
  char *str;                  /* owned: a string value; NULL for a number or boolean */
  int64_t num;
  bool is_bool;
};
struct rs_match_detail {
  bool hashset;               /* HASHSET-MATCH; else YARA-MATCH */
  /* YARA-MATCH */
  char *rule, *ns, *rule_file; /* owned */
  char **tags;                /* owned */
  size_t ntags;
  struct rs_meta_kv *meta;    /* owned */
  size_t nmeta;
  size_t nstrings;            /* distinct strings that matched */
  struct rs_residue_hit *hits; /* owned, by offset (file matches only) */
  size_t nhits;
  /* HASHSET-MATCH */
  char *set, *entry;          /* owned: the set file as given, the entry's name ("" none) */
  const char *digest_kind;    /* static: "md5", "sha1", "sha256" */
  char digest[65];
};

/* An event-log record, a Dr. Watson report, a UrlScan summary, a W3svc.dll
 * version or a crash paired with the Code Red request before it. f->path is
 * the file it came from. */
struct rs_event_detail {
  const char *source_kind;    /* "evt", "drwatson", "urlscan", "pe" (static) */
  uint64_t record;            /* EVT record number; Dr. Watson / UrlScan line; 0 none */
  bool recovered;             /* EVT: found in the unused part of the file */
  const char *log;            /* EVT: "system", "application", ... (static); NULL */
  int event_id;               /* EVT code (low 16 bits); -1 none */
  char source[128];           /* EVT source; Dr. Watson: the program */
  char **strs;                /* owned: insertion strings */
  size_t nstr;
  struct rs_time when;        /* UTC when when_utc, else the local clock */
  bool when_utc;
  char when_raw[64];          /* as written (Dr. Watson, UrlScan), "" */
  char code[16];              /* Dr. Watson exception code "0xc0000005", "" */
  char fault[24];             /* Dr. Watson faulting address, "" */
  uint64_t count;             /* UrlScan: .ida/.idq rejections */
  struct rs_time last;        /* UrlScan: last rejection (same clock as when) */
  char version[32];           /* W3svc.dll file version, "" */
  /* CRASH-AFTER-WORM-REQUEST: the request before the crash */
  const char *crash_check;    /* check id of the crash (static), NULL */
  struct rs_time req_time;    /* UTC */
  char *req_file;             /* owned: the IIS log */
  uint64_t req_line;
  char req_ip[48];
};

struct rs_file_detail {
  char drive[8];              /* "" when the volume has none */
  bool drive_assumed;         /* the letter is from partition order, not MountedDevices */
  bool allocated, ntfs;
  bool collected;             /* from a collection: no file-system entry (mft_entry null) */
  uint64_t inum, size;
  bool stream;                /* an NTFS named stream (path "file:stream"), size its own */
  uint16_t attr_id;           /* ... its $DATA attribute id */
  size_t stream_name_len;     /* ... and its name's length: the path's last bytes */
  bool digest;                /* md5/sha1/sha256 hold the content's digests */
  char md5[33], sha1[41], sha256[65];
  struct rs_time si[4], fn[4]; /* created, modified, accessed, changed; si converted */
  bool fat_local;             /* FAT local clock times */
  bool local_only;            /* ... whose zone is unknown (si[] not UTC) */
  char *times_note;           /* owned; NULL unless fat_local */
  /* a deleted NTFS file: its parent folder's $SI modified time, the last
   * change of the folder's index (a deletion changes it): when the file was
   * deleted at the latest, if nothing changed the folder since (story) */
  struct rs_time parent_mod;
  char *parent_path;          /* owned, Windows path; NULL = not read */
  bool attrs_known;
  uint32_t attrs;
  bool si_before_fn;
  bool on_system_volume;
  /* idq.dll copies */
  bool idq;
  char *file_version;         /* owned; NULL when none */
  char role[16];
  enum rs_patch_state state;
  const char *rule;           /* static */
  /* both */
  char *decided_by;           /* owned; NULL when not said */
  int can_run_at_logon;       /* -1 not said */
};

struct rs_reg_detail {
  struct rs_regval v;
  const char *hive_role;      /* static */
  char control_set[32];       /* "" = none */
  bool current;
  /* SCRIPTMAP rows: what decided, the metabase's state and entry */
  bool scriptmap;
  const char *sm_source, *sm_metabase; /* static */
  char *sm_entry;             /* owned; NULL when the metabase did not name it */
};

struct rs_finding {
  const struct rs_check *check;
  enum rs_fdetail what;
  bool live;            /* present now: allocated file, current control set of a live hive */
  bool current_source;  /* read from the current state (the cleanup checklist fails on it) */
  size_t seq;           /* creation order (timeline references use it) */
  int volume;           /* -1 when not on a volume (registry, logs) */
  char *sort_key;       /* owned; check order is first, then this */
  char id[64];          /* assigned by rs_results_finish: "<CHECK-ID>-<n>" */
  char *title, *why;    /* owned overrides of the row's; NULL = the row's */
  const char *severity; /* static override; NULL = the row's */
  char *path;           /* owned; Windows path or hive file; NULL = none */
  bool damaged;         /* content lies in EWF chunks failing their checksum */
  struct rs_match_detail *match; /* owned: YARA-MATCH / HASHSET-MATCH block, NULL */
  bool infected;        /* a user rule's meta redsleuth_role = "infected": the finding
                           counts for the infected verdict (verdict.c), whatever its row */
  uint64_t damaged_bytes, damaged_first;
  union {
    struct rs_file_detail file;
    struct rs_reg_detail reg;
    struct { bool vdir_c, vdir_d; } mb;
    struct { char **keys; size_t nkeys; } patch;
    struct rs_family_stats fam;
    struct { size_t uses, nlocal; struct rs_time first, last; } bd;
    struct rs_event_detail ev;
    struct rs_residue_detail res;
    struct rs_carved_detail cv;
  } u;
};

struct rs_tl_entry {
  struct rs_time t;
  char *desc;           /* timestamp_desc */
  char *source;
  char *message;
  int find_index;       /* findings[] index (seq until rs_results_finish), -1 */
  char *path;           /* optional */
  char *ip;             /* optional */
};

/* Timeline order: time, then source, message, desc, path, ip (NULL as ""). */
int rs_tl_cmp(const struct rs_tl_entry *a, const struct rs_tl_entry *b);

/* A hostile image could hold millions of dated facts; the report keeps a
 * bounded number and says so (tl_overflow). */
#define RS_TL_MAX 2000000

struct rs_unreadable {
  char *what, *where, *reason;
};

/* Verdict statuses, in the report contract's order. */
enum rs_status {
  RS_ST_BACKDOOR_USED,
  RS_ST_INFECTED,
  RS_ST_CLEANED,
  RS_ST_VULNERABLE,
  RS_ST_MITIGATED,
  RS_ST_PATCHED,
  RS_ST_CLEAN,
  RS_ST_UNDETERMINED,
};
const char *rs_status_name(enum rs_status s);
/* -1 when s names no status */
int rs_status_parse(const char *s);

enum rs_item_state { RS_ITEM_PASS, RS_ITEM_FAIL, RS_ITEM_UNKNOWN };
const char *rs_item_state_name(enum rs_item_state s);

struct rs_idx {         /* a list of findings[] indices */
  size_t *v;
  size_t n, cap;
};

struct rs_cleanup {
  const struct rs_cleanup_item *item;
  enum rs_item_state state;
  struct rs_idx finds;
  const char *note;     /* static or note_buf, NULL */
  char note_buf[400];   /* a note built from facts (memory-state cites its record) */
};

#define RS_VERDICT_NOTES 8
struct rs_verdict {
  enum rs_status status;
  char summary[1024];
  struct rs_idx reasons;
  const char *notes[RS_VERDICT_NOTES]; /* static */
  size_t nnotes;
  struct rs_cleanup *cleanup;          /* rs_ncleanup entries */
};

/* One key event of the host's story (issue 13): what happened, when, and
 * the evidence the time comes from. Never invented: an estimate says so and
 * what it is estimated from. */
struct rs_story_ev {
  struct rs_time t;
  char event[256];
  char source[768];     /* where the time was read */
  int find;             /* findings[] index, -1 */
  const char *kind;     /* static: "worm", "infection", "use", "hotfix", "idq", "registry" */
  bool estimate;
  char estimated_from[256]; /* "" unless estimate */
};

struct rs_results {
  enum rs_err err;      /* sticky: the first failure; RS_OK while all is well */
  struct rs_finding *finds;
  size_t nfind, capfind;
  struct rs_tl_entry *tl;
  size_t ntl, captl;
  bool tl_overflow;     /* the timeline reached its bound */
  struct rs_tl_spill *spill; /* --timeline-hits: the entries kept out of memory, NULL */
  bool spill_shared;    /* spill belongs to other results (a log worker's partial) */
  struct rs_unreadable *unr;
  size_t nunr, capunr;
  struct rs_verdict verdict;
  struct rs_story_ev *story;  /* by time (rs_story_build) */
  size_t nstory, capstory;
  bool finished;        /* rs_results_finish ran: ids set, sorted */
};

void rs_results_init(struct rs_results *r);
void rs_results_free(struct rs_results *r); /* accepts NULL */
void rs_match_detail_free(struct rs_match_detail *m); /* accepts NULL */
/* Records an allocation failure (or another fatal error) once; returns it. */
enum rs_err rs_results_fail(struct rs_results *r, enum rs_err e);
/* Grows *p (of *cap elements of size elem) to hold n + 1; false (and the
 * sticky RS_E_NOMEM) when memory runs out. */
bool rs_results_grow(struct rs_results *r, void **p, size_t *cap, size_t n, size_t elem,
                     size_t first);
/* A copy of s owned by the results (NULL stays NULL); NULL + sticky on failure. */
char *rs_results_strdup(struct rs_results *r, const char *s);

/* A new finding of row c (the row's fields are filled in by the report);
 * NULL after a failure. sort_key orders findings of one row. */
struct rs_finding *rs_results_add_finding(struct rs_results *r, const struct rs_check *c,
                                          enum rs_fdetail what, bool live, int volume,
                                          const char *sort_key);
void rs_results_unreadable(struct rs_results *r, const char *what, const char *where,
                           const char *reason);
/* A dated fact (unset times are ignored). find_index: a finding's seq or -1. */
void rs_tl_add(struct rs_results *r, const struct rs_time *t, const char *desc,
               const char *source, const char *message, int find_index, const char *path,
               const char *ip);
/* The same for an entry that may be one of millions (a worm request, with
 * --timeline-hits): into r->spill when there is one, else as rs_tl_add.
 * Spilled entries name no finding. rs_results_finish orders them and keeps
 * the first RS_TL_MAX - ntl (tl_overflow when that drops some). */
void rs_tl_add_spilled(struct rs_results *r, const struct rs_time *t, const char *desc,
                       const char *source, const char *message, const char *path,
                       const char *ip);
/* Appends every entry of src (a worker's partial results) to dst; a spill
 * is shared, not copied: src->spill is dst->spill. */
void rs_results_merge(struct rs_results *dst, const struct rs_results *src);
/* Sorts the findings (table order, then sort key), gives them their ids,
 * points the timeline at the new positions and sorts it, and finishes the
 * spill (rs_tl_spill_finish: its entries read back in order, each with its
 * place among r->tl). */
void rs_results_finish(struct rs_results *r);

void rs_idx_add(struct rs_results *r, struct rs_idx *x, size_t i);

/* ---- the engine (checks.c) and the verdict (verdict.c) over facts ---- */

/* Does walk entry e on volume v match file row c? (si: the live hives' facts) */
bool rs_checks_file_row_matches(const struct rs_check *c, const struct rs_volume *v,
                                const struct rs_sysinfo *si, const struct rs_fsentry *e);
/* Registry rows over one hive pair's facts (live: the live hives). */
void rs_checks_eval_registry(struct rs_results *r, int sys_volume, const struct rs_sysinfo *si,
                             struct rs_hive *software, const char *hive_role, bool live);
/* Patch rows: hotfix keys that claim the fix while the live idq.dll is unpatched. */
void rs_checks_eval_patch(struct rs_results *r, int sys_volume, const struct rs_sysinfo *si,
                          bool idq_active_found, enum rs_patch_state idq_active_state);

/* What the sources established that the verdict weighs. */
struct rs_verdict_facts {
  const struct rs_sysinfo *si;
  bool have_system, have_software;
  int map_ida, map_idq;         /* 1 mapped, 0 not, -1 unknown */
  bool idq_active_found;
  enum rs_patch_state idq_active_state;
  bool idq_any;
  int nwalked, nlogs;
  uint64_t cr_2xx;              /* Code Red requests answered 2xx */
  bool have_sam;                /* the live SAM hive was read */
  /* event logs (scan/evt.c): the memory-state item */
  bool evt_system_read;         /* a System event log was read */
  struct rs_time evt_system_last;   /* its newest record */
  struct rs_time last_boot;     /* newest boot record (6005/6009), unset = none */
  char last_boot_what[256];     /* "C:\...\SysEvent.Evt record 42 (EventLog 6005)" */
  /* the last Code Red request answered 2xx and the first answered 4xx after
   * it, over every log (story); "" where = none */
  struct rs_time last_2xx, first_4xx_after;
  char last_2xx_where[700], first_4xx_where[700];
  /* the live current control set's W3SVC Virtual Roots key (story) */
  struct rs_time vroots_written;
  char vroots_key[600];         /* "" = not read */
};
/* Fills r->verdict from the facts and the (finished) findings. */
void rs_verdict_decide(const struct rs_verdict_facts *x, struct rs_results *r);
/* Builds r->story from the facts and the (finished) findings, and adds what
 * happened on this host to the verdict summary (story.c). */
void rs_story_build(const struct rs_verdict_facts *x, struct rs_results *r);

#endif
