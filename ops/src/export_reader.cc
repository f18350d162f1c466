#include "hailong/ops/export_reader.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sha256_stream.h"

namespace hailong::ops {

class ExportReader::Impl {
 public:
  std::string path;
  std::FILE* file = nullptr;
  Sha256Stream sha;
  uint64_t end_marker_offset = 0;  // where the trailer starts
  bool digest_checked = false;

  ~Impl() {
    if (file != nullptr) std::fclose(file);
  }
};

ExportReader::ExportReader() : impl_(std::make_unique<Impl>()) {}
ExportReader::~ExportReader() = default;

Status ExportReader::ReadExact(size_t n, std::string* out) {
  out->resize(n);
  if (n > 0 && std::fread(out->data(), 1, n, impl_->file) != n) {
    if (std::ferror(impl_->file)) {
      return Status::IOError("cannot read " + impl_->path + ": " + std::strerror(errno));
    }
    return Status::Corruption("export file ends early at byte " + std::to_string(offset_));
  }
  impl_->sha.Update(*out);
  offset_ += n;
  return Status::OK();
}

Status ExportReader::Open(const std::string& path, std::unique_ptr<ExportReader>* out) {
  std::unique_ptr<ExportReader> r(new ExportReader());
  r->impl_->path = path;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::NotFound(path + " does not exist");
    return Status::IOError("cannot stat " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + " is not a regular file");
  r->file_bytes_ = static_cast<uint64_t>(st.st_size);
  r->impl_->file = std::fopen(path.c_str(), "rb");
  if (r->impl_->file == nullptr) {
    return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
  }
  const uint64_t min_size = kExportMagic.size() + 4 + kExportTrailerBytes;
  if (r->file_bytes_ < min_size) {
    return Status::Corruption(path + " is too short to be an export (" +
                              std::to_string(r->file_bytes_) + " bytes)");
  }
  r->impl_->end_marker_offset = r->file_bytes_ - kExportTrailerBytes;

  // The trailer's count, read without hashing (the digest covers it when
  // the frames have been read up to it).
  char trailer[kExportTrailerBytes];
  if (std::fseek(r->impl_->file, static_cast<long>(r->impl_->end_marker_offset), SEEK_SET) != 0 ||
      std::fread(trailer, 1, sizeof trailer, r->impl_->file) != sizeof trailer ||
      std::fseek(r->impl_->file, 0, SEEK_SET) != 0) {
    return Status::IOError("cannot read the trailer of " + path);
  }
  r->trailer_count_ = DecodeFixed64(trailer + 4);

  std::string magic;
  Status s = r->ReadExact(kExportMagic.size(), &magic);
  if (!s.ok()) return s;
  if (magic != kExportMagic) {
    return Status::Corruption(path + " is not a Hài Lòng export (no HAILONG-EXPORT v1 header)");
  }
  std::string len;
  if (s = r->ReadExact(4, &len); !s.ok()) return s;
  const uint32_t meta_len = DecodeFixed32(len.data());
  if (meta_len > kMaxExportMetadataBytes || r->offset_ + meta_len > r->impl_->end_marker_offset) {
    return Status::Corruption("export header is damaged (metadata length " +
                              std::to_string(meta_len) + ")");
  }
  std::string json;
  if (s = r->ReadExact(meta_len, &json); !s.ok()) return s;
  if (s = DecodeExportMetadata(json, &r->metadata_); !s.ok()) return s;
  *out = std::move(r);
  return Status::OK();
}

Status ExportReader::Next(std::string_view* bytes, bool* end) {
  *end = false;
  *bytes = {};
  const uint64_t limit = impl_->end_marker_offset;
  if (offset_ != limit && offset_ + 4 > limit) {
    return Status::Corruption("export frames run into the trailer at byte " +
                              std::to_string(offset_));
  }
  std::string len;
  Status s = ReadExact(4, &len);
  if (!s.ok()) return s;
  const uint32_t n = DecodeFixed32(len.data());
  if (offset_ - 4 == limit) {
    if (n != 0) return Status::Corruption("export trailer is damaged (no end marker)");
    *end = true;
    return Status::OK();
  }
  if (n == 0) {
    return Status::Corruption("export ends early: end marker at byte " +
                              std::to_string(offset_ - 4) + " before the trailer");
  }
  if (n > kMaxExportFrameBytes || offset_ + n > limit) {
    return Status::Corruption("frame length " + std::to_string(n) + " at byte " +
                              std::to_string(offset_ - 4) + " runs past the frames");
  }
  if (s = ReadExact(n, &frame_); !s.ok()) return s;
  *bytes = frame_;
  return Status::OK();
}

Status ExportReader::DigestMatches(bool* match) {
  *match = false;
  if (impl_->digest_checked) return Status::InvalidArgument("digest already checked");
  impl_->digest_checked = true;
  const uint64_t digest_offset = file_bytes_ - 32;
  std::string chunk;
  while (offset_ < digest_offset) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(digest_offset - offset_, 1u << 20));
    Status s = ReadExact(n, &chunk);
    if (!s.ok()) return s;
  }
  const schema::Hash computed = impl_->sha.Final();
  schema::Hash stored{};
  if (std::fread(stored.data(), 1, stored.size(), impl_->file) != stored.size()) {
    return Status::IOError("cannot read the digest of " + impl_->path);
  }
  offset_ += stored.size();
  *match = computed == stored;
  return Status::OK();
}

}  // namespace hailong::ops
