/* Verdict over the findings, in the report contract's order (first match
 * wins), with the findings behind it and the cleanup checklist
 * (codered-artifacts 7 and 8). Never a status without its evidence. */
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "analysis/results.h"

struct facts {
  bool system;        /* a Windows system volume with at least one hive read */
  bool cr2_live, cr2_past, use_log, use_files, nimda, attempts, any_artifact;
  bool nimda_live, nimda_past, nimda_sure; /* Nimda's own footprint; sure: more than pages */
  bool user_infected; /* a user rule marked redsleuth_role = "infected" matched live bytes */
  bool mapped;        /* .ida or .idq mapped, or unknown (treated as mapped) */
  bool map_unknown;
  bool use_carved;    /* a carved backdoor use answered 2xx weighs as use (Code Red II
                         artifacts on this host) */
};

/* Is finding f a carved backdoor use answered 2xx (RESIDUE-LOG-LINE)? */
static bool carved_2xx(const struct rs_finding *f)
{
  return f->what == RS_FD_CARVED && f->u.cv.backdoor_2xx;
}

static void add_note(struct rs_verdict *v, const char *s)
{
  if (v->nnotes < RS_VERDICT_NOTES)
    v->notes[v->nnotes++] = s;
}

static void collect(const struct rs_verdict_facts *ctx, const struct rs_results *r, struct facts *x)
{
  memset(x, 0, sizeof *x);
  x->system = ctx->have_system || ctx->have_software;
  for (size_t i = 0; i < r->nfind; i++) {
    const struct rs_finding *f = &r->finds[i];
    if (f->infected && f->live) {
      x->user_infected = true;
      x->any_artifact = true;
    }
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
    case RS_ROLE_NIMDA_INF:
      if (f->live)
        x->nimda_live = true;
      else
        x->nimda_past = true;
      if (!(f->check->kind == RS_K_CONTENT && f->check->match == RS_M_PAGE_SCRIPT))
        x->nimda_sure = true;
      x->any_artifact = true;
      break;
    default:
      break;
    }
  }
  /* a carved backdoor use counts only where Code Red II left artifacts (live
   * or deleted): on its own a carved line cannot say whose door answered */
  bool cr2_artifacts = x->cr2_live || x->cr2_past;
  for (size_t i = 0; cr2_artifacts && i < r->nfind; i++)
    if (carved_2xx(&r->finds[i]))
      x->use_carved = x->use_log = true;
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
static void reasons_by_role(struct rs_results *r, enum rs_role role, int live)
{
  for (size_t i = 0; i < r->nfind; i++) {
    const struct rs_finding *f = &r->finds[i];
    if (f->check->role == role && (live < 0 || (live == 1) == f->live))
      rs_idx_add(r, &r->verdict.reasons, i);
  }
}

/* The carved backdoor uses that weigh as use (x->use_carved). */
static void reasons_carved(struct rs_results *r, const struct facts *x)
{
  for (size_t i = 0; x->use_carved && i < r->nfind; i++)
    if (carved_2xx(&r->finds[i]))
      rs_idx_add(r, &r->verdict.reasons, i);
}

/* Findings of user rules whose meta says redsleuth_role = "infected". */
static void reasons_user_infected(struct rs_results *r)
{
  for (size_t i = 0; i < r->nfind; i++)
    if (r->finds[i].infected && r->finds[i].live)
      rs_idx_add(r, &r->verdict.reasons, i);
}

static void reasons_by_kind(struct rs_results *r, enum rs_check_kind kind)
{
  for (size_t i = 0; i < r->nfind; i++)
    if (r->finds[i].check->kind == kind)
      rs_idx_add(r, &r->verdict.reasons, i);
}

/* The idq.dll copies that decide: the live (active) ones. Backups
 * ($NtUninstall...$), dllcache and service-pack copies are history: they stay
 * under the idq.dll copies, never reasons (issue 13). */
static void reasons_idq_live(struct rs_results *r)
{
  for (size_t i = 0; i < r->nfind; i++)
    if (r->finds[i].check->kind == RS_K_PE_IDQ && r->finds[i].live)
      rs_idx_add(r, &r->verdict.reasons, i);
}

static enum rs_status status_of(const struct rs_verdict_facts *ctx, struct rs_results *r,
                                const struct facts *x)
{
  struct rs_verdict *v = &r->verdict;
  char *summary = v->summary;
  const size_t ssz = sizeof v->summary;
  enum rs_patch_state idq = ctx->idq_active_found ? ctx->idq_active_state : RS_PATCH_UNKNOWN;
  /* Live Code Red II files (root.exe proven a cmd.exe copy, the trojan
   * explorer.exe) are evidence on their own: unreadable hives only make the
   * negative verdicts undecidable. */
  if (!x->system && !x->cr2_live) {
    snprintf(summary, ssz, "No Windows system volume with a readable SYSTEM or SOFTWARE hive was "
                           "found; nothing can be decided.");
    return RS_ST_UNDETERMINED;
  }
  if (!x->system)
    add_note(v, 
        "no SYSTEM or SOFTWARE hive could be read: the registry backdoor (/C, /D, SFCDisable) "
        "and the patch state were not checked; the verdict rests on files and logs");
  if (x->cr2_live && x->use_log) {
    reasons_by_role(r, RS_ROLE_CR2, 1);
    reasons_by_kind(r, RS_K_LOG_BACKDOOR);
    reasons_carved(r, x);
    snprintf(summary, ssz, "Code Red II backdoor artifacts are present and the IIS logs%s show the "
                           "backdoor answering requests (2xx or 502): commands were run on this "
                           "host. Rebuild recommended.",
             x->use_carved ? " (lines carved from memory residue or unallocated space)" : "");
    if (x->use_carved)
      add_note(v, "backdoor use carved: lines recovered from memory residue or unallocated "
                  "space (RESIDUE-LOG-LINE, carved) count as use on a host with Code Red II "
                  "artifacts");
    return RS_ST_BACKDOOR_USED;
  }
  if (x->nimda_live) {
    /* Nimda is a worm of its own, not only a user of Code Red II's door */
    reasons_by_role(r, RS_ROLE_NIMDA_INF, 1);
    reasons_by_role(r, RS_ROLE_CR2, 1);
    snprintf(summary, ssz, "%s infection is live on this host (%s)%s. Rebuild recommended.",
             x->nimda_sure ? "A Nimda" : "A Nimda or W32/Chir.B",
             x->nimda_sure ? "its pages, copies, Guest administrator or C$ share remain"
                           : "web pages end in the readme.eml script; no Nimda copy or marker "
                             "tells it from W32/Chir.B",
             x->cr2_live ? "; Code Red II backdoor artifacts are present too" : "");
    if (x->use_files || x->use_log) {
      reasons_by_role(r, RS_ROLE_USE, -1);
      reasons_carved(r, x);
    }
    return RS_ST_INFECTED;
  }
  if (x->user_infected) {
    /* the examiner's own rule says what its match means (docs/content.md) */
    reasons_user_infected(r);
    reasons_by_role(r, RS_ROLE_CR2, 1);
    snprintf(summary, ssz, "A user YARA rule marked redsleuth_role = \"infected\" matched a live "
                           "file or memory residue on this host%s. Rebuild recommended.",
             x->cr2_live ? "; Code Red II backdoor artifacts are present too" : "");
    if (x->use_files || x->use_log)
      reasons_by_role(r, RS_ROLE_USE, -1);
    return RS_ST_INFECTED;
  }
  if (x->nimda_past && !x->cr2_live && !x->cr2_past &&
      !(idq == RS_PATCH_VULNERABLE && x->mapped)) {
    reasons_by_role(r, RS_ROLE_NIMDA_INF, 0);
    snprintf(summary, ssz, "Only deleted Nimda copies remain; its pages, Guest administrator and "
                           "C$ share are reverted.");
    return RS_ST_CLEANED;
  }
  if (x->cr2_live) {
    reasons_by_role(r, RS_ROLE_CR2, 1);
    snprintf(summary, ssz, "Code Red II backdoor artifacts are present; the logs that could be "
                           "read show no use of the backdoor.");
    if (x->use_files) {
      reasons_by_role(r, RS_ROLE_USE, -1);
      add_note(v, 
          "files left by a follower (tftp, Admin.dll) show the backdoor was used, but the logs do "
          "not: the contract's backdoor-used needs log evidence");
    }
    return RS_ST_INFECTED;
  }
  bool fixed = idq == RS_PATCH_FIXED;
  bool vuln = idq == RS_PATCH_VULNERABLE;
  if (x->cr2_past && (fixed || (vuln && !x->mapped))) {
    reasons_by_role(r, RS_ROLE_CR2, 0);
    reasons_by_role(r, RS_ROLE_USE, -1);
    reasons_carved(r, x);
    reasons_by_role(r, RS_ROLE_NIMDA_INF, 0);
    reasons_idq_live(r);
    if (!fixed)
      reasons_by_kind(r, RS_K_SCRIPTMAP);
    if (x->use_log || x->use_files)
      add_note(v, 
          "the backdoor was used while it existed: the host was compromised and should be "
          "rebuilt (codered-artifacts 8, item 8)");
    snprintf(summary, ssz, "No live Code Red II artifacts, but evidence of a past infection "
                           "remains (deleted files, old registry values or worm requests answered "
                           "2xx), and the host is now %s.",
             fixed ? "patched" : "mitigated (.ida/.idq unmapped)");
    return RS_ST_CLEANED;
  }
  if (vuln && x->mapped) {
    reasons_idq_live(r);
    reasons_by_kind(r, RS_K_SCRIPTMAP);
    snprintf(summary, ssz, "idq.dll is an unpatched build and the .ida/.idq script mappings %s: "
                           "the server can be infected.",
             x->map_unknown ? "could not be checked (assumed present)" : "are present");
    if (x->cr2_past)
      add_note(v, "evidence of a past infection was also found; "
                                               "the host is still vulnerable");
    return RS_ST_VULNERABLE;
  }
  if (vuln) {
    reasons_idq_live(r);
    reasons_by_kind(r, RS_K_SCRIPTMAP);
    snprintf(summary, ssz, "idq.dll is an unpatched build, but the .ida and .idq script mappings "
                           "are removed: a fragile workaround (re-adding any Windows component "
                           "restores them).");
    return RS_ST_MITIGATED;
  }
  if (fixed && !x->cr2_past && !x->any_artifact) {
    reasons_idq_live(r);
    snprintf(summary, ssz, "idq.dll is a fixed build and no sign of infection was found.");
    return RS_ST_PATCHED;
  }
  if (!ctx->idq_any && !(ctx->map_ida == 1 || ctx->map_idq == 1) && !x->any_artifact &&
      !x->cr2_past) {
    reasons_by_kind(r, RS_K_SCRIPTMAP);
    snprintf(summary, ssz, "No Index Server ISAPI (no idq.dll, no .ida/.idq mapping) and no worm "
                           "artifacts%s.",
             x->attempts ? "; worm requests reached the server but could not exploit it" : "");
    if (x->attempts)
      add_note(v, 
          "worm requests were logged; without idq.dll they cannot infect, so the host is "
          "reported clean (the contract's order has no closer status)");
    return RS_ST_CLEAN;
  }
  if (fixed) {
    reasons_by_role(r, RS_ROLE_NIMDA, -1);
    reasons_by_role(r, RS_ROLE_USE, -1);
    snprintf(summary, ssz, "idq.dll is fixed, but worm-related artifacts were found; review "
                           "the findings.");
    return RS_ST_UNDETERMINED;
  }
  snprintf(summary, ssz, "The patch state of idq.dll could not be decided (%s); review the "
                         "findings.",
           ctx->idq_active_found ? "its version is not in the reference table"
                                 : "no live idq.dll, but a script mapping exists");
  reasons_idq_live(r);
  return RS_ST_UNDETERMINED;
}

static void time_max(struct rs_time *m, const struct rs_time *t)
{
  if (t->set && (!m->set || rs_time_cmp(t, m) > 0))
    *m = *t;
}

/* The memory-state item (codered-artifacts 8.9): Code Red lives in memory,
 * so the host must have been rebooted after the last worm activity and after
 * the cleanup. A disk shows that only through the System event log: a boot
 * (6005/6009) later than both passes, citing the record. Worm activity: the
 * last worm request in the IIS logs, the backdoor's last use, the times of
 * worm files. Cleanup: the live idq.dll's install time when it is a fixed
 * build, and the last change of a deleted worm file. A fail lists the
 * findings dated after the last boot. */
static enum rs_item_state memory_state(const struct rs_verdict_facts *ctx, struct rs_results *r,
                                       struct rs_cleanup *c, const char **note)
{
  *note = "a disk image cannot show memory or whether the host was rebooted after cleaning";
  if (!ctx->evt_system_read)
    return RS_ITEM_UNKNOWN;
  struct rs_time worm = RS_TIME_UNSET, clean = RS_TIME_UNSET;
  for (size_t k = 0; k < r->nfind; k++) {
    const struct rs_finding *f = &r->finds[k];
    switch (f->check->role) {
    case RS_ROLE_ATTEMPT:
      if (f->what == RS_FD_LOG_FAMILY)
        time_max(&worm, &f->u.fam.last);
      break;
    case RS_ROLE_USE:
    case RS_ROLE_CR2:
    case RS_ROLE_NIMDA:
      if (f->what == RS_FD_BACKDOOR)
        time_max(&worm, &f->u.bd.last);
      if (f->what == RS_FD_FILE && !f->u.file.local_only) {
        time_max(&worm, &f->u.file.si[0]);
        if (!f->live)
          time_max(&clean, &f->u.file.si[3]);
      }
      break;
    default:
      break;
    }
    if (f->check->kind == RS_K_PE_IDQ && f->what == RS_FD_FILE && f->live &&
        f->u.file.state == RS_PATCH_FIXED && !f->u.file.local_only)
      time_max(&clean, &f->u.file.si[0]);
  }
  struct rs_time after = worm;
  time_max(&after, &clean);
  char tw[RS_TIME_ISO_MAX] = "-", tc[RS_TIME_ISO_MAX] = "-", tb[RS_TIME_ISO_MAX] = "-";
  if (worm.set)
    rs_time_iso(&worm, tw);
  if (clean.set)
    rs_time_iso(&clean, tc);
  if (ctx->last_boot.set)
    rs_time_iso(&ctx->last_boot, tb);
  if (ctx->last_boot.set && (!after.set || rs_time_cmp(&ctx->last_boot, &after) > 0)) {
    snprintf(c->note_buf, sizeof c->note_buf,
             "the host booted at %s (%s), after the last worm activity (%s) and the cleanup (%s)",
             tb, ctx->last_boot_what, tw, tc);
    *note = c->note_buf;
    return RS_ITEM_PASS;
  }
  if (after.set && ctx->evt_system_last.set && rs_time_cmp(&ctx->evt_system_last, &after) > 0) {
    /* the findings dated after the last boot: the activity it did not flush */
    for (size_t k = 0; k < r->nfind; k++) {
      const struct rs_finding *f = &r->finds[k];
      struct rs_time t = RS_TIME_UNSET;
      if (f->check->role == RS_ROLE_ATTEMPT && f->what == RS_FD_LOG_FAMILY)
        t = f->u.fam.last;
      else if ((f->check->role == RS_ROLE_USE || f->check->role == RS_ROLE_CR2 ||
                f->check->role == RS_ROLE_NIMDA) && f->what == RS_FD_BACKDOOR)
        t = f->u.bd.last;
      else if ((f->check->role == RS_ROLE_USE || f->check->role == RS_ROLE_CR2 ||
                f->check->role == RS_ROLE_NIMDA) && f->what == RS_FD_FILE && !f->u.file.local_only)
        t = f->u.file.si[0];
      if (t.set && (!ctx->last_boot.set || rs_time_cmp(&t, &ctx->last_boot) > 0))
        rs_idx_add(r, &c->finds, k);
    }
    snprintf(c->note_buf, sizeof c->note_buf,
             "the System event log runs past the last worm activity (%s) and the cleanup (%s) "
             "and shows no boot after them (last boot: %s)",
             tw, tc, tb);
    *note = c->note_buf;
    return RS_ITEM_FAIL;
  }
  snprintf(c->note_buf, sizeof c->note_buf,
           "the System event log shows no boot after the last worm activity (%s) and the "
           "cleanup (%s), and ends before them (last boot: %s)",
           tw, tc, tb);
  *note = c->note_buf;
  return RS_ITEM_UNKNOWN;
}

static void cleanup_items(const struct rs_verdict_facts *ctx, struct rs_results *r,
                          const struct facts *x)
{
  struct rs_cleanup *arr = calloc(rs_ncleanup, sizeof *arr);
  if (!arr) {
    rs_results_fail(r, RS_E_NOMEM);
    return;
  }
  r->verdict.cleanup = arr;
  enum rs_patch_state idq = ctx->idq_active_found ? ctx->idq_active_state : RS_PATCH_UNKNOWN;
  for (size_t i = 0; i < rs_ncleanup; i++) {
    const struct rs_cleanup_item *it = &rs_cleanup_items[i];
    struct rs_idx *ids = &arr[i].finds;
    bool fail = false;
    for (size_t k = 0; k < r->nfind; k++) {
      const struct rs_finding *f = &r->finds[k];
      if (f->check->cleanup && strcmp(f->check->cleanup, it->id) == 0 && f->current_source &&
          f->check->kind != RS_K_PE_IDQ) {
        rs_idx_add(r, ids, k);
        fail = true;
      }
    }
    enum rs_item_state status = fail ? RS_ITEM_FAIL : RS_ITEM_PASS;
    const char *note = NULL;
    if (!strcmp(it->id, "rootexe-removed") || !strcmp(it->id, "trojan-removed") ||
        !strcmp(it->id, "nimda-pages-restored") || !strcmp(it->id, "nimda-copies-removed")) {
      if (!fail && ctx->nwalked == 0) {
        status = RS_ITEM_UNKNOWN;
        note = "no file system could be walked";
      }
    } else if (!strcmp(it->id, "vroots-removed") || !strcmp(it->id, "script-perms-restored")) {
      if (!fail && !ctx->have_system) {
        status = RS_ITEM_UNKNOWN;
        note = "no SYSTEM hive was read";
      }
    } else if (!strcmp(it->id, "guest-disabled")) {
      if (!fail && !ctx->have_sam) {
        status = RS_ITEM_UNKNOWN;
        note = "no SAM hive was read";
      }
    } else if (!strcmp(it->id, "shares-reset")) {
      if (!fail && !ctx->have_system) {
        status = RS_ITEM_UNKNOWN;
        note = "no SYSTEM hive was read";
      }
    } else if (!strcmp(it->id, "sfcdisable-reset")) {
      if (!fail && !ctx->have_software) {
        status = RS_ITEM_UNKNOWN;
        note = "no SOFTWARE hive was read";
      }
    } else if (!strcmp(it->id, "fix-installed")) {
      for (size_t k = 0; k < r->nfind; k++)
        if (r->finds[k].check->kind == RS_K_PE_IDQ && r->finds[k].live)
          rs_idx_add(r, ids, k);
      if (idq == RS_PATCH_FIXED) {
        status = RS_ITEM_PASS;
      } else if (idq == RS_PATCH_VULNERABLE) {
        status = RS_ITEM_FAIL;
        if (!x->mapped)
          note = ".ida/.idq are unmapped: mitigated only, not fixed";
      } else if (!ctx->idq_any) {
        status = RS_ITEM_PASS;
        note = "no idq.dll on the system volume: Index Server ISAPI not installed";
      } else {
        status = RS_ITEM_UNKNOWN;
        note = "idq.dll version not decisive";
      }
    } else if (!strcmp(it->id, "shell-path-fix")) {
      bool found = false;
      for (int h = 0; h < ctx->si->nhotfixes; h++)
        if (ctx->si->hotfixes[h].present && (!strcmp(ctx->si->hotfixes[h].id, "Q269049") ||
                                             !strcmp(ctx->si->hotfixes[h].id, "Q299444")))
          found = true;
      status = found ? RS_ITEM_PASS : RS_ITEM_UNKNOWN;
      if (!found)
        note = "no Q269049 or Q299444 hotfix key; which Windows 2000 service packs include "
               "MS00-052 is not in the reference";
    } else if (!strcmp(it->id, "no-backdoor-use")) {
      /* deleted follower files are evidence of use too: every USE finding counts */
      ids->n = 0;
      fail = false;
      for (size_t k = 0; k < r->nfind; k++) {
        if (r->finds[k].check->role == RS_ROLE_USE || (x->use_carved && carved_2xx(&r->finds[k]))) {
          rs_idx_add(r, ids, k);
          fail = true;
        }
      }
      status = fail ? RS_ITEM_FAIL : (ctx->nlogs > 0 ? RS_ITEM_PASS : RS_ITEM_UNKNOWN);
      if (!fail && ctx->nlogs == 0)
        note = "no IIS log could be read";
    } else if (!strcmp(it->id, "memory-state")) {
      status = memory_state(ctx, r, &arr[i], &note);
    }
    arr[i].item = it;
    arr[i].state = status;
    arr[i].note = note;
  }
}

void rs_verdict_decide(const struct rs_verdict_facts *x0, struct rs_results *r)
{
  struct facts x;
  collect(x0, r, &x);
  r->verdict.status = status_of(x0, r, &x);
  /* a crash right after a Code Red request says the request reached the
   * server's code: look again at a host called clean, patched or mitigated */
  enum rs_status st = r->verdict.status;
  if (st == RS_ST_CLEAN || st == RS_ST_PATCHED || st == RS_ST_MITIGATED)
    for (size_t i = 0; i < r->nfind; i++)
      if (!strcmp(r->finds[i].check->id, "CRASH-AFTER-WORM-REQUEST")) {
        add_note(&r->verdict,
                 "contradiction: IIS crashed within 10 minutes after a Code Red request "
                 "(CRASH-AFTER-WORM-REQUEST), yet the host is reported clean, patched or "
                 "mitigated: the request reached the server; check the patch date against "
                 "the crash");
        break;
      }
  cleanup_items(x0, r, &x);
  rs_story_build(x0, r);
}
