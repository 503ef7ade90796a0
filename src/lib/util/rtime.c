#include "redsleuth/rtime.h"

#include <stdio.h>
#include <string.h>

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
 * calendar, no dependence on the process's TZ. */
int64_t rs_days_from_civil(int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = (int64_t)yoe + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

/* 11644473600 s between 1601-01-01 and 1970-01-01. */
#define RS_FT_EPOCH_DIFF 11644473600LL

struct rs_time rs_time_from_filetime(uint64_t ft)
{
  if (ft == 0)
    return RS_TIME_UNSET;
  struct rs_time t;
  t.sec = (int64_t)(ft / 10000000ULL) - RS_FT_EPOCH_DIFF;
  t.nsec = (uint32_t)(ft % 10000000ULL) * 100u;
  t.digits = 7;
  t.set = true;
  return t;
}

struct rs_time rs_time_from_unix(int64_t sec, uint32_t nsec, uint8_t digits)
{
  struct rs_time t = {sec, nsec % 1000000000u, digits, true};
  return t;
}

struct rs_time rs_time_from_civil(int year, int mon, int day, int hour, int min, int sec)
{
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || min < 0 ||
      min > 59 || sec < 0 || sec > 60)
    return RS_TIME_UNSET;
  int64_t days = rs_days_from_civil(year, (unsigned)mon, (unsigned)day);
  return rs_time_from_unix(days * 86400 + hour * 3600 + min * 60 + sec, 0, 0);
}

char *rs_time_iso(const struct rs_time *t, char out[RS_TIME_ISO_MAX])
{
  if (!t || !t->set) {
    out[0] = '\0';
    return out;
  }
  int64_t days = t->sec / 86400, rem = t->sec % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  int n = snprintf(out, RS_TIME_ISO_MAX, "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)y, m,
                   d, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
  unsigned digits = t->digits > 9 ? 9 : t->digits;
  if (digits && n > 0 && n < RS_TIME_ISO_MAX - 12) {
    char frac[16];
    snprintf(frac, sizeof frac, "%09u", t->nsec);
    frac[digits] = '\0';
    n += snprintf(out + n, (size_t)(RS_TIME_ISO_MAX - n), ".%s", frac);
  }
  if (n > 0 && n < RS_TIME_ISO_MAX - 1) {
    out[n] = 'Z';
    out[n + 1] = '\0';
  }
  return out;
}

int rs_time_cmp(const struct rs_time *a, const struct rs_time *b)
{
  if (a->set != b->set)
    return a->set ? 1 : -1;
  if (!a->set)
    return 0;
  if (a->sec != b->sec)
    return a->sec < b->sec ? -1 : 1;
  if (a->nsec != b->nsec)
    return a->nsec < b->nsec ? -1 : 1;
  return 0;
}
