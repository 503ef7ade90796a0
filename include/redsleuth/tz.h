/* Windows time zone (SYSTEM\...\Control\TimeZoneInformation) and local ->
 * UTC conversion with the zone's daylight-saving rule. */
#ifndef REDSLEUTH_TZ_H
#define REDSLEUTH_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rtime.h"

/* SYSTEMTIME as stored in TimeZoneInformation (StandardStart/DaylightStart):
 * wYear 0 = recurring rule, wDay = week-of-month 1..5 (5 = last). */
struct rs_systemtime {
  uint16_t year, month, dow, day, hour, minute, second, ms;
};

struct rs_tz {
  bool known;
  int32_t bias;              /* minutes: UTC = local + bias */
  int32_t standard_bias;
  int32_t daylight_bias;
  struct rs_systemtime standard_start, daylight_start; /* month 0 = no DST */
  char standard_name[64];    /* UTF-8, "" if unknown */
  char daylight_name[64];
};

/* Converts a local civil time to UTC with tz (DST applied when the rule says
 * so). tz unknown: returns local unchanged and *converted = false. */
struct rs_time rs_tz_local_to_utc(const struct rs_tz *tz, struct rs_time local,
                                  bool *converted);
/* Parses the 44-byte TIME_ZONE_INFORMATION-like pieces: a SYSTEMTIME from 16 bytes. */
void rs_systemtime_from_bytes(const uint8_t b[16], struct rs_systemtime *st);
/* "UTC-05:00 (Eastern Standard Time, DST rule)" style description, for reports. */
void rs_tz_describe(const struct rs_tz *tz, char *out, size_t outsz);

#endif
