#include "web/admin_api.h"

#include <charconv>
#include <mutex>
#include <nlohmann/json.hpp>
#include <variant>

#include "core/dates.h"
#include "core/slug.h"
#include "staff/editing.h"
#include "staff/integrations.h"
#include "web/admin_api_media.h"
#include "web/admin_api_members.h"
#include "web/api_response.h"
#include "web/article_webhooks.h"
#include "webhooks/webhooks.h"

namespace cinepress {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kArticles = "/api/admin/articles/";
constexpr std::string_view kMembers = "/api/admin/members/";
constexpr std::string_view kImageUpload = "/api/admin/images/upload/";

std::string KeyOf(const HttpRequest& req) {
  const std::string_view h = req.Header("authorization");
  for (std::string_view scheme : {std::string_view("Bearer "), std::string_view("Ghost ")}) {
    if (h.substr(0, scheme.size()) == scheme) return std::string(h.substr(scheme.size()));
  }
  return "";
}

// A string field of the post into `out` (absent: unchanged).
Status ReadString(const Json& post, const char* field, std::string& out) {
  auto it = post.find(field);
  if (it == post.end() || it->is_null()) return {};
  if (!it->is_string()) return InvalidApiInput(field, std::string(field) + " must be a string");
  out = it->get<std::string>();
  return {};
}

// A list of names (strings, or objects with `field_in_object`) into `out` (absent: unchanged).
Status ReadNames(const Json& post, const char* field, const char* field_in_object,
                 std::vector<std::string>& out) {
  auto it = post.find(field);
  if (it == post.end() || it->is_null()) return {};
  if (!it->is_array()) return InvalidApiInput(field, std::string(field) + " must be a list");
  std::vector<std::string> names;
  for (const Json& item : *it) {
    if (item.is_string()) {
      names.push_back(item.get<std::string>());
    } else if (item.is_object() && item.contains(field_in_object) &&
               (*item.find(field_in_object)).is_string()) {
      names.push_back((*item.find(field_in_object)).get<std::string>());
    } else {
      return InvalidApiInput(
          field, std::string(field) + ": each must be a string or have a " + field_in_object);
    }
  }
  out = std::move(names);
  return {};
}

// The article a post makes of `base` (a new one, or the stored one): only the fields it names.
// `feature_image` may be the absolute URL an upload answered (Ghost's clients send it back as
// they got it): the site's own URL is kept as its path, as the newsroom keeps images.
Result<Article> ArticleFromPost(const Json& post, Article base, std::string_view base_url) {
  Article a = std::move(base);
  std::string image_src = a.image ? a.image->src : "", image_alt = a.image ? a.image->alt : "";
  std::string visibility;
  for (Status s :
       {ReadString(post, "title", a.title), ReadString(post, "slug", a.slug),
        ReadString(post, "section", a.section), ReadString(post, "markdown", a.body_markdown),
        ReadString(post, "custom_excerpt", a.dek), ReadString(post, "feature_image", image_src),
        ReadString(post, "feature_image_alt", image_alt),
        ReadString(post, "visibility", visibility), ReadNames(post, "tags", "name", a.tags),
        ReadNames(post, "authors", "slug", a.author_ids)}) {
    if (!s) return s.error();
  }
  if (auto it = post.find("featured"); it != post.end()) {
    if (!it->is_boolean()) return InvalidApiInput("featured", "featured must be true or false");
    a.featured = it->get<bool>();
  }
  if (a.title.empty()) return InvalidApiInput("title", "an article needs a title");
  if (a.slug.empty()) a.slug = Slugify(a.title);
  if (a.section.empty())
    return InvalidApiInput("section", "an article needs a section (reviews, news…)");
  if (!image_src.empty() && image_alt.empty()) {
    return InvalidApiInput("feature_image_alt", "a feature image needs its alt text");
  }
  if (!base_url.empty() && image_src.size() > base_url.size() &&
      image_src.compare(0, base_url.size(), base_url) == 0 && image_src[base_url.size()] == '/') {
    image_src.erase(0, base_url.size());
  }
  if (!image_src.empty()) a.image = Image{image_src, image_alt, a.image ? a.image->caption : ""};
  if (!visibility.empty()) {
    if (visibility == "public") {
      a.access.clear();
    } else {
      auto rule = AccessRule::Parse(visibility);
      if (!rule) return InvalidApiInput("visibility", rule.error().message);
      a.access = visibility;
    }
  }
  return a;
}

// What the post's `status` asks of the piece.
Result<EditAction> ActionOf(const Json& post, const Article* stored) {
  auto it = post.find("status");
  if (it == post.end() || it->is_null()) return EditAction::kSave;
  const std::string status = it->is_string() ? it->get<std::string>() : "";
  if (status == "draft") {
    return stored && IsLive(*stored) ? EditAction::kUnpublish : EditAction::kSave;
  }
  if (status == "published") return EditAction::kPublish;
  if (status == "scheduled") return EditAction::kSchedule;
  return InvalidApiInput("status", "status must be draft, published or scheduled");
}

int64_t IdOf(std::string_view text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  return ec == std::errc() && end == text.data() + text.size() && id > 0 ? id : 0;
}

}  // namespace

struct AdminApi::State {
  AdminApiOptions options;
  std::mutex mu;  // guards both connections
  std::unique_ptr<ContentStore> content;
  std::unique_ptr<StaffStore> staff;
  std::unique_ptr<MemberStore> members;
  std::unique_ptr<NewsletterStore> newsletters;

  std::vector<WebhookConfig> Hooks() {
    return options.webhooks ? options.webhooks() : std::vector<WebhookConfig>{};
  }

  // The site's address without a trailing slash ("" before the site is loaded).
  std::string BaseUrl() {
    const std::shared_ptr<const Site> site = options.site();
    std::string url = site ? site->config().base_url : "";
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
  }

  // The integration the request's key belongs to, or the response that refuses it.
  Result<Integration> Authenticate(const HttpRequest& req, HttpResponse& refused) {
    const std::string key = KeyOf(req);
    if (key.empty()) {
      refused = ApiError(req, ApiErrorCode::kKeyMissing,
                         "the Admin API needs Authorization: Bearer with an Admin API key");
      return InvalidApiInput("authorization", "no key");
    }
    if (!staff) {
      auto opened = options.open_staff_store();
      if (!opened) return opened.error();
      staff = std::move(*opened);
    }
    auto found = IntegrationOfKey(*staff, IntegrationKey::kAdmin, key);
    if (!found) {
      staff.reset();
      return found.error();
    }
    if (!found->has_value()) {
      refused = ApiError(req, ApiErrorCode::kKeyInvalid, "no integration has this Admin API key");
      return InvalidApiInput("authorization", "unknown key");
    }
    return **found;
  }

  Status OpenContent() {
    if (content) return {};
    auto opened = options.open_content_store();
    if (!opened) return opened.error();
    content = std::move(*opened);
    return {};
  }

  // The stored article `id` with its body and revisions (kNotFound when there is none).
  Result<std::pair<Article, std::vector<ArticleRevision>>> Load(int64_t id) {
    auto all = content->LoadArticles(false);
    if (!all) return all.error();
    for (Article& a : *all) {
      if (a.id != id || a.kind == ArticleKind::kPage) continue;
      auto body = content->LoadBody(id);
      if (!body) return body.error();
      a.body_markdown = std::move(*body);
      auto revisions = content->LoadRevisions(id);
      if (!revisions) return revisions.error();
      return std::make_pair(std::move(a), std::move(*revisions));
    }
    return MakeError(ErrorCode::kNotFound, "no article " + std::to_string(id));
  }

  Json PostJson(const Article& a, int64_t revision) {
    return ArticleJson(a, revision, options.now(), options.site().get());
  }

  HttpResponse Answer(const HttpRequest& req, int status, const Article& a, int64_t revision) {
    if (options.wake_webhooks) options.wake_webhooks();
    return ApiJson(req, status, Json{{"posts", Json::array({PostJson(a, revision)})}}.dump());
  }

  // Create (id 0) or update article `id` from the request's {"posts": [{...}]}.
  HttpResponse Save(const HttpRequest& req, const Integration& who, int64_t id) {
    Json body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.contains("posts") || !body["posts"].is_array() ||
        body["posts"].size() != 1 || !body["posts"][0].is_object()) {
      return ApiError(req, ApiErrorCode::kInvalidParameter,
                      "the body must be JSON: {\"posts\": [{...one article...}]}", "posts");
    }
    const Json& post = body["posts"][0];
    if (auto s = OpenContent(); !s) return ApiError(req, s.error());
    std::optional<Article> stored;
    std::vector<ArticleRevision> revisions;
    if (id != 0) {
      auto loaded = Load(id);
      if (!loaded) return ApiError(req, loaded.error());
      stored = std::move(loaded->first);
      revisions = std::move(loaded->second);
      // The update names the state it was made from; a later one is a conflict. The Content
      // API's updated_at (whole seconds) is accepted too, checked to the second.
      const std::string current =
          ArticleUpdatedAt(*stored, revisions.empty() ? 0 : revisions.front().id);
      const std::string seconds =
          TimeZone::IsoUtc(stored->updated ? stored->updated : stored->date);
      const auto sent = post.find("updated_at");
      if (sent == post.end() || !sent->is_string()) {
        return ApiError(req, ApiErrorCode::kInvalidParameter,
                        "an update must send the updated_at it was made from", "updated_at");
      }
      if (sent->get<std::string>() != current && sent->get<std::string>() != seconds) {
        return ApiError(req, ApiErrorCode::kUpdateConflict,
                        "the article was changed (updated_at " + current + ", not " +
                            sent->get<std::string>() + "): read it again and reapply your change",
                        "updated_at");
      }
    }
    auto action = ActionOf(post, stored ? &*stored : nullptr);
    if (!action) return ApiError(req, action.error());
    const std::string author = "integration:" + who.name;
    const bool own = !stored || OwnerOf(revisions) == author;
    const StaffRole role = ParseStaffRole(who.role).value_or(StaffRole::kContributor);
    if (std::string why = EditRefusal(role, *action, own, stored && IsLive(*stored));
        !why.empty()) {
      return ApiError(req, ApiErrorCode::kNoPermission, why);
    }
    auto edited = ArticleFromPost(post, stored ? *stored : Article{}, BaseUrl());
    if (!edited) return ApiError(req, edited.error());
    int64_t publish_at = 0;
    if (*action == EditAction::kSchedule) {
      const std::shared_ptr<const Site> site = options.site();
      std::string when;
      if (auto s = ReadString(post, "published_at", when); !s) return ApiError(req, s.error());
      auto parsed = site ? site->tz().Parse(when) : std::nullopt;
      if (!parsed) {
        return ApiError(req, ApiErrorCode::kInvalidParameter,
                        "a scheduled article needs published_at as a date and time",
                        "published_at");
      }
      publish_at = *parsed;
    }
    auto applied =
        ApplyEditAction(*edited, stored ? &*stored : nullptr, *action, options.now(), publish_at);
    if (!applied) return ApiError(req, applied.error());
    if (!stored) applied->source_path = "content/" + applied->section + "/" + applied->slug + ".md";
    const int64_t based_on = revisions.empty() ? 0 : revisions.front().id;
    EditSave save{*applied, based_on, author, *action, options.now(), nullptr};
    if (stored) save.before = &*stored;
    save.before_commit =
        QueueArticleEvent(Hooks(), ArticleEventOf(*action, stored && IsLive(*stored), *applied),
                          *applied, options.site(), options.now());
    auto saved = SaveEdit(*content, save);
    if (!saved) {
      if (saved.error().code == ErrorCode::kConflict && saved.error().field != kRevisionField) {
        Error e = saved.error();  // another piece has this address
        e.code = ErrorCode::kInvalidInput;
        e.field = "slug";
        return ApiError(req, e);
      }
      return ApiError(req, saved.error());
    }
    applied->id = saved->article_id;
    return Answer(req, id == 0 ? 201 : 200, *applied, saved->revision_id);
  }

  HttpResponse Delete(const HttpRequest& req, const Integration& who, int64_t id) {
    if (auto s = OpenContent(); !s) return ApiError(req, s.error());
    auto loaded = Load(id);
    if (!loaded) return ApiError(req, loaded.error());
    const StaffRole role = ParseStaffRole(who.role).value_or(StaffRole::kContributor);
    const auto& [article, revisions] = *loaded;
    const bool own = OwnerOf(revisions) == "integration:" + who.name;
    if (std::string why = DeleteRefusal(role, own, IsLive(article), EverLive(revisions));
        !why.empty()) {
      return ApiError(req, ApiErrorCode::kNoPermission, why);
    }
    if (Status done =
            DeleteArticleAndTell(*content, Hooks(), article, options.site().get(), options.now());
        !done) {
      return ApiError(req, done.error());
    }
    if (options.wake_webhooks) options.wake_webhooks();
    HttpResponse r = ApiJson(req, 204, "");
    r.body.reset();
    return r;
  }

  // The integration of the request's key, or the answer that refuses it.
  std::variant<Integration, HttpResponse> Caller(const HttpRequest& req) {
    HttpResponse refused;
    auto who = Authenticate(req, refused);
    if (!who) return refused.status != 200 ? refused : ApiError(req, who.error());
    return std::move(*who);
  }

  // Why `who` may not upload, or nullopt when it may.
  static std::optional<HttpResponse> UploadRefusal(const HttpRequest& req, const Integration& who) {
    const StaffRole role = ParseStaffRole(who.role).value_or(StaffRole::kContributor);
    if (!Allows(role, Permission::kWriteOwnDrafts)) {
      return ApiError(req, ApiErrorCode::kNoPermission, "this integration may not upload");
    }
    return std::nullopt;
  }

  HttpResponse UploadImage(const HttpRequest& req, const Integration& who) {
    if (auto refused = UploadRefusal(req, who)) return std::move(*refused);
    const std::shared_ptr<const Site> site = options.site();
    if (!site) return ApiError(req, ApiErrorCode::kUnavailable, "the site is not loaded yet");
    // A connection of its own: the stills take a while, and the articles' lock is not needed.
    auto store = options.open_content_store();
    if (!store) return ApiError(req, store.error());
    ImageUploadCall call{**store,
                         "integration:" + who.name,
                         BaseUrl(),
                         int64_t{site->config().staff.max_upload_mb} * 1024 * 1024,
                         options.now(),
                         options.stills,
                         options.upload_folder};
    return UploadImageAnswer(req, call);
  }

  // A members' route: editor integrations only, over this connection's member store.
  HttpResponse Members(const HttpRequest& req, const Integration& who, int64_t id) {
    const StaffRole role = ParseStaffRole(who.role).value_or(StaffRole::kContributor);
    if (!Allows(role, Permission::kManageMembers)) {
      return ApiError(req, ApiErrorCode::kNoPermission,
                      "only an editor integration may read or change members");
    }
    const std::shared_ptr<const Site> site = options.site();
    if (!site || !options.open_member_store || !options.open_newsletter_store) {
      return ApiError(req, ApiErrorCode::kUnavailable, "members cannot be reached now");
    }
    if (!members) {
      auto opened = options.open_member_store();
      if (!opened) return ApiError(req, opened.error());
      members = std::move(*opened);
    }
    if (!newsletters) {
      auto opened = options.open_newsletter_store();
      if (!opened) return ApiError(req, opened.error());
      newsletters = std::move(*opened);
    }
    std::function<Status(const MailMessage&)> send = options.send;
    if (!send) {
      send = [](const MailMessage&) -> Status {
        return MakeError(ErrorCode::kIo, "no outbox to send the sign-in link");
      };
    }
    MembersApiCall call{*members,      *newsletters,          site->config(),
                        options.now(), options.member_events, send};
    HttpResponse r;
    if (req.method == "GET") {
      r = id == 0 ? ListMembersAnswer(req, call) : MemberAnswer(req, call, id);
    } else if (req.method == "POST") {
      r = AddMemberAnswer(req, call);
    } else if (req.method == "PUT") {
      r = EditMemberAnswer(req, call, id);
    } else {
      r = DeleteMemberAnswer(req, call, id);
    }
    if (r.status >= 500) {
      members.reset();  // opened again on the next request
      newsletters.reset();
    } else if (req.method != "GET" && options.wake_webhooks) {
      options.wake_webhooks();
    }
    return r;
  }
};

AdminApi::AdminApi(AdminApiOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
}

AdminApi::~AdminApi() = default;

std::optional<HttpResponse> AdminApi::RefuseUpload(const HttpRequest& head) {
  std::lock_guard lock(state_->mu);
  auto who = state_->Caller(head);
  if (auto* refused = std::get_if<HttpResponse>(&who)) return std::move(*refused);
  return State::UploadRefusal(head, std::get<Integration>(who));
}

void AdminApi::Mount(Router& router) {
  using Handler =
      std::function<HttpResponse(State&, const HttpRequest&, const Integration&, int64_t)>;
  // Each route authenticates, finds the item's id in the path below `prefix` (for /{id}/), then
  // answers.
  auto guarded = [state = state_](std::string_view prefix, bool with_id, Handler handler) {
    return [state, prefix, with_id, handler](RequestContext& ctx) {
      const HttpRequest& req = ctx.request;
      std::lock_guard lock(state->mu);
      auto caller = state->Caller(req);
      if (auto* refused = std::get_if<HttpResponse>(&caller)) return std::move(*refused);
      const Integration& who = std::get<Integration>(caller);
      int64_t id = 0;
      if (with_id) {
        std::string_view rest = req.Path().substr(prefix.size());
        if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
        id = IdOf(rest);
        if (id == 0) return ApiError(req, ApiErrorCode::kNotFound, "nothing at this path");
      }
      return handler(*state, req, who, id);
    };
  };
  auto save = [](State& s, const HttpRequest& req, const Integration& who, int64_t id) {
    return s.Save(req, who, id);
  };
  auto remove = [](State& s, const HttpRequest& req, const Integration& who, int64_t id) {
    return s.Delete(req, who, id);
  };
  auto upload = [](State& s, const HttpRequest& req, const Integration& who, int64_t) {
    return s.UploadImage(req, who);
  };
  auto members = [](State& s, const HttpRequest& req, const Integration& who, int64_t id) {
    return s.Members(req, who, id);
  };
  const std::string articles(kArticles), people(kMembers);
  router.Add({"POST", articles, false, false, guarded(kArticles, false, save)});
  router.Add({"PUT", articles, true, false, guarded(kArticles, true, save)});
  router.Add({"DELETE", articles, true, false, guarded(kArticles, true, remove)});
  router.Add(
      {"POST", std::string(kImageUpload), false, false, guarded(kImageUpload, false, upload)});
  router.Add({"GET", people, false, false, guarded(kMembers, false, members)});
  router.Add({"POST", people, false, false, guarded(kMembers, false, members)});
  for (const char* method : {"GET", "PUT", "DELETE"}) {
    router.Add({method, people, true, false, guarded(kMembers, true, members)});
  }
}

}  // namespace cinepress
