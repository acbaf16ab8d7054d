#include "comments/comments.h"

#include <algorithm>
#include <cctype>
#include <functional>

#include "core/text.h"
#include "core/tokens.h"

namespace cinepress {
namespace {

Error Invalid(const std::string& field, const std::string& message) {
  return Error{ErrorCode::kInvalidInput, message, {}, 0, field};
}

// Characters (not bytes) of UTF-8 text.
size_t Characters(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Where an http(s) address that starts at `at` ends: at a space or a character that cannot
// be in one, less the punctuation that ends a sentence.
size_t AddressEnd(std::string_view text, size_t at) {
  size_t end = at;
  while (end < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[end]);
    if (c <= ' ' || c == '"' || c == '<' || c == '>' || c == '`' || c == '\'' || c >= 0x7f) break;
    ++end;
  }
  while (end > at && std::string_view(".,;:!?)").find(text[end - 1]) != std::string_view::npos)
    --end;
  return end;
}

// One line of text, escaped, its addresses linked.
void AppendLinked(std::string& out, std::string_view line) {
  size_t done = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const std::string_view rest = line.substr(i);
    const size_t scheme = rest.rfind("https://", 0) == 0  ? 8
                          : rest.rfind("http://", 0) == 0 ? 7
                                                          : 0;
    if (scheme == 0 || (i > 0 && std::isalnum(static_cast<unsigned char>(line[i - 1])))) continue;
    const size_t end = AddressEnd(line, i);
    if (end <= i + scheme) continue;
    AppendHtmlEscaped(out, line.substr(done, i - done));
    const std::string_view url = line.substr(i, end - i);
    out += "<a href=\"";
    AppendHtmlEscaped(out, url);
    out += "\" rel=\"nofollow ugc noopener\">";
    AppendHtmlEscaped(out, url);
    out += "</a>";
    done = end;
    i = end - 1;
  }
  AppendHtmlEscaped(out, line.substr(done));
}

std::string NoticeMessageId(const SiteConfig& site, const Comment& c, const std::string& to) {
  return "cinepress.comment." + std::to_string(c.article_id) + "." +
         ContentHash({c.source_id, "\x1f", to}).substr(0, 16) + "@" + DomainOf(site.base_url);
}

// Who is told of a new comment on `article_id`: [comments] notify, and the staff member who made
// the piece in the newsroom (its first revision's author), once each.
Result<std::vector<std::string>> NoticeRecipients(ContentStore& store, const CommentsConfig& config,
                                                  int64_t article_id) {
  std::vector<std::string> to = config.notify;
  if (config.notify_writers) {
    auto revisions = store.LoadRevisions(article_id);
    if (!revisions) return revisions.error();
    auto first = std::min_element(
        revisions->begin(), revisions->end(),
        [](const ArticleRevision& a, const ArticleRevision& b) { return a.id < b.id; });
    if (first != revisions->end() && IsPlausibleEmail(first->author)) to.push_back(first->author);
  }
  std::sort(to.begin(), to.end());
  to.erase(std::unique(to.begin(), to.end()), to.end());
  return to;
}

// The status a new comment of `member_id` starts with.
Result<std::string> FirstStatus(ContentStore& store, const CommentsConfig& config,
                                int64_t member_id) {
  if (config.moderation == "none") return std::string("approved");
  if (config.moderation == "all") return std::string("pending");
  auto approved = store.CountComments("approved", member_id);
  if (!approved) return approved.error();
  return std::string(*approved > 0 ? "approved" : "pending");
}

// `work` between BEGIN and COMMIT; rolled back when it fails.
Status InTransaction(ContentStore& store, const std::function<Status()>& work) {
  if (auto s = store.BeginTransaction(); !s) return s;
  if (auto s = work(); !s) {
    (void)store.Rollback();
    return s;
  }
  return store.Commit();
}

}  // namespace

CommentRight MayComment(const CommentsConfig& config, const ReaderRights& rights) {
  if (!config.enabled) return CommentRight::kClosed;
  if (!rights.signed_in()) return CommentRight::kSignIn;
  if (config.who == "paid" && !rights.paid()) return CommentRight::kPaid;
  return CommentRight::kAllowed;
}

std::string CommentHtml(std::string_view text) {
  const std::string clean = Paragraphs(text);
  std::string out;
  size_t start = 0;
  bool open = false;
  while (start <= clean.size()) {
    size_t end = clean.find('\n', start);
    if (end == std::string::npos) end = clean.size();
    const std::string_view line = Trim(std::string_view(clean).substr(start, end - start));
    if (line.empty()) {
      if (open) out += "</p>\n";
      open = false;
    } else {
      out += open ? "<br>\n" : "<p>";
      open = true;
      AppendLinked(out, line);
    }
    start = end + 1;
  }
  if (open) out += "</p>\n";
  return out;
}

std::string CommentKeyText(const Comment& c) {
  return std::to_string(c.article_id) + ":" + c.source_id;
}

std::optional<CommentKey> ParseCommentKey(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= text.size())
    return std::nullopt;
  CommentKey key;
  for (char c : text.substr(0, colon)) {
    if (c < '0' || c > '9' || key.article_id > (int64_t{1} << 50)) return std::nullopt;
    key.article_id = key.article_id * 10 + (c - '0');
  }
  key.source_id = std::string(text.substr(colon + 1));
  return key;
}

MailMessage CommentNotice(const SiteConfig& site, const CommentedArticle& article, const Comment& c,
                          const std::string& text, const std::string& to) {
  MailMessage m;
  m.from = SiteSender(site);
  m.to = MailAddress{"", to};
  m.subject = (c.status == "approved" ? "New comment on " : "A comment waits for review: ") +
              OneLine(article.title, 150);
  m.date = c.date;
  m.message_id = NoticeMessageId(site, c, to);
  m.text = c.author + " wrote on \"" + article.title + "\":\n\n" + text + "\n\n" +
           (c.status == "approved"
                ? "It is shown on the page: " + article.url + "#" + CommentAnchor(c.source_id)
                : std::string("It waits for an editor at ") + site.base_url + "/admin/comments/") +
           "\n";
  return m;
}

Result<Comment> PostComment(ContentStore& store, const SiteConfig& site,
                            const CommentedArticle& article, NewComment in, int64_t now) {
  const CommentsConfig& config = site.comments;
  const std::string text = Paragraphs(in.text);
  if (text.empty()) return Invalid("comment", "write something first");
  if (!IsValidUtf8(text)) return Invalid("comment", "the text is not UTF-8");
  if (Characters(text) > static_cast<size_t>(config.max_length)) {
    return Invalid("comment", "at most " + std::to_string(config.max_length) + " characters");
  }
  if (!in.parent_id.empty()) {
    auto parent = store.LoadComment(article.id, in.parent_id);
    if (!parent && parent.error().code != ErrorCode::kNotFound) return parent.error();
    if (!parent || parent->status != "approved") {
      return Invalid("parent", "the comment you answer is not on this page");
    }
  }
  auto status = FirstStatus(store, config, in.member_id);
  if (!status) return status.error();
  auto recipients = NoticeRecipients(store, config, article.id);
  if (!recipients) return recipients.error();
  std::string name = OneLine(in.name, 80);
  Comment c{article.id,   "m:" + NewToken().substr(0, 16),
            in.parent_id, name.empty() ? std::string("A member") : name,
            "",           "",
            now,          CommentHtml(text),
            *status,      "comment",
            in.member_id};
  Status s = InTransaction(store, [&]() -> Status {
    if (auto saved = store.SaveComment(c); !saved) return saved;
    for (const std::string& to : *recipients) {
      auto q = store.QueueMail(SerializeMessage(CommentNotice(site, article, c, text, to)), now);
      if (!q) return q.error();
    }
    return {};
  });
  if (!s) return s.error();
  return c;
}

Status ModerateComments(ContentStore& store, const std::string& action,
                        const std::vector<CommentKey>& keys) {
  static const std::pair<const char*, const char*> kStatusOf[] = {
      {"approve", "approved"}, {"spam", "spam"}, {"pending", "pending"}, {"delete", ""}};
  const auto* found = std::find_if(std::begin(kStatusOf), std::end(kStatusOf),
                                   [&](const auto& p) { return action == p.first; });
  if (found == std::end(kStatusOf)) return Invalid("action", "no such action: " + action);
  const std::string status = found->second;
  return InTransaction(store, [&]() -> Status {
    for (const CommentKey& k : keys) {
      Status s = status.empty() ? store.DeleteComment(k.article_id, k.source_id)
                                : store.SetCommentStatus(k.article_id, k.source_id, status);
      if (!s) return s;
    }
    return {};
  });
}

Status DeleteOwnComment(ContentStore& store, int64_t member_id, const CommentKey& key) {
  auto c = store.LoadComment(key.article_id, key.source_id);
  if (!c) return c.error();
  if (member_id == 0 || c->member_id != member_id) {
    return MakeError(ErrorCode::kNotFound, "you have no such comment");
  }
  return store.DeleteComment(key.article_id, key.source_id);
}

}  // namespace cinepress
