#include "web/content_api.h"

#include <algorithm>
#include <charconv>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "core/dates.h"
#include "core/slug.h"
#include "staff/integrations.h"
#include "web/api_list.h"
#include "web/api_response.h"
#include "web/content_filter.h"
#include "web/url_params.h"

namespace cinepress {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kApiRoot = "/api/content/";
constexpr size_t kWordsPerMinute = 275;  // Ghost's reading_time

std::string KeyOf(std::string_view query_string) {
  auto params = DecodeUrlParams(query_string);
  if (!params) return "";
  for (const auto& [name, value] : *params) {
    if (name == "key") return value;
  }
  return "";
}

bool Wants(const ListQuery& q, std::string_view field) {
  return q.fields.empty() || std::find(q.fields.begin(), q.fields.end(), field) != q.fields.end();
}

std::string Absolute(const Site& site, const std::string& path) {
  std::string base = site.config().base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + path;
}

std::string_view Visibility(const AccessRule& rule) {
  switch (rule.level) {
    case AccessRule::Level::kPublic:
      return "public";
    case AccessRule::Level::kMembers:
      return "members";
    case AccessRule::Level::kPaid:
      return "paid";
    case AccessRule::Level::kTiers:
      return "tiers";
  }
  return "public";
}

// The lists of one kind ("author", "tag"), in the site's order.
std::vector<const SiteList*> ListsOf(const Site& site, std::string_view kind) {
  std::vector<const SiteList*> out;
  for (const SiteList& l : site.lists()) {
    if (l.kind == kind) out.push_back(&l);
  }
  return out;
}

std::string LastSegment(const std::string& url) {
  std::string u = url;
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u.substr(u.find_last_of('/') + 1);
}

Json AuthorJson(const Site& site, const SiteList& l, const ListQuery& q) {
  Json a = {{"id", l.author->id},   {"slug", l.author->id},       {"name", l.author->name},
            {"bio", l.author->bio}, {"location", l.author->city}, {"url", Absolute(site, l.url)}};
  if (q.include.count("count.posts")) a["count"] = {{"posts", l.items.size()}};
  return a;
}

Json TagJson(const Site& site, const SiteList& l, const ListQuery& q) {
  const std::string slug = LastSegment(l.url);
  Json t = {{"id", slug},
            {"slug", slug},
            {"name", l.heading},
            {"description", l.description},
            {"url", Absolute(site, l.url)}};
  if (q.include.count("count.posts")) t["count"] = {{"posts", l.items.size()}};
  return t;
}

std::vector<Json> Authors(const Site& site, const ListQuery& q) {
  std::vector<Json> out;
  for (const SiteList* l : ListsOf(site, "author")) out.push_back(AuthorJson(site, *l, q));
  return out;
}

std::vector<Json> Tags(const Site& site, const ListQuery& q) {
  std::vector<Json> out;
  for (const SiteList* l : ListsOf(site, "tag")) out.push_back(TagJson(site, *l, q));
  return out;
}

std::vector<Json> Films(const Site& site, const ListQuery& q) {
  std::vector<Json> out;
  const auto& films = site.records().films;
  for (size_t i = 0; i < films.size(); ++i) {
    const FilmRecord& f = films[i];
    Json j = {{"id", f.slug},
              {"slug", f.slug},
              {"title", f.film.title},
              {"original_title", f.film.original_title},
              {"year", f.film.year},
              {"directors", f.film.directors},
              {"countries", f.film.countries},
              {"runtime", f.film.runtime_min},
              {"url", Absolute(site, site.FilmUrl(i))}};
    if (q.include.count("count.posts")) j["count"] = {{"posts", f.articles.size()}};
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<Json> People(const Site& site, const ListQuery& q) {
  std::vector<Json> out;
  const auto& people = site.records().people;
  for (size_t i = 0; i < people.size(); ++i) {
    const PersonRecord& p = people[i];
    Json j = {{"id", p.slug},           {"slug", p.slug},
              {"name", p.name.display}, {"sort_name", p.name.sort_text},
              {"jobs", p.jobs},         {"url", Absolute(site, site.PersonUrl(i))}};
    if (q.include.count("count.posts")) j["count"] = {{"posts", p.interviews.size()}};
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<Json> Festivals(const Site& site, const ListQuery&) {
  std::vector<Json> out;
  for (const SiteFestival& f : site.festivals()) {
    Json editions = Json::array();
    for (size_t e : f.editions) {
      const SiteEdition& ed = site.editions()[e];
      editions.push_back({{"year", ed.year},
                          {"start", ed.start},
                          {"end", ed.end},
                          {"city", ed.city},
                          {"url", Absolute(site, ed.url)}});
    }
    out.push_back({{"id", f.slug},
                   {"slug", f.slug},
                   {"name", f.name},
                   {"short_name", f.short_name},
                   {"city", f.city},
                   {"url", Absolute(site, f.url)},
                   {"editions", std::move(editions)}});
  }
  return out;
}

using ItemsOf = std::vector<Json> (*)(const Site&, const ListQuery&);

// The resources other than articles, each listed whole from the site and then filtered by the
// string (or number) fields the filter names.
struct TableResource {
  size_t resource;  // index into ContentApi::Resources()
  ItemsOf items;
};
constexpr TableResource kTables[] = {
    {1, &Authors}, {2, &Tags}, {3, &Films}, {4, &People}, {5, &Festivals}};

bool JsonHas(const Json& item, const std::string& key, const std::string& value) {
  auto it = item.find(key);
  if (it == item.end()) return false;
  if (it->is_string()) return it->get<std::string>() == value;
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>()) == value;
  if (it->is_boolean()) return (it->get<bool>() ? "true" : "false") == value;
  return false;
}

}  // namespace

const std::vector<ContentApiResource>& ContentApi::Resources() {
  static const std::vector<ContentApiResource> kResources = {
      {"articles",
       "posts",
       {"id",
        "title",
        "slug",
        "html",
        "excerpt",
        "custom_excerpt",
        "feature_image",
        "feature_image_alt",
        "feature_image_caption",
        "featured",
        "visibility",
        "tiers",
        "published_at",
        "updated_at",
        "url",
        "reading_time",
        "section",
        "film",
        "rating",
        "authors",
        "tags",
        "primary_author",
        "primary_tag"},
       {"tag", "author", "section", "featured", "slug", "visibility", "id"}},
      {"authors",
       "authors",
       {"id", "slug", "name", "bio", "location", "url", "count"},
       {"slug", "id"}},
      {"tags", "tags", {"id", "slug", "name", "description", "url", "count"}, {"slug", "id"}},
      {"films",
       "films",
       {"id", "slug", "title", "original_title", "year", "directors", "countries", "runtime", "url",
        "count"},
       {"slug", "id", "year"}},
      {"people",
       "people",
       {"id", "slug", "name", "sort_name", "jobs", "url", "count"},
       {"slug", "id"}},
      {"festivals",
       "festivals",
       {"id", "slug", "name", "short_name", "city", "url", "editions"},
       {"slug", "id"}},
  };
  return kResources;
}

struct ContentApi::State {
  ContentApiOptions options;
  std::mutex mu;  // guards the two connections (opened on first use, again after an error)
  std::unique_ptr<ContentStore> content;
  std::unique_ptr<StaffStore> staff;

  // The request's key opens the API: nullopt, or the response that refuses it.
  std::optional<HttpResponse> CheckKey(const HttpRequest& req) {
    const std::string key = KeyOf(req.Query());
    if (key.empty()) {
      return ApiError(req, ApiErrorCode::kKeyMissing,
                      "the Content API needs ?key= with an integration's Content API key", "key");
    }
    std::lock_guard lock(mu);
    if (!staff) {
      auto opened = options.open_staff_store();
      if (!opened) return ApiError(req, opened.error());
      staff = std::move(*opened);
    }
    auto found = IntegrationOfKey(*staff, IntegrationKey::kContent, key);
    if (!found) {
      staff.reset();
      return ApiError(req, found.error());
    }
    if (!found->has_value()) {
      return ApiError(req, ApiErrorCode::kKeyInvalid, "no integration has this Content API key",
                      "key");
    }
    return std::nullopt;
  }

  bool ArticleHas(const Site& site, size_t i, const std::string& key, const std::string& value) {
    const Article& a = site.articles()[i];
    if (key == "tag") {
      return std::any_of(a.tags.begin(), a.tags.end(),
                         [&value](const std::string& t) { return Slugify(t) == value; });
    }
    if (key == "author") {
      return std::find(a.author_ids.begin(), a.author_ids.end(), value) != a.author_ids.end();
    }
    if (key == "section") return a.section == value;
    if (key == "featured") return (a.featured ? "true" : "false") == value;
    if (key == "slug") return a.slug == value;
    if (key == "id") return std::to_string(a.id) == value;
    if (key == "visibility") return Visibility(site.access(i)) == value;
    return false;
  }

  // Article i as the key sees it: a restricted article's free part only.
  Result<Json> ArticleJson(const std::shared_ptr<const Site>& site, size_t i, const ListQuery& q) {
    const Article& a = site->articles()[i];
    const AccessRule& rule = site->access(i);
    Json j = {{"id", std::to_string(a.id)}, {"title", a.title}, {"slug", a.slug}};
    if (Wants(q, "html")) {
      std::lock_guard lock(mu);
      if (!content) {
        auto opened = options.open_content_store();
        if (!opened) return opened.error();
        content = std::move(*opened);
      }
      SiteRenderer renderer(site, content.get());
      auto body = renderer.RestrictedBody(a, false);
      if (!body) {
        content.reset();
        return body.error();
      }
      j["html"] = std::move(body->free_html);
    }
    j["excerpt"] = a.dek;
    j["custom_excerpt"] = a.dek.empty() ? Json(nullptr) : Json(a.dek);
    j["feature_image"] = a.image ? Json(Absolute(*site, a.image->src)) : Json(nullptr);
    j["feature_image_alt"] = a.image ? Json(a.image->alt) : Json(nullptr);
    j["feature_image_caption"] = a.image ? Json(a.image->caption) : Json(nullptr);
    j["featured"] = a.featured;
    j["visibility"] = Visibility(rule);
    j["tiers"] = rule.tiers;
    j["published_at"] = TimeZone::IsoUtc(a.date);
    j["updated_at"] = TimeZone::IsoUtc(a.updated ? a.updated : a.date);
    j["url"] = Absolute(*site, site->ArticleUrl(a));
    j["reading_time"] = (a.word_count + kWordsPerMinute - 1) / kWordsPerMinute;
    j["section"] = a.section;
    if (a.film) {
      j["film"] = {
          {"title", a.film->title}, {"year", a.film->year}, {"directors", a.film->directors}};
    } else {
      j["film"] = nullptr;
    }
    j["rating"] = a.rating > 0 ? Json(a.rating) : Json(nullptr);
    if (q.include.count("authors")) AddAuthors(*site, a, q, j);
    if (q.include.count("tags")) AddTags(*site, a, q, j);
    return Pick(std::move(j), q.fields);
  }

  static void AddAuthors(const Site& site, const Article& a, const ListQuery& q, Json& j) {
    Json authors = Json::array();
    for (const std::string& id : a.author_ids) {
      for (const SiteList* l : ListsOf(site, "author")) {
        if (l->author->id == id) authors.push_back(AuthorJson(site, *l, q));
      }
    }
    j["primary_author"] = authors.empty() ? Json(nullptr) : authors[0];
    j["authors"] = std::move(authors);
  }

  static void AddTags(const Site& site, const Article& a, const ListQuery& q, Json& j) {
    Json tags = Json::array();
    for (const std::string& t : a.tags) {
      const std::string slug = Slugify(t);
      for (const SiteList* l : ListsOf(site, "tag")) {
        if (LastSegment(l->url) == slug) tags.push_back(TagJson(site, *l, q));
      }
    }
    j["primary_tag"] = tags.empty() ? Json(nullptr) : tags[0];
    j["tags"] = std::move(tags);
  }

  HttpResponse ListArticles(const HttpRequest& req, const std::shared_ptr<const Site>& site) {
    auto q = ReadListQuery(req.Query(), Resources()[0]);
    if (!q) return ApiError(req, q.error());
    std::vector<size_t> matching;
    for (size_t i = 0; i < site->articles().size(); ++i) {
      auto has = [&](const std::string& k, const std::string& v) {
        return ArticleHas(*site, i, k, v);
      };
      if (q->filter.Matches(has)) matching.push_back(i);
    }
    Json posts = Json::array();
    const auto [first, last] = PageRange(*q, matching.size());
    for (size_t n = first; n < last; ++n) {
      auto item = ArticleJson(site, matching[n], *q);
      if (!item) return ApiError(req, item.error());
      posts.push_back(std::move(*item));
    }
    Json body = {{"posts", std::move(posts)}, {"meta", Pagination(*q, matching.size())}};
    return ApiJson(req, 200, body.dump(), true);
  }

  // /api/content/articles/{id}/ and /api/content/articles/slug/{slug}/.
  HttpResponse OneArticle(const HttpRequest& req, const std::shared_ptr<const Site>& site) {
    auto q = ReadListQuery(req.Query(), Resources()[0]);
    if (!q) return ApiError(req, q.error());
    std::string rest(req.Path().substr(kApiRoot.size() + std::string_view("articles/").size()));
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    const bool by_slug = rest.rfind("slug/", 0) == 0;
    const std::string wanted = by_slug ? rest.substr(5) : rest;
    const std::string key = by_slug ? "slug" : "id";
    for (size_t i = 0; i < site->articles().size(); ++i) {
      if (wanted.empty() || wanted.find('/') != std::string::npos) break;
      if (!ArticleHas(*site, i, key, wanted)) continue;
      auto item = ArticleJson(site, i, *q);
      if (!item) return ApiError(req, item.error());
      Json body = {{"posts", Json::array({std::move(*item)})}};
      return ApiJson(req, 200, body.dump(), true);
    }
    return ApiError(req, ApiErrorCode::kNotFound,
                    "no published article " + key + " \"" + wanted + "\"");
  }

  HttpResponse ListTable(const HttpRequest& req, const Site& site, const TableResource& table) {
    const ContentApiResource& res = Resources()[table.resource];
    auto q = ReadListQuery(req.Query(), res);
    if (!q) return ApiError(req, q.error());
    std::vector<Json> all = table.items(site, *q);
    std::vector<Json*> matching;
    for (Json& item : all) {
      auto has = [&item](const std::string& k, const std::string& v) {
        return JsonHas(item, k, v);
      };
      if (q->filter.Matches(has)) matching.push_back(&item);
    }
    Json items = Json::array();
    const auto [first, last] = PageRange(*q, matching.size());
    for (size_t n = first; n < last; ++n) items.push_back(Pick(std::move(*matching[n]), q->fields));
    Json body = {{res.key, std::move(items)}, {"meta", Pagination(*q, matching.size())}};
    return ApiJson(req, 200, body.dump(), true);
  }
};

ContentApi::ContentApi(ContentApiOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
}

ContentApi::~ContentApi() = default;

void ContentApi::Mount(Router& router) {
  // Each handler checks the key and that a site is loaded, then answers from the site as it is.
  using Answer =
      std::function<HttpResponse(State&, const HttpRequest&, const std::shared_ptr<const Site>&)>;
  auto guarded = [state = state_](Answer answer) {
    return [state, answer](RequestContext& ctx) {
      if (auto refused = state->CheckKey(ctx.request)) return std::move(*refused);
      std::shared_ptr<const Site> site = state->options.site();
      if (!site) {
        return ApiError(ctx.request, ApiErrorCode::kUnavailable, "the site is not loaded yet");
      }
      return answer(*state, ctx.request, site);
    };
  };
  auto preflight = [](RequestContext&) { return ApiPreflight(); };
  auto add = [&router, &preflight](const std::string& path, bool prefix, RouteHandler handler) {
    router.Add({"GET", path, prefix, false, std::move(handler)});
    router.Add({"OPTIONS", path, prefix, false, preflight});
  };
  const std::string root(kApiRoot);
  add(root + "articles/", false,
      guarded([](State& s, const HttpRequest& req, const std::shared_ptr<const Site>& site) {
        return s.ListArticles(req, site);
      }));
  add(root + "articles/", true,
      guarded([](State& s, const HttpRequest& req, const std::shared_ptr<const Site>& site) {
        return s.OneArticle(req, site);
      }));
  for (const TableResource& table : kTables) {
    add(root + Resources()[table.resource].path + "/", false,
        guarded(
            [&table](State& s, const HttpRequest& req, const std::shared_ptr<const Site>& site) {
              return s.ListTable(req, *site, table);
            }));
  }
}

}  // namespace cinepress
