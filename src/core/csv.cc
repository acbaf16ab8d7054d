#include "core/csv.h"

#include <csv.h>

namespace cinepress {
namespace {

// Collects libcsv's fields and rows, remembering the line each row starts on.
struct Collector {
  std::vector<std::string> fields;
  std::vector<std::pair<int, std::vector<std::string>>> rows;
  int line = 1;       // the line being fed
  int row_start = 1;  // the line the current row began on
  bool row_open = false;
  static void Field(void* data, size_t len, void* self) {
    auto* c = static_cast<Collector*>(self);
    if (!c->row_open) {
      c->row_open = true;
      c->row_start = c->line;
    }
    c->fields.emplace_back(static_cast<const char*>(data), len);
  }
  static void Row(int, void* self) {
    auto* c = static_cast<Collector*>(self);
    if (!c->row_open) c->row_start = c->line;
    c->rows.emplace_back(c->row_start, std::move(c->fields));
    c->fields.clear();
    c->row_open = false;
  }
};

}  // namespace

CsvRecords ReadCsv(std::string_view text, const std::string& file) {
  CsvRecords out;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a spreadsheet's BOM
  csv_parser p;
  csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
  Collector c;
  // Fed a line at a time so that every row knows its line.
  size_t i = 0;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    if (csv_parse(&p, text.data() + i, end - i, Collector::Field, Collector::Row, &c) != end - i) {
      out.error =
          Error{ErrorCode::kInvalidInput,
                std::string("not valid CSV: ") + csv_strerror(csv_error(&p)), file, c.line, ""};
      csv_free(&p);
      out.rows = std::move(c.rows);
      return out;
    }
    if (nl != std::string_view::npos) ++c.line;
    i = end;
  }
  if (csv_fini(&p, Collector::Field, Collector::Row, &c) != 0) {
    out.error =
        Error{ErrorCode::kInvalidInput,
              std::string("not valid CSV: ") + csv_strerror(csv_error(&p)), file, c.row_start, ""};
  }
  csv_free(&p);
  out.rows = std::move(c.rows);
  return out;
}

std::string CsvField(std::string_view v) {
  std::string buf(v.size() * 2 + 2, '\0');
  buf.resize(csv_write(buf.data(), buf.size(), v.data(), v.size()));
  return buf;
}

}  // namespace cinepress
