#include "ingest/front_matter.h"

#include <algorithm>

namespace cinepress {
namespace {

// The first `lines` lines of `text`, then a document end marker ("..."). yaml-cpp reads a quote
// left open to the end of the text as closed there, swallowing the fields after it ("date: an
// article needs a date"); a marker inside a quoted value is an error it does report.
std::string WithEndMarker(std::string_view text, size_t lines = std::string_view::npos) {
  size_t end = 0;
  for (size_t n = 0; n < lines && end < text.size(); ++n) {
    size_t eol = text.find('\n', end);
    end = eol == std::string_view::npos ? text.size() : eol + 1;
  }
  std::string out(text.substr(0, end));
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out + "...\n";
}

int LineCount(std::string_view text) {
  int n = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  return !text.empty() && text.back() != '\n' ? n + 1 : n;
}

}  // namespace

bool SplitFrontMatter(std::string_view text, std::string_view& yaml, std::string_view& body) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a byte-order mark
  auto first_eol = text.find('\n');
  if (first_eol == std::string_view::npos || Trim(text.substr(0, first_eol)) != "---") {
    return false;
  }
  size_t pos = first_eol + 1;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    std::string_view line = text.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
    if (Trim(line) == "---" || Trim(line) == "...") {
      yaml = text.substr(first_eol + 1, pos - first_eol - 1);
      body = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
      return true;
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  return false;
}

std::optional<YAML::Node> LoadYaml(std::string_view text, const std::string& file, int line_offset,
                                   std::vector<Error>& problems) {
  try {
    return YAML::Load(WithEndMarker(text));
  } catch (const YAML::Exception& e) {
    int line = e.mark.line >= 0 ? e.mark.line + 1 : 0;  // 1-based, in `text`
    std::string message = "invalid YAML: " + e.msg;
    std::string field;
    if (line == LineCount(text) + 1 && e.msg == YAML::ErrorMsg::DOC_IN_SCALAR) {
      // The error is at the marker: a quote opened somewhere is never closed. It opens on the
      // first line whose text up to it fails the same way (once open, a quote stays open):
      // found by bisection, a few parses even for a long file.
      auto fails_there = [&](int k) {
        try {
          (void)YAML::Load(WithEndMarker(text, static_cast<size_t>(k)));
          return false;
        } catch (const YAML::Exception& prefix) {
          return prefix.msg == e.msg;
        }
      };
      int lo = 1, hi = LineCount(text);  // fails_there(hi): the whole text fails so
      while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (fails_there(mid)) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      line = hi;
      // The field it belongs to: the key of that line, when it has one ("title: \"…").
      std::string upto = WithEndMarker(text, static_cast<size_t>(hi));
      std::string_view last(upto);
      last.remove_suffix(5);  // "\n...\n"
      last = last.substr(last.rfind('\n') == std::string_view::npos ? 0 : last.rfind('\n') + 1);
      if (size_t colon = last.find(':'); colon != std::string_view::npos) {
        field = std::string(Trim(last.substr(0, colon)));
      }
      message = "invalid YAML: a quoted value is never closed (its closing quote is missing)";
    }
    problems.push_back(
        Error{ErrorCode::kInvalidInput, message, file, line > 0 ? line + line_offset : 0, field});
    return std::nullopt;
  }
}

std::optional<std::string> UnknownTier(const std::string& access,
                                       const std::vector<std::string>& tiers) {
  if (access.empty()) return std::nullopt;
  auto rule = AccessRule::Parse(access);
  if (!rule) return access;
  for (const std::string& t : rule->tiers) {
    if (t != kFreeTier && std::find(tiers.begin(), tiers.end(), t) == tiers.end()) return t;
  }
  return std::nullopt;
}

std::optional<FrontMatterFile> ReadFrontMatterFile(const std::filesystem::path& path,
                                                   const std::string& rel,
                                                   std::vector<Error>& problems) {
  auto text = ReadFile(path);
  if (!text) {
    problems.push_back(Error{ErrorCode::kIo, text.error().message, rel, 0, ""});
    return std::nullopt;
  }
  std::string_view yaml, body;
  if (!IsValidUtf8(*text) || !SplitFrontMatter(*text, yaml, body)) {
    problems.push_back(Error{ErrorCode::kInvalidInput,
                             "no front matter: the file must start with a line \"---\", then "
                             "YAML, then a line \"---\"",
                             rel, 1, ""});
    return std::nullopt;
  }
  auto doc = LoadYaml(yaml, rel, 1, problems);
  if (!doc) return std::nullopt;
  if (!doc->IsMap()) {
    problems.push_back(Error{ErrorCode::kInvalidInput,
                             "the front matter must be a YAML map of fields", rel, 2, ""});
    return std::nullopt;
  }
  return FrontMatterFile{rel, *doc, std::string(body)};
}

std::vector<std::filesystem::path> MarkdownFilesIn(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && !entry.is_symlink() && entry.path().extension() == ".md") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool IsPlainFileName(std::string_view name) {
  return !name.empty() && name[0] != '.' && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
}

bool IsCurrencyCode(std::string_view c) {
  return c.size() == 3 && std::all_of(c.begin(), c.end(), [](char ch) {
           return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
         });
}

}  // namespace cinepress
