/* idq.dll patch state: codered-artifacts.md section 5 as data.
 *
 * The engine below never switches on a row id: a row is a set of conditions
 * (platform, version range, language, size, file-date range, service pack,
 * hash) and an answer (state, why). The first row whose conditions all hold
 * decides. Row order therefore matters and is part of the data: specific
 * rows (exact builds, hashes) come before derived rules, language-specific
 * rows before language-agnostic ones.
 *
 * What the reference marks UNCONFIRMED is NOT in the table as a value: W2K
 * gold/SP1/SP2/SP3 shipped build numbers, XP/Whistler beta numbers, PE
 * TimeDateStamps of the builds and file hashes. The hash column exists so a
 * hash learned later is one more row; today every row's hash is empty.
 * docs/idq.md lists every row with its source tags. */
#include "redsleuth/idq.h"

#include <stdio.h>
#include <string.h>

#define REF "codered-artifacts 5"

#define V(a, b, c, d)                                                            \
  ((uint64_t)(a) << 48 | (uint64_t)(b) << 32 | (uint64_t)(c) << 16 | (uint64_t)(d))
#define VMAX V(0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF)

enum lang_req { L_ANY = 0, L_EN, L_JA };
enum sp_req { SP_ANY = 0, SP_UNKNOWN, SP_LT3, SP_GE3 };
enum date_req { D_ANY = 0, D_UNSET, D_SET };
enum iis_req { I_ANY = 0, I_LE3, I_GE4 }; /* the host's IIS known: 3 or older, 4 or newer */

struct ymd {
  int y, m, d; /* y == 0: open end */
};

struct idq_row {
  const char *id;      /* stable: appears in reports */
  int platform;        /* 4 = NT4, 5 = Windows 2000 */
  uint64_t vlo, vhi;   /* inclusive version range, V() packed */
  enum lang_req lang;
  uint64_t size;       /* 0: any size */
  enum date_req date;  /* D_SET rows use [from, to) on the file date (UTC days) */
  struct ymd from, to;
  enum sp_req sp;
  enum iis_req iis;    /* I_LE3: IIS 3 or older known; I_GE4: IIS 4 or newer known */
  const char *sha256;  /* hash column: empty in every row today (none in the reference) */
  enum rs_patch_state state;
  const char *src;     /* reference source tags of section 5 */
  /* Template: %V version, %D file date, %S size, %P service pack,
   * %T PE TimeDateStamp, %I the host's IIS major version. One sentence. */
  const char *why;
};

/* Dates: EN fix build 2001-05-25, JA fix build 2001-06-14 (section 5, rule 1).
 * The reference's dates may be local time; a file dated the day before a
 * boundary is therefore not decided either way (the NEAR rows). */
static const struct idq_row rs_idq_rows[] = {
  /* ---- NT4, Index Server 2.0 ---- */
  {.id = "IDQ-NT4-1782.4", .platform = 4, .vlo = V(5, 0, 1782, 4), .vhi = V(5, 0, 1782, 4),
   .state = RS_PATCH_FIXED, .src = "[KB300972] [KB301625] [KB319733] [MS033] [JPFAQ]",
   .why = "version %V is the re-released NT4 MS01-033 fix (KB300972), also shipped by "
          "MS01-044 and MS02-018 and by the Japanese patch from 2001-08-09"},
  {.id = "IDQ-NT4-1781.3-NODATE", .platform = 4, .vlo = V(5, 0, 1781, 3),
   .vhi = V(5, 0, 1781, 3), .date = D_UNSET, .state = RS_PATCH_UNKNOWN,
   .src = "[KB251170] [KB273877] [KB300972]",
   .why = "version %V exists both as the vulnerable MS00-006 build (2000-01-25) and as the "
          "original MS01-033 fix, and no file date is available to tell them apart "
          "(PE TimeDateStamp %T; build stamps are UNCONFIRMED)"},
  {.id = "IDQ-NT4-ALPHA-1781.3", .platform = 4, .vlo = V(5, 0, 1781, 3),
   .vhi = V(5, 0, 1781, 3), .size = 300304, .date = D_SET, .to = {2001, 5, 24},
   .state = RS_PATCH_VULNERABLE, .src = "[KB251170]",
   .why = "version %V with size 300,304 dated %D matches the NT4 Alpha MS00-006 build "
          "(2000-01-25, KB251170), which predates the MS01-033 fix"},
  {.id = "IDQ-NT4-1781.3-EN-FIXED", .platform = 4, .vlo = V(5, 0, 1781, 3),
   .vhi = V(5, 0, 1781, 3), .lang = L_EN, .date = D_SET, .from = {2001, 5, 25},
   .state = RS_PATCH_FIXED, .src = "[KB273877] [KB300972]",
   .why = "version %V dated %D is on or after 2001-05-25, the date of the original English "
          "NT4 MS01-033 fix build (KB300972), which kept the version number"},
  {.id = "IDQ-NT4-1781.3-EN-NEAR", .platform = 4, .vlo = V(5, 0, 1781, 3),
   .vhi = V(5, 0, 1781, 3), .lang = L_EN, .date = D_SET, .from = {2001, 5, 24},
   .to = {2001, 5, 25}, .state = RS_PATCH_UNKNOWN, .src = "[KB300972]",
   .why = "version %V dated %D is one day before the English MS01-033 fix build date "
          "2001-05-25, within time-zone uncertainty of the reference's date"},
  {.id = "IDQ-NT4-1781.3-EN-MS00-006", .platform = 4, .vlo = V(5, 0, 1781, 3),
   .vhi = V(5, 0, 1781, 3), .lang = L_EN, .date = D_SET, .to = {2001, 5, 24},
   .state = RS_PATCH_VULNERABLE, .src = "[KB251170] [KB252463] [KB300972]",
   .why = "version %V dated %D predates the English MS01-033 fix build (2001-05-25), so it "
          "is the vulnerable MS00-006 build line (2000-01-25, KB251170)"},
  {.id = "IDQ-NT4-1781.3-JA-FIXED", .platform = 4, .vlo = V(5, 0, 1781, 3),
   .vhi = V(5, 0, 1781, 3), .lang = L_JA, .date = D_SET, .from = {2001, 6, 14},
   .state = RS_PATCH_FIXED, .src = "[MS033] [JPFAQ]",
   .why = "version %V dated %D is on or after 2001-06-14, the date of the Japanese NT4 "
          "MS01-033 fix build released before 2001-08-08 (MS01-033, Japanese FAQ)"},
  {.id = "IDQ-NT4-1781.3-JA-NEAR", .platform = 4, .vlo = V(5, 0, 1781, 3),
   .vhi = V(5, 0, 1781, 3), .lang = L_JA, .date = D_SET, .from = {2001, 6, 13},
   .to = {2001, 6, 14}, .state = RS_PATCH_UNKNOWN, .src = "[MS033] [JPFAQ]",
   .why = "version %V dated %D is one day before the Japanese MS01-033 fix build date "
          "2001-06-14, within time-zone uncertainty of the reference's date"},
  {.id = "IDQ-NT4-1781.3-JA-PREFIX", .platform = 4, .vlo = V(5, 0, 1781, 3),
   .vhi = V(5, 0, 1781, 3), .lang = L_JA, .date = D_SET, .to = {2001, 6, 13},
   .state = RS_PATCH_VULNERABLE, .src = "[MS033] [JPFAQ] [KB251170]",
   .why = "Japanese version %V dated %D predates the Japanese MS01-033 fix build "
          "(2001-06-14), so it is a pre-fix build"},
  /* Language unknown or neither EN nor JA: decide only where both known fix dates agree. */
  {.id = "IDQ-NT4-1781.3-ANYLANG-FIXED", .platform = 4, .vlo = V(5, 0, 1781, 3),
   .vhi = V(5, 0, 1781, 3), .date = D_SET, .from = {2001, 6, 14},
   .state = RS_PATCH_FIXED, .src = "[KB300972] [MS033] [JPFAQ]",
   .why = "version %V dated %D is on or after both the English (2001-05-25) and Japanese "
          "(2001-06-14) MS01-033 fix build dates; language not known (derived from rule 1)"},
  {.id = "IDQ-NT4-1781.3-ANYLANG-PREFIX", .platform = 4, .vlo = V(5, 0, 1781, 3),
   .vhi = V(5, 0, 1781, 3), .date = D_SET, .to = {2001, 5, 24},
   .state = RS_PATCH_VULNERABLE, .src = "[KB251170] [KB300972] [MS033]",
   .why = "version %V dated %D predates both the English (2001-05-25) and Japanese "
          "(2001-06-14) MS01-033 fix builds; language not known (derived from rule 1)"},
  {.id = "IDQ-NT4-1781.3-LANG?", .platform = 4, .vlo = V(5, 0, 1781, 3),
   .vhi = V(5, 0, 1781, 3), .date = D_SET, .state = RS_PATCH_UNKNOWN,
   .src = "[KB300972] [MS033] [JPFAQ]",
   .why = "version %V dated %D lies between the English (2001-05-25) and Japanese "
          "(2001-06-14) fix build dates and the language of the installation is not known"},
  /* the same versions, worded for the host's IIS: only an IIS 3 host runs
   * Index Server 1.1 (DoS only); IIS 4 ships Index Server 2.0 (issue 13) */
  {.id = "IDQ-NT4-<1781.3-IIS3", .platform = 4, .vlo = 0, .vhi = V(5, 0, 1781, 2),
   .iis = I_LE3, .state = RS_PATCH_VULNERABLE, .src = "[KB251170] [MS033]",
   .why = "version %V is lower than 5.0.1781.3, the oldest NT4 build in the reference; "
          "rule 1 treats lower versions as vulnerable (this host runs IIS %I: Index Server "
          "1.1 of IIS 3, DoS only)"},
  {.id = "IDQ-NT4-<1781.3-IIS4", .platform = 4, .vlo = 0, .vhi = V(5, 0, 1781, 2),
   .iis = I_GE4, .state = RS_PATCH_VULNERABLE, .src = "[KB251170] [MS033]",
   .why = "version %V is lower than 5.0.1781.3, the oldest NT4 Index Server 2.0 build in the "
          "reference; rule 1 treats lower versions as vulnerable (this host runs IIS %I, "
          "whose Index Server 2.0 has the .ida/.idq overflow)"},
  {.id = "IDQ-NT4-<1781.3", .platform = 4, .vlo = 0, .vhi = V(5, 0, 1781, 2),
   .state = RS_PATCH_VULNERABLE, .src = "[KB251170] [MS033]",
   .why = "version %V is lower than 5.0.1781.3, the oldest NT4 build in the reference; "
          "rule 1 treats lower versions as vulnerable (the host's IIS version is not known: "
          "Index Server 1.1 of IIS 3 is DoS only, Index Server 2.0 of IIS 4 is exploitable)"},
  {.id = "IDQ-NT4-UNLISTED", .platform = 4, .vlo = V(5, 0, 1781, 4), .vhi = VMAX,
   .state = RS_PATCH_UNKNOWN, .src = "[KB300972]",
   .why = "NT4 version %V is higher than 5.0.1781.3 but is not a build the reference lists "
          "(only 5.0.1782.4 is known fixed)"},
  /* ---- Windows 2000, Indexing Service 5.0.2195.N ---- */
  {.id = "IDQ-W2K-3645", .platform = 5, .vlo = V(5, 0, 2195, 3645),
   .vhi = V(5, 0, 2195, 3645), .state = RS_PATCH_FIXED, .src = "[KB300972] [MS033]",
   .why = "version %V is the Windows 2000 MS01-033 hotfix build (KB300972, 2001-05-24)"},
  {.id = "IDQ-W2K-3649", .platform = 5, .vlo = V(5, 0, 2195, 3649),
   .vhi = V(5, 0, 2195, 3649), .state = RS_PATCH_FIXED, .src = "[KB301625]",
   .why = "version %V is the Windows 2000 MS01-044 build (KB301625, 2001-08-06), which "
          "includes the MS01-033 fix"},
  {.id = "IDQ-W2K-4966", .platform = 5, .vlo = V(5, 0, 2195, 4966),
   .vhi = V(5, 0, 2195, 4966), .state = RS_PATCH_FIXED, .src = "[KB319733]",
   .why = "version %V is the Windows 2000 MS02-018 build (KB319733, 2002-04-03), which "
          "includes the MS01-033 fix"},
  {.id = "IDQ-W2K-5617", .platform = 5, .vlo = V(5, 0, 2195, 5617),
   .vhi = V(5, 0, 2195, 5617), .state = RS_PATCH_FIXED, .src = "[KB321073]",
   .why = "version %V is the Windows 2000 post-SP2 Index hotfix Q321073 build (KB321073, "
          "2002-04-21), which post-dates the MS01-033 fix"},
  {.id = "IDQ-W2K-QFE>=3645", .platform = 5, .vlo = V(5, 0, 2195, 3645),
   .vhi = V(5, 0, 2195, 0xFFFF), .state = RS_PATCH_FIXED, .src = "[KB300972] [MS033]",
   .why = "version %V is build 2195 revision 3645 or later, numbered after the May 2001 "
          "MS01-033 fix 5.0.2195.3645 (rule 2)"},
  {.id = "IDQ-W2K-<3645-SP>=3", .platform = 5, .vlo = V(5, 0, 2195, 0),
   .vhi = V(5, 0, 2195, 3644), .sp = SP_GE3, .state = RS_PATCH_UNKNOWN,
   .src = "[MS033] [KB300972]",
   .why = "version %V is older than the fix 5.0.2195.3645 but Service Pack %P is installed, "
          "which includes the fix; SP3's idq.dll number is UNCONFIRMED (rule 2 heuristic)"},
  {.id = "IDQ-W2K-<3645-SP<3", .platform = 5, .vlo = V(5, 0, 2195, 0),
   .vhi = V(5, 0, 2195, 3644), .sp = SP_LT3, .state = RS_PATCH_VULNERABLE,
   .src = "[MS033] [KB300972]",
   .why = "version %V is older than the fix 5.0.2195.3645 and Service Pack %P predates SP3, "
          "so this is a gold/SP1/SP2 build (rule 2)"},
  {.id = "IDQ-W2K-<3645-SP?", .platform = 5, .vlo = V(5, 0, 2195, 0),
   .vhi = V(5, 0, 2195, 3644), .sp = SP_UNKNOWN, .state = RS_PATCH_VULNERABLE,
   .src = "[MS033] [KB300972]",
   .why = "version %V is older than the fix 5.0.2195.3645; the service pack is not known, "
          "so rule 2 is applied as vulnerable (with SP3 or later it would be unknown)"},
};

#define N_ROWS (sizeof rs_idq_rows / sizeof rs_idq_rows[0])

const char *rs_patch_state_name(enum rs_patch_state s)
{
  switch (s) {
  case RS_PATCH_VULNERABLE:
    return "vulnerable";
  case RS_PATCH_FIXED:
    return "fixed";
  default:
    return "unknown";
  }
}

size_t rs_idq_row_count(void) { return N_ROWS; }

const char *rs_idq_row_id(size_t i, enum rs_patch_state *state, const char **src)
{
  if (i >= N_ROWS) {
    if (state)
      *state = RS_PATCH_UNKNOWN;
    if (src)
      *src = NULL;
    return NULL;
  }
  if (state)
    *state = rs_idq_rows[i].state;
  if (src)
    *src = rs_idq_rows[i].src;
  return rs_idq_rows[i].id;
}

static int64_t floor_days(int64_t sec)
{
  return sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
}

static bool row_matches(const struct idq_row *r, int platform, uint64_t ver,
                        const struct rs_idq_input *in)
{
  if (r->platform != platform || ver < r->vlo || ver > r->vhi)
    return false;
  bool en = in->language && !strcmp(in->language, "en");
  bool ja = in->language && !strcmp(in->language, "ja");
  if ((r->lang == L_EN && !en) || (r->lang == L_JA && !ja))
    return false;
  if (r->size && in->size != r->size)
    return false;
  if (r->date == D_UNSET && in->file_date.set)
    return false;
  if (r->date == D_SET) {
    if (!in->file_date.set)
      return false;
    int64_t day = floor_days(in->file_date.sec);
    if (r->from.y && day < rs_days_from_civil(r->from.y, (unsigned)r->from.m,
                                              (unsigned)r->from.d))
      return false;
    if (r->to.y &&
        day >= rs_days_from_civil(r->to.y, (unsigned)r->to.m, (unsigned)r->to.d))
      return false;
  }
  if (r->sha256 && r->sha256[0] && !(in->sha256 && !strcmp(in->sha256, r->sha256)))
    return false;
  if ((r->iis == I_LE3 && !(in->iis_major > 0 && in->iis_major <= 3)) ||
      (r->iis == I_GE4 && !(in->iis_major >= 4)))
    return false;
  switch (r->sp) {
  case SP_UNKNOWN:
    return in->service_pack < 0;
  case SP_LT3:
    return in->service_pack >= 0 && in->service_pack < 3;
  case SP_GE3:
    return in->service_pack >= 3;
  default:
    break;
  }
  return true;
}

/* Expands a why template into out (always terminated, cut if too long). */
static void expand_why(char *out, size_t cap, const char *tpl,
                       const struct rs_idq_input *in)
{
  size_t n = 0;
  out[0] = '\0';
  for (const char *p = tpl; *p && n + 1 < cap; p++) {
    char tmp[64];
    const char *ins = NULL;
    if (*p == '%' && p[1]) {
      p++;
      switch (*p) {
      case 'V':
        snprintf(tmp, sizeof tmp, "%u.%u.%u.%u", in->version[0], in->version[1],
                 in->version[2], in->version[3]);
        break;
      case 'D':
        if (in->file_date.set) {
          char iso[RS_TIME_ISO_MAX];
          struct rs_time t = in->file_date;
          t.digits = 0;
          rs_time_iso(&t, iso);
          snprintf(tmp, sizeof tmp, "%s", iso);
        } else {
          snprintf(tmp, sizeof tmp, "(no date)");
        }
        break;
      case 'I':
        if (in->iis_major > 0)
          snprintf(tmp, sizeof tmp, "%d", in->iis_major);
        else
          snprintf(tmp, sizeof tmp, "version not known");
        break;
      case 'S':
        snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)in->size);
        break;
      case 'P':
        snprintf(tmp, sizeof tmp, "%d", in->service_pack);
        break;
      case 'T':
        if (in->pe_timestamp) {
          char iso[RS_TIME_ISO_MAX];
          struct rs_time t = rs_time_from_unix(in->pe_timestamp, 0, 0);
          rs_time_iso(&t, iso);
          snprintf(tmp, sizeof tmp, "%s", iso);
        } else {
          snprintf(tmp, sizeof tmp, "unknown");
        }
        break;
      default:
        snprintf(tmp, sizeof tmp, "%%%c", *p);
        break;
      }
      ins = tmp;
    }
    if (ins) {
      size_t k = strlen(ins);
      if (k > cap - 1 - n)
        k = cap - 1 - n;
      memcpy(out + n, ins, k);
      n += k;
    } else {
      out[n++] = *p;
    }
    out[n] = '\0';
  }
}

/* The build line says which product the file belongs to: Index Server 2.0
 * for NT4 (builds 1781/1782), Indexing Service for Windows 2000 (2195). */
static int platform_of_version(const uint16_t v[4])
{
  if (v[0] == 5 && v[1] == 0 && (v[2] == 1781 || v[2] == 1782))
    return 4;
  if (v[0] == 5 && v[1] == 0 && v[2] == 2195)
    return 5;
  return 0;
}

static void answer(struct rs_idq_result *out, enum rs_patch_state s, const char *rule,
                   const char *why, const struct rs_idq_input *in)
{
  out->state = s;
  out->rule = rule;
  out->ref = REF;
  if (in)
    expand_why(out->why, sizeof out->why, why, in);
  else
    snprintf(out->why, sizeof out->why, "%s", why);
}

void rs_idq_classify(const struct rs_idq_input *in, struct rs_idq_result *out)
{
  if (!out)
    return;
  if (!in) {
    answer(out, RS_PATCH_UNKNOWN, "IDQ-NOINPUT", "no idq.dll facts were given", NULL);
    return;
  }
  if (!in->has_version) {
    answer(out, RS_PATCH_UNKNOWN, "IDQ-NOVERSION",
           "idq.dll has no readable version resource, so its build cannot be matched "
           "against the reference table",
           in);
    return;
  }
  uint64_t ver = V(in->version[0], in->version[1], in->version[2], in->version[3]);
  /* Hash rows first: a known hash is the strongest identification. */
  if (in->sha256 && in->sha256[0])
    for (size_t i = 0; i < N_ROWS; i++) {
      const struct idq_row *r = &rs_idq_rows[i];
      if (r->sha256 && r->sha256[0] && !strcmp(r->sha256, in->sha256)) {
        answer(out, r->state, r->id, r->why, in);
        return;
      }
    }
  int inferred = platform_of_version(in->version);
  if (in->os_major != 0 && in->os_major != 4 && in->os_major != 5) {
    answer(out, RS_PATCH_UNKNOWN, "IDQ-OS-UNSUPPORTED",
           "idq.dll version %V is on an operating system the reference's idq.dll table "
           "does not cover (only NT4 and Windows 2000)",
           in);
    return;
  }
  if (in->os_major != 0 && inferred != 0 && in->os_major != inferred) {
    answer(out, RS_PATCH_UNKNOWN, "IDQ-OS-CONFLICT",
           inferred == 4 ? "version %V is an NT4 Index Server build but the system is "
                           "Windows 2000; the file may not be the one IIS loads"
                         : "version %V is a Windows 2000 build but the system is NT4; "
                           "the file may not be the one IIS loads",
           in);
    return;
  }
  int platform = in->os_major ? in->os_major : inferred;
  if (platform == 0) {
    answer(out, RS_PATCH_UNKNOWN, "IDQ-OS-UNKNOWN",
           "the operating system is not known and version %V is not an NT4 (5.0.1781/1782) "
           "or Windows 2000 (5.0.2195) build",
           in);
    return;
  }
  for (size_t i = 0; i < N_ROWS; i++) {
    if (row_matches(&rs_idq_rows[i], platform, ver, in)) {
      answer(out, rs_idq_rows[i].state, rs_idq_rows[i].id, rs_idq_rows[i].why, in);
      return;
    }
  }
  answer(out, RS_PATCH_UNKNOWN, "IDQ-UNLISTED",
         platform == 4 ? "NT4 idq.dll version %V is not covered by the reference's table"
                       : "Windows 2000 idq.dll version %V is not a 5.0.2195 build the "
                         "reference's table covers (betas, XP/Whistler: UNCONFIRMED)",
         in);
}
