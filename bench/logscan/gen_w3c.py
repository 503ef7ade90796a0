#!/usr/bin/env python3
"""Writes a synthetic IIS 5 W3C log: ~1% worm lines (Code Red I/II, Nimda
probes), the rest ordinary requests with realistic user agents.
Usage: gen_w3c.py OUT SIZE_MB"""
import random, sys

out, size_mb = sys.argv[1], int(sys.argv[2])
rnd = random.Random(2001)
tail = "%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a"
worm = [
    ("/default.ida", "N" * 224 + tail, "404"),
    ("/default.ida", "X" * 224 + tail, "404"),
    ("/scripts/root.exe", "/c+dir", "404"),
    ("/MSADC/root.exe", "/c+dir", "404"),
    ("/c/winnt/system32/cmd.exe", "/c+dir", "404"),
    ("/scripts/..%255c../winnt/system32/cmd.exe", "/c+dir", "404"),
]
stems = ["/index.html", "/images/logo.gif", "/css/site.css", "/search.asp", "/products/list.asp",
         "/default.htm", "/img/banner.jpg", "/scripts/counter.exe"]
uas = ["Mozilla/4.0+(compatible;+MSIE+5.5;+Windows+NT+5.0)",
       "Mozilla/4.0+(compatible;+MSIE+6.0;+Windows+98)",
       "Mozilla/4.78+[en]+(Windows+NT+5.0;+U)", "-"]
hdr = ("#Software: Microsoft Internet Information Services 5.0\r\n#Version: 1.0\r\n"
       "#Date: 2001-08-04 00:00:00\r\n#Fields: date time c-ip cs-username s-ip s-port cs-method "
       "cs-uri-stem cs-uri-query sc-status sc-bytes cs-bytes time-taken cs(User-Agent) cs(Referer)\r\n")
lines = []
for i in range(20000):
    t = "%02d:%02d:%02d" % (i // 3600 % 24, i // 60 % 60, i % 60)
    ip = "%d.%d.%d.%d" % (rnd.randint(1, 223), rnd.randint(0, 255), rnd.randint(0, 255), rnd.randint(1, 254))
    if rnd.random() < 0.01:
        s, q, st = rnd.choice(worm)
        ua = "-"
    else:
        s = rnd.choice(stems)
        q = "q=shoes&page=%d" % rnd.randint(1, 9) if s.endswith(".asp") else "-"
        st = rnd.choice(["200", "200", "200", "304", "404"])
        ua = rnd.choice(uas)
    lines.append("2001-08-04 %s %s - 10.0.0.1 80 GET %s %s %s %d %d %d %s http://www.example.com/\r\n"
                 % (t, ip, s, q, st, rnd.randint(100, 30000), rnd.randint(200, 600), rnd.randint(0, 900), ua))
block = hdr + "".join(lines)
data = block.encode("latin-1")
with open(out, "wb") as f:
    n = 0
    while n < size_mb * 1000 * 1000:
        f.write(data)
        n += len(data)
