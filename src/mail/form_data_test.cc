#include "mail/form_data.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace cinepress
