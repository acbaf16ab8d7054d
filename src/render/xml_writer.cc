#include "render/xml_writer.h"

#include <libxml/parser.h>
#include <libxml/xmlwriter.h>

#include <mutex>

namespace cinepress {
namespace {

// XML 1.0 forbids most control characters; content from outside may hold them.
std::string XmlSafe(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += c;
  }
  return out;
}

// libxml2 sets up its global tables on first use, which is not safe from several threads at
// once (two render threads racing here leaked one table): do it once, before any writer.
xmlBufferPtr InitAndCreateBuffer() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
  return xmlBufferCreate();
}

}  // namespace

struct XmlWriter::Impl {
  xmlBufferPtr buf = InitAndCreateBuffer();
  xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
};

XmlWriter::XmlWriter() : impl_(new Impl) {
  // No indentation: smaller feeds, and cheaper to write.
  xmlTextWriterSetIndent(impl_->w, 0);
  xmlTextWriterStartDocument(impl_->w, nullptr, "UTF-8", nullptr);
}

XmlWriter::~XmlWriter() {
  if (impl_->w) xmlFreeTextWriter(impl_->w);
  xmlBufferFree(impl_->buf);
  delete impl_;
}

void XmlWriter::Start(const char* name) { xmlTextWriterStartElement(impl_->w, BAD_CAST name); }
void XmlWriter::End() { xmlTextWriterEndElement(impl_->w); }
void XmlWriter::Attr(const char* name, const std::string& value) {
  xmlTextWriterWriteAttribute(impl_->w, BAD_CAST name, BAD_CAST XmlSafe(value).c_str());
}
void XmlWriter::Element(const char* name, const std::string& text) {
  xmlTextWriterWriteElement(impl_->w, BAD_CAST name, BAD_CAST XmlSafe(text).c_str());
}
void XmlWriter::Text(const std::string& text) {
  xmlTextWriterWriteString(impl_->w, BAD_CAST XmlSafe(text).c_str());
}
std::string XmlWriter::TakeOutput() {
  xmlTextWriterFlush(impl_->w);
  std::string out(reinterpret_cast<const char*>(xmlBufferContent(impl_->buf)),
                  static_cast<size_t>(xmlBufferLength(impl_->buf)));
  xmlBufferEmpty(impl_->buf);
  return out;
}
std::string XmlWriter::Finish() {
  xmlTextWriterEndDocument(impl_->w);
  xmlFreeTextWriter(impl_->w);
  impl_->w = nullptr;
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(impl_->buf)),
                     static_cast<size_t>(xmlBufferLength(impl_->buf)));
}

}  // namespace cinepress
