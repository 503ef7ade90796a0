/* The report layer: the only place that builds "redsleuth-report/1" JSON. */
#ifndef RS_REPORT_REPORT_H
#define RS_REPORT_REPORT_H

#include "scanctx.h"

/* A local clock time whose zone is unknown: ISO 8601 without a zone suffix. */
json_t *rs_json_local_time(const struct rs_time *t);

json_t *rs_report_logs(struct rs_scan_ctx *ctx);
json_t *rs_report_system(struct rs_scan_ctx *ctx);
json_t *rs_report_evidence(struct rs_scan_ctx *ctx);
json_t *rs_report_findings(struct rs_scan_ctx *ctx);
/* The whole scan report; takes over what ctx holds for it. */
json_t *rs_report_scan(struct rs_scan_ctx *ctx, const char *started);

#endif
