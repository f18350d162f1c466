// Configuration of the periodic report as a document (hub config key
// "periodic_report"; hub/README.md): the issuing body, the number's symbol,
// the place, the recipient and the signature block of the official report
// laid out as Decree 30/2020/NĐ-CP's form. Every value may be overridden per
// request by a query parameter of the same name (number and date only
// there), so one district prints its monthly report to "Sở Nội vụ" and a
// ward's to "Phòng Nội vụ".
//
// Thread safety: plain values.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "hailong/schema/status.h"

namespace hailong::hub {

struct PeriodicReportConfig {
  // The governing body, upper case, on the first line of the left header
  // ("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"); "" = no such line.
  std::string parent_body;
  // The issuing body, bold under it ("ỦY BAN NHÂN DÂN HUYỆN GIA LÂM").
  std::string issuer;
  // "Số: <number>/<symbol>"; the number is per document (query `number`).
  std::string symbol = "BC-UBND";
  // The place before the date ("Gia Lâm, ngày 05 tháng 12 năm 2026").
  std::string place;
  std::string recipient = "Sở Nội vụ";  // "Kính gửi: Sở Nội vụ."
  // The subject line after "BÁO CÁO"; the period is appended.
  std::string subject =
      "Kết quả đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành "
      "chính nhà nước";
  // Signature block: authority ("TM. ỦY BAN NHÂN DÂN"), title ("CHỦ TỊCH"), name.
  std::string signer_authority, signer_title, signer_name;
  // "Nơi nhận:" lines, without the leading dash and the closing ";"/".".
  std::vector<std::string> copies_to = {"Như trên", "Lưu: VT"};
  // The PDF's page limit (a longer document is refused, 413).
  int max_pages = 30;
};

// Longest value accepted for a text key, in config and query parameters.
inline constexpr size_t kPeriodicTextMax = 200;

// Reads the "periodic_report" object; InvalidArgument naming the key
// ("periodic_report.recipient: at most 200 bytes"), unknown keys included.
Status ParsePeriodicReportConfig(const nlohmann::json& object, PeriodicReportConfig* out);

}  // namespace hailong::hub
