#include "payments/stripe_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "http/http_server.h"

namespace cinepress {
namespace {

TEST(StripeFormEncode, NestsAsStripeWrites) {
  nlohmann::json p = {{"mode", "subscription"},
                      {"line_items", {{{"price", "price_1"}, {"quantity", 1}}}},
                      {"metadata", {{"tier", "patron"}, {"note", "a&b=c d"}}},
                      {"expand", {"subscription", "customer"}},
                      {"allow_promotion_codes", true},
                      {"customer", nullptr}};
  EXPECT_EQ(StripeFormEncode(p),
            "allow_promotion_codes=true&expand%5B0%5D=subscription&expand%5B1%5D=customer&"
            "line_items%5B0%5D%5Bprice%5D=price_1&line_items%5B0%5D%5Bquantity%5D=1&metadata"
            "%5Bnote%5D=a%26b%3Dc%20d&metadata%5Btier%5D=patron&mode=subscription");
  EXPECT_EQ(StripeFormEncode(nlohmann::json::object()), "");
}

TEST(StripeRecorder, AnswersInOrderAndKeepsRequests) {
  StripeRecorder stripe;
  stripe.Answer("POST", "/v1/customers", {{"id", "cus_1"}});
  stripe.Answer("POST", "/v1/customers", {{"id", "cus_2"}});
  StripeRequest r{"POST", "/v1/customers", {{"email", "a@example.org"}}, "key-1"};
  EXPECT_EQ((*stripe.Call(r))["id"], "cus_1");
  r.idempotency_key.clear();
  EXPECT_EQ((*stripe.Call(r))["id"], "cus_2");
  EXPECT_EQ((*stripe.Call(r))["id"], "cus_2");  // the last answer stays
  auto missing = stripe.Call({"GET", "/v1/prices", {}, ""});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto requests = stripe.Requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].idempotency_key, "key-1");
  EXPECT_EQ(requests[1].idempotency_key.size(), 32u);  // made for a POST without one
  EXPECT_NE(requests[1].idempotency_key, requests[2].idempotency_key);
  EXPECT_EQ(requests[3].idempotency_key, "");  // GETs carry none
}

// A Stripe stand-in on loopback: what the client sends over the wire, and how it reads Stripe's
// errors and retries.
class FakeStripe {
 public:
  FakeStripe() {
    ServerOptions o;
    o.listen = {"127.0.0.1:0"};
    o.pin_threads = false;
    o.batch_scheduling = false;
    server_ = std::move(*HttpServer::Start(
        o, [this](const HttpRequest& r) { return Handle(r); }, nullptr));
  }
  ~FakeStripe() { server_->Shutdown(std::chrono::milliseconds(100)); }
  std::string base() const { return "http://" + server_->endpoints()[0]; }

  std::mutex mu;
  std::vector<HttpRequest> seen;
  std::atomic<int> fail_first{0};  // answer 503 to this many requests first

 private:
  HttpResponse Handle(const HttpRequest& r) {
    {
      std::lock_guard lock(mu);
      seen.push_back(r);
    }
    HttpResponse res;
    res.Set("Content-Type", "application/json");
    std::string body;
    if (fail_first > 0) {
      --fail_first;
      res.status = 503;
      body = R"({"error":{"message":"Try again"}})";
    } else if (r.Path() == "/v1/customers/cus_missing") {
      res.status = 404;
      body =
          R"({"error":{"type":"invalid_request_error","message":"No such customer: 'cus_missing'","param":"id"}})";
    } else if (r.Path() == "/v1/checkout/sessions" &&
               r.body.find("line_items") == std::string::npos) {
      res.status = 400;
      body =
          R"({"error":{"type":"invalid_request_error","message":"Missing required param: line_items.","param":"line_items"}})";
    } else {
      body =
          R"({"id":"cs_test_1","object":"checkout.session","url":"https://checkout.example/cs_test_1"})";
    }
    res.body = std::make_shared<const std::string>(body);
    return res;
  }
  std::unique_ptr<HttpServer> server_;
};

TEST(StripeClient, SendsTheKeyTheFormAndAnIdempotencyKey) {
  FakeStripe fake;
  auto client = OpenStripeClient({fake.base(), "sk_test_123", 5, 3});
  ASSERT_TRUE(client.ok()) << client.error().ToString();
  auto session = (*client)->Call(
      {"POST",
       "/v1/checkout/sessions",
       {{"mode", "subscription"}, {"line_items", {{{"price", "price_1"}, {"quantity", 1}}}}},
       "checkout-7"});
  ASSERT_TRUE(session.ok()) << session.error().ToString();
  EXPECT_EQ((*session)["url"], "https://checkout.example/cs_test_1");
  auto got = (*client)->Call({"GET", "/v1/prices", {{"lookup_keys", {"a b"}}}, ""});
  ASSERT_TRUE(got.ok());
  std::lock_guard lock(fake.mu);
  ASSERT_EQ(fake.seen.size(), 2u);
  const HttpRequest& post = fake.seen[0];
  EXPECT_EQ(post.Header("authorization"), "Bearer sk_test_123");
  EXPECT_EQ(post.Header("idempotency-key"), "checkout-7");
  EXPECT_EQ(post.Header("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(post.body,
            "line_items%5B0%5D%5Bprice%5D=price_1&line_items%5B0%5D%5Bquantity%5D=1&mode="
            "subscription");
  EXPECT_EQ(fake.seen[1].target, "/v1/prices?lookup_keys%5B0%5D=a%20b");
  EXPECT_EQ(fake.seen[1].Header("idempotency-key"), "");
}

TEST(StripeClient, ErrorsCarryStripesMessage) {
  FakeStripe fake;
  auto client = OpenStripeClient({fake.base(), "sk_test_123", 5, 3});
  ASSERT_TRUE(client.ok());
  auto missing = (*client)->Call({"GET", "/v1/customers/cus_missing", {}, ""});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "Stripe: No such customer: 'cus_missing'");
  auto bad = (*client)->Call({"POST", "/v1/checkout/sessions", {{"mode", "payment"}}, ""});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(bad.error().field, "line_items");
  EXPECT_FALSE(OpenStripeClient({fake.base(), "", 5, 3}).ok());
  EXPECT_FALSE(OpenStripeClient({"ftp://x", "sk", 5, 3}).ok());
}

TEST(StripeClient, RetriesWithTheSameIdempotencyKey) {
  FakeStripe fake;
  fake.fail_first = 2;
  auto client = OpenStripeClient({fake.base(), "sk_test_123", 5, 3});
  ASSERT_TRUE(client.ok());
  auto session = (*client)->Call(
      {"POST", "/v1/checkout/sessions", {{"line_items", {{{"price", "p"}, {"quantity", 1}}}}}, ""});
  ASSERT_TRUE(session.ok()) << session.error().ToString();
  std::lock_guard lock(fake.mu);
  ASSERT_EQ(fake.seen.size(), 3u);
  const std::string key(fake.seen[0].Header("idempotency-key"));
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(fake.seen[1].Header("idempotency-key"), key);
  EXPECT_EQ(fake.seen[2].Header("idempotency-key"), key);
}

}  // namespace
}  // namespace cinepress
