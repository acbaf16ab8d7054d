// The newsroom's collections (AdminWeb's, declared in admin_web.h): /admin/collections/, the
// list; new/, a collection made (a draft until published); {id}/, its fields and its entries in
// order, each with Move up, Move down and Remove buttons (forms: no script needed) and an "Add
// article" search (the articles list's own); {id}/order/, the one endpoint every change of the
// entries posts to — the buttons, the additions and collection.js's drag, which posts the whole
// order; {id}/delete/, asked and then done. Every save names the revision the page was opened
// at, and one from an older revision is refused with who saved since (staff/collections.h).
// Editors and admins.
#include <nlohmann/json.hpp>

#include "content/collection.h"
#include "core/dates.h"
#include "core/text.h"
#include "site/site.h"
#include "staff/collections.h"
#include "web/admin_articles.h"
#include "web/admin_visit.h"

namespace cinepress {
namespace {

constexpr std::string_view kCollectionsPrefix = "/admin/collections/";
constexpr size_t kFoundShown = 20;

std::string AdminCollectionUrl(int64_t id) {
  return std::string(kCollectionsPrefix) + std::to_string(id) + "/";
}

// What an entry is on the site now: its title, page and kind; null title when it is not there.
struct EntryOnSite {
  std::string title, url, kind;
};
std::optional<EntryOnSite> FindEntry(const Site& site, const std::string& entry) {
  const std::string path = CollectionEntryPath(entry);
  const Output* o = path.empty() ? nullptr : site.FindOutput(OutputPathOf(path));
  if (!o) return std::nullopt;
  switch (o->kind) {
    case OutputKind::kArticle:
      return EntryOnSite{site.articles()[o->ref].title, path, "article"};
    case OutputKind::kFilm:
      return EntryOnSite{site.records().films[o->ref].film.title, path, "film"};
    case OutputKind::kPerson:
      return EntryOnSite{site.records().people[o->ref].name.display, path, "person"};
    default:
      return std::nullopt;
  }
}

bool WantsJson(const HttpRequest& request) {
  return request.Header("accept").find("application/json") != std::string_view::npos;
}

std::vector<std::string> FormEntries(const Form& form) {
  std::vector<std::string> out;
  for (auto [it, end] = form.equal_range("entry"); it != end; ++it) out.push_back(it->second);
  return out;
}

}  // namespace

const std::vector<AdminWeb::SubRoute>& AdminWeb::CollectionRoutes() {
  static const std::vector<SubRoute> kRoutes = {
      {"GET", "", &AdminWeb::CollectionGet},
      {"POST", "save", &AdminWeb::CollectionSavePost},
      {"POST", "order", &AdminWeb::CollectionOrderPost},
      {"GET", "delete", &AdminWeb::CollectionDeleteGet},
      {"POST", "delete", &AdminWeb::CollectionDeletePost},
  };
  return kRoutes;
}

HttpResponse AdminWeb::CollectionDispatch(Visit& v) {
  return SubDispatch(v, kCollectionsPrefix, CollectionRoutes());
}

Result<AdminWeb::EditTarget> AdminWeb::LoadCollection(const std::string& key) {
  const int64_t id = AdminId(key);
  auto t = id ? LoadTarget(id) : Result<EditTarget>(Error{ErrorCode::kNotFound, "", {}, 0, {}});
  if (t && IsCollection(*t->stored)) return t;
  if (t || t.error().code == ErrorCode::kNotFound) {
    return Error{ErrorCode::kNotFound, "There is no collection " + key + ".", {}, 0, {}};
  }
  return t;
}

HttpResponse AdminWeb::CollectionsGet(Visit& v) {
  const int64_t now = options_.now();
  auto articles = Articles();
  std::vector<const Article*> rows;
  for (const Article& a : *articles) {
    if (IsCollection(a)) rows.push_back(&a);
  }
  std::sort(rows.begin(), rows.end(),
            [](const Article* x, const Article* y) { return x->title < y->title; });
  kainjow::mustache::list list;
  for (const Article* a : rows) {
    TemplateData d;
    d.set("title", a->title);
    d.set("edit_url", AdminCollectionUrl(a->id));
    d.set("status", std::string(AdminStatusOf(*a, now)));
    d.set("count", std::to_string(a->items.size()));
    list.push_back(d);
  }
  TemplateData view;
  view.set("has_rows", !list.empty());
  view.set("rows", list);
  const std::string deleted = AdminParam(AdminQueryParams(v.ctx.request), "deleted");
  SetIf(view, "notice", deleted.empty() ? "" : "Deleted “" + deleted + "”.");
  return Render(v, 200, "collections", "Collections", view);
}

HttpResponse AdminWeb::CollectionPage(Visit& v, int status, const Article& c, int64_t revision,
                                      const Error* error, const std::string& notice) {
  TemplateData view;
  view.set("title", c.title);
  view.set("slug", c.slug);
  view.set("dek", c.dek);
  view.set("intro", c.body_markdown);
  view.set("revision", std::to_string(revision));
  if (error) {
    view.set("error", error->message);
    if (!error->field.empty()) view.set("invalid_" + error->field, true);
  }
  SetIf(view, "notice", notice);
  if (c.id == 0) {
    view.set("base", std::string(kCollectionsPrefix) + "new/");
    return Render(v, status, "collection", "New collection", view);
  }
  const std::string base = AdminCollectionUrl(c.id);
  view.set("base", base);
  view.set("stored", true);
  const std::string state(AdminStatusOf(c, options_.now()));
  view.set("status", state);
  if (state == "published") {
    view.set("public_url",
             ExpandPermalink(v.site->config().permalinks.collection, {{"slug", c.slug}}));
  } else {
    view.set("may_publish", true);
  }
  kainjow::mustache::list entries;
  for (size_t i = 0; i < c.items.size(); ++i) {
    TemplateData d;
    d.set("entry", c.items[i]);
    d.set("index", std::to_string(i));
    d.set("place", std::to_string(i + 1));
    if (auto on = FindEntry(*v.site, c.items[i])) {
      d.set("title", on->title);
      d.set("url", on->url);
      d.set("kind", on->kind);
    } else {
      d.set("title", c.items[i]);
      d.set("missing", true);
    }
    if (i == 0) d.set("first", true);
    if (i + 1 == c.items.size()) d.set("last", true);
    entries.push_back(d);
  }
  if (!entries.empty()) view.set("has_entries", true);
  view.set("entries", entries);
  // The "Add article" search: the articles list's search, published articles not in it yet.
  const std::string q(Trim(AdminParam(AdminQueryParams(v.ctx.request), "q")));
  if (!q.empty()) {
    view.set("q", q);
    ArticleFilter f;
    f.status = "published";
    f.found = FoundArticleIds(q);
    f.per_page = kFoundShown;
    auto articles = Articles();
    kainjow::mustache::list found;
    for (const Article* a : FilterArticles(*articles, f, options_.now()).rows) {
      const std::string entry = a->section + "/" + a->slug;
      if (AddEntry(c.items, entry).ok()) {
        TemplateData d;
        d.set("entry", entry);
        d.set("title", a->title);
        d.set("section", a->section);
        d.set("date", TimeZone::IsoUtc(a->date).substr(0, 10));
        found.push_back(d);
      }
    }
    view.set("searched", true);
    if (!found.empty()) view.set("has_found", true);
    view.set("found", found);
  }
  view.set("script", "/admin" + options_.templates->AssetUrl("collection.js"));
  return Render(v, status, "collection", c.title, view);
}

HttpResponse AdminWeb::CollectionNewGet(Visit& v) {
  return CollectionPage(v, 200, Article{}, 0, nullptr, "");
}

HttpResponse AdminWeb::CollectionNewPost(Visit& v) { return CollectionSavePost(v, ""); }

HttpResponse AdminWeb::CollectionGet(Visit& v, const std::string& key) {
  auto t = LoadCollection(key);
  if (!t) return Refused(v, t.error().code == ErrorCode::kNotFound ? 404 : 500, t.error().message);
  const std::string saved = AdminParam(AdminQueryParams(v.ctx.request), "saved");
  return CollectionPage(v, 200, *t->stored, t->revisions.empty() ? 0 : t->revisions.front().id,
                        nullptr, saved.empty() ? "" : "Saved: the site shows it within a second.");
}

// A save refused because someone saved since: the page again as it is now, saying so.
HttpResponse AdminWeb::CollectionConflict(Visit& v, const std::string& key) {
  auto t = LoadCollection(key);
  if (!t) return Refused(v, 404, t.error().message);
  const ArticleRevision& newest = t->revisions.front();
  const std::string message = newest.author + " changed this collection at " +
                              v.site->tz().Iso(newest.created) +
                              ", after you opened it: your change was not made. This is the "
                              "collection as it is now; make your change again.";
  if (WantsJson(v.ctx.request)) return AdminJson(409, {{"error", message}});
  Error e{ErrorCode::kConflict, message, {}, 0, {}};
  return CollectionPage(v, 409, *t->stored, newest.id, &e, "");
}

HttpResponse AdminWeb::CollectionSavePost(Visit& v, const std::string& key) {
  std::optional<EditTarget> t;
  if (!key.empty()) {
    auto loaded = LoadCollection(key);
    if (!loaded) return Refused(v, 404, loaded.error().message);
    t = std::move(*loaded);
  }
  const std::string verb = v.Field("action");
  const EditAction action = verb == "publish"     ? EditAction::kPublish
                            : verb == "unpublish" ? EditAction::kUnpublish
                                                  : EditAction::kSave;
  CollectionFields fields{v.Field("title"), v.Field("slug"), v.Field("dek"),
                          FormValue(v.form, "intro")};
  auto articles = Articles();
  Result<EditSaved> saved = Error{};
  {
    std::lock_guard lock(content_mu_);
    saved = SaveCollectionFields(
        *content_, t ? &*t->stored : nullptr, fields, action,
        {v.staff->member.email, AdminId(v.Field("revision")), options_.now()}, *articles);
  }
  if (!saved && saved.error().field == kRevisionField) return CollectionConflict(v, key);
  if (!saved) {
    Article shown = t ? *t->stored : Article{};
    shown.title = fields.title;
    shown.slug = fields.slug;
    shown.dek = fields.dek;
    shown.body_markdown = fields.intro;
    return CollectionPage(v, 400, shown, AdminId(v.Field("revision")), &saved.error(), "");
  }
  return AdminSeeOther(AdminCollectionUrl(saved->article_id) + "?saved=1");
}

HttpResponse AdminWeb::CollectionOrderPost(Visit& v, const std::string& key) {
  auto t = LoadCollection(key);
  if (!t) return Refused(v, 404, t.error().message);
  const std::vector<std::string>& items = t->stored->items;
  const std::string op = v.Field("op");
  const auto index = static_cast<size_t>(AdminId(v.Field("index")) - 1);  // 1-based: 0 is none
  Result<std::vector<std::string>> entries = Error{};
  if (op == "up" || op == "down") {
    entries = MoveEntry(items, index, op == "up" ? EntryMove::kUp : EntryMove::kDown);
  } else if (op == "remove") {
    entries = RemoveEntry(items, index);
  } else if (op == "add") {
    const std::string entry(Trim(v.Field("entry")));
    entries = FindEntry(*v.site, entry)
                  ? AddEntry(items, entry)
                  : Error{ErrorCode::kInvalidInput,
                          "“" + entry +
                              "” is not the address of an article, film or person "
                              "of the site",
                          {},
                          0,
                          "entry"};
  } else if (op == "reorder") {
    entries = ReorderEntries(items, FormEntries(v.form));
  } else {
    entries = Error{ErrorCode::kInvalidInput, "The form did not say what to change.", {}, 0, {}};
  }
  const int64_t based_on = AdminId(v.Field("revision"));
  const int64_t newest = t->revisions.empty() ? 0 : t->revisions.front().id;
  // A change made on an older page is refused whatever it is: its places may not be these.
  if (based_on != newest) return CollectionConflict(v, key);
  Result<EditSaved> saved = Error{};
  if (!entries) {
    saved = entries.error();
  } else {
    std::lock_guard lock(content_mu_);
    saved = SaveCollectionEntries(*content_, *t->stored, *entries,
                                  {v.staff->member.email, based_on, options_.now()});
  }
  if (!saved && saved.error().field == kRevisionField) return CollectionConflict(v, key);
  if (WantsJson(v.ctx.request)) {
    if (!saved) return AdminJson(400, {{"error", saved.error().message}});
    return AdminJson(200, {{"revision", saved->revision_id}, {"entries", *entries}});
  }
  if (!saved) return CollectionPage(v, 400, *t->stored, newest, &saved.error(), "");
  return AdminSeeOther(AdminCollectionUrl(t->stored->id) + "?saved=1#entries");
}

HttpResponse AdminWeb::CollectionDeleteGet(Visit& v, const std::string& key) {
  auto t = LoadCollection(key);
  if (!t) return Refused(v, 404, t.error().message);
  TemplateData view;
  view.set("title", t->stored->title);
  view.set("base", AdminCollectionUrl(t->stored->id));
  view.set("count", std::to_string(t->stored->items.size()));
  view.set("revision", std::to_string(t->revisions.empty() ? 0 : t->revisions.front().id));
  return Render(v, 200, "collection-delete", "Delete “" + t->stored->title + "”?", view);
}

HttpResponse AdminWeb::CollectionDeletePost(Visit& v, const std::string& key) {
  auto t = LoadCollection(key);
  if (!t) return Refused(v, 404, t.error().message);
  Status s;
  {
    std::lock_guard lock(content_mu_);
    s = DeleteCollection(*content_, t->stored->id, AdminId(v.Field("revision")));
  }
  if (!s && s.error().field == kRevisionField) return CollectionConflict(v, key);
  if (!s) return Refused(v, 500, s.error().message);
  return AdminSeeOther(std::string(kCollectionsPrefix) +
                       "?deleted=" + PercentEncode(t->stored->title));
}

}  // namespace cinepress
