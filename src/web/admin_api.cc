#include "web/admin_api.h"

#include <charconv>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/dates.h"
#include "core/slug.h"
#include "staff/editing.h"
#include "staff/integrations.h"
#include "web/api_response.h"
#include "webhooks/webhooks.h"

namespace cinepress {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kArticles = "/api/admin/articles/";

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
Result<Article> ArticleFromPost(const Json& post, Article base) {
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

std::string_view StatusOf(const Article& a, int64_t now) {
  if (a.draft) return "draft";
  return a.date > now ? "scheduled" : "published";
}

// An article's `updated_at` as the Admin API shows it: the last save's time, whose milliseconds
// are the save's revision number modulo 1000 — two saves in one second read differently, so an
// update made from the first is refused after the second.
std::string UpdatedAt(const Article& a, int64_t revision) {
  std::string iso = TimeZone::IsoUtc(a.updated ? a.updated : a.date);  // "…:34Z"
  const std::string ms = std::to_string(1000 + revision % 1000).substr(1);
  iso.insert(iso.size() - 1, "." + ms);
  return iso;
}

// The webhook event a save is ("" for none: a draft's save tells nobody).
std::string_view EventOf(EditAction action, bool was_live, const Article& after) {
  if (action == EditAction::kPublish) return "article.published";
  if (action == EditAction::kUnpublish) return "article.unpublished";
  if (was_live && IsLive(after) && action != EditAction::kAutosave) return "article.updated";
  return "";
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
    const std::shared_ptr<const Site> site = options.site();
    return {{"id", std::to_string(a.id)},
            {"title", a.title},
            {"slug", a.slug},
            {"section", a.section},
            {"status", StatusOf(a, options.now())},
            {"published_at", a.draft ? Json(nullptr) : Json(TimeZone::IsoUtc(a.date))},
            {"updated_at", UpdatedAt(a, revision)},
            {"url", site ? Json(site->ArticleUrl(a)) : Json(nullptr)}};
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
      const std::string current = UpdatedAt(*stored, revisions.empty() ? 0 : revisions.front().id);
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
    auto edited = ArticleFromPost(post, stored ? *stored : Article{});
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
    const std::string_view event = EventOf(*action, stored && IsLive(*stored), *applied);
    if (!event.empty()) {
      save.before_commit = [this, &applied, event](ContentStore& store, const EditSaved& done) {
        Article told = *applied;
        told.id = done.article_id;
        return QueueWebhookEvent(store, options.webhooks, event,
                                 PostJson(told, done.revision_id).dump(), options.now());
      };
    }
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
    const bool own = OwnerOf(loaded->second) == "integration:" + who.name;
    // An editor deletes any piece; others only their own drafts.
    if (!Allows(role, Permission::kEditAllContent) && !(own && !IsLive(loaded->first))) {
      return ApiError(req, ApiErrorCode::kNoPermission,
                      "only an editor may delete a piece that is not its own draft");
    }
    // The delete and its webhooks' event in one transaction.
    if (auto s = content->BeginTransaction(); !s) return ApiError(req, s.error());
    Status done = QueueWebhookEvent(*content, options.webhooks, "article.deleted",
                                    PostJson(loaded->first, 0).dump(), options.now());
    if (done) done = content->DeleteArticle(id);
    if (done) done = content->Commit();
    if (!done) {
      (void)content->Rollback();  // the error is `done`'s
      return ApiError(req, done.error());
    }
    if (options.wake_webhooks) options.wake_webhooks();
    HttpResponse r = ApiJson(req, 204, "");
    r.body.reset();
    return r;
  }
};

AdminApi::AdminApi(AdminApiOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
}

AdminApi::~AdminApi() = default;

void AdminApi::Mount(Router& router) {
  using Handler =
      std::function<HttpResponse(State&, const HttpRequest&, const Integration&, int64_t)>;
  // Each route authenticates, finds the article's id in the path (for /{id}/), then answers.
  auto guarded = [state = state_](bool with_id, Handler handler) {
    return [state, with_id, handler](RequestContext& ctx) {
      const HttpRequest& req = ctx.request;
      std::lock_guard lock(state->mu);
      HttpResponse refused;
      auto who = state->Authenticate(req, refused);
      if (!who) return refused.status != 200 ? refused : ApiError(req, who.error());
      int64_t id = 0;
      if (with_id) {
        std::string_view rest = req.Path().substr(kArticles.size());
        if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
        id = IdOf(rest);
        if (id == 0) return ApiError(req, ApiErrorCode::kNotFound, "no article at this path");
      }
      return handler(*state, req, *who, id);
    };
  };
  const std::string articles(kArticles);
  router.Add({"POST", articles, false, false,
              guarded(false, [](State& s, const HttpRequest& req, const Integration& who, int64_t) {
                return s.Save(req, who, 0);
              })});
  router.Add({"PUT", articles, true, false,
              guarded(true, [](State& s, const HttpRequest& req, const Integration& who,
                               int64_t id) { return s.Save(req, who, id); })});
  router.Add({"DELETE", articles, true, false,
              guarded(true, [](State& s, const HttpRequest& req, const Integration& who,
                               int64_t id) { return s.Delete(req, who, id); })});
}

}  // namespace cinepress
