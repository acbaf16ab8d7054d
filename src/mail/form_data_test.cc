#include "mail/form_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace cinepress {
namespace {

TEST(ParseFormData, ReadsTheFieldsOfAMultipartForm) {
  // What a mail client POSTs for RFC 8058 one-click unsubscribe.
  auto fields = ParseFormData("multipart/form-data; boundary=XyZ",
                              "--XyZ\r\n"
                              "Content-Disposition: form-data; name=\"List-Unsubscribe\"\r\n"
                              "\r\n"
                              "One-Click\r\n"
                              "--XyZ\r\n"
                              "Content-Disposition: form-data; name=\"note\"\r\n"
                              "Content-Type: text/plain; charset=utf-8\r\n"
                              "\r\n"
                              "caf\xc3\xa9\r\n"
                              "--XyZ--\r\n");
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ(*fields, (FormFields{{"List-Unsubscribe", "One-Click"}, {"note", "caf\xc3\xa9"}}));
}

TEST(ParseFormData, SaysWhichFieldsCarriedFilesAndTheirNames) {
  FormFields files;
  auto fields = ParseFormData(
      "multipart/form-data; boundary=b",
      "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAda\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pitch.pdf\"\r\n"
      "Content-Type: application/pdf\r\n\r\n%PDF-1.4 bytes\r\n--b--\r\n",
      &files);
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ(*fields, (FormFields{{"name", "Ada"}, {"file", "%PDF-1.4 bytes"}}));
  EXPECT_EQ(files, (FormFields{{"file", "pitch.pdf"}}));
}

TEST(ParseFormData, RefusesWhatIsNotAForm) {
  EXPECT_FALSE(ParseFormData("multipart/form-data", "no boundary"));
  EXPECT_FALSE(ParseFormData("text/plain", "List-Unsubscribe=One-Click"));
  EXPECT_FALSE(ParseFormData("multipart/form-data; boundary=b",
                             "--b\r\nContent-Type: text/plain\r\n\r\nnameless\r\n--b--\r\n"));
  EXPECT_FALSE(ParseFormData("multipart/form-data; boundary=b\r\nX: y", "--b--\r\n"));
}

std::filesystem::path Folder() {
  auto f = std::filesystem::path(testing::TempDir()) / "form-data-file-test";
  std::filesystem::create_directories(f);
  return f;
}

std::filesystem::path Write(const std::string& name, const std::string& bytes) {
  auto p = Folder() / name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

std::string Read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Bytes that look like a form's lines without being its delimiter, across 200 KB.
std::string Awkward() {
  std::string out;
  for (int i = 0; out.size() < 200'000; ++i) {
    out += "\r\n--b";  // the delimiter is "--bnd": this is not it
    out += static_cast<char>(i % 256);
    out += std::string("\0\r\n\xff", 4);
  }
  return out;
}

TEST(ParseFormDataFile, ReadsFieldsAndWritesEachFileToAFileOfItsOwn) {
  const std::string bytes = Awkward();
  const auto body = Write("body-1",
                          "--bnd\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\nA wall\r\n"
                          "--bnd\r\nContent-Disposition: form-data; name=\"file\"; "
                          "filename=\"wall.pdf\"\r\nContent-Type: application/pdf\r\n\r\n" +
                              bytes + "\r\n--bnd--\r\n");
  std::vector<FormFile> files;
  FormFileLimits limits;
  limits.folder = Folder() / "parts";
  auto fields = ParseFormDataFile("multipart/form-data; boundary=bnd", body, &files, limits);
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ(*fields, (FormFields{{"alt", "A wall"}, {"file", ""}}));
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].index, 1u);
  EXPECT_EQ(files[0].field, "file");
  EXPECT_EQ(files[0].file_name, "wall.pdf");
  EXPECT_EQ(files[0].size, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(files[0].file.path().parent_path(), limits.folder);
  EXPECT_TRUE(Read(files[0].file.path()) == bytes) << "byte for byte";
  const auto kept = files[0].file.path();
  files.clear();
  EXPECT_FALSE(std::filesystem::exists(kept)) << "removed with its FormFile";
  // Without a place for files, their parts are not read.
  auto plain = ParseFormDataFile("multipart/form-data; boundary=bnd", body, nullptr);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(*plain, (FormFields{{"alt", "A wall"}, {"file", ""}}));
}

TEST(ParseFormDataFile, RefusesTooManyPartsALongFieldAndWhatIsNotAForm) {
  std::string many;
  for (int i = 0; i < 30; ++i)
    many += "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n";
  const auto body = Write("body-2", many + "--b--\r\n");
  FormFileLimits limits;
  limits.max_parts = 10;
  EXPECT_FALSE(ParseFormDataFile("multipart/form-data; boundary=b", body, nullptr, limits));
  limits.max_parts = 40;
  auto ok = ParseFormDataFile("multipart/form-data; boundary=b", body, nullptr, limits);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->size(), 30u);
  const auto longer = Write("body-3", "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n" +
                                          std::string(5000, 'x') + "\r\n--b--\r\n");
  limits.max_field = 4096;
  EXPECT_FALSE(ParseFormDataFile("multipart/form-data; boundary=b", longer, nullptr, limits));
  EXPECT_FALSE(ParseFormDataFile("multipart/form-data", body, nullptr));
  EXPECT_FALSE(ParseFormDataFile("multipart/form-data; boundary=b\r\nX: y", body, nullptr));
  EXPECT_FALSE(ParseFormDataFile("multipart/form-data; boundary=b", Folder() / "none", nullptr));
}

TEST(CountInFile, CountsDelimitersThatStraddleTwoReads) {
  std::string bytes(64 * 1024 - 2, 'a');
  bytes += "--xyz" + std::string(100, 'a') + "--xyz";  // the first across the 64 KiB mark
  const auto path = Write("count", bytes);
  EXPECT_EQ(CountInFile(path, "--xyz", 100), 2);
  EXPECT_EQ(CountInFile(Folder() / "none", "--xyz", 100), -1);
}

}  // namespace
}  // namespace cinepress

namespace cinepress {
namespace {

// A body cut short (no close delimiter at its end) is not a form, read from memory or from a
// file: where it stops inside a part's header, GMime read it one way from memory and another from
// a file (fuzz/upload_form_fuzzer.cc found this one).
TEST(ParseFormData, ABodyWithoutItsCloseDelimiterIsRefusedFromMemoryAndFromAFile) {
  const std::string type = "multipart/form-data; boundary=xyz";
  const std::string cut =
      "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\n\r\n\n"
      "--xyz\r\nContent-Disposition: form-data; name=\"filxyz--\r\n";
  const std::string whole =
      "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nA\r\n--xyz--";
  FormFileLimits limits;
  limits.folder = Folder() / "parts";
  std::vector<FormFile> files;
  EXPECT_FALSE(ParseFormData(type, cut).has_value());
  EXPECT_FALSE(ParseFormDataFile(type, Write("cut", cut), &files, limits).has_value());
  EXPECT_FALSE(ParseFormData(type, whole.substr(0, whole.size() - 2)).has_value());
  EXPECT_FALSE(ParseFormData(type, whole + "\r\nan epilogue\r\n").has_value());
  for (const std::string& end : {std::string(), std::string("\r\n"), std::string("\n\n")}) {
    const auto memory = ParseFormData(type, whole + end);
    ASSERT_TRUE(memory.has_value());
    ASSERT_EQ(memory->size(), 1u);
    EXPECT_EQ(memory->front().first, "a");
    // As browsers send it (a line break after the close delimiter), the value is exact.
    if (end == "\r\n") {
      EXPECT_EQ(memory->front().second, "A");
    }
    const auto file = ParseFormDataFile(type, Write("whole", whole + end), &files, limits);
    ASSERT_TRUE(file.has_value());
    EXPECT_EQ(*file, *memory);
  }
  // More line breaks after the close delimiter than a client sends: not a form, either way.
  const std::string trailing = whole + std::string(200, '\n');
  EXPECT_FALSE(ParseFormData(type, trailing).has_value());
  EXPECT_FALSE(ParseFormDataFile(type, Write("long", trailing), &files, limits).has_value());
  EXPECT_TRUE(files.empty());
}

}  // namespace
}  // namespace cinepress
