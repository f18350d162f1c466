// The periodic report as an A4 PDF (periodic_pdf.h).
#include "periodic_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace hailong::hub {
namespace {

constexpr double kMm = 72.0 / 25.4;
constexpr double kPageW = 210 * kMm, kPageH = 297 * kMm;
// Decree 30/2020/NĐ-CP, Appendix I: top and bottom 20-25 mm, left 30-35 mm,
// right 15-20 mm.
constexpr double kTop = 20 * kMm, kBottom = kPageH - 20 * kMm;
constexpr double kLeft = 30 * kMm, kRight = kPageW - 15 * kMm;
constexpr double kWidth = kRight - kLeft;
constexpr double kPad = 2.5;  // cell padding
constexpr char kFamily[] = "Times New Roman,Liberation Serif,DejaVu Serif";

enum class Align { kLeft, kCenter, kRight, kJustify };
struct Font {
  double size = 13;
  bool bold = false, italic = false;
};

// The output, bounded; cairo calls Write from cairo_surface_finish.
struct Sink {
  std::string data;
  bool over = false;
};

cairo_status_t Write(void* closure, const unsigned char* bytes, unsigned int length) noexcept {
  auto* sink = static_cast<Sink*>(closure);
  if (sink->data.size() + length > kPeriodicPdfMaxBytes) {
    sink->over = true;
    return CAIRO_STATUS_WRITE_ERROR;
  }
  try {
    sink->data.append(reinterpret_cast<const char*>(bytes), length);
  } catch (...) {  // no exception may cross cairo's C frames
    return CAIRO_STATUS_NO_MEMORY;
  }
  return CAIRO_STATUS_SUCCESS;
}

// Draws text with one reused layout and keeps the page count.
class Pages {
 public:
  Pages(cairo_t* cr, int max_pages) : cr_(cr), max_pages_(max_pages) {
    layout_ = pango_cairo_create_layout(cr_);
    PangoContext* context = pango_layout_get_context(layout_);
    pango_cairo_context_set_resolution(context, 72);  // sizes in points
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(context, options);
    cairo_font_options_destroy(options);
    pango_layout_context_changed(layout_);
    pango_layout_set_wrap(layout_, PANGO_WRAP_WORD_CHAR);
  }
  ~Pages() { g_object_unref(layout_); }
  Pages(const Pages&) = delete;
  Pages& operator=(const Pages&) = delete;

  double y = kTop;
  bool exceeded = false;  // past max_pages: stop drawing

  // Height of `text` set in `width`.
  double Measure(const std::string& text, Font font, double width, Align align = Align::kLeft,
                 double indent = 0) {
    Set(text, font, width, align, indent);
    int w = 0, h = 0;
    pango_layout_get_size(layout_, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }
  // Width of the widest line of `text` (unbounded).
  double NaturalWidth(const std::string& text, Font font) {
    Set(text, font, -1, Align::kLeft, 0);
    int w = 0, h = 0;
    pango_layout_get_size(layout_, &w, &h);
    return static_cast<double>(w) / PANGO_SCALE;
  }
  // Draws at (x, top) and returns the height.
  double Draw(const std::string& text, Font font, double x, double top, double width,
              Align align = Align::kLeft, double indent = 0) {
    const double h = Measure(text, font, width, align, indent);
    cairo_move_to(cr_, x, top);
    pango_cairo_show_layout(cr_, layout_);
    return h;
  }
  // Draws a paragraph at the cursor, breaking to a new page when it does not fit.
  void Flow(const std::string& text, Font font, Align align, double indent, double after) {
    if (text.empty()) return;
    const double h = Measure(text, font, kWidth, align, indent);
    if (!Fits(h)) NewPage();
    if (exceeded) return;
    Draw(text, font, kLeft, y, kWidth, align, indent);
    y += h + after;
  }
  bool Fits(double h) const { return y + h <= kBottom; }
  void Line(double x0, double y0, double x1, double y1, double width = 0.6) {
    cairo_set_line_width(cr_, width);
    cairo_move_to(cr_, x0, y0);
    cairo_line_to(cr_, x1, y1);
    cairo_stroke(cr_);
  }
  void Box(double x, double top, double w, double h) {
    cairo_set_line_width(cr_, 0.5);
    cairo_rectangle(cr_, x, top, w, h);
    cairo_stroke(cr_);
  }
  // Ends the page; the next one carries its number at the top (Decree 30).
  void NewPage() {
    if (pages_ >= max_pages_) {
      exceeded = true;
      return;
    }
    cairo_show_page(cr_);
    ++pages_;
    y = kTop;
    Draw(std::to_string(pages_), Font{13}, kLeft, kTop - 10 * kMm, kWidth, Align::kCenter);
  }
  int pages() const { return pages_; }

 private:
  void Set(const std::string& text, Font font, double width, Align align, double indent) {
    PangoFontDescription* desc = pango_font_description_from_string(kFamily);
    pango_font_description_set_size(desc, static_cast<int>(font.size * PANGO_SCALE));
    pango_font_description_set_weight(desc, font.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(desc, font.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(layout_, desc);
    pango_font_description_free(desc);
    pango_layout_set_width(layout_, width < 0 ? -1 : static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_alignment(layout_, align == Align::kCenter  ? PANGO_ALIGN_CENTER
                                        : align == Align::kRight ? PANGO_ALIGN_RIGHT
                                                                 : PANGO_ALIGN_LEFT);
    pango_layout_set_justify(layout_, align == Align::kJustify);
    pango_layout_set_indent(layout_, static_cast<int>(indent * PANGO_SCALE));
    pango_layout_set_text(layout_, text.data(), static_cast<int>(text.size()));
  }

  cairo_t* cr_;
  PangoLayout* layout_;
  int max_pages_;
  int pages_ = 1;
};

// Left: governing body, issuing body (bold, a short rule under it), number.
// Right: the national header (a rule under the motto), place and date.
void DrawHeader(Pages& p, const PeriodicDocument& d) {
  const double left_w = 68 * kMm, right_x = kLeft + left_w + 1 * kMm, right_w = kRight - right_x;
  double ly = kTop, ry = kTop;
  if (!d.parent_body.empty())
    ly += p.Draw(d.parent_body, Font{12}, kLeft, ly, left_w, Align::kCenter);
  if (!d.issuer.empty()) {
    ly += p.Draw(d.issuer, Font{12, true}, kLeft, ly, left_w, Align::kCenter);
    const double rule = std::min(left_w / 3, p.NaturalWidth(d.issuer, Font{12, true}));
    p.Line(kLeft + (left_w - rule) / 2, ly + 1, kLeft + (left_w + rule) / 2, ly + 1);
  }
  ry += p.Draw(d.nation, Font{12, true}, right_x, ry, right_w, Align::kCenter);
  ry += p.Draw(d.motto, Font{13, true}, right_x, ry, right_w, Align::kCenter);
  const double motto_w = std::min(right_w, p.NaturalWidth(d.motto, Font{13, true}));
  p.Line(right_x + (right_w - motto_w) / 2, ry + 1, right_x + (right_w + motto_w) / 2, ry + 1);
  const double line_y = std::max(ly, ry) + 8;
  const double lh = p.Draw(d.number_line, Font{13}, kLeft, line_y, left_w, Align::kCenter);
  const double rh =
      p.Draw(d.place_date, Font{13, false, true}, right_x, line_y, right_w, Align::kCenter);
  p.y = line_y + std::max(lh, rh) + 18;
}

void DrawTitle(Pages& p, const PeriodicDocument& d) {
  p.y += p.Draw(d.title, Font{14, true}, kLeft, p.y, kWidth, Align::kCenter);
  p.y +=
      p.Draw(d.subject, Font{14, true}, kLeft + 10 * kMm, p.y, kWidth - 20 * kMm, Align::kCenter);
  p.Line(kLeft + kWidth / 2 - 15 * kMm, p.y + 2, kLeft + kWidth / 2 + 15 * kMm, p.y + 2);
  p.y += 12;
  p.y += p.Draw(d.recipient_line, Font{14}, kLeft, p.y, kWidth, Align::kCenter) + 12;
}

void DrawTable(Pages& p, const DocTable& t) {
  const size_t n = 2 * t.figures.size();
  if (n == 0) return;
  const double first = std::max(38 * kMm, kWidth - static_cast<double>(n) * 50);
  const double col = (kWidth - first) / static_cast<double>(n);
  const Font head{10, true}, body{10}, total{10, true};
  double ha = 0, hb = 0;
  for (const auto& f : t.figures)
    ha = std::max(ha, p.Measure(f, head, 2 * col - 2 * kPad, Align::kCenter));
  hb = std::max(p.Measure(t.current_label, head, col - 2 * kPad, Align::kCenter),
                p.Measure(t.previous_label, head, col - 2 * kPad, Align::kCenter));
  ha += 2 * kPad;
  hb += 2 * kPad;
  const double label_h = p.Measure(t.row_label, head, first - 2 * kPad, Align::kCenter) + 2 * kPad;
  ha = std::max(ha, label_h - hb);
  auto row_height = [&](const DocTable::Row& r) {
    double h = p.Measure(r.label, r.total ? total : body, first - 2 * kPad);
    for (const auto& c : r.cells)
      h = std::max(h, p.Measure(c, r.total ? total : body, col - 2 * kPad));
    return h + 2 * kPad;
  };
  auto draw_head = [&] {
    const double y = p.y;
    p.Box(kLeft, y, first, ha + hb);
    const double lh = p.Measure(t.row_label, head, first - 2 * kPad, Align::kCenter);
    p.Draw(t.row_label, head, kLeft + kPad, y + (ha + hb - lh) / 2, first - 2 * kPad,
           Align::kCenter);
    for (size_t i = 0; i < t.figures.size(); ++i) {
      const double x = kLeft + first + 2 * col * static_cast<double>(i);
      p.Box(x, y, 2 * col, ha);
      const double fh = p.Measure(t.figures[i], head, 2 * col - 2 * kPad, Align::kCenter);
      p.Draw(t.figures[i], head, x + kPad, y + (ha - fh) / 2, 2 * col - 2 * kPad, Align::kCenter);
      p.Box(x, y + ha, col, hb);
      p.Box(x + col, y + ha, col, hb);
      p.Draw(t.current_label, head, x + kPad, y + ha + kPad, col - 2 * kPad, Align::kCenter);
      p.Draw(t.previous_label, head, x + col + kPad, y + ha + kPad, col - 2 * kPad, Align::kCenter);
    }
    p.y = y + ha + hb;
  };
  // The caption stays with the header and the first row.
  const double caption_h = p.Measure(t.caption, Font{13, true}, kWidth);
  const double first_row = t.rows.empty() ? 0 : row_height(t.rows[0]);
  if (!p.Fits(caption_h + 4 + ha + hb + first_row)) p.NewPage();
  if (p.exceeded) return;
  p.y += p.Draw(t.caption, Font{13, true}, kLeft, p.y, kWidth) + 4;
  draw_head();
  for (const auto& r : t.rows) {
    const double h = row_height(r);
    if (!p.Fits(h)) {  // a row is never split: it moves, under a repeated header
      p.NewPage();
      if (p.exceeded) return;
      draw_head();
    }
    const Font f = r.total ? total : body;
    p.Box(kLeft, p.y, first, h);
    p.Draw(r.label, f, kLeft + kPad, p.y + kPad, first - 2 * kPad);
    for (size_t i = 0; i < r.cells.size() && i < n; ++i) {
      const double x = kLeft + first + col * static_cast<double>(i);
      p.Box(x, p.y, col, h);
      p.Draw(r.cells[i], f, x + kPad, p.y + kPad, col - 2 * kPad, Align::kCenter);
    }
    p.y += h;
  }
  p.y += 10;
}

// "Nơi nhận" on the left, the signer on the right; kept on one page.
void DrawSignature(Pages& p, const PeriodicDocument& d) {
  const double left_w = 75 * kMm, right_w = 85 * kMm, right_x = kRight - right_w;
  const Font copies_label{12, true, true}, copies{11}, signer{13, true};
  constexpr double kSignSpace = 30 * kMm;  // room for the signature and seal
  double lh = p.Measure(d.copies_label, copies_label, left_w);
  for (const auto& c : d.copies_to) lh += p.Measure(c, copies, left_w);
  double rh = kSignSpace;
  for (const auto* s : {&d.signer_authority, &d.signer_title, &d.signer_name}) {
    if (!s->empty()) rh += p.Measure(*s, signer, right_w, Align::kCenter);
  }
  if (!p.Fits(std::max(lh, rh) + 6)) p.NewPage();
  if (p.exceeded) return;
  double y = p.y + 6, ry = p.y + 6;
  y += p.Draw(d.copies_label, copies_label, kLeft, y, left_w);
  for (const auto& c : d.copies_to) y += p.Draw(c, copies, kLeft, y, left_w);
  if (!d.signer_authority.empty()) {
    ry += p.Draw(d.signer_authority, signer, right_x, ry, right_w, Align::kCenter);
  }
  if (!d.signer_title.empty())
    ry += p.Draw(d.signer_title, signer, right_x, ry, right_w, Align::kCenter);
  ry += kSignSpace;
  if (!d.signer_name.empty())
    ry += p.Draw(d.signer_name, signer, right_x, ry, right_w, Align::kCenter);
  p.y = std::max(y, ry);
}

std::mutex render_mu;  // one rendering at a time (periodic_pdf.h)

}  // namespace

Status RenderPeriodicPdf(const PeriodicDocument& doc, int max_pages, std::string* out) {
  std::lock_guard<std::mutex> lock(render_mu);
  Sink sink;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(Write, &sink, kPageW, kPageH);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, doc.file_title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "hailong-hub");
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0, 0, 0);
  bool exceeded = false;
  {
    Pages p(cr, max_pages);
    DrawHeader(p, doc);
    DrawTitle(p, doc);
    for (const auto& para : doc.paragraphs) p.Flow(para, Font{13}, Align::kJustify, 10 * kMm, 6);
    for (const auto& t : doc.tables) DrawTable(p, t);
    for (const auto& note : doc.notes)
      p.Flow(note, Font{12, false, true}, Align::kJustify, 10 * kMm, 6);
    DrawSignature(p, doc);
    exceeded = p.exceeded;
  }
  cairo_show_page(cr);
  const cairo_status_t drawn = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t finished = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (exceeded) {
    return Status::InvalidArgument("the report needs more than " + std::to_string(max_pages) +
                                   " pages (periodic_report.max_pages)");
  }
  if (sink.over) {
    return Status::InvalidArgument("the PDF is larger than " +
                                   std::to_string(kPeriodicPdfMaxBytes >> 20) + " MiB");
  }
  if (drawn != CAIRO_STATUS_SUCCESS || finished != CAIRO_STATUS_SUCCESS) {
    return Status::IOError(
        std::string("cairo: ") +
        cairo_status_to_string(drawn != CAIRO_STATUS_SUCCESS ? drawn : finished));
  }
  *out = std::move(sink.data);
  return Status::OK();
}

}  // namespace hailong::hub
