// QR codes of the phone-survey links, printed at the counters and on the
// receipts (Gia Lâm plan): GET /qr/counter/{counter}.png|.svg and
// /qr/receipt/{receipt}.png|.svg. Encoding is libqrencode's (error
// correction level M, byte mode, smallest version that fits); the image
// keeps the quiet zone of kQrMarginModules modules that scanners need.
//
// Thread safety: the functions keep no state; libqrencode is reentrant.
// Errors: InvalidArgument for empty text or text too long for a QR code
// (more than about 2,300 bytes at level M); IOError if zlib fails.
#pragma once

#include <string>
#include <string_view>

#include "hailong/schema/status.h"

namespace hailong::edge {

// Quiet zone on every side, in modules.
inline constexpr int kQrMarginModules = 4;
// Pixels per module in the PNG image.
inline constexpr int kQrPngModulePixels = 8;

// Renders `text` as a 1-bit greyscale PNG (black modules on white), each
// module kQrPngModulePixels pixels square. On success `*png` holds the
// file's bytes; on error it is left unchanged.
Status RenderQrPng(std::string_view text, std::string* png);

// Renders `text` as a standalone SVG document whose viewBox counts modules
// (quiet zone included), so it scales to any print size. On success `*svg`
// holds the UTF-8 text; on error it is left unchanged.
Status RenderQrSvg(std::string_view text, std::string* svg);

}  // namespace hailong::edge
