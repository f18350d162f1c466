#include "personal_key_link.h"

#include <boost/beast/http/verb.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

namespace hailong::edge {

namespace personal = replication::personal;
using json = nlohmann::json;

Status PersonalKeyLink::Start(const EdgeConfig& config, PersonalSealer* sealer,
                              std::unique_ptr<PersonalKeyLink>* out) {
  std::unique_ptr<PersonalKeyLink> link(new PersonalKeyLink());
  std::ifstream in(config.hub->token_file);
  std::string token;
  if (!in || !std::getline(in, token)) {
    return Status::InvalidArgument("\"hub.token_file\": cannot read " + config.hub->token_file);
  }
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  net::Url url;
  Status s = net::ParseUrl(config.hub->url, &url);
  if (!s.ok()) return s;
  link->url_ = config.hub->url;
  link->token_ = token;
  link->ca_file_ = config.hub->ca_file;
  link->sealer_ = sealer;
  if (!sealer->has_hub_key()) {
    // First start: ask once before ratings are taken, so that a reachable
    // hub's key is there for the first comment (Run keeps asking otherwise).
    net::HttpClient client(url, link->ca_file_, std::chrono::milliseconds(3000));
    std::string error;
    if (link->FetchKey(client, &error).ok()) link->key_fresh_ = true;
  }
  link->thread_ = std::thread([l = link.get()] { l->Run(); });
  *out = std::move(link);
  return Status::OK();
}

PersonalKeyLink::~PersonalKeyLink() { Stop(); }

void PersonalKeyLink::Stop() {
  stop_ = true;
  if (sealer_ != nullptr) sealer_->Wake();
  if (thread_.joinable()) thread_.join();
}

Status PersonalKeyLink::FetchKey(net::HttpClient& client, std::string* error) {
  namespace http = boost::beast::http;
  int status = 0;
  std::string body;
  Status s = client.Exchange(http::verb::get, "/api/v1/replication/personal-data-key",
                             {{"Authorization", "Bearer " + token_}}, "", &status, &body);
  if (!s.ok()) {
    *error = s.ToString();
    return s;
  }
  json j = json::parse(body, nullptr, false);
  personal::PublicKey key;
  if (status != 200 || !j.is_object() || !j.contains("public_key") ||
      !j["public_key"].is_string() ||
      !personal::PublicKeyFromHex(j["public_key"].get<std::string>(), &key)) {
    *error = "the hub answered HTTP " + std::to_string(status) + " for its key";
    return Status::Unavailable(*error);
  }
  s = sealer_->SetHubKey(key);
  if (!s.ok()) *error = s.ToString();
  return s;
}

void PersonalKeyLink::Run() {
  namespace http = boost::beast::http;
  net::Url url;
  if (!net::ParseUrl(url_, &url).ok()) return;
  net::HttpClient client(url, ca_file_, std::chrono::milliseconds(10000));
  const net::HttpClient::Headers headers{{"Authorization", "Bearer " + token_},
                                         {"Content-Type", "application/json"}};
  std::string last_error;
  auto report = [&](const std::string& error) {
    if (error != last_error) {
      std::cerr << "hailong-edge: personal data keys: " << error << "\n";
      last_error = error;
    }
  };
  while (!stop_) {
    bool idle = true;
    if (!key_fresh_) {
      std::string error;
      if (FetchKey(client, &error).ok()) {
        key_fresh_ = true;
        idle = false;
      } else {
        report(error);
      }
    }
    std::vector<std::pair<std::string, std::string>> pending;
    Status s = sealer_->Pending(256, &pending);
    if (!s.ok()) report(s.ToString());
    if (!pending.empty()) {
      json keys = json::array();
      std::vector<std::string> ids;
      for (const auto& [id, sealed] : pending) {
        keys.push_back(schema::HexEncode(sealed));
        ids.push_back(id);
      }
      int status = 0;
      std::string body;
      s = client.Exchange(http::verb::post, "/api/v1/replication/personal-keys", headers,
                          json{{"keys", keys}}.dump(), &status, &body);
      if (s.ok() && status == 200) {
        s = sealer_->Forget(ids);
        if (!s.ok()) report(s.ToString());
        idle = false;
        last_error.clear();
      } else {
        report(s.ok()
                   ? "the hub answered HTTP " + std::to_string(status) + ": " + body.substr(0, 200)
                   : s.ToString());
      }
    }
    if (idle && !stop_) sealer_->WaitForKeys(key_fresh_ ? 2000 : 1000);
  }
}

}  // namespace hailong::edge
