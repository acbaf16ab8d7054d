// AdminWeb: the newsroom at /admin/ in `cinepress serve` — staff sign-in (invitation, password,
// second factor), the dashboard, the articles list, the staff page and one's own account; thin
// handlers over src/staff and the stores, rendered with the newsroom's own template set (not the
// magazine's theme).
//
//   session cookie  `__Host-cp_staff` on https sites (Secure; `cp_staff` on plain-http
//                   development sites, where browsers drop Secure cookies), HttpOnly,
//                   SameSite=Strict; the session is in the store, so every node knows it
//   permissions     every route names the Permission it needs (staff/roles.h) in one table
//                   (RouteTable); a signed-in member without it gets 403
//   CSRF            every POST is checked by the router's CSRF middleware (MembersWeb's), whose
//                   token the forms carry
//
// Contract: Start is called once before Mount; handlers are thread-safe (one connection per
// store, under locks; the articles' metadata is cached and reloaded when the content store's
// DataVersion moves).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contact/inbox.h"
#include "content/content_store.h"
#include "content/inbox_store.h"
#include "content/member_store.h"
#include "content/newsletter_store.h"
#include "content/record_edits.h"
#include "content/staff_store.h"
#include "newsletter/due_issue.h"
#include "render/theme.h"
#include "site/site.h"
#include "staff/editing.h"
#include "staff/roles.h"
#include "staff/sign_in.h"
#include "stills/stills.h"
#include "web/admin_editor.h"
#include "web/rate_limiter.h"
#include "web/router.h"

namespace cinepress {

struct AdminWebOptions {
  std::function<std::shared_ptr<const Site>()> site;  // the site as served now (config, URLs)
  std::function<Result<std::unique_ptr<StaffStore>>()> open_staff_store;
  std::function<Result<std::unique_ptr<ContentStore>>()> open_content_store;
  // The newsroom's film and person records; without it the films' and people's pages answer 503.
  std::function<Result<std::unique_ptr<RecordStore>>()> open_record_store;
  std::function<Result<std::unique_ptr<MemberStore>>()> open_member_store;
  // The newsletter lists' status, and the site's secrets (one seals the TOTP secrets).
  std::function<Result<std::unique_ptr<NewsletterStore>>()> open_newsletter_store;
  // The inbox (contact messages and pitches); without it the inbox pages answer 503.
  std::function<Result<std::unique_ptr<InboxStore>>()> open_inbox_store;
  SendMail send;  // queues a message in the outbox: replies, newsletter tests
  std::shared_ptr<const Theme> templates;  // the newsroom's template set (admin/ in the bundle)
  std::function<int64_t()> now;
  StillOptions stills;  // how an upload's stills are made (as an import makes them)
  // Where an upload's files are kept while they are checked (the site's .cinepress-uploads/):
  // each removed when its request ends.
  std::filesystem::path upload_folder;
  int sign_ins_per_ip = 20;        // sign-in and code posts per client address …
  int64_t sign_in_window_s = 300;  // … in this many seconds; more get 429
  size_t per_page = 50;            // articles per page of the list
  // [[webhooks]]: the article events the editor's saves queue in their own transaction, as the
  // Admin API's do (web/article_webhooks.h), and the sender to wake after the commit.
  WebhookList webhooks;  // may be empty: nobody is told
  std::function<void()> wake_webhooks;
  // The site's cinepress.toml, whose [[webhooks]] the integrations page lists, adds to and
  // removes from (core/config_edit.h, as `cinepress webhooks` does); empty: the page says so.
  std::filesystem::path config_file;
};

// One route of the newsroom and what it needs: nullopt for the pages before sign-in.
struct AdminRouteInfo {
  std::string method, path;
  std::optional<Permission> needs;
};

class AdminWeb {
 public:
  explicit AdminWeb(AdminWebOptions options);
  ~AdminWeb();

  Status Start();
  // Adds the routes under /admin/ to `router` (whose middleware checks CSRF).
  void Mount(Router& router);
  // Every route with the permission it needs (for tests and docs).
  static std::vector<AdminRouteInfo> RouteTable();

  // Whether the media library's upload (POST /admin/media/upload/) may send its body, decided
  // from the request's head alone before any of it is read (serve's body sink asks): nullopt
  // when the sender is signed in with the upload's permission, else the answer that refuses it
  // (a 303 to the sign-in or its second step, 403, 503) — the upload route's own.
  std::optional<HttpResponse> RefuseUpload(const HttpRequest& head);

  // The names of the pages (templates) the newsroom's template set must have.
  static const std::vector<std::string>& RequiredTemplates();

 private:
  struct Visit;
  using Handler = HttpResponse (AdminWeb::*)(Visit&);
  struct RouteDef;
  static const std::vector<RouteDef>& Routes();

  std::string CookieName() const;
  std::string SessionCookie(const std::string& token, int64_t max_age) const;
  std::optional<StaffVisit> FindVisit(const HttpRequest& request);
  // The answer that turns the visit away from a page that `needs` a permission, or nullopt.
  std::optional<HttpResponse> Refusal(Visit& v, const std::optional<Permission>& needs);
  HttpResponse Guarded(const RouteDef& route, RequestContext& ctx);
  HttpResponse Render(Visit& v, int status, const std::string& name, const std::string& heading,
                      TemplateData view);
  HttpResponse FormPage(Visit& v, int status, const std::string& name, const std::string& heading,
                        const std::string& error, TemplateData view = TemplateData());
  bool Limited(Visit& v);
  std::shared_ptr<const std::vector<Article>> Articles();
  // The ids of the articles a search of the store finds for `q` (drafts too), best first: the
  // articles list's search, and the collections' "Add article".
  std::vector<int64_t> FoundArticleIds(const std::string& q);

  HttpResponse SignInGet(Visit& v);
  HttpResponse SignInPost(Visit& v);
  HttpResponse InvitationGet(Visit& v);
  HttpResponse InvitationPost(Visit& v);
  HttpResponse TwoFactorGet(Visit& v);
  HttpResponse TwoFactorPost(Visit& v);
  HttpResponse SetupGet(Visit& v);
  HttpResponse SetupPost(Visit& v);
  HttpResponse SignOutPost(Visit& v);
  HttpResponse DashboardGet(Visit& v);
  HttpResponse ArticlesGet(Visit& v);
  HttpResponse StaffGet(Visit& v);
  HttpResponse StaffPage(Visit& v, int status, const std::string& error, const std::string& link);
  HttpResponse StaffAddPost(Visit& v);
  HttpResponse StaffRolePost(Visit& v);
  HttpResponse StaffRemovePost(Visit& v);
  HttpResponse AccountGet(Visit& v);
  HttpResponse AccountPage(Visit& v, int status, const std::string& error,
                           const std::string& notice);
  HttpResponse PasswordPost(Visit& v);
  HttpResponse AssetGet(Visit& v);

  // Pages below a prefix, "{key}/{verb}/" (admin_visit.h's SubRoute), dispatched by SubDispatch.
  using SubHandler = HttpResponse (AdminWeb::*)(Visit&, const std::string& key);
  struct SubRoute;
  HttpResponse SubDispatch(Visit& v, std::string_view prefix, const std::vector<SubRoute>& routes);
  // Every sub-route as its path looks with `key` (for RouteTable).
  static void AddSubRoutes(std::vector<AdminRouteInfo>& out, std::string_view prefix,
                           const std::string& key, const std::vector<SubRoute>& routes,
                           Permission needs);

  // The inbox (admin_inbox.cc): /admin/inbox/ and /admin/inbox/{id}/….
  static const std::vector<SubRoute>& InboxRoutes();
  HttpResponse InboxGet(Visit& v);
  HttpResponse InboxDispatch(Visit& v);
  HttpResponse InboxPage(Visit& v, int status, int64_t id, const std::string& error,
                         const std::string& notice);
  HttpResponse MessageGet(Visit& v, const std::string& key);
  HttpResponse FileGet(Visit& v, const std::string& key);
  HttpResponse ReplyPost(Visit& v, const std::string& key);
  HttpResponse ClosePost(Visit& v, const std::string& key);
  HttpResponse ReopenPost(Visit& v, const std::string& key);
  HttpResponse SetStatus(Visit& v, const std::string& key, bool open);
  // How many messages are open (nullopt without an inbox): the dashboard's count.
  std::optional<size_t> OpenMessages();

  // Readers' comments (admin_comments.cc): /admin/comments/?status=pending|approved|spam, and
  // its bulk actions (approve, spam, pending, delete) over comments/comments.h.
  HttpResponse CommentsGet(Visit& v);
  HttpResponse CommentsPost(Visit& v);
  // How many comments wait for review (nullopt when the store cannot say): the dashboard's count.
  std::optional<int64_t> PendingComments();

  // Newsletters (admin_newsletters.cc): /admin/newsletters/ and /admin/newsletters/{slug}/….
  static const std::vector<SubRoute>& NewsletterRoutes();
  HttpResponse NewslettersGet(Visit& v);
  HttpResponse NewsletterDispatch(Visit& v);
  // The newsletter's issue as it would be composed now (the preview, the test).
  Result<DueIssue> ComposeNow(Visit& v, const NewsletterConfig& nl);
  HttpResponse NewsletterPage(Visit& v, int status, const std::string& slug,
                              const std::string& error, const std::string& notice);
  HttpResponse NewsletterGet(Visit& v, const std::string& slug);
  HttpResponse IssuePreviewGet(Visit& v, const std::string& slug);
  HttpResponse TestPost(Visit& v, const std::string& slug);
  HttpResponse SchedulePost(Visit& v, const std::string& slug);
  HttpResponse SendNowPost(Visit& v, const std::string& slug);
  HttpResponse UnschedulePost(Visit& v, const std::string& slug);

  // Film records (admin_films.cc): /admin/films/, /admin/films/{slug}/…, the editor's lookup.
  // The records as the articles make them (the newsroom's edits are keyed by their slugs),
  // made again when the articles' cache is.
  struct FilmIndex {
    std::shared_ptr<const std::vector<Article>> articles;
    std::vector<const Article*> order;  // FilmRecordArticles: what `records` index
    FilmRecords records;
  };
  std::shared_ptr<const FilmIndex> Films();
  Result<RecordEdits> StoredEdits();
  static const std::vector<SubRoute>& FilmRoutes();
  HttpResponse FilmsGet(Visit& v);
  HttpResponse FilmLookupGet(Visit& v);
  HttpResponse FilmDispatch(Visit& v);
  // `typed`: the facts the form sent (shown again with the error), else the record's.
  HttpResponse FilmPage(Visit& v, int status, const std::string& slug, const Error* error,
                        const std::string& notice, const Film* typed);
  HttpResponse FilmGet(Visit& v, const std::string& slug);
  HttpResponse FilmSavePost(Visit& v, const std::string& slug);
  HttpResponse FilmMergePost(Visit& v, const std::string& slug);

  // Person records (admin_people.cc): /admin/people/, /admin/people/{slug}/….
  static const std::vector<SubRoute>& PersonRoutes();
  HttpResponse PeopleGet(Visit& v);
  HttpResponse PersonDispatch(Visit& v);
  Result<std::optional<PersonEdit>> StoredPersonEdit(const std::string& slug);
  HttpResponse PersonPage(Visit& v, int status, const std::string& slug, const Error* error,
                          const std::string& notice, const PersonEdit* typed);
  HttpResponse PersonGet(Visit& v, const std::string& slug);
  HttpResponse PersonSavePost(Visit& v, const std::string& slug);
  HttpResponse PersonMergePost(Visit& v, const std::string& slug);
  HttpResponse PersonSeparatePost(Visit& v, const std::string& slug);

  // The editor (admin_editor.cc): below /admin/articles/, dispatched by EditorRoutes.
  using EditorHandler = HttpResponse (AdminWeb::*)(Visit&, int64_t);
  struct EditorRoute;
  static const std::vector<EditorRoute>& EditorRoutes();
  static std::vector<AdminRouteInfo> EditorRouteTable();
  // A piece as the editor finds it: stored (null for a new one) with its body, and its
  // revisions, newest first.
  struct EditTarget {
    std::optional<Article> stored;
    std::vector<ArticleRevision> revisions;
  };
  Result<EditTarget> LoadTarget(int64_t id);
  std::string EditRefused(Visit& v, const EditTarget& t, EditAction action);
  HttpResponse Refused(Visit& v, int status, const std::string& message);
  EditorChoices Choices(Visit& v);
  HttpResponse EditorPage(Visit& v, int status, const Article& a, int64_t based_on,
                          const EditTarget& t, const Error* error, const std::string& notice);
  HttpResponse ConflictPage(Visit& v, const EditTarget& t, const Article& yours);
  HttpResponse EditorDispatch(Visit& v);
  HttpResponse EditorNewGet(Visit& v, int64_t id);
  HttpResponse EditorEditGet(Visit& v, int64_t id);
  HttpResponse EditorSavePost(Visit& v, int64_t id);
  HttpResponse PreviewPost(Visit& v, int64_t id);
  HttpResponse RevisionsGet(Visit& v, int64_t id);
  HttpResponse CompareGet(Visit& v, int64_t id);
  HttpResponse RestorePost(Visit& v, int64_t id);
  // Why this person may not delete the stored piece (staff/editing.h's DeleteRefusal), or "".
  std::string DeleteRefused(Visit& v, const EditTarget& t);
  HttpResponse DeleteGet(Visit& v, int64_t id);
  HttpResponse DeletePost(Visit& v, int64_t id);

  // Collections (admin_collections.cc): /admin/collections/, new/ and {id}/… (CollectionRoutes).
  static const std::vector<SubRoute>& CollectionRoutes();
  Result<EditTarget> LoadCollection(const std::string& key);  // an id; not found unless one
  HttpResponse CollectionsGet(Visit& v);
  HttpResponse CollectionNewGet(Visit& v);
  HttpResponse CollectionNewPost(Visit& v);
  HttpResponse CollectionDispatch(Visit& v);
  HttpResponse CollectionPage(Visit& v, int status, const Article& c, int64_t revision,
                              const Error* error, const std::string& notice);
  HttpResponse CollectionConflict(Visit& v, const std::string& key);
  HttpResponse CollectionGet(Visit& v, const std::string& key);
  HttpResponse CollectionSavePost(Visit& v, const std::string& key);
  HttpResponse CollectionOrderPost(Visit& v, const std::string& key);
  HttpResponse CollectionDeleteGet(Visit& v, const std::string& key);
  HttpResponse CollectionDeletePost(Visit& v, const std::string& key);

  // Integrations and webhooks (admin_integrations.cc): /admin/integrations/ — the API keys of
  // staff/integrations.h (shown once, when made), revoked after a confirmation page, and
  // cinepress.toml's [[webhooks]] through core/config_edit.h. Admins only.
  HttpResponse IntegrationsGet(Visit& v);
  // `shown`: what the page adds to the lists (the new keys or secret, the typed fields).
  HttpResponse IntegrationsPage(Visit& v, int status, const Error* error, TemplateData shown);
  HttpResponse IntegrationAddPost(Visit& v);
  HttpResponse IntegrationRevokeGet(Visit& v);
  HttpResponse IntegrationRevokePost(Visit& v);
  HttpResponse WebhookAddPost(Visit& v);
  HttpResponse WebhookRemovePost(Visit& v);

  // The media library (admin_media.cc): /admin/media/, and the editor's picker.
  HttpResponse MediaGet(Visit& v);
  HttpResponse MediaItemGet(Visit& v);
  HttpResponse MediaUploadPost(Visit& v);
  HttpResponse MediaSavePost(Visit& v);
  HttpResponse MediaDeletePost(Visit& v);
  HttpResponse MediaItemPage(Visit& v, int status, const std::string& path,
                             const std::string& error, const std::string& notice);
  // The library's files this person may use (editors: all; others: their own), newest first.
  std::vector<MediaDetails> UsableMedia(Visit& v);
  // The editor's picker: `image_pick` becomes the lead image's address, with the library's alt
  // text and caption where the form left them empty.
  void ApplyLibraryPick(Visit& v);
  // The picker's choices for the editor (`chosen`: the lead image's address).
  TemplateData LibraryChoices(Visit& v, const std::string& chosen);

  AdminWebOptions options_;
  std::mutex mu_;  // the staff, member and newsletter stores
  std::unique_ptr<StaffStore> staff_;
  std::unique_ptr<MemberStore> members_;
  std::unique_ptr<NewsletterStore> newsletters_;
  std::unique_ptr<InboxStore> inbox_;       // under mu_ too
  std::unique_ptr<RecordStore> records_;    // under content_mu_
  std::shared_ptr<const FilmIndex> films_;  // under content_mu_
  std::string totp_key_;                    // seals the TOTP secrets in the store
  // The content store and the articles' cache, apart: reading 10,000 articles' metadata again
  // after a change (~0.6 s) must not hold up a sign-in.
  std::mutex content_mu_;
  std::unique_ptr<ContentStore> content_;
  std::shared_ptr<const std::vector<Article>> articles_;
  int64_t articles_version_ = -1;
  std::mutex render_mu_;
  std::unique_ptr<ThemeRenderer> renderer_;
  RateLimiter sign_in_limit_;
};

}  // namespace cinepress
