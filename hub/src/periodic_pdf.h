// The periodic report document (periodic_document.h) as an A4 PDF, drawn
// with cairo's PDF surface and Pango (HarfBuzz shaping, fontconfig fonts):
// Decree 30/2020/NĐ-CP's layout and margins (top and bottom 20 mm, left
// 30 mm, right 15 mm), a Times-like serif ("Times New Roman", which
// fontconfig gives as Liberation Serif on Debian; DejaVu Serif as the
// fallback) at 13 pt for the text and 10 pt in the tables, page numbers at
// the top from the second page, table rows never split across pages (the
// header row is repeated on each page), the signature block kept whole.
//
// Limits: at most `max_pages` pages and kPeriodicPdfMaxBytes of output;
// past either nothing is returned (InvalidArgument, 413 at the API). Renderings are serialised
// (one at a time per process): fontconfig and Pango's font maps are shared
// state, and one document takes a few tens of milliseconds.
//
// Thread safety: RenderPeriodicPdf may be called from any thread.
#pragma once

#include <string>

#include "hailong/schema/status.h"
#include "periodic_document.h"

namespace hailong::hub {

inline constexpr size_t kPeriodicPdfMaxBytes = size_t{16} << 20;

// Writes the PDF's bytes to *out. InvalidArgument past the limits; IOError when
// cairo reports an error (its status text in the message).
Status RenderPeriodicPdf(const PeriodicDocument& doc, int max_pages, std::string* out);

}  // namespace hailong::hub
