/* The report layer: the only place that builds "redsleuth-report/1" JSON,
 * for `scan` (from the scan's facts and results) and `info` alike. */
#ifndef RS_REPORT_REPORT_H
#define RS_REPORT_REPORT_H

#include "scan/ctx.h"

/* A report under construction: every set and append goes through it, so one
 * failed allocation anywhere makes the whole report fail (never a report
 * silently missing a key). */
struct rs_jb {
  bool nomem;
};
void rs_jset(struct rs_jb *jb, json_t *o, const char *k, json_t *v); /* steals v */
void rs_japp(struct rs_jb *jb, json_t *a, json_t *v);                /* steals v */

json_t *rs_json_str(const char *s);            /* bytes as they are, NULL -> null */
json_t *rs_json_time(const struct rs_time *t); /* ISO string or null */
/* A local clock time whose zone is unknown: ISO 8601 without a zone suffix. */
json_t *rs_json_local_time(const struct rs_time *t);

/* evt.c: the host's own account (event logs, Dr. Watson, UrlScan) */
void rs_report_event_fields(struct rs_jb *jb, json_t *o, const struct rs_finding *f);
/* residue.c: a residue finding's fields; the residue block (residue.regions[]) */
void rs_report_residue_fields(struct rs_jb *jb, json_t *o, const struct rs_finding *f);
json_t *rs_report_residue(struct rs_jb *jb, const struct rs_scan_ctx *ctx);
/* residue.c: a RESIDUE-LOG-LINE finding's fields; logs.carved */
void rs_report_carved_fields(struct rs_jb *jb, json_t *o, const struct rs_finding *f);
json_t *rs_report_carved(struct rs_jb *jb, const struct rs_scan_ctx *ctx);
/* A YARA-MATCH / HASHSET-MATCH block (f->match) into o's details (residue.c),
 * and the report's content_scan block (absent without --yara / --hashset). */
void rs_report_match_fields(struct rs_jb *jb, json_t *o, const struct rs_finding *f);
json_t *rs_report_content_scan(struct rs_jb *jb, const struct rs_scan_ctx *ctx);
void rs_report_corroboration(struct rs_jb *jb, json_t *o, const struct rs_results *r,
                             const struct rs_finding *f);
void rs_report_evt_system(struct rs_jb *jb, json_t *sys, const struct rs_scan_ctx *ctx);
void rs_report_evt_logs(struct rs_jb *jb, json_t *logs, const struct rs_scan_ctx *ctx);

/* Current wall-clock time as ISO 8601 UTC with Z (run.* fields only). */
void rs_now_iso(char out[40]);

/* common.c: the blocks both reports have ("tool" is rs_report_tool, scan.h) */
json_t *rs_report_run(struct rs_jb *jb, const struct rs_run_opts *o, const char *started_utc);
/* "warnings" array: what the examiner must see first (the image's own
 * warnings, such as a split set whose sizes do not fit). scan appends the
 * stored-hash mismatch to it. */
json_t *rs_report_warnings(struct rs_jb *jb, const struct rs_image *img);
json_t *rs_report_volumes(struct rs_jb *jb, const struct rs_image *img);
json_t *rs_report_segments(struct rs_jb *jb, const struct rs_image *img);
json_t *rs_report_stored_hashes(struct rs_jb *jb, const struct rs_ewf_meta *em);
json_t *rs_report_acquisition(struct rs_jb *jb, const struct rs_ewf_meta *em);
/* Adds evidence.container to ev when img is a VHD/VHDX (format, type,
 * parents followed); leaves ev alone for any other image. */
void rs_report_add_container(struct rs_jb *jb, json_t *ev, const struct rs_image *img);
/* binary.c: tool.binary, {path, sha256, build_id} of the running executable
 * (/proc/self/exe; build_id is the GNU build-id note, hex, or null). */
json_t *rs_report_binary(void);
json_t *rs_report_logs(struct rs_jb *jb, struct rs_scan_ctx *ctx);
json_t *rs_report_system(struct rs_jb *jb, struct rs_scan_ctx *ctx);
json_t *rs_report_findings(struct rs_jb *jb, const struct rs_results *r);
json_t *rs_report_verdict(struct rs_jb *jb, const struct rs_results *r);
/* story[]: {utc, event, source, finding} (+ estimate, estimated_from) */
json_t *rs_report_story(struct rs_jb *jb, const struct rs_results *r);
/* One timeline entry (finding: the id of the finding it belongs to, NULL). */
json_t *rs_report_tl_entry(struct rs_jb *jb, const struct rs_tl_entry *e, const char *finding);
/* report.timeline[]; with_spill: with r->spill's entries merged in. */
json_t *rs_report_timeline(struct rs_jb *jb, const struct rs_results *r, bool with_spill);
json_t *rs_report_unreadable(struct rs_jb *jb, const struct rs_results *r);
/* The whole scan report (NULL when memory ran out); hits_apart: the spilled
 * timeline entries stay out of it (rs_scan_hits). */
json_t *rs_report_scan(struct rs_scan_ctx *ctx, const char *started, bool hits_apart);
/* The spilled entries of a finished scan, handed over to the caller (ctx's
 * results no longer hold them); NULL when there are none. RS_E_NOMEM. */
enum rs_err rs_report_hits(struct rs_scan_ctx *ctx, struct rs_hits **out);
/* The info report (NULL when memory ran out): em NULL when the EWF metadata
 * could not be read; r holds the unreadable entries. */
json_t *rs_report_info(const struct rs_run_opts *o, const struct rs_image *img,
                       const struct rs_ewf_meta *em, const struct rs_results *r,
                       const char *started);

/* The exit code of the contract for a verdict status, whether anything was
 * unreadable and whether a stored hash mismatched. */
int rs_exit_code(enum rs_status status, bool unreadable, bool mismatch);
/* The warning line for evidence.verification "mismatch" (report.evidence ev). */
const char *rs_report_mismatch_warning(const json_t *ev);

#endif
