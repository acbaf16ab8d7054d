#include "core/signed_link.h"

#include <gtest/gtest.h>

#include <string>

namespace cinepress {
namespace {

const std::string kKey(32, 'k');

TEST(SignedLink, ReadsBackWhatItSigned) {
  const std::string token = SignLink(kKey, 42, 1000, "notes.pdf");
  auto link = ReadSignedLink(kKey, token, "notes.pdf");
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->id, 42);
  EXPECT_EQ(link->expires, 1000);
}

TEST(SignedLink, RefusesATamperedToken) {
  const std::string token = SignLink(kKey, 42, 1000);
  std::string other_id = token;
  other_id[0] = '3';  // "32.1000.mac"
  EXPECT_FALSE(ReadSignedLink(kKey, other_id).has_value());
  std::string later = "42.9999" + token.substr(token.rfind('.'));
  EXPECT_FALSE(ReadSignedLink(kKey, later).has_value());
  std::string bad_mac = token;
  bad_mac.back() = bad_mac.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(ReadSignedLink(kKey, bad_mac).has_value());
  EXPECT_FALSE(ReadSignedLink(kKey, "").has_value());
  EXPECT_FALSE(ReadSignedLink(kKey, "42.1000").has_value());
}

TEST(SignedLink, ATokenForOneFileDoesNotOpenAnother) {
  const std::string token = SignLink(kKey, 7, 1000, "notes.pdf");
  EXPECT_FALSE(ReadSignedLink(kKey, token, "recording.mp4").has_value());
  EXPECT_FALSE(ReadSignedLink(kKey, token).has_value());
  EXPECT_FALSE(ReadSignedLink(kKey, SignLink(kKey, 7, 1000), "notes.pdf").has_value());
}

TEST(SignedLink, AnotherKeyOrAShortKeyVerifiesNothing) {
  const std::string token = SignLink(kKey, 7, 1000);
  EXPECT_FALSE(ReadSignedLink(std::string(32, 'x'), token).has_value());
  EXPECT_FALSE(ReadSignedLink("short", token).has_value());
}

}  // namespace
}  // namespace cinepress
