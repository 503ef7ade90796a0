/* The declarative check table (checks_table.c) and the engine over it.
 * A new worm variant is new rows, not new code paths: the engine switches
 * on a row's kind, never on its id. Every row cites its reference row. */
#ifndef RS_ANALYSIS_CHECKS_H
#define RS_ANALYSIS_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "redsleuth/checks.h"

/* What kind of fact a row looks at; one evaluator per kind (checks.c). */
enum rs_check_kind {
  RS_K_FILE,          /* a file name in a class of folders */
  RS_K_REG_VROOT,     /* a W3SVC Virtual Roots value is present */
  RS_K_REG_VROOT_PERM,/* a Virtual Roots value's permission field equals arg */
  RS_K_REG_DWORD,     /* a SOFTWARE DWORD equals arg */
  RS_K_METABASE_VDIR, /* MetaBase.bin names a virtual directory (heuristic) */
  RS_K_PE_IDQ,        /* an idq.dll copy, classified by the idq table */
  RS_K_LOG_FAMILY,    /* log lines of one request family */
  RS_K_LOG_BACKDOOR,  /* a 2xx/502 answer to the backdoor */
  RS_K_PATCH_CONFLICT,/* a hotfix key in `name` (comma list) is present but the live
                         idq.dll is an unpatched build */
  RS_K_SCRIPTMAP,     /* the script-map state of extension `name` and what decided it
                         (analysis/scriptmap.c): one finding per extension, always */
  RS_K_CONTENT,       /* a candidate file's bytes (match says which test; analysis/nimda.c) */
  RS_K_SAM_GUEST,     /* SAM: Guest (RID 501) enabled and in Administrators (alias 0x220) */
  RS_K_REG_SHARE,     /* lanmanserver\\Shares publishes `name` as `arg` without Security */
  RS_K_EVT_ACCOUNT,   /* Security log records of Guest enabled or made an administrator */
  RS_K_EVENT,         /* the host's own account: event logs, Dr. Watson, UrlScan, W3svc.dll
                         (stage scan/evt.c, table analysis/evt_table.c) */
  RS_K_RESIDUE,       /* memory residue (page file, hiberfil.sys, crash dumps) searched with
                         the bundled YARA rules whose meta redsleuth_check names the row
                         (stage scan/residue.c) */
  RS_K_RESIDUE_LOG,   /* a log line carved from memory residue or unallocated space around
                         default.ida / root.exe / cmd.exe (scan/carved.c) */
  RS_K_YARA,          /* a user rule (--yara) matched a file's content or memory residue
                         (stage scan/content.c) */
  RS_K_HASHSET,       /* a file's MD5, SHA-1 or SHA-256 is in a --hashset set (scan/content.c) */
};

/* Where a file row looks (all comparisons case-insensitive). */
enum rs_where {
  RS_W_SCRIPT_DIRS,   /* IIS script folders: \Inetpub\scripts, ...\System\msadc, and the
                         folders the registry maps as /Scripts and /MSADC */
  RS_W_VOLUME_ROOT,   /* the root folder of any volume */
  RS_W_WINDIR,        /* %SystemRoot% itself */
  RS_W_SYSDIR,        /* %SystemRoot%\system32 */
  RS_W_WEB_DIRS,      /* any folder under \Inetpub */
  RS_W_ANY,           /* any folder of any volume (content rows) */
};

enum rs_match {
  RS_M_NAME,          /* exact file name */
  RS_M_PREFIX,        /* file name starts with the pattern */
  RS_M_CMD_COPY,      /* exact name AND content equals the host's cmd.exe */
  RS_M_NOT_SYSDRIVE_EXPLORER, /* explorer.exe in a root (never %SystemRoot%\explorer.exe) */
  /* RS_K_CONTENT rows: the candidate's bytes decide */
  RS_M_PAGE_SCRIPT,   /* page ends with Nimda's window.open("readme.eml") script */
  RS_M_EML_MARKER,    /* .eml/.nws holding Nimda's base64 marker */
  RS_M_PE_MARKER,     /* PE holding a Nimda string */
  RS_M_INI_SHELL,     /* system.ini shell= line naming load.exe */
};

/* What a row's findings mean for the verdict. */
enum rs_role {
  RS_ROLE_INFO = 0,   /* context only */
  RS_ROLE_CR2,        /* Code Red II artifact: infected (live) / cleaned (deleted, history) */
  RS_ROLE_USE,        /* evidence that the backdoor was used */
  RS_ROLE_NIMDA,      /* Nimda infection artifact */
  RS_ROLE_ATTEMPT,    /* worm requests reached the server */
  RS_ROLE_NIMDA_INF,  /* Nimda infection: infected if live, cleaned if only deleted */
};

struct rs_check {
  const char *id;       /* stable; appears in reports */
  const char *family;   /* "code-red-1", "code-red-2", "nimda", "iis", "patch" */
  enum rs_check_kind kind;
  enum rs_role role;
  const char *severity; /* "critical", "high", "medium", "low", "info" */
  const char *title;
  const char *why;      /* one sentence: why this matters */
  const char *ref;      /* "codered-artifacts 2.1" */
  /* kind-specific parameters */
  const char *name;     /* RS_K_FILE: file name or prefix (lower case); RS_K_REG_*: value name;
                           RS_K_LOG_FAMILY: logs.hits key */
  enum rs_where where;
  enum rs_match match;
  const char *arg;      /* RS_K_REG_VROOT_PERM: permission field; RS_K_REG_DWORD: "0xffffff9d" */
  const char *key;      /* RS_K_REG_DWORD: key path in SOFTWARE */
  const char *cleanup;  /* checklist item this row's findings fail, or NULL */
  const char *otherwise;/* RS_M_CMD_COPY: row used when the content does not match */
  bool fallback;        /* only reached through another row's `otherwise` */
  const char *corroborates; /* comma list of check ids whose findings this row's findings
                               back up (report: corroborates / corroborated_by); NULL */
};

extern const struct rs_check rs_checks[];
extern const size_t rs_ncheck;

/* The cleanup checklist (codered-artifacts 8, report contract). */
struct rs_cleanup_item {
  const char *id;
  const char *item;
  const char *ref;
};
extern const struct rs_cleanup_item rs_cleanup_items[];
extern const size_t rs_ncleanup;

const struct rs_check *rs_check_find(const char *id);
/* rs_checks_markdown: redsleuth/checks.h */

#endif
