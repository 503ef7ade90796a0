// Bundled redsleuth rules: Code Red II.
// Written here from public facts (codered-artifacts.md section 12 and the sources it
// names); no byte of a worm sample was used. Every string is matched in ASCII and
// UTF-16LE. The strings travel inside the worm's HTTP request, so a hit in memory
// residue proves the worm's bytes reached the host, not that it ran there
// (redsleuth_role = "context").
//
// Rules here must fire only through their strings (conditions of the "any of them"
// kind, looking at most 64 bytes before a match): redsleuth's pre-filter runs YARA
// only around the literal strings of these rules (docs/content.md).

rule CodeRed2_Body : code_red_2 residue
{
  meta:
    description = "Code Red II body: its atom name and the paths it copies cmd.exe to"
    family = "code_red_2"
    redsleuth_check = "RESIDUE-CODE-RED-2"
    redsleuth_role = "context"
    source = "codered-artifacts.md section 12 (Code Red II); community YARA rules, single source (S)"
  strings:
    $atom = "CodeRedII" ascii wide
    $scripts = "d:\\inetpub\\scripts\\root.exe" nocase ascii wide
    $msadc = "d:\\progra~1\\common~1\\system\\MSADC\\root.exe" nocase ascii wide
  condition:
    any of them
}

rule CodeRed2_Request : code_red_2 residue
{
  meta:
    description = "Code Red II request as sent: GET /default.ida? + 224 X + the %u shellcode tail"
    family = "code_red_2"
    redsleuth_check = "RESIDUE-CODE-RED-2"
    redsleuth_role = "context"
    source = "codered-artifacts.md sections 6 and 12 (Code Red II request; WIKI-CRII, JPGUIDE)"
    note = "not counted when a double quote comes right before it: that is an NCSA log line, read by the log parser"
  strings:
    $a = "GET /default.ida?XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a" ascii
    $w = "GET /default.ida?XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a" wide
  condition:
    for any i in (1..#a) : (@a[i] == 0 or uint8(@a[i] - 1) != 0x22) or
    for any i in (1..#w) : (@w[i] < 2 or uint16(@w[i] - 2) != 0x0022)
}
