// The office broker's per-device credentials: a new password for one device
// in a directory written by ops/mosquitto/make-office-broker.
//
// That directory holds `passwd` (Mosquitto's password file: "user:hash"
// lines, PBKDF2-SHA512 "$7$" hashes as mosquitto_passwd makes them),
// `devices.txt` (the device user names, one a line) and
// `devices/<name>.password` (each device's own password, mode 0600). The
// broker reads `passwd` again on SIGHUP (systemctl reload
// hailong-mosquitto@<office>); from then on only the new password logs in.
//
// Thread safety: the functions keep no state; two processes changing one
// directory at once may lose one change (a technician runs one at a time).
#pragma once

#include <string>
#include <string_view>

#include "hailong/schema/status.h"

namespace hailong::ops {

struct DevicePassword {
  std::string device;
  std::string password;       // the new password (24 characters of base64url)
  std::string password_file;  // <dir>/devices/<device>.password
  bool added = false;         // the device was not a user of this broker before
};

// Draws a fresh random password for `device`, writes it to
// <broker_dir>/devices/<device>.password (0600) and replaces the device's
// line in <broker_dir>/passwd (adding the device, also to devices.txt, when
// it is new). InvalidArgument for a bad device name or a user that is not a
// device (the edge's); NotFound when `broker_dir` is not a broker directory;
// IOError naming the file that cannot be written.
Status NewDevicePassword(const std::string& broker_dir, const std::string& device,
                         DevicePassword* out);

// Mosquitto's password-file hash of `password`:
// "$7$<iterations>$<base64 salt>$<base64 PBKDF2-HMAC-SHA512, 64 bytes>".
std::string MosquittoPasswordHash(std::string_view password, std::string_view salt, int iterations);

}  // namespace hailong::ops
