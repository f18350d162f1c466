#include "hailong/testing/tls.h"

#include "hailong/testing/ports.h"
#include "hailong/testing/wait.h"

namespace hailong::testing {

Status MakeSelfSignedCert(const std::string& dir, const std::string& name, std::string* crt) {
  const std::string cert = dir + "/" + name + ".crt", key = dir + "/" + name + ".key";
  CommandResult r;
  Status s = RunCommand(
      {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
       "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert},
      &r);
  if (!s.ok()) return s;
  if (r.exit_code != 0) return Status::IOError("openssl req: " + r.output);
  *crt = cert;
  return Status::OK();
}

Status StartTlsTerminator(const std::string& crt, const std::string& key, uint16_t backend_port,
                          const std::string& log_file, uint16_t* port,
                          std::unique_ptr<Process>* out) {
  *port = FreeTcpPort();
  ProcessOptions p;
  p.argv = {"socat",
            "OPENSSL-LISTEN:" + std::to_string(*port) +
                ",bind=127.0.0.1,reuseaddr,fork,verify=0,cert=" + crt + ",key=" + key,
            "TCP:127.0.0.1:" + std::to_string(backend_port)};
  p.log_file = log_file;
  Status s = Process::Start(p, out);
  if (!s.ok()) return s;
  return WaitForTcpPort("127.0.0.1", *port, std::chrono::seconds(10));
}

}  // namespace hailong::testing
