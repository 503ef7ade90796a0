/* Windows time zone rules (TIME_ZONE_INFORMATION as stored under
 * SYSTEM\ControlSet00N\Control\TimeZoneInformation) and local -> UTC.
 *
 * Windows semantics: UTC = local + Bias + StandardBias in standard time,
 * UTC = local + Bias + DaylightBias in daylight time. DaylightStart is the
 * wall-clock instant in standard time at which DST begins; StandardStart is
 * the wall-clock instant in daylight time at which it ends. A SYSTEMTIME with
 * wYear == 0 is a recurring rule: wDay = occurrence 1..5 of weekday wDayOfWeek
 * (0 = Sunday) in wMonth, 5 meaning "the last one". No dependence on the
 * process's TZ or the C library's zone database. */
#include "redsleuth/tz.h"

#include <stdio.h>
#include <string.h>

#include "redsleuth/buf.h"

static int days_in_month(int64_t y, int m)
{
  static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return dm[(m - 1) % 12];
}

static void civil_of(int64_t sec, int64_t *y, int *mo, int *d, int *hms)
{
  int64_t days = sec / 86400, rem = sec % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  /* Howard Hinnant's civil_from_days (rtime.c keeps its copy static). */
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *mo = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int64_t)yoe + era * 400 + (*mo <= 2);
  *hms = (int)rem;
}

/* The transition instant of rule st in year y, as local wall-clock seconds
 * since the epoch; false when the rule is unusable (bad month/day) or an
 * absolute date (wYear != 0) for another year. */
static bool rule_instant(const struct rs_systemtime *st, int64_t y, int64_t *out)
{
  if (st->month < 1 || st->month > 12 || st->dow > 6)
    return false;
  int day;
  if (st->year != 0) {
    if ((int64_t)st->year != y || st->day < 1 || st->day > days_in_month(y, st->month))
      return false;
    day = st->day;
  } else {
    if (st->day < 1 || st->day > 5)
      return false;
    int64_t first = rs_days_from_civil(y, st->month, 1);
    /* 1970-01-01 was a Thursday (4). */
    int dow_first = (int)(((first % 7) + 7 + 4) % 7);
    day = 1 + (st->dow - dow_first + 7) % 7 + (st->day - 1) * 7;
    while (day > days_in_month(y, st->month))
      day -= 7; /* week 5 = the last such weekday */
  }
  int64_t secs = rs_days_from_civil(y, st->month, (unsigned)day) * 86400;
  secs += (int64_t)(st->hour % 24) * 3600 + (st->minute % 60) * 60 + (st->second % 60);
  *out = secs;
  return true;
}

static bool has_dst(const struct rs_tz *tz)
{
  return tz->daylight_start.month != 0 && tz->standard_start.month != 0;
}

struct rs_time rs_tz_local_to_utc(const struct rs_tz *tz, struct rs_time local,
                                  bool *converted)
{
  if (converted)
    *converted = false;
  if (!tz || !tz->known || !local.set)
    return local;
  int32_t bias = tz->bias + tz->standard_bias;
  if (has_dst(tz)) {
    int64_t y;
    int mo, d, hms;
    civil_of(local.sec, &y, &mo, &d, &hms);
    int64_t dst_on, dst_off;
    if (rule_instant(&tz->daylight_start, y, &dst_on) &&
        rule_instant(&tz->standard_start, y, &dst_off)) {
      bool in_dst;
      /* Ambiguous hour at the end of DST (wall clock repeats): taken as
       * daylight time, i.e. before the switch. Nonexistent hour at the start:
       * taken as daylight time. Both are documented in docs/logs.md. */
      if (dst_on < dst_off)
        in_dst = local.sec >= dst_on && local.sec < dst_off; /* northern */
      else
        in_dst = local.sec >= dst_on || local.sec < dst_off; /* southern */
      if (in_dst)
        bias = tz->bias + tz->daylight_bias;
    }
  }
  struct rs_time u = local;
  u.sec += (int64_t)bias * 60;
  if (converted)
    *converted = true;
  return u;
}

static uint16_t le16(const uint8_t *p)
{
  return (uint16_t)(p[0] | (p[1] << 8));
}

void rs_systemtime_from_bytes(const uint8_t b[16], struct rs_systemtime *st)
{
  st->year = le16(b);
  st->month = le16(b + 2);
  st->dow = le16(b + 4);
  st->day = le16(b + 6);
  st->hour = le16(b + 8);
  st->minute = le16(b + 10);
  st->second = le16(b + 12);
  st->ms = le16(b + 14);
}

static void fmt_offset(char *out, size_t n, int32_t bias)
{
  /* Offset from UTC is -bias. */
  int32_t off = -bias;
  char sign = off < 0 ? '-' : '+';
  if (off < 0)
    off = -off;
  rs_snprintf(out, n, "UTC%c%02d:%02d", sign, (int)(off / 60) % 100, (int)(off % 60));
}

static void fmt_rule(char *out, size_t n, const struct rs_systemtime *st)
{
  static const char *const dows[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *const mons[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  static const char *const nth[6] = {"?", "1st", "2nd", "3rd", "4th", "last"};
  const char *mon = st->month >= 1 && st->month <= 12 ? mons[st->month - 1] : "?";
  if (st->year != 0)
    rs_snprintf(out, n, "%04u-%s-%02u %02u:%02u", st->year, mon, st->day, st->hour % 100,
                st->minute % 100);
  else
    rs_snprintf(out, n, "%s %s %s %02u:%02u", st->day <= 5 ? nth[st->day] : "?",
                st->dow <= 6 ? dows[st->dow] : "?", mon, st->hour % 100, st->minute % 100);
}

void rs_tz_describe(const struct rs_tz *tz, char *out, size_t outsz)
{
  if (!out || outsz == 0)
    return;
  if (!tz || !tz->known) {
    rs_snprintf(out, outsz, "time zone unknown: local times not converted");
    return;
  }
  char std[16], dst[16], on[32], off[32];
  fmt_offset(std, sizeof std, tz->bias + tz->standard_bias);
  const char *name = tz->standard_name[0] ? tz->standard_name : "unnamed zone";
  if (!has_dst(tz)) {
    rs_snprintf(out, outsz, "%s (%s, no DST)", std, name);
    return;
  }
  fmt_offset(dst, sizeof dst, tz->bias + tz->daylight_bias);
  fmt_rule(on, sizeof on, &tz->daylight_start);
  fmt_rule(off, sizeof off, &tz->standard_start);
  rs_snprintf(out, outsz, "%s (%s, DST rule: %s from %s to %s)", std, name, dst, on, off);
}
