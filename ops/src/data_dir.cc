#include "hailong/ops/data_dir.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

namespace hailong::ops {

namespace fs = std::filesystem;

namespace {

// The origin id the tool opens logs with. hailongctl never appends, so it
// only has to be a valid id.
constexpr char kToolOrigin[] = "hailongctl";

bool HoldsStore(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "CURRENT", ec);
}

bool LooksLikeLockError(const Status& s) {
  std::string m = s.message();
  std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::tolower(c); });
  return m.find("lock") != std::string::npos;
}

Status InUse(const std::string& dir, int pid) {
  std::string msg = std::string(kDataDirInUse) + " (" + dir;
  if (pid > 0) msg += ", pid " + std::to_string(pid);
  return Status::Unavailable(msg + ")");
}

Status Open(const std::string& store_dir, bool create, const std::string& origin,
            std::unique_ptr<replication::EventLog>* out) {
  int pid = 0;
  if (StoreInUse(store_dir, &pid)) return InUse(store_dir, pid);
  replication::EventLogOptions options;
  options.origin = origin.empty() ? kToolOrigin : origin;
  options.store.create_if_missing = create;
  Status s = replication::EventLog::Open(options, store_dir, out);
  if (!s.ok() && LooksLikeLockError(s)) return InUse(store_dir, 0);
  return s;
}

}  // namespace

Status FindLogStore(const std::string& data_dir, std::string* store_dir) {
  std::error_code ec;
  if (!fs::is_directory(data_dir, ec)) return Status::NotFound(data_dir + " is not a directory");
  if (HoldsStore(data_dir)) {
    *store_dir = data_dir;
    return Status::OK();
  }
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(data_dir, ec)) {
    // personal_keys holds the personal-data key store, not a log
    // (replication/doc/personal_data.md).
    if (entry.path().filename() == "personal_keys") continue;
    if (entry.is_directory(ec) && HoldsStore(entry.path())) found.push_back(entry.path());
  }
  if (found.size() == 1) {
    *store_dir = found[0].string();
    return Status::OK();
  }
  if (found.empty()) return Status::NotFound("no event log in " + data_dir);
  return Status::InvalidArgument(data_dir + " holds several stores; name the one to open");
}

bool StoreInUse(const std::string& store_dir, int* pid) {
  if (pid != nullptr) *pid = 0;
  const std::string lock = store_dir + "/LOCK";
  int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock fl = {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0;
  const bool held = ::fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
  if (held && pid != nullptr) *pid = fl.l_pid;
  ::close(fd);
  return held;
}

Status OpenLogForReading(const std::string& data_dir, std::unique_ptr<replication::EventLog>* out) {
  std::string store_dir;
  Status s = FindLogStore(data_dir, &store_dir);
  if (!s.ok()) return s;
  return Open(store_dir, /*create=*/false, "", out);
}

Status OpenLogForImport(const std::string& data_dir, std::unique_ptr<replication::EventLog>* out,
                        const std::string& node_id) {
  std::string store_dir;
  Status s = FindLogStore(data_dir, &store_dir);
  if (s.IsNotFound()) {
    // A new store goes where the daemons open theirs: <data_dir>/log (or
    // the dir itself when it is named "log").
    fs::path dir = fs::path(data_dir).lexically_normal();
    if (!dir.has_filename()) dir = dir.parent_path();
    if (dir.filename() != kStoreSubdir) dir /= kStoreSubdir;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Status::IOError("cannot create " + dir.string() + ": " + ec.message());
    store_dir = dir.string();
  } else if (!s.ok()) {
    return s;
  }
  return Open(store_dir, /*create=*/true, node_id, out);
}

}  // namespace hailong::ops
