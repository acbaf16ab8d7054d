#include "staff/totp.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

// RFC 6238 appendix B: the SHA-1 secret "12345678901234567890" (its codes' last six digits).
const std::string kRfcSecret = "12345678901234567890";

TEST(Totp, CodesAreRfc6238s) {
  EXPECT_EQ(TotpCode(kRfcSecret, 59), "287082");
  EXPECT_EQ(TotpCode(kRfcSecret, 1111111109), "081804");
  EXPECT_EQ(TotpCode(kRfcSecret, 1234567890), "005924");
  EXPECT_EQ(TotpCode(kRfcSecret, 2000000000), "279037");
}

TEST(Totp, ACodeMatchesItsStepAndTheNeighboursOnceEach) {
  const int64_t now = 1234567890;
  const int64_t step = now / kTotpStep;
  EXPECT_EQ(MatchTotp(kRfcSecret, "005924", now, 0), step);
  EXPECT_FALSE(MatchTotp(kRfcSecret, "005924", now, step)) << "a code is used once";
  // The previous step's code still counts (a clock a little behind), two steps back does not.
  EXPECT_EQ(MatchTotp(kRfcSecret, TotpCode(kRfcSecret, now - 30), now, 0), step - 1);
  EXPECT_FALSE(MatchTotp(kRfcSecret, TotpCode(kRfcSecret, now - 90), now, 0));
  EXPECT_FALSE(MatchTotp(kRfcSecret, "12345", now, 0));
  EXPECT_FALSE(MatchTotp(kRfcSecret, "00592x", now, 0));
  EXPECT_FALSE(MatchTotp("", "005924", now, 0));
}

TEST(Totp, TheSecretIsGivenAsBase32AndAnOtpauthUri) {
  EXPECT_EQ(TotpSecretText(kRfcSecret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(TotpUri("Film Mag", "ed@mag.example", kRfcSecret),
            "otpauth://totp/Film%20Mag%3Aed%40mag.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=Film%20Mag&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(NewTotpSecret().size(), 20u);
  EXPECT_NE(NewTotpSecret(), NewTotpSecret());
}

}  // namespace
}  // namespace cinepress
