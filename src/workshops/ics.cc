#include "workshops/ics.h"

#include <libical/ical.h>

#include <memory>

namespace cinepress {
namespace {

icaltimetype Utc(int64_t t) {
  return icaltime_from_timet_with_zone(static_cast<time_t>(t), 0, icaltimezone_get_utc_timezone());
}

std::string Location(const Workshop& w, const IcsOptions& o) {
  if (!w.online) return w.address;
  return o.for_registrant ? "Online: " + w.joining_link : "Online";
}

std::string Description(const Workshop& w, const IcsOptions& o) {
  std::string text = w.summary;
  if (w.online && o.for_registrant) {
    text += (text.empty() ? "" : "\n\n") + std::string("Join: ") + w.joining_link;
  }
  return text + (text.empty() ? "" : "\n\n") + o.page_url;
}

}  // namespace

std::string WorkshopIcs(const Workshop& w, const IcsOptions& o) {
  using Component = std::unique_ptr<icalcomponent, decltype(&icalcomponent_free)>;
  Component cal(icalcomponent_new_vcalendar(), &icalcomponent_free);
  icalcomponent_add_property(cal.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(cal.get(), icalproperty_new_prodid("-//cinepress//workshops//EN"));
  icalcomponent_add_property(cal.get(), icalproperty_new_method(ICAL_METHOD_PUBLISH));
  const std::string location = Location(w, o), description = Description(w, o);
  for (size_t i = 0; i < w.sessions.size(); ++i) {
    const WorkshopSession& s = w.sessions[i];
    icalcomponent* ev = icalcomponent_new_vevent();
    const std::string uid = w.slug + "-" + std::to_string(i + 1) + "@" + o.host;
    const std::string summary = w.sessions.size() == 1
                                    ? w.title
                                    : w.title + " (" + std::to_string(i + 1) + " of " +
                                          std::to_string(w.sessions.size()) + ")";
    icalcomponent_add_property(ev, icalproperty_new_uid(uid.c_str()));
    icalcomponent_add_property(ev, icalproperty_new_dtstamp(Utc(o.stamp)));
    icalcomponent_add_property(ev, icalproperty_new_dtstart(Utc(s.starts)));
    icalcomponent_add_property(ev, icalproperty_new_dtend(Utc(s.starts + s.minutes * 60)));
    icalcomponent_add_property(ev, icalproperty_new_summary(summary.c_str()));
    icalcomponent_add_property(ev, icalproperty_new_description(description.c_str()));
    icalcomponent_add_property(ev, icalproperty_new_location(location.c_str()));
    if (!o.page_url.empty()) {
      icalcomponent_add_property(ev, icalproperty_new_url(o.page_url.c_str()));
    }
    icalcomponent_add_component(cal.get(), ev);
  }
  char* text = icalcomponent_as_ical_string_r(cal.get());
  std::string out = text ? text : "";
  icalmemory_free_buffer(text);
  return out;
}

}  // namespace cinepress
