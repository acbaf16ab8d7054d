#include "newsletter/subscriptions.h"

#include "newsletter/links.h"

namespace cinepress {
namespace {

const NewsletterConfig* Find(const SiteConfig& site, const std::string& slug) {
  for (const NewsletterConfig& nl : site.newsletters) {
    if (nl.slug == slug) return &nl;
  }
  return nullptr;
}

}  // namespace

Result<SignUpOutcome> SignUp(NewsletterStore& store, const std::string& email,
                             const std::string& name, const std::vector<std::string>& slugs,
                             const Consent& consent, int64_t now,
                             const std::function<Status(const SignUpOutcome&)>& before_commit,
                             int64_t confirmation_window) {
  SignUpOutcome out;
  if (auto s = store.BeginTransaction(); !s) return s.error();
  auto fail = [&](const Error& e) -> Result<SignUpOutcome> {
    (void)store.Rollback();
    return e;
  };
  auto id = store.UpsertSubscriber(email, name, now);
  if (!id) return fail(id.error());
  out.subscriber_id = *id;
  auto subscriber = store.LoadSubscriber(*id);
  if (!subscriber) return fail(subscriber.error());
  out.suppressed = subscriber->has_value() && (*subscriber)->suppressed;
  auto subs = store.LoadSubscriptions(*id);
  if (!subs) return fail(subs.error());
  // A pending subscription's changed_at is when its confirmation was asked for (and queued).
  for (const Subscription& s : *subs) {
    if (confirmation_window > 0 && s.state == SubscriptionState::kPending &&
        s.changed_at > now - confirmation_window) {
      (void)store.Rollback();  // not even the name given this time is kept
      out.throttled = true;
      return out;
    }
  }
  for (const std::string& slug : slugs) {
    bool confirmed = false;
    for (const Subscription& s : *subs) {
      confirmed |= s.newsletter == slug && s.state == SubscriptionState::kConfirmed;
    }
    if (confirmed) continue;
    if (auto s = store.SetSubscription(*id, slug, SubscriptionState::kPending, consent, now); !s) {
      return fail(s.error());
    }
    out.to_confirm.push_back(slug);
  }
  if (before_commit) {
    if (auto s = before_commit(out); !s) return fail(s.error());
  }
  if (auto s = store.Commit(); !s) return fail(s.error());
  return out;
}

Status Confirm(NewsletterStore& store, int64_t id, const std::string& slug, int64_t now) {
  auto subs = store.LoadSubscriptions(id);
  if (!subs) return subs.error();
  for (const Subscription& s : *subs) {
    if (s.newsletter != slug) continue;
    // Confirming twice is harmless; a link cannot bring back an unsubscribed reader.
    if (s.state == SubscriptionState::kUnsubscribed) {
      return Error{
          ErrorCode::kConflict, "this subscription was cancelled; sign up again", {}, 0, {}};
    }
    return store.SetSubscription(id, slug, SubscriptionState::kConfirmed, Consent{}, now);
  }
  return Error{ErrorCode::kNotFound, "no such subscription", {}, 0, {}};
}

Status Unsubscribe(NewsletterStore& store, int64_t id, const std::string& slug, int64_t now) {
  auto subs = store.LoadSubscriptions(id);
  if (!subs) return subs.error();
  for (const Subscription& s : *subs) {
    if (s.newsletter == slug) {
      return store.SetSubscription(id, slug, SubscriptionState::kUnsubscribed, Consent{}, now);
    }
  }
  return {};  // nothing to leave: the same answer
}

Status ChooseLists(NewsletterStore& store, int64_t id, const std::set<std::string>& wanted,
                   const std::vector<std::string>& known, const Consent& consent, int64_t now) {
  auto subs = store.LoadSubscriptions(id);
  if (!subs) return subs.error();
  if (auto s = store.BeginTransaction(); !s) return s;
  for (const std::string& slug : known) {
    const Subscription* current = nullptr;
    for (const Subscription& s : *subs) {
      if (s.newsletter == slug) current = &s;
    }
    bool on = current && current->state == SubscriptionState::kConfirmed;
    Status st;
    if (wanted.count(slug) && !on) {
      st = store.SetSubscription(id, slug, SubscriptionState::kConfirmed, consent, now);
    } else if (!wanted.count(slug) && current &&
               current->state != SubscriptionState::kUnsubscribed) {
      st = store.SetSubscription(id, slug, SubscriptionState::kUnsubscribed, Consent{}, now);
    }
    if (!st) {
      (void)store.Rollback();
      return st;
    }
  }
  return store.Commit();
}

MailMessage ConfirmationMessage(const SiteConfig& site, std::string_view key, int64_t id,
                                const std::string& email, const std::vector<std::string>& slugs,
                                int64_t now) {
  MailMessage m;
  const NewsletterConfig* first = slugs.empty() ? nullptr : Find(site, slugs.front());
  if (first) m.from = {first->from_name.empty() ? site.title : first->from_name, first->from_email};
  m.to = {"", email};
  m.subject = "Confirm your subscription to " + site.title;
  m.date = now;
  m.message_id = "cinepress.confirm." + std::to_string(id) + "." + std::to_string(now) + "@" +
                 DomainOf(site.base_url);
  std::string text = "Someone, probably you, asked to receive " + site.title +
                     "'s newsletters at this address.\n\n";
  for (const std::string& slug : slugs) {
    const NewsletterConfig* nl = Find(site, slug);
    if (!nl) continue;
    text += "To confirm " + nl->name + ", open this page and press the button:\n" +
            ConfirmUrl(site.base_url, slug, SignLink(key, LinkPurpose::kConfirm, id, slug)) +
            "\n\n";
  }
  text += "If you did not ask for this, ignore this message: nothing will be sent to you.\n";
  m.text = std::move(text);
  return m;
}

}  // namespace cinepress
