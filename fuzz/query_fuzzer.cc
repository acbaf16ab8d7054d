// Fuzzes what a stranger types into a URL: query strings and form bodies (DecodeUrlParams, Boost.
// URL), the search page's parameters (ParseSearchRequest) and the search words (ParseSearchQuery,
// WholeWords, SnippetHtml). Asserted: the limits hold and snippets never carry markup of the input.
#include <cstdint>
#include <string>
#include <string_view>

#include "content/search.h"
#include "web/live_site.h"
#include "web/url_params.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)cinepress::DecodeUrlParams(text);
  cinepress::SearchRequest request = cinepress::ParseSearchRequest(text);
  if (request.query.size() > 1024 || request.page < 1) __builtin_trap();
  auto groups = cinepress::ParseSearchQuery(text);
  size_t words = 0;
  for (const auto& g : groups) words += g.words.size();
  if (words > cinepress::kMaxQueryTerms) __builtin_trap();
  bool changed = false;
  auto whole = cinepress::WholeWords(groups, &changed);
  // The input as the text searched: the snippet escapes it, so no tag of it survives.
  std::string snippet = cinepress::SnippetHtml(text, whole);
  for (size_t at = snippet.find('<'); at != std::string::npos; at = snippet.find('<', at + 1)) {
    std::string_view rest(snippet.data() + at, snippet.size() - at);
    if (rest.rfind("<mark>", 0) != 0 && rest.rfind("</mark>", 0) != 0) __builtin_trap();
  }
  return 0;
}
