// Structured data (schema.org JSON-LD) for every page: Review of a Movie on reviews, Article on
// other articles, Person on writers' and people's pages, Movie on film pages, Festival on
// festival pages, and a BreadcrumbList everywhere. Built with nlohmann::json, so it is always
// valid JSON; "<", ">" and "&" are escaped so that no text can close the <script> element.
#include <nlohmann/json.hpp>

#include "core/money.h"
#include "core/slug.h"
#include "render/markdown.h"
#include "site/site.h"
#include "workshops/workshops.h"

namespace cinepress {
namespace {

using nlohmann::json;

// "9.00" for 900 cents, "500" for 500 yen: schema.org's price, from the integer Stripe charges.
std::string DecimalPrice(int64_t minor, const std::string& currency) {
  const int digits = CurrencyDigits(currency);
  int64_t scale = 1;
  for (int d = 0; d < digits; ++d) scale *= 10;
  std::string out = std::to_string(minor / scale);
  if (digits > 0) {
    const std::string cents = std::to_string(minor % scale);
    out += "." + std::string(static_cast<size_t>(digits) - cents.size(), '0') + cents;
  }
  return out;
}

std::string CurrencyCode(std::string code) {
  for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return code;
}

std::string AbsoluteUrl(const Site& s, const std::string& src) {
  return src.rfind("http", 0) == 0 ? src : s.Absolute(src);
}

json Movie(const Site& s, const FilmRecord& r, size_t f) {
  json m = {{"@type", "Movie"}, {"name", r.film.title}, {"url", s.Absolute(s.FilmUrl(f))}};
  if (!r.film.original_title.empty() && r.film.original_title != r.film.title) {
    m["alternateName"] = r.film.original_title;
  }
  if (r.film.year) m["dateCreated"] = std::to_string(r.film.year);
  json directors = json::array();
  for (const std::string& d : r.film.directors) {
    directors.push_back({{"@type", "Person"},
                         {"name", d},
                         {"url", s.Absolute(ExpandPermalink(s.config().permalinks.person,
                                                            {{"slug", Slugify(d)}}))}});
  }
  if (!directors.empty()) m["director"] = directors;
  json same = json::array();
  if (!r.film.ids.wikidata.empty())
    same.push_back("https://www.wikidata.org/wiki/" + r.film.ids.wikidata);
  if (!r.film.ids.imdb.empty()) same.push_back("https://www.imdb.com/title/" + r.film.ids.imdb);
  if (!r.film.ids.tmdb.empty())
    same.push_back("https://www.themoviedb.org/movie/" + r.film.ids.tmdb);
  if (!same.empty()) m["sameAs"] = same;
  if (r.film.runtime_min) m["duration"] = "PT" + std::to_string(r.film.runtime_min) + "M";
  if (!r.film.countries.empty()) {
    json c = json::array();
    for (const std::string& x : r.film.countries) c.push_back({{"@type", "Country"}, {"name", x}});
    m["countryOfOrigin"] = c;
  }
  for (uint32_t i : r.reviews) {
    const Article& a = s.articles()[i];
    if (a.image) {
      m["image"] = AbsoluteUrl(s, a.image->src);
      break;
    }
  }
  return m;
}

json PodcastSeries(const Site& s, size_t show) {
  const PodcastShow& p = s.shows()[show];
  return {{"@type", "PodcastSeries"},
          {"name", p.title},
          {"description", p.description},
          {"url", s.Absolute(s.ShowUrl(show))},
          {"image", s.Absolute(p.image)},
          {"webFeed", s.Absolute(s.ShowUrl(show) + "feed.xml")},
          {"author", {{"@type", "Organization"}, {"name", p.author}}}};
}

// A workshop as schema.org sees it: an Event with its sessions as subEvents (a Course with an
// online CourseInstance when self-paced), its offer at the base price, its teachers as
// performers. The location of an online one is its page, never the joining link.
json WorkshopJsonLd(const Site& s, size_t ref, const json& publisher) {
  const Workshop& w = s.workshops()[ref];
  const std::string url = s.Absolute(s.WorkshopUrl(ref));
  json offer = {{"@type", "Offer"},
                {"price", DecimalPrice(w.price, w.currency)},
                {"priceCurrency", CurrencyCode(w.currency)},
                {"availability",
                 w.seats_left > 0 ? "https://schema.org/InStock" : "https://schema.org/SoldOut"},
                {"url", url}};
  if (w.opens) offer["validFrom"] = s.zone().Iso(w.opens);
  json teachers = json::array();
  for (const std::string& slug : w.teachers) {
    auto [name, page] = s.Teacher(slug);
    json person = {{"@type", "Person"}, {"name", name}};
    if (!page.empty()) person["url"] = s.Absolute(page);
    teachers.push_back(std::move(person));
  }
  if (w.self_paced) {
    json course = {{"@type", "Course"},
                   {"name", w.title},
                   {"url", url},
                   {"description", w.summary.empty() ? w.title : w.summary},
                   {"provider", publisher},
                   {"offers", offer},
                   {"hasCourseInstance", {{"@type", "CourseInstance"}, {"courseMode", "Online"}}}};
    if (!teachers.empty()) course["hasCourseInstance"]["instructor"] = teachers;
    return course;
  }
  json location = w.online ? json{{"@type", "VirtualLocation"}, {"url", url}}
                           : json{{"@type", "Place"}, {"name", w.address}, {"address", w.address}};
  auto event = [&](int64_t starts, int64_t ends) {
    return json{{"@type", "Event"},
                {"name", w.title},
                {"url", url},
                {"startDate", s.zone().Iso(starts)},
                {"endDate", s.zone().Iso(ends)},
                {"eventStatus", w.cancelled ? "https://schema.org/EventCancelled"
                                            : "https://schema.org/EventScheduled"},
                {"eventAttendanceMode", w.online ? "https://schema.org/OnlineEventAttendanceMode"
                                                 : "https://schema.org/OfflineEventAttendanceMode"},
                {"location", location}};
  };
  json e = event(FirstStart(w), LastEnd(w));
  if (!w.summary.empty()) e["description"] = w.summary;
  e["organizer"] = publisher;
  e["offers"] = offer;
  if (!teachers.empty()) e["performer"] = teachers;
  if (w.sessions.size() > 1) {
    json subs = json::array();
    for (const WorkshopSession& x : w.sessions) {
      subs.push_back(event(x.starts, x.starts + x.minutes * 60));
    }
    e["subEvent"] = subs;
  }
  return e;
}

}  // namespace

void SiteRenderer::SetJsonLd(TemplateData& d, OutputKind kind, size_t ref,
                             const std::vector<FaqEntry>* faq) const {
  const Site& s = *site_;
  json graph = json::array();
  json publisher = {{"@type", "Organization"}, {"name", s.config_.title}, {"url", s.Absolute("/")}};
  if (!s.config_.social.empty()) {
    json same_as = json::array();
    for (const SocialLink& link : s.config_.social) same_as.push_back(link.url);
    publisher["sameAs"] = same_as;
  }
  std::vector<std::pair<std::string, std::string>> crumbs = {{s.config_.title, "/"}};
  auto person_of_author = [&](const std::string& id) -> json {
    auto it = s.authors_.find(id);
    if (it == s.authors_.end()) return nullptr;
    return {{"@type", "Person"},
            {"name", it->second.name},
            {"url", s.Absolute(ExpandPermalink(s.config_.permalinks.author, {{"slug", id}}))}};
  };
  switch (kind) {
    case OutputKind::kHome:
      graph.push_back({{"@type", "WebSite"},
                       {"name", s.config_.title},
                       {"url", s.Absolute("/")},
                       {"description", s.config_.description},
                       {"publisher", publisher}});
      if (s.has_search()) {
        graph.back()["potentialAction"] = {
            {"@type", "SearchAction"},
            {"target", s.Absolute("/search/") + "?q={search_term_string}"},
            {"query-input", "required name=search_term_string"}};
      }
      break;
    case OutputKind::kSearch:
      graph.push_back(
          {{"@type", "SearchResultsPage"}, {"name", "Search"}, {"url", s.Absolute("/search/")}});
      crumbs.push_back({"Search", "/search/"});
      break;
    case OutputKind::kArticle: {
      const Article& a = s.articles_[ref];
      const std::string url = s.Absolute(s.article_urls_[ref]);
      json authors = json::array();
      for (const std::string& id : a.author_ids) {
        if (json p = person_of_author(id); !p.is_null()) authors.push_back(p);
      }
      json item = {{"headline", a.title},
                   {"name", a.title},
                   {"url", url},
                   {"mainEntityOfPage", url},
                   {"datePublished", s.tz_.Iso(a.date)},
                   {"dateModified", s.tz_.Iso(std::max(a.date, a.updated))},
                   {"publisher", publisher}};
      if (!authors.empty()) item["author"] = authors;
      if (!s.DekText(ref).empty()) item["description"] = s.DekText(ref);
      if (a.image) item["image"] = AbsoluteUrl(s, a.image->src);
      // A review of a film: the film it reviews is its record (merged from every article).
      int reviewed = -1;
      for (uint32_t f : s.records_.films_of_article[ref]) {
        const auto& reviews = s.records_.films[f].reviews;
        if (std::find(reviews.begin(), reviews.end(), ref) != reviews.end()) {
          reviewed = static_cast<int>(f);
        }
      }
      if (reviewed >= 0) {
        item["@type"] = "Review";
        item["itemReviewed"] = Movie(s, s.records_.films[static_cast<size_t>(reviewed)],
                                     static_cast<size_t>(reviewed));
        if (a.rating > 0) {
          item["reviewRating"] = {{"@type", "Rating"},
                                  {"ratingValue", a.rating},
                                  {"bestRating", a.rating_max},
                                  {"worstRating", 0}};
        }
      } else {
        item["@type"] = "Article";
      }
      // A paywalled article, as search engines ask: the locked part is marked by its selector,
      // so that showing it to their crawler (never done here) would not count as cloaking.
      if (s.access_[ref].restricted()) {
        item["isAccessibleForFree"] = false;
        item["hasPart"] = {{"@type", "WebPageElement"},
                           {"isAccessibleForFree", false},
                           {"cssSelector", ".story__locked"}};
      }
      graph.push_back(item);
      auto sec = s.sections_.find(a.section);
      crumbs.push_back({sec == s.sections_.end() ? a.section : sec->second.title,
                        ExpandPermalink(s.config_.permalinks.section, {{"section", a.section}})});
      crumbs.push_back({a.title, s.article_urls_[ref]});
      break;
    }
    case OutputKind::kPage: {
      const Article& p = s.pages_[ref];
      graph.push_back(
          {{"@type", "WebPage"}, {"name", p.title}, {"url", s.Absolute(s.ArticleUrl(p))}});
      if (faq && !faq->empty()) {
        json questions = json::array();
        for (const FaqEntry& e : *faq) {
          questions.push_back({{"@type", "Question"},
                               {"name", e.question},
                               {"acceptedAnswer", {{"@type", "Answer"}, {"text", e.answer_html}}}});
        }
        graph.back()["@type"] = "FAQPage";
        graph.back()["mainEntity"] = questions;
      }
      crumbs.push_back({p.title, s.ArticleUrl(p)});
      break;
    }
    case OutputKind::kList:
    case OutputKind::kArchive: {
      const SiteList& l = s.lists_[ref];
      if (l.author) {
        json p = {{"@type", "Person"}, {"name", l.author->name}, {"url", s.Absolute(l.url)}};
        if (!l.author->role.empty()) p["jobTitle"] = l.author->role;
        if (!l.author->bio.empty()) p["description"] = l.author->bio;
        p["worksFor"] = publisher;
        graph.push_back(p);
      } else {
        graph.push_back(
            {{"@type", "CollectionPage"}, {"name", l.heading}, {"url", s.Absolute(l.url)}});
      }
      if (l.kind == "archive-year" || l.kind == "archive-month")
        crumbs.push_back({"Archive", "/archive/"});
      crumbs.push_back({l.heading, l.url});
      break;
    }
    case OutputKind::kFilm: {
      graph.push_back(Movie(s, s.records_.films[ref], ref));
      crumbs.push_back({"Review Index", s.config_.permalinks.review_index});
      crumbs.push_back({s.records_.films[ref].film.title, s.FilmUrl(ref)});
      break;
    }
    case OutputKind::kPerson: {
      const PersonRecord& p = s.records_.people[ref];
      json person = {
          {"@type", "Person"}, {"name", p.name.display}, {"url", s.Absolute(s.PersonUrl(ref))}};
      if (!p.name.family.empty()) person["familyName"] = p.name.family;
      if (!p.name.given.empty()) person["givenName"] = p.name.given;
      if (!p.jobs.empty()) person["jobTitle"] = p.jobs;
      const PersonProfile& profile = s.profiles_[ref];
      if (!profile.bio.empty()) person["description"] = MarkdownToText(profile.bio);
      if (profile.portrait) {
        const std::string& src = profile.portrait->src;
        person["image"] = src.rfind("http", 0) == 0 ? src : s.Absolute(src);
      }
      for (const WebLink& l : profile.links) {
        if (l.url.rfind("http", 0) == 0) person["sameAs"].push_back(l.url);
      }
      graph.push_back(person);
      crumbs.push_back({"Interview Index", s.config_.permalinks.interview_index});
      crumbs.push_back({p.name.display, s.PersonUrl(ref)});
      break;
    }
    case OutputKind::kFestival: {
      const SiteFestival& f = s.festivals_[ref];
      graph.push_back({{"@type", "Festival"}, {"name", f.name}, {"url", s.Absolute(f.url)}});
      crumbs.push_back({f.name, f.url});
      break;
    }
    case OutputKind::kEdition: {
      const SiteEdition& e = s.editions_[ref];
      const SiteFestival& f = s.festivals_[e.festival];
      json fest = {
          {"@type", "Festival"},
          {"name", f.name + " " + std::to_string(e.year)},
          {"url", s.Absolute(e.url)},
          {"superEvent", {{"@type", "Festival"}, {"name", f.name}, {"url", s.Absolute(f.url)}}}};
      if (!e.start.empty()) fest["startDate"] = e.start;
      if (!e.end.empty()) fest["endDate"] = e.end;
      if (!e.city.empty()) fest["location"] = {{"@type", "Place"}, {"name", e.city}};
      graph.push_back(fest);
      crumbs.push_back({f.name, f.url});
      crumbs.push_back({std::to_string(e.year), e.url});
      break;
    }
    case OutputKind::kReviewIndex: {
      const ReviewFacet& fc = s.facets_[ref];
      graph.push_back(
          {{"@type", "CollectionPage"}, {"name", "Review Index"}, {"url", s.Absolute(fc.url)}});
      crumbs.push_back({"Review Index", s.config_.permalinks.review_index});
      if (!fc.kind.empty()) crumbs.push_back({fc.value, fc.url});
      break;
    }
    case OutputKind::kInterviewIndex: {
      std::string url = s.config_.permalinks.interview_index + (ref == 1 ? "last-name/" : "");
      graph.push_back(
          {{"@type", "CollectionPage"}, {"name", "Interview Index"}, {"url", s.Absolute(url)}});
      crumbs.push_back({"Interview Index", s.config_.permalinks.interview_index});
      if (ref == 1) crumbs.push_back({"By family name", url});
      break;
    }
    case OutputKind::kCollection: {
      const Article& c = s.collections_[ref];
      std::string url = ExpandPermalink(s.config_.permalinks.collection, {{"slug", c.slug}});
      graph.push_back({{"@type", "CollectionPage"}, {"name", c.title}, {"url", s.Absolute(url)}});
      crumbs.push_back({c.title, url});
      break;
    }
    case OutputKind::kMembership:
    case OutputKind::kAccount: {
      const bool membership = kind == OutputKind::kMembership;
      const char* name = membership ? "Membership" : kAccountPages[ref].name;
      const char* url = membership ? "/membership/" : kAccountPages[ref].url;
      graph.push_back({{"@type", "WebPage"}, {"name", name}, {"url", s.Absolute(url)}});
      crumbs.push_back({name, url});
      break;
    }
    case OutputKind::kDonate:
      graph.push_back({{"@type", "WebPage"}, {"name", "Donate"}, {"url", s.Absolute("/donate/")}});
      crumbs.push_back({"Donate", "/donate/"});
      break;
    case OutputKind::kPodcasts:
      graph.push_back(
          {{"@type", "CollectionPage"}, {"name", "Podcasts"}, {"url", s.Absolute("/podcasts/")}});
      crumbs.push_back({"Podcasts", "/podcasts/"});
      break;
    case OutputKind::kShow:
      graph.push_back(PodcastSeries(s, ref));
      crumbs.push_back({"Podcasts", "/podcasts/"});
      crumbs.push_back({s.shows()[ref].title, s.ShowUrl(ref)});
      break;
    case OutputKind::kEpisode: {
      const PodcastEpisode& e = s.episodes()[ref];
      const size_t show = static_cast<size_t>(s.ShowOf(e.show));
      json episode = {{"@type", "PodcastEpisode"},
                      {"name", e.title},
                      {"url", s.Absolute(s.EpisodeUrl(ref))},
                      {"datePublished", s.tz().Iso(e.date)},
                      {"timeRequired", "PT" + std::to_string(e.duration) + "S"},
                      {"partOfSeries", PodcastSeries(s, show)}};
      if (!e.summary.empty()) episode["description"] = e.summary;
      if (e.episode > 0) episode["episodeNumber"] = e.episode;
      if (!s.EpisodeAccess(ref).restricted()) {
        episode["associatedMedia"] = {{"@type", "MediaObject"},
                                      {"contentUrl", s.Absolute(e.audio)},
                                      {"encodingFormat", e.audio_mime},
                                      {"duration", "PT" + std::to_string(e.duration) + "S"}};
      } else {
        episode["isAccessibleForFree"] = false;
      }
      graph.push_back(std::move(episode));
      crumbs.push_back({"Podcasts", "/podcasts/"});
      crumbs.push_back({s.shows()[show].title, s.ShowUrl(show)});
      crumbs.push_back({e.title, s.EpisodeUrl(ref)});
      break;
    }
    case OutputKind::kShop:
      graph.push_back(
          {{"@type", "CollectionPage"}, {"name", "Shop"}, {"url", s.Absolute("/shop/")}});
      crumbs.push_back({"Shop", "/shop/"});
      break;
    case OutputKind::kProduct: {
      // The offer's price is the integer Stripe charges, written in the currency's major unit.
      const Product& p = s.products()[ref];
      json product = {{"@type", "Product"},
                      {"name", p.title},
                      {"url", s.Absolute(s.ProductUrl(ref))},
                      {"offers",
                       {{"@type", "Offer"},
                        {"price", DecimalPrice(p.price, p.currency)},
                        {"priceCurrency", CurrencyCode(p.currency)},
                        {"availability", Site::InStock(p) ? "https://schema.org/InStock"
                                                          : "https://schema.org/OutOfStock"},
                        {"url", s.Absolute(s.ProductUrl(ref))}}}};
      if (!p.summary.empty()) product["description"] = p.summary;
      if (!p.image.empty()) product["image"] = s.Absolute("/" + p.image);
      if (p.variants.size() == 1) product["sku"] = p.variants[0].sku;
      graph.push_back(std::move(product));
      crumbs.push_back({"Shop", "/shop/"});
      crumbs.push_back({p.title, s.ProductUrl(ref)});
      break;
    }
    case OutputKind::kWorkshops:
      graph.push_back({{"@type", "CollectionPage"},
                       {"name", "Workshops & Masterclasses"},
                       {"url", s.Absolute("/workshops/")}});
      crumbs.push_back({"Workshops & Masterclasses", "/workshops/"});
      break;
    case OutputKind::kWorkshop:
      graph.push_back(WorkshopJsonLd(s, ref, publisher));
      crumbs.push_back({"Workshops & Masterclasses", "/workshops/"});
      crumbs.push_back({s.workshops()[ref].title, s.WorkshopUrl(ref)});
      break;
    default:
      break;
  }
  json items = json::array();
  for (size_t k = 0; k < crumbs.size(); ++k) {
    items.push_back({{"@type", "ListItem"},
                     {"position", k + 1},
                     {"name", crumbs[k].first},
                     {"item", s.Absolute(crumbs[k].second)}});
  }
  graph.push_back({{"@type", "BreadcrumbList"}, {"itemListElement", items}});
  std::string text = json{{"@context", "https://schema.org"}, {"@graph", graph}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
  // "<", ">" and "&" only ever appear inside JSON strings: written as escapes, no text can end
  // the <script> element or start a comment in it.
  std::string safe;
  safe.reserve(text.size() + 16);
  for (char c : text) {
    if (c == '<') {
      safe += "\\u003c";
    } else if (c == '>') {
      safe += "\\u003e";
    } else if (c == '&') {
      safe += "\\u0026";
    } else {
      safe += c;
    }
  }
  d["page"].set("jsonld", safe);
}

}  // namespace cinepress
