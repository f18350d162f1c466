// Unit tests of the hub's parts that need no process: configuration
// parsing, push frames, tallies, Wilson intervals, CSV cells, key parts.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>

#include "codec.h"
#include "hailong/hub/config.h"
#include "hailong/hub/read_model.h"
#include "hailong/hub/report.h"
#include "hailong/replication/shipper.h"
#include "hailong/schema/time.h"
#include "officer_pins.h"
#include "projection_state.h"
#include "rebuild_state.h"
#include "report_json_text.h"
#include "report_rules.h"

namespace hailong::hub {
namespace {

// prefix followed by n (GCC 12 warns, -Wrestrict, about "literal" + a
// temporary std::string).
template <typename N>
std::string Id(const char* prefix, N n) {
  return std::string(prefix).append(std::to_string(n));
}

const char kMinimal[] = R"({"data_dir":"/tmp/x","http":{"listen":"127.0.0.1:9090"},
  "nodes":[{"id":"edge-phuong-01","office_id":"phuong-01","token_sha256":"%s"}],
  "users":[{"name":"admin","role":"admin","offices":["*"],"password_hash":"$argon2id$v=19$m=65536,t=2,p=1$abc$def"}]})";

std::string Minimal(const std::string& hash = std::string(64, 'a')) {
  char buf[1024];
  std::snprintf(buf, sizeof buf, kMinimal, hash.c_str());
  return buf;
}

TEST(HubConfigTest, ParsesTheInterfaceExample) {
  HubConfig c;
  Status s = ParseHubConfig(Minimal(), &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c.data_dir, "/tmp/x");
  EXPECT_EQ(c.http.host, "127.0.0.1");
  EXPECT_EQ(c.http.port, 9090);
  ASSERT_EQ(c.nodes.size(), 1u);
  EXPECT_EQ(c.nodes[0].office_id, "phuong-01");
  ASSERT_EQ(c.users.size(), 1u);
  EXPECT_EQ(c.users[0].role, Role::kAdmin);
  EXPECT_TRUE(c.users[0].AllOffices());
  EXPECT_DOUBLE_EQ(c.TargetsFor("any").satisfaction, 0.80);
  EXPECT_DOUBLE_EQ(c.TargetsFor("any").participation, 0.40);
}

TEST(HubConfigTest, UppercaseTokenHashIsAccepted) {
  HubConfig c;
  ASSERT_TRUE(ParseHubConfig(Minimal(std::string(64, 'A')), &c).ok());
  EXPECT_EQ(c.nodes[0].token_sha256, std::string(64, 'a'));
}

TEST(HubConfigTest, ErrorsNameTheKey) {
  struct Case {
    std::string text;
    std::string key;
  };
  const std::vector<Case> cases = {
      {R"({"http":{"listen":"a:1"},"nodes":[],"users":[]})", "data_dir"},
      {R"({"data_dir":"d","nodes":[],"users":[]})", "http"},
      {R"({"data_dir":"d","http":{"listen":"a:1"},"users":[]})", "nodes"},
      {R"({"data_dir":"d","http":{"listen":"a:1"},"nodes":[],"users":[],"x":1})", "x"},
      {R"({"data_dir":5,"http":{"listen":"a:1"},"nodes":[],"users":[]})", "data_dir"},
      {R"({"data_dir":"d","http":{"listen":"a:1","threads":"2"},"nodes":[],"users":[]})",
       "http.threads"},
      {R"({"data_dir":"d","http":{"listen":"a"},"nodes":[],"users":[]})", "http.listen"},
      {R"({"data_dir":"d","http":{"listen":"a:1"},"nodes":[{"id":"e","office_id":"o"}],"users":[]})",
       "nodes[0].token_sha256"},
      {R"({"data_dir":"d","http":{"listen":"a:1"},"nodes":[],"users":[{"name":"u","role":"boss","offices":["*"],"password_hash":"$argon2id$x"}]})",
       "users[0].role"},
      {R"({"data_dir":"d","http":{"listen":"a:1"},"nodes":[],"users":[{"name":"u","role":"admin","offices":["*"],"password_hash":"plain"}]})",
       "users[0].password_hash"},
      {R"({"data_dir":"d","http":{"listen":"a:1"},"nodes":[],"users":[],"targets":{"satisfaction":1.5}})",
       "targets.satisfaction"},
      {R"({"data_dir":"d","http":{"listen":"a:1"},"nodes":[],"users":[],"targets":{"offices":{"p1":{"participation":"x"}}}})",
       "targets.offices.p1.participation"},
  };
  for (const auto& c : cases) {
    HubConfig config;
    Status s = ParseHubConfig(c.text, &config);
    EXPECT_TRUE(s.IsInvalidArgument()) << c.text;
    EXPECT_NE(s.message().find("\"" + c.key + "\""), std::string::npos)
        << s.message() << " should name " << c.key;
  }
}

TEST(HubConfigTest, PerOfficeTargets) {
  HubConfig c;
  ASSERT_TRUE(ParseHubConfig(
                  R"({"data_dir":"d","http":{"listen":"a:1"},"nodes":[],"users":[],
      "targets":{"satisfaction":0.9,"offices":{"p1":{"participation":0.3}}}})",
                  &c)
                  .ok());
  EXPECT_DOUBLE_EQ(c.TargetsFor("p1").satisfaction, 0.9);
  EXPECT_DOUBLE_EQ(c.TargetsFor("p1").participation, 0.3);
  EXPECT_DOUBLE_EQ(c.TargetsFor("p2").participation, 0.4);
}

// The push body the hub splits is replication's framing (AppendFrame /
// SplitFrames): a truncated or empty frame is Corruption (the hub answers 400).
TEST(FramesTest, RoundTrip) {
  std::string body;
  replication::AppendFrame(&body, "abc");
  replication::AppendFrame(&body, std::string(300, 'x'));
  std::vector<std::string_view> frames;
  ASSERT_TRUE(replication::SplitFrames(body, &frames).ok());
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], "abc");
  EXPECT_EQ(frames[1].size(), 300u);
}

TEST(FramesTest, TruncatedFrameIsRefused) {
  std::string body;
  replication::AppendFrame(&body, "abcdef");
  std::vector<std::string_view> frames;
  EXPECT_TRUE(replication::SplitFrames(body.substr(0, body.size() - 1), &frames).IsCorruption());
  EXPECT_TRUE(replication::SplitFrames(body + "\x01\x00", &frames).IsCorruption());
  EXPECT_TRUE(replication::SplitFrames(std::string("\0\0\0\0", 4), &frames).IsCorruption());
  EXPECT_TRUE(replication::SplitFrames("", &frames).ok());
  EXPECT_TRUE(frames.empty());
}

TEST(TallyTest, EncodeDecodeAndAdd) {
  Tally t;
  t.ratings = 5;
  t.satisfied = 3;
  t.unsatisfied = -1;
  t.returned_on_time = 1234567890123;
  Tally u;
  ASSERT_TRUE(u.Decode(t.Encode()));
  EXPECT_EQ(u, t);
  u.Add(t, -1);
  EXPECT_TRUE(u.IsZero());
  EXPECT_FALSE(u.Decode(""));
}

TEST(TallyPageTest, RoundTripInValueOrderWithoutZeroTallies) {
  TallyPage page;
  page["q2"] = Tally::OneRating(1, true, false);
  page[""] = Tally::OneRating(3, false, true);
  page["cb/1"].dossiers = 4;
  const std::string bytes = EncodeTallyPage(page);
  TallyPage back;
  ASSERT_TRUE(DecodeTallyPage(bytes, &back));
  EXPECT_EQ(back, page);
  std::vector<std::string> order;
  ASSERT_TRUE(
      ForEachInTallyPage(bytes, [&](std::string_view v, const Tally&) { order.emplace_back(v); }));
  EXPECT_EQ(order, (std::vector<std::string>{"", "cb/1", "q2"}));
  EXPECT_FALSE(DecodeTallyPage(bytes.substr(0, bytes.size() - 1), &back));
  // Zero tallies are left out; a page of only zeros is no page.
  page["zero"] = Tally();
  EXPECT_EQ(EncodeTallyPage(page), bytes);
  EXPECT_EQ(EncodeTallyPage(TallyPage{{"zero", Tally()}}), "");
}

TEST(InternerTest, NumbersDistinctStringsInFirstSeenOrder) {
  Interner in;
  EXPECT_EQ(in.Intern("q1"), 0u);
  EXPECT_EQ(in.Intern(""), 1u);
  EXPECT_EQ(in.Intern(std::string("q") + "1"), 0u);
  for (int i = 0; i < 1000; ++i) in.Intern(Id("v", i));  // addresses stay valid
  EXPECT_EQ(in.Intern("v7"), 9u);
  EXPECT_EQ(in.Name(0), "q1");
  EXPECT_EQ(in.Name(1), "");
  EXPECT_EQ(in.size(), 1002u);
}

// A store in a fresh temporary directory, removed at the end.
struct ScratchStore {
  explicit ScratchStore(const std::string& name)
      : dir(std::filesystem::temp_directory_path() /
            std::string("hailong-unit-").append(name).append(Id("-", getpid()))) {
    std::filesystem::remove_all(dir);
    Status s = replication::Store::Open(replication::StoreOptions(), dir.string(), &store);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  ~ScratchStore() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  std::map<std::string, std::string> All() const {
    std::map<std::string, std::string> out;
    EXPECT_TRUE(store
                    ->Scan("", "",
                           [&](std::string_view k, std::string_view v) {
                             out.emplace(k, v);
                             return true;
                           })
                    .ok());
    return out;
  }
  std::filesystem::path dir;
  std::unique_ptr<replication::Store> store;
};

struct Cell {
  Dimension dim;
  std::string office, day, value;
  Tally delta;
};

// Cells over offices that need escaping, days across four months, many
// values (past the linear lookup), and deltas that cancel out.
std::vector<Cell> RandomCells(uint32_t seed, size_t n) {
  std::mt19937 rng(seed);
  const std::vector<std::string> offices = {"p1", "p/2", "xã-3"};
  std::vector<std::string> days;  // 100 days over four months: day ids past one block of 64
  for (int month = 1; month <= 4; ++month) {
    for (int day = 1; day <= 25; ++day) {
      char text[16];
      std::snprintf(text, sizeof text, "2026-%02d-%02d", month, day);
      days.emplace_back(text);
    }
  }
  std::vector<Cell> cells;
  for (size_t i = 0; i < n; ++i) {
    Cell c;
    c.dim = static_cast<Dimension>(rng() % kDimensionCount);
    c.office = offices[rng() % offices.size()];
    // Half on three busy days (pages past the linear lookup), half spread.
    c.day = rng() % 2 ? days[rng() % 3] : days[rng() % days.size()];
    c.value = c.dim == Dimension::kOffice ? "" : Id("v", rng() % 40);
    c.delta = Tally::OneRating(static_cast<uint8_t>(rng() % 4), rng() % 2, rng() % 3 == 0);
    c.delta.dossiers = rng() % 3;
    cells.push_back(c);
    if (rng() % 5 == 0) {
      c.delta = c.delta.Negated();
      cells.push_back(c);
    }
  }
  return cells;
}

TEST(RebuildTalliesTest, WritesTheSamePagesAsTheOverlay) {
  const auto cells = RandomCells(7, 20000);
  ScratchStore a("overlay"), b("rebuild");
  Overlay overlay(a.store.get());
  RebuildTallies tallies;
  for (const Cell& c : cells) {
    overlay.AddCell(c.dim, c.office, c.day, c.value, c.delta);
    tallies.Add(c.dim, c.office, c.day, c.value, c.delta);
  }
  EXPECT_EQ(tallies.cell_count(), overlay.cell_count());
  replication::WriteBatch batch;
  ASSERT_TRUE(overlay.Flush(&batch).ok());
  ASSERT_TRUE(a.store->Write(batch, false).ok());
  ASSERT_TRUE(tallies.WriteTo(b.store.get(), false, 7).ok());
  EXPECT_EQ(tallies.cell_count(), 0u);
  const auto expected = a.All();
  EXPECT_GT(expected.size(), 50u);
  EXPECT_EQ(b.All(), expected);

  // Written in two parts, the second added to the stored pages.
  ScratchStore c("merge");
  for (size_t i = 0; i < cells.size(); ++i) {
    const Cell& cell = cells[i];
    tallies.Add(cell.dim, cell.office, cell.day, cell.value, cell.delta);
    if (i == cells.size() / 2) {
      ASSERT_TRUE(tallies.WriteTo(c.store.get(), false, 100).ok());
    }
  }
  ASSERT_TRUE(tallies.WriteTo(c.store.get(), true, 100).ok());
  EXPECT_EQ(c.All(), expected);
}

TEST(RebuildStateTest, RecordsWrittenOutAreReadBackFromTheStore) {
  ScratchStore s("records");
  RebuildState state;
  DossierState* d = nullptr;
  ASSERT_TRUE(state.Dossier(s.store.get(), "p1", "R/1", &d).ok());
  EXPECT_FALSE(d->entered);
  d->entered = true;
  d->day = "2026-01-02";
  d->rated = 2;
  std::string* chunk = nullptr;
  const int64_t at = 1767225600000;
  ASSERT_TRUE(state.Chunk(s.store.get(), "p1", at, "edge-p1", &chunk).ok());
  chunk->append("abc");
  std::string* same = nullptr;
  ASSERT_TRUE(state.Chunk(s.store.get(), "p1", at + 60000, "edge-p1", &same).ok());
  EXPECT_EQ(same, chunk);  // the same hour
  EXPECT_GT(state.bytes, 0u);
  ASSERT_TRUE(state.WriteRecords(s.store.get(), 1).ok());
  EXPECT_FALSE(state.complete);
  EXPECT_EQ(state.bytes, 0u);
  std::string v;
  ASSERT_TRUE(s.store->Get(codec::DossierKey("p1", "R/1"), &v).ok());
  ASSERT_TRUE(state.Dossier(s.store.get(), "p1", "R/1", &d).ok());
  EXPECT_TRUE(d->entered);
  EXPECT_EQ(d->day, "2026-01-02");
  EXPECT_EQ(d->rated, 2);
  ASSERT_TRUE(s.store->Get(codec::RatingChunkKey("p1", at, "edge-p1"), &v).ok());
  EXPECT_EQ(v, "abc");
  ASSERT_TRUE(state.Chunk(s.store.get(), "p1", at, "edge-p1", &chunk).ok());
  EXPECT_EQ(*chunk, "abc");
  std::string key;
  codec::DossierKey("p/1", "R%2", &key);
  EXPECT_EQ(key, codec::DossierKey("p/1", "R%2"));
  EXPECT_EQ(key, "x/hub/p/d/p%2F1/R%252");
}

TEST(RatingChunkTest, EntriesComeBackInOrderAndVoidingRewritesOneFlag) {
  std::string chunk;
  RatingIndexEntry a;
  a.classification = 1;
  a.counter = "q1";
  a.officer = "cb-1";
  a.channel = "button_box";
  RatingIndexEntry b = a;
  b.classification = 3;
  b.has_phone = true;
  b.field = "F1";
  b.procedure = "F1-2";
  rating_chunk::Append(&chunk, 7, 1700000000123, a);
  rating_chunk::Append(&chunk, 9, 1700000000456, b);
  const size_t size = chunk.size();
  EXPECT_TRUE(rating_chunk::SetVoided(&chunk, 9));
  EXPECT_FALSE(rating_chunk::SetVoided(&chunk, 8));
  EXPECT_EQ(chunk.size(), size);
  std::vector<uint64_t> seqs;
  ASSERT_TRUE(
      rating_chunk::ForEach(chunk, [&](uint64_t seq, int64_t time, const RatingIndexEntry& e) {
        seqs.push_back(seq);
        if (seq == 7) {
          EXPECT_EQ(time, 1700000000123);
          EXPECT_FALSE(e.voided);
          EXPECT_EQ(e.officer, "cb-1");
        } else {
          EXPECT_EQ(time, 1700000000456);
          EXPECT_TRUE(e.voided);
          EXPECT_TRUE(e.has_phone);
          EXPECT_EQ(e.classification, 3);
          EXPECT_EQ(e.procedure, "F1-2");
        }
        return true;
      }));
  EXPECT_EQ(seqs, (std::vector<uint64_t>{7, 9}));
  EXPECT_FALSE(
      rating_chunk::ForEach(chunk.substr(0, chunk.size() - 2),
                            [](uint64_t, int64_t, const RatingIndexEntry&) { return true; }));
}

TEST(RatingChunkTest, KeysSortNewestHourFirstAndTheRangeCoversThePeriod) {
  int64_t day = 0;
  ASSERT_TRUE(ParseVietnamDay("2026-03-10", &day).ok());
  const std::string early = codec::RatingChunkKey("p1", day + 1000, "edge-1");
  const std::string late = codec::RatingChunkKey("p1", day + 5 * 3600000 + 5, "edge-1");
  EXPECT_LT(late, early);
  std::string begin, end;
  codec::RatingChunkRange("p1", day, day + 86400000 - 1, &begin, &end);
  for (const std::string& key : {early, late}) {
    EXPECT_LE(begin, key);
    EXPECT_LT(key, end);
  }
  EXPECT_GE(codec::RatingChunkKey("p1", day - 1, "edge-1"), end);
  EXPECT_LT(codec::RatingChunkKey("p1", day + 86400000, "edge-1"), begin);
  int64_t start = 0;
  ASSERT_TRUE(codec::RatingChunkTime(late, codec::RatingIndexPrefix("p1"), &start));
  EXPECT_EQ(start, day + 5 * 3600000);
  // Vietnam is UTC+7: an hour never straddles two reporting days.
  EXPECT_EQ(VietnamDay(start), VietnamDay(start + 3600000 - 1));
}

TEST(WilsonTest, KnownValues) {
  // 8 of 10 at 95%: [0.490, 0.943] (Wilson, z = 1.96).
  Interval i = WilsonInterval(8, 10);
  EXPECT_NEAR(i.low, 0.4902, 1e-3);
  EXPECT_NEAR(i.high, 0.9433, 1e-3);
  // Three of three is far less certain than 3000 of 3000.
  EXPECT_LT(WilsonInterval(3, 3).low, 0.5);
  EXPECT_GT(WilsonInterval(3000, 3000).low, 0.998);
  Interval none = WilsonInterval(0, 0);
  EXPECT_EQ(none.low, 0);
  EXPECT_EQ(none.high, 1);
}

// The report's JSON has one writer (report_json_text.cc): the document
// ReportToJson and the rows ReportRowToJson answer (CSV, XLSX, province,
// public and periodic reports) are its text, by every grouping, with
// unknown figures null, targets on office rows only, escapes intact.
TEST(ReportJsonTest, RowsAndDocumentComeFromTheOneWriter) {
  HubConfig config;
  ASSERT_TRUE(ParseHubConfig(Minimal(), &config).ok());
  for (int gi = 0; gi <= static_cast<int>(GroupBy::kCriterion); ++gi) {
    const GroupBy g = static_cast<GroupBy>(gi);
    for (bool known : {true, false}) {
      Report report;
      report.query.from = "2026-11-01";
      report.query.to = "2026-11-30";
      report.query.group_by = g;
      report.dossiers_known = report.returned_known = report.visits_known = known;
      if (g == GroupBy::kField) report.query.offices = {"p\"1"};
      ReportRow a;
      a.office = "p\"1";
      a.key = "Hộ tịch <b>";
      a.name = "Tên \\ \u0001";
      a.tally.ratings = 3;
      a.tally.satisfied = 2;
      a.tally.neutral = 1;
      a.tally.dossiers = 7;
      a.tally.rated_dossiers = 3;
      a.tally.returned = 1;
      a.tally.returned_on_time = 1;
      ReportRow b;
      b.office = "p2";
      b.key = "2026-11-02";
      report.rows = {a, b};
      report.totals = a.tally;
      const std::string text = ReportToJsonText(report, config);
      const nlohmann::json parsed = nlohmann::json::parse(text);
      const nlohmann::json doc = ReportToJson(report, config);
      EXPECT_EQ(doc.dump(), parsed.dump());
      ASSERT_EQ(doc["rows"].size(), 2u);
      for (size_t i = 0; i < report.rows.size(); ++i) {
        EXPECT_EQ(ReportRowToJson(report, report.rows[i], config, false), doc["rows"][i])
            << GroupByName(g) << " row " << i;
      }
      ReportRow totals;
      totals.tally = report.totals;
      EXPECT_EQ(ReportRowToJson(report, totals, config, true), doc["totals"]);
      const nlohmann::json& row = doc["rows"][0];
      EXPECT_DOUBLE_EQ(row["satisfaction_rate"].get<double>(), 2.0 / 3.0);
      EXPECT_EQ(row["dossiers"].is_null(), !known) << GroupByName(g);
      EXPECT_EQ(row["visits"].is_null(), !known);
      EXPECT_EQ(row.contains("target_satisfaction"), g == GroupBy::kOffice);
      EXPECT_FALSE(doc["totals"].contains("office"));
      if (CatalogueKindOf(g) != nullptr) {
        EXPECT_EQ(row["name"], "Tên \\ \u0001");
      }
      // Text and value agree byte for byte once both are dumped.
      EXPECT_EQ(nlohmann::json::parse(ReportRowToJsonText(report, report.rows[0], config, false)),
                row);
    }
  }
}

TEST(CsvTest, FormulaInjectionIsNeutralized) {
  EXPECT_EQ(CsvCell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(CsvCell("+1"), "'+1");
  EXPECT_EQ(CsvCell("-1"), "'-1");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("Hộ tịch, chứng thực"), "\"Hộ tịch, chứng thực\"");
  EXPECT_EQ(CsvCell("Phường 1"), "Phường 1");
}

TEST(CodecTest, KeyPartsEscapeSlashes) {
  EXPECT_EQ(codec::KeyPart("a/b%c"), "a%2Fb%25c");
  EXPECT_EQ(codec::UnKeyPart(codec::KeyPart("a/b%c\x01")), "a/b%c\x01");
  EXPECT_LT(codec::SeqPart(9), codec::SeqPart(10));
  EXPECT_EQ(codec::UninvertTime(codec::InvertTime(1763000000123)), 1763000000123);
  EXPECT_LT(codec::InvertTime(2000), codec::InvertTime(1000));
}

TEST(OfficerPinRules, TrivialAndMalformedPinsAreRefusedAndGeneratedOnesAreNot) {
  for (const char* pin : {"0000", "1111", "1234", "4321", "0123", "9876543", "1212", "123123",
                          "12341234", "909090"}) {
    EXPECT_EQ(CheckPin(pin), PinProblem::kTrivial) << pin;
  }
  for (const char* pin : {"", "123", "123456789", "12a4", " 1234", "٣٤٥٦"}) {
    EXPECT_NE(CheckPin(pin), PinProblem::kOk) << pin;
  }
  for (const char* pin : {"1235", "730419", "90817263", "1122"}) {
    EXPECT_EQ(CheckPin(pin), PinProblem::kOk) << pin;
  }
  for (int i = 0; i < 200; ++i) {
    const std::string pin = GeneratePin(6);
    EXPECT_EQ(pin.size(), 6u);
    EXPECT_EQ(CheckPin(pin), PinProblem::kOk) << pin;
  }
}

}  // namespace
}  // namespace hailong::hub
