/* report.html: one self-contained page. No script, no external reference,
 * a Content-Security-Policy that forbids loading anything, inline CSS and an
 * inline SVG chart; it opens the same way on an air-gapped examination
 * machine years later. Every string from the report goes through
 * rs_escape_html: a file name may hold "<script>". */
#include "redsleuth/writer.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/escape.h"
#include "writers/emit.h"
#include "redsleuth/rtime.h"

/* A class name built from a report word (status, severity): only [a-z-]
 * pass, anything else becomes "other", so the value cannot leave the
 * attribute even before escaping. */
static void cls(struct rs_emit *t, const char *prefix, const char *word)
{
  em_put(t, prefix);
  int ok = word && *word && strlen(word) < 32;
  for (const char *p = word; ok && *p; p++)
    ok = (*p >= 'a' && *p <= 'z') || *p == '-';
  em_put(t, ok ? word : "other");
}

static void row(struct rs_emit *t, const char *label, const json_t *o, const char *k)
{
  em_putf(t, "<tr><th>%s</th><td>", label);
  em_key(t, o, k, "-");
  em_put(t, "</td></tr>\n");
}

static void finding_refs(struct rs_emit *t, const json_t *report, const json_t *ids)
{
  size_t i;
  const json_t *id;
  if (!json_array_size(ids))
    return;
  em_put(t, "<ul class=\"refs\">");
  json_array_foreach(ids, i, id) {
    const json_t *f = em_find_finding(report, json_string_value(id));
    em_put(t, "<li><code>");
    em_val(t, id, "-");
    em_put(t, "</code> ");
    if (f) {
      em_tmpl(t, f, "{title} <code class=\"path\">");
      em_locator(t, f);
      em_put(t, "</code>");
    } else {
      em_put(t, "(no such finding in the report)");
    }
    em_put(t, "</li>");
  }
  em_put(t, "</ul>");
}

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1150px;padding:0 12px;"
    "color:#111;background:#fff}\n"
    "h1{margin:0;font-size:26px}h2{border-bottom:2px solid #444;padding-bottom:2px;margin-top:28px}\n"
    "table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #bbb;"
    "padding:3px 6px;text-align:left;vertical-align:top}th{background:#eee}\n"
    "table.kv th{width:190px}code{font:12px/1.3 monospace;overflow-wrap:anywhere}\n"
    /* a path breaks after a backslash (<wbr>), a hash not at all */
    "code.path{word-break:normal;overflow-wrap:normal}code.hash{white-space:nowrap;"
    "font-size:11px}\n"
    /* print (A4, 186 mm wide): the findings table's hashes and times fit the
     * page; a time or an id never breaks inside */
    "@media print{body{max-width:none;font-size:11px}code{font-size:9.5px}"
    "code.hash{font-size:7.5px}tr,.verdict,svg{break-inside:avoid}h2,h3{break-after:avoid}"
    "svg{max-width:100%;height:auto}#findings table{font-size:9px}#findings code{font-size:8px}"
    "#findings td{padding:2px 3px}#findings td.times{white-space:normal;font-size:7.5px}"
    "#findings code.hash{font-size:7px}#findings td small{overflow-wrap:anywhere}"
    "#findings,#logs{break-before:page}#logs table,#system table{font-size:9.5px}}\n"
    ".ts,.id{white-space:nowrap}ol.strs{margin:0;padding-left:2.2em}ol.strs small{overflow-wrap:anywhere}\n"
    ".verdict{padding:14px 18px;margin:12px 0;border-radius:6px;color:#fff;background:#555}\n"
    ".v-backdoor-used{background:#8b0000}.v-infected{background:#c0392b}"
    ".v-cleaned{background:#b9770e}.v-vulnerable{background:#d35400}"
    ".v-mitigated{background:#9a7d0a}.v-patched{background:#1e8449}.v-clean{background:#196f3d}"
    ".v-undetermined{background:#566573}\n"
    ".mismatch{background:#ff0;color:#900;border:4px solid #900;padding:10px;font-size:20px;"
    "font-weight:bold;margin:12px 0}\n"
    ".s-critical{background:#8b0000;color:#fff}.s-high{background:#e74c3c;color:#fff}"
    ".s-medium{background:#f39c12}.s-low{background:#f7dc6f}.s-info{background:#d6eaf8}\n"
    ".st-pass{background:#abebc6}.st-fail{background:#f5b7b1}.st-unknown{background:#e5e7e9}\n"
    ".deleted{color:#900;font-weight:bold}ul.refs{margin:2px 0;padding-left:18px}\n"
    "svg{border:1px solid #bbb;background:#fcfcfc}small{color:#555}\n"
    "td.id,td.times{white-space:nowrap}td.times{font-size:12px}\n"
    ".verdict ul{margin:6px 0 0;padding-left:20px}.hist{color:#555;font-style:italic}\n"
    "tr.sub td{border-top:0}\n";

static void head(struct rs_emit *t, const json_t *report)
{
  const char *status = rs_writer_str(json_object_get(report, "verdict"), "status");
  em_put(t, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; img-src data:\">\n"
         "<meta name=\"referrer\" content=\"no-referrer\">\n"
         "<meta name=\"generator\" content=\"redsleuth\">\n<title>redsleuth report: ");
  em_esc(t, status ? status : "no verdict");
  em_put(t, "</title>\n<style>\n");
  em_put(t, css);
  /* print: the case id and "page X of Y" on every page */
  em_put(t, "@page{size:A4;margin:16mm 12mm 16mm 12mm;@top-left{content:\"redsleuth report, case ");
  em_css_string(t, rs_writer_str(json_object_get(report, "run"), "case"));
  em_put(t, "\";font:9px sans-serif;color:#444}@bottom-right{content:\"page \" counter(page) "
         "\" of \" counter(pages);font:9px sans-serif;color:#444}}\n");
  em_put(t, "</style>\n</head>\n<body>\n");
}

static void banner(struct rs_emit *t, const json_t *report)
{
  const json_t *ev = json_object_get(report, "evidence");
  const char *vf = rs_writer_str(ev, "verification");
  const json_t *ex = json_object_get(ev, "expected_hash");
  const char *ealg = rs_writer_str(ex, "algorithm"), *eval = rs_writer_str(ex, "value");
  const char *egot = ealg ? rs_writer_str(json_object_get(ev, "hashes"), ealg) : NULL;
  bool ebad = eval && egot && strcasecmp(eval, egot) != 0;
  if (vf && strcmp(vf, "mismatch") == 0 && ebad)
    em_put(t, "<div class=\"mismatch\" id=\"hash-mismatch\">EXPECTED HASH MISMATCH: the image "
           "does not match the acquisition hash given (--expect-hash). The evidence may be "
           "altered or damaged, or this is not the image that was acquired.</div>\n");
  else if (vf && strcmp(vf, "mismatch") == 0)
    em_put(t, "<div class=\"mismatch\" id=\"hash-mismatch\">STORED HASH MISMATCH: the image does "
           "not match the hashes stored in it. The evidence may be altered or damaged.</div>\n");
  /* the other report.warnings (the mismatch is one of them, shown above) */
  size_t wi;
  const json_t *w;
  json_array_foreach(json_object_get(report, "warnings"), wi, w) {
    const char *ws = json_string_value(w);
    if (!ws || rs_writer_is_mismatch_warning(ws))
      continue;
    em_put(t, "<div class=\"mismatch\" id=\"warning-");
    em_putf(t, "%zu", wi);
    em_put(t, "\">");
    em_esc(t, ws);
    em_put(t, "</div>\n");
  }
  const json_t *v = json_object_get(report, "verdict");
  const char *status = rs_writer_str(v, "status");
  em_put(t, "<header class=\"verdict ");
  cls(t, "v-", status);
  em_put(t, "\" id=\"verdict\">\n<h1>Verdict: ");
  em_esc(t, status ? status : "none");
  em_tmpl(t, v, "</h1>\n<p>{summary?}</p>\n");
  const json_t *notes = json_object_get(v, "notes");
  if (json_array_size(notes)) {
    em_put(t, "<ul id=\"notes\">");
    em_each(t, notes, "<li>", false, "</li>");
    em_put(t, "</ul>\n");
  }
  em_put(t, "</header>\n");
  /* the story first (issue 13): the key events in order, each with its source */
  const json_t *story = json_object_get(report, "story");
  if (json_array_size(story)) {
    size_t i;
    const json_t *sev;
    em_put(t, "<section id=\"story\">\n<h2>Key events</h2>\n<table>\n<thead><tr><th>UTC</th>"
              "<th>Event</th><th>Source</th><th>Finding</th></tr></thead>\n");
    json_array_foreach(story, i, sev) {
      bool est = json_is_true(json_object_get(sev, "estimate"));
      em_tmpl(t, sev, "<tr><td class=\"ts\">{utc}</td><td>{event}");
      if (est)
        em_tmpl(t, sev, " <b>(estimate)</b><br><span class=\"hist\">estimated from: "
                       "{estimated_from}</span>");
      em_tmpl(t, sev, "</td><td>{source}</td><td>");
      em_tmpl(t, sev, "<span class=\"id\">{finding?}</span></td></tr>\n");
    }
    em_put(t, "</table>\n</section>\n");
  }
  if (em_assumed_drives(NULL, report)) {
    em_put(t, "<p class=\"note\">Drive letters assumed (no MountedDevices entry matched the "
           "volume; the letter is from partition order, the host may have used another): ");
    em_assumed_drives(t, report);
    em_put(t, "</p>\n");
  }
  if (json_array_size(json_object_get(v, "reasons"))) {
    em_put(t, "<section id=\"why\">\n<h2>Why</h2>\n");
    finding_refs(t, report, json_object_get(v, "reasons"));
    em_put(t, "\n</section>\n");
  }
}

static void evidence(struct rs_emit *t, const json_t *report)
{
  const json_t *ev = json_object_get(report, "evidence"), *run = json_object_get(report, "run");
  em_put(t, "<section id=\"evidence\">\n<h2>Evidence</h2>\n<table class=\"kv\">\n");
  row(t, "Case", run, "case");
  row(t, "Examiner", run, "examiner");
  row(t, "Evidence ID", run, "evidence_id");
  row(t, "Organization", run, "organization");
  row(t, "Notes", run, "notes");
  size_t i;
  const json_t *s;
  em_put(t, "<tr><th>Segments</th><td>");
  em_each(t, json_object_get(ev, "segments"), "<code>", false, "</code><br>");
  em_put(t, "</td></tr>\n");
  row(t, "Format", ev, "format");
  const json_t *ct = json_object_get(ev, "container");
  if (json_is_object(ct)) {
    em_tmpl(t, ct, "<tr><th>Container</th><td>{format} {type}, read with {reader}</td></tr>\n");
    json_array_foreach(json_object_get(ct, "parents"), i, s)
      em_tmpl(t, s, "<tr><th>Parent disk</th><td><code>{path}</code> ({format} {type}, named "
                    "<code>{named_as}</code>)</td></tr>\n");
  }
  row(t, "Media size (bytes)", ev, "media_size");
  const json_t *h = json_object_get(ev, "hashes"), *st = json_object_get(ev, "stored_hashes");
  if (json_is_object(h)) {
    row(t, "MD5", h, "md5");
    row(t, "SHA-1", h, "sha1");
    row(t, "SHA-256", h, "sha256");
  } else {
    em_put(t, "<tr><th>Hashes</th><td>not computed (--no-hash)</td></tr>\n");
  }
  if (json_is_object(st)) {
    row(t, "Stored MD5", st, "md5");
    row(t, "Stored SHA-1", st, "sha1");
  }
  const json_t *exh = json_object_get(ev, "expected_hash");
  if (json_is_object(exh))
    em_tmpl(t, exh, "<tr><th>Expected hash</th><td>{algorithm} <code>{value}</code></td></tr>\n");
  row(t, "Verification", ev, "verification");
  const char *k;
  const json_t *v;
  json_object_foreach(json_object_get(ev, "acquisition"), k, v) {
    em_put(t, "<tr><th>Acquisition: ");
    em_esc(t, k);
    em_put(t, "</th><td>");
    em_val(t, v, "-");
    em_put(t, "</td></tr>\n");
  }
  em_put(t, "</table>\n");
  const json_t *vols = json_object_get(report, "volumes");
  if (json_array_size(vols)) {
    em_put(t, "<table>\n<thead><tr><th>#</th><th>Start sector</th><th>Sectors</th>"
           "<th>File system</th><th>Label</th><th>Drive</th><th>Windows root</th></tr></thead>\n");
    static const char *const cols[] = {"index", "start_sector", "sectors", "fs_type",
                                       "label", "drive", "windows_root"};
    json_array_foreach(vols, i, v) {
      em_put(t, "<tr>");
      for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        em_put(t, "<td>");
        em_key(t, v, cols[c], "-");
        if (strcmp(cols[c], "drive") == 0 && em_drive_assumed(report, v))
          em_put(t, "? <small class=\"hist\">assumed: no MountedDevices entry</small>");
        em_put(t, "</td>");
      }
      em_put(t, "</tr>\n");
    }
    em_put(t, "</table>\n");
  }
  em_put(t, "</section>\n");
}

static void checklist(struct rs_emit *t, const json_t *report)
{
  const json_t *cl = json_object_get(json_object_get(report, "verdict"), "cleanup");
  em_put(t, "<section id=\"checklist\">\n<h2>Cleanup checklist</h2>\n");
  if (!json_array_size(cl)) {
    em_put(t, "<p>No checklist in the report.</p>\n</section>\n");
    return;
  }
  em_put(t, "<table>\n<thead><tr><th>Status</th><th>Item</th><th>Findings</th><th>Note</th>"
         "</tr></thead>\n");
  size_t i;
  const json_t *c;
  json_array_foreach(cl, i, c) {
    em_put(t, "<tr><td class=\"");
    cls(t, "st-", rs_writer_str(c, "status"));
    em_put(t, "\">");
    em_key(t, c, "status", "unknown");
    em_tmpl(t, c, "</td><td>{item} <small>({id})</small></td><td>");
    finding_refs(t, report, json_object_get(c, "findings"));
    em_tmpl(t, c, "</td><td>{note?}</td></tr>\n");
  }
  em_put(t, "</table>\n</section>\n");
}

static void findings(struct rs_emit *t, const json_t *report)
{
  static const struct {
    const char *k, *label;
  } times[] = {
    {"si_created_utc", "$SI created"}, {"si_modified_utc", "$SI modified"},
    {"si_accessed_utc", "$SI accessed"}, {"si_mft_modified_utc", "$SI MFT changed"},
    {"fn_created_utc", "$FN created"}, {"fn_modified_utc", "$FN modified"},
    {"fn_accessed_utc", "$FN accessed"}, {"fn_mft_modified_utc", "$FN MFT changed"},
    {"fat_created_utc", "FAT created"}, {"fat_modified_utc", "FAT modified"},
    {"fat_accessed_utc", "FAT accessed"},
    /* FAT clock times whose zone is unknown: labelled local, not UTC */
    {"fat_created_local", "FAT created (local, zone unknown)"},
    {"fat_modified_local", "FAT modified (local, zone unknown)"},
    {"fat_accessed_local", "FAT accessed (local, zone unknown)"},
  };
  const json_t *fs = json_object_get(report, "findings");
  em_put(t, "<section id=\"findings\">\n<h2>Key artifacts (findings)</h2>\n");
  if (!json_array_size(fs)) {
    em_put(t, "<p>None.</p>\n</section>\n");
    return;
  }
  /* thead: printed again on every page the table runs over */
  em_put(t, "<table>\n<thead><tr><th>Severity</th><th>ID</th><th>Finding</th><th>Path</th>"
         "<th>State</th><th>Size</th><th>Times (UTC)</th></tr></thead>\n");
  size_t i;
  const json_t *f;
  json_array_foreach(fs, i, f) {
    const json_t *alloc = json_object_get(f, "allocated");
    em_put(t, "<tr><td class=\"");
    cls(t, "s-", rs_writer_str(f, "severity"));
    em_tmpl(t, f, "\">{severity}</td><td class=\"id\"><code>{id}</code></td><td>{title}");
    const json_t *live = json_object_get(f, "live");
    if (json_is_false(live))
      em_put(t, " <span class=\"hist\">(history: not the current state)</span>");
    if (rs_writer_str(f, "why")) {
      em_tmpl(t, f, "<br><small>why: {why?}</small>");
    }
    em_tmpl(t, f, "<br><small>{kind}, ");
    em_esc(t, rs_writer_str(f, "family") ? em_family_words(rs_writer_str(f, "family")) : "-");
    em_tmpl(t, f, ", ref {ref}</small>");
    const char *k;
    const json_t *v;
    const char *kd = rs_writer_str(f, "kind");
    const json_t *det0 = json_object_get(f, "details");
    bool is_log = kd && strcmp(kd, "log") == 0 &&
                  (json_is_integer(json_object_get(det0, "hits")) ||
                   json_is_integer(json_object_get(det0, "uses")));
    bool is_reg = kd && strcmp(kd, "registry") == 0 && rs_writer_str(det0, "key");
    /* a log finding's counts are the summary in the path column */
    json_object_foreach(is_log ? NULL : (json_t *)det0, k, v) {
      em_put(t, "<br><small>");
      em_esc(t, k);
      em_put(t, ": ");
      if (em_is_str_list(v)) { /* each member escaped once, numbered */
        em_put(t, "</small><ol class=\"strs\">");
        em_each(t, v, "<li><small>", false, "</small></li>");
        em_put(t, "</ol>");
        continue;
      }
      em_val(t, v, "-");
      em_put(t, "</small>");
    }
    /* hashes under the finding, full width: a narrow column would break
     * them over many lines */
    if (rs_writer_str(f, "md5")) {
      em_tmpl(t, f, "<br><small>md5 <code class=\"hash\">{md5?}</code></small>");
    }
    if (rs_writer_str(f, "sha1")) {
      em_tmpl(t, f, "<br><small>sha1 <code class=\"hash\">{sha1?}</code></small>");
    }
    if (rs_writer_str(f, "sha256")) {
      em_tmpl(t, f, "<br><small>sha256 <code class=\"hash\">{sha256?}</code></small>");
    }
    if (json_is_true(json_object_get(f, "si_before_fn")))
      em_put(t, "<br><small class=\"deleted\">$SI created before $FN created: $SI times may have "
             "been set back</small>");
    if (json_is_object(json_object_get(f, "content_damaged")))
      em_tmpl(t, json_object_get(f, "content_damaged"),
              "<br><small class=\"deleted\">{bytes} byte(s) of its content lie in damaged EWF "
              "chunks and were read as zeros: the hashes are not of the acquired data</small>");
    em_put(t, "</td><td><code class=\"path\">");
    if (is_log || is_reg) { /* a key path breaks after a backslash too */
      struct rs_buf loc;
      rs_buf_init(&loc, RS_WRITER_MAX);
      enum rs_err le = rs_writer_locator(&loc, f);
      if (le == RS_OK)
        em_path(t, loc.data ? loc.data : "");
      else if (!t->err)
        t->err = le;
      rs_buf_free(&loc);
    } else
      em_path(t, rs_writer_str(f, "path"));
    em_put(t, "</code>");
    if (rs_writer_str(f, "path") && em_drive_assumed(report, f))
      em_put(t, "<br><small class=\"hist\">drive letter assumed</small>");
    em_put(t, "</td><td>");
    em_put(t, json_is_true(alloc) ? "allocated"
                               : json_is_false(alloc) ? "<span class=\"deleted\">deleted</span>" : "-");
    if (json_is_integer(json_object_get(f, "mft_entry"))) {
      em_tmpl(t, f, "<br><small>MFT {mft_entry}</small>");
      const json_t *st = json_object_get(f, "stream");
      if (json_is_object(st))
        em_tmpl(t, st, "<br><small>stream {name}: TSK {tsk_address}</small>");
    } else if (json_is_integer(json_object_get(f, "dir_entry"))) {
      em_tmpl(t, f, "<br><small>FAT entry {dir_entry}</small>");
    }
    em_tmpl(t, f, "</td><td>{size}</td><td class=\"times\">");
    const json_t *tm = json_object_get(f, "times");
    for (size_t k2 = 0; k2 < sizeof times / sizeof times[0]; k2++) {
      if (!rs_writer_str(tm, times[k2].k))
        continue;
      em_putf(t, "<small>%s</small> <span class=\"ts\">", times[k2].label);
      em_key(t, tm, times[k2].k, "");
      em_put(t, "</span><br>");
    }
    if (rs_writer_str(tm, "note"))
      em_tmpl(t, tm, "<small class=\"hist\">{note}</small>");
    em_put(t, "</td></tr>\n");
  }
  em_put(t, "</table>\n</section>\n");
}

static void tri(struct rs_emit *t, const json_t *v)
{
  em_put(t, json_is_true(v) ? "present" : json_is_false(v) ? "absent" : "unknown");
}

static void system_facts(struct rs_emit *t, const json_t *report)
{
  const json_t *sys = json_object_get(report, "system"), *os = json_object_get(sys, "os");
  em_put(t, "<section id=\"system\">\n<h2>System</h2>\n<table class=\"kv\">\n");
  row(t, "OS product", os, "product");
  row(t, "Version", os, "version");
  row(t, "Build", os, "build");
  row(t, "Service pack", os, "service_pack");
  if (json_is_boolean(json_object_get(os, "sp6a")))
    row(t, "SP6a", os, "sp6a");
  if (rs_writer_str(sys, "computer_name"))
    row(t, "Computer name", sys, "computer_name");
  if (rs_writer_str(sys, "time_zone"))
    row(t, "Time zone", sys, "time_zone");
  row(t, "Current control set", sys, "current_control_set");
  const json_t *sm = json_object_get(sys, "script_maps");
  em_put(t, "<tr><th>Script maps</th><td>.ida ");
  tri(t, json_object_get(sm, "ida"));
  em_put(t, ", .idq ");
  tri(t, json_object_get(sm, "idq"));
  em_tmpl(t, sm, " <small>(.ida decided by <code>{source}</code>");
  if (rs_writer_str(sm, "metabase"))
    em_tmpl(t, sm, "; MetaBase.bin <code>{metabase}</code>");
  em_put(t, ")</small></td></tr>\n");
  const char *k;
  const json_t *v;
  json_object_foreach(json_object_get(sys, "virtual_roots"), k, v) {
    em_put(t, "<tr><th>Virtual root <code>");
    em_esc(t, k);
    em_put(t, "</code></th><td><code>");
    em_val(t, v, "(absent)");
    em_put(t, "</code></td></tr>\n");
  }
  row(t, "SFCDisable", sys, "sfcdisable");
  json_object_foreach(json_object_get(sys, "hotfixes"), k, v) {
    em_put(t, "<tr><th>Hotfix ");
    em_esc(t, k);
    em_put(t, "</th><td>");
    tri(t, json_object_get(v, "present"));
    if (rs_writer_str(v, "key")) {
      em_tmpl(t, v, " <code>{key?}</code>");
    }
    if (rs_writer_str(v, "last_written_utc")) {
      em_tmpl(t, v, " <small>written {last_written_utc?}</small>");
    }
    em_put(t, "</td></tr>\n");
  }
  em_put(t, "</table>\n");
  const json_t *sets = json_object_get(sys, "control_sets");
  if (json_array_size(sets)) {
    em_put(t, "<h3>Control sets</h3>\n<table>\n<thead><tr><th>Control set</th><th>Select</th>"
           "<th>/C</th><th>/D</th><th>/Scripts</th><th>/MSADC</th></tr></thead>\n");
    size_t j;
    const json_t *cs;
    json_array_foreach(sets, j, cs) {
      em_tmpl(t, cs, "<tr><td>{name}</td><td>");
      static const char *const flags[] = {"current", "default", "last_known_good", "failed"};
      for (int fl = 0; fl < 4; fl++)
        if (json_is_true(json_object_get(cs, flags[fl]))) {
          em_put(t, flags[fl]);
          em_put(t, " ");
        }
      static const char *const roots[] = {"/C", "/D", "/Scripts", "/MSADC"};
      for (int r = 0; r < 4; r++) {
        em_put(t, "</td><td><code>");
        em_key(t, json_object_get(cs, "virtual_roots"), roots[r], "(absent)");
        em_put(t, "</code>");
      }
      em_put(t, "</td></tr>\n");
    }
    em_put(t, "</table>\n");
  }
  const json_t *hv = json_object_get(sys, "hives");
  if (json_array_size(hv)) {
    em_put(t, "<h3>Hives read</h3>\n<table>\n<thead><tr><th>Hive</th><th>Role</th><th>Kind</th>"
           "<th>State</th></tr></thead>\n");
    size_t j;
    const json_t *h;
    json_array_foreach(hv, j, h) {
      em_put(t, "<tr>");
      em_file_cell(t, h);
      em_tmpl(t, h, "<td>{role}</td><td>{kind}</td><td>");
      if (json_is_true(json_object_get(h, "dirty")))
        em_put(t, "<span class=\"deleted\">dirty: the .LOG changes were not applied</span>");
      else if (rs_writer_str(h, "error")) {
        em_tmpl(t, h, "unreadable: {error}");
      } else
        em_put(t, "clean");
      em_put(t, "</td></tr>\n");
    }
    em_put(t, "</table>\n");
  }
  const json_t *vals = json_object_get(sys, "values");
  if (json_array_size(vals)) {
    em_put(t, "<h3>Registry values read</h3>\n<table>\n<thead><tr><th>Hive</th><th>Key</th>"
           "<th>Value</th><th>Type</th><th>Data</th><th>Key last written (UTC)</th>"
           "</tr></thead>\n");
    size_t j;
    const json_t *rv;
    json_array_foreach(vals, j, rv) {
      em_put(t, "<tr><td><code class=\"path\">");
      em_path(t, rs_writer_str(rv, "hive"));
      em_tmpl(t, rv, "</code> <small>({hive_role})</small></td><td><code class=\"path\">");
      em_path(t, rs_writer_str(rv, "key"));
      em_put(t, "</code></td><td><code>");
      const char *nm = rs_writer_str(rv, "value");
      if (nm && !nm[0])
        em_put(t, "(default)");
      else
        em_key(t, rv, "value", "-");
      em_tmpl(t, rv, "</code></td><td>{type}</td><td><code>{data}</code></td>"
                     "<td class=\"ts\">{key_last_written_utc}</td></tr>\n");
    }
    em_put(t, "</table>\n");
  }
  const json_t *idq = json_object_get(sys, "idq_dll");
  em_put(t, "<h3>idq.dll copies</h3>\n");
  if (!json_array_size(idq)) {
    em_put(t, "<p>None found.</p>\n");
  } else {
    em_put(t, "<table>\n<thead><tr><th>Path</th><th>Version</th><th>Role</th><th>State</th>"
           "<th>Size</th><th>PE time</th><th>Why this state</th></tr></thead>\n");
    size_t i;
    json_array_foreach(idq, i, v) {
      const json_t *p = json_object_get(v, "patched");
      em_put(t, "<tr><td><code class=\"path\">");
      em_path(t, rs_writer_str(v, "path"));
      em_tmpl(t, v, "</code></td><td>{file_version}</td><td>{role}");
      em_put(t, json_is_true(p) ? "</td><td class=\"st-pass\">patched"
                             : json_is_false(p) ? "</td><td class=\"st-fail\">vulnerable"
                                                : "</td><td class=\"st-unknown\">unknown");
      em_tmpl(t, v, "</td><td>{size}</td><td class=\"ts\">{pe_timestamp_utc}</td><td><small>{why?}");
      if (rs_writer_str(v, "rule")) {
        em_tmpl(t, v, " (rule <code>{rule?}</code>)");
      }
      /* the digest on a row of its own: whole, never split */
      em_tmpl(t, v, "</small></td></tr>\n<tr class=\"sub\"><td colspan=\"7\"><small>sha256 "
                    "<code class=\"hash\">{sha256}</code></small></td></tr>\n");
    }
    em_put(t, "</table>\n");
  }
  em_put(t, "</section>\n");
}

static void logs(struct rs_emit *t, const json_t *report)
{
  const json_t *lg = json_object_get(report, "logs");
  size_t i;
  const json_t *v;
  em_put(t, "<section id=\"logs\">\n<h2>Web server logs</h2>\n");
  em_put(t, "<table>\n<thead><tr><th>File</th><th>Format</th><th>Lines</th><th>Parsed</th>"
         "<th>Unparsed</th><th>First (UTC)</th><th>Last (UTC)</th></tr></thead>\n");
  static const char *const fcols[] = {"format", "lines", "parsed", "unparsed", "first_utc",
                                      "last_utc"};
  json_array_foreach(json_object_get(lg, "files"), i, v) {
    em_put(t, "<tr>");
    em_file_cell(t, v);
    for (size_t c = 0; c < sizeof fcols / sizeof fcols[0]; c++) {
      em_td(t, fcols[c]);
      em_key(t, v, fcols[c], "-");
      em_put(t, "</td>");
    }
    em_put(t, "</tr>\n");
  }
  em_put(t, "</table>\n");
  static const struct {
    const char *k, *label;
  } fam[] = {
    {"code_red_1", "Code Red I"}, {"code_red_2", "Code Red II"},
    {"code_red_unknown", "Code Red (variant unknown)"},
    {"ida_other", "other .ida/.idq overflow"}, {"nimda", "Nimda"},
    {"root_exe_other", "root.exe, other"},
  };
  const json_t *hits = json_object_get(lg, "hits");
  em_put(t, "<h3>Worm requests by family</h3>\n<table class=\"kv\">\n");
  for (size_t f = 0; f < sizeof fam / sizeof fam[0]; f++)
    row(t, fam[f].label, hits, fam[f].k);
  em_put(t, "</table>\n<h3>Attackers</h3>\n");
  const json_t *as = json_object_get(lg, "attackers_summary");
  if (json_integer_value(json_object_get(as, "itemised")) >
          (json_int_t)json_array_size(json_object_get(lg, "attackers")) ||
      json_integer_value(json_object_get(as, "hits_not_itemised")) > 0) {
    em_tmpl(t, as, "<p>{itemised} source IPs itemised; the top {listed} are listed. Hits by IPs "
                   "not listed: {hits_itemised_not_listed}; by IPs not itemised: "
                   "{hits_not_itemised} (sample: {sample}).</p>\n");
  }
  em_put(t, "<table>\n<thead><tr><th>IP</th><th>Hits</th>"
         "<th>First (UTC)</th><th>Last (UTC)</th><th>Families</th></tr></thead>\n");
  static const char *const acols[] = {"ip", "hits", "first_utc", "last_utc", "families"};
  json_array_foreach(json_object_get(lg, "attackers"), i, v) {
    em_put(t, "<tr>");
    for (size_t c = 0; c < sizeof acols / sizeof acols[0]; c++) {
      em_td(t, acols[c]);
      const json_t *fl = json_object_get(v, acols[c]);
      if (json_is_array(fl)) { /* families as words, not a JSON array */
        size_t j;
        const json_t *fa;
        json_array_foreach(fl, j, fa) {
          em_put(t, j ? ", " : "");
          em_esc(t, em_family_words(json_string_value(fa)));
        }
      } else {
        em_key(t, v, acols[c], "-");
      }
      em_put(t, "</td>");
    }
    em_put(t, "</tr>\n");
  }
  em_put(t, "</table>\n<h3>Backdoor use</h3>\n");
  const json_t *bd = json_object_get(lg, "backdoor_use");
  if (!json_array_size(bd)) {
    em_put(t, "<p>No request to the backdoor was answered 2xx/502.</p>\n");
  } else {
    em_put(t, "<table>\n<thead><tr><th>UTC</th><th>IP</th><th>Status</th><th>Request</th>"
           "<th>Log file, line</th></tr></thead>\n");
    json_array_foreach(bd, i, v) {
      em_tmpl(t, v, "<tr><td><span class=\"ts\">{utc}</span>");
      if (rs_writer_str(v, "local_time")) {
        em_tmpl(t, v, "<br><small>local clock {local_time}, zone unknown: not UTC</small>");
      }
      em_tmpl(t, v, "</td><td>{ip}</td><td>{status}</td><td><code>{request}</code></td><td><code>{file}</code>, {line}</td></tr>\n");
    }
    em_put(t, "</table>\n");
  }
  em_put(t, "</section>\n");
}

static void unreadable(struct rs_emit *t, const json_t *report)
{
  const json_t *u = json_object_get(report, "unreadable");
  em_put(t, "<section id=\"unreadable\">\n<h2>Could not be read</h2>\n");
  if (!json_array_size(u)) {
    em_put(t, "<p>Nothing.</p>\n</section>\n");
    return;
  }
  em_put(t, "<table>\n<thead><tr><th>What</th><th>Where</th><th>Reason</th></tr></thead>\n");
  size_t i;
  const json_t *v;
  json_array_foreach(u, i, v) {
    em_tmpl(t, v, "<tr><td>{what}</td><td><code>{where}</code></td><td>{reason}</td></tr>\n");
  }
  em_put(t, "</table>\n</section>\n");
}

/* With --timeline-hits it may hold millions of rows: written out as it
 * goes (em_drain), never held whole. */
static void timeline(struct rs_emit *t, const json_t *report, struct rs_hits *hits, FILE *fp)
{
  em_put(t, "<section id=\"timeline\">\n<h2>Timeline (UTC)</h2>\n");
  em_put(t, "<table>\n<thead><tr><th>Date and time (UTC)</th><th>Source</th><th>What the time "
         "means</th><th>Event</th><th>Finding</th></tr></thead>\n");
  struct rs_tl_iter it;
  tl_iter_init(&it, report, hits);
  const json_t *e;
  struct em_group g = {0};
  for (;;) {
    e = t->err ? NULL : tl_iter_next(&it);
    if (e && em_group_add(&g, e))
      continue;
    if (g.first) { /* a file's times within one second: one row, MACB flags */
      if (g.n == 1) {
        em_tmpl(t, g.first, "<tr><td class=\"ts\">{datetime}</td><td>{source}</td><td>{timestamp_desc}");
      } else {
        em_put(t, "<tr><td>");
        em_group_time(t, &g);
        em_tmpl(t, g.first, "</td><td>{source}</td><td class=\"macb\" title=\"m modified, a "
                            "accessed, c MFT entry changed, b created\">");
        em_group_flags(t, &g);
      }
      em_tmpl(t, g.first, "</td><td>{message?}</td><td class=\"id\"><code>{finding?}</code></td></tr>\n");
      em_group_end(&g);
      em_drain(t, fp);
    }
    if (!e)
      break;
    if (em_group_start(&g, e))
      continue;
    em_tmpl(t, e, "<tr><td class=\"ts\">{datetime}</td><td>{source}</td><td>{timestamp_desc}</td><td>{message?}</td><td class=\"id\"><code>{finding?}</code></td></tr>\n");
    em_drain(t, fp);
  }
  tl_iter_end(&it, t);
  em_put(t, "</table>\n</section>\n");
}

static void footer(struct rs_emit *t, const json_t *report)
{
  const json_t *tool = json_object_get(report, "tool"), *run = json_object_get(report, "run");
  em_put(t, "<footer id=\"run\">\n<h2>Run</h2>\n<table class=\"kv\">\n");
  em_put(t, "<tr><th>Tool</th><td>");
  em_key(t, tool, "name", "redsleuth");
  em_tmpl(t, tool, " {version}</td></tr>\n");
  const char *k;
  const json_t *v;
  json_object_foreach(json_object_get(tool, "libraries"), k, v) {
    em_put(t, "<tr><th>Library ");
    em_esc(t, k);
    em_put(t, "</th><td>");
    em_val(t, v, "-");
    em_put(t, "</td></tr>\n");
  }
  const json_t *bin = json_object_get(tool, "binary");
  if (json_is_object(bin))
    em_tmpl(t, bin, "<tr><th>Binary</th><td><code>{path}</code></td></tr>\n"
                    "<tr><th>Binary SHA-256</th><td><code>{sha256}</code></td></tr>\n"
                    "<tr><th>Build ID</th><td><code>{build_id}</code></td></tr>\n");
  row(t, "Started (UTC)", run, "started_utc");
  row(t, "Finished (UTC)", run, "finished_utc");
  em_put(t, "<tr><th>Command line</th><td><code>");
  size_t i;
  json_array_foreach(json_object_get(run, "command_line"), i, v) {
    if (i)
      em_put(t, " ");
    em_val(t, v, "");
  }
  em_tmpl(t, report, "</code></td></tr>\n<tr><th>Schema</th><td>{schema}");
  em_put(t, "</td></tr>\n</table>\n<p><small>Strings from the evidence are escaped: "
         "<code>\\\\</code> is one backslash, <code>\\xNN</code> a control character or a "
         "byte that is not UTF-8, <code>\\u{NNNN}</code> a C1 control or a bidirectional "
         "formatting character.</small></p>\n</footer>\n</body>\n</html>\n");
}

static enum rs_err write_html(const json_t *report, struct rs_hits *hits, FILE *out,
                              struct rs_diag *d)
{
  struct rs_emit t;
  if (!json_is_object(report))
    return rs_diag_set(d, RS_E_USAGE, "html writer", "the report is not a JSON object");
  em_init(&t, rs_escape_html);
  head(&t, report);
  banner(&t, report);
  /* the attack at a glance, before the detail */
  em_put(&t, "<section id=\"activity\">\n<h2>Activity</h2>\n");
  rs_html_chart(&t, report);
  em_put(&t, "</section>\n");
  evidence(&t, report);
  checklist(&t, report);
  findings(&t, report);
  system_facts(&t, report);
  logs(&t, report);
  rs_html_host_logs(&t, report);
  rs_html_residue(&t, report);
  unreadable(&t, report);
  timeline(&t, report, hits, out);
  footer(&t, report);
  enum rs_err e = em_finish(&t, out, "html writer", d);
  em_free(&t);
  return e;
}

const struct rs_writer rs_writer_html = {"html", "report.html", write_html};
