// hailong-fuzz-seeds <corpus dir>: writes the seed corpora of the fuzzers
// from the real formats — events appended to a real EventLog, its frames
// and export file, device payloads and acks from the devices library's
// builders, the built-in templates, the example configuration files. The
// output is checked in (tests/fuzz/corpus); rerun after a format change.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "hailong/devices/payload.h"
#include "hailong/ops/log_export.h"
#include "hailong/replication/event_log.h"
#include "hailong/replication/shipper.h"
#include "hailong/schema/event_json.h"
#include "hailong/survey/template_codec.h"
#include "hailong/survey/template_registry.h"

namespace fs = std::filesystem;
using namespace hailong;

namespace {

constexpr int64_t kNow = 1795926473000;  // 2026-11-24T04:27:53Z

void Write(const fs::path& dir, const std::string& name, std::string_view bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::cerr << "cannot write " << (dir / name) << "\n";
    std::exit(1);
  }
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::cerr << what << ": " << s.ToString() << "\n";
    std::exit(1);
  }
}

survey::Answers FirstAnswers(const survey::SurveyTemplate& t, size_t pick) {
  survey::Answers answers;
  for (const auto& c : t.criteria) {
    answers.push_back({c.id, c.options[pick % c.options.size()].id});
  }
  return answers;
}

template <class Body>
replication::EventDraft Draft(std::string idem, Body body) {
  replication::EventDraft d;
  d.idempotency_id = std::move(idem);
  d.time_ms = kNow;
  d.body.Set(std::move(body));
  return d;
}

// A few events of every kind an edge writes, appended to a real log.
std::vector<replication::EventDraft> EdgeDrafts() {
  std::vector<replication::EventDraft> drafts;
  const auto& templates = survey::BuiltinTemplates();
  {
    fb::TemplatePublishedT t;
    t.template_ = std::make_unique<fb::SurveyTemplateT>();
    survey::TemplateToFlatbuffer(templates[0], t.template_.get());
    drafts.push_back(Draft("", std::move(t)));
  }
  {
    fb::CatalogueChangedT c;
    c.kind = fb::CatalogueKind::Counter;
    c.id = "q1";
    c.name = "Quầy 1 — Hộ tịch";
    c.office = "phuong-01";
    auto a = std::make_unique<fb::AttributeT>();
    a->key = "template";
    a->value = templates[0].id;
    c.attributes.push_back(std::move(a));
    drafts.push_back(Draft("", std::move(c)));
  }
  {
    fb::OfficerSignedInT s;
    s.office = "phuong-01";
    s.counter = "q1";
    s.officer = "cb-nhung";
    s.officer_name = "Nguyễn Thị Hồng Nhung";
    drafts.push_back(Draft("", std::move(s)));
  }
  {
    fb::DossierRecordedT d;
    d.receipt = "000.00.17.H29-261124-0042";
    d.stage = fb::DossierStage::Received;
    d.office = "phuong-01";
    d.procedure = "HT-001";
    d.field = "HT";
    d.counter = "q1";
    d.officer = "cb-nhung";
    d.due_ms = kNow + 3 * 86400000LL;
    d.at_ms = kNow;
    drafts.push_back(Draft("", std::move(d)));
  }
  {
    fb::DeviceSeenT d;
    d.office = "phuong-01";
    d.device = "box-3";
    d.counter = "q1";
    d.kind = "button_box";
    d.firmware = "1.4.2";
    d.battery_pct = 87;
    drafts.push_back(Draft("", std::move(d)));
  }
  for (int i = 0; i < 3; ++i) {
    fb::RatingSubmittedT r;
    r.rating_id = std::to_string(981 + i);
    r.office = "phuong-01";
    r.counter = "q1";
    r.officer = "cb-nhung";
    r.device = "box-3";
    r.channel = i == 2 ? fb::Channel::Web : fb::Channel::ButtonBox;
    r.template_id = templates[0].id;
    r.template_version = templates[0].version;
    for (const auto& a : FirstAnswers(templates[0], static_cast<size_t>(i))) {
      auto fa = std::make_unique<fb::AnswerT>();
      fa->criterion = a.criterion;
      fa->option = a.option;
      r.answers.push_back(std::move(fa));
    }
    r.classification = i == 1 ? fb::Classification::Unsatisfied : fb::Classification::Satisfied;
    r.dossier = i == 1 ? "000.00.17.H29-261124-0042" : "";
    r.comment = i == 1 ? "Cán bộ rất nhiệt tình — nhưng phải chờ lâu" : "";
    r.device_time_ms = kNow - 2000;
    r.edge_time_ms = kNow - 1500;
    drafts.push_back(Draft("box-3:" + r.rating_id, std::move(r)));
  }
  {
    fb::OfficerSignedOutT s;
    s.office = "phuong-01";
    s.counter = "q1";
    s.officer = "cb-nhung";
    drafts.push_back(Draft("", std::move(s)));
  }
  {
    fb::DeviceLostT d;
    d.office = "phuong-01";
    d.device = "box-3";
    drafts.push_back(Draft("", std::move(d)));
  }
  return drafts;
}

// Events only the hub writes (follow-ups, voids), for the JSON codec.
std::vector<replication::EventDraft> HubDrafts() {
  std::vector<replication::EventDraft> drafts;
  {
    fb::FollowUpOpenedT f;
    f.follow_up_id = "fu-12";
    f.office = "phuong-01";
    f.rating_origin = "edge-phuong-01";
    f.rating_seq = 7;
    f.reason = "Không hài lòng về thái độ";
    f.assignee = "truong-phong-01";
    drafts.push_back(Draft("", std::move(f)));
  }
  {
    fb::FollowUpNotedT f;
    f.follow_up_id = "fu-12";
    f.author = "truong-phong-01";
    f.note = "Đã gọi lại cho công dân.";
    drafts.push_back(Draft("", std::move(f)));
  }
  {
    fb::FollowUpClosedT f;
    f.follow_up_id = "fu-12";
    f.author = "truong-phong-01";
    f.resolution = "Công dân đã hài lòng";
    drafts.push_back(Draft("", std::move(f)));
  }
  {
    fb::RatingVoidedT v;
    v.rating_origin = "edge-phuong-01";
    v.rating_seq = 8;
    v.reason = "Bấm nhầm khi thử thiết bị";
    v.by = "admin";
    drafts.push_back(Draft("", std::move(v)));
  }
  return drafts;
}

std::unique_ptr<replication::EventLog> FillLog(const std::string& dir, const std::string& origin,
                                               std::vector<replication::EventDraft> drafts) {
  replication::EventLogOptions options;
  options.origin = origin;
  options.sync = false;
  std::unique_ptr<replication::EventLog> log;
  Check(replication::EventLog::Open(options, dir, &log), "open log");
  std::vector<replication::AppendResult> results;
  Check(log->AppendBatch(std::move(drafts), &results), "append");
  return log;
}

std::string Frames(const std::vector<replication::StoredEvent>& events, size_t from, size_t n) {
  std::string body;
  for (size_t i = from; i < events.size() && i < from + n; ++i) {
    replication::AppendFrame(&body, events[i].bytes);
  }
  return body;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: hailong-fuzz-seeds <corpus dir> <source dir>\n";
    return 2;
  }
  const fs::path corpus = argv[1];
  const fs::path source = argv[2];
  const fs::path tmp = fs::temp_directory_path() / ("hailong-seeds-" + std::to_string(getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);

  // Logs of an edge and of the hub.
  auto edge = FillLog((tmp / "edge").string(), "edge-phuong-01", EdgeDrafts());
  auto hub = FillLog((tmp / "hub").string(), "hub", HubDrafts());
  std::vector<replication::StoredEvent> edge_events, hub_events;
  Check(edge->Read("edge-phuong-01", 1, 1000, 1 << 24, &edge_events), "read");
  Check(hub->Read("hub", 1, 1000, 1 << 24, &hub_events), "read");

  // event_json: every stored event as JSON.
  int n = 0;
  for (const auto* events : {&edge_events, &hub_events}) {
    for (const auto& e : *events) {
      const fb::Event* root = nullptr;
      Check(schema::VerifyEvent(e.bytes, &root), "verify");
      Write(corpus / "event_json", "event-" + std::to_string(++n) + ".json",
            schema::EventToJson(*root).dump(2));
    }
  }

  // replication_batch: the whole chain, its start, a later part, one event.
  Write(corpus / "replication_batch", "edge-all.frames", Frames(edge_events, 0, 1000));
  Write(corpus / "replication_batch", "edge-first-3.frames", Frames(edge_events, 0, 3));
  Write(corpus / "replication_batch", "edge-from-4.frames", Frames(edge_events, 3, 1000));
  Write(corpus / "replication_batch", "hub-all.frames", Frames(hub_events, 0, 1000));

  // export_reader: hailongctl exports of both logs, one per origin.
  for (auto [log, name] : {std::pair{edge.get(), "edge"}, {hub.get(), "hub"}}) {
    ops::LogExportOptions options;
    options.source = "/var/lib/hailong/" + std::string(name);
    ops::LogExportResult result;
    const fs::path file = tmp / (std::string(name) + ".hlexport");
    Check(ops::ExportLog(*log, options, file.string(), &result), "export");
    Write(corpus / "export_reader", std::string(name) + ".hlexport", ReadFile(file));
  }
  edge.reset();
  hub.reset();

  // hub_http: replication pushes of the fuzzer's node "edge-p1" (route 11).
  {
    auto p1 = FillLog((tmp / "p1").string(), "edge-p1", EdgeDrafts());
    std::vector<replication::StoredEvent> p1_events;
    Check(p1->Read("edge-p1", 1, 1000, 1 << 24, &p1_events), "read");
    Write(corpus / "hub_http", "push-all", std::string(1, '\x0b') + Frames(p1_events, 0, 1000));
    Write(corpus / "hub_http", "push-first-2", std::string(1, '\x0b') + Frames(p1_events, 0, 2));
  }

  // device_payload: selector byte, then the bytes (fuzz_device_payload.cc).
  const fs::path dev = corpus / "device_payload";
  n = 0;
  for (const auto& t : survey::BuiltinTemplates()) {
    for (size_t pick = 0; pick < 2; ++pick) {
      std::string p(1, '\0');
      p += devices::RatingPayloadJson("r-" + std::to_string(n), "q1", t.id, FirstAnswers(t, pick),
                                      kNow - 5000, pick ? "000.00.17.H29-261124-0042" : "",
                                      pick && t.allow_comment ? "Rất hài lòng, cảm ơn cán bộ" : "",
                                      pick && t.allow_phone ? "0903 123 456" : "");
      Write(dev, "rating-" + std::to_string(n++), p);
    }
    Write(dev, "template-" + t.id, std::string(1, '\3') + survey::TemplateToJson(t).dump());
  }
  Write(dev, "topic-rating", std::string(1, '\1') + devices::RatingTopic("phuong-01", "box-3"));
  Write(dev, "topic-status", std::string(1, '\1') + devices::StatusTopic("phuong-01", "box-3"));
  Write(dev, "topic-session", std::string(1, '\1') + devices::SessionTopic("phuong-01", "q1"));
  Write(dev, "ack-stored", std::string(1, '\2') + devices::StoredAckJson("981", 42));
  Write(dev, "ack-rejected",
        std::string(1, '\2') + devices::RejectedAckJson(std::nullopt, "malformed JSON"));

  // Configuration files: the examples and the demo catalogue.
  Write(corpus / "hub_config", "hub.json", ReadFile(source / "ops/examples/hub.json"));
  Write(corpus / "edge_config", "edge.json",
        std::string(1, '\0') + ReadFile(source / "ops/examples/edge.json"));
  Write(corpus / "edge_config", "catalogue.json",
        std::string(1, '\1') + ReadFile(source / "ops/demo/catalogue.json"));

  fs::remove_all(tmp);
  std::cout << "seeds written to " << corpus << "\n";
  return 0;
}
