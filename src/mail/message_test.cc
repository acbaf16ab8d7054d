#include "mail/message.h"

#include <gmime/gmime.h>
#include <gtest/gtest.h>

#include "core/text.h"

namespace cinepress {
namespace {

// Decodes a header value as RFC 2047 says: unfold, then each encoded word on its own (the
// space between two adjacent encoded words is dropped). GMime decodes each word.
std::string DecodeWords(const std::string& s) {
  g_mime_init();
  std::string out;
  size_t i = 0;
  bool last_was_word = false;
  while (i < s.size()) {
    size_t end = s.find_first_of(" \r\n", i);
    if (end == std::string::npos) end = s.size();
    std::string token = s.substr(i, end - i);
    bool is_word = token.rfind("=?", 0) == 0 && token.size() > 4 &&
                   token.compare(token.size() - 2, 2, "?=") == 0;
    if (!token.empty()) {
      if (!out.empty() && !(is_word && last_was_word)) out += ' ';
      char* d = g_mime_utils_header_decode_text(nullptr, token.c_str());
      out += d ? d : "";
      g_free(d);
      last_was_word = is_word;
    }
    i = end + 1;
  }
  return out;
}

TEST(SerializeMessage, RoundTripsEveryField) {
  MailMessage m;
  m.from = {"Zoë Ménard", "news@longtake.example"};
  m.to = {"", "reader@r.example"};
  m.reply_to = {"Desk", "desk@longtake.example"};
  m.subject = "Confirm: «The Weekly»";
  m.date = 1750000000;
  m.message_id = "confirm.12.ab@longtake.example";
  m.headers = {{"List-Unsubscribe", "<https://longtake.example/u/>"}, {"X-A", "b"}};
  m.text = "Line one\nline \"two\"";
  m.html = "<p>Hello</p>";
  m.attachments = {{"x.ics", "text/calendar; charset=utf-8", std::string("BEGIN\0\xff\r\n", 8)}};
  auto back = ParseMessage(SerializeMessage(m));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->from.name, m.from.name);
  EXPECT_EQ(back->to.email, m.to.email);
  EXPECT_EQ(back->reply_to.email, m.reply_to.email);
  EXPECT_EQ(back->subject, m.subject);
  EXPECT_EQ(back->date, m.date);
  EXPECT_EQ(back->message_id, m.message_id);
  EXPECT_EQ(back->headers, m.headers);
  EXPECT_EQ(back->text, m.text);
  EXPECT_EQ(back->html, m.html);
  EXPECT_EQ(back->attachments, m.attachments);
  // A message queued before attachments existed has none.
  m.attachments.clear();
  std::string old = SerializeMessage(m);
  ASSERT_EQ(old.find("attachments"), std::string::npos);
  EXPECT_TRUE(ParseMessage(old)->attachments.empty());
  for (const char* bad : {"", "{}", "[1,2]", "{\"from\": 3}", "not json"}) {
    EXPECT_FALSE(ParseMessage(bad).has_value()) << bad;
  }
}

TEST(EncodeHeaderText, AsciiStaysAsItIs) {
  EXPECT_EQ(EncodeHeaderText("TIFF daily: day 3"), "TIFF daily: day 3");
}

TEST(EncodeHeaderText, NonAsciiBecomesEncodedWords) {
  std::string e = EncodeHeaderText("Zoë Ménard");
  EXPECT_EQ(e, "=?UTF-8?b?Wm/DqyBNw6luYXJk?=");
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
    EXPECT_EQ(word.rfind("=?UTF-8?", 0), 0u) << word;
    ++words;
    if (end == std::string::npos) break;
    start = end + 3;
  }
  EXPECT_GT(words, 5);
  EXPECT_EQ(DecodeWords(e), std::string(Trim(subject)));  // the trailing space is not kept
}

TEST(EncodeHeaderText, LineBreaksCannotInjectHeaders) {
  std::string e = EncodeHeaderText("Hello\r\nBcc: victim@example.com");
  EXPECT_EQ(e.find("\r\nBcc"), std::string::npos);
  for (size_t i = e.find("\r\n"); i != std::string::npos; i = e.find("\r\n", i + 1)) {
    EXPECT_EQ(e[i + 2], ' ');  // only folding
  }
}

TEST(FormatAddress, QuotesAsciiNamesAndEncodesOthers) {
  EXPECT_EQ(FormatAddress({"", "a@b.example"}), "a@b.example");
  EXPECT_EQ(FormatAddress({"Changeover", "news@c.example"}), "Changeover <news@c.example>");
  EXPECT_EQ(FormatAddress({"Ruiz, Ana", "a@c.example"}), "\"Ruiz, Ana\" <a@c.example>");
  EXPECT_EQ(FormatAddress({"Zoë", "z@c.example"}), "=?UTF-8?b?Wm/Dqw==?= <z@c.example>");
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
  EXPECT_EQ(lines[0], "From: Changeover <news@c.example>");
  EXPECT_EQ(lines[1], "To: =?UTF-8?b?Wm/Dqw==?= <z@r.example>");
  EXPECT_EQ(lines[2], "Reply-To: editors@c.example");
  EXPECT_EQ(DecodeWords(lines[3].substr(9)), "Día 3");
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
