// The periodic report as a document (periodic_document.h).
#include "periodic_document.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace hailong::hub {
namespace {

using json = nlohmann::json;

int64_t Count(const json& row, const char* key) {
  if (!row.is_object()) return 0;
  auto it = row.find(key);
  return it != row.end() && it->is_number() ? it->get<int64_t>() : 0;
}

double Rate(const json& row, const char* key) {
  if (!row.is_object()) return 0;
  auto it = row.find(key);
  return it != row.end() && it->is_number() ? it->get<double>() : 0;
}

std::string Text(const json& row, const char* key) {
  if (!row.is_object()) return "";
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : "";
}

// "dd/mm/yyyy" of YYYY-MM-DD.
std::string DayMonthYear(const std::string& day) {
  if (day.size() != 10) return day;
  return day.substr(8, 2) + "/" + day.substr(5, 2) + "/" + day.substr(0, 4);
}

// The fields of one office (or the totals) kept for the document.
json OfficeFigures(const json& row) {
  return json{{"ratings", Count(row, "ratings")},
              {"very_satisfied", Count(row, "very_satisfied")},
              {"satisfied_only", Count(row, "satisfied_only")},
              {"satisfied", Count(row, "satisfied")},
              {"neutral", Count(row, "neutral")},
              {"unsatisfied", Count(row, "unsatisfied")},
              {"satisfaction_rate", Rate(row, "satisfaction_rate")},
              {"dossiers", Count(row, "dossiers")},
              {"rated_dossiers", Count(row, "rated_dossiers")},
              {"participation_rate", Rate(row, "participation_rate")},
              {"unsatisfied_dossiers", Count(row, "unsatisfied_dossiers")},
              {"decision766_rate", Rate(row, "decision766_rate")}};
}

json CriterionFigures(const json& row) {
  return json{{"answers", Count(row, "answers")},
              {"worst_label", Text(row, "worst_label")},
              {"worst_count", Count(row, "worst_count")},
              {"worst_share", Rate(row, "worst_share")}};
}

struct OfficePair {
  std::string name;
  json current = json::object(), previous = json::object();
};

}  // namespace

std::string FormatCount(int64_t n, bool english) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  const char sep = english ? ',' : '.';
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string FormatPercent(double fraction, bool english) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", std::round(fraction * 1000) / 10);
  std::string s = buf;
  if (!english) {
    for (char& c : s) {
      if (c == '.') c = ',';
    }
  }
  return s;
}

std::string FormatSignedDate(const std::string& day, bool english) {
  static const char* kMonths[] = {"January",   "February", "March",    "April",
                                  "May",       "June",     "July",     "August",
                                  "September", "October",  "November", "December"};
  if (day.size() != 10) return day;
  const int d = std::atoi(day.substr(8, 2).c_str());
  const int m = std::atoi(day.substr(5, 2).c_str());
  if (d < 1 || d > 31 || m < 1 || m > 12) return day;
  const std::string y = day.substr(0, 4);
  if (english) return std::to_string(d) + " " + kMonths[m - 1] + " " + y;
  // Decree 30, Appendix I: days below 10 and months 1 and 2 take a leading zero.
  const std::string dd = (d < 10 ? "0" : "") + std::to_string(d);
  const std::string mm = (m < 3 ? "0" : "") + std::to_string(m);
  return "ngày " + dd + " tháng " + mm + " năm " + y;
}

Status BuildPeriodicDocument(const PeriodicHeader& header, const PeriodicFigures& f, bool en,
                             PeriodicDocument* out) {
  PeriodicDocument d;
  const PeriodicReportConfig& c = header.config;
  d.lang = en ? "en" : "vi";
  d.parent_body = c.parent_body;
  d.issuer = c.issuer;
  d.number_line = std::string(en ? "No.: " : "Số: ") +
                  (header.number.empty() ? "      " : header.number) + "/" + c.symbol;
  d.nation = en ? "SOCIALIST REPUBLIC OF VIET NAM" : "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
  d.motto = en ? "Independence - Freedom - Happiness" : "Độc lập - Tự do - Hạnh phúc";
  const std::string place = c.place.empty() ? "……" : c.place;
  d.place_date = place + ", " + FormatSignedDate(header.signed_on, en);
  d.title = en ? "REPORT" : "BÁO CÁO";
  const std::string label = PeriodLabel(f.period, en);
  const std::string previous_label = PeriodLabel(f.previous, en);
  d.subject = en ? "Results of measuring the satisfaction of citizens and organisations with the "
                   "service of state administrative agencies, " +
                       label
                 : c.subject + " " + label;
  d.recipient_line = std::string(en ? "To: " : "Kính gửi: ") + c.recipient + ".";
  d.file_title = (en ? "Report " : "Báo cáo ") + label;

  // Offices of either period, by id (the engine sorts its rows by office).
  std::map<std::string, OfficePair> offices;
  for (const auto* side : {&f.current, &f.previous_report}) {
    if (!side->contains("rows") || !(*side)["rows"].is_array()) continue;
    for (const json& row : (*side)["rows"]) {
      const std::string id = Text(row, "office");
      OfficePair& o = offices[id];
      const std::string name = Text(row, "name");
      if (o.name.empty()) o.name = name.empty() ? id : name;
      (side == &f.current ? o.current : o.previous) = row;
    }
  }
  if (offices.size() > kPeriodicMaxOffices) {
    return Status::InvalidArgument("a periodic report holds at most " +
                                   std::to_string(kPeriodicMaxOffices) + " offices");
  }
  const json cur_total = f.current.value("totals", json::object());
  const json prev_total = f.previous_report.value("totals", json::object());

  const std::string scope =
      header.office_name.empty() ? (en ? "the offices" : "các đơn vị") : header.office_name;
  if (en) {
    d.paragraphs.push_back(
        "Under the periodic reporting on citizens' and organisations' "
        "satisfaction with public administrative services, this reports the "
        "results of " +
        scope + " for " + label + " (from " + DayMonthYear(f.period.from) + " to " +
        DayMonthYear(f.period.to) + "), compared with the previous " +
        PeriodKindLabel(f.period, true) + " (" + previous_label + "), as follows:");
  } else {
    d.paragraphs.push_back(
        "Thực hiện chế độ báo cáo định kỳ về kết quả đánh giá sự hài lòng của người dân, tổ chức "
        "đối với việc cung cấp dịch vụ hành chính công, xin báo cáo kết quả " +
        label + " (từ ngày " + DayMonthYear(f.period.from) + " đến ngày " +
        DayMonthYear(f.period.to) + ") của " + scope + ", so sánh với " +
        PeriodKindLabel(f.period, false) + " trước (" + previous_label + "), như sau:");
  }
  auto pair = [&](const char* key, bool rate) {
    if (rate) {  // "–" when there is nothing to divide by
      const char* base = std::string(key) == "satisfaction_rate" ? "ratings" : "dossiers";
      auto pct = [&](const json& t) {
        return Count(t, base) == 0 ? std::string("–") : FormatPercent(Rate(t, key), en);
      };
      return std::pair(pct(cur_total), pct(prev_total));
    }
    return std::pair(FormatCount(Count(cur_total, key), en),
                     FormatCount(Count(prev_total, key), en));
  };
  {
    const auto n = pair("ratings", false), s = pair("satisfaction_rate", true),
               p = pair("participation_rate", true), q = pair("decision766_rate", true);
    d.paragraphs.push_back(
        en ? "In the period there were " + n.first + " ratings (previous period " + n.second +
                 "); satisfaction " + s.first + " (" + s.second + "); participation " + p.first +
                 " (" + p.second +
                 "); satisfaction with dossier handling under Decision "
                 "766/QĐ-TTg " +
                 q.first + " (" + q.second + ")."
           : "Trong kỳ có " + n.first + " lượt đánh giá (kỳ trước " + n.second +
                 "); tỷ lệ hài lòng " + s.first + " (kỳ trước " + s.second +
                 "); tỷ lệ tham gia đánh giá " + p.first + " (kỳ trước " + p.second +
                 "); chỉ số hài lòng về giải quyết hồ sơ theo Quyết định 766/QĐ-TTg " + q.first +
                 " (kỳ trước " + q.second + ").");
  }

  // The pair's sub-headers; the intro names both periods.
  const std::string cur_short = en ? "This period" : "Kỳ này";
  const std::string prev_short = en ? "Previous" : "Kỳ trước";
  auto office_table = [&](std::string caption, std::vector<std::string> figures,
                          std::vector<std::pair<const char*, bool>> keys) {
    DocTable t;
    t.caption = std::move(caption);
    t.row_label = en ? "Office" : "Đơn vị";
    t.figures = std::move(figures);
    t.current_label = cur_short;
    t.previous_label = prev_short;
    auto cells = [&](const json& cur, const json& prev) {
      std::vector<std::string> out;
      for (const auto& [key, rate] : keys) {
        for (const json* side : {&cur, &prev}) {
          // A rate with nothing to divide by is shown as "–", not 0 %.
          const char* base = std::string(key) == "satisfaction_rate" ? "ratings" : "dossiers";
          if (rate && Count(*side, base) == 0) {
            out.push_back("–");
          } else {
            out.push_back(rate ? FormatPercent(Rate(*side, key), en)
                               : FormatCount(Count(*side, key), en));
          }
        }
      }
      return out;
    };
    for (const auto& [id, o] : offices) t.rows.push_back({o.name, cells(o.current, o.previous)});
    t.rows.push_back({en ? "Total" : "Tổng cộng", cells(cur_total, prev_total), true});
    return t;
  };
  d.tables.push_back(office_table(
      en ? "Table 1. Ratings on the full scale" : "Bảng 1. Số lượt đánh giá theo mức độ hài lòng",
      en ? std::vector<std::string>{"Ratings", "Very satisfied", "Satisfied", "Neutral",
                                    "Unsatisfied"}
         : std::vector<std::string>{"Số lượt đánh giá", "Rất hài lòng", "Hài lòng", "Bình thường",
                                    "Không hài lòng"},
      {{"ratings", false},
       {"very_satisfied", false},
       {"satisfied_only", false},
       {"neutral", false},
       {"unsatisfied", false}}));
  d.tables.push_back(office_table(
      en ? "Table 2. Satisfaction, participation and Decision 766"
         : "Bảng 2. Tỷ lệ hài lòng, tham gia đánh giá và chỉ số theo Quyết định 766/QĐ-TTg",
      en ? std::vector<std::string>{"Satisfaction", "Dossiers", "Participation",
                                    "Decision 766 indicator"}
         : std::vector<std::string>{"Tỷ lệ hài lòng", "Số hồ sơ", "Tỷ lệ tham gia đánh giá",
                                    "Chỉ số hài lòng về giải quyết hồ sơ (QĐ 766)"},
      {{"satisfaction_rate", true},
       {"dossiers", false},
       {"participation_rate", true},
       {"decision766_rate", true}}));

  // Criteria of either period, in the engine's order (template, criterion).
  std::vector<std::string> order;
  std::map<std::string, std::pair<json, json>> criteria;
  std::set<std::string> templates;
  for (const auto* side : {&f.current_criteria, &f.previous_criteria}) {
    if (!side->contains("rows") || !(*side)["rows"].is_array()) continue;
    for (const json& row : (*side)["rows"]) {
      const std::string key = Text(row, "template") + "|" + Text(row, "criterion");
      templates.insert(Text(row, "template"));
      if (!criteria.count(key)) order.push_back(key);
      (side == &f.current_criteria ? criteria[key].first : criteria[key].second) = row;
    }
  }
  if (order.size() > kPeriodicMaxCriteria) {
    return Status::InvalidArgument("a periodic report holds at most " +
                                   std::to_string(kPeriodicMaxCriteria) + " criteria");
  }
  if (!order.empty()) {
    DocTable t;
    t.caption = en ? "Table 3. By survey criterion: the share of the worst answer"
                   : "Bảng 3. Theo tiêu chí đánh giá: tỷ lệ chọn phương án thấp nhất";
    t.row_label = en ? "Criterion (worst answer)" : "Tiêu chí (phương án thấp nhất)";
    t.figures = en ? std::vector<std::string>{"Answers", "Worst answer"}
                   : std::vector<std::string>{"Số lượt trả lời", "Tỷ lệ phương án thấp nhất"};
    t.current_label = cur_short;
    t.previous_label = prev_short;
    for (const std::string& key : order) {
      const auto& [cur, prev] = criteria[key];
      const json& any = cur.is_object() ? cur : prev;
      std::string name = Text(any, "name");
      if (name.empty()) name = Text(any, "criterion");
      if (templates.size() > 1) {
        const std::string tpl = Text(any, "template_name");
        name = (tpl.empty() ? Text(any, "template") : tpl) + ": " + name;
      }
      std::string worst = Text(cur, "worst_label");
      if (worst.empty()) worst = Text(prev, "worst_label");
      if (!worst.empty()) name += " (" + worst + ")";
      std::vector<std::string> cells;
      for (const json* side : {&cur, &prev}) {
        cells.push_back(FormatCount(Count(*side, "answers"), en));
      }
      for (const json* side : {&cur, &prev}) {
        cells.push_back(Count(*side, "answers") == 0 || worst.empty()
                            ? "–"
                            : FormatPercent(Rate(*side, "worst_share"), en));
      }
      t.rows.push_back({name, cells});
    }
    d.tables.push_back(std::move(t));
  }

  const std::string neutral = f.current.value("satisfaction_neutral", "not_satisfied");
  if (en) {
    d.notes.push_back(
        "Satisfaction: satisfied ratings (very satisfied and satisfied) ÷ ratings; neutral "
        "answers " +
        std::string(neutral == "excluded"    ? "are left out."
                    : neutral == "satisfied" ? "count as satisfied."
                                             : "count as not satisfied.") +
        " Participation: rated dossiers ÷ dossiers received. Decision 766 indicator: (dossiers − "
        "dossiers rated unsatisfied, complained about or overdue) ÷ dossiers. \"–\": nothing to "
        "divide by.");
    d.paragraphs.push_back("The figures by office follow.");
  } else {
    d.notes.push_back(
        "Tỷ lệ hài lòng: số lượt hài lòng (rất hài lòng và hài lòng) ÷ số lượt đánh giá; ý kiến "
        "“Bình thường” " +
        std::string(neutral == "excluded"    ? "không tính vào số lượt đánh giá."
                    : neutral == "satisfied" ? "tính là hài lòng."
                                             : "tính là chưa hài lòng.") +
        " Tỷ lệ tham gia đánh giá: số hồ sơ được đánh giá ÷ số hồ sơ tiếp nhận. Chỉ số theo "
        "Quyết định 766/QĐ-TTg: (số hồ sơ − số hồ sơ không hài lòng, bị phản ánh, kiến nghị "
        "hoặc trễ hạn) ÷ số hồ sơ. Dấu “–”: không có số liệu để tính tỷ lệ.");
    d.paragraphs.push_back("Kết quả cụ thể theo từng đơn vị như sau:");
  }
  d.notes.push_back(en ? "This is the report on the satisfaction results of " + label + "./."
                       : "Trên đây là báo cáo kết quả đo lường sự hài lòng " + label + "./.");

  d.copies_label = en ? "Recipients:" : "Nơi nhận:";
  for (size_t i = 0; i < c.copies_to.size(); ++i) {
    d.copies_to.push_back("- " + c.copies_to[i] + (i + 1 == c.copies_to.size() ? "." : ";"));
  }
  d.signer_authority = c.signer_authority;
  d.signer_title = c.signer_title;
  d.signer_name = c.signer_name;
  *out = std::move(d);
  return Status::OK();
}

json PeriodicDocumentToJson(const PeriodicDocument& d) {
  json tables = json::array();
  for (const DocTable& t : d.tables) {
    json rows = json::array();
    for (const auto& r : t.rows) {
      rows.push_back({{"label", r.label}, {"cells", r.cells}, {"total", r.total}});
    }
    tables.push_back({{"caption", t.caption},
                      {"row_label", t.row_label},
                      {"figures", t.figures},
                      {"current_label", t.current_label},
                      {"previous_label", t.previous_label},
                      {"rows", rows}});
  }
  return json{{"lang", d.lang},
              {"parent_body", d.parent_body},
              {"issuer", d.issuer},
              {"number_line", d.number_line},
              {"nation", d.nation},
              {"motto", d.motto},
              {"place_date", d.place_date},
              {"title", d.title},
              {"subject", d.subject},
              {"recipient_line", d.recipient_line},
              {"paragraphs", d.paragraphs},
              {"tables", tables},
              {"notes", d.notes},
              {"copies_label", d.copies_label},
              {"copies_to", d.copies_to},
              {"signer_authority", d.signer_authority},
              {"signer_title", d.signer_title},
              {"signer_name", d.signer_name},
              {"file_title", d.file_title}};
}

json PeriodicFiguresJson(const PeriodicFigures& f) {
  json offices = json::array();
  std::map<std::string, std::pair<json, json>> by_office;
  std::map<std::string, std::string> names;
  for (const auto* side : {&f.current, &f.previous_report}) {
    if (!side->contains("rows") || !(*side)["rows"].is_array()) continue;
    for (const json& row : (*side)["rows"]) {
      const std::string id = Text(row, "office");
      (side == &f.current ? by_office[id].first : by_office[id].second) = row;
      if (names[id].empty()) names[id] = Text(row, "name");
    }
  }
  for (const auto& [id, p] : by_office) {
    offices.push_back({{"office", id},
                       {"name", names[id]},
                       {"current", OfficeFigures(p.first)},
                       {"previous", OfficeFigures(p.second)}});
  }
  json criteria = json::array();
  std::map<std::string, size_t> index;
  for (const auto* side : {&f.current_criteria, &f.previous_criteria}) {
    if (!side->contains("rows") || !(*side)["rows"].is_array()) continue;
    for (const json& row : (*side)["rows"]) {
      const std::string key = Text(row, "template") + "|" + Text(row, "criterion");
      if (!index.count(key)) {
        index[key] = criteria.size();
        criteria.push_back({{"template", Text(row, "template")},
                            {"criterion", Text(row, "criterion")},
                            {"name", Text(row, "name")},
                            {"current", CriterionFigures(json::object())},
                            {"previous", CriterionFigures(json::object())}});
      }
      criteria[index[key]][side == &f.current_criteria ? "current" : "previous"] =
          CriterionFigures(row);
    }
  }
  auto period = [](const ReportPeriod& p) {
    return json{{"id", p.id}, {"from", p.from}, {"to", p.to}};
  };
  return json{{"period", period(f.period)},
              {"previous", period(f.previous)},
              {"offices", offices},
              {"totals",
               {{"current", OfficeFigures(f.current.value("totals", json::object()))},
                {"previous", OfficeFigures(f.previous_report.value("totals", json::object()))}}},
              {"criteria", criteria},
              {"satisfaction_neutral", f.current.value("satisfaction_neutral", "")}};
}

}  // namespace hailong::hub
