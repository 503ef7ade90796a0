/* report.txt and the default stdout of `scan`: what a person reads first.
 * Order: a stored-hash mismatch (in capitals, before anything else), the
 * verdict and why, the evidence, the cleanup checklist, the key artifacts,
 * the system facts, the logs, what could not be read, the timeline.
 * Every string from the report goes through rs_escape_text: a file name
 * cannot move the cursor, recolour or clear the examiner's terminal. */
#include "redsleuth/writer.h"

#include <ctype.h>
#include <string.h>

#include "redsleuth/escape.h"

#define RULE "================================================================================\n"

struct tx {
  struct rs_buf out;
  struct rs_buf tmp;
  enum rs_err err;
};

/* Trusted text (our own labels). */
static void put(struct tx *t, const char *s)
{
  if (!t->err)
    t->err = rs_buf_adds(&t->out, s);
}

static void putf(struct tx *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct tx *t, const char *fmt, ...)
{
  char small[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  put(t, small);
}

/* A value from the report, escaped; null/absent shows as dflt. */
static void val(struct tx *t, const json_t *v, const char *dflt)
{
  if (t->err)
    return;
  rs_buf_reset(&t->tmp);
  if ((t->err = rs_writer_value(&t->tmp, v, dflt)) != RS_OK)
    return;
  t->err = rs_escape_text(&t->out, t->tmp.data ? t->tmp.data : "", t->tmp.len);
}

static void key(struct tx *t, const json_t *o, const char *k, const char *dflt)
{
  val(t, json_is_object(o) ? json_object_get(o, k) : NULL, dflt);
}

/* "  Label:      value\n" */
static void field(struct tx *t, const char *label, const json_t *o, const char *k)
{
  putf(t, "  %-14s ", label);
  key(t, o, k, "-");
  put(t, "\n");
}

static void upper(struct tx *t, const char *s)
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

static void section(struct tx *t, const char *title)
{
  putf(t, "\n%s\n", title);
  for (size_t i = 0; i < strlen(title); i++)
    put(t, "-");
  put(t, "\n");
}

/* Where a finding is (rs_writer_locator), escaped; "" when nothing is known. */
static void locator(struct tx *t, const json_t *f)
{
  if (t->err)
    return;
  rs_buf_reset(&t->tmp);
  if ((t->err = rs_writer_locator(&t->tmp, f)) != RS_OK)
    return;
  t->err = rs_escape_text(&t->out, t->tmp.data ? t->tmp.data : "", t->tmp.len);
}

static bool has_locator(const json_t *f)
{
  struct rs_buf b;
  rs_buf_init(&b, 1 << 16);
  bool any = rs_writer_locator(&b, f) == RS_OK && b.len > 0;
  rs_buf_free(&b);
  return any;
}

static const json_t *find_finding(const json_t *report, const char *id)
{
  size_t i;
  const json_t *f;
  if (!id)
    return NULL;
  json_array_foreach(json_object_get(report, "findings"), i, f) {
    const char *fid = rs_writer_str(f, "id");
    if (fid && strcmp(fid, id) == 0)
      return f;
  }
  return NULL;
}

/* "ID [critical] title\n        where\n" for each id in ids. */
static void finding_refs(struct tx *t, const json_t *report, const json_t *ids,
                         const char *indent)
{
  size_t i;
  const json_t *id;
  json_array_foreach(ids, i, id) {
    const json_t *f = find_finding(report, json_string_value(id));
    put(t, indent);
    val(t, id, "-");
    if (!f) {
      put(t, " (no such finding in the report)\n");
      continue;
    }
    put(t, " [");
    key(t, f, "severity", "-");
    put(t, "] ");
    key(t, f, "title", "-");
    put(t, "\n");
    if (has_locator(f)) {
      put(t, indent);
      put(t, "      ");
      locator(t, f);
      put(t, "\n");
    }
  }
}

static void hash_mismatch_banner(struct tx *t, const json_t *ev)
{
  const char *v = rs_writer_str(ev, "verification");
  if (!v || strcmp(v, "mismatch") != 0)
    return;
  put(t, "!!! STORED HASH MISMATCH: THE IMAGE DOES NOT MATCH THE HASHES STORED IN IT !!!\n");
  put(t, "!!! The evidence may be altered or damaged. Compare with the acquisition record. !!!\n");
  const json_t *st = json_object_get(ev, "stored_hashes"), *h = json_object_get(ev, "hashes");
  static const char *const algs[] = {"md5", "sha1"};
  for (int i = 0; i < 2; i++) {
    if (!rs_writer_str(st, algs[i]))
      continue;
    putf(t, "!!! %-4s stored   ", algs[i]);
    key(t, st, algs[i], "-");
    putf(t, "\n!!! %-4s computed ", algs[i]);
    key(t, h, algs[i], "-");
    put(t, "\n");
  }
  put(t, "\n");
}

static void verdict(struct tx *t, const json_t *report)
{
  const json_t *v = json_object_get(report, "verdict");
  const char *status = rs_writer_str(v, "status");
  put(t, "VERDICT: ");
  upper(t, status ? status : "none");
  put(t, "\n\n");
  if (rs_writer_str(v, "summary")) {
    key(t, v, "summary", "");
    put(t, "\n");
  }
  const json_t *notes = json_object_get(v, "notes");
  size_t i;
  const json_t *n;
  if (json_array_size(notes)) {
    put(t, "\nNotes on this verdict:\n");
    json_array_foreach(notes, i, n) {
      put(t, "  - ");
      val(t, n, "");
      put(t, "\n");
    }
  }
  const json_t *reasons = json_object_get(v, "reasons");
  if (json_array_size(reasons)) {
    put(t, "\nWhy (findings behind the verdict):\n");
    finding_refs(t, report, reasons, "  ");
  }
}

static void run_block(struct tx *t, const json_t *report)
{
  const json_t *tool = json_object_get(report, "tool"), *run = json_object_get(report, "run");
  section(t, "Run");
  put(t, "  Tool           ");
  key(t, tool, "name", "redsleuth");
  put(t, " ");
  key(t, tool, "version", "-");
  put(t, "\n");
  const json_t *libs = json_object_get(tool, "libraries");
  if (json_object_size(libs)) {
    put(t, "  Libraries      ");
    const char *k;
    const json_t *lv;
    int first = 1;
    json_object_foreach((json_t *)libs, k, lv) {
      if (!first)
        put(t, ", ");
      first = 0;
      if (!t->err)
        t->err = rs_escape_text(&t->out, k, strlen(k));
      put(t, " ");
      val(t, lv, "-");
    }
    put(t, "\n");
  }
  field(t, "Case", run, "case");
  field(t, "Examiner", run, "examiner");
  field(t, "Started", run, "started_utc");
  field(t, "Finished", run, "finished_utc");
  const json_t *cl = json_object_get(run, "command_line");
  if (json_array_size(cl)) {
    put(t, "  Command line  ");
    size_t i;
    const json_t *a;
    json_array_foreach(cl, i, a) {
      put(t, " ");
      val(t, a, "");
    }
    put(t, "\n");
  }
}

static void evidence(struct tx *t, const json_t *report)
{
  const json_t *ev = json_object_get(report, "evidence");
  section(t, "Evidence");
  size_t i;
  const json_t *s;
  json_array_foreach(json_object_get(ev, "segments"), i, s) {
    put(t, i ? "                 " : "  Segments       ");
    val(t, s, "-");
    put(t, "\n");
  }
  field(t, "Format", ev, "format");
  put(t, "  Media size     ");
  key(t, ev, "media_size", "-");
  put(t, " bytes\n");
  const json_t *h = json_object_get(ev, "hashes");
  if (!json_is_object(h)) {
    put(t, "  Hashes         not computed (--no-hash)\n");
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
  put(t, "  Verification   ");
  const char *vf = rs_writer_str(ev, "verification");
  if (vf && strcmp(vf, "mismatch") == 0)
    put(t, "MISMATCH");
  else
    key(t, ev, "verification", "-");
  put(t, "\n");
  const json_t *acq = json_object_get(ev, "acquisition");
  if (json_object_size(acq)) {
    put(t, "  Acquisition (as stored in the container):\n");
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)acq, k, v) {
      put(t, "    ");
      if (!t->err)
        t->err = rs_escape_text(&t->out, k, strlen(k));
      put(t, ": ");
      val(t, v, "-");
      put(t, "\n");
    }
  }
  const json_t *vols = json_object_get(report, "volumes");
  if (json_array_size(vols)) {
    put(t, "  Volumes:\n");
    const json_t *vo;
    json_array_foreach(vols, i, vo) {
      put(t, "    #");
      key(t, vo, "index", "?");
      put(t, " start sector ");
      key(t, vo, "start_sector", "-");
      put(t, ", ");
      key(t, vo, "sectors", "-");
      put(t, " sectors, ");
      key(t, vo, "fs_type", "-");
      put(t, ", label \"");
      key(t, vo, "label", "");
      put(t, "\", drive ");
      key(t, vo, "drive", "-");
      put(t, ", Windows root ");
      key(t, vo, "windows_root", "-");
      put(t, "\n");
    }
  }
}

static void checklist(struct tx *t, const json_t *report)
{
  const json_t *cl = json_object_get(json_object_get(report, "verdict"), "cleanup");
  section(t, "Cleanup checklist");
  if (!json_array_size(cl)) {
    put(t, "  (no checklist in the report)\n");
    return;
  }
  size_t i;
  const json_t *c;
  json_array_foreach(cl, i, c) {
    const char *st = rs_writer_str(c, "status");
    put(t, "  [");
    upper(t, st ? st : "unknown");
    put(t, st && strlen(st) >= 7 ? "] " : "]    ");
    key(t, c, "item", "-");
    put(t, "  (");
    key(t, c, "id", "-");
    put(t, ")\n");
    const char *note = rs_writer_str(c, "note");
    if (note && *note) {
      put(t, "            note: ");
      key(t, c, "note", "");
      put(t, "\n");
    }
    finding_refs(t, report, json_object_get(c, "findings"), "            ");
  }
}

static void times_lines(struct tx *t, const json_t *times)
{
  static const struct {
    const char *label;
    const char *k[4];
  } rows[] = {
    {"$SI", {"si_created_utc", "si_modified_utc", "si_accessed_utc", "si_mft_modified_utc"}},
    {"$FN", {"fn_created_utc", "fn_modified_utc", "fn_accessed_utc", "fn_mft_modified_utc"}},
  };
  static const char *const what[4] = {"created", "modified", "accessed", "MFT changed"};
  if (!json_is_object(times))
    return;
  for (int r = 0; r < 2; r++) {
    int any = 0;
    for (int k = 0; k < 4; k++)
      any |= rs_writer_str(times, rows[r].k[k]) != NULL;
    if (!any)
      continue;
    for (int k = 0; k < 4; k++) {
      putf(t, "      %s %-11s ", rows[r].label, what[k]);
      key(t, times, rows[r].k[k], "-");
      put(t, "\n");
    }
  }
}

static void findings(struct tx *t, const json_t *report)
{
  const json_t *fs = json_object_get(report, "findings");
  section(t, "Key artifacts (findings)");
  if (!json_array_size(fs)) {
    put(t, "  none\n");
    return;
  }
  size_t i;
  const json_t *f;
  json_array_foreach(fs, i, f) {
    put(t, "  ");
    key(t, f, "id", "-");
    put(t, "  ");
    upper(t, rs_writer_str(f, "severity") ? rs_writer_str(f, "severity") : "-");
    put(t, "  ");
    key(t, f, "title", "-");
    put(t, "\n      kind ");
    key(t, f, "kind", "-");
    const json_t *live = json_object_get(f, "live");
    if (json_is_boolean(live))
      put(t, json_is_true(live) ? " (live)" : " (history: not the current state)");
    put(t, ", family ");
    key(t, f, "family", "-");
    if (rs_writer_str(f, "check")) {
      put(t, ", check ");
      key(t, f, "check", "-");
    }
    put(t, ", reference ");
    key(t, f, "ref", "-");
    put(t, "\n");
    if (rs_writer_str(f, "why")) {
      put(t, "      why      ");
      key(t, f, "why", "-");
      put(t, "\n");
    }
    if (rs_writer_str(f, "path")) {
      put(t, "      path     ");
      key(t, f, "path", "-");
      put(t, "\n");
    }
    const char *kd = rs_writer_str(f, "kind");
    const json_t *det0 = json_object_get(f, "details");
    /* a log finding whose details are counts (the driver's form) shows them
     * as one summary line instead of the raw keys */
    bool log_summary = kd && strcmp(kd, "log") == 0 &&
                       (json_is_integer(json_object_get(det0, "hits")) ||
                        json_is_integer(json_object_get(det0, "uses")));
    if (kd && strcmp(kd, "registry") == 0 && rs_writer_str(det0, "key")) {
      put(t, "      value    ");
      locator(t, f);
      put(t, "\n");
    } else if (log_summary) {
      put(t, "      summary  ");
      locator(t, f);
      put(t, "\n");
    }
    const json_t *alloc = json_object_get(f, "allocated");
    if (json_is_boolean(alloc) || json_is_integer(json_object_get(f, "size"))) {
      put(t, "      state    ");
      put(t, json_is_true(alloc) ? "allocated" : json_is_false(alloc) ? "DELETED (unallocated)" : "-");
      put(t, ", size ");
      key(t, f, "size", "-");
      put(t, ", MFT entry ");
      key(t, f, "mft_entry", "-");
      put(t, "\n");
    }
    if (rs_writer_str(f, "md5")) {
      put(t, "      md5      ");
      key(t, f, "md5", "-");
      put(t, "\n");
    }
    if (rs_writer_str(f, "sha1")) {
      put(t, "      sha1     ");
      key(t, f, "sha1", "-");
      put(t, "\n");
    }
    if (rs_writer_str(f, "sha256")) {
      put(t, "      sha256   ");
      key(t, f, "sha256", "-");
      put(t, "\n");
    }
    const json_t *attrs = json_object_get(f, "attributes");
    if (json_array_size(attrs)) {
      put(t, "      attrs    ");
      size_t j;
      const json_t *a;
      json_array_foreach(attrs, j, a) {
        if (j)
          put(t, ", ");
        val(t, a, "");
      }
      put(t, "\n");
    }
    times_lines(t, json_object_get(f, "times"));
    if (rs_writer_str(json_object_get(f, "times"), "note")) {
      put(t, "      times:   ");
      key(t, json_object_get(f, "times"), "note", "");
      put(t, "\n");
    }
    if (json_is_true(json_object_get(f, "si_before_fn")))
      put(t, "      !! $SI created before $FN created: the $SI times may have been set back "
             "(timestomping)\n");
    /* a log finding's details are its summary line above */
    const json_t *det = log_summary ? NULL : det0;
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)det, k, v) {
      put(t, "      ");
      if (!t->err)
        t->err = rs_escape_text(&t->out, k, strlen(k));
      put(t, ": ");
      val(t, v, "-");
      put(t, "\n");
    }
  }
}

static void tristate(struct tx *t, const json_t *v)
{
  put(t, json_is_true(v) ? "present" : json_is_false(v) ? "absent" : "unknown");
}

static void system_facts(struct tx *t, const json_t *report)
{
  const json_t *sys = json_object_get(report, "system");
  const json_t *os = json_object_get(sys, "os");
  section(t, "System");
  put(t, "  OS             ");
  key(t, os, "product", "unknown");
  put(t, " ");
  key(t, os, "version", "");
  put(t, " build ");
  key(t, os, "build", "-");
  put(t, ", ");
  key(t, os, "service_pack", "no service pack");
  if (json_is_boolean(json_object_get(os, "sp6a"))) {
    put(t, ", SP6a ");
    key(t, os, "sp6a", "-");
  }
  put(t, "\n");
  if (rs_writer_str(sys, "computer_name"))
    field(t, "Computer name", sys, "computer_name");
  if (rs_writer_str(sys, "time_zone"))
    field(t, "Time zone", sys, "time_zone");
  field(t, "Control set", sys, "current_control_set");
  const json_t *sets = json_object_get(sys, "control_sets");
  if (json_array_size(sets) > 1 || (json_array_size(sets) == 1 && !rs_writer_str(sys, "current_control_set"))) {
    put(t, "  Control sets (virtual roots in each; history can show removed values)\n");
    size_t j;
    const json_t *cs;
    json_array_foreach(sets, j, cs) {
      put(t, "    ");
      key(t, cs, "name", "-");
      static const char *const flags[] = {"current", "default", "last_known_good", "failed"};
      for (int fl = 0; fl < 4; fl++)
        if (json_is_true(json_object_get(cs, flags[fl]))) {
          put(t, " [");
          put(t, flags[fl]);
          put(t, "]");
        }
      put(t, "\n");
      const char *rk;
      const json_t *rv;
      json_object_foreach(json_object_get(cs, "virtual_roots"), rk, rv) {
        put(t, "      ");
        if (!t->err)
          t->err = rs_escape_text(&t->out, rk, strlen(rk));
        put(t, " ");
        val(t, rv, "(absent)");
        put(t, "\n");
      }
    }
  }
  const json_t *sm = json_object_get(sys, "script_maps");
  put(t, "  Script maps    .ida ");
  tristate(t, json_object_get(sm, "ida"));
  put(t, ", .idq ");
  tristate(t, json_object_get(sm, "idq"));
  put(t, " (from ");
  key(t, sm, "source", "-");
  put(t, ")\n");
  const json_t *vr = json_object_get(sys, "virtual_roots");
  put(t, "  Virtual roots\n");
  static const char *const roots[] = {"/C", "/D", "/Scripts", "/MSADC"};
  for (int i = 0; i < 4; i++) {
    putf(t, "    %-9s    ", roots[i]);
    key(t, vr, roots[i], "(absent)");
    put(t, "\n");
  }
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)vr, k, v) {
    int known = 0;
    for (int i = 0; i < 4; i++)
      known |= strcmp(k, roots[i]) == 0;
    if (known)
      continue;
    put(t, "    ");
    if (!t->err)
      t->err = rs_escape_text(&t->out, k, strlen(k));
    put(t, "  ");
    val(t, v, "(absent)");
    put(t, "\n");
  }
  put(t, "  SFCDisable     ");
  key(t, sys, "sfcdisable", "(value absent)");
  const char *sfc = rs_writer_str(sys, "sfcdisable");
  if (sfc && strcmp(sfc, "0xffffff9d") == 0)
    put(t, "  <- Code Red II value: Windows File Protection off");
  put(t, "\n");
  const json_t *hf = json_object_get(sys, "hotfixes");
  put(t, "  Hotfixes\n");
  json_object_foreach((json_t *)hf, k, v) {
    put(t, "    ");
    if (!t->err)
      t->err = rs_escape_text(&t->out, k, strlen(k));
    put(t, "  ");
    tristate(t, json_object_get(v, "present"));
    if (rs_writer_str(v, "key")) {
      put(t, ", key ");
      key(t, v, "key", "-");
    }
    if (rs_writer_str(v, "last_written_utc")) {
      put(t, ", written ");
      key(t, v, "last_written_utc", "-");
    }
    put(t, "\n");
  }
  const json_t *idq = json_object_get(sys, "idq_dll");
  put(t, "  idq.dll copies\n");
  if (!json_array_size(idq))
    put(t, "    none found\n");
  size_t i;
  json_array_foreach(idq, i, v) {
    const json_t *p = json_object_get(v, "patched");
    put(t, "    ");
    key(t, v, "path", "-");
    put(t, "\n      version ");
    key(t, v, "file_version", "-");
    put(t, ", role ");
    key(t, v, "role", "-");
    put(t, ", ");
    put(t, json_is_true(p) ? "PATCHED" : json_is_false(p) ? "VULNERABLE" : "state unknown");
    put(t, ", size ");
    key(t, v, "size", "-");
    put(t, ", PE time ");
    key(t, v, "pe_timestamp_utc", "-");
    put(t, "\n      sha256 ");
    key(t, v, "sha256", "-");
    put(t, "\n");
    if (rs_writer_str(v, "why")) {
      put(t, "      state ");
      key(t, v, "state", "-");
      put(t, " by rule ");
      key(t, v, "rule", "-");
      put(t, ": ");
      key(t, v, "why", "");
      put(t, "\n");
    }
  }
}

static void logs(struct tx *t, const json_t *report)
{
  const json_t *lg = json_object_get(report, "logs");
  section(t, "Web server logs");
  size_t i;
  const json_t *v;
  const json_t *files = json_object_get(lg, "files");
  putf(t, "  Files: %zu\n", json_array_size(files));
  json_array_foreach(files, i, v) {
    put(t, "    ");
    key(t, v, "path", "-");
    put(t, "\n      ");
    key(t, v, "format", "-");
    put(t, ", ");
    key(t, v, "lines", "-");
    put(t, " lines, ");
    key(t, v, "parsed", "-");
    put(t, " parsed, ");
    key(t, v, "unparsed", "-");
    put(t, " unparsed, ");
    key(t, v, "first_utc", "-");
    put(t, " .. ");
    key(t, v, "last_utc", "-");
    if (json_is_false(json_object_get(v, "times_utc"))) {
      put(t, " (local times, time zone unknown: not converted to UTC)");
    } else if (rs_writer_str(v, "time_zone")) {
      put(t, " (local times converted to UTC with ");
      key(t, v, "time_zone", "-");
      put(t, ")");
    }
    if (json_is_true(json_object_get(v, "deleted")))
      put(t, ", DELETED log file");
    put(t, "\n");
  }
  const json_t *hits = json_object_get(lg, "hits");
  put(t, "  Worm requests (one hit = one log line)\n");
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
    putf(t, "    %-28s ", fam[f].label);
    key(t, hits, fam[f].k, "0");
    put(t, "\n");
  }
  const json_t *pd = json_object_get(lg, "per_day");
  if (json_array_size(pd)) {
    put(t, "  Worm requests per UTC day\n");
    const json_t *day;
    json_array_foreach(pd, i, day) {
      put(t, "    ");
      key(t, day, "date", "-");
      const char *k;
      const json_t *c;
      json_object_foreach((json_t *)day, k, c) {
        if (!json_is_integer(c) || json_integer_value(c) <= 0)
          continue;
        put(t, "  ");
        if (!t->err)
          t->err = rs_escape_text(&t->out, k, strlen(k));
        put(t, " ");
        val(t, c, "0");
      }
      put(t, "\n");
    }
  }
  const json_t *att = json_object_get(lg, "attackers");
  size_t n = json_array_size(att), shown = n > 20 ? 20 : n;
  putf(t, "  Attackers: %zu%s\n", n, n > shown ? " (first 20 in report order)" : "");
  for (i = 0; i < shown; i++) {
    v = json_array_get(att, i);
    put(t, "    ");
    key(t, v, "ip", "-");
    put(t, "  ");
    key(t, v, "hits", "0");
    put(t, json_integer_value(json_object_get(v, "hits")) == 1 ? " hit,  " : " hits, ");
    key(t, v, "first_utc", "-");
    put(t, " .. ");
    key(t, v, "last_utc", "-");
    put(t, ", ");
    const json_t *fams = json_object_get(v, "families");
    size_t j;
    const json_t *fa;
    json_array_foreach(fams, j, fa) {
      if (j)
        put(t, ", ");
      val(t, fa, "-");
    }
    put(t, "\n");
  }
  const json_t *bd = json_object_get(lg, "backdoor_use");
  putf(t, "  Backdoor use: %zu request(s) answered 2xx/502\n", json_array_size(bd));
  json_array_foreach(bd, i, v) {
    put(t, "    ");
    key(t, v, "utc", "-");
    put(t, "  ");
    key(t, v, "ip", "-");
    put(t, "  status ");
    key(t, v, "status", "-");
    put(t, "\n      ");
    key(t, v, "request", "-");
    put(t, "\n      ");
    key(t, v, "file", "-");
    put(t, " line ");
    key(t, v, "line", "-");
    put(t, "\n");
  }
}

static void unreadable(struct tx *t, const json_t *report)
{
  const json_t *u = json_object_get(report, "unreadable");
  section(t, "Could not be read");
  if (!json_array_size(u)) {
    put(t, "  nothing\n");
    return;
  }
  size_t i;
  const json_t *v;
  json_array_foreach(u, i, v) {
    put(t, "  ");
    key(t, v, "what", "-");
    put(t, ": ");
    key(t, v, "where", "-");
    put(t, "\n    ");
    key(t, v, "reason", "-");
    put(t, "\n");
  }
}

static void timeline(struct tx *t, const json_t *report)
{
  const json_t *tl = json_object_get(report, "timeline");
  section(t, "Timeline (UTC)");
  if (!json_array_size(tl)) {
    put(t, "  empty\n");
    return;
  }
  size_t i;
  const json_t *v;
  json_array_foreach(tl, i, v) {
    put(t, "  ");
    key(t, v, "datetime", "-");
    put(t, "  ");
    key(t, v, "source", "-");
    put(t, "  ");
    key(t, v, "timestamp_desc", "-");
    put(t, "\n      ");
    key(t, v, "message", "");
    if (rs_writer_str(v, "finding")) {
      put(t, "  [");
      key(t, v, "finding", "");
      put(t, "]");
    }
    put(t, "\n");
  }
}

static enum rs_err write_text(const json_t *report, FILE *out, struct rs_diag *d)
{
  struct tx t;
  if (!json_is_object(report))
    return rs_diag_set(d, RS_E_USAGE, "text writer", "the report is not a JSON object");
  rs_buf_init(&t.out, RS_WRITER_MAX);
  rs_buf_init(&t.tmp, RS_WRITER_MAX);
  t.err = RS_OK;
  const json_t *ev = json_object_get(report, "evidence");
  hash_mismatch_banner(&t, ev);
  put(&t, "redsleuth report (");
  key(&t, report, "schema", "-");
  put(&t, ")\n");
  put(&t, "Strings from the evidence are escaped: \\\\ is one backslash, \\xNN a control\n"
          "character or a byte that is not UTF-8, \\u{N} a C1 control or bidi character.\n" RULE);
  verdict(&t, report);
  run_block(&t, report);
  evidence(&t, report);
  checklist(&t, report);
  findings(&t, report);
  system_facts(&t, report);
  logs(&t, report);
  unreadable(&t, report);
  timeline(&t, report);
  enum rs_err e = t.err;
  if (e)
    rs_diag_set(d, e, "text writer", "cannot format the report");
  else
    e = rs_writer_emit(&t.out, out, "text writer", d);
  rs_buf_free(&t.out);
  rs_buf_free(&t.tmp);
  return e;
}

const struct rs_writer rs_writer_text = {"text", "report.txt", write_text};
