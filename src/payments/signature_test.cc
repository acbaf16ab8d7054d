#include "payments/signature.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

constexpr const char* kSecret = "whsec_test_secret";
constexpr const char* kPayload = R"({"id":"evt_1","type":"invoice.paid"})";
constexpr int64_t kNow = 1800000000;

TEST(StripeSignature, AcceptsWhatStripeSigns) {
  // HMAC-SHA256("whsec_test_secret", "1800000000.PAYLOAD"), computed independently with
  // Python's hmac module.
  const std::string header = StripeSignatureHeader(kPayload, kSecret, kNow);
  EXPECT_EQ(header,
            "t=1800000000,v1=f19b688b6c808f2a3c035f501cb82562fd2eb237fd8c2e2df4503a54f42345fb");
  EXPECT_TRUE(VerifyStripeSignature(header, kPayload, kSecret, kNow).ok());
  EXPECT_TRUE(VerifyStripeSignature(header, kPayload, kSecret, kNow + 299).ok());
}

TEST(StripeSignature, TriesEveryV1AndIgnoresOtherSchemes) {
  const std::string good = StripeSignatureHeader(kPayload, kSecret, kNow);
  const std::string v1 = good.substr(good.find("v1="));
  const std::string other = "v1=" + std::string(64, '0');
  EXPECT_TRUE(
      VerifyStripeSignature("t=1800000000," + other + ",v0=abc," + v1, kPayload, kSecret, kNow)
          .ok());
  // A rolled secret: Stripe signs with the old and the new one for a while.
  const std::string old_secret = StripeSignatureHeader(kPayload, "whsec_old", kNow);
  EXPECT_TRUE(VerifyStripeSignature(old_secret + "," + v1, kPayload, kSecret, kNow).ok());
}

TEST(StripeSignature, RefusesTamperingWithAReason) {
  const std::string header = StripeSignatureHeader(kPayload, kSecret, kNow);
  auto reason = [&](std::string_view h, std::string_view payload, int64_t now) {
    Status s = VerifyStripeSignature(h, payload, kSecret, now);
    return s.ok() ? std::string("ok") : s.error().field;
  };
  EXPECT_EQ(reason(header, R"({"id":"evt_1","type":"invoice.paid "})", kNow), "mismatch");
  EXPECT_EQ(reason(StripeSignatureHeader(kPayload, "whsec_other", kNow), kPayload, kNow),
            "mismatch");
  EXPECT_EQ(reason(header, kPayload, kNow + 301), "stale");
  EXPECT_EQ(reason(header, kPayload, kNow - 301), "stale");
  // The timestamp is signed: moving it breaks the signature.
  std::string moved = header;
  moved.replace(2, 10, "1800000100");
  EXPECT_EQ(reason(moved, kPayload, kNow), "mismatch");
  EXPECT_EQ(reason("", kPayload, kNow), "header");
  EXPECT_EQ(reason(header.substr(0, header.find(',')), kPayload, kNow), "header");
  EXPECT_EQ(reason(header.substr(header.find(',') + 1), kPayload, kNow), "header");
  EXPECT_EQ(reason("t=abc," + header.substr(header.find(',') + 1), kPayload, kNow), "header");
  EXPECT_EQ(reason("t=1800000000,v1=zz", kPayload, kNow), "header");
}

}  // namespace
}  // namespace cinepress
