#include "payments/stripe_client.h"

#include <curl/curl.h>
#include <sodium.h>

#include <cctype>
#include <chrono>
#include <mutex>
#include <thread>

namespace cinepress {
namespace {

std::string Escape(std::string_view s) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void EncodeInto(const std::string& key, const nlohmann::json& value, std::string& out) {
  if (value.is_object()) {
    for (const auto& item : value.items()) {
      EncodeInto(key.empty() ? item.key() : key + "[" + item.key() + "]", item.value(), out);
    }
    return;
  }
  if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      EncodeInto(key + "[" + std::to_string(i) + "]", value[i], out);
    }
    return;
  }
  if (value.is_null()) return;
  if (!out.empty()) out += '&';
  out += Escape(key);
  out += '=';
  out += Escape(value.is_string() ? value.get<std::string>() : value.dump());
}

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Stripe's error object as our Error: its message, the parameter it names.
Error StripeError(long status, const std::string& body) {
  ErrorCode code = status == 400 || status == 402 ? ErrorCode::kInvalidInput
                   : status == 404                ? ErrorCode::kNotFound
                   : status == 409                ? ErrorCode::kConflict
                                                  : ErrorCode::kInternal;
  std::string message = "HTTP " + std::to_string(status);
  std::string param;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const auto& e = j["error"];
    if (e.contains("message") && e["message"].is_string()) message = e["message"];
    if (e.contains("param") && e["param"].is_string()) param = e["param"];
  }
  Error error = MakeError(code, "Stripe: " + message);
  error.field = param;
  return error;
}

class CurlStripeClient final : public StripeClient {
 public:
  explicit CurlStripeClient(StripeClientOptions options) : options_(std::move(options)) {}
  ~CurlStripeClient() override {
    if (curl_) curl_easy_cleanup(curl_);
  }

  Result<nlohmann::json> Call(const StripeRequest& request) override {
    const std::string key = request.method == "POST" && request.idempotency_key.empty()
                                ? NewIdempotencyKey()
                                : request.idempotency_key;
    Result<nlohmann::json> last = MakeError(ErrorCode::kInternal, "Stripe: not tried");
    for (int attempt = 1; attempt <= options_.tries; ++attempt) {
      bool again = false;
      last = Once(request, key, again);
      if (!again) break;
      // A short pause before trying again with the same key: Stripe answers a repeated key
      // with the first answer, so a retry can never charge twice.
      std::this_thread::sleep_for(std::chrono::milliseconds(250 * attempt));
    }
    return last;
  }

 private:
  Result<nlohmann::json> Once(const StripeRequest& request, const std::string& key, bool& again) {
    if (!curl_) curl_ = curl_easy_init();
    if (!curl_) return MakeError(ErrorCode::kInternal, "Stripe: libcurl did not start");
    curl_easy_reset(curl_);
    const std::string form = StripeFormEncode(request.params);
    std::string url = options_.api_base + request.path;
    if (request.method != "POST" && !form.empty()) url += "?" + form;
    std::string body;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, ("Authorization: Bearer " + options_.secret_key).c_str());
    if (!key.empty()) headers = curl_slist_append(headers, ("Idempotency-Key: " + key).c_str());
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "POST") {
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, form.c_str());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(form.size()));
    }
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout_s));
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, "cinepress");
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, AppendBody);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body);
    CURLcode rc = curl_easy_perform(curl_);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
      again = true;
      return MakeError(ErrorCode::kInternal,
                       std::string("Stripe: ") + curl_easy_strerror(rc) + " (" + url + ")");
    }
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) {
      again = status == 429 || status >= 500;
      return StripeError(status, body);
    }
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return MakeError(ErrorCode::kInternal, "Stripe: the answer is not a JSON object");
    }
    return j;
  }

  StripeClientOptions options_;
  CURL* curl_ = nullptr;
};

std::string ScriptKey(const std::string& method, const std::string& path) {
  return method + " " + path;
}

}  // namespace

Result<std::unique_ptr<StripeClient>> OpenStripeClient(const StripeClientOptions& options) {
  if (options.secret_key.empty()) {
    return MakeError(ErrorCode::kInvalidInput, "STRIPE_SECRET_KEY is not set");
  }
  if (options.api_base.rfind("https://", 0) != 0 && options.api_base.rfind("http://", 0) != 0) {
    return MakeError(ErrorCode::kInvalidInput, "payments.api_base must be an http(s) URL");
  }
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::unique_ptr<StripeClient>(std::make_unique<CurlStripeClient>(options));
}

std::string StripeFormEncode(const nlohmann::json& params) {
  std::string out;
  if (params.is_object()) EncodeInto("", params, out);
  return out;
}

std::string NewIdempotencyKey() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

void StripeRecorder::Answer(const std::string& method, const std::string& path,
                            nlohmann::json answer) {
  std::lock_guard lock(mu_);
  answers_[ScriptKey(method, path)].push_back(std::move(answer));
}

void StripeRecorder::Fail(const std::string& method, const std::string& path, Error error) {
  std::lock_guard lock(mu_);
  answers_[ScriptKey(method, path)].push_back(std::move(error));
}

std::vector<StripeRequest> StripeRecorder::Requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

Result<nlohmann::json> StripeRecorder::Call(const StripeRequest& request) {
  std::lock_guard lock(mu_);
  StripeRequest kept = request;
  if (kept.method == "POST" && kept.idempotency_key.empty()) {
    kept.idempotency_key = NewIdempotencyKey();
  }
  requests_.push_back(kept);
  auto it = answers_.find(ScriptKey(request.method, request.path));
  if (it == answers_.end() || it->second.empty()) {
    return MakeError(ErrorCode::kNotFound, "Stripe: Unrecognized request URL (" + request.method +
                                               ": " + request.path + ")");
  }
  Result<nlohmann::json> answer = it->second.front();
  if (it->second.size() > 1) it->second.pop_front();
  return answer;
}

}  // namespace cinepress
