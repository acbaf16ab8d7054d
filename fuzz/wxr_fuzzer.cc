// Fuzzes the WordPress export reader (libxml2's streaming reader) on any bytes: every callback
// gets called with whatever it found, and the read ends with a result, never a crash.
#include <cstdint>
#include <string>
#include <string_view>

#include "ingest/wxr_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  size_t seen = 0;
  cinepress::WxrCallbacks callbacks;
  callbacks.channel = [&](const cinepress::WxrChannel& c) { seen += c.title.size(); };
  callbacks.author = [&](const cinepress::WxrAuthor& a) { seen += a.login.size(); };
  callbacks.term = [&](const cinepress::WxrTerm& t) { seen += t.slug.size(); };
  callbacks.item = [&](const cinepress::WxrItem& item) -> cinepress::Status {
    seen += item.content.size() + item.meta.size() + item.comments.size();
    if (item.Meta("_stop")) return cinepress::Error{cinepress::ErrorCode::kInvalidInput, "stop"};
    return {};
  };
  (void)cinepress::ReadWxrString(xml, "export.xml", callbacks);
  return 0;
}
