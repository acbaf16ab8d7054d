// An episode's transcript (WebVTT or SRT) read into cues: what the episode's page shows and
// search indexes. Contract: plain functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cinepress {

struct TranscriptCue {
  double start = 0;     // seconds
  std::string speaker;  // WebVTT's <v Name>, or ""
  std::string text;     // plain text, markup removed
};

// "1:02:03.5", "02:03.500", "01:02:03,500" (SRT) or "90" as seconds; -1 when it is not.
double ParseClockTime(std::string_view text);

// The cues of a WebVTT (`vtt` true) or SRT file, in order; an error naming the line whose
// timing cannot be read.
Result<std::vector<TranscriptCue>> ParseTranscript(std::string_view text, bool vtt);
// The cues as plain text, one paragraph per cue ("Speaker: text").
std::string TranscriptText(const std::vector<TranscriptCue>& cues);

}  // namespace cinepress
