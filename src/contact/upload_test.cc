#include "contact/upload.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

const std::string kPdf =
    "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

TEST(CheckUpload, APdfAndPlainTextAreTakenByTheirContent) {
  auto pdf = CheckUpload("pitch.txt", kPdf, 1 << 20);
  ASSERT_TRUE(pdf.ok()) << pdf.error().ToString();
  EXPECT_EQ(*pdf, "application/pdf");
  auto text = CheckUpload("pitch.pdf", "A pitch about Ozu's trains.\n", 1 << 20);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  EXPECT_EQ(*text, "text/plain");
}

TEST(CheckUpload, ARenamedExecutableIsRefused) {
  std::string elf(
      "\x7f"
      "ELF\x02\x01\x01",
      7);
  elf.append(9, '\0');
  elf += std::string("\x02\x00\x3e\x00\x01\x00\x00\x00", 8);
  elf.append(200, '\0');
  auto r = CheckUpload("pitch.pdf", elf, 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "file");
  EXPECT_NE(r.error().message.find("must be a PDF"), std::string::npos);
  EXPECT_FALSE(
      CheckUpload("page.pdf", "<!DOCTYPE html><html><script>x</script></html>", 1 << 20).ok());
}

TEST(CheckUpload, TooLargeOrEmptyIsRefused) {
  EXPECT_EQ(CheckUpload("a.pdf", kPdf, 10).error().field, "file");
  EXPECT_EQ(CheckUpload("a.pdf", "", 10).error().field, "file");
}

TEST(DownloadType, OnlyTheAllowedTypesAreSentAsThemselves) {
  EXPECT_EQ(DownloadType("application/pdf"), "application/pdf");
  EXPECT_EQ(DownloadType("text/plain"), "text/plain; charset=utf-8");
  for (const char* other : {"text/html", "image/svg+xml", "application/pdf; x=1", ""}) {
    EXPECT_EQ(DownloadType(other), "application/octet-stream") << other;
  }
}

}  // namespace
}  // namespace cinepress
