// ContentStore: where the magazine's content lives (the role; SQLite and PostgreSQL are the
// technologies, in src/store). Every outlet reads from it; importers and editors write to it.
// Contract: one instance is used by one thread at a time; open one per thread for parallel
// reads (the SQLite store allows many readers beside one writer). Writes between
// BeginTransaction and Commit are all-or-nothing; Rollback (or destruction) undoes them.
#pragma once

#include <chrono>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "content/model.h"
#include "content/podcast.h"
#include "content/search.h"
#include "content/webhook_delivery.h"
#include "core/result.h"

namespace cinepress {

class ContentStore {
 public:
  virtual ~ContentStore() = default;

  virtual Status BeginTransaction() = 0;
  // A transaction that writes much of the store (an import of a whole archive): the same as
  // BeginTransaction, but a store may write it a faster way (SQLite: through a rollback
  // journal rather than its write-ahead log, when nothing else has the store open).
  virtual Status BeginBulkTransaction() { return BeginTransaction(); }
  // How many articles written in one transaction make it a bulk one, for importers.
  static constexpr size_t kBulkArticles = 1000;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // Articles and pages. LoadArticles(false) leaves body_markdown empty (for listings).
  virtual Result<std::vector<Article>> LoadArticles(bool with_bodies) = 0;
  virtual Result<std::string> LoadBody(int64_t article_id) = 0;
  // Inserts (id == 0) or replaces the article with this id; returns the id.
  Result<int64_t> SaveArticle(const Article& article) { return SaveArticle(article, nullptr); }
  // The same, with the article's search text made ahead by PrepareSearchText (or nullptr).
  virtual Result<int64_t> SaveArticle(const Article& article, const SearchText* text) = 0;
  // What search indexes of an article beyond its fields (its body and dek as the text a reader
  // sees), made on any thread: an import makes it on every core, and the save, which runs on
  // one, does not make it again. Thread-safe; empty when the store does not index for search.
  virtual SearchText PrepareSearchText(const Article& article) const = 0;
  // The body and dek text the search index holds for an article (what PrepareSearchText made
  // when it was saved): the static search index is made from it. Empty when the store does not
  // index for search or has no such article.
  virtual Result<SearchText> LoadSearchText(int64_t article_id) = 0;
  virtual Status DeleteArticle(int64_t id) = 0;
  // Full-text search over what the reader may read (content/search.h). The index follows
  // SaveArticle and DeleteArticle in their transaction: a committed article is found at once.
  // Any query text is safe: at worst it finds nothing.
  virtual Result<SearchResults> Search(const SearchQuery& query) = 0;

  // Old addresses of articles (see ArticleAlias); saving one that exists again is a no-op.
  virtual Result<std::vector<ArticleAlias>> LoadAliases() = 0;
  virtual Status SaveAlias(const ArticleAlias& alias) = 0;

  // A number that changes whenever the content (articles, aliases, authors, people, sections,
  // media) changes, by any connection; other tables (newsletters) do not count (for live
  // reloading).
  virtual Result<int64_t> DataVersion() = 0;
  // Waits until DataVersion may have moved (a change committed by any connection, on any node)
  // or `timeout` passes: true when it may have, false when it has not. The first call answers
  // true at once (nothing was seen before it). How is the engine's: SQLite reads the counter
  // again and again, PostgreSQL waits for a notification and asks the database nothing. An
  // error: the store cannot be reached (open a new one, whose first wait says true).
  virtual Result<bool> WaitForChange(std::chrono::milliseconds timeout) = 0;
  // Whether the store can be read right now (for health checks).
  virtual Status Ping() = 0;

  // The newsroom's revisions of articles (ArticleRevision). Saving one returns its id; an
  // article's are listed newest first, without their articles (LoadRevision has it); deleting
  // an article deletes its revisions.
  virtual Result<int64_t> SaveRevision(const ArticleRevision& revision) = 0;
  virtual Result<std::vector<ArticleRevision>> LoadRevisions(int64_t article_id) = 0;
  // kNotFound when there is no such revision.
  virtual Result<ArticleRevision> LoadRevision(int64_t id) = 0;

  // Webhooks' outbox (WebhookDelivery, docs/API.md): a delivery is queued in the transaction of
  // the change it tells of. ClaimWebhooks takes up to `limit` pending deliveries due at `now`,
  // oldest first, and moves their next_attempt to `lease_until` in the same statement, so that
  // two senders (two nodes) never take one at once; FinishWebhook writes a delivery's status,
  // attempts, next_attempt, last_error and finished by id. The log is listed newest first.
  virtual Result<int64_t> QueueWebhook(const WebhookDelivery& delivery) = 0;
  virtual Result<std::vector<WebhookDelivery>> ClaimWebhooks(int64_t now, int64_t lease_until,
                                                             size_t limit) = 0;
  virtual Status FinishWebhook(const WebhookDelivery& delivery) = 0;
  virtual Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(size_t limit) = 0;
  // Removes the pending deliveries whose delivery_id starts with `prefix` (a piece's scheduled
  // article.published, taken back when it is saved again); returns how many.
  virtual Result<int64_t> CancelWebhooks(const std::string& prefix) = 0;

  virtual Result<std::vector<Author>> LoadAuthors() = 0;
  virtual Status SaveAuthor(const Author& author) = 0;

  // People's profiles (data/people.yaml), keyed by slug; saving replaces the one with its slug.
  virtual Result<std::vector<PersonProfile>> LoadPeople() = 0;
  virtual Status SavePerson(const PersonProfile& person) = 0;
  virtual Status DeletePerson(const std::string& slug) = 0;

  virtual Result<std::vector<Section>> LoadSections() = 0;
  virtual Status SaveSection(const Section& section) = 0;

  // Media: files kept by the site, addressed by path, stored once per distinct content, in
  // chunks of kMediaChunkBytes, so that a large file (an episode's audio) can be read a piece
  // at a time.
  static constexpr size_t kMediaChunkBytes = 256 * 1024;
  virtual Result<std::vector<MediaFile>> LoadMediaList() = 0;
  // One file's facts without its bytes; kNotFound when there is none at `path`.
  virtual Result<MediaFile> LoadMediaFile(const std::string& path) = 0;
  // A whole file (the static build writes it); for large files prefer ReadMedia.
  virtual Result<std::string> LoadMediaData(const std::string& path) = 0;
  // Bytes of the content with this hash (MediaFile::hash) from `offset`: at most `max`, and no
  // further than the end of the stored chunk that holds `offset`, so that reads that follow one
  // another cost one chunk each. Empty at or past the end; kNotFound when no file has that
  // content any more (it was replaced while being read).
  virtual Result<std::string> ReadMedia(const std::string& hash, int64_t offset, size_t max) = 0;
  // Stores the bytes of `in`, a seekable stream (a file), a chunk at a time, so that no file is
  // ever held whole: read once for its hash and size, then again for its chunks (an error when
  // the second reading differs: the file changed meanwhile).
  virtual Status SaveMediaFrom(const std::string& path, std::istream& in) = 0;
  // The same for bytes already in memory.
  Status SaveMedia(const std::string& path, const std::string& data);
  virtual Status DeleteMedia(const std::string& path) = 0;

  // The media library's details of uploaded files (not content: no page shows them), newest
  // upload first; saving one with the same path replaces it; deleting a path with none is fine.
  virtual Result<std::vector<MediaDetails>> LoadMediaDetails() = 0;
  virtual Status SaveMediaDetails(const MediaDetails& details) = 0;
  virtual Status DeleteMediaDetails(const std::string& path) = 0;

  // Counted downloads of media (not content: they do not move DataVersion). Saved in batches by
  // any node; loaded for the paths that start with `path_prefix` ("" for all), oldest first.
  virtual Status SaveDownloads(const std::vector<MediaDownload>& downloads) = 0;
  virtual Result<std::vector<MediaDownload>> LoadDownloads(const std::string& path_prefix) = 0;

  // Comments, by article; saving one with the same article and source id replaces it.
  virtual Result<std::vector<Comment>> LoadComments() = 0;
  virtual Status SaveComment(const Comment& comment) = 0;
  // One article's comments, oldest first (every state: callers show only approved ones).
  virtual Result<std::vector<Comment>> LoadCommentsOf(int64_t article_id) = 0;
  // The moderation queue: comments of type comment with `status`, newest first, at most `limit`.
  virtual Result<std::vector<Comment>> LoadCommentsWithStatus(const std::string& status,
                                                              size_t limit) = 0;
  // A member's own comments (every status but spam), newest first, at most `limit`.
  virtual Result<std::vector<Comment>> LoadCommentsOfMember(int64_t member_id, size_t limit) = 0;
  // One comment; kNotFound when there is none.
  virtual Result<Comment> LoadComment(int64_t article_id, const std::string& source_id) = 0;
  // kNotFound when there is no such comment. Deleting one leaves its replies (they are shown at
  // the top of the thread).
  virtual Status SetCommentStatus(int64_t article_id, const std::string& source_id,
                                  const std::string& status) = 0;
  virtual Status DeleteComment(int64_t article_id, const std::string& source_id) = 0;
  // How many comments of type comment have `status`; when `member_id` is not 0, only theirs.
  virtual Result<int64_t> CountComments(const std::string& status, int64_t member_id) = 0;
  // For each article with shown comments (approved, of type comment): a text that changes when
  // one is approved, hidden, added or deleted (their count, dates, lengths and ids).
  virtual Result<std::vector<std::pair<int64_t, std::string>>> CommentStamps() = 0;
  // Adds a message to the outbox (the one NewsletterStore::QueueMail writes, in the same
  // database), in the caller's transaction if one is open: a new comment's notice is queued
  // with the comment or not at all.
  virtual Result<int64_t> QueueMail(const std::string& message, int64_t now) = 0;
  // Categories and tags with their hierarchy; keyed by taxonomy and slug.
  virtual Result<std::vector<Term>> LoadTerms() = 0;
  virtual Status SaveTerm(const Term& term) = 0;
  // Old addresses and where they go now; keyed by `from`.
  virtual Result<std::vector<UrlRedirect>> LoadRedirects() = 0;
  virtual Status SaveRedirect(const UrlRedirect& redirect) = 0;
  // Navigation menus; saving replaces the menu with the same slug.
  virtual Result<std::vector<StoredMenu>> LoadMenus() = 0;
  virtual Status SaveMenu(const StoredMenu& menu) = 0;

  // Podcasts (content/podcast.h): shows keyed by key, episodes by show and source file.
  virtual Result<std::vector<PodcastShow>> LoadPodcastShows() = 0;
  virtual Status SavePodcastShow(const PodcastShow& show) = 0;
  // Removes the show and its episodes.
  virtual Status DeletePodcastShow(const std::string& key) = 0;
  // Every show's episodes, by show then date.
  virtual Result<std::vector<PodcastEpisode>> LoadPodcastEpisodes() = 0;
  // Saves the episode and returns the GUID it has for good: the one stored for its show and
  // source when there is one (whatever `episode.guid` says: a GUID never changes), else
  // `episode.guid`, which must not be empty.
  virtual Result<std::string> SavePodcastEpisode(const PodcastEpisode& episode) = 0;
  virtual Status DeletePodcastEpisode(const std::string& show, const std::string& source) = 0;
};

}  // namespace cinepress
