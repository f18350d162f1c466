// PersonalKeyLink: a thread that learns the hub's personal-data public key
// (GET /api/v1/replication/personal-data-key, unless the edge config names
// it) and ships the sealed data keys the PersonalSealer keeps
// (POST /api/v1/replication/personal-keys), deleting each batch once the hub
// acknowledged it. Same node token and TLS settings as the log shipper.
//
// Thread safety: Start once; Stop from one thread (also from the destructor).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "hailong/edge/config.h"
#include "hailong/net/http_client.h"
#include "hailong/net/url.h"
#include "personal_sealer.h"

namespace hailong::edge {

class PersonalKeyLink {
 public:
  static Status Start(const EdgeConfig& config, PersonalSealer* sealer,
                      std::unique_ptr<PersonalKeyLink>* out);
  ~PersonalKeyLink();
  void Stop();

 private:
  PersonalKeyLink() = default;
  void Run();
  // Asks the hub for its public key and hands it to the sealer.
  Status FetchKey(net::HttpClient& client, std::string* error);

  std::string url_, token_, ca_file_;
  PersonalSealer* sealer_ = nullptr;
  std::atomic<bool> stop_{false};
  // The hub's key was asked for since start (it may have rotated it).
  bool key_fresh_ = false;
  std::thread thread_;
};

}  // namespace hailong::edge
