#include "podcast/transcript.h"

#include <charconv>
#include <cmath>

namespace cinepress {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Removes <tags> from cue text; <v Name> gives the speaker.
std::string StripTags(std::string_view line, std::string& speaker) {
  std::string out;
  while (!line.empty()) {
    size_t open = line.find('<');
    out += line.substr(0, open);
    if (open == std::string_view::npos) break;
    size_t close = line.find('>', open);
    if (close == std::string_view::npos) break;
    std::string_view tag = line.substr(open + 1, close - open - 1);
    if (tag.size() > 2 && tag[0] == 'v' && (tag[1] == ' ' || tag[1] == '.')) {
      size_t space = tag.find(' ');
      if (space != std::string_view::npos) speaker = std::string(Trim(tag.substr(space + 1)));
    }
    line.remove_prefix(close + 1);
  }
  return out;
}

}  // namespace

double ParseClockTime(std::string_view t) {
  double total = 0;
  for (int fields = 1; fields <= 3; ++fields) {
    size_t end = t.find_first_of(":.,");
    std::string_view part = t.substr(0, end);
    int v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || p != part.data() + part.size() || part.empty() || v < 0) return -1;
    total = total * 60 + v;
    if (end == std::string_view::npos) return total;
    if (t[end] != ':') {
      std::string_view frac = t.substr(end + 1);
      int f = 0;
      auto [q, ec2] = std::from_chars(frac.data(), frac.data() + frac.size(), f);
      if (ec2 != std::errc() || q != frac.data() + frac.size() || frac.empty() || frac.size() > 3) {
        return -1;
      }
      return total + f / std::pow(10.0, static_cast<double>(frac.size()));
    }
    t.remove_prefix(end + 1);
  }
  return -1;
}

Result<std::vector<TranscriptCue>> ParseTranscript(std::string_view text, bool vtt) {
  std::vector<TranscriptCue> cues;
  int line_no = 0;
  TranscriptCue* cue = nullptr;
  bool skipping_block = false;  // a WebVTT NOTE, STYLE or REGION block
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.remove_prefix(3);
    if (vtt && line_no == 1) {
      if (line.rfind("WEBVTT", 0) != 0) {
        return Error{ErrorCode::kInvalidInput, "a WebVTT file begins with WEBVTT", "", 1, {}};
      }
      continue;
    }
    if (line.empty()) {
      cue = nullptr;
      skipping_block = false;
      continue;
    }
    if (skipping_block) continue;
    if (!cue && vtt &&
        (line.rfind("NOTE", 0) == 0 || line == "STYLE" || line.rfind("REGION", 0) == 0)) {
      skipping_block = true;
      continue;
    }
    if (size_t arrow = line.find("-->"); !cue && arrow != std::string_view::npos) {
      double start = ParseClockTime(Trim(line.substr(0, arrow)));
      if (start < 0) {
        return Error{ErrorCode::kInvalidInput, "cannot read the cue's start time", "", line_no, {}};
      }
      cues.push_back(TranscriptCue{start, "", ""});
      cue = &cues.back();
      continue;
    }
    if (!cue) continue;  // a cue identifier (SRT's number, WebVTT's optional id)
    std::string plain = StripTags(line, cue->speaker);
    if (!cue->text.empty()) cue->text += ' ';
    cue->text += plain;
  }
  return cues;
}

std::string TranscriptText(const std::vector<TranscriptCue>& cues) {
  std::string out;
  for (const TranscriptCue& c : cues) {
    if (!out.empty()) out += "\n\n";
    if (!c.speaker.empty()) out += c.speaker + ": ";
    out += c.text;
  }
  return out;
}

}  // namespace cinepress
