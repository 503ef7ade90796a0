# Standalone: make -C bench/fswalk -f bench.mk (after building libredsleuth.a at the top)
TOP = ../..
CFLAGS = -O2 -g -std=c11 -Wall -Wextra -I$(TOP)/include
fswalk_bench: fswalk_bench.c $(TOP)/libredsleuth.a
	$(CC) $(CFLAGS) -o $@ fswalk_bench.c $(TOP)/libredsleuth.a -ltsk -lcrypto
clean:
	rm -f fswalk_bench
