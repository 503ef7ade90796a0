/* YARA rules: compiling the bundled and the user's rule files, and what the
 * rules know about themselves (meta, tags, pre-filter anchors). Scanning is
 * in yarascan.c; the shared structures in yara_int.h. */
#include "sources/yara_int.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "redsleuth/buf.h"

#ifndef RS_DATADIR
#define RS_DATADIR "/usr/local/share/redsleuth"
#endif

/* ------------------------------------------------------------ libyara init */

/* yr_initialize/yr_finalize count calls but are not thread-safe: one lock
 * and one count for the whole process. */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned init_count;

static int yara_acquire(void)
{
  pthread_mutex_lock(&init_lock);
  int rc = ERROR_SUCCESS;
  if (init_count == 0)
    rc = yr_initialize();
  if (rc == ERROR_SUCCESS)
    init_count++;
  pthread_mutex_unlock(&init_lock);
  return rc;
}

static void yara_release(void)
{
  pthread_mutex_lock(&init_lock);
  if (init_count > 0 && --init_count == 0)
    yr_finalize();
  pthread_mutex_unlock(&init_lock);
}

const char *rs_yara_error(int code)
{
  switch (code) {
  case ERROR_INSUFFICIENT_MEMORY: return "out of memory";
  case ERROR_COULD_NOT_OPEN_FILE: return "cannot open the file";
  case ERROR_COULD_NOT_READ_FILE: return "cannot read the file";
  case ERROR_INVALID_FILE: return "not a compiled YARA rules file";
  case ERROR_CORRUPT_FILE: return "compiled rules are damaged";
  case ERROR_UNSUPPORTED_FILE_VERSION:
    return "compiled by another YARA version (recompile it with this libyara " YR_VERSION ")";
  case ERROR_SCAN_TIMEOUT: return "scan timed out";
  case ERROR_TOO_MANY_SCAN_THREADS: return "more than 32 scans at once";
  case ERROR_TOO_MANY_MATCHES: return "too many matches";
  case ERROR_EXEC_STACK_OVERFLOW: return "condition evaluation overflowed its stack";
  case ERROR_CALLBACK_ERROR: return "callback failed";
  default: return "libyara error";
  }
}

/* ------------------------------------------------------------ folder */

static bool is_dir(const char *p)
{
  struct stat st;
  return p && *p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

enum rs_err rs_rules_bundled_dir(char *out, size_t size, struct rs_diag *d)
{
  if (!out || size == 0)
    return rs_diag_set(d, RS_E_USAGE, "rules", "rs_rules_bundled_dir: no output buffer");
  out[0] = '\0';
  const char *env = getenv(RS_RULES_ENV);
  if (env && *env) {
    if (!is_dir(env))
      return rs_diag_set(d, RS_E_USAGE, env, "%s names no folder", RS_RULES_ENV);
    return rs_strlcpy(out, env, size) == 0
               ? RS_OK
               : rs_diag_set(d, RS_E_LIMIT, env, "folder name too long");
  }
  const char *cand[] = {RS_DATADIR "/rules",
#ifdef RS_SRC_RULES
                        RS_SRC_RULES,
#endif
  };
  for (size_t i = 0; i < sizeof cand / sizeof cand[0]; i++)
    if (is_dir(cand[i]))
      return rs_strlcpy(out, cand[i], size) == 0
                 ? RS_OK
                 : rs_diag_set(d, RS_E_LIMIT, cand[i], "folder name too long");
  return rs_diag_set(d, RS_E_OPEN, RS_DATADIR "/rules",
                     "no bundled rules folder (install redsleuth, or set %s)", RS_RULES_ENV);
}

static int name_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.yar in dir, sorted, as malloc'd full paths. */
static enum rs_err list_yar(const char *dir, char ***out, size_t *n, struct rs_diag *d)
{
  *out = NULL;
  *n = 0;
  DIR *dh = opendir(dir);
  if (!dh)
    return rs_diag_set(d, RS_E_OPEN, dir, "cannot list the rules folder: %s", strerror(errno));
  char **v = NULL;
  size_t cnt = 0, cap = 0;
  enum rs_err e = RS_OK;
  struct dirent *de;
  while ((de = readdir(dh)) != NULL) {
    size_t l = strlen(de->d_name);
    if (l < 5 || strcmp(de->d_name + l - 4, ".yar") != 0 || de->d_name[0] == '.')
      continue;
    if (cnt == cap) {
      cap = cap ? cap * 2 : 8;
      char **nv = cap <= 4096 ? realloc(v, cap * sizeof *v) : NULL;
      if (!nv) {
        e = cap > 4096 ? rs_diag_set(d, RS_E_LIMIT, dir, "too many rule files")
                       : rs_diag_set(d, RS_E_NOMEM, dir, "out of memory");
        break;
      }
      v = nv;
    }
    struct rs_buf b;
    rs_buf_init(&b, 8192);
    enum rs_err be = rs_buf_addf(&b, "%s/%s", dir, de->d_name);
    if (be != RS_OK) {
      rs_buf_free(&b);
      e = be == RS_E_NOMEM ? rs_diag_set(d, RS_E_NOMEM, dir, "out of memory")
                           : rs_diag_set(d, RS_E_LIMIT, dir, "rule file name too long");
      break;
    }
    v[cnt++] = rs_buf_steal(&b);
  }
  closedir(dh);
  if (e != RS_OK) {
    for (size_t i = 0; i < cnt; i++)
      free(v[i]);
    free(v);
    return e;
  }
  if (cnt)
    qsort(v, cnt, sizeof *v, name_cmp);
  *out = v;
  *n = cnt;
  return RS_OK;
}

/* ------------------------------------------------------------ compiling */

struct compile_note {
  char first_error[1024];
  bool have_error;
  size_t warnings;
  char first_warning[1024];
};

static void compiler_cb(int level, const char *file, int line, const YR_RULE *rule,
                        const char *msg, void *arg)
{
  (void)rule;
  struct compile_note *n = arg;
  if (level == YARA_ERROR_LEVEL_ERROR) {
    if (!n->have_error) {
      snprintf(n->first_error, sizeof n->first_error, "line %d: %s", line, msg ? msg : "error");
      n->have_error = true;
    }
  } else {
    if (n->warnings++ == 0)
      snprintf(n->first_warning, sizeof n->first_warning, "%s:%d: %s", file ? file : "?", line,
               msg ? msg : "warning");
  }
}

static const char *base_name(const char *p)
{
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

/* The namespace of file number k: its base name, "#2".. for repeats. */
static enum rs_err namespace_for(struct rs_rules *r, const char *path, char **out,
                                 struct rs_diag *d)
{
  const char *b = base_name(path);
  struct rs_buf nb;
  rs_buf_init(&nb, 4096);
  for (unsigned k = 1;; k++) {
    rs_buf_reset(&nb);
    enum rs_err be = k == 1 ? rs_buf_adds(&nb, b) : rs_buf_addf(&nb, "%s#%u", b, k);
    if (be != RS_OK) {
      rs_buf_free(&nb);
      return be == RS_E_NOMEM ? rs_diag_set(d, RS_E_NOMEM, path, "out of memory")
                              : rs_diag_set(d, RS_E_LIMIT, path, "rule file name too long");
    }
    bool taken = false;
    for (size_t i = 0; i < r->nfiles && !taken; i++)
      taken = r->files[i].ns && strcmp(r->files[i].ns, nb.data) == 0;
    if (!taken)
      break;
  }
  *out = rs_buf_steal(&nb);
  return *out ? RS_OK : rs_diag_set(d, RS_E_NOMEM, path, "cannot allocate a namespace");
}

static enum rs_err add_file_entry(struct rs_rules *r, const char *path, bool bundled,
                                  struct rs_diag *d)
{
  struct rs_rule_file *nf = realloc(r->files, (r->nfiles + 1) * sizeof *nf);
  if (!nf)
    return rs_diag_set(d, RS_E_NOMEM, path, "cannot allocate the file list");
  r->files = nf;
  struct rs_rule_file *f = &r->files[r->nfiles];
  memset(f, 0, sizeof *f);
  f->path = strdup(path);
  if (!f->path)
    return rs_diag_set(d, RS_E_NOMEM, path, "cannot allocate the file list");
  enum rs_err e = namespace_for(r, path, &f->ns, d);
  if (e != RS_OK) {
    free(f->path);
    return e;
  }
  f->bundled = bundled;
  r->nfiles++;
  return RS_OK;
}

/* Opens a rule file for reading: a regular file, or RS_E_USAGE. *compiled
 * tells whether it starts with the compiled rules' magic. */
static enum rs_err open_rule_file(const char *path, FILE **fp, bool *compiled, struct rs_diag *d)
{
  *fp = fopen(path, "rb");
  if (!*fp)
    return rs_diag_set(d, RS_E_USAGE, path, "cannot open the rule file: %s", strerror(errno));
  struct stat st;
  if (fstat(fileno(*fp), &st) != 0 || !S_ISREG(st.st_mode)) {
    fclose(*fp);
    *fp = NULL;
    return rs_diag_set(d, RS_E_USAGE, path, "not a regular file");
  }
  char magic[4] = {0};
  size_t got = fread(magic, 1, 4, *fp);
  *compiled = got == 4 && memcmp(magic, "YARA", 4) == 0;
  rewind(*fp);
  return RS_OK;
}

static enum rs_err add_set(struct rs_rules *r, YR_RULES *yr, bool bundled, struct rs_diag *d)
{
  struct rs_rule_set *ns = realloc(r->sets, (r->nsets + 1) * sizeof *ns);
  if (!ns) {
    yr_rules_destroy(yr);
    return rs_diag_set(d, RS_E_NOMEM, "rules", "cannot allocate the rule sets");
  }
  r->sets = ns;
  memset(&r->sets[r->nsets], 0, sizeof r->sets[0]);
  r->sets[r->nsets].yr = yr;
  r->sets[r->nsets].bundled = bundled;
  r->nsets++;
  return RS_OK;
}

/* Compiles source files paths[0..n) into one rule set. */
static enum rs_err compile_sources(struct rs_rules *r, char *const *paths, size_t n, bool bundled,
                                   struct rs_diag *d)
{
  if (n == 0)
    return RS_OK;
  YR_COMPILER *c = NULL;
  if (yr_compiler_create(&c) != ERROR_SUCCESS)
    return rs_diag_set(d, RS_E_NOMEM, "rules", "cannot create the YARA compiler");
  struct compile_note note;
  memset(&note, 0, sizeof note);
  yr_compiler_set_callback(c, compiler_cb, &note);
  enum rs_err e = RS_OK;
  for (size_t i = 0; i < n && e == RS_OK; i++) {
    FILE *fp;
    bool compiled;
    e = open_rule_file(paths[i], &fp, &compiled, d);
    if (e != RS_OK)
      break;
    if ((e = add_file_entry(r, paths[i], bundled, d)) != RS_OK) {
      fclose(fp);
      break;
    }
    int errs = yr_compiler_add_file(c, fp, r->files[r->nfiles - 1].ns, paths[i]);
    fclose(fp);
    if (errs > 0)
      e = rs_diag_set(d, RS_E_USAGE, paths[i], "%s",
                      note.have_error ? note.first_error : "the rules do not compile");
  }
  YR_RULES *yr = NULL;
  if (e == RS_OK && yr_compiler_get_rules(c, &yr) != ERROR_SUCCESS)
    e = rs_diag_set(d, RS_E_NOMEM, "rules", "cannot build the compiled rules");
  yr_compiler_destroy(c);
  r->warnings += note.warnings;
  if (note.warnings && !r->first_warning[0])
    rs_strlcpy(r->first_warning, note.first_warning, sizeof r->first_warning);
  if (e != RS_OK)
    return e;
  return add_set(r, yr, bundled, d);
}

static enum rs_err load_compiled(struct rs_rules *r, const char *path, struct rs_diag *d)
{
  YR_RULES *yr = NULL;
  int rc = yr_rules_load(path, &yr);
  if (rc != ERROR_SUCCESS)
    return rs_diag_set(d, rc == ERROR_INSUFFICIENT_MEMORY ? RS_E_NOMEM : RS_E_USAGE, path,
                       "compiled rules: %s", rs_yara_error(rc));
  enum rs_err e = add_file_entry(r, path, false, d);
  if (e != RS_OK) {
    yr_rules_destroy(yr);
    return e;
  }
  return add_set(r, yr, false, d);
}

/* ------------------------------------------------------------ rule info */

static const char *meta_str(const struct rs_rule_info *ri, const char *key)
{
  for (size_t i = 0; i < ri->nmeta; i++)
    if (ri->meta[i].type == RS_META_STRING && strcmp(ri->meta[i].key, key) == 0)
      return ri->meta[i].str;
  return NULL;
}

/* Which file a rule came from: the file whose namespace it is in (compiled
 * rules keep the namespaces they were compiled with: then the set's file). */
static const char *file_of(const struct rs_rules *r, size_t set, const char *ns)
{
  const char *only = NULL;
  for (size_t i = 0; i < r->nfiles; i++) {
    if (r->files[i].set != set)
      continue;
    if (!only)
      only = r->files[i].path;
    if (strcmp(r->files[i].ns, ns) == 0)
      return r->files[i].path;
  }
  return only ? only : "";
}

static enum rs_err build_info(struct rs_rules *r, struct rs_diag *d)
{
  size_t total = 0;
  for (size_t s = 0; s < r->nsets; s++) {
    YR_RULE *rule;
    size_t nr = 0, ns = 0;
    yr_rules_foreach(r->sets[s].yr, rule)
    {
      nr++;
      YR_STRING *str;
      yr_rule_strings_foreach(rule, str)
      {
        if (str->idx + 1 > ns)
          ns = str->idx + 1;
      }
    }
    r->sets[s].first_rule = total;
    r->sets[s].nrules = nr;
    r->sets[s].first_string = r->nstrings;
    r->sets[s].nstrings = ns;
    total += nr;
    r->nstrings += ns;
  }
  r->info = calloc(total ? total : 1, sizeof *r->info);
  r->rule_nstr = calloc(total ? total : 1, sizeof *r->rule_nstr);
  if (!r->info || !r->rule_nstr)
    return rs_diag_set(d, RS_E_NOMEM, "rules", "cannot allocate the rule table");
  r->ninfo = total;
  for (size_t s = 0; s < r->nsets; s++) {
    YR_RULE *rule;
    size_t k = r->sets[s].first_rule;
    yr_rules_foreach(r->sets[s].yr, rule)
    {
      struct rs_rule_info *ri = &r->info[k];
      ri->rule = rule->identifier;
      ri->ns = rule->ns ? rule->ns->name : "";
      ri->file = file_of(r, s, ri->ns);
      ri->bundled = r->sets[s].bundled;
      const char *tag;
      size_t nt = 0, nm = 0;
      yr_rule_tags_foreach(rule, tag) nt++;
      YR_META *m;
      yr_rule_metas_foreach(rule, m) nm++;
      YR_STRING *str;
      yr_rule_strings_foreach(rule, str) r->rule_nstr[k]++;
      const char **tags = calloc(nt + 1, sizeof *tags);
      struct rs_rule_meta *meta = calloc(nm + 1, sizeof *meta);
      if (!tags || !meta) {
        free(tags);
        free(meta);
        return rs_diag_set(d, RS_E_NOMEM, "rules", "cannot allocate a rule's meta");
      }
      nt = 0;
      yr_rule_tags_foreach(rule, tag) tags[nt++] = tag;
      nm = 0;
      yr_rule_metas_foreach(rule, m)
      {
        meta[nm].key = m->identifier;
        meta[nm].type = m->type == META_TYPE_STRING    ? RS_META_STRING
                        : m->type == META_TYPE_BOOLEAN ? RS_META_BOOL
                                                       : RS_META_INT;
        meta[nm].str = m->type == META_TYPE_STRING ? m->string : NULL;
        meta[nm].num = m->integer;
        nm++;
      }
      ri->tags = tags;
      ri->ntags = nt;
      ri->meta = meta;
      ri->nmeta = nm;
      ri->check = meta_str(ri, "redsleuth_check");
      ri->family = meta_str(ri, "family");
      const char *role = meta_str(ri, "redsleuth_role");
      ri->infected = role && strcmp(role, "infected") == 0;
      k++;
    }
  }
  return RS_OK;
}

/* ------------------------------------------------------------ pre-filter */

/* Longest match a string can have, for the windows' overlap and the slices'
 * margins: a literal's length (twice when wide); anything else is bounded
 * only by libyara's regular expression scan limit (chains add their gap). */
static size_t max_match(const YR_STRING *s)
{
  size_t w = (s->flags & STRING_FLAGS_WIDE) ? 2 : 1;
  if ((s->flags & STRING_FLAGS_LITERAL) && s->length > 0 &&
      !(s->flags & (STRING_FLAGS_XOR | STRING_FLAGS_BASE64 | STRING_FLAGS_BASE64_WIDE |
                    STRING_FLAGS_CHAIN_PART | STRING_FLAGS_CHAIN_TAIL)))
    return (size_t)s->length * w;
  size_t m = 2 * (size_t)YR_RE_SCAN_LIMIT;
  if (s->chain_gap_max > 0)
    m += (size_t)s->chain_gap_max * 2;
  if (s->length > 0)
    m += (size_t)s->length * w;
  return m;
}

/* The literal every match of a string contains: the string itself when
 * libyara knows it is literal, else the rule's meta redsleuth_anchor_<id>
 * (the author's promise, checked by the equivalence tests). */
static const char *anchor_of(const struct rs_rule_info *ri, const YR_STRING *s, size_t *len,
                             bool *from_meta)
{
  *from_meta = false;
  if ((s->flags & STRING_FLAGS_LITERAL) && s->length > 0) {
    *len = (size_t)s->length;
    return (const char *)s->string;
  }
  char key[160];
  snprintf(key, sizeof key, "redsleuth_anchor_%s", s->identifier[0] == '$' ? s->identifier + 1
                                                                            : s->identifier);
  const char *a = meta_str(ri, key);
  *from_meta = a != NULL;
  *len = a ? strlen(a) : 0;
  return a;
}

static enum rs_err build_prefilter(struct rs_rules *r, struct rs_rule_set *set, struct rs_diag *d)
{
  size_t cap = 2 * set->nstrings + 2, n = 0;
  struct rs_pf_pattern *p = calloc(cap, sizeof *p);
  if (!p)
    return rs_diag_set(d, RS_E_NOMEM, "rules", "cannot allocate the pre-filter patterns");
  const unsigned bad = STRING_FLAGS_XOR | STRING_FLAGS_BASE64 | STRING_FLAGS_BASE64_WIDE |
                       STRING_FLAGS_CHAIN_PART | STRING_FLAGS_CHAIN_TAIL;
  YR_RULE *rule;
  size_t k = set->first_rule;
  yr_rules_foreach(set->yr, rule)
  {
    const struct rs_rule_info *ri = &r->info[k++];
    YR_STRING *s;
    yr_rule_strings_foreach(rule, s)
    {
      size_t len;
      bool from_meta;
      const char *a = anchor_of(ri, s, &len, &from_meta);
      if (!a || len < 7 || (s->flags & bad) || (from_meta && len > RS_PF_MAX_LEN / 2)) {
        snprintf(r->pf_why, sizeof r->pf_why,
                 "rule %s string %s: no literal of 7 or more bytes to anchor on (add meta "
                 "redsleuth_anchor_%s)",
                 ri->rule, s->identifier, s->identifier + (s->identifier[0] == '$'));
        free(p);
        return RS_OK; /* no pre-filter: YARA reads every byte */
      }
      bool nocase = (s->flags & STRING_FLAGS_NO_CASE) != 0;
      for (int enc = 0; enc < 2; enc++) {
        bool wide = enc == 1;
        if (!(s->flags & (wide ? STRING_FLAGS_WIDE : STRING_FLAGS_ASCII)))
          continue;
        bool dup = false;
        for (size_t j = 0; j < n && !dup; j++)
          dup = p[j].len == len && p[j].wide == wide && p[j].nocase == nocase &&
                memcmp(p[j].bytes, a, len) == 0;
        if (!dup && n < cap) {
          p[n] = (struct rs_pf_pattern){(const uint8_t *)a, len, wide, nocase, (uint32_t)n};
          n++;
        }
      }
    }
  }
  enum rs_err e = rs_prefilter_new(p, n, &set->pf, d);
  free(p);
  if (e == RS_OK)
    r->pf_why[0] = '\0';
  return e;
}

/* ------------------------------------------------------------ open/close */

enum rs_err rs_rules_open(const struct rs_rules_opts *o, const char *const *user, size_t nuser,
                          struct rs_rules **out, struct rs_diag *d)
{
  if (!out || (!user && nuser))
    return rs_diag_set(d, RS_E_USAGE, "rules", "rs_rules_open: bad arguments");
  *out = NULL;
  struct rs_rules_opts none;
  memset(&none, 0, sizeof none);
  if (!o)
    o = &none;
  int rc = yara_acquire();
  if (rc != ERROR_SUCCESS)
    return rs_diag_set(d, RS_E_INTERNAL, "libyara", "cannot initialise libyara: %s",
                       rs_yara_error(rc));
  struct rs_rules *r = calloc(1, sizeof *r);
  if (!r) {
    yara_release();
    return rs_diag_set(d, RS_E_NOMEM, "rules", "cannot allocate the rules");
  }
  r->yara_held = true;
  r->window = o->window;
  enum rs_err e = RS_OK;
  if (!o->no_bundled) {
    char dir[4096];
    const char *bd = o->bundled_dir;
    if (!bd) {
      e = rs_rules_bundled_dir(dir, sizeof dir, d);
      bd = dir;
    }
    char **paths = NULL;
    size_t np = 0;
    if (e == RS_OK)
      e = list_yar(bd, &paths, &np, d);
    if (e == RS_OK && np == 0)
      e = rs_diag_set(d, RS_E_OPEN, bd, "no *.yar rule file in the bundled rules folder");
    if (e == RS_OK)
      e = compile_sources(r, paths, np, true, d);
    for (size_t i = 0; i < np; i++)
      free(paths[i]);
    free(paths);
  }
  /* the user's source files compile together; compiled files load alone */
  char **src = calloc(nuser + 1, sizeof *src);
  bool *is_compiled = calloc(nuser + 1, sizeof *is_compiled);
  if (e == RS_OK && (!src || !is_compiled))
    e = rs_diag_set(d, RS_E_NOMEM, "rules", "cannot allocate the rule file list");
  size_t nsrc = 0;
  for (size_t i = 0; i < nuser && e == RS_OK; i++) {
    FILE *fp;
    if ((e = open_rule_file(user[i], &fp, &is_compiled[i], d)) != RS_OK)
      break;
    fclose(fp);
    if (!is_compiled[i])
      src[nsrc++] = (char *)user[i];
  }
  if (e == RS_OK)
    e = compile_sources(r, src, nsrc, false, d);
  for (size_t i = 0; i < nuser && e == RS_OK; i++)
    if (is_compiled[i])
      e = load_compiled(r, user[i], d);
  free(src);
  free(is_compiled);
  /* each file's set (files were added in set order) */
  if (e == RS_OK) {
    size_t f = 0;
    /* bundled files -> set 0 (if any), user sources -> next, compiled -> one each */
    size_t s = 0;
    if (!o->no_bundled) {
      for (; f < r->nfiles && r->files[f].bundled; f++)
        r->files[f].set = s;
      s++;
    }
    if (nsrc > 0) {
      for (size_t j = 0; j < nsrc; j++, f++)
        r->files[f].set = s;
      s++;
    }
    for (; f < r->nfiles; f++, s++)
      r->files[f].set = s;
    e = build_info(r, d);
  }
  size_t longest = 0;
  for (size_t s = 0; s < r->nsets && e == RS_OK; s++) {
    struct rs_rule_set *set = &r->sets[s];
    YR_RULE *rule;
    yr_rules_foreach(set->yr, rule)
    {
      YR_STRING *str;
      yr_rule_strings_foreach(rule, str)
      {
        size_t m = max_match(str);
        if (m > set->max_match)
          set->max_match = m;
      }
    }
    if (set->max_match > longest)
      longest = set->max_match;
    if (set->bundled && !o->no_prefilter)
      e = build_prefilter(r, set, d);
    else if (set->bundled)
      rs_strlcpy(r->pf_why, "pre-filter turned off", sizeof r->pf_why);
  }
  if (e == RS_OK && r->nsets == 0)
    e = rs_diag_set(d, RS_E_USAGE, "rules", "no rules: no bundled rules and no --yara file");
  r->overlap = longest + 2 * RS_RULES_LOOKBEHIND;
  if (e != RS_OK) {
    rs_rules_close(r);
    return e;
  }
  *out = r;
  return RS_OK;
}

void rs_rules_close(struct rs_rules *r)
{
  if (!r)
    return;
  for (size_t s = 0; s < r->nsets; s++) {
    rs_prefilter_free(r->sets[s].pf);
    yr_rules_destroy(r->sets[s].yr);
  }
  free(r->sets);
  for (size_t i = 0; i < r->ninfo; i++) {
    free((void *)r->info[i].tags);
    free((void *)r->info[i].meta);
  }
  free(r->info);
  free(r->rule_nstr);
  for (size_t i = 0; i < r->nfiles; i++) {
    free(r->files[i].path);
    free(r->files[i].ns);
  }
  free(r->files);
  bool held = r->yara_held;
  free(r);
  if (held)
    yara_release();
}

size_t rs_rules_count(const struct rs_rules *r)
{
  return r ? r->ninfo : 0;
}

const struct rs_rule_info *rs_rules_info(const struct rs_rules *r, size_t i)
{
  return r && i < r->ninfo ? &r->info[i] : NULL;
}

size_t rs_rules_warnings(const struct rs_rules *r, const char **first)
{
  if (first)
    *first = r && r->warnings ? r->first_warning : NULL;
  return r ? r->warnings : 0;
}

bool rs_rules_prefiltered(const struct rs_rules *r, const char **why)
{
  bool any = false;
  for (size_t s = 0; r && s < r->nsets; s++)
    any = any || r->sets[s].pf != NULL;
  if (why)
    *why = r && !any && r->pf_why[0] ? r->pf_why : NULL;
  return any;
}

size_t rs_rules_overlap(const struct rs_rules *r)
{
  return r ? r->overlap : 0;
}
