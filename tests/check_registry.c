/* Registry module: libregf from memory (hive.c), SYSTEM/SOFTWARE facts
 * (registry.c) and the MetaBase.bin heuristic (metabase.c).
 *
 * Expected values come from three independent places: the realdata README
 * (what a real Windows 7 SYSTEM hive holds), .reg files written here and
 * merged into a hive with hivex (a different library), and regfexport run
 * at test time on the same bytes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <time.h>

#include <jansson.h>

#include "redsleuth/registry.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

static unsigned char *load(const char *path, size_t *len)
{
  unsigned char *b = path ? rs_t_slurp(path, len) : NULL;
  return b;
}

/* The real Win7 SYSTEM hive, unpacked into the temp dir. NULL = skip. */
static const char *real_system_path(void)
{
  const char *xz = rs_t_realdata("registry/SYSTEM.xz");
  if (!xz)
    return NULL;
  return rs_t_unpack(xz, NULL);
}

static const struct rs_controlset *find_set(const struct rs_sysinfo *si, int n)
{
  for (int i = 0; i < si->nsets; i++)
    if (si->sets[i].number == n)
      return &si->sets[i];
  return NULL;
}

static const struct rs_hotfix *find_hotfix(const struct rs_sysinfo *si, const char *id)
{
  for (int i = 0; i < si->nhotfixes; i++)
    if (strcmp(si->hotfixes[i].id, id) == 0)
      return &si->hotfixes[i];
  return NULL;
}

/* Runs regfexport once per hive file (output kept beside it). */
static char *regfexport_text(const char *hive)
{
  if (!rs_t_have("regfexport"))
    return NULL;
  char cmd[8192];
  char *out = NULL;
  snprintf(cmd, sizeof cmd, "regfexport '%s' 2>/dev/null", hive);
  if (rs_t_run(cmd, &out) != 0) {
    free(out);
    return NULL;
  }
  return out;
}

/* Finds "Key path: <root>\<key>" then "Value: N <name>" and returns its
 * "Data:" text; for binary data the hex bytes of the dump lines, joined.
 * key "" = the root key. Returns false when regfexport does not list it. */
static bool rx_value(const char *text, const char *key, const char *name, char *out,
                     size_t outsz)
{
  out[0] = '\0';
  const char *p = text;
  size_t kl = strlen(key);
  /* memmem with a known end: strstr re-measures the 12 MB export on every
   * call under ASan's interceptor, which made this test quadratic there */
  const char *tend = text + strlen(text);
  while ((p = memmem(p, (size_t)(tend - p), "Key path: ", 10)) != NULL) {
    p += 10;
    const char *eol = strchr(p, '\n');
    if (!eol)
      return false;
    const char *slash = memchr(p, '\\', (size_t)(eol - p));
    bool hit;
    if (kl == 0)
      hit = slash == NULL;
    else
      hit = slash && (size_t)(eol - slash - 1) == kl && strncasecmp(slash + 1, key, kl) == 0;
    if (!hit) {
      p = eol;
      continue;
    }
    /* Scan this key's block. */
    const char *end = memmem(eol, (size_t)(tend - eol), "Key path: ", 10);
    const char *q = eol + 1;
    while (q && (!end || q < end)) {
      const char *qe = strchr(q, '\n');
      if (!qe)
        break;
      if (strncmp(q, "Value: ", 7) == 0) {
        const char *sp = memchr(q + 7, ' ', (size_t)(qe - q - 7));
        if (sp && (size_t)(qe - sp - 1) == strlen(name) &&
            strncasecmp(sp + 1, name, strlen(name)) == 0) {
          /* Found: look for the Data line. */
          const char *r = qe + 1;
          while (r && strncmp(r, "Data:", 5) != 0) {
            r = strchr(r, '\n');
            r = r ? r + 1 : NULL;
          }
          if (!r)
            return false;
          const char *re = strchr(r, '\n');
          if (!re)
            return false;
          if (re - r > 6) {
            snprintf(out, outsz, "%.*s", (int)(re - r - 6), r + 6);
            return true;
          }
          /* Binary: "00000000: de c0 01 20 ...  ...   ascii" lines. */
          const char *l = re + 1;
          size_t o = 0;
          while (*l && *l != '\n') {
            const char *le = strchr(l, '\n');
            if (!le)
              break;
            const char *h = strchr(l, ':');
            if (h && h < le) {
              h += 2;
              /* 16 bytes at most, hex pairs separated by 1 or 2 spaces. */
              for (int b = 0; b < 16 && h + 1 < le; b++) {
                if (h[0] == ' ')
                  h++;
                if (!(h + 1 < le) || h[0] == ' ')
                  break;
                if (o + 3 < outsz) {
                  out[o++] = h[0];
                  out[o++] = h[1];
                  out[o] = '\0';
                }
                h += 3;
              }
            }
            l = le + 1;
          }
          return true;
        }
      }
      q = qe + 1;
    }
    return false;
  }
  return false;
}

/* ---- API contract ------------------------------------------------------- */

static const struct {
  enum rs_hive_kind k;
  const char *name;
} kind_names[] = {
  {RS_HIVE_OTHER, "other"}, {RS_HIVE_SYSTEM, "system"}, {RS_HIVE_SOFTWARE, "software"},
  {(enum rs_hive_kind)42, "other"},
};

START_TEST(kind_name)
{
  ck_assert_str_eq(rs_hive_kind_name(kind_names[_i].k), kind_names[_i].name);
}
END_TEST

START_TEST(null_args)
{
  struct rs_diag d = {0};
  struct rs_hive *h = (struct rs_hive *)1;
  static const uint8_t hdr[8] = "regf";
  ck_assert_int_eq(rs_hive_open_mem(NULL, 10, "x", 0, &h, &d), RS_E_USAGE);
  ck_assert_ptr_null(h);
  ck_assert_int_eq(rs_hive_open_mem(hdr, sizeof hdr, "x", 0, NULL, &d), RS_E_USAGE);
  ck_assert_int_eq(rs_hive_open_mem(hdr, sizeof hdr, NULL, 0, NULL, NULL), RS_E_USAGE);
  rs_hive_close(NULL);
  ck_assert_int_eq(rs_hive_kind(NULL), RS_HIVE_OTHER);
  ck_assert(!rs_hive_dirty(NULL));
  ck_assert_str_eq(rs_hive_name(NULL), "");

  struct rs_regval v;
  memset(&v, 0x5a, sizeof v);
  ck_assert_int_eq(rs_hive_get_value(NULL, "Select", "Current", &v, &d), RS_E_USAGE);
  ck_assert(!v.present); /* cleared even on misuse */
  ck_assert_int_eq(rs_hive_get_value(NULL, "Select", "Current", NULL, &d), RS_E_USAGE);
  char **names = (char **)1;
  size_t n = 7;
  ck_assert_int_eq(rs_hive_subkeys(NULL, "", &names, &n, &d), RS_E_USAGE);
  ck_assert_ptr_null(names);
  ck_assert_uint_eq(n, 0);
  struct rs_regval *vals = (struct rs_regval *)1;
  n = 7;
  ck_assert_int_eq(rs_hive_values(NULL, "", &vals, &n, NULL), RS_E_USAGE);
  ck_assert_ptr_null(vals);
  ck_assert_uint_eq(n, 0);
  rs_strv_free(NULL, 3);

  struct rs_sysinfo si;
  rs_sysinfo_init(&si);
  ck_assert_int_eq(si.select_current, -1);
  ck_assert_int_eq(si.select_lkg, -1);
  ck_assert_int_eq(si.service_pack, -1);
  ck_assert(!si.tz.known);
  ck_assert_int_eq(rs_registry_read_system(NULL, &si, &d), RS_E_USAGE);
  ck_assert_int_eq(rs_registry_read_software(NULL, &si, &d), RS_E_USAGE);
  ck_assert_int_eq(d.err, RS_E_USAGE);
  rs_sysinfo_init(NULL);
  rs_metabase_scan(NULL, 0, NULL);
  struct rs_metabase_scan mb;
  memset(&mb, 0x5a, sizeof mb);
  rs_metabase_scan(NULL, 100, &mb);
  ck_assert(!mb.ida && !mb.idq && !mb.idq_dll && !mb.vdir_c && !mb.vdir_d);
}
END_TEST

/* Not a hive at all -> RS_E_FORMAT, with the name in the message. */
static const struct {
  const char *bytes;
  size_t len;
} not_hives[] = {
  {"", 0}, {"reg", 3}, {"REGF\0\0\0\0", 8}, {"MZ\x90\0", 4}, {"hbin", 4},
};

START_TEST(format_errors)
{
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  static const uint8_t dummy[1] = {0};
  const uint8_t *p = not_hives[_i].len ? (const uint8_t *)not_hives[_i].bytes : dummy;
  ck_assert_int_eq(rs_hive_open_mem(p, not_hives[_i].len, "C:\\WINNT\\x", 0, &h, &d),
                   RS_E_FORMAT);
  ck_assert_ptr_null(h);
  ck_assert_str_eq(d.where, "C:\\WINNT\\x");
  ck_assert_ptr_nonnull(strstr(d.what, "regf"));
}
END_TEST

/* A "regf" signature and nothing behind it: libregf must refuse, we report
 * RS_E_CORRUPT (it is the format, damaged). */
START_TEST(header_only)
{
  uint8_t buf[512];
  memset(buf, 0, sizeof buf);
  memcpy(buf, "regf", 4);
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  ck_assert_int_eq(rs_hive_open_mem(buf, sizeof buf, "stub", 0, &h, &d), RS_E_CORRUPT);
  ck_assert_ptr_null(h);
  ck_assert_str_eq(d.where, "stub");
  ck_assert_ptr_nonnull(strstr(d.what, "libregf"));
}
END_TEST

/* ---- real data ---------------------------------------------------------- */

START_TEST(real_system)
{
  const char *path = real_system_path();
  RS_T_SKIP_IF(!path, "realdata registry/SYSTEM.xz absent");
  size_t len = 0;
  unsigned char *buf = load(path, &len);
  ck_assert_ptr_nonnull(buf);
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "SYSTEM", 0, &h, &d), RS_OK);
  ck_assert_int_eq(rs_hive_kind(h), RS_HIVE_SYSTEM);
  ck_assert(!rs_hive_dirty(h));
  ck_assert_str_eq(rs_hive_name(h), "SYSTEM");

  struct rs_sysinfo si;
  rs_sysinfo_init(&si);
  ck_assert_int_eq(rs_registry_read_system(h, &si, &d), RS_OK);
  ck_assert(si.have_system);
  /* realdata README: Select\Current = 1, ComputerName, Bias 300. */
  ck_assert_int_eq(si.select_current, 1);
  ck_assert_str_eq(si.current_control_set, "ControlSet001");
  ck_assert(si.computer_name.present);
  ck_assert_str_eq(si.computer_name.data, "WKS-WIN732BITA");
  ck_assert_str_eq(si.computer_name.hive, "SYSTEM");
  ck_assert_str_eq(si.computer_name.key, "ControlSet001\\Control\\ComputerName\\ComputerName");
  ck_assert_str_eq(si.computer_name.name, "ComputerName");
  ck_assert_uint_eq(si.computer_name.type, 1);
  ck_assert(si.computer_name.key_written.set);
  ck_assert(si.tz.known);
  ck_assert_int_eq(si.tz.bias, 300);
  /* Eastern time: DaylightBias -60 stored as a DWORD, read signed. */
  ck_assert_int_eq(si.tz.daylight_bias, -60);
  ck_assert_int_eq(si.tz.standard_bias, 0);
  /* US rule since 2007: DST starts 2nd Sunday of March, ends 1st Sunday of Nov. */
  ck_assert_uint_eq(si.tz.daylight_start.month, 3);
  ck_assert_uint_eq(si.tz.standard_start.month, 11);
  ck_assert_uint_eq(si.tz.standard_start.year, 0); /* a recurring rule */
  ck_assert_str_eq(si.tz.standard_name, "@tzres.dll,-112");
  /* Both control sets are read; Win7 keeps 001 current and 002 as LKG. */
  ck_assert_int_ge(si.nsets, 2);
  const struct rs_controlset *c1 = find_set(&si, 1), *c2 = find_set(&si, 2);
  ck_assert_ptr_nonnull(c1);
  ck_assert_ptr_nonnull(c2);
  ck_assert(c1->is_current && c1->is_default && !c1->is_lkg);
  ck_assert(c2->is_lkg && !c2->is_current);
  for (int i = 1; i < si.nsets; i++)
    ck_assert_int_lt(si.sets[i - 1].number, si.sets[i].number);
  /* A workstation: no IIS, so no virtual roots anywhere. */
  ck_assert(!c1->vroot_c.present && !c1->vroot_d.present);
  /* MDAC leaves an empty Services\W3SVC\Parameters\ADCLaunch behind on
   * Win7: the key is there, no Start value (regfexport agrees below). */
  ck_assert(c1->w3svc_present);
  ck_assert(!c1->w3svc_start.present);
  ck_assert_str_eq(si.product_type.data, "WinNT");
  /* MountedDevices: C: is an MBR volume, D: (a CD-ROM) is not. */
  int nc = 0, nd = 0;
  for (int i = 0; i < si.nmounts; i++) {
    if (strcmp(si.mounts[i].letter, "C:") == 0) {
      nc++;
      ck_assert(si.mounts[i].mbr);
      ck_assert_str_eq(si.mounts[i].name, "\\DosDevices\\C:");
    }
    if (strcmp(si.mounts[i].letter, "D:") == 0) {
      nd++;
      ck_assert(!si.mounts[i].mbr);
    }
    ck_assert_ptr_eq(strstr(si.mounts[i].name, "Volume{"), NULL);
  }
  ck_assert_int_eq(nc, 1);
  ck_assert_int_eq(nd, 1);

  /* The peer tool on the same bytes. */
  char *rx = regfexport_text(path);
  if (!rx) {
    fprintf(stderr, "SKIP %s: regfexport cross-check (libregf-utils absent)\n", __func__);
  } else {
    char want[256];
    char got[64];
    ck_assert(rx_value(rx, "Select", "Current", want, sizeof want));
    snprintf(got, sizeof got, "%d", si.select_current);
    ck_assert_str_eq(want, got);
    ck_assert(rx_value(rx, "Select", "LastKnownGood", want, sizeof want));
    snprintf(got, sizeof got, "%d", si.select_lkg);
    ck_assert_str_eq(want, got);
    ck_assert(rx_value(rx, "Select", "Default", want, sizeof want));
    snprintf(got, sizeof got, "%d", si.select_default);
    ck_assert_str_eq(want, got);
    ck_assert(rx_value(rx, "ControlSet001\\Control\\ComputerName\\ComputerName", "ComputerName",
                       want, sizeof want));
    ck_assert_str_eq(want, si.computer_name.data);
    ck_assert(rx_value(rx, "ControlSet001\\Control\\TimeZoneInformation", "Bias", want,
                       sizeof want));
    ck_assert_int_eq(atoi(want), si.tz.bias);
    ck_assert(rx_value(rx, "ControlSet001\\Control\\TimeZoneInformation", "DaylightBias", want,
                       sizeof want));
    ck_assert_int_eq((int32_t)(uint32_t)strtoul(want, NULL, 10), si.tz.daylight_bias);
    ck_assert(rx_value(rx, "ControlSet001\\Control\\TimeZoneInformation", "StandardStart", want,
                       sizeof want));
    ck_assert_uint_eq(strlen(want), 32);
    /* SYSTEMTIME = 8 little-endian WORDs: year month dow day hour min sec ms */
    const uint16_t fields[8] = {si.tz.standard_start.year,   si.tz.standard_start.month,
                                si.tz.standard_start.dow,    si.tz.standard_start.day,
                                si.tz.standard_start.hour,   si.tz.standard_start.minute,
                                si.tz.standard_start.second, si.tz.standard_start.ms};
    for (int w = 0; w < 8; w++) {
      char lo[3] = {want[4 * w], want[4 * w + 1], 0}, hi[3] = {want[4 * w + 2], want[4 * w + 3], 0};
      ck_assert_uint_eq(strtoul(lo, NULL, 16) | strtoul(hi, NULL, 16) << 8, fields[w]);
    }
    ck_assert_ptr_nonnull(strcasestr(rx, "}\\ControlSet001\\services\\W3SVC\nKey: W3SVC\n\n"));
    ck_assert(!rx_value(rx, "ControlSet001\\services\\W3SVC", "Start", want, sizeof want));
    ck_assert(rx_value(rx, "MountedDevices", "\\DosDevices\\C:", want, sizeof want));
    ck_assert_uint_eq(strlen(want), 24);
    for (int i = 0; i < si.nmounts; i++)
      if (strcmp(si.mounts[i].letter, "C:") == 0) {
        char hex[32];
        uint32_t s = si.mounts[i].disk_signature;
        uint64_t o = si.mounts[i].offset_bytes;
        snprintf(hex, sizeof hex, "%02x%02x%02x%02x", s & 255, s >> 8 & 255, s >> 16 & 255,
                 s >> 24);
        ck_assert(strncmp(want, hex, 8) == 0);
        for (int b = 0; b < 8; b++)
          snprintf(hex + 2 * b, 3, "%02x", (unsigned)(o >> (8 * b) & 255));
        ck_assert_str_eq(want + 8, hex);
      }
    free(rx);
  }

  /* Generic lookups on the same hive. */
  struct rs_regval v;
  ck_assert_int_eq(rs_hive_get_value(h, "\\select", "current", &v, &d), RS_OK);
  ck_assert(v.present && v.key_present);
  ck_assert_uint_eq(v.type, 4);
  ck_assert_uint_eq(v.dword, 1);
  ck_assert_str_eq(v.data, "0x1");
  ck_assert_str_eq(v.name, "Current"); /* the name as stored, not as asked */
  ck_assert_int_eq(rs_hive_get_value(h, "Select", "NoSuchValue", &v, &d), RS_OK);
  ck_assert(!v.present && v.key_present);
  ck_assert(v.key_written.set);
  ck_assert_int_eq(rs_hive_get_value(h, "No\\Such\\Key", "x", &v, &d), RS_OK);
  ck_assert(!v.present && !v.key_present && !v.key_written.set);
  /* '/' is not a separator in registry paths. */
  ck_assert_int_eq(rs_hive_get_value(h, "ControlSet001/Control", "x", &v, &d), RS_OK);
  ck_assert(!v.key_present);

  char **names = NULL;
  size_t n = 0;
  ck_assert_int_eq(rs_hive_subkeys(h, "", &names, &n, &d), RS_OK);
  bool sel = false;
  for (size_t i = 0; i < n; i++)
    sel |= strcmp(names[i], "Select") == 0;
  ck_assert(sel);
  rs_strv_free(names, n);
  ck_assert_int_eq(rs_hive_subkeys(h, "Nope", &names, &n, &d), RS_OK);
  ck_assert_uint_eq(n, 0);
  ck_assert_ptr_null(names);
  struct rs_regval *vals = NULL;
  ck_assert_int_eq(rs_hive_values(h, "Select", &vals, &n, &d), RS_OK);
  ck_assert_uint_eq(n, 4);
  for (size_t i = 0; i < n; i++) {
    ck_assert(vals[i].present);
    ck_assert_str_eq(vals[i].key, "Select");
  }
  free(vals);

  rs_hive_close(h);
  free(buf);
}
END_TEST

START_TEST(corrupt_then_good)
{
  const char *xz = rs_t_realdata("registry/corrupted_system_hive.xz");
  RS_T_SKIP_IF(!xz, "realdata absent");
  const char *bad = rs_t_unpack(xz, NULL);
  ck_assert_ptr_nonnull(bad);
  size_t len = 0;
  unsigned char *buf = load(bad, &len);
  ck_assert_ptr_nonnull(buf);
  struct rs_diag d = {0};
  struct rs_hive *h = (struct rs_hive *)1;
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "D:\\evidence\\corrupted SYSTEM", 0, &h, &d),
                   RS_E_CORRUPT);
  ck_assert_ptr_null(h);
  ck_assert_int_eq(d.err, RS_E_CORRUPT);
  ck_assert_str_eq(d.where, "D:\\evidence\\corrupted SYSTEM");
  /* libregf's own reason is carried, on one line. */
  ck_assert_ptr_nonnull(strstr(d.what, "hive bin"));
  ck_assert_ptr_null(strchr(d.what, '\n'));
  free(buf);

  /* ...and the next hive in the same process still works. */
  const char *good = real_system_path();
  ck_assert_ptr_nonnull(good);
  buf = load(good, &len);
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "SYSTEM", 0, &h, &d), RS_OK);
  struct rs_sysinfo si;
  rs_sysinfo_init(&si);
  ck_assert_int_eq(rs_registry_read_system(h, &si, &d), RS_OK);
  ck_assert_int_eq(si.select_current, 1);
  rs_hive_close(h);
  free(buf);
}
END_TEST

START_TEST(ntuser_other)
{
  const char *p = rs_t_realdata("registry/NTUSER.DAT");
  RS_T_SKIP_IF(!p, "realdata absent");
  size_t len = 0;
  unsigned char *buf = load(p, &len);
  ck_assert_ptr_nonnull(buf);
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "NTUSER.DAT", 1252, &h, &d), RS_OK);
  ck_assert_int_eq(rs_hive_kind(h), RS_HIVE_OTHER);
  /* Reading it as SYSTEM/SOFTWARE finds nothing, and says nothing is wrong. */
  struct rs_sysinfo si;
  rs_sysinfo_init(&si);
  ck_assert_int_eq(rs_registry_read_system(h, &si, &d), RS_OK);
  ck_assert_int_eq(si.nsets, 0);
  ck_assert_int_eq(si.select_current, -1);
  ck_assert_str_eq(si.current_control_set, "");
  ck_assert(!si.tz.known);
  ck_assert_int_eq(rs_registry_read_software(h, &si, &d), RS_OK);
  ck_assert_int_eq(si.service_pack, -1);
  ck_assert(!si.sfcdisable.present);
  ck_assert(!si.sp6a);
  /* Every table hotfix is listed, absent. */
  const struct rs_hotfix *q = find_hotfix(&si, "Q300972");
  ck_assert_ptr_nonnull(q);
  ck_assert(!q->present);
  ck_assert_ptr_nonnull(q->ref);
  /* The user hive does hold Software\Microsoft: a known key reads fine. */
  char **names = NULL;
  size_t n = 0;
  ck_assert_int_eq(rs_hive_subkeys(h, "Software", &names, &n, &d), RS_OK);
  ck_assert_uint_gt(n, 0);
  rs_strv_free(names, n);
  rs_hive_close(h);
  free(buf);
}
END_TEST

START_TEST(bad_codepage)
{
  const char *p = rs_t_realdata("registry/NTUSER.DAT");
  RS_T_SKIP_IF(!p, "realdata absent");
  size_t len = 0;
  unsigned char *buf = load(p, &len);
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "NTUSER.DAT", 4242, &h, &d), RS_E_USAGE);
  ck_assert_ptr_null(h);
  ck_assert_ptr_nonnull(strstr(d.what, "4242"));
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "NTUSER.DAT", 1251, &h, &d), RS_OK);
  rs_hive_close(h);
  free(buf);
}
END_TEST

/* Damaged copies of the good hive: each is either refused with a reason or
 * read as far as it goes; never a crash, and the diag names the hive. */
enum damage { DMG_TRUNC_8K, DMG_HBIN_SIG, DMG_DIRTY, DMG_ROOT_OFF, DMG_TRUNC_HALF };

/* libregf checks the base block checksum (XOR of the first 127 dwords, 0 ->
 * 1, ~0 -> ~1): a hive Windows wrote has a matching one, so a damaged copy
 * that should reach deeper checks needs it recomputed. */
static void fix_checksum(unsigned char *buf)
{
  uint32_t x = 0;
  for (int i = 0; i < 127; i++)
    x ^= (uint32_t)buf[4 * i] | (uint32_t)buf[4 * i + 1] << 8 | (uint32_t)buf[4 * i + 2] << 16 |
         (uint32_t)buf[4 * i + 3] << 24;
  if (x == 0)
    x = 1;
  else if (x == 0xFFFFFFFFu)
    x = 0xFFFFFFFEu;
  for (int b = 0; b < 4; b++)
    buf[0x1FC + b] = (uint8_t)(x >> (8 * b));
}

START_TEST(damaged)
{
  const char *path = real_system_path();
  RS_T_SKIP_IF(!path, "realdata absent");
  size_t len = 0;
  unsigned char *buf = load(path, &len);
  ck_assert_ptr_nonnull(buf);
  switch ((enum damage)_i) {
  case DMG_TRUNC_8K:
    len = 8192;
    break;
  case DMG_TRUNC_HALF:
    len /= 2;
    break;
  case DMG_HBIN_SIG:
    ck_assert(memcmp(buf + 4096, "hbin", 4) == 0);
    memcpy(buf + 4096, "XXXX", 4);
    break;
  case DMG_DIRTY:
    buf[8] ^= 1; /* sequence 2 != sequence 1 */
    fix_checksum(buf);
    break;
  case DMG_ROOT_OFF:
    buf[0x24] = 0xF0;
    buf[0x25] = 0xFF;
    buf[0x26] = 0xFF;
    buf[0x27] = 0x7F;
    fix_checksum(buf); /* else libregf stops at the checksum, not the offset */
    break;
  }
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  enum rs_err e = rs_hive_open_mem(buf, len, "damaged SYSTEM", 0, &h, &d);
  if (e == RS_OK) {
    struct rs_sysinfo si;
    rs_sysinfo_init(&si);
    enum rs_err e2 = rs_registry_read_system(h, &si, &d);
    ck_assert(e2 == RS_OK || e2 == RS_E_CORRUPT);
    if (e2 != RS_OK)
      ck_assert_str_eq(d.where, "damaged SYSTEM");
    if (_i == DMG_DIRTY) {
      ck_assert(rs_hive_dirty(h));
      ck_assert_int_eq(e2, RS_OK);
      ck_assert_int_eq(si.select_current, 1);
    }
    rs_hive_close(h);
  } else {
    ck_assert_int_eq(e, RS_E_CORRUPT);
    ck_assert_ptr_null(h);
    ck_assert_str_eq(d.where, "damaged SYSTEM");
    ck_assert_uint_gt(strlen(d.what), 10);
    ck_assert_int_ne(_i, DMG_DIRTY); /* a dirty hive is still readable */
  }
  free(buf);
}
END_TEST

/* Regression (fuzz/fuzz_hive.c, fuzz/corpus/hive/crash-8a98cb38): libbfio
 * 20170123's memory range copied the requested size, not what was left, so
 * a read straddling the end of a truncated hive read past the caller's
 * buffer. hive.c now gives libbfio its own bounded callbacks. Each truncated
 * hive is placed so its last byte is the last byte before a PROT_NONE page:
 * any over-read faults here, with or without a sanitizer. (The redsleuth
 * link line happens to bind libregf's libbfio_handle_* calls to the copy
 * exported by libewf.so.2, which failed the read instead; the fuzz harness,
 * linked without libewf, got libbfio.a's and over-read.) */
static const size_t trunc_lens[] = {8, 64, 511, 512, 513, 4095, 4096, 4097, 4200, 8191};

START_TEST(truncated_guard_page)
{
  size_t flen = 0;
  unsigned char *full = load(rs_t_src("fixtures/out/w2k-clean/hives/SYSTEM"), &flen);
  RS_T_SKIP_IF(!full, "fixture hive absent");
  size_t len = trunc_lens[_i];
  ck_assert_uint_gt(flen, len);
  if (len == 8)
    memcpy(full, "regf\n\n\x81\n", 8); /* the fuzzer's reproducer */
  long pg = sysconf(_SC_PAGESIZE);
  size_t span = ((len + (size_t)pg - 1) / (size_t)pg) * (size_t)pg;
  uint8_t *map = mmap(NULL, span + (size_t)pg, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ck_assert(map != MAP_FAILED);
  ck_assert_int_eq(mprotect(map + span, (size_t)pg, PROT_NONE), 0);
  uint8_t *buf = map + span - len;
  memcpy(buf, full, len);
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  /* Every one of these is too short for the hive's own hbin sizes. */
  enum rs_err e = rs_hive_open_mem(buf, len, "truncated SYSTEM", 0, &h, &d);
  ck_assert_int_eq(e, RS_E_CORRUPT);
  ck_assert_ptr_null(h);
  ck_assert_str_eq(d.where, "truncated SYSTEM");
  ck_assert(strstr(d.what, "libregf") != NULL);
  munmap(map, span + (size_t)pg);
  free(full);
}
END_TEST

/* Regression (fuzz/fuzz_hive.c, fuzz/corpus/hive/timeout-db7dbd67):
 * libregf 20201007 reads as many value-list entries as an nk record
 * announces, past the list cell and its own hive-bin buffer (a heap
 * over-read; valgrind shows it, ASan faults, and here libregf ran on until
 * an allocation limit and gave up on the key). hive.c clamps such counts to
 * the list cell's capacity. Oracle: the same key in the pristine hive. */
static uint32_t t_le32(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static const uint32_t big_counts[] = {0x40000002u, 0xFFFFFFFFu, 1000u};

START_TEST(value_count_overrun)
{
  size_t len = 0;
  unsigned char *buf = load(rs_t_src("fixtures/out/w2k-cr2-used/hives/SYSTEM"), &len);
  RS_T_SKIP_IF(!buf, "fixture hive absent");
  struct rs_sysinfo *good = malloc(sizeof *good), *bad = malloc(sizeof *bad);
  ck_assert(good && bad);
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "SYSTEM", 0, &h, &d), RS_OK);
  rs_sysinfo_init(good);
  ck_assert_int_eq(rs_registry_read_system(h, good, &d), RS_OK);
  rs_hive_close(h);
  const struct rs_controlset *g = find_set(good, 1);
  ck_assert_ptr_nonnull(g);
  ck_assert(g->vroot_c.present);

  /* the nk cell of ControlSet001\...\Virtual Roots: first one in the file */
  size_t nk = 0;
  for (size_t i = 0x1000; i + 0x4c + 13 <= len; i++)
    if (buf[i] == 'n' && buf[i + 1] == 'k' && (int32_t)t_le32(buf + i - 4) < 0 &&
        buf[i + 0x48] == 13 && memcmp(buf + i + 0x4c, "Virtual Roots", 13) == 0) {
      nk = i;
      break;
    }
  ck_assert_uint_gt(nk, 0);
  ck_assert_uint_gt(t_le32(buf + nk + 0x24), 0); /* it has values */
  uint32_t c = big_counts[_i];
  for (int k = 0; k < 4; k++)
    buf[nk + 0x24 + k] = (unsigned char)(c >> (8 * k));

  ck_assert_int_eq(rs_hive_open_mem(buf, len, "SYSTEM", 0, &h, &d), RS_OK);
  rs_sysinfo_init(bad);
  ck_assert_int_eq(rs_registry_read_system(h, bad, &d), RS_OK);
  rs_hive_close(h);
  const struct rs_controlset *b = find_set(bad, 1);
  ck_assert_ptr_nonnull(b);
  ck_assert(b->vroot_c.present);
  ck_assert_str_eq(b->vroot_c.data, g->vroot_c.data);
  ck_assert_str_eq(b->vroot_d.data, g->vroot_d.data);
  free(good);
  free(bad);
  free(buf);
}
END_TEST

/* Memory exhaustion: with the address space capped just above current use,
 * opening and reading a big hive fails cleanly or succeeds; never crashes.
 * Only in forked mode (the cap would outlive the test otherwise). */
static const size_t alloc_margins[] = {64u << 10, 512u << 10, 2u << 20, 8u << 20, 32u << 20};

START_TEST(alloc_failure)
{
#if defined(__SANITIZE_ADDRESS__)
  RS_T_SKIP_IF(true, "address space cap is incompatible with ASan");
#endif
  const char *fork = getenv("CK_FORK");
  RS_T_SKIP_IF(fork && strcmp(fork, "no") == 0, "needs CK_FORK (address space cap)");
  const char *path = real_system_path();
  RS_T_SKIP_IF(!path, "realdata absent");
  size_t len = 0;
  unsigned char *buf = load(path, &len);
  ck_assert_ptr_nonnull(buf);
  FILE *fp = fopen("/proc/self/statm", "r");
  RS_T_SKIP_IF(!fp, "/proc/self/statm unreadable");
  unsigned long pages = 0;
  ck_assert_int_eq(fscanf(fp, "%lu", &pages), 1);
  fclose(fp);
  struct rlimit rl;
  rl.rlim_cur = rl.rlim_max = pages * 4096ul + alloc_margins[_i];
  ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  enum rs_err e = rs_hive_open_mem(buf, len, "SYSTEM", 0, &h, &d);
  if (e == RS_OK) {
    struct rs_sysinfo si;
    rs_sysinfo_init(&si);
    e = rs_registry_read_system(h, &si, &d);
    ck_assert(e == RS_OK || e == RS_E_CORRUPT || e == RS_E_NOMEM);
    rs_hive_close(h);
  } else {
    ck_assert(e == RS_E_NOMEM || e == RS_E_CORRUPT);
    ck_assert_ptr_null(h);
  }
  free(buf);
}
END_TEST

/* ---- hives written by hivex (another library) --------------------------- */

/* Writes a .reg file, merges it into a copy of NTUSER.DAT and returns the
 * new hive's path (NULL = skip). Each "[\key]" must follow its parent. */
static const char *hivex_hive(const char *reg, const char *name)
{
  const char *nt = rs_t_realdata("registry/NTUSER.DAT");
  if (!nt || !rs_t_have("hivexregedit"))
    return NULL;
  const char *dir = rs_t_tmpdir();
  static char hive[2][4096];
  static int slot;
  char *out = hive[slot++ % 2];
  char regp[4200], cmd[16384];
  snprintf(out, 4096, "%s/%s", dir, name);
  snprintf(regp, sizeof regp, "%s/%s.reg", dir, name);
  FILE *fp = fopen(regp, "w");
  if (!fp)
    return NULL;
  fputs(reg, fp);
  fclose(fp);
  snprintf(cmd, sizeof cmd, "cp '%s' '%s' && chmod u+w '%s' && hivexregedit --merge '%s' '%s'",
           nt, out, out, out, regp);
  if (rs_t_run(cmd, NULL) != 0)
    return NULL;
  return out;
}

/* CRII-style SYSTEM: current set 002 infected (lower-case names as ACR2
 * writes them, a per-address /MSADC), 001 (LastKnownGood) clean. */
static const char reg_system[] =
  "Windows Registry Editor Version 5.00\n\n"
  "[\\Select]\n\"Current\"=dword:00000002\n\"Default\"=dword:00000002\n"
  "\"LastKnownGood\"=dword:00000001\n\"Failed\"=dword:00000000\n\n"
  "[\\ControlSet001]\n\n[\\ControlSet001\\Control]\n\n"
  "[\\ControlSet001\\Control\\ComputerName]\n\n"
  "[\\ControlSet001\\Control\\ComputerName\\ComputerName]\n\"ComputerName\"=\"OLDNAME\"\n\n"
  "[\\ControlSet001\\Services]\n\n"
  "[\\ControlSet001\\Services\\W3SVC]\n\"Start\"=dword:00000002\n\n"
  "[\\ControlSet001\\Services\\W3SVC\\Parameters]\n\n"
  "[\\ControlSet001\\Services\\W3SVC\\Parameters\\Script Map]\n"
  "\".idq\"=\"C:\\\\WINNT\\\\System32\\\\idq.dll\"\n\".IDA\"=\"C:\\\\WINNT\\\\System32\\\\idq.dll\"\n\n"
  "[\\ControlSet001\\Services\\W3SVC\\Parameters\\Virtual Roots]\n"
  "\"/\"=\"c:\\\\inetpub\\\\wwwroot,,201\"\n"
  "\"/Scripts\"=\"c:\\\\inetpub\\\\scripts,,204\"\n"
  "\"/MSADC\"=\"c:\\\\program files\\\\common files\\\\system\\\\msadc,,205\"\n\n"
  "[\\ControlSet002]\n\n[\\ControlSet002\\Control]\n\n"
  "[\\ControlSet002\\Control\\ComputerName]\n\n"
  "[\\ControlSet002\\Control\\ComputerName\\ComputerName]\n\"ComputerName\"=\"WEB01\"\n\n"
  "[\\ControlSet002\\Control\\ProductOptions]\n\"ProductType\"=\"ServerNT\"\n\n"
  "[\\ControlSet002\\Control\\TimeZoneInformation]\n\"Bias\"=dword:fffffe20\n"
  "\"StandardBias\"=dword:00000000\n\"DaylightBias\"=dword:ffffffc4\n"
  "\"StandardName\"=\"China Standard Time\"\n\"DaylightName\"=\"China Daylight Time\"\n"
  "\"StandardStart\"=hex:00,00,0a,00,00,00,05,00,02,00,00,00,00,00,00,00\n"
  "\"DaylightStart\"=hex:00,00,04,00,00,00,01,00,02,00,00,00,00,00,00,00\n\n"
  "[\\ControlSet002\\Services]\n\n"
  "[\\ControlSet002\\Services\\W3SVC]\n\"Start\"=dword:00000002\n\n"
  "[\\ControlSet002\\Services\\MSFTPSVC]\n\"Start\"=dword:00000003\n\n"
  "[\\ControlSet002\\Services\\cisvc]\n\"Start\"=dword:00000004\n\n"
  "[\\ControlSet002\\Services\\W3SVC\\Parameters]\n\n"
  "[\\ControlSet002\\Services\\W3SVC\\Parameters\\Virtual Roots]\n"
  "\"/\"=\"c:\\\\inetpub\\\\wwwroot,,201\"\n"
  "\"/c\"=\"c:\\\\,,217\"\n\"/D\"=\"d:\\\\,,217\"\n"
  "\"/scripts\"=\"c:\\\\inetpub\\\\scripts,,217\"\n"
  "\"/MSADC,10.1.2.3\"=\"c:\\\\program files\\\\common files\\\\system\\\\msadc,,217\"\n"
  "\"/CGI\"=\"c:\\\\cgi,,201\"\n\n"
  "[\\MountedDevices]\n"
  "\"\\\\DosDevices\\\\C:\"=hex:de,c0,01,20,00,7e,00,00,00,00,00,00\n"
  "\"\\\\DosDevices\\\\e:\"=hex:de,c0,01,20,00,00,50,01,01,00,00,00\n"
  "\"\\\\DosDevices\\\\A:\"=hex:5c,00,3f,00,3f,00\n"
  "\"\\\\??\\\\Volume{0}\"=hex:de,c0,01,20,00,7e,00,00,00,00,00,00\n";

START_TEST(hivex_system)
{
  const char *p = hivex_hive(reg_system, "SYSTEM.hivex");
  RS_T_SKIP_IF(!p, "hivexregedit or realdata NTUSER.DAT absent");
  size_t len = 0;
  unsigned char *buf = load(p, &len);
  ck_assert_ptr_nonnull(buf);
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "SYSTEM", 0, &h, &d), RS_OK);
  ck_assert_int_eq(rs_hive_kind(h), RS_HIVE_SYSTEM);
  struct rs_sysinfo si;
  rs_sysinfo_init(&si);
  ck_assert_int_eq(rs_registry_read_system(h, &si, &d), RS_OK);
  ck_assert_int_eq(si.select_current, 2);
  ck_assert_int_eq(si.select_default, 2);
  ck_assert_int_eq(si.select_lkg, 1);
  ck_assert_int_eq(si.select_failed, 0);
  ck_assert_str_eq(si.current_control_set, "ControlSet002");
  ck_assert_int_eq(si.nsets, 2);
  const struct rs_controlset *c1 = find_set(&si, 1), *c2 = find_set(&si, 2);
  ck_assert_ptr_nonnull(c1);
  ck_assert_ptr_nonnull(c2);
  ck_assert(c2->is_current && c2->is_default && !c2->is_lkg && !c2->is_failed);
  ck_assert(c1->is_lkg && !c1->is_current);
  /* 002: the worm's values, found whatever their case. */
  ck_assert(c2->vroot_c.present);
  ck_assert_str_eq(c2->vroot_c.name, "/c");
  ck_assert_str_eq(c2->vroot_c.data, "c:\\,,217");
  ck_assert_str_eq(c2->vroot_c.key,
                   "ControlSet002\\Services\\W3SVC\\Parameters\\Virtual Roots");
  ck_assert_str_eq(c2->vroot_c.hive, "SYSTEM");
  ck_assert(c2->vroot_c.key_written.set);
  ck_assert_str_eq(c2->vroot_d.data, "d:\\,,217");
  ck_assert_str_eq(c2->vroot_scripts.name, "/scripts");
  ck_assert_str_eq(c2->vroot_scripts.data, "c:\\inetpub\\scripts,,217");
  ck_assert(c2->vroot_msadc.present);
  ck_assert_str_eq(c2->vroot_msadc.name, "/MSADC,10.1.2.3");
  ck_assert(strstr(c2->vroot_msadc.data, ",,217") != NULL);
  ck_assert(c2->w3svc_present);
  ck_assert_uint_eq(c2->w3svc_start.dword, 2);
  ck_assert_uint_eq(c2->msftpsvc_start.dword, 3);
  ck_assert_uint_eq(c2->cisvc_start.dword, 4);
  ck_assert(!c2->scriptmap_ida.present && !c2->scriptmap_idq.present);
  /* 001: clean, with the Index Server script maps (".IDA" upper case). */
  ck_assert(!c1->vroot_c.present && !c1->vroot_d.present);
  ck_assert(c1->vroot_c.key_present); /* the key is there, the value is not */
  ck_assert_str_eq(c1->vroot_scripts.data, "c:\\inetpub\\scripts,,204");
  ck_assert_str_eq(c1->vroot_msadc.name, "/MSADC");
  ck_assert(c1->scriptmap_ida.present && c1->scriptmap_idq.present);
  ck_assert_str_eq(c1->scriptmap_ida.name, ".IDA");
  ck_assert_str_eq(c1->scriptmap_idq.data, "C:\\WINNT\\System32\\idq.dll");
  ck_assert(!c1->msftpsvc_start.present && !c1->msftpsvc_start.key_present);
  /* Identity from the current set (002), not the first one. */
  ck_assert_str_eq(si.computer_name.data, "WEB01");
  ck_assert_str_eq(si.product_type.data, "ServerNT");
  ck_assert(si.tz.known);
  ck_assert_int_eq(si.tz.bias, -480);
  ck_assert_int_eq(si.tz.daylight_bias, -60);
  ck_assert_uint_eq(si.tz.standard_start.month, 10);
  ck_assert_uint_eq(si.tz.standard_start.day, 5);
  ck_assert_uint_eq(si.tz.standard_start.hour, 2);
  ck_assert_uint_eq(si.tz.daylight_start.month, 4);
  ck_assert_uint_eq(si.tz.daylight_start.day, 1);
  ck_assert_str_eq(si.tz.standard_name, "China Standard Time");
  ck_assert_str_eq(si.tz.daylight_name, "China Daylight Time");
  /* MountedDevices: 3 \DosDevices values, 2 in the MBR form. */
  ck_assert_int_eq(si.nmounts, 3);
  int seen = 0;
  for (int i = 0; i < si.nmounts; i++) {
    const struct rs_mount *m = &si.mounts[i];
    if (strcmp(m->letter, "C:") == 0) {
      seen |= 1;
      ck_assert(m->mbr);
      ck_assert_uint_eq(m->disk_signature, 0x2001c0de);
      ck_assert_uint_eq(m->offset_bytes, 63u * 512u); /* 00,7e,00.. = 0x7e00 */
    } else if (strcmp(m->letter, "E:") == 0) {
      seen |= 2;
      ck_assert(m->mbr);
      ck_assert_str_eq(m->name, "\\DosDevices\\e:");
      ck_assert_uint_eq(m->offset_bytes, 0x101500000ull);
    } else if (strcmp(m->letter, "A:") == 0) {
      seen |= 4;
      ck_assert(!m->mbr);
    }
  }
  ck_assert_int_eq(seen, 7);

  /* regfexport agrees on every virtual root of both sets. */
  char *rx = regfexport_text(p);
  if (!rx) {
    fprintf(stderr, "SKIP %s: regfexport cross-check (libregf-utils absent)\n", __func__);
  } else {
    char want[1100];
    const struct rs_regval *all[] = {&c2->vroot_c,       &c2->vroot_d,
                                     &c2->vroot_scripts, &c2->vroot_msadc,
                                     &c1->vroot_scripts, &c1->vroot_msadc,
                                     &c1->scriptmap_ida, &c1->scriptmap_idq};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
      ck_assert_msg(rx_value(rx, all[i]->key, all[i]->name, want, sizeof want), "%s\\%s",
                    all[i]->key, all[i]->name);
      ck_assert_str_eq(want, all[i]->data);
    }
    ck_assert(rx_value(rx, "ControlSet002\\Control\\ComputerName\\ComputerName", "ComputerName",
                       want, sizeof want));
    ck_assert_str_eq(want, si.computer_name.data);
    free(rx);
  }
  rs_hive_close(h);
  free(buf);
}
END_TEST

/* NT4-style SOFTWARE: SP6 + the Q246009 SP6a marker, NT4 hotfixes, the
 * CRII SFCDisable mark, and a W2K Updates key with a Filelist. */
static const char reg_software[] =
  "Windows Registry Editor Version 5.00\n\n"
  "[\\Microsoft]\n\n[\\Classes]\n\n[\\Microsoft\\Windows NT]\n\n"
  "[\\Microsoft\\Windows NT\\CurrentVersion]\n"
  "\"CurrentVersion\"=\"4.0\"\n\"CurrentBuildNumber\"=\"1381\"\n"
  "\"CSDVersion\"=\"Service Pack 6\"\n\"InstallDate\"=dword:3b3f3c80\n"
  "\"RegisteredOwner\"=\"Web Admin\"\n\"SystemRoot\"=\"C:\\\\WINNT\"\n\n"
  "[\\Microsoft\\Windows NT\\CurrentVersion\\Hotfix]\n\n"
  "[\\Microsoft\\Windows NT\\CurrentVersion\\Hotfix\\Q246009]\n"
  "\"Installed\"=dword:00000001\n\"Comments\"=\"SP6a update\"\n\n"
  "[\\Microsoft\\Windows NT\\CurrentVersion\\Hotfix\\Q299444]\n"
  "\"Installed\"=dword:00000001\n\"Comments\"=\"Post-SP6a Security Rollup\"\n\n"
  "[\\Microsoft\\Windows NT\\CurrentVersion\\Hotfix\\Q123456]\n"
  "\"Installed\"=dword:00000000\n\n"
  "[\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon]\n"
  "\"SFCDisable\"=dword:ffffff9d\n\n"
  "[\\Microsoft\\InetStp]\n\"MajorVersion\"=dword:00000004\n\n"
  "[\\Microsoft\\Updates]\n\n[\\Microsoft\\Updates\\Windows 2000]\n\n"
  "[\\Microsoft\\Updates\\Windows 2000\\SP3]\n\n"
  "[\\Microsoft\\Updates\\Windows 2000\\SP3\\Q301625]\n"
  "\"Description\"=\"Windows 2000 Hotfix (Pre-SP3)\"\n\n"
  "[\\Microsoft\\Updates\\Windows 2000\\SP3\\Q301625\\Filelist]\n\n"
  "[\\Microsoft\\Updates\\Windows 2000\\SP2]\n\n"
  "[\\Microsoft\\Updates\\Windows 2000\\SP2\\Q296185]\n\"Description\"=\"MS01-026\"\n";

START_TEST(hivex_software)
{
  const char *p = hivex_hive(reg_software, "SOFTWARE.hivex");
  RS_T_SKIP_IF(!p, "hivexregedit or realdata NTUSER.DAT absent");
  size_t len = 0;
  unsigned char *buf = load(p, &len);
  ck_assert_ptr_nonnull(buf);
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "SOFTWARE", 0, &h, &d), RS_OK);
  ck_assert_int_eq(rs_hive_kind(h), RS_HIVE_SOFTWARE);
  struct rs_sysinfo si;
  rs_sysinfo_init(&si);
  ck_assert_int_eq(rs_registry_read_software(h, &si, &d), RS_OK);
  ck_assert(si.have_software && !si.have_system);
  ck_assert_int_eq(si.os_major, 4);
  ck_assert_int_eq(si.os_minor, 0);
  ck_assert_int_eq(si.service_pack, 6);
  ck_assert(si.sp6a); /* via Q246009, CSDVersion says only "Service Pack 6" */
  ck_assert_str_eq(si.build.data, "1381");
  ck_assert_uint_eq(si.install_date.dword, 0x3b3f3c80u);
  ck_assert_str_eq(si.registered_owner.data, "Web Admin");
  ck_assert_str_eq(si.system_root.data, "C:\\WINNT");
  ck_assert(!si.product_name.present && si.product_name.key_present);
  ck_assert(si.sfcdisable.present);
  ck_assert_uint_eq(si.sfcdisable.dword, 0xFFFFFF9Du);
  ck_assert_str_eq(si.sfcdisable.data, "0xffffff9d");
  ck_assert_str_eq(si.sfcdisable.key, "Microsoft\\Windows NT\\CurrentVersion\\Winlogon");
  ck_assert_uint_eq(si.iis_major.dword, 4);

  const struct rs_hotfix *q;
  q = find_hotfix(&si, "Q246009");
  ck_assert(q && q->present);
  ck_assert_str_eq(q->installed, "1");
  ck_assert_str_eq(q->comments, "SP6a update");
  ck_assert_str_eq(q->key, "Microsoft\\Windows NT\\CurrentVersion\\Hotfix\\Q246009");
  ck_assert(q->last_written.set);
  q = find_hotfix(&si, "Q299444");
  ck_assert(q && q->present);
  q = find_hotfix(&si, "Q300972");
  ck_assert(q && !q->present && !q->filelist);
  ck_assert_str_eq(q->key, "");
  q = find_hotfix(&si, "Q301625");
  ck_assert(q && q->present && q->filelist);
  ck_assert_str_eq(q->key, "Microsoft\\Updates\\Windows 2000\\SP3\\Q301625");
  ck_assert_str_eq(q->comments, "Windows 2000 Hotfix (Pre-SP3)");
  ck_assert_str_eq(q->installed, "");
  q = find_hotfix(&si, "Q269049");
  ck_assert(q && !q->present);
  q = find_hotfix(&si, "Q317636");
  ck_assert(q && !q->present);
  /* Beyond the table: listed, without a "why". */
  q = find_hotfix(&si, "Q123456");
  ck_assert(q && q->present && q->why == NULL);
  ck_assert_str_eq(q->installed, "0");
  q = find_hotfix(&si, "Q296185");
  ck_assert(q && q->present);
  ck_assert_str_eq(q->key, "Microsoft\\Updates\\Windows 2000\\SP2\\Q296185");
  /* Table rows come first, in table order. */
  ck_assert_str_eq(si.hotfixes[0].id, "Q300972");
  ck_assert_ptr_nonnull(si.hotfixes[0].why);

  /* The SOFTWARE hive holds no SYSTEM facts. */
  ck_assert_int_eq(rs_registry_read_system(h, &si, &d), RS_OK);
  ck_assert_int_eq(si.nsets, 0);
  rs_hive_close(h);
  free(buf);
}
END_TEST

/* Values of unusual types and sizes read without loss or overrun. */
static const char reg_types[] =
  "Windows Registry Editor Version 5.00\n\n"
  "[\\Types]\n"
  "\"multi\"=hex(7):61,00,00,00,62,00,63,00,00,00,00,00\n"
  "\"qword\"=hex(b):ff,ee,dd,cc,bb,aa,99,88\n"
  "\"big\"=hex:"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,"
  "00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f\n"
  "\"oddsz\"=hex(1):41,00,42\n"
  "@=\"default value\"\n";

START_TEST(hivex_types)
{
  const char *p = hivex_hive(reg_types, "TYPES.hivex");
  RS_T_SKIP_IF(!p, "hivexregedit or realdata NTUSER.DAT absent");
  size_t len = 0;
  unsigned char *buf = load(p, &len);
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "TYPES", 0, &h, &d), RS_OK);
  struct rs_regval v;
  ck_assert_int_eq(rs_hive_get_value(h, "Types", "multi", &v, &d), RS_OK);
  ck_assert_uint_eq(v.type, 7);
  ck_assert_str_eq(v.data, "a\nbc");
  ck_assert(!v.truncated);
  ck_assert_uint_eq(v.data_size, 12);
  ck_assert_int_eq(rs_hive_get_value(h, "Types", "qword", &v, &d), RS_OK);
  ck_assert_uint_eq(v.type, 11);
  ck_assert_str_eq(v.data, "0x8899aabbccddeeff");
  ck_assert_int_eq(rs_hive_get_value(h, "Types", "big", &v, &d), RS_OK);
  ck_assert_uint_eq(v.type, 3);
  /* 544 bytes do not fit in 1023 hex chars: cut, and marked as cut. */
  ck_assert_uint_lt(strlen(v.data), sizeof v.data);
  ck_assert_ptr_nonnull(strstr(v.data, "..."));
  ck_assert(strncmp(v.data, "000102030405060708090a0b0c0d0e0f00", 34) == 0);
  ck_assert(v.truncated);
  ck_assert_uint_eq(v.data_size, 544);
  ck_assert_int_eq(rs_hive_get_value(h, "Types", "oddsz", &v, &d), RS_OK);
  ck_assert(v.present);
  ck_assert_uint_eq(v.type, 1);
  ck_assert_uint_lt(strlen(v.data), sizeof v.data);
  ck_assert_int_eq(rs_hive_get_value(h, "Types", "", &v, &d), RS_OK);
  ck_assert(v.present);
  ck_assert_str_eq(v.name, "");
  ck_assert_str_eq(v.data, "default value");
  struct rs_regval *vals = NULL;
  size_t n = 0;
  ck_assert_int_eq(rs_hive_values(h, "Types", &vals, &n, &d), RS_OK);
  ck_assert_uint_eq(n, 5);
  free(vals);
  rs_hive_close(h);
  free(buf);
}
END_TEST


/* Values longer than the report keeps (a 3,000-character string, a
 * 200-character value name, a key path over 511 bytes) are cut at a
 * character boundary and marked truncated with the stored size; short
 * ones beside them are whole and unmarked. */
START_TEST(hivex_long_values)
{
  static char reg[16384];
  char big[3001], nm[201], k1[251], k2[251], k3[101];
  memset(big, 'A', 3000);
  big[3000] = '\0';
  memset(nm, 'n', 200);
  nm[200] = '\0';
  memset(k1, 'a', 250);
  k1[250] = '\0';
  memset(k2, 'b', 250);
  k2[250] = '\0';
  memset(k3, 'c', 100);
  k3[100] = '\0';
  snprintf(reg, sizeof reg,
           "Windows Registry Editor Version 5.00\n\n[\\Long]\n\"s\"=\"%s\"\n\"%s\"=dword:00000001\n"
           "\"short\"=\"ok\"\n\n[\\Long\\%s]\n\n[\\Long\\%s\\%s]\n\n"
           "[\\Long\\%s\\%s\\%s]\n\"v\"=\"x\"\n",
           big, nm, k1, k1, k2, k1, k2, k3);
  const char *p = hivex_hive(reg, "LONG.hivex");
  RS_T_SKIP_IF(!p, "hivexregedit or realdata NTUSER.DAT absent");
  size_t len = 0;
  unsigned char *buf = load(p, &len);
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "LONG", 0, &h, &d), RS_OK);
  struct rs_regval v;
  ck_assert_int_eq(rs_hive_get_value(h, "Long", "s", &v, &d), RS_OK);
  ck_assert(v.present);
  ck_assert(v.truncated);
  ck_assert_uint_eq(v.data_size, 6002); /* UTF-16LE with its NUL */
  ck_assert_uint_eq(strlen(v.data), sizeof v.data - 1);
  ck_assert(strncmp(v.data, big, strlen(v.data)) == 0);
  ck_assert_int_eq(rs_hive_get_value(h, "Long", "short", &v, &d), RS_OK);
  ck_assert(!v.truncated);
  ck_assert_str_eq(v.data, "ok");
  struct rs_regval *vals = NULL;
  size_t n = 0, cut = 0, longname = 0;
  ck_assert_int_eq(rs_hive_values(h, "Long", &vals, &n, &d), RS_OK);
  ck_assert_uint_eq(n, 3);
  for (size_t i = 0; i < n; i++) {
    cut += vals[i].truncated;
    if (vals[i].type == 4) {
      longname++;
      ck_assert(vals[i].truncated);
      ck_assert_uint_eq(strlen(vals[i].name), sizeof vals[i].name - 1);
      ck_assert(strncmp(vals[i].name, nm, strlen(vals[i].name)) == 0);
      ck_assert_uint_eq(vals[i].dword, 1);
    }
  }
  ck_assert_uint_eq(longname, 1);
  ck_assert_uint_eq(cut, 2); /* the long string and the long name, not "short" */
  free(vals);
  char key[700];
  snprintf(key, sizeof key, "Long\\%s\\%s\\%s", k1, k2, k3);
  ck_assert_uint_gt(strlen(key), sizeof v.key);
  ck_assert_int_eq(rs_hive_get_value(h, key, "v", &v, &d), RS_OK);
  ck_assert(v.present);
  ck_assert_str_eq(v.data, "x");
  ck_assert(v.truncated); /* the key path did not fit */
  ck_assert(strncmp(v.key, key, strlen(v.key)) == 0);
  rs_hive_close(h);
  free(buf);
}
END_TEST

/* Eleven control sets, Select naming 010 (current) and 011 (LKG), plus
 * names that only look like control sets: the named ones and the six
 * lowest are read, and the limit is reported. */
START_TEST(hivex_many_sets)
{
  char reg[8192];
  size_t o = (size_t)snprintf(reg, sizeof reg,
                              "Windows Registry Editor Version 5.00\n\n[\\Select]\n"
                              "\"Current\"=dword:0000000a\n\"LastKnownGood\"=dword:0000000b\n\n"
                              "[\\ControlSet1]\n\n[\\ControlSet0001]\n\n[\\ControlSetABC]\n\n");
  for (int n = 1; n <= 11; n++)
    o += (size_t)snprintf(reg + o, sizeof reg - o,
                          "[\\ControlSet%03d]\n\n[\\ControlSet%03d\\Control]\n\n"
                          "[\\ControlSet%03d\\Control\\ComputerName]\n\n"
                          "[\\ControlSet%03d\\Control\\ComputerName\\ComputerName]\n"
                          "\"ComputerName\"=\"SET%d\"\n\n",
                          n, n, n, n, n);
  const char *p = hivex_hive(reg, "MANY.hivex");
  RS_T_SKIP_IF(!p, "hivexregedit or realdata NTUSER.DAT absent");
  size_t len = 0;
  unsigned char *buf = load(p, &len);
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "MANY", 0, &h, &d), RS_OK);
  ck_assert_int_eq(rs_hive_kind(h), RS_HIVE_SYSTEM);
  struct rs_sysinfo si;
  rs_sysinfo_init(&si);
  ck_assert_int_eq(rs_registry_read_system(h, &si, &d), RS_E_LIMIT);
  ck_assert_ptr_nonnull(strstr(d.what, "11 control sets"));
  ck_assert_int_eq(si.nsets, RS_MAX_CONTROLSETS);
  static const int want[RS_MAX_CONTROLSETS] = {1, 2, 3, 4, 5, 6, 10, 11};
  for (int i = 0; i < RS_MAX_CONTROLSETS; i++)
    ck_assert_int_eq(si.sets[i].number, want[i]);
  ck_assert(si.sets[6].is_current && si.sets[7].is_lkg);
  ck_assert_str_eq(si.current_control_set, "ControlSet010");
  ck_assert_str_eq(si.computer_name.data, "SET10");
  rs_hive_close(h);
  free(buf);
}
END_TEST


/* The system's code page comes from the CURRENT control set's Nls\CodePage\ACP.
 * Hives written here by the fixture generator's regf writer (v1.3): set 001
 * says 1250, set 002 says 1251, Select\Current picks one; a sub key named
 * with byte 0xC9 then reads as U+0419 under 1251. */
static const struct {
  int current;     /* Select\Current; 0: no Select key */
  const char *acp2;/* ControlSet002's ACP */
  int want;
} acp_cases[] = {
  {2, "1251", 1251}, {1, "1251", 1250}, {0, "1251", 0}, {2, "oem", 0}, {3, "1251", 0},
};

START_TEST(codepage_from_current_set)
{
  RS_T_SKIP_IF(!rs_t_have("python3"), "python3 absent");
  const char *dir = rs_t_tmpdir();
  char spec[4200], hive[4200], cmd[13000];
  snprintf(spec, sizeof spec, "%s/cp%d.json", dir, _i);
  snprintf(hive, sizeof hive, "%s/cp%d.hiv", dir, _i);
  json_t *sel = acp_cases[_i].current
                    ? json_pack("[{s:s,s:[{s:s,s:s,s:i}]}]", "name", "Select", "values", "name",
                                "Current", "type", "REG_DWORD", "data", acp_cases[_i].current)
                    : json_array();
  json_t *root = json_pack(
      "{s:i,s:s,s:{s:s,s:s,s:o}}", "minor", 3, "file_name", "SYSTEM", "root", "name",
      "$$$PROTO.HIV", "time", "2001-08-04T15:22:10Z", "subkeys", sel);
  static const char *const acps[2] = {"1250", NULL};
  for (int set = 1; set <= 2; set++) {
    char nm[32];
    snprintf(nm, sizeof nm, "ControlSet%03d", set);
    json_t *cs = json_pack(
        "{s:s,s:[{s:s,s:[{s:s,s:[{s:s,s:[{s:s,s:s,s:s}]}]}]},{s:s,s:[{s:s}]}]}", "name", nm,
        "subkeys", "name", "Control", "subkeys", "name", "Nls", "subkeys", "name", "CodePage",
        "values", "name", "ACP", "type", "REG_SZ", "data", set == 1 ? acps[0] : acp_cases[_i].acp2,
        "name", "Services", "subkeys", "name", "\xc3\x89vent");
    ck_assert_ptr_nonnull(cs);
    json_array_append_new(json_object_get(json_object_get(root, "root"), "subkeys"), cs);
  }
  ck_assert_int_eq(json_dump_file(root, spec, 0), 0);
  json_decref(root);
  snprintf(cmd, sizeof cmd, "python3 '%s' '%s' '%s'", rs_t_src("fixtures/gen/regf.py"), spec, hive);
  ck_assert_int_eq(rs_t_run(cmd, NULL), 0);
  size_t len = 0;
  unsigned char *buf = rs_t_slurp(hive, &len);
  ck_assert_ptr_nonnull(buf);
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "SYSTEM", 0, &h, &d), RS_OK);
  int cp = rs_registry_codepage(h, NULL);
  ck_assert_int_eq(cp, acp_cases[_i].want);
  rs_hive_close(h);
  if (cp == 1251) {
    /* what the scan does next: reopen with it; the 0xC9 name is now Cyrillic */
    ck_assert_int_eq(rs_hive_open_mem(buf, len, "SYSTEM", cp, &h, &d), RS_OK);
    char **names = NULL;
    size_t n = 0;
    ck_assert_int_eq(rs_hive_subkeys(h, "ControlSet002\\Services", &names, &n, &d), RS_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(names[0], "\xd0\x99vent");
    free(names[0]);
    free(names);
    rs_hive_close(h);
  }
  free(buf);
}
END_TEST

/* The code page reaches libregf: an ASCII-flagged value name holding byte
 * 0xC9 reads as U+00C9 under 1252 and U+0419 under 1251. */
static const struct {
  int cp;
  const char *want;
} cp_cases[] = {
  {0, "Registered\xc3\x89wner"},
  {1252, "Registered\xc3\x89wner"},
  {1251, "Registered\xd0\x99wner"},
};

START_TEST(codepage_names)
{
  size_t len = 0;
  unsigned char *buf = rs_t_slurp(rs_t_src("fixtures/out/w2k-clean/hives/SOFTWARE"), &len);
  RS_T_SKIP_IF(!buf, "fixture hive absent");
  unsigned char *at = memmem(buf, len, "RegisteredOwner", 15);
  ck_assert_ptr_nonnull(at);
  ck_assert_ptr_null(memmem(at + 1, len - (size_t)(at + 1 - buf), "RegisteredOwner", 15));
  at[10] = 0xC9;
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "SOFTWARE", cp_cases[_i].cp, &h, &d), RS_OK);
  struct rs_regval *vals = NULL;
  size_t n = 0;
  ck_assert_int_eq(
      rs_hive_values(h, "Microsoft\\Windows NT\\CurrentVersion", &vals, &n, &d), RS_OK);
  bool found = false;
  for (size_t i = 0; i < n; i++)
    found |= strcmp(vals[i].name, cp_cases[_i].want) == 0;
  ck_assert(found);
  free(vals);
  /* The unpatched name is gone, as it should be. */
  struct rs_sysinfo si;
  rs_sysinfo_init(&si);
  ck_assert_int_eq(rs_registry_read_software(h, &si, &d), RS_OK);
  ck_assert(!si.registered_owner.present);
  rs_hive_close(h);
  free(buf);
}
END_TEST


/* One damaged key deep inside a hive that opens: the error is reported,
 * naming the hive, and every other fact is still read. */
START_TEST(damaged_deep_key)
{
  size_t len = 0;
  unsigned char *buf =
      rs_t_slurp(rs_t_src("fixtures/out/w2k-cr2-infected/hives/SYSTEM"), &len);
  RS_T_SKIP_IF(!buf, "fixture hive absent");
  /* The first "Virtual Roots" nk: its signature sits 0x4C before the name. */
  unsigned char *name = memmem(buf, len, "Virtual Roots", 13);
  ck_assert_ptr_nonnull(name);
  ck_assert(name - buf > 0x4C && memcmp(name - 0x4C, "nk", 2) == 0);
  memcpy(name - 0x4C, "xx", 2);
  struct rs_diag d = {0};
  struct rs_hive *h = NULL;
  ck_assert_int_eq(rs_hive_open_mem(buf, len, "SYSTEM", 0, &h, &d), RS_OK);
  struct rs_sysinfo si;
  rs_sysinfo_init(&si);
  ck_assert_int_eq(rs_registry_read_system(h, &si, &d), RS_E_CORRUPT);
  ck_assert_str_eq(d.where, "SYSTEM");
  ck_assert_ptr_nonnull(strstr(d.what, "named key"));
  ck_assert_int_eq(si.nsets, 2);
  int lost = 0;
  for (int i = 0; i < si.nsets; i++) {
    const struct rs_controlset *cs = &si.sets[i];
    if (!cs->vroot_scripts.key_present) {
      lost++;
      continue;
    }
    /* answer.json: 001 clean (,,201), 002 infected (/C c:\,,217) */
    if (cs->number == 1) {
      ck_assert_str_eq(cs->vroot_scripts.data, "c:\\inetpub\\scripts,,201");
      ck_assert(!cs->vroot_c.present);
    } else {
      ck_assert_str_eq(cs->vroot_c.data, "c:\\,,217");
    }
  }
  ck_assert_int_eq(lost, 1);
  ck_assert_str_eq(si.computer_name.data, "IISPROD2");
  ck_assert_int_eq(si.tz.bias, 480);
  ck_assert_int_gt(si.nmounts, 0);
  rs_hive_close(h);
  free(buf);
}
END_TEST

/* ---- metabase heuristic ------------------------------------------------- */

enum enc { ANSI, U16, U16_ODD };
#define B(s) s, sizeof(s) - 1

static const struct mb_case {
  const char *text;
  size_t len;
  enum enc enc;
  bool ida, idq, dll, vc, vd;
  const char *ida_entry; /* NULL: don't check */
} mb_cases[] = {
  {B(".ida,C:\\WINNT\\System32\\idq.dll,7,GET,HEAD,POST\0.idq,C:\\WINNT\\System32\\idq.dll,3\0"),
   ANSI, true, true, true, false, false, ".ida,C:\\WINNT\\System32\\idq.dll,7,GET,HEAD,POST"},
  {B(".ida,C:\\WINNT\\System32\\idq.dll,7,GET,HEAD,POST\0.idq,C:\\WINNT\\System32\\idq.dll,3\0"),
   U16, true, true, true, false, false, ".ida,C:\\WINNT\\System32\\idq.dll,7,GET,HEAD,POST"},
  {B("\0.IDA,c:\\winnt\\system32\\IDQ.DLL,1\0"), U16_ODD, true, false, true, false, false,
   ".IDA,c:\\winnt\\system32\\IDQ.DLL,1"},
  {B(".asp,C:\\WINNT\\System32\\inetsrv\\asp.dll,1\0.htw,C:\\WINNT\\System32\\webhits.dll,3"),
   ANSI, false, false, false, false, false, NULL},
  {B("idq.dll"), ANSI, false, false, true, false, false, NULL},
  {B(".ida"), ANSI, false, false, false, false, false, NULL}, /* no comma: not an entry */
  {B(".idq,"), U16, false, true, false, false, false, NULL},
  {B("/LM/W3SVC/1/ROOT/C\0"), ANSI, false, false, false, true, false, NULL},
  {B("/LM/W3SVC/1/ROOT/C"), U16, false, false, false, true, false, NULL}, /* at the very end */
  {B("/lm/w3svc/1/root/d/sub"), ANSI, false, false, false, false, true, NULL},
  {B("/LM/W3SVC/1/ROOT/D\\x"), U16_ODD, false, false, false, false, true, NULL},
  {B("/LM/W3SVC/1/ROOT/CGI\0/LM/W3SVC/1/ROOT/Data\0/ROOT/c1"), ANSI, false, false, false,
   false, false, NULL},
  {B("/LM/W3SVC/1/ROOT/CGI\0/LM/W3SVC/2/ROOT/C\0/LM/W3SVC/2/ROOT/D"), U16, false, false, false,
   true, true, NULL},
  {B("/ROOT /C\0ROOT/C\0"), ANSI, false, false, false, false, false, NULL},
  {B("\x01\x7f.ida,\xff x\0"), ANSI, true, false, false, false, false, "\\x01\\x7f.ida,\\xff x"},
  {B(""), ANSI, false, false, false, false, false, NULL},
};

/* Lays the case text out in its encoding (UTF-16 by zero-extending). */
static uint8_t *mb_bytes(const struct mb_case *c, size_t *len)
{
  size_t pre = c->enc == U16_ODD ? 1 : 0;
  size_t w = c->enc == ANSI ? 1 : 2;
  uint8_t *b = calloc(1, c->len * w + pre + 1);
  ck_assert_ptr_nonnull(b);
  if (pre)
    b[0] = 'Z';
  for (size_t i = 0; i < c->len; i++)
    b[pre + i * w] = (uint8_t)c->text[i];
  *len = c->len * w + pre;
  return b;
}

START_TEST(metabase_cases)
{
  const struct mb_case *c = &mb_cases[_i];
  size_t len;
  uint8_t *b = mb_bytes(c, &len);
  struct rs_metabase_scan s;
  memset(&s, 0x77, sizeof s);
  rs_metabase_scan(b, len, &s);
  ck_assert_int_eq(s.ida, c->ida);
  ck_assert_int_eq(s.idq, c->idq);
  ck_assert_int_eq(s.idq_dll, c->dll);
  ck_assert_int_eq(s.vdir_c, c->vc);
  ck_assert_int_eq(s.vdir_d, c->vd);
  if (c->ida) {
    ck_assert_str_eq(s.ida_encoding, c->enc == ANSI ? "ansi" : "utf-16le");
    ck_assert_uint_lt(s.ida_offset, len);
    ck_assert(b[s.ida_offset] == '.');
  } else {
    ck_assert_str_eq(s.ida_encoding, "");
    ck_assert_str_eq(s.ida_entry, "");
  }
  if (c->ida_entry)
    ck_assert_str_eq(s.ida_entry, c->ida_entry);
  if (c->idq) {
    ck_assert(b[s.idq_offset] == '.');
    ck_assert(strncasecmp(s.idq_entry, ".idq,", 5) == 0);
  }
  free(b);
}
END_TEST

/* Hostile sizes: a 16 MiB file made of near-misses is scanned quickly, and a
 * 10,000-character entry is cut to the buffer. */
START_TEST(metabase_bounded)
{
  size_t len = 16u << 20;
  uint8_t *b = malloc(len);
  ck_assert_ptr_nonnull(b);
  static const char pat[] = "/ROOT/CG.idx,idq.dl/\0";
  for (size_t i = 0; i < len; i++)
    b[i] = (uint8_t)pat[i % (sizeof pat - 1)];
  struct rs_metabase_scan s;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  rs_metabase_scan(b, len, &s);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  ck_assert(!s.ida && !s.idq && !s.idq_dll && !s.vdir_c && !s.vdir_d);
  ck_assert_msg(secs < 5.0, "16 MiB scan took %.2f s", secs);

  memset(b, 'A', 20000);
  memcpy(b + 5000, ".ida,", 5);
  b[20000] = 0;
  rs_metabase_scan(b, 20001, &s);
  ck_assert(s.ida);
  ck_assert_uint_eq(s.ida_offset, 5000);
  ck_assert_uint_lt(strlen(s.ida_entry), sizeof s.ida_entry);
  ck_assert_ptr_nonnull(strstr(s.ida_entry, ".ida,"));
  /* The hit sits at the end of the buffer: never read past len. */
  rs_metabase_scan(b + 5000, 4, &s);
  ck_assert(!s.ida);
  rs_metabase_scan(b + 5000, 5, &s);
  ck_assert(s.ida);
  free(b);
}
END_TEST

/* ---- fixture scenarios (fixtures/out/<scenario>/answer.json) ------------ */

static const char *const scenarios[] = {
  "w2k-cr2-used", "w2k-cr2-infected", "nt4-cleaned", "w2k-mitigated",
  "w2k-patched",  "w2k-vulnerable-fat", "w2k-clean", "w2k-hostile-names",
};

struct fx_hive {
  unsigned char *buf;
  struct rs_hive *h;
};

static bool fx_open(const char *sc, const char *name, struct fx_hive *fh)
{
  char rel[256];
  size_t len = 0;
  snprintf(rel, sizeof rel, "fixtures/out/%s/hives/%s", sc, name);
  fh->h = NULL;
  fh->buf = rs_t_slurp(rs_t_src(rel), &len);
  if (!fh->buf)
    return false;
  struct rs_diag d = {0};
  ck_assert_msg(rs_hive_open_mem(fh->buf, len, name, 0, &fh->h, &d) == RS_OK, "%s/%s: %s", sc,
                name, d.what);
  return true;
}

static void fx_close(struct fx_hive *fh)
{
  rs_hive_close(fh->h);
  free(fh->buf);
}

/* "/C": null or the data string, for one control set. */
static void fx_check_sets(const char *sc, json_t *sets, const struct rs_sysinfo *si)
{
  ck_assert_int_eq(si->nsets, (int)json_object_size(sets));
  const char *csname;
  json_t *vr;
  json_object_foreach(sets, csname, vr) {
    int num = atoi(csname + strlen("ControlSet"));
    const struct rs_controlset *cs = find_set(si, num);
    ck_assert_msg(cs != NULL, "%s: %s not read", sc, csname);
    static const char *const names[4] = {"/C", "/D", "/Scripts", "/MSADC"};
    const struct rs_regval *got[4] = {&cs->vroot_c, &cs->vroot_d, &cs->vroot_scripts,
                                      &cs->vroot_msadc};
    for (int i = 0; i < 4; i++) {
      json_t *w = json_object_get(vr, names[i]);
      ck_assert_msg(w != NULL, "%s: answer lacks %s", sc, names[i]);
      if (json_is_null(w)) {
        ck_assert_msg(!got[i]->present, "%s %s %s: unexpected %s", sc, csname, names[i],
                      got[i]->data);
      } else {
        ck_assert_msg(got[i]->present, "%s %s %s missing", sc, csname, names[i]);
        ck_assert_str_eq(got[i]->data, json_string_value(w));
        ck_assert(got[i]->key_written.set);
        ck_assert_str_eq(got[i]->hive, "SYSTEM");
      }
    }
    /* Registry script maps are IIS 1-3 only; these fixtures keep them in
     * the metabase. */
    ck_assert(!cs->scriptmap_ida.present && !cs->scriptmap_idq.present);
    ck_assert(cs->w3svc_present);
  }
}

START_TEST(fixture_scenario)
{
  const char *sc = scenarios[_i];
  char rel[256];
  snprintf(rel, sizeof rel, "fixtures/out/%s/answer.json", sc);
  json_error_t jerr;
  json_t *ans = json_load_file(rs_t_src(rel), 0, &jerr);
  RS_T_SKIP_IF(!ans, "fixture answer.json absent (fixtures branch not merged)");
  json_t *reg = json_object_get(ans, "registry"), *os = json_object_get(ans, "os");
  ck_assert_ptr_nonnull(reg);
  ck_assert_ptr_nonnull(os);

  struct fx_hive sys, soft;
  ck_assert(fx_open(sc, "SYSTEM", &sys));
  ck_assert(fx_open(sc, "SOFTWARE", &soft));
  ck_assert_int_eq(rs_hive_kind(sys.h), RS_HIVE_SYSTEM);
  ck_assert_int_eq(rs_hive_kind(soft.h), RS_HIVE_SOFTWARE);
  ck_assert(!rs_hive_dirty(sys.h));

  struct rs_sysinfo si;
  struct rs_diag d = {0};
  rs_sysinfo_init(&si);
  ck_assert_int_eq(rs_registry_read_system(sys.h, &si, &d), RS_OK);
  ck_assert_int_eq(rs_registry_read_software(soft.h, &si, &d), RS_OK);
  ck_assert(si.have_system && si.have_software);

  /* Select and the sets */
  json_t *sel = json_object_get(reg, "select");
  ck_assert_int_eq(si.select_current, json_integer_value(json_object_get(sel, "Current")));
  ck_assert_int_eq(si.select_default, json_integer_value(json_object_get(sel, "Default")));
  ck_assert_int_eq(si.select_failed, json_integer_value(json_object_get(sel, "Failed")));
  ck_assert_int_eq(si.select_lkg, json_integer_value(json_object_get(sel, "LastKnownGood")));
  ck_assert_str_eq(si.current_control_set,
                   json_string_value(json_object_get(reg, "current_control_set")));
  fx_check_sets(sc, json_object_get(reg, "sets"), &si);
  for (int i = 0; i < si.nsets; i++) {
    ck_assert_int_eq(si.sets[i].is_current, si.sets[i].number == si.select_current);
    ck_assert_int_eq(si.sets[i].is_lkg, si.sets[i].number == si.select_lkg);
  }

  ck_assert_str_eq(si.computer_name.data,
                   json_string_value(json_object_get(reg, "computer_name")));
  ck_assert(si.tz.known);
  ck_assert_int_eq(si.tz.bias, json_integer_value(json_object_get(reg, "tz_bias")));
  ck_assert_str_eq(si.tz.standard_name, json_string_value(json_object_get(reg, "tz_name")));

  /* SFCDisable: "0xffffff9d" | "0x0" | null */
  json_t *sfc = json_object_get(reg, "sfcdisable");
  if (json_is_null(sfc)) {
    ck_assert(!si.sfcdisable.present);
  } else {
    ck_assert(si.sfcdisable.present);
    ck_assert_str_eq(si.sfcdisable.data, json_string_value(sfc));
  }

  /* Hotfixes: exactly the answer's ids are present. */
  json_t *hfs = json_object_get(reg, "hotfixes");
  int npresent = 0;
  for (int i = 0; i < si.nhotfixes; i++)
    if (si.hotfixes[i].present) {
      npresent++;
      bool listed = false;
      size_t k;
      json_t *id;
      json_array_foreach(hfs, k, id) listed |= strcmp(json_string_value(id), si.hotfixes[i].id) == 0;
      ck_assert_msg(listed, "%s: %s present but not in answer", sc, si.hotfixes[i].id);
      ck_assert_str_eq(si.hotfixes[i].installed, "1");
      ck_assert(si.hotfixes[i].last_written.set);
    }
  ck_assert_int_eq(npresent, (int)json_array_size(hfs));
  const struct rs_hotfix *q = find_hotfix(&si, "Q300972");
  ck_assert_ptr_nonnull(q);
  /* The W2K fixture writes the Updates key with a Filelist (3.3). */
  bool w2k = strcmp(json_string_value(json_object_get(os, "family")), "w2k") == 0;
  ck_assert_int_eq(q->filelist, w2k && q->present);

  /* OS identity */
  ck_assert_str_eq(si.current_version.data, json_string_value(json_object_get(os, "version")));
  ck_assert_int_eq(si.os_major, w2k ? 5 : 4);
  ck_assert_int_eq(si.os_minor, 0);
  ck_assert_str_eq(si.build.data, json_string_value(json_object_get(os, "build")));
  const char *spname = json_string_value(json_object_get(os, "service_pack"));
  ck_assert_str_eq(si.csd_version.data, spname);
  ck_assert_int_eq(si.service_pack, atoi(spname + strlen("Service Pack ")));
  ck_assert_int_eq(si.sp6a, json_is_true(json_object_get(os, "sp6a")));
  json_t *pn = json_object_get(os, "product_name");
  if (json_is_null(pn))
    ck_assert(!si.product_name.present);
  else
    ck_assert_str_eq(si.product_name.data, json_string_value(pn));
  ck_assert_uint_eq(si.iis_major.dword, w2k ? 5 : 4);

  /* MountedDevices vs. the disk layout */
  json_t *vols = json_object_get(ans, "volumes");
  uint32_t label = (uint32_t)strtoul(
      json_string_value(json_object_get(json_object_get(ans, "disk"), "label_id")), NULL, 16);
  size_t k;
  json_t *vol;
  int nmatched = 0;
  json_array_foreach(vols, k, vol) {
    const char *drive = json_string_value(json_object_get(vol, "drive"));
    if (!drive)
      continue;
    for (int i = 0; i < si.nmounts; i++)
      if (strcmp(si.mounts[i].letter, drive) == 0) {
        nmatched++;
        ck_assert(si.mounts[i].mbr);
        ck_assert_uint_eq(si.mounts[i].disk_signature, label);
        ck_assert_uint_eq(si.mounts[i].offset_bytes,
                          (uint64_t)json_integer_value(json_object_get(vol, "start_sector")) * 512u);
      }
  }
  ck_assert_int_eq(nmatched, si.nmounts);
  ck_assert_int_gt(nmatched, 0);

  /* Older copies of SYSTEM (hive_copies): read the same way. */
  json_t *copies = json_object_get(reg, "hive_copies");
  json_t *cp;
  json_array_foreach(copies, k, cp) {
    const char *path = json_string_value(json_object_get(cp, "path"));
    const char *base = strrchr(path, '/');
    struct fx_hive old;
    ck_assert(fx_open(sc, base ? base + 1 : path, &old));
    struct rs_sysinfo osi;
    rs_sysinfo_init(&osi);
    ck_assert_int_eq(rs_registry_read_system(old.h, &osi, &d), RS_OK);
    json_t *sets = json_object_get(cp, "sets");
    /* A copy may list only the sets that matter; check those. */
    const char *csname;
    json_t *vr;
    json_object_foreach(sets, csname, vr) {
      const struct rs_controlset *cs = find_set(&osi, atoi(csname + strlen("ControlSet")));
      ck_assert_ptr_nonnull(cs);
      json_t *c = json_object_get(vr, "/C");
      ck_assert_int_eq(cs->vroot_c.present, !json_is_null(c));
      if (!json_is_null(c))
        ck_assert_str_eq(cs->vroot_c.data, json_string_value(c));
      json_t *sc2 = json_object_get(vr, "/Scripts");
      if (json_is_string(sc2))
        ck_assert_str_eq(cs->vroot_scripts.data, json_string_value(sc2));
    }
    fx_close(&old);
  }

  /* MetaBase.bin heuristic vs. the answer's script maps and vdirs. */
  json_t *sm = json_object_get(reg, "script_maps");
  snprintf(rel, sizeof rel, "fixtures/out/%s/metabase/MetaBase.bin", sc);
  size_t mlen = 0;
  unsigned char *mb = rs_t_slurp(rs_t_src(rel), &mlen);
  ck_assert_ptr_nonnull(mb);
  struct rs_metabase_scan ms;
  rs_metabase_scan(mb, mlen, &ms);
  ck_assert_str_eq(json_string_value(json_object_get(sm, "source")), "metabase");
  ck_assert_int_eq(ms.ida, json_is_true(json_object_get(sm, "ida")));
  ck_assert_int_eq(ms.idq, json_is_true(json_object_get(sm, "idq")));
  if (ms.ida) {
    ck_assert_str_eq(ms.ida_encoding, "utf-16le");
    ck_assert(strncasecmp(ms.ida_entry, ".ida,", 5) == 0);
    ck_assert_ptr_nonnull(strcasestr(ms.ida_entry, "idq.dll"));
  }
  bool want_c = false, want_d = false;
  json_t *vd;
  json_array_foreach(json_object_get(reg, "metabase_vdirs"), k, vd) {
    const char *v = json_string_value(vd);
    size_t vl = strlen(v);
    want_c |= vl >= 7 && strcasecmp(v + vl - 7, "/ROOT/C") == 0;
    want_d |= vl >= 7 && strcasecmp(v + vl - 7, "/ROOT/D") == 0;
  }
  ck_assert_int_eq(ms.vdir_c, want_c);
  ck_assert_int_eq(ms.vdir_d, want_d);
  free(mb);

  /* regfexport agrees on every virtual root we report. */
  snprintf(rel, sizeof rel, "fixtures/out/%s/hives/SYSTEM", sc);
  char *rx = regfexport_text(rs_t_src(rel));
  if (!rx) {
    fprintf(stderr, "SKIP %s: regfexport cross-check (libregf-utils absent)\n", __func__);
  } else {
    char want[1100];
    for (int i = 0; i < si.nsets; i++) {
      const struct rs_regval *all[4] = {&si.sets[i].vroot_c, &si.sets[i].vroot_d,
                                        &si.sets[i].vroot_scripts, &si.sets[i].vroot_msadc};
      for (int j = 0; j < 4; j++) {
        if (!all[j]->present)
          continue;
        ck_assert(rx_value(rx, all[j]->key, all[j]->name, want, sizeof want));
        ck_assert_str_eq(want, all[j]->data);
      }
    }
    free(rx);
  }

  fx_close(&sys);
  fx_close(&soft);
  json_decref(ans);
}
END_TEST

/* The observer (rs_sysinfo.on_value) reports the values behind the facts:
 * each one present, with its hive, key and key time, equal to a fresh
 * lookup; the facts themselves are among them; and observing changes
 * nothing that is read. */
struct seen_vals {
  struct rs_regval *v;
  size_t n, cap;
};

static void seen_cb(void *arg, const struct rs_regval *v)
{
  struct seen_vals *s = arg;
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 32;
    s->v = realloc(s->v, s->cap * sizeof *s->v);
    ck_assert_ptr_nonnull(s->v);
  }
  s->v[s->n++] = *v;
}

static bool seen_has(const struct seen_vals *s, const char *hive, const char *key,
                     const char *name, const char *data)
{
  for (size_t i = 0; i < s->n; i++)
    if (strcmp(s->v[i].hive, hive) == 0 && strcasecmp(s->v[i].key, key) == 0 &&
        strcasecmp(s->v[i].name, name) == 0 && strcmp(s->v[i].data, data) == 0)
      return true;
  return false;
}

START_TEST(observer_reports_values)
{
  const char *sc = scenarios[_i];
  struct fx_hive sys, soft;
  if (!fx_open(sc, "SYSTEM", &sys)) {
    fprintf(stderr, "SKIP %s: fixtures/out/%s not generated\n", __func__, sc);
    return;
  }
  ck_assert(fx_open(sc, "SOFTWARE", &soft));
  struct rs_sysinfo plain, si;
  struct rs_diag d = {0};
  rs_sysinfo_init(&plain);
  ck_assert_int_eq(rs_registry_read_system(sys.h, &plain, &d), RS_OK);
  ck_assert_int_eq(rs_registry_read_software(soft.h, &plain, &d), RS_OK);
  struct seen_vals seen = {0};
  rs_sysinfo_init(&si);
  ck_assert_ptr_null(si.on_value);
  si.on_value = seen_cb;
  si.on_value_arg = &seen;
  ck_assert_int_eq(rs_registry_read_system(sys.h, &si, &d), RS_OK);
  ck_assert_int_eq(rs_registry_read_software(soft.h, &si, &d), RS_OK);

  /* the same facts with and without an observer */
  ck_assert_str_eq(si.computer_name.data, plain.computer_name.data);
  ck_assert_str_eq(si.current_control_set, plain.current_control_set);
  ck_assert_int_eq(si.nsets, plain.nsets);
  ck_assert_int_eq(si.nhotfixes, plain.nhotfixes);
  ck_assert_int_eq(si.nmounts, plain.nmounts);
  ck_assert_str_eq(si.sfcdisable.data, plain.sfcdisable.data);
  ck_assert_str_eq(si.csd_version.data, plain.csd_version.data);

  /* every reported value is real and complete */
  ck_assert_uint_gt(seen.n, 20);
  for (size_t i = 0; i < seen.n; i++) {
    const struct rs_regval *v = &seen.v[i];
    ck_assert(v->present && v->key_present);
    ck_assert_msg(v->key_written.set, "%s: %s\\%s has no key time", sc, v->key, v->name);
    ck_assert(v->key[0] != '\0');
    struct rs_hive *h = strcmp(v->hive, "SYSTEM") == 0 ? sys.h : soft.h;
    ck_assert_msg(strcmp(v->hive, "SYSTEM") == 0 || strcmp(v->hive, "SOFTWARE") == 0, "hive %s",
                  v->hive);
    struct rs_regval again;
    ck_assert_int_eq(rs_hive_get_value(h, v->key, v->name, &again, &d), RS_OK);
    ck_assert_msg(again.present, "%s: %s\\%s reported but not found again", sc, v->key, v->name);
    ck_assert_uint_eq(again.type, v->type);
    ck_assert_str_eq(again.data, v->data);
    ck_assert_int_eq(rs_time_cmp(&again.key_written, &v->key_written), 0);
  }

  /* the facts are among them */
  char key[256];
  snprintf(key, sizeof key, "%s\\Control\\ComputerName\\ComputerName", si.current_control_set);
  ck_assert(seen_has(&seen, "SYSTEM", key, "ComputerName", si.computer_name.data));
  char cur[16];
  snprintf(cur, sizeof cur, "0x%x", (unsigned)si.select_current);
  ck_assert(seen_has(&seen, "SYSTEM", "Select", "Current", cur));
  for (int i = 0; i < si.nsets; i++) {
    const struct rs_regval *all[] = {&si.sets[i].vroot_c, &si.sets[i].vroot_d,
                                     &si.sets[i].vroot_scripts, &si.sets[i].vroot_msadc,
                                     &si.sets[i].w3svc_start};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
      if (all[k]->present)
        ck_assert_msg(seen_has(&seen, "SYSTEM", all[k]->key, all[k]->name, all[k]->data),
                      "%s: %s\\%s not reported", sc, all[k]->key, all[k]->name);
  }
  if (si.sfcdisable.present)
    ck_assert(seen_has(&seen, "SOFTWARE", "Microsoft\\Windows NT\\CurrentVersion\\Winlogon",
                       "SFCDisable", si.sfcdisable.data));
  for (int i = 0; i < si.nhotfixes; i++) {
    if (!si.hotfixes[i].present)
      continue;
    ck_assert_str_eq(si.hotfixes[i].hive, "SOFTWARE");
    char inst[24]; /* the fact shows the DWORD in decimal, the value as 0x... */
    snprintf(inst, sizeof inst, "0x%lx", strtoul(si.hotfixes[i].installed, NULL, 10));
    ck_assert(seen_has(&seen, "SOFTWARE", si.hotfixes[i].key, "Installed", inst));
  }
  if (si.tz.known) {
    char bias[16];
    snprintf(bias, sizeof bias, "0x%x", (uint32_t)si.tz.bias);
    snprintf(key, sizeof key, "%s\\Control\\TimeZoneInformation", si.current_control_set);
    ck_assert(seen_has(&seen, "SYSTEM", key, "Bias", bias));
  }
  free(seen.v);
  fx_close(&sys);
  fx_close(&soft);
}
END_TEST

Suite *rs_suite_registry(void)
{
  Suite *s = suite_create("registry");
  TCase *tc = tcase_create("api");
  tcase_add_loop_test(tc, kind_name, 0, (int)(sizeof kind_names / sizeof kind_names[0]));
  tcase_add_test(tc, null_args);
  tcase_add_loop_test(tc, format_errors, 0, (int)(sizeof not_hives / sizeof not_hives[0]));
  tcase_add_test(tc, header_only);
  tcase_add_loop_test(tc, value_count_overrun, 0,
                      (int)(sizeof big_counts / sizeof big_counts[0]));
  tcase_add_loop_test(tc, truncated_guard_page, 0,
                      (int)(sizeof trunc_lens / sizeof trunc_lens[0]));
  suite_add_tcase(s, tc);

  tc = tcase_create("realdata");
  /* a real SYSTEM hive unpacked and read whole: seconds alone, minutes on a
   * loaded 2-core machine (it timed out at 60 s there) */
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, real_system);
  tcase_add_test(tc, corrupt_then_good);
  tcase_add_test(tc, ntuser_other);
  tcase_add_test(tc, bad_codepage);
  tcase_add_loop_test(tc, damaged, DMG_TRUNC_8K, DMG_TRUNC_HALF + 1);
  tcase_add_loop_test(tc, alloc_failure, 0,
                      (int)(sizeof alloc_margins / sizeof alloc_margins[0]));
  suite_add_tcase(s, tc);

  tc = tcase_create("hivex");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, hivex_system);
  tcase_add_test(tc, hivex_software);
  tcase_add_test(tc, hivex_types);
  tcase_add_test(tc, hivex_long_values);
  tcase_add_test(tc, hivex_many_sets);
  tcase_add_test(tc, damaged_deep_key);
  tcase_add_loop_test(tc, codepage_names, 0, (int)(sizeof cp_cases / sizeof cp_cases[0]));
  tcase_add_loop_test(tc, codepage_from_current_set, 0, (int)(sizeof acp_cases / sizeof acp_cases[0]));
  suite_add_tcase(s, tc);

  tc = tcase_create("fixtures");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, fixture_scenario, 0, (int)(sizeof scenarios / sizeof scenarios[0]));
  tcase_add_loop_test(tc, observer_reports_values, 0,
                      (int)(sizeof scenarios / sizeof scenarios[0]));
  suite_add_tcase(s, tc);

  tc = tcase_create("metabase");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, metabase_cases, 0, (int)(sizeof mb_cases / sizeof mb_cases[0]));
  tcase_add_test(tc, metabase_bounded);
  suite_add_tcase(s, tc);
  return s;
}
