// The magazine's content model, in its own words.
//
//   article   one published piece: a review, an interview, an essay, a festival dispatch, news
//   page      a static page (About, Privacy…), an Article with kind kPage and no section
//   section   the folder an article lives in (reviews, interviews…), with a title
//   author    a writer of the magazine (bio, role); not a person in a film
//   category  the site's "Filed under"; tag: its "Tagged with"
//   film      the film an article is about (a record of its own comes with the films issue)
//   media     an image or other file kept by the site, served at its path
//
// Contract: plain values, copyable, no behaviour beyond small helpers; safe to share read-only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"

namespace cinepress {

struct Image {
  std::string src;
  std::string alt;
  std::string caption;
  bool operator==(const Image&) const = default;
};

// Identifiers of a film in public databases; any one of them identifies the film.
struct ExternalIds {
  std::string wikidata;  // Q-number
  std::string imdb;      // tt-number
  std::string tmdb;      // number
  bool empty() const { return wikidata.empty() && imdb.empty() && tmdb.empty(); }
  bool operator==(const ExternalIds&) const = default;
};

struct Film {
  std::string title;
  std::string original_title;
  std::vector<std::string> directors;
  int year = 0;
  std::vector<std::string> countries;
  std::vector<std::string> languages;
  int runtime_min = 0;
  std::vector<std::string> cast;
  ExternalIds ids;
  std::string language;  // ISO 639-1 of the title, for sorting ("fr": "Le Mépris" under M)
  bool operator==(const Film&) const = default;
};

// A link to elsewhere (a person's website, a film's page at a database): what it says, where to.
struct WebLink {
  std::string name;
  std::string url;  // https:// or http://, or a path of this site
  bool operator==(const WebLink&) const = default;
};

// What the magazine knows of a person beyond their credits, shown on their page: from
// data/people.yaml (keyed by the person's slug), or from an interviewee's front matter.
struct PersonProfile {
  std::string slug;  // the person's page: /people/<slug>/ (the slug of their name)
  std::string name;
  std::string bio;                // Markdown
  std::optional<Image> portrait;  // alt text required
  std::vector<WebLink> links;
  bool empty() const { return bio.empty() && !portrait && links.empty(); }
  bool operator==(const PersonProfile&) const = default;
};

struct Interviewee {
  std::string name;
  std::string job_title;
  std::string film;
  std::string sort_name;   // explicit: always wins
  std::string name_order;  // "family-first" or "given-first"; empty: recognised from the name
  // Their bio, portrait and links, when the article gives them (data/people.yaml wins).
  std::string bio;
  std::optional<Image> portrait;
  std::vector<WebLink> links;
  bool operator==(const Interviewee&) const = default;
};

enum class ArticleKind { kArticle, kPage };

// What an article's body is written in: Markdown (content folders) or HTML that the importer
// has already sanitized (WordPress), which the site shows as stored.
enum class BodyFormat { kMarkdown, kHtml };

struct Article {
  int64_t id = 0;  // store id; 0 until stored
  ArticleKind kind = ArticleKind::kArticle;
  std::string section;  // "reviews"; empty for pages
  std::string slug;
  std::string title;
  std::string dek;      // front matter `summary`
  int64_t date = 0;     // Unix seconds
  int64_t updated = 0;  // 0 when never updated
  bool draft = false;
  bool featured = false;
  std::vector<std::string> author_ids;
  std::vector<std::string> categories;
  std::vector<std::string> tags;
  std::string festival;
  std::optional<Image> image;
  std::optional<Film> film;
  std::optional<Interviewee> interviewee;
  double rating = 0;               // a review's rating, 0: none
  double rating_max = 0;           // out of this (front matter `rating_scale`, default 5)
  std::vector<std::string> films;  // other films the article covers, by title ("Title (2021)")
  std::vector<std::string> items;  // a collection's entries, in order: article or film paths
  std::string body_markdown;       // may be left empty when loaded without bodies
  size_t word_count = 0;
  // Who may read all of it (content/access.h's stored form: "members", "paid", "patron,supporter"
  // …); empty: its section's default, else public.
  std::string access;
  std::string source_path;  // relative to the imported folder: "content/reviews/x.md"
  std::string source_hash;  // ContentHash of the source file

  // Imported from WordPress (docs/WORDPRESS.md); the defaults for content folders.
  BodyFormat body_format = BodyFormat::kMarkdown;
  std::string status;  // the source's status when not plainly published: draft, pending, future…
  bool password_protected = false;  // kept, never published: WordPress showed it to few
  std::string format;               // WordPress post format: gallery, video, quote, aside…
  int menu_order = 0;               // a page's place among its siblings
  std::string parent_source;        // a page's parent page (its source_path)
  // Not stored with the article: what its shown comments are now (ContentStore::CommentStamps),
  // set when the site is loaded, so that its page is made again when one is approved or deleted.
  std::string comments_stamp;

  // Published articles appear on the site: not drafts, not protected, not scheduled for later.
  bool IsPublishedAt(int64_t now) const { return !draft && !password_protected && date <= now; }
};

// One saved state of an article in the newsroom: every save makes one (docs/NEWSROOM.md).
struct ArticleRevision {
  int64_t id = 0;  // store id; a later revision of an article has a larger id
  int64_t article_id = 0;
  int64_t created = 0;  // Unix seconds
  std::string author;   // who saved it: a staff member's address
  std::string action;   // what the save was: draft, autosave, review, schedule, publish…
  Article article;      // the article as saved, its body included (left empty by listings)
};
// The author and action of the revision an import forced over the newsroom's edits.
inline constexpr std::string_view kImportRevision = "import";

struct Author {
  std::string id;  // slug, the key in data/authors.yaml
  std::string name;
  std::string role;
  std::string city;
  std::string handle;
  std::string bio;
  bool operator==(const Author&) const = default;
};

struct Section {
  std::string key;  // folder name; "" for the site's own _index.md
  std::string title;
  std::string description;
  std::string access;  // the default access of its articles (see Article::access); "" public
  bool operator==(const Section&) const = default;
};

// An old address of an article (its section and slug before a change), kept so that old links
// keep working: they redirect to where the article is now.
struct ArticleAlias {
  int64_t article_id = 0;
  ArticleKind kind = ArticleKind::kArticle;
  std::string section;
  std::string slug;
};

struct MediaFile {
  std::string path;  // URL path without the leading slash: "images/x.jpg"
  std::string hash;
  int64_t size = 0;
  int64_t modified = 0;  // Unix seconds: when this path was last given different bytes
};

// What the newsroom's media library knows of an uploaded file beyond its bytes (issue #15):
// the alt text (required), caption and credit, who uploaded it and when, and what libvips
// found when it decoded it. Keyed by the media path ("uploads/2026/12/x.jpg").
struct MediaDetails {
  std::string path;
  std::string alt;
  std::string caption;
  std::string credit;
  std::string uploader;  // the staff member's address
  std::string type;      // "image/jpeg", "image/png", "image/webp"
  int64_t width = 0;
  int64_t height = 0;
  int64_t uploaded = 0;  // Unix seconds
  bool operator==(const MediaDetails&) const = default;
};

// One counted download of a media file (a podcast episode's audio): who, what and when, as
// download counting decided it (src/downloads). `client` is a digest of the address and the
// user agent, never the address itself.
struct MediaDownload {
  int64_t at = 0;    // Unix seconds
  std::string path;  // the URL path asked for: "/podcasts/show/episode.mp3"
  std::string client;
  int64_t bytes = 0;  // what the response delivered
  bool operator==(const MediaDownload&) const = default;
};

// A reader's comment on an article (imported from WordPress, or written by a member on the site),
// threaded by its parent's id in the source, with its moderation state; only approved comments
// may ever be shown.
struct Comment {
  int64_t article_id = 0;
  std::string source_id;         // "wp:926"; a member's: "m:" and a random token
  std::string parent_source_id;  // "" at the top of a thread
  std::string author, author_email, author_url;
  int64_t date = 0;
  std::string body;       // sanitized HTML (a member's plain text is escaped: comments/comments.h)
  std::string status;     // approved, pending, spam, trash
  std::string type;       // comment, pingback, trackback
  int64_t member_id = 0;  // the member who wrote it on the site; 0: imported
  bool operator==(const Comment&) const = default;
};
// The id of a comment's element on its page ("comment-wp-926"): letters and digits of the
// source id, anything else a hyphen.
std::string CommentAnchor(std::string_view source_id);

// A category or tag as its source had it, with its parent (categories nest in WordPress).
struct Term {
  std::string taxonomy;  // category, post_tag, post_format…
  std::string slug, name, parent, description;
  bool operator==(const Term&) const = default;
};

// An old address that redirects (301): to an article, wherever it is now, or to a fixed path.
// `from` is a path, with its query when it has one: "/2013/01/10/x/", "/?p=1168".
struct UrlRedirect {
  std::string from;
  int64_t article_id = 0;  // 0: `to` is the target
  std::string to;
  bool operator==(const UrlRedirect&) const = default;
};

// A navigation menu kept in the store (WordPress's menus); the site uses the one whose role is
// "main" (or "footer") when cinepress.toml defines no menu of that kind.
struct StoredMenu {
  std::string slug, name;
  std::string role;  // "main", "footer" or ""
  std::vector<MenuItem> items;
};

}  // namespace cinepress
