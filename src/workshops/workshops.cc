#include "workshops/workshops.h"

#include <algorithm>
#include <fstream>
#include <limits>

#include "content/private_media.h"
#include "core/slug.h"
#include "core/text.h"
#include "ingest/folder_export.h"
#include "ingest/front_matter.h"
#include "ingest/front_matter_writer.h"

namespace cinepress {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxPrice = 99999999;  // minor units; Stripe's own limit for an amount
constexpr int kMaxSeats = 100000;
constexpr int kMaxMinutes = 24 * 60;

int LineOr(Fields& f, const YAML::Node& fm, const char* key) {
  return fm[key] ? f.LineOf(fm[key]) : 1;
}

bool IsTier(const WorkshopRules& rules, const std::string& tier) {
  return std::find(rules.tiers.begin(), rules.tiers.end(), tier) != rules.tiers.end();
}

void ReadSessions(Fields& f, const YAML::Node& fm, const WorkshopRules& rules, Workshop& w) {
  w.self_paced = f.Bool(fm, "self_paced", "self_paced");
  const YAML::Node list = fm["sessions"];
  if (w.self_paced) {
    if (list && !list.IsNull()) {
      f.Problem(list, "sessions", "a self-paced course has no sessions (remove one or the other)");
    }
    return;
  }
  if (!list || !list.IsSequence() || list.size() == 0) {
    f.Problem(LineOr(f, fm, "sessions"), "sessions",
              "a workshop needs sessions (a list of {starts, minutes}) or self_paced: true");
    return;
  }
  for (const YAML::Node& s : list) {
    if (!s.IsMap()) {
      f.Problem(s, "sessions", "each session must be a map with starts and minutes");
      continue;
    }
    const auto text = f.String(s, "starts", "sessions.starts");
    const auto starts = text ? rules.zone->Parse(*text) : std::nullopt;
    if (!starts) {
      f.Problem(s["starts"] ? s["starts"] : s, "sessions.starts",
                "a session needs its start as a date and time (2026-03-04 18:30, in the site's "
                "time zone, or with an offset)");
    }
    const auto minutes = f.Int(s, "minutes", "sessions.minutes", 1, kMaxMinutes);
    if (!s["minutes"]) f.Problem(s, "sessions.minutes", "a session needs its length in minutes");
    if (starts && minutes) w.sessions.push_back({*starts, *minutes});
  }
  std::sort(w.sessions.begin(), w.sessions.end(),
            [](const WorkshopSession& a, const WorkshopSession& b) { return a.starts < b.starts; });
}

void ReadWhere(Fields& f, const YAML::Node& fm, Workshop& w) {
  w.online = f.Bool(fm, "online", "online");
  w.address = std::string(Trim(f.String(fm, "address", "address").value_or("")));
  w.joining_link = std::string(Trim(f.String(fm, "joining_link", "joining_link").value_or("")));
  if (w.online) {
    if (!w.address.empty()) {
      f.Problem(fm["address"], "address", "an online workshop has no address");
    }
    if (w.joining_link.rfind("https://", 0) != 0) {
      f.Problem(LineOr(f, fm, "joining_link"), "joining_link",
                "an online workshop needs its joining link (https://…), shown to registrants only");
    }
  } else {
    if (w.address.empty()) {
      f.Problem(LineOr(f, fm, "address"), "address",
                "a workshop needs an address, or online: true with a joining_link");
    }
    if (!w.joining_link.empty()) {
      f.Problem(fm["joining_link"], "joining_link", "only an online workshop has a joining link");
    }
  }
}

void ReadPrices(Fields& f, const YAML::Node& fm, const WorkshopRules& rules, Workshop& w) {
  w.price = f.Int(fm, "price", "price", 0, kMaxPrice).value_or(0);
  if (!fm["price"]) {
    f.Problem(1, "price",
              "a workshop needs a price in the currency's minor units (12000 = 120.00)");
  }
  const std::string currency = f.String(fm, "currency", "currency").value_or("");
  if (!IsCurrencyCode(currency)) {
    f.Problem(LineOr(f, fm, "currency"), "currency",
              "a workshop needs a currency: an ISO 4217 code such as eur or usd");
  }
  for (char c : currency) w.currency.push_back(static_cast<char>(std::tolower(c)));
  const YAML::Node prices = fm["member_prices"];
  if (prices && !prices.IsNull() && !prices.IsMap()) {
    f.Problem(prices, "member_prices", "must be a map from a tier to its price");
  } else if (prices) {
    for (const auto& kv : prices) {
      const std::string tier = kv.first.Scalar();
      if (!IsTier(rules, tier)) {
        f.Problem(kv.first, "member_prices",
                  "\"" + tier + "\" is not a tier of cinepress.toml ([[tiers]])");
        continue;
      }
      int amount = 0;
      if (!kv.second.IsScalar() || !YAML::convert<int>::decode(kv.second, amount) || amount < 0 ||
          amount > kMaxPrice) {
        f.Problem(kv.second, "member_prices." + tier,
                  "must be a whole number from 0 to " + std::to_string(kMaxPrice));
        continue;
      }
      w.member_prices.push_back({tier, amount});
    }
  }
  for (const std::string& tier : f.List(fm, "free_for", "free_for")) {
    if (IsTier(rules, tier)) {
      w.free_for.push_back(tier);
    } else {
      f.Problem(fm["free_for"], "free_for",
                "\"" + tier + "\" is not a tier of cinepress.toml ([[tiers]])");
    }
  }
}

void ReadTeachers(Fields& f, const YAML::Node& fm, const WorkshopRules& rules, Workshop& w) {
  w.teachers = f.List(fm, "teachers", "teachers");
  if (w.teachers.empty()) {
    f.Problem(LineOr(f, fm, "teachers"), "teachers",
              "a workshop needs its teachers (people's slugs from data/people.yaml)");
  }
  for (const std::string& t : w.teachers) {
    if (!rules.people.count(t)) {
      f.Problem(fm["teachers"], "teachers", "\"" + t + "\" is not a person of data/people.yaml");
    }
  }
}

void ReadWindow(Fields& f, const YAML::Node& fm, const WorkshopRules& rules, Workshop& w) {
  w.opens = f.Date(fm, "registration_opens", *rules.zone).value_or(0);
  w.closes = f.Date(fm, "registration_closes", *rules.zone).value_or(0);
  if (w.opens && w.closes && w.closes <= w.opens) {
    f.Problem(fm["registration_closes"], "registration_closes",
              "registration must close after it opens");
  }
  if (!w.sessions.empty() && w.closes > LastEnd(w)) {
    f.Problem(fm["registration_closes"], "registration_closes",
              "registration must close before the last session ends");
  }
}

// The files of content/workshops/{slug}/ the front matter names in `materials:`.
void ReadMaterials(Fields& f, const YAML::Node& fm, const fs::path& dir, Workshop& w,
                   std::vector<WorkshopMaterial>& out) {
  for (const std::string& name : f.List(fm, "materials", "materials")) {
    std::error_code ec;
    const fs::path path = dir / name;
    if (!IsPlainFileName(name) || fs::is_symlink(path, ec) || !fs::is_regular_file(path, ec)) {
      f.Problem(fm["materials"], "materials",
                "\"" + name + "\" is not a file in content/workshops/" + w.slug +
                    "/ (its name of letters, digits, ., - and _)");
      continue;
    }
    if (std::ifstream in(path, std::ios::binary); !in) {
      f.Problem(fm["materials"], "materials", "\"" + name + "\" cannot be read");
      continue;
    }
    w.materials.push_back(name);
    out.push_back({name, path});
  }
}

std::optional<Workshop> ReadWorkshop(const fs::path& path, const WorkshopRules& rules,
                                     std::vector<WorkshopMaterial>& materials,
                                     std::vector<Error>& problems) {
  const std::string rel = "content/workshops/" + path.filename().string();
  auto file = ReadFrontMatterFile(path, rel, problems);
  if (!file) return std::nullopt;
  const size_t before = problems.size();
  Fields f(rel, 1, problems);
  const YAML::Node& fm = file->fm;
  Workshop w;
  w.slug = path.stem().string();
  if (!IsValidSlug(w.slug)) {
    f.Problem(0, "", "the file's name must be a slug (lower case, digits, hyphens): " + w.slug);
  }
  w.title = std::string(Trim(f.String(fm, "title", "title").value_or("")));
  if (w.title.empty()) f.Problem(LineOr(f, fm, "title"), "title", "a workshop needs a title");
  w.summary = f.String(fm, "summary", "summary").value_or("");
  w.body = file->body;
  ReadTeachers(f, fm, rules, w);
  ReadSessions(f, fm, rules, w);
  ReadWhere(f, fm, w);
  w.seats = f.Int(fm, "seats", "seats", 1, kMaxSeats).value_or(0);
  if (!fm["seats"]) f.Problem(1, "seats", "a workshop needs its number of seats");
  ReadPrices(f, fm, rules, w);
  ReadWindow(f, fm, rules, w);
  ReadMaterials(f, fm, path.parent_path() / w.slug, w, materials);
  if (problems.size() != before) return std::nullopt;
  return w;
}

}  // namespace

WorkshopsFolder ReadWorkshopsFolder(const fs::path& folder, const WorkshopRules& rules,
                                    std::vector<Error>& problems) {
  WorkshopsFolder out;
  const fs::path root = folder / "content" / "workshops";
  for (const fs::path& path : MarkdownFilesIn(root)) {
    std::vector<WorkshopMaterial> materials;
    auto workshop = ReadWorkshop(path, rules, materials, problems);
    if (!workshop) continue;
    out.workshops.push_back(std::move(*workshop));
    out.materials.push_back(std::move(materials));
  }
  return out;
}

std::set<std::string> PeopleSlugs(const fs::path& folder) {
  std::set<std::string> out;
  std::error_code ec;
  const fs::path file = folder / "data" / "people.yaml";
  if (!fs::is_regular_file(file, ec)) return out;
  auto text = ReadFile(file);
  if (!text) return out;
  std::vector<Error> ignored;
  auto yaml = LoadYaml(*text, "data/people.yaml", 0, ignored);
  if (!yaml || !yaml->IsMap()) return out;
  for (const auto& kv : *yaml) {
    if (kv.first.IsScalar()) out.insert(kv.first.Scalar());
  }
  return out;
}

namespace {

// A workshop's materials into the media store, a chunk at a time, under "_workshops/{slug}/";
// the stored files there that it no longer names are removed.
Status SaveMaterials(ContentStore& media, const std::vector<MediaFile>& stored, const Workshop& w,
                     const std::vector<WorkshopMaterial>& materials) {
  std::set<std::string> named;
  for (const WorkshopMaterial& m : materials) {
    const std::string path = MaterialMediaPath(w.slug, m.name);
    named.insert(path);
    if (auto s = SavePrivateMediaFrom(media, path, m.file); !s) return s;
  }
  return RemovePrivateMedia(media, stored, PrivateMediaFolder(kWorkshopMediaPrefix, w.slug), named);
}

}  // namespace

Result<WorkshopWriteCounts> WriteWorkshops(WorkshopStore& store, ContentStore& media,
                                           const WorkshopsFolder& folder, bool prune) {
  auto stored_media = media.LoadMediaList();
  if (!stored_media) return stored_media.error();
  WorkshopWriteCounts counts;
  std::set<std::string> kept;
  for (size_t i = 0; i < folder.workshops.size(); ++i) {
    const Workshop& w = folder.workshops[i];
    // The materials first: a saved workshop never names a file that is not there.
    static const std::vector<WorkshopMaterial> kNone;
    const auto& materials = i < folder.materials.size() ? folder.materials[i] : kNone;
    if (auto s = SaveMaterials(media, *stored_media, w, materials); !s) return s.error();
    if (auto s = store.SaveWorkshop(w); !s) return s.error();
    kept.insert(w.slug);
    ++counts.saved;
  }
  if (!prune) return counts;
  auto stored = store.LoadWorkshops();
  if (!stored) return stored.error();
  for (const Workshop& w : *stored) {
    if (kept.count(w.slug)) continue;
    // Registrations are records of payments: a workshop that has any stays until cancelled.
    auto registrations = store.RegistrationsOf(w.slug);
    if (!registrations) return registrations.error();
    if (!registrations->empty()) continue;
    if (auto s = store.DeleteWorkshop(w.slug); !s) return s.error();
    const std::string folder_path = PrivateMediaFolder(kWorkshopMediaPrefix, w.slug);
    if (auto s = RemovePrivateMedia(media, *stored_media, folder_path, {}); !s) return s.error();
    ++counts.removed;
  }
  return counts;
}

namespace {

void WriteSessions(FrontMatterWriter& y, const Workshop& w, const TimeZone& zone) {
  if (w.self_paced) {
    y.Flag("self_paced", true);
    return;
  }
  y.emitter() << YAML::Key << "sessions" << YAML::Value << YAML::BeginSeq;
  for (const WorkshopSession& s : w.sessions) {
    y.emitter() << YAML::Flow << YAML::BeginMap;
    y.Text("starts", zone.Iso(s.starts));
    y.emitter() << YAML::Key << "minutes" << YAML::Value << s.minutes;
    y.emitter() << YAML::EndMap;
  }
  y.emitter() << YAML::EndSeq;
}

void WritePrices(FrontMatterWriter& y, const Workshop& w) {
  // Always written: a workshop without `price` is refused, and 0 is a price.
  y.emitter() << YAML::Key << "price" << YAML::Value << w.price;
  y.Text("currency", w.currency);
  if (!w.member_prices.empty()) {
    y.emitter() << YAML::Key << "member_prices" << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (const TierPrice& p : w.member_prices) {
      y.emitter() << YAML::Key << p.tier << YAML::Value << p.amount;
    }
    y.emitter() << YAML::EndMap;
  }
  y.List("free_for", w.free_for);
}

}  // namespace

std::string WorkshopFileOf(const Workshop& w, const TimeZone& zone,
                           const std::vector<std::string>& materials) {
  FrontMatterWriter y;
  y.Text("title", w.title);
  y.Text("summary", w.summary);
  y.List("teachers", w.teachers);
  WriteSessions(y, w, zone);
  y.Flag("online", w.online);
  y.Text("address", w.address);
  y.Text("joining_link", w.joining_link);
  y.emitter() << YAML::Key << "seats" << YAML::Value << w.seats;
  WritePrices(y, w);
  if (w.opens != 0) y.Text("registration_opens", zone.Iso(w.opens));
  if (w.closes != 0) y.Text("registration_closes", zone.Iso(w.closes));
  y.List("materials", materials);
  return ContentFile(y, w.body);
}

namespace {

// The workshop's materials the store holds, written beside its file; their names.
Result<std::vector<std::string>> ExportMaterials(ContentStore& media, const fs::path& dir,
                                                 const Workshop& w) {
  std::vector<std::string> written;
  for (const std::string& name : w.materials) {
    auto file = media.LoadMediaFile(MaterialMediaPath(w.slug, name));
    if (!file && file.error().code == ErrorCode::kNotFound) continue;
    if (!file) return file.error();
    if (!IsPlainFileName(name)) {
      return Error{ErrorCode::kInvalidInput, "a material's name cannot be a file's name",
                   "content/workshops/" + w.slug + ".md", 0, "materials"};
    }
    const std::string rel = "content/workshops/" + w.slug + "/" + name;
    if (auto st = WriteMediaInside(media, dir, rel, file->hash); !st) return st.error();
    written.push_back(name);
  }
  return written;
}

}  // namespace

Result<WorkshopExportReport> ExportWorkshops(WorkshopStore& store, ContentStore& media,
                                             const fs::path& dir, const TimeZone& zone) {
  auto workshops = store.LoadWorkshops();
  if (!workshops) return workshops.error();
  WorkshopExportReport report;
  for (const Workshop& w : *workshops) {
    if (!IsValidSlug(w.slug)) {
      return Error{ErrorCode::kInvalidInput, "workshop \"" + w.slug + "\" is not a slug", w.slug};
    }
    auto materials = ExportMaterials(media, dir, w);
    if (!materials) return materials.error();
    const std::string rel = "content/workshops/" + w.slug + ".md";
    if (auto st = WriteInside(dir, rel, WorkshopFileOf(w, zone, *materials)); !st) {
      return st.error();
    }
    ++report.workshops;
    report.materials += materials->size();
    report.materials_left_out += w.materials.size() - materials->size();
  }
  return report;
}

std::string MaterialMediaPath(const std::string& slug, const std::string& name) {
  return PrivateMediaPath(kWorkshopMediaPrefix, slug, name);
}

WorkshopPrice PriceFor(const Workshop& w, const ReaderRights& rights) {
  for (const std::string& tier : w.free_for) {
    if (rights.Holds(tier)) return {0, true};
  }
  int64_t amount = w.price;
  for (const TierPrice& p : w.member_prices) {
    if (rights.Holds(p.tier)) amount = std::min(amount, p.amount);
  }
  return {amount, false};
}

int64_t FirstStart(const Workshop& w) { return w.sessions.empty() ? 0 : w.sessions.front().starts; }

int64_t LastEnd(const Workshop& w) {
  int64_t end = 0;
  for (const WorkshopSession& s : w.sessions) end = std::max(end, s.starts + s.minutes * 60);
  return end;
}

bool IsUpcoming(const Workshop& w, int64_t now) { return w.self_paced || LastEnd(w) > now; }

Status RegistrationOpen(const Workshop& w, int64_t now) {
  auto closed = [](const std::string& why) {
    return Error{ErrorCode::kInvalidInput, why, {}, 0, {}};
  };
  if (w.cancelled) return closed("This workshop is cancelled.");
  if (w.opens && now < w.opens) return closed("Registration for this workshop has not opened yet.");
  const int64_t closes = w.closes ? w.closes : FirstStart(w);
  if (closes && now >= closes) return closed("Registration for this workshop has closed.");
  return {};
}

}  // namespace cinepress
