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

/* Current wall-clock time as ISO 8601 UTC with Z (run.* fields only). */
void rs_now_iso(char out[40]);

/* common.c: the blocks both reports have ("tool" is rs_report_tool, scan.h) */
json_t *rs_report_run(struct rs_jb *jb, const struct rs_run_opts *o, const char *started_utc);
json_t *rs_report_warnings(struct rs_jb *jb, const struct rs_image *img);
json_t *rs_report_volumes(struct rs_jb *jb, const struct rs_image *img);
json_t *rs_report_segments(struct rs_jb *jb, const struct rs_image *img);
json_t *rs_report_stored_hashes(struct rs_jb *jb, const struct rs_ewf_meta *em);
json_t *rs_report_acquisition(struct rs_jb *jb, const struct rs_ewf_meta *em);

json_t *rs_report_logs(struct rs_jb *jb, struct rs_scan_ctx *ctx);
json_t *rs_report_system(struct rs_jb *jb, struct rs_scan_ctx *ctx);
json_t *rs_report_findings(struct rs_jb *jb, const struct rs_results *r);
json_t *rs_report_verdict(struct rs_jb *jb, const struct rs_results *r);
json_t *rs_report_timeline(struct rs_jb *jb, const struct rs_results *r);
json_t *rs_report_unreadable(struct rs_jb *jb, const struct rs_results *r);
/* The whole scan report (NULL when memory ran out). */
json_t *rs_report_scan(struct rs_scan_ctx *ctx, const char *started);
/* The info report (NULL when memory ran out): em NULL when the EWF metadata
 * could not be read; r holds the unreadable entries. */
json_t *rs_report_info(const struct rs_run_opts *o, const struct rs_image *img,
                       const struct rs_ewf_meta *em, const struct rs_results *r,
                       const char *started);

/* The exit code of the contract for a verdict status, whether anything was
 * unreadable and whether a stored hash mismatched. */
int rs_exit_code(enum rs_status status, bool unreadable, bool mismatch);

#endif
