/* What the content searches covered (issue 17) in the text and HTML
 * reports: the memory-residue and unallocated regions searched
 * (residue.regions[]: kind, volume, path, bytes, searched, skipped), the
 * log lines carved from them (logs.carved) and the --yara / --hashset file
 * scan (content_scan). A finding says what was found; this section says
 * where the tool looked and how much it could not search, which is what an
 * examiner needs before writing "no worm code was found in the page file".
 * A report with none of the three gets no section at all. */
#include <string.h>

#include "redsleuth/writer.h"
#include "writers/emit.h"

static bool any(const json_t *report, const json_t **regions, const json_t **carved,
                const json_t **content)
{
  *regions = json_object_get(json_object_get(report, "residue"), "regions");
  *carved = json_object_get(json_object_get(report, "logs"), "carved");
  *content = json_object_get(report, "content_scan");
  return json_array_size(*regions) || json_is_object(*carved) || json_is_object(*content);
}

void rs_text_residue(struct rs_emit *t, const json_t *report)
{
  const json_t *rg, *cv, *ct;
  if (!any(report, &rg, &cv, &ct))
    return;
  em_put(t, "\nMemory residue, unallocated space and content scan\n"
            "--------------------------------------------------\n");
  size_t i;
  const json_t *v;
  em_putf(t, "  Regions searched: %zu\n", json_array_size(rg));
  json_array_foreach(rg, i, v) {
    if (rs_writer_str(v, "path"))
      em_tmpl(t, v, "    {kind}  {path}, volume {volume}\n");
    else /* unallocated space: the volume's free clusters, no file */
      em_tmpl(t, v, "    {kind}  volume {volume} (its unallocated clusters)\n");
    em_tmpl(t, v, "      {bytes} bytes, {bytes_searched} searched, {bytes_skipped} not searched, "
                  "{rules_fired} rule match(es)\n");
    if (rs_writer_str(v, "note"))
      em_tmpl(t, v, "      note: {note}\n");
  }
  if (json_is_object(cv)) {
    em_tmpl(t, cv, "  Carved log lines: {lines} ({parsed} parsed, {utf16le} UTF-16LE, {partial} "
                   "partial; {listed} listed as findings, {unlisted} not listed)\n"
                   "    worm requests: ");
    if (!em_counts(t, json_object_get(cv, "hits"), "", ", ", true))
      em_put(t, "none");
    em_tmpl(t, cv, "\n    backdoor uses: {backdoor_uses} ({backdoor_uses_2xx} answered 2xx)\n");
  }
  if (json_is_object(ct)) {
    em_tmpl(t, ct, "  Content scan (--yara / --hashset): {files_scanned} files and "
                   "{streams_scanned} named streams, {bytes_scanned} bytes\n"
                   "    not searched: {skipped_too_large} larger than {max_file_size} bytes, "
                   "{unreadable} unreadable\n"
                   "    {rules} rules, {hash_sets} hash set(s) with {hash_entries} entries\n");
  }
}

void rs_html_residue(struct rs_emit *t, const json_t *report)
{
  const json_t *rg, *cv, *ct;
  if (!any(report, &rg, &cv, &ct))
    return;
  em_put(t, "<section id=\"residue\">\n<h2>Memory residue, unallocated space and content "
            "scan</h2>\n");
  if (json_array_size(rg)) {
    em_put(t, "<h3>Regions searched</h3>\n<table>\n<thead><tr><th>Kind</th><th>File</th>"
              "<th>Volume</th>"
              "<th>Bytes</th><th>Searched</th><th>Not searched</th><th>Rule matches</th>"
              "<th>Note</th></tr></thead>\n");
    size_t i;
    const json_t *v;
    json_array_foreach(rg, i, v) {
      em_tmpl(t, v, "<tr><td>{kind}</td>");
      em_file_cell(t, v);
      em_tmpl(t, v, "<td>{volume}</td><td>{bytes}</td><td>{bytes_searched}</td>"
                    "<td>{bytes_skipped}</td><td>{rules_fired}</td><td>{note?}</td></tr>\n");
    }
    em_put(t, "</table>\n");
  }
  if (json_is_object(cv)) {
    em_tmpl(t, cv, "<h3>Carved log lines</h3>\n<table class=\"kv\">\n"
                   "<tr><th>Lines</th><td>{lines} ({parsed} parsed, {utf16le} UTF-16LE, "
                   "{partial} partial)</td></tr>\n"
                   "<tr><th>Listed as findings</th><td>{listed} ({unlisted} not listed)</td></tr>\n"
                   "<tr><th>Worm requests</th><td>");
    if (!em_counts(t, json_object_get(cv, "hits"), "", ", ", true))
      em_put(t, "none");
    em_tmpl(t, cv, "</td></tr>\n<tr><th>Backdoor uses</th><td>{backdoor_uses} "
                   "({backdoor_uses_2xx} answered 2xx)</td></tr>\n</table>\n");
  }
  if (json_is_object(ct)) {
    em_tmpl(t, ct, "<h3>Content scan (--yara / --hashset)</h3>\n<table class=\"kv\">\n"
                   "<tr><th>Searched</th><td>{files_scanned} files and {streams_scanned} named "
                   "streams, {bytes_scanned} bytes</td></tr>\n"
                   "<tr><th>Not searched</th><td>{skipped_too_large} larger than "
                   "{max_file_size} bytes, {unreadable} unreadable</td></tr>\n"
                   "<tr><th>Rules and sets</th><td>{rules} rules, {hash_sets} hash set(s) with "
                   "{hash_entries} entries</td></tr>\n</table>\n");
  }
  em_put(t, "</section>\n");
}
