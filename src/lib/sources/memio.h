/* Internal: a read-only libbfio handle over a caller's buffer (libbfio's own
 * memory range over-reads at the end of a short buffer, see memio.c). */
#ifndef RS_SOURCES_MEMIO_H
#define RS_SOURCES_MEMIO_H

#include <stddef.h>
#include <stdint.h>

#include <libbfio.h>

/* Four bytes the library sees at off instead of the evidence bytes (hive.c
 * clamps hostile value counts this way). The buffer itself is never written. */
struct rs_memio_patch {
  size_t off;
  uint8_t b[4];
};

/* Creates *out over buf[0..len) (borrowed, must outlive the handle) with an
 * optional overlay patch[0..npatch) (borrowed, sorted by off). Reads never
 * go past len; opening for writing fails. Free with libbfio_handle_free.
 * Returns 1 on success, -1 on failure (out of memory). */
int rs_memio_handle(libbfio_handle_t **out, const uint8_t *buf, size_t len,
                    const struct rs_memio_patch *patch, size_t npatch, libbfio_error_t **e);

#endif
