// Hài Lòng web pages: the texts shown to citizens, Vietnamese first, with
// English as a switch. Shared by the counter kiosk and the phone survey.
//
//   HL.i18n.t(key, params)   -> text in the current language, {name} filled
//   HL.i18n.setLang('vi'|'en'), HL.i18n.lang()
//   HL.i18n.label(thing)     -> a template label in the current language
//   HL.i18n.apply(root)      -> fills every [data-i18n] element under root
//   HL.i18n.dateTime(rfc3339)-> "14:05 ngày 03/02/2025" in Vietnam's time
//
// Template labels come from the edge in Vietnamese (a plain string), or as
// {"vi": "...", "en": "..."}, or with a sibling "label_en". Without an
// English label, TERMS below translates the labels of the built-in
// templates; anything else stays in Vietnamese.
(function () {
  'use strict';
  var HL = (window.HL = window.HL || {});

  // The version of the consent text (`consent` below, in both languages). A
  // rating with a phone number sends it as "consent_version" next to
  // "consent": true, and the edge or hub stores it with the rating, so it is
  // known later what the citizen agreed to. Change it with either text; 1-32
  // of [A-Za-z0-9._-].
  HL.CONSENT_VERSION = '2026-12-07';

  var STRINGS = {
    vi: {
      lang_toggle: 'English',
      page_title_kiosk: 'Đánh giá sự hài lòng',
      page_title_survey: 'Phiếu đánh giá sự hài lòng',
      office_header: 'Bộ phận Một cửa',
      counter_name: 'Quầy {name}',
      officer_on_duty: 'Cán bộ đang phục vụ',
      no_officer: 'Quầy chưa có cán bộ đăng nhập. Ông/bà vẫn có thể đánh giá chất lượng phục vụ tại quầy.',
      invite: 'Xin ông/bà vui lòng đánh giá sự phục vụ',
      start: 'Bắt đầu đánh giá',
      lookup: 'Tra cứu hồ sơ',
      dossier_label: 'Hồ sơ: {receipt}',
      question_n: 'Câu {n}/{total}',
      back: 'Quay lại',
      home: 'Về màn hình đầu',
      thanks_title: 'Cảm ơn ông/bà đã đánh giá!',
      sending: 'Đang gửi…',
      stored: 'Ý kiến của ông/bà đã được ghi nhận.',
      queued: 'Đã lưu, sẽ gửi khi có mạng.',
      queued_later: 'Đã lưu, sẽ tự gửi lại sau ít phút.',
      sorry_title: 'Xin lỗi ông/bà!',
      rejected: 'Rất tiếc, đánh giá chưa được ghi nhận.',
      reason: 'Lý do: {reason}',
      rejected_hint: 'Xin ông/bà vui lòng báo cán bộ tại quầy. Chúng tôi xin lỗi vì sự bất tiện.',
      unknown_counter_title: 'Không tìm thấy quầy “{counter}”',
      unknown_counter_body: 'Xin vui lòng báo cán bộ kỹ thuật kiểm tra lại địa chỉ của màn hình này.',
      unenrolled_title: 'Màn hình này chưa được kích hoạt cho quầy {counter}',
      unenrolled_body: 'Kỹ thuật viên: tạo liên kết kích hoạt bằng lệnh “hailongctl kiosk enroll --counter {counter}” rồi mở liên kết đó trên màn hình này.',
      enroll_failed_title: 'Không kích hoạt được màn hình này',
      connecting: 'Đang kết nối với máy chủ…',
      offline_banner: 'Mất kết nối mạng — đánh giá vẫn được lưu lại',
      pending_n: '{n} đánh giá chờ gửi',
      lookup_title: 'Tra cứu hồ sơ',
      staff_button: 'Cán bộ',
      staff_title: 'Cán bộ đăng nhập, đăng xuất tại quầy',
      staff_on_duty: 'Đang làm việc tại quầy: {name}',
      staff_nobody: 'Quầy chưa có cán bộ đăng nhập.',
      staff_officer: 'Cán bộ',
      staff_officer_placeholder: 'Mã cán bộ',
      staff_pin: 'Mã PIN cá nhân',
      staff_sign_in: 'Đăng nhập',
      staff_sign_out: 'Đăng xuất',
      staff_need_officer: 'Xin chọn cán bộ.',
      staff_need_pin: 'Xin nhập mã PIN (4-8 chữ số).',
      staff_sending: 'Đang kiểm tra…',
      staff_signed_in: 'Đã đăng nhập: {name}.',
      staff_signed_out: 'Đã đăng xuất.',
      staff_offline: 'Chưa kết nối được máy chủ tại bộ phận một cửa. Xin thử lại.',
      staff_no_pin_mark: '(chưa có mã PIN)',
      lookup_prompt: 'Nhập số biên nhận, hoặc quét mã vạch trên giấy biên nhận',
      lookup_go: 'Tra cứu',
      key_delete: 'Xóa',
      key_clear: 'Xóa hết',
      lookup_empty: 'Xin nhập số biên nhận.',
      lookup_searching: 'Đang tra cứu…',
      lookup_not_found: 'Không tìm thấy hồ sơ số {receipt}. Xin kiểm tra lại số trên giấy biên nhận.',
      lookup_error: 'Chưa tra cứu được do mất kết nối. Xin ông/bà thử lại sau ít phút.',
      lookup_again: 'Tra cứu hồ sơ khác',
      stage_received: 'Đang giải quyết',
      stage_overdue: 'Đang giải quyết — đã quá ngày hẹn trả',
      stage_returned: 'Đã trả kết quả',
      stage_unknown: 'Chưa rõ trạng thái',
      dossier_receipt: 'Số biên nhận',
      dossier_procedure: 'Thủ tục',
      dossier_field: 'Lĩnh vực',
      dossier_received_at: 'Ngày tiếp nhận',
      dossier_due: 'Ngày hẹn trả kết quả',
      dossier_returned_at: 'Ngày trả kết quả',
      returned_early: 'Trả kết quả trước hạn',
      returned_on_time: 'Trả kết quả đúng hạn',
      returned_late: 'Trả kết quả trễ hạn',
      // Phone survey.
      survey_intro: 'Xin ông/bà dành một phút cho biết mức độ hài lòng khi làm thủ tục tại {place}.',
      survey_place_counter: 'quầy {name}',
      survey_officer: 'Cán bộ đang trực: {name}',
      comment_label: 'Ý kiến đóng góp khác (không bắt buộc)',
      comment_placeholder: 'Ông/bà có thể viết góp ý, kiến nghị tại đây',
      chars_used: '{n}/{max} ký tự',
      phone_label: 'Số điện thoại để cán bộ gọi lại (không bắt buộc)',
      phone_placeholder: 'Ví dụ: 0912345678',
      // Versioned by HL.CONSENT_VERSION above.
      consent: 'Tôi đồng ý để Bộ phận Một cửa dùng số điện thoại này để gọi lại cho tôi về ý kiến đánh giá. Số điện thoại chỉ được dùng cho việc này.',
      submit: 'Gửi đánh giá',
      missing_answers: 'Xin ông/bà chọn một mức cho mỗi câu hỏi được đánh dấu.',
      phone_invalid: 'Số điện thoại chưa đúng: xin nhập 10 chữ số, ví dụ 0912345678.',
      consent_needed: 'Muốn được gọi lại, xin ông/bà đánh dấu vào ô đồng ý; nếu không, xin để trống số điện thoại.',
      survey_again: 'Gửi thêm một đánh giá khác',
      required_mark: 'bắt buộc',
      closed_hint: 'Ông/bà có thể đóng trang này.',
    },
    en: {
      lang_toggle: 'Tiếng Việt',
      page_title_kiosk: 'Satisfaction rating',
      page_title_survey: 'Satisfaction survey',
      office_header: 'One-stop office',
      counter_name: 'Counter {name}',
      officer_on_duty: 'Officer serving you',
      no_officer: 'No officer is signed in at this counter. You can still rate the service at this counter.',
      invite: 'Please rate the service you received',
      start: 'Start rating',
      lookup: 'Check my dossier',
      dossier_label: 'Dossier: {receipt}',
      question_n: 'Question {n} of {total}',
      back: 'Back',
      home: 'Back to start',
      thanks_title: 'Thank you for your rating!',
      sending: 'Sending…',
      stored: 'Your rating has been recorded.',
      queued: 'Saved; it will be sent when the network is back.',
      queued_later: 'Saved; it will be sent again in a few minutes.',
      sorry_title: 'We are sorry!',
      rejected: 'Sorry, your rating could not be recorded.',
      reason: 'Reason: {reason}',
      rejected_hint: 'Please tell the officer at the counter. We apologise for the inconvenience.',
      unknown_counter_title: 'Counter “{counter}” not found',
      unknown_counter_body: "Please ask the technician to check this screen's address.",
      unenrolled_title: 'This screen is not enrolled for counter {counter}',
      unenrolled_body: 'Technician: make an enrollment link with “hailongctl kiosk enroll --counter {counter}” and open it on this screen.',
      enroll_failed_title: 'This screen could not be enrolled',
      connecting: 'Connecting to the server…',
      offline_banner: 'No network connection — ratings are still saved',
      pending_n: '{n} ratings waiting to be sent',
      lookup_title: 'Check a dossier',
      staff_button: 'Staff',
      staff_title: 'Officer sign-in and sign-out at this counter',
      staff_on_duty: 'On duty at this counter: {name}',
      staff_nobody: 'No officer is signed in at this counter.',
      staff_officer: 'Officer',
      staff_officer_placeholder: 'Officer id',
      staff_pin: 'Personal PIN',
      staff_sign_in: 'Sign in',
      staff_sign_out: 'Sign out',
      staff_need_officer: 'Please choose the officer.',
      staff_need_pin: 'Please enter the PIN (4-8 digits).',
      staff_sending: 'Checking…',
      staff_signed_in: 'Signed in: {name}.',
      staff_signed_out: 'Signed out.',
      staff_offline: 'The office server cannot be reached. Please try again.',
      staff_no_pin_mark: '(no PIN yet)',
      lookup_prompt: 'Enter the receipt number, or scan the barcode on your receipt',
      lookup_go: 'Search',
      key_delete: 'Delete',
      key_clear: 'Clear',
      lookup_empty: 'Please enter the receipt number.',
      lookup_searching: 'Searching…',
      lookup_not_found: 'No dossier number {receipt} was found. Please check the number on your receipt.',
      lookup_error: 'The search failed because the connection is down. Please try again in a few minutes.',
      lookup_again: 'Check another dossier',
      stage_received: 'Being processed',
      stage_overdue: 'Being processed — past the due date',
      stage_returned: 'Result returned',
      stage_unknown: 'Status unknown',
      dossier_receipt: 'Receipt number',
      dossier_procedure: 'Procedure',
      dossier_field: 'Field',
      dossier_received_at: 'Received on',
      dossier_due: 'Result due on',
      dossier_returned_at: 'Result returned on',
      returned_early: 'Returned before the due date',
      returned_on_time: 'Returned on time',
      returned_late: 'Returned late',
      survey_intro: 'Please take a minute to tell us how satisfied you are with your visit to {place}.',
      survey_place_counter: 'counter {name}',
      survey_officer: 'Officer on duty: {name}',
      comment_label: 'Other comments (optional)',
      comment_placeholder: 'You may write your comments or suggestions here',
      chars_used: '{n}/{max} characters',
      phone_label: 'Phone number for a call-back (optional)',
      phone_placeholder: 'For example: 0912345678',
      // Versioned by HL.CONSENT_VERSION above.
      consent: 'I agree that the one-stop office may use this number to call me back about my feedback. The number will be used for nothing else.',
      submit: 'Send my rating',
      missing_answers: 'Please choose an answer for each marked question.',
      phone_invalid: 'The phone number looks wrong: please enter 10 digits, e.g. 0912345678.',
      consent_needed: 'To be called back, please tick the consent box; otherwise leave the phone number empty.',
      survey_again: 'Send another rating',
      required_mark: 'required',
      closed_hint: 'You may close this page.',
    },
  };

  // English for the labels of the built-in templates (source documents).
  var TERMS = {
    'Tốt': 'Good',
    'Bình thường': 'Average',
    'Kém': 'Poor',
    'Không tốt': 'Not good',
    'Không biết': "Don't know",
    'Dễ hiểu': 'Easy to understand',
    'Khó hiểu': 'Hard to understand',
    'Rất hài lòng': 'Very satisfied',
    'Hài lòng': 'Satisfied',
    'Không hài lòng': 'Not satisfied',
    'Chưa hài lòng': 'Not yet satisfied',
    'Một lần': 'Once',
    'Hai lần': 'Twice',
    'Ba lần trở lên': 'Three times or more',
    'Đã giải quyết xong': 'Solved',
    'Chưa giải quyết xong': 'Not solved yet',
    'Trước hạn': 'Early',
    'Đúng hạn': 'On time',
    'Trễ hạn': 'Late',
    'Thái độ phục vụ của công chức': "The officer's attitude",
    'Giải thích hướng dẫn của công chức': "The officer's explanations",
    'Giải thích, hướng dẫn của công chức': "The officer's explanations",
    'Chất lượng phục vụ': 'Quality of service',
    'Thái độ, tác phong của công chức tiếp nhận, trả kết quả giải quyết thủ tục hành chính':
      'Attitude and manner of the officers who received your dossier and returned the result',
    'Giải quyết khiếu nại, phản hồi của cơ quan hành chính liên quan trực tiếp đến thủ tục hành chính mình đang thực hiện':
      "The office's handling of complaints and feedback about your procedure",
    'Số lần Ông/Bà liên hệ để hoàn tất thủ tục hành chính':
      'How many times you had to come to complete the procedure',
    'Kết quả giải quyết hồ sơ tại thời điểm Ông/Bà trả lời khảo sát này':
      'Is your dossier solved at the time of this survey?',
    'Thời gian trả kết quả giải quyết thủ tục hành chính so với biên nhận':
      'When the result was returned, compared with the receipt',
    'Ý kiến chung của Ông/Bà về thủ tục hành chính vừa thực hiện':
      'Your overall opinion of the procedure you have just completed',
    'Chất lượng thông tin về dịch vụ hành chính và cơ sở vật chất tại bộ phận một cửa':
      'Information about the services and the facilities at the one-stop office',
    'Quy định về hồ sơ của thủ tục hành chính': 'The documents the procedure requires',
    'Quy định về hồ sơ của TTHC': 'The documents the procedure requires',
    'Thái độ phục vụ của cán bộ': "The officer's attitude",
    'Thời gian và chi phí phải trả cho dịch vụ hành chính': 'Time and cost of the service',
    'Thái độ phục vụ của cán bộ, công chức': "The officer's attitude",
    'Kết quả giải quyết thủ tục hành chính': 'How your procedure was handled',
    'Mức độ hài lòng về chất lượng cung cấp dịch vụ công':
      'How satisfied are you with the public service?',
    'Mức độ hài lòng': 'How satisfied are you?',
  };

  var current = 'vi';

  function fill(text, params) {
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(params, k) ? String(params[k]) : m;
    });
  }

  function t(key, params) {
    var table = STRINGS[current] || STRINGS.vi;
    var text = table[key];
    if (text === undefined) text = STRINGS.vi[key];
    if (text === undefined) return key;
    return fill(text, params);
  }

  // `thing` is a criterion or an option: {label, label_en?} or a label
  // itself (string or {vi, en}).
  function label(thing) {
    if (thing === null || thing === undefined) return '';
    var l = thing;
    if (typeof thing === 'object' && !('vi' in thing) && 'label' in thing) {
      if (current === 'en' && typeof thing.label_en === 'string' && thing.label_en) {
        return thing.label_en;
      }
      l = thing.label;
    }
    if (l && typeof l === 'object') {
      if (current === 'en' && l.en) return l.en;
      return l.vi || l.en || '';
    }
    var vi = String(l);
    if (current === 'en') {
      var key = vi.trim().replace(/[.?:]+$/, '');
      if (TERMS[key]) return TERMS[key];
    }
    return vi;
  }

  function apply(root) {
    var nodes = (root || document).querySelectorAll('[data-i18n]');
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = t(nodes[i].getAttribute('data-i18n'));
    var ph = (root || document).querySelectorAll('[data-i18n-placeholder]');
    for (var j = 0; j < ph.length; j++) {
      ph[j].setAttribute('placeholder', t(ph[j].getAttribute('data-i18n-placeholder')));
    }
    document.documentElement.lang = current;
  }

  function setLang(lang) {
    current = lang === 'en' ? 'en' : 'vi';
  }

  // "14:05, 03/02/2025" (Vietnam's time, whatever the device's zone).
  function dateTime(rfc3339, withTime) {
    if (!rfc3339) return '';
    var d = new Date(rfc3339);
    if (isNaN(d.getTime())) return String(rfc3339);
    var opts = { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' };
    if (withTime !== false) {
      opts.hour = '2-digit';
      opts.minute = '2-digit';
      opts.hour12 = false;
    }
    try {
      return new Intl.DateTimeFormat(current === 'en' ? 'en-GB' : 'vi-VN', opts).format(d);
    } catch (e) {
      return d.toISOString().slice(0, 16).replace('T', ' ');
    }
  }

  HL.i18n = {
    t: t,
    label: label,
    apply: apply,
    setLang: setLang,
    lang: function () {
      return current;
    },
    dateTime: dateTime,
    strings: STRINGS,
  };
})();
