/* The check engine: one evaluator per row kind; rows come from
 * checks_table.c. The engine never tests a row's id. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redsleuth/buf.h"
#include "redsleuth/yara.h"
#include "analysis/results.h"

/* Default IIS script folders (codered-artifacts 2.1), TSK form, lower case. */
static const char *const default_script_dirs[] = {
  "/inetpub/scripts",
  "/program files/common files/system/msadc",
};

static bool parent_is(const char *path, const char *dir)
{
  size_t dl = strlen(dir);
  const char *slash = strrchr(path, '/');
  if (!slash)
    return false;
  size_t pl = (size_t)(slash - path);
  if (dl == 1 && dir[0] == '/')
    return pl == 0;
  return pl == dl && strncasecmp(path, dir, dl) == 0;
}

/* A /Scripts or /MSADC virtual root's folder ("c:\\inetpub\\scripts,,201")
 * on this volume's drive, as a TSK path. */
static bool vroot_dir(const struct rs_regval *v, const char *drive, char *out, size_t outsz)
{
  if (!v->present || !drive[0])
    return false;
  const char *d = v->data;
  if (!(isalpha((unsigned char)d[0]) && d[1] == ':' && tolower((unsigned char)d[0]) ==
        tolower((unsigned char)drive[0])))
    return false;
  size_t n = strcspn(d + 2, ",");
  if (n == 0 || n + 1 >= outsz)
    return false;
  for (size_t i = 0; i < n; i++)
    out[i] = d[2 + i] == '\\' ? '/' : d[2 + i];
  out[n] = '\0';
  while (n > 1 && out[n - 1] == '/')
    out[--n] = '\0';
  return out[0] == '/';
}

static bool in_script_dir(const struct rs_sysinfo *si, const char *drive, const char *path)
{
  for (size_t i = 0; i < sizeof default_script_dirs / sizeof default_script_dirs[0]; i++)
    if (parent_is(path, default_script_dirs[i]))
      return true;
  char dir[sizeof si->sets[0].vroot_scripts.data]; /* the whole folder of any value */
  for (int s = 0; s < si->nsets; s++) {
    const struct rs_controlset *cs = &si->sets[s];
    if (vroot_dir(&cs->vroot_scripts, drive, dir, sizeof dir) && parent_is(path, dir))
      return true;
    if (vroot_dir(&cs->vroot_msadc, drive, dir, sizeof dir) && parent_is(path, dir))
      return true;
  }
  return false;
}

static bool name_matches(const struct rs_check *c, const struct rs_fsentry *e, bool fat)
{
  const char *n = e->name;
  const char *want = c->name;
  /* TSK replaces the first character of a deleted FAT name (fixture-recipes 2). */
  if (fat && !e->allocated && n[0] && want[0]) {
    n++;
    want++;
  }
  if (c->match == RS_M_PREFIX)
    return strncasecmp(n, want, strlen(want)) == 0;
  if (strcasecmp(n, want) == 0)
    return true;
  return e->short_name && !fat && strcasecmp(e->short_name, c->name) == 0;
}

bool rs_checks_file_row_matches(const struct rs_check *c, const struct rs_volume *v,
                                const struct rs_sysinfo *si, const struct rs_fsentry *e)
{
  if (c->kind != RS_K_FILE || c->fallback || e->is_dir)
    return false;
  bool fat = v->fs_kind == RS_FS_FAT12 || v->fs_kind == RS_FS_FAT16 || v->fs_kind == RS_FS_FAT32;
  if (!name_matches(c, e, fat))
    return false;
  char dir[300];
  switch (c->where) {
  case RS_W_SCRIPT_DIRS:
    return in_script_dir(si, v->drive, e->path);
  case RS_W_VOLUME_ROOT:
    return parent_is(e->path, "/");
  case RS_W_WINDIR:
    return v->windows_root[0] && parent_is(e->path, v->windows_root);
  case RS_W_SYSDIR:
    if (!v->windows_root[0])
      return false;
    snprintf(dir, sizeof dir, "%s/system32", v->windows_root);
    return parent_is(e->path, dir);
  case RS_W_WEB_DIRS:
    return strncasecmp(e->path, "/inetpub/", 9) == 0;
  case RS_W_ANY:
    return true;
  }
  return false;
}

/* Registry rows ------------------------------------------------------- */

static const struct rs_regval *vroot_by_name(const struct rs_controlset *cs, const char *name)
{
  if (strcasecmp(name, "/C") == 0)
    return &cs->vroot_c;
  if (strcasecmp(name, "/D") == 0)
    return &cs->vroot_d;
  if (strcasecmp(name, "/Scripts") == 0)
    return &cs->vroot_scripts;
  if (strcasecmp(name, "/MSADC") == 0)
    return &cs->vroot_msadc;
  return NULL;
}

/* Third comma-separated field of "path,user,perm" (codered-artifacts 3.1). */
static bool perm_field_is(const char *data, const char *want)
{
  const char *p = strchr(data, ',');
  if (!p)
    return false;
  p = strchr(p + 1, ',');
  if (!p)
    return false;
  p++;
  while (*p == ' ')
    p++;
  size_t n = strcspn(p, ", ");
  return n == strlen(want) && strncmp(p, want, n) == 0;
}

static void reg_finding(struct rs_results *r, int sys_volume, const struct rs_check *c,
                        const struct rs_regval *v, const char *set_name, bool current,
                        const char *hive_role, bool live)
{
  struct rs_buf sk;
  rs_buf_init(&sk, 1u << 16);
  if (rs_buf_addf(&sk, "%s|%s|%s|%s", hive_role, v->hive, set_name ? set_name : "", v->name) !=
      RS_OK) {
    rs_buf_free(&sk);
    rs_results_fail(r, RS_E_NOMEM);
    return;
  }
  struct rs_finding *f = rs_results_add_finding(r, c, RS_FD_REGISTRY, live, sys_volume, sk.data);
  rs_buf_free(&sk);
  if (!f)
    return;
  f->path = rs_results_strdup(r, v->hive);
  f->u.reg.v = *v;
  f->u.reg.hive_role = hive_role;
  snprintf(f->u.reg.control_set, sizeof f->u.reg.control_set, "%s", set_name ? set_name : "");
  f->u.reg.current = current;
  struct rs_buf msg;
  rs_buf_init(&msg, 1u << 16);
  if (rs_buf_addf(&msg, "%s: %s\\%s = %s (%s)", c->title, v->key, v->name, v->data,
                  live ? "live" : "history") != RS_OK)
    rs_results_fail(r, RS_E_NOMEM);
  rs_tl_add(r, &v->key_written, "Key Last Written", "registry", msg.data, (int)f->seq, v->hive,
            NULL);
  rs_buf_free(&msg);
}

void rs_checks_eval_registry(struct rs_results *r, int sys_volume, const struct rs_sysinfo *si,
                             struct rs_hive *software, const char *hive_role, bool live)
{
  for (size_t i = 0; i < rs_ncheck; i++) {
    const struct rs_check *c = &rs_checks[i];
    switch (c->kind) {
    case RS_K_REG_VROOT:
    case RS_K_REG_VROOT_PERM:
      for (int s = 0; s < si->nsets; s++) {
        const struct rs_controlset *cs = &si->sets[s];
        const struct rs_regval *v = vroot_by_name(cs, c->name);
        if (!v || !v->present)
          continue;
        if (c->kind == RS_K_REG_VROOT_PERM && !perm_field_is(v->data, c->arg))
          continue;
        char set_name[32];
        snprintf(set_name, sizeof set_name, "ControlSet%03d", cs->number);
        reg_finding(r, sys_volume, c, v, set_name, cs->is_current, hive_role,
                    live && cs->is_current);
      }
      break;
    case RS_K_REG_DWORD: {
      if (!software)
        break;
      struct rs_regval v;
      struct rs_diag d;
      enum rs_err e = rs_hive_get_value(software, c->key, c->name, &v, &d);
      if (e == RS_E_NOMEM) {
        rs_results_fail(r, e);
        break;
      }
      if (e != RS_OK) {
        rs_results_unreadable(r, "registry value", v.hive[0] ? v.hive : rs_hive_name(software),
                              d.what);
        break;
      }
      if (v.present && v.type == 4 && v.dword == (uint32_t)strtoul(c->arg, NULL, 0))
        reg_finding(r, sys_volume, c, &v, NULL, true, hive_role, live);
      break;
    }
    default:
      break;
    }
  }
}

/* Patch rows: hotfix keys that claim the fix against the live idq.dll. */
void rs_checks_eval_patch(struct rs_results *r, int sys_volume, const struct rs_sysinfo *si,
                          bool idq_active_found, enum rs_patch_state idq_active_state)
{
  if (!idq_active_found || idq_active_state != RS_PATCH_VULNERABLE)
    return;
  for (size_t i = 0; i < rs_ncheck; i++) {
    const struct rs_check *c = &rs_checks[i];
    if (c->kind != RS_K_PATCH_CONFLICT)
      continue;
    const struct rs_hotfix *first = NULL;
    size_t nkeys = 0;
    for (int pass = 0; pass < 2; pass++) {
      struct rs_finding *f = NULL;
      if (pass == 1) {
        if (!first)
          break;
        f = rs_results_add_finding(r, c, RS_FD_PATCH, true, sys_volume, first->id);
        if (!f)
          return;
        f->u.patch.keys = calloc(nkeys, sizeof *f->u.patch.keys);
        if (!f->u.patch.keys) {
          rs_results_fail(r, RS_E_NOMEM);
          return;
        }
      }
      for (int h = 0; h < si->nhotfixes; h++) {
        const struct rs_hotfix *hf = &si->hotfixes[h];
        char want[16];
        snprintf(want, sizeof want, ",%s,", hf->id);
        char list[256];
        snprintf(list, sizeof list, ",%s,", c->name);
        if (!hf->present || !strstr(list, want))
          continue;
        if (pass == 0) {
          nkeys++;
          if (!first)
            first = hf;
        } else {
          char *k = rs_results_strdup(r, hf->key);
          if (!k)
            return;
          f->u.patch.keys[f->u.patch.nkeys++] = k;
        }
      }
      if (pass == 1) {
        char msg[1000]; /* path is the hive file: the key goes in the message */
        snprintf(msg, sizeof msg, "%s: %s key last written: %s", c->title, first->id, first->key);
        rs_tl_add(r, &first->last_written, "Key Last Written", "registry", msg, (int)f->seq,
                  first->hive, NULL);
      }
    }
  }
}

/* docs/checks.md is generated from the table (`redsleuth checks`), so the
 * documentation cannot drift from what runs. */
static const char *kind_name(enum rs_check_kind k)
{
  switch (k) {
  case RS_K_FILE: return "file";
  case RS_K_REG_VROOT: return "registry: virtual root present";
  case RS_K_REG_VROOT_PERM: return "registry: virtual root permission";
  case RS_K_REG_DWORD: return "registry: DWORD value";
  case RS_K_METABASE_VDIR: return "metabase (heuristic)";
  case RS_K_SCRIPTMAP: return "script map (metabase or registry)";
  case RS_K_PE_IDQ: return "PE version (idq table)";
  case RS_K_LOG_FAMILY: return "IIS log request family";
  case RS_K_LOG_BACKDOOR: return "IIS log backdoor answer";
  case RS_K_PATCH_CONFLICT: return "hotfix key vs idq.dll version";
  case RS_K_CONTENT: return "file content (candidates only)";
  case RS_K_SAM_GUEST: return "SAM hive: user F and alias C values";
  case RS_K_REG_SHARE: return "registry: lanmanserver share";
  case RS_K_EVT_ACCOUNT: return "Security event log";
  case RS_K_EVENT: return "event log / Dr. Watson / UrlScan record";
  case RS_K_RESIDUE: return "memory residue bytes (bundled YARA rules)";
  case RS_K_RESIDUE_LOG: return "log line carved from memory residue or unallocated space";
  case RS_K_YARA: return "file content and memory residue (user YARA rules, --yara)";
  case RS_K_HASHSET: return "file digests (hash sets, --hashset)";
  }
  return "?";
}

static const char *where_name(const struct rs_check *c)
{
  if (c->kind == RS_K_CONTENT && c->where == RS_W_WINDIR)
    return "%SystemRoot% of every volume";
  if (c->kind == RS_K_CONTENT)
    return "any folder of any volume";
  if (c->kind != RS_K_FILE)
    return c->key ? c->key : "";
  switch (c->where) {
  case RS_W_SCRIPT_DIRS: return "IIS script folders (\\Inetpub\\scripts, ...\\System\\msadc, registry /Scripts and /MSADC)";
  case RS_W_VOLUME_ROOT: return "root folder of every volume";
  case RS_W_WINDIR: return "%SystemRoot%";
  case RS_W_SYSDIR: return "%SystemRoot%\\system32";
  case RS_W_WEB_DIRS: return "any folder under \\Inetpub";
  case RS_W_ANY: return "any folder of any volume";
  }
  return "";
}

static const char *role_name(enum rs_role r)
{
  switch (r) {
  case RS_ROLE_INFO: return "context";
  case RS_ROLE_CR2: return "Code Red II artifact (infected if live, cleaned if only historic)";
  case RS_ROLE_USE: return "backdoor used";
  case RS_ROLE_NIMDA: return "Nimda artifact";
  case RS_ROLE_ATTEMPT: return "worm requests reached the server";
  case RS_ROLE_NIMDA_INF: return "Nimda infection (infected if live, cleaned if only deleted)";
  }
  return "?";
}

/* The bundled rules (every .yar file in rules/) as compiled: the row each feeds (meta
 * redsleuth_check) and its source (meta source). */
static void bundled_rules_markdown(FILE *out)
{
  fputs("\n## Bundled YARA rules\n\nThe rules in `rules/` (installed under the data folder), "
        "run over memory residue; each names the check row its matches become and the public "
        "source of its strings (the rule's `meta`).\n\n",
        out);
  struct rs_rules_opts o = {0};
  struct rs_rules *r = NULL;
  struct rs_diag d;
  rs_diag_clear(&d);
  if (rs_rules_open(&o, NULL, 0, &r, &d) != RS_OK) {
    fprintf(out, "(the bundled rules could not be loaded: %s: %s)\n", d.where, d.what);
    return;
  }
  fputs("| rule | file | family | check | source |\n|---|---|---|---|---|\n", out);
  for (size_t i = 0; i < rs_rules_count(r); i++) {
    const struct rs_rule_info *in = rs_rules_info(r, i);
    if (!in->bundled)
      continue;
    const char *src = "";
    for (size_t k = 0; k < in->nmeta; k++)
      if (!strcmp(in->meta[k].key, "source") && in->meta[k].type == RS_META_STRING)
        src = in->meta[k].str;
    fprintf(out, "| %s | %s | %s | %s | ", in->rule, in->ns, in->family ? in->family : "",
            in->check ? in->check : "");
    for (const char *p = src; *p; p++) /* a '|' would end the cell */
      if (*p == '|')
        fputs("\\|", out);
      else
        fputc(*p, out);
    fputs(" |\n", out);
  }
  rs_rules_close(r);
}

void rs_checks_markdown(FILE *out)
{
  fputs("# Checks\n\nGenerated by `redsleuth checks` from src/lib/analysis/checks_table.c; "
        "a test keeps this file equal to that output.\nReferences are sections of "
        "`codered-artifacts.md` (the project's artifact reference).\n\n",
        out);
  fputs("| id | family | kind | looks at | name / value | matches | verdict role | severity | "
        "checklist item | reference |\n|---|---|---|---|---|---|---|---|---|---|\n",
        out);
  for (size_t i = 0; i < rs_ncheck; i++) {
    const struct rs_check *c = &rs_checks[i];
    const char *m = "";
    if (c->kind == RS_K_FILE)
      m = c->match == RS_M_PREFIX        ? "name prefix"
          : c->match == RS_M_CMD_COPY    ? "name, and content equal to this host's cmd.exe"
          : c->match == RS_M_NOT_SYSDRIVE_EXPLORER ? "name (never %SystemRoot%\\explorer.exe)"
          : c->fallback                  ? "reached when CR2-ROOTEXE's content test fails"
                                         : "name";
    else if (c->kind == RS_K_CONTENT)
      m = c->match == RS_M_PAGE_SCRIPT  ? "ends with the window.open(\"readme.eml\") script"
          : c->match == RS_M_EML_MARKER ? "base64 marker Kz29vb29oWsrLPh4eisrPb09Pb2"
          : c->match == RS_M_PE_MARKER  ? "PE holding fsdhqherwqi2001, efqpm2300dfhroop or Concept Virus(CV)"
                                        : "shell= line naming load.exe";
    else if (c->kind == RS_K_SAM_GUEST)
      m = "Guest (RID 501) enabled and member of alias 0x220";
    else if (c->kind == RS_K_REG_SHARE)
      m = "path C:\\, Shares\\Security empty or absent";
    else if (c->kind == RS_K_EVT_ACCOUNT)
      m = "Guest created/enabled, or added to Administrators";
    else if (c->kind == RS_K_YARA)
      m = "a rule fired (role infected when its meta says redsleuth_role = \"infected\")";
    else if (c->kind == RS_K_HASHSET)
      m = "MD5, SHA-1 or SHA-256 in a set";
    else if (c->arg)
      m = c->arg;
    fprintf(out, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", c->id, c->family,
            kind_name(c->kind), where_name(c), c->name ? c->name : "", m, role_name(c->role),
            c->severity, c->cleanup ? c->cleanup : "", c->ref);
  }
  fputs("\n## Why each check matters\n\n", out);
  for (size_t i = 0; i < rs_ncheck; i++)
    fprintf(out, "- **%s**: %s. %s.\n", rs_checks[i].id, rs_checks[i].title, rs_checks[i].why);
  bundled_rules_markdown(out);
  fputs("\n## Cleanup checklist\n\n| id | item | reference |\n|---|---|---|\n", out);
  for (size_t i = 0; i < rs_ncleanup; i++)
    fprintf(out, "| %s | %s | %s |\n", rs_cleanup_items[i].id, rs_cleanup_items[i].item,
            rs_cleanup_items[i].ref);
}
