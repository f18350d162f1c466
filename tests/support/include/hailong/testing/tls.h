// TLS in front of a test server: a self-signed certificate for 127.0.0.1
// (openssl) and a TLS terminator (socat) on a free port that forwards to a
// plain loopback port, the way a reverse proxy sits in front of the hub or
// an edge.
//
// Thread safety: free functions; the returned Process as in process.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hailong/schema/status.h"
#include "hailong/testing/process.h"

namespace hailong::testing {

// Writes <dir>/<name>.crt and <dir>/<name>.key (RSA 2048, two days,
// subjectAltName IP:127.0.0.1); *crt = the certificate's path.
Status MakeSelfSignedCert(const std::string& dir, const std::string& name, std::string* crt);

// socat listening with TLS (certificate `crt`, key `key`) on a free port,
// *port, forwarding each connection to 127.0.0.1:backend_port; its output
// goes to `log_file`. Waits until it listens.
Status StartTlsTerminator(const std::string& crt, const std::string& key, uint16_t backend_port,
                          const std::string& log_file, uint16_t* port,
                          std::unique_ptr<Process>* out);

}  // namespace hailong::testing
