/* What the SYSTEM and SOFTWARE hives say about the host, IIS and Code Red
 * (codered-artifacts.md 3 and 4). Only the public hive API is used, so
 * everything here is also what a caller could look up by hand.
 *
 * Error policy: a damaged key never stops the reading of the others. The
 * first problem is kept in d and returned; everything readable is filled. */
#include "redsleuth/registry.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redsleuth/buf.h"
#include "redsleuth/tz.h"

#define REG_SZ_T 1u
#define REG_EXPAND_SZ_T 2u
#define REG_BINARY_T 3u
#define REG_DWORD_T 4u

void rs_sysinfo_init(struct rs_sysinfo *si)
{
  if (!si)
    return;
  memset(si, 0, sizeof *si);
  si->select_current = si->select_default = si->select_lkg = si->select_failed = -1;
  si->service_pack = -1;
}

/* Keeps the first error in d while the reading goes on (an allocation
 * failure outranks any other: the caller must see RS_E_NOMEM); also carries
 * the observer of the values read (si->on_value). */
struct errkeep {
  enum rs_err first;
  struct rs_diag *d;
  const struct rs_sysinfo *si;
};

/* Tells the caller's observer about a value that was found and used. */
static void seen(const struct errkeep *k, const struct rs_regval *v)
{
  if (v->present && k->si && k->si->on_value)
    k->si->on_value(k->si->on_value_arg, v);
}

static void keep(struct errkeep *k, enum rs_err e, const struct rs_diag *tmp)
{
  if (e == RS_OK || k->first == RS_E_NOMEM || (k->first != RS_OK && e != RS_E_NOMEM))
    return;
  k->first = e;
  if (k->d && tmp)
    *k->d = *tmp;
}

/* Looks a value up without telling the observer (see get). */
static void get_quiet(struct rs_hive *h, struct errkeep *ek, const char *key, const char *name,
                      struct rs_regval *v)
{
  struct rs_diag tmp = {0};
  keep(ek, rs_hive_get_value(h, key, name, v, &tmp), &tmp);
}

static void get(struct rs_hive *h, struct errkeep *ek, const char *key, const char *name,
                struct rs_regval *v)
{
  get_quiet(h, ek, key, name, v);
  seen(ek, v);
}

static bool is_string(const struct rs_regval *v)
{
  return v->present && (v->type == REG_SZ_T || v->type == REG_EXPAND_SZ_T);
}

static bool is_dword(const struct rs_regval *v)
{
  return v->present && v->type == REG_DWORD_T;
}

static int hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Binary values come back from the hive API as hex text; turn exactly `want`
 * bytes of it back into bytes. False when the data has another length (or
 * was cut with "..."). */
static bool unhex_exact(const struct rs_regval *v, uint8_t *out, size_t want)
{
  if (!v->present || v->type != REG_BINARY_T || strlen(v->data) != want * 2)
    return false;
  for (size_t i = 0; i < want; i++) {
    int hi = hexval(v->data[2 * i]), lo = hexval(v->data[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return true;
}

static uint32_t le32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}


/* ---- SYSTEM ------------------------------------------------------------- */

/* Finds a value by name among vals, ignoring case (Windows does; ACR2 writes
 * "/c", the worm "/C"). A name followed by ",..." also matches: IIS writes
 * per-address virtual roots as "/name,address" (exact name wins). When no
 * value matches, out still says whether the key exists and when it was
 * written. */
static void pick_value(struct rs_hive *h, struct errkeep *ek, const char *key,
                       const struct rs_regval *vals, size_t n, const char *want,
                       struct rs_regval *out)
{
  size_t wl = strlen(want);
  for (size_t i = 0; i < n; i++)
    if (strcasecmp(vals[i].name, want) == 0) {
      *out = vals[i];
      seen(ek, out);
      return;
    }
  for (size_t i = 0; i < n; i++)
    if (strncasecmp(vals[i].name, want, wl) == 0 && vals[i].name[wl] == ',') {
      *out = vals[i];
      seen(ek, out);
      return;
    }
  get_quiet(h, ek, key, want, out);
  out->present = false; /* only the lists above count as "found" */
}

static void read_controlset(struct rs_hive *h, struct errkeep *ek, const char *csname,
                            struct rs_controlset *cs)
{
  char key[512];
  struct rs_diag tmp = {0};

  rs_snprintf(key, sizeof key, "%s\\Services\\W3SVC", csname);
  get(h, ek, key, "Start", &cs->w3svc_start);
  cs->w3svc_present = cs->w3svc_start.key_present;
  rs_snprintf(key, sizeof key, "%s\\Services\\MSFTPSVC", csname);
  get(h, ek, key, "Start", &cs->msftpsvc_start);
  rs_snprintf(key, sizeof key, "%s\\Services\\cisvc", csname);
  get(h, ek, key, "Start", &cs->cisvc_start);

  struct rs_regval *vals = NULL;
  size_t n = 0;
  rs_snprintf(key, sizeof key, "%s\\Services\\W3SVC\\Parameters\\Script Map", csname);
  keep(ek, rs_hive_values(h, key, &vals, &n, &tmp), &tmp);
  pick_value(h, ek, key, vals, n, ".ida", &cs->scriptmap_ida);
  pick_value(h, ek, key, vals, n, ".idq", &cs->scriptmap_idq);
  free(vals);

  vals = NULL;
  n = 0;
  rs_snprintf(key, sizeof key, "%s\\Services\\W3SVC\\Parameters\\Virtual Roots", csname);
  keep(ek, rs_hive_values(h, key, &vals, &n, &tmp), &tmp);
  pick_value(h, ek, key, vals, n, "/C", &cs->vroot_c);
  pick_value(h, ek, key, vals, n, "/D", &cs->vroot_d);
  pick_value(h, ek, key, vals, n, "/Scripts", &cs->vroot_scripts);
  pick_value(h, ek, key, vals, n, "/MSADC", &cs->vroot_msadc);
  free(vals);
}

static void read_tz(struct rs_hive *h, struct errkeep *ek, const char *csname,
                    struct rs_tz *tz)
{
  char key[256];
  struct rs_regval v;
  uint8_t b[16];
  rs_snprintf(key, sizeof key, "%s\\Control\\TimeZoneInformation", csname);
  memset(tz, 0, sizeof *tz);

  get(h, ek, key, "Bias", &v);
  if (!is_dword(&v))
    return; /* no zone: times stay local and the report says so */
  tz->known = true;
  tz->bias = (int32_t)v.dword;
  get(h, ek, key, "StandardBias", &v);
  if (is_dword(&v))
    tz->standard_bias = (int32_t)v.dword;
  get(h, ek, key, "DaylightBias", &v);
  if (is_dword(&v))
    tz->daylight_bias = (int32_t)v.dword;
  get(h, ek, key, "StandardStart", &v);
  if (unhex_exact(&v, b, 16))
    rs_systemtime_from_bytes(b, &tz->standard_start);
  get(h, ek, key, "DaylightStart", &v);
  if (unhex_exact(&v, b, 16))
    rs_systemtime_from_bytes(b, &tz->daylight_start);
  get(h, ek, key, "StandardName", &v);
  if (is_string(&v))
    rs_strlcpy(tz->standard_name, v.data, sizeof tz->standard_name);
  get(h, ek, key, "DaylightName", &v);
  if (is_string(&v))
    rs_strlcpy(tz->daylight_name, v.data, sizeof tz->daylight_name);
}

static void read_mounts(struct rs_hive *h, struct errkeep *ek, struct rs_sysinfo *si)
{
  struct rs_regval *vals = NULL;
  size_t n = 0;
  struct rs_diag tmp = {0};
  static const char pfx[] = "\\DosDevices\\";
  keep(ek, rs_hive_values(h, "MountedDevices", &vals, &n, &tmp), &tmp);
  for (size_t i = 0; i < n && si->nmounts < RS_MAX_MOUNTS; i++) {
    const struct rs_regval *v = &vals[i];
    if (strncasecmp(v->name, pfx, sizeof pfx - 1) != 0)
      continue;
    seen(ek, v);
    struct rs_mount *m = &si->mounts[si->nmounts++];
    memset(m, 0, sizeof *m);
    rs_strlcpy(m->name, v->name, sizeof m->name);
    const char *l = v->name + sizeof pfx - 1;
    if (isalpha((unsigned char)l[0]) && l[1] == ':' && l[2] == '\0')
      rs_snprintf(m->letter, sizeof m->letter, "%c:", toupper((unsigned char)l[0]));
    uint8_t b[12];
    /* MBR disks: disk signature (u32) + partition byte offset (u64). GPT and
     * removable media use other forms, reported as mbr = false. */
    if (unhex_exact(v, b, 12)) {
      m->mbr = true;
      m->disk_signature = le32(b);
      m->offset_bytes = (uint64_t)le32(b + 4) | (uint64_t)le32(b + 8) << 32;
    }
  }
  free(vals);
}

static int select_dword(struct rs_hive *h, struct errkeep *ek, const char *name)
{
  struct rs_regval v;
  get(h, ek, "Select", name, &v);
  if (!is_dword(&v) || v.dword > 999)
    return -1;
  return (int)v.dword;
}

enum rs_err rs_registry_read_system(struct rs_hive *h, struct rs_sysinfo *si,
                                    struct rs_diag *d)
{
  if (!h || !si)
    return rs_diag_set(d, RS_E_USAGE, "rs_registry_read_system", "NULL argument");
  struct errkeep ek = {RS_OK, d, si};
  struct rs_diag tmp = {0};
  si->have_system = true;

  /* Offline there is no CurrentControlSet: Select\Current names it [KB102984]. */
  si->select_current = select_dword(h, &ek, "Current");
  si->select_default = select_dword(h, &ek, "Default");
  si->select_lkg = select_dword(h, &ek, "LastKnownGood");
  si->select_failed = select_dword(h, &ek, "Failed");
  si->current_control_set[0] = '\0';
  if (si->select_current > 0)
    rs_snprintf(si->current_control_set, sizeof si->current_control_set, "ControlSet%03d",
                si->select_current);

  /* Every ControlSet00N, not only the current one: LastKnownGood may keep
   * worm values that the current set lost, or the reverse. */
  char **names = NULL;
  size_t nn = 0;
  keep(&ek, rs_hive_subkeys(h, "", &names, &nn, &tmp), &tmp);
  /* Numbers are 001..999: a presence table makes duplicates impossible. */
  bool exists[1000] = {false};
  int nexist = 0;
  for (size_t i = 0; i < nn; i++) {
    int num = rs_controlset_number(names[i]);
    if (num > 0 && !exists[num]) {
      exists[num] = true;
      nexist++;
    }
  }
  rs_strv_free(names, nn);
  /* More sets than fit: the ones Select names come first, then the lowest
   * numbers. Nine or more sets is itself an oddity worth a note. */
  bool chosen[1000] = {false};
  int nchosen = 0;
  const int named[4] = {si->select_current, si->select_default, si->select_lkg,
                        si->select_failed};
  for (int i = 0; i < 4; i++)
    if (named[i] > 0 && exists[named[i]] && !chosen[named[i]]) {
      chosen[named[i]] = true;
      nchosen++;
    }
  for (int n = 1; n < 1000 && nchosen < RS_MAX_CONTROLSETS; n++)
    if (exists[n] && !chosen[n]) {
      chosen[n] = true;
      nchosen++;
    }
  if (nexist > nchosen) {
    rs_diag_set(&tmp, RS_E_LIMIT, rs_hive_name(h),
                "%d control sets; only %d read (those Select names, then the lowest)", nexist,
                nchosen);
    keep(&ek, RS_E_LIMIT, &tmp);
  }
  int nums[RS_MAX_CONTROLSETS];
  int nsets = 0;
  for (int n = 1; n < 1000 && nsets < RS_MAX_CONTROLSETS; n++)
    if (chosen[n])
      nums[nsets++] = n;
  si->nsets = 0;
  for (int i = 0; i < nsets; i++) {
    struct rs_controlset *cs = &si->sets[si->nsets++];
    memset(cs, 0, sizeof *cs);
    cs->number = nums[i];
    cs->is_current = nums[i] == si->select_current;
    cs->is_default = nums[i] == si->select_default;
    cs->is_lkg = nums[i] == si->select_lkg;
    cs->is_failed = nums[i] == si->select_failed;
    char csname[32];
    rs_snprintf(csname, sizeof csname, "ControlSet%03d", nums[i]);
    read_controlset(h, &ek, csname, cs);
  }

  /* Host identity comes from the set Windows would boot: Current, else
   * Default, else the lowest-numbered set present. */
  int info = -1;
  for (int i = 0; i < si->nsets && info < 0; i++)
    if (si->sets[i].is_current)
      info = si->sets[i].number;
  for (int i = 0; i < si->nsets && info < 0; i++)
    if (si->sets[i].is_default)
      info = si->sets[i].number;
  if (info < 0 && si->nsets > 0)
    info = si->sets[0].number;
  memset(&si->computer_name, 0, sizeof si->computer_name);
  memset(&si->product_type, 0, sizeof si->product_type);
  memset(&si->tz, 0, sizeof si->tz);
  if (info > 0) {
    char key[256], csname[32];
    rs_snprintf(csname, sizeof csname, "ControlSet%03d", info);
    rs_snprintf(key, sizeof key, "%s\\Control\\ComputerName\\ComputerName", csname);
    get(h, &ek, key, "ComputerName", &si->computer_name);
    rs_snprintf(key, sizeof key, "%s\\Control\\ProductOptions", csname);
    get(h, &ek, key, "ProductType", &si->product_type);
    read_tz(h, &ek, csname, &si->tz);
  }
  si->nmounts = 0;
  read_mounts(h, &ek, si);
  return ek.first;
}

/* ---- SOFTWARE ----------------------------------------------------------- */

#define CV "Microsoft\\Windows NT\\CurrentVersion"
#define HF CV "\\Hotfix\\"
#define UPD "Microsoft\\Updates\\Windows 2000\\"
#define UPD_SP3 UPD "SP3\\"

/* The hotfixes looked for (codered-artifacts 3.2, 3.3). Key lookup is
 * case-insensitive, so "Hotfix" also finds W2K's "HotFix". The first path
 * that exists is reported. A key proves an installer ran, never that the
 * fix is in place: idq.dll decides (3.3 pitfalls). */
static const struct hotfix_row {
  const char *id;
  const char *paths[2]; /* prefixes; the id is appended */
  bool w2k_updates;     /* also look for UPD_SP3<id>\Filelist */
  const char *why;
  const char *ref;
} hotfix_table[] = {
  {"Q300972", {HF, UPD_SP3}, true,
   "MS01-033: fix for the idq.dll unchecked buffer that Code Red exploits",
   "codered-artifacts 3.3"},
  {"Q246009", {HF, NULL}, false,
   "NT4 SP6a marker (CSDVersion still says \"Service Pack 6\"); the NT4 patch needs SP6a",
   "codered-artifacts 3.2"},
  {"Q299444", {HF, NULL}, false,
   "NT4 post-SP6a Security Roll-up Package (contains Q300972 and Q269049)",
   "codered-artifacts 3.3"},
  {"Q301625", {HF, UPD_SP3}, true,
   "MS01-044 cumulative IIS patch (contains the MS01-033 fix)", "codered-artifacts 3.3"},
  {"Q269049", {HF, NULL}, false,
   "MS00-052 relative shell path fix: the CRII explorer.exe trojan cannot start",
   "codered-artifacts 2.1, 3.3"},
  {"Q317636", {HF, NULL}, false,
   "NT4 Terminal Server Edition SRP (the only MS01-033 vehicle for TSE)",
   "codered-artifacts 3.3"},
};
#define N_HOTFIX_ROWS (sizeof hotfix_table / sizeof hotfix_table[0])

/* Fills hf from the key at path (which must exist: v came from it). */
static void hotfix_from_key(struct rs_hive *h, struct errkeep *ek, const char *path,
                            const struct rs_regval *installed, struct rs_hotfix *hf)
{
  struct rs_regval v;
  hf->present = true;
  rs_strlcpy(hf->key, path, sizeof hf->key);
  rs_strlcpy(hf->hive, installed->hive, sizeof hf->hive);
  hf->last_written = installed->key_written;
  /* NT4 hotfix.exe writes Installed = 1 (REG_DWORD): shown in decimal. */
  if (is_dword(installed))
    rs_snprintf(hf->installed, sizeof hf->installed, "%u", installed->dword);
  else if (installed->present)
    rs_strlcpy(hf->installed, installed->data, sizeof hf->installed);
  get(h, ek, path, "Comments", &v);
  if (!v.present) /* W2K Updates keys describe themselves in Description */
    get(h, ek, path, "Description", &v);
  if (v.present)
    rs_strlcpy(hf->comments, v.data, sizeof hf->comments);
}

static bool hotfix_known(const struct rs_sysinfo *si, const char *id)
{
  for (int i = 0; i < si->nhotfixes; i++)
    if (strcasecmp(si->hotfixes[i].id, id) == 0)
      return true;
  return false;
}

/* Hotfix keys beyond the table (e.g. a later rollup) are listed too, after
 * the table rows, so an examiner sees everything the hive claims. */
static void extra_hotfixes(struct rs_hive *h, struct errkeep *ek, const char *base,
                           struct rs_sysinfo *si)
{
  char **names = NULL;
  size_t n = 0;
  struct rs_diag tmp = {0};
  keep(ek, rs_hive_subkeys(h, base, &names, &n, &tmp), &tmp);
  for (size_t i = 0; i < n && si->nhotfixes < RS_MAX_HOTFIXES; i++) {
    const char *nm = names[i];
    bool q = (nm[0] == 'Q' || nm[0] == 'q') && isdigit((unsigned char)nm[1]);
    bool kb = strncasecmp(nm, "KB", 2) == 0 && isdigit((unsigned char)nm[2]);
    if (!(q || kb) || strlen(nm) >= sizeof si->hotfixes[0].id || hotfix_known(si, nm))
      continue;
    struct rs_buf path;
    rs_buf_init(&path, (size_t)1 << 16);
    struct rs_regval inst;
    if (rs_buf_addf(&path, "%s\\%s", base, nm) != RS_OK) {
      keep(ek, rs_diag_set(&tmp, RS_E_NOMEM, rs_hive_name(h), "out of memory"), &tmp);
      rs_buf_free(&path);
      break;
    }
    get(h, ek, path.data, "Installed", &inst);
    if (inst.key_present) {
      struct rs_hotfix *hf = &si->hotfixes[si->nhotfixes++];
      memset(hf, 0, sizeof *hf);
      rs_strlcpy(hf->id, nm, sizeof hf->id);
      hotfix_from_key(h, ek, path.data, &inst, hf);
    }
    rs_buf_free(&path);
  }
  rs_strv_free(names, n);
}

static void read_hotfixes(struct rs_hive *h, struct errkeep *ek, struct rs_sysinfo *si)
{
  si->nhotfixes = 0;
  for (size_t r = 0; r < N_HOTFIX_ROWS && si->nhotfixes < RS_MAX_HOTFIXES; r++) {
    const struct hotfix_row *row = &hotfix_table[r];
    struct rs_hotfix *hf = &si->hotfixes[si->nhotfixes++];
    memset(hf, 0, sizeof *hf);
    rs_strlcpy(hf->id, row->id, sizeof hf->id);
    hf->why = row->why;
    hf->ref = row->ref;
    for (size_t p = 0; p < 2 && row->paths[p] && !hf->present; p++) {
      char path[512];
      struct rs_regval inst;
      rs_snprintf(path, sizeof path, "%s%s", row->paths[p], row->id);
      get(h, ek, path, "Installed", &inst);
      if (inst.key_present)
        hotfix_from_key(h, ek, path, &inst, hf);
    }
    if (row->w2k_updates) {
      char path[512];
      char **subs = NULL;
      size_t ns = 0;
      struct rs_diag tmp = {0};
      rs_snprintf(path, sizeof path, UPD_SP3 "%s", row->id);
      keep(ek, rs_hive_subkeys(h, path, &subs, &ns, &tmp), &tmp);
      for (size_t i = 0; i < ns; i++)
        if (strcasecmp(subs[i], "Filelist") == 0)
          hf->filelist = true;
      rs_strv_free(subs, ns);
    }
  }
  extra_hotfixes(h, ek, CV "\\Hotfix", si);
  char **sps = NULL;
  size_t nsp = 0;
  struct rs_diag tmp = {0};
  keep(ek, rs_hive_subkeys(h, "Microsoft\\Updates\\Windows 2000", &sps, &nsp, &tmp), &tmp);
  for (size_t i = 0; i < nsp; i++) {
    /* a sub key name from the evidence: the whole of it */
    struct rs_buf base;
    rs_buf_init(&base, (size_t)1 << 16);
    if (rs_buf_addf(&base, "Microsoft\\Updates\\Windows 2000\\%s", sps[i]) == RS_OK)
      extra_hotfixes(h, ek, base.data, si);
    else
      keep(ek, rs_diag_set(&tmp, RS_E_NOMEM, rs_hive_name(h), "out of memory"), &tmp);
    rs_buf_free(&base);
  }
  rs_strv_free(sps, nsp);
}

/* "Service Pack 6" -> 6; "" -> 0; anything else -> -1 (unknown). */
static int parse_service_pack(const char *s)
{
  while (*s == ' ')
    s++;
  if (*s == '\0')
    return 0;
  static const char sp[] = "Service Pack ";
  if (strncasecmp(s, sp, sizeof sp - 1) != 0)
    return -1;
  s += sizeof sp - 1;
  if (!isdigit((unsigned char)*s))
    return -1;
  int n = 0;
  while (isdigit((unsigned char)*s) && n < 1000)
    n = n * 10 + (*s++ - '0');
  return n;
}

enum rs_err rs_registry_read_software(struct rs_hive *h, struct rs_sysinfo *si,
                                      struct rs_diag *d)
{
  if (!h || !si)
    return rs_diag_set(d, RS_E_USAGE, "rs_registry_read_software", "NULL argument");
  struct errkeep ek = {RS_OK, d, si};
  si->have_software = true;

  get(h, &ek, CV, "ProductName", &si->product_name);
  get(h, &ek, CV, "CurrentVersion", &si->current_version);
  get(h, &ek, CV, "CurrentBuildNumber", &si->build);
  get(h, &ek, CV, "CSDVersion", &si->csd_version);
  get(h, &ek, CV, "InstallDate", &si->install_date);
  get(h, &ek, CV, "RegisteredOwner", &si->registered_owner);
  get(h, &ek, CV, "SystemRoot", &si->system_root);

  si->os_major = si->os_minor = 0;
  if (is_string(&si->current_version)) {
    int ma = 0, mi = 0;
    if (sscanf(si->current_version.data, "%d.%d", &ma, &mi) == 2 && ma > 0 && ma < 100 &&
        mi >= 0 && mi < 100) {
      si->os_major = ma;
      si->os_minor = mi;
    }
  }
  /* No CSDVersion under an existing CurrentVersion key = no service pack. */
  if (!si->current_version.key_present)
    si->service_pack = -1;
  else if (!si->csd_version.present)
    si->service_pack = 0;
  else if (is_string(&si->csd_version))
    si->service_pack = parse_service_pack(si->csd_version.data);
  else
    si->service_pack = -1;

  read_hotfixes(h, &ek, si);
  /* SP6a: Hotfix\Q246009\Installed = 1 [KB246009]. */
  si->sp6a = false;
  for (int i = 0; i < si->nhotfixes; i++) {
    const struct rs_hotfix *hf = &si->hotfixes[i];
    if (strcmp(hf->id, "Q246009") == 0 && hf->present && strcmp(hf->installed, "1") == 0)
      si->sp6a = true;
  }

  get(h, &ek, CV "\\Winlogon", "SFCDisable", &si->sfcdisable);
  get(h, &ek, "Microsoft\\InetStp", "MajorVersion", &si->iis_major);
  return ek.first;
}

/* SYSTEM\ControlSet00N\Control\Nls\CodePage\ACP of the current set; 0 if
 * unknown, -1 when memory ran out. */
int rs_registry_codepage(struct rs_hive *h, struct rs_regval *acp_out)
{
  struct rs_regval sel, acp;
  struct rs_diag d;
  if (acp_out)
    acp_out->present = false;
  enum rs_err e = rs_hive_get_value(h, "Select", "Current", &sel, &d);
  if (e != RS_OK || !sel.present || sel.type != 4 || sel.dword == 0 || sel.dword > 999)
    return e == RS_E_NOMEM ? -1 : 0;
  char key[96];
  snprintf(key, sizeof key, "ControlSet%03u\\Control\\Nls\\CodePage", sel.dword);
  e = rs_hive_get_value(h, key, "ACP", &acp, &d);
  if (e != RS_OK || !acp.present)
    return e == RS_E_NOMEM ? -1 : 0;
  if (acp_out)
    *acp_out = acp;
  int cp = atoi(acp.data);
  return cp > 0 && cp < 65536 ? cp : 0;
}
