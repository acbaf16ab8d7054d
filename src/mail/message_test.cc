#include "mail/message.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace cinepress {
namespace {

// Decodes "=?UTF-8?B?…?=" words joined by folding whitespace (what a mail reader does).
std::string DecodeWords(const std::string& s) {
  std::string out;
  size_t i = 0;
  while ((i = s.find("=?UTF-8?B?", i)) != std::string::npos) {
    size_t end = s.find("?=", i + 10);
    std::string b64 = s.substr(i + 10, end - i - 10);
    std::string bin(b64.size(), '\0');
    size_t len = 0;
    EXPECT_EQ(
        sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), b64.data(),
                          b64.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL),
        0);
    out += bin.substr(0, len);
    i = end + 2;
  }
  return out;
}

TEST(EncodeHeaderText, AsciiStaysAsItIs) {
  EXPECT_EQ(EncodeHeaderText("TIFF daily: day 3"), "TIFF daily: day 3");
}

TEST(EncodeHeaderText, NonAsciiBecomesEncodedWords) {
  std::string e = EncodeHeaderText("Zoë Ménard");
  EXPECT_EQ(e, "=?UTF-8?B?Wm/DqyBNw6luYXJk?=");
  EXPECT_EQ(DecodeWords(e), "Zoë Ménard");
}

TEST(EncodeHeaderText, LongTextIsSplitAtCharacterBoundariesIntoShortWords) {
  std::string subject;
  for (int i = 0; i < 30; ++i) subject += "東京国際映画祭 ";
  std::string e = EncodeHeaderText(subject);
  size_t start = 0;
  int words = 0;
  while (start < e.size()) {
    size_t end = e.find("\r\n ", start);
    std::string word = e.substr(start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_LE(word.size(), 75u) << word;
    // Each word decodes to whole characters on its own.
    std::string part = DecodeWords(word);
    EXPECT_NE((static_cast<unsigned char>(part[0]) & 0xC0), 0x80u);
    ++words;
    if (end == std::string::npos) break;
    start = end + 3;
  }
  EXPECT_GT(words, 5);
  EXPECT_EQ(DecodeWords(e), subject);
}

TEST(EncodeHeaderText, LineBreaksCannotInjectHeaders) {
  std::string e = EncodeHeaderText("Hello\r\nBcc: victim@example.com");
  EXPECT_EQ(e.find("\r\nBcc"), std::string::npos);
  EXPECT_EQ(DecodeWords(e), "Hello\r\nBcc: victim@example.com");
}

TEST(FormatAddress, QuotesAsciiNamesAndEncodesOthers) {
  EXPECT_EQ(FormatAddress({"", "a@b.example"}), "a@b.example");
  EXPECT_EQ(FormatAddress({"Changeover \"Daily\"", "news@c.example"}),
            "\"Changeover \\\"Daily\\\"\" <news@c.example>");
  EXPECT_EQ(FormatAddress({"Zoë", "z@c.example"}), "=?UTF-8?B?Wm/Dqw==?= <z@c.example>");
}

TEST(MailDate, IsRfc5322InUtc) {
  EXPECT_EQ(MailDate(1633496434), "Wed, 06 Oct 2021 05:00:34 +0000");
}

TEST(HeaderLines, InOrderWithExtraHeadersLast) {
  MailMessage m;
  m.from = {"Changeover", "news@c.example"};
  m.to = {"Zoë", "z@r.example"};
  m.reply_to = {"", "editors@c.example"};
  m.subject = "Día 3";
  m.date = 1633496434;
  m.message_id = "issue-1.2.x@c.example";
  m.headers = {{"List-Unsubscribe", "<https://c.example/u>"}};
  auto lines = HeaderLines(m);
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0], "From: \"Changeover\" <news@c.example>");
  EXPECT_EQ(lines[1], "To: =?UTF-8?B?Wm/Dqw==?= <z@r.example>");
  EXPECT_EQ(lines[2], "Reply-To: editors@c.example");
  EXPECT_EQ(lines[3], "Subject: =?UTF-8?B?RMOtYSAz?=");
  EXPECT_EQ(lines[4], "Date: Wed, 06 Oct 2021 05:00:34 +0000");
  EXPECT_EQ(lines[5], "Message-ID: <issue-1.2.x@c.example>");
  EXPECT_EQ(lines[6], "List-Unsubscribe: <https://c.example/u>");
}

TEST(IsPlausibleEmail, AcceptsAddressesAndRejectsJunk) {
  EXPECT_TRUE(IsPlausibleEmail("reader@example.com"));
  EXPECT_TRUE(IsPlausibleEmail("first.last+films@mail.example.co.uk"));
  for (const char* bad :
       {"", "no-at.example", "@example.com", "a@b", "a@@b.example", "a b@c.example",
        "a@c.example\r\nBcc: x@y.z", "<a@c.example>", "a@.example", "a@example.", "a@ex..ample"}) {
    EXPECT_FALSE(IsPlausibleEmail(bad)) << bad;
  }
}

TEST(DomainOf, AddressesAndUrls) {
  EXPECT_EQ(DomainOf("a@news.example"), "news.example");
  EXPECT_EQ(DomainOf("https://changeover.example:8443/x"), "changeover.example");
}

}  // namespace
}  // namespace cinepress
