/* The state of one scan: the facts the stages establish and the results
 * (analysis/results.h) they add. Shared by the driver, the stages and the
 * report layer; never by analysis/ or sources/. Not a public interface. */
#ifndef RS_SCAN_CTX_H
#define RS_SCAN_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/results.h"
#include "analysis/scriptmap.h"
#include "redsleuth/buf.h"
#include "redsleuth/evidence.h"
#include "redsleuth/fswalk.h"
#include "redsleuth/idq.h"
#include "redsleuth/iislog.h"
#include "redsleuth/image.h"
#include "redsleuth/pe.h"
#include "redsleuth/registry.h"
#include "redsleuth/scan.h"

/* A file the walk noticed for later work (candidates, references, logs). */
enum rs_cand_kind { RS_C_ROW, RS_C_CMD_REF, RS_C_IDQ, RS_C_LOG, RS_C_HIVE_COPY,
                    RS_C_CONTENT, /* a content row's candidate (scan/nimda.c) */
                    RS_C_EVT, /* scan/evt.c: role says which file */
                    RS_C_RESIDUE, /* scan/residue.c: role "pagefile", "hiberfil", "crashdump" */
                    RS_C_SCAN /* scan/content.c: every file, with --yara or --hashset */ };
struct rs_cand {
  enum rs_cand_kind kind;
  const struct rs_check *check;  /* RS_C_ROW */
  int volume;
  uint64_t inum;
  char *path;           /* TSK form, malloc'd */
  bool allocated;
  uint64_t size;
  struct rs_time si[4], fn[4]; /* cr, m, a, c */
  bool fat_local;
  uint32_t attrs;       /* DOS attributes from the walk */
  bool attrs_known;
  char role[16];        /* RS_C_IDQ: "active", "dllcache", "backup", "inetsrv", "other" */
  bool stream;          /* RS_C_SCAN: an NTFS named stream, path "file:stream", size its own */
  uint16_t attr_id;     /* its $DATA attribute id */
  size_t stream_name_len; /* bytes of the path's ":stream" part after the ':' */
};

/* One registry value a source read (system.values[]). */
struct rs_regval_read {
  struct rs_regval v;
  const char *role;     /* hive role: "live", "sav", "alt", "repair" (static) */
  int rank;             /* order of the role in the hive list (live first) */
};

/* A hive file read (system.hives[]). */
struct rs_hive_read {
  char *path;           /* Windows path, owned */
  const char *role;     /* static */
  uint64_t size, inum;
  int volume, codepage;
  bool opened;          /* false: error holds why */
  enum rs_hive_kind kind;
  bool dirty;
  char *error;          /* owned, NULL */
  char sha256[65];      /* of the hive file as read; "" when not read */
};

/* An idq.dll copy (system.idq_dll[]). */
struct rs_idq_copy {
  int volume;
  char *path;           /* owned */
  char *file_version;   /* owned, NULL = none */
  uint64_t size;
  bool digest;
  char sha256[65];
  struct rs_time pe_time; /* unset = none */
  char role[16];
  bool allocated;
  enum rs_patch_state state;
  const char *rule;     /* static */
  char *why;            /* owned */
  char *language;       /* owned, NULL */
};

/* A log file read (logs.files[]). */
struct rs_log_file {
  size_t order;         /* candidate index: walk order */
  char *path;           /* owned */
  int volume;
  bool allocated;
  struct rs_logfile_stats st;
  uint64_t inum;        /* TSK address (MFT entry on NTFS) */
  bool ntfs;
  char sha256[65];      /* of the bytes read; "" when the read failed */
  struct rs_time first[RS_FAM__COUNT], last[RS_FAM__COUNT]; /* UTC requests per family */
  /* Code Red requests (UTC): the last answered 2xx, the first answered 4xx
   * after it in this log, and the first answered 4xx at all; lines, statuses */
  struct rs_time last2xx, after4xx, first4xx;
  uint64_t last2xx_line, after4xx_line, first4xx_line;
  int last2xx_status, after4xx_status, first4xx_status;
};

/* A Code Red request in the IIS logs (UTC times only), for the crash
 * correlation of scan/evt.c. */
#define RS_CRREQ_MAX 100000
struct rs_cr_request {
  struct rs_time t;
  char *file;           /* owned: the log's Windows path */
  uint64_t line;
  char ip[48];
};

struct rs_evt_scan;     /* scan/evt.c */
struct rs_logq;         /* scan/logs.c: the logs found by the walk, read beside it */

/* A region of memory residue or unallocated space searched (residue.regions[]). */
struct rs_residue_region {
  const char *kind;     /* static: "pagefile", "hiberfil", "crashdump", "unallocated" */
  int volume;
  char *path;           /* owned: Windows path; NULL for unallocated space */
  uint64_t bytes, searched, skipped;
  uint64_t rules;       /* rules that fired */
  char *note;           /* owned: what was skipped and why, or why it was not read; NULL */
};

/* Log lines carved from the residue regions (logs.carved; scan/carved.c). */
#define RS_CARVED_LISTED_MAX 1000 /* RESIDUE-LOG-LINE findings; the rest are counted */
struct rs_carved_counts {
  uint64_t lines, parsed, wide, partial;
  uint64_t hits[RS_FAM__COUNT];   /* parsed lines per request family */
  uint64_t backdoor_uses, backdoor_2xx;
  uint64_t listed, unlisted;      /* findings made; lines beyond RS_CARVED_LISTED_MAX */
};

/* Content scanning (--yara, --hashset; scan/content.c): the user's rules and
 * sets, loaded before the evidence is opened, and what was scanned. */
struct rs_content {
  struct rs_rules *rules;        /* the user's rules only; NULL without --yara */
  struct rs_hashset *hs;         /* NULL without --hashset */
  size_t nrules;
  uint64_t hash_entries;         /* digests in the sets, repeats removed */
  uint64_t files_scanned, bytes_scanned, skipped_too_large, unreadable;
  uint64_t streams_scanned;      /* NTFS named streams read (not in files_scanned) */
  uint64_t max_file_size;
};

/* HTTP status classes of the per-day counts (logs.per_day[].status) */
enum rs_status_class { RS_SC_2XX, RS_SC_3XX, RS_SC_4XX, RS_SC_5XX, RS_SC_OTHER, RS_SC__COUNT };

struct rs_day_count {
  int64_t day;          /* days since epoch (UTC) */
  uint64_t hits[RS_FAM__COUNT];
  uint64_t status[RS_SC__COUNT]; /* the same lines by status class (other: 1xx, unlogged) */
};

struct rs_scan_ctx {
  const struct rs_run_opts *opts;
  struct rs_image *img;
  struct rs_results res;         /* findings, timeline, unreadable, sticky error */
  /* facts */
  struct rs_sysinfo si;          /* live hives of the system volume */
  bool have_system, have_software;
  int sys_volume;                /* volume index holding the live hives, -1 */
  int codepage;                  /* ANSI code page for hive names (0 = not yet known) */
  struct rs_regval acp;          /* the ACP value it came from (system.values) */
  struct rs_metabase_scan mb;
  bool have_metabase;
  struct rs_hive_read *hives;    /* hives read, in order */
  size_t nhives, caphives;
  struct rs_regval_read *regvals; /* every value the registry sources read, each once */
  size_t nregvals, capregvals;
  /* walk */
  struct rs_cand *cands;
  size_t ncand, capcand;
  /* idq copies */
  struct rs_idq_copy *idqs;
  size_t nidq, capidq;
  enum rs_patch_state idq_active_state;  /* of the active copy; UNKNOWN if none */
  bool idq_active_found;
  bool idq_any;                  /* any idq.dll file at all (allocated) */
  int map_ida, map_idq;          /* .ida/.idq script maps: 1 present, 0 absent, -1 unknown */
  char map_source[64];           /* what decided .ida: "registry", "metabase", "none" */
  struct rs_scriptmap_out map_out[2]; /* .ida, .idq: state, source, why (issue 13) */
  enum rs_mb_state mb_state;     /* MetaBase.bin: absent, opaque, heuristic hit / no hit */
  int map_find[2];               /* SCRIPTMAP-IDA/-IDQ finding seq, -1 */
  int nwalked;                   /* volumes whose file system was walked */
  bool have_sam;                 /* the live SAM hive was read (scan/nimda.c) */
  int nlogs;                     /* log files read */
  /* logs */
  struct rs_logq *logq;          /* logs found, workers (NULL: none found yet) */
  struct rs_logagg *agg;
  struct rs_log_file *logf;
  size_t nlogf, caplogf;
  uint64_t hits[RS_FAM__COUNT];
  uint64_t cr_2xx;               /* Code Red requests answered 2xx */
  struct rs_day_count *days;
  size_t ndays, capdays;
  struct rs_cr_request *crreq;   /* Code Red requests, sorted by the evt stage */
  size_t ncrreq, capcrreq;
  uint64_t crreq_dropped;        /* beyond RS_CRREQ_MAX */
  struct rs_evt_scan *evt;       /* event logs, Dr. Watson, UrlScan (scan/evt.c) */
  struct rs_content *content;    /* NULL without --yara / --hashset (scan/content.c) */
  struct rs_residue_region *regions; /* scan/residue.c */
  size_t nregions, capregions;
  struct rs_carved_counts carved;    /* scan/carved.c */
  /* evidence */
  struct rs_ewf_meta em;
  bool hashed;                   /* the media hash was asked for */
  enum rs_err hash_err;
  const struct rs_media_hashes *hashes;  /* after the join */
  const struct rs_diag *hash_diag;
};

struct rs_rules;
struct rs_hashset;
struct rs_rule_match;
/* content.c: loads the user's rules and hash sets (RS_E_USAGE naming the file
 * and line when one is bad); nothing to do without --yara / --hashset. */
enum rs_err rs_content_prepare(struct rs_scan_ctx *ctx, struct rs_diag *d);
void rs_content_free(struct rs_content *c); /* accepts NULL */
/* content.c: the YARA-MATCH block of a user rule's match (owned by the caller,
 * hits copied when with_hits); NULL and the sticky error when memory runs out */
struct rs_match_detail *rs_content_match_detail(struct rs_scan_ctx *ctx,
                                                const struct rs_rule_match *m, bool with_hits);

/* ctx.c */
void rs_ctx_init(struct rs_scan_ctx *ctx, const struct rs_run_opts *o);
void rs_ctx_free(struct rs_scan_ctx *ctx);
/* The Windows form of a TSK path on volume vol ("C:\dir\file"), in out
 * (reset first); false (and the sticky RS_E_NOMEM) when it cannot be built. */
bool rs_win_path(struct rs_scan_ctx *ctx, int vol, const char *tsk_path, struct rs_buf *out);
/* The verdict's view of the facts. */
void rs_ctx_verdict_facts(const struct rs_scan_ctx *ctx, struct rs_verdict_facts *x);
/* The result of a buffer operation (rs_buf_*): a failure (memory, or a
 * bound the buffer was sized never to reach) ends the scan (sticky). */
static inline bool rs_ctx_buf(struct rs_scan_ctx *ctx, enum rs_err e)
{
  if (e != RS_OK)
    rs_results_fail(&ctx->res, e);
  return e == RS_OK;
}
/* true once the scan has failed (sticky): stages stop. */
static inline bool rs_ctx_failed(const struct rs_scan_ctx *ctx)
{
  return ctx->res.err != RS_OK;
}

#endif
