#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "outfile.h"
#include "redsleuth/redsleuth.h"

struct job {
  pid_t pid;
  char name[256];
  char dir[4096];
  double start, dur;
  int status;      /* exit code, or 128+signal */
  bool done, killed, started;
  int dirfd;       /* the image's folder while its scan runs, else -1 */
  char err[1200];  /* why it could not start, "" otherwise */
  struct rs_out log[2]; /* stdout.txt, stderr.txt: renamed into place at the end */
};

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int rs_batch_read_list(const char *list, char ***images)
{
  FILE *fp = fopen(list, "r");
  if (!fp)
    return -1;
  char line[8192];
  int n = 0, cap = 0;
  char **v = NULL;
  while (fgets(line, sizeof line, fp)) {
    size_t l = strcspn(line, "\r\n");
    line[l] = '\0';
    char *p = line;
    while (*p == ' ' || *p == '\t')
      p++;
    if (!*p || *p == '#')
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      char **nv = realloc(v, (size_t)cap * sizeof *nv);
      if (!nv)
        break;
      v = nv;
    }
    v[n++] = strdup(p);
  }
  fclose(fp);
  *images = v;
  return n;
}

/* The child ended (or never started): its logs are put in place (removed
 * when it never ran), the folder closed. */
static void finish_logs(struct job *j, bool keep)
{
  for (int k = 0; k < 2; k++) {
    struct rs_diag d;
    if (keep && j->log[k].fp && rs_out_commit(&j->log[k], &d) != RS_OK)
      rs_diag_print(stderr, &d);
    rs_out_abort(&j->log[k]);
  }
  if (j->dirfd >= 0)
    close(j->dirfd);
  j->dirfd = -1;
}

/* Folder name: the evidence file's name without its extension, made unique. */
static void job_name(struct job *jobs, int i, const char *img)
{
  const char *b = strrchr(img, '/');
  b = b ? b + 1 : img;
  char base[200];
  snprintf(base, sizeof base, "%s", b);
  char *dot = strrchr(base, '.');
  if (dot && dot != base)
    *dot = '\0';
  for (char *p = base; *p; p++)
    if (*p == '/' || (unsigned char)*p < 0x20)
      *p = '_';
  snprintf(jobs[i].name, sizeof jobs[i].name, "%s", base);
  for (int k = 2;; k++) {
    bool clash = false;
    for (int j = 0; j < i; j++)
      if (strcmp(jobs[j].name, jobs[i].name) == 0)
        clash = true;
    if (!clash)
      break;
    snprintf(jobs[i].name, sizeof jobs[i].name, "%s-%d", base, k);
  }
}

/* The image's folder (made, refused when it holds a link) and its two log
 * files, made by the parent as new temporary files that the child writes
 * through its stdout and stderr and that are renamed into place when it
 * ends; then the child, `redsleuth scan ... --out-dir DIR IMAGE`. */
static pid_t spawn(const struct rs_batch_opts *o, const char *img, struct job *j)
{
  struct rs_diag d;
  rs_diag_clear(&d);
  j->dirfd = rs_out_dir_open(j->dir, &d);
  if (j->dirfd < 0 || rs_out_create(&j->log[0], j->dirfd, j->dir, "stdout.txt", &d) != RS_OK ||
      rs_out_create(&j->log[1], j->dirfd, j->dir, "stderr.txt", &d) != RS_OK) {
    rs_diag_print(stderr, &d);
    snprintf(j->err, sizeof j->err, "redsleuth: error: %s: %s: %s", rs_err_name(d.err), d.where,
             d.what);
    finish_logs(j, false);
    return -1;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid != 0)
    return pid;
  dup2(j->log[0].fd, 1);
  dup2(j->log[1].fd, 2);
  char **argv = calloc((size_t)o->nscan_args + 7, sizeof *argv);
  if (!argv)
    _exit(4);
  int a = 0;
  argv[a++] = (char *)o->self;
  argv[a++] = "scan";
  for (int i = 0; i < o->nscan_args; i++)
    argv[a++] = o->scan_args[i];
  /* the folder is the batch's (it holds the logs being written): the
   * child's emptiness check must not refuse it */
  argv[a++] = "--force";
  argv[a++] = "--out-dir";
  argv[a++] = j->dir;
  argv[a++] = (char *)img;
  argv[a] = NULL;
  execv(o->self, argv);
  _exit(4);
}

/* A file of the image's folder for reading, only when it is a regular file
 * (open never follows a link or blocks on a FIFO planted under its name). */
static FILE *open_regular(const char *path)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  struct stat st;
  if (fd < 0)
    return NULL;
  FILE *fp = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? fdopen(fd, "r") : NULL;
  if (!fp)
    close(fd);
  return fp;
}

/* A JSON string of s; bytes that are not UTF-8 (an evidence path) are
 * kept by json_stringn_nocheck and made valid by rs_writer_json. */
static json_t *rs_json_line(const char *s)
{
  json_t *j = json_string(s);
  return j ? j : json_stringn_nocheck(s, strlen(s));
}

/* One summary line: compact JSON, C1 controls and bidi overrides of an
 * evidence path written as \u escapes (rs_writer_json), then a newline. */
static void put_line(FILE *fp, const json_t *s)
{
  struct rs_buf b;
  rs_buf_init(&b, (size_t)1 << 20);
  if (rs_writer_json(&b, s, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9)) ==
          RS_OK &&
      b.data)
    fprintf(fp, "%s\n", b.data);
  rs_buf_free(&b);
}

static json_t *summary_line(const struct rs_batch_opts *o, int i, const struct job *j)
{
  json_t *s = json_object();
  json_object_set_new(s, "evidence", rs_json_line(o->images[i]));
  json_object_set_new(s, "out_dir", rs_json_line(j->dir));
  json_object_set_new(s, "exit_code", json_integer(j->status));
  json_object_set_new(s, "killed", json_boolean(j->killed));
  json_object_set_new(s, "duration_s", json_real((double)(long)(j->dur * 1000) / 1000.0));
  char path[4200];
  snprintf(path, sizeof path, "%s/report.json", j->dir);
  FILE *rf = open_regular(path);
  json_t *r = rf ? json_loadf(rf, 0, NULL) : NULL;
  if (rf)
    fclose(rf);
  json_t *v = json_object_get(r, "verdict");
  json_object_set(s, "verdict", json_object_get(v, "status") ? json_object_get(v, "status")
                                                               : json_null());
  json_t *c = json_object();
  json_object_set_new(c, "findings", json_integer((json_int_t)json_array_size(json_object_get(r, "findings"))));
  json_object_set_new(c, "unreadable", json_integer((json_int_t)json_array_size(json_object_get(r, "unreadable"))));
  json_object_set(c, "hits", json_object_get(json_object_get(r, "logs"), "hits")
                                 ? json_object_get(json_object_get(r, "logs"), "hits")
                                 : json_null());
  json_object_set_new(s, "counts", c);
  if (!r && j->err[0]) {
    json_object_set_new(s, "error", rs_json_line(j->err));
  } else if (!r) {
    /* the child's last stderr line says why */
    snprintf(path, sizeof path, "%s/stderr.txt", j->dir);
    FILE *fp = open_regular(path);
    char line[1024] = "", last[1024] = "";
    while (fp && fgets(line, sizeof line, fp))
      if (line[0] && line[0] != '\n')
        snprintf(last, sizeof last, "%s", line);
    if (fp)
      fclose(fp);
    last[strcspn(last, "\n")] = '\0';
    json_object_set_new(s, "error", rs_json_line(last[0] ? last : (j->killed ? "killed after timeout" : "no report")));
  }
  json_decref(r);
  return s;
}

/* No entry but "." and "..". */
static bool dir_empty(int dirfd)
{
  int fd2 = dup(dirfd);
  DIR *dp = fd2 >= 0 ? fdopendir(fd2) : NULL;
  if (!dp) {
    if (fd2 >= 0)
      close(fd2);
    return false;
  }
  rewinddir(dp); /* the descriptor's offset is shared with the listing before */
  const struct dirent *de;
  bool empty = true;
  while (empty && (de = readdir(dp)))
    empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
  closedir(dp);
  return empty;
}

int rs_batch_run(const struct rs_batch_opts *o)
{
  if (o->nimages <= 0 || !o->out_dir || o->jobs < 1)
    return 2;
  struct rs_diag d;
  rs_diag_clear(&d);
  int outfd = rs_out_dir_open(o->out_dir, &d);
  if (outfd < 0) {
    rs_diag_print(stderr, &d);
    return d.err == RS_E_USAGE ? 2 : 4;
  }
  if (!o->force && !dir_empty(outfd)) {
    rs_diag_set(&d, RS_E_USAGE, o->out_dir,
                "is not empty; refused, so that no earlier file is mistaken for this batch's: "
                "choose an empty or new folder, or pass --force");
    rs_diag_print(stderr, &d);
    close(outfd);
    return 2;
  }
  struct job *jobs = calloc((size_t)o->nimages, sizeof *jobs);
  if (!jobs) {
    close(outfd);
    return 4;
  }
  for (int i = 0; i < o->nimages; i++) {
    job_name(jobs, i, o->images[i]);
    snprintf(jobs[i].dir, sizeof jobs[i].dir, "%s/%s", o->out_dir, jobs[i].name);
    jobs[i].dirfd = -1;
  }
  int next = 0, running = 0, finished = 0, rc = 0;
  int nind = 0, nbad = 0, first_ind = -1, first_bad = -1;
  while (finished < o->nimages) {
    while (running < o->jobs && next < o->nimages) {
      struct job *j = &jobs[next];
      j->start = now_s();
      j->pid = spawn(o, o->images[next], j);
      j->started = j->pid > 0;
      if (!j->started) {
        finish_logs(j, false);
        j->done = true;
        j->status = 4;
        finished++;
        json_t *s = summary_line(o, next, j);
        put_line(stdout, s);
        fflush(stdout);
        json_decref(s);
        nbad++;
        if (first_bad < 0)
          first_bad = next;
      } else {
        running++;
      }
      next++;
    }
    int st;
    pid_t pid = waitpid(-1, &st, WNOHANG);
    if (pid <= 0) {
      /* nothing ended: enforce timeouts, then nap */
      double t = now_s();
      for (int i = 0; i < next; i++)
        if (jobs[i].started && !jobs[i].done && !jobs[i].killed && o->timeout_s > 0 &&
            t - jobs[i].start > o->timeout_s) {
          kill(jobs[i].pid, SIGKILL);
          jobs[i].killed = true;
        }
      struct timespec nap = {0, 20 * 1000 * 1000};
      nanosleep(&nap, NULL);
      continue;
    }
    for (int i = 0; i < next; i++) {
      struct job *j = &jobs[i];
      if (j->pid != pid || j->done)
        continue;
      j->done = true;
      j->dur = now_s() - j->start;
      j->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
      finish_logs(j, true);
      running--;
      finished++;
      json_t *s = summary_line(o, i, j);
      put_line(stdout, s);
      fflush(stdout);
      json_decref(s);
      if (j->status == 10) {
        nind++;
      } else if (j->status != 0) {
        nbad++; /* 11, a failure (2, 3, 4), a crash or a kill */
      }
    }
  }
  /* the summary file in input order, so that it is deterministic */
  struct rs_out so;
  enum rs_err e = rs_out_create(&so, outfd, o->out_dir, "summary.jsonl", &d);
  for (int i = 0; e == RS_OK && i < o->nimages; i++) {
    json_t *s = summary_line(o, i, &jobs[i]);
    json_object_del(s, "duration_s");
    put_line(so.fp, s);
    json_decref(s);
  }
  if (e == RS_OK)
    e = rs_out_commit(&so, &d);
  /* the worst result: 11 (an image not completely analysed: its own exit
   * 11, a failure, a crash, a kill) outranks 10 (indicators), as for one
   * image; then one stderr line, as for every non-zero exit */
  for (int i = 0; i < o->nimages; i++) {
    if (jobs[i].status == 10 && first_ind < 0)
      first_ind = i;
    if (jobs[i].status != 0 && jobs[i].status != 10 && first_bad < 0)
      first_bad = i;
  }
  rc = nbad ? 11 : nind ? 10 : 0;
  const char *what = o->list ? o->list : o->out_dir;
  if (e != RS_OK) {
    rs_diag_print(stderr, &d);
    rc = 4;
  } else if (rc == 11) {
    rs_diag_set(&d, RS_E_UNREADABLE, what,
                "%d of %d image(s) not completely analysed (first: %s, exit %d%s); %d with "
                "indicators; see %s/summary.jsonl",
                nbad, o->nimages, o->images[first_bad], jobs[first_bad].status,
                jobs[first_bad].killed ? ", killed after the timeout" : "", nind, o->out_dir);
    rs_diag_print(stderr, &d);
  } else if (rc == 10) {
    rs_diag_set(&d, RS_E_INDICATORS, what,
                "verdict with indicators for %d of %d image(s) (first: %s); see %s/summary.jsonl",
                nind, o->nimages, o->images[first_ind], o->out_dir);
    rs_diag_print(stderr, &d);
  }
  close(outfd);
  free(jobs);
  return rc;
}
