/* The scan's stages: each reads the facts earlier stages left in the scan
 * context and adds its own. The list and its order are in scan/scan.c. */
#ifndef RS_SCAN_STAGE_H
#define RS_SCAN_STAGE_H

#include "scan/ctx.h"

#define RS_HIVE_MAX (256u << 20)      /* largest hive read into memory */
#define RS_METABASE_MAX (64u << 20)
#define RS_PE_MAX (16u << 20)         /* idq.dll / cmd.exe are ~100-400 KB */
#define RS_LOG_CHUNK (8u << 20)       /* large runs: recipes section 9 */
#define RS_DAYS_MAX 36600             /* per-day chart buckets */

struct rs_stage {
  const char *name;
  void (*run)(struct rs_scan_ctx *ctx);
  bool after_hash;                    /* needs the media hash: runs after the join */
};

void rs_stage_registry(struct rs_scan_ctx *ctx); /* registry.c */
void rs_stage_walk(struct rs_scan_ctx *ctx);     /* walk.c */
void rs_stage_files(struct rs_scan_ctx *ctx);    /* files.c */
void rs_stage_idq(struct rs_scan_ctx *ctx);      /* idq.c */
void rs_stage_logs(struct rs_scan_ctx *ctx);     /* logs.c */
/* logs.c: the walk found the IIS log c (a candidate of ctx): queued, and read
 * beside the walk once the logs found are large enough to pay for a thread */
void rs_logs_found(struct rs_scan_ctx *ctx, const struct rs_cand *c);
/* logs.c: stops the log worker and frees the queue (rs_ctx_free; NULL ok) */
void rs_logq_free(struct rs_scan_ctx *ctx);
void rs_stage_evt(struct rs_scan_ctx *ctx);      /* evt.c */
void rs_stage_evidence(struct rs_scan_ctx *ctx); /* evidence.c */
void rs_stage_keys(struct rs_scan_ctx *ctx);     /* registry.c */
void rs_stage_damage(struct rs_scan_ctx *ctx);   /* damage.c */
void rs_stage_nimda(struct rs_scan_ctx *ctx);    /* nimda.c */
void rs_stage_residue(struct rs_scan_ctx *ctx);  /* residue.c */
/* carved.c: a log line the carver recovered from region (residue.regions[]):
 * counts, a RESIDUE-LOG-LINE finding, a timeline entry when dated (UTC). */
struct rs_carved;
void rs_carved_add(struct rs_scan_ctx *ctx, size_t region, const struct rs_carved *c);
void rs_stage_content(struct rs_scan_ctx *ctx);  /* content.c */
/* residue.c: a match's context bytes as escaped text (malloc'd; NULL and r
 * failed when memory runs out). */
char *rs_escape_ctx(struct rs_results *r, const uint8_t *p, size_t n);
/* residue.c: a rule match's hits as the results keep them (*n of them; NULL
 * when none, or when memory ran out: r has failed then). */
struct rs_rule_match;
struct rs_residue_hit *rs_rule_hits_copy(struct rs_results *r, const struct rs_rule_match *m,
                                         size_t *n);
/* content.c: keeps every file with --yara / --hashset (called by the walk) */
void rs_content_walk_entry(struct rs_scan_ctx *ctx, int vol, const struct rs_fsentry *e);
/* residue.c: keeps e when it is memory residue (page file, hiberfil.sys, a
 * crash dump in its usual places); called by the walk */
void rs_residue_walk_entry(struct rs_scan_ctx *ctx, int vol, const struct rs_fsentry *e);
/* nimda.c: keeps e as a candidate of a content row (called by the walk) */
void rs_nimda_walk_entry(struct rs_scan_ctx *ctx, int vol, const struct rs_fsentry *e);
/* nimda.c: the C$ share in the live SYSTEM hive h (called by the registry
 * stage while h is open, after ctx->si has its control sets) */
void rs_nimda_shares(struct rs_scan_ctx *ctx, struct rs_hive *h);
/* registry.c: lists a hive another stage read (system.hives[]) */
struct rs_hive_read *rs_scan_add_hive(struct rs_scan_ctx *ctx, const char *win, const char *role,
                                      const uint8_t *data, uint64_t len, int vol, uint64_t inum);
/* registry.c: lists a value another stage read in a live hive read after the
 * registry stage (system.values[]; call in value order within the hive) */
void rs_scan_note_value(struct rs_scan_ctx *ctx, const struct rs_regval *v);
struct rs_cand *rs_walk_add_cand(struct rs_scan_ctx *ctx, enum rs_cand_kind k, int vol,
                                 const struct rs_fsentry *e);
void rs_stage_hash(struct rs_scan_ctx *ctx);     /* evidence.c */

/* evt.c: the role of a walk entry the evt stage reads ("evt", "drwatson",
 * "userdmp", "urlscan", "w3svc"), or NULL. */
const char *rs_evt_cand_role(const struct rs_scan_ctx *ctx, int vol, const struct rs_fsentry *e);
void rs_evt_scan_free(struct rs_evt_scan *s); /* accepts NULL */
/* Orders Code Red requests (struct rs_cr_request) by time, file, line: the
 * log stage's cut and the crash correlation sort alike (logs.c). */
int rs_crreq_cmp(const void *a, const void *b);
void rs_evt_verdict_facts(const struct rs_scan_ctx *ctx, struct rs_verdict_facts *x);

/* A phase starts (the caller's progress callback, if any): what, and the
 * name from the evidence it reads (NULL when none). */
void rs_scan_progress(const struct rs_scan_ctx *ctx, const char *what, const char *name);
/* Whether the analysis runs at a lower priority than the media hash beside
 * it, RS_ANALYSIS_NICE steps below the caller's (scan.c says why): hashing,
 * and none of the options that make the analysis read every file's bytes
 * or every free cluster. */
#define RS_ANALYSIS_NICE 15
bool rs_scan_analysis_yields(const struct rs_run_opts *o, bool hashing);

/* files.c: the finding of a file candidate under row chk (idq.c uses it too). */
struct rs_finding *rs_file_finding(struct rs_scan_ctx *ctx, const struct rs_check *chk,
                                const struct rs_cand *c, const struct rs_file_digest *dg);

/* An unreadable entry for a source's failure e; RS_E_NOMEM is not damage
 * in the evidence but the end of the scan (sticky). */
void rs_ctx_unreadable(struct rs_scan_ctx *ctx, const char *what, const char *where,
                       enum rs_err e, const char *why);

#endif
