/* The command line. ONE table (rs_options[]) drives parsing, --help and the
 * man page (--help-man prints troff; docs/redsleuth.1 is its committed
 * output and a test keeps them equal). No analysis here: parse, call the
 * library, print, map the result to the contract's exit code. */
#include "options.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "redsleuth/redsleuth.h"
#include "batch.h"
#include "outfile.h"
#include "seal.h"
#include "summary.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.0.0"
#endif

enum { CMD_INFO = 1, CMD_SCAN = 2, CMD_BOTH = 3, CMD_CHECKS = 4 };

enum opt_id {
  O_OFFSET, O_IMGTYPE, O_FSTYPE, O_SSIZE, O_VERBOSE, O_VERSION, O_JSON, O_OUTDIR,
  O_CASE, O_EXAMINER, O_NOHASH, O_TLHITS, O_UNALLOC, O_ALLOWEVDIR, O_HELP, O_HELPMAN, O_TIMELINE,
  O_BATCH, O_JOBS, O_TIMEOUT, O_EVID, O_ORG, O_NOTES, O_EXPECT, O_FORCE,
  O_YARA, O_HASHSET, O_MAXFILE, /* content scanning (issue 17) */
};

struct rs_option {
  enum opt_id id;
  char shrt;          /* 'o' for -o, 0 if none */
  const char *lng;    /* "json" for --json, NULL if none */
  const char *arg;    /* argument name, NULL for a flag */
  unsigned cmds;      /* commands that accept it */
  const char *help;   /* one sentence; used by --help and the man page */
};

static const struct rs_option rs_options[] = {
    {O_OFFSET, 'o', NULL, "SECTORS", CMD_BOTH,
     "File system offset in sectors: skip partition detection and open one file system there."},
    {O_IMGTYPE, 'i', NULL, "TYPE", CMD_BOTH,
     "Image type (raw, ewf, vmdk, vhd, aff...); default: chosen from the first segment's magic "
     "bytes. \"-i list\" lists the types this build supports."},
    {O_FSTYPE, 'f', NULL, "TYPE", CMD_BOTH,
     "File system type (ntfs, fat, fat16...); default: detected. \"-f list\" lists them."},
    {O_SSIZE, 'b', NULL, "BYTES", CMD_BOTH, "Sector size in bytes (a multiple of 512)."},
    {O_VERBOSE, 'v', NULL, NULL, CMD_BOTH, "Verbose libtsk messages on stderr."},
    {O_VERSION, 'V', "version", NULL, CMD_BOTH,
     "Print the version, the linked library versions and the image formats this build opens."},
    {O_JSON, 0, "json", NULL, CMD_BOTH,
     "Write the report as one JSON document (schema redsleuth-report/1) on stdout."},
    {O_OUTDIR, 0, "out-dir", "DIR", CMD_SCAN,
     "Write every report format into DIR (created if missing) and seal them with "
     "manifest.sha256 (cd DIR && sha256sum -c manifest.sha256); stdout then gets a short "
     "summary (verdict, reasons, key events, counts, the files), not the whole report "
     "(--json still prints the JSON report). Refused if DIR is not empty (see --force), is the "
     "folder holding the evidence or inside it, or holds a symbolic link. Each file is "
     "written new and renamed into place: an existing file is never written through."},
    {O_FORCE, 0, "force", NULL, CMD_SCAN,
     "Accept a non-empty --out-dir: the files an earlier run wrote there (report.*, "
     "timeline.body, timeline-full.body, manifest.sha256) are removed before the scan, so "
     "none can pass for this run's; other files are left, named in the summary and absent "
     "from manifest.sha256."},
    {O_ALLOWEVDIR, 0, "allow-evidence-dir", NULL, CMD_SCAN,
     "Allow --out-dir to be the folder holding the evidence, or a folder inside it."},
    {O_CASE, 0, "case", "ID", CMD_BOTH, "Case identifier recorded in the report."},
    {O_EXAMINER, 0, "examiner", "NAME", CMD_BOTH, "Examiner name recorded in the report."},
    {O_EVID, 0, "evidence-id", "ID", CMD_BOTH,
     "Evidence (exhibit) identifier recorded in the report (run.evidence_id)."},
    {O_ORG, 0, "organization", "NAME", CMD_BOTH,
     "Examiner's organization recorded in the report (run.organization)."},
    {O_NOTES, 0, "notes", "TEXT", CMD_BOTH, "Free-text notes recorded in the report (run.notes)."},
    {O_EXPECT, 0, "expect-hash", "ALGO:HEX", CMD_SCAN,
     "The acquisition hash of the media (ALGO md5, sha1 or sha256), checked against the "
     "computed one like an EWF's stored hash: evidence.verification match or mismatch; a "
     "mismatch tops every output and exits 11. Not with --no-hash."},
    {O_NOHASH, 0, "no-hash", NULL, CMD_SCAN,
     "Do not hash the media (MD5, SHA-1, SHA-256). The hash reads every byte, at about 1 GB/s "
     "at best: a 2 TB image, even a sparse one, takes 40 minutes or more, whatever the "
     "analysis takes. Skip it for triage of huge media; the report then says the evidence "
     "was not verified."},
    {O_TLHITS, 0, "timeline-hits", NULL, CMD_SCAN,
     "Put every worm request from the logs on the timeline, not only the first and last. "
     "There can be millions: until the reports are written they wait, in order, in an "
     "unlinked temporary file in --out-dir (else $TMPDIR, else /tmp), not in memory."},
    {O_UNALLOC, 0, "unallocated", NULL, CMD_SCAN,
     "Also search the unallocated clusters of every volume (libtsk block walk) with the "
     "bundled rules, and carve the IIS log lines around default.ida, root.exe and cmd.exe "
     "there (RESIDUE-LOG-LINE): deleted logs whose clusters were not reused. Offsets are "
     "byte offsets in the volume (blkcat-ready). Reads every free cluster."},
    {O_TIMELINE, 0, "timeline", "full", CMD_SCAN,
     "With \"full\": also write timeline-full.body into --out-dir, every file's MACB times "
     "($STANDARD_INFORMATION and $FILE_NAME) as a TSK body file with the lines fls -r -m "
     "gives (one per data stream and index, named streams as file:stream, $OrphanFiles and "
     "FAT's virtual files), from the same single walk."},
    {O_YARA, 0, "yara", "FILE", CMD_SCAN,
     "Search every allocated and deleted file's content, NTFS named streams included "
     "(a match names file:stream), and the memory residue with the "
     "YARA rules in FILE, source or compiled (repeatable); a rule that fires is a YARA-MATCH "
     "finding, context unless its meta says redsleuth_role = \"infected\". A rule that does "
     "not compile exits 2 naming the file and line."},
    {O_HASHSET, 0, "hashset", "FILE", CMD_SCAN,
     "Look every file's (and NTFS named stream's) MD5, SHA-1 and SHA-256 up in FILE "
     "(repeatable): lines of a digest and "
     "an optional name (md5sum/sha256sum output), or an NSRL RDS CSV; a file found is a "
     "HASHSET-MATCH finding. A set that cannot be read or holds no digest exits 2."},
    {O_MAXFILE, 0, "max-file-size", "N", CMD_SCAN,
     "With --yara or --hashset: files and named streams larger than N bytes (suffix K, M or "
     "G; default 64M) are not read, and counted in content_scan.skipped_too_large."},
    {O_BATCH, 0, "batch", "LIST", CMD_SCAN,
     "Scan every image named in LIST (one first segment per line, # comments) in its own "
     "process; needs --out-dir; one folder per image and a JSONL summary line per image."},
    {O_JOBS, 'j', "jobs", "N", CMD_SCAN,
     "Batch: run N scans at once (default 1). With -j, several IMAGE arguments are separate "
     "images, not segments of one."},
    {O_TIMEOUT, 0, "timeout", "SECONDS", CMD_SCAN,
     "Batch: kill a scan that runs longer than SECONDS and go on with the others."},
    {O_HELP, 'h', "help", NULL, CMD_BOTH, "Print this help."},
    {O_HELPMAN, 0, "help-man", NULL, CMD_BOTH, "Print the manual page (troff)."},
};
#define N_OPTIONS (sizeof rs_options / sizeof rs_options[0])

static const struct {
  const char *name;
  unsigned cmd;
  const char *help;
} rs_commands[] = {
    {"info", CMD_INFO,
     "Open the evidence and list what it holds: format, segments, EWF case data and stored "
     "hashes, volumes with their file systems, labels and serial numbers, and the Windows "
     "system folders (a folder holding system32/config/SYSTEM)."},
    {"scan", CMD_SCAN,
     "Analyse the evidence for Code Red and Nimda artifacts and the idq.dll patch state, and "
     "write the report."},
    {"checks", CMD_CHECKS,
     "Print the table of checks (id, what it looks at, verdict role, reference section) as "
     "Markdown: the content of docs/checks.md."},
};

static const struct {
  int code;
  const char *text;
} rs_exit_doc[] = {
    {0, "analysed, no indicator"},
    {10, "indicators found (scan: any verdict but clean or patched), everything read. A result, "
         "not an error; a batch exits 10 when any image has indicators and every image was "
         "completely analysed"},
    {11, "analysed, but parts could not be read (listed under \"unreadable\"): a volume without "
         "a recognised file system, a partition past the end of the media, a missing segment; "
         "or a stored EWF hash or the --expect-hash hash mismatched, or the verdict is "
         "undetermined. Outranks 10: the verdict, which may be an indicator, is in the report "
         "and the stderr line. A batch exits 11 when any image exited 11 or was not analysed "
         "(it could not be opened, failed, crashed or was killed)"},
    {2, "usage error"},
    {3, "the evidence cannot be opened at all (missing, a directory, empty, unreadable, no "
        "partition table and no file system)"},
    {4, "internal error"},
};

/* ---- help and man page --------------------------------------------------- */

static void opt_synopsis(const struct rs_option *o, char *buf, size_t n)
{
  if (o->shrt && o->lng)
    snprintf(buf, n, "-%c, --%s%s%s", o->shrt, o->lng, o->arg ? " " : "", o->arg ? o->arg : "");
  else if (o->shrt)
    snprintf(buf, n, "-%c%s%s", o->shrt, o->arg ? " " : "", o->arg ? o->arg : "");
  else
    snprintf(buf, n, "--%s%s%s", o->lng, o->arg ? " " : "", o->arg ? o->arg : "");
}

static void print_help(FILE *fp)
{
  fprintf(fp, "Usage: redsleuth info [TSK options] [options] IMAGE [SEGMENT...]\n"
              "       redsleuth scan [TSK options] [options] IMAGE [SEGMENT...]\n"
              "       redsleuth scan --batch LIST [-j N] --out-dir DIR [options]\n"
              "       redsleuth checks\n"
              "       redsleuth -V | --help | --help-man\n\nCommands:\n");
  for (size_t i = 0; i < sizeof rs_commands / sizeof rs_commands[0]; i++)
    fprintf(fp, "  %-6s %s\n", rs_commands[i].name, rs_commands[i].help);
  fprintf(fp, "\nOptions:\n");
  for (size_t i = 0; i < N_OPTIONS; i++) {
    char syn[64];
    opt_synopsis(&rs_options[i], syn, sizeof syn);
    fprintf(fp, "  %-24s %s%s\n", syn, rs_options[i].help,
            rs_options[i].cmds == CMD_SCAN ? " (scan)" : "");
  }
  fprintf(fp, "\nExit status:\n");
  for (size_t i = 0; i < sizeof rs_exit_doc / sizeof rs_exit_doc[0]; i++)
    fprintf(fp, "  %-3d %s\n", rs_exit_doc[i].code, rs_exit_doc[i].text);
}

/* troff escapes: backslash and leading dots/quotes, and '-' as \- in option names. */
static void man_text(FILE *fp, const char *s)
{
  if (*s == '.' || *s == '\'')
    fputs("\\&", fp);
  for (; *s; s++) {
    if (*s == '\\')
      fputs("\\e", fp);
    else if (*s == '-')
      fputs("\\-", fp);
    else
      fputc(*s, fp);
  }
}

static void print_man(FILE *fp)
{
  fprintf(fp, ".\\\" Generated by `redsleuth --help-man`; do not edit.\n"
              ".TH REDSLEUTH 1 \"\" \"redsleuth %s\" \"User Commands\"\n"
              ".SH NAME\nredsleuth \\- offline Code Red / Nimda analyzer for Windows NT/2000 "
              "disk images\n"
              ".SH SYNOPSIS\n"
              ".B redsleuth info\n[\\fITSK options\\fR] [\\fIoptions\\fR] \\fIIMAGE\\fR "
              "[\\fISEGMENT\\fR...]\n.br\n"
              ".B redsleuth scan\n[\\fITSK options\\fR] [\\fIoptions\\fR] \\fIIMAGE\\fR "
              "[\\fISEGMENT\\fR...]\n.br\n"
              ".B redsleuth \\-V\n"
              ".SH DESCRIPTION\n"
              "redsleuth opens a disk image read-only through The Sleuth Kit (raw, split raw "
              "such as disk.001, disk.000 or disk.aa, EWF such as disk.E01, and whatever else "
              "the linked libtsk opens). The first segment is enough: later ones are found. "
              "Every segment must be a regular file or a block device, named once; a split "
              "set whose sizes do not fit together is reported first, under warnings. "
              "Evidence is never written and never mounted. When standard error is a "
              "terminal, scan reports its phases there (hashing, registry, each volume walk, "
              "each log) and, when the analysis is done before the media hash, the hash's "
              "progress in percent with the expected time left; names from the evidence are "
              "escaped as in the text report. "
              "Otherwise standard error carries only the one exit line.\n"
              ".SH COMMANDS\n",
          PACKAGE_VERSION);
  for (size_t i = 0; i < sizeof rs_commands / sizeof rs_commands[0]; i++) {
    fprintf(fp, ".TP\n.B %s\n", rs_commands[i].name);
    man_text(fp, rs_commands[i].help);
    fputc('\n', fp);
  }
  fprintf(fp, ".SH OPTIONS\n");
  for (size_t i = 0; i < N_OPTIONS; i++) {
    const struct rs_option *o = &rs_options[i];
    char syn[64];
    opt_synopsis(o, syn, sizeof syn);
    fprintf(fp, ".TP\n.B ");
    man_text(fp, syn);
    fputc('\n', fp);
    man_text(fp, o->help);
    if (o->cmds == CMD_SCAN)
      fputs(" (scan only)", fp);
    fputc('\n', fp);
  }
  fprintf(fp, ".SH EXIT STATUS\n");
  for (size_t i = 0; i < sizeof rs_exit_doc / sizeof rs_exit_doc[0]; i++) {
    fprintf(fp, ".TP\n.B %d\n", rs_exit_doc[i].code);
    man_text(fp, rs_exit_doc[i].text);
    fputc('\n', fp);
  }
  fprintf(fp, ".PP\nEvery non\\-zero exit prints one line on standard error: for 2, 3 and 4\n.PP\n"
              ".B redsleuth: error: RS_E_\\fINAME\\fB: \\fIfile\\fB: \\fIreason\\fR\n"
              ".PP\nfor 10 and 11 (results, not errors)\n.PP\n"
              ".B redsleuth: indicators: \\fIfile\\fB: verdict \\fIstatus\\fR\n.br\n"
              ".B redsleuth: incomplete: \\fIfile\\fB: \\fIwhat could not be read\\fR\n"
              ".SH EXAMPLES\n.nf\nredsleuth info disk.E01\nredsleuth info \\-o 63 "
              "disk.001\nredsleuth scan \\-\\-case 2001\\-17 \\-\\-out\\-dir report disk.E01\n"
              ".fi\n.SH SEE ALSO\n.BR mmls (1),\n.BR fsstat (1),\n.BR fls (1),\n"
              ".BR ewfinfo (1)\n");
}

/* The library versions as the report's "tool" block names them. */
static int print_version(FILE *fp)
{
  static const char *const libs[] = {"libtsk", "libregf", "libewf", "jansson", "openssl"};
  json_t *tool = rs_report_tool();
  const json_t *l = json_object_get(tool, "libraries");
  fprintf(fp, "redsleuth %s\n", PACKAGE_VERSION);
  for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
    const char *v = json_string_value(json_object_get(l, libs[i]));
    fprintf(fp, "  %-8s %s\n", libs[i], v ? v : "?");
  }
  fprintf(fp, "image formats: %s\n", rs_image_supported_types());
  json_decref(tool);
  return tool ? 0 : RS_EXIT_INTERNAL;
}

/* ---- parsing ------------------------------------------------------------- */

struct cli {
  unsigned cmd;
  struct rs_run_opts run;
  bool json, allow_evdir, list_img, list_fs, force;
  char expect_algo[8], expect_hex[130];
  const char *out_dir;
  const char *timeline;    /* "full" or NULL */
  const char *batch;       /* LIST file */
  int jobs;                /* 0 = not given */
  int timeout_s;
  const char **segs;
  int nseg;
  const char **yara, **hashsets; /* argc entries each */
  int nyara, nhashset;
};

static int usage_error(const char *where, const char *fmt, const char *arg)
{
  struct rs_diag d;
  rs_diag_set(&d, RS_E_USAGE, where, fmt, arg);
  rs_diag_print(stderr, &d);
  return RS_EXIT_USAGE;
}

static const struct rs_option *find_short(char c)
{
  for (size_t i = 0; i < N_OPTIONS; i++)
    if (rs_options[i].shrt == c)
      return &rs_options[i];
  return NULL;
}

static const struct rs_option *find_long(const char *name, size_t len)
{
  for (size_t i = 0; i < N_OPTIONS; i++)
    if (rs_options[i].lng && strlen(rs_options[i].lng) == len &&
        strncmp(rs_options[i].lng, name, len) == 0)
      return &rs_options[i];
  return NULL;
}

static bool parse_u64(const char *s, long long max, long long *out)
{
  if (!s || !*s || *s == '-' || *s == '+')
    return false;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || *end || v < 0 || v > max)
    return false;
  *out = v;
  return true;
}

/* A byte count with an optional K, M or G suffix (powers of 1024), 1 to 2^50. */
static bool parse_size(const char *s, uint64_t *out)
{
  if (!s || *s < '0' || *s > '9')
    return false;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  unsigned shift = 0;
  if (*end == 'K' || *end == 'k')
    shift = 10;
  else if (*end == 'M' || *end == 'm')
    shift = 20;
  else if (*end == 'G' || *end == 'g')
    shift = 30;
  if (shift)
    end++;
  if (errno || *end || v == 0 || v > (1ull << 50) >> shift)
    return false;
  *out = (uint64_t)v << shift;
  return true;
}

/* --expect-hash ALGO:HEX into c (lowercase); false when malformed. */
static bool parse_expect(struct cli *c, const char *arg)
{
  static const struct {
    const char *name;
    size_t hexlen;
  } algs[] = {{"md5", 32}, {"sha1", 40}, {"sha256", 64}};
  const char *colon = strchr(arg, ':');
  if (!colon)
    return false;
  size_t al = (size_t)(colon - arg), hl = strlen(colon + 1);
  for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++) {
    if (strlen(algs[i].name) != al || strncasecmp(arg, algs[i].name, al) != 0 ||
        hl != algs[i].hexlen)
      continue;
    for (size_t k = 0; k < hl; k++) {
      char ch = colon[1 + k];
      if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
        return false;
      c->expect_hex[k] = (char)(ch >= 'A' && ch <= 'F' ? ch - 'A' + 'a' : ch);
    }
    c->expect_hex[hl] = '\0';
    snprintf(c->expect_algo, sizeof c->expect_algo, "%s", algs[i].name);
    c->run.expect_algo = c->expect_algo;
    c->run.expect_hex = c->expect_hex;
    return true;
  }
  return false;
}

/* Returns -1 to go on, or an exit code (help, version, errors). */
static int apply(struct cli *c, const struct rs_option *o, const char *arg, const char *shown)
{
  if (!(o->cmds & c->cmd))
    return usage_error(shown, "this option is not accepted by this command%s", "");
  long long v;
  switch (o->id) {
  case O_OFFSET:
    if (!parse_u64(arg, LLONG_MAX / 65536, &v))
      return usage_error(shown, "not a sector number: '%s'", arg);
    c->run.img.fs_offset = v;
    break;
  case O_IMGTYPE:
    if (!strcmp(arg, "list"))
      c->list_img = true;
    c->run.img.img_type = arg;
    break;
  case O_FSTYPE:
    if (!strcmp(arg, "list")) {
      c->list_fs = true;
    } else if (!rs_fs_type_known(arg)) {
      return usage_error(shown, "unknown file system type '%s' (see -f list)", arg);
    }
    c->run.img.fs_type = arg;
    break;
  case O_SSIZE:
    if (!parse_u64(arg, 65536, &v) || v < 512 || v % 512)
      return usage_error(shown, "sector size must be a multiple of 512 up to 65536, not '%s'",
                         arg);
    c->run.img.sector_size = (unsigned)v;
    break;
  case O_VERBOSE:
    c->run.img.verbose = true;
    break;
  case O_VERSION:
    return print_version(stdout);
  case O_JSON: c->json = true; break;
  case O_OUTDIR: c->out_dir = arg; break;
  case O_ALLOWEVDIR: c->allow_evdir = true; break;
  case O_CASE: c->run.case_id = arg; break;
  case O_EXAMINER: c->run.examiner = arg; break;
  case O_EVID: c->run.evidence_id = arg; break;
  case O_ORG: c->run.organization = arg; break;
  case O_NOTES: c->run.notes = arg; break;
  case O_FORCE: c->force = true; break;
  case O_EXPECT:
    if (!parse_expect(c, arg))
      return usage_error(shown,
                         "expected ALGO:HEX with ALGO md5, sha1 or sha256 and HEX its 32, 40 or "
                         "64 hexadecimal digits, not '%s'",
                         arg);
    break;
  case O_NOHASH: c->run.no_hash = true; break;
  case O_TLHITS: c->run.all_hits = true; break;
  case O_UNALLOC: c->run.unallocated = true; break;
  case O_TIMELINE:
    if (strcmp(arg, "full") != 0)
      return usage_error(shown, "the only timeline mode is 'full', not '%s'", arg);
    c->timeline = arg;
    break;
  case O_YARA: c->yara[c->nyara++] = arg; break;
  case O_HASHSET: c->hashsets[c->nhashset++] = arg; break;
  case O_MAXFILE:
    if (!parse_size(arg, &c->run.max_file_size))
      return usage_error(shown, "expected a size in bytes (suffix K, M or G), not '%s'", arg);
    break;
  case O_BATCH: c->batch = arg; break;
  case O_JOBS:
    if (!parse_u64(arg, 256, &v) || v < 1)
      return usage_error(shown, "jobs must be 1 to 256, not '%s'", arg);
    c->jobs = (int)v;
    break;
  case O_TIMEOUT:
    if (!parse_u64(arg, 7 * 86400, &v) || v < 1)
      return usage_error(shown, "timeout must be 1 to 604800 seconds, not '%s'", arg);
    c->timeout_s = (int)v;
    break;
  case O_HELP: print_help(stdout); return 0;
  case O_HELPMAN: print_man(stdout); return 0;
  }
  return -1;
}

static int parse(struct cli *c, int argc, char **argv, int first)
{
  bool opts_done = false;
  for (int i = first; i < argc; i++) {
    const char *a = argv[i];
    if (opts_done || a[0] != '-' || a[1] == '\0') {
      c->segs[c->nseg++] = a;
      continue;
    }
    if (!strcmp(a, "--")) {
      opts_done = true;
      continue;
    }
    const struct rs_option *o;
    const char *arg = NULL;
    if (a[1] == '-') {
      const char *eq = strchr(a + 2, '=');
      size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
      if (!(o = find_long(a + 2, len)))
        return usage_error(a, "unknown option (see --help)%s", "");
      if (o->arg)
        arg = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
      else if (eq)
        return usage_error(a, "this option takes no argument%s", "");
    } else {
      if (!(o = find_short(a[1])))
        return usage_error(a, "unknown option (see --help)%s", "");
      if (o->arg)
        arg = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
      else if (a[2])
        return usage_error(a, "this option takes no argument (give options separately)%s", "");
    }
    if (o->arg && !arg)
      return usage_error(a, "missing %s argument", o->arg);
    int r = apply(c, o, arg, a);
    if (r >= 0)
      return r;
  }
  return -1;
}

/* ---- running --------------------------------------------------------------- */

static int exit_for(enum rs_err e)
{
  switch (e) {
  case RS_OK: return RS_EXIT_CLEAN;
  case RS_E_USAGE: return RS_EXIT_USAGE;
  case RS_E_NOMEM:
  case RS_E_OUTPUT: /* a temporary file could not be written (a full disk) */
  case RS_E_INTERNAL: return RS_EXIT_INTERNAL;
  default: return RS_EXIT_OPEN;
  }
}

/* Exit 11 still owes the one stderr line: the verdict (which may be an
 * indicator: 11 outranks 10) and the first unreadable part. */
static void print_unreadable_line(const json_t *rep, const char *seg0)
{
  const json_t *unr = json_object_get(rep, "unreadable");
  const json_t *u = json_array_get(unr, 0);
  struct rs_diag d;
  const char *w = json_string_value(json_object_get(u, "where"));
  const char *r = json_string_value(json_object_get(u, "reason"));
  const char *st = json_string_value(json_object_get(json_object_get(rep, "verdict"), "status"));
  /* `info` has no verdict; `scan` always has one */
  rs_diag_set(&d, RS_E_UNREADABLE, seg0,
              "%s%s%s%zu part(s) could not be read (see \"unreadable\"); first: %s: %s",
              st ? "verdict " : "", st ? st : "", st ? "; " : "", json_array_size(unr), w ? w : "?",
              r ? r : "?");
  rs_diag_print(stderr, &d);
}

/* The json writer, as for scan: C1 controls and bidi overrides from the
 * evidence are \u escapes, so the document is safe on a terminal too. */
static int write_json(const json_t *rep, FILE *fp)
{
  struct rs_diag d;
  const struct rs_writer *w = rs_writer_find("json");
  if (!w) {
    rs_diag_set(&d, RS_E_INTERNAL, "json", "writer missing from this build");
    rs_diag_print(stderr, &d);
    return RS_EXIT_INTERNAL;
  }
  rs_diag_clear(&d);
  if (w->write(rep, NULL, fp, &d) != RS_OK) {
    rs_diag_print(stderr, &d);
    return RS_EXIT_INTERNAL;
  }
  return 0;
}

/* Progress on a terminal (set only when stderr is one). A name from the
 * evidence is escaped as the text report escapes it (issue 7); one stdio
 * call per line, as log workers report from their own threads. */
static void show_progress(const struct rs_progress *p, void *arg)
{
  (void)arg;
  if (p->kind == RS_PROGRESS_HASH) {
    /* one terminal line, rewritten in place, ended when the hash is */
    char line[200];
    rs_hash_progress_text(line, sizeof line, p->done, p->total, p->rate_bytes, p->rate_s,
                          p->ended);
    fprintf(stderr, "\rredsleuth: %-66s%s", line, p->ended ? "\n" : "");
    return;
  }
  struct rs_buf esc;
  rs_buf_init(&esc, 4096);
  if (!p->name || rs_escape_text(&esc, p->name, strlen(p->name)) == RS_OK)
    fprintf(stderr, "redsleuth: %s%s%s\n", p->what, p->name ? " " : "",
            esc.data ? esc.data : "");
  rs_buf_free(&esc);
}

static int run_info(struct cli *c)
{
  struct rs_diag d;
  rs_diag_clear(&d);
  json_t *rep = NULL;
  enum rs_err e = rs_info(&c->run, &rep, &d);
  if (e != RS_OK) {
    rs_diag_print(stderr, &d);
    return exit_for(e);
  }
  int rc = 0;
  if (c->json) {
    rc = write_json(rep, stdout);
  } else if (rs_info_write_text(rep, stdout, &d) != RS_OK) {
    rs_diag_print(stderr, &d);
    rc = RS_EXIT_INTERNAL;
  }
  if (rc == 0 && json_array_size(json_object_get(rep, "unreadable")) > 0) {
    print_unreadable_line(rep, c->segs[0]);
    rc = RS_EXIT_UNREADABLE;
  }
  json_decref(rep);
  return rc;
}

/* Every report format into the output folder, each through rs_out (a new
 * file renamed into place). */
static int write_out_dir(struct cli *c, int dirfd, const json_t *rep, struct rs_hits *hits,
                         struct rs_seal *seal)
{
  struct rs_diag d;
  for (int i = 0; rs_writers[i]; i++) {
    struct rs_out o;
    rs_diag_clear(&d);
    enum rs_err e = rs_out_create(&o, dirfd, c->out_dir, rs_writers[i]->file_name, &d);
    if (e == RS_OK && (e = rs_writers[i]->write(rep, hits, o.fp, &d)) != RS_OK)
      rs_out_abort(&o);
    else if (e == RS_OK)
      e = rs_out_commit(&o, &d);
    if (e != RS_OK) {
      rs_diag_print(stderr, &d);
      return RS_EXIT_INTERNAL;
    }
    rs_seal_add(seal, rs_writers[i]->file_name);
  }
  return 0;
}

/* timeline-full.body was streamed during the walk, before report.warnings
 * were known: when there are any, the file put in place is a new one, the
 * warning lines and then the streamed lines. */
static enum rs_err commit_full_body(struct rs_out *full, int dirfd, const char *dir,
                                    const json_t *rep, struct rs_diag *d)
{
  if (json_array_size(json_object_get(rep, "warnings")) == 0)
    return rs_out_commit(full, d);
  struct rs_buf b;
  rs_buf_init(&b, (size_t)1 << 20);
  struct rs_out o;
  enum rs_err e = rs_writer_body_warnings(&b, rep);
  if (e != RS_OK)
    e = rs_diag_set(d, e, full->shown, "cannot format the warnings");
  else
    e = rs_out_create(&o, dirfd, dir, full->name, d);
  if (e == RS_OK) {
    char buf[1 << 16];
    size_t n;
    if ((b.len && fwrite(b.data, 1, b.len, o.fp) != b.len) || fflush(full->fp) != 0 ||
        fseek(full->fp, 0, SEEK_SET) != 0)
      e = rs_diag_set(d, RS_E_OUTPUT, full->shown, "%s", strerror(errno));
    while (e == RS_OK && (n = fread(buf, 1, sizeof buf, full->fp)) > 0)
      if (fwrite(buf, 1, n, o.fp) != n)
        e = rs_diag_set(d, RS_E_OUTPUT, full->shown, "%s", strerror(errno));
    if (e == RS_OK && ferror(full->fp))
      e = rs_diag_set(d, RS_E_OUTPUT, full->shown, "cannot read back the streamed lines");
    if (e == RS_OK)
      e = rs_out_commit(&o, d);
    else
      rs_out_abort(&o);
  }
  rs_out_abort(full);
  rs_buf_free(&b);
  return e;
}

static int run_scan(struct cli *c)
{
  struct rs_diag d;
  rs_diag_clear(&d);
  if (c->out_dir && !c->allow_evdir) {
    /* Refuse before any work: reports never go beside the evidence. */
    char ev[PATH_MAX], out[PATH_MAX];
    if (rs_path_parent_real(c->segs[0], ev) == 0 && rs_path_resolve(c->out_dir, out) == 0) {
      size_t el = strlen(ev);
      bool same = strcmp(ev, out) == 0;
      bool inside = !same && strncmp(ev, out, el) == 0 && out[el] == '/';
      if (same || inside) {
        rs_diag_set(&d, RS_E_USAGE, c->out_dir,
                    same ? "is the folder holding the evidence; choose another or pass "
                           "--allow-evidence-dir"
                         : "is inside the folder holding the evidence; choose another or pass "
                           "--allow-evidence-dir");
        rs_diag_print(stderr, &d);
        return RS_EXIT_USAGE;
      }
    }
  }
  if (c->timeline && !c->out_dir)
    return usage_error("--timeline", "--timeline full needs --out-dir%s", "");
  /* the output folder, made and checked (no symbolic link in it) before any work */
  int dirfd = -1;
  if (c->out_dir && (dirfd = rs_out_dir_open(c->out_dir, &d)) < 0) {
    rs_diag_print(stderr, &d);
    return d.err == RS_E_USAGE ? RS_EXIT_USAGE : RS_EXIT_INTERNAL;
  }
  /* empty, or (--force) cleared of an earlier run's outputs, before any work */
  struct rs_seal seal;
  memset(&seal, 0, sizeof seal);
  if (dirfd >= 0 && rs_seal_prepare(&seal, dirfd, c->out_dir, c->force, &d) != RS_OK) {
    rs_diag_print(stderr, &d);
    close(dirfd);
    return d.err == RS_E_USAGE ? RS_EXIT_USAGE : RS_EXIT_INTERNAL;
  }
  struct rs_out full;
  memset(&full, 0, sizeof full);
  if (c->timeline) {
    if (rs_out_create(&full, dirfd, c->out_dir, "timeline-full.body", &d) != RS_OK) {
      rs_diag_print(stderr, &d);
      close(dirfd);
      return RS_EXIT_INTERNAL;
    }
    c->run.full_body = full.fp;
  }
  json_t *rep = NULL;
  /* --timeline-hits: the hits stay in a temporary file (in the output
   * folder when there is one), and the writers merge them in */
  struct rs_hits *hits = NULL;
  c->run.tmp_dir = c->out_dir;
  enum rs_err e = rs_scan_hits(&c->run, &rep, &hits, &d);
  c->run.full_body = NULL;
  if (e == RS_OK && full.fp && ferror(full.fp))
    e = rs_diag_set(&d, RS_E_OUTPUT, full.shown, "write failed");
  if (e != RS_OK) {
    rs_out_abort(&full);
    if (dirfd >= 0)
      close(dirfd);
    rs_diag_print(stderr, &d);
    json_decref(rep);
    rs_hits_free(hits);
    return exit_for(e);
  }
  int rc = 0;
  /* with --out-dir the report is in the folder; stdout gets the summary
   * (after the files are sealed), or the JSON when --json asks for it */
  bool summary = c->out_dir && !c->json;
  const struct rs_writer *w = rs_writer_find(c->json ? "json" : "text");
  if (summary) {
    /* nothing on stdout yet */
  } else if (!w) {
    rs_diag_set(&d, RS_E_INTERNAL, c->json ? "json" : "text", "writer missing from this build");
    rs_diag_print(stderr, &d);
    rc = RS_EXIT_INTERNAL;
  } else if (w->write(rep, hits, stdout, &d) != RS_OK) {
    rs_diag_print(stderr, &d);
    rc = RS_EXIT_INTERNAL;
  }
  if (rc == 0 && c->out_dir)
    rc = write_out_dir(c, dirfd, rep, hits, &seal);
  if (rc == 0 && full.fp) {
    if (commit_full_body(&full, dirfd, c->out_dir, rep, &d) != RS_OK) {
      rs_diag_print(stderr, &d);
      rc = RS_EXIT_INTERNAL;
    } else {
      rs_seal_add(&seal, "timeline-full.body");
    }
  }
  rs_out_abort(&full); /* nothing left when it was committed */
  rs_hits_free(hits);
  /* the seal, last: a folder without manifest.sha256 holds no finished run */
  if (rc == 0 && c->out_dir && rs_seal_manifest(&seal, dirfd, c->out_dir, &d) != RS_OK) {
    rs_diag_print(stderr, &d);
    rc = RS_EXIT_INTERNAL;
  }
  if (rc == 0 && summary) {
    rs_cli_summary(stdout, rep, c->out_dir, &seal);
    if (fflush(stdout) != 0)
      rc = RS_EXIT_INTERNAL;
  }
  if (dirfd >= 0)
    close(dirfd);
  if (rc == 0) {
    rc = rs_report_exit_code(rep);
    if (rc == RS_EXIT_UNREADABLE && json_array_size(json_object_get(rep, "unreadable")) > 0) {
      print_unreadable_line(rep, c->segs[0]);
    } else if (rc != 0) {
      const char *st = json_string_value(
          json_object_get(json_object_get(rep, "verdict"), "status"));
      const char *ver = json_string_value(
          json_object_get(json_object_get(rep, "evidence"), "verification"));
      /* Not an error, but the contract wants one line for every non-zero exit. */
      if (rc == RS_EXIT_INDICATORS)
        rs_diag_set(&d, RS_E_INDICATORS, c->segs[0], "verdict %s", st ? st : "?");
      else if (ver && strcmp(ver, "mismatch") == 0)
        rs_diag_set(&d, RS_E_UNREADABLE, c->segs[0],
                    "the media does not match its %s hash (evidence.verification mismatch: it "
                    "may have changed since acquisition); verdict %s",
                    c->run.expect_algo ? "acquisition (--expect-hash) or stored" : "stored",
                    st ? st : "?");
      else
        rs_diag_set(&d, RS_E_UNREADABLE, c->segs[0],
                    "too little could be read to decide (verdict %s)", st ? st : "?");
      rs_diag_print(stderr, &d);
    }
  }
  json_decref(rep);
  return rc;
}

/* Options a batch passes on to each child `scan`: everything but the batch's
 * own (--batch, -j, --timeout, --out-dir) and the image arguments. */
static bool batch_only(const char *a, bool *takes_arg)
{
  static const char *const own[] = {"--batch", "-j", "--jobs", "--timeout", "--out-dir"};
  for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
    size_t n = strlen(own[i]);
    if (strncmp(a, own[i], n) == 0 && (a[n] == '\0' || a[n] == '=' || (n == 2 && a[n]))) {
      *takes_arg = a[n] == '\0';
      return true;
    }
  }
  return false;
}

static int run_batch(struct cli *c, int argc, char **argv)
{
  if (!c->out_dir)
    return usage_error("--batch", "a batch needs --out-dir%s", "");
  char **images = NULL;
  int n = 0;
  bool owned = false;
  if (c->batch) {
    n = rs_batch_read_list(c->batch, &images);
    if (n < 0)
      return usage_error(c->batch, "cannot read the list: %s", strerror(errno));
    owned = true;
  } else {
    images = (char **)c->segs;
    n = c->nseg;
  }
  char **fwd = calloc((size_t)argc + 1, sizeof *fwd);
  int nf = 0;
  bool after_dashdash = false;
  for (int i = 2; fwd && i < argc; i++) {
    const char *a = argv[i];
    bool takes = false;
    if (after_dashdash || a[0] != '-' || a[1] == '\0')
      continue; /* image arguments */
    if (!strcmp(a, "--")) {
      after_dashdash = true;
      continue;
    }
    if (batch_only(a, &takes)) {
      i += takes;
      continue;
    }
    fwd[nf++] = (char *)a;
    const struct rs_option *o = a[1] == '-' ? find_long(a + 2, strcspn(a + 2, "=")) : find_short(a[1]);
    if (o && o->arg && !strchr(a, '=') && !(a[1] != '-' && a[2]) && i + 1 < argc)
      fwd[nf++] = argv[++i];
  }
  char self[PATH_MAX];
  ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
  self[sl > 0 ? sl : 0] = '\0';
  struct rs_batch_opts bo = {.self = self, .images = images, .nimages = n,
                             .jobs = c->jobs ? c->jobs : 1, .out_dir = c->out_dir,
                             .scan_args = fwd, .nscan_args = nf, .timeout_s = c->timeout_s,
                             .list = c->batch, .force = c->force};
  int rc = fwd && sl > 0 ? rs_batch_run(&bo) : RS_EXIT_INTERNAL;
  free(fwd);
  if (owned) {
    for (int i = 0; i < n; i++)
      free(images[i]);
    free(images);
  }
  return rc;
}

int rs_cli_main(int argc, char **argv)
{
  if (argc < 2)
    return usage_error("-", "no command given: redsleuth info|scan IMAGE (see --help)%s", "");
  struct cli c;
  memset(&c, 0, sizeof c);
  rs_run_opts_init(&c.run);
  c.run.argc = argc;
  c.run.argv = argv;
  c.segs = calloc((size_t)argc, sizeof *c.segs);
  c.yara = calloc((size_t)argc, sizeof *c.yara);
  c.hashsets = calloc((size_t)argc, sizeof *c.hashsets);
  if (!c.segs || !c.yara || !c.hashsets) {
    free(c.segs);
    free(c.yara);
    free(c.hashsets);
    return RS_EXIT_INTERNAL;
  }
  int rc = -1, first = 2;
  if (!strcmp(argv[1], "info")) {
    c.cmd = CMD_INFO;
  } else if (!strcmp(argv[1], "scan")) {
    c.cmd = CMD_SCAN;
  } else if (!strcmp(argv[1], "checks")) {
    rs_checks_markdown(stdout);
    free(c.segs);
    free(c.yara);
    free(c.hashsets);
    return fflush(stdout) == 0 ? 0 : RS_EXIT_INTERNAL;
  } else if (argv[1][0] == '-') {
    c.cmd = CMD_BOTH; /* -V, --help, --help-man without a command */
    first = 1;
  } else {
    rc = usage_error(argv[1], "unknown command (expected info or scan)%s", "");
  }
  if (rc < 0)
    rc = parse(&c, argc, argv, first);
  if (rc < 0 && c.list_img) {
    printf("%s\n", rs_image_supported_types());
    rc = 0;
  }
  if (rc < 0 && c.list_fs) {
    struct rs_buf b;
    rs_buf_init(&b, (size_t)1 << 20);
    rc = rs_fs_types_list(&b) == RS_OK && fwrite(b.data, 1, b.len, stdout) == b.len
             ? 0 : RS_EXIT_INTERNAL;
    rs_buf_free(&b);
  }
  if (rc < 0 && c.cmd == CMD_BOTH)
    rc = usage_error(argv[1], "no command given: redsleuth info|scan IMAGE (see --help)%s", "");
  if (rc < 0 && c.run.expect_algo && c.run.no_hash)
    rc = usage_error("--expect-hash",
                     "cannot be checked with --no-hash: the media must be hashed to compare "
                     "it with the acquisition hash (drop one of the two)%s",
                     "");
  if (rc < 0 && c.cmd == CMD_SCAN && (c.batch || c.jobs)) {
    rc = run_batch(&c, argc, argv);
    free(c.segs);
    free(c.yara);
    free(c.hashsets);
    return rc;
  }
  if (rc < 0 && c.nseg == 0)
    rc = usage_error(argv[1], "no image given: redsleuth %s [options] IMAGE [SEGMENT...]",
                     argv[1]);
  if (rc < 0) {
    c.run.segs = c.segs;
    c.run.nseg = c.nseg;
    c.run.yara = c.yara;
    c.run.nyara = c.nyara;
    c.run.hashsets = c.hashsets;
    c.run.nhashset = c.nhashset;
    if (isatty(2))
      c.run.progress = show_progress;
    rc = c.cmd == CMD_INFO ? run_info(&c) : run_scan(&c);
  }
  free(c.segs);
  free(c.yara);
  free(c.hashsets);
  return rc;
}
