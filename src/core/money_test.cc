#include "core/money.h"

#include <gtest/gtest.h>

namespace cinepress {

TEST(Money, MinorUnitsPerCurrency) {
  EXPECT_EQ(CurrencyDigits("usd"), 2);
  EXPECT_EQ(CurrencyDigits("EUR"), 2);
  EXPECT_EQ(CurrencyDigits("jpy"), 0);
  EXPECT_EQ(CurrencyDigits("krw"), 0);
}

TEST(Money, MajorUnitsForCsvHaveTheCurrencysDecimals) {
  EXPECT_EQ(MajorUnits(2500, "usd"), "25.00");
  EXPECT_EQ(MajorUnits(5, "EUR"), "0.05");
  EXPECT_EQ(MajorUnits(500, "jpy"), "500");
  EXPECT_EQ(MajorUnits(-150, "usd"), "-1.50");
}

TEST(Money, FormatsAsPeopleReadIt) {
  EXPECT_EQ(FormatMoney(500, "usd"), "$5.00");
  EXPECT_EQ(FormatMoney(123456, "usd"), "$1,234.56");
  EXPECT_EQ(FormatMoney(500, "jpy"), "¥500");
  EXPECT_EQ(FormatMoney(5000, "eur", "en"), "€50.00");
  // French writes the sign after the number, with a narrow space.
  std::string fr = FormatMoney(5000, "eur", "fr");
  EXPECT_NE(fr.find("50,00"), std::string::npos) << fr;
  EXPECT_NE(fr.find("€"), std::string::npos) << fr;
}

}  // namespace cinepress
