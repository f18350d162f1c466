#include "hailong/ops/hub_export.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "hailong/ops/export_writer.h"
#include "hailong/replication/origin_names.h"
#include "hailong/replication/shipper.h"
#include "hailong/schema/event.h"
#include "hailong/schema/version.h"
#include "hub_session.h"

namespace hailong::ops {

namespace {

// Percent-encoding is not needed: origins are ids of [A-Za-z0-9_-].
bool IsId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

// Frames received so far, spooled to a file beside the export (an office's
// log may be larger than memory is comfortable with).
class Spool {
 public:
  explicit Spool(std::string path) : path_(std::move(path)) {
    out_.open(path_, std::ios::binary | std::ios::trunc);
  }
  ~Spool() {
    out_.close();
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  bool ok() const { return static_cast<bool>(out_); }
  void Add(std::string_view event) {
    PutFixed32(&buf_, static_cast<uint32_t>(event.size()));
    buf_.append(event);
    if (buf_.size() > (1u << 20)) Flush();
  }
  Status Finish() {
    Flush();
    out_.close();
    return out_ ? Status::OK() : Status::IOError("cannot write " + path_);
  }
  const std::string& path() const { return path_; }

 private:
  void Flush() {
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }
  std::string path_;
  std::ofstream out_;
  std::string buf_;
};

Status CopySpool(const std::string& spool, uint64_t count, ExportWriter* writer) {
  std::ifstream in(spool, std::ios::binary);
  std::string frame;
  for (uint64_t i = 0; i < count; ++i) {
    char len[4];
    if (!in.read(len, 4)) return Status::IOError("cannot read back " + spool);
    frame.resize(DecodeFixed32(len));
    if (!in.read(frame.data(), static_cast<std::streamsize>(frame.size()))) {
      return Status::IOError("cannot read back " + spool);
    }
    Status s = writer->Add(frame);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace

Status ExportFromHub(const HubExportOptions& o, const std::string& path, LogExportResult* result) {
  *result = LogExportResult();
  if (!IsId(o.origin)) return Status::InvalidArgument("--origin must be a node id or \"hub\"");
  if (o.from_seq == 0) return Status::InvalidArgument("--from-seq starts at 1");
  std::error_code ec;
  if (!o.overwrite && std::filesystem::exists(path, ec)) {
    return Status::InvalidArgument(path + " exists (use --force to replace it)");
  }
  HubUrl url;
  Status s = ParseHubUrl(o.url, &url);
  if (!s.ok()) return s;
  HttpClient client(url, o.timeout_seconds);
  HubSession session(&client);
  s = session.Login(o.user, o.password);
  if (!s.ok()) return s;

  ExportOriginRange range;
  range.origin = o.origin;
  range.first_seq = o.from_seq;
  uint64_t head = 0;  // the hub's head at the first answer: the export's end
  uint64_t next = o.from_seq;
  schema::Hash chain = schema::kZeroHash;
  Spool spool(path + ".pull");
  if (!spool.ok()) return Status::IOError("cannot write " + spool.path());
  for (;;) {
    HttpResponse res;
    s = session.Get("/api/v1/replication/pull?origin=" + o.origin + "&from=" +
                        std::to_string(next) + "&max_bytes=" + std::to_string(o.max_bytes_per_pull),
                    &res);
    if (!s.ok()) return s;
    if (res.status == 403) {
      return Status::PermissionDenied("only an admin may read the events of " + o.origin + ": " +
                                      HttpErrorText(res));
    }
    if (res.status == 401) return Status::Unauthenticated("the session was refused");
    if (res.status != 200) return Status::Unavailable("pull answered " + HttpErrorText(res));
    if (head == 0) {
      const std::string h = res.Header("x-hailong-head-seq");
      head = h.empty() ? 0 : std::strtoull(h.c_str(), nullptr, 10);
      if (head < o.from_seq) {
        return Status::NotFound("the hub holds no events of " + o.origin +
                                (o.from_seq > 1 ? " from seq " + std::to_string(o.from_seq) : ""));
      }
    }
    std::vector<std::string_view> frames;
    s = replication::SplitFrames(res.body, &frames);
    if (!s.ok()) return Status::Corruption("the hub's answer: " + s.message());
    if (frames.empty()) {
      return Status::Corruption("the hub stopped at seq " + std::to_string(next - 1) +
                                " before its head " + std::to_string(head));
    }
    schema::AlignedEventBuffer aligned;  // frames follow a 4-byte length
    for (std::string_view bytes : frames) {
      if (next > head) break;
      const fb::Event* e = nullptr;
      s = schema::VerifyEvent(bytes, &e, &aligned);
      if (!s.ok()) return Status::Corruption("seq " + std::to_string(next) + ": " + s.message());
      if (e->origin()->string_view() != replication::EmbeddedOrigin(o.origin) || e->seq() != next) {
        return Status::Corruption("the hub sent " + e->origin()->str() + " seq " +
                                  std::to_string(e->seq()) + " where " + o.origin + " seq " +
                                  std::to_string(next) + " belongs");
      }
      const schema::Hash prev = schema::HashFromVector(e->prev_hash());
      if (next == o.from_seq) {
        range.first_prev_hash = prev;
        range.first_time_ms = e->time_ms();
      } else if (prev != chain) {
        return Status::Corruption("seq " + std::to_string(next) +
                                  " does not link to the chain (prev_hash mismatch)");
      }
      chain = schema::ChainHash(prev, bytes);
      range.last_time_ms = e->time_ms();
      spool.Add(bytes);
      ++next;
    }
    if (o.progress) o.progress(next - o.from_seq, head - o.from_seq + 1);
    if (next > head) break;
  }
  s = spool.Finish();
  if (!s.ok()) return s;
  range.last_seq = head;
  range.last_hash = chain;

  ExportMetadata& m = result->metadata;
  const Clock* clock = o.clock != nullptr ? o.clock : Clock::System();
  m.created_at = FormatRfc3339(clock->NowMs());
  m.tool = std::string("hailongctl ") + kVersion;
  m.source = o.url;
  m.origin_filter = o.origin;
  m.origins.push_back(range);
  std::unique_ptr<ExportWriter> writer;
  s = ExportWriter::Create(path, m, o.overwrite, &writer);
  if (!s.ok()) return s;
  s = CopySpool(spool.path(), range.events(), writer.get());
  if (!s.ok()) return s;
  s = writer->Finish(&result->digest);
  if (!s.ok()) return s;
  result->bytes = std::filesystem::file_size(path, ec);
  return Status::OK();
}

}  // namespace hailong::ops
