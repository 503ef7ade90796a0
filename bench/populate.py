"""Fills a mounted NTFS volume with a Windows-like tree for the benchmark.
Usage: populate.py MNT FILES LOG_MB ROOT [SHAPE]
SHAPE "bench" (issue 8, the default): FILES files in 400 folders, one W3SVC1 with
  8 MB daily logs of ~120-byte lines and 1 % Code Red II lines (370 bytes).
SHAPE "web" (issue 15, a real web server's shape): FILES files in about 1,800
  folders, 92 daily logs shared by four W3SVC instances, lines of 100-130 bytes
  (bench/w3cgen.py "web"), 0.73 % worm lines (Code Red I and II, Nimda probes),
  about 2 % %-encoded queries and 1 % legitimate .exe/.dll requests."""
import os, random, shutil, sys, lzma

mnt, nfiles, log_mb, root = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
shape = sys.argv[5] if len(sys.argv) > 5 else "bench"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import w3cgen  # noqa: E402

rnd = random.Random(2001)
win = os.path.join(mnt, "WINNT")
sysdir = os.path.join(win, "system32")
for d in ["WINNT/system32/config", "WINNT/system32/inetsrv", "WINNT/system32/dllcache",
          "WINNT/system32/LogFiles/W3SVC1", "Inetpub/scripts", "Inetpub/wwwroot",
          "Program Files/Common Files/System/msadc", "Documents and Settings"]:
    os.makedirs(os.path.join(mnt, d), exist_ok=True)

# Hives: the fixture hives of the infected scenario, and the real 11.8 MB
# Windows 7 SYSTEM hive from shared/realdata as a large SYSTEM when present.
fx = os.path.join(root, "fixtures/out/w2k-cr2-used")
cfg = os.path.join(win, "system32/config")
for h in ("SYSTEM", "SOFTWARE"):
    src = os.path.join(fx, "hives", h)
    if os.path.exists(src):
        shutil.copy(src, os.path.join(cfg, h))
big = os.path.join(root, "../shared/realdata/registry/SYSTEM.xz")
if os.path.exists(big):
    with lzma.open(big) as f, open(os.path.join(cfg, "SYSTEM"), "wb") as o:
        shutil.copyfileobj(f, o)
for name in ("idq.dll", "cmd.exe"):
    for cand in ("fixtures/out/pe/idq-5.0.2195.1.dll", "fixtures/out/pe/cmd.exe"):
        p = os.path.join(root, cand)
        if os.path.exists(p) and cand.endswith(name.split(".")[1]):
            shutil.copy(p, os.path.join(sysdir, name))

# Folders: 400 (bench) or about 1,800 nested like a server's (web).
dirs = []
if shape == "web":
    tops = ["WINNT/system32", "WINNT/Help", "WINNT/Fonts", "Program Files",
            "Documents and Settings", "Inetpub/wwwroot"]
    for i in range(1800):
        top = tops[i % len(tops)]
        d = os.path.join(mnt, top, "d%02d" % (i % 60), "sub%04d" % i)
        dirs.append(d)
else:
    for i in range(400):
        top = rnd.choice(["WINNT/system32", "Program Files/App%02d" % (i % 40),
                          "Documents and Settings/user%02d" % (i % 20),
                          "Inetpub/wwwroot/site%02d" % (i % 10)])
        dirs.append(os.path.join(mnt, top, "dir%03d" % i))
for d in dirs:
    os.makedirs(d, exist_ok=True)
payload = b"x" * 200
for i in range(nfiles):
    d = dirs[i % len(dirs)]
    with open(os.path.join(d, "file%06d.%s" % (i, rnd.choice(["dll", "exe", "txt", "htm", "gif"]))), "wb") as f:
        f.write(payload[: (i % 200) + 1])


def bench_logs():
    """W3C logs, ~1% worm lines (Code Red II X padding)."""
    x = "X" * 224
    worm = ("%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801"
            "%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a")
    per_file = 8 << 20
    written, day = 0, 0
    while written < log_mb << 20:
        day += 1
        name = os.path.join(win, "system32/LogFiles/W3SVC1/ex01%02d%02d.log" % (7 + day // 28, 1 + day % 28))
        lines = ["#Software: Microsoft Internet Information Services 5.0\n", "#Version: 1.0\n",
                 "#Date: 2001-08-01 00:00:00\n",
                 "#Fields: date time c-ip cs-username s-ip s-port cs-method cs-uri-stem cs-uri-query sc-status cs(User-Agent)\n"]
        size = sum(map(len, lines))
        n = 0
        while size < per_file:
            n += 1
            ip = "198.51.100.%d" % (n % 250 + 1)
            if n % 100 == 0:
                l = "2001-08-04 %02d:%02d:%02d 203.0.113.%d - 192.0.2.1 80 GET /default.ida %s%s 404 -\n" % (
                    n // 3600 % 24, n // 60 % 60, n % 60, n % 250 + 1, x, worm)
            else:
                l = "2001-08-04 %02d:%02d:%02d %s - 192.0.2.1 80 GET /site/page%d.htm - 200 Mozilla/4.0+(compatible;+MSIE+5.5;+Windows+98)\n" % (
                    n // 3600 % 24, n // 60 % 60, n % 60, ip, n % 5000)
            lines.append(l)
            size += len(l)
        with open(name, "w") as f:
            f.writelines(lines)
        written += size


def web_logs():
    """92 daily logs, 23 days x W3SVC1-4, each about LOG_MB/92 MB."""
    per_file = (log_mb << 20) // 92
    for inst in range(1, 5):
        folder = os.path.join(win, "system32/LogFiles/W3SVC%d" % inst)
        os.makedirs(folder, exist_ok=True)
        for day in range(1, 24):
            date = "2001-07-%02d" % day
            out = [w3cgen.header("web", date)]
            size, i = len(out[0]), 0
            while size < per_file:
                # a busy day: the clock advances about one second every line or two
                l = w3cgen.line(rnd, "web", i * 17 // 30, date, 0.0073)[0]
                out.append(l)
                size += len(l)
                i += 1
            with open(os.path.join(folder, "ex0107%02d.log" % day), "w", encoding="latin-1",
                      newline="") as f:
                f.writelines(out)


web_logs() if shape == "web" else bench_logs()
