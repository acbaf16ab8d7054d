// Whole-site tests of the workshops' pages (issue #20): /workshops/ (upcoming first, then past),
// a workshop's page (teachers, sessions in the site's time zone, seats, prices, the Register,
// waitlist or closed state, Event JSON-LD without the joining link), its public calendar file,
// the footer's link and the sitemap's entries.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "whole_site.h"

namespace cinepress::testing {
namespace {

const char* kConfig = R"(
title = "The Long Take"
base_url = "https://longtake.example"
timezone = "America/Toronto"
[members]
free_paragraphs = 2

[[tiers]]
slug = "supporter"
name = "Supporter"
monthly_price = 500
currency = "usd"
)";

const char* kUpcoming = R"md(---
title: "Writing the Apartment Film"
summary: "Three evenings on films that never leave one building."
teachers: [ines-moreau, tom-ash]
sessions:
  - {starts: "2031-05-06 19:00", minutes: 90}
  - {starts: "2031-05-13 19:00", minutes: 90}
online: true
joining_link: "https://meet.example.com/secret-room"
seats: 24
price: 9000
currency: usd
member_prices: {supporter: 6500}
---
We watch *three* films and write one scene.
)md";

const char* kPast = R"md(---
title: "An Afternoon of Cuts"
teachers: [tom-ash]
sessions:
  - {starts: "2029-03-01 14:00", minutes: 120}
address: "12 Queen Street, Toronto"
seats: 10
price: 4000
currency: usd
---
Editing, by hand.
)md";

const char* kInterview = R"md(---
title: "Ines Moreau on rooms"
date: 2029-02-01
interviewee:
  name: "Ines Moreau"
  job_title: "Director"
---
A talk.
)md";

std::map<std::string, std::string> Files() {
  return {{"content/workshops/apartment.md", kUpcoming},
          {"content/workshops/cuts.md", kPast},
          {"content/interviews/ines-moreau.md", kInterview},
          {"data/people.yaml",
           "ines-moreau:\n  name: \"Ines Moreau\"\ntom-ash:\n  name: \"Tom Ash\"\n"}};
}

TEST(WorkshopsSite, TheListShowsUpcomingWorkshopsBeforePastOnesAndTheFooterLinksIt) {
  auto built = BuildFromStrings(kConfig, Files());
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  ASSERT_TRUE(built->import_problems.empty()) << built->import_problems[0];
  const std::string list = built->Page("/workshops/");
  ASSERT_FALSE(list.empty());
  const size_t upcoming = list.find("Upcoming"), past = list.find(">Past<");
  const size_t apartment = list.find("/workshops/apartment/"), cuts = list.find("/workshops/cuts/");
  ASSERT_NE(upcoming, std::string::npos);
  ASSERT_NE(past, std::string::npos);
  EXPECT_LT(upcoming, apartment);
  EXPECT_LT(apartment, past);
  EXPECT_LT(past, cuts);
  EXPECT_NE(built->Page("/").find("<a href=\"/workshops/\">Workshops &amp; Masterclasses</a>"),
            std::string::npos);
  const std::string sitemap = FileText("sitemap.xml", built->files.at("sitemap.xml"));
  EXPECT_NE(sitemap.find("https://longtake.example/workshops/apartment/"), std::string::npos);
  EXPECT_NE(sitemap.find("https://longtake.example/workshops/</loc>"), std::string::npos);
  // No workshops: no page, no link.
  auto none = BuildFromStrings(kConfig, {{"content/interviews/ines-moreau.md", kInterview}});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->Has("/workshops/"));
  EXPECT_EQ(none->Page("/").find("Workshops &amp; Masterclasses"), std::string::npos);
}

TEST(WorkshopsSite, AWorkshopPageShowsItsFactsAndTheRegisterFormButNeverTheJoiningLink) {
  auto built = BuildFromStrings(kConfig, Files());
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  const std::string page = built->Page("/workshops/apartment/");
  ASSERT_FALSE(page.empty());
  EXPECT_EQ(page.find("secret-room"), std::string::npos);
  EXPECT_NE(page.find("<em>three</em>"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"/people/ines-moreau/\">Ines Moreau</a>, Tom Ash"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("May 6, 2031, 19:00"), std::string::npos);
  EXPECT_NE(page.find("America/Toronto"), std::string::npos);
  EXPECT_NE(page.find("24 seats left"), std::string::npos);
  EXPECT_NE(page.find("$90.00"), std::string::npos);
  EXPECT_NE(page.find("Supporter members: $65.00"), std::string::npos);
  EXPECT_NE(page.find("action=\"/workshops/register/\""), std::string::npos);
  EXPECT_NE(page.find("name=\"workshop\" value=\"apartment\""), std::string::npos);
  EXPECT_NE(page.find("href=\"/workshops/apartment.ics\""), std::string::npos);
  nlohmann::json ld = JsonLd(page);
  ASSERT_TRUE(ld.is_object()) << page;
  const nlohmann::json& event = ld["@graph"][0];
  EXPECT_EQ(event["@type"], "Event");
  EXPECT_EQ(event["startDate"], "2031-05-06T19:00:00-04:00");
  EXPECT_EQ(event["endDate"], "2031-05-13T20:30:00-04:00");
  EXPECT_EQ(event["eventAttendanceMode"], "https://schema.org/OnlineEventAttendanceMode");
  EXPECT_EQ(event["location"]["@type"], "VirtualLocation");
  EXPECT_EQ(event["location"]["url"], "https://longtake.example/workshops/apartment/");
  EXPECT_EQ(event["offers"]["price"], "90.00");
  EXPECT_EQ(event["offers"]["priceCurrency"], "USD");
  EXPECT_EQ(event["subEvent"].size(), 2u);
  EXPECT_EQ(event["performer"][0]["name"], "Ines Moreau");
  // A past workshop: registration closed, no form.
  const std::string past = built->Page("/workshops/cuts/");
  EXPECT_NE(past.find("Registration closed."), std::string::npos);
  EXPECT_EQ(past.find("action=\"/workshops/register/\""), std::string::npos);
  EXPECT_NE(past.find("12 Queen Street, Toronto"), std::string::npos);
  EXPECT_EQ(JsonLd(past)["@graph"][0]["location"]["@type"], "Place");
}

TEST(WorkshopsSite, ThePublicCalendarFileHasEverySessionAndNoJoiningLink) {
  auto built = BuildFromStrings(kConfig, Files());
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  ASSERT_TRUE(built->files.count("workshops/apartment.ics"));
  const std::string& ics = built->files.at("workshops/apartment.ics");
  EXPECT_EQ(ics.rfind("BEGIN:VCALENDAR", 0), 0u);
  size_t events = 0;
  for (size_t at = ics.find("BEGIN:VEVENT"); at != std::string::npos;
       at = ics.find("BEGIN:VEVENT", at + 1)) {
    ++events;
  }
  EXPECT_EQ(events, 2u);
  EXPECT_NE(ics.find("UID:apartment-1@longtake.example"), std::string::npos) << ics;
  EXPECT_NE(ics.find("DTSTART:20310506T230000Z"), std::string::npos) << ics;
  EXPECT_EQ(ics.find("secret-room"), std::string::npos);
}

}  // namespace
}  // namespace cinepress::testing
