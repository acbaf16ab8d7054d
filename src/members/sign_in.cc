#include "members/sign_in.h"

#include <sodium.h>

#include "content/access.h"
#include "core/text.h"
#include "members/members.h"

namespace cinepress {
namespace {

Error Refusal(ErrorCode code, const char* reason, std::string message) {
  return Error{code, std::move(message), {}, 0, reason};
}

// Six digits, uniformly random.
std::string NewCode() {
  std::string code = std::to_string(randombytes_uniform(1000000));
  return std::string(6 - code.size(), '0') + code;
}

bool SameHash(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Whether a new address may become a member under [members] signup.
Result<bool> MayJoin(MemberStore& store, const SiteConfig& site, const std::string& email,
                     int64_t now) {
  if (site.members.signup == "open") return true;
  if (site.members.signup != "invite") return false;
  auto institutions = store.LoadInstitutions();
  if (!institutions) return institutions.error();
  const std::string domain = AsciiLower(DomainOf(email));
  for (const Institution& i : *institutions) {
    if (!i.ActiveAt(now)) continue;
    for (const std::string& d : i.domains) {
      if (AsciiLower(d) == domain) return true;
    }
  }
  return false;
}

// Marks a token used, in the caller's transaction.
Status Use(MemberStore& store, const SignInToken& t) {
  return store.UpdateSignInToken(t.id, t.attempts, true);
}

// Makes the member of a redeemed sign-in token (a new address joins now, told as member.added).
Result<int64_t> MemberOf(MemberStore& store, const SignInToken& t, int64_t now,
                         const MemberEventHook& told) {
  if (t.member_id != 0) {
    auto m = store.LoadMember(t.member_id);
    if (!m) return m.error();
    if (!m->has_value() || (*m)->deleted) {
      return Refusal(ErrorCode::kNotFound, kSignInUnknown, "this sign-in link is not valid");
    }
    return t.member_id;
  }
  auto existing = store.FindMember(t.email);
  if (!existing) return existing.error();
  if (existing->has_value()) return (*existing)->id;
  Member m;
  m.email = t.email;
  m.name = t.name;
  m.created = now;
  return CreateMemberWithin(store, std::move(m), now, told);
}

template <typename T>
Result<T> Undo(MemberStore& store, Error e) {
  (void)store.Rollback();
  return e;
}

}  // namespace

Result<SignInStart> StartSignIn(MemberStore& store, const SiteConfig& site,
                                const std::string& email_in, const std::string& name, int64_t now) {
  const std::string email(Trim(email_in));
  if (!IsPlausibleEmail(email)) {
    return Error{ErrorCode::kInvalidInput, "not an email address", {}, 0, "email"};
  }
  SignInStart out;
  if (auto s = store.BeginTransaction(); !s) return s.error();
  auto member = store.FindMember(email);
  if (!member) return Undo<SignInStart>(store, member.error());
  if (member->has_value()) {
    if ((*member)->deleted) {
      out.refused = "deleted";
      (void)store.Rollback();
      return out;
    }
    out.member_id = (*member)->id;
  } else {
    auto may = MayJoin(store, site, email, now);
    if (!may) return Undo<SignInStart>(store, may.error());
    if (!*may) {
      out.refused = site.members.signup == "closed" ? "closed" : "not-invited";
      (void)store.Rollback();
      return out;
    }
    out.new_member = true;
  }
  auto sent = store.CountSignInTokens(email, now - 3600);
  if (!sent) return Undo<SignInStart>(store, sent.error());
  if (*sent >= kSignInMessagesPerHour) {
    out.refused = "rate-limited";
    out.new_member = false;
    (void)store.Rollback();
    return out;
  }
  out.link_token = NewToken();
  out.code = NewCode();
  SignInToken t;
  t.link_hash = HashSecret(out.link_token);
  t.code_hash = HashSecret(out.code);
  t.member_id = out.member_id;
  t.email = email;
  t.purpose = "sign-in";
  if (out.new_member) t.name = std::string(Trim(name));
  t.created = now;
  t.link_expires = now + kSignInLinkLifetime;
  t.code_expires = now + kSignInCodeLifetime;
  if (auto id = store.InsertSignInToken(t); !id) return Undo<SignInStart>(store, id.error());
  if (auto s = store.Commit(); !s) return s.error();
  out.send = true;
  return out;
}

std::string SignInUrl(std::string_view base_url, std::string_view link_token) {
  return std::string(base_url) + "/account/sign-in/confirm/?token=" + std::string(link_token);
}

std::string EmailChangeUrl(std::string_view base_url, std::string_view link_token) {
  return std::string(base_url) + "/account/email/confirm/?token=" + std::string(link_token);
}

MailMessage SignInMessage(const SiteConfig& site, const std::string& email,
                          const std::string& link_url, const std::string& code, int64_t now) {
  MailMessage m;
  m.from = SiteSender(site);
  m.to = {"", email};
  m.subject = "Sign in to " + site.title;
  m.date = now;
  m.message_id = "cinepress.sign-in." + std::to_string(now) + "." +
                 std::to_string(randombytes_random()) + "@" + DomainOf(site.base_url);
  m.text = "To sign in to " + site.title + ", open this page and press the button:\n" + link_url +
           "\n\nThe link works once, for 24 hours.\n\nOr type this code on the sign-in page:\n\n" +
           code + "\n\nThe code works for 15 minutes.\n\n" +
           "If you did not ask to sign in, ignore this message: nothing will happen.\n";
  m.html = "<!DOCTYPE html><html lang=\"" + HtmlEscape(site.language) +
           "\"><head><meta charset=\"utf-8\"><title>" + HtmlEscape(m.subject) +
           "</title></head><body><p>To sign in to " + HtmlEscape(site.title) +
           ", open this page and press the button:</p><p><a href=\"" + HtmlEscape(link_url) +
           "\">Sign in to " + HtmlEscape(site.title) +
           "</a></p><p>The link works once, for 24 hours.</p>"
           "<p>Or type this code on the sign-in page:</p><p style=\"font-size:1.5em;"
           "letter-spacing:.2em\"><strong>" +
           HtmlEscape(code) +
           "</strong></p><p>The code works for 15 minutes.</p><p>If you did not ask to sign in, "
           "ignore this message: nothing will happen.</p></body></html>";
  return m;
}

Result<int64_t> RedeemSignInLink(MemberStore& store, std::string_view token, int64_t now,
                                 const MemberEventHook& told) {
  if (token.empty()) {
    return Refusal(ErrorCode::kNotFound, kSignInUnknown, "this sign-in link is not valid");
  }
  if (auto s = store.BeginTransaction(); !s) return s.error();
  auto found = store.FindSignInToken(HashSecret(token));
  if (!found) return Undo<int64_t>(store, found.error());
  if (!found->has_value() || (*found)->purpose != "sign-in") {
    return Undo<int64_t>(
        store, Refusal(ErrorCode::kNotFound, kSignInUnknown, "this sign-in link is not valid"));
  }
  const SignInToken& t = **found;
  if (t.used) {
    return Undo<int64_t>(
        store, Refusal(ErrorCode::kConflict, kSignInUsed, "this sign-in link was used already"));
  }
  if (now >= t.link_expires) {
    return Undo<int64_t>(
        store, Refusal(ErrorCode::kInvalidInput, kSignInExpired, "this sign-in link has expired"));
  }
  if (auto s = Use(store, t); !s) return Undo<int64_t>(store, s.error());
  auto id = MemberOf(store, t, now, told);
  if (!id) return Undo<int64_t>(store, id.error());
  if (auto s = store.Commit(); !s) return s.error();
  return *id;
}

Result<int64_t> RedeemSignInCode(MemberStore& store, const std::string& email,
                                 std::string_view code, int64_t now, const MemberEventHook& told) {
  if (auto s = store.BeginTransaction(); !s) return s.error();
  auto found = store.LatestSignInToken(std::string(Trim(email)));
  if (!found) return Undo<int64_t>(store, found.error());
  if (!found->has_value()) {
    return Undo<int64_t>(store,
                         Refusal(ErrorCode::kNotFound, kSignInUnknown, "no sign-in code was sent"));
  }
  SignInToken t = **found;
  if (t.used || t.attempts >= kSignInCodeAttempts) {
    return Undo<int64_t>(store, Refusal(ErrorCode::kConflict, kSignInUsed,
                                        "this code was used already; ask for a new one"));
  }
  if (now >= t.code_expires) {
    return Undo<int64_t>(store, Refusal(ErrorCode::kInvalidInput, kSignInExpired,
                                        "this code has expired; ask for a new one"));
  }
  std::string given(Trim(code));
  if (!SameHash(HashSecret(given), t.code_hash)) {
    ++t.attempts;
    // The fifth wrong code burns the token: its link stops working too.
    const bool burned = t.attempts >= kSignInCodeAttempts;
    if (auto s = store.UpdateSignInToken(t.id, t.attempts, burned); !s) {
      return Undo<int64_t>(store, s.error());
    }
    if (auto s = store.Commit(); !s) return s.error();
    if (burned) {
      return Refusal(ErrorCode::kConflict, kSignInUsed, "too many wrong codes; ask for a new one");
    }
    return Refusal(ErrorCode::kInvalidInput, kSignInWrongCode, "this is not the code we sent");
  }
  if (auto s = Use(store, t); !s) return Undo<int64_t>(store, s.error());
  auto id = MemberOf(store, t, now, told);
  if (!id) return Undo<int64_t>(store, id.error());
  if (auto s = store.Commit(); !s) return s.error();
  return *id;
}

Result<std::string> StartEmailChange(MemberStore& store, int64_t member_id,
                                     const std::string& new_email_in, int64_t now) {
  const std::string new_email(Trim(new_email_in));
  if (!IsPlausibleEmail(new_email)) {
    return Error{ErrorCode::kInvalidInput, "not an email address", {}, 0, "email"};
  }
  if (auto s = store.BeginTransaction(); !s) return s.error();
  auto member = store.LoadMember(member_id);
  if (!member) return Undo<std::string>(store, member.error());
  if (!member->has_value() || (*member)->deleted) {
    return Undo<std::string>(store, MakeError(ErrorCode::kNotFound, "no such member"));
  }
  auto other = store.FindMember(new_email);
  if (!other) return Undo<std::string>(store, other.error());
  if (other->has_value() && (*other)->id != member_id) {
    return Undo<std::string>(
        store, Error{ErrorCode::kConflict, "another account uses this address", {}, 0, "email"});
  }
  SignInToken t;
  std::string token = NewToken();
  t.link_hash = HashSecret(token);
  t.member_id = member_id;
  t.email = (*member)->email;
  t.purpose = "email-change";
  t.new_email = new_email;
  t.created = now;
  t.link_expires = now + kSignInLinkLifetime;
  t.code_expires = now;  // no code
  if (auto id = store.InsertSignInToken(t); !id) return Undo<std::string>(store, id.error());
  if (auto s = store.Commit(); !s) return s.error();
  return token;
}

Result<EmailChange> ConfirmEmailChange(MemberStore& store, std::string_view token, int64_t now,
                                       const MemberEventHook& told) {
  if (auto s = store.BeginTransaction(); !s) return s.error();
  auto found = store.FindSignInToken(HashSecret(token));
  if (!found) return Undo<EmailChange>(store, found.error());
  if (token.empty() || !found->has_value() || (*found)->purpose != "email-change") {
    return Undo<EmailChange>(
        store, Refusal(ErrorCode::kNotFound, kSignInUnknown, "this link is not valid"));
  }
  const SignInToken& t = **found;
  if (t.used) {
    return Undo<EmailChange>(
        store, Refusal(ErrorCode::kConflict, kSignInUsed, "this link was used already"));
  }
  if (now >= t.link_expires) {
    return Undo<EmailChange>(
        store, Refusal(ErrorCode::kInvalidInput, kSignInExpired, "this link has expired"));
  }
  auto member = store.LoadMember(t.member_id);
  if (!member) return Undo<EmailChange>(store, member.error());
  if (!member->has_value() || (*member)->deleted) {
    return Undo<EmailChange>(
        store, Refusal(ErrorCode::kNotFound, kSignInUnknown, "this link is not valid"));
  }
  Member m = **member;
  EmailChange change{m.id, m.email, t.new_email};
  m.email = t.new_email;
  if (auto s = Use(store, t); !s) return Undo<EmailChange>(store, s.error());
  if (auto s = store.UpdateMember(m); !s) {
    Error e = s.error();
    if (e.code == ErrorCode::kConflict) e.message = "another account uses this address now";
    return Undo<EmailChange>(store, e);
  }
  if (told) {
    if (auto s = told(store, "member.edited", m.id); !s) return Undo<EmailChange>(store, s.error());
  }
  if (auto s = store.Commit(); !s) return s.error();
  return change;
}

MailMessage EmailChangeMessage(const SiteConfig& site, const std::string& new_email,
                               const std::string& link_url, int64_t now) {
  MailMessage m;
  m.from = SiteSender(site);
  m.to = {"", new_email};
  m.subject = "Confirm your new address at " + site.title;
  m.date = now;
  m.message_id = "cinepress.email-change." + std::to_string(now) + "." +
                 std::to_string(randombytes_random()) + "@" + DomainOf(site.base_url);
  m.text = "To use this address for your " + site.title +
           " account, open this page and press the button:\n" + link_url +
           "\n\nThe link works once, for 24 hours. If you did not ask for this, ignore this "
           "message.\n";
  m.html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + HtmlEscape(m.subject) +
           "</title></head><body><p>To use this address for your " + HtmlEscape(site.title) +
           " account, open this page and press the button:</p><p><a href=\"" +
           HtmlEscape(link_url) +
           "\">Confirm the new address</a></p><p>The link works once, for 24 hours. If you did "
           "not ask for this, ignore this message.</p></body></html>";
  return m;
}

MailMessage EmailChangedNotice(const SiteConfig& site, const EmailChange& change, int64_t now) {
  MailMessage m;
  m.from = SiteSender(site);
  m.to = {"", change.old_email};
  m.subject = "Your address at " + site.title + " was changed";
  m.date = now;
  m.message_id = "cinepress.email-changed." + std::to_string(change.member_id) + "." +
                 std::to_string(now) + "@" + DomainOf(site.base_url);
  m.text = "Your " + site.title + " account now uses " + change.new_email + " instead of " +
           change.old_email + ".\n\nIf you did not do this, write to us at once.\n";
  return m;
}

}  // namespace cinepress
