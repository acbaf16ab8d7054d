// The newsroom's integrations page through the router: admins only (others 403, no link); an
// integration made shows its keys on the answer and never again, and works with the APIs' key
// check; revoked only after its confirmation page; webhooks added and removed in cinepress.toml
// with the rest of the file kept, a bad URL or event refused naming the field, a removal from a
// page older than the file refused. (CSRF: every form carries the token; the router's check is
// exercised end to end in tests/e2e/api_hooks_test.py.)
#include <gtest/gtest.h>

#include "core/text.h"
#include "core/tokens.h"
#include "staff/integrations.h"
#include "web/admin_web_test_fixture.h"

namespace cinepress {
namespace {

constexpr const char* kToml = R"(# The Long Take's settings; this comment stays.
title = "The Long Take"
base_url = "https://lt.example"

[contact]
forward_to = "desk@lt.example"  # the desk
)";

class AdminIntegrationsTest : public AdminWebFixture {
 protected:
  void SetUp() override {
    AdminWebFixture::SetUp();
    config_ = dir_ / "cinepress.toml";
    ASSERT_TRUE(WriteFile(config_, kToml).ok());
    AdminWebOptions o = options_;
    o.config_file = config_;
    Restart(o);
    admin_ = SignedIn("admin@lt.example", StaffRole::kAdmin);
    ASSERT_TRUE(staff_->VerifySession(HashSecret(admin_)).ok());
  }
  std::string Config() { return ReadFile(config_).value(); }
  static std::string Between(const std::string& text, const std::string& from,
                             const std::string& to) {
    const size_t a = text.find(from);
    if (a == std::string::npos) return "";
    const size_t b = text.find(to, a + from.size());
    return text.substr(a + from.size(), b - a - from.size());
  }

  std::filesystem::path config_;
  std::string admin_;
};

TEST_F(AdminIntegrationsTest, OnlyAdminsMayOpenOrUseThePage) {
  ASSERT_TRUE(AddIntegration(*staff_, "desk", StaffRole::kEditor, kNow).ok());
  for (StaffRole role : {StaffRole::kContributor, StaffRole::kAuthor, StaffRole::kEditor}) {
    const std::string session = SignedIn(std::string(StaffRoleName(role)) + "@lt.example", role);
    EXPECT_EQ(Call("GET", "/admin/integrations/", session).status, 403);
    EXPECT_EQ(Call("POST", "/admin/integrations/add/", session, "name=mine&role=editor").status,
              403);
    EXPECT_EQ(Call("GET", "/admin/integrations/revoke/?name=desk", session).status, 403);
    EXPECT_EQ(Call("POST", "/admin/integrations/revoke/", session, "name=desk").status, 403);
    EXPECT_EQ(Call("POST", "/admin/integrations/webhooks/add/", session,
                   "event=article.published&url=https%3A%2F%2Fhooks.example%2F")
                  .status,
              403);
    EXPECT_EQ(Call("POST", "/admin/integrations/webhooks/remove/", session, "number=1").status,
              403);
    EXPECT_EQ(Body(Call("GET", "/admin/", session)).find("/admin/integrations/"), std::string::npos)
        << "no link to what they may not open";
  }
  EXPECT_FALSE(staff_->FindIntegration("mine")->has_value());
  EXPECT_TRUE(staff_->FindIntegration("desk")->has_value());
  EXPECT_EQ(Config(), kToml);
  EXPECT_NE(Body(Call("GET", "/admin/", admin_)).find("href=\"/admin/integrations/\""),
            std::string::npos);
  const std::string page = Body(Call("GET", "/admin/integrations/", admin_));
  EXPECT_NE(page.find("<td>desk</td><td>editor</td>"), std::string::npos) << page;
  EXPECT_NE(page.find("name=\"csrf\""), std::string::npos) << "every form carries the token";
}

TEST_F(AdminIntegrationsTest, AMadeIntegrationsKeysAreShownOnceAndWork) {
  HttpResponse made = Call("POST", "/admin/integrations/add/", admin_, "name=ios-app&role=author");
  ASSERT_EQ(made.status, 200) << Body(made);
  const std::string page = Body(made);
  const std::string content_key = Between(page, "id=\"content-key\">", "<");
  const std::string admin_key = Between(page, "id=\"admin-key\">", "<");
  ASSERT_EQ(content_key.rfind("cpc_", 0), 0u) << page;
  ASSERT_EQ(admin_key.rfind("cpa_", 0), 0u) << page;
  auto by_content = IntegrationOfKey(*staff_, IntegrationKey::kContent, content_key);
  ASSERT_TRUE(by_content.ok() && by_content->has_value());
  EXPECT_EQ((*by_content)->name, "ios-app");
  EXPECT_EQ((*by_content)->role, "author");
  auto by_admin = IntegrationOfKey(*staff_, IntegrationKey::kAdmin, admin_key);
  ASSERT_TRUE(by_admin.ok() && by_admin->has_value());
  const std::string list = Body(Call("GET", "/admin/integrations/", admin_));
  EXPECT_NE(list.find("<td>ios-app</td><td>author</td>"), std::string::npos) << list;
  EXPECT_EQ(list.find(content_key), std::string::npos) << "shown once";
  EXPECT_EQ(list.find(admin_key), std::string::npos) << "shown once";
  EXPECT_EQ(list.find("cpc_"), std::string::npos);
}

TEST_F(AdminIntegrationsTest, ABadNameRoleOrTakenNameIsRefusedNamingTheField) {
  HttpResponse bad_name =
      Call("POST", "/admin/integrations/add/", admin_, "name=My+App&role=editor");
  EXPECT_EQ(bad_name.status, 400);
  EXPECT_NE(Body(bad_name).find("integration name"), std::string::npos) << Body(bad_name);
  EXPECT_NE(Body(bad_name).find("id=\"integration-name\" name=\"name\" value=\"My App\""),
            std::string::npos)
      << "the typed name is shown again";
  EXPECT_NE(Body(bad_name).find("aria-invalid"), std::string::npos);
  HttpResponse admin_role = Call("POST", "/admin/integrations/add/", admin_, "name=x&role=admin");
  EXPECT_EQ(admin_role.status, 400);
  EXPECT_NE(Body(admin_role).find("editor, author or contributor"), std::string::npos);
  EXPECT_FALSE(staff_->FindIntegration("x")->has_value());
  ASSERT_EQ(Call("POST", "/admin/integrations/add/", admin_, "name=desk&role=editor").status, 200);
  HttpResponse taken = Call("POST", "/admin/integrations/add/", admin_, "name=desk&role=author");
  EXPECT_EQ(taken.status, 409);
  EXPECT_NE(Body(taken).find("an integration named &quot;desk&quot; exists"), std::string::npos)
      << Body(taken);
  EXPECT_EQ((*staff_->FindIntegration("desk"))->role, "editor");
}

TEST_F(AdminIntegrationsTest, RevokingIsAskedFirstThenDone) {
  auto keys = AddIntegration(*staff_, "zapier", StaffRole::kEditor, kNow);
  ASSERT_TRUE(keys.ok());
  HttpResponse ask = Call("GET", "/admin/integrations/revoke/?name=zapier", admin_);
  ASSERT_EQ(ask.status, 200);
  EXPECT_NE(Body(ask).find("action=\"/admin/integrations/revoke/\""), std::string::npos);
  EXPECT_NE(Body(ask).find("name=\"name\" value=\"zapier\""), std::string::npos);
  EXPECT_TRUE(staff_->FindIntegration("zapier")->has_value()) << "asking changes nothing";
  EXPECT_EQ(Call("GET", "/admin/integrations/revoke/?name=nobody", admin_).status, 404);
  HttpResponse done = Call("POST", "/admin/integrations/revoke/", admin_, "name=zapier");
  ASSERT_EQ(done.status, 303);
  EXPECT_EQ(done.Header("Location"), "/admin/integrations/?revoked=zapier");
  EXPECT_FALSE(staff_->FindIntegration("zapier")->has_value());
  EXPECT_FALSE(IntegrationOfKey(*staff_, IntegrationKey::kContent, keys->content_key)->has_value());
  EXPECT_NE(
      Body(Call("GET", std::string(done.Header("Location")), admin_)).find("Revoked “zapier”"),
      std::string::npos);
  EXPECT_EQ(Call("POST", "/admin/integrations/revoke/", admin_, "name=zapier").status, 404);
}

TEST_F(AdminIntegrationsTest, WebhooksAreAddedAndRemovedInTheFileKeepingTheRest) {
  HttpResponse added = Call("POST", "/admin/integrations/webhooks/add/", admin_,
                            "event=article.published&url=https%3A%2F%2Fhooks.example%2Fin");
  ASSERT_EQ(added.status, 200) << Body(added);
  const std::string secret = Between(Body(added), "id=\"hook-secret\">", "<");
  ASSERT_GE(secret.size(), 16u) << Body(added);
  const std::string edited = Config();
  EXPECT_EQ(edited.rfind(kToml, 0), 0u) << "the rest kept as written:\n" << edited;
  EXPECT_NE(edited.find("[[webhooks]]"), std::string::npos);
  EXPECT_NE(edited.find(secret), std::string::npos);
  auto parsed = LoadSiteConfig(config_);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  ASSERT_EQ(parsed->webhooks.size(), 1u);
  EXPECT_EQ(parsed->webhooks[0].url, "https://hooks.example/in");
  EXPECT_EQ(parsed->webhooks[0].event, "article.published");
  const std::string list = Body(Call("GET", "/admin/integrations/", admin_));
  EXPECT_NE(list.find("<td>article.published</td><td>https://hooks.example/in</td>"),
            std::string::npos)
      << list;
  EXPECT_EQ(list.find(secret), std::string::npos) << "never the secret after";
  // A removal from a page that names another webhook than the file's first changes nothing.
  HttpResponse stale = Call("POST", "/admin/integrations/webhooks/remove/", admin_,
                            "number=1&event=article.published&url=https%3A%2F%2Fother.example%2F");
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(Config(), edited);
  HttpResponse removed =
      Call("POST", "/admin/integrations/webhooks/remove/", admin_,
           "number=1&event=article.published&url=https%3A%2F%2Fhooks.example%2Fin");
  ASSERT_EQ(removed.status, 303) << Body(removed);
  EXPECT_EQ(Config(), kToml);
}

TEST_F(AdminIntegrationsTest, ABadWebhookIsRefusedNamingTheFieldAndTheFileIsKept) {
  HttpResponse bad_url = Call("POST", "/admin/integrations/webhooks/add/", admin_,
                              "event=article.published&url=ftp%3A%2F%2Fhooks.example%2F");
  EXPECT_EQ(bad_url.status, 400);
  EXPECT_NE(Body(bad_url).find("webhooks.url must be an http(s) URL"), std::string::npos)
      << Body(bad_url);
  EXPECT_NE(Body(bad_url).find("name=\"url\" type=\"url\" value=\"ftp://hooks.example/\" required "
                               "aria-invalid=\"true\""),
            std::string::npos)
      << Body(bad_url);
  HttpResponse bad_event = Call("POST", "/admin/integrations/webhooks/add/", admin_,
                                "event=article.sneezed&url=https%3A%2F%2Fhooks.example%2F");
  EXPECT_EQ(bad_event.status, 400);
  EXPECT_NE(Body(bad_event).find("webhooks.event"), std::string::npos) << Body(bad_event);
  EXPECT_EQ(Config(), kToml);
}

}  // namespace
}  // namespace cinepress
