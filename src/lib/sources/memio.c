/* Bounded read-only libbfio handles over memory, for the libyal readers
 * (libregf in hive.c, libevt in evt.c): evidence is read into a buffer
 * through libtsk and handed to the library without copying it again. */
#include "sources/memio.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libbfio's own memory range (libbfio 20170123, Debian 12) copies the
 * requested size, not the size left in the range, so a read that straddles
 * the end of a truncated hive reads past the caller's buffer (found by
 * fuzz/fuzz_hive.c). These callbacks never copy more than is left. */
struct rs_memio {
  const uint8_t *p;
  size_t len;
  size_t off;
  bool open;
  const struct rs_memio_patch *patch; /* overlay (borrowed), sorted by off */
  size_t npatch;
};

static int memio_free(intptr_t **io, libbfio_error_t **e)
{
  (void)e;
  if (io && *io) {
    free(*io);
    *io = NULL;
  }
  return 1;
}

static int memio_clone(intptr_t **dst, intptr_t *src, libbfio_error_t **e)
{
  (void)e;
  if (!dst || !src)
    return -1;
  struct rs_memio *m = malloc(sizeof *m);
  if (!m)
    return -1;
  *m = *(const struct rs_memio *)src;
  m->open = false;
  m->off = 0;
  *dst = (intptr_t *)m;
  return 1;
}

static int memio_open(intptr_t *io, int flags, libbfio_error_t **e)
{
  (void)e;
  struct rs_memio *m = (struct rs_memio *)io;
  if (!m || (flags & LIBBFIO_ACCESS_FLAG_WRITE))
    return -1; /* evidence is never opened for writing */
  m->open = true;
  m->off = 0;
  return 1;
}

static int memio_close(intptr_t *io, libbfio_error_t **e)
{
  (void)e;
  if (!io)
    return -1;
  ((struct rs_memio *)io)->open = false;
  return 0;
}

static ssize_t memio_read(intptr_t *io, uint8_t *out, size_t size, libbfio_error_t **e)
{
  (void)e;
  struct rs_memio *m = (struct rs_memio *)io;
  if (!m || !m->open || (!out && size > 0))
    return -1;
  if (m->off >= m->len)
    return 0;
  size_t n = m->len - m->off;
  if (n > size)
    n = size;
  if (n > (size_t)SSIZE_MAX)
    n = (size_t)SSIZE_MAX;
  memcpy(out, m->p + m->off, n);
  for (size_t i = 0; i < m->npatch; i++) {
    const struct rs_memio_patch *pt = &m->patch[i];
    for (size_t k = 0; k < 4; k++)
      if (pt->off + k >= m->off && pt->off + k < m->off + n)
        out[pt->off + k - m->off] = pt->b[k];
  }
  m->off += n;
  return (ssize_t)n;
}

static ssize_t memio_write(intptr_t *io, const uint8_t *in, size_t size, libbfio_error_t **e)
{
  (void)io, (void)in, (void)size, (void)e;
  return -1;
}

static off64_t memio_seek(intptr_t *io, off64_t off, int whence, libbfio_error_t **e)
{
  (void)e;
  struct rs_memio *m = (struct rs_memio *)io;
  if (!m || !m->open)
    return -1;
  off64_t base;
  if (whence == SEEK_SET)
    base = 0;
  else if (whence == SEEK_CUR)
    base = (off64_t)m->off;
  else if (whence == SEEK_END)
    base = (off64_t)m->len;
  else
    return -1;
  if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
    return -1;
  /* Seeking past the end is allowed (as for a file); reads there return 0. */
  m->off = (size_t)(base + off);
  return base + off;
}

static int memio_exists(intptr_t *io, libbfio_error_t **e)
{
  (void)e;
  return io ? 1 : -1;
}

static int memio_is_open(intptr_t *io, libbfio_error_t **e)
{
  (void)e;
  return io ? (((struct rs_memio *)io)->open ? 1 : 0) : -1;
}

static int memio_size(intptr_t *io, size64_t *size, libbfio_error_t **e)
{
  (void)e;
  if (!io || !size)
    return -1;
  *size = ((struct rs_memio *)io)->len;
  return 1;
}

int rs_memio_handle(libbfio_handle_t **out, const uint8_t *buf, size_t len,
                    const struct rs_memio_patch *patch, size_t npatch, libbfio_error_t **e)
{
  struct rs_memio *m = calloc(1, sizeof *m);
  if (!m)
    return -1;
  m->p = buf;
  m->len = len;
  m->patch = patch;
  m->npatch = npatch;
  if (libbfio_handle_initialize(out, (intptr_t *)m, memio_free, memio_clone, memio_open,
                                memio_close, memio_read, memio_write, memio_seek,
                                memio_exists, memio_is_open, memio_size,
                                LIBBFIO_FLAG_IO_HANDLE_MANAGED |
                                    LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_FUNCTION,
                                e) != 1) {
    free(m);
    return -1;
  }
  return 1;
}
