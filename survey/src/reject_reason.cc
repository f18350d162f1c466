// The texts of every RejectReason: see reject_reason.h.
#include "hailong/survey/reject_reason.h"

#include <iterator>
#include <utility>

namespace hailong::survey {
namespace {

struct ReasonTexts {
  RejectReason reason;
  std::string_view label;
  std::string_view vi;
  std::string_view en;
};

constexpr std::string_view kAnswersVi = "Câu trả lời không khớp với mẫu phiếu đánh giá.";
constexpr std::string_view kAnswersEn = "The answers do not match the survey form.";
constexpr std::string_view kClockVi = "Thời gian trên thiết bị không đúng.";
constexpr std::string_view kClockEn = "The device's clock is wrong.";
constexpr std::string_view kUnreadableVi = "Dữ liệu đánh giá không đọc được.";
constexpr std::string_view kUnreadableEn = "The rating could not be read.";
constexpr std::string_view kCounterVi = "Không có quầy này.";
constexpr std::string_view kCounterEn = "There is no such counter.";

// In declaration order of RejectReason (checked by the table lookup below).
constexpr ReasonTexts kTexts[] = {
    {RejectReason::kNone, "", "", ""},
    {RejectReason::kPayloadTooLarge, "payload too large", "Đánh giá quá dài.",
     "The rating is too long."},
    {RejectReason::kMalformedJson, "malformed JSON", kUnreadableVi, kUnreadableEn},
    {RejectReason::kNotAnObject, "payload is not a JSON object", kUnreadableVi, kUnreadableEn},
    {RejectReason::kMissingField, "missing field", "Đánh giá thiếu thông tin bắt buộc.",
     "The rating lacks a required field."},
    {RejectReason::kWrongType, "wrong type", "Dữ liệu đánh giá không đúng định dạng.",
     "A field of the rating has the wrong type."},
    {RejectReason::kUnknownKey, "unknown key", "Đánh giá có thông tin không được hỗ trợ.",
     "The rating has a field that is not supported."},
    {RejectReason::kBadId, "bad id", "Mã đánh giá không hợp lệ (1 đến 128 ký tự).",
     "The rating id is not valid (1 to 128 characters)."},
    {RejectReason::kBadCounter, "bad counter id", kCounterVi, kCounterEn},
    {RejectReason::kUnknownCounter, "unknown counter", kCounterVi, kCounterEn},
    {RejectReason::kUnknownTemplate, "unknown template", "Mẫu phiếu đánh giá không còn được dùng.",
     "The survey form is no longer in use."},
    {RejectReason::kUnknownCriterion, "unknown criterion", kAnswersVi, kAnswersEn},
    {RejectReason::kUnknownOption, "unknown option for criterion", kAnswersVi, kAnswersEn},
    {RejectReason::kDuplicateAnswer, "duplicate answer for criterion", kAnswersVi, kAnswersEn},
    {RejectReason::kMissingAnswer, "missing answer for criterion", kAnswersVi, kAnswersEn},
    {RejectReason::kBadTime, "bad time", kClockVi, kClockEn},
    {RejectReason::kTimeBefore2020, "time before 2020", kClockVi, kClockEn},
    {RejectReason::kTimeInFuture, "time in the future", kClockVi, kClockEn},
    {RejectReason::kBadDossier, "bad dossier", "Số biên nhận hồ sơ chưa đúng.",
     "The receipt number is not valid."},
    {RejectReason::kCommentTooLong, "comment too long", "Ý kiến quá dài (tối đa 2.000 ký tự).",
     "The comment is too long (at most 2,000 characters)."},
    {RejectReason::kCommentNotAllowed, "comment not allowed",
     "Phiếu đánh giá này không nhận ý kiến viết.", "This survey form takes no written comment."},
    {RejectReason::kBadPhone, "bad phone", "Số điện thoại chưa đúng (8 đến 16 chữ số).",
     "The phone number is not valid (8 to 16 digits)."},
    {RejectReason::kPhoneNotAllowed, "phone not allowed",
     "Phiếu đánh giá này không nhận số điện thoại.", "This survey form takes no phone number."},
    {RejectReason::kConsentMissing, "phone without consent",
     "Muốn được gọi lại, xin ông/bà đồng ý cho dùng số điện thoại; nếu không, xin để trống số "
     "điện thoại.",
     "To be called back, please agree to the use of your phone number; otherwise leave it "
     "empty."},
    {RejectReason::kBadConsentVersion, "bad consent version",
     "Phiên bản nội dung đồng ý không hợp lệ.", "The version of the consent text is not valid."},
    {RejectReason::kDeviceMismatch, "device mismatch", "Thiết bị không khớp với đánh giá.",
     "The rating names another device."},
    {RejectReason::kBadChannel, "bad channel", "Kênh đánh giá không hợp lệ.",
     "The rating channel is not valid."},
    {RejectReason::kBadDevice, "bad device id", "Mã thiết bị không hợp lệ.",
     "The device id is not valid."},
    {RejectReason::kKioskNotEnrolled, "kiosk not enrolled",
     "Máy này chưa được kỹ thuật viên kích hoạt cho quầy.",
     "This tablet has not been enrolled for the counter by a technician."},
    {RejectReason::kKioskOtherCounter, "kiosk of another counter",
     "Máy này chỉ nhận đánh giá cho quầy đã được kích hoạt.",
     "This tablet takes ratings only for the counter it was enrolled for."},
    {RejectReason::kAddressLimited, "too many ratings from this address",
     "Quý khách đã gửi nhiều đánh giá trong thời gian ngắn; xin thử lại sau ít phút.",
     "You have sent many ratings in a short time; please try again in a few minutes."},
    {RejectReason::kCounterLimited, "too many ratings for this counter",
     "Quầy này đang nhận quá nhiều đánh giá; xin thử lại sau ít phút.",
     "This counter is receiving too many ratings; please try again in a few minutes."},
    {RejectReason::kAlreadyRated, "already rated",
     "Hồ sơ này đã được đánh giá bằng phiếu này; mỗi biên nhận chỉ đánh giá một lần.",
     "This receipt was already rated with this survey; each receipt is rated once."},
    {RejectReason::kStorageFull, "storage full", "Máy chủ tại bộ phận một cửa đã hết chỗ lưu.",
     "The office's server is out of storage."},
    {RejectReason::kInternalError, "internal error", "Không lưu được đánh giá; xin thử lại sau.",
     "The rating could not be stored; please try again later."},
};

constexpr bool InDeclarationOrder() {
  for (size_t i = 0; i < std::size(kTexts); ++i) {
    if (static_cast<size_t>(kTexts[i].reason) != i) return false;
  }
  return true;
}
static_assert(InDeclarationOrder(), "kTexts must list every RejectReason in order");
static_assert(static_cast<size_t>(RejectReason::kInternalError) + 1 == std::size(kTexts),
              "kTexts must list every RejectReason");

constexpr RejectReason kAll[] = {
    RejectReason::kPayloadTooLarge,
    RejectReason::kMalformedJson,
    RejectReason::kNotAnObject,
    RejectReason::kMissingField,
    RejectReason::kWrongType,
    RejectReason::kUnknownKey,
    RejectReason::kBadId,
    RejectReason::kBadCounter,
    RejectReason::kUnknownCounter,
    RejectReason::kUnknownTemplate,
    RejectReason::kUnknownCriterion,
    RejectReason::kUnknownOption,
    RejectReason::kDuplicateAnswer,
    RejectReason::kMissingAnswer,
    RejectReason::kBadTime,
    RejectReason::kTimeBefore2020,
    RejectReason::kTimeInFuture,
    RejectReason::kBadDossier,
    RejectReason::kCommentTooLong,
    RejectReason::kCommentNotAllowed,
    RejectReason::kBadPhone,
    RejectReason::kPhoneNotAllowed,
    RejectReason::kConsentMissing,
    RejectReason::kBadConsentVersion,
    RejectReason::kDeviceMismatch,
    RejectReason::kBadChannel,
    RejectReason::kBadDevice,
    RejectReason::kKioskNotEnrolled,
    RejectReason::kKioskOtherCounter,
    RejectReason::kAddressLimited,
    RejectReason::kCounterLimited,
    RejectReason::kAlreadyRated,
    RejectReason::kStorageFull,
    RejectReason::kInternalError,
};
static_assert(std::size(kAll) + 1 == std::size(kTexts), "kAll lists every reason but kNone");

const ReasonTexts& TextsOf(RejectReason reason) {
  const size_t i = static_cast<size_t>(reason);
  return i < std::size(kTexts) ? kTexts[i] : kTexts[0];
}

}  // namespace

std::string_view ReasonLabel(RejectReason reason) { return TextsOf(reason).label; }
std::string_view ReasonVi(RejectReason reason) { return TextsOf(reason).vi; }
std::string_view ReasonEn(RejectReason reason) { return TextsOf(reason).en; }

std::span<const RejectReason> AllRejectReasons() { return kAll; }

Status Rejection::ToStatus() const { return ok() ? Status::OK() : Status::InvalidArgument(detail); }

Rejection Reject(RejectReason reason) {
  return Rejection{reason, std::string(ReasonLabel(reason))};
}

Rejection Reject(RejectReason reason, std::string detail) {
  return Rejection{reason, std::move(detail)};
}

}  // namespace hailong::survey
