// backup, restore and check (see maintenance_commands.h).
#include "app/maintenance_commands.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <ostream>

#include "app/app.h"
#include "content/collection.h"
#include "content/private_media.h"
#include "content/still.h"
#include "core/config.h"
#include "core/text.h"
#include "store/maintenance.h"
#include "store/media_rows.h"
#include "store/open_store.h"
#include "store/store_copy.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

// Extensions of the files a site keeps as media; other paths (pages, feeds) are not media.
bool IsMediaExtension(std::string_view ext) {
  static const char* kExtensions[] = {"jpg", "jpeg", "png", "gif", "webp", "avif", "svg",
                                      "ico", "mp3",  "m4a", "ogg", "oga",  "wav",  "mp4",
                                      "m4v", "webm", "mov", "pdf", "epub", "vtt",  "zip"};
  std::string lower(ext);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(std::begin(kExtensions), std::end(kExtensions),
                     [&](const char* e) { return lower == e; });
}

bool IsPathChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '-' ||
         c == '_' || c == '~' || c == '%' || c == '+' || static_cast<unsigned char>(c) >= 0x80;
}

std::string PercentDecoded(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string UtcStamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

std::set<std::string> MediaReferences(std::string_view text, std::string_view base_url) {
  std::set<std::string> out;
  // The site's own absolute URLs are local paths too ("https://mag.example/images/x.jpg").
  std::string own;
  if (!base_url.empty()) {
    size_t scheme = base_url.find("://");
    own = std::string(scheme == std::string_view::npos ? base_url : base_url.substr(scheme + 1));
    while (!own.empty() && own.back() == '/') own.pop_back();
  }
  for (size_t at = text.find('/'); at != std::string_view::npos; at = text.find('/', at + 1)) {
    // A path starts after a delimiter (Markdown's "(", an attribute's quote, YAML's space…), never
    // inside a word or after a host: "//cdn.example/x.jpg" is not ours, "/images/x.jpg" is.
    bool starts =
        at == 0 || std::string_view("(\"' =,\n\t<[").find(text[at - 1]) != std::string_view::npos;
    if (!own.empty() && at >= own.size() && text.substr(at - own.size(), own.size()) == own) {
      starts = true;
    }
    if (!starts || (at + 1 < text.size() && text[at + 1] == '/')) continue;
    size_t end = at + 1;
    while (end < text.size() && IsPathChar(text[end])) ++end;
    std::string_view path = text.substr(at + 1, end - at - 1);
    size_t dot = path.rfind('.');
    if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos) continue;
    if (!IsMediaExtension(path.substr(dot + 1))) continue;
    out.insert(PercentDecoded(path));
  }
  return out;
}

MediaProblems FindMediaProblems(const std::vector<Article>& articles,
                                const std::vector<MediaFile>& media,
                                const std::vector<std::string>& other_texts,
                                std::string_view base_url) {
  std::set<std::string> stored;
  for (const auto& m : media) stored.insert(m.path);
  std::set<std::string> referenced;
  MediaProblems problems;
  for (const Article& a : articles) {
    std::set<std::string> refs = MediaReferences(a.body_markdown, base_url);
    refs.merge(MediaReferences(a.dek, base_url));
    if (a.image) refs.merge(MediaReferences(" " + a.image->src, base_url));
    if (a.interviewee && a.interviewee->portrait) {
      refs.merge(MediaReferences(" " + a.interviewee->portrait->src, base_url));
    }
    std::string name = a.source_path.empty() ? a.section + "/" + a.slug : a.source_path;
    for (const auto& r : refs) {
      if (!stored.count(r)) problems.missing.emplace_back(name, r);
      referenced.insert(r);
    }
  }
  for (const auto& text : other_texts) referenced.merge(MediaReferences(text, base_url));
  for (const auto& m : media) {
    // Stills belong to their image (src/stills removes them with it); private media to their
    // product or workshop (nothing on the site refers to them).
    if (!referenced.count(m.path) && !IsStillPath(m.path) && !IsPrivateMedia(m.path)) {
      problems.unused.push_back(m.path);
    }
  }
  return problems;
}

Status BackupSite(const SiteFolder& site, const fs::path& file, std::ostream& out) {
  auto start = std::chrono::steady_clock::now();
  if (auto s = RequireSqliteStore(SiteStoreOptions(site), "backup"); !s) return s;
  if (auto s = BackupSqliteStore(site.database(), file); !s) return s;
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  out << "backup: " << site.database().string() << " -> " << file.string() << " ("
      << (size + 1023) / 1024 << " KiB, "
      << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
             .count()
      << " ms)\n";
  return {};
}

Status CopyStores(const std::string& from, const std::string& to, std::ostream& out) {
  auto start = std::chrono::steady_clock::now();
  // The renderer's text functions: the target's search index is made with them.
  const StoreOptions options = SiteStoreOptions(SiteConfig{});
  const StoreAddress source = ParseStoreAddress(from, options);
  const StoreAddress target = ParseStoreAddress(to, options);
  auto report = CopyStore(source, target);
  if (!report) return report.error();
  if (report->changed) {
    auto reopened = OpenContentStore(target.file, target.options);  // makes the search index
    if (!reopened) return reopened.error();
  }
  int64_t rows = 0;
  for (const TableCopy& t : report->tables) {
    if (t.rows > 0) out << "  " << t.table << ": " << t.rows << " rows, " << t.hash << "\n";
    rows += t.rows;
  }
  out << "store copy: " << (report->changed ? "copied " : "already the same: ") << rows
      << " rows in " << report->tables.size() << " tables from " << from << " to " << to
      << (report->changed ? ", verified" : ", nothing written") << " ("
      << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
             .count()
      << " ms)\n";
  return {};
}

Status RestoreSite(const SiteFolder& site, const fs::path& file, std::ostream& out) {
  std::error_code ec;
  if (!fs::exists(site.config(), ec)) {
    return Error{ErrorCode::kNotFound, "not a site folder (no cinepress.toml)", site.root.string()};
  }
  if (auto s = RequireSqliteStore(SiteStoreOptions(site), "restore"); !s) return s;
  fs::path aside = site.root / ("cinepress.db.before-restore-" + UtcStamp());
  bool had_store = fs::exists(site.database(), ec);
  if (auto s = RestoreSqliteStore(file, site.database(), had_store ? aside : fs::path()); !s) {
    return s;
  }
  // An older backup is brought to this program's schema now, not by whoever opens it next.
  auto store = OpenStore(site, false);
  if (!store) return store.error();
  out << "restore: " << file.string() << " is now the store";
  if (had_store) out << "; the store it replaced is " << aside.string();
  out << "\n";
  return {};
}

namespace {

// Each published collection's entries that name nothing on the site as it is now (a typo in its
// file, or a piece unpublished or deleted since): the build leaves them out of its page without a
// word, so `check` tells. One line each: the collection, then the entry as written.
Result<std::vector<std::string>> FindDanglingCollectionEntries(const SiteFolder& site) {
  auto loaded = LoadSite(site, NowSeconds());
  if (!loaded) return loaded.error();
  const Site& map = **loaded;
  std::vector<std::string> lines;
  for (const Article& c : map.collections()) {
    const std::string where =
        c.source_path.empty() ? "collection \"" + c.slug + "\"" : c.source_path;
    for (const std::string& entry : c.items) {
      const std::string path = CollectionEntryPath(entry);
      if (!path.empty() && map.FindOutput(OutputPathOf(path))) continue;
      lines.push_back(where + " lists \"" + entry +
                      "\", which is not on the site (left out of its page)");
    }
  }
  return lines;
}

}  // namespace

Result<size_t> CheckSite(const SiteFolder& site, std::ostream& out) {
  if (auto s = RequireSqliteStore(SiteStoreOptions(site), "check"); !s) return s.error();
  std::error_code ec;
  if (!fs::exists(site.database(), ec)) {
    return Error{ErrorCode::kNotFound, "no store in this site folder", site.database().string()};
  }
  auto integrity = CheckSqliteStore(site.database());
  if (!integrity) return integrity.error();
  size_t problems = 0;
  for (const auto& p : *integrity) {
    out << "store: " << p << "\n";
    ++problems;
  }
  if (!integrity->empty()) {
    // Reading a damaged store further could mislead more than help.
    out << "check: " << problems << " problems (the store is damaged; restore a backup)\n";
    return problems;
  }
  auto store = OpenStore(site, false);
  if (!store) return store.error();
  auto articles = (*store)->LoadArticles(true);
  if (!articles) return articles.error();
  auto media = (*store)->LoadMediaList();
  if (!media) return media.error();
  auto authors = (*store)->LoadAuthors();
  if (!authors) return authors.error();
  std::vector<std::string> others;
  for (const auto& a : *authors) others.push_back(a.bio);
  auto people = (*store)->LoadPeople();
  if (!people) return people.error();
  for (const auto& p : *people) others.push_back(p.bio + (p.portrait ? " " + p.portrait->src : ""));
  // Podcasts' files: each show's artwork, each episode's audio and transcript, and their notes.
  auto shows = (*store)->LoadPodcastShows();
  if (!shows) return shows.error();
  for (const auto& show : *shows) others.push_back(" " + show.image);
  auto episodes = (*store)->LoadPodcastEpisodes();
  if (!episodes) return episodes.error();
  for (const auto& e : *episodes) {
    others.push_back(" " + e.audio + " " + e.transcript + " " + e.notes_markdown);
  }
  std::string base_url;
  if (auto config_text = ReadFile(site.config()); config_text) others.push_back(*config_text);
  if (auto config = LoadSiteConfig(site.config()); config) base_url = config->base_url;
  MediaProblems m = FindMediaProblems(*articles, *media, others, base_url);
  for (const auto& [article, path] : m.missing) {
    out << "missing media: " << article << " refers to /" << path << ", which is not stored\n";
  }
  for (const auto& path : m.unused) out << "unused media: /" << path << " (nothing refers to it)\n";
  problems += m.missing.size() + m.unused.size();
  auto damaged = CheckStoredMedia(**store);
  if (!damaged) return damaged.error();
  for (const auto& problem : *damaged) out << "damaged media: /" << problem << "\n";
  problems += damaged->size();
  auto dangling = FindDanglingCollectionEntries(site);
  if (!dangling) return dangling.error();
  for (const auto& line : *dangling) out << "collection entry: " << line << "\n";
  problems += dangling->size();
  out << "check: " << articles->size() << " articles, " << media->size() << " media files: ";
  if (problems == 0) {
    out << "no problems\n";
  } else {
    out << problems << (problems == 1 ? " problem\n" : " problems\n");
  }
  return problems;
}

}  // namespace cinepress
