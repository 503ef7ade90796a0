#!/bin/sh
# Builds the 250,000-file NTFS bench image in /tmp/fsw/big (not committed).
set -e
cd /tmp/fsw/big
rm -f big.raw; truncate -s 3G big.raw
mkntfs -F -Q -L BIG big.raw >/dev/null
mkdir -p mnt
ntfs-3g big.raw mnt
python3 - <<'PY'
import os
base='/tmp/fsw/big/mnt'
n=0
for d in range(500):
    dp=os.path.join(base,'d%03d'%d)
    os.mkdir(dp)
    for s in range(2):
        sp=os.path.join(dp,'sub%d'%s); os.mkdir(sp)
        for f in range(250):
            with open(os.path.join(sp,'file_%d_%d.txt'%(s,f)),'w') as fh: fh.write('x'*(f%50))
            n+=1
print(n)
PY
# delete some files (last step) so there are deleted entries
rm -f mnt/d00*/sub0/file_0_1*.txt
rm -rf mnt/d499
umount mnt
echo done
