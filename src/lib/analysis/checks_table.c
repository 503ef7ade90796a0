/* THE check table. Ids are stable: they appear in reports and docs/checks.md.
 * Each row cites the section of codered-artifacts.md it implements. */
#include <string.h>

#include "analysis/checks.h"

const struct rs_check rs_checks[] = {
  /* --- files: Code Red II (codered-artifacts 2.1) --------------------- */
  {.id = "CR2-ROOTEXE", .family = "code-red-2", .kind = RS_K_FILE, .role = RS_ROLE_CR2,
   .severity = "critical", .title = "root.exe copy of cmd.exe in an IIS script folder",
   .why = "Code Red II copies cmd.exe as root.exe so any web client can run commands",
   .ref = "codered-artifacts 2.1", .name = "root.exe", .where = RS_W_SCRIPT_DIRS,
   .match = RS_M_CMD_COPY, .cleanup = "rootexe-removed", .otherwise = "ROOTEXE-NOT-CMD"},
  {.id = "ROOTEXE-NOT-CMD", .family = "other", .kind = RS_K_FILE, .role = RS_ROLE_INFO,
   .severity = "info", .title = "root.exe in an IIS script folder, not a cmd.exe copy",
   .why = "named like the Code Red II backdoor but it is neither this host's cmd.exe nor any "
          "cmd.exe build (no cmd.exe version resource)",
   .ref = "codered-artifacts 2.1", .name = "root.exe", .where = RS_W_SCRIPT_DIRS,
   .match = RS_M_NAME, .fallback = true},
  {.id = "CR2-EXPLORER", .family = "code-red-2", .kind = RS_K_FILE, .role = RS_ROLE_CR2,
   .severity = "critical", .title = "trojan explorer.exe in a drive root",
   .why = "Code Red II's Trojan.VirtualRoot re-creates the backdoor at logon (relative shell path, MS00-052)",
   .ref = "codered-artifacts 2.1", .name = "explorer.exe", .where = RS_W_VOLUME_ROOT,
   .match = RS_M_NOT_SYSDRIVE_EXPLORER, .cleanup = "trojan-removed"},
  /* --- files: what Nimda left after using the backdoor (2.4) ---------- */
  {.id = "NIMDA-TFTP", .family = "nimda", .kind = RS_K_FILE, .role = RS_ROLE_USE,
   .severity = "high", .title = "tftp temporary file in an IIS script folder",
   .why = "tftp ran in the script folder: a remote command was executed through root.exe",
   .ref = "codered-artifacts 2.4", .name = "tftp", .where = RS_W_SCRIPT_DIRS,
   .match = RS_M_PREFIX, .cleanup = "no-backdoor-use"},
  {.id = "NIMDA-ADMINDLL", .family = "nimda", .kind = RS_K_FILE, .role = RS_ROLE_USE,
   .severity = "high", .title = "Admin.dll in an IIS script folder",
   .why = "Nimda pulls Admin.dll through root.exe and tftp",
   .ref = "codered-artifacts 2.4", .name = "admin.dll", .where = RS_W_SCRIPT_DIRS,
   .match = RS_M_NAME, .cleanup = "no-backdoor-use"},
  {.id = "NIMDA-ADMINDLL-ROOT", .family = "nimda", .kind = RS_K_FILE, .role = RS_ROLE_NIMDA,
   .severity = "high", .title = "Admin.dll in a drive root",
   .why = "Nimda drops copies of itself as Admin.dll in drive roots",
   .ref = "codered-artifacts 2.4", .name = "admin.dll", .where = RS_W_VOLUME_ROOT,
   .match = RS_M_NAME},
  {.id = "NIMDA-MMC", .family = "nimda", .kind = RS_K_FILE, .role = RS_ROLE_NIMDA,
   .severity = "medium", .title = "mmc.exe directly in %SystemRoot%",
   .why = "Nimda copies itself to %windir%\\mmc.exe (the real one lives in system32)",
   .ref = "codered-artifacts 2.4", .name = "mmc.exe", .where = RS_W_WINDIR, .match = RS_M_NAME},
  {.id = "NIMDA-README-EML", .family = "nimda", .kind = RS_K_FILE, .role = RS_ROLE_NIMDA,
   .severity = "medium", .title = "readme.eml in a web folder",
   .why = "Nimda writes readme.eml next to web pages",
   .ref = "codered-artifacts 2.4", .name = "readme.eml", .where = RS_W_WEB_DIRS,
   .match = RS_M_NAME},
  /* --- Nimda's own footprint on a server (2.4, 12, 13) ------------------ */
  {.id = "NIMDA-WEBPAGE", .family = "nimda", .kind = RS_K_CONTENT, .role = RS_ROLE_NIMDA_INF,
   .severity = "critical", .title = "web page ending in Nimda's readme.eml script",
   .why = "Nimda appends window.open(\"readme.eml\", ...) to pages named default, index, main "
          "or readme; W32/Chir.B appends the same line, so without a Nimda copy or marker on "
          "the host the finding says Nimda or Chir.B",
   .ref = "codered-artifacts 12, 13", .name = "*default*|*index*|*main*|*readme*.htm/.html/.asp",
   .where = RS_W_ANY, .match = RS_M_PAGE_SCRIPT, .cleanup = "nimda-pages-restored"},
  {.id = "NIMDA-EML", .family = "nimda", .kind = RS_K_CONTENT, .role = RS_ROLE_NIMDA_INF,
   .severity = "high", .title = ".eml/.nws file holding Nimda's base64 marker",
   .why = "Nimda's readme.eml and *.eml/*.nws copies carry its executable, whose base64 holds "
          "Kz29vb29oWsrLPh4eisrPb09Pb2 (decided by content, not by name)",
   .ref = "codered-artifacts 12, 13", .name = "*.eml|*.nws", .where = RS_W_ANY,
   .match = RS_M_EML_MARKER, .cleanup = "nimda-copies-removed"},
  {.id = "NIMDA-BINARY", .family = "nimda", .kind = RS_K_CONTENT, .role = RS_ROLE_NIMDA_INF,
   .severity = "critical", .title = "executable holding a Nimda marker string",
   .why = "fsdhqherwqi2001 or the Concept Virus(CV) string (V.5; V.6 for Nimda.E) is in "
          "Nimda's own code, whatever the copy is called; copies without it keep the lower "
          "severity of their name rows",
   .ref = "codered-artifacts 12, 13",
   .name = "riched20.dll|load.exe|mmc.exe|readme.exe|httpodbc.dll|cool.dll|sample.exe|csrss.exe",
   .where = RS_W_ANY, .match = RS_M_PE_MARKER, .cleanup = "nimda-copies-removed"},
  {.id = "NIMDA-SYSTEM-INI", .family = "nimda", .kind = RS_K_CONTENT, .role = RS_ROLE_NIMDA_INF,
   .severity = "critical", .title = "system.ini starts load.exe as the shell",
   .why = "Nimda restarts at logon through shell=explorer.exe load.exe -dontrunold",
   .ref = "codered-artifacts 2.4, 13", .name = "system.ini", .where = RS_W_WINDIR,
   .match = RS_M_INI_SHELL, .cleanup = "nimda-copies-removed"},
  {.id = "NIMDA-GUEST-ADMIN", .family = "nimda", .kind = RS_K_SAM_GUEST,
   .role = RS_ROLE_NIMDA_INF, .severity = "critical",
   .title = "Guest account enabled and a member of Administrators",
   .why = "Nimda runs net user guest /active and net localgroup Administrators guest: anyone "
          "can log on as an administrator",
   .ref = "codered-artifacts 2.4, 13", .name = "SAM\\Domains\\Account\\Users\\000001F5 F; "
   "SAM\\Domains\\Builtin\\Aliases\\00000220 C", .cleanup = "guest-disabled"},
  {.id = "NIMDA-SHARE-C", .family = "nimda", .kind = RS_K_REG_SHARE, .role = RS_ROLE_NIMDA_INF,
   .severity = "critical", .title = "C$ published as C:\\ with the share security removed",
   .why = "Nimda runs net share c$=c:\\ and deletes every subkey of Shares\\Security: the "
          "whole drive is shared without its access control",
   .ref = "codered-artifacts 2.4, 13", .name = "C$", .arg = "C:\\",
   .key = "Services\\lanmanserver\\Shares", .cleanup = "shares-reset"},
  {.id = "NIMDA-SECEVENT", .family = "nimda", .kind = RS_K_EVT_ACCOUNT, .role = RS_ROLE_INFO,
   .severity = "high", .title = "Security log: Guest enabled or added to Administrators",
   .why = "with auditing on, the account takeover is logged (W2K events 624, 626, 636) and "
          "dates it",
   .ref = "codered-artifacts 13", .name = "624,626,636", .key = "SecEvent.Evt",
   .corroborates = "NIMDA-GUEST-ADMIN"},
  /* --- files: Code Red I lysine (2.2) ---------------------------------- */
  {.id = "CR1-NOTWORM", .family = "code-red-1", .kind = RS_K_FILE, .role = RS_ROLE_INFO,
   .severity = "low", .title = "notworm marker in a drive root",
   .why = "Code Red I threads stop when C:\\notworm exists; sources disagree whether the worm creates it",
   .ref = "codered-artifacts 2.2", .name = "notworm", .where = RS_W_VOLUME_ROOT,
   .match = RS_M_NAME},
  /* --- registry: Code Red II trojan values (3.1) ----------------------- */
  {.id = "CR2-VROOT-C", .family = "code-red-2", .kind = RS_K_REG_VROOT, .role = RS_ROLE_CR2,
   .severity = "critical", .title = "virtual root /C maps drive C: to the web",
   .why = "Code Red II's trojan adds /C = c:\\,,217 so the whole drive is served and executable",
   .ref = "codered-artifacts 3.1", .name = "/C", .cleanup = "vroots-removed"},
  {.id = "CR2-VROOT-D", .family = "code-red-2", .kind = RS_K_REG_VROOT, .role = RS_ROLE_CR2,
   .severity = "critical", .title = "virtual root /D maps drive D: to the web",
   .why = "Code Red II's trojan adds /D = d:\\,,217",
   .ref = "codered-artifacts 3.1", .name = "/D", .cleanup = "vroots-removed"},
  {.id = "CR2-PERM-SCRIPTS", .family = "code-red-2", .kind = RS_K_REG_VROOT_PERM,
   .role = RS_ROLE_INFO, .severity = "high",
   .title = "/Scripts virtual root has permission 217",
   .why = "Code Red II sets the third field of /Scripts to 217 (meaning UNCONFIRMED; matched literally)",
   .ref = "codered-artifacts 3.1", .name = "/Scripts", .arg = "217",
   .cleanup = "script-perms-restored"},
  {.id = "CR2-PERM-MSADC", .family = "code-red-2", .kind = RS_K_REG_VROOT_PERM,
   .role = RS_ROLE_INFO, .severity = "high",
   .title = "/MSADC virtual root has permission 217",
   .why = "Code Red II sets the third field of /MSADC to 217 (meaning UNCONFIRMED; matched literally)",
   .ref = "codered-artifacts 3.1", .name = "/MSADC", .arg = "217",
   .cleanup = "script-perms-restored"},
  {.id = "CR2-SFCDISABLE", .family = "code-red-2", .kind = RS_K_REG_DWORD, .role = RS_ROLE_CR2,
   .severity = "high", .title = "Windows File Protection disabled (SFCDisable = 0xFFFFFF9D)",
   .why = "Code Red II's trojan sets SFCDisable to 0xFFFFFF9D (-99), turning WFP off",
   .ref = "codered-artifacts 3.1", .name = "SFCDisable",
   .key = "Microsoft\\Windows NT\\CurrentVersion\\Winlogon", .arg = "0xffffff9d",
   .cleanup = "sfcdisable-reset"},
  /* --- metabase (4, 8 item 4): heuristic ------------------------------- */
  {.id = "CR2-METABASE-VDIR", .family = "code-red-2", .kind = RS_K_METABASE_VDIR,
   .role = RS_ROLE_INFO, .severity = "medium",
   .title = "MetaBase.bin appears to name /C or /D virtual directories (heuristic)",
   .why = "IIS 5 keeps virtual directories in the metabase; ACR2 removes /C and /D there too",
   .ref = "codered-artifacts 4, 8", .cleanup = "vroots-removed"},
  /* --- idq.dll (5) ------------------------------------------------------ */
  {.id = "IDQ-DLL", .family = "patch", .kind = RS_K_PE_IDQ, .role = RS_ROLE_INFO,
   .severity = "info", .title = "idq.dll (Index Server ISAPI) version",
   .why = "the .ida/.idq overflow is in idq.dll; its version decides patched or vulnerable",
   .ref = "codered-artifacts 5", .name = "idq.dll", .cleanup = "fix-installed"},
  {.id = "PATCH-CONTRADICTION", .family = "patch", .kind = RS_K_PATCH_CONFLICT,
   .role = RS_ROLE_INFO, .severity = "medium",
   .title = "hotfix key says the fix is installed, but the live idq.dll is an unpatched build",
   .why = "the key alone never proves the fix: on NT4, re-applying SP6a after the original "
          "patch silently undid it",
   .ref = "codered-artifacts 3.3, 5", .name = "Q300972,Q301625,Q299444,Q317636"},
  /* --- script maps (4): the state itself, with the source that decided -- */
  {.id = "SCRIPTMAP-IDA", .family = "patch", .kind = RS_K_SCRIPTMAP, .role = RS_ROLE_INFO,
   .severity = "info", .title = ".ida script mapping (Index Server ISAPI)",
   .why = "Code Red reaches idq.dll through the .ida mapping; IIS 4/5 keep it in the metabase, "
          "the registry Script Map key is the older copy",
   .ref = "codered-artifacts 4", .name = ".ida"},
  {.id = "SCRIPTMAP-IDQ", .family = "patch", .kind = RS_K_SCRIPTMAP, .role = RS_ROLE_INFO,
   .severity = "info", .title = ".idq script mapping (Index Server ISAPI)",
   .why = "the .idq mapping reaches the same idq.dll flaw; removing both is the workaround",
   .ref = "codered-artifacts 4", .name = ".idq"},
  /* --- logs (6.3, 6.4) --------------------------------------------------- */
  {.id = "LOG-CR1", .family = "code-red-1", .kind = RS_K_LOG_FAMILY, .role = RS_ROLE_ATTEMPT,
   .severity = "medium", .title = "Code Red I requests (N padding) in IIS logs",
   .why = "GET /default.ida?NNNN... is Code Red I's exploit request", .ref = "codered-artifacts 6.3",
   .name = "code_red_1"},
  {.id = "LOG-CR2", .family = "code-red-2", .kind = RS_K_LOG_FAMILY, .role = RS_ROLE_ATTEMPT,
   .severity = "medium", .title = "Code Red II requests (X padding) in IIS logs",
   .why = "GET /default.ida?XXXX... is Code Red II's exploit request", .ref = "codered-artifacts 6.3",
   .name = "code_red_2"},
  {.id = "LOG-CR-UNKNOWN", .family = "code-red", .kind = RS_K_LOG_FAMILY, .role = RS_ROLE_ATTEMPT,
   .severity = "medium", .title = "Code Red requests of unknown variant (query not logged)",
   .why = "the IIS 5 default W3C fields have no query column, so N and X padding are invisible",
   .ref = "codered-artifacts 6.2, 6.3", .name = "code_red_unknown"},
  {.id = "LOG-IDA-OTHER", .family = "code-red", .kind = RS_K_LOG_FAMILY, .role = RS_ROLE_ATTEMPT,
   .severity = "low", .title = "other .ida/.idq overflow attempts",
   .why = "long padding on .ida/.idq requests targets the same idq.dll flaw",
   .ref = "codered-artifacts 6.3", .name = "ida_other"},
  {.id = "LOG-NIMDA", .family = "nimda", .kind = RS_K_LOG_FAMILY, .role = RS_ROLE_ATTEMPT,
   .severity = "medium", .title = "Nimda probes in IIS logs",
   .why = "Nimda probes root.exe, the /c and /d roots and traversals to cmd.exe",
   .ref = "codered-artifacts 6.3", .name = "nimda"},
  {.id = "LOG-ROOTEXE-OTHER", .family = "other", .kind = RS_K_LOG_FAMILY, .role = RS_ROLE_ATTEMPT,
   .severity = "high", .title = "root.exe / cmd.exe requests that match no worm",
   .why = "requests for the backdoor that are not a worm's pattern suggest manual use",
   .ref = "codered-artifacts 6.4", .name = "root_exe_other"},
  {.id = "LOG-BACKDOOR-USE", .family = "code-red-2", .kind = RS_K_LOG_BACKDOOR,
   .role = RS_ROLE_USE, .severity = "critical",
   .title = "the backdoor answered a request (2xx or 502)",
   .why = "200 returns command output; 502 means cmd.exe ran but sent no CGI headers",
   .ref = "codered-artifacts 6.4", .cleanup = "no-backdoor-use"},
  /* --- the host's own account (11): event logs, Dr. Watson, UrlScan --------
   * Context only: none changes the verdict; each backs up the findings it
   * names (docs/evtlogs.md; the stage is scan/evt.c). */
#define RS_CR_LOGS "LOG-CR1,LOG-CR2,LOG-CR-UNKNOWN,LOG-IDA-OTHER"
  {.id = "EVT-IIS-CRASH", .family = "iis", .kind = RS_K_EVENT, .role = RS_ROLE_INFO,
   .severity = "medium", .title = "the WWW or IIS Admin service died (SCM 7031/7034)",
   .why = "a Code Red request that does not infect can crash inetinfo.exe; the Service Control "
          "Manager logs the service's end",
   .ref = "codered-artifacts 11", .name = "System log 7031/7034",
   .corroborates = RS_CR_LOGS ",W3SVC-DLL"},
  {.id = "EVT-APP-CRASH-INETINFO", .family = "iis", .kind = RS_K_EVENT, .role = RS_ROLE_INFO,
   .severity = "medium", .title = "Dr. Watson caught inetinfo.exe (Application log 4097)",
   .why = "IIS 4.0 may shut down and generate a Dr. Watson report on Code Red's request (Q305359)",
   .ref = "codered-artifacts 11", .name = "Application log 4097",
   .corroborates = RS_CR_LOGS ",W3SVC-DLL"},
  {.id = "DRWATSON-INETINFO", .family = "iis", .kind = RS_K_EVENT, .role = RS_ROLE_INFO,
   .severity = "medium", .title = "drwtsn32.log reports an inetinfo.exe crash",
   .why = "Dr. Watson's own log of the crash: time (local), exception code, faulting address",
   .ref = "codered-artifacts 11", .name = "drwtsn32.log",
   .corroborates = RS_CR_LOGS ",W3SVC-DLL"},
  {.id = "EVT-WFP-DISABLED", .family = "code-red-2", .kind = RS_K_EVENT, .role = RS_ROLE_INFO,
   .severity = "medium", .title = "Windows File Protection reported itself not active (64032)",
   .why = "logged at boot when SFCDisable is 0xFFFFFF9D: a dated trace of Code Red II's registry "
          "write",
   .ref = "codered-artifacts 11", .name = "System log 64032", .corroborates = "CR2-SFCDISABLE"},
  {.id = "EVT-UNEXPECTED-SHUTDOWN", .family = "iis", .kind = RS_K_EVENT, .role = RS_ROLE_INFO,
   .severity = "low", .title = "the previous shutdown was unexpected (6008)",
   .why = "the machine stopped without shutting down: a crash, a power loss or a hard reset",
   .ref = "codered-artifacts 11", .name = "System log 6008",
   .corroborates = "EVT-IIS-CRASH," RS_CR_LOGS},
  {.id = "CRASH-AFTER-WORM-REQUEST", .family = "code-red", .kind = RS_K_EVENT,
   .role = RS_ROLE_INFO, .severity = "high",
   .title = "IIS crashed within 10 minutes after a Code Red request",
   .why = "the request reached the ISAPI code and took the server down: it was exposed, whatever "
          "the patch state says",
   .ref = "codered-artifacts 11", .name = "crash time - request time <= 600 s",
   .corroborates = RS_CR_LOGS ",EVT-IIS-CRASH,EVT-APP-CRASH-INETINFO,DRWATSON-INETINFO,W3SVC-DLL"},
  {.id = "URLSCAN-BLOCKED-IDA", .family = "iis", .kind = RS_K_EVENT, .role = RS_ROLE_INFO,
   .severity = "info", .title = "UrlScan rejected .ida/.idq requests",
   .why = "a filter refused the worm's request before idq.dll saw it: a block was in place, and when",
   .ref = "codered-artifacts 11", .name = "urlscan*.log", .corroborates = RS_CR_LOGS ",IDQ-DLL"},
  {.id = "W3SVC-DLL", .family = "patch", .kind = RS_K_EVENT, .role = RS_ROLE_INFO,
   .severity = "medium", .title = "IIS 4.0 W3svc.dll below 4.2.769.1 (Q301625)",
   .why = "this build may shut down under Code Red's malformed request (Q305359; fixed by "
          "Q301625 / MS01-044)",
   .ref = "codered-artifacts 11", .name = "W3svc.dll", .corroborates = RS_CR_LOGS},
#undef RS_CR_LOGS
  /* --- memory residue (12): the bundled rules over the page file, hiberfil.sys
   * and crash dumps (stage scan/residue.c). Context: the worms travel whole in
   * their request, so their bytes in memory prove that the request reached the
   * host, not that it ran; with a vulnerable idq.dll and Code Red requests
   * answered 2xx the finding says it supports "infected in memory at the time". */
  {.id = "RESIDUE-CODE-RED-1", .family = "code-red-1", .kind = RS_K_RESIDUE,
   .role = RS_ROLE_INFO, .severity = "medium",
   .title = "Code Red I bytes in memory residue",
   .why = "the worm's request or body reached this host's memory (page file, hibernation file "
          "or crash dump); on its own this is context, not infection",
   .ref = "codered-artifacts 12", .name = "CodeRed1_Body, CodeRed1_Request (rules/codered1.yar)",
   .corroborates = "LOG-CR1,LOG-CR-UNKNOWN"},
  {.id = "RESIDUE-CODE-RED-2", .family = "code-red-2", .kind = RS_K_RESIDUE,
   .role = RS_ROLE_INFO, .severity = "medium",
   .title = "Code Red II bytes in memory residue",
   .why = "the worm's request or body reached this host's memory (page file, hibernation file "
          "or crash dump); on its own this is context, not infection",
   .ref = "codered-artifacts 12", .name = "CodeRed2_Body, CodeRed2_Request (rules/codered2.yar)",
   .corroborates = "LOG-CR2,LOG-CR-UNKNOWN"},
  {.id = "RESIDUE-NIMDA", .family = "nimda", .kind = RS_K_RESIDUE, .role = RS_ROLE_INFO,
   .severity = "medium", .title = "Nimda bytes in memory residue",
   .why = "Nimda's strings (its copyright line, executable or .eml marker) were in this host's "
          "memory; on its own this is context, not infection",
   .ref = "codered-artifacts 12", .name = "Nimda, Nimda_E (rules/nimda.yar)",
   .corroborates = "LOG-NIMDA"},
  /* carved log lines (12): around every default.ida, root.exe or cmd.exe in
   * memory residue (and unallocated space with --unallocated) the whole text
   * line, read by the IIS log parser (scan/carved.c). Context; a carved
   * backdoor use answered 2xx on a host with Code Red II artifacts (live or
   * deleted) counts as use of the backdoor (verdict.c). */
  {.id = "RESIDUE-LOG-LINE", .family = "other", .kind = RS_K_RESIDUE_LOG, .role = RS_ROLE_INFO,
   .severity = "low", .title = "IIS log line carved from memory residue or unallocated space",
   .why = "a request line naming default.ida, root.exe or cmd.exe outlived its log file (page "
          "file, hibernation file, crash dump or free clusters); a backdoor use answered 2xx "
          "counts as use only on a host with Code Red II artifacts",
   .ref = "codered-artifacts 12", .name = "default.ida, root.exe, cmd.exe",
   .corroborates = "LOG-BACKDOOR-USE,LOG-CR1,LOG-CR2"},
  /* --- the user's own rules and hash sets (issue 17; stage scan/content.c):
   * context unless a rule's meta says redsleuth_role = "infected", which makes
   * that finding count for the infected verdict (analysis/verdict.c). */
  {.id = "YARA-MATCH", .family = "other", .kind = RS_K_YARA, .role = RS_ROLE_INFO,
   .severity = "medium", .title = "A user YARA rule matched",
   .why = "a rule given with --yara fired on a file's content (an NTFS named stream's, "
          "named file:stream, too) or on memory residue; what it "
          "means is the rule author's (its meta, tags and matched strings are in the finding)",
   .ref = "codered-artifacts 12", .name = "rules given with --yara"},
  {.id = "HASHSET-MATCH", .family = "other", .kind = RS_K_HASHSET, .role = RS_ROLE_INFO,
   .severity = "medium", .title = "A file's digest is in a hash set",
   .why = "the file's (or NTFS named stream's) MD5, SHA-1 or SHA-256 is listed in a set given "
          "with --hashset; what it "
          "means is the set's (known bad, or an NSRL known file)",
   .ref = "codered-artifacts 12", .name = "sets given with --hashset"},
};
const size_t rs_ncheck = sizeof rs_checks / sizeof rs_checks[0];

const struct rs_cleanup_item rs_cleanup_items[] = {
  {"rootexe-removed", "no root.exe copy of cmd.exe in any IIS script folder", "codered-artifacts 8.1"},
  {"trojan-removed", "no trojan explorer.exe in any drive root", "codered-artifacts 8.2"},
  {"vroots-removed", "no /C or /D virtual root in any control set or in the metabase", "codered-artifacts 8.3, 8.4"},
  {"script-perms-restored", "/Scripts and /MSADC no longer carry permission 217 in any control set", "codered-artifacts 8.3"},
  {"sfcdisable-reset", "SFCDisable is not 0xFFFFFF9D", "codered-artifacts 8.5"},
  {"fix-installed", "idq.dll is a fixed build (or .ida/.idq are unmapped: mitigated only)", "codered-artifacts 8.6"},
  {"shell-path-fix", "MS00-052 (Q269049) or the NT4 security rollup is installed, so a root trojan cannot run", "codered-artifacts 8.7"},
  {"no-backdoor-use", "no evidence that the backdoor was used", "codered-artifacts 8.8"},
  {"memory-state", "memory state and a reboot after cleaning cannot be proven from a disk image", "codered-artifacts 8.9"},
  {"nimda-pages-restored", "no web page ends in Nimda's readme.eml script", "codered-artifacts 13"},
  {"nimda-copies-removed", "no Nimda copy (.eml/.nws with its marker, marked executables, the system.ini load.exe line)", "codered-artifacts 12, 13"},
  {"guest-disabled", "Guest is disabled and not a member of Administrators", "codered-artifacts 13"},
  {"shares-reset", "no C$ share published as C:\\ without its security", "codered-artifacts 13"},
};
const size_t rs_ncleanup = sizeof rs_cleanup_items / sizeof rs_cleanup_items[0];

const struct rs_check *rs_check_find(const char *id)
{
  for (size_t i = 0; i < rs_ncheck; i++)
    if (strcmp(rs_checks[i].id, id) == 0)
      return &rs_checks[i];
  return NULL;
}
