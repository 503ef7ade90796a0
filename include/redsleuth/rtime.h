/* Points in time as read from evidence, always UTC, with their precision.
 * NTFS and registry FILETIMEs have 100 ns; FAT 2 s; logs 1 s. */
#ifndef REDSLEUTH_RTIME_H
#define REDSLEUTH_RTIME_H

#include <stdbool.h>
#include <stdint.h>

struct rs_time {
  int64_t sec;     /* seconds since 1970-01-01T00:00:00Z */
  uint32_t nsec;   /* 0..999999999 */
  uint8_t digits;  /* fractional digits the source carries: 0, 3, 7 (100 ns), 9 */
  bool set;        /* false: no such time (the JSON field is null) */
};

#define RS_TIME_UNSET ((struct rs_time){0, 0, 0, false})
#define RS_TIME_ISO_MAX 40

/* FILETIME (100 ns ticks since 1601) -> rs_time with 7 digits. 0 -> unset. */
struct rs_time rs_time_from_filetime(uint64_t ft);
struct rs_time rs_time_from_unix(int64_t sec, uint32_t nsec, uint8_t digits);
/* Civil UTC date -> rs_time (no validation beyond ranges; returns unset if bad). */
struct rs_time rs_time_from_civil(int year, int mon, int day, int hour, int min,
                                  int sec);
/* "2001-07-19T13:45:01.1234567Z" with t.digits fractional digits;
 * "" when unset. out must hold RS_TIME_ISO_MAX bytes. Returns out. */
char *rs_time_iso(const struct rs_time *t, char out[RS_TIME_ISO_MAX]);
/* <0, 0, >0 like strcmp; unset sorts first. */
int rs_time_cmp(const struct rs_time *a, const struct rs_time *b);
/* Days since epoch for a civil date (proleptic Gregorian). */
int64_t rs_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
