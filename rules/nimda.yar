// Bundled redsleuth rules: Nimda.
// Written here from public facts (codered-artifacts.md section 12 and the sources it
// names); no byte of a worm sample was used. Every string is matched in ASCII and
// UTF-16LE. The strings travel inside the worm's HTTP request, so a hit in memory
// residue proves the worm's bytes reached the host, not that it ran there
// (redsleuth_role = "context").
//
// Rules here must fire only through their strings (conditions of the "any of them"
// kind, looking at most 64 bytes before a match): redsleuth's pre-filter runs YARA
// only around the literal strings of these rules (docs/content.md). A string that is not
// a literal names one every match of it contains: meta redsleuth_anchor_<id>.

rule Nimda : nimda residue
{
  meta:
    description = "Nimda: its copyright text (whitespace varies between copies), the string in its executables, the base64 marker of its .eml/.nws files"
    family = "nimda"
    redsleuth_check = "RESIDUE-NIMDA"
    redsleuth_role = "context"
    source = "codered-artifacts.md section 12 (Nimda; XFOCUS)"
    note = "the readme.eml page script alone is not used: W32/Chir.B carries the same script (section 12)"
    redsleuth_anchor_cv = "Virus(CV)"
  strings:
    $cv = /Concept\s{0,8}Virus\(CV\)\s{0,8}V\.5,\s{0,8}Copyright\(C\)\s{0,8}2001/ ascii wide
    $exe = "fsdhqherwqi2001" ascii wide
    $eml = "Kz29vb29oWsrLPh4eisrPb09Pb2" ascii wide
  condition:
    any of them
}

rule Nimda_E : nimda residue
{
  meta:
    description = "Nimda.E (2001-10-29): the string in its executables and its V.6 copyright text"
    family = "nimda"
    redsleuth_check = "RESIDUE-NIMDA"
    redsleuth_role = "context"
    source = "codered-artifacts.md section 12 (Nimda.E; F-Secure net-worm-w32-nimda-e, Trend Micro text)"
    redsleuth_anchor_cv = "Virus(CV)"
  strings:
    $exe = "efqpm2300dfhroop" ascii wide
    $cv = /Concept\s{0,8}Virus\(CV\)\s{0,8}V\.6,\s{0,8}Copyright\(C\)\s{0,8}2001/ ascii wide
  condition:
    any of them
}
