// Tests only: a small valid EPUB (a ZIP whose entries are stored, the `mimetype` entry first, as
// the EPUB container requires) and a small PDF, written here, for the shop's tests.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cinepress {

namespace test_ebook {

inline void Put16(std::string& out, uint32_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
}
inline void Put32(std::string& out, uint32_t v) {
  Put16(out, v & 0xffff);
  Put16(out, v >> 16);
}

// A ZIP of `entries` (name, bytes), each stored uncompressed.
inline std::string StoredZip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out, directory;
  for (const auto& entry : entries) {
    const std::string& name = entry.first;
    const std::string& data = entry.second;
    const auto crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
    const auto offset = static_cast<uint32_t>(out.size());
    const auto size = static_cast<uint32_t>(data.size());
    out += "PK\x03\x04";
    Put16(out, 10);  // version needed
    Put16(out, 0);   // flags
    Put16(out, 0);   // stored
    Put32(out, 0);   // time and date
    Put32(out, crc);
    Put32(out, size);
    Put32(out, size);
    Put16(out, static_cast<uint32_t>(name.size()));
    Put16(out, 0);
    out += name + data;
    directory += "PK\x01\x02";
    Put16(directory, 20);
    Put16(directory, 10);
    Put16(directory, 0);
    Put16(directory, 0);
    Put32(directory, 0);
    Put32(directory, crc);
    Put32(directory, size);
    Put32(directory, size);
    Put16(directory, static_cast<uint32_t>(name.size()));
    for (int i = 0; i < 4; ++i) Put16(directory, 0);  // extra, comment, disk, internal
    Put32(directory, 0);                              // external attributes
    Put32(directory, offset);
    directory += name;
  }
  const auto at = static_cast<uint32_t>(out.size());
  out += directory;
  out += "PK\x05\x06";
  Put32(out, 0);
  Put16(out, static_cast<uint32_t>(entries.size()));
  Put16(out, static_cast<uint32_t>(entries.size()));
  Put32(out, static_cast<uint32_t>(directory.size()));
  Put32(out, at);
  Put16(out, 0);
  return out;
}

}  // namespace test_ebook

inline std::string TestEpub(const std::string& title) {
  return test_ebook::StoredZip({
      {"mimetype", "application/epub+zip"},
      {"META-INF/container.xml",
       "<?xml version=\"1.0\"?><container version=\"1.0\" "
       "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles><rootfile "
       "full-path=\"book.opf\" media-type=\"application/oebps-package+xml\"/></rootfiles>"
       "</container>"},
      {"book.opf",
       "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" "
       "unique-identifier=\"id\"><metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
       "<dc:identifier id=\"id\">test</dc:identifier><dc:title>" +
           title +
           "</dc:title><dc:language>en</dc:language></metadata><manifest><item id=\"c\" "
           "href=\"c.xhtml\" media-type=\"application/xhtml+xml\"/></manifest><spine><itemref "
           "idref=\"c\"/></spine></package>"},
      {"c.xhtml", "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>" + title +
                      "</title></head><body><p>" + title + "</p></body></html>"},
  });
}

inline std::string TestPdf() {
  return "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
         "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
         "trailer << /Root 1 0 R >>\n%%EOF\n";
}

}  // namespace cinepress
