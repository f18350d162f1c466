#include "sign_in_names.h"

#include <cstdio>
#include <cstdlib>

#include "codec.h"
#include "macros.h"

namespace hailong::hub {

namespace {

constexpr char kCursorPrefix[] = "x/hub/names/cur/";
constexpr char kOfficerPrefix[] = "x/hub/names/officer/";
constexpr char kInitKey[] = "x/hub/names/init";

std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

}  // namespace

std::string SignInNames::NameKey(const std::string& office, const std::string& officer) {
  return kOfficerPrefix + codec::KeyPart(office) + "/" + codec::KeyPart(officer);
}

SignInNames::SignInNames(const HubConfig* config, replication::EventLog* log)
    : config_(config), log_(log) {
  for (const NodeConfig& n : config_->nodes) origin_office_[n.id] = n.office_id;
}

SignInNames::~SignInNames() { Stop(); }

void SignInNames::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!stop_) return;
  stop_ = false;
  dirty_ = true;
  listener_ = log_->AddListener([this](std::string_view, uint64_t) {
    {
      std::lock_guard<std::mutex> l(mu_);
      dirty_ = true;
    }
    cv_.notify_all();
  });
  thread_ = std::thread([this] { Run(); });
}

void SignInNames::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  log_->RemoveListener(listener_);
  if (thread_.joinable()) thread_.join();
}

void SignInNames::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::seconds(30), [this] { return stop_ || dirty_; });
    if (stop_) return;
    dirty_ = false;
    lock.unlock();
    Status s = CatchUp();
    if (!s.ok()) std::fprintf(stderr, "hailong-hub: sign-in names: %s\n", s.ToString().c_str());
    // Batches of pushes arrive back to back: index at most twice a second.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    lock.lock();
  }
}

Status SignInNames::CatchUp() {
  std::lock_guard<std::mutex> guard(catch_up_mu_);
  replication::Store* store = log_->store();
  std::string init;
  if (!store->Get(kInitKey, &init).ok()) {
    uint64_t total = 0;
    for (const std::string& origin : log_->Origins()) total += log_->Head(origin).seq;
    replication::WriteBatch batch;
    if (total > kBackfillEvents) {
      for (const std::string& origin : log_->Origins()) {
        batch.Put(kCursorPrefix + codec::KeyPart(origin), std::to_string(log_->Head(origin).seq));
      }
    }
    batch.Put(kInitKey, std::to_string(total));
    HAILONG_RETURN_IF_ERROR(store->Write(batch, false));
  }
  for (const std::string& origin : log_->Origins()) {
    if (origin == "hub-private") continue;  // no sign-ins there
    const std::string cursor_key = kCursorPrefix + codec::KeyPart(origin);
    std::string v;
    uint64_t cursor = store->Get(cursor_key, &v).ok() ? std::strtoull(v.c_str(), nullptr, 10) : 0;
    const uint64_t head = log_->Head(origin).seq;
    while (cursor < head) {
      replication::WriteBatch batch;
      uint64_t last = cursor;
      Status s =
          log_->Scan(origin, cursor + 1, [&](uint64_t seq, std::string_view, const fb::Event& e) {
            last = seq;
            if (e.body_type() == fb::EventBody::OfficerSignedIn) {
              const fb::OfficerSignedIn& in = *e.body_as_OfficerSignedIn();
              std::string office = Str(in.office());
              if (office.empty()) {
                auto it = origin_office_.find(origin);
                if (it != origin_office_.end()) office = it->second;
              }
              const std::string name = Str(in.officer_name());
              if (!office.empty() && !name.empty() && in.officer()) {
                batch.Put(NameKey(office, Str(in.officer())), name);
              }
            }
            return seq - cursor < 65536;
          });
      HAILONG_RETURN_IF_ERROR(s);
      if (last == cursor) break;
      batch.Put(cursor_key, std::to_string(last));
      HAILONG_RETURN_IF_ERROR(store->Write(batch, false));
      cursor = last;
    }
  }
  return Status::OK();
}

std::map<std::string, std::map<std::string, std::string>> SignInNames::All(
    const std::function<bool(const std::string&)>& may_see) const {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::string end(kOfficerPrefix);
  end.back() = static_cast<char>('/' + 1);
  const size_t n = std::string_view(kOfficerPrefix).size();
  (void)log_->store()->Scan(kOfficerPrefix, end, [&](std::string_view key, std::string_view v) {
    std::string_view rest = key.substr(n);
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return true;
    const std::string office = codec::UnKeyPart(rest.substr(0, slash));
    if (may_see(office)) out[office][codec::UnKeyPart(rest.substr(slash + 1))] = std::string(v);
    return true;
  });
  return out;
}

}  // namespace hailong::hub
