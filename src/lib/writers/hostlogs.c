/* The host's own account of the attack (issue 16) in the text and HTML
 * reports: the event logs (system.event_logs[]), the Dr. Watson logs and
 * user.dmp (system.crash_logs[]) and the UrlScan logs (logs.urlscan[]),
 * one entry per file with its path, MFT entry, SHA-256 and what was read.
 * A report whose three lists are empty gets no section at all. The findings
 * these files raise are listed with the other findings. */
#include <string.h>

#include "redsleuth/writer.h"
#include "writers/emit.h"

/* report.txt: one block per file, under one heading. */
void rs_text_host_logs(struct rs_emit *t, const json_t *report)
{
  const json_t *sys = json_object_get(report, "system");
  const json_t *ev = json_object_get(sys, "event_logs"), *cr = json_object_get(sys, "crash_logs");
  const json_t *us = json_object_get(json_object_get(report, "logs"), "urlscan");
  if (!json_array_size(ev) && !json_array_size(cr) && !json_array_size(us))
    return;
  em_put(t, "\nEvent logs, Dr. Watson and UrlScan\n----------------------------------\n");
  size_t i;
  const json_t *v;
  em_putf(t, "  Event logs: %zu\n", json_array_size(ev));
  json_array_foreach(ev, i, v) {
    em_tmpl(t, v, "    {path} ({log} log)\n      MFT entry {mft_entry}, {records} records, "
                  "{recovered_records} recovered, {first_utc} .. {last_utc}, state {state}\n"
                  "      sha256 {sha256}\n");
    if (rs_writer_str(v, "note"))
      em_tmpl(t, v, "      note: {note}\n");
  }
  if (json_array_size(cr)) {
    em_putf(t, "  Crash logs: %zu\n", json_array_size(cr));
    json_array_foreach(cr, i, v) {
      em_tmpl(t, v, "    {path} ({kind})\n      MFT entry {mft_entry}, modified {modified_utc}");
      if (json_object_get(v, "reports"))
        em_tmpl(t, v, ", {reports} report(s), {inetinfo_reports} for inetinfo.exe");
      em_tmpl(t, v, "\n      sha256 {sha256}\n");
      if (rs_writer_str(v, "note"))
        em_tmpl(t, v, "      note: {note}\n");
    }
  }
  if (json_array_size(us)) {
    em_putf(t, "  UrlScan logs: %zu\n", json_array_size(us));
    json_array_foreach(us, i, v) {
      em_tmpl(t, v, "    {path}\n      MFT entry {mft_entry}, {lines} lines, {rejected} rejected, "
                    "{ida_rejected} .ida/.idq rejected");
      if (rs_writer_str(v, "ida_first_utc"))
        em_tmpl(t, v, ", {ida_first_utc} .. {ida_last_utc}");
      else if (rs_writer_str(v, "ida_first_local"))
        em_tmpl(t, v, ", local clock {ida_first_local} .. {ida_last_local} (time zone unknown: "
                      "not converted to UTC)");
      em_tmpl(t, v, "\n      sha256 {sha256}\n");
      if (rs_writer_str(v, "note"))
        em_tmpl(t, v, "      note: {note}\n");
    }
  }
}

/* report.html: one table per kind of file, a row per file. */
static void file_table(struct rs_emit *t, const char *title, const json_t *list,
                       const char *const *cols, const char *const *heads, size_t ncols)
{
  if (!json_array_size(list))
    return;
  em_putf(t, "<h3>%s</h3>\n<table>\n<thead><tr><th>File</th>", title);
  for (size_t c = 0; c < ncols; c++)
    em_putf(t, "<th>%s</th>", heads[c]);
  em_put(t, "<th>Note</th></tr></thead>\n");
  size_t i;
  const json_t *v;
  json_array_foreach(list, i, v) {
    em_put(t, "<tr>");
    em_file_cell(t, v);
    for (size_t c = 0; c < ncols; c++) {
      em_td(t, cols[c]);
      em_key(t, v, cols[c], "-");
      em_put(t, "</td>");
    }
    em_tmpl(t, v, "<td>{note?}</td></tr>\n");
  }
  em_put(t, "</table>\n");
}

void rs_html_host_logs(struct rs_emit *t, const json_t *report)
{
  const json_t *sys = json_object_get(report, "system");
  const json_t *ev = json_object_get(sys, "event_logs"), *cr = json_object_get(sys, "crash_logs");
  const json_t *us = json_object_get(json_object_get(report, "logs"), "urlscan");
  if (!json_array_size(ev) && !json_array_size(cr) && !json_array_size(us))
    return;
  em_put(t, "<section id=\"hostlogs\">\n<h2>Event logs, Dr. Watson and UrlScan</h2>\n");
  static const char *const ec[] = {"log", "records", "recovered_records", "first_utc", "last_utc",
                                   "state"};
  static const char *const eh[] = {"Log", "Records", "Recovered", "First (UTC)", "Last (UTC)",
                                   "State"};
  file_table(t, "Event logs", ev, ec, eh, sizeof ec / sizeof ec[0]);
  static const char *const cc[] = {"kind", "modified_utc", "reports", "inetinfo_reports"};
  static const char *const ch[] = {"Kind", "Modified (UTC)", "Reports", "inetinfo.exe"};
  file_table(t, "Crash logs", cr, cc, ch, sizeof cc / sizeof cc[0]);
  static const char *const uc[] = {"lines", "rejected", "ida_rejected", "ida_first_utc",
                                   "ida_last_utc"};
  static const char *const uh[] = {"Lines", "Rejected", ".ida/.idq rejected",
                                   "First .ida/.idq (UTC)", "Last .ida/.idq (UTC)"};
  file_table(t, "UrlScan logs", us, uc, uh, sizeof uc / sizeof uc[0]);
  em_put(t, "</section>\n");
}
