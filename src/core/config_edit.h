// Edits of cinepress.toml's text that keep the rest of it as written — comments, order, spacing —
// for the commands that change the config (`cinepress webhooks add` and `remove`): toml++ parses
// the file and formats what is added, and only the lines of the part changed are touched. The
// same edits of a file (AddWebhookToFile, RemoveWebhookFromFile) serve the command line and the
// newsroom's integrations page alike.
// Contract: the text functions are pure; the file functions write the file only when the edited
// text reads as a config; no exception escapes (toml++'s are caught here).
#pragma once

#include <cstddef>
#include <filesystem>
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

// Appends `hook` to the config file `config` (a random secret when it has none) once the file
// with it reads as a config — the event, URL and secret checked as `serve` checks them, the
// error naming the file, line and field (`webhooks.event`, `webhooks.url`, …); the file is left
// as it was otherwise. Answers the webhook as written, its secret too (to be shown once).
Result<WebhookConfig> AddWebhookToFile(const std::filesystem::path& config, WebhookConfig hook);

// Removes the `number`th webhook (as RemoveWebhookText numbers them) from the config file
// `config`; answers the webhook removed.
Result<WebhookConfig> RemoveWebhookFromFile(const std::filesystem::path& config, size_t number);

}  // namespace cinepress
