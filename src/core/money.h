// Money as the magazine shows it: amounts are integers in the currency's minor unit (cents; yen
// for JPY, which has none), the same numbers Stripe charges, formatted by ICU for a language.
// Contract: plain functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cinepress {

// How many minor units a currency's major unit has a power of ten of: 2 for "usd", 0 for "jpy".
// Unknown codes: 2.
int CurrencyDigits(std::string_view currency);

// The amount in the currency's major unit, without a symbol, for CSV: 2500 "usd" → "25.00",
// 500 "jpy" → "500".
std::string MajorUnits(int64_t minor, std::string_view currency);
// "$5.00", "€50.00", "¥500" — `minor` in the currency's minor unit, `currency` ISO 4217 (any case),
// `language` the site's ("en", "fr-CA").
std::string FormatMoney(int64_t minor, std::string_view currency, std::string_view language = "en");

}  // namespace cinepress
