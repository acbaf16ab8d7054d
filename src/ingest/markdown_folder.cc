#include "ingest/markdown_folder.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "content/access.h"
#include "content/private_media.h"
#include "content/records.h"
#include "content/still.h"
#include "core/dates.h"
#include "core/parallel.h"
#include "core/slug.h"
#include "core/text.h"
#include "ingest/file_stats.h"
#include "ingest/front_matter.h"
#include "ingest/media_file.h"
#include "ingest/podcast_folder.h"
#include "ingest/site_data.h"
#include "ingest/wp_content.h"

namespace cinepress {
namespace fs = std::filesystem;
namespace {}  // namespace

namespace {

// An HTML body (body_format: html) is shown as it is, so it is made safe as WordPress's bodies
// are: through the allow-list sanitizer, around its <!--more--> cut (which the sanitizer, like
// every comment, would drop). A body the sanitizer keeps whole — what it writes differs at most
// in the whitespace between elements, as for a body it wrote itself and `export` wrote out — is
// kept byte for byte, so that export and import change nothing; any other is stored as the
// sanitizer writes it. (Whitespace cannot make a tag or an attribute out of the sanitizer's
// output: its text escapes `<` and its attribute values are quoted.)
std::string SafeHtmlBody(std::string_view body) {
  constexpr std::string_view kMore = "<!--more-->";
  std::string safe;
  if (size_t cut = body.find(kMore); cut != std::string_view::npos) {
    safe = SanitizeHtml(body.substr(0, cut), SanitizeOptions{}) + std::string(kMore) +
           SanitizeHtml(body.substr(cut + kMore.size()), SanitizeOptions{});
  } else {
    safe = SanitizeHtml(body, SanitizeOptions{});
  }
  auto without_space = [](std::string_view text) {
    std::string out;
    for (char c : text) {
      if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\f') out += c;
    }
    return out;
  };
  return without_space(safe) == without_space(body) ? std::string(body) : safe;
}

// What a WordPress import keeps beyond the usual fields, written by `cinepress export` for
// articles imported from WordPress (docs/CONTENT.md, "Export"): an HTML body, kept as it is,
// WordPress's status, password protection, post format, and a page's place and parent.
void ReadWordPressFields(Fields& f, const YAML::Node& fm, Article& a) {
  if (auto format = f.String(fm, "body_format", "body_format")) {
    if (*format == "html") {
      a.body_format = BodyFormat::kHtml;
    } else if (*format != "markdown") {
      f.Problem(fm["body_format"], "body_format", "must be markdown or html");
    }
  }
  a.status = f.String(fm, "status", "status").value_or("");
  a.password_protected = f.Bool(fm, "password_protected", "password_protected");
  a.format = f.String(fm, "format", "format").value_or("");
  a.menu_order = f.Int(fm, "menu_order", "menu_order", -1000000000, 1000000000).value_or(0);
  a.parent_source = f.String(fm, "parent", "parent").value_or("");
}

// ParseContentFile, but returning what it could read even when a field has a problem (nothing
// only when there are no fields to read), so that the import can check everything else about
// the file — its authors, its URL, its film — in the same run.
std::optional<ParsedContent> ParseContentFields(std::string_view text, const std::string& rel_path,
                                                const TimeZone& tz, std::vector<Error>& problems) {
  auto problem = [&](int line, const std::string& field, const std::string& msg) {
    problems.push_back(Error{ErrorCode::kInvalidInput, msg, rel_path, line, field});
  };
  if (!IsValidUtf8(text)) {
    problem(0, "", "is not valid UTF-8 text");
    return std::nullopt;
  }
  std::string_view yaml_text, body;
  if (!SplitFrontMatter(text, yaml_text, body)) {
    problem(1, "",
            "no front matter: the file must start with a line \"---\", then YAML, then "
            "a line \"---\"");
    return std::nullopt;
  }
  // The YAML starts on line 2 of the file.
  auto doc = LoadYaml(yaml_text, rel_path, 1, problems);
  if (!doc) return std::nullopt;
  if (!doc->IsMap()) {
    problem(2, "", "the front matter must be a YAML map of fields (title: …, date: …)");
    return std::nullopt;
  }
  const YAML::Node& fm = *doc;
  Fields f(rel_path, 1, problems);

  ParsedContent out;
  Article& a = out.article;
  // content/reviews/x.md -> article in section "reviews"; content/about.md -> page.
  fs::path rel(rel_path);
  std::vector<std::string> parts;
  for (const auto& p : rel) parts.push_back(p.string());
  if (parts.size() >= 3) {
    a.kind = ArticleKind::kArticle;
    a.section = parts[1];
    if (!IsValidSlug(a.section)) {
      problem(0, "",
              "folder \"" + a.section +
                  "\" cannot be a section: use lowercase letters, digits and dashes");
    }
  } else {
    a.kind = ArticleKind::kPage;
  }

  if (auto title = f.String(fm, "title", "title"); title && !Trim(*title).empty()) {
    a.title = std::string(Trim(*title));
  } else if (!fm["title"] || fm["title"].IsNull() || (title && Trim(*title).empty())) {
    f.Problem(fm["title"] ? f.LineOf(fm["title"]) : 2, "title", "an article needs a title");
  }
  if (auto slug = f.String(fm, "slug", "slug")) {
    a.slug = *slug;
    // A page may sit under others ("about/masthead"): its slug is their slugs and its own.
    if (a.kind == ArticleKind::kPage ? !IsValidPageSlug(a.slug) : !IsValidSlug(a.slug)) {
      f.Problem(fm["slug"], "slug",
                "\"" + a.slug + "\" is not a slug (lowercase letters, digits and dashes; try \"" +
                    Slugify(a.slug) + "\")");
    }
  } else {
    a.slug = rel.stem().string();
    if (!IsValidSlug(a.slug)) a.slug = Slugify(a.slug);
  }
  if (fm["date"] && !fm["date"].IsNull()) {
    if (auto d = f.Date(fm, "date", tz)) a.date = *d;
  } else {
    f.Problem(2, "date", "an article needs a date");
  }
  if (auto d = f.Date(fm, "updated", tz)) a.updated = *d;
  if (auto dek = f.String(fm, "summary", "summary")) {
    a.dek = *dek;
  } else if (auto d2 = f.String(fm, "dek", "dek")) {
    a.dek = *d2;
  } else if (auto d3 = f.String(fm, "description", "description")) {
    a.dek = *d3;
  }
  a.draft = f.Bool(fm, "draft", "draft");
  a.featured = f.Bool(fm, "featured", "featured");
  a.categories = f.List(fm, "categories", "categories");
  a.tags = f.List(fm, "tags", "tags");
  if (auto fest = f.String(fm, "festival", "festival")) a.festival = *fest;
  a.access = f.Access(fm);

  // Authors as written: author_id, then authors, then author (ids or names).
  for (const char* key : {"author_id", "authors", "author"}) {
    YAML::Node n = fm[key];
    if (!n) continue;
    for (const std::string& ref : f.List(fm, key, key)) {
      bool seen = false;
      for (const auto& r : out.author_refs) seen = seen || r.first == ref;
      if (!seen) out.author_refs.emplace_back(ref, f.LineOf(n));
    }
  }

  a.image = f.ImageAt(fm, "image", "image");
  if (YAML::Node film = fm["film"]; film && !film.IsNull()) {
    if (!film.IsMap()) {
      f.Problem(film, "film", "must be a map (title, year, directors…)");
    } else {
      Film fl = f.FilmFacts(film, "film");
      if (fl.title.empty()) f.Problem(f.KeyLine(fm, "film"), "film.title", "a film needs a title");
      a.film = std::move(fl);
    }
  }
  if (YAML::Node iv = fm["interviewee"]; iv && !iv.IsNull()) {
    if (!iv.IsMap()) {
      f.Problem(iv, "interviewee", "must be a map (name, job_title, film)");
    } else {
      Interviewee who;
      who.name = f.String(iv, "name", "interviewee.name").value_or("");
      if (who.name.empty()) {
        f.Problem(f.KeyLine(fm, "interviewee"), "interviewee.name", "an interviewee needs a name");
      }
      who.job_title = f.String(iv, "job_title", "interviewee.job_title").value_or("");
      who.film = f.String(iv, "film", "interviewee.film").value_or("");
      who.sort_name = f.String(iv, "sort_name", "interviewee.sort_name").value_or("");
      who.name_order = f.String(iv, "name_order", "interviewee.name_order").value_or("");
      who.bio = f.String(iv, "bio", "interviewee.bio").value_or("");
      who.portrait = f.ImageAt(iv, "portrait", "interviewee.portrait");
      who.links = f.Links(iv, "links", "interviewee.links");
      if (!who.name_order.empty() && who.name_order != "family-first" &&
          who.name_order != "given-first") {
        f.Problem(iv["name_order"], "interviewee.name_order",
                  "must be family-first or given-first");
      }
      a.interviewee = std::move(who);
    }
  }
  if (YAML::Node r = fm["rating"]; r && !r.IsNull()) {
    double v = 0, scale = 5;
    if (YAML::Node sc = fm["rating_scale"]; sc && !sc.IsNull()) {
      if (!sc.IsScalar() || !YAML::convert<double>::decode(sc, scale) || scale <= 0 ||
          scale > 100) {
        f.Problem(sc, "rating_scale", "must be a number from 1 to 100");
        scale = 5;
      }
    }
    if (!r.IsScalar() || !YAML::convert<double>::decode(r, v) || v < 0 || v > scale) {
      f.Problem(r, "rating",
                "must be a number from 0 to " + std::to_string(static_cast<int>(scale)));
    } else {
      a.rating = v;
      a.rating_max = scale;
    }
  }
  a.films = f.List(fm, "films", "films");
  a.items = f.List(fm, "items", "items");
  ReadWordPressFields(f, fm, a);
  if (a.body_format == BodyFormat::kHtml) {
    a.body_markdown = SafeHtmlBody(body);
    a.word_count = CountWords(StripTags(a.body_markdown));
  } else {
    a.body_markdown = std::string(body);
    a.word_count = CountWords(body);
  }
  a.source_path = rel_path;
  return out;
}

}  // namespace

std::optional<ParsedContent> ParseContentFile(std::string_view text, const std::string& rel_path,
                                              const TimeZone& tz, std::vector<Error>& problems) {
  size_t before = problems.size();
  auto out = ParseContentFields(text, rel_path, tz, problems);
  if (problems.size() != before) return std::nullopt;
  return out;
}

namespace {

struct FileResult {
  std::string rel_path;
  std::optional<ParsedContent> parsed;  // a file read and parsed now
  // An unchanged file's article as the store has it (not copied: a whole archive's copies, in
  // fresh memory, were a fifth of an import with one file changed).
  const Article* kept = nullptr;
  std::vector<Error> problems;
  bool unchanged = false;        // the store has this file as it is
  std::optional<FileStat> stat;  // as it was read (with ImportOptions::file_stats)
  SearchText search_text;  // made on every core before the writes (ContentStore::PrepareSearchText)

  // The file's article, parsed or kept; nothing when it has a problem.
  const Article* article() const { return parsed ? &parsed->article : kept; }
};

// A data/*.yaml file whose top level must be `what` (a map): the document (null when the file
// is empty), or nothing after a problem, which is recorded.
std::optional<YAML::Node> LoadDataMap(const fs::path& file, const std::string& rel,
                                      const std::string& what, std::vector<Error>& problems) {
  auto text = ReadFile(file);
  if (!text) {
    problems.push_back(Error{ErrorCode::kIo, text.error().message, rel, 0, {}});
    return std::nullopt;
  }
  auto doc = LoadYaml(*text, rel, 0, problems);
  if (!doc) return std::nullopt;
  if (!doc->IsNull() && !doc->IsMap()) {
    problems.push_back(Error{ErrorCode::kInvalidInput, "must be " + what, rel, 1, {}});
    return std::nullopt;
  }
  return doc;
}

// data/authors.yaml: a map from author id to {name, role, city, handle, bio}.
bool LoadAuthorsFile(const fs::path& file, const std::string& rel,
                     std::map<std::string, Author>& authors, std::vector<Error>& problems) {
  auto doc = LoadDataMap(file, rel, "a map from author id to details", problems);
  if (!doc) return false;
  if (doc->IsNull()) return true;
  size_t before = problems.size();
  Fields f(rel, 0, problems);
  for (const auto& kv : *doc) {
    std::string id = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (!IsValidSlug(id)) {
      f.Problem(kv.first, id, "an author id must be a slug (lowercase letters, digits, dashes)");
      continue;
    }
    if (!v.IsMap()) {
      f.Problem(v, id, "must be a map with name, role, city, handle and bio");
      continue;
    }
    Author a;
    a.id = id;
    a.name = f.String(v, "name", id + ".name").value_or("");
    if (a.name.empty()) f.Problem(v, id + ".name", "an author needs a name");
    a.role = f.String(v, "role", id + ".role").value_or("");
    a.city = f.String(v, "city", id + ".city").value_or("");
    a.handle = f.String(v, "handle", id + ".handle").value_or("");
    a.bio = f.String(v, "bio", id + ".bio").value_or("");
    authors[id] = std::move(a);
  }
  return problems.size() == before;
}

// data/people.yaml: a map from a person's slug (their page's address) to {name, bio, portrait:
// {src, alt, caption}, links: [{name, url}]} (docs/CONTENT.md).
bool LoadPeopleFile(const fs::path& file, const std::string& rel,
                    std::vector<PersonProfile>& people, std::vector<Error>& problems) {
  auto doc = LoadDataMap(
      file, rel, "a map from a person's slug to their name, bio, portrait and links", problems);
  if (!doc) return false;
  if (doc->IsNull()) return true;
  size_t before = problems.size();
  Fields f(rel, 0, problems);
  for (const auto& kv : *doc) {
    std::string slug = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (!IsValidSlug(slug)) {
      f.Problem(kv.first, slug,
                "a person's key must be the slug of their page (lowercase letters, digits, "
                "dashes: park-seo-yeon)");
      continue;
    }
    if (!v.IsMap()) {
      f.Problem(v, slug, "must be a map with name, bio, portrait and links");
      continue;
    }
    PersonProfile p;
    p.slug = slug;
    p.name = f.String(v, "name", slug + ".name").value_or("");
    if (p.name.empty()) {
      f.Problem(v, slug + ".name", "a person needs a name");
    } else if (Slugify(p.name) != slug) {
      f.Problem(v["name"], slug + ".name",
                "\"" + p.name + "\" has the page " + Slugify(p.name) + ", not " + slug +
                    " (the key is the slug of the name)");
    }
    p.bio = f.String(v, "bio", slug + ".bio").value_or("");
    p.portrait = f.ImageAt(v, "portrait", slug + ".portrait");
    p.links = f.Links(v, "links", slug + ".links");
    people.push_back(std::move(p));
  }
  return problems.size() == before;
}

Section LoadSectionIndex(const fs::path& file, const std::string& rel, const std::string& key,
                         std::vector<Error>& problems) {
  Section s;
  s.key = key;
  auto text = ReadFile(file);
  if (!text) {
    problems.push_back(Error{ErrorCode::kIo, text.error().message, rel, 0, {}});
    return s;
  }
  std::string_view yaml, body;
  if (SplitFrontMatter(*text, yaml, body)) {
    if (auto doc = LoadYaml(yaml, rel, 1, problems); doc && doc->IsMap()) {
      Fields f(rel, 1, problems);
      s.title = f.String(*doc, "title", "title").value_or("");
      s.description = f.String(*doc, "description", "description").value_or("");
      s.access = f.Access(*doc);
    }
  }
  if (s.title.empty() && !key.empty()) {
    s.title = key;
    s.title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s.title[0])));
  }
  return s;
}

// What a content folder owns, and so what --prune may remove: articles from content/ files, and
// media other than WordPress's uploads (the WordPress importer's, src/ingest/wordpress.h).
bool IsFolderArticle(const std::string& source_path) {
  return source_path.rfind("content/", 0) == 0;
}
// Media from static/ (not WordPress's uploads, nor podcasts' files, which WritePodcasts keeps,
// nor the newsroom's media library, nor private media: the shop's and the workshops' files).
bool IsFolderMedia(const std::string& path) {
  return path.rfind("wp-content/uploads/", 0) != 0 && path.rfind("podcasts/", 0) != 0 &&
         path.rfind("uploads/", 0) != 0 && !IsPrivateMedia(path) &&
         !IsStillPath(path);  // made from the folder's images (src/stills), which removes them
}

// The articles whose films have pages, in the site's order (content/records.h: MovedFilms).
std::vector<const Article*> FilmArticles(const std::vector<Article>& all) {
  std::vector<const Article*> out;
  for (const Article& a : all) {
    if (a.kind == ArticleKind::kArticle && !a.draft && !a.password_protected &&
        a.section != "collections") {
      out.push_back(&a);
    }
  }
  std::sort(out.begin(), out.end(), [](const Article* x, const Article* y) {
    return x->date != y->date ? x->date > y->date : x->slug < y->slug;
  });
  return out;
}

// Whether two states of an article make the same film records, in the same place among the
// others: what BuildFilmRecords reads when it makes no people (content/records.h — keep the two
// in step), and what FilmArticles filters and orders by. An import whose changed files are all
// the same in this (a body edited) needs neither the films' check nor their moves.
bool SameForFilms(const Article& x, const Article& y) {
  return x.film == y.film && x.interviewee == y.interviewee && x.films == y.films &&
         x.source_path == y.source_path && x.date == y.date && x.slug == y.slug &&
         x.kind == y.kind && x.section == y.section && x.draft == y.draft &&
         x.password_protected == y.password_protected;
}

// A film record's address changes only with a 301 from the old one: the old address is kept as
// a redirect (UrlRedirect), and redirects that led to it lead to the new one (no chains).
// `after`: the stored articles as this import leaves them (made in memory: loading them all
// again cost a fifth of an import of one changed file).
Status RememberMovedFilms(ContentStore& store, const std::vector<Article>& before,
                          const std::vector<Article>& after, const std::string& pattern,
                          ImportReport& report) {
  auto moved = MovedFilms(FilmArticles(before), FilmArticles(after));
  if (moved.empty()) return {};
  auto redirects = store.LoadRedirects();
  if (!redirects) return redirects.error();
  for (const auto& [old_slug, new_slug] : moved) {
    std::string from = ExpandPermalink(pattern, {{"slug", old_slug}});
    std::string to = ExpandPermalink(pattern, {{"slug", new_slug}});
    for (const UrlRedirect& r : *redirects) {
      if (r.article_id != 0 || r.to != from) continue;
      if (auto st = store.SaveRedirect(UrlRedirect{r.from, 0, to}); !st) return st;
    }
    if (auto st = store.SaveRedirect(UrlRedirect{from, 0, to}); !st) return st;
    report.moved_films.emplace_back(old_slug, new_slug);
  }
  return {};
}

std::string UrlKey(const Article& a) {
  return (a.kind == ArticleKind::kPage ? "page:" : "article:") + a.section + "/" + a.slug;
}

}  // namespace

Result<ImportReport> ImportFolder(ContentStore& store, const fs::path& folder, const TimeZone& tz,
                                  const ImportOptions& options) {
  ImportReport report;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    return Error{ErrorCode::kNotFound, "no such folder", folder.string(), 0, {}};
  }
  const fs::path content = folder / "content";
  if (!fs::is_directory(content, ec)) {
    return Error{ErrorCode::kInvalidInput,
                 "not a content folder: it has no content/ folder (see docs/CONTENT.md)",
                 folder.string(),
                 0,
                 {}};
  }

  // The store's articles, loaded on another core while the files are found and looked at:
  // nothing else uses the store until they are in (an early return waits for them).
  auto stored_loading =
      std::async(std::launch::async, [&store] { return store.LoadArticles(false); });

  // 1. Find the files.
  std::vector<std::string> article_files;
  std::vector<std::pair<fs::path, std::string>> section_files;  // path, section key
  std::vector<std::string> symlinks;                            // skipped, and reported
  for (auto it = fs::recursive_directory_iterator(content, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    // A symbolic link could point anywhere on the machine: content is read from real files only.
    if (it->is_symlink()) {
      symlinks.push_back(it->path().lexically_relative(folder).generic_string());
      continue;
    }
    if (!it->is_regular_file()) continue;
    fs::path rel = it->path().lexically_relative(folder);
    // Shows and episodes are read by ReadPodcastFolder; the shop's products by src/shop; the
    // workshops (and their materials, which must never become public media) by src/workshops.
    if (rel.generic_string().rfind("content/podcasts/", 0) == 0) continue;
    if (rel.generic_string().rfind("content/shop/", 0) == 0) continue;
    if (rel.generic_string().rfind("content/workshops/", 0) == 0) continue;
    std::string name = it->path().filename().string();
    if (it->path().extension() != ".md") continue;
    if (name == "_index.md") {
      fs::path dir = it->path().parent_path().lexically_relative(content);
      std::string key = dir == "." ? "" : dir.begin()->string();
      if (std::distance(dir.begin(), dir.end()) <= 1) section_files.emplace_back(it->path(), key);
      continue;
    }
    article_files.push_back(rel.generic_string());
  }
  if (ec) return Error{ErrorCode::kIo, "cannot list files: " + ec.message(), content.string()};
  std::sort(article_files.begin(), article_files.end());

  std::map<std::string, Author> authors;
  bool have_authors_file = false;
  std::vector<Error> global_problems;
  if (fs::exists(folder / "data" / "authors.yaml", ec)) {
    have_authors_file = true;
    LoadAuthorsFile(folder / "data" / "authors.yaml", "data/authors.yaml", authors,
                    global_problems);
  }
  std::vector<PersonProfile> people;
  const bool have_people_file = fs::exists(folder / "data" / "people.yaml", ec);
  if (have_people_file) {
    LoadPeopleFile(folder / "data" / "people.yaml", "data/people.yaml", people, global_problems);
  }
  std::vector<Section> sections;
  for (const auto& [path, key] : section_files) {
    std::string rel = path.lexically_relative(folder).generic_string();
    sections.push_back(LoadSectionIndex(path, rel, key, global_problems));
    if (auto unknown = UnknownTier(sections.back().access, options.tiers)) {
      global_problems.push_back(Error{ErrorCode::kInvalidInput,
                                      "no tier \"" + *unknown + "\" in cinepress.toml's [[tiers]]",
                                      rel, 0, "access"});
    }
  }

  // Each file's size, time and inode, and the hash the last import saw with them (on every core,
  // while the store's articles load): an unchanged file's hash is known without reading it.
  const int64_t started_ns = NowSeconds() * 1'000'000'000;
  FileStats known;
  if (!options.file_stats.empty()) known = FileStats::Read(options.file_stats, folder);
  std::vector<FileResult> results(article_files.size());
  std::vector<const std::string*> known_hashes(article_files.size(), nullptr);
  if (!options.file_stats.empty()) {
    ParallelFor(article_files.size(), std::max(1u, options.threads), nullptr,
                [&](unsigned, size_t i) {
                  FileResult& r = results[i];
                  r.stat = StatOf(folder / article_files[i]);
                  if (r.stat) known_hashes[i] = known.HashOf(article_files[i], *r.stat);
                });
  }

  // The store's articles: a file whose bytes it holds already is not parsed again.
  auto stored = stored_loading.get();
  if (!stored) return stored.error();
  std::unordered_map<std::string, const Article*> stored_by_source, stored_by_url;
  for (const Article& a : *stored) {
    if (!a.source_path.empty()) stored_by_source[a.source_path] = &a;
    stored_by_url[UrlKey(a)] = &a;
  }
  // The stored article of an unchanged file, when nothing it was checked against has changed
  // since (its writers are all still in data/authors.yaml): parsing it again would make the same
  // article. Most of an import of a big folder with one file changed is this parsing.
  auto stored_as_is = [&](const std::string& rel, const std::string& hash) -> const Article* {
    auto it = stored_by_source.find(rel);
    if (it == stored_by_source.end() || it->second->source_hash != hash) return nullptr;
    if (have_authors_file) {
      for (const std::string& id : it->second->author_ids) {
        if (!authors.count(id)) return nullptr;
      }
    }
    return it->second;
  };

  // 2. Read and check every file, on every core; an unchanged file's hash is known without
  // reading it when its size, time and inode are as the last import saw them.
  std::atomic<size_t> done{0};
  std::mutex progress_mu;
  const size_t step = std::max<size_t>(1, article_files.size() / 100);
  auto count_done = [&] {
    size_t n = done.fetch_add(1) + 1;
    if (options.progress && (n % step == 0 || n == article_files.size())) {
      std::lock_guard lock(progress_mu);
      options.progress(n, article_files.size());
    }
  };
  ParallelFor(
      article_files.size(), std::max(1u, options.threads), nullptr, [&](unsigned, size_t i) {
        FileResult& r = results[i];
        r.rel_path = article_files[i];
        const std::string* known_hash = known_hashes[i];
        if (const Article* same = known_hash ? stored_as_is(r.rel_path, *known_hash) : nullptr) {
          r.kept = same;
          r.unchanged = true;
          return count_done();
        }
        auto text = ReadFile(folder / r.rel_path);
        if (!text) {
          r.problems.push_back(Error{ErrorCode::kIo, text.error().message, r.rel_path});
        } else if (std::string hash = ContentHash({tz.name(), "\n", *text});
                   const Article* same = stored_as_is(r.rel_path, hash)) {
          r.kept = same;
          r.unchanged = true;
        } else {
          r.parsed = ParseContentFields(*text, r.rel_path, tz, r.problems);
          if (r.parsed) r.parsed->article.source_hash = std::move(hash);
        }
        count_done();
      });

  // 3. Resolve authors and check that URLs are unique, against the store too.
  std::map<std::string, std::string> id_by_name;
  for (const auto& [id, a] : authors) id_by_name.emplace(a.name, id);
  std::map<std::string, Author> made_authors;  // without authors.yaml: made from names
  std::unordered_map<std::string, std::string> url_owner;
  for (FileResult& r : results) {
    if (!r.article()) continue;
    if (auto unknown = UnknownTier(r.article()->access, options.tiers)) {
      r.problems.push_back(Error{ErrorCode::kInvalidInput,
                                 "no tier \"" + *unknown + "\" in cinepress.toml's [[tiers]]",
                                 r.rel_path, 0, "access"});
    }
    if (r.parsed) {  // a parsed file's writers, by id or name (a kept article's are the store's)
      Article& a = r.parsed->article;
      for (const auto& [ref, line] : r.parsed->author_refs) {
        std::string id;
        if (authors.count(ref)) {
          id = ref;
        } else if (auto it = id_by_name.find(ref); it != id_by_name.end()) {
          id = it->second;
        } else if (!have_authors_file) {
          id = Slugify(ref);
          made_authors.emplace(id, Author{id, ref, "", "", "", ""});
        } else {
          r.problems.push_back(Error{ErrorCode::kInvalidInput,
                                     "unknown author \"" + ref + "\": not in data/authors.yaml",
                                     r.rel_path, line, "author"});
          continue;
        }
        if (std::find(a.author_ids.begin(), a.author_ids.end(), id) == a.author_ids.end()) {
          a.author_ids.push_back(id);
        }
      }
    }
    const Article& a = *r.article();
    std::string key = UrlKey(a);
    if (auto [it, inserted] = url_owner.emplace(key, r.rel_path); !inserted) {
      r.problems.push_back(Error{ErrorCode::kConflict,
                                 "\"" + a.slug + "\" is already the slug of " + it->second +
                                     " (two files would have the same URL)",
                                 r.rel_path, 0, "slug"});
    } else if (auto s = stored_by_url.find(key);
               s != stored_by_url.end() && s->second->source_path != r.rel_path &&
               !std::binary_search(article_files.begin(), article_files.end(),
                                   s->second->source_path) &&
               !(options.prune && IsFolderArticle(s->second->source_path))) {
      // The URL belongs to a stored article that this folder no longer has (or never had).
      r.problems.push_back(
          Error{ErrorCode::kConflict,
                "\"" + a.slug + "\" is already the slug of the stored article " +
                    (s->second->source_path.empty()
                         ? "\"" + s->second->title + "\""
                         : "from " + s->second->source_path +
                               ", whose file is gone (import with --prune to remove it)"),
                r.rel_path, 0, "slug"});
    }
  }

  for (const std::string& link : symlinks) {
    report.problems.push_back(Error{ErrorCode::kInvalidInput,
                                    "is a symbolic link; skipped (content must be real files)",
                                    link});
  }
  // Whether the films are as the store has them: no new file, and every changed one the same
  // for the films as its stored article.
  const bool films_as_stored =
      std::all_of(results.begin(), results.end(), [&](const FileResult& r) {
        if (!r.parsed || r.unchanged) return true;
        auto it = stored_by_source.find(r.rel_path);
        return it != stored_by_source.end() && SameForFilms(*it->second, r.parsed->article);
      });
  // Films described by several files must agree (content/records.h): check them as the store
  // will hold them after this import — what it has from elsewhere, then this folder's files.
  // (Films as the store has them: the store's articles passed this check when they were saved.)
  if (!films_as_stored) {
    std::vector<const Article*> future;
    std::vector<FileResult*> owner;
    for (const Article& a : *stored) {
      if (std::binary_search(article_files.begin(), article_files.end(), a.source_path)) {
        continue;
      }
      future.push_back(&a);
      owner.push_back(nullptr);
    }
    for (FileResult& r : results) {
      if (!r.article()) continue;
      future.push_back(r.article());
      owner.push_back(&r);
    }
    FilmRecords records = BuildFilmRecords(future, /*with_people=*/false);
    for (const Error& conflict : records.conflicts) {
      for (size_t k = 0; k < future.size(); ++k) {
        if (owner[k] && future[k]->source_path == conflict.file) {
          owner[k]->problems.push_back(conflict);
        }
      }
    }
  }
  // Every file was checked whole; those with a problem are not imported.
  for (FileResult& r : results) {
    if (!r.problems.empty()) {
      r.parsed.reset();
      r.kept = nullptr;
    }
  }

  // Media under static/ (listed now, so that their problems are reported with the rest).
  std::vector<std::pair<std::string, fs::path>> media_files;
  if (fs::is_directory(folder / "static", ec)) {
    for (auto it = fs::recursive_directory_iterator(folder / "static", ec);
         !ec && it != fs::end(it); it.increment(ec)) {
      if (it->is_symlink()) {
        report.problems.push_back(Error{ErrorCode::kInvalidInput,
                                        "is a symbolic link; skipped (media must be real files)",
                                        it->path().lexically_relative(folder).generic_string()});
        continue;
      }
      if (!it->is_regular_file()) continue;
      std::string rel = it->path().lexically_relative(folder / "static").generic_string();
      if (!IsValidUtf8(rel)) {
        report.problems.push_back(
            Error{ErrorCode::kInvalidInput, "file name is not UTF-8; skipped", "static/" + rel});
        continue;
      }
      media_files.emplace_back(rel, it->path());
    }
  }
  std::sort(media_files.begin(), media_files.end());
  // Menus, redirects, old addresses, terms and the media's details (data/*.yaml, site_data.h),
  // checked against the files above.
  const SiteData site_data = ReadSiteData(
      folder, tz,
      [&](const std::string& rel) {
        return std::binary_search(article_files.begin(), article_files.end(), rel);
      },
      [&](const std::string& path) {
        auto it = std::lower_bound(media_files.begin(), media_files.end(), path,
                                   [](const std::pair<std::string, fs::path>& m,
                                      const std::string& p) { return m.first < p; });
        return it != media_files.end() && it->first == path;
      },
      global_problems);
  // Podcasts: shows, episodes and their files, every audio file read (podcast_folder.h).
  PodcastFolder podcasts = ReadPodcastFolder(folder, tz, options.tiers, global_problems);
  for (const Error& e : global_problems) report.problems.push_back(e);
  for (const FileResult& r : results) {
    for (const Error& e : r.problems) report.problems.push_back(e);
    if (!r.article()) ++report.skipped;
  }
  const bool has_problems = !report.problems.empty();
  if (has_problems && !options.skip_invalid) return report;
  // With problems in data/authors.yaml nothing can be resolved safely.
  if (!global_problems.empty()) return report;

  // 4. Media.
  auto stored_media = store.LoadMediaList();
  if (!stored_media) return stored_media.error();
  std::unordered_map<std::string, std::string> media_hash;
  for (const MediaFile& m : *stored_media) media_hash[m.path] = m.hash;

  // 5. Write, all in one transaction. What search indexes of each new or changed article (its
  // text as a reader sees it) is made on another core, a batch ahead of the writes, and let go
  // once written: the import's memory does not grow with the texts.
  for (FileResult& r : results) {
    if (!r.parsed) continue;
    auto it = stored_by_source.find(r.parsed->article.source_path);
    r.unchanged =
        it != stored_by_source.end() && it->second->source_hash == r.parsed->article.source_hash;
  }
  // An article edited in the newsroom since it was imported (its newest revision is not an
  // import's) is not overwritten by its changed file without --force, nor pruned. Asked only of
  // the articles an import would change.
  std::set<int64_t> edited_in_newsroom;
  auto edited = [&store, &edited_in_newsroom](int64_t id) -> Status {
    auto revisions = store.LoadRevisions(id);
    if (!revisions) return revisions.error();
    if (!revisions->empty() && revisions->front().action != kImportRevision) {
      edited_in_newsroom.insert(id);
    }
    return {};
  };
  for (const FileResult& r : results) {
    if (!r.parsed || r.unchanged) continue;
    auto it = stored_by_source.find(r.parsed->article.source_path);
    if (it == stored_by_source.end()) continue;
    if (auto st = edited(it->second->id); !st) return st.error();
    if (options.force || !edited_in_newsroom.contains(it->second->id)) continue;
    return Error{ErrorCode::kConflict,
                 "the article was edited in the newsroom since it was imported; `cinepress "
                 "import --force` overwrites it with this file (its revisions are kept)",
                 r.parsed->article.source_path,
                 0,
                 {}};
  }
  if (options.prune) {
    for (const auto& [path, a] : stored_by_source) {
      if (std::binary_search(article_files.begin(), article_files.end(), path)) continue;
      if (auto st = edited(a->id); !st) return st.error();
    }
  }
  constexpr size_t kTextBatch = 128;
  auto prepare = [&store, &results](size_t batch) {
    for (size_t i = batch * kTextBatch; i < results.size() && i < (batch + 1) * kTextBatch; ++i) {
      FileResult& r = results[i];
      if (r.parsed && !r.unchanged) r.search_text = store.PrepareSearchText(r.parsed->article);
    }
  };
  std::future<void> next_texts;  // the batch being made

  // An import that writes a thousand articles or more (a whole archive's first import) asks
  // for a bulk transaction; one that writes a few (an edit) for an ordinary one.
  const size_t to_write =
      static_cast<size_t>(std::count_if(results.begin(), results.end(), [](const FileResult& r) {
        return r.parsed && !r.unchanged;
      }));
  if (auto s = to_write >= ContentStore::kBulkArticles ? store.BeginBulkTransaction()
                                                       : store.BeginTransaction();
      !s) {
    return s.error();
  }
  auto fail = [&](const Error& e) -> Result<ImportReport> {
    (void)store.Rollback();
    return e;
  };
  auto stored_authors = store.LoadAuthors();
  if (!stored_authors) return fail(stored_authors.error());
  std::map<std::string, Author> have;
  for (const Author& a : *stored_authors) have[a.id] = a;
  for (auto* source : {&authors, &made_authors}) {
    for (const auto& [id, a] : *source) {
      auto it = have.find(id);
      if (it != have.end() && (it->second == a || source == &made_authors)) continue;
      if (auto s = store.SaveAuthor(a); !s) return fail(s.error());
      ++report.authors_saved;
    }
  }
  // People: data/people.yaml is the whole list when the folder has one.
  auto stored_people = store.LoadPeople();
  if (!stored_people) return fail(stored_people.error());
  if (have_people_file) {
    std::map<std::string, const PersonProfile*> known;
    for (const PersonProfile& p : *stored_people) known[p.slug] = &p;
    for (const PersonProfile& p : people) {
      auto it = known.find(p.slug);
      if (it != known.end() && *it->second == p) continue;
      if (auto st = store.SavePerson(p); !st) return fail(st.error());
      ++report.people_saved;
    }
    for (const PersonProfile& p : *stored_people) {
      bool kept = false;
      for (const PersonProfile& q : people) kept = kept || q.slug == p.slug;
      if (kept) continue;
      if (auto st = store.DeletePerson(p.slug); !st) return fail(st.error());
      ++report.people_saved;
    }
  }
  auto stored_sections = store.LoadSections();
  if (!stored_sections) return fail(stored_sections.error());
  for (const Section& s : sections) {
    bool same = false;
    for (const Section& old : *stored_sections) same = same || old == s;
    if (same) continue;
    if (auto st = store.SaveSection(s); !st) return fail(st.error());
    ++report.sections_saved;
  }
  std::unordered_map<std::string, int64_t> id_of_source;  // the articles written or kept
  std::unordered_set<int64_t> written_ids, removed_ids;   // for the films' moves
  for (size_t i = 0; i < results.size(); ++i) {
    if (i % kTextBatch == 0) {
      const size_t batch = i / kTextBatch;
      if (next_texts.valid()) {
        next_texts.get();
      } else {
        prepare(batch);
      }
      if ((batch + 1) * kTextBatch < results.size()) {
        next_texts = options.threads > 1 ? std::async(std::launch::async, prepare, batch + 1)
                                         : std::async(std::launch::deferred, prepare, batch + 1);
      }
    }
    FileResult& r = results[i];
    if (r.kept) {
      id_of_source[r.kept->source_path] = r.kept->id;
      ++report.unchanged;
      continue;
    }
    if (!r.parsed) continue;
    Article& a = r.parsed->article;
    auto it = stored_by_source.find(a.source_path);
    if (it != stored_by_source.end()) {
      if (r.unchanged) {
        id_of_source[a.source_path] = it->second->id;
        ++report.unchanged;
        continue;
      }
      a.id = it->second->id;
      ++report.updated;
      const Article& before = *it->second;
      if (before.section != a.section || before.slug != a.slug || before.kind != a.kind) {
        // The article moves: its old address keeps working (a redirect when served).
        if (auto st = store.SaveAlias(ArticleAlias{a.id, before.kind, before.section, before.slug});
            !st) {
          return fail(st.error());
        }
      }
    } else {
      ++report.added;
    }
    // A stored article whose file is gone may hold this URL: with --prune it goes first.
    if (auto s = stored_by_url.find(UrlKey(a));
        s != stored_by_url.end() && s->second->id != a.id && options.prune &&
        IsFolderArticle(s->second->source_path) &&
        !std::binary_search(article_files.begin(), article_files.end(), s->second->source_path)) {
      if (auto st = store.DeleteArticle(s->second->id); !st) return fail(st.error());
      removed_ids.insert(s->second->id);
      stored_by_source.erase(s->second->source_path);
      ++report.removed;
    }
    auto saved = store.SaveArticle(a, &r.search_text);
    if (!saved) {
      Error e = saved.error();
      e.file = a.source_path;
      return fail(e);
    }
    id_of_source[a.source_path] = *saved;
    written_ids.insert(*saved);
    if (edited_in_newsroom.contains(a.id)) {
      // Forced over the newsroom's edits: the newsroom's history says so.
      ArticleRevision revision{
          0, a.id, NowSeconds(), std::string(kImportRevision), std::string(kImportRevision), a};
      if (auto rev = store.SaveRevision(revision); !rev) return fail(rev.error());
    }
    SearchText written = std::move(r.search_text);  // freed here (assigning {} keeps the buffers)
  }
  if (options.prune) {
    for (const auto& [path, a] : stored_by_source) {
      if (std::binary_search(article_files.begin(), article_files.end(), path)) continue;
      if (!IsFolderArticle(path)) continue;  // imported from elsewhere (WordPress)
      if (edited_in_newsroom.contains(a->id) && !options.force) continue;  // written there
      if (auto st = store.DeleteArticle(a->id); !st) return fail(st.error());
      removed_ids.insert(a->id);
      ++report.removed;
    }
  }
  std::set<std::string> media_seen;
  for (const auto& [rel, path] : media_files) {
    media_seen.insert(rel);
    auto it = media_hash.find(rel);
    auto stored = StoreMediaFile(store, rel, path, it != media_hash.end() ? &it->second : nullptr);
    if (!stored) return fail(stored.error());
    (stored->change == MediaChange::kUnchanged ? report.media_unchanged
     : stored->change == MediaChange::kAdded   ? report.media_added
                                               : report.media_updated)++;
  }
  if (options.prune) {
    for (const auto& [path, hash] : media_hash) {
      if (media_seen.count(path) || !IsFolderMedia(path)) continue;
      if (auto s = store.DeleteMedia(path); !s) return fail(s.error());
      ++report.media_removed;
    }
  }
  auto site_data_written = WriteSiteData(store, site_data, [&](const std::string& rel) -> int64_t {
    auto it = id_of_source.find(rel);
    return it == id_of_source.end() ? 0 : it->second;
  });
  if (!site_data_written) return fail(site_data_written.error());
  report.site_data_saved = *site_data_written;
  auto podcast_counts = WritePodcasts(store, podcasts, options.prune);
  if (!podcast_counts) return fail(podcast_counts.error());
  report.podcasts_saved = podcast_counts->shows + podcast_counts->episodes;
  report.podcasts_removed = podcast_counts->removed;
  report.podcast_media_saved = podcast_counts->media;
  // A film can move only when one had an address before (not on a first import, where copying
  // every article for the comparison would cost a third of the import's memory).
  if ((report.added + report.removed > 0 || (report.updated > 0 && !films_as_stored)) &&
      !FilmArticles(*stored).empty()) {
    std::vector<Article> after;
    after.reserve(stored->size() + report.added);
    for (const Article& a : *stored) {
      if (!removed_ids.contains(a.id) && !written_ids.contains(a.id)) after.push_back(a);
    }
    for (const FileResult& r : results) {
      if (r.parsed && !r.unchanged) after.push_back(r.parsed->article);
    }
    if (auto st = RememberMovedFilms(store, *stored, after, options.film_permalink, report); !st) {
      return fail(st.error());
    }
  }
  if (auto s = store.Commit(); !s) return fail(s.error());
  report.written = true;
  if (!options.file_stats.empty()) {
    // A cache: the import is committed already, and a file not remembered is only read again.
    for (const FileResult& r : results) {
      if (r.stat && r.article()) {
        known.Remember(r.rel_path, *r.stat, r.article()->source_hash, started_ns);
      } else {
        known.Forget(r.rel_path);
      }
    }
    known.Retain([&](const std::string& rel) {
      return std::binary_search(article_files.begin(), article_files.end(), rel);
    });
    (void)known.Write(options.file_stats);
  }
  return report;
}

}  // namespace cinepress
