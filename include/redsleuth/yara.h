/* YARA rules (libyara): the bundled rules in rules/ and the user's own
 * (--yara FILE, source or compiled), compiled once and run over a buffer (a
 * file's content) or a stream of chunks (a page file, unallocated space).
 *
 * Results are per rule and per region: a rule that fires is reported once,
 * with the first matches of its strings in the region (the first
 * RS_RULES_PER_STRING of each string, only the first when the rule's
 * condition needs no count or offset of it; at most RS_RULES_MAX_STRINGS in
 * all, by offset), each with up to RS_RULES_CTX bytes of raw context. The bundled rules run behind a literal pre-filter
 * (prefilter.h): YARA sees only the bytes around their strings' literals.
 * docs/content.md says what that and the windowing of streams imply.
 *
 * Threads: libyara is initialised once per process (reference-counted here,
 * under a lock); a struct rs_rules may be shared by threads, each thread
 * scanning with its own struct rs_rules_scanner (at most 32 scans at once,
 * libyara's YR_MAX_THREADS). */
#ifndef REDSLEUTH_YARA_H
#define REDSLEUTH_YARA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "diag.h"

#define RS_RULES_CTX 64          /* bytes of context kept per string match */
#define RS_RULES_CTX_BEFORE 16   /* of which before the match */
#define RS_RULES_MAX_STRINGS 16  /* string matches reported per rule */
#define RS_RULES_PER_STRING 4    /* matches kept per string */
#define RS_RULES_LOOKBEHIND 64   /* a condition may read this far before a match */
#define RS_RULES_WINDOW (16u << 20) /* bytes YARA sees at once in a stream */
#define RS_RULES_ENV "RS_RULES_DIR" /* overrides the bundled rules folder */

enum rs_meta_type { RS_META_STRING = 0, RS_META_INT, RS_META_BOOL };
struct rs_rule_meta {
  const char *key;
  enum rs_meta_type type;
  const char *str;  /* RS_META_STRING */
  int64_t num;      /* RS_META_INT, RS_META_BOOL (0/1) */
};

/* One rule as compiled; valid until rs_rules_close(). */
struct rs_rule_info {
  const char *rule;      /* identifier */
  const char *ns;        /* namespace: the rule file's base name ("codered1.yar") */
  const char *file;      /* the rule file, as given or found */
  bool bundled;
  const char *const *tags;
  size_t ntags;
  const struct rs_rule_meta *meta;
  size_t nmeta;
  const char *check;     /* meta redsleuth_check, NULL when absent */
  const char *family;    /* meta family, NULL when absent */
  bool infected;         /* meta redsleuth_role = "infected" (else the role is context) */
};

/* One match of one string of a rule. */
struct rs_rule_hit {
  const char *id;        /* "$host" */
  uint64_t offset;       /* absolute: base of the scan + offset in it */
  uint32_t length;       /* bytes matched */
  bool wide;             /* every other byte of the match is 0 (UTF-16LE) */
  uint64_t ctx_offset;   /* absolute offset of ctx[0] */
  uint32_t ctx_len;
  uint8_t ctx[RS_RULES_CTX]; /* raw bytes: escape before printing */
};

struct rs_rule_match {
  const struct rs_rule_info *info;
  size_t nstrings;       /* distinct strings of the rule that matched */
  size_t nhits;          /* matches reported (at most RS_RULES_MAX_STRINGS) */
  const struct rs_rule_hit *hits; /* by offset */
};
/* Called once per rule that fired, in rule order, after the region has been
 * scanned. m is borrowed for the call. */
typedef void (*rs_rule_match_cb)(const struct rs_rule_match *m, void *arg);

struct rs_rules_opts {
  const char *bundled_dir; /* NULL: rs_rules_bundled_dir() */
  bool no_bundled;         /* only the user's rules */
  bool no_prefilter;       /* YARA over every byte for the bundled rules too */
  size_t window;           /* stream window; 0: RS_RULES_WINDOW (at least 4 overlaps) */
};

struct rs_rules;

/* The bundled rules folder: $RS_RULES_DIR when set, else the installed
 * $(pkgdatadir)/rules, else the source tree's rules/ (for a build that was
 * not installed). RS_E_OPEN when none is a folder. */
enum rs_err rs_rules_bundled_dir(char *out, size_t size, struct rs_diag *d);

/* Compiles the bundled rules (every *.yar of the folder, by name) and the
 * user's files user[0..nuser) (a file starting with "YARA" is loaded as
 * compiled rules, others compiled as source; each file is its own
 * namespace). A rule file that cannot be read or compiled is RS_E_USAGE with
 * d->where the file and d->what "line N: message". On RS_OK *out owns the
 * rules: rs_rules_close(). */
enum rs_err rs_rules_open(const struct rs_rules_opts *o, const char *const *user, size_t nuser,
                          struct rs_rules **out, struct rs_diag *d);
void rs_rules_close(struct rs_rules *r); /* accepts NULL */

size_t rs_rules_count(const struct rs_rules *r);
const struct rs_rule_info *rs_rules_info(const struct rs_rules *r, size_t i);
/* Compiler warnings (e.g. "string $a may slow down scanning"): the count,
 * and the first as "file:line: message" in *first (may be NULL). */
size_t rs_rules_warnings(const struct rs_rules *r, const char **first);
/* True when the bundled rules run behind the pre-filter; otherwise *why (may
 * be NULL) says which string has no literal to anchor on. */
bool rs_rules_prefiltered(const struct rs_rules *r, const char **why);

struct rs_rules_stats {
  uint64_t bytes;        /* bytes of the region */
  uint64_t windows;      /* YARA windows (1 for a buffer) */
  uint64_t yara_bytes;   /* bytes YARA read, over all rule sets */
  uint64_t anchors;      /* pre-filter hits */
  uint64_t slices;       /* pieces YARA scanned for the pre-filtered set */
  uint64_t rules;        /* rules that fired */
  uint64_t too_many;     /* strings that hit libyara's match limit */
};

struct rs_rules_scanner;
/* One per thread. r must outlive the scanner. */
enum rs_err rs_rules_scanner_new(struct rs_rules *r, struct rs_rules_scanner **out,
                                 struct rs_diag *d);
void rs_rules_scanner_free(struct rs_rules_scanner *s); /* accepts NULL */

/* Scans one buffer (conditions see all of it); base is the absolute offset
 * of buf[0]. cb gets the rules that fired; st (may be NULL) the counts. */
enum rs_err rs_rules_scan_mem(struct rs_rules_scanner *s, const uint8_t *buf, size_t len,
                              uint64_t base, rs_rule_match_cb cb, void *arg,
                              struct rs_rules_stats *st, struct rs_diag *d);

/* A region fed in chunks of any size. YARA sees windows of RS_RULES_WINDOW
 * bytes overlapping by more than the longest match, so a match across a
 * chunk or page boundary is found once; each string match belongs to exactly
 * one window (by its offset). cb is called from rs_rules_stream_end(). */
enum rs_err rs_rules_stream_begin(struct rs_rules_scanner *s, uint64_t base,
                                  rs_rule_match_cb cb, void *arg, struct rs_diag *d);
enum rs_err rs_rules_stream_feed(struct rs_rules_scanner *s, const uint8_t *data, size_t n,
                                 struct rs_diag *d);
/* The same stream without a copy, for a caller that reads into its own
 * buffers: n new bytes at data, with the stream's last min(bytes so far,
 * rs_rules_overlap()) bytes placed right before data (held of them: readable
 * at data - held). Windows are the caller's pieces plus that overlap; last
 * marks the stream's final piece (n may be 0 then). Not to be mixed with
 * rs_rules_stream_feed in one stream. */
enum rs_err rs_rules_stream_held(struct rs_rules_scanner *s, const uint8_t *data, size_t n,
                                 size_t held, bool last, struct rs_diag *d);
enum rs_err rs_rules_stream_end(struct rs_rules_scanner *s, struct rs_rules_stats *st,
                                struct rs_diag *d);
/* Overlap between windows (longest possible match plus margins). */
size_t rs_rules_overlap(const struct rs_rules *r);

#endif
