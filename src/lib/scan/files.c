/* Stage "files": digests of the candidate files, the cmd.exe copy test
 * and the file findings. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/report.h"
#include "scan/stage.h"


static const char *const si_keys[4] = {"si_created_utc", "si_modified_utc", "si_accessed_utc",
                                       "si_mft_modified_utc"};
static const char *const fn_keys[4] = {"fn_created_utc", "fn_modified_utc", "fn_accessed_utc",
                                       "fn_mft_modified_utc"};
static const char *const si_desc[4] = {"Creation Time ($SI)", "Modification Time ($SI)",
                                       "Last Access Time ($SI)", "MFT Entry Change Time ($SI)"};
static const char *const fn_desc[4] = {"Creation Time ($FN)", "Modification Time ($FN)",
                                       "Last Access Time ($FN)", "MFT Entry Change Time ($FN)"};

static const char *const fat_desc[4] = {"Creation Time (FAT)", "Modification Time (FAT)",
                                        "Last Access Date (FAT)", "Changed (FAT)"};

struct rs_find *rs_file_finding(struct rs_scan_ctx *ctx, const struct rs_check *chk,
                                    const struct rs_cand *c, const struct rs_file_digest *dg)
{
  char win[1200], sk[1200];
  rs_win_path(ctx, c->volume, c->path, win, sizeof win);
  snprintf(sk, sizeof sk, "%04d|%s|%020llu", c->volume, c->path, (unsigned long long)c->inum);
  struct rs_find *f = rs_ctx_add_find(ctx, chk, c->allocated, c->volume, sk);
  if (!f)
    return NULL;
  json_t *o = f->obj;
  const struct rs_volume *vol = &ctx->img->vols[c->volume];
  bool ntfs = vol->fs_kind == RS_FS_NTFS;
  json_object_set_new(o, "path", rs_json_str(win));
  json_object_set_new(o, "drive", vol->drive[0] ? json_string(vol->drive) : json_null());
  json_object_set_new(o, "allocated", json_boolean(c->allocated));
  json_object_set_new(o, ntfs ? "mft_entry" : "dir_entry", json_integer((json_int_t)c->inum));
  if (!ntfs)
    json_object_set_new(o, "mft_entry", json_null());
  json_object_set_new(o, "size", json_integer((json_int_t)c->size));
  json_object_set_new(o, "md5", dg && dg->done ? json_string(dg->md5) : json_null());
  json_object_set_new(o, "sha1", dg && dg->done ? json_string(dg->sha1) : json_null());
  json_object_set_new(o, "sha256", dg && dg->done ? json_string(dg->sha256) : json_null());
  json_t *times = json_object();
  struct rs_time si[4];
  memcpy(si, c->si, sizeof si);
  if (c->fat_local) {
    /* FAT stores local clock times: convert with the host's zone when known */
    for (int i = 0; i < 4; i++)
      if (si[i].set)
        si[i] = rs_tz_local_to_utc(&ctx->si.tz, si[i], NULL);
  }
  /* FAT clock times with no known zone are not UTC: they go to *_local
   * fields without a zone suffix, the *_utc fields stay null, and they are
   * kept off the timeline (where every time is UTC) */
  bool local_only = c->fat_local && !ctx->si.tz.known;
  for (int i = 0; i < 4; i++)
    json_object_set_new(times, si_keys[i], local_only ? json_null() : rs_json_time(&si[i]));
  for (int i = 0; i < 4; i++)
    json_object_set_new(times, fn_keys[i], rs_json_time(&c->fn[i]));
  if (c->fat_local) {
    char zone[200], note[300];
    rs_tz_describe(&ctx->si.tz, zone, sizeof zone);
    /* by the zone, not by whether a time was set: an entry without times
     * (zeroed fields) is not a sign that the zone is unknown */
    if (ctx->si.tz.known)
      snprintf(note, sizeof note, "FAT local times converted to UTC with %s", zone);
    else
      snprintf(note, sizeof note, "FAT local clock times, not converted (time zone unknown): "
                                  "see the *_local fields; not on the timeline");
    json_object_set_new(times, "note", json_string(note));
  }
  if (local_only) {
    static const char *const local_keys[4] = {"fat_created_local", "fat_modified_local",
                                              "fat_accessed_local", "fat_changed_local"};
    for (int i = 0; i < 4; i++)
      json_object_set_new(times, local_keys[i], rs_json_local_time(&si[i]));
  }
  json_object_set_new(o, "times", times);
  uint32_t attrs = c->attrs;
  json_t *aj = json_null();
  if (c->attrs_known) {
    aj = json_array();
    if (attrs & RS_ATTR_HIDDEN)
      json_array_append_new(aj, json_string("hidden"));
    if (attrs & RS_ATTR_SYSTEM)
      json_array_append_new(aj, json_string("system"));
    if (attrs & RS_ATTR_READONLY)
      json_array_append_new(aj, json_string("readonly"));
    if (attrs & RS_ATTR_ARCHIVE)
      json_array_append_new(aj, json_string("archive"));
  }
  json_object_set_new(o, "attributes", aj);
  /* $SI creation before $FN creation: a classic sign of timestamp tampering */
  bool tamper = ntfs && c->si[0].set && c->fn[0].set && rs_time_cmp(&c->si[0], &c->fn[0]) < 0;
  json_object_set_new(o, "si_before_fn", json_boolean(tamper));
  json_t *det = json_object();
  json_object_set_new(det, "on_system_volume", json_boolean(vol->windows_root[0] != '\0'));
  json_object_set_new(o, "details", det);
  char msg[1400];
  snprintf(msg, sizeof msg, "%s: %s%s", chk->title, win, c->allocated ? "" : " (deleted)");
  const char *src = ntfs ? "mft" : "fat";
  for (int i = 0; i < 4 && !local_only; i++)
    rs_tl_add(ctx, &si[i], ntfs ? si_desc[i] : fat_desc[i], src, msg, (int)f->seq, win, NULL);
  for (int i = 0; i < 4; i++)
    rs_tl_add(ctx, &c->fn[i], fn_desc[i], src, msg, (int)f->seq, win, NULL);
  return f;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void rs_stage_files(struct rs_scan_ctx *ctx)
{
  /* reference cmd.exe hashes of this host (system32 and dllcache) */
  char **cmd_hashes = NULL;
  size_t ncmd = 0;
  struct rs_diag d;
  for (size_t i = 0; i < ctx->ncand; i++) {
    struct rs_cand *c = &ctx->cands[i];
    if (c->kind != RS_C_CMD_REF)
      continue;
    struct rs_file_digest dg;
    rs_diag_clear(&d);
    if (rs_file_digest(ctx->img->vols[c->volume].fs, c->inum, &dg, &d) == RS_OK && dg.done) {
      char **n = realloc(cmd_hashes, (ncmd + 1) * sizeof *n);
      if (n) {
        cmd_hashes = n;
        char *h = strdup(dg.sha256);
        if (h) /* a NULL entry would crash cmp_str */
          cmd_hashes[ncmd++] = h;
      }
    }
  }
  /* no reference cmd.exe: cmd_hashes is NULL, which qsort must not get
   * (UBSan, found by fuzz/fuzz_scan.c) */
  if (ncmd > 1)
    qsort(cmd_hashes, ncmd, sizeof *cmd_hashes, cmp_str);

  for (size_t i = 0; i < ctx->ncand; i++) {
    struct rs_cand *c = &ctx->cands[i];
    if (c->kind != RS_C_ROW)
      continue;
    TSK_FS_INFO *fs = ctx->img->vols[c->volume].fs;
    struct rs_file_digest dg;
    memset(&dg, 0, sizeof dg);
    rs_diag_clear(&d);
    char win[1200];
    rs_win_path(ctx, c->volume, c->path, win, sizeof win);
    if (rs_file_digest(fs, c->inum, &dg, &d) != RS_OK || !dg.done) {
      if (c->allocated)
        rs_ctx_unreadable(ctx, "file content", win, d.what[0] ? d.what : "content not readable");
      dg.done = false;
    }
    const struct rs_check *chk = c->check;
    const char *decided = NULL;
    char decided_buf[300];
    if (chk->match == RS_M_CMD_COPY) {
      bool copy = false;
      if (dg.done && ncmd) {
        const char *key = dg.sha256;
        copy = bsearch(&key, cmd_hashes, ncmd, sizeof *cmd_hashes, cmp_str) != NULL;
        decided = "SHA-256 equals this host's cmd.exe";
      }
      if (dg.done && !copy) {
        /* not this host's cmd.exe (none to compare, or a service pack has
         * replaced it since): a cmd.exe build of any version is still the
         * backdoor (codered-artifacts 2.1), told by its version resource */
        uint8_t *data = NULL;
        size_t len = 0;
        struct rs_pe_info pi;
        if (rs_file_read(fs, c->inum, RS_PE_MAX, false, &data, &len, &d) == RS_OK && data &&
            rs_pe_read(data, len, &pi, &d) == RS_OK && pi.has_version &&
            strcasecmp(pi.original_filename, "cmd.exe") == 0) {
          copy = true;
          snprintf(decided_buf, sizeof decided_buf,
                   "%s; its version resource says OriginalFilename Cmd.Exe, version %s (a "
                   "cmd.exe build)",
                   ncmd ? "SHA-256 differs from every cmd.exe of this host"
                        : "no cmd.exe on this host to compare",
                   pi.file_version_str);
          decided = decided_buf;
        } else {
          decided = ncmd ? "content differs from every cmd.exe of this host and has no cmd.exe "
                           "version resource"
                         : "no cmd.exe on this host to compare and no cmd.exe version resource";
        }
        free(data);
      } else if (!dg.done) {
        decided = "content not readable";
      }
      if (!copy) {
        const struct rs_check *alt = chk->otherwise ? rs_check_find(chk->otherwise) : NULL;
        if (!alt)
          continue;
        chk = alt;
      }
    }
    struct rs_find *f = rs_file_finding(ctx, chk, c, &dg);
    if (f && !dg.done && c->check->match == RS_M_CMD_COPY) {
      /* unreadable content proves nothing either way: say so, not "differs" */
      json_object_set_new(f->obj, "title",
                          json_string("root.exe in an IIS script folder, content unreadable: "
                                      "cannot tell whether it is a cmd.exe copy"));
      json_object_set_new(f->obj, "why",
                          json_string("named like the Code Red II backdoor; its content could "
                                      "not be read (see unreadable)"));
    }
    if (f && decided)
      json_object_set_new(json_object_get(f->obj, "details"), "decided_by", json_string(decided));
    if (f && chk->match == RS_M_NOT_SYSDRIVE_EXPLORER) {
      bool sysdrive = ctx->img->vols[c->volume].windows_root[0] != '\0';
      json_object_set_new(json_object_get(f->obj, "details"), "can_run_at_logon",
                          json_boolean(sysdrive));
    }
  }
  for (size_t i = 0; i < ncmd; i++)
    free(cmd_hashes[i]);
  free(cmd_hashes);
}
