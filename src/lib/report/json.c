/* JSON value helpers shared by the report builders. */
#include <string.h>

#include "report/report.h"

json_t *rs_json_str(const char *s)
{
  if (!s)
    return json_null();
  json_t *j = json_string(s);
  if (j)
    return j;
  /* Not valid UTF-8 (a raw byte, a lone UTF-16 surrogate of an NTFS name in
   * WTF-8): kept as it is, never dropped. The text, HTML and body writers
   * show each such byte as \xNN; the JSON writers make the string valid
   * with rs_escape_utf8 when they serialise (rs_writer_json). */
  j = json_stringn_nocheck(s, strlen(s));
  return j ? j : json_string("(unrepresentable)");
}

json_t *rs_json_time(const struct rs_time *t)
{
  char iso[RS_TIME_ISO_MAX];
  if (!t || !t->set)
    return json_null();
  return json_string(rs_time_iso(t, iso));
}

/* A local clock time whose zone is unknown: ISO 8601 with no zone suffix
 * ("2001-08-01T10:00:00"), so it can never be read as UTC; null if unset. */
json_t *rs_json_local_time(const struct rs_time *t)
{
  char iso[RS_TIME_ISO_MAX];
  if (!t || !t->set)
    return json_null();
  rs_time_iso(t, iso);
  size_t l = strlen(iso);
  if (l && iso[l - 1] == 'Z')
    iso[l - 1] = '\0';
  return json_string(iso);
}

void rs_jset(struct rs_jb *jb, json_t *o, const char *k, json_t *v)
{
  if (!v || json_object_set_new(o, k, v) != 0)
    jb->nomem = true;
}

void rs_japp(struct rs_jb *jb, json_t *a, json_t *v)
{
  if (!v || json_array_append_new(a, v) != 0)
    jb->nomem = true;
}
