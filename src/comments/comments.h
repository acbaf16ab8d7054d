// Readers' comments on articles (issue #15), as plain functions over the ContentStore role, so
// that the article pages' forms, the newsroom's queue and the tests share them.
//
//   comment     what a member wrote under an article, or a reply to one (threads nest; the
//               theme indents replies), kept as escaped HTML: a stranger's text never becomes
//               markup (links are made from http(s) addresses, rel="nofollow ugc noopener")
//   moderation  [comments] moderation: "first" (a member's first comment waits for an editor;
//               once one is approved, theirs are shown at once), "all", or "none"
//   status      pending (waiting), approved (shown), spam (kept out of sight, never shown)
//   notice      the email telling the piece's writer (the staff member who made it in the
//               newsroom) and [comments] notify of a new comment; queued in the outbox in the
//               comment's own transaction
//
// Contract: functions use the store given (one thread at a time) and keep no state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/access.h"
#include "content/content_store.h"
#include "core/config.h"
#include "core/result.h"
#include "mail/message.h"

namespace cinepress {

// Whether a reader may write a comment here: kSignIn (not a member, or not signed in), kPaid
// (who = "paid" and they hold no paid tier), kClosed (comments are off).
enum class CommentRight { kAllowed, kSignIn, kPaid, kClosed };
CommentRight MayComment(const CommentsConfig& config, const ReaderRights& rights);

// Plain text as the page shows it: every character escaped, paragraphs at blank lines, <br> at
// single line ends, http(s) addresses as links that leave the site's rank alone.
std::string CommentHtml(std::string_view text);

// What a member posts.
struct NewComment {
  int64_t article_id = 0;
  std::string parent_id;  // the source id of the comment it answers; "" for a new thread
  int64_t member_id = 0;
  std::string name;  // the member's name (one line); "" shows as "A member"
  std::string text;  // plain text
};

// The article a comment is under, as its notice names it.
struct CommentedArticle {
  int64_t id = 0;
  std::string title;
  std::string url;  // absolute
};

// Checks and keeps a member's comment: the text is required and at most max_length characters
// (an invalid-input error naming the field "comment"); a parent must be an approved comment of
// the same article (field "parent"). Its status follows [comments] moderation; the notices to
// the writer and [comments] notify are queued in the same transaction. The comment as kept.
Result<Comment> PostComment(ContentStore& store, const SiteConfig& site,
                            const CommentedArticle& article, NewComment comment, int64_t now);

// The notice of a new comment (`text`: as the member wrote it), to `to`.
MailMessage CommentNotice(const SiteConfig& site, const CommentedArticle& article,
                          const Comment& comment, const std::string& text, const std::string& to);

// One comment, as forms and the queue name it: "ARTICLE_ID:SOURCE_ID".
struct CommentKey {
  int64_t article_id = 0;
  std::string source_id;
};
std::string CommentKeyText(const Comment& comment);
// nullopt for text that is not a key.
std::optional<CommentKey> ParseCommentKey(std::string_view text);

// The newsroom's actions on the queue, all of `keys` in one transaction (an unknown key rolls
// it back: kNotFound naming it). `action` is "approve", "spam", "pending" or "delete"; another
// is an invalid-input error naming the field "action".
Status ModerateComments(ContentStore& store, const std::string& action,
                        const std::vector<CommentKey>& keys);

// A member deletes one of their own comments (at any time; comments are not edited once
// posted). kNotFound when they have no such comment (someone else's is not theirs to see).
Status DeleteOwnComment(ContentStore& store, int64_t member_id, const CommentKey& key);

}  // namespace cinepress
