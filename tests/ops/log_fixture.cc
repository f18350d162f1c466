#include "log_fixture.h"

#include <iterator>

#include "hailong/schema/event.h"

namespace hailong::ops::testing {

const char* const kComments[] = {
    "Cán bộ tiếp nhận hồ sơ rất nhiệt tình, chu đáo",
    "Phải chờ đợi quá lâu ở quầy số 3, đề nghị bố trí thêm người",
    "Hướng dẫn rõ ràng, dễ hiểu; cảm ơn chị Nhung",
    "Thủ tục đăng ký khai sinh nhanh gọn — rất hài lòng",
};
const size_t kCommentCount = sizeof(kComments) / sizeof(kComments[0]);
const char* const kOfficerNames[] = {"Nguyễn Thị Hồng Nhung", "Trần Văn Đức"};

namespace {

replication::EventDraft Rating(const std::string& office, int n, const std::string& comment) {
  fb::RatingSubmittedT r;
  r.rating_id = "r-" + std::to_string(n);
  r.office = office;
  r.counter = "q" + std::to_string(1 + n % 3);
  r.officer = n % 2 == 0 ? "can-bo-nhung" : "can-bo-duc";
  r.device = "box-" + std::to_string(1 + n % 3);
  r.channel = fb::Channel::ButtonBox;
  r.template_id = "muc-do-hai-long";
  r.template_version = 1;
  auto answer = std::make_unique<fb::AnswerT>();
  answer->criterion = "tong-the";
  answer->option = n % 4 == 1 ? "khong-hai-long" : "hai-long";
  r.answers.push_back(std::move(answer));
  r.classification = n % 4 == 1 ? fb::Classification::Unsatisfied : fb::Classification::Satisfied;
  r.comment = comment;
  replication::EventDraft draft;
  draft.idempotency_id = r.device + ":" + r.rating_id;
  draft.body.Set(std::move(r));
  return draft;
}

replication::EventDraft SignIn(const std::string& office, int n) {
  fb::OfficerSignedInT s;
  s.office = office;
  s.counter = "q1";
  s.officer = n % 2 == 0 ? "can-bo-nhung" : "can-bo-duc";
  s.officer_name = kOfficerNames[n % 2];
  s.template_id = "muc-do-hai-long";
  replication::EventDraft draft;
  draft.body.Set(std::move(s));
  return draft;
}

replication::EventDraft Dossier(const std::string& office, int n) {
  fb::DossierRecordedT d;
  d.receipt = "000.00.01.H29-260301-" + std::to_string(1000 + n);
  d.stage = n % 2 == 0 ? fb::DossierStage::Received : fb::DossierStage::Returned;
  d.office = office;
  d.procedure = "1.001193";  // đăng ký khai sinh
  d.field = "ho-tich";
  d.counter = "q2";
  replication::EventDraft draft;
  draft.body.Set(std::move(d));
  return draft;
}

}  // namespace

Status WriteEdgeLog(const std::string& dir, const std::string& origin, int per_day,
                    std::vector<WrittenEvent>* written) {
  FakeClock clock(0);
  replication::EventLogOptions options;
  options.origin = origin;
  options.clock = &clock;
  std::unique_ptr<replication::EventLog> log;
  Status s = replication::EventLog::Open(options, dir, &log);
  if (!s.ok()) return s;
  const std::string office = "phuong-" + origin.substr(origin.size() - 2);
  // A second call continues the log (and the rating ids).
  const uint64_t first_seq = log->Head(origin).seq + 1;
  int n = static_cast<int>(first_seq - 1);
  for (size_t d = 0; d < std::size(kDays); ++d) {
    const char* day = kDays[d];
    int64_t midnight = 0;
    if (s = ParseVietnamDay(day, &midnight); !s.ok()) return s;
    for (int i = 0; i < per_day; ++i, ++n) {
      // 07:30 onwards every 20 minutes; the first event of days 2 and 3 at
      // 00:00:00.000 and the last of days 1 and 2 at 23:59:59.999.
      int64_t t = midnight + (7 * 60 + 30 + 20 * i) * 60000LL;
      if (i == 0 && d > 0) t = midnight;
      if (i == per_day - 1 && d + 1 < std::size(kDays)) t = midnight + 24LL * 3600 * 1000 - 1;
      clock.Set(t);
      std::string comment;
      replication::EventDraft draft;
      if (n % 5 == 3) {
        draft = SignIn(office, n);
      } else if (n % 5 == 4) {
        draft = Dossier(office, n);
      } else {
        comment = kComments[n % kCommentCount];
        draft = Rating(office, n, comment);
      }
      replication::AppendResult result;
      if (s = log->Append(std::move(draft), &result); !s.ok()) return s;
      written->push_back({origin, result.seq, day, comment, ""});
    }
  }
  std::vector<replication::StoredEvent> stored;
  if (s = log->Read(origin, first_seq, 1u << 30, 1u << 30, &stored); !s.ok()) return s;
  if (stored.size() != static_cast<size_t>(3 * per_day)) {
    return Status::Corruption("the log holds " + std::to_string(stored.size()) + " events");
  }
  for (size_t i = 0; i < stored.size(); ++i) {
    (*written)[written->size() - stored.size() + i].bytes = stored[i].bytes;
  }
  return Status::OK();
}

Status ReadAll(const std::string& dir, std::vector<WrittenEvent>* out) {
  replication::EventLogOptions options;
  options.origin = "test-reader";
  options.store.create_if_missing = false;
  std::unique_ptr<replication::EventLog> log;
  Status s = replication::EventLog::Open(options, dir, &log);
  if (!s.ok()) return s;
  for (const std::string& origin : log->Origins()) {
    std::vector<replication::StoredEvent> stored;
    if (s = log->Read(origin, 1, 1u << 30, 1u << 30, &stored); !s.ok()) return s;
    for (auto& e : stored) {
      const fb::Event* event = nullptr;
      if (s = schema::VerifyEvent(e.bytes, &event); !s.ok()) return s;
      out->push_back({origin, e.seq, VietnamDay(event->time_ms()), "", std::move(e.bytes)});
    }
  }
  return Status::OK();
}

Status IngestAll(const std::string& from_dir, const std::string& to_dir) {
  std::vector<WrittenEvent> events;
  Status s = ReadAll(from_dir, &events);
  if (!s.ok()) return s;
  replication::EventLogOptions options;
  options.origin = "test-ingest";
  std::unique_ptr<replication::EventLog> log;
  if (s = replication::EventLog::Open(options, to_dir, &log); !s.ok()) return s;
  std::map<std::string, std::vector<std::string_view>> by_origin;
  for (const auto& e : events) by_origin[e.origin].push_back(e.bytes);
  for (const auto& [origin, views] : by_origin) {
    replication::IngestResult result;
    if (s = log->Ingest(origin, views, &result); !s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace hailong::ops::testing
