// Fuzzes cinepress.toml: toml++ and every check ParseSiteConfig makes. Errors are results, never
// exceptions or crashes.
#include <cstdint>
#include <string_view>

#include "core/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = cinepress::ParseSiteConfig(text, "cinepress.toml");
  if (!config.ok() && config.error().message.empty()) __builtin_trap();
  return 0;
}
