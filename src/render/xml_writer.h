// XmlWriter: well-formed XML written with libxml2's writer, whatever the text holds (control
// characters XML forbids are left out). Feeds and sitemaps (feeds.h) and podcast feeds use it.
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
  // The document, ended; the writer is done.
  std::string Finish();

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace cinepress
