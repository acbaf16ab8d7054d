// The Admin API's members (docs/API.md), in the shape of Ghost's Admin API where it matches:
// list (filter, limit, page), read, add (with `send_email`: the sign-in link through the
// outbox), change (name, note, labels, email, subscribed, and `tiers`: the tiers comped), and
// delete (the erasure a reader may ask for: newsletter consent records are kept).
// Contract: plain functions from a request to its answer over the stores of `MembersApiCall`,
// used by one thread at a time (AdminApi holds its lock). Each change is one transaction with
// its webhooks' event (member.added, member.edited, member.deleted).
#pragma once

#include <functional>
#include <string>

#include "content/member_store.h"
#include "content/newsletter_store.h"
#include "core/config.h"
#include "http/message.h"
#include "mail/message.h"
#include "members/members.h"
#include "web/api_list.h"

namespace cinepress {

struct MembersApiCall {
  MemberStore& store;
  NewsletterStore& newsletters;  // a delete erases the member's subscriber too
  const SiteConfig& site;        // the tiers, and the sign-in message's sender and links
  int64_t now = 0;
  const MemberEventHook& told;                            // the members' webhooks (may be empty)
  const std::function<Status(const MailMessage&)>& send;  // queues a message in the outbox
};

// The members list's fields and filter keys (for the router and the OpenAPI document).
const ContentApiResource& MembersApiResource();

HttpResponse ListMembersAnswer(const HttpRequest& req, MembersApiCall& call);
HttpResponse MemberAnswer(const HttpRequest& req, MembersApiCall& call, int64_t id);
// POST: 201; an address that is a member already is 422 MEMBER_EXISTS (Ghost's ValidationError).
HttpResponse AddMemberAnswer(const HttpRequest& req, MembersApiCall& call);
HttpResponse EditMemberAnswer(const HttpRequest& req, MembersApiCall& call, int64_t id);
HttpResponse DeleteMemberAnswer(const HttpRequest& req, MembersApiCall& call, int64_t id);

}  // namespace cinepress
