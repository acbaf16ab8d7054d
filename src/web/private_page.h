// The response for a page made for one visitor (their account, a signed link's page, the
// newsroom): the HTML, or a 500 naming what stopped it; never kept by a shared cache, never
// indexed, and no Referer given away (links on such pages may carry tokens).
// Contract: a pure function, thread-safe.
#pragma once

#include <string>

#include "core/result.h"
#include "http/message.h"

namespace cinepress {

HttpResponse PrivatePage(int status, Result<std::string> html, const char* label);

}  // namespace cinepress
