// ContactWeb: the doors strangers knock on in `cinepress serve` — the contact form (/contact/)
// and the pitch form (/contribute/), thin handlers over src/contact (the submission is cleaned,
// kept in the inbox, acknowledged to the sender and forwarded to [contact] forward_to).
//
//   GET  /contact/, /contribute/            the form, under the text of the site's page of that
//                                           name when there is one (content/contact.md)
//   POST /contact/, /contribute/            a submission → 303 to …/thanks/; a mistake shows the
//                                           form again, with what was typed and the field named
//   GET  /contact/thanks/, /contribute/thanks/
//
// What keeps strangers' machines out, in the order it is checked: a per-client limit (every post
// counts, refused ones too), the router's CSRF check (Sec-Fetch-Site/Origin and the MAC of the
// browser's CSRF cookie, as every live form of the site), a honeypot field (a bot that fills it
// is thanked and nothing is kept), and a signed time stamp (the form carries the time it was
// made and an HMAC of it: sent sooner than `min_fill_s` or later than `max_age_s` after, it is
// shown again to be sent once more). A pitch's file is checked by its content (contact/upload.h).
//
// Contract: Start and Mount are called once by the owner before the server starts; handlers are
// thread-safe (one inbox connection and one content connection, each under a lock). Without
// [contact] the routes answer as the site does (its own page at /contact/, or 404).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "contact/inbox.h"
#include "content/content_store.h"
#include "content/inbox_store.h"
#include "site/site.h"
#include "web/rate_limiter.h"
#include "web/router.h"

namespace cinepress {

struct ContactWebOptions {
  std::function<std::shared_ptr<const Site>()> site;  // the site as served now
  std::function<Result<std::unique_ptr<InboxStore>>()> open_store;
  // For the text of the site's own /contact/ and /contribute/ pages, shown above the forms.
  std::function<Result<std::unique_ptr<ContentStore>>()> open_content;
  // The key of the forms' time stamps (crypto_auth_KEYBYTES bytes, kept in the store).
  std::function<Result<std::string>()> secret;
  SendMail send;  // queues a message in the outbox (the acknowledgement, the forward)
  // What answers these paths when [contact] is off, or a GET the forms do not take (the site).
  RouteHandler fallback;
  std::function<int64_t()> now;
  std::function<void(const std::string&)> log;
  int posts_per_ip = 5;          // submissions (and tries) per client network …
  int64_t post_window_s = 3600;  // … in this many seconds; more get 429
  int64_t min_fill_s = 3;        // a form sent sooner after it was made is a machine's
  int64_t max_age_s = 86400;     // a form older than this is shown again to be sent anew
};

class ContactWeb {
 public:
  explicit ContactWeb(ContactWebOptions options);

  Status Start();  // opens the stores and reads the key
  void Mount(Router& router);

  // The time stamp a form made at `now` carries ("NOW.MAC"), and whether `stamp` is one of ours
  // made between max_age_s and min_fill_s before `now`: "" when it is, else why not, for the
  // reader. Public for the tests.
  std::string Stamp(int64_t now) const;
  std::string CheckStamp(std::string_view stamp, int64_t now) const;

 private:
  struct Door;   // /contact/ or /contribute/: its kind, fields and words
  struct Typed;  // what the sender typed, and what is wrong with it
  static const std::vector<Door>& Doors();

  HttpResponse FormPage(RequestContext& ctx, const Door& door, int status, const Typed& typed);
  HttpResponse Get(RequestContext& ctx, const Door& door);
  HttpResponse Post(RequestContext& ctx, const Door& door);
  HttpResponse Thanks(RequestContext& ctx, const Door& door);
  // The site's page at the door's path (title, summary, body as HTML) for the form's intro.
  TemplateData Intro(const Site& site, const Door& door);
  HttpResponse Render(const Site& site, int status, const std::string& url,
                      const std::string& heading, const TemplateData& view) const;

  ContactWebOptions options_;
  std::string key_;
  std::mutex store_mu_;
  std::unique_ptr<InboxStore> store_;
  std::mutex content_mu_;
  std::unique_ptr<ContentStore> content_;
  RateLimiter post_limit_;
};

}  // namespace cinepress
