#include "ingest/folder_export.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <set>

#include "content/private_media.h"
#include "content/still.h"
#include "core/slug.h"
#include "ingest/front_matter_writer.h"
#include "ingest/site_data.h"

namespace cinepress {
namespace fs = std::filesystem;
namespace {

void WriteFilm(FrontMatterWriter& y, const Film& f) {
  y.BeginMap("film");
  y.FilmFacts(f);
  y.EndMap();
}

void WriteInterviewee(FrontMatterWriter& y, const Interviewee& who) {
  y.BeginMap("interviewee");
  y.Text("name", who.name);
  y.Text("job_title", who.job_title);
  y.Text("film", who.film);
  y.Text("sort_name", who.sort_name);
  y.Text("name_order", who.name_order);
  y.Text("bio", who.bio);
  y.Image("portrait", who.portrait);
  y.Links("links", who.links);
  y.EndMap();
}

// The parts of a relative path, or nothing when one of them could lead elsewhere.
std::optional<std::vector<std::string>> SafeParts(const std::string& rel) {
  if (rel.empty() || rel.front() == '/' || rel.find('\\') != std::string::npos ||
      rel.find('\0') != std::string::npos) {
    return std::nullopt;
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t slash = rel.find('/', start);
    std::string part = rel.substr(start, slash == std::string::npos ? slash : slash - start);
    if (part.empty() || part == "." || part == "..") return std::nullopt;
    parts.push_back(std::move(part));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

// Whether import reads the file at `rel` back as an article of this kind and section.
bool ReadsBackAs(const std::string& rel, const Article& a) {
  auto parts = SafeParts(rel);
  if (!parts || parts->front() != "content" || !rel.ends_with(".md") ||
      parts->back() == "_index.md") {
    return false;
  }
  if (a.kind == ArticleKind::kPage) return parts->size() == 2;
  static const std::set<std::string> kOtherReaders = {"podcasts", "shop", "workshops"};
  return parts->size() >= 3 && (*parts)[1] == a.section && !kOtherReaders.contains(a.section);
}

Status RefuseNonEmpty(const fs::path& dir, bool force) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) return Error{ErrorCode::kIo, "cannot make the folder: " + ec.message(), dir.string()};
    return {};
  }
  if (!fs::is_directory(dir, ec)) {
    return Error{ErrorCode::kInvalidInput, "is not a folder", dir.string(), 0, {}};
  }
  if (!force && !fs::is_empty(dir, ec)) {
    return Error{ErrorCode::kConflict,
                 "the folder is not empty; export into a new folder, or give --force to write "
                 "over the files the export makes (no other file is touched)",
                 dir.string(),
                 0,
                 {}};
  }
  return {};
}

}  // namespace

Result<fs::path> PathInside(const fs::path& dir, const std::string& rel) {
  auto parts = SafeParts(rel);
  if (!parts) {
    return Error{ErrorCode::kInvalidInput, "the path would lead outside the export folder", rel};
  }
  fs::path path = dir;
  std::error_code ec;
  for (const std::string& part : *parts) {
    path /= part;
    if (fs::is_symlink(path, ec)) {
      return Error{ErrorCode::kInvalidInput,
                   "is a symbolic link in the export folder; not followed", path.string()};
    }
  }
  return path;
}

Status WriteInside(const fs::path& dir, const std::string& rel, const std::string& text) {
  auto path = PathInside(dir, rel);
  if (!path) return path.error();
  std::error_code ec;
  fs::create_directories(path->parent_path(), ec);
  std::ofstream out(*path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (ec || !out) return Error{ErrorCode::kIo, "cannot write the file", path->string(), 0, {}};
  return {};
}

Status WriteMediaInside(ContentStore& store, const fs::path& dir, const std::string& rel,
                        const std::string& hash) {
  auto path = PathInside(dir, rel);
  if (!path) return path.error();
  std::error_code ec;
  fs::create_directories(path->parent_path(), ec);
  std::ofstream out(*path, std::ios::binary | std::ios::trunc);
  for (int64_t offset = 0;;) {
    auto chunk = store.ReadMedia(hash, offset, ContentStore::kMediaChunkBytes);
    if (!chunk) return chunk.error();
    if (chunk->empty()) break;
    out.write(chunk->data(), static_cast<std::streamsize>(chunk->size()));
    offset += static_cast<int64_t>(chunk->size());
  }
  out.close();
  if (ec || !out) return Error{ErrorCode::kIo, "cannot write the file", path->string(), 0, {}};
  return {};
}

Result<std::string> ExportPathOf(const Article& a) {
  if (ReadsBackAs(a.source_path, a)) return a.source_path;
  const bool page = a.kind == ArticleKind::kPage;
  if (page ? !IsValidPageSlug(a.slug) : !IsValidSlug(a.slug) || !IsValidSlug(a.section)) {
    return Error{ErrorCode::kInvalidInput,
                 "section \"" + a.section + "\" and slug \"" + a.slug +
                     "\" cannot make a file name (not slugs)",
                 a.source_path.empty() ? a.title : a.source_path};
  }
  if (!page) return "content/" + a.section + "/" + a.slug + ".md";
  // A page under others ("about/masthead") is a file of content/ all the same: its front
  // matter's slug places it.
  std::string name = a.slug;
  std::replace(name.begin(), name.end(), '/', '-');
  return "content/" + name + ".md";
}

std::string ContentFileOf(const Article& a, const TimeZone& tz, const std::string& parent_path) {
  FrontMatterWriter y;
  y.Text("title", a.title);
  auto path = ExportPathOf(a);
  if (!path || fs::path(*path).stem().string() != a.slug) y.Text("slug", a.slug);
  y.Text("date", tz.Iso(a.date));
  if (a.updated != 0) y.Text("updated", tz.Iso(a.updated));
  y.List("authors", a.author_ids);
  y.List("categories", a.categories);
  y.List("tags", a.tags);
  y.Text("summary", a.dek);
  y.Flag("featured", a.featured);
  y.Flag("draft", a.draft);
  y.Text("festival", a.festival);
  y.Text("access", a.access);
  y.Image("image", a.image);
  if (a.film) WriteFilm(y, *a.film);
  if (a.rating_max != 0) {
    y.Real("rating", a.rating);
    y.Real("rating_scale", a.rating_max);
  }
  if (a.interviewee) WriteInterviewee(y, *a.interviewee);
  y.List("films", a.films);
  y.List("items", a.items);
  // What a WordPress import keeps (docs/WORDPRESS.md); import reads these back as they are.
  if (a.body_format == BodyFormat::kHtml) y.Text("body_format", "html");
  y.Text("status", a.status);
  y.Flag("password_protected", a.password_protected);
  y.Text("format", a.format);
  y.Number("menu_order", a.menu_order);
  y.Text("parent", parent_path);
  return ContentFile(y, a.body_markdown);
}

std::string SectionFileOf(const Section& s) {
  FrontMatterWriter y;
  y.Text("title", s.title);
  y.Text("description", s.description);
  y.Text("access", s.access);
  return ContentFile(y, "");
}

std::string AuthorsYamlOf(const std::vector<Author>& authors) {
  FrontMatterWriter y;
  for (const Author& a : authors) {
    y.BeginMap(a.id.c_str());
    y.Text("name", a.name);
    y.Text("role", a.role);
    y.Text("city", a.city);
    y.Text("handle", a.handle);
    y.Text("bio", a.bio);
    y.EndMap();
  }
  return y.Finish();
}

std::string PeopleYamlOf(const std::vector<PersonProfile>& people) {
  FrontMatterWriter y;
  for (const PersonProfile& p : people) {
    y.BeginMap(p.slug.c_str());
    y.Text("name", p.name);
    y.Text("bio", p.bio);
    y.Image("portrait", p.portrait);
    y.Links("links", p.links);
    y.EndMap();
  }
  return y.Finish();
}

namespace {

// Articles, pages and collections: their fields loaded once, each body read as it is written.
Status ExportArticles(ContentStore& store, const fs::path& dir, const TimeZone& tz,
                      FolderExportReport& report, std::map<int64_t, std::string>& path_of_id) {
  auto articles = store.LoadArticles(false);
  if (!articles) return articles.error();
  std::map<std::string, std::string> path_of_source;  // source path -> export path
  std::map<std::string, std::string> owner_of_path;   // export path -> what it holds
  for (const Article& a : *articles) {
    auto path = ExportPathOf(a);
    if (!path) return path.error();
    if (auto [it, fresh] = owner_of_path.emplace(*path, a.title); !fresh) {
      return Error{ErrorCode::kConflict,
                   "\"" + a.title + "\" and \"" + it->second + "\" would both be written here",
                   *path};
    }
    path_of_source[a.source_path] = *path;
    path_of_id[a.id] = *path;
  }
  for (Article& a : *articles) {
    auto body = store.LoadBody(a.id);
    if (!body) return body.error();
    a.body_markdown = std::move(*body);
    auto parent = path_of_source.find(a.parent_source);
    const std::string parent_path =
        a.parent_source.empty() || parent == path_of_source.end() ? "" : parent->second;
    if (auto st = WriteInside(dir, *ExportPathOf(a), ContentFileOf(a, tz, parent_path)); !st) {
      return st;
    }
    a.body_markdown = std::string();  // let go of the body: one is held at a time
    ++(a.kind == ArticleKind::kPage ? report.pages : report.articles);
  }
  return {};
}

Status ExportData(ContentStore& store, const fs::path& dir, FolderExportReport& report) {
  auto sections = store.LoadSections();
  if (!sections) return sections.error();
  for (const Section& s : *sections) {
    if (!s.key.empty() && !IsValidSlug(s.key)) {
      return Error{ErrorCode::kInvalidInput, "section \"" + s.key + "\" is not a slug", s.key};
    }
    const std::string rel = s.key.empty() ? "content/_index.md" : "content/" + s.key + "/_index.md";
    if (auto st = WriteInside(dir, rel, SectionFileOf(s)); !st) return st;
    ++report.sections;
  }
  auto authors = store.LoadAuthors();
  if (!authors) return authors.error();
  if (!authors->empty()) {
    if (auto st = WriteInside(dir, "data/authors.yaml", AuthorsYamlOf(*authors)); !st) return st;
  }
  report.authors = authors->size();
  auto people = store.LoadPeople();
  if (!people) return people.error();
  if (!people->empty()) {
    if (auto st = WriteInside(dir, "data/people.yaml", PeopleYamlOf(*people)); !st) return st;
  }
  report.people = people->size();
  return {};
}

// A podcast's file (artwork, audio, transcript) written into its show's folder under its own
// name, which the import gives the same store path again; its name, or "" when there is none.
Result<std::string> WritePodcastFile(ContentStore& store, const fs::path& dir,
                                     const std::string& show, const std::string& url_path) {
  if (url_path.empty()) return std::string();
  const std::string path = url_path.substr(url_path[0] == '/' ? 1 : 0);
  auto media = store.LoadMediaFile(path);
  if (!media) return media.error();
  const std::string name = fs::path(path).filename().string();
  if (auto st = WriteMediaInside(store, dir, "content/podcasts/" + show + "/" + name, media->hash);
      !st) {
    return st.error();
  }
  return name;
}

void WriteChapters(FrontMatterWriter& y, const std::vector<PodcastChapter>& chapters) {
  if (chapters.empty()) return;
  y.emitter() << YAML::Key << "chapters" << YAML::Value << YAML::BeginSeq;
  for (const PodcastChapter& c : chapters) {
    char buf[32];
    auto end = std::to_chars(buf, buf + sizeof buf, c.start).ptr;
    y.emitter() << YAML::Flow << YAML::BeginMap;
    y.Text("start", std::string(buf, end));
    y.Text("title", c.title);
    y.Text("url", c.url);
    y.Text("img", c.img);
    y.emitter() << YAML::EndMap;
  }
  y.emitter() << YAML::EndSeq;
}

Status ExportShow(ContentStore& store, const fs::path& dir, const PodcastShow& s) {
  if (!IsValidSlug(s.key)) {
    return Error{ErrorCode::kInvalidInput, "show \"" + s.key + "\" is not a slug", s.key};
  }
  auto image = WritePodcastFile(store, dir, s.key, s.image);
  if (!image) return image.error();
  FrontMatterWriter y;
  y.Text("title", s.title);
  y.Text("description", s.description);
  y.Text("author", s.author);
  y.List("hosts", s.hosts);
  y.Text("owner_name", s.owner_name);
  y.Text("owner_email", s.owner_email);
  y.Text("category", s.category);
  y.Text("subcategory", s.subcategory);
  y.Text("language", s.language);
  y.Flag("explicit", s.explicit_content);
  y.Text("type", s.type);
  y.Text("image", *image);
  y.Text("funding", s.funding_url);
  y.Text("funding_text", s.funding_text);
  y.Text("access", s.access);
  return WriteInside(dir, "content/podcasts/" + s.key + "/_index.md", ContentFile(y, ""));
}

// An episode: the show's values (explicit, hosts) written only where it differs from them, its
// GUID always (so that a new site's feed is the same feed to podcast apps).
Status ExportEpisode(ContentStore& store, const fs::path& dir, const PodcastShow& show,
                     const PodcastEpisode& e, const TimeZone& tz) {
  auto audio = WritePodcastFile(store, dir, show.key, e.audio);
  if (!audio) return audio.error();
  auto transcript = WritePodcastFile(store, dir, show.key, e.transcript);
  if (!transcript) return transcript.error();
  FrontMatterWriter y;
  y.Text("title", e.title);
  if (e.slug != Slugify(fs::path(e.source).stem().string())) y.Text("slug", e.slug);
  y.Text("date", tz.Iso(e.date));
  y.Text("summary", e.summary);
  y.Flag("draft", e.draft);
  y.Text("guid", e.guid);
  y.Number("episode", e.episode);
  y.Number("season", e.season);
  if (e.episode_type != "full") y.Text("episode_type", e.episode_type);
  if (e.explicit_content != show.explicit_content) {
    y.emitter() << YAML::Key << "explicit" << YAML::Value << e.explicit_content;
  }
  y.Text("access", e.access);
  if (e.hosts != show.hosts) {
    // An empty list too: "no hosts" is not "the show's hosts".
    y.emitter() << YAML::Key << "hosts" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const std::string& h : e.hosts) y.emitter() << YAML::DoubleQuoted << h;
    y.emitter() << YAML::EndSeq;
  }
  y.List("guests", e.guests);
  y.List("films", e.films);
  y.Text("audio", *audio);
  y.Text("transcript", *transcript);
  WriteChapters(y, e.chapters);
  return WriteInside(dir, "content/podcasts/" + show.key + "/" + e.source,
                     ContentFile(y, e.notes_markdown));
}

// Podcasts (docs/PODCASTS.md): content/podcasts/{show}/ with its _index.md, its episodes and
// their files.
Status ExportPodcasts(ContentStore& store, const fs::path& dir, const TimeZone& tz,
                      FolderExportReport& report) {
  auto shows = store.LoadPodcastShows();
  if (!shows) return shows.error();
  auto episodes = store.LoadPodcastEpisodes();
  if (!episodes) return episodes.error();
  for (const PodcastShow& s : *shows) {
    if (auto st = ExportShow(store, dir, s); !st) return st;
    ++report.podcast_shows;
    for (const PodcastEpisode& e : *episodes) {
      if (e.show != s.key) continue;
      if (!e.source.ends_with(".md") || e.source == "_index.md" ||
          e.source.find('/') != std::string::npos || !SafeParts(e.source)) {
        return Error{ErrorCode::kInvalidInput, "an episode's file must be a name ending in .md",
                     "content/podcasts/" + s.key + "/" + e.source};
      }
      if (auto st = ExportEpisode(store, dir, s, e, tz); !st) return st;
      ++report.podcast_episodes;
    }
  }
  return {};
}

// Media under static/, except the stills (made again from their images by the import) and the
// podcasts' files (written into their shows' folders by ExportPodcasts).
Status ExportMedia(ContentStore& store, const fs::path& dir, FolderExportReport& report,
                   std::set<std::string>& written) {
  auto media = store.LoadMediaList();
  if (!media) return media.error();
  for (const MediaFile& m : *media) {
    // Private media (a workshop's materials, the shop's files) go out beside what owns them
    // (src/workshops' ExportWorkshops, src/shop's ExportProducts), never as public media.
    if (IsStillPath(m.path) || m.path.rfind("podcasts/", 0) == 0 || IsPrivateMedia(m.path)) {
      continue;
    }
    if (auto st = WriteMediaInside(store, dir, "static/" + m.path, m.hash); !st) return st;
    written.insert(m.path);
    ++report.media;
  }
  return {};
}

// data/menus.yaml, data/redirects.yaml, data/aliases.yaml, data/terms.yaml and data/media.yaml
// (site_data.h), each written only when the store has some. A redirect or old address of an
// article is written with the article's file; the media library's details with the media files
// written under static/.
Status ExportSiteData(ContentStore& store, const fs::path& dir, const TimeZone& tz,
                      const std::map<int64_t, std::string>& path_of_id,
                      const std::set<std::string>& media_written, FolderExportReport& report) {
  auto menus = store.LoadMenus();
  if (!menus) return menus.error();
  if (!menus->empty()) {
    if (auto st = WriteInside(dir, "data/menus.yaml", MenusYamlOf(*menus)); !st) return st;
  }
  report.menus = menus->size();
  auto redirects = store.LoadRedirects();
  if (!redirects) return redirects.error();
  std::vector<FolderRedirect> folder_redirects;
  for (const UrlRedirect& r : *redirects) {
    FolderRedirect f{r.from, "", r.to, 0};
    if (r.article_id != 0) {
      auto it = path_of_id.find(r.article_id);
      if (it == path_of_id.end()) continue;  // the store deletes it with its article
      f.article = it->second;
    }
    folder_redirects.push_back(std::move(f));
  }
  if (!folder_redirects.empty()) {
    if (auto st = WriteInside(dir, "data/redirects.yaml", RedirectsYamlOf(folder_redirects)); !st) {
      return st;
    }
  }
  report.redirects = folder_redirects.size();
  auto aliases = store.LoadAliases();
  if (!aliases) return aliases.error();
  std::vector<FolderAlias> folder_aliases;
  for (const ArticleAlias& a : *aliases) {
    auto it = path_of_id.find(a.article_id);
    if (it == path_of_id.end()) continue;  // the store deletes it with its article
    folder_aliases.push_back(FolderAlias{it->second, a.kind, a.section, a.slug, 0});
  }
  if (!folder_aliases.empty()) {
    if (auto st = WriteInside(dir, "data/aliases.yaml", AliasesYamlOf(folder_aliases)); !st) {
      return st;
    }
  }
  report.aliases = folder_aliases.size();
  auto terms = store.LoadTerms();
  if (!terms) return terms.error();
  if (!terms->empty()) {
    if (auto st = WriteInside(dir, "data/terms.yaml", TermsYamlOf(*terms)); !st) return st;
  }
  report.terms = terms->size();
  auto details = store.LoadMediaDetails();
  if (!details) return details.error();
  std::erase_if(*details, [&](const MediaDetails& d) { return !media_written.contains(d.path); });
  if (!details->empty()) {
    if (auto st = WriteInside(dir, "data/media.yaml", MediaYamlOf(*details, tz)); !st) return st;
  }
  report.media_details = details->size();
  return {};
}

// One kind of thing the store holds and a content folder does not, counted for the report.
template <typename T>
Status NoteNotExported(const Result<std::vector<T>>& rows, const std::string& what,
                       FolderExportReport& report) {
  if (!rows) return rows.error();
  if (!rows->empty()) report.not_exported.push_back(std::to_string(rows->size()) + " " + what);
  return {};
}

// What the store holds that a content folder does not: named, so that nobody is surprised.
Status NoteNotExported(ContentStore& store, FolderExportReport& report) {
  return NoteNotExported(store.LoadComments(), "comments (in `cinepress export --wxr`)", report);
}

}  // namespace

Result<FolderExportReport> ExportFolder(ContentStore& store, const fs::path& dir,
                                        const TimeZone& tz, const FolderExportOptions& options) {
  if (auto st = RefuseNonEmpty(dir, options.force); !st) return st.error();
  FolderExportReport report;
  std::map<int64_t, std::string> path_of_id;
  std::set<std::string> media_written;
  if (auto st = ExportArticles(store, dir, tz, report, path_of_id); !st) return st.error();
  if (auto st = ExportData(store, dir, report); !st) return st.error();
  if (auto st = ExportMedia(store, dir, report, media_written); !st) return st.error();
  if (auto st = ExportSiteData(store, dir, tz, path_of_id, media_written, report); !st) {
    return st.error();
  }
  if (auto st = ExportPodcasts(store, dir, tz, report); !st) return st.error();
  if (auto st = NoteNotExported(store, report); !st) return st.error();
  return report;
}

}  // namespace cinepress
