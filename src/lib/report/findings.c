/* The report's findings, verdict, timeline and unreadable blocks, from the
 * results model. Key order is the contract's (the writers keep it). */
#include <stdio.h>
#include <string.h>

#include "report/report.h"

static const char *const si_keys[4] = {"si_created_utc", "si_modified_utc", "si_accessed_utc",
                                       "si_mft_modified_utc"};
static const char *const fn_keys[4] = {"fn_created_utc", "fn_modified_utc", "fn_accessed_utc",
                                       "fn_mft_modified_utc"};
static const char *const local_keys[4] = {"fat_created_local", "fat_modified_local",
                                          "fat_accessed_local", "fat_changed_local"};
/* A FAT directory entry holds three clock times (no MFT entry, no $SI or
 * $FILE_NAME): they are named for what they are. */
static const char *const fat_keys[3] = {"fat_created_utc", "fat_modified_utc",
                                        "fat_accessed_utc"};

static const char *kind_name(enum rs_check_kind k)
{
  switch (k) {
  case RS_K_FILE: return "file";
  case RS_K_REG_VROOT:
  case RS_K_REG_VROOT_PERM:
  case RS_K_REG_DWORD: return "registry";
  case RS_K_METABASE_VDIR: return "metabase";
  case RS_K_PE_IDQ: return "pe";
  case RS_K_PATCH_CONFLICT: return "registry";
  case RS_K_SCRIPTMAP: return "registry"; /* the Script Map key, or the metabase that overrode it */
  case RS_K_LOG_FAMILY:
  case RS_K_LOG_BACKDOOR: return "log";
  case RS_K_CONTENT: return "file";
  case RS_K_SAM_GUEST:
  case RS_K_REG_SHARE: return "registry";
  case RS_K_EVT_ACCOUNT: return "log";
  case RS_K_EVENT: return "log"; /* event logs, drwtsn32.log, UrlScan (W3svc.dll: "pe") */
  case RS_K_RESIDUE: return "file"; /* the bytes of a page file, hiberfil.sys or crash dump */
  case RS_K_RESIDUE_LOG: return "log"; /* a carved log line */
  case RS_K_YARA:
  case RS_K_HASHSET: return "file"; /* a file's content or digest, or memory residue */
  }
  return "file";
}

static void file_fields(struct rs_jb *jb, json_t *o, const struct rs_finding *f)
{
  const struct rs_file_detail *fd = &f->u.file;
  rs_jset(jb, o, "path", rs_json_str(f->path));
  rs_jset(jb, o, "drive", fd->drive[0] ? json_string(fd->drive) : json_null());
  rs_jset(jb, o, "drive_assumed", json_boolean(fd->drive[0] && fd->drive_assumed));
  rs_jset(jb, o, "allocated", json_boolean(fd->allocated));
  if (!fd->collected)
    rs_jset(jb, o, fd->ntfs ? "mft_entry" : "dir_entry", json_integer((json_int_t)fd->inum));
  if (!fd->ntfs)
    rs_jset(jb, o, "mft_entry", json_null());
  /* the address `fls -r -m` gives the file on either file system (on FAT
   * the directory entry's position, as TSK numbers it) */
  rs_jset(jb, o, "inode", json_integer((json_int_t)fd->inum));
  if (fd->stream) {
    /* an NTFS named stream: the path is "file:stream", the name its last
     * stream_name_len bytes (a ':' inside a crafted name does not split it);
     * TSK's address of the $DATA attribute is what icat and istat take
     * (inode-128-id) */
    size_t plen = f->path ? strlen(f->path) : 0;
    const char *name = plen > fd->stream_name_len ? f->path + plen - fd->stream_name_len : NULL;
    char addr[64];
    snprintf(addr, sizeof addr, "%llu-128-%u", (unsigned long long)fd->inum,
             (unsigned)fd->attr_id);
    rs_jset(jb, o, "stream",
            json_pack("{s:o,s:i,s:s}", "name", name ? rs_json_str(name) : json_null(),
                      "attr_id", (int)fd->attr_id, "tsk_address", addr));
  }
  rs_jset(jb, o, "size", json_integer((json_int_t)fd->size));
  rs_jset(jb, o, "md5", fd->digest ? json_string(fd->md5) : json_null());
  rs_jset(jb, o, "sha1", fd->digest ? json_string(fd->sha1) : json_null());
  rs_jset(jb, o, "sha256", fd->digest ? json_string(fd->sha256) : json_null());
  /* the contract's $SI and $FILE_NAME keys are always there: null on FAT,
   * whose directory-entry times are the fat_* keys */
  json_t *times = json_object();
  for (int i = 0; i < 4; i++)
    rs_jset(jb, times, si_keys[i], fd->ntfs ? rs_json_time(&fd->si[i]) : json_null());
  for (int i = 0; i < 4; i++)
    rs_jset(jb, times, fn_keys[i], fd->ntfs ? rs_json_time(&fd->fn[i]) : json_null());
  if (!fd->ntfs)
    for (int i = 0; i < 3; i++)
      rs_jset(jb, times, fat_keys[i], fd->local_only ? json_null() : rs_json_time(&fd->si[i]));
  if (fd->fat_local || fd->times_note)
    rs_jset(jb, times, "note", rs_json_str(fd->times_note));
  if (fd->local_only)
    for (int i = 0; i < 4; i++)
      rs_jset(jb, times, local_keys[i], rs_json_local_time(&fd->si[i]));
  rs_jset(jb, o, "times", times);
  json_t *aj = json_null();
  if (fd->attrs_known) {
    aj = json_array();
    if (fd->attrs & RS_ATTR_HIDDEN)
      rs_japp(jb, aj, json_string("hidden"));
    if (fd->attrs & RS_ATTR_SYSTEM)
      rs_japp(jb, aj, json_string("system"));
    if (fd->attrs & RS_ATTR_READONLY)
      rs_japp(jb, aj, json_string("readonly"));
    if (fd->attrs & RS_ATTR_ARCHIVE)
      rs_japp(jb, aj, json_string("archive"));
  }
  rs_jset(jb, o, "attributes", aj);
  rs_jset(jb, o, "si_before_fn", fd->collected ? json_null() : json_boolean(fd->si_before_fn));
  json_t *det = json_object();
  rs_jset(jb, det, "on_system_volume", json_boolean(fd->on_system_volume));
  if (fd->idq) {
    rs_jset(jb, det, "file_version", fd->file_version ? json_string(fd->file_version) : json_null());
    rs_jset(jb, det, "role", json_string(fd->role));
    rs_jset(jb, det, "state", json_string(rs_patch_state_name(fd->state)));
    rs_jset(jb, det, "rule", rs_json_str(fd->rule));
  }
  if (fd->decided_by)
    rs_jset(jb, det, "decided_by", rs_json_str(fd->decided_by));
  if (fd->can_run_at_logon >= 0)
    rs_jset(jb, det, "can_run_at_logon", json_boolean(fd->can_run_at_logon));
  rs_jset(jb, o, "details", det);
}

static void registry_fields(struct rs_jb *jb, json_t *o, const struct rs_finding *f)
{
  const struct rs_reg_detail *rd = &f->u.reg;
  rs_jset(jb, o, "path", rs_json_str(f->path));
  json_t *det = json_object();
  rs_jset(jb, det, "hive", rs_json_str(rd->v.hive));
  rs_jset(jb, det, "hive_role", rs_json_str(rd->hive_role));
  rs_jset(jb, det, "key", rs_json_str(rd->v.key));
  rs_jset(jb, det, "value", rs_json_str(rd->v.name));
  rs_jset(jb, det, "data",
          rd->scriptmap && !rd->v.present ? json_null() : rs_json_str(rd->v.data));
  rs_jset(jb, det, "control_set", rd->control_set[0] ? rs_json_str(rd->control_set) : json_null());
  rs_jset(jb, det, "current_control_set", json_boolean(rd->current));
  rs_jset(jb, det, "key_last_written_utc", rs_json_time(&rd->v.key_written));
  if (rd->scriptmap) {
    rs_jset(jb, det, "extension", rs_json_str(f->check->name));
    rs_jset(jb, det, "decided_by", rs_json_str(rd->sm_source));
    rs_jset(jb, det, "metabase", rs_json_str(rd->sm_metabase));
    rs_jset(jb, det, "metabase_entry", rd->sm_entry ? rs_json_str(rd->sm_entry) : json_null());
  }
  rs_jset(jb, o, "details", det);
}

static void detail_fields(struct rs_jb *jb, json_t *o, const struct rs_finding *f)
{
  json_t *det;
  switch (f->what) {
  case RS_FD_FILE:
    file_fields(jb, o, f);
    break;
  case RS_FD_REGISTRY:
    registry_fields(jb, o, f);
    break;
  case RS_FD_METABASE:
    rs_jset(jb, o, "path", rs_json_str(f->path));
    det = json_object();
    rs_jset(jb, det, "vdir_c", json_boolean(f->u.mb.vdir_c));
    rs_jset(jb, det, "vdir_d", json_boolean(f->u.mb.vdir_d));
    rs_jset(jb, det, "method", json_string("string scan (format UNCONFIRMED)"));
    rs_jset(jb, o, "details", det);
    break;
  case RS_FD_PATCH: {
    det = json_object();
    json_t *keys = json_array();
    for (size_t i = 0; i < f->u.patch.nkeys; i++)
      rs_japp(jb, keys, rs_json_str(f->u.patch.keys[i]));
    rs_jset(jb, det, "hotfix_keys", keys);
    rs_jset(jb, det, "idq_state", json_string("vulnerable"));
    rs_jset(jb, o, "details", det);
    rs_jset(jb, o, "path", json_null());
    break;
  }
  case RS_FD_LOG_FAMILY: {
    const struct rs_family_stats *fs = &f->u.fam;
    det = json_object();
    rs_jset(jb, det, "hits", json_integer((json_int_t)fs->hits));
    rs_jset(jb, det, "first_utc", rs_json_time(&fs->first));
    rs_jset(jb, det, "last_utc", rs_json_time(&fs->last));
    json_t *st = json_object();
    rs_jset(jb, st, "2xx", json_integer((json_int_t)fs->status_2xx));
    rs_jset(jb, st, "3xx", json_integer((json_int_t)fs->status_3xx));
    rs_jset(jb, st, "4xx", json_integer((json_int_t)fs->status_4xx));
    rs_jset(jb, st, "5xx", json_integer((json_int_t)fs->status_5xx));
    rs_jset(jb, st, "other", json_integer((json_int_t)fs->status_other));
    rs_jset(jb, det, "status", st);
    rs_jset(jb, o, "details", det);
    rs_jset(jb, o, "path", json_null());
    break;
  }
  case RS_FD_BACKDOOR:
    det = json_object();
    rs_jset(jb, det, "uses", json_integer((json_int_t)f->u.bd.uses));
    rs_jset(jb, det, "first_utc", rs_json_time(&f->u.bd.first));
    rs_jset(jb, det, "last_utc", rs_json_time(&f->u.bd.last));
    if (f->u.bd.nlocal)
      rs_jset(jb, det, "uses_with_local_time_only", json_integer((json_int_t)f->u.bd.nlocal));
    rs_jset(jb, o, "details", det);
    rs_jset(jb, o, "path", json_null());
    break;
  case RS_FD_EVENT:
    rs_report_event_fields(jb, o, f);
    break;
  case RS_FD_RESIDUE:
    rs_report_residue_fields(jb, o, f);
    break;
  case RS_FD_CARVED:
    rs_report_carved_fields(jb, o, f);
    break;
  }
}

static json_t *finding_json(struct rs_jb *jb, const struct rs_results *r,
                            const struct rs_finding *f)
{
  const struct rs_check *c = f->check;
  json_t *o = json_object();
  rs_jset(jb, o, "id", json_string(f->id));
  rs_jset(jb, o, "family", json_string(c->family));
  rs_jset(jb, o, "check", json_string(c->id));
  bool pe_event = f->what == RS_FD_EVENT && f->u.ev.source_kind && !strcmp(f->u.ev.source_kind, "pe");
  rs_jset(jb, o, "kind", json_string(pe_event ? "pe" : kind_name(c->kind)));
  rs_jset(jb, o, "severity", json_string(f->severity ? f->severity : c->severity));
  rs_jset(jb, o, "title", rs_json_str(f->title ? f->title : c->title));
  rs_jset(jb, o, "why", json_string(f->why ? f->why : c->why));
  rs_jset(jb, o, "volume", f->volume >= 0 ? json_integer(f->volume) : json_null());
  rs_jset(jb, o, "live", json_boolean(f->live));
  rs_jset(jb, o, "ref", json_string(c->ref));
  detail_fields(jb, o, f);
  if (f->match)
    rs_report_match_fields(jb, o, f);
  rs_report_corroboration(jb, o, r, f);
  if (f->damaged)
    rs_jset(jb, o, "content_damaged",
            json_pack("{s:I,s:I}", "bytes", (json_int_t)f->damaged_bytes, "first_offset",
                      (json_int_t)f->damaged_first));
  /* The contract lists these for every finding; a registry or log finding
   * has none of them, so they are there as null rather than missing. */
  static const char *const contract_keys[] = {"path", "allocated", "mft_entry", "size",
                                              "md5", "sha256", "times", "details"};
  for (size_t k = 0; o && k < sizeof contract_keys / sizeof contract_keys[0]; k++)
    if (!json_object_get(o, contract_keys[k]))
      rs_jset(jb, o, contract_keys[k], json_null());
  return o;
}

json_t *rs_report_findings(struct rs_jb *jb, const struct rs_results *r)
{
  json_t *arr = json_array();
  for (size_t i = 0; i < r->nfind; i++)
    rs_japp(jb, arr, finding_json(jb, r, &r->finds[i]));
  return arr;
}

static json_t *idx_json(struct rs_jb *jb, const struct rs_results *r, const struct rs_idx *x)
{
  json_t *a = json_array();
  for (size_t i = 0; i < x->n; i++)
    rs_japp(jb, a, json_string(r->finds[x->v[i]].id));
  return a;
}

json_t *rs_report_verdict(struct rs_jb *jb, const struct rs_results *r)
{
  const struct rs_verdict *v = &r->verdict;
  json_t *o = json_object();
  rs_jset(jb, o, "status", json_string(rs_status_name(v->status)));
  rs_jset(jb, o, "reasons", idx_json(jb, r, &v->reasons));
  /* the summary names what happened on this host (story.c): evidence bytes */
  rs_jset(jb, o, "summary", rs_json_str(v->summary));
  json_t *cl = json_array();
  for (size_t i = 0; v->cleanup && i < rs_ncleanup; i++) {
    const struct rs_cleanup *c = &v->cleanup[i];
    json_t *it = json_object();
    rs_jset(jb, it, "id", json_string(c->item->id));
    rs_jset(jb, it, "item", json_string(c->item->item));
    rs_jset(jb, it, "status", json_string(rs_item_state_name(c->state)));
    rs_jset(jb, it, "findings", idx_json(jb, r, &c->finds));
    rs_jset(jb, it, "note", c->note ? json_string(c->note) : json_null());
    rs_jset(jb, it, "ref", json_string(c->item->ref));
    rs_japp(jb, cl, it);
  }
  rs_jset(jb, o, "cleanup", cl);
  json_t *notes = json_array();
  for (size_t i = 0; i < v->nnotes; i++)
    rs_japp(jb, notes, json_string(v->notes[i]));
  rs_jset(jb, o, "notes", notes);
  return o;
}

json_t *rs_report_story(struct rs_jb *jb, const struct rs_results *r)
{
  json_t *arr = json_array();
  for (size_t i = 0; i < r->nstory; i++) {
    const struct rs_story_ev *e = &r->story[i];
    json_t *o = json_object();
    rs_jset(jb, o, "utc", rs_json_time(&e->t));
    rs_jset(jb, o, "event", rs_json_str(e->event));
    rs_jset(jb, o, "source", rs_json_str(e->source));
    rs_jset(jb, o, "finding",
            e->find >= 0 && (size_t)e->find < r->nfind ? json_string(r->finds[e->find].id)
                                                       : json_null());
    if (e->estimate) {
      rs_jset(jb, o, "estimate", json_true());
      rs_jset(jb, o, "estimated_from", rs_json_str(e->estimated_from));
    }
    rs_japp(jb, arr, o);
  }
  return arr;
}

json_t *rs_report_tl_entry(struct rs_jb *jb, const struct rs_tl_entry *e, const char *finding)
{
  json_t *o = json_object();
  rs_jset(jb, o, "datetime", rs_json_time(&e->t));
  rs_jset(jb, o, "timestamp_desc", rs_json_str(e->desc));
  rs_jset(jb, o, "source", rs_json_str(e->source));
  rs_jset(jb, o, "message", rs_json_str(e->message));
  rs_jset(jb, o, "finding", finding ? json_string(finding) : json_null());
  if (e->path)
    rs_jset(jb, o, "path", rs_json_str(e->path));
  if (e->ip)
    rs_jset(jb, o, "ip", rs_json_str(e->ip));
  return o;
}

json_t *rs_report_timeline(struct rs_jb *jb, const struct rs_results *r, bool with_spill)
{
  json_t *arr = json_array();
  /* the spilled entries, merged in where they belong (each knows its place) */
  struct rs_tl_spill *sp = with_spill ? r->spill : NULL;
  struct rs_tl_entry h;
  size_t before = 0;
  int have = sp && rs_tl_spill_rewind(sp) == RS_OK ? rs_tl_spill_next(sp, &h, &before) : 0;
  for (size_t i = 0; i <= r->ntl && !jb->nomem; i++) {
    while (have == 1 && before <= i && !jb->nomem) {
      rs_japp(jb, arr, rs_report_tl_entry(jb, &h, NULL));
      have = rs_tl_spill_next(sp, &h, &before);
    }
    if (i == r->ntl)
      break;
    const struct rs_tl_entry *e = &r->tl[i];
    rs_japp(jb, arr, rs_report_tl_entry(jb, e, e->find_index >= 0 &&
                                                       (size_t)e->find_index < r->nfind
                                                   ? r->finds[e->find_index].id
                                                   : NULL));
  }
  if (have < 0 || (sp && rs_tl_spill_error(sp, NULL) != RS_OK))
    jb->nomem = true; /* the report fails as a whole; rs_scan says why */
  return arr;
}

json_t *rs_report_unreadable(struct rs_jb *jb, const struct rs_results *r)
{
  json_t *arr = json_array();
  for (size_t i = 0; i < r->nunr; i++) {
    json_t *o = json_object();
    rs_jset(jb, o, "what", rs_json_str(r->unr[i].what));
    rs_jset(jb, o, "where", rs_json_str(r->unr[i].where));
    rs_jset(jb, o, "reason", rs_json_str(r->unr[i].reason));
    rs_japp(jb, arr, o);
  }
  return arr;
}
