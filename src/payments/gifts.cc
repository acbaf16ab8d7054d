#include "payments/gifts.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "core/csv.h"
#include "core/dates.h"
#include "core/money.h"
#include "core/text.h"
#include "core/tokens.h"
#include "members/members.h"
#include "payments/stripe_json.h"

namespace cinepress {
namespace {

using Json = nlohmann::json;
using stripe_json::Str;

Error Refused(const std::string& field, const std::string& message) {
  return Error{ErrorCode::kInvalidInput, message, {}, 0, field};
}

// The gift's id: 16 random bytes in hex (it travels in Stripe's metadata; it is not a secret).
std::string NewGiftId() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string MonthsText(int months) { return std::to_string(months) + " months"; }

std::string TierName(const SiteConfig& site, const std::string& slug) {
  const TierConfig* t = site.FindTier(slug);
  return t ? t->name : slug;
}

// A plain message from the site, its text also as escaped HTML paragraphs.
MailMessage SiteMessage(const SiteConfig& site, const MailAddress& to, const std::string& subject,
                        const std::string& text, const std::string& id, int64_t now) {
  MailMessage m;
  m.from = SiteSender(site);
  m.to = to;
  m.subject = subject;
  m.date = now;
  m.message_id = "cinepress.gift." + id + "@" + DomainOf(site.base_url);
  m.text = text;
  std::string paragraphs;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find("\n\n", start);
    if (end == std::string::npos) end = text.size();
    if (end > start) paragraphs += "<p>" + HtmlEscape(text.substr(start, end - start)) + "</p>";
    start = end + 2;
  }
  m.html = "<!DOCTYPE html><html lang=\"" + HtmlEscape(site.language) +
           "\"><head><meta charset=\"utf-8\"><title>" + HtmlEscape(subject) +
           "</title></head><body>" + paragraphs + "</body></html>";
  return m;
}

MailMessage ReceiptMessage(const SiteConfig& site, const Gift& g, int64_t now) {
  auto tz = TimeZone::Named(site.timezone);
  const std::string day = tz ? tz->Display(g.notify_at) : TimeZone::IsoUtc(g.notify_at);
  return SiteMessage(site, {"", g.buyer_email}, "Your gift of " + site.title,
                     "Thank you: your gift of " + MonthsText(g.months) + " of " +
                         TierName(site, g.tier) + " (" +
                         FormatMoney(g.amount, g.currency, site.language) + ") for " +
                         (g.recipient_name.empty() ? g.recipient_email : g.recipient_name) +
                         " is paid.\n\nWe will email them a link to redeem it on " + day + ".\n",
                     "receipt." + g.id, now);
}

MailMessage RecipientMessage(const SiteConfig& site, const Gift& g, const std::string& token,
                             int64_t now) {
  const std::string link = site.base_url + "/gift/redeem/?gift=" + g.id + "&token=" + token;
  std::string text = (g.recipient_name.empty() ? "Hello" : "Hello " + g.recipient_name) +
                     ",\n\nYou have been given " + MonthsText(g.months) + " of " +
                     TierName(site, g.tier) + " at " + site.title + ".";
  if (!g.message.empty()) text += "\n\nTheir message: " + g.message;
  text += "\n\nOpen this link to start reading (it works once):\n" + link + "\n";
  return SiteMessage(site, {g.recipient_name, g.recipient_email}, "A gift for you: " + site.title,
                     text, "notice." + g.id + "." + std::to_string(now), now);
}

// Midnight of `day` in the site's time zone (0 when `day` is empty); kInvalidInput otherwise.
Result<int64_t> NotifyTime(const SiteConfig& site, const std::string& day, int64_t now) {
  if (day.empty()) return now;
  auto tz = TimeZone::Named(site.timezone);
  if (!tz) return tz.error();
  auto t = day.size() == 10 ? tz->Parse(day) : std::nullopt;
  if (!t) return Refused("notify_day", "the day to tell them must be a date such as 2026-12-24");
  if (*t > now + 366 * 86400) return Refused("notify_day", "the day must be within a year");
  return std::max(*t, now);
}

}  // namespace

int64_t GiftPrice(const TierConfig& tier, int months) {
  if (std::find(std::begin(kGiftMonths), std::end(kGiftMonths), months) == std::end(kGiftMonths))
    return 0;
  if (months == 12 && tier.yearly_price > 0) return tier.yearly_price;
  if (tier.monthly_price > 0) return tier.monthly_price * months;
  return tier.yearly_price * months / 12;
}

int64_t AddMonths(int64_t t, int months) {
  using namespace std::chrono;
  const sys_seconds at{seconds{t}};
  const sys_days day = floor<days>(at);
  const year_month_day ymd{day};
  year_month_day next = ymd + std::chrono::months{months};
  if (!next.ok()) next = year_month_day_last{next.year() / next.month() / last};
  return (sys_days{next} + (at - day)).time_since_epoch().count();
}

Result<std::string> StartGiftCheckout(StripeClient& stripe, MemberStore& store,
                                      const SiteConfig& site, const GiftRequest& r, int64_t now) {
  const TierConfig* tier = site.FindTier(r.tier);
  if (!site.gifts_offered()) return MakeError(ErrorCode::kNotFound, "gifts are not offered");
  if (!tier || !tier->paid()) return Refused("tier", "choose a membership to give");
  const int64_t price = GiftPrice(*tier, r.months);
  if (price <= 0) return Refused("months", "a gift is 3, 6 or 12 months");
  if (!IsPlausibleEmail(r.recipient_email)) {
    return Refused("recipient_email", "type the address of the person you give it to");
  }
  if (r.recipient_name.size() > 200 || r.recipient_name.find('\n') != std::string::npos) {
    return Refused("recipient_name", "their name is one line of at most 200 characters");
  }
  if (r.message.size() > 1000) return Refused("message", "the message is 1,000 characters at most");
  auto notify = NotifyTime(site, r.notify_day, now);
  if (!notify) return notify.error();
  Gift g;
  g.buyer_email = r.buyer_email;
  if (r.member_id != 0) {
    auto member = store.LoadMember(r.member_id);
    if (!member) return member.error();
    if (member->has_value() && !(*member)->deleted) g.buyer_email = (*member)->email;
  }
  if (!IsPlausibleEmail(g.buyer_email)) {
    return Refused("buyer_email", "type your address: the receipt goes to it");
  }
  g.id = NewGiftId();
  g.tier = tier->slug;
  g.months = r.months;
  g.amount = price;
  g.currency = AsciiLower(tier->currency);
  g.recipient_name = r.recipient_name;
  g.recipient_email = r.recipient_email;
  g.message = r.message;
  g.notify_at = *notify;
  g.status = "pending";
  g.created = now;
  if (auto s = store.SaveGift(g); !s) return s.error();
  const Json metadata = {{"purpose", kGiftPurpose}, {"gift_id", g.id}};
  Json params = {
      {"mode", "payment"},
      {"line_items",
       {{{"price_data",
          {{"currency", g.currency},
           {"unit_amount", price},
           {"product_data", {{"name", MonthsText(r.months) + " of " + tier->name + " (a gift)"}}}}},
         {"quantity", 1}}}},
      {"metadata", metadata},
      {"payment_intent_data", {{"metadata", metadata}}},
      {"customer_email", g.buyer_email},
      {"success_url", site.base_url + "/gift/thanks/?session={CHECKOUT_SESSION_ID}"},
      {"cancel_url", site.base_url + "/gift/?checkout=cancelled"}};
  auto session = stripe.Call({"POST", "/v1/checkout/sessions", params, "gift-" + g.id});
  if (!session) return session.error();
  const std::string url = Str(*session, "url");
  if (url.empty())
    return MakeError(ErrorCode::kInternal, "Stripe: the checkout session has no url");
  return url;
}

Result<PurposeOutcome> RecordGiftCheckout(MemberStore& store, const SiteConfig& site,
                                          const Json& session, int64_t now) {
  const Json metadata =
      session.is_object() && session.contains("metadata") ? session["metadata"] : Json::object();
  if (Str(metadata, "purpose") != kGiftPurpose || Str(session, "payment_status") != "paid") {
    return PurposeOutcome{};
  }
  PurposeOutcome out;
  auto gift = store.LoadGift(Str(metadata, "gift_id"));
  if (!gift) return gift.error();
  if (!gift->has_value()) {
    out.note = "gift " + Str(metadata, "gift_id") + " is not kept here: ignored";
    return out;
  }
  Gift g = **gift;
  if (g.status != "pending") {
    out.note = "gift " + g.id + " is " + g.status + " already";
    return out;
  }
  g.status = "paid";
  g.paid_at = now;
  g.payment_intent = stripe_json::IdOf(session, "payment_intent");
  if (auto s = store.SaveGift(g); !s) return s.error();
  out.note = "gift " + g.id + " paid: " + MonthsText(g.months) + " of " + g.tier;
  out.mail.push_back(ReceiptMessage(site, g, now));
  return out;
}

Result<PurposeOutcome> RefundGift(MemberStore& store, const SiteConfig&, const Json& charge,
                                  int64_t) {
  PurposeOutcome out;
  const std::string intent = Str(charge, "payment_intent");
  const bool full = charge.is_object() && charge.contains("refunded") &&
                    charge["refunded"].is_boolean() && charge["refunded"].get<bool>();
  if (intent.empty() || !full) return out;
  auto gifts = store.LoadGifts();
  if (!gifts) return gifts.error();
  for (Gift g : *gifts) {
    if (g.payment_intent != intent) continue;
    if (g.status == "redeemed") {
      out.note = "gift " + g.id + " refunded after it was redeemed: access unchanged";
      continue;
    }
    g.status = "void";
    g.token_hash.clear();
    if (auto s = store.SaveGift(g); !s) return s.error();
    out.note = "gift " + g.id + " refunded: void";
  }
  return out;
}

Result<std::vector<MailMessage>> TakeDueGifts(MemberStore& store, const SiteConfig& site,
                                              int64_t now) {
  std::vector<MailMessage> out;
  auto gifts = store.LoadGifts();
  if (!gifts) return gifts.error();
  for (Gift g : *gifts) {
    if (g.status != "paid" || g.notify_at > now) continue;
    const std::string token = NewToken();
    g.token_hash = HashSecret(token);
    g.status = "sent";
    g.sent_at = now;
    if (auto s = store.SaveGift(g); !s) return s.error();
    out.push_back(RecipientMessage(site, g, token, now));
  }
  return out;
}

Result<RedeemedGift> RedeemGift(MemberStore& store, const std::string& id, const std::string& token,
                                int64_t member_id, int64_t now) {
  auto gift = store.LoadGift(id);
  if (!gift) return gift.error();
  const std::string hash = HashSecret(token);
  if (!gift->has_value() || (*gift)->token_hash.size() != hash.size() ||
      sodium_memcmp((*gift)->token_hash.data(), hash.data(), hash.size()) != 0) {
    if (gift->has_value() && (*gift)->status == "void") {
      return Error{ErrorCode::kConflict, "this gift was refunded", {}, 0, "void"};
    }
    return MakeError(ErrorCode::kNotFound, "no such gift, or the link is not whole");
  }
  Gift g = **gift;
  if (g.status == "redeemed") {
    return Error{ErrorCode::kConflict, "this gift was redeemed already", {}, 0, "redeemed"};
  }
  if (g.status != "sent") {
    return Error{ErrorCode::kConflict, "this gift cannot be redeemed", {}, 0, g.status};
  }
  RedeemedGift r;
  r.tier = g.tier;
  if (member_id != 0) {
    auto m = store.LoadMember(member_id);
    if (!m) return m.error();
    if (m->has_value() && !(*m)->deleted) {
      r.member_id = member_id;
      r.email = (*m)->email;
    }
  }
  if (r.member_id == 0) {
    auto added = AddMember(store, NewMember{g.recipient_email, g.recipient_name, "", {}, ""}, now);
    if (!added) return added.error();
    r.member_id = added->id;
    r.new_member = added->created;
    r.email = g.recipient_email;
  }
  // Once: the status moves only from "sent", whoever else tries at the same moment.
  auto taken = store.MarkGiftRedeemed(g.id, r.member_id, now);
  if (!taken) return taken.error();
  if (!*taken)
    return Error{ErrorCode::kConflict, "this gift was redeemed already", {}, 0, "redeemed"};
  auto grants = store.LoadGrants(r.member_id);
  if (!grants) return grants.error();
  // After the latest end of a current grant of the tier (one without end adds nothing to it).
  int64_t from = now;
  for (const TierGrant& held : *grants) {
    if (held.tier == g.tier && held.ActiveAt(now)) from = std::max(from, held.until);
  }
  r.until = AddMonths(from, g.months);
  if (auto s = GrantTier(store, r.member_id, g.tier, r.until, "gift", "gift " + g.id, now); !s)
    return s.error();
  return r;
}

namespace {

// What a gift's status says to the editors: void gifts were refunded.
std::string GiftState(const Gift& g) { return g.status == "void" ? "void (refunded)" : g.status; }

std::string DayOf(const TimeZone& zone, int64_t t) { return zone.Iso(t).substr(0, 10); }

}  // namespace

std::string GiftsText(const std::vector<Gift>& gifts, const TimeZone& zone,
                      const std::string& language) {
  std::ostringstream out;
  size_t n = 0;
  for (const Gift& g : gifts) {
    if (g.status == "pending") continue;
    ++n;
    out << TimeZone::IsoUtc(g.created).substr(0, 10) << "  " << g.tier << " " << g.months
        << " months  " << FormatMoney(g.amount, g.currency, language) << "  from <" << g.buyer_email
        << "> to " << (g.recipient_name.empty() ? "" : g.recipient_name + " ") << "<"
        << g.recipient_email << ">  told " << DayOf(zone, g.notify_at) << "  " << GiftState(g)
        << (g.redeemed_at ? " " + TimeZone::IsoUtc(g.redeemed_at).substr(0, 10) : "") << "\n";
  }
  out << n << " gift(s)\n";
  return out.str();
}

std::string GiftsCsv(const std::vector<Gift>& gifts, const TimeZone& zone) {
  std::string out =
      "bought,tier,months,amount,currency,buyer,recipient_name,recipient_email,delivery_day,"
      "status,sent,redeemed\r\n";
  const auto when = [](int64_t t) { return t ? TimeZone::IsoUtc(t) : std::string(); };
  for (const Gift& g : gifts) {
    if (g.status == "pending") continue;
    out += when(g.created) + "," + CsvField(g.tier) + "," + std::to_string(g.months) + "," +
           MajorUnits(g.amount, g.currency) + "," + CsvField(g.currency) + "," +
           CsvField(g.buyer_email) + "," + CsvField(g.recipient_name) + "," +
           CsvField(g.recipient_email) + "," + DayOf(zone, g.notify_at) + "," + g.status + "," +
           when(g.sent_at) + "," + when(g.redeemed_at) + "\r\n";
  }
  return out;
}

}  // namespace cinepress
