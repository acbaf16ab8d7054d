#include "web/access_log.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

TEST(AccessLog, SignedLinkTokensAreNotWritten) {
  HttpRequest req;
  req.method = "POST";
  req.target = "/newsletters/weekly/unsubscribe/42-SecretMac_x/";
  req.remote_address = "203.0.113.7";
  req.headers = {{"referer", "https://c.example/newsletters/preferences/42-OtherMac/"}};
  std::string line = AccessLog::Line(req, TextResponse(200, "ok\n"), 3, 0);
  EXPECT_EQ(line.find("SecretMac"), std::string::npos) << line;
  EXPECT_EQ(line.find("OtherMac"), std::string::npos) << line;
  EXPECT_NE(line.find("\"POST /newsletters/weekly/unsubscribe/REDACTED/ HTTP/1.1\" 200"),
            std::string::npos)
      << line;
}

}  // namespace
}  // namespace cinepress
