// The periodic report as a document laid out as Decree 30/2020/NĐ-CP's
// report form: the issuing body and "Số: …/BC-…" on the left, the national
// header and "…, ngày … tháng … năm …" on the right, "BÁO CÁO" and the
// subject with the period, "Kính gửi: …", the text, the tables (each figure
// of the period beside the same figure of the previous period), and "Nơi
// nhận" beside the signature block. One model, two renderings: the
// printable page (hub/web/periodic.html, from PeriodicDocumentToJson) and
// the PDF (periodic_pdf.h), so both show the same texts and figures.
//
// The figures come from the report engine's own JSON (ReportToJson by
// office and the per-criterion report, once for each period), never
// recomputed here: the rates are the engine's (satisfaction under the
// district's neutral policy, participation, Decision 766).
//
// Thread safety: plain values and pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/hub/periodic_config.h"
#include "periodic_period.h"

namespace hailong::hub {

// A table whose first column names the row and whose other columns come in
// pairs: a figure of the period, then the same figure of the previous one.
struct DocTable {
  std::string caption;                        // "Bảng 1. …"
  std::string row_label;                      // header of the first column ("Đơn vị")
  std::vector<std::string> figures;           // header of each pair ("Số lượt đánh giá")
  std::string current_label, previous_label;  // sub-headers ("Tháng 11/2026", "Tháng 10/2026")
  struct Row {
    std::string label;
    std::vector<std::string> cells;  // 2 × figures.size(): current, previous, …
    bool total = false;              // the "Tổng cộng" row
  };
  std::vector<Row> rows;
};

struct PeriodicDocument {
  std::string lang;                              // "vi" or "en"
  std::string parent_body, issuer, number_line;  // left header
  std::string nation, motto, place_date;         // right header
  std::string title, subject, recipient_line;
  std::vector<std::string> paragraphs;  // before the tables
  std::vector<DocTable> tables;
  std::vector<std::string> notes;      // after the tables (definitions)
  std::string copies_label;            // "Nơi nhận:"
  std::vector<std::string> copies_to;  // "- Như trên;" … "- Lưu: VT."
  std::string signer_authority, signer_title, signer_name;
  std::string file_title;  // the PDF's title metadata
};

// What the caller chose for this document: the configuration with the
// request's overrides applied, the number and the date it is signed.
struct PeriodicHeader {
  PeriodicReportConfig config;
  std::string number;       // "" = left blank for the clerk ("Số:     /BC-UBND")
  std::string signed_on;    // YYYY-MM-DD
  std::string office_name;  // "" = every office in scope (the district)
};

// The engine's answers for both periods: `current`/`previous` are
// ReportToJson by office, `current_criteria`/`previous_criteria` the
// per-criterion reports (CriterionReportToJson).
struct PeriodicFigures {
  ReportPeriod period, previous;
  nlohmann::json current, previous_report, current_criteria, previous_criteria;
};

// Limits of one document (413 past them).
inline constexpr size_t kPeriodicMaxOffices = 300;
inline constexpr size_t kPeriodicMaxCriteria = 200;

// Builds the document. InvalidArgument past the limits above (413).
Status BuildPeriodicDocument(const PeriodicHeader& header, const PeriodicFigures& figures,
                             bool english, PeriodicDocument* out);

// {"lang","header":{…},"title",…,"tables":[{"caption","row_label","figures",
// "current_label","previous_label","rows":[{"label","cells","total"}]}],…}
nlohmann::json PeriodicDocumentToJson(const PeriodicDocument& doc);

// The raw figures of both periods, by office, for checking and for the page:
// {"period":{"id","from","to"},"previous":{…},"offices":[{"office","name",
// "current":{…},"previous":{…}}],"totals":{"current","previous"},
// "criteria":[{"template","criterion","name","current":{…},"previous":{…}}]};
// each {…} holds ratings, very_satisfied, satisfied_only, neutral,
// unsatisfied, satisfaction_rate, dossiers, rated_dossiers,
// participation_rate, decision766_rate (criteria: answers, worst_label,
// worst_share).
nlohmann::json PeriodicFiguresJson(const PeriodicFigures& figures);

// "1.234" / "1,234"; a fraction as "85,3%" / "85.3%".
std::string FormatCount(int64_t n, bool english);
std::string FormatPercent(double fraction, bool english);
// Decree 30's date: "ngày 05 tháng 12 năm 2026" (day below 10 and months 1
// and 2 with a leading zero); English "5 December 2026".
std::string FormatSignedDate(const std::string& day, bool english);

}  // namespace hailong::hub
