// XmlWriter: well-formed XML written with libxml2's writer, whatever the text holds (control
// characters XML forbids are left out). Feeds and sitemaps (feeds.h), podcast feeds and the
// WordPress export (ingest/wxr_export.h) use it.
// Contract: one writer per document, used by one thread; any number at once.
#pragma once

#include <string>

namespace cinepress {

class XmlWriter {
 public:
  XmlWriter();
  ~XmlWriter();
  XmlWriter(const XmlWriter&) = delete;
  XmlWriter& operator=(const XmlWriter&) = delete;

  void Start(const char* name);
  void End();
  void Attr(const char* name, const std::string& value);
  // <name>text</name>
  void Element(const char* name, const std::string& text);
  void Text(const std::string& text);
  // What has been written since the last call, taken out of the writer (which goes on): a long
  // document (a WordPress export) is written to its file a piece at a time.
  std::string TakeOutput();
  // The document (what TakeOutput has not taken), ended; the writer is done.
  std::string Finish();

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace cinepress
