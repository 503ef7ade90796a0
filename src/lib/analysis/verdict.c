/* Verdict over the findings, in the report contract's order (first match
 * wins), with the findings behind it and the cleanup checklist
 * (codered-artifacts 7 and 8). Never a status without its evidence. */
#include <stdio.h>
#include <string.h>

#include "scanctx.h"

struct facts {
  bool system;        /* a Windows system volume with at least one hive read */
  bool cr2_live, cr2_past, use_log, use_files, nimda, attempts, any_artifact;
  bool mapped;        /* .ida or .idq mapped, or unknown (treated as mapped) */
  bool map_unknown;
};

static void add_reason(json_t *reasons, const struct rs_find *f)
{
  json_array_append_new(reasons, json_string(f->id));
}

static void collect(struct rs_scan_ctx *ctx, struct facts *x)
{
  memset(x, 0, sizeof *x);
  x->system = ctx->have_system || ctx->have_software;
  for (size_t i = 0; i < ctx->nfind; i++) {
    const struct rs_find *f = &ctx->finds[i];
    switch (f->check->role) {
    case RS_ROLE_CR2:
      if (f->live)
        x->cr2_live = true;
      else
        x->cr2_past = true;
      x->any_artifact = true;
      break;
    case RS_ROLE_USE:
      if (f->check->kind == RS_K_LOG_BACKDOOR)
        x->use_log = true;
      else
        x->use_files = true;
      x->any_artifact = true;
      break;
    case RS_ROLE_NIMDA:
      x->nimda = true;
      x->any_artifact = true;
      break;
    case RS_ROLE_ATTEMPT:
      x->attempts = true;
      break;
    default:
      break;
    }
  }
  if (ctx->cr_2xx > 0)
    x->cr2_past = true;
  /* the backdoor answered, or a follower left files: it existed, so the host
   * was infected at some point even if nothing of it is live now */
  if (x->use_log || x->use_files)
    x->cr2_past = true;
  x->map_unknown = ctx->map_ida < 0 && ctx->map_idq < 0;
  x->mapped = ctx->map_ida == 1 || ctx->map_idq == 1 || x->map_unknown;
}

/* Findings of the given roles (live only when live_only) become reasons. */
static void reasons_by_role(struct rs_scan_ctx *ctx, json_t *r, enum rs_role role, int live)
{
  for (size_t i = 0; i < ctx->nfind; i++) {
    const struct rs_find *f = &ctx->finds[i];
    if (f->check->role == role && (live < 0 || (live == 1) == f->live))
      add_reason(r, f);
  }
}

static void reasons_by_kind(struct rs_scan_ctx *ctx, json_t *r, enum rs_check_kind kind)
{
  for (size_t i = 0; i < ctx->nfind; i++)
    if (ctx->finds[i].check->kind == kind)
      add_reason(r, &ctx->finds[i]);
}

static const char *status_of(struct rs_scan_ctx *ctx, const struct facts *x, json_t *reasons,
                             char *summary, size_t ssz, json_t *notes)
{
  enum rs_patch_state idq = ctx->idq_active_found ? ctx->idq_active_state : RS_PATCH_UNKNOWN;
  /* Live Code Red II files (root.exe proven a cmd.exe copy, the trojan
   * explorer.exe) are evidence on their own: unreadable hives only make the
   * negative verdicts undecidable. */
  if (!x->system && !x->cr2_live) {
    snprintf(summary, ssz, "No Windows system volume with a readable SYSTEM or SOFTWARE hive was "
                           "found; nothing can be decided.");
    return "undetermined";
  }
  if (!x->system)
    json_array_append_new(notes, json_string(
        "no SYSTEM or SOFTWARE hive could be read: the registry backdoor (/C, /D, SFCDisable) "
        "and the patch state were not checked; the verdict rests on files and logs"));
  if (x->cr2_live && x->use_log) {
    reasons_by_role(ctx, reasons, RS_ROLE_CR2, 1);
    reasons_by_kind(ctx, reasons, RS_K_LOG_BACKDOOR);
    snprintf(summary, ssz, "Code Red II backdoor artifacts are present and the IIS logs show the "
                           "backdoor answering requests (2xx or 502): commands were run on this "
                           "host. Rebuild recommended.");
    return "backdoor-used";
  }
  if (x->cr2_live) {
    reasons_by_role(ctx, reasons, RS_ROLE_CR2, 1);
    snprintf(summary, ssz, "Code Red II backdoor artifacts are present; the logs that could be "
                           "read show no use of the backdoor.");
    if (x->use_files) {
      reasons_by_role(ctx, reasons, RS_ROLE_USE, -1);
      json_array_append_new(notes, json_string(
          "files left by a follower (tftp, Admin.dll) show the backdoor was used, but the logs do "
          "not: the contract's backdoor-used needs log evidence"));
    }
    return "infected";
  }
  bool fixed = idq == RS_PATCH_FIXED;
  bool vuln = idq == RS_PATCH_VULNERABLE;
  if (x->cr2_past && (fixed || (vuln && !x->mapped))) {
    reasons_by_role(ctx, reasons, RS_ROLE_CR2, 0);
    reasons_by_role(ctx, reasons, RS_ROLE_USE, -1);
    reasons_by_kind(ctx, reasons, RS_K_PE_IDQ);
    if (x->use_log || x->use_files)
      json_array_append_new(notes, json_string(
          "the backdoor was used while it existed: the host was compromised and should be "
          "rebuilt (codered-artifacts 8, item 8)"));
    snprintf(summary, ssz, "No live Code Red II artifacts, but evidence of a past infection "
                           "remains (deleted files, old registry values or worm requests answered "
                           "2xx), and the host is now %s.",
             fixed ? "patched" : "mitigated (.ida/.idq unmapped)");
    return "cleaned";
  }
  if (vuln && x->mapped) {
    reasons_by_kind(ctx, reasons, RS_K_PE_IDQ);
    snprintf(summary, ssz, "idq.dll is an unpatched build and the .ida/.idq script mappings %s: "
                           "the server can be infected.",
             x->map_unknown ? "could not be checked (assumed present)" : "are present");
    if (x->cr2_past)
      json_array_append_new(notes, json_string("evidence of a past infection was also found; "
                                               "the host is still vulnerable"));
    return "vulnerable";
  }
  if (vuln) {
    reasons_by_kind(ctx, reasons, RS_K_PE_IDQ);
    snprintf(summary, ssz, "idq.dll is an unpatched build, but the .ida and .idq script mappings "
                           "are removed: a fragile workaround (re-adding any Windows component "
                           "restores them).");
    return "mitigated";
  }
  if (fixed && !x->cr2_past && !x->any_artifact) {
    reasons_by_kind(ctx, reasons, RS_K_PE_IDQ);
    snprintf(summary, ssz, "idq.dll is a fixed build and no sign of infection was found.");
    return "patched";
  }
  if (!ctx->idq_any && !(ctx->map_ida == 1 || ctx->map_idq == 1) && !x->any_artifact &&
      !x->cr2_past) {
    snprintf(summary, ssz, "No Index Server ISAPI (no idq.dll, no .ida/.idq mapping) and no worm "
                           "artifacts%s.",
             x->attempts ? "; worm requests reached the server but could not exploit it" : "");
    if (x->attempts)
      json_array_append_new(notes, json_string(
          "worm requests were logged; without idq.dll they cannot infect, so the host is "
          "reported clean (the contract's order has no closer status)"));
    return "clean";
  }
  if (fixed) {
    reasons_by_role(ctx, reasons, RS_ROLE_NIMDA, -1);
    reasons_by_role(ctx, reasons, RS_ROLE_USE, -1);
    snprintf(summary, ssz, "idq.dll is fixed, but worm-related artifacts were found; review "
                           "the findings.");
    return "undetermined";
  }
  snprintf(summary, ssz, "The patch state of idq.dll could not be decided (%s); review the "
                         "findings.",
           ctx->idq_active_found ? "its version is not in the reference table"
                                 : "no live idq.dll, but a script mapping exists");
  reasons_by_kind(ctx, reasons, RS_K_PE_IDQ);
  return "undetermined";
}

static json_t *cleanup_items(struct rs_scan_ctx *ctx, const struct facts *x)
{
  json_t *arr = json_array();
  enum rs_patch_state idq = ctx->idq_active_found ? ctx->idq_active_state : RS_PATCH_UNKNOWN;
  for (size_t i = 0; i < rs_ncleanup; i++) {
    const struct rs_cleanup_item *it = &rs_cleanup_items[i];
    json_t *ids = json_array();
    bool fail = false;
    for (size_t k = 0; k < ctx->nfind; k++) {
      const struct rs_find *f = &ctx->finds[k];
      if (f->check->cleanup && strcmp(f->check->cleanup, it->id) == 0 && f->current_source &&
          f->check->kind != RS_K_PE_IDQ) {
        json_array_append_new(ids, json_string(f->id));
        fail = true;
      }
    }
    const char *status = fail ? "fail" : "pass";
    const char *note = NULL;
    if (!strcmp(it->id, "rootexe-removed") || !strcmp(it->id, "trojan-removed")) {
      if (!fail && ctx->nwalked == 0) {
        status = "unknown";
        note = "no file system could be walked";
      }
    } else if (!strcmp(it->id, "vroots-removed") || !strcmp(it->id, "script-perms-restored")) {
      if (!fail && !ctx->have_system) {
        status = "unknown";
        note = "no SYSTEM hive was read";
      }
    } else if (!strcmp(it->id, "sfcdisable-reset")) {
      if (!fail && !ctx->have_software) {
        status = "unknown";
        note = "no SOFTWARE hive was read";
      }
    } else if (!strcmp(it->id, "fix-installed")) {
      for (size_t k = 0; k < ctx->nfind; k++)
        if (ctx->finds[k].check->kind == RS_K_PE_IDQ && ctx->finds[k].live)
          json_array_append_new(ids, json_string(ctx->finds[k].id));
      if (idq == RS_PATCH_FIXED) {
        status = "pass";
      } else if (idq == RS_PATCH_VULNERABLE) {
        status = "fail";
        if (!x->mapped)
          note = ".ida/.idq are unmapped: mitigated only, not fixed";
      } else if (!ctx->idq_any) {
        status = "pass";
        note = "no idq.dll on the system volume: Index Server ISAPI not installed";
      } else {
        status = "unknown";
        note = "idq.dll version not decisive";
      }
    } else if (!strcmp(it->id, "shell-path-fix")) {
      bool found = false;
      for (int h = 0; h < ctx->si.nhotfixes; h++)
        if (ctx->si.hotfixes[h].present && (!strcmp(ctx->si.hotfixes[h].id, "Q269049") ||
                                             !strcmp(ctx->si.hotfixes[h].id, "Q299444")))
          found = true;
      status = found ? "pass" : "unknown";
      if (!found)
        note = "no Q269049 or Q299444 hotfix key; which Windows 2000 service packs include "
               "MS00-052 is not in the reference";
    } else if (!strcmp(it->id, "no-backdoor-use")) {
      /* deleted follower files are evidence of use too: every USE finding counts */
      json_array_clear(ids);
      fail = false;
      for (size_t k = 0; k < ctx->nfind; k++) {
        if (ctx->finds[k].check->role == RS_ROLE_USE) {
          json_array_append_new(ids, json_string(ctx->finds[k].id));
          fail = true;
        }
      }
      status = fail ? "fail" : (ctx->nlogs > 0 ? "pass" : "unknown");
      if (!fail && ctx->nlogs == 0)
        note = "no IIS log could be read";
    } else if (!strcmp(it->id, "memory-state")) {
      status = "unknown";
      note = "a disk image cannot show memory or whether the host was rebooted after cleaning";
    }
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(it->id));
    json_object_set_new(o, "item", json_string(it->item));
    json_object_set_new(o, "status", json_string(status));
    json_object_set_new(o, "findings", ids);
    json_object_set_new(o, "note", note ? json_string(note) : json_null());
    json_object_set_new(o, "ref", json_string(it->ref));
    json_array_append_new(arr, o);
  }
  return arr;
}

json_t *rs_verdict_build(struct rs_scan_ctx *ctx)
{
  struct facts x;
  collect(ctx, &x);
  json_t *v = json_object();
  json_t *reasons = json_array();
  json_t *notes = json_array();
  char summary[1024];
  const char *status = status_of(ctx, &x, reasons, summary, sizeof summary, notes);
  json_object_set_new(v, "status", json_string(status));
  json_object_set_new(v, "reasons", reasons);
  json_object_set_new(v, "summary", json_string(summary));
  json_object_set_new(v, "cleanup", cleanup_items(ctx, &x));
  json_object_set_new(v, "notes", notes);
  return v;
}
