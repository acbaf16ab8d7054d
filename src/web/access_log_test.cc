#include "web/access_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/text.h"

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

TEST(AccessLog, HealthyHealthChecksAreNotWrittenFailingOnesAre) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("cinepress-access-log-" + std::to_string(::getpid()) + ".log");
  {
    auto log = AccessLog::Open(path.string());
    ASSERT_TRUE(log.ok()) << log.error().ToString();
    HttpRequest req;
    req.method = "GET";
    req.target = "/healthz";
    req.remote_address = "10.0.0.2";
    HttpResponse ok = TextResponse(200, "ok\n"), down = TextResponse(503, "unavailable\n");
    ok.label = down.label = "health";
    (*log)->Write(req, ok, 3);
    (*log)->Write(req, down, 12);
    req.target = "/";
    (*log)->Write(req, TextResponse(200, "home\n"), 5);
  }
  auto text = ReadFile(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->find("/healthz HTTP/1.1\" 200"), std::string::npos) << *text;
  EXPECT_NE(text->find("/healthz HTTP/1.1\" 503"), std::string::npos) << *text;
  EXPECT_NE(text->find("\"GET / HTTP/1.1\" 200"), std::string::npos) << *text;
}

}  // namespace
}  // namespace cinepress
