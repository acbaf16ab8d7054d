// The newsroom's editor pages (AdminWeb's, declared in admin_web.h): the form, its saves, the
// preview made by the site's own renderer and theme, revisions, their comparison, restoring one,
// and the conflict page. The rules are staff/editing.h's; the form is admin_editor.h's.
#include "web/admin_editor.h"

#include <nlohmann/json.hpp>

#include "content/record_edits.h"
#include "site/site.h"
#include "staff/accounts.h"
#include "staff/editing.h"
#include "staff/revisions.h"
#include "web/admin_articles.h"
#include "web/admin_visit.h"
#include "web/article_webhooks.h"
#include "web/private_page.h"

namespace cinepress {
namespace {

constexpr std::string_view kArticlesPrefix = "/admin/articles/";

std::string EditUrl(int64_t id) { return "/admin/articles/" + std::to_string(id) + "/edit/"; }

TemplateData DiffData(const std::vector<DiffLine>& lines) {
  kainjow::mustache::list list;
  for (const DiffLine& l : lines) {
    TemplateData d;
    d.set("text", l.text);
    d.set("kind", l.kind == DiffLine::kAdded     ? "added"
                  : l.kind == DiffLine::kRemoved ? "removed"
                                                 : "same");
    d.set("sign", l.kind == DiffLine::kAdded ? "+" : l.kind == DiffLine::kRemoved ? "−" : " ");
    list.push_back(d);
  }
  return TemplateData(list);
}

}  // namespace

// The editor's URLs below /admin/articles/: "new/", "save/", "preview/" and "{id}/VERB/".
struct AdminWeb::EditorRoute {
  const char* method;
  const char* verb;
  bool needs_id;
  EditorHandler handler;
};

const std::vector<AdminWeb::EditorRoute>& AdminWeb::EditorRoutes() {
  static const std::vector<EditorRoute> kRoutes = {
      {"GET", "new", false, &AdminWeb::EditorNewGet},
      {"GET", "edit", true, &AdminWeb::EditorEditGet},
      {"GET", "revisions", true, &AdminWeb::RevisionsGet},
      {"GET", "compare", true, &AdminWeb::CompareGet},
      {"POST", "save", false, &AdminWeb::EditorSavePost},
      {"POST", "preview", false, &AdminWeb::PreviewPost},
      {"POST", "restore", true, &AdminWeb::RestorePost},
      {"GET", "delete", true, &AdminWeb::DeleteGet},
      {"POST", "delete", true, &AdminWeb::DeletePost},
  };
  return kRoutes;
}

std::vector<AdminRouteInfo> AdminWeb::EditorRouteTable() {
  std::vector<AdminRouteInfo> out;
  for (const EditorRoute& r : EditorRoutes()) {
    out.push_back({r.method, std::string(kArticlesPrefix) + (r.needs_id ? "1/" : "") + r.verb + "/",
                   Permission::kWriteOwnDrafts});
  }
  return out;
}

HttpResponse AdminWeb::EditorDispatch(Visit& v) {
  std::string_view rest = v.ctx.request.Path();
  rest.remove_prefix(std::min(rest.size(), kArticlesPrefix.size()));
  int64_t id = 0;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    if (int64_t n = AdminId(rest.substr(0, slash)); n != 0) {
      id = n;
      rest.remove_prefix(slash + 1);
    }
  }
  const std::string method = v.ctx.request.method == "HEAD" ? "GET" : v.ctx.request.method;
  if (method == "POST") ApplyLibraryPick(v);  // the lead image picked from the library
  for (const EditorRoute& r : EditorRoutes()) {
    if (method == r.method && rest == std::string(r.verb) + "/" && (id != 0) == r.needs_id) {
      return (this->*r.handler)(v, id);
    }
  }
  TemplateData d;
  d.set("message", "There is no such newsroom page.");
  return Render(v, 404, "message", "Not found", d);
}

Result<AdminWeb::EditTarget> AdminWeb::LoadTarget(int64_t id) {
  EditTarget t;
  if (id == 0) return t;
  auto articles = Articles();
  for (const Article& a : *articles) {
    if (a.id == id) t.stored = a;
  }
  if (!t.stored)
    return MakeError(ErrorCode::kNotFound, "There is no article " + std::to_string(id) + ".");
  std::lock_guard lock(content_mu_);
  auto body = content_->LoadBody(id);
  if (!body) return body.error();
  t.stored->body_markdown = std::move(*body);
  auto revisions = content_->LoadRevisions(id);
  if (!revisions) return revisions.error();
  t.revisions = std::move(*revisions);
  return t;
}

std::string AdminWeb::EditRefused(Visit& v, const EditTarget& t, EditAction action) {
  const bool own = !t.stored || OwnerOf(t.revisions) == v.staff->member.email;
  return EditRefusal(RoleOf(v.staff->member), action, own, t.stored && IsLive(*t.stored));
}

std::string AdminWeb::DeleteRefused(Visit& v, const EditTarget& t) {
  const bool own = OwnerOf(t.revisions) == v.staff->member.email;
  return DeleteRefusal(RoleOf(v.staff->member), own, IsLive(*t.stored), EverLive(t.revisions));
}

HttpResponse AdminWeb::Refused(Visit& v, int status, const std::string& message) {
  TemplateData d;
  d.set("message", message);
  const char* heading = status == 404   ? "Not found"
                        : status == 403 ? "Not allowed"
                        : status >= 500 ? "Not available"
                                        : "This cannot be done";
  return Render(v, status, "message", heading, d);
}

EditorChoices AdminWeb::Choices(Visit& v) {
  EditorChoices c;
  if (v.site->config().members.enabled) {
    c.access_levels = {"public", "members", "paid"};
    for (const TierConfig& tier : v.site->config().tiers) {
      if (tier.slug != "members") c.access_levels.push_back(tier.slug);
    }
  }
  c.tz = &v.site->tz();
  std::lock_guard lock(content_mu_);
  if (auto sections = content_->LoadSections()) {
    for (const Section& s : *sections) {
      if (!s.key.empty()) c.sections.push_back(s.key);
    }
  }
  if (auto authors = content_->LoadAuthors()) {
    for (const Author& a : *authors) c.writers.push_back(a.id);
  }
  return c;
}

HttpResponse AdminWeb::EditorPage(Visit& v, int status, const Article& a, int64_t based_on,
                                  const EditTarget& t, const Error* error,
                                  const std::string& notice) {
  const EditorChoices choices = Choices(v);
  TemplateData view = EditorFields(a, v.site->tz());
  view.set("id", std::to_string(a.id));
  view.set("revision", std::to_string(based_on));
  TemplateData library = LibraryChoices(v, a.image ? a.image->src : "");
  if (!library.list_value().empty()) view.set("has_library", true);
  view.set("library", library);
  if (a.id != 0) {
    view.set("stored", true);
    view.set("revisions_url", "/admin/articles/" + std::to_string(a.id) + "/revisions/");
    view.set("status", std::string(AdminStatusOf(*t.stored, options_.now())));
    if (t.stored && IsLive(*t.stored)) view.set("public_url", v.site->ArticleUrl(*t.stored));
    if (t.stored && DeleteRefused(v, t).empty()) {
      view.set("delete_url", "/admin/articles/" + std::to_string(a.id) + "/delete/");
    }
  }
  kainjow::mustache::list sections, writers, films, actions;
  for (const std::string& s : choices.sections) {
    TemplateData d;
    d.set("value", s);
    if (s == a.section) d.set("selected", true);
    sections.push_back(d);
  }
  {
    std::lock_guard lock(content_mu_);
    auto authors = content_->LoadAuthors();
    for (const Author& au : authors ? *authors : std::vector<Author>{}) {
      TemplateData d;
      d.set("value", au.id);
      d.set("name", au.name.empty() ? au.id : au.name);
      if (std::find(a.author_ids.begin(), a.author_ids.end(), au.id) != a.author_ids.end()) {
        d.set("selected", true);
      }
      writers.push_back(d);
    }
  }
  for (const FilmRecord& f : v.site->records().films) {
    TemplateData d;
    d.set("title", f.film.title);
    std::string label = f.film.year ? std::to_string(f.film.year) : "";
    if (!f.film.directors.empty()) label += (label.empty() ? "" : " · ") + f.film.directors[0];
    d.set("label", label);
    films.push_back(d);
  }
  // The buttons this person's role allows here (the server asks again on every save).
  const std::pair<EditAction, const char*> kButtons[] = {
      {EditAction::kSave, a.id != 0 && t.stored && IsLive(*t.stored) ? "Update" : "Save draft"},
      {EditAction::kSubmit, "Submit for review"},
      {EditAction::kSchedule, "Schedule"},
      {EditAction::kPublish, "Publish now"},
      {EditAction::kUnpublish, "Unpublish"}};
  for (const auto& button : kButtons) {
    if (button.first == EditAction::kUnpublish && !(t.stored && IsLive(*t.stored))) continue;
    if (!EditRefused(v, t, button.first).empty()) continue;
    TemplateData d;
    d.set("action", std::string(EditActionName(button.first)));
    d.set("label", button.second);
    if (button.first == EditAction::kSchedule) d.set("schedule", true);
    actions.push_back(d);
  }
  view.set("sections", sections);
  view.set("writers", writers);
  view.set("films", films);
  view.set("actions", actions);
  if (!choices.access_levels.empty()) {
    kainjow::mustache::list levels;
    for (const std::string& n : choices.access_levels) {
      TemplateData d;
      d.set("value", n);
      if (n == a.access) d.set("selected", true);
      levels.push_back(d);
    }
    view.set("access_levels", levels);
    view.set("members", true);
  }
  view.set("time_zone", v.site->tz().name());
  view.set("script", "/admin" + options_.templates->AssetUrl("editor.js"));
  if (error) {
    view.set("error", error->message);
    if (!error->field.empty()) {
      view.set("error_field", error->field);
      view.set("invalid_" + error->field, true);
    }
  }
  SetIf(view, "notice", notice);
  HttpResponse r =
      Render(v, status, "editor", a.id == 0 ? "New article" : "Edit: " + a.title, view);
  r.Set("Content-Security-Policy", kAdminFramingPolicy);
  return r;
}

HttpResponse AdminWeb::EditorNewGet(Visit& v, int64_t) {
  Article a;
  a.draft = true;
  return EditorPage(v, 200, a, 0, EditTarget{}, nullptr, "");
}

HttpResponse AdminWeb::EditorEditGet(Visit& v, int64_t id) {
  auto t = LoadTarget(id);
  if (!t) return Refused(v, t.error().code == ErrorCode::kNotFound ? 404 : 500, t.error().message);
  if (auto why = EditRefused(v, *t, EditAction::kSave); !why.empty()) return Refused(v, 403, why);
  // The newest revision, when it is newer than what is stored (an autosave), is what the form
  // shows: the work typed before a browser closed is not lost.
  Article shown = *t->stored;
  std::string notice;
  const auto params = AdminQueryParams(v.ctx.request);
  if (!t->revisions.empty() && t->revisions.front().action == "autosave") {
    std::lock_guard lock(content_mu_);
    if (auto r = content_->LoadRevision(t->revisions.front().id)) {
      shown = r->article;
      shown.id = id;
      notice = "This is the autosaved text of " + t->revisions.front().author +
               ", newer than the saved piece.";
    }
  }
  if (const std::string saved = AdminParam(params, "saved"); !saved.empty()) {
    notice = "Saved (" + saved + ").";
  }
  return EditorPage(v, 200, shown, t->revisions.empty() ? 0 : t->revisions.front().id, *t, nullptr,
                    notice);
}

HttpResponse AdminWeb::EditorSavePost(Visit& v, int64_t) {
  const auto action = ParseEditAction(v.Field("action"));
  if (!action || *action == EditAction::kRestore) {
    return Refused(v, 400, "The form did not say what to do (save, submit, publish…).");
  }
  const int64_t id = AdminId(v.Field("id"));
  const int64_t based_on = AdminId(v.Field("revision"));
  const bool script =
      v.ctx.request.Header("accept").find("application/json") != std::string_view::npos;
  auto t = LoadTarget(id);
  if (!t) return Refused(v, t.error().code == ErrorCode::kNotFound ? 404 : 500, t.error().message);
  if (auto why = EditRefused(v, *t, *action); !why.empty()) {
    if (script) return AdminJson(403, {{"error", why}});
    return Refused(v, 403, why);
  }
  Article base;
  if (t->stored) base = *t->stored;
  auto edited = ArticleFromEditorForm(v.form, base, Choices(v));
  // Without the script's suggestion, a film that is one record of the site (its title, and its
  // year when given) gets the record's facts where the form left them empty.
  if (edited && edited->film) {
    const Film& f = *edited->film;
    if (const FilmRecord* r = OnlyRecordOf(v.site->records(), f.title, f.year)) {
      edited->film = OverlayFilm(r->film, f);
    }
  }
  Result<int64_t> publish_at = edited ? PublishAtFromForm(v.form, v.site->tz()) : int64_t{0};
  Result<Article> applied = Error{};
  if (edited && publish_at) {
    applied = ApplyEditAction(*edited, t->stored ? &*t->stored : nullptr, *action, options_.now(),
                              *publish_at);
  }
  if (!edited || !publish_at || !applied) {
    const Error& e = !edited ? edited.error() : !publish_at ? publish_at.error() : applied.error();
    if (script) return AdminJson(400, {{"error", e.message}, {"field", e.field}});
    Article shown = edited ? *edited : base;
    if (!edited) {
      // Show what was typed, even where it did not pass.
      shown.title = v.Field("title");
      shown.body_markdown = FormValue(v.form, "body");
    }
    shown.id = id;
    return EditorPage(v, 400, shown, based_on, *t, &e, "");
  }
  if (!t->stored)
    applied->source_path = "content/" + applied->section + "/" + applied->slug + ".md";
  Result<EditSaved> saved = Error{};
  {
    std::lock_guard lock(content_mu_);
    EditSave save{*applied, based_on, v.staff->member.email, *action, options_.now()};
    if (t->stored) save.before = &*t->stored;
    save.before_commit =
        QueueArticleEvent(options_.webhooks ? options_.webhooks() : std::vector<WebhookConfig>{},
                          ArticleEventOf(*action, t->stored && IsLive(*t->stored), *applied),
                          *applied, options_.site(), options_.now());
    saved = SaveEdit(*content_, save);
  }
  if (saved && options_.wake_webhooks) options_.wake_webhooks();  // a no-op without an event
  if (!saved && saved.error().code == ErrorCode::kConflict &&
      saved.error().field == kRevisionField) {
    if (script) return AdminJson(409, {{"error", saved.error().message}});
    return ConflictPage(v, *t, *applied);
  }
  if (!saved) {
    if (script) return AdminJson(400, {{"error", saved.error().message}});
    Article shown = *applied;
    Error e = saved.error();
    if (e.code == ErrorCode::kConflict) e.field = "slug";  // another piece has this address
    return EditorPage(v, 400, shown, based_on, *t, &e, "");
  }
  if (script) return AdminJson(200, {{"id", saved->article_id}, {"revision", saved->revision_id}});
  return AdminSeeOther(EditUrl(saved->article_id) +
                       "?saved=" + std::string(EditActionName(*action)));
}

HttpResponse AdminWeb::ConflictPage(Visit& v, const EditTarget& t, const Article& yours) {
  TemplateData view;
  const ArticleRevision& newest = t.revisions.front();
  Result<ArticleRevision> theirs = Error{};
  {
    std::lock_guard lock(content_mu_);
    theirs = content_->LoadRevision(newest.id);
  }
  if (!theirs) return Refused(v, 500, theirs.error().message);
  const std::string their_text = RevisionText(theirs->article);
  const std::string your_text = RevisionText(yours);
  view.set("who", theirs->author);
  view.set("when", v.site->tz().Iso(theirs->created));
  view.set("theirs", their_text);
  view.set("yours", your_text);
  view.set("diff", DiffData(LineDiff(their_text, your_text)));
  view.set("edit_url", EditUrl(yours.id));
  return Render(v, 409, "conflict", "Someone else saved this piece", view);
}

HttpResponse AdminWeb::PreviewPost(Visit& v, int64_t) {
  const int64_t id = AdminId(v.Field("id"));
  auto t = LoadTarget(id);
  if (!t) return Refused(v, t.error().code == ErrorCode::kNotFound ? 404 : 500, t.error().message);
  if (auto why = EditRefused(v, *t, EditAction::kAutosave); !why.empty())
    return Refused(v, 403, why);
  auto edited = ArticleFromEditorForm(v.form, t->stored ? *t->stored : Article{}, Choices(v));
  if (!edited) return Refused(v, 400, edited.error().message);
  if (edited->body_markdown.empty()) edited->body_markdown = "\n";  // never read from the store
  auto preview = v.site->PreviewOf(*edited, options_.now());
  if (!preview) return Refused(v, 400, preview.error().message);
  const Output* page = (*preview)->FirstArticleOutput();
  if (!page) return Refused(v, 400, "This piece has no page to preview.");
  Result<std::string> html = Error{};
  {
    std::lock_guard lock(content_mu_);
    SiteRenderer renderer(*preview, content_.get());
    PageAccess full;
    full.full = true;
    html = renderer.Render(*page, full);
  }
  HttpResponse r = PrivatePage(200, std::move(html), "admin");
  r.Set("X-Frame-Options", "SAMEORIGIN");  // shown in the editor's frame, on this site only
  return r;
}

HttpResponse AdminWeb::RevisionsGet(Visit& v, int64_t id) {
  auto t = LoadTarget(id);
  if (!t) return Refused(v, t.error().code == ErrorCode::kNotFound ? 404 : 500, t.error().message);
  if (auto why = EditRefused(v, *t, EditAction::kSave); !why.empty()) return Refused(v, 403, why);
  kainjow::mustache::list rows;
  for (size_t i = 0; i < t->revisions.size(); ++i) {
    const ArticleRevision& r = t->revisions[i];
    TemplateData d;
    d.set("id", std::to_string(r.id));
    d.set("author", r.author);
    d.set("when", v.site->tz().Iso(r.created));
    d.set("action", r.action);
    if (i == 0) d.set("newest", true);
    if (i == 1) d.set("second", true);
    rows.push_back(d);
  }
  TemplateData view;
  view.set("id", std::to_string(id));
  view.set("revisions", rows);
  view.set("id_of_article", std::to_string(id));
  view.set("newest_id", std::to_string(t->revisions.empty() ? 0 : t->revisions.front().id));
  view.set("edit_url", EditUrl(id));
  if (EditRefused(v, *t, EditAction::kRestore).empty()) view.set("may_restore", true);
  return Render(v, 200, "revisions", "Revisions: " + t->stored->title, view);
}

HttpResponse AdminWeb::CompareGet(Visit& v, int64_t id) {
  auto t = LoadTarget(id);
  if (!t) return Refused(v, t.error().code == ErrorCode::kNotFound ? 404 : 500, t.error().message);
  if (auto why = EditRefused(v, *t, EditAction::kSave); !why.empty()) return Refused(v, 403, why);
  const auto params = AdminQueryParams(v.ctx.request);
  Result<ArticleRevision> a = Error{}, b = Error{};
  {
    std::lock_guard lock(content_mu_);
    a = content_->LoadRevision(AdminId(AdminParam(params, "a")));
    b = content_->LoadRevision(AdminId(AdminParam(params, "b")));
  }
  if (!a || !b || a->article_id != id || b->article_id != id) {
    return Refused(v, 404, "Choose two revisions of this piece to compare.");
  }
  TemplateData view;
  view.set("a", std::to_string(a->id));
  view.set("b", std::to_string(b->id));
  view.set("a_who", a->author + ", " + v.site->tz().Iso(a->created));
  view.set("b_who", b->author + ", " + v.site->tz().Iso(b->created));
  view.set("diff", DiffData(LineDiff(RevisionText(a->article), RevisionText(b->article))));
  view.set("revisions_url", "/admin/articles/" + std::to_string(id) + "/revisions/");
  return Render(v, 200, "compare", "Compare revisions", view);
}

HttpResponse AdminWeb::RestorePost(Visit& v, int64_t id) {
  auto t = LoadTarget(id);
  if (!t) return Refused(v, t.error().code == ErrorCode::kNotFound ? 404 : 500, t.error().message);
  if (auto why = EditRefused(v, *t, EditAction::kRestore); !why.empty())
    return Refused(v, 403, why);
  Result<ArticleRevision> old = Error{};
  {
    std::lock_guard lock(content_mu_);
    old = content_->LoadRevision(AdminId(v.Field("revision")));
  }
  if (!old || old->article_id != id)
    return Refused(v, 404, "There is no such revision of this piece.");
  auto restored =
      ApplyEditAction(old->article, &*t->stored, EditAction::kRestore, options_.now(), 0);
  if (!restored) return Refused(v, 400, restored.error().message);
  restored->source_path = t->stored->source_path;
  Result<EditSaved> saved = Error{};
  {
    std::lock_guard lock(content_mu_);
    EditSave save{*restored, AdminId(v.Field("based_on")), v.staff->member.email,
                  EditAction::kRestore, options_.now()};
    save.before = &*t->stored;
    save.before_commit =
        QueueArticleEvent(options_.webhooks ? options_.webhooks() : std::vector<WebhookConfig>{},
                          ArticleEventOf(EditAction::kRestore, IsLive(*t->stored), *restored),
                          *restored, options_.site(), options_.now());
    saved = SaveEdit(*content_, save);
  }
  if (saved && options_.wake_webhooks) options_.wake_webhooks();  // a no-op without an event
  if (!saved && saved.error().field == kRevisionField) return ConflictPage(v, *t, *restored);
  if (!saved) return Refused(v, 400, saved.error().message);
  return AdminSeeOther(EditUrl(id) + "?saved=restore");
}

// Deleting a piece: a page that asks, then the form's POST (CSRF-checked by the router).
HttpResponse AdminWeb::DeleteGet(Visit& v, int64_t id) {
  auto t = LoadTarget(id);
  if (!t) return Refused(v, t.error().code == ErrorCode::kNotFound ? 404 : 500, t.error().message);
  if (auto why = DeleteRefused(v, *t); !why.empty()) return Refused(v, 403, why);
  const Article& a = *t->stored;
  TemplateData view;
  view.set("id", std::to_string(id));
  view.set("title", a.title);
  view.set("status", std::string(AdminStatusOf(a, options_.now())));
  view.set("edit_url", EditUrl(id));
  if (IsLive(a)) view.set("public_url", v.site->ArticleUrl(a));
  view.set("revisions", std::to_string(t->revisions.size()));
  return Render(v, 200, "delete", "Delete this piece?", view);
}

HttpResponse AdminWeb::DeletePost(Visit& v, int64_t id) {
  auto t = LoadTarget(id);
  if (!t) return Refused(v, t.error().code == ErrorCode::kNotFound ? 404 : 500, t.error().message);
  if (auto why = DeleteRefused(v, *t); !why.empty()) return Refused(v, 403, why);
  Status done;
  {
    std::lock_guard lock(content_mu_);
    done = DeleteArticleAndTell(
        *content_, options_.webhooks ? options_.webhooks() : std::vector<WebhookConfig>{},
        *t->stored, v.site.get(), options_.now());
  }
  if (!done) return Refused(v, 409, "This piece cannot be deleted: " + done.error().message);
  if (options_.wake_webhooks) options_.wake_webhooks();
  return AdminSeeOther("/admin/articles/?deleted=1");
}

}  // namespace cinepress
