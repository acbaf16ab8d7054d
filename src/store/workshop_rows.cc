#include "store/workshop_rows.h"

#include <nlohmann/json.hpp>

namespace cinepress {

std::string WorkshopData(const Workshop& w) {
  nlohmann::json sessions = nlohmann::json::array(), prices = nlohmann::json::array();
  for (const WorkshopSession& s : w.sessions) sessions.push_back({s.starts, s.minutes});
  for (const TierPrice& p : w.member_prices) prices.push_back({p.tier, p.amount});
  nlohmann::json j = {{"summary", w.summary},       {"body", w.body},
                      {"teachers", w.teachers},     {"sessions", sessions},
                      {"self_paced", w.self_paced}, {"online", w.online},
                      {"address", w.address},       {"joining_link", w.joining_link},
                      {"price", w.price},           {"currency", w.currency},
                      {"member_prices", prices},    {"free_for", w.free_for},
                      {"opens", w.opens},           {"closes", w.closes},
                      {"materials", w.materials}};
  return j.dump();
}

void ReadWorkshopData(const std::string& json, Workshop& w) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return;
  w.summary = j.value("summary", "");
  w.body = j.value("body", "");
  w.teachers = j.value("teachers", std::vector<std::string>{});
  for (const auto& s : j.value("sessions", nlohmann::json::array())) {
    if (s.is_array() && s.size() == 2) {
      w.sessions.push_back({s[0].get<int64_t>(), s[1].get<int64_t>()});
    }
  }
  w.self_paced = j.value("self_paced", false);
  w.online = j.value("online", false);
  w.address = j.value("address", "");
  w.joining_link = j.value("joining_link", "");
  w.price = j.value("price", int64_t{0});
  w.currency = j.value("currency", "");
  for (const auto& p : j.value("member_prices", nlohmann::json::array())) {
    if (p.is_array() && p.size() == 2) {
      w.member_prices.push_back({p[0].get<std::string>(), p[1].get<int64_t>()});
    }
  }
  w.free_for = j.value("free_for", std::vector<std::string>{});
  w.opens = j.value("opens", int64_t{0});
  w.closes = j.value("closes", int64_t{0});
  w.materials = j.value("materials", std::vector<std::string>{});
}

Error NoWorkshop(const std::string& slug) {
  return Error{ErrorCode::kNotFound, "no workshop " + slug, {}, 0, {}};
}

Error NoRegistration(const std::string& which) {
  return Error{ErrorCode::kNotFound, "no registration " + which, {}, 0, {}};
}

Error WorkshopFull(const std::string& slug) {
  return Error{ErrorCode::kConflict, "the workshop " + slug + " is full", {}, 0, {}};
}

Error NoOpenOffer(int64_t entry) {
  return Error{ErrorCode::kConflict,
               "waitlist entry " + std::to_string(entry) + " holds no open offer of a seat",
               {},
               0,
               {}};
}

}  // namespace cinepress
