#include "core/money.h"

#include <unicode/numberformatter.h>
#include <unicode/ucurr.h>

#include <cctype>
#include <cmath>

namespace cinepress {
namespace {

icu::UnicodeString CurrencyCode(std::string_view currency) {
  std::string upper(currency.substr(0, 3));
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return icu::UnicodeString::fromUTF8(upper);
}

}  // namespace

int CurrencyDigits(std::string_view currency) {
  if (currency.size() != 3) return 2;
  icu::UnicodeString code = CurrencyCode(currency);
  UErrorCode status = U_ZERO_ERROR;
  int32_t digits = ucurr_getDefaultFractionDigits(code.getTerminatedBuffer(), &status);
  return U_SUCCESS(status) ? digits : 2;
}

std::string FormatMoney(int64_t minor, std::string_view currency, std::string_view language) {
  const int digits = CurrencyDigits(currency);
  const double major = static_cast<double>(minor) / std::pow(10.0, digits);
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString code = CurrencyCode(currency);
  icu::CurrencyUnit unit(code.getTerminatedBuffer(), status);
  std::string out;
  if (U_SUCCESS(status)) {
    icu::Locale locale(std::string(language).c_str());
    auto formatted =
        icu::number::NumberFormatter::withLocale(locale).unit(unit).formatDouble(major, status);
    if (U_SUCCESS(status)) {
      formatted.toString(status).toUTF8String(out);
      if (U_SUCCESS(status)) return out;
    }
  }
  // An unknown currency: the number and the code.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f %s", digits, major, std::string(currency).c_str());
  return buf;
}

std::string MajorUnits(int64_t minor, std::string_view currency) {
  const int digits = CurrencyDigits(currency);
  if (digits == 0) return std::to_string(minor);
  int64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  const bool negative = minor < 0;
  if (negative) minor = -minor;
  std::string fraction = std::to_string(minor % scale);
  fraction.insert(0, static_cast<size_t>(digits) - fraction.size(), '0');
  return (negative ? "-" : "") + std::to_string(minor / scale) + "." + fraction;
}

}  // namespace cinepress
