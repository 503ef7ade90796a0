// Bundled redsleuth rules: Code Red I.
// Written here from public facts (codered-artifacts.md section 12 and the sources it
// names); no byte of a worm sample was used. Every string is matched in ASCII and
// UTF-16LE. The strings travel inside the worm's HTTP request, so a hit in memory
// residue proves the worm's bytes reached the host, not that it ran there
// (redsleuth_role = "context").
//
// Rules here must fire only through their strings (conditions of the "any of them"
// kind, looking at most 64 bytes before a match): redsleuth's pre-filter runs YARA
// only around the literal strings of these rules (docs/content.md).

rule CodeRed1_Body : code_red_1 residue
{
  meta:
    description = "Code Red I body: its Host header, defacement page and lysine file name"
    family = "code_red_1"
    redsleuth_check = "RESIDUE-CODE-RED-1"
    redsleuth_role = "context"
    source = "codered-artifacts.md section 12 (Code Red I); community YARA rules, single source (S)"
    note = "the page misspells <body> as <bady>; c:\\notworm is the file each thread checks (section 2)"
  strings:
    $host = "HOST:www.worm.com" ascii wide
    $title = "<title>HELLO!</title></head><bady>" ascii wide
    $welcome = "Welcome to http://www.worm.com !<br><br>Hacked By Chinese!" ascii wide
    $lysine = "c:\\notworm" nocase ascii wide
  condition:
    any of them
}

rule CodeRed1_Request : code_red_1 residue
{
  meta:
    description = "Code Red I request as sent: GET /default.ida? + 224 N + the %u shellcode tail"
    family = "code_red_1"
    redsleuth_check = "RESIDUE-CODE-RED-1"
    redsleuth_role = "context"
    source = "codered-artifacts.md sections 6 and 12 (Code Red I request; APACHEWEEK, JPGUIDE)"
    note = "not counted when a double quote comes right before it: that is an NCSA log line, read by the log parser"
  strings:
    $a = "GET /default.ida?NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a" ascii
    $w = "GET /default.ida?NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a" wide
  condition:
    for any i in (1..#a) : (@a[i] == 0 or uint8(@a[i] - 1) != 0x22) or
    for any i in (1..#w) : (@w[i] < 2 or uint16(@w[i] - 2) != 0x0022)
}
