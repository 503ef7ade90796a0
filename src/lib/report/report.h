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

json_t *rs_report_logs(struct rs_jb *jb, struct rs_scan_ctx *ctx);
json_t *rs_report_system(struct rs_jb *jb, struct rs_scan_ctx *ctx);
json_t *rs_report_findings(struct rs_jb *jb, const struct rs_results *r);
json_t *rs_report_verdict(struct rs_jb *jb, const struct rs_results *r);
json_t *rs_report_timeline(struct rs_jb *jb, const struct rs_results *r);
json_t *rs_report_unreadable(struct rs_jb *jb, const struct rs_results *r);
/* The whole scan report (NULL when memory ran out). */
json_t *rs_report_scan(struct rs_scan_ctx *ctx, const char *started);

/* The exit code of the contract for a verdict status, whether anything was
 * unreadable and whether a stored hash mismatched. */
int rs_exit_code(enum rs_status status, bool unreadable, bool mismatch);
/* The warning line for evidence.verification "mismatch" (report.evidence ev). */
const char *rs_report_mismatch_warning(const json_t *ev);

#endif
