// Per-criterion rows from the answer tallies (report_criteria.h).
#include "hailong/hub/report_criteria.h"

#include <algorithm>
#include <cstdint>

#include "names.h"
#include "report_rules.h"

namespace hailong::hub {

using json = nlohmann::json;

namespace {

// Lower is worse; unknown polarity is never the worst.
int Badness(const std::string& polarity) {
  if (polarity == "negative") return 3;
  if (polarity == "neutral") return 2;
  if (polarity == "positive") return 1;
  return 0;
}

}  // namespace

void BuildCriterionReport(const Report& answers,
                          const std::map<std::string, survey::SurveyTemplate>& templates,
                          CriterionReport* out) {
  out->query = answers.query;
  out->rows.clear();
  out->max_options = 0;
  // (template, criterion) -> option -> count, from keys "t|c|o" (template
  // ids have no '|'; criterion and option ids neither: [A-Za-z0-9_-]).
  std::map<std::pair<std::string, std::string>, std::map<std::string, int64_t>> counts;
  for (const ReportRow& row : answers.rows) {
    const size_t a = row.key.find('|');
    const size_t b = a == std::string::npos ? a : row.key.find('|', a + 1);
    if (b == std::string::npos || row.tally.ratings == 0) continue;
    counts[{row.key.substr(0, a), row.key.substr(a + 1, b - a - 1)}][row.key.substr(b + 1)] +=
        row.tally.ratings;
  }
  // Criteria of known templates come in the template's order.
  std::vector<std::pair<std::string, std::string>> order;
  for (const auto& [k, _] : counts) order.push_back(k);
  auto position = [&](const std::pair<std::string, std::string>& k) -> size_t {
    auto t = templates.find(k.first);
    if (t == templates.end()) return SIZE_MAX;
    for (size_t i = 0; i < t->second.criteria.size(); ++i) {
      if (t->second.criteria[i].id == k.second) return i;
    }
    return SIZE_MAX;
  };
  std::stable_sort(order.begin(), order.end(), [&](const auto& x, const auto& y) {
    if (x.first != y.first) return x.first < y.first;
    return position(x) < position(y);
  });
  for (const auto& key : order) {
    std::map<std::string, int64_t> left = counts[key];
    CriterionRow row;
    row.template_id = key.first;
    row.criterion = key.second;
    const survey::SurveyCriterion* criterion = nullptr;
    if (auto t = templates.find(key.first); t != templates.end()) {
      row.template_name = t->second.name;
      criterion = t->second.FindCriterion(key.second);
    }
    if (criterion != nullptr) {
      row.label = criterion->label;
      for (const survey::SurveyOption& o : criterion->options) {
        CriterionOption opt{o.id, o.label, PolarityName(o.polarity), 0};
        if (auto it = left.find(o.id); it != left.end()) {
          opt.count = it->second;
          left.erase(it);
        }
        row.options.push_back(std::move(opt));
      }
    }
    for (const auto& [id, n] : left) row.options.push_back(CriterionOption{id, "", "", n});
    int worst_badness = 0;
    for (size_t i = 0; i < row.options.size(); ++i) {
      const CriterionOption& o = row.options[i];
      row.answers += o.count;
      if (o.polarity == "negative") row.negative += o.count;
      const int b = Badness(o.polarity);
      if (b > 0 && b >= worst_badness) {
        worst_badness = b;
        row.worst = static_cast<int>(i);
      }
    }
    out->max_options = std::max(out->max_options, row.options.size());
    out->rows.push_back(std::move(row));
  }
}

json CriterionReportToJson(const CriterionReport& report) {
  json rows = json::array();
  int64_t total = 0;
  for (const CriterionRow& r : report.rows) {
    json options = json::array();
    for (const CriterionOption& o : r.options) {
      options.push_back({{"option", o.id},
                         {"label", o.label},
                         {"polarity", o.polarity.empty() ? json(nullptr) : json(o.polarity)},
                         {"count", o.count},
                         {"share", Rate(o.count, r.answers)}});
    }
    const CriterionOption* worst =
        r.worst >= 0 ? &r.options[static_cast<size_t>(r.worst)] : nullptr;
    rows.push_back({{"template", r.template_id},
                    {"template_name", r.template_name},
                    {"criterion", r.criterion},
                    {"name", r.label},
                    {"answers", r.answers},
                    {"options", options},
                    {"worst_option", worst ? json(worst->id) : json(nullptr)},
                    {"worst_label", worst ? json(worst->label) : json(nullptr)},
                    {"worst_count", worst ? json(worst->count) : json(nullptr)},
                    {"worst_share", worst ? json(Rate(worst->count, r.answers)) : json(nullptr)},
                    {"negative_count", r.negative},
                    {"negative_share", Rate(r.negative, r.answers)}});
    total += r.answers;
  }
  const ReportQuery& q = report.query;
  return json{{"from", q.from},
              {"to", q.to},
              {"office", q.offices.size() == 1 ? json(q.offices[0]) : json(nullptr)},
              {"group_by", "criterion"},
              {"rows", rows},
              {"totals", {{"answers", total}}}};
}

std::string CriterionReportToCsv(const CriterionReport& report, bool vietnamese) {
  struct Col {
    const char* key;
    const char* vi;
  };
  static constexpr Col kCols[] = {
      {"template", "Mã mẫu phiếu"},
      {"template_name", "Mẫu phiếu"},
      {"criterion", "Mã tiêu chí"},
      {"name", "Tiêu chí"},
      {"answers", "Số lượt trả lời"},
      {"worst_option", "Mã phương án kém nhất"},
      {"worst_label", "Phương án kém nhất"},
      {"worst_count", "Số lượt chọn phương án kém nhất"},
      {"worst_share", "Tỷ lệ phương án kém nhất"},
      {"negative_share", "Tỷ lệ phương án tiêu cực"},
  };
  std::string out = "\xEF\xBB\xBF";
  bool first = true;
  auto cell = [&](const std::string& text) {
    if (!first) out += ',';
    first = false;
    out += CsvCell(text);
  };
  for (const Col& c : kCols) cell(vietnamese ? c.vi : c.key);
  for (size_t i = 1; i <= report.max_options; ++i) {
    const std::string n = std::to_string(i);
    cell(vietnamese ? "Phương án " + n : "option_" + n);
    cell(vietnamese ? "Số lượt " + n : "count_" + n);
  }
  out += "\r\n";
  const json j = CriterionReportToJson(report);
  for (const json& row : j["rows"]) {
    first = true;
    for (const Col& c : kCols) {
      const json& v = row[c.key];
      if (v.is_string()) {
        cell(v.get<std::string>());
      } else {
        cell(v.is_null() ? std::string() : v.dump());
      }
    }
    for (const json& o : row["options"]) {
      const std::string label = o["label"].get<std::string>();
      cell(label.empty() ? o["option"].get<std::string>() : label);
      cell(o["count"].dump());
    }
    for (size_t i = row["options"].size(); i < report.max_options; ++i) {
      cell("");
      cell("");
    }
    out += "\r\n";
  }
  return out;
}

XlsxTable CriterionReportTable(const CriterionReport& report, const std::string& office_label) {
  using T = XlsxTable::Column::Type;
  XlsxTable t;
  t.sheet = "Theo tiêu chí";
  t.title = "KẾT QUẢ ĐÁNH GIÁ THEO TỪNG TIÊU CHÍ";
  auto date = [](const std::string& d) {
    return d.size() == 10 ? d.substr(8, 2) + "/" + d.substr(5, 2) + "/" + d.substr(0, 4) : d;
  };
  t.notes = {
      "Kỳ báo cáo: từ ngày " + date(report.query.from) + " đến ngày " + date(report.query.to),
      "Đơn vị: " + office_label,
      "Phương án kém nhất: phương án tiêu cực nhất của tiêu chí (nếu ngang nhau, phương án "
      "xếp sau cùng trong phiếu)"};
  t.columns = {{"Mẫu phiếu", T::kText, 24},
               {"Tiêu chí", T::kText, 44},
               {"Số lượt trả lời", T::kCount, 12},
               {"Phương án kém nhất", T::kText, 18},
               {"Số lượt chọn phương án kém nhất", T::kCount, 14},
               {"Tỷ lệ phương án kém nhất", T::kRate, 12}};
  for (size_t i = 1; i <= report.max_options; ++i) {
    t.columns.push_back({"Phương án " + std::to_string(i), T::kText, 16});
    t.columns.push_back({"Số lượt " + std::to_string(i), T::kCount, 10});
  }
  const json j = CriterionReportToJson(report);
  for (const json& r : j["rows"]) {
    const std::string tpl = r["template_name"].get<std::string>();
    const std::string name = r["name"].get<std::string>();
    std::vector<json> row = {tpl.empty() ? r["template"] : json(tpl),
                             name.empty() ? r["criterion"] : json(name),
                             r["answers"],
                             r["worst_label"],
                             r["worst_count"],
                             r["worst_share"]};
    for (const json& o : r["options"]) {
      const std::string label = o["label"].get<std::string>();
      row.push_back(label.empty() ? o["option"] : json(label));
      row.push_back(o["count"]);
    }
    row.resize(t.columns.size(), json(nullptr));
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace hailong::hub
