// QR rendering: libqrencode computes the module matrix; the PNG (zlib) and
// SVG writers below draw it with the quiet zone. See qr.h.
#include "hailong/edge/qr.h"

#include <qrencode.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <vector>

namespace hailong::edge {
namespace {

// The QR symbol as a square of modules, true = dark.
struct QrMatrix {
  int width = 0;
  std::vector<bool> dark;
  bool At(int x, int y) const { return dark[static_cast<size_t>(y) * width + x]; }
};

Status Encode(std::string_view text, QrMatrix* out) {
  if (text.empty()) return Status::InvalidArgument("qr: empty text");
  // Byte mode so that any UTF-8 text is kept exactly; version 0 = smallest.
  errno = 0;
  std::unique_ptr<QRcode, void (*)(QRcode*)> code(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M),
      QRcode_free);
  if (!code) {
    if (errno == ERANGE) return Status::InvalidArgument("qr: text too long for a QR code");
    return Status::InvalidArgument("qr: libqrencode could not encode the text");
  }
  out->width = code->width;
  out->dark.resize(static_cast<size_t>(code->width) * code->width);
  for (size_t i = 0; i < out->dark.size(); ++i) out->dark[i] = (code->data[i] & 1) != 0;
  return Status::OK();
}

void PutU32(std::string* s, uint32_t v) {
  s->push_back(static_cast<char>(v >> 24));
  s->push_back(static_cast<char>(v >> 16));
  s->push_back(static_cast<char>(v >> 8));
  s->push_back(static_cast<char>(v));
}

// Appends one PNG chunk: length, type, data, CRC-32 of type and data.
void PutChunk(std::string* png, const char type[4], const std::string& data) {
  PutU32(png, static_cast<uint32_t>(data.size()));
  const size_t type_at = png->size();
  png->append(type, 4);
  png->append(data);
  const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(png->data() + type_at),
                          static_cast<uInt>(4 + data.size()));
  PutU32(png, static_cast<uint32_t>(crc));
}

}  // namespace

Status RenderQrPng(std::string_view text, std::string* png) {
  QrMatrix qr;
  if (Status s = Encode(text, &qr); !s.ok()) return s;
  const int modules = qr.width + 2 * kQrMarginModules;
  const uint32_t side = static_cast<uint32_t>(modules * kQrPngModulePixels);
  const size_t row_bytes = (side + 7) / 8;

  // Raw scanlines: filter byte 0, then 1 bit per pixel, 1 = white.
  std::string raw;
  raw.reserve((row_bytes + 1) * side);
  std::string row(row_bytes, '\0');
  for (int my = 0; my < modules; ++my) {
    std::fill(row.begin(), row.end(), '\0');
    for (uint32_t px = 0; px < side; ++px) {
      const int mx = static_cast<int>(px) / kQrPngModulePixels;
      const int qx = mx - kQrMarginModules, qy = my - kQrMarginModules;
      const bool inside = qx >= 0 && qy >= 0 && qx < qr.width && qy < qr.width;
      const bool dark = inside && qr.At(qx, qy);
      if (!dark) row[px / 8] = static_cast<char>(row[px / 8] | (0x80 >> (px % 8)));
    }
    for (int i = 0; i < kQrPngModulePixels; ++i) {
      raw.push_back('\0');
      raw.append(row);
    }
  }

  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                Z_BEST_COMPRESSION) != Z_OK) {
    return Status::IOError("qr: zlib compress failed");
  }
  packed.resize(packed_size);

  std::string ihdr;
  PutU32(&ihdr, side);
  PutU32(&ihdr, side);
  ihdr += '\x01';  // bit depth 1
  ihdr += '\x00';  // colour type 0: greyscale
  ihdr += '\x00';  // compression: deflate
  ihdr += '\x00';  // filter method 0
  ihdr += '\x00';  // no interlace

  std::string out("\x89PNG\r\n\x1a\n", 8);
  PutChunk(&out, "IHDR", ihdr);
  PutChunk(&out, "IDAT", packed);
  PutChunk(&out, "IEND", std::string());
  *png = std::move(out);
  return Status::OK();
}

Status RenderQrSvg(std::string_view text, std::string* svg) {
  QrMatrix qr;
  if (Status s = Encode(text, &qr); !s.ok()) return s;
  const int modules = qr.width + 2 * kQrMarginModules;
  const std::string n = std::to_string(modules);

  // One path; each horizontal run of dark modules is one rectangle.
  std::string path;
  for (int y = 0; y < qr.width; ++y) {
    for (int x = 0; x < qr.width;) {
      if (!qr.At(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < qr.width && qr.At(x + run, y)) ++run;
      path += 'M' + std::to_string(x + kQrMarginModules) + ' ' +
              std::to_string(y + kQrMarginModules) + 'h' + std::to_string(run) + "v1h-" +
              std::to_string(run) + 'z';
      x += run;
    }
  }
  std::string out;
  out.reserve(path.size() + 300);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 " + n + ' ' + n +
         "\" width=\"" + std::to_string(modules * kQrPngModulePixels) + "\" height=\"" +
         std::to_string(modules * kQrPngModulePixels) + "\" shape-rendering=\"crispEdges\">\n";
  out += "<rect width=\"" + n + "\" height=\"" + n + "\" fill=\"#fff\"/>\n";
  out += "<path fill=\"#000\" d=\"" + path + "\"/>\n";
  out += "</svg>\n";
  *svg = std::move(out);
  return Status::OK();
}

}  // namespace hailong::edge
