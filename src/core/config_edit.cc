#include "core/config_edit.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "core/text.h"
#include "core/tokens.h"
#include "core/toml_parse.h"

namespace cinepress {
namespace {

// The first line (from 1) of every table written with a header ([a], [a.b], [[a]]), below `t`.
void HeaderLines(const toml::table& t, std::vector<size_t>& out) {
  for (const auto& [key, node] : t) {
    if (const toml::table* sub = node.as_table(); sub && !sub->is_inline()) {
      out.push_back(sub->source().begin.line);
      HeaderLines(*sub, out);
    } else if (const toml::array* arr = node.as_array(); arr && arr->is_array_of_tables()) {
      for (const toml::node& el : *arr) {
        const toml::table* item = el.as_table();
        if (!item || item->is_inline()) continue;
        out.push_back(item->source().begin.line);
        HeaderLines(*item, out);
      }
    }
  }
}

// Writes `text` as the config file once it reads as a config (the error names the file and line
// otherwise, and the file is left as it was).
Status WriteConfig(const std::filesystem::path& config, const std::string& text) {
  if (auto parsed = ParseSiteConfig(text, config.filename().string()); !parsed) {
    return parsed.error();
  }
  return WriteFile(config, text);
}

}  // namespace

std::string AppendWebhookText(std::string_view text, const WebhookConfig& hook) {
  toml::table t{{"event", hook.event}, {"url", hook.url}, {"secret", hook.secret}};
  const WebhookConfig defaults;
  if (hook.first_retry_s != defaults.first_retry_s) t.insert("first_retry_s", hook.first_retry_s);
  if (hook.max_attempts != defaults.max_attempts) t.insert("max_attempts", hook.max_attempts);
  std::ostringstream fields;
  fields << toml::toml_formatter(t);
  std::string out(text);
  if (!out.empty() && out.back() != '\n') out += '\n';
  if (!out.empty()) out += '\n';
  out += "[[webhooks]]\n" + fields.str();
  if (out.back() != '\n') out += '\n';
  return out;
}

Result<std::string> RemoveWebhookText(std::string_view text, size_t number,
                                      const std::string& file) {
  auto parsed = ParseToml(text, file);
  if (!parsed) return parsed.error();
  const toml::table& root = *parsed;
  const toml::array* hooks = root["webhooks"].as_array();
  if (!hooks || !hooks->is_array_of_tables() || number == 0 || number > hooks->size()) {
    return Error{
        ErrorCode::kNotFound,
        "there is no webhook " + std::to_string(number) + " (`webhooks list` numbers them)", file,
        0, "webhooks"};
  }
  const toml::table& hook = *(*hooks)[number - 1].as_table();
  if (hook.is_inline()) {
    return Error{ErrorCode::kInvalidInput,
                 "webhook " + std::to_string(number) + " is written inline: remove it by hand",
                 file, static_cast<int>(hook.source().begin.line), "webhooks"};
  }
  const size_t first = hook.source().begin.line;
  std::vector<size_t> headers;
  HeaderLines(root, headers);
  size_t end = 0;  // the first line after the webhook's (0: the end of the text)
  for (size_t line : headers) {
    if (line > first && (end == 0 || line < end)) end = line;
  }
  std::string out;
  size_t line = 1, pos = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    const size_t next = nl == std::string_view::npos ? text.size() : nl + 1;
    if (line < first || (end != 0 && line >= end)) out.append(text.substr(pos, next - pos));
    pos = next;
    ++line;
  }
  // The blank line that separated the removed webhook from what precedes it goes too.
  while (out.size() >= 2 && out.back() == '\n' && out[out.size() - 2] == '\n' && end == 0) {
    out.pop_back();
  }
  return out;
}

Result<WebhookConfig> AddWebhookToFile(const std::filesystem::path& config, WebhookConfig hook) {
  auto text = ReadFile(config);
  if (!text) return text.error();
  if (hook.secret.empty()) hook.secret = NewToken();  // 32 random bytes, base64url
  if (auto s = WriteConfig(config, AppendWebhookText(*text, hook)); !s) return s.error();
  return hook;
}

Result<WebhookConfig> RemoveWebhookFromFile(const std::filesystem::path& config, size_t number) {
  auto text = ReadFile(config);
  if (!text) return text.error();
  const std::string file = config.filename().string();
  auto parsed = ParseSiteConfig(*text, file);
  if (!parsed) return parsed.error();
  auto edited = RemoveWebhookText(*text, number, file);
  if (!edited) return edited.error();
  if (auto s = WriteConfig(config, *edited); !s) return s.error();
  return parsed->webhooks[number - 1];
}

}  // namespace cinepress
