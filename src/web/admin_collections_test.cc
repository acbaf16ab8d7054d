// The newsroom's collections through the router: editors and admins only; a collection made,
// its entries added by the "Add article" search, moved and removed by the no-script buttons and
// reordered whole as the script posts it; a change from a page opened before another editor's
// save refused with who saved; deleted only after its confirmation page; no webhook queued.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "staff/collections.h"
#include "web/admin_web_test_fixture.h"

namespace cinepress {
namespace {

class AdminCollectionsTest : public AdminWebFixture {
 protected:
  void SetUp() override {
    AdminWebFixture::SetUp();
    std::vector<Article> published;
    for (const char* slug : {"low-water", "paper-weather", "winter-quarters"}) {
      Article a;
      a.section = "reviews";
      a.slug = slug;
      a.title = std::string("Review of ") + slug;
      a.date = kNow - 3600;
      a.source_path = "content/reviews/" + a.slug + ".md";
      auto id = content_->SaveArticle(a);
      ASSERT_TRUE(id.ok()) << id.error().ToString();
      a.id = *id;
      published.push_back(a);
    }
    auto site = Site::Assemble(site_->config(), site_->tz(), site_->shared_theme(), published, {},
                               {}, {}, kNow);
    ASSERT_TRUE(site.ok()) << site.error().ToString();
    site_ = *site;
    editor_ = SignedIn("ed@lt.example", StaffRole::kEditor);
  }

  // A new collection made through the form: its id.
  int64_t Make(const std::string& title) {
    HttpResponse r = Call("POST", "/admin/collections/new/", editor_, "title=" + title);
    EXPECT_EQ(r.status, 303) << Body(r);
    const std::string to(r.Header("location"));
    return AdminIdOf(to);
  }
  static int64_t AdminIdOf(const std::string& location) {
    const std::string prefix = "/admin/collections/";
    return std::atoll(location.substr(prefix.size()).c_str());
  }
  Article Stored(int64_t id) {
    auto all = content_->LoadArticles(false);
    EXPECT_TRUE(all.ok());
    for (const Article& a : all.ok() ? *all : std::vector<Article>{}) {
      if (a.id == id) return a;
    }
    ADD_FAILURE() << "no collection " << id;
    return Article{};
  }
  std::string Revision(int64_t id) {
    return std::to_string(content_->LoadRevisions(id)->front().id);
  }
  HttpResponse Order(int64_t id, const std::string& fields, const std::string& revision = "") {
    return Call("POST", "/admin/collections/" + std::to_string(id) + "/order/", editor_,
                "revision=" + (revision.empty() ? Revision(id) : revision) + "&" + fields);
  }

  std::string editor_;
};

TEST_F(AdminCollectionsTest, OnlyEditorsAndAdminsMayOpenOrChangeCollections) {
  const int64_t id = Make("Films%20We%20Love");
  const std::string page = "/admin/collections/" + std::to_string(id) + "/";
  for (StaffRole role : {StaffRole::kContributor, StaffRole::kAuthor}) {
    const std::string session = SignedIn(std::string(StaffRoleName(role)) + "@lt.example", role);
    EXPECT_EQ(Call("GET", "/admin/collections/", session).status, 403);
    EXPECT_EQ(Call("GET", "/admin/collections/new/", session).status, 403);
    EXPECT_EQ(Call("POST", "/admin/collections/new/", session, "title=Mine").status, 403);
    EXPECT_EQ(Call("GET", page, session).status, 403);
    EXPECT_EQ(Call("POST", page + "order/", session, "op=add&entry=reviews/low-water").status, 403);
    EXPECT_EQ(Call("POST", page + "save/", session, "title=Theirs").status, 403);
    EXPECT_EQ(Call("POST", page + "delete/", session, "revision=" + Revision(id)).status, 403);
    EXPECT_EQ(Body(Call("GET", "/admin/", session)).find("/admin/collections/"), std::string::npos)
        << "no link to what they may not open";
  }
  EXPECT_EQ(Stored(id).title, "Films We Love");
  EXPECT_TRUE(Stored(id).items.empty());
  EXPECT_EQ(Call("GET", "/admin/collections/").status, 303) << "signed out: to the sign-in";
  const std::string list = Body(Call("GET", "/admin/collections/", editor_));
  EXPECT_NE(list.find("href=\"" + page + "\">Films We Love</a>"), std::string::npos) << list;
  const std::string admin = SignedIn("admin@lt.example", StaffRole::kAdmin);
  EXPECT_EQ(Call("GET", page, admin).status, 303) << "an admin sets up a second factor first";
}

TEST_F(AdminCollectionsTest, TheButtonsAddMoveAndRemoveEntriesWithoutAScript) {
  const int64_t id = Make("Films%20We%20Love");
  const std::string page = "/admin/collections/" + std::to_string(id) + "/";
  // The "Add article" search finds published articles not in it yet, each with its Add button.
  const std::string found = Body(Call("GET", page + "?q=winter", editor_));
  EXPECT_NE(found.find("name=\"entry\" value=\"reviews/winter-quarters\""), std::string::npos)
      << found;
  for (const char* slug : {"low-water", "paper-weather", "winter-quarters"}) {
    HttpResponse r = Order(id, std::string("op=add&entry=reviews/") + slug);
    ASSERT_EQ(r.status, 303) << Body(r);
    EXPECT_EQ(r.Header("location"), page + "?saved=1#entries");
  }
  EXPECT_EQ(Stored(id).items,
            (std::vector<std::string>{"reviews/low-water", "reviews/paper-weather",
                                      "reviews/winter-quarters"}));
  const std::string shown = Body(Call("GET", page, editor_));
  EXPECT_NE(shown.find("Move up<span class=\"visually-hidden\"> Review of winter-quarters"),
            std::string::npos)
      << shown;
  EXPECT_EQ(Body(Call("GET", page + "?q=winter", editor_))
                .find("value=\"reviews/winter-quarters\""
                      "></form>"),
            std::string::npos);

  ASSERT_EQ(Order(id, "op=up&index=3").status, 303);    // winter-quarters up one
  ASSERT_EQ(Order(id, "op=up&index=2").status, 303);    // and to the top
  ASSERT_EQ(Order(id, "op=down&index=2").status, 303);  // low-water below paper-weather
  EXPECT_EQ(Stored(id).items,
            (std::vector<std::string>{"reviews/winter-quarters", "reviews/paper-weather",
                                      "reviews/low-water"}));
  ASSERT_EQ(Order(id, "op=remove&index=2").status, 303);
  EXPECT_EQ(Stored(id).items,
            (std::vector<std::string>{"reviews/winter-quarters", "reviews/low-water"}));

  // What cannot be done is refused with a reason, and nothing changes.
  HttpResponse top = Order(id, "op=up&index=1");
  EXPECT_EQ(top.status, 400);
  EXPECT_NE(Body(top).find("the first entry cannot go up"), std::string::npos);
  HttpResponse twice = Order(id, "op=add&entry=/reviews/low-water/");
  EXPECT_EQ(twice.status, 400);
  EXPECT_NE(Body(twice).find("already"), std::string::npos);
  HttpResponse nowhere = Order(id, "op=add&entry=/reviews/no-such-piece/");
  EXPECT_EQ(nowhere.status, 400);
  EXPECT_NE(Body(nowhere).find("is not the address of an article, film or person"),
            std::string::npos);
  EXPECT_EQ(Stored(id).items.size(), 2u);
  EXPECT_TRUE(content_->ListWebhookDeliveries(10)->empty()) << "no collection event exists";
}

TEST_F(AdminCollectionsTest, TheScriptsOrderIsSavedWholeAndAStaleOneIsRefusedWithWhoSaved) {
  const int64_t id = Make("Films%20We%20Love");
  for (const char* slug : {"low-water", "paper-weather", "winter-quarters"}) {
    ASSERT_EQ(Order(id, std::string("op=add&entry=reviews/") + slug).status, 303);
  }
  const std::string opened = Revision(id);  // two editors have the page open at this revision
  HttpRequest req;
  req.method = "POST";
  req.target = "/admin/collections/" + std::to_string(id) + "/order/";
  req.remote_address = "192.0.2.1";
  req.headers = {{"cookie", "__Host-cp_staff=" + editor_},
                 {"content-type", "application/x-www-form-urlencoded"},
                 {"accept", "application/json"}};
  req.body = "revision=" + opened +
             "&op=reorder&entry=reviews/winter-quarters&entry=reviews/low-water"
             "&entry=reviews/paper-weather";
  HttpResponse first = router_.Dispatch(req);
  ASSERT_EQ(first.status, 200) << Body(first);
  auto answer = nlohmann::json::parse(Body(first));
  EXPECT_EQ(std::to_string(answer["revision"].get<int64_t>()), Revision(id));
  EXPECT_EQ(Stored(id).items.front(), "reviews/winter-quarters");

  // The other editor's drag, from the page as it was: refused, nothing overwritten.
  const std::string other = SignedIn("other@lt.example", StaffRole::kEditor);
  req.headers[0].second = "__Host-cp_staff=" + other;
  req.body = "revision=" + opened +
             "&op=reorder&entry=reviews/paper-weather&entry=reviews/low-water"
             "&entry=reviews/winter-quarters";
  HttpResponse stale = router_.Dispatch(req);
  EXPECT_EQ(stale.status, 409);
  EXPECT_NE(Body(stale).find("ed@lt.example changed this collection"), std::string::npos)
      << Body(stale);
  // And its button, without the script: the page again as it is now, saying so.
  HttpResponse button = Call("POST", req.target, other, "revision=" + opened + "&op=up&index=3");
  EXPECT_EQ(button.status, 409);
  EXPECT_NE(Body(button).find("your change was not made"), std::string::npos);
  EXPECT_NE(Body(button).find("name=\"revision\" value=\"" + Revision(id) + "\""),
            std::string::npos)
      << "the page shown is at the newest revision";
  EXPECT_EQ(Stored(id).items,
            (std::vector<std::string>{"reviews/winter-quarters", "reviews/low-water",
                                      "reviews/paper-weather"}));
  // An order that is not the collection's entries is refused.
  req.headers[0].second = "__Host-cp_staff=" + editor_;
  req.body = "revision=" + Revision(id) + "&op=reorder&entry=reviews/low-water";
  EXPECT_EQ(router_.Dispatch(req).status, 400);
}

TEST_F(AdminCollectionsTest, FieldsAreSavedAndADeleteIsAskedFirstThenDone) {
  HttpResponse bad = Call("POST", "/admin/collections/new/", editor_, "title=Lists&slug=Not+Ok");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(Body(bad).find("id=\"slug\" name=\"slug\" type=\"text\" value=\"Not Ok\" "
                           "aria-invalid=\"true\""),
            std::string::npos)
      << Body(bad);
  const int64_t id = Make("Lists");
  const std::string page = "/admin/collections/" + std::to_string(id) + "/";
  HttpResponse saved = Call("POST", page + "save/", editor_,
                            "revision=" + Revision(id) +
                                "&action=publish&title=Directors+We+Love&slug=directors"
                                "&dek=Six+*filmmakers*&intro=Every+editor+keeps+a+list.");
  ASSERT_EQ(saved.status, 303) << Body(saved);
  Article a = Stored(id);
  EXPECT_EQ(a.title, "Directors We Love");
  EXPECT_EQ(a.slug, "directors");
  EXPECT_EQ(a.dek, "Six *filmmakers*");
  EXPECT_FALSE(a.draft);
  EXPECT_NE(Body(Call("GET", page, editor_)).find("href=\"/collections/directors/\""),
            std::string::npos);

  const std::string ask = Body(Call("GET", page + "delete/", editor_));
  EXPECT_NE(ask.find("Delete the collection"), std::string::npos) << ask;
  EXPECT_EQ(Stored(id).id, id) << "asking deletes nothing";
  HttpResponse stale = Call("POST", page + "delete/", editor_, "revision=1");
  EXPECT_EQ(stale.status, 409) << "a delete from an older page";
  HttpResponse gone = Call("POST", page + "delete/", editor_, "revision=" + Revision(id));
  ASSERT_EQ(gone.status, 303) << Body(gone);
  EXPECT_TRUE(content_->LoadArticles(false)->size() == 3u);
  EXPECT_EQ(Call("GET", page, editor_).status, 404);
  EXPECT_EQ(Call("GET", "/admin/collections/1/", editor_).status, 404)
      << "an article that is not a collection";
}

}  // namespace
}  // namespace cinepress
