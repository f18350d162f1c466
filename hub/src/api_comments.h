// Comments of a month grouped by office and criterion (api_comments.cc):
// what GET /api/v1/comments answers and the workbook's comment sheets show.
//
// Thread safety: plain values and free functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hailong/hub/report_table.h"

namespace hailong::hub {

// FollowUpOpened.reason of a follow-up a manager opened for a suggestion
// (a comment worth acting on): unlike a complaint it leaves every figure
// as it was (Decision 766 counts complaints, not suggestions).
inline constexpr char kSuggestionReason[] = "suggestion";

// At most this many comments per response or workbook sheet.
inline constexpr size_t kCommentLimit = 5000;

struct CommentEntry {
  std::string origin;
  uint64_t seq = 0;
  nlohmann::json rating;             // Api::RatingJson with personal text
  bool shown = false;                // its comment or phone was decrypted
  std::string option, option_label;  // the answer to the group's criterion
  nlohmann::json follow_up;          // {"id","status","reason"} or null
};

struct CommentCriterion {
  std::string template_id, template_name;
  std::string criterion;               // "" = general (every answer positive)
  std::string label;                   // the criterion's label, or "Ý kiến chung"
  std::vector<CommentEntry> comments;  // oldest first
};

struct CommentOffice {
  std::string office;
  std::vector<CommentCriterion> criteria;  // by template, its order; general last
};

struct CommentMonth {
  std::string month;  // YYYY-MM
  std::vector<CommentOffice> offices;
  size_t count = 0;
  bool truncated = false;  // more than the limit
};

// {"month","count","truncated","offices":[{"office","count","criteria":[
// {"template","template_name","criterion","label","count","comments":[...]}]}]};
// *shown when a comment or phone number was decrypted, *ids gets
// "origin:seq" of each such rating (for the audit entry).
nlohmann::json CommentMonthToJson(const CommentMonth& m, bool* shown, nlohmann::json* ids);

// The workbook's sheet "Ý kiến MM-YYYY": one line per comment.
XlsxTable CommentSheet(const CommentMonth& m, const std::string& office_label);

}  // namespace hailong::hub
