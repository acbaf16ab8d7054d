// The user agents that are not listeners: search and social crawlers, uptime monitors, link
// checkers, HTTP libraries and download tools. Our own list (written for cinepress, in the
// spirit of the open podcast-industry lists): each line is a lowercase fragment, matched
// anywhere in the lowercased user agent. Podcast apps and players (AppleCoreMedia, Overcast,
// Pocket Casts, Spotify, Podcast Addict, AntennaPod, browsers) must match none of them.
#include <string_view>

#include "downloads/downloads.h"

namespace cinepress {
namespace {

constexpr std::string_view kBotFragments = R"(bot
crawler
crawl
spider
slurp
scraper
archiver
facebookexternalhit
embedly
preview
monitor
uptime
pingdom
statuscake
check_http
headlesschrome
phantomjs
lighthouse
curl/
wget/
python-requests
python-urllib
aiohttp
httpx
go-http-client
java/
apache-httpclient
libwww-perl
lwp::simple
node-fetch
axios/
ruby
php/
scrapy
httrack
feedfetcher
feedparser
podcast-feed-validator
castfeedvalidator
)";

}  // namespace

bool IsKnownBot(std::string_view user_agent) {
  if (user_agent.empty()) return true;
  std::string lower(user_agent);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::string_view rest = kBotFragments;
  while (!rest.empty()) {
    const size_t eol = rest.find('\n');
    std::string_view fragment = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    if (!fragment.empty() && lower.find(fragment) != std::string::npos) return true;
  }
  return false;
}

}  // namespace cinepress
