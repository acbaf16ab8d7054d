#include "staff/revisions.h"

#include <algorithm>
#include <dtl/dtl.hpp>

namespace cinepress {
namespace {

void Line(std::string& out, std::string_view name, const std::string& value) {
  if (!value.empty()) out.append(name).append(": ").append(value).append("\n");
}

std::string Joined(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string RevisionText(const Article& a) {
  std::string out;
  Line(out, "title", a.title);
  Line(out, "slug", a.slug);
  Line(out, "section", a.section);
  Line(out, "dek", a.dek);
  Line(out, "writers", Joined(a.author_ids));
  Line(out, "categories", Joined(a.categories));
  Line(out, "tags", Joined(a.tags));
  Line(out, "festival", a.festival);
  if (a.film) {
    Line(out, "film", a.film->title);
    Line(out, "film year", a.film->year ? std::to_string(a.film->year) : "");
    Line(out, "film original title", a.film->original_title);
    Line(out, "film directors", Joined(a.film->directors));
    Line(out, "film countries", Joined(a.film->countries));
    Line(out, "film runtime", a.film->runtime_min ? std::to_string(a.film->runtime_min) : "");
    Line(out, "film cast", Joined(a.film->cast));
  }
  if (a.interviewee) {
    Line(out, "interviewee", a.interviewee->name);
    Line(out, "interviewee job title", a.interviewee->job_title);
  }
  if (a.image) {
    Line(out, "image", a.image->src);
    Line(out, "image alt", a.image->alt);
    Line(out, "image caption", a.image->caption);
  }
  Line(out, "access", a.access);
  out += "\n";
  out += a.body_markdown;
  return out;
}

std::vector<DiffLine> LineDiff(std::string_view before, std::string_view after) {
  dtl::Diff<std::string> diff(Lines(before), Lines(after));
  diff.compose();
  std::vector<DiffLine> out;
  for (const auto& [text, info] : diff.getSes().getSequence()) {
    DiffLine::Kind kind = DiffLine::kSame;
    if (info.type == dtl::SES_ADD) kind = DiffLine::kAdded;
    if (info.type == dtl::SES_DELETE) kind = DiffLine::kRemoved;
    out.push_back(DiffLine{kind, text});
  }
  // Within each run of changed lines, the removed ones first (as diff and people show them).
  for (auto it = out.begin(); it != out.end();) {
    auto end =
        std::find_if(it, out.end(), [](const DiffLine& l) { return l.kind == DiffLine::kSame; });
    std::stable_partition(it, end, [](const DiffLine& l) { return l.kind == DiffLine::kRemoved; });
    it = end == out.end() ? end : end + 1;
  }
  return out;
}

}  // namespace cinepress
