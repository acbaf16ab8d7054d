#include "store/pg_search_mirror.h"

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <utility>

#include "store/engines.h"
#include "store/pg_connection.h"
#include "store/podcast_rows.h"

namespace cinepress {
namespace {

namespace fs = std::filesystem;

// How long the keeper waits for a notification before it looks again whether to stop, and
// after a failure before it tries again.
constexpr auto kWait = std::chrono::milliseconds(250);
constexpr auto kRetry = std::chrono::seconds(1);

// Every search row's version: its own xmin, and its article's or its episode's and show's (a row
// written again has a new one); an episode's show and source, its key in the mirror.
constexpr const char* kRowVersions =
    "SELECT d.id, concat_ws(' ', d.xmin, a.xmin, e.xmin, s.xmin), d.show, d.source"
    " FROM search_docs d LEFT JOIN articles a ON d.kind <> 'episode' AND a.id = d.id"
    " LEFT JOIN podcast_episodes e ON d.kind = 'episode' AND e.show = d.show"
    " AND e.source = d.source"
    " LEFT JOIN podcast_shows s ON d.kind = 'episode' AND s.key = d.show";
// The search text of the articles' rows asked for, as PostgreSQL indexed it.
constexpr const char* kRowTexts =
    "SELECT id, dek, body FROM search_docs WHERE id = ANY ($1::bigint[])";

Error MirrorError(const std::string& what, const Error& cause) {
  return Error{ErrorCode::kStore, "search mirror: " + what + ": " + cause.message, {}, 0, {}};
}

}  // namespace

PgSearchMirror::PgSearchMirror(StoreOptions options, fs::path dir)
    : options_(std::move(options)),
      mode_(options_.search_mirror),
      dir_(std::move(dir)),
      file_(dir_ / "search.db") {
  options_.search_mirror = StoreOptions::Mirror::kOff;
}

Result<std::unique_ptr<PgSearchMirror>> PgSearchMirror::Make(const StoreOptions& options,
                                                             const fs::path& dir) {
  std::error_code ec;
  const fs::path parent = dir.empty() ? fs::temp_directory_path(ec) : dir;
  if (ec) return Error{ErrorCode::kStore, "search mirror: no temporary folder", {}, 0, {}};
  std::string pattern = (parent / "cinepress-search-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Error{
        ErrorCode::kStore, "search mirror: cannot make a folder in " + parent.string(), {}, 0, {}};
  }
  std::unique_ptr<PgSearchMirror> mirror(new PgSearchMirror(options, pattern));
  if (auto s = mirror->Open(); !s) return s.error();
  if (options.search_mirror == StoreOptions::Mirror::kBackground) {
    mirror->keeper_ = std::thread([m = mirror.get()] { m->Keep(); });
  }
  return mirror;
}

PgSearchMirror::~PgSearchMirror() {
  stop_ = true;
  if (keeper_.joinable()) keeper_.join();
  readers_.clear();
  writer_.reset();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

Status PgSearchMirror::Open() {
  StoreOptions local;
  local.markdown_to_text = options_.markdown_to_text;  // unused: the text comes prepared
  local.html_to_text = options_.html_to_text;
  auto store = OpenSqliteMirrorStore(file_, local);
  if (!store) return MirrorError("opening " + file_.string(), store.error());
  writer_ = std::move(*store);
  return {};
}

Status PgSearchMirror::Connect() {
  if (source_ && rows_) return {};
  auto source = OpenPgContentStore(options_);
  if (!source) return MirrorError("connecting", source.error());
  auto rows = PgConnection::Open(options_.url, options_.password);
  if (!rows) return MirrorError("connecting", rows.error());
  source_ = std::move(*source);
  rows_ = std::move(*rows);
  return {};
}

Status PgSearchMirror::Sync() {
  std::lock_guard lock(sync_mu_);
  auto fail = [&](const std::string& what, const Error& e) -> Status {
    source_.reset();  // connected again next time
    rows_.reset();
    return MirrorError(what, e);
  };
  if (auto s = Connect(); !s) return s;
  // The counter first: the content read after it is at least as new, so the mirror never says
  // it holds a version whose content it has not read.
  auto version = source_->DataVersion();
  if (!version) return fail("reading the change counter", version.error());
  auto q = rows_->Query(kRowVersions);
  if (!q) return fail("reading the search rows", q.error());
  std::map<int64_t, Row> rows;
  for (int r = 0; r < q->size(); ++r) {
    rows.emplace(q->Int(r, 0), Row{std::string(q->Text(r, 1)), std::string(q->Text(r, 2)),
                                   std::string(q->Text(r, 3))});
  }
  std::vector<int64_t> changed, gone;
  for (const auto& row : rows) {
    auto it = held_.find(row.first);
    if (it == held_.end() || it->second.version != row.second.version) {
      changed.push_back(row.first);
    }
  }
  for (const auto& row : held_) {
    if (!rows.count(row.first)) gone.push_back(row.first);
  }
  if (!changed.empty() || !gone.empty()) {
    if (auto s = Apply(rows, changed, gone); !s) return s;
  }
  version_ = *version;
  return {};
}

// Writes the changed rows (read again from PostgreSQL) and removes the gone ones, in one
// transaction of the mirror. A changed row is removed before it is written again, so that an
// address one article gave up and another took (or an episode's id another took) never meets
// itself. Episodes are written with their shows, which make part of their rows.
Status PgSearchMirror::Apply(const std::map<int64_t, Row>& rows,
                             const std::vector<int64_t>& changed,
                             const std::vector<int64_t>& gone) {
  // `changed` is sorted: its articles come before its episodes.
  const auto first_episode =
      std::lower_bound(changed.begin(), changed.end(), kFirstEpisodeSearchId);
  const std::vector<int64_t> articles_changed(changed.begin(), first_episode);
  std::vector<Author> authors;
  std::vector<Article> articles;
  std::map<int64_t, SearchText> text;
  if (!articles_changed.empty()) {
    auto loaded = source_->LoadAuthors();
    if (!loaded) return MirrorError("reading the writers", loaded.error());
    authors = std::move(*loaded);
    auto listed = source_->LoadArticles(false);
    if (!listed) return MirrorError("reading the articles", listed.error());
    articles = std::move(*listed);
    const std::string ids = PgIntArray(articles_changed);
    auto texts = rows_->Query(kRowTexts, {std::string_view(ids)});
    if (!texts) return MirrorError("reading the search rows", texts.error());
    for (int r = 0; r < texts->size(); ++r) {
      text[texts->Int(r, 0)] =
          SearchText{std::string(texts->Text(r, 2)), std::string(texts->Text(r, 1))};
    }
  }
  std::vector<PodcastShow> shows;
  std::map<std::pair<std::string, std::string>, int64_t> episode_ids;  // (show, source) -> id
  std::vector<PodcastEpisode> episodes;
  if (first_episode != changed.end()) {
    auto loaded_shows = source_->LoadPodcastShows();
    if (!loaded_shows) return MirrorError("reading the podcasts", loaded_shows.error());
    shows = std::move(*loaded_shows);
    auto loaded = source_->LoadPodcastEpisodes();
    if (!loaded) return MirrorError("reading the podcast episodes", loaded.error());
    episodes = std::move(*loaded);
    for (auto id = first_episode; id != changed.end(); ++id) {
      const Row& row = rows.at(*id);
      episode_ids[{row.show, row.source}] = *id;
    }
  }
  std::set<int64_t> written_ids;
  if (auto s = writer_->BeginTransaction(); !s) return s;
  auto written = [&]() -> Status {
    for (const Author& a : authors) {
      if (auto s = writer_->SaveAuthor(a); !s) return s;
    }
    for (int64_t id : gone) {
      if (auto s = Remove(id, held_.at(id)); !s) return s;
    }
    for (int64_t id : changed) {
      auto held = held_.find(id);
      if (held == held_.end()) continue;
      if (auto s = Remove(id, held->second); !s) return s;
    }
    // An article or episode removed since the versions were read is not written (nor held:
    // looked at again next time).
    for (const Article& a : articles) {
      auto t = text.find(a.id);
      if (t == text.end() || !std::binary_search(changed.begin(), changed.end(), a.id)) continue;
      if (auto id = writer_->SaveArticle(a, &t->second); !id) return id.error();
      written_ids.insert(a.id);
    }
    for (const PodcastShow& show : shows) {
      if (auto s = writer_->SavePodcastShow(show); !s) return s;
    }
    for (const PodcastEpisode& e : episodes) {
      auto id = episode_ids.find({e.show, e.source});
      if (id == episode_ids.end()) continue;
      if (auto s = writer_->SaveEpisodeUnder(e, id->second); !s) return s;
      written_ids.insert(id->second);
    }
    return writer_->Commit();
  }();
  if (!written) {
    (void)writer_->Rollback();
    return MirrorError("writing", written.error());
  }
  for (int64_t id : gone) held_.erase(id);
  for (int64_t id : changed) {
    if (written_ids.count(id)) {
      held_[id] = rows.at(id);
    } else {
      held_.erase(id);
    }
  }
  return {};
}

Status PgSearchMirror::Remove(int64_t id, const Row& held) {
  if (id >= kFirstEpisodeSearchId) return writer_->DeletePodcastEpisode(held.show, held.source);
  return writer_->DeleteArticle(id);
}

std::unique_ptr<ContentStore> PgSearchMirror::TakeReader() {
  {
    std::lock_guard lock(readers_mu_);
    if (!readers_.empty()) {
      auto r = std::move(readers_.back());
      readers_.pop_back();
      return r;
    }
  }
  StoreOptions local;
  local.create = false;
  auto store = OpenSqliteMirrorStore(file_, local);
  return store ? std::move(*store) : nullptr;
}

std::optional<Result<SearchResults>> PgSearchMirror::Search(const SearchQuery& query,
                                                            int64_t version) {
  if (version_.load() != version && mode_ == StoreOptions::Mirror::kInline) (void)Sync();
  if (version_.load() != version) return std::nullopt;
  auto reader = TakeReader();
  if (!reader) return std::nullopt;
  auto found = reader->Search(query);
  std::lock_guard lock(readers_mu_);
  readers_.push_back(std::move(reader));
  return found;
}

void PgSearchMirror::Keep() {
  const auto started = std::chrono::steady_clock::now();
  bool ready = false;
  while (!stop_) {
    if (auto s = Sync(); !s) {
      for (auto until = std::chrono::steady_clock::now() + kRetry;
           !stop_ && std::chrono::steady_clock::now() < until;) {
        std::this_thread::sleep_for(kWait);
      }
      continue;
    }
    if (!ready) {
      // Once, in the server's log: when searches stop asking PostgreSQL, and what it cost.
      ready = true;
      SayReady(std::chrono::steady_clock::now() - started);
    }
    // The notifications of every node's writes (LISTEN): at once when one comes. A lost
    // connection loses none of the changes: the next Sync compares every row's version.
    for (bool changed = false; !changed && !stop_;) {
      std::unique_lock lock(sync_mu_);
      if (!source_) break;
      auto r = source_->WaitForChange(kWait);
      if (!r) {
        source_.reset();
        rows_.reset();
        break;
      }
      changed = *r;
    }
  }
}

void PgSearchMirror::SayReady(std::chrono::steady_clock::duration took) {
  size_t rows = 0;
  {
    std::lock_guard lock(sync_mu_);
    rows = held_.size();
  }
  std::error_code ec;
  const auto bytes = fs::file_size(file_, ec);
  const double seconds = std::chrono::duration<double>(took).count();
  char line[160];
  std::snprintf(line, sizeof line, "search mirror: ready, %zu rows, %.1f MB, in %.1f s\n", rows,
                ec ? 0.0 : static_cast<double>(bytes) / 1e6, seconds);
  std::cerr << line << std::flush;
}

Result<std::shared_ptr<PgSearchMirror>> SharedSearchMirror(const StoreOptions& options) {
  static std::mutex mu;
  // kBackground's are kept for the process's life (a node's connections come and go; its
  // mirror stays); kInline's while a store holds them.
  static std::map<std::string, std::shared_ptr<PgSearchMirror>> kept;
  static std::map<std::string, std::weak_ptr<PgSearchMirror>> held;
  const bool keep = options.search_mirror == StoreOptions::Mirror::kBackground;
  const std::string key = options.url;
  std::lock_guard lock(mu);
  if (keep && kept.count(key)) return kept[key];
  if (auto m = held[key].lock(); m && !keep) return m;
  auto made = PgSearchMirror::Make(options);
  if (!made) return made.error();
  std::shared_ptr<PgSearchMirror> m(std::move(*made));
  if (keep) {
    kept[key] = m;
  } else {
    held[key] = m;
  }
  return m;
}

}  // namespace cinepress
