// The Admin API's members and image upload, as plain functions over real SQLite stores.
#include "web/admin_api_members.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "members/test_fixture.h"
#include "web/admin_api_media.h"
#include "web/admin_web_test_fixture.h"

namespace cinepress {
namespace {

using Json = nlohmann::json;

class MembersApiTest : public MembersFixture {
 protected:
  HttpResponse Ask(const std::string& method, const std::string& target, const Json& body = {},
                   int64_t id = 0) {
    HttpRequest req;
    req.method = method;
    req.target = target;
    if (!body.is_null()) req.body = body.dump();
    MembersApiCall call{*store_, *newsletters_, site_, 5000, told_, send_};
    if (method == "GET") return id ? MemberAnswer(req, call, id) : ListMembersAnswer(req, call);
    if (method == "POST") return AddMemberAnswer(req, call);
    if (method == "PUT") return EditMemberAnswer(req, call, id);
    return DeleteMemberAnswer(req, call, id);
  }
  static Json BodyOf(const HttpResponse& r) { return Json::parse(r.BodyView(), nullptr, false); }
  static std::string CodeOf(const HttpResponse& r) {
    return BodyOf(r)["errors"][0]["code"].get<std::string>();
  }
  static Json One(const Json& m) { return Json{{"members", Json::array({m})}}; }

  std::vector<std::string> events_;
  MemberEventHook told_ = [this](MemberStore&, std::string_view event, int64_t) -> Status {
    events_.emplace_back(event);
    return {};
  };
  std::vector<MailMessage> sent_;
  std::function<Status(const MailMessage&)> send_ = [this](const MailMessage& m) -> Status {
    sent_.push_back(m);
    return {};
  };
};

TEST_F(MembersApiTest, AMemberIsAddedReadChangedCompedAndDeleted) {
  HttpResponse added = Ask("POST", "/api/admin/members/",
                           One({{"email", "ines@r.example"},
                                {"name", "Ines"},
                                {"labels", Json::array({"Critic", Json{{"name", "VIP"}}})},
                                {"send_email", true}}));
  ASSERT_EQ(added.status, 201) << added.BodyView();
  const Json m = BodyOf(added)["members"][0];
  EXPECT_EQ(m["email"], "ines@r.example");
  EXPECT_EQ(m["status"], "free");
  EXPECT_EQ(m["labels"][1]["slug"], "vip");
  const int64_t id = std::stoll(m["id"].get<std::string>());
  ASSERT_EQ(sent_.size(), 1u) << "send_email: the sign-in link through the outbox";
  EXPECT_EQ(sent_[0].to.email, "ines@r.example");

  EXPECT_EQ(CodeOf(Ask("POST", "/api/admin/members/", One({{"email", "INES@r.example"}}))),
            "MEMBER_EXISTS");
  EXPECT_EQ(Ask("POST", "/api/admin/members/", One({{"email", "not an address"}})).status, 400);

  HttpResponse comped =
      Ask("PUT", "/api/admin/members/1/",
          One({{"name", "Ines Varga"}, {"tiers", Json::array({Json{{"slug", "supporter"}}})}}), id);
  ASSERT_EQ(comped.status, 200) << comped.BodyView();
  EXPECT_EQ(BodyOf(comped)["members"][0]["status"], "comped");
  EXPECT_EQ(BodyOf(comped)["members"][0]["tiers"][0]["slug"], "supporter");
  EXPECT_EQ(BodyOf(comped)["members"][0]["name"], "Ines Varga");
  EXPECT_EQ(CodeOf(Ask("PUT", "/", One({{"tiers", Json::array({"gold"})}}), id)),
            "INVALID_PARAMETER")
      << "an unknown tier";
  HttpResponse uncomped = Ask("PUT", "/", One({{"tiers", Json::array()}}), id);
  EXPECT_EQ(BodyOf(uncomped)["members"][0]["status"], "free") << "the comp is taken back";

  EXPECT_EQ(Ask("DELETE", "/", {}, id).status, 204);
  EXPECT_EQ(CodeOf(Ask("GET", "/", {}, id)), "NOT_FOUND") << "erased";
  EXPECT_EQ(CodeOf(Ask("PUT", "/", One({{"name", "x"}}), id)), "NOT_FOUND");
  EXPECT_EQ(events_, (std::vector<std::string>{"member.added", "member.edited", "member.edited",
                                               "member.deleted"}))
      << "a refused change tells nobody";
}

TEST_F(MembersApiTest, TheListIsFilteredAndPagedNewestFirst) {
  for (const char* email : {"a@r.example", "b@r.example", "c@r.example"}) {
    ASSERT_EQ(Ask("POST", "/", One({{"email", email}})).status, 201);
  }
  ASSERT_TRUE(GrantTier(*store_, 2, "supporter", 0, "stripe", "", 5000));
  ASSERT_TRUE(GrantTier(*store_, 3, "library", 0, "comp", "", 5000));
  Json page = BodyOf(Ask("GET", "/api/admin/members/?limit=2"));
  ASSERT_EQ(page["members"].size(), 2u);
  EXPECT_EQ(page["meta"]["pagination"]["total"], 3);
  EXPECT_EQ(page["meta"]["pagination"]["next"], 2);
  EXPECT_EQ(BodyOf(Ask("GET", "/?limit=2&page=2"))["members"].size(), 1u);
  Json paid = BodyOf(Ask("GET", "/?filter=status:paid"));
  ASSERT_EQ(paid["members"].size(), 1u);
  EXPECT_EQ(paid["members"][0]["email"], "b@r.example");
  EXPECT_EQ(BodyOf(Ask("GET", "/?filter=status:comped"))["members"][0]["email"], "c@r.example");
  EXPECT_EQ(BodyOf(Ask("GET", "/?filter=tier:supporter,tier:library"))["members"].size(), 2u);
  EXPECT_EQ(BodyOf(Ask("GET", "/?filter=email:'A@r.example'"))["members"].size(), 1u);
  Json fields = BodyOf(Ask("GET", "/?fields=email&limit=1"));
  EXPECT_EQ(fields["members"][0].size(), 1u);
  EXPECT_EQ(CodeOf(Ask("GET", "/?filter=colour:red")), "INVALID_PARAMETER");
}

// ?search= finds a part of the name or email, case and accents aside; created_at is compared
// with Ghost's >, >=, <, <=, a date being its midnight UTC; a bad filter names what is wrong.
TEST_F(MembersApiTest, TheListIsSearchedAndFilteredByWhenTheyJoined) {
  struct Row {
    const char* email;
    const char* name;
    int64_t created;
  };
  for (const Row& r : {Row{"emile@r.example", "Émile Zola", 1767225600},  // 2026-01-01 00:00Z
                       Row{"ada@R.example", "Ada Ko", 1767182400},        // 2025-12-31 12:00Z
                       Row{"bo@r.example", "Bo", 1769904000}}) {          // 2026-02-01 00:00Z
    Member m;
    m.email = r.email;
    m.name = r.name;
    m.created = r.created;
    ASSERT_TRUE(store_->InsertMember(m).ok());
  }
  auto emails = [this](const std::string& query) {
    HttpResponse r = Ask("GET", "/api/admin/members/?" + query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.BodyView();
    std::vector<std::string> out;
    const Json body = BodyOf(r);
    for (const Json& m : body["members"]) out.push_back(m["email"].get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
  };
  using Emails = std::vector<std::string>;
  EXPECT_EQ(emails("search=emile"), Emails{"emile@r.example"});
  EXPECT_EQ(emails("search=%C3%89MILE"), Emails{"emile@r.example"}) << "É folded";
  EXPECT_EQ(emails("search=zol"), Emails{"emile@r.example"}) << "a part of the name";
  EXPECT_EQ(emails("search=r.example").size(), 3u) << "of the email, whatever its case";
  EXPECT_EQ(emails("search=%27%3B+DROP"), Emails{}) << "any text is only text";
  EXPECT_EQ(emails("filter=" + PercentEncode("created_at:>'2026-01-01'")), Emails{"bo@r.example"});
  EXPECT_EQ(emails("filter=" + PercentEncode("created_at:>='2026-01-01'")),
            (Emails{"bo@r.example", "emile@r.example"}));
  EXPECT_EQ(emails("filter=" + PercentEncode("created_at:<'2026-01-01'")), Emails{"ada@R.example"});
  EXPECT_EQ(emails("filter=" + PercentEncode("created_at:<=2026-01-01")),
            (Emails{"ada@R.example", "emile@r.example"}));
  EXPECT_EQ(
      emails("filter=" + PercentEncode("created_at:>'2025-12-31 11:00'+created_at:<'2026-01-15'")),
      (Emails{"ada@R.example", "emile@r.example"}));
  EXPECT_EQ(emails("filter=" + PercentEncode("created_at:>'2026-01-01T00:00:00Z'+status:free") +
                   "&search=b"),
            Emails{"bo@r.example"});
  auto error = [this](const std::string& query) {
    HttpResponse r = Ask("GET", "/api/admin/members/?" + query);
    EXPECT_EQ(r.status, 400) << query;
    return BodyOf(r)["errors"][0];
  };
  for (const char* bad : {"created_at:>'tomorrow'", "created_at:'2026-01-01'", "name:>'a'",
                          "created_at:<'1st of May'"}) {
    const Json e = error("filter=" + PercentEncode(bad));
    EXPECT_EQ(e["code"], "INVALID_PARAMETER") << bad;
    EXPECT_EQ(e["context"], "filter") << bad;
    EXPECT_NE(e["message"].get<std::string>().find(std::string(bad).substr(0, 4)),
              std::string::npos)
        << bad << ": " << e;
  }
  EXPECT_EQ(error("search=" + std::string(300, 'a'))["context"], "search");
}

class ImageUploadTest : public AdminWebFixture {
 protected:
  HttpResponse Send(const std::vector<std::pair<std::string, std::string>>& fields,
                    const std::string& file_name, const std::string& bytes, int64_t max = 1 << 20) {
    HttpRequest req;
    req.method = "POST";
    req.target = "/api/admin/images/upload/";
    req.headers.emplace_back("content-type", "multipart/form-data; boundary=XyZ");
    for (const auto& [name, value] : fields) {
      req.body +=
          "--XyZ\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }
    req.body += "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file_name +
                "\"\r\nContent-Type: image/png\r\n\r\n" + bytes + "\r\n--XyZ--\r\n";
    ImageUploadCall call{*content_, "integration:desk", "https://lt.example", max, kNow, {}};
    call.stills.avif = false;
    return UploadImageAnswer(req, call);
  }
};

TEST_F(ImageUploadTest, AnImageIsKeptWithItsAltAndWhatIsNotOneIsRefusedWithItsCode) {
  HttpResponse ok =
      Send({{"alt", "A wall"}, {"ref", "wall-1"}, {"purpose", "image"}}, "Wall.png", kTinyPng);
  ASSERT_EQ(ok.status, 201) << ok.BodyView();
  const Json image = Json::parse(ok.BodyView())["images"][0];
  EXPECT_EQ(image["ref"], "wall-1");
  const std::string url = image["url"];
  EXPECT_EQ(url.rfind("https://lt.example/uploads/", 0), 0u) << url;
  auto details = content_->LoadMediaDetails();
  ASSERT_EQ(details->size(), 1u);
  EXPECT_EQ("https://lt.example/" + details->at(0).path, url);
  EXPECT_EQ(details->at(0).alt, "A wall");
  EXPECT_EQ(details->at(0).uploader, "integration:desk");

  auto code = [](const HttpResponse& r) {
    return Json::parse(r.BodyView())["errors"][0]["code"].get<std::string>();
  };
  HttpResponse text = Send({{"alt", "Not one"}}, "notes.png", "just some words, not a PNG");
  EXPECT_EQ(text.status, 415);
  EXPECT_EQ(code(text), "NOT_AN_IMAGE");
  HttpResponse no_alt = Send({}, "wall.png", kTinyPng);
  EXPECT_EQ(no_alt.status, 400);
  EXPECT_EQ(Json::parse(no_alt.BodyView())["errors"][0]["context"], "alt");
  HttpResponse big = Send({{"alt", "Big"}}, "big.png", kTinyPng, 10);
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(code(big), "FILE_TOO_LARGE");
  EXPECT_EQ(content_->LoadMediaDetails()->size(), 1u) << "nothing refused was kept";
}

}  // namespace
}  // namespace cinepress
