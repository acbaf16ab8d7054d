#include "http/message.h"

#include <gtest/gtest.h>

namespace cinepress {

TEST(HttpRequestCookie, FindsANamedCookieInEveryCookieHeader) {
  HttpRequest req;
  req.headers = {{"cookie", "theme=dark; cp_session=abc123;  cp_csrf=\"q9\""},
                 {"cookie", "late=1; cp_session=second"}};
  EXPECT_EQ(req.Cookie("cp_session"), "abc123");  // the first one wins
  EXPECT_EQ(req.Cookie("cp_csrf"), "q9");
  EXPECT_EQ(req.Cookie("late"), "1");
  EXPECT_EQ(req.Cookie("session"), "");  // no partial names
  EXPECT_EQ(req.Cookie("theme=dark"), "");
  HttpRequest none;
  EXPECT_EQ(none.Cookie("cp_session"), "");
  HttpRequest odd;
  odd.headers = {{"cookie", ";;=x; novalue; cp_session="}};
  EXPECT_EQ(odd.Cookie("cp_session"), "");
  EXPECT_EQ(odd.Cookie("novalue"), "");
}

}  // namespace cinepress
