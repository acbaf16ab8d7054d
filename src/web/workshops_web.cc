#include "web/workshops_web.h"

#include <cstdlib>

#include "core/url.h"
#include "web/form.h"
#include "workshops/materials.h"
#include "workshops/workshops.h"

namespace cinepress {
namespace {

// Stripe when payments are off: every call refused (a free registration needs none).
class NoStripe final : public StripeClient {
 public:
  Result<nlohmann::json> Call(const StripeRequest&) override {
    return MakeError(ErrorCode::kInternal, "payments are off ([payments] provider)");
  }
};

}  // namespace

WorkshopsWeb::WorkshopsWeb(WorkshopsWebOptions options)
    : options_(std::move(options)), limit_(options_.tries_per_ip, options_.tries_window_s) {}

Status WorkshopsWeb::Start() {
  auto store = options_.open_store();
  if (!store) return store.error();
  store_ = std::move(*store);
  if (options_.open_stripe) {
    auto stripe = options_.open_stripe();
    if (!stripe) return stripe.error();
    stripe_ = std::move(*stripe);
  }
  return {};
}

void WorkshopsWeb::Mount(Router& router) {
  using namespace std::placeholders;
  // The workshop pages are static (no CSRF token on them): the forms are checked by origin.
  router.Add({"POST", "/workshops/register/", false, false,
              std::bind(&WorkshopsWeb::RegisterPost, this, _1)});
  router.Add({"POST", "/workshops/waitlist/", false, false,
              std::bind(&WorkshopsWeb::WaitlistPost, this, _1)});
  router.Add(
      {"GET", kMaterialsPrefix, true, true, std::bind(&WorkshopsWeb::MaterialGet, this, _1)});
}

void WorkshopsWeb::Log(const std::string& line) const {
  if (options_.log) options_.log("workshops: " + line);
}

Result<WorkshopEventOutcome> WorkshopsWeb::ApplyEvent(std::string_view payload, int64_t now) {
  auto site = options_.site();
  std::lock_guard lock(mu_);
  auto outcome = ApplyWorkshopEvent(*store_, site->config(), payload, now);
  if (outcome && outcome->handled) Log(outcome->note);
  return outcome;
}

std::optional<HttpResponse> WorkshopsWeb::Refused(RequestContext& ctx, const SiteConfig& config) {
  if (!FromThisSite(ctx.request, config)) {
    return options_.message(403, "This form cannot be sent",
                            "The form was sent from another site.");
  }
  if (!limit_.Allow(ctx.request.remote_address, options_.now())) {
    return options_.message(429, "Too many tries", "Please wait a few minutes and try again.");
  }
  return std::nullopt;
}

HttpResponse WorkshopsWeb::RegisterPost(RequestContext& ctx) {
  auto site = options_.site();
  const SiteConfig& config = site->config();
  if (auto refused = Refused(ctx, config)) return *refused;
  auto form = ParseForm(ctx.request);
  if (!form) return options_.message(400, "Workshops", "The form could not be read.");
  RegisterRequest request;
  request.workshop = FormValue(*form, "workshop");
  request.email = FormValue(*form, "email");
  request.name = FormValue(*form, "name");
  request.rights = ctx.rights;
  request.offer = std::atoll(FormValue(*form, "offer").c_str());
  Result<RegisterOutcome> out = Error{};
  {
    std::lock_guard lock(mu_);
    NoStripe none;
    out = Register(stripe_ ? *stripe_ : static_cast<StripeClient&>(none), *store_, config, request,
                   options_.now());
  }
  if (out && !out->checkout_url.empty()) return SeeOther(out->checkout_url);
  if (out) {
    for (const MailMessage& m : out->mail) {
      if (auto s = options_.send(m); !s) Log("queueing the confirmation: " + s.error().ToString());
    }
    return options_.message(200, "You are registered",
                            "Your place is yours: the confirmation, with the sessions and how to "
                            "join, is on its way to " +
                                request.email + ".");
  }
  const Error& e = out.error();
  if (e.code == ErrorCode::kConflict) {
    return options_.message(409, "This workshop is full",
                            "Every seat is taken, or held by someone paying right now. Join the "
                            "waitlist on the workshop's page: a freed seat is offered by email to "
                            "the next person in line.");
  }
  if (e.code == ErrorCode::kInvalidInput || e.code == ErrorCode::kNotFound) {
    return options_.message(400, "Workshops", e.message);
  }
  Log("registration for " + request.workshop + ": " + e.ToString());
  return options_.message(502, "Workshops",
                          "Payments are unavailable for a moment. Please try again.");
}

HttpResponse WorkshopsWeb::WaitlistPost(RequestContext& ctx) {
  auto site = options_.site();
  if (auto refused = Refused(ctx, site->config())) return *refused;
  auto form = ParseForm(ctx.request);
  if (!form) return options_.message(400, "Workshops", "The form could not be read.");
  const std::string workshop = FormValue(*form, "workshop"), email = FormValue(*form, "email");
  if (!IsPlausibleEmail(email)) {
    return options_.message(400, "Workshops", "That is not an email address.");
  }
  Result<int64_t> joined = Error{};
  {
    std::lock_guard lock(mu_);
    joined = store_->JoinWaitlist(workshop, email, ctx.rights.member_id, options_.now());
  }
  if (!joined) {
    if (joined.error().code == ErrorCode::kNotFound) {
      return options_.message(404, "Workshops", "There is no such workshop.");
    }
    Log("waitlist of " + workshop + ": " + joined.error().ToString());
    return options_.message(500, "Workshops", "The waitlist is unavailable for a moment.");
  }
  return options_.message(
      200, "You are on the waitlist",
      "When a seat comes free we will offer it to " + email + " in turn, for a limited time.");
}

HttpResponse WorkshopsWeb::MaterialGet(RequestContext& ctx) {
  const std::string path = PercentDecode(ctx.request.Path()).value_or("");
  const std::string_view rest =
      std::string_view(path).substr(std::string_view(kMaterialsPrefix).size());
  Result<MaterialAccess> access = MaterialAccess{};
  {
    std::lock_guard lock(mu_);
    access = OpenMaterial(*store_, options_.material_key, rest, options_.now());
  }
  if (!access) {
    Log("material " + std::string(rest) + ": " + access.error().ToString());
    return options_.message(500, "Workshop materials", "The file cannot be read for a moment.");
  }
  if (access->verdict == MaterialVerdict::kRefused) {
    return options_.message(403, "Workshop materials", access->message);
  }
  if (access->verdict == MaterialVerdict::kGone) {
    return options_.message(410, "Workshop materials", access->message);
  }
  HttpResponse r =
      options_.private_media(ctx.request, MaterialMediaPath(access->slug, access->name), "");
  if (r.status >= 400 && r.status != 416) {
    Log("material " + access->slug + "/" + access->name + ": " + std::to_string(r.status) +
        " from the store (not imported again since materials became private media?)");
    return options_.message(500, "Workshop materials", "The file cannot be read for a moment.");
  }
  r.Set("Content-Disposition", "attachment; filename=\"" + access->name + "\"");
  r.label = "workshops";
  return r;
}

TemplateData WorkshopsWeb::AccountWorkshops(int64_t member_id, const std::string& email) {
  TemplateData out{TemplateData::type::list};
  auto site = options_.site();
  const TimeZone zone = SiteZone(site->config());
  Result<std::vector<AccountWorkshop>> workshops = std::vector<AccountWorkshop>();
  {
    std::lock_guard lock(mu_);
    workshops = cinepress::AccountWorkshops(*store_, options_.material_key, member_id, email, zone,
                                            options_.now());
  }
  if (!workshops) {
    Log("My account's workshops: " + workshops.error().ToString());
    return out;
  }
  for (const AccountWorkshop& a : *workshops) {
    TemplateData w;
    w.set("title", a.title);
    w.set("url", "/workshops/" + a.slug + "/");
    w.set("holds", a.holds);
    w.set("status", a.status);
    TemplateData sessions{TemplateData::type::list};
    for (const std::string& text : a.sessions) sessions.push_back(TemplateData("text", text));
    w.set("has_sessions", !a.sessions.empty());
    w["sessions"] = std::move(sessions);
    w.set("self_paced", a.self_paced);
    // Set only when there is one: the template's sections take an empty text as true.
    if (!a.joining_link.empty()) w.set("joining_link", a.joining_link);
    if (!a.address.empty()) w.set("address", a.address);
    TemplateData materials{TemplateData::type::list};
    for (const auto& m : a.materials) {
      TemplateData x;
      x.set("name", m.first);
      x.set("url", m.second);
      materials.push_back(std::move(x));
    }
    w.set("has_materials", !a.materials.empty());
    w["materials"] = std::move(materials);
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace cinepress
