// AdminApi: the Admin API under /api/admin/ (docs/API.md) — create, update, publish, unpublish
// and delete articles as an integration, by the newsroom's own rules (staff/editing.h): the
// integration's role decides what it may do (a contributor's publish is 403), every save is a
// revision saved with the article in one transaction, and an update names the `updated_at` it
// was based on (another is 409, as the editor's conflict).
//
//   auth       `Authorization: Bearer cpa_…` (the integration's Admin API key; also accepted
//              after `Ghost `): the store keeps only the key's hash, so a token signed with the
//              key (Ghost's JWT) could not be checked — the key itself is sent, over TLS
//   routes     POST /api/admin/articles/; PUT and DELETE /api/admin/articles/{id}/;
//              POST /api/admin/images/upload/ (admin_api_media.h);
//              GET and POST /api/admin/members/; GET, PUT, DELETE /api/admin/members/{id}/
//              (admin_api_members.h: editor integrations only)
//   body       Ghost's {"posts": [{...}]}, with the Markdown body in `markdown`; {"members": …}
//
// Contract: Mount before the server starts; handlers are thread-safe (one content connection
// under a lock). What is saved reaches the live site within a second (the store's change
// counter) and every later static build. Each change queues its webhooks' event
// (article.published, article.updated, article.unpublished, article.deleted; member.added,
// member.edited, member.deleted) in the same transaction (webhooks/webhooks.h).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "content/content_store.h"
#include "content/member_store.h"
#include "content/newsletter_store.h"
#include "content/staff_store.h"
#include "core/config.h"
#include "mail/message.h"
#include "members/members.h"
#include "site/site.h"
#include "stills/stills.h"
#include "web/router.h"

namespace cinepress {

struct AdminApiOptions {
  std::function<std::shared_ptr<const Site>()> site;  // the site as served now (sections, URLs)
  std::function<Result<std::unique_ptr<ContentStore>>()> open_content_store;
  std::function<Result<std::unique_ptr<StaffStore>>()> open_staff_store;
  // The members (without them the members' routes answer 503 UNAVAILABLE).
  std::function<Result<std::unique_ptr<MemberStore>>()> open_member_store;
  std::function<Result<std::unique_ptr<NewsletterStore>>()> open_newsletter_store;
  std::function<Status(const MailMessage&)> send;  // the outbox: a new member's sign-in link
  MemberEventHook member_events;                   // member.added, .edited, .deleted (webhooks)
  StillOptions stills;                             // how an upload's stills are made
  std::filesystem::path upload_folder;             // where an upload is checked (the site's folder)
  std::function<int64_t()> now;
  // [[webhooks]]: the events a save or a delete queues in its own transaction, and the sender to
  // wake after the commit (either may be empty).
  WebhookList webhooks;
  std::function<void()> wake_webhooks;
};

class AdminApi {
 public:
  explicit AdminApi(AdminApiOptions options);
  ~AdminApi();
  // Adds the routes under /api/admin/ (they check their own key: no CSRF, no cookies).
  void Mount(Router& router);
  // Whether POST /api/admin/images/upload/ may send its body, decided from the request's head
  // before any of it is read (serve's body sink asks): nullopt when its key belongs to an
  // integration that may upload, else the JSON answer that refuses it (401, 403).
  std::optional<HttpResponse> RefuseUpload(const HttpRequest& head);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace cinepress
