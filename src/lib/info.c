/* `redsleuth info`: what is in the image (format, segments, EWF case data,
 * volumes, file systems, Windows folders), and the report pieces that info
 * and scan share (tool, run). */
#include "redsleuth/scan.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <libewf.h>
#include <libregf.h>
#include <openssl/crypto.h>

#include "redsleuth/evidence.h"
#include "redsleuth/rtime.h"
#include "redsleuth/vhdi.h"
#include "report/report.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.0.0"
#endif

void rs_run_opts_init(struct rs_run_opts *o)
{
  memset(o, 0, sizeof *o);
  rs_image_opts_init(&o->img);
}

void rs_now_iso(char out[40])
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct rs_time t = rs_time_from_unix((int64_t)ts.tv_sec, 0, 0);
  rs_time_iso(&t, out);
}

json_t *rs_report_tool(void)
{
  return json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s}, s:o}", "name", "redsleuth",
                   "version", PACKAGE_VERSION, "libraries", "libtsk", tsk_version_get_str(),
                   "libregf", libregf_get_version(), "libewf", libewf_get_version(), "jansson",
                   jansson_version_str(), "openssl", OpenSSL_version(OPENSSL_VERSION), "binary",
                   rs_report_binary());
}

static json_t *str_or_null(const char *s)
{
  /* rs_json_str keeps an argument that is not UTF-8; the writers escape it */
  return s && *s ? rs_json_str(s) : json_null();
}

json_t *rs_report_run(const struct rs_run_opts *o, const char *started_utc)
{
  char now[40];
  rs_now_iso(now);
  json_t *cl = json_array();
  for (int i = 0; o && i < o->argc; i++)
    json_array_append_new(cl, rs_json_str(o->argv[i] ? o->argv[i] : ""));
  return json_pack("{s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "command_line", cl,
                   "started_utc", started_utc ? started_utc : now, "finished_utc", now, "case",
                   str_or_null(o ? o->case_id : NULL), "examiner",
                   str_or_null(o ? o->examiner : NULL), "evidence_id",
                   str_or_null(o ? o->evidence_id : NULL), "organization",
                   str_or_null(o ? o->organization : NULL), "notes",
                   str_or_null(o ? o->notes : NULL));
}

static json_t *serial_json(const struct rs_volume *v)
{
  char s[24];
  if (!v->serial)
    return json_null();
  if (v->fs_kind == RS_FS_NTFS)
    snprintf(s, sizeof s, "%016" PRIX64, v->serial);
  else
    snprintf(s, sizeof s, "%04X-%04X", (unsigned)(v->serial >> 16) & 0xFFFF,
             (unsigned)v->serial & 0xFFFF);
  return json_string(s);
}

/* "/WINNT" (TSK form) -> "\WINNT" (Windows form, as the report shows paths). */
static json_t *winroot_json(const char *r)
{
  if (!r || !*r)
    return json_null();
  char w[256];
  snprintf(w, sizeof w, "%s", r);
  for (char *p = w; *p; p++)
    if (*p == '/')
      *p = '\\';
  return json_string(w);
}

/* The report's "volumes" array; shared by info and scan. */
json_t *rs_report_volumes(const struct rs_image *img)
{
  json_t *vols = json_array();
  for (int i = 0; i < img->nvol; i++) {
    const struct rs_volume *v = &img->vols[i];
    json_t *jv = json_pack(
        "{s:i, s:I, s:I, s:s, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:b}", "index", v->index,
        "start_sector", (json_int_t)v->start_sector, "sectors", (json_int_t)v->sectors,
        "fs_type", rs_fs_kind_name(v->fs_kind), "fs_name", str_or_null(v->fs_name), "label",
        str_or_null(v->label), "drive", str_or_null(v->drive), "drive_assumed",
        v->drive[0] && v->drive_assumed, "windows_root", winroot_json(v->windows_root), "serial",
        serial_json(v), "partition", str_or_null(v->part_desc), "note", str_or_null(v->note),
        "ambiguous", v->ambiguous);
    json_array_append_new(vols, jv);
  }
  return vols;
}

json_t *rs_report_warnings(const struct rs_image *img)
{
  json_t *w = json_array();
  for (int i = 0; img && i < img->nwarnings; i++)
    json_array_append_new(w, rs_json_str(img->warnings[i]));
  return w;
}

/* evidence.container for a VHD/VHDX (nothing for other images): the format,
 * the disk type, the reader, and for a differencing disk each parent followed,
 * nearest first, with the name the disk below stores for it. */
void rs_report_add_container(json_t *ev, const struct rs_image *img)
{
  const struct rs_vhdi_chain *c = rs_vhdi_chain(img ? img->img : NULL);
  if (!ev || !c)
    return;
  json_t *parents = json_array();
  for (int i = 1; i < c->n; i++) {
    const struct rs_vhdi_disk *p = &c->disk[i];
    json_array_append_new(parents, json_pack("{s:o, s:o, s:s, s:s, s:o}", "path",
                                             rs_json_str(p->path), "named_as",
                                             rs_json_str(p->named_as), "format", p->format,
                                             "type", p->type, "identifier",
                                             str_or_null(p->identifier)));
  }
  json_object_set_new(ev, "container",
                      json_pack("{s:s, s:s, s:o, s:s, s:o}", "format", c->disk[0].format, "type",
                                c->disk[0].type, "identifier", str_or_null(c->disk[0].identifier),
                                "reader", c->reader, "parents", parents));
}

static void add_unreadable(json_t *arr, const char *what, const char *where, const char *why)
{
  json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "what", what, "where", where,
                                       "reason", why));
}

static json_t *acquisition_json(const struct rs_ewf_meta *m)
{
  json_t *a = json_object();
  const struct { const char *k; const char *v; } f[] = {
      {"case_number", m->case_number},       {"evidence_number", m->evidence_number},
      {"examiner", m->examiner},             {"description", m->description},
      {"notes", m->notes},                   {"acquiry_date", m->acquiry_date},
      {"system_date", m->system_date},       {"acquiry_os", m->acquiry_os},
      {"acquiry_software", m->acquiry_software},
      {"acquiry_software_version", m->acquiry_software_version},
  };
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    json_object_set_new(a, f[i].k, str_or_null(f[i].v));
  return a;
}

enum rs_err rs_info(const struct rs_run_opts *o, json_t **report, struct rs_diag *d)
{
  *report = NULL;
  char started[40];
  rs_now_iso(started);
  struct rs_image *img = NULL;
  enum rs_err e = rs_image_open(o->segs, o->nseg, &o->img, &img, d);
  if (e != RS_OK)
    return e;
  e = rs_image_volumes(img, &o->img, d);
  if (e != RS_OK) {
    rs_image_close(img);
    return e;
  }
  json_t *unr = json_array();
  const char *seg0 = img->segments[0];

  json_t *segs = json_array();
  for (int i = 0; i < img->nseg; i++)
    json_array_append_new(segs, rs_json_str(img->segments[i]));
  json_t *ev = json_pack("{s:o, s:s, s:I, s:i, s:s, s:n, s:s}", "segments", segs, "format",
                         img->format, "media_size", (json_int_t)img->media_size,
                         "sector_size", (int)img->sector_size, "volume_system", img->vs_type,
                         "hashes", "verification", "not-checked");
  rs_report_add_container(ev, img);
  struct rs_ewf_meta m;
  struct rs_diag ed;
  rs_diag_clear(&ed);
  if (rs_ewf_read_meta(img, &m, &ed) != RS_OK) {
    add_unreadable(unr, "ewf-metadata", ed.where, ed.what);
    json_object_set_new(ev, "stored_hashes", json_null());
  } else if (m.is_ewf) {
    json_object_set_new(ev, "stored_hashes",
                        json_pack("{s:o, s:o}", "md5", m.has_md5 ? json_string(m.md5) : json_null(),
                                  "sha1", m.has_sha1 ? json_string(m.sha1) : json_null()));
    json_object_set_new(ev, "acquisition", acquisition_json(&m));
  } else {
    json_object_set_new(ev, "stored_hashes", json_null());
  }

  json_t *vols = rs_report_volumes(img);
  /* Volume problems carry their own notes; the rest concern the media. */
  for (int i = 0; i < img->nproblems; i++) {
    const char *p = img->problems[i];
    if (strncmp(p, "volume ", 7) == 0) {
      char where[64];
      int idx = -1;
      unsigned long long sec = 0;
      if (sscanf(p, "volume %d at sector %llu", &idx, &sec) == 2)
        snprintf(where, sizeof where, "volume %d (sector %llu)", idx, sec);
      else
        snprintf(where, sizeof where, "volume");
      const char *why = strstr(p, ": ");
      add_unreadable(unr, "volume", where, why ? why + 2 : p);
    } else {
      add_unreadable(unr, "media", seg0, p);
    }
  }
  json_t *rep = json_object();
  json_object_set_new(rep, "schema", json_string("redsleuth-report/1"));
  json_object_set_new(rep, "warnings", rs_report_warnings(img));
  json_object_set_new(rep, "tool", rs_report_tool());
  json_object_set_new(rep, "run", rs_report_run(o, started));
  json_object_set_new(rep, "evidence", ev);
  json_object_set_new(rep, "volumes", vols);
  json_object_set_new(rep, "unreadable", unr);
  rs_image_close(img);
  *report = rep;
  return RS_OK;
}
