/* Stage "files": digests of the candidate files, the cmd.exe copy test
 * and the file findings. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/buf.h"
#include "redsleuth/collect.h"
#include "scan/stage.h"


static const char *const si_desc[4] = {"Creation Time ($SI)", "Modification Time ($SI)",
                                       "Last Access Time ($SI)", "MFT Entry Change Time ($SI)"};
static const char *const fn_desc[4] = {"Creation Time ($FN)", "Modification Time ($FN)",
                                       "Last Access Time ($FN)", "MFT Entry Change Time ($FN)"};

static const char *const fat_desc[4] = {"Creation Time (FAT)", "Modification Time (FAT)",
                                        "Last Access Date (FAT)", "Changed (FAT)"};

struct rs_finding *rs_file_finding(struct rs_scan_ctx *ctx, const struct rs_check *chk,
                                   const struct rs_cand *c, const struct rs_file_digest *dg)
{
  struct rs_results *r = &ctx->res;
  struct rs_buf win = {0}, sk = {0}, msg = {0};
  struct rs_finding *f = NULL;
  rs_buf_init(&sk, 1u << 17);
  rs_buf_init(&msg, 1u << 17);
  if (!rs_win_path(ctx, c->volume, c->path, &win) ||
      rs_buf_addf(&sk, "%04d|%s|%020llu", c->volume, c->path, (unsigned long long)c->inum) !=
          RS_OK ||
      rs_buf_addf(&msg, "%s: %s%s", chk->title, win.data, c->allocated ? "" : " (deleted)") !=
          RS_OK) {
    rs_results_fail(r, RS_E_NOMEM);
    goto out;
  }
  f = rs_results_add_finding(r, chk, RS_FD_FILE, c->allocated, c->volume, sk.data);
  if (!f)
    goto out;
  const struct rs_volume *vol = &ctx->img->vols[c->volume];
  struct rs_file_detail *fd = &f->u.file;
  bool ntfs = vol->fs_kind == RS_FS_NTFS;
  f->path = rs_results_strdup(r, win.data);
  snprintf(fd->drive, sizeof fd->drive, "%s", vol->drive);
  fd->drive_assumed = vol->drive[0] && vol->drive_assumed;
  fd->allocated = c->allocated;
  fd->ntfs = ntfs;
  fd->inum = c->inum;
  fd->stream = c->stream;
  fd->attr_id = c->attr_id;
  fd->stream_name_len = c->stream_name_len;
  fd->collected = vol->coll != NULL;
  fd->size = c->size;
  if (dg && dg->done) {
    fd->digest = true;
    memcpy(fd->md5, dg->md5, sizeof fd->md5);
    memcpy(fd->sha1, dg->sha1, sizeof fd->sha1);
    memcpy(fd->sha256, dg->sha256, sizeof fd->sha256);
  }
  memcpy(fd->si, c->si, sizeof fd->si);
  memcpy(fd->fn, c->fn, sizeof fd->fn);
  if (c->fat_local) {
    /* FAT stores local clock times: convert with the host's zone when known */
    for (int i = 0; i < 4; i++)
      if (fd->si[i].set)
        fd->si[i] = rs_tz_local_to_utc(&ctx->si.tz, fd->si[i], NULL);
  }
  /* FAT clock times with no known zone are not UTC: they go to *_local
   * fields without a zone suffix, the *_utc fields stay null, and they are
   * kept off the timeline (where every time is UTC) */
  fd->fat_local = c->fat_local;
  fd->local_only = c->fat_local && !ctx->si.tz.known;
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
    fd->times_note = rs_results_strdup(r, note);
  }
  fd->attrs_known = c->attrs_known;
  fd->attrs = c->attrs;
  /* $SI creation before $FN creation: a classic sign of timestamp tampering */
  fd->si_before_fn = ntfs && c->si[0].set && c->fn[0].set && rs_time_cmp(&c->si[0], &c->fn[0]) < 0;
  fd->on_system_volume = vol->windows_root[0] != '\0';
  const char *src = ntfs ? "mft" : "fat";
  for (int i = 0; i < 4 && !fd->local_only; i++)
    rs_tl_add(r, &fd->si[i], ntfs ? si_desc[i] : fat_desc[i], src, msg.data, (int)f->seq,
              win.data, NULL);
  for (int i = 0; i < 4; i++)
    rs_tl_add(r, &c->fn[i], fn_desc[i], src, msg.data, (int)f->seq, win.data, NULL);
out:
  rs_buf_free(&win);
  rs_buf_free(&sk);
  rs_buf_free(&msg);
  return r->err == RS_OK ? f : NULL;
}

/* A reference cmd.exe of this host: what a root.exe was compared with. */
struct cmd_ref {
  char *sha256;         /* owned */
  char *path;           /* owned, Windows path */
  uint64_t inum;
  bool ntfs;
  struct rs_time mtime;  /* its modified time (FAT: as stored) */
};

static int cmp_ref(const void *a, const void *b)
{
  const struct cmd_ref *x = a, *y = b;
  int c = strcmp(x->sha256, y->sha256);
  return c ? c : strcmp(x->path, y->path);
}

static int cmp_ref_key(const void *key, const void *b)
{
  return strcmp(key, ((const struct cmd_ref *)b)->sha256);
}

void rs_stage_files(struct rs_scan_ctx *ctx)
{
  /* reference cmd.exe hashes of this host (system32 and dllcache) */
  struct cmd_ref *cmd_hashes = NULL;
  size_t ncmd = 0, capcmd = 0;
  struct rs_diag d;
  struct rs_buf win = {0};
  for (size_t i = 0; i < ctx->ncand; i++) {
    struct rs_cand *c = &ctx->cands[i];
    if (c->kind != RS_C_CMD_REF)
      continue;
    struct rs_file_digest dg;
    rs_diag_clear(&d);
    enum rs_err e = rs_vfile_digest(&ctx->img->vols[c->volume], c->inum, &dg, &d);
    if (e == RS_E_NOMEM)
      rs_results_fail(&ctx->res, e);
    if (e == RS_OK && dg.done && rs_win_path(ctx, c->volume, c->path, &win) &&
        rs_results_grow(&ctx->res, (void **)&cmd_hashes, &capcmd, ncmd, sizeof *cmd_hashes, 4)) {
      struct cmd_ref ref = {rs_results_strdup(&ctx->res, dg.sha256),
                            rs_results_strdup(&ctx->res, win.data), c->inum,
                            ctx->img->vols[c->volume].fs_kind == RS_FS_NTFS, c->si[1]};
      if (ref.sha256 && ref.path) /* a NULL entry would crash cmp_ref */
        cmd_hashes[ncmd++] = ref;
      else {
        free(ref.sha256);
        free(ref.path);
      }
    }
  }
  /* no reference cmd.exe: cmd_hashes is NULL, which qsort must not get
   * (UBSan, found by fuzz/fuzz_scan.c) */
  if (ncmd > 1)
    qsort(cmd_hashes, ncmd, sizeof *cmd_hashes, cmp_ref);

  for (size_t i = 0; i < ctx->ncand && !rs_ctx_failed(ctx); i++) {
    struct rs_cand *c = &ctx->cands[i];
    if (c->kind != RS_C_ROW)
      continue;
    const struct rs_volume *fs = &ctx->img->vols[c->volume];
    struct rs_file_digest dg;
    memset(&dg, 0, sizeof dg);
    rs_diag_clear(&d);
    if (!rs_win_path(ctx, c->volume, c->path, &win))
      break;
    enum rs_err de = rs_vfile_digest(fs, c->inum, &dg, &d);
    if (de != RS_OK || !dg.done) {
      if (c->allocated || de == RS_E_NOMEM)
        rs_ctx_unreadable(ctx, "file content", win.data, de,
                          d.what[0] ? d.what : "content not readable");
      dg.done = false;
    }
    const struct rs_check *chk = c->check;
    const char *decided = NULL;
    const struct cmd_ref *same = NULL; /* the cmd.exe this file equals */
    char decided_buf[1400];
    if (chk->match == RS_M_CMD_COPY) {
      bool copy = false;
      if (dg.done && ncmd) {
        /* the first of the equal copies in path order (system32 before
         * system32\dllcache): the one named as compared */
        const struct cmd_ref *ref =
            bsearch(dg.sha256, cmd_hashes, ncmd, sizeof *cmd_hashes, cmp_ref_key);
        while (ref && ref > cmd_hashes && strcmp(ref[-1].sha256, dg.sha256) == 0)
          ref--;
        copy = ref != NULL;
        same = ref;
        if (ref) {
          snprintf(decided_buf, sizeof decided_buf,
                   "SHA-256 equals this host's cmd.exe %.1000s (%s %llu, SHA-256 %s)", ref->path,
                   ref->ntfs ? "MFT entry" : "FAT directory entry",
                   (unsigned long long)ref->inum, ref->sha256);
          decided = decided_buf;
        }
      }
      if (dg.done && !copy) {
        /* not this host's cmd.exe (none to compare, or a service pack has
         * replaced it since): a cmd.exe build of any version is still the
         * backdoor (codered-artifacts 2.1), told by its version resource */
        uint8_t *data = NULL;
        size_t len = 0;
        struct rs_pe_info pi;
        enum rs_err re = rs_vfile_read(fs, c->inum, RS_PE_MAX, false, &data, &len, &d);
        if (re == RS_E_NOMEM)
          rs_results_fail(&ctx->res, re);
        if (re == RS_OK && data && rs_pe_read(data, len, &pi, &d) == RS_OK && pi.has_version &&
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
    struct rs_finding *f = rs_file_finding(ctx, chk, c, &dg);
    if (!f)
      break;
    if (!dg.done && c->check->match == RS_M_CMD_COPY) {
      /* unreadable content proves nothing either way: say so, not "differs" */
      f->title = rs_results_strdup(&ctx->res, "root.exe in an IIS script folder, content "
                                              "unreadable: cannot tell whether it is a cmd.exe "
                                              "copy");
      f->why = rs_results_strdup(&ctx->res, "named like the Code Red II backdoor; its content "
                                            "could not be read (see unreadable)");
    }
    if (decided)
      f->u.file.decided_by = rs_results_strdup(&ctx->res, decided);
    /* a copy keeps its source's modified time: say so where root.exe's is
     * cmd.exe's, so it is not read as the infection time (c->si as stored,
     * as the reference's, so FAT clock times compare too) */
    if (same && same->mtime.set && c->si[1].set && rs_time_cmp(&same->mtime, &c->si[1]) == 0) {
      struct rs_buf nb;
      rs_buf_init(&nb, 1u << 16);
      if (rs_buf_addf(&nb, "%s%smodified time inherited from %s (a copy keeps its source's "
                           "modified time): it is cmd.exe's, not when the copy was made (the "
                           "created time is that)",
                      f->u.file.times_note ? f->u.file.times_note : "",
                      f->u.file.times_note ? "; " : "", same->path) != RS_OK) {
        rs_results_fail(&ctx->res, RS_E_NOMEM);
      } else {
        free(f->u.file.times_note);
        f->u.file.times_note = rs_results_strdup(&ctx->res, nb.data);
      }
      rs_buf_free(&nb);
    }
    /* a deleted Code Red II artifact: its folder's last change, the
     * estimate of when it was deleted (story) */
    const char *slash = strrchr(c->path, '/');
    if (!c->allocated && chk->role == RS_ROLE_CR2 && f->u.file.ntfs && slash) {
      char parent[4096];
      snprintf(parent, sizeof parent, "%.*s", (int)(slash - c->path), c->path);
      TSK_FS_FILE *pf = fs->fs ? tsk_fs_file_open(fs->fs, NULL, parent[0] ? parent : "/") : NULL;
      struct rs_buf pw = {0};
      if (pf && pf->meta && pf->meta->mtime > 0 &&
          rs_win_path(ctx, c->volume, parent[0] ? parent : "/", &pw)) {
        f->u.file.parent_mod = rs_time_from_unix((int64_t)pf->meta->mtime,
                                                 (uint32_t)pf->meta->mtime_nano, 7);
        f->u.file.parent_path = rs_results_strdup(&ctx->res, pw.data);
      }
      rs_buf_free(&pw);
      tsk_fs_file_close(pf);
      tsk_error_reset();
    }
    if (chk->match == RS_M_NOT_SYSDRIVE_EXPLORER)
      f->u.file.can_run_at_logon = ctx->img->vols[c->volume].windows_root[0] != '\0';
  }
  rs_buf_free(&win);
  for (size_t i = 0; i < ncmd; i++) {
    free(cmd_hashes[i].sha256);
    free(cmd_hashes[i].path);
  }
  free(cmd_hashes);
}
