#include "hailong/ops/broker_passwords.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "file_tree.h"

namespace hailong::ops {

namespace {

// mosquitto_passwd's defaults (Mosquitto 2.0): 12 bytes of salt, 101 rounds.
constexpr size_t kSaltBytes = 12;
constexpr int kIterations = 101;

bool IsDeviceName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string Base64(std::string_view bytes, int variant) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Status ReadLines(const std::string& path, std::vector<std::string>* lines) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read " + path);
  lines->clear();
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines->push_back(line);
  }
  return Status::OK();
}

// Who owns the broker's files: the broker reads them as that user.
struct Owner {
  uid_t uid = 0;
  gid_t gid = 0;
};

// Writes `text` to `path` atomically and durably (a .new file, fsync,
// rename, fsync of the directory), with mode 0600 and, when run as root,
// owned by `owner` (a technician's `sudo hailongctl` must not leave the
// broker's password file unreadable to the broker).
Status WriteFileAtomic(const std::string& dir, const std::string& path, const std::string& text,
                       const Owner& owner) {
  const std::string tmp = path + ".new";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot write " + tmp + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  if (::geteuid() == 0 && ::fchown(fd, owner.uid, owner.gid) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::IOError("cannot give " + tmp + " to the broker's user: " + why);
  }
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::IOError("cannot write " + tmp + ": " + why);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Status::IOError("cannot write " + tmp + ": " + std::strerror(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::IOError("cannot replace " + path + ": " + why);
  }
  return SyncDir(dir);
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

std::string MosquittoPasswordHash(std::string_view password, std::string_view salt,
                                  int iterations) {
  unsigned char hash[64];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha512(), sizeof hash, hash);
  const int b64 = sodium_base64_VARIANT_ORIGINAL;
  return "$7$" + std::to_string(iterations) + "$" + Base64(salt, b64) + "$" +
         Base64(std::string_view(reinterpret_cast<const char*>(hash), sizeof hash), b64);
}

Status NewDevicePassword(const std::string& broker_dir, const std::string& device,
                         DevicePassword* out) {
  if (!IsDeviceName(device)) {
    return Status::InvalidArgument("device name '" + device +
                                   "' must be 1-64 letters, digits, '-' or '_'");
  }
  if (sodium_init() < 0) return Status::IOError("libsodium cannot be initialised");
  const std::string passwd_path = broker_dir + "/passwd";
  const std::string devices_path = broker_dir + "/devices.txt";
  std::vector<std::string> passwd, devices;
  if (!ReadLines(passwd_path, &passwd).ok() || !ReadLines(devices_path, &devices).ok()) {
    return Status::NotFound(broker_dir +
                            " is not an office broker directory (no passwd or devices.txt; "
                            "make it with make-office-broker)");
  }
  struct stat st {};
  if (::stat(passwd_path.c_str(), &st) != 0) {
    return Status::IOError("cannot read " + passwd_path + ": " + std::strerror(errno));
  }
  const Owner owner{st.st_uid, st.st_gid};
  const std::string prefix = device + ":";
  bool is_user = false, is_device = false;
  for (const auto& l : passwd) is_user = is_user || l.rfind(prefix, 0) == 0;
  for (const auto& l : devices) is_device = is_device || l == device;
  if (is_user && !is_device) {
    return Status::InvalidArgument("'" + device +
                                   "' is a user of this broker but not a device (the edge's "
                                   "user?); its password is not a device password");
  }

  unsigned char raw[18];
  randombytes_buf(raw, sizeof raw);
  DevicePassword result;
  result.device = device;
  result.password = Base64(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw),
                           sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  char salt[kSaltBytes];
  randombytes_buf(salt, sizeof salt);
  const std::string line =
      prefix +
      MosquittoPasswordHash(result.password, std::string_view(salt, sizeof salt), kIterations);

  // The device's file first: until the broker reloads, the old password
  // still logs in, and a technician can read the new one already.
  const std::string devices_dir = broker_dir + "/devices";
  if (::mkdir(devices_dir.c_str(), 0700) == 0) {
    if (::geteuid() == 0 && ::chown(devices_dir.c_str(), owner.uid, owner.gid) != 0) {
      return Status::IOError("cannot give " + devices_dir + " to the broker's user");
    }
  } else if (errno != EEXIST) {
    return Status::IOError("cannot create " + devices_dir + ": " + std::strerror(errno));
  }
  result.password_file = devices_dir + "/" + device + ".password";
  Status s = WriteFileAtomic(devices_dir, result.password_file, result.password + "\n", owner);
  if (!s.ok()) return s;

  bool replaced = false;
  for (auto& l : passwd) {
    if (l.rfind(prefix, 0) == 0) {
      l = line;
      replaced = true;
    }
  }
  if (!replaced) passwd.push_back(line);
  s = WriteFileAtomic(broker_dir, passwd_path, Joined(passwd), owner);
  if (!s.ok()) return s;
  if (!is_device) {
    devices.push_back(device);
    s = WriteFileAtomic(broker_dir, devices_path, Joined(devices), owner);
    if (!s.ok()) return s;
    ::chmod(devices_path.c_str(), 0644);
  }
  result.added = !is_device;
  *out = std::move(result);
  return Status::OK();
}

}  // namespace hailong::ops
