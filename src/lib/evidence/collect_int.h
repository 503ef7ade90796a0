/* The collection's state, shared by collect.c (folders, layouts, reading)
 * and collect_archive.c (libarchive). Not a public interface. */
#ifndef RS_COLLECT_INT_H
#define RS_COLLECT_INT_H

#include <pthread.h>

#include "redsleuth/collect.h"

struct rs_coll {
  enum rs_coll_kind kind;
  char *path;                 /* as given */
  int dirfd;                  /* folder: the root, O_DIRECTORY; -1 */
  struct rs_coll_entry *e;
  size_t n, cap;
  struct rs_coll_problem *pb;
  size_t npb, cappb;
  size_t *order;              /* entry indices by volume, then path */
  struct rs_coll_vol vols[26];
  int nvol;
  uint64_t skipped;           /* entries beyond RS_COLL_ENTRIES_MAX */
  pthread_mutex_t mu;         /* the manifest (log readers run on threads) */
  bool nomem;
};

/* Adds an entry (name copied); false and c->nomem when memory fails. */
bool rs_coll_add_entry(struct rs_coll *c, const char *name, uint64_t size, uint64_t index,
                       bool is_dir);
/* Adds a problem (name and why copied). */
void rs_coll_add_problem(struct rs_coll *c, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* collect_archive.c */
enum rs_err rs_coll_archive_list(struct rs_coll *c, struct rs_diag *d);
/* Streams the content of entry e (found again by its index) to cb in runs of
 * up to chunk bytes. */
enum rs_err rs_coll_archive_stream(struct rs_coll *c, const struct rs_coll_entry *e, size_t chunk,
                                   rs_data_cb cb, void *arg, struct rs_diag *d);

#endif
