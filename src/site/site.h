// Site: the site map of a magazine — which pages, lists, feeds and files exist, at which URLs,
// and how each one is rendered. Built once from the store's content (Assemble), then every
// output can be rendered independently, on any thread (Render).
//
//   output   one file of the site: a page, a feed, the sitemap, an asset or a media file
//   list     a paginated list of articles: a section, category, tag, author, year or month
//   card     an article as it appears in a list
//
// Contract: a Site is immutable after Assemble and safe to share between threads; each thread
// renders with its own SiteRenderer (its theme renderer and store connection).
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "content/access.h"
#include "content/content_store.h"
#include "content/record_edits.h"
#include "content/records.h"
#include "content/shop_store.h"
#include "content/still.h"
#include "content/workshop_store.h"
#include "core/config.h"
#include "core/dates.h"
#include "render/feeds.h"
#include "render/markdown.h"
#include "render/theme.h"

namespace cinepress {

// The FAQ page is the site's page content/faq.md: its second-level headings are the questions
// (render/markdown.h FaqEntries), listed in its FAQPage JSON-LD and linked from the footer.
inline constexpr const char* kFaqSlug = "faq";

enum class OutputKind {
  kHome,
  kArticle,
  kPage,
  kList,
  kArchive,  // /archive/ and its pages: the years and months above the browse-all list
  kNotFound,
  kRss,
  kAtom,
  kSitemap,
  kRobots,
  kAsset,
  kMedia,
  kFilm,            // ref: film record
  kPerson,          // ref: person record
  kFestival,        // ref: festival
  kEdition,         // ref: edition
  kReviewIndex,     // ref: facet (0: every reviewed film)
  kInterviewIndex,  // ref: 0 by job title, 1 by family name
  kCollection,      // ref: collection
  kRedirects,       // _redirects: the old addresses, for static hosts (Netlify's format)
  kHeaders,         // _headers: the security headers, for static hosts (Netlify's format)
  kSearch,          // /search/: the search page (live: the server's results; static: the script's)
  kSearchIndex,  // ref: the static index's manifest, a filter or a chunk of words (search_site.cc)
  kSearchDoc,    // ref: a searchable document (articles, then pages): what a result shows
  kMembership,   // /membership/: the tiers side by side (sites with members)
  kDonate,       // /donate/: give once or monthly (sites with [payments] donation_amounts)
  kAccount,      // ref: AccountPageOf's — in a static build, a page saying that accounts
                 // and comments' forms live on the served site (`serve` answers these itself)
  kPodcasts,     // /podcasts/: every show (podcast_site.cc)
  kShow,         // ref: show — its page, latest episodes and subscribe links
  kEpisode,      // ref: episode — its page: player, chapters, transcript, notes
  kPodcastFeed,  // ref: show — its public feed (RSS with itunes: and podcast: tags)
  kChapters,     // ref: episode — its chapters as the Podcasting 2.0 JSON chapters file
  kShop,         // /shop/: every product (shop_site.cc)
  kProduct,      // ref: product — its page: price, availability, the Buy form
  kWorkshops,    // /workshops/: upcoming workshops first, then past ones (workshops_site.cc)
  kWorkshop,     // ref: workshop — its page: sessions, where, seats left, price, the forms
  kWorkshopIcs,  // ref: workshop — /workshops/{slug}.ics, the public calendar file
};

// The pages `serve` answers itself that a static build writes as a note (OutputKind::kAccount's
// ref): 0 /account/, 1 /account/sign-in/, 2 /comments/write/, 3 /comments/mine/.
struct AccountPage {
  const char* url;
  const char* name;           // its heading and its JSON-LD's name
  const char* template_name;  // the theme's
};
inline constexpr AccountPage kAccountPages[] = {{"/account/", "My account", "account"},
                                                {"/account/sign-in/", "Sign in", "account"},
                                                {"/comments/write/", "Comments", "comment"},
                                                {"/comments/mine/", "Your comments", "comment"}};

// The file an address is published as, in the published folder and in the server's lookup:
// "/reviews/x/" -> "reviews/x/index.html", "/" -> "index.html", "/feed.xml" -> "feed.xml".
// The one rule of build, serve and every lookup of an output by its URL.
std::string OutputPathOf(std::string_view url);

struct Output {
  OutputKind kind;
  std::string path;  // file path in the published folder: "reviews/x/index.html"
  size_t ref = 0;    // article, list, feed or asset index, by kind
  int page = 1;      // page number, for lists
};

struct SiteList {
  std::string kind;   // section, category, tag, author, archive, archive-year, archive-month
  std::string label;  // "Category"
  std::string heading;
  std::string description;
  std::string url;              // "/tag/slow-cinema/"
  std::vector<uint32_t> items;  // article indices, newest first
  const Author* author = nullptr;
};

// Whether a list has a feed (RSS, at LIST_URL/feed.xml) — the lists a reader would follow:
// sections, categories, tags, writers and festival editions. A film or a person gets none: most
// are in one or two articles, so their feeds (80% of all feeds on the bench corpus) would hardly
// ever change. The site's own feed comes in RSS and Atom; a list's in RSS only.
bool HasFeed(const SiteList& list);

// A festival and its editions ("TIFF", "TIFF 2021"), with the articles filed under each.
struct SiteEdition {
  size_t festival = 0;
  int year = 0;
  std::string start, end, city;  // from cinepress.toml, when given
  std::string url;
  std::vector<uint32_t> articles;  // newest first
  size_t list = 0;                 // its feed list
};
struct SiteFestival {
  std::string slug, name, short_name, city, url;
  std::vector<size_t> editions;  // newest first
};

// One page of the Review Index: every reviewed film A–Z, or those of one year, country,
// director or festival.
struct ReviewFacet {
  std::string kind;   // "", "year", "country", "director", "festival"
  std::string value;  // "2021", "Spain"…
  std::string url;
  std::vector<uint32_t> films;  // film records, in index order
};

// A search as the reader asked for it on the search page (/search/?q=…&kind=…&page=…).
struct SearchRequest {
  std::string query;
  std::string kind;     // a section key, or "page"
  std::string author;   // an author id
  std::string edition;  // "tiff-2021": festival slug and year
  int year = 0;
  int page = 1;
};

struct StaticSearchIndex;  // search_site.cc
struct KeptSearchIndex;    // search_site.cc
struct DocText;            // search_site.cc

// The podcasts a site is assembled with: every stored show and episode (drafts and scheduled
// ones are left out by Assemble).
struct PodcastContent {
  std::vector<PodcastShow> shows;
  std::vector<PodcastEpisode> episodes;
};

// A member's private podcast feed (podcast_site.cc): the feed of one show as these rights hear
// it, every enclosure at `media_prefix` + the audio's path (a URL only this member's token opens).
struct PrivatePodcastFeed {
  const ReaderRights* rights = nullptr;
  std::string self_url;      // absolute
  std::string media_prefix;  // absolute, without a trailing slash
};

class Site {
 public:
  // The `ref` of the site's own feeds (/feed.xml, /atom.xml), which follow no list.
  static constexpr size_t kWholeSite = static_cast<size_t>(-1);

  // Assemble: decides every page and list, computes related articles and neighbours.
  // `now` decides what is published. Two outputs at one path are an error naming both.
  // `person_edits`: the newsroom's sort names and job titles for the people's records
  // (content/record_edits.h: ApplyPersonFacts; the rest of a record is in the articles and
  // `people` already, by ApplyRecordEdits).
  static Result<std::shared_ptr<const Site>> Assemble(
      SiteConfig config, TimeZone tz, std::shared_ptr<const Theme> theme,
      std::vector<Article> articles, std::vector<Author> authors, std::vector<Section> sections,
      std::vector<MediaFile> media, int64_t now, std::vector<ArticleAlias> aliases = {},
      std::vector<UrlRedirect> redirects = {}, std::vector<PersonProfile> people = {},
      PodcastContent podcasts = {}, std::vector<Product> products = {}, StillBook stills = {},
      std::vector<Workshop> workshops = {}, const std::vector<PersonEdit>& person_edits = {});

  // The newsroom's preview: a site of this one's settings, theme, writers, sections and media
  // with `article` alone in it, published (at its date, or `now` when it has none or a later
  // one) whatever its status. Its article page is the article as readers will see it, made by
  // the same templates, without the rest of the site (lists, related articles).
  Result<std::shared_ptr<const Site>> PreviewOf(Article article, int64_t now) const;
  // The output of the site's first article's page (null when it has none): the preview's page.
  const Output* FirstArticleOutput() const;

  const std::vector<Output>& outputs() const { return outputs_; }
  const SiteConfig& config() const { return config_; }
  const TimeZone& tz() const { return tz_; }
  const Theme& theme() const { return *theme_; }
  std::shared_ptr<const Theme> shared_theme() const { return theme_; }
  // The stills of the image at `src` ("/images/x.jpg"), or null (another site's image, an image
  // whose stills are not made yet).
  const Still* StillOf(std::string_view src) const;
  const StillBook& stills() const { return stills_; }
  // Published articles, newest first (pages are apart).
  const std::vector<Article>& articles() const { return articles_; }
  const std::vector<Article>& pages() const { return pages_; }
  // Who may read article i (or page i) whole: its own rule, else its section's default.
  const AccessRule& access(size_t i) const { return access_[i]; }
  const AccessRule& page_access(size_t i) const { return page_access_[i]; }
  // The rule of the article or page an output shows (public for every other output).
  const AccessRule& AccessOf(const Output& output) const;
  const std::vector<SiteList>& lists() const { return lists_; }
  // Up to three related article indices for article i.
  const std::vector<uint32_t>& related(size_t i) const { return related_[i]; }
  const FilmRecords& records() const { return records_; }
  // Person record p's bio, portrait and links (empty when the magazine knows none).
  const PersonProfile& profile(size_t p) const { return profiles_[p]; }
  const std::vector<SiteFestival>& festivals() const { return festivals_; }
  const std::vector<SiteEdition>& editions() const { return editions_; }
  const std::vector<ReviewFacet>& review_facets() const { return facets_; }
  const std::vector<Article>& collections() const { return collections_; }
  std::string FilmUrl(size_t film) const;
  std::string PersonUrl(size_t person) const;
  // Where an article's `film:` and its credits lead: the film's page and, per director and cast
  // member in credit order, their name and page.
  struct FilmLinks {
    std::string film_url;
    std::vector<std::pair<std::string, std::string>> directors, cast;  // name, person page
  };
  FilmLinks LinksOfFilm(size_t article) const;
  // The film record an article names by reference ("Title (2021)", its interviewee's or one of
  // its `films:`), or -1.
  int32_t FilmNamedBy(size_t article, const std::string& ref) const;
  // The festival edition a tag of article `article` files it under ("TIFF21": TIFF 2021), or -1.
  int32_t EditionOfTag(const std::string& tag) const;

  std::string ArticleUrl(const Article& a) const;
  // What the sitemap lists, in order; past config().sitemap_max_urls it is split into parts at
  // SitemapPartUrl(0), (1)… and /sitemap.xml is their index.
  std::vector<SitemapUrl> SitemapUrls() const;
  static std::string SitemapPartUrl(size_t part);  // "/sitemaps/1.xml" for part 0

  // The output at a file path ("reviews/x/index.html"), or null.
  const Output* FindOutput(const std::string& path) const;
  // The media file an output sends (null for any other kind of output).
  const MediaFile* MediaOf(const Output& o) const {
    return o.kind == OutputKind::kMedia ? &media_[o.ref] : nullptr;
  }
  // Where an old address of a moved article points now ("/reviews/old/" -> "/reviews/new/").
  const std::string* RedirectFor(const std::string& url) const;
  // Feeds no longer made (README, "feeds"): a list's Atom feed (its RSS is made) and a film's or
  // person's feeds (their pages are). Where an old address of one leads ("/tag/x/atom.xml" ->
  // "/tag/x/feed.xml", "/films/x/feed.xml" -> "/films/x/"), or "" when it is no such address.
  std::string FormerFeedTarget(std::string_view path) const;
  // The same for static hosts: _redirects rules with placeholders, one per kind of address.
  std::string FormerFeedRules() const;
  // A digest of everything an output is made from: equal digests, equal bytes. A live server
  // keeps a cached page while its digest stays the same.
  std::string Fingerprint(const Output& output) const;
  // The same but for the stills of the figures that bodies place (the images a body's Markdown
  // shows): the static build records the images each render placed (SiteRenderer::figures)
  // and adds FiguresDigest of them, so that a changed image makes again only the pages that
  // show it. Lead images and portraits are in this digest already. Cheap: no body is read.
  std::string FingerprintBesideFigures(const Output& output) const;
  // A digest of the stills of these images ("/images/x.jpg"), as pages place them.
  std::string FiguresDigest(const std::vector<std::string>& srcs) const;
  // The static search index's words of every document, kept between builds: a document whose
  // search fragment's digest is unchanged is not read and analysed again. UseSearchWords takes
  // the text a previous build's SearchWords gave (before anything is rendered); SearchWords is
  // this build's (only when UseSearchWords was called, if only with "": a server does not keep
  // them), or no pieces when no part of the index was rendered or the text is the one given.
  // Entries are keyed by digest, so a text from any earlier build of any site is safe to give
  // (what does not match is unused).
  //
  // The text also holds what the last build's chunks of words were (their digests and first
  // words): when `previous_chunk` gives the text of that build's chunk k (the live folder's,
  // unzipped), an index of as many documents as the last one is made from it by applying only
  // the words of the documents that changed to the chunks that hold them (a chunk read back is
  // used only when its digest is the one kept). The result is the same index, byte for byte.
  // `text` must stay as it is while the site lives: `owner` (a mapped file, a string) keeps it,
  // or null when the caller does. SearchWords' pieces, one after another, are the text (views
  // into this site and into the text given: a line of the last build's is not copied).
  void UseSearchWords(std::string_view text, std::shared_ptr<const void> owner,
                      std::function<std::optional<std::string>(size_t)> previous_chunk = {}) const;
  std::vector<std::string_view> SearchWords() const;
  // How the last StaticIndex was made: "" (not made), "whole", or "changed documents: N".
  std::string StaticIndexMode() const;
  // Makes the static search index now, before anything is rendered (a build does, reading bodies
  // through `store`): from then on its pieces are fingerprinted by their own text, so that a
  // chunk of words whose postings did not change is kept, not compressed and written again. A
  // site without search does nothing.
  Status MakeStaticIndex(ContentStore* store) const;
  // The earliest time a scheduled article becomes published (0: none is waiting).
  int64_t next_publication() const { return next_publication_; }
  // The home page's articles, each at most once: the lead, more featured, the latest; and per
  // section its newest that those do not show.
  struct HomeSelection {
    std::vector<uint32_t> featured, latest;
    std::vector<std::pair<size_t, std::vector<uint32_t>>> sections;  // list index, articles
  };
  HomeSelection SelectHome() const;
  std::string Absolute(const std::string& url) const { return config_.base_url + url; }

  // Podcasts (podcast_site.cc): the shows by key, their published episodes newest first.
  const std::vector<PodcastShow>& shows() const { return shows_; }
  const std::vector<PodcastEpisode>& episodes() const { return episodes_; }
  // Who may hear an episode: its own rule, else its show's (a show's trailers are public).
  const AccessRule& EpisodeAccess(size_t e) const { return episode_access_[e]; }
  const AccessRule& ShowAccess(size_t s) const { return show_access_[s]; }
  std::string ShowUrl(size_t show) const;
  std::string EpisodeUrl(size_t episode) const;
  // The show of a key, or -1.
  int32_t ShowOf(const std::string& key) const;
  // The episode whose audio or transcript is at this media path ("/podcasts/…"), or -1.
  int32_t EpisodeOfMedia(const std::string& path) const;

  // The shop (shop_site.cc): its products by slug, each with the stock left when assembled.
  const std::vector<Product>& products() const { return products_; }
  std::string ProductUrl(size_t product) const { return "/shop/" + products_[product].slug + "/"; }
  // "InStock" or "OutOfStock" (schema.org's words): an ebook always, merchandise while a
  // variant has stock.
  static bool InStock(const Product& product);

  // Workshops (workshops_site.cc): upcoming ones first (soonest first), then past ones (latest
  // first), with the seats left when assembled; their pages exist when the theme has the
  // workshops' templates.
  const std::vector<Workshop>& workshops() const { return workshops_; }
  std::string WorkshopUrl(size_t w) const { return "/workshops/" + workshops_[w].slug + "/"; }
  std::string WorkshopIcsUrl(size_t w) const { return "/workshops/" + workshops_[w].slug + ".ics"; }
  const TimeZone& zone() const { return tz_; }
  // A teacher by their people's slug: their name (data/people.yaml's, else the slug) and their
  // page ("" when no article names them, so the site has none).
  std::pair<std::string, std::string> Teacher(const std::string& slug) const;

  // Search (search_site.cc). The page exists when the theme has a search template.
  static constexpr size_t kSearchPerPage = 10;
  bool has_search() const { return has_search_; }
  // The store query for a request: its filters turned into sections, dates and articles.
  SearchQuery MakeSearchQuery(const SearchRequest& request, int64_t now) const;
  // Where a hit is read (the store may know an article this site map does not yet); an
  // episode's page.
  std::string SearchHitUrl(const SearchHit& hit) const;
  // What a result says it is: its section's title, "Page", or an episode's show and number.
  std::string SearchHitKind(const SearchHit& hit) const;

  // The first article card that could not be rendered after the site was assembled (cards are
  // made when first asked for; the first one is made by Assemble, which fails when it cannot
  // be): a build that rendered lists without some cards' HTML fails with it.
  Status CardError() const;

 private:
  friend class SiteRenderer;
  Site() = default;
  Status AddOutput(OutputKind kind, const std::string& url, size_t ref, int page,
                   const std::string& what);
  void ComputeRelated();
  void ComputeFingerprints();
  void AssignEditions();
  // profiles_: data/people.yaml's, else what interviews' front matter says (the newest first).
  void AssignProfiles(std::vector<PersonProfile> people);
  Status AddFilmMagazineOutputs();
  Status BuildCards();
  Status AddSearchOutputs();
  // Shows and episodes: what is published, who may hear it, which films and people they
  // name; their pages and feeds; the media of restricted episodes kept out of the public site.
  Status AddPodcastOutputs(PodcastContent podcasts);
  std::string PodcastFingerprint(const Output& output) const;
  Status AddShopOutputs(std::vector<Product> products);
  Status AddWorkshopOutputs(std::vector<Workshop> workshops);
  // A digest of the text of the static index's piece `ref` (OutputKind::kSearchIndex), or "" while
  // the index is not made.
  std::string MadeIndexPieceDigest(size_t ref) const;
  // The static index, made from every body the first time a piece of it is rendered.
  Result<std::shared_ptr<const StaticSearchIndex>> StaticIndex(ContentStore* store) const;
  // The whole index from every document's words (`keep_words`: and this build's SearchWords);
  // and the index made from the last build's by the changed documents' words (null when it
  // cannot be: another number of documents or chunks, too many changes, a chunk's boundaries
  // moved, a chunk of the last build not readable as it was). Both hold search_mu_.
  Result<std::shared_ptr<const StaticSearchIndex>> WholeStaticIndex(ContentStore* store,
                                                                    bool keep_words) const;
  Result<std::shared_ptr<const StaticSearchIndex>> ChangedStaticIndex(ContentStore* store) const;
  // The static index's filters (kFilterNames' order), each document under its values.
  std::vector<std::string> SearchFilterTexts() const;
  // The text of chunk k of the index: an unchanged chunk of an index made from the last one is
  // read back from the last build (or, when it cannot be, taken from a whole index made now).
  Result<std::string> StaticIndexChunk(ContentStore* store, size_t k) const;
  // Static index documents: articles_, then pages_, then episodes_.
  size_t SearchDocs() const;
  // Document d's searchable text, field by field (`body`: an article's or page's body text, as
  // SearchBodyText makes it; an episode's is made here).
  DocText SearchDocText(size_t d, std::string body) const;
  // An article or page: d < articles_.size() + pages_.size().
  const Article& Doc(size_t d) const;
  const AccessRule& DocAccess(size_t d) const;
  // The rule of a stored article or page by its store id (null: not on this site map).
  const AccessRule* AccessOfStored(int64_t article_id) const;
  // An article's body as the text search indexes (the free part only when restricted: the
  // static index is public).
  Result<std::string> SearchBodyText(ContentStore* store, const Article& a,
                                     const AccessRule& access) const;

  SiteConfig config_;
  TimeZone tz_;
  std::shared_ptr<const Theme> theme_;
  std::vector<Article> articles_;
  std::vector<Article> pages_;
  std::vector<std::string> article_urls_;
  std::unordered_map<std::string, Author> authors_;
  std::unordered_map<std::string, Section> sections_;
  std::vector<MediaFile> media_;
  StillBook stills_;
  std::vector<SiteList> lists_;
  std::vector<std::string> section_order_;               // section keys, home page order
  std::unordered_map<std::string, size_t> list_by_key_;  // "category:film-reviews" -> list
  std::vector<std::vector<uint32_t>> related_;
  // Each article's card (`card`: as lists show it, its `html` already rendered with the theme's
  // partials/card.mustache), the lean item lists use (html, title, url, date) and its dek as
  // text and as HTML: made the first time one of them is asked for (CardOf), on whichever thread
  // asks, once; an incremental build renders a few pages and needs few of them.
  struct CardParts {
    TemplateData card, item;
    std::string dek_text, dek_html;
  };
  const CardParts& CardOf(size_t article) const;
  Status MakeCard(size_t article, ThemeRenderer& renderer, CardParts& out) const;
  const TemplateData& Card(size_t article) const { return CardOf(article).card; }
  const TemplateData& ListItem(size_t article) const { return CardOf(article).item; }
  const std::string& DekText(size_t article) const { return CardOf(article).dek_text; }
  const std::string& DekHtml(size_t article) const { return CardOf(article).dek_html; }
  mutable std::vector<CardParts> card_parts_;
  mutable std::unique_ptr<std::once_flag[]> card_made_;
  mutable std::mutex card_renderers_mu_;
  mutable std::vector<std::unique_ptr<ThemeRenderer>> card_renderers_;  // idle ones
  mutable Status card_error_;  // the first card that could not be rendered
  FilmRecords records_;
  std::vector<PersonProfile> profiles_;  // per person record
  std::vector<SiteFestival> festivals_;
  std::vector<SiteEdition> editions_;
  std::vector<std::vector<uint32_t>> editions_of_article_;  // article -> edition indices
  std::vector<ReviewFacet> facets_;
  std::vector<Article> collections_;
  std::vector<size_t> film_list_, person_list_;  // film/person -> its feed list
  std::vector<int32_t> film_of_article_;         // the record of an article's `film:`, or -1
  std::unordered_map<std::string, uint32_t> person_by_slug_;
  std::vector<Output> outputs_;
  std::unordered_map<std::string, std::string> output_owner_;  // path -> what, for conflicts
  size_t archive_list_ = 0;
  std::unordered_map<std::string, size_t> output_by_path_;
  std::unordered_map<std::string, std::string> redirects_;  // old URL -> current URL
  std::vector<AccessRule> access_, page_access_;
  std::unordered_map<int64_t, size_t> doc_by_id_;  // store id -> static index document
  std::vector<std::string> article_fp_, page_fp_;
  std::string global_fp_;
  // Digests of what the pages that draw on the whole archive share, made once (not per output):
  // every article's digest, every page's, the archive's months, every list's address.
  std::string archive_fp_, pages_fp_, months_fp_, lists_fp_;
  std::string sitemap_fp_;  // every address the site map lists, and its last change
  std::string stills_fp_;   // every still: the live server's pages, whose figures are not known
  int64_t next_publication_ = 0;
  int64_t now_ = 0;
  TemplateData base_;  // what every template sees: site.*
  bool has_search_ = false;
  size_t search_chunks_ = 0;
  // The search page's year and writer menus (newest year first; writers by name).
  std::vector<std::string> search_years_;
  std::vector<const Author*> search_writers_;
  std::vector<PodcastShow> shows_;
  std::vector<PodcastEpisode> episodes_;  // published, newest first
  std::vector<AccessRule> show_access_, episode_access_;
  std::vector<size_t> episode_show_;                            // episode -> show
  std::vector<std::vector<uint32_t>> show_episodes_;            // show -> episodes, newest first
  std::vector<std::vector<uint32_t>> episodes_of_film_;         // film record -> episodes
  std::vector<std::vector<uint32_t>> episodes_of_person_;       // person record -> episodes
  std::unordered_map<std::string, uint32_t> episode_of_media_;  // "/podcasts/…" -> episode
  std::string podcasts_fp_;
  std::vector<Product> products_;
  std::string shop_fp_;
  std::vector<Workshop> workshops_;
  std::unordered_map<std::string, std::string> people_names_;  // data/people.yaml: slug -> name
  std::string workshops_fp_;
  mutable std::mutex search_mu_;
  mutable std::shared_ptr<const StaticSearchIndex> search_index_;
  mutable std::string_view search_words_in_;                // see UseSearchWords
  mutable std::shared_ptr<const void> search_words_owner_;  // keeps search_words_in_
  mutable std::deque<std::string> search_words_made_;       // the header, the lines made this build
  mutable std::vector<std::string_view> search_words_out_;  // SearchWords' pieces
  mutable bool search_words_wanted_ = false;  // UseSearchWords was called: make SearchWords
  mutable std::unordered_map<std::string_view, std::string_view> search_words_;  // digest -> words
  mutable std::shared_ptr<const KeptSearchIndex> search_kept_;  // the last build's, when whole
  mutable std::function<std::optional<std::string>(size_t)> search_previous_chunk_;
  mutable std::shared_ptr<const StaticSearchIndex> search_whole_index_;  // StaticIndexChunk's
  mutable std::string search_index_mode_;
};

// Numbered pages for a pagination partial (`current`, `total`, `prev_url`, `next_url`, `pages`):
// the first, the last and two on each side of the current one.
TemplateData PaginationData(int current, int total, const std::function<std::string(int)>& url);
// An episode's number as its pages and search results show it: "Season 2, Episode 5",
// "Episode 5", or "" when it has none.
std::string EpisodeNumberText(int season, int episode);

// A review's rating as pages show it (`rating.*` in docs/THEMES.md): `text` says it in words
// ("4.5 out of 5") for every reader; `stars` ("★★★★½") and `rest` (the empty ones, "☆") draw it
// on scales up to 10; on larger ones `score` ("87/100") does. Empty data when there is none.
TemplateData RatingData(double value, double max);
// An image as templates see it: `{src, alt, caption}` (caption only when there is one), and with
// its stills (`still`, null when it has none) the facts docs/THEMES.md lists: `width`, `height`,
// `tint`, `avif_srcset`, `webp_srcset`, `srcset`, and `src` the fallback variant.
TemplateData ImageData(const Image& image, const Still* still);

// How much of a restricted article a page shows (ReaderRights::VariantFor decides): the free
// part and the paywall box, or all of it; and who opened it, when an institution did.
struct PageAccess {
  bool full = false;
  std::string institution;  // "Access provided by …"
  // The site's feeds: each restricted article whole when these rights open it (a member's
  // private feed); null: the free part only.
  const ReaderRights* rights = nullptr;
};

// Renders outputs of one Site on one thread.
class SiteRenderer {
 public:
  // `store` gives article bodies and media data; it is used only by this renderer.
  SiteRenderer(std::shared_ptr<const Site> site, ContentStore* store);
  // Every output as the static build writes it: restricted articles show their free part only.
  Result<std::string> Render(const Output& output) { return Render(output, PageAccess{}); }
  // An article or page as one group of readers sees it (other outputs ignore `access`).
  Result<std::string> Render(const Output& output, const PageAccess& access);
  // A page the site map does not hold (the newsletter pages of `cinepress serve`): theme
  // template `name` with the usual site.* and page.* (page.is_`kind`), and `view` as view.*.
  // `description`: the page's meta description ("": the site's).
  Result<std::string> RenderPage(const std::string& name, const std::string& url,
                                 const std::string& heading, const std::string& kind,
                                 const TemplateData& view, const std::string& description = "");
  // The search page: with the store's results (live), or empty for the static build's script;
  // passages of restricted articles are quoted only to readers whose `rights` open them.
  Result<std::string> RenderSearch(const SearchRequest& request, const SearchResults* results,
                                   const ReaderRights& rights = {});
  // A show's feed: the public one (member null: the episodes everyone may hear), or a member's
  // private one (every episode their rights open, enclosures at their own URLs).
  std::string RenderShowFeed(size_t show, const PrivatePodcastFeed* member) const;
  // An article's or page's whole body as HTML (the store's Markdown rendered, or its sanitized
  // HTML): the text of /contact/ above the live form.
  Result<std::string> BodyHtml(const Article& a);
  // The images the last Render placed as figures of a body ("/images/x.jpg"), in order: its
  // bytes depend on their stills beside what Site::FingerprintBesideFigures digests.
  const std::vector<std::string>& figures() const { return figures_; }
  // A restricted body's parts as HTML: everyone's, and the locked rest ("" unless `full`; the
  // locked part is never rendered otherwise). The Content API shows the free part.
  struct BodyParts {
    std::string free_html, locked_html;
    bool has_locked = false;
  };
  Result<BodyParts> RestrictedBody(const Article& a, bool full);

 private:
  Result<std::string> RenderArticle(size_t i, bool is_page, const PageAccess& access);
  Result<std::string> RenderList(size_t list, int page, bool archive);
  Result<std::string> RenderHome();
  Result<std::string> RenderFilm(size_t film);
  Result<std::string> RenderPerson(size_t person);
  Result<std::string> RenderFestival(size_t festival);
  Result<std::string> RenderEdition(size_t edition);
  Result<std::string> RenderReviewIndex(size_t facet);
  Result<std::string> RenderInterviewIndex(bool by_last_name);
  Result<std::string> RenderCollection(size_t collection);
  Result<std::string> RenderMembership();
  Result<std::string> RenderDonate();
  Result<std::string> RenderPodcasts();
  Result<std::string> RenderShow(size_t show);
  Result<std::string> RenderEpisode(size_t episode, const PageAccess& access);
  Result<std::string> RenderShop();
  Result<std::string> RenderProduct(size_t product);
  // A product as a card and as its page shows it: title, url, summary, price_text, image,
  // in_stock, variants (sku, label, sold_out).
  TemplateData ProductData(size_t product) const;
  Result<std::string> RenderWorkshops();
  Result<std::string> RenderWorkshop(size_t workshop);
  std::string RenderWorkshopIcs(size_t workshop) const;
  // A workshop as a card and as its page shows it (workshops_site.cc).
  TemplateData WorkshopData(size_t workshop) const;
  // An episode as a card: title, url, date, duration, show.
  TemplateData EpisodeCard(size_t episode) const;
  // Episodes that name a film or a person, as their pages list them ("Discussed on…").
  TemplateData EpisodeCards(const std::vector<uint32_t>& episodes) const;
  TemplateData FilmCard(size_t film) const;
  // What ties article i to the records: its interviewee's page and film, its festival editions,
  // the films it covers (`films:`) — article.interviewee, .editions, .covered_films.
  void AddRecordLinks(TemplateData& art, size_t i) const;
  TemplateData MakeFilmCard(size_t film) const;
  void AddListFeeds(TemplateData& d, const SiteList& list) const;
  // page.jsonld: schema.org data for the page, with a BreadcrumbList (site/jsonld.cc); a page
  // with `faq` entries is a FAQPage.
  void SetJsonLd(TemplateData& d, OutputKind kind, size_t ref,
                 const std::vector<FaqEntry>* faq = nullptr) const;
  Result<std::string> RenderNotFound();
  Result<std::string> RenderSearchIndex(size_t ref);
  Result<std::string> RenderSearchDoc(size_t doc);
  Result<std::string> RenderFeed(size_t list, bool atom, const ReaderRights* rights);
  std::string RenderSitemapXml(size_t part) const;  // kWholeSite: the index
  // An article's body as written (Markdown or sanitized HTML), and a part of it as HTML.
  Result<std::string> BodySource(const Article& a);
  std::string SourceToHtml(const Article& a, std::string_view source);
  // The paywall box's data: the tiers that open `rule`, and where to sign in.
  TemplateData PaywallData(const AccessRule& rule) const;
  Result<TemplateData> CommentsData(const Article& a, bool open);
  TemplateData PageData(const std::string& url, const std::string& heading,
                        const std::string& description, const std::string& kind_flag) const;

  std::shared_ptr<const Site> site_;
  ContentStore* store_;
  ThemeRenderer theme_;
  mutable std::vector<std::unique_ptr<TemplateData>> film_cards_;  // FilmCard, once per film
  std::vector<std::string> figures_;                               // of the last Render
};

}  // namespace cinepress
