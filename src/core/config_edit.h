// Edits of cinepress.toml's text that keep the rest of it as written — comments, order, spacing —
// for the commands that change the config (`cinepress webhooks add` and `remove`): toml++ parses
// the file and formats what is added, and only the lines of the part changed are touched.
// Contract: pure functions over text; no exception escapes (toml++'s are caught here).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/result.h"

namespace cinepress {

// `text` with one more [[webhooks]] at its end: event, url and secret (first_retry_s and
// max_attempts when they are not the defaults), formatted by toml++.
std::string AppendWebhookText(std::string_view text, const WebhookConfig& hook);

// `text` without its `number`th [[webhooks]] (from 1, in the file's order, as `webhooks list`
// numbers them): the lines from its header to the next table's header, or the end. kNotFound
// when there is no such webhook; kInvalidInput naming `file` and the line when the text is not
// TOML.
Result<std::string> RemoveWebhookText(std::string_view text, size_t number,
                                      const std::string& file);

}  // namespace cinepress
