#include "file_tree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

namespace hailong::ops {

namespace fs = std::filesystem;

namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

Status CopyFile(const fs::path& from, const fs::path& to, mode_t mode, const ProgressFn& progress,
                uint64_t total, uint64_t* copied) {
  Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return Errno("cannot read", from.string());
  Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777));
  if (out.get() < 0) return Errno("cannot create", to.string());
  std::vector<char> buf(1 << 20);
  for (;;) {
    const ssize_t n = ::read(in.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot read", from.string());
    }
    if (n == 0) break;
    ssize_t done = 0;
    while (done < n) {
      const ssize_t w = ::write(out.get(), buf.data() + done, static_cast<size_t>(n - done));
      if (w < 0) {
        if (errno == EINTR) continue;
        return Errno("cannot write", to.string());
      }
      done += w;
    }
    *copied += static_cast<uint64_t>(n);
    if (progress) progress(*copied, total);
  }
  if (::fsync(out.get()) != 0) return Errno("cannot sync", to.string());
  if (::close(out.release()) != 0) return Errno("cannot close", to.string());
  return Status::OK();
}

Status CopyDir(const fs::path& from, const fs::path& to, const std::string& relative,
               const std::function<bool(const std::string&)>& skip, const ProgressFn& progress,
               uint64_t total, uint64_t* copied) {
  struct stat st {};
  if (::stat(from.c_str(), &st) != 0) return Errno("cannot read", from.string());
  if (::mkdir(to.c_str(), st.st_mode & 07777) != 0) return Errno("cannot create", to.string());
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (const auto& e : fs::directory_iterator(from, ec)) entries.push_back(e);
  if (ec) return Status::IOError("cannot list " + from.string() + ": " + ec.message());
  for (const auto& e : entries) {
    const std::string name = e.path().filename().string();
    const std::string rel = relative.empty() ? name : relative + "/" + name;
    if (skip && skip(rel)) continue;
    const fs::path target = to / name;
    const fs::file_status s = e.symlink_status(ec);
    if (ec) return Status::IOError("cannot stat " + e.path().string() + ": " + ec.message());
    Status status;
    if (fs::is_symlink(s)) {
      fs::copy_symlink(e.path(), target, ec);
      if (ec) status = Status::IOError("cannot copy link " + rel + ": " + ec.message());
    } else if (fs::is_directory(s)) {
      status = CopyDir(e.path(), target, rel, skip, progress, total, copied);
    } else if (fs::is_regular_file(s)) {
      struct stat fst {};
      if (::stat(e.path().c_str(), &fst) != 0) return Errno("cannot stat", e.path().string());
      status = CopyFile(e.path(), target, fst.st_mode, progress, total, copied);
    }
    if (!status.ok()) return status;
  }
  return SyncDir(to.string());
}

}  // namespace

uint64_t TreeBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) total += it->file_size(ec);
  }
  return total;
}

Status CopyTree(const std::string& from, const std::string& to,
                const std::function<bool(const std::string& relative)>& skip,
                const ProgressFn& progress, uint64_t total_bytes, uint64_t* bytes_copied) {
  uint64_t copied = 0;
  Status s = CopyDir(from, to, "", skip, progress, total_bytes, &copied);
  if (bytes_copied != nullptr) *bytes_copied = copied;
  if (!s.ok()) return s;
  const fs::path parent = fs::path(to).parent_path();
  return SyncDir(parent.empty() ? "." : parent.string());
}

Status SyncDir(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return Errno("cannot open", dir);
  if (::fsync(fd.get()) != 0) return Errno("cannot sync", dir);
  return Status::OK();
}

Status RemoveTree(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) return Status::IOError("cannot remove " + dir + ": " + ec.message());
  return Status::OK();
}

}  // namespace hailong::ops

namespace hailong::ops {

Status ChownTree(const std::string& dir, unsigned uid, unsigned gid) {
  if (::lchown(dir.c_str(), uid, gid) != 0) return Errno("cannot chown", dir);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (::lchown(it->path().c_str(), uid, gid) != 0) return Errno("cannot chown", it->path());
  }
  if (ec) return Status::IOError("cannot list " + dir + ": " + ec.message());
  return Status::OK();
}

}  // namespace hailong::ops
