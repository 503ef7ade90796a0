/* The library's public interface, the one header a program includes: open
 * evidence (image.h), run `info` or `scan` (scan.h) with progress reports,
 * write the report in any format (writer.h), list the checks (checks.h).
 * The program calls no libtsk, libewf, libregf or OpenSSL function itself. */
#ifndef REDSLEUTH_REDSLEUTH_H
#define REDSLEUTH_REDSLEUTH_H

#include "buf.h"
#include "checks.h"
#include "diag.h"
#include "escape.h"
#include "evidence.h"
#include "image.h"
#include "scan.h"
#include "writer.h"

#endif
