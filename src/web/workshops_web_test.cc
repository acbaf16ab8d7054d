// WorkshopsWeb's materials behind the real router, over a real SQLite store: My Account's
// section (sessions in the site's time zone, the joining link, signed links; a cancelled
// registration only says so) and GET /workshops/materials/… (the file streamed as an attachment
// for a good link, 403 for a tampered one, 410 once the registration is cancelled).
#include "web/workshops_web.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/open_store.h"
#include "workshops/materials.h"
#include "workshops/test_workshop.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

constexpr int64_t kNow = 1900000000;
constexpr int64_t kStarts = kNow + 10 * 86400;

std::string Text(const TemplateData& d, const std::string& key) {
  const TemplateData* v = d.get(key);
  return v && v->is_string() ? v->string_value() : "";
}

const std::vector<TemplateData>& List(const TemplateData& d, const std::string& key) {
  static const std::vector<TemplateData> kNone;
  const TemplateData* v = d.get(key);
  return v && v->is_list() ? v->list_value() : kNone;
}

class WorkshopsWebTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cinepress-workshopsweb-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto config = ParseSiteConfig(R"(title = "The Long Take"
base_url = "http://longtake.example"
timezone = "Europe/Paris"
)",
                                  "cinepress.toml");
    ASSERT_TRUE(config.ok()) << config.error().ToString();
    const char* src = std::getenv("CINEPRESS_SOURCE_DIR");
    auto theme = Theme::Load(fs::path(src ? src : ".") / "themes/default", "themes/default");
    ASSERT_TRUE(theme.ok()) << theme.error().ToString();
    auto site =
        Site::Assemble(*config, *TimeZone::Named("Europe/Paris"), *theme, {}, {}, {}, {}, 1000);
    ASSERT_TRUE(site.ok()) << site.error().ToString();
    site_ = *site;
    const fs::path db = dir_ / "site.db";
    auto store = OpenWorkshopStore(db, {});
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->SaveWorkshop(test_workshop::Online(kStarts)).ok());
    ASSERT_TRUE(
        store_->StartRegistration(test_workshop::RegistrationFor("ada@example.com", kNow)).ok());

    WorkshopsWebOptions o;
    o.site = [this] { return site_; };
    o.open_store = [db] { return OpenWorkshopStore(db, {}); };
    o.private_media = [this](const HttpRequest&, const std::string& path, const std::string&) {
      streamed_.push_back(path);
      return TextResponse(200, "the file's bytes");
    };
    o.material_key = std::string(kMaterialSecretBytes, 'w');
    o.message = [](int status, const std::string& heading, const std::string& message) {
      return TextResponse(status, heading + ": " + message);
    };
    o.now = [] { return kNow; };
    web_ = std::make_unique<WorkshopsWeb>(o);
    ASSERT_TRUE(web_->Start().ok());
    web_->Mount(router_);
  }
  void TearDown() override {
    web_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  HttpResponse Get(const std::string& target) {
    HttpRequest req;
    req.method = "GET";
    req.target = target;
    req.remote_address = "192.0.2.1";
    req.headers.emplace_back("host", "longtake.example");
    return router_.Dispatch(req);
  }
  // The link to the first material of Ada's first workshop in My Account.
  std::string MaterialUrl() {
    TemplateData account = web_->AccountWorkshops(0, "ada@example.com");
    const auto& workshops = account.list_value();
    if (workshops.empty() || List(workshops[0], "materials").empty()) return "";
    return Text(List(workshops[0], "materials")[0], "url");
  }

  fs::path dir_;
  std::shared_ptr<const Site> site_;
  std::unique_ptr<WorkshopStore> store_;
  std::unique_ptr<WorkshopsWeb> web_;
  Router router_;
  std::vector<std::string> streamed_;
};

TEST_F(WorkshopsWebTest, MyAccountListsTheRegistrationWithSessionsJoiningLinkAndMaterials) {
  TemplateData account = web_->AccountWorkshops(0, "ada@example.com");
  ASSERT_TRUE(account.is_list());
  ASSERT_EQ(account.list_value().size(), 1u);
  const TemplateData& w = account.list_value()[0];
  EXPECT_EQ(Text(w, "title"), "Writing about Ozu");
  EXPECT_EQ(Text(w, "url"), "/workshops/writing-about-ozu/");
  EXPECT_TRUE(w.get("holds")->is_true());
  ASSERT_EQ(List(w, "sessions").size(), 1u);
  EXPECT_NE(Text(List(w, "sessions")[0], "text").find("(Europe/Paris), 120 minutes"),
            std::string::npos);
  EXPECT_EQ(Text(w, "joining_link"), "https://meet.example.com/ozu");
  EXPECT_EQ(w.get("address"), nullptr);  // online: no empty "Where:"
  ASSERT_EQ(List(w, "materials").size(), 2u);
  EXPECT_EQ(Text(List(w, "materials")[0], "name"), "notes.pdf");
  EXPECT_TRUE(MaterialUrl().starts_with("/workshops/materials/"));
  EXPECT_TRUE(web_->AccountWorkshops(0, "bo@example.com").is_empty_list());
}

TEST_F(WorkshopsWebTest, ASignedLinkStreamsTheMaterialAsAnAttachment) {
  HttpResponse r = Get(MaterialUrl());
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(streamed_.size(), 1u);
  EXPECT_EQ(streamed_[0], "_workshops/writing-about-ozu/notes.pdf");
  EXPECT_EQ(r.Header("Content-Disposition"), "attachment; filename=\"notes.pdf\"");
}

TEST_F(WorkshopsWebTest, ATamperedLinkIs403AndACancelledRegistrations410) {
  const std::string url = MaterialUrl();
  std::string tampered = url;
  const size_t mac_end = url.find('/', std::string(kMaterialsPrefix).size()) - 1;
  tampered[mac_end] = tampered[mac_end] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Get(tampered).status, 403);
  EXPECT_EQ(Get("/workshops/materials/1.2.x/writing-about-ozu/notes.pdf").status, 403);
  ASSERT_TRUE(store_->CancelWorkshop("writing-about-ozu", kNow).ok());
  HttpResponse gone = Get(url);
  EXPECT_EQ(gone.status, 410);
  EXPECT_NE(gone.BodyView().find("cancelled"), std::string::npos);
  EXPECT_TRUE(streamed_.empty());

  TemplateData account = web_->AccountWorkshops(0, "ada@example.com");
  ASSERT_EQ(account.list_value().size(), 1u);
  const TemplateData& w = account.list_value()[0];
  EXPECT_FALSE(w.get("holds")->is_true());
  EXPECT_EQ(Text(w, "status"), "cancelled");
  EXPECT_TRUE(List(w, "materials").empty());
  EXPECT_EQ(w.get("joining_link"), nullptr);
}

}  // namespace
}  // namespace cinepress
