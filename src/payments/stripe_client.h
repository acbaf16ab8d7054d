// StripeClient: one call to Stripe's REST API (the role; OpenStripeClient makes the one over
// libcurl, StripeRecorder is the in-memory twin for tests). Requests are form-encoded with
// Stripe's nested keys (`line_items[0][price]=…`, `metadata[tier]=…`); answers are JSON.
//
//   idempotency key  every POST carries one (Stripe keeps the first answer for 24 h and replays it
//                    to a retry with the same key): the caller's, or a random one made per call
//                    and reused by the client's own retries of that call
//
// Contract: an instance is used by one thread at a time. Call never throws: Stripe's refusals
// become Errors carrying Stripe's own message (and the parameter it names in `field`): 400/402
// kInvalidInput, 404 kNotFound, 409 kConflict, anything else (401, 429 and 5xx after the
// retries, no connection) kInternal.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"

namespace cinepress {

struct StripeRequest {
  std::string method = "GET";  // "GET", "POST", "DELETE"
  std::string path;            // "/v1/checkout/sessions"
  // Form parameters (POST) or the query (GET): objects and arrays nest as Stripe writes them.
  nlohmann::json params = nlohmann::json::object();
  std::string idempotency_key;  // POST: "" makes a random one
};

class StripeClient {
 public:
  virtual ~StripeClient() = default;
  virtual Result<nlohmann::json> Call(const StripeRequest& request) = 0;
};

struct StripeClientOptions {
  std::string api_base = "https://api.stripe.com";  // without a trailing slash
  std::string secret_key;                           // STRIPE_SECRET_KEY
  int timeout_s = 30;                               // per try
  int tries = 3;  // a call that found no connection, 429 or 5xx is tried again, same key
};

// Checks the options (a key, an http(s) base); connects on the first Call.
Result<std::unique_ptr<StripeClient>> OpenStripeClient(const StripeClientOptions& options);

// `{"a": {"b": [1, 2]}, "c": "x"}` → "a[b][0]=1&a[b][1]=2&c=x": keys in sorted order
// (nlohmann::json keeps them so), percent-encoded; true/false as Stripe spells them; null
// leaves the key out.
std::string StripeFormEncode(const nlohmann::json& params);

// A random idempotency key (32 hex digits).
std::string NewIdempotencyKey();

// The twin: answers calls with scripted objects and keeps every request for tests to read.
// A call with no script for its "METHOD path" answers kNotFound in Stripe's words. Thread-safe.
class StripeRecorder final : public StripeClient {
 public:
  // The next call to `method path` answers `answer` (queued; the last one stays for later calls).
  void Answer(const std::string& method, const std::string& path, nlohmann::json answer);
  void Fail(const std::string& method, const std::string& path, Error error);
  std::vector<StripeRequest> Requests() const;

  Result<nlohmann::json> Call(const StripeRequest& request) override;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::deque<Result<nlohmann::json>>> answers_;
  std::vector<StripeRequest> requests_;
};

}  // namespace cinepress
