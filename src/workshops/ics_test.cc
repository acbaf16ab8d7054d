#include "workshops/ics.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace cinepress {
namespace {

Workshop Masterclass() {
  Workshop w;
  w.slug = "writing-about-ozu";
  w.title = "Writing about Ozu; tatami, pillows, and trains";
  w.summary =
      "Four evenings on the pillow shot, with a very long summary line that must be "
      "folded at seventy-five octets as RFC 5545 asks, or calendars refuse it.";
  w.sessions = {{1893777000, 120}, {1893863400, 90}};  // 2030-01-04 17:10 UTC, next day
  w.online = true;
  w.joining_link = "https://meet.example.com/ozu";
  return w;
}

IcsOptions Options(bool registrant) {
  return IcsOptions{"https://mag.example/workshops/writing-about-ozu/", "mag.example", registrant,
                    1800000000};
}

TEST(WorkshopIcsTest, OneEventPerSessionEscapedAndFolded) {
  const std::string ics = WorkshopIcs(Masterclass(), Options(false));
  EXPECT_EQ(ics.rfind("BEGIN:VCALENDAR\r\n", 0), 0u) << ics;
  EXPECT_NE(ics.find("METHOD:PUBLISH\r\n"), std::string::npos);
  EXPECT_NE(ics.find("UID:writing-about-ozu-1@mag.example\r\n"), std::string::npos);
  EXPECT_NE(ics.find("UID:writing-about-ozu-2@mag.example\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTSTART:20300104T171000Z\r\n"), std::string::npos) << ics;
  EXPECT_NE(ics.find("DTEND:20300104T191000Z\r\n"), std::string::npos) << ics;
  EXPECT_NE(ics.find("SUMMARY:Writing about Ozu\\; tatami\\, pillows\\, and trains (1 of 2)"),
            std::string::npos)
      << ics;
  EXPECT_NE(ics.find("LOCATION:Online\r\n"), std::string::npos);
  EXPECT_EQ(ics.find("meet.example.com"), std::string::npos);  // public: no joining link
  size_t start = 0;
  while (start < ics.size()) {  // every line folded to 75 octets
    const size_t end = ics.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 75u) << ics.substr(start, end - start);
    start = end + 2;
  }
}

TEST(WorkshopIcsTest, ARegistrantsCopyHasTheJoiningLink) {
  const std::string ics = WorkshopIcs(Masterclass(), Options(true));
  EXPECT_NE(ics.find("LOCATION:Online: https://meet.example.com/ozu"), std::string::npos) << ics;
}

TEST(WorkshopIcsTest, AnotherImplementationReadsIt) {
  if (std::system("/usr/bin/python3 -c 'import icalendar' 2>/dev/null") != 0) {
    GTEST_SKIP() << "python3-icalendar is not installed (scripts/setup.sh --test)";
  }
  const std::string file = ::testing::TempDir() + "workshop.ics";
  std::ofstream(file, std::ios::binary) << WorkshopIcs(Masterclass(), Options(true));
  const std::string script =
      "import icalendar,sys\n"
      "c=icalendar.Calendar.from_ical(open(sys.argv[1],'rb').read())\n"
      "e=[x for x in c.walk('VEVENT')]\n"
      "assert len(e)==2, len(e)\n"
      "assert str(e[0]['SUMMARY'])=='Writing about Ozu; tatami, pillows, and trains (1 of 2)'\n"
      "assert 'seventy-five octets as RFC 5545' in str(e[0]['DESCRIPTION'])\n"
      "assert e[0].decoded('DTSTART').isoformat()=='2030-01-04T17:10:00+00:00'\n"
      "assert e[1].decoded('DTEND').isoformat()=='2030-01-05T18:40:00+00:00'\n";
  const std::string py = ::testing::TempDir() + "check_ics.py";
  std::ofstream(py) << script;
  EXPECT_EQ(std::system(("/usr/bin/python3 " + py + " " + file).c_str()), 0);
}

TEST(WorkshopIcsTest, ASelfPacedCourseHasNoEvents) {
  Workshop course = Masterclass();
  course.self_paced = true;
  course.sessions.clear();
  EXPECT_EQ(WorkshopIcs(course, Options(false)).find("BEGIN:VEVENT"), std::string::npos);
}

}  // namespace
}  // namespace cinepress
