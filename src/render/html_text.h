// HTML to plain text: the words a reader sees in an HTML body (WordPress imports), for search's
// index and snippets and for meta descriptions. Parsed with libxml2's HTML parser, never by hand.
// Contract: thread-safe; never fails (broken markup is read as a browser would, roughly).
#pragma once

#include <string>
#include <string_view>

#include "content/model.h"

namespace cinepress {

// "<p>One <em>two</em></p><p>three</p>" -> "One two three". Script, style and template contents
// are left out; blocks and line breaks become one space.
std::string HtmlToText(std::string_view html);

// An article body as plain text, whichever its format (Markdown or HTML).
std::string BodyToText(std::string_view body, BodyFormat format);

}  // namespace cinepress
