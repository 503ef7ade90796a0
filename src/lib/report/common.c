/* The report blocks `scan` and `info` share: tool, run, warnings, volumes,
 * and the EWF parts of evidence (stored hashes, acquisition). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libewf.h>
#include <libregf.h>
#include <openssl/crypto.h>

#include "redsleuth/vhdi.h"
#include "report/report.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.0.0"
#endif

void rs_now_iso(char out[40])
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct rs_time t = rs_time_from_unix((int64_t)ts.tv_sec, 0, 0);
  rs_time_iso(&t, out);
}

/* "" and NULL are null: a field the evidence does not fill */
static json_t *str_or_null(const char *s)
{
  return s && *s ? rs_json_str(s) : json_null();
}

json_t *rs_report_tool(void)
{
  /* json_pack steals the binary object even when it fails; NULL (no memory) fails it */
  return json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s}, s:o}", "name", "redsleuth",
                   "version", PACKAGE_VERSION, "libraries", "libtsk", tsk_version_get_str(),
                   "libregf", libregf_get_version(), "libewf", libewf_get_version(), "jansson",
                   jansson_version_str(), "openssl", OpenSSL_version(OPENSSL_VERSION), "binary",
                   rs_report_binary());
}

json_t *rs_report_run(struct rs_jb *jb, const struct rs_run_opts *o, const char *started_utc)
{
  char now[40];
  rs_now_iso(now);
  json_t *run = json_object();
  json_t *cl = json_array();
  for (int i = 0; o && i < o->argc; i++)
    rs_japp(jb, cl, rs_json_str(o->argv[i] ? o->argv[i] : ""));
  rs_jset(jb, run, "command_line", cl);
  rs_jset(jb, run, "started_utc", json_string(started_utc ? started_utc : now));
  rs_jset(jb, run, "finished_utc", json_string(now));
  rs_jset(jb, run, "case", str_or_null(o ? o->case_id : NULL));
  rs_jset(jb, run, "examiner", str_or_null(o ? o->examiner : NULL));
  rs_jset(jb, run, "evidence_id", str_or_null(o ? o->evidence_id : NULL));
  rs_jset(jb, run, "organization", str_or_null(o ? o->organization : NULL));
  rs_jset(jb, run, "notes", str_or_null(o ? o->notes : NULL));
  return run;
}

json_t *rs_report_warnings(struct rs_jb *jb, const struct rs_image *img)
{
  json_t *w = json_array();
  for (int i = 0; img && i < img->nwarnings; i++)
    rs_japp(jb, w, rs_json_str(img->warnings[i]));
  return w;
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
  char w[sizeof ((struct rs_volume *)0)->windows_root];
  snprintf(w, sizeof w, "%s", r);
  for (char *p = w; *p; p++)
    if (*p == '/')
      *p = '\\';
  return rs_json_str(w);
}

json_t *rs_report_volumes(struct rs_jb *jb, const struct rs_image *img)
{
  json_t *vols = json_array();
  for (int i = 0; i < img->nvol; i++) {
    const struct rs_volume *v = &img->vols[i];
    json_t *jv = json_object();
    rs_jset(jb, jv, "index", json_integer(v->index));
    rs_jset(jb, jv, "start_sector", json_integer((json_int_t)v->start_sector));
    rs_jset(jb, jv, "sectors", json_integer((json_int_t)v->sectors));
    rs_jset(jb, jv, "fs_type", json_string(rs_fs_kind_name(v->fs_kind)));
    rs_jset(jb, jv, "fs_name", str_or_null(v->fs_name));
    rs_jset(jb, jv, "label", str_or_null(v->label));
    rs_jset(jb, jv, "drive", str_or_null(v->drive));
    rs_jset(jb, jv, "drive_assumed", json_boolean(v->drive[0] && v->drive_assumed));
    rs_jset(jb, jv, "windows_root", winroot_json(v->windows_root));
    rs_jset(jb, jv, "serial", serial_json(v));
    rs_jset(jb, jv, "partition", str_or_null(v->part_desc));
    rs_jset(jb, jv, "note", str_or_null(v->note));
    rs_jset(jb, jv, "ambiguous", json_boolean(v->ambiguous));
    rs_japp(jb, vols, jv);
  }
  return vols;
}

json_t *rs_report_segments(struct rs_jb *jb, const struct rs_image *img)
{
  json_t *segs = json_array();
  for (int i = 0; i < img->nseg; i++)
    rs_japp(jb, segs, rs_json_str(img->segments[i]));
  return segs;
}

json_t *rs_report_stored_hashes(struct rs_jb *jb, const struct rs_ewf_meta *em)
{
  json_t *sh = json_object();
  rs_jset(jb, sh, "md5", em->has_md5 ? json_string(em->md5) : json_null());
  rs_jset(jb, sh, "sha1", em->has_sha1 ? json_string(em->sha1) : json_null());
  return sh;
}

json_t *rs_report_acquisition(struct rs_jb *jb, const struct rs_ewf_meta *em)
{
  const struct {
    const char *k, *v;
  } f[] = {
      {"case_number", em->case_number},
      {"evidence_number", em->evidence_number},
      {"examiner", em->examiner},
      {"description", em->description},
      {"notes", em->notes},
      {"acquiry_date", em->acquiry_date},
      {"system_date", em->system_date},
      {"acquiry_os", em->acquiry_os},
      {"acquiry_software", em->acquiry_software},
      {"acquiry_software_version", em->acquiry_software_version},
  };
  json_t *a = json_object();
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    rs_jset(jb, a, f[i].k, str_or_null(f[i].v));
  return a;
}

/* evidence.container for a VHD/VHDX (nothing for other images): the format,
 * the disk type, the reader, and for a differencing disk each parent followed,
 * nearest first, with the name the disk below stores for it. */
void rs_report_add_container(struct rs_jb *jb, json_t *ev, const struct rs_image *img)
{
  const struct rs_vhdi_chain *c = rs_vhdi_chain(img ? img->img : NULL);
  if (!ev || !c)
    return;
  json_t *parents = json_array();
  for (int i = 1; i < c->n; i++) {
    const struct rs_vhdi_disk *p = &c->disk[i];
    json_t *jp = json_object();
    rs_jset(jb, jp, "path", rs_json_str(p->path));
    rs_jset(jb, jp, "named_as", rs_json_str(p->named_as));
    rs_jset(jb, jp, "format", json_string(p->format));
    rs_jset(jb, jp, "type", json_string(p->type));
    rs_jset(jb, jp, "identifier", str_or_null(p->identifier));
    rs_japp(jb, parents, jp);
  }
  json_t *co = json_object();
  rs_jset(jb, co, "format", json_string(c->disk[0].format));
  rs_jset(jb, co, "type", json_string(c->disk[0].type));
  rs_jset(jb, co, "identifier", str_or_null(c->disk[0].identifier));
  rs_jset(jb, co, "reader", json_string(c->reader));
  rs_jset(jb, co, "parents", parents);
  rs_jset(jb, ev, "container", co);
}
