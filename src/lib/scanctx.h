/* Internal state of one scan, shared by scan.c (driver), checks.c (engine),
 * verdict.c and timeline.c. Not a public interface. */
#ifndef RS_SCANCTX_H
#define RS_SCANCTX_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "analysis/checks.h"
#include "redsleuth/evidence.h"
#include "redsleuth/fswalk.h"
#include "redsleuth/idq.h"
#include "redsleuth/iislog.h"
#include "redsleuth/image.h"
#include "redsleuth/pe.h"
#include "redsleuth/registry.h"
#include "redsleuth/scan.h"

/* One finding as the engine made it; serialised at the end so ids follow a
 * deterministic order. */
struct rs_find {
  const struct rs_check *check;
  bool live;            /* present now: allocated file, current control set of a live hive */
  bool current_source;  /* read from the current state: allocated file or live hive (any
                           control set); the cleanup checklist fails on these */
  size_t seq;           /* creation order (timeline references use it) */
  int volume;           /* -1 when not on a volume (registry, logs) */
  char sort_key[1200];  /* check order is first; then this */
  json_t *obj;          /* contract fields except id; owned */
  char id[64];          /* assigned at the end: "<CHECK-ID>-<n>" */
};

/* A file the walk noticed for later work (candidates, references, logs). */
enum rs_cand_kind { RS_C_ROW, RS_C_CMD_REF, RS_C_IDQ, RS_C_LOG, RS_C_HIVE_COPY };
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
};

struct rs_tl_entry {
  struct rs_time t;
  char *desc;           /* timestamp_desc */
  char *source;         /* "FILE", "REG", "LOG", "PE", "EWF" */
  char *message;
  int find_index;       /* index into ctx->finds, -1 */
  char *path;           /* optional */
  char *ip;             /* optional */
};

/* One registry value a source read (system.values[]). */
struct rs_regval_read {
  struct rs_regval v;
  const char *role;     /* hive role: "live", "sav", "alt", "repair" (static) */
  int rank;             /* order of the role in the hive list (live first) */
};

struct rs_day_count {
  int64_t day;          /* days since epoch (UTC) */
  uint64_t hits[RS_FAM__COUNT];
};

struct rs_scan_ctx {
  const struct rs_run_opts *opts;
  struct rs_image *img;
  /* facts */
  struct rs_sysinfo si;          /* live hives of the system volume */
  bool have_system, have_software;
  int sys_volume;                /* volume index holding the live hives, -1 */
  int codepage;                  /* ANSI code page for hive names (0 = not yet known) */
  struct rs_regval acp;          /* the ACP value it came from (system.values) */
  struct rs_metabase_scan mb;
  bool have_metabase;
  json_t *hive_list;             /* hives read: [{path, kind, dirty, role}] */
  struct rs_regval_read *regvals; /* every value the registry sources read, each once */
  size_t nregvals, capregvals;
  /* walk */
  struct rs_cand *cands;
  size_t ncand, capcand;
  /* findings */
  struct rs_find *finds;
  size_t nfind, capfind;
  /* idq copies (system.idq_dll[]) */
  json_t *idq_list;
  enum rs_patch_state idq_active_state;  /* of the active copy; UNKNOWN if none */
  bool idq_active_found;
  bool idq_any;                  /* any idq.dll file at all (allocated) */
  int map_ida, map_idq;          /* .ida/.idq script maps: 1 present, 0 absent, -1 unknown */
  char map_source[64];           /* "registry", "metabase", "registry+metabase", "" */
  int nwalked;                   /* volumes whose file system was walked */
  int nlogs;                     /* log files read */
  /* logs */
  struct rs_logagg *agg;
  json_t *log_files;
  uint64_t hits[RS_FAM__COUNT];
  uint64_t cr_2xx;               /* Code Red requests answered 2xx */
  struct rs_day_count *days;
  size_t ndays, capdays;
  /* output pieces */
  json_t *unreadable;
  struct rs_tl_entry *tl;
  size_t ntl, captl;
  bool tl_overflow;
  /* evidence */
  struct rs_ewf_meta em;
  bool hashed;                   /* the media hash was asked for */
  enum rs_err hash_err;
  const struct rs_media_hashes *hashes;  /* after the join */
  const struct rs_diag *hash_diag;
};

/* checks.c: does a walk entry match a file row? (path: TSK form; vol facts) */
bool rs_checks_file_row_matches(const struct rs_check *c, const struct rs_scan_ctx *ctx,
                                int vol, const struct rs_fsentry *e);
/* checks.c: registry/metabase rows over ctx->si and hive copies. */
void rs_checks_eval_registry(struct rs_scan_ctx *ctx, const struct rs_sysinfo *si,
                             struct rs_hive *software, const char *hive_role, bool live);

/* checks.c: patch rows after the idq.dll copies are classified. */
void rs_checks_eval_patch(struct rs_scan_ctx *ctx);

/* scan.c helpers used by the engine */
struct rs_find *rs_ctx_add_find(struct rs_scan_ctx *ctx, const struct rs_check *c, bool live,
                                int volume, const char *sort_key);
void rs_ctx_unreadable(struct rs_scan_ctx *ctx, const char *what, const char *where,
                       const char *reason);
void rs_win_path(const struct rs_scan_ctx *ctx, int vol, const char *tsk_path, char *out,
                 size_t outsz);

/* timeline.c */
void rs_tl_add(struct rs_scan_ctx *ctx, const struct rs_time *t, const char *desc,
               const char *source, const char *message, int find_index, const char *path,
               const char *ip);
json_t *rs_tl_build(struct rs_scan_ctx *ctx);  /* sorts and serialises */
void rs_tl_free(struct rs_scan_ctx *ctx);

/* verdict.c */
json_t *rs_verdict_build(struct rs_scan_ctx *ctx);

/* json helpers (scan.c) */
json_t *rs_json_str(const char *s);     /* bytes as they are (invalid UTF-8 kept,
                                           escaped by each writer), NULL -> null */
json_t *rs_json_time(const struct rs_time *t); /* ISO string or null */

#endif
