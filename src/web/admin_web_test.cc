// AdminWeb over a real SQLite store and the newsroom's own templates: every route checks the
// permission the table gives it, for every role; sign-in over HTTP sets the staff cookie as it
// must; a session still owing its second factor reaches nothing; the lists show the articles.
#include "web/admin_web.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "core/tokens.h"
#include "staff/accounts.h"
#include "web/admin_visit.h"
#include "web/admin_web_test_fixture.h"

namespace cinepress {
namespace {

using AdminWebTest = AdminWebFixture;

TEST_F(AdminWebTest, EveryRouteRefusesTheRolesItsPermissionLeavesOut) {
  for (StaffRole role : AllStaffRoles()) {
    const std::string name(StaffRoleName(role));
    std::string session = SignedIn(name + "@lt.example", role);
    if (role == StaffRole::kAdmin) {
      ASSERT_TRUE(staff_->VerifySession(HashSecret(session)));
    }
    for (const AdminRouteInfo& route : AdminWeb::RouteTable()) {
      if (!route.needs) continue;
      HttpResponse r = Call(route.method, route.path, session);
      if (Allows(role, *route.needs)) {
        EXPECT_NE(r.status, 403) << name << " " << route.method << " " << route.path;
        // A 303 may be the page's own answer (a post done), never a way back to the sign-in.
        const std::string to(r.Header("Location"));
        EXPECT_FALSE(r.status == 303 && to.rfind("/admin/sign-in/", 0) == 0)
            << name << " " << route.method << " " << route.path;
        EXPECT_FALSE(r.status == 303 && to.rfind("/admin/two-factor/", 0) == 0)
            << name << " " << route.method << " " << route.path;
      } else {
        EXPECT_EQ(r.status, 403) << name << " " << route.method << " " << route.path;
      }
    }
  }
}

TEST_F(AdminWebTest, AContributorCannotManageStaffThroughAnyForm) {
  const std::string session = SignedIn("c@lt.example", StaffRole::kContributor);
  SignedIn("victim@lt.example", StaffRole::kEditor);
  EXPECT_EQ(Call("POST", "/admin/staff/add/", session, "email=x%40lt.example&role=admin").status,
            403);
  EXPECT_EQ(Call("POST", "/admin/staff/role/", session, "email=c%40lt.example&role=admin").status,
            403);
  EXPECT_EQ(Call("POST", "/admin/staff/remove/", session, "email=victim%40lt.example").status, 403);
  EXPECT_EQ((*staff_->FindStaff("c@lt.example"))->role, "contributor");
  EXPECT_TRUE(staff_->FindStaff("victim@lt.example")->has_value());
  EXPECT_FALSE(staff_->FindStaff("x@lt.example")->has_value());
}

TEST_F(AdminWebTest, WithoutASessionEveryPageSendsToSignIn) {
  for (const AdminRouteInfo& route : AdminWeb::RouteTable()) {
    if (!route.needs) continue;
    HttpResponse r = Call(route.method, route.path, "nonsense");
    EXPECT_EQ(r.status, 303) << route.path;
    EXPECT_EQ(r.Header("Location"), "/admin/sign-in/") << route.path;
  }
  EXPECT_EQ(Call("GET", "/admin/sign-in/").status, 200);
}

TEST_F(AdminWebTest, SigningInSetsAStrictHostOnlyCookie) {
  auto invite = AddStaff(*staff_, "ed@lt.example", StaffRole::kEditor, kNow);
  ASSERT_TRUE(AcceptInvitation(*staff_, invite->token, kPassword, kNow).ok());
  HttpResponse wrong =
      Call("POST", "/admin/sign-in/", "", "email=ed%40lt.example&password=not+it+at+all");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(Body(wrong).find("wrong email address or password"), std::string::npos);
  HttpResponse r =
      Call("POST", "/admin/sign-in/", "", "email=ed%40lt.example&password=a+long+enough+password");
  ASSERT_EQ(r.status, 303) << Body(r);
  EXPECT_EQ(r.Header("Location"), "/admin/");
  const std::string cookie(r.Header("Set-Cookie"));
  EXPECT_EQ(cookie.rfind("__Host-cp_staff=", 0), 0u) << cookie;
  for (const char* part :
       {"; Path=/", "; HttpOnly", "; SameSite=Strict", "; Secure", "; Max-Age=43200"}) {
    EXPECT_NE(cookie.find(part), std::string::npos) << part << " in " << cookie;
  }
  const std::string token = cookie.substr(16, cookie.find(';') - 16);
  HttpResponse dashboard = Call("GET", "/admin/", token);
  EXPECT_EQ(dashboard.status, 200);
  EXPECT_EQ(dashboard.Header("Cache-Control"), "no-store");
  HttpResponse out = Call("POST", "/admin/sign-out/", token, "x=1");
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(Call("GET", "/admin/", token).status, 303) << "signed out";
}

TEST_F(AdminWebTest, AnAdminWithoutASecondFactorMustSetOneUpFirst) {
  const std::string session = SignedIn("admin@lt.example", StaffRole::kAdmin);
  HttpResponse r = Call("GET", "/admin/staff/", session);
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.Header("Location"), "/admin/two-factor/setup/");
  HttpResponse setup = Call("GET", "/admin/two-factor/setup/", session);
  EXPECT_EQ(setup.status, 200);
  EXPECT_NE(Body(setup).find("otpauth://totp/"), std::string::npos);
}

TEST_F(AdminWebTest, TheListsShowTheArticlesByStatusAndFilter) {
  Article a;
  a.section = "reviews";
  a.slug = "the-draft";
  a.title = "A Draft About <Films>";
  a.date = kNow - 100;
  a.draft = true;
  a.author_ids = {"ann"};
  a.source_path = "content/reviews/" + a.slug + ".md";
  ASSERT_TRUE(content_->SaveArticle(a, nullptr).ok());
  a.slug = "the-review";
  a.title = "A Published Review";
  a.draft = false;
  a.author_ids = {"bob"};
  a.source_path = "content/reviews/" + a.slug + ".md";
  auto second = content_->SaveArticle(a, nullptr);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  const std::string session = SignedIn("w@lt.example", StaffRole::kContributor);
  const std::string dashboard = Body(Call("GET", "/admin/", session));
  EXPECT_NE(dashboard.find("<strong>1</strong> drafts"), std::string::npos) << dashboard;
  EXPECT_NE(dashboard.find("A Draft About &lt;Films&gt;"), std::string::npos) << "escaped";
  const std::string drafts = Body(Call("GET", "/admin/articles/?status=draft", session));
  EXPECT_NE(drafts.find("the-draft"), std::string::npos);
  EXPECT_EQ(drafts.find("the-review"), std::string::npos);
  ASSERT_TRUE(content_->SaveAuthor(Author{"bob", "Bob Critic", "", "", "", ""}));
  const std::string bob = Body(Call("GET", "/admin/articles/?writer=bob", session));
  EXPECT_NE(bob.find("<option value=\"bob\" selected>Bob Critic</option>"), std::string::npos)
      << "writers are chosen by name";
  EXPECT_NE(bob.find("the-review"), std::string::npos);
  EXPECT_EQ(bob.find("the-draft"), std::string::npos);
}

TEST_F(AdminWebTest, OneClientTriesOnlySoManySignInsWhateverTheAccount) {
  AdminWebOptions o = options_;
  o.sign_ins_per_ip = 2;
  AdminWeb limited(o);
  ASSERT_TRUE(limited.Start().ok());
  Router router;
  limited.Mount(router);
  auto post = [&router](const std::string& email) {
    HttpRequest req;
    req.method = "POST";
    req.target = "/admin/sign-in/";
    req.body = "email=" + email + "&password=whatever+it+is";
    req.remote_address = "198.51.100.7";
    req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    return router.Dispatch(req);
  };
  EXPECT_EQ(post("a%40lt.example").status, 401);
  EXPECT_EQ(post("b%40lt.example").status, 401);
  HttpResponse third = post("c%40lt.example");
  EXPECT_EQ(third.status, 429);
  EXPECT_NE(Body(third).find("Too many sign-in attempts"), std::string::npos);
}

TEST_F(AdminWebTest, APasswordChangeNeedsTheCurrentOneAndKeepsThisSession) {
  const std::string here = SignedIn("ed@lt.example", StaffRole::kEditor);
  auto other = SignInStaff(*staff_, StaffConfig{}, "ed@lt.example", kPassword, kNow);
  ASSERT_TRUE(other.ok());
  HttpResponse wrong = Call("POST", "/admin/account/password/", here,
                            "current_password=nope&new_password=the+second+password&"
                            "new_password_again=the+second+password");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(Body(wrong).find("the current password is wrong"), std::string::npos);
  HttpResponse ok = Call("POST", "/admin/account/password/", here,
                         "current_password=a+long+enough+password&new_password=the+second+password"
                         "&new_password_again=the+second+password");
  EXPECT_EQ(ok.status, 200) << Body(ok);
  EXPECT_EQ(Call("GET", "/admin/", here).status, 200) << "this session stays";
  EXPECT_EQ(Call("GET", "/admin/", other->session_token).status, 303) << "the other one ends";
  EXPECT_TRUE(SignInStaff(*staff_, StaffConfig{}, "ed@lt.example", "the second password", kNow));
}

// The editor: every action is asked of the role on the server, whatever the buttons show.
TEST_F(AdminWebTest, AContributorsPublishScheduleAndUnpublishPostsAreRefused) {
  ASSERT_TRUE(content_->SaveSection(Section{"reviews", "Reviews", "", ""}));
  const std::string writer = SignedIn("w@lt.example", StaffRole::kContributor);
  const std::string form = "title=Mine&section=reviews&body=Text.&revision=0&id=";
  HttpResponse saved = Call("POST", "/admin/articles/save/", writer, form + "0&action=save");
  ASSERT_EQ(saved.status, 303) << Body(saved);
  const std::string location(saved.Header("Location"));  // /admin/articles/ID/edit/?saved=…
  const std::string id = location.substr(16, location.find('/', 16) - 16);
  auto revisions = *content_->LoadRevisions(std::stoll(id));
  ASSERT_EQ(revisions.size(), 1u);
  const std::string based = "&revision=" + std::to_string(revisions[0].id);
  for (const char* action : {"publish", "schedule", "unpublish"}) {
    HttpResponse r = Call("POST", "/admin/articles/save/", writer,
                          "title=Mine&section=reviews&publish_at=2030-01-01T00:00&id=" + id +
                              based + "&action=" + action);
    EXPECT_EQ(r.status, 403) << action;
  }
  EXPECT_TRUE(content_->LoadArticles(false)->at(0).draft) << "still a draft";
  EXPECT_EQ(content_->LoadRevisions(std::stoll(id))->size(), 1u);
  const std::string editor = SignedIn("e@lt.example", StaffRole::kEditor);
  HttpResponse published = Call("POST", "/admin/articles/save/", editor,
                                "title=Mine&section=reviews&id=" + id + based + "&action=publish");
  EXPECT_EQ(published.status, 303) << Body(published);
  EXPECT_FALSE(content_->LoadArticles(false)->at(0).draft);
  EXPECT_EQ(Call("GET", "/admin/articles/" + id + "/edit/", writer).status, 403)
      << "a published piece is the editors' now";
}

// The editor's saves tell the webhooks as the Admin API's do, in the save's transaction: a
// draft's save nobody, a publish article.published, a change to the live piece article.updated,
// an unpublish article.unpublished.
TEST_F(AdminWebTest, TheEditorsSavesQueueTheArticleWebhooksEvents) {
  ASSERT_TRUE(content_->SaveSection(Section{"reviews", "Reviews", "", ""}));
  AdminWebOptions o = options_;
  std::vector<WebhookConfig> hooks;
  for (const char* event :
       {"article.published", "article.updated", "article.unpublished", "article.deleted"}) {
    hooks.push_back(WebhookConfig{event, "https://hooks.example/in", "sixteen characters!"});
  }
  o.webhooks = [hooks] { return hooks; };
  int woken = 0;
  o.wake_webhooks = [&woken] { ++woken; };
  Restart(o);
  const std::string ed = SignedIn("ed@lt.example", StaffRole::kEditor);
  auto save = [&](const std::string& fields, const std::string& action) {
    int64_t id = 0, revision = 0;
    if (auto all = content_->LoadArticles(false); all && !all->empty()) {
      id = all->at(0).id;
      revision = content_->LoadRevisions(id)->at(0).id;
    }
    HttpResponse r = Call("POST", "/admin/articles/save/", ed,
                          fields + "&section=reviews&id=" + std::to_string(id) +
                              "&revision=" + std::to_string(revision) + "&action=" + action);
    EXPECT_EQ(r.status, 303) << Body(r);
  };
  auto events = [&] {
    std::vector<std::string> out;
    auto log = content_->ListWebhookDeliveries(100);
    for (const WebhookDelivery& d : *log) {
      out.insert(out.begin(), d.event);  // the log is newest first
    }
    return out;
  };
  save("title=Night+Train", "save");
  EXPECT_TRUE(events().empty()) << "a draft's save tells nobody";
  save("title=Night+Train", "publish");
  save("title=Night+Train+Home", "save");
  save("title=Night+Train+Home", "unpublish");
  EXPECT_EQ(events(), (std::vector<std::string>{"article.published", "article.updated",
                                                "article.unpublished"}));
  auto log = *content_->ListWebhookDeliveries(100);
  const auto data = nlohmann::json::parse(log.back().payload)["data"];
  EXPECT_EQ(data["title"], "Night Train");
  EXPECT_EQ(data["status"], "published");
  EXPECT_NE(data["url"].get<std::string>().find("night-train"), std::string::npos) << data;
  EXPECT_EQ(data["id"], std::to_string(content_->LoadArticles(false)->at(0).id));
  EXPECT_EQ(woken, 4) << "the sender is woken after each commit";
}

// Deleting from the editor: a page that asks first, then a POST that deletes the piece with its
// revisions and tells article.deleted in the same transaction as the Admin API's delete does.
TEST_F(AdminWebTest, AnEditorDeletesAPieceAfterAskingAndTheWebhooksAreTold) {
  ASSERT_TRUE(content_->SaveSection(Section{"reviews", "Reviews", "", ""}));
  AdminWebOptions o = options_;
  const std::vector<WebhookConfig> hooks = {
      WebhookConfig{"article.deleted", "https://hooks.example/in", "sixteen characters!"}};
  o.webhooks = [hooks] { return hooks; };
  int woken = 0;
  o.wake_webhooks = [&woken] { ++woken; };
  Restart(o);
  const std::string ed = SignedIn("ed@lt.example", StaffRole::kEditor);
  HttpResponse saved = Call("POST", "/admin/articles/save/", ed,
                            "title=Gone+Soon&section=reviews&id=0&revision=0&action=publish");
  ASSERT_EQ(saved.status, 303) << Body(saved);
  const std::string id = std::to_string(content_->LoadArticles(false)->at(0).id);
  EXPECT_NE(Body(Call("GET", "/admin/articles/" + id + "/edit/", ed))
                .find("href=\"/admin/articles/" + id + "/delete/\""),
            std::string::npos)
      << "the editor links to the delete";
  HttpResponse ask = Call("GET", "/admin/articles/" + id + "/delete/", ed);
  ASSERT_EQ(ask.status, 200) << Body(ask);
  EXPECT_NE(Body(ask).find("Gone Soon"), std::string::npos);
  EXPECT_NE(Body(ask).find("method=\"post\" action=\"/admin/articles/" + id + "/delete/\""),
            std::string::npos);
  EXPECT_NE(Body(ask).find("name=\"csrf\""), std::string::npos);
  EXPECT_EQ(content_->LoadArticles(false)->size(), 1u) << "asking deletes nothing";
  woken = 0;

  HttpResponse done = Call("POST", "/admin/articles/" + id + "/delete/", ed);
  ASSERT_EQ(done.status, 303) << Body(done);
  EXPECT_EQ(done.Header("Location"), "/admin/articles/?deleted=1");
  EXPECT_TRUE(content_->LoadArticles(false)->empty());
  EXPECT_TRUE(content_->LoadRevisions(std::stoll(id))->empty()) << "its revisions go with it";
  auto log = *content_->ListWebhookDeliveries(100);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].event, "article.deleted");
  EXPECT_EQ(nlohmann::json::parse(log[0].payload)["data"]["title"], "Gone Soon");
  EXPECT_EQ(woken, 1);
  EXPECT_NE(Body(Call("GET", "/admin/articles/?deleted=1", ed)).find("The piece was deleted."),
            std::string::npos);
  EXPECT_EQ(Call("POST", "/admin/articles/" + id + "/delete/", ed).status, 404);
}

TEST_F(AdminWebTest, WritersDeleteOnlyTheirOwnDraftsAndAContributorNoneEverPublished) {
  ASSERT_TRUE(content_->SaveSection(Section{"reviews", "Reviews", "", ""}));
  const std::string writer = SignedIn("w@lt.example", StaffRole::kContributor);
  const std::string other = SignedIn("o@lt.example", StaffRole::kContributor);
  const std::string author = SignedIn("a@lt.example", StaffRole::kAuthor);
  const std::string editor = SignedIn("e@lt.example", StaffRole::kEditor);
  auto draft = [&](const std::string& who, const std::string& title) {
    HttpResponse r = Call("POST", "/admin/articles/save/", who,
                          "title=" + title + "&section=reviews&id=0&revision=0&action=save");
    EXPECT_EQ(r.status, 303) << Body(r);
    const std::string location(r.Header("Location"));
    return location.substr(16, location.find('/', 16) - 16);
  };
  // `who` saves piece `id` titled `title` with `action`, based on its newest revision.
  auto act = [&](const std::string& who, const std::string& id, const std::string& title,
                 const std::string& action) {
    const std::string newest = std::to_string(content_->LoadRevisions(std::stoll(id))->at(0).id);
    return Call("POST", "/admin/articles/save/", who,
                "title=" + title + "&section=reviews&id=" + id + "&revision=" + newest +
                    "&action=" + action)
        .status;
  };
  const std::string mine = draft(writer, "Mine");
  EXPECT_EQ(Call("GET", "/admin/articles/" + mine + "/delete/", other).status, 403);
  EXPECT_EQ(Call("POST", "/admin/articles/" + mine + "/delete/", other).status, 403);
  EXPECT_EQ(Call("POST", "/admin/articles/" + mine + "/delete/", writer).status, 303);

  // Published by an editor, then taken back to a draft: no longer the contributor's to delete.
  const std::string once = draft(writer, "Once");
  ASSERT_EQ(act(editor, once, "Once", "publish"), 303);
  ASSERT_EQ(act(editor, once, "Once", "unpublish"), 303);
  HttpResponse refused = Call("POST", "/admin/articles/" + once + "/delete/", writer);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(Body(refused).find("once published"), std::string::npos) << Body(refused);
  EXPECT_EQ(Body(Call("GET", "/admin/articles/" + once + "/edit/", writer)).find("/delete/"),
            std::string::npos)
      << "no delete link where it would be refused";

  // An author: their own piece while it is a draft, not once it is live.
  const std::string theirs = draft(author, "Theirs");
  ASSERT_EQ(act(author, theirs, "Theirs", "publish"), 303);
  EXPECT_EQ(Call("POST", "/admin/articles/" + theirs + "/delete/", author).status, 403);
  ASSERT_EQ(act(author, theirs, "Theirs", "unpublish"), 303);
  EXPECT_EQ(Call("POST", "/admin/articles/" + theirs + "/delete/", author).status, 303);
  ASSERT_EQ(content_->LoadArticles(false)->size(), 1u);
  EXPECT_EQ(content_->LoadArticles(false)->at(0).title, "Once");
}

// The upload's body is let in or refused from its head alone, by the upload route's own rule.
TEST_F(AdminWebTest, AnUploadIsAdmittedFromItsHeadOnlyForStaffSignedIn) {
  HttpRequest head;
  head.method = "POST";
  head.target = "/admin/media/upload/";
  auto stranger = web_->RefuseUpload(head);
  ASSERT_TRUE(stranger.has_value());
  EXPECT_EQ(stranger->status, 303);
  EXPECT_EQ(stranger->Header("Location"), "/admin/sign-in/");
  head.headers.emplace_back("cookie", "__Host-cp_staff=not-a-session");
  EXPECT_EQ(web_->RefuseUpload(head)->status, 303);
  head.headers.back().second =
      "__Host-cp_staff=" + SignedIn("c@lt.example", StaffRole::kContributor);
  EXPECT_FALSE(web_->RefuseUpload(head).has_value()) << "a contributor may upload";
}

TEST_F(AdminWebTest, ASaveFromAnOlderRevisionGetsTheConflictPageWithBothVersions) {
  ASSERT_TRUE(content_->SaveSection(Section{"reviews", "Reviews", "", ""}));
  const std::string ed = SignedIn("ed@lt.example", StaffRole::kEditor);
  const std::string bo = SignedIn("bo@lt.example", StaffRole::kEditor);
  HttpResponse first = Call("POST", "/admin/articles/save/", ed,
                            "title=First&section=reviews&id=0&revision=0&action=save");
  ASSERT_EQ(first.status, 303);
  const int64_t id = content_->LoadArticles(false)->at(0).id;
  const std::string base = std::to_string(content_->LoadRevisions(id)->at(0).id);
  const std::string form =
      "&section=reviews&id=" + std::to_string(id) + "&revision=" + base + "&action=save";
  EXPECT_EQ(Call("POST", "/admin/articles/save/", ed, "title=Ed+wins" + form).status, 303);
  HttpResponse second = Call("POST", "/admin/articles/save/", bo, "title=Bo+loses" + form);
  EXPECT_EQ(second.status, 409);
  EXPECT_NE(Body(second).find("title: Ed wins"), std::string::npos);
  EXPECT_NE(Body(second).find("title: Bo loses"), std::string::npos);
  EXPECT_NE(Body(second).find("ed@lt.example"), std::string::npos) << "who saved theirs";
  EXPECT_EQ(content_->LoadArticles(false)->at(0).title, "Ed wins");
}

TEST(SplitAdminPath, AKeyAndAVerbBelowAPrefix) {
  auto reply = SplitAdminPath("/admin/inbox/7/reply/", "/admin/inbox/");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->key, "7");
  EXPECT_EQ(reply->verb, "reply");
  auto page = SplitAdminPath("/admin/inbox/7/", "/admin/inbox/");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->key, "7");
  EXPECT_EQ(page->verb, "");
  for (const char* other : {"/admin/inbox/", "/admin/inbox//", "/admin/inbox/7", "/admin/inbox/7//",
                            "/admin/inbox/7/a/b/", "/admin/other/7/", "/admin/inbox/7/reply"}) {
    EXPECT_FALSE(SplitAdminPath(other, "/admin/inbox/").has_value()) << other;
  }
}

TEST_F(AdminWebTest, TheMediaLibraryTakesSeveralImagesAtOnceAndRefusesWhatIsNotOne) {
  const std::string ed = SignedIn("ed@lt.example", StaffRole::kEditor);
  HttpResponse two = Upload(ed, {{"alt", "A red wall"}, {"alt_1", "A second wall"}},
                            {{"wall.png", kTinyPng}, {"wall two.png", kTinyPng}});
  ASSERT_EQ(two.status, 303) << Body(two);
  EXPECT_EQ(two.Header("Location"), "/admin/media/?uploaded=2");
  auto details = *content_->LoadMediaDetails();
  ASSERT_EQ(details.size(), 2u);
  const std::string list = Body(Call("GET", "/admin/media/", ed));
  EXPECT_NE(list.find("wall-two.png"), std::string::npos) << list;
  EXPECT_NE(list.find("alt=\"A second wall\""), std::string::npos);
  EXPECT_NE(list.find("/_stills/"), std::string::npos) << "thumbnails are stills";
  EXPECT_EQ(Body(Call("GET", "/admin/media/?q=second", ed)).find("wall.png\""), std::string::npos);

  HttpResponse text = Upload(ed, {{"alt", "Notes"}}, {{"notes.jpg", "only words here"}});
  EXPECT_EQ(text.status, 422);
  EXPECT_NE(Body(text).find("notes.jpg: not an image"), std::string::npos) << Body(text);
  HttpResponse svg = Upload(ed, {{"alt", "Logo"}},
                            {{"logo.svg",
                              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\""
                              " height=\"4\"><script>alert(1)</script></svg>"}});
  EXPECT_EQ(svg.status, 422);
  EXPECT_NE(Body(svg).find("an SVG is not taken"), std::string::npos) << Body(svg);
  HttpResponse no_alt = Upload(ed, {}, {{"wall.png", kTinyPng}});
  EXPECT_EQ(no_alt.status, 422);
  EXPECT_NE(Body(no_alt).find("alt text is required"), std::string::npos);
  EXPECT_EQ(content_->LoadMediaDetails()->size(), 2u);
}

TEST_F(AdminWebTest, AUsedImageIsNotDeletedAndAContributorChangesOnlyTheirOwn) {
  const std::string ed = SignedIn("ed@lt.example", StaffRole::kEditor);
  const std::string cy = SignedIn("cy@lt.example", StaffRole::kContributor);
  ASSERT_EQ(Upload(ed, {{"alt", "A wall"}}, {{"wall.png", kTinyPng}}).status, 303);
  const std::string path = content_->LoadMediaDetails()->at(0).path;
  const std::string form = "path=" + PercentEncode(path);
  EXPECT_EQ(Body(Call("GET", "/admin/media/", cy)).find(path), std::string::npos);
  EXPECT_EQ(Call("POST", "/admin/media/delete/", cy, form).status, 404);
  EXPECT_EQ(Call("POST", "/admin/media/save/", cy, form + "&alt=Mine").status, 404);

  Article a;
  a.section = "reviews";
  a.slug = "walls";
  a.title = "Of Walls";
  a.date = kNow - 100;
  a.source_path = "content/reviews/walls.md";
  a.image = Image{"/" + path, "A wall", ""};
  ASSERT_TRUE(content_->SaveArticle(a, nullptr).ok());
  const std::string item = Body(Call("GET", "/admin/media/item/?path=" + PercentEncode(path), ed));
  EXPECT_NE(item.find("Of Walls"), std::string::npos) << "where it is used";
  EXPECT_NE(item.find("2 × 1 px"), std::string::npos);
  HttpResponse refused = Call("POST", "/admin/media/delete/", ed, form);
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(Body(refused).find("used by the article “Of Walls”"), std::string::npos);
  EXPECT_TRUE(content_->LoadMediaFile(path).ok());

  EXPECT_EQ(Call("POST", "/admin/media/save/", ed, form + "&alt=").status, 400);
  EXPECT_EQ(Call("POST", "/admin/media/save/", ed, form + "&alt=A+white+wall").status, 303);
  EXPECT_EQ(content_->LoadMediaDetails()->at(0).alt, "A white wall");

  ASSERT_EQ(Upload(cy, {{"alt", "Chairs"}}, {{"chairs.png", kTinyPng}}).status, 303);
  EXPECT_NE(Body(Call("GET", "/admin/media/", cy)).find("chairs.png"), std::string::npos);
  const std::string chairs = "path=" + PercentEncode(content_->LoadMediaDetails()->at(0).path);
  EXPECT_EQ(Call("POST", "/admin/media/delete/", cy, chairs).status, 303);
  EXPECT_EQ(content_->LoadMediaDetails()->size(), 1u);
}

TEST_F(AdminWebTest, TheEditorPicksTheLeadImageFromTheLibrary) {
  ASSERT_TRUE(content_->SaveSection(Section{"reviews", "Reviews", "", ""}));
  const std::string ed = SignedIn("ed@lt.example", StaffRole::kEditor);
  ASSERT_EQ(Upload(ed, {{"alt", "A wall"}, {"caption", "Dusk."}}, {{"wall.png", kTinyPng}}).status,
            303);
  const std::string src = "/" + content_->LoadMediaDetails()->at(0).path;
  const std::string page = Body(Call("GET", "/admin/articles/new/", ed));
  EXPECT_NE(page.find("<option value=\"" + src + "\">wall.png — A wall</option>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("![A wall](" + src + " &quot;Dusk.&quot;)"), std::string::npos)
      << "a figure to copy";
  HttpResponse saved = Call(
      "POST", "/admin/articles/save/", ed,
      "title=Walls&section=reviews&id=0&revision=0&action=save&image_pick=" + PercentEncode(src));
  ASSERT_EQ(saved.status, 303) << Body(saved);
  const Article a = content_->LoadArticles(false)->at(0);
  ASSERT_TRUE(a.image.has_value());
  EXPECT_EQ(a.image->src, src);
  EXPECT_EQ(a.image->alt, "A wall");
  EXPECT_EQ(a.image->caption, "Dusk.");
}

}  // namespace
}  // namespace cinepress
