// Stripe's webhook signatures: the `Stripe-Signature` header is `t=TIMESTAMP,v1=HEX[,v1=HEX…]`
// (other schemes, such as v0, are ignored), each v1 the HMAC-SHA256 of "TIMESTAMP.PAYLOAD" with
// the endpoint's secret (`whsec_…`, the whole string is the key) — exactly as Stripe specifies.
// Contract: plain functions, thread-safe; comparisons are constant-time (libsodium).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cinepress {

// Stripe's own libraries refuse a signature older than five minutes (a replay).
inline constexpr int64_t kStripeSignatureTolerance = 300;

// Refusals are kInvalidInput with a stable reason in Error::field: "header" (no t= or no v1=,
// or not numbers and hex), "stale" (t more than `tolerance` seconds from now, either way),
// "mismatch" (no v1 is the payload's).
Status VerifyStripeSignature(std::string_view header, std::string_view payload,
                             std::string_view secret, int64_t now,
                             int64_t tolerance = kStripeSignatureTolerance);

// The header Stripe would send for `payload` at `timestamp` (tests, and the local test double).
std::string StripeSignatureHeader(std::string_view payload, std::string_view secret,
                                  int64_t timestamp);

}  // namespace cinepress
