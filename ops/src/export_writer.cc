#include "hailong/ops/export_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "sha256_stream.h"

namespace hailong::ops {

namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

Status SyncDirectoryOf(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open directory", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("cannot fsync directory", dir);
  return Status::OK();
}

}  // namespace

class ExportWriter::Impl {
 public:
  std::string path;
  std::string partial;
  int fd = -1;
  bool finished = false;
  std::string buffer;
  Sha256Stream sha;

  Status Flush() {
    size_t done = 0;
    while (done < buffer.size()) {
      ssize_t n = ::write(fd, buffer.data() + done, buffer.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("cannot write", partial);
      }
      done += static_cast<size_t>(n);
    }
    buffer.clear();
    return Status::OK();
  }

  ~Impl() {
    if (fd >= 0) ::close(fd);
    if (!finished && !partial.empty()) ::unlink(partial.c_str());
  }
};

ExportWriter::ExportWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ExportWriter::~ExportWriter() = default;

Status ExportWriter::Create(const std::string& path, const ExportMetadata& metadata, bool overwrite,
                            std::unique_ptr<ExportWriter>* out) {
  struct stat st;
  if (!overwrite && ::stat(path.c_str(), &st) == 0) {
    return Status::InvalidArgument(path + " already exists");
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->partial = path + ".partial";
  impl->fd = ::open(impl->partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (impl->fd < 0) {
    impl->partial.clear();  // nothing of ours to remove
    return Errno("cannot create", path + ".partial");
  }
  const std::string json = EncodeExportMetadata(metadata);
  if (json.size() > kMaxExportMetadataBytes) {
    return Status::InvalidArgument("export metadata too large");
  }
  std::unique_ptr<ExportWriter> writer(new ExportWriter(std::move(impl)));
  std::string header(kExportMagic);
  PutFixed32(&header, static_cast<uint32_t>(json.size()));
  header += json;
  Status s = writer->Write(header);
  if (!s.ok()) return s;
  *out = std::move(writer);
  return Status::OK();
}

Status ExportWriter::Write(std::string_view bytes) {
  impl_->sha.Update(bytes);
  impl_->buffer.append(bytes);
  bytes_ += bytes.size();
  if (impl_->buffer.size() >= (1u << 20)) return impl_->Flush();
  return Status::OK();
}

Status ExportWriter::Add(std::string_view event_bytes) {
  if (event_bytes.empty() || event_bytes.size() > kMaxExportFrameBytes) {
    return Status::InvalidArgument("event of " + std::to_string(event_bytes.size()) +
                                   " bytes cannot be exported");
  }
  std::string length;
  PutFixed32(&length, static_cast<uint32_t>(event_bytes.size()));
  Status s = Write(length);
  if (s.ok()) s = Write(event_bytes);
  if (s.ok()) ++events_;
  return s;
}

Status ExportWriter::Finish(schema::Hash* digest) {
  std::string tail;
  PutFixed32(&tail, 0);
  PutFixed64(&tail, events_);
  Status s = Write(tail);
  if (!s.ok()) return s;
  const schema::Hash d = impl_->sha.Final();
  impl_->buffer.append(reinterpret_cast<const char*>(d.data()), d.size());
  bytes_ += d.size();
  if (s = impl_->Flush(); !s.ok()) return s;
  if (::fsync(impl_->fd) != 0) return Errno("cannot fsync", impl_->partial);
  if (::close(impl_->fd) != 0) {
    impl_->fd = -1;
    return Errno("cannot close", impl_->partial);
  }
  impl_->fd = -1;
  if (::rename(impl_->partial.c_str(), impl_->path.c_str()) != 0) {
    return Errno("cannot rename to", impl_->path);
  }
  impl_->finished = true;
  if (s = SyncDirectoryOf(impl_->path); !s.ok()) return s;
  if (digest != nullptr) *digest = d;
  return Status::OK();
}

}  // namespace hailong::ops
