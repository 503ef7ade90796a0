"""W3C log lines for the benchmarks (imported by logscan/gen_w3c.py and populate.py).

Two shapes:
- "long": the issue-8 shape, 15 fields with bytes, time-taken and referer, ~150 bytes a line.
- "web":  a real IIS 5 server's shape, 11 fields (date time c-ip cs-username s-ip s-port
  cs-method cs-uri-stem cs-uri-query sc-status cs(User-Agent)), lines of 100-130 bytes
  (tail of the agent list longer), about 2 % of the queries %-encoded (site search)
  and a few legitimate .exe/.dll stems, so the pre-filter sees realistic candidates.
Worm lines are Code Red I/II (full 224-byte padding and payload, 2001-style) and Nimda
probes, at the rate asked; every worm line is one of the forms below."""

HDR_WEB = ("#Software: Microsoft Internet Information Services 5.0\r\n#Version: 1.0\r\n"
           "#Date: %s 00:00:00\r\n#Fields: date time c-ip cs-username s-ip s-port cs-method "
           "cs-uri-stem cs-uri-query sc-status cs(User-Agent)\r\n")
HDR_LONG = ("#Software: Microsoft Internet Information Services 5.0\r\n#Version: 1.0\r\n"
            "#Date: %s 00:00:00\r\n#Fields: date time c-ip cs-username s-ip s-port cs-method "
            "cs-uri-stem cs-uri-query sc-status sc-bytes cs-bytes time-taken cs(User-Agent) "
            "cs(Referer)\r\n")
TAIL = ("%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090"
        "%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a")
WORM = [
    ("/default.ida", "N" * 224 + TAIL, "404"),
    ("/default.ida", "X" * 224 + TAIL, "404"),
    ("/default.ida", "X" * 224 + TAIL, "404"),
    ("/scripts/root.exe", "/c+dir", "404"),
    ("/MSADC/root.exe", "/c+dir", "404"),
    ("/c/winnt/system32/cmd.exe", "/c+dir", "404"),
    ("/scripts/..%255c../winnt/system32/cmd.exe", "/c+dir", "404"),
]
STEMS = ["/", "/index.htm", "/images/logo.gif", "/images/nav_home.gif", "/css/site.css",
         "/products/list.asp", "/search.asp", "/news/2001/08/story.htm", "/img/banner.jpg",
         "/favicon.ico", "/robots.txt"]
ISAPI = ["/scripts/counter.exe", "/cgi-bin/stats.dll"]  # legitimate, about 1 % of the lines
AGENTS = ["Mozilla/4.0+(compatible;+MSIE+5.5;+Windows+98)",
          "Mozilla/4.0+(compatible;+MSIE+5.01;+Windows+NT+5.0)",
          "Mozilla/4.0+(compatible;+MSIE+6.0;+Windows+NT+5.1)",
          "Mozilla/4.78+[en]+(Win98;+U)", "Googlebot/2.1+(+http://www.googlebot.com/bot.html)",
          "-"]


def header(shape, day):
    return (HDR_WEB if shape == "web" else HDR_LONG) % day


def line(rnd, shape, i, day, hit_rate, pct_rate=0.02):
    """One request line (CRLF-terminated) and whether it is a worm line."""
    t = "%02d:%02d:%02d" % (i // 3600 % 24, i // 60 % 60, i % 60)
    ip = "%d.%d.%d.%d" % (rnd.randint(1, 223), rnd.randint(0, 255), rnd.randint(0, 255),
                          rnd.randint(1, 254))
    worm = rnd.random() < hit_rate
    if worm:
        s, q, st = rnd.choice(WORM)
        ua = "-"
    else:
        s = rnd.choice(ISAPI) if rnd.random() < 0.01 else rnd.choice(STEMS)
        if s == "/search.asp":
            q = ("q=red%%20shoes&p=%d" if rnd.random() < pct_rate * len(STEMS) else "q=shoes&p=%d") \
                % rnd.randint(1, 9)
        elif s.endswith(".asp"):
            q = "id=%d" % rnd.randint(1, 9999)
        else:
            q = "-"
        st = rnd.choice(["200", "200", "200", "304", "404"])
        ua = rnd.choice(AGENTS)
    if shape == "web":
        return ("%s %s %s - 192.0.2.1 80 GET %s %s %s %s\r\n" % (day, t, ip, s, q, st, ua)), worm
    return ("%s %s %s - 10.0.0.1 80 GET %s %s %s %d %d %d %s http://www.example.com/\r\n"
            % (day, t, ip, s, q, st, rnd.randint(100, 30000), rnd.randint(200, 600),
               rnd.randint(0, 900), ua)), worm
