#include "summary.h"

#include <stdarg.h>
#include <string.h>

#include "redsleuth/redsleuth.h"

struct sum {
  FILE *fp;
  struct rs_buf line;
  int lines;
};

static void lit(struct sum *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lit(struct sum *s, const char *fmt, ...)
{
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  rs_buf_adds(&s->line, tmp);
}

/* a string from the report (evidence bytes): escaped; cut at max bytes */
static void str(struct sum *s, const char *v, size_t max)
{
  if (!v)
    v = "-";
  size_t n = strlen(v);
  rs_escape_text(&s->line, v, n > max ? max : n);
  if (n > max)
    rs_buf_adds(&s->line, "...");
}

/* Ends the line; returns false when the summary is full (nothing printed). */
static bool end(struct sum *s)
{
  bool ok = s->lines < RS_SUMMARY_MAX_LINES;
  if (ok) {
    fwrite(s->line.data ? s->line.data : "", 1, s->line.len, s->fp);
    fputc('\n', s->fp);
    s->lines++;
  }
  rs_buf_reset(&s->line);
  return ok;
}

static const char *jstr(const json_t *o, const char *k)
{
  return json_string_value(json_object_get(o, k));
}

static const json_t *finding_by_id(const json_t *rep, const char *id)
{
  size_t i;
  const json_t *f;
  json_array_foreach(json_object_get(rep, "findings"), i, f) {
    const char *fid = jstr(f, "id");
    if (fid && id && strcmp(fid, id) == 0)
      return f;
  }
  return NULL;
}

static bool is_reason(const json_t *rep, const char *id)
{
  size_t i;
  const json_t *r;
  json_array_foreach(json_object_get(json_object_get(rep, "verdict"), "reasons"), i, r)
    if (id && json_string_value(r) && strcmp(json_string_value(r), id) == 0)
      return true;
  return false;
}

/* A time as shown here: the report's UTC form cut to whole seconds. */
static void when(struct sum *s, const char *utc)
{
  char t[24];
  if (utc && strlen(utc) >= 19) {
    snprintf(t, sizeof t, "%.19sZ", utc);
    str(s, t, sizeof t);
  } else {
    str(s, utc ? utc : "(no time)", 24);
  }
}

/* story[] when the report has one ({utc, event, source, finding}); else the
 * timeline rows that belong to the verdict's reasons, in time order. */
/* True for the first timeline row of a reason (seen[] holds the reasons met,
 * at most 64: past that every row of a further reason counts once more). */
static bool first_of_reason(const json_t *rep, const json_t *e, const char *seen[64],
                            size_t *nseen)
{
  const char *f = jstr(e, "finding");
  if (!is_reason(rep, f))
    return false;
  for (size_t k = 0; k < *nseen; k++)
    if (strcmp(seen[k], f) == 0)
      return false;
  if (*nseen < 64)
    seen[(*nseen)++] = f;
  return true;
}

static void key_events(struct sum *s, const json_t *rep, int max)
{
  const json_t *story = json_object_get(rep, "story");
  int n = 0;
  size_t i;
  const json_t *e;
  if (json_array_size(story) > 0) {
    lit(s, "Key events:");
    end(s);
    json_array_foreach(story, i, e) {
      if (n++ == max)
        break;
      lit(s, "  ");
      when(s, jstr(e, "utc"));
      lit(s, "  ");
      str(s, jstr(e, "event"), 100);
      lit(s, " (");
      str(s, jstr(e, "source"), 120); /* room for a log path with its line number */
      lit(s, ")");
      end(s);
    }
    if (json_array_size(story) > (size_t)max) {
      lit(s, "  ... %zu more in report.txt", json_array_size(story) - (size_t)max);
      end(s);
    }
    return;
  }
  /* the first (earliest) timeline row of each reason */
  const char *seen[64];
  size_t nseen = 0, total = 0;
  json_array_foreach(json_object_get(rep, "timeline"), i, e) {
    if (!first_of_reason(rep, e, seen, &nseen))
      continue;
    total++;
  }
  if (!total)
    return;
  lit(s, "Key events (first timeline row of each reason):");
  end(s);
  nseen = 0;
  json_array_foreach(json_object_get(rep, "timeline"), i, e) {
    if (!first_of_reason(rep, e, seen, &nseen))
      continue;
    if (n++ == max)
      break;
    lit(s, "  ");
    when(s, jstr(e, "datetime"));
    lit(s, "  ");
    str(s, jstr(e, "message"), 160);
    lit(s, " (");
    str(s, jstr(e, "source"), 20);
    lit(s, ", ");
    str(s, jstr(e, "timestamp_desc"), 40);
    lit(s, ")");
    end(s);
  }
  if (total > (size_t)max) {
    lit(s, "  ... %zu more in report.txt (Timeline)", total - (size_t)max);
    end(s);
  }
}

int rs_cli_summary(FILE *fp, const json_t *rep, const char *out_dir, const struct rs_seal *seal)
{
  struct sum s = {.fp = fp, .lines = 0};
  rs_buf_init(&s.line, 1 << 16);
  const json_t *ev = json_object_get(rep, "evidence"), *v = json_object_get(rep, "verdict");
  size_t i;
  const json_t *x;
  /* what must be seen first: the warnings (a hash mismatch is one), three at most */
  size_t nw = json_array_size(json_object_get(rep, "warnings"));
  json_array_foreach(json_object_get(rep, "warnings"), i, x) {
    if (i == 3)
      break;
    lit(&s, "!!! ");
    str(&s, json_string_value(x), 300);
    end(&s);
  }
  if (nw > 3) {
    lit(&s, "!!! ... %zu more warnings in report.txt", nw - 3);
    end(&s);
  }
  lit(&s, "redsleuth scan: ");
  str(&s, json_string_value(json_array_get(json_object_get(ev, "segments"), 0)), 300);
  end(&s);
  const char *st = jstr(v, "status");
  char up[64];
  snprintf(up, sizeof up, "%s", st ? st : "none");
  for (char *p = up; *p; p++)
    if (*p >= 'a' && *p <= 'z')
      *p = (char)(*p - 'a' + 'A');
  lit(&s, "VERDICT: ");
  str(&s, up, sizeof up);
  end(&s);
  if (jstr(v, "summary")) {
    lit(&s, "  ");
    str(&s, jstr(v, "summary"), 400);
    end(&s);
  }
  const json_t *reasons = json_object_get(v, "reasons");
  if (json_array_size(reasons)) {
    lit(&s, "Why (%zu reason%s):", json_array_size(reasons),
        json_array_size(reasons) == 1 ? "" : "s");
    end(&s);
    json_array_foreach(reasons, i, x) {
      if (i == 8)
        break;
      const json_t *f = finding_by_id(rep, json_string_value(x));
      lit(&s, "  ");
      str(&s, json_string_value(x), 40);
      lit(&s, "  ");
      str(&s, jstr(f, "title"), 100);
      const char *where = jstr(f, "path") ? jstr(f, "path") : jstr(f, "key");
      if (where) {
        lit(&s, ": ");
        str(&s, where, 120);
      }
      end(&s);
    }
    if (json_array_size(reasons) > 8) {
      lit(&s, "  ... %zu more in report.txt", json_array_size(reasons) - 8);
      end(&s);
    }
  }
  key_events(&s, rep, 8);
  /* key counts */
  size_t nunr = json_array_size(json_object_get(rep, "unreadable"));
  lit(&s, "Counts: %zu finding(s), %zu unreadable part(s), %zu timeline row(s)",
      json_array_size(json_object_get(rep, "findings")), nunr,
      json_array_size(json_object_get(rep, "timeline")));
  end(&s);
  const json_t *hits = json_object_get(json_object_get(rep, "logs"), "hits");
  if (json_object_size(hits)) {
    lit(&s, "Worm requests in the logs:");
    const char *k;
    json_object_foreach((json_t *)hits, k, x) {
      if (json_integer_value(x) > 0) {
        lit(&s, " ");
        str(&s, k, 40);
        lit(&s, " %lld", (long long)json_integer_value(x));
      }
    }
    end(&s);
  }
  lit(&s, "Evidence: ");
  str(&s, jstr(ev, "format"), 40);
  lit(&s, ", verification ");
  str(&s, jstr(ev, "verification"), 40);
  const char *sha = jstr(json_object_get(ev, "hashes"), "sha256");
  if (sha) {
    lit(&s, ", SHA-256 ");
    str(&s, sha, 64);
  }
  end(&s);
  lit(&s, "Files in ");
  str(&s, out_dir, 400);
  lit(&s, ":");
  for (int k = 0; seal && k < seal->n; k++) {
    lit(&s, " ");
    str(&s, seal->names[k], 100);
  }
  lit(&s, " " RS_SEAL_MANIFEST);
  end(&s);
  if (seal && (seal->nothers || seal->nmore)) {
    lit(&s, "Not from this run (left in the folder, not in " RS_SEAL_MANIFEST "):");
    for (int k = 0; k < seal->nothers; k++) {
      lit(&s, " ");
      str(&s, seal->others[k], 100);
    }
    if (seal->nmore)
      lit(&s, " and %d more", seal->nmore);
    end(&s);
  }
  lit(&s, "Check: cd ");
  str(&s, out_dir, 400);
  lit(&s, " && sha256sum -c " RS_SEAL_MANIFEST);
  end(&s);
  rs_buf_free(&s.line);
  return s.lines;
}
