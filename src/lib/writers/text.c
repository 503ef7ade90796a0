/* report.txt and the default stdout of `scan`: what a person reads first.
 * Order: a stored-hash mismatch (in capitals, before anything else) and
 * the other report.warnings (a split set whose sizes do not fit), the
 * verdict and why, the evidence, the cleanup checklist, the key artifacts,
 * the system facts, the logs, the event logs, Dr. Watson and UrlScan logs
 * (only when there are any), where the content searches looked (when they
 * ran), what could not be read, the timeline. `redsleuth info`'s text is
 * in writers/info_text.c.
 * Every string from the report goes through rs_escape_text: a file name
 * cannot move the cursor, recolour or clear the examiner's terminal. */
#include "redsleuth/writer.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/escape.h"
#include "writers/emit.h"

#define RULE "================================================================================\n"

/* "  Label:      value\n" */
static void field(struct rs_emit *t, const char *label, const json_t *o, const char *k)
{
  em_putf(t, "  %-14s ", label);
  em_key(t, o, k, "-");
  em_put(t, "\n");
}

static void upper(struct rs_emit *t, const char *s)
{
  /* Only used on verdict/status words, which the driver takes from a fixed
   * list; still escaped, as everything from the report is. */
  if (t->err)
    return;
  size_t start = t->out.len;
  t->err = rs_escape_text(&t->out, s, strlen(s));
  for (size_t i = start; !t->err && i < t->out.len; i++)
    t->out.data[i] = (char)toupper((unsigned char)t->out.data[i]);
}

static void section(struct rs_emit *t, const char *title)
{
  em_putf(t, "\n%s\n", title);
  for (size_t i = 0; i < strlen(title); i++)
    em_put(t, "-");
  em_put(t, "\n");
}

/* A section over a list: its title, then `empty` and false when the list has
 * no entries (the caller returns), true when there are rows to print. */
static bool list_section(struct rs_emit *t, const char *title, const json_t *list,
                         const char *empty)
{
  section(t, title);
  if (json_array_size(list))
    return true;
  em_putf(t, "  %s\n", empty);
  return false;
}

static bool has_locator(const json_t *f)
{
  struct rs_buf b;
  rs_buf_init(&b, 1 << 16);
  bool any = rs_writer_locator(&b, f) == RS_OK && b.len > 0;
  rs_buf_free(&b);
  return any;
}

/* "ID [critical] title\n        where\n" for each id in ids. */
static void finding_refs(struct rs_emit *t, const json_t *report, const json_t *ids,
                         const char *indent)
{
  size_t i;
  const json_t *id;
  json_array_foreach(ids, i, id) {
    const json_t *f = em_find_finding(report, json_string_value(id));
    em_put(t, indent);
    em_val(t, id, "-");
    if (!f) {
      em_put(t, " (no such finding in the report)\n");
      continue;
    }
    em_tmpl(t, f, " [{severity}] {title}\n");
    if (has_locator(f)) {
      em_put(t, indent);
      em_put(t, "      ");
      em_locator(t, f);
      em_put(t, "\n");
    }
  }
}

static void hash_mismatch_banner(struct rs_emit *t, const json_t *ev)
{
  const char *v = rs_writer_str(ev, "verification");
  if (!v || strcmp(v, "mismatch") != 0)
    return;
  const json_t *st = json_object_get(ev, "stored_hashes"), *h = json_object_get(ev, "hashes");
  const json_t *ex = json_object_get(ev, "expected_hash");
  const char *ealg = rs_writer_str(ex, "algorithm"), *eval = rs_writer_str(ex, "value");
  const char *egot = ealg ? rs_writer_str(h, ealg) : NULL;
  bool ebad = eval && egot && strcasecmp(eval, egot) != 0;
  if (ebad)
    em_put(t, "!!! EXPECTED HASH MISMATCH: THE IMAGE DOES NOT MATCH THE ACQUISITION HASH GIVEN "
              "(--expect-hash) !!!\n");
  if (json_is_object(st) || !ebad)
    em_put(t, "!!! STORED HASH MISMATCH: THE IMAGE DOES NOT MATCH THE HASHES STORED IN IT !!!\n");
  em_put(t, "!!! The evidence may be altered or damaged. Compare with the acquisition record. !!!\n");
  if (ebad) {
    em_putf(t, "!!! %-6s expected ", ealg);
    em_key(t, ex, "value", "-");
    em_putf(t, "\n!!! %-6s computed ", ealg);
    em_key(t, h, ealg, "-");
    em_put(t, "\n");
  }
  static const char *const algs[] = {"md5", "sha1"};
  for (int i = 0; i < 2; i++) {
    if (!rs_writer_str(st, algs[i]))
      continue;
    em_putf(t, "!!! %-4s stored   ", algs[i]);
    em_key(t, st, algs[i], "-");
    em_putf(t, "\n!!! %-4s computed ", algs[i]);
    em_key(t, h, algs[i], "-");
    em_put(t, "\n");
  }
  em_put(t, "\n");
}

static void verdict(struct rs_emit *t, const json_t *report)
{
  const json_t *v = json_object_get(report, "verdict");
  const char *status = rs_writer_str(v, "status");
  em_put(t, "VERDICT: ");
  upper(t, status ? status : "none");
  em_put(t, "\n\n");
  if (rs_writer_str(v, "summary")) {
    em_tmpl(t, v, "{summary?}\n");
  }
  /* the story first (issue 13): the key events in order, each with its source */
  const json_t *story = json_object_get(report, "story");
  size_t si;
  const json_t *ev;
  if (json_array_size(story)) {
    em_put(t, "\nKey events (UTC, in order):\n");
    json_array_foreach(story, si, ev) {
      em_tmpl(t, ev, "  {utc}  {event}");
      if (json_is_true(json_object_get(ev, "estimate")))
        em_put(t, "  (ESTIMATE)");
      if (rs_writer_str(ev, "finding"))
        em_tmpl(t, ev, "  [{finding}]");
      em_tmpl(t, ev, "\n        source: {source}\n");
      if (json_is_true(json_object_get(ev, "estimate")))
        em_tmpl(t, ev, "        estimated from: {estimated_from}\n");
    }
  }
  const json_t *notes = json_object_get(v, "notes");
  if (json_array_size(notes)) {
    em_put(t, "\nNotes on this verdict:\n");
    em_each(t, notes, "  - ", false, "\n");
  }
  if (em_assumed_drives(NULL, report)) {
    em_put(t, "\nDrive letters assumed (no MountedDevices entry matched the volume; the letter "
           "is from partition order, the host may have used another): ");
    em_assumed_drives(t, report);
    em_put(t, "\n");
  }
  const json_t *reasons = json_object_get(v, "reasons");
  if (json_array_size(reasons)) {
    em_put(t, "\nWhy (findings behind the verdict):\n");
    finding_refs(t, report, reasons, "  ");
  }
}

static void run_block(struct rs_emit *t, const json_t *report)
{
  const json_t *tool = json_object_get(report, "tool"), *run = json_object_get(report, "run");
  section(t, "Run");
  em_put(t, "  Tool           ");
  em_key(t, tool, "name", "redsleuth");
  em_tmpl(t, tool, " {version}\n");
  const json_t *libs = json_object_get(tool, "libraries");
  if (json_object_size(libs)) {
    em_put(t, "  Libraries      ");
    const char *k;
    const json_t *lv;
    int first = 1;
    json_object_foreach((json_t *)libs, k, lv) {
      if (!first)
        em_put(t, ", ");
      first = 0;
      if (!t->err)
        t->err = rs_escape_text(&t->out, k, strlen(k));
      em_put(t, " ");
      em_val(t, lv, "-");
    }
    em_put(t, "\n");
  }
  const json_t *bin = json_object_get(tool, "binary");
  if (json_is_object(bin)) {
    em_put(t, "  Binary         ");
    em_tmpl(t, bin, "{path}\n  Binary SHA-256 {sha256}\n  Build ID       {build_id}\n");
  }
  field(t, "Case", run, "case");
  field(t, "Examiner", run, "examiner");
  field(t, "Evidence ID", run, "evidence_id");
  field(t, "Organization", run, "organization");
  field(t, "Notes", run, "notes");
  field(t, "Started", run, "started_utc");
  field(t, "Finished", run, "finished_utc");
  const json_t *cl = json_object_get(run, "command_line");
  if (json_array_size(cl)) {
    em_put(t, "  Command line  ");
    em_each(t, cl, " ", false, "");
    em_put(t, "\n");
  }
}

static void evidence(struct rs_emit *t, const json_t *report)
{
  const json_t *ev = json_object_get(report, "evidence");
  section(t, "Evidence");
  size_t i;
  const json_t *s;
  json_array_foreach(json_object_get(ev, "segments"), i, s) {
    em_put(t, i ? "                 " : "  Segments       ");
    em_val(t, s, "-");
    em_put(t, "\n");
  }
  field(t, "Format", ev, "format");
  const json_t *ct = json_object_get(ev, "container");
  if (json_is_object(ct)) {
    em_tmpl(t, ct, "  Container      {format} {type}, read with {reader}\n");
    json_array_foreach(json_object_get(ct, "parents"), i, s)
      em_tmpl(t, s, "  Parent         {path} ({format} {type}, named \"{named_as}\")\n");
  }
  em_tmpl(t, ev, "  Media size     {media_size} bytes\n");
  const json_t *h = json_object_get(ev, "hashes");
  if (!json_is_object(h)) {
    em_put(t, "  Hashes         not computed (--no-hash)\n");
  } else {
    field(t, "MD5", h, "md5");
    field(t, "SHA-1", h, "sha1");
    field(t, "SHA-256", h, "sha256");
  }
  const json_t *st = json_object_get(ev, "stored_hashes");
  if (json_is_object(st)) {
    field(t, "Stored MD5", st, "md5");
    field(t, "Stored SHA-1", st, "sha1");
  }
  const json_t *exh = json_object_get(ev, "expected_hash");
  if (json_is_object(exh))
    em_tmpl(t, exh, "  Expected hash  {algorithm} {value}\n");
  em_put(t, "  Verification   ");
  const char *vf = rs_writer_str(ev, "verification");
  if (vf && strcmp(vf, "mismatch") == 0)
    em_put(t, "MISMATCH");
  else
    em_key(t, ev, "verification", "-");
  em_put(t, "\n");
  const json_t *acq = json_object_get(ev, "acquisition");
  if (json_object_size(acq)) {
    em_put(t, "  Acquisition (as stored in the container):\n");
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)acq, k, v) {
      em_put(t, "    ");
      if (!t->err)
        t->err = rs_escape_text(&t->out, k, strlen(k));
      em_put(t, ": ");
      em_val(t, v, "-");
      em_put(t, "\n");
    }
  }
  const json_t *vols = json_object_get(report, "volumes");
  if (json_array_size(vols)) {
    em_put(t, "  Volumes:\n");
    const json_t *vo;
    json_array_foreach(vols, i, vo) {
      em_put(t, "    #");
      em_key(t, vo, "index", "?");
      em_tmpl(t, vo, " start sector {start_sector}, {sectors} sectors, {fs_type}, label \"{label?}\", drive {drive}");
      if (em_drive_assumed(report, vo))
        em_put(t, "? (assumed from partition order: no MountedDevices entry)");
      em_tmpl(t, vo, ", Windows root {windows_root}\n");
    }
  }
}

static void checklist(struct rs_emit *t, const json_t *report)
{
  const json_t *cl = json_object_get(json_object_get(report, "verdict"), "cleanup");
  if (!list_section(t, "Cleanup checklist", cl, "(no checklist in the report)"))
    return;
  size_t i;
  const json_t *c;
  json_array_foreach(cl, i, c) {
    const char *st = rs_writer_str(c, "status");
    em_put(t, "  [");
    upper(t, st ? st : "unknown");
    em_put(t, st && strlen(st) >= 7 ? "] " : "]    ");
    em_tmpl(t, c, "{item}  ({id})\n");
    const char *note = rs_writer_str(c, "note");
    if (note && *note) {
      em_tmpl(t, c, "            note: {note?}\n");
    }
    finding_refs(t, report, json_object_get(c, "findings"), "            ");
  }
}

static void times_lines(struct rs_emit *t, const json_t *times)
{
  static const struct {
    const char *label;
    const char *k[4];
  } rows[] = {
    {"$SI", {"si_created_utc", "si_modified_utc", "si_accessed_utc", "si_mft_modified_utc"}},
    {"$FN", {"fn_created_utc", "fn_modified_utc", "fn_accessed_utc", "fn_mft_modified_utc"}},
    /* a FAT directory entry's times (converted with the host's zone): no $SI */
    {"FAT", {"fat_created_utc", "fat_modified_utc", "fat_accessed_utc", ""}},
    /* FAT clock times whose zone is unknown: labelled, never as UTC */
    {"FAT local", {"fat_created_local", "fat_modified_local", "fat_accessed_local",
                   "fat_changed_local"}},
  };
  static const char *const what[4] = {"created", "modified", "accessed", "MFT changed"};
  if (!json_is_object(times))
    return;
  for (int r = 0; r < 4; r++) {
    int any = 0;
    for (int k = 0; k < 4; k++)
      any |= rs_writer_str(times, rows[r].k[k]) != NULL;
    if (!any)
      continue;
    for (int k = 0; k < 4; k++) {
      if (!*rows[r].k[k])
        continue;
      em_putf(t, "      %s %-11s ", rows[r].label, r == 3 && k == 3 ? "changed" : what[k]);
      em_key(t, times, rows[r].k[k], "-");
      em_put(t, "\n");
    }
  }
}

static void findings(struct rs_emit *t, const json_t *report)
{
  const json_t *fs = json_object_get(report, "findings");
  if (!list_section(t, "Key artifacts (findings)", fs, "none"))
    return;
  size_t i;
  const json_t *f;
  json_array_foreach(fs, i, f) {
    em_tmpl(t, f, "  {id}  ");
    upper(t, rs_writer_str(f, "severity") ? rs_writer_str(f, "severity") : "-");
    em_tmpl(t, f, "  {title}\n      kind {kind}");
    const json_t *live = json_object_get(f, "live");
    if (json_is_boolean(live))
      em_put(t, json_is_true(live) ? " (live)" : " (history: not the current state)");
    em_tmpl(t, f, ", family {family}");
    if (rs_writer_str(f, "check")) {
      em_tmpl(t, f, ", check {check}");
    }
    em_tmpl(t, f, ", reference {ref}\n");
    if (rs_writer_str(f, "why")) {
      em_tmpl(t, f, "      why      {why}\n");
    }
    if (rs_writer_str(f, "path")) {
      em_tmpl(t, f, "      path     {path}");
      if (em_drive_assumed(report, f))
        em_put(t, "  (drive letter assumed)");
      em_put(t, "\n");
    }
    const char *kd = rs_writer_str(f, "kind");
    const json_t *det0 = json_object_get(f, "details");
    /* a log finding whose details are counts (the driver's form) shows them
     * as one summary line instead of the raw keys */
    bool log_summary = kd && strcmp(kd, "log") == 0 &&
                       (json_is_integer(json_object_get(det0, "hits")) ||
                        json_is_integer(json_object_get(det0, "uses")));
    if (kd && strcmp(kd, "registry") == 0 && rs_writer_str(det0, "key")) {
      em_put(t, "      value    ");
      em_locator(t, f);
      em_put(t, "\n");
    } else if (log_summary) {
      em_put(t, "      summary  ");
      em_locator(t, f);
      em_put(t, "\n");
    }
    const json_t *alloc = json_object_get(f, "allocated");
    if (json_is_boolean(alloc) || json_is_integer(json_object_get(f, "size"))) {
      em_put(t, "      state    ");
      em_put(t, json_is_true(alloc) ? "allocated" : json_is_false(alloc) ? "DELETED (unallocated)" : "-");
      if (json_is_integer(json_object_get(f, "dir_entry")))
        em_tmpl(t, f, ", size {size}, FAT directory entry {dir_entry} (TSK address)\n");
      else
        em_tmpl(t, f, ", size {size}, MFT entry {mft_entry}\n");
    }
    const json_t *st = json_object_get(f, "stream");
    if (json_is_object(st))
      em_tmpl(t, st, "      stream   {name}: NTFS $DATA attribute {attr_id}, TSK address "
                     "{tsk_address} (icat reads it); the times below are the file's (a "
                     "stream has none of its own)\n");
    if (rs_writer_str(f, "md5")) {
      em_tmpl(t, f, "      md5      {md5}\n");
    }
    if (rs_writer_str(f, "sha1")) {
      em_tmpl(t, f, "      sha1     {sha1}\n");
    }
    if (rs_writer_str(f, "sha256")) {
      em_tmpl(t, f, "      sha256   {sha256}\n");
    }
    const json_t *attrs = json_object_get(f, "attributes");
    if (json_array_size(attrs)) {
      em_put(t, "      attrs    ");
      size_t j;
      const json_t *a;
      json_array_foreach(attrs, j, a) {
        if (j)
          em_put(t, ", ");
        em_val(t, a, "");
      }
      em_put(t, "\n");
    }
    times_lines(t, json_object_get(f, "times"));
    if (rs_writer_str(json_object_get(f, "times"), "note")) {
      em_put(t, "      times:   ");
      em_key(t, json_object_get(f, "times"), "note", "");
      em_put(t, "\n");
    }
    if (json_is_true(json_object_get(f, "si_before_fn")))
      em_put(t, "      !! $SI created before $FN created: the $SI times may have been set back "
             "(timestomping)\n");
    if (json_is_object(json_object_get(f, "content_damaged")))
      em_tmpl(t, json_object_get(f, "content_damaged"),
              "      !! {bytes} byte(s) of its content (from offset {first_offset}) lie in damaged "
              "EWF chunks and were read as zeros: the hashes above are not of the acquired data\n");
    /* a log finding's details are its summary line above */
    const json_t *det = log_summary ? NULL : det0;
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)det, k, v) {
      em_put(t, "      ");
      if (!t->err)
        t->err = rs_escape_text(&t->out, k, strlen(k));
      if (em_is_str_list(v)) { /* one member a line, each escaped once */
        em_put(t, ":\n");
        em_each(t, v, "        ", true, "\n");
        continue;
      }
      em_put(t, ": ");
      em_val(t, v, "-");
      em_put(t, "\n");
    }
  }
}

static void tristate(struct rs_emit *t, const json_t *v)
{
  em_put(t, json_is_true(v) ? "present" : json_is_false(v) ? "absent" : "unknown");
}

static bool same_str(const json_t *a, const json_t *b, const char *k)
{
  const char *x = rs_writer_str(a, k), *y = rs_writer_str(b, k);
  return x && y && strcmp(x, y) == 0;
}

/* system.hives: every hive read, and whether it is dirty (its sequence
 * numbers differ: changes in the .LOG file were not applied, so the hive may
 * lack the last writes). */
static void hive_list(struct rs_emit *t, const json_t *sys)
{
  const json_t *hv = json_object_get(sys, "hives");
  if (!json_is_array(hv))
    return;
  em_put(t, "  Hives read\n");
  if (!json_array_size(hv))
    em_put(t, "    none\n");
  size_t i;
  const json_t *h;
  json_array_foreach(hv, i, h) {
    em_tmpl(t, h, "    {path} ({role}, {kind})");
    if (json_is_true(json_object_get(h, "dirty")))
      em_put(t, "  !! DIRTY: sequence numbers differ, the .LOG changes were not applied (the "
                "last writes may be missing)");
    if (rs_writer_str(h, "error")) {
      em_tmpl(t, h, "  unreadable: {error}");
    }
    if (em_has_file_id(h)) {
      em_put(t, "\n      ");
      em_file_id(t, h);
    }
    em_put(t, "\n");
  }
}

/* system.values, grouped by hive and key: one line per key with its
 * last-written time, then "name = data" per value read from it. */
static void registry_values(struct rs_emit *t, const json_t *sys)
{
  const json_t *vals = json_object_get(sys, "values");
  if (!json_is_array(vals))
    return; /* a report from before system.values */
  em_put(t, "  Registry values read (key, last written UTC; value = data)\n");
  if (!json_array_size(vals))
    em_put(t, "    none\n");
  const json_t *prev = NULL, *v;
  size_t i;
  json_array_foreach(vals, i, v) {
    bool same_hive = prev && same_str(prev, v, "hive") && same_str(prev, v, "hive_role");
    if (!same_hive)
      em_tmpl(t, v, "    {hive} ({hive_role})\n");
    if (!same_hive || !same_str(prev, v, "key"))
      em_tmpl(t, v, "      {key}  {key_last_written_utc}\n");
    em_put(t, "        ");
    const char *nm = rs_writer_str(v, "value");
    if (nm && !nm[0])
      em_put(t, "(default)");
    else
      em_key(t, v, "value", "-");
    const char *data = rs_writer_str(v, "data");
    if (data && !data[0])
      em_put(t, " = (empty)\n");
    else
      em_tmpl(t, v, " = {data}\n");
    prev = v;
  }
}

static void system_facts(struct rs_emit *t, const json_t *report)
{
  const json_t *sys = json_object_get(report, "system");
  const json_t *os = json_object_get(sys, "os");
  section(t, "System");
  em_put(t, "  OS             ");
  em_key(t, os, "product", "unknown");
  em_tmpl(t, os, " {version?} build {build}, ");
  em_key(t, os, "service_pack", "no service pack");
  if (json_is_boolean(json_object_get(os, "sp6a"))) {
    em_tmpl(t, os, ", SP6a {sp6a}");
  }
  em_put(t, "\n");
  if (rs_writer_str(sys, "computer_name"))
    field(t, "Computer name", sys, "computer_name");
  if (rs_writer_str(sys, "time_zone"))
    field(t, "Time zone", sys, "time_zone");
  field(t, "Control set", sys, "current_control_set");
  const json_t *sets = json_object_get(sys, "control_sets");
  if (json_array_size(sets) > 1 || (json_array_size(sets) == 1 && !rs_writer_str(sys, "current_control_set"))) {
    em_put(t, "  Control sets (virtual roots in each; history can show removed values)\n");
    size_t j;
    const json_t *cs;
    json_array_foreach(sets, j, cs) {
      em_tmpl(t, cs, "    {name}");
      static const char *const flags[] = {"current", "default", "last_known_good", "failed"};
      for (int fl = 0; fl < 4; fl++)
        if (json_is_true(json_object_get(cs, flags[fl]))) {
          em_put(t, " [");
          em_put(t, flags[fl]);
          em_put(t, "]");
        }
      em_put(t, "\n");
      const char *rk;
      const json_t *rv;
      json_object_foreach(json_object_get(cs, "virtual_roots"), rk, rv) {
        em_put(t, "      ");
        if (!t->err)
          t->err = rs_escape_text(&t->out, rk, strlen(rk));
        em_put(t, " ");
        em_val(t, rv, "(absent)");
        em_put(t, "\n");
      }
    }
  }
  const json_t *sm = json_object_get(sys, "script_maps");
  em_put(t, "  Script maps    .ida ");
  tristate(t, json_object_get(sm, "ida"));
  em_put(t, ", .idq ");
  tristate(t, json_object_get(sm, "idq"));
  em_tmpl(t, sm, " (.ida decided by {source}");
  if (rs_writer_str(sm, "metabase"))
    em_tmpl(t, sm, "; MetaBase.bin {metabase}");
  em_put(t, ")\n");
  const json_t *vr = json_object_get(sys, "virtual_roots");
  em_put(t, "  Virtual roots\n");
  static const char *const roots[] = {"/C", "/D", "/Scripts", "/MSADC"};
  for (int i = 0; i < 4; i++) {
    em_putf(t, "    %-9s    ", roots[i]);
    em_key(t, vr, roots[i], "(absent)");
    em_put(t, "\n");
  }
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)vr, k, v) {
    int known = 0;
    for (int i = 0; i < 4; i++)
      known |= strcmp(k, roots[i]) == 0;
    if (known)
      continue;
    em_put(t, "    ");
    if (!t->err)
      t->err = rs_escape_text(&t->out, k, strlen(k));
    em_put(t, "  ");
    em_val(t, v, "(absent)");
    em_put(t, "\n");
  }
  em_put(t, "  SFCDisable     ");
  em_key(t, sys, "sfcdisable", "(value absent)");
  const char *sfc = rs_writer_str(sys, "sfcdisable");
  if (sfc && strcmp(sfc, "0xffffff9d") == 0)
    em_put(t, "  <- Code Red II value: Windows File Protection off");
  em_put(t, "\n");
  const json_t *hf = json_object_get(sys, "hotfixes");
  em_put(t, "  Hotfixes\n");
  json_object_foreach((json_t *)hf, k, v) {
    em_put(t, "    ");
    if (!t->err)
      t->err = rs_escape_text(&t->out, k, strlen(k));
    em_put(t, "  ");
    tristate(t, json_object_get(v, "present"));
    if (rs_writer_str(v, "key")) {
      em_tmpl(t, v, ", key {key}");
    }
    if (rs_writer_str(v, "last_written_utc")) {
      em_tmpl(t, v, ", written {last_written_utc}");
    }
    em_put(t, "\n");
  }
  hive_list(t, sys);
  registry_values(t, sys);
  const json_t *idq = json_object_get(sys, "idq_dll");
  em_put(t, "  idq.dll copies\n");
  if (!json_array_size(idq))
    em_put(t, "    none found\n");
  size_t i;
  json_array_foreach(idq, i, v) {
    const json_t *p = json_object_get(v, "patched");
    em_tmpl(t, v, "    {path}\n      version {file_version}, role {role}, ");
    em_put(t, json_is_true(p) ? "PATCHED" : json_is_false(p) ? "VULNERABLE" : "state unknown");
    em_tmpl(t, v, ", size {size}, PE time {pe_timestamp_utc}\n      sha256 {sha256}\n");
    if (rs_writer_str(v, "why")) {
      em_tmpl(t, v, "      state {state} by rule {rule}: {why?}\n");
    }
  }
}

static void logs(struct rs_emit *t, const json_t *report)
{
  const json_t *lg = json_object_get(report, "logs");
  section(t, "Web server logs");
  size_t i;
  const json_t *v;
  const json_t *files = json_object_get(lg, "files");
  em_putf(t, "  Files: %zu\n", json_array_size(files));
  json_array_foreach(files, i, v) {
    em_tmpl(t, v, "    {path}\n      {format}, {lines} lines, {parsed} parsed, {unparsed} unparsed, {first_utc} .. {last_utc}");
    if (json_is_false(json_object_get(v, "times_utc"))) {
      em_put(t, " (local times, time zone unknown: not converted to UTC)");
    } else if (rs_writer_str(v, "time_zone")) {
      em_tmpl(t, v, " (local times converted to UTC with {time_zone})");
    }
    if (json_is_true(json_object_get(v, "deleted")))
      em_put(t, ", DELETED log file");
    if (em_has_file_id(v)) {
      em_put(t, "\n      ");
      em_file_id(t, v);
    }
    em_put(t, "\n");
  }
  const json_t *hits = json_object_get(lg, "hits");
  em_put(t, "  Worm requests (one hit = one log line)\n");
  static const struct {
    const char *k, *label;
  } fam[] = {
    {"code_red_1", "Code Red I"},
    {"code_red_2", "Code Red II"},
    {"code_red_unknown", "Code Red (variant unknown)"},
    {"ida_other", "other .ida/.idq overflow"},
    {"nimda", "Nimda"},
    {"root_exe_other", "root.exe, other"},
  };
  for (size_t f = 0; f < sizeof fam / sizeof fam[0]; f++) {
    em_putf(t, "    %-28s ", fam[f].label);
    em_key(t, hits, fam[f].k, "0");
    em_put(t, "\n");
  }
  const json_t *pd = json_object_get(lg, "per_day");
  if (json_array_size(pd)) {
    em_put(t, "  Worm requests per UTC day\n");
    const json_t *day;
    json_array_foreach(pd, i, day) {
      em_tmpl(t, day, "    {date}");
      em_counts(t, day, "  ", "  ", false);
      /* the same day's worm requests by HTTP status class (the chart's bars) */
      if (em_counts(t, json_object_get(day, "status"), "  (status ", ", ", false))
        em_put(t, ")");
      em_put(t, "\n");
    }
  }
  const json_t *att = json_object_get(lg, "attackers");
  size_t n = json_array_size(att), shown = n > 20 ? 20 : n;
  em_putf(t, "  Attackers: %zu%s\n", n, n > shown ? " (first 20 in report order)" : "");
  const json_t *as = json_object_get(lg, "attackers_summary");
  if (json_integer_value(json_object_get(as, "itemised")) > (json_int_t)n ||
      json_integer_value(json_object_get(as, "hits_not_itemised")) > 0) {
    em_tmpl(t, as, "    of {itemised} source IPs itemised (the report lists the top {listed}); "
                   "hits by IPs not listed: {hits_itemised_not_listed}, by IPs not itemised: "
                   "{hits_not_itemised}; sample: {sample}\n");
  }
  for (i = 0; i < shown; i++) {
    v = json_array_get(att, i);
    em_tmpl(t, v, "    {ip}  ");
    em_key(t, v, "hits", "0");
    em_put(t, json_integer_value(json_object_get(v, "hits")) == 1 ? " hit,  " : " hits, ");
    em_tmpl(t, v, "{first_utc} .. {last_utc}, ");
    const json_t *fams = json_object_get(v, "families");
    size_t j;
    const json_t *fa;
    json_array_foreach(fams, j, fa) {
      if (j)
        em_put(t, ", ");
      em_val(t, fa, "-");
    }
    em_put(t, "\n");
  }
  const json_t *bd = json_object_get(lg, "backdoor_use");
  em_putf(t, "  Backdoor use: %zu request(s) answered 2xx/502\n", json_array_size(bd));
  json_array_foreach(bd, i, v) {
    em_tmpl(t, v, "    {utc}  {ip}  status {status}\n");
    if (rs_writer_str(v, "local_time")) {
      em_tmpl(t, v, "      local clock {local_time} (time zone unknown: not converted to UTC)\n");
    }
    em_tmpl(t, v, "      {request}\n      {file} line {line}\n");
  }
}

static void unreadable(struct rs_emit *t, const json_t *report)
{
  const json_t *u = json_object_get(report, "unreadable");
  if (!list_section(t, "Could not be read", u, "nothing"))
    return;
  size_t i;
  const json_t *v;
  json_array_foreach(u, i, v) {
    em_tmpl(t, v, "  {what}: {where}\n    {reason}\n");
  }
}

/* With --timeline-hits it may hold millions of entries: written out as it
 * goes (em_drain), never held whole. */
static void timeline(struct rs_emit *t, const json_t *report, struct rs_hits *hits, FILE *fp)
{
  section(t, "Timeline (UTC)");
  if (tl_total(report, hits) == 0) {
    em_put(t, "  empty\n");
    return;
  }
  em_put(t, "  (a file's times within one second are one line with MACB flags, as mactime "
         "writes them:\n   m modified, a accessed, c MFT entry changed, b created; "
         "'.' not at this time)\n");
  struct rs_tl_iter it;
  tl_iter_init(&it, report, hits);
  const json_t *v;
  struct em_group g = {0};
  for (;;) {
    v = t->err ? NULL : tl_iter_next(&it);
    if (v && em_group_add(&g, v))
      continue;
    if (g.first) { /* flush the open group */
      if (g.n == 1) {
        em_tmpl(t, g.first, "  {datetime}  {source}  {timestamp_desc}");
      } else {
        em_put(t, "  ");
        em_group_time(t, &g);
        em_tmpl(t, g.first, "  {source}  ");
        em_group_flags(t, &g);
      }
      em_tmpl(t, g.first, "\n      {message?}  [{finding?}]\n");
      em_group_end(&g);
      em_drain(t, fp);
    }
    if (!v)
      break;
    if (em_group_start(&g, v))
      continue;
    em_tmpl(t, v, "  {datetime}  {source}  {timestamp_desc}\n      {message?}");
    if (rs_writer_str(v, "finding")) {
      em_tmpl(t, v, "  [{finding?}]");
    }
    em_put(t, "\n");
    em_drain(t, fp);
  }
  tl_iter_end(&it, t);
}

static enum rs_err write_text(const json_t *report, struct rs_hits *hits, FILE *out,
                              struct rs_diag *d)
{
  struct rs_emit t;
  if (!json_is_object(report))
    return rs_diag_set(d, RS_E_USAGE, "text writer", "the report is not a JSON object");
  em_init(&t, rs_escape_text);
  const json_t *ev = json_object_get(report, "evidence");
  hash_mismatch_banner(&t, ev);
  em_text_warnings(&t, report);
  em_put(&t, "redsleuth report (");
  em_key(&t, report, "schema", "-");
  em_put(&t, ")\n");
  em_put(&t, "Strings from the evidence are escaped: \\\\ is one backslash, \\xNN a control\n"
          "character or a byte that is not UTF-8, \\u{N} a C1 control or bidi character.\n" RULE);
  verdict(&t, report);
  run_block(&t, report);
  evidence(&t, report);
  checklist(&t, report);
  findings(&t, report);
  system_facts(&t, report);
  logs(&t, report);
  rs_text_host_logs(&t, report);
  rs_text_residue(&t, report);
  unreadable(&t, report);
  timeline(&t, report, hits, out);
  enum rs_err e = em_finish(&t, out, "text writer", d);
  em_free(&t);
  return e;
}

const struct rs_writer rs_writer_text = {"text", "report.txt", write_text};
