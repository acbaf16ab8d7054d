#include "ingest/wxr_reader.h"

#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>

#include <fstream>
#include <functional>
#include <memory>
#include <optional>

namespace cinepress {
namespace {

// The namespaces of WXR, by role; the `wp:` prefix is what the file happens to use, not what
// decides (a file may bind any prefix).
std::string NsPrefix(const xmlChar* uri_x) {
  if (!uri_x) return "";
  std::string_view uri(reinterpret_cast<const char*>(uri_x));
  if (IsWxrNamespace(uri)) return "wp:";
  if (uri.size() > 8 && uri.substr(uri.size() - 8) == "excerpt/" &&
      IsWxrNamespace(uri.substr(0, uri.size() - 8))) {
    return "excerpt:";
  }
  if (uri == "http://purl.org/rss/1.0/modules/content/") return "content:";
  if (uri == "http://purl.org/dc/elements/1.1/") return "dc:";
  return "other:";
}

struct ErrorSink {
  bool set = false;
  int line = 0, column = 0;
  std::string message;
  std::vector<std::string>
      open;  // when the file ends early: the elements left open, outermost first
};

void OnXmlError(void* arg, xmlErrorPtr e) {
  auto* sink = static_cast<ErrorSink*>(arg);
  if (!e || sink->set || e->level < XML_ERR_ERROR) return;
  // Namespace errors (a namespace name that is not a valid URI, a prefix bound oddly or not at
  // all) break "Namespaces in XML", not XML's well-formedness: a conforming parser reads such a
  // file, and so do we. The names are still told apart by their namespace where one is bound.
  if (e->domain == XML_FROM_NAMESPACE) return;
  sink->set = true;
  sink->line = e->line;
  sink->column = e->int2;
  sink->message = e->message ? e->message : "malformed XML";
  // A file cut short (a failed download, a full disk) leaves elements open when its input runs
  // out; libxml2 then says "Extra content at the end of the document" or names the half tag,
  // which sends a person looking for the wrong mistake.
  auto* ctxt = static_cast<xmlParserCtxtPtr>(e->ctxt);
  if (ctxt && ctxt->nameNr > 0 && ctxt->input &&
      (e->code == XML_ERR_DOCUMENT_END || ctxt->input->cur >= ctxt->input->end)) {
    for (int i = 0; i < ctxt->nameNr; ++i) {
      sink->open.push_back(ctxt->nameTab[i] ? reinterpret_cast<const char*>(ctxt->nameTab[i])
                                            : "?");
    }
  }
  while (!sink->message.empty() && (sink->message.back() == '\n' || sink->message.back() == ' ')) {
    sink->message.pop_back();
  }
}

std::string Attr(xmlTextReaderPtr r, const char* name) {
  xmlChar* v = xmlTextReaderGetAttribute(r, reinterpret_cast<const xmlChar*>(name));
  if (!v) return "";
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

class Walker {
 public:
  Walker(xmlTextReaderPtr r, const std::string& name, const WxrCallbacks& cb,
         const std::function<int()>& last_line)
      : r_(r), name_(name), cb_(cb), last_line_(last_line) {}

  Status Run(ErrorSink& sink) {
    int ret;
    while ((ret = xmlTextReaderRead(r_)) == 1) {
      switch (xmlTextReaderNodeType(r_)) {
        case XML_READER_TYPE_ELEMENT: {
          const xmlChar* local = xmlTextReaderConstLocalName(r_);
          std::string key =
              NsPrefix(xmlTextReaderConstNamespaceUri(r_)) + reinterpret_cast<const char*>(local);
          if (key.rfind("wp:", 0) == 0) saw_wxr_ = true;
          const bool empty = xmlTextReaderIsEmptyElement(r_) != 0;
          stack_.push_back(std::move(key));
          text_.clear();
          Start();
          if (empty) {
            if (auto s = End(); !s) return s;
            stack_.pop_back();
          }
          break;
        }
        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
        case XML_READER_TYPE_WHITESPACE:
          if (const xmlChar* v = xmlTextReaderConstValue(r_)) {
            text_ += reinterpret_cast<const char*>(v);
          }
          break;
        case XML_READER_TYPE_END_ELEMENT:
          if (auto s = End(); !s) return s;
          if (!stack_.empty()) stack_.pop_back();
          text_.clear();
          break;
        default:
          break;
      }
      if (stop_) return *stop_;
    }
    if (ret != 0 || sink.set) {
      if (!sink.set) {
        sink.line = xmlTextReaderGetParserLineNumber(r_);
        sink.column = xmlTextReaderGetParserColumnNumber(r_);
        sink.message = "malformed XML";
      }
      if (!sink.open.empty()) {
        // libxml2's line is where its last chunk began, not where the file stops.
        if (last_line_) sink.line = last_line_();
        std::string path;
        for (const std::string& n : sink.open) path += (path.empty() ? "" : " > ") + n;
        return Error{ErrorCode::kInvalidInput,
                     "the file ends early, at line " + std::to_string(sink.line) + ", inside <" +
                         sink.open.back() + "> (" + path +
                         "): the export is incomplete; export it again from WordPress",
                     name_,
                     sink.line,
                     {}};
      }
      return Error{ErrorCode::kInvalidInput,
                   "not well-formed XML at line " + std::to_string(sink.line) + ", column " +
                       std::to_string(sink.column) + ": " + sink.message,
                   name_,
                   sink.line,
                   {}};
    }
    if (!saw_wxr_) return NotWxr();
    if (!channel_sent_) {
      if (auto s = CheckVersion(); !s) return s;
      if (cb_.channel) cb_.channel(channel_);
    }
    return {};
  }

 private:
  const std::string& Parent() const {
    static const std::string none;
    return stack_.size() >= 2 ? stack_[stack_.size() - 2] : none;
  }
  bool InItem() const {
    for (const std::string& k : stack_) {
      if (k == "item") return true;
    }
    return false;
  }
  // WordPress's importer refuses a file without a WXR version of the form 1.2 ("This does not
  // appear to be a WXR file, missing/invalid WXR version number"); so do we, rather than guess
  // what a file of another shape means. The version comes before the first author, term or item.
  Error NotWxr() const {
    return Error{ErrorCode::kInvalidInput,
                 "not a WordPress export: no elements in the WXR namespace "
                 "(https://wordpress.org/export/1.2/)",
                 name_,
                 1,
                 {}};
  }
  Status CheckVersion() const {
    const std::string& v = channel_.wxr_version;
    size_t dot = v.find('.');
    bool ok = dot != std::string::npos && dot > 0 && dot + 1 < v.size();
    for (size_t i = 0; ok && i < v.size(); ++i) ok = i == dot || (v[i] >= '0' && v[i] <= '9');
    if (ok) return {};
    if (!saw_wxr_) return NotWxr();
    return Error{ErrorCode::kInvalidInput,
                 v.empty() ? "not a WordPress export: it has no WXR version "
                             "(<wp:wxr_version> before the first item)"
                           : "not a WordPress export: its WXR version \"" + v +
                                 "\" is not a number such as 1.2",
                 name_,
                 1,
                 {}};
  }
  void SendChannel() {
    if (channel_sent_) return;
    channel_sent_ = true;
    if (auto s = CheckVersion(); !s) {
      stop_ = s;
      return;
    }
    if (cb_.channel) cb_.channel(channel_);
  }

  void Start() {
    const std::string& k = stack_.back();
    const std::string& p = Parent();
    if (p == "channel") {
      if (k == "item") {
        SendChannel();
        item_ = WxrItem{};
        item_.line = xmlTextReaderGetParserLineNumber(r_);
      } else if (k == "wp:author") {
        SendChannel();
        author_ = WxrAuthor{};
      } else if (k == "wp:category" || k == "wp:tag" || k == "wp:term") {
        SendChannel();
        term_ = WxrTerm{};
        if (k == "wp:category") term_.taxonomy = "category";
        if (k == "wp:tag") term_.taxonomy = "post_tag";
      }
    } else if (p == "item") {
      if (k == "wp:comment") comment_ = WxrComment{};
      if (k == "wp:postmeta") meta_ = {};
      if (k == "category") {
        item_term_ = WxrItemTerm{Attr(r_, "domain"), Attr(r_, "nicename"), ""};
      }
    } else if (p == "wp:comment" && k == "wp:commentmeta") {
      meta_ = {};
    }
  }

  Status End() {
    const std::string& k = stack_.back();
    const std::string& p = Parent();
    std::string& t = text_;
    if (p == "channel") {
      if (k == "title") channel_.title = t;
      if (k == "link") channel_.link = t;
      if (k == "description") channel_.description = t;
      if (k == "language") channel_.language = t;
      if (k == "wp:wxr_version") channel_.wxr_version = t;
      if (k == "wp:base_site_url") channel_.base_site_url = t;
      if (k == "wp:base_blog_url") channel_.base_blog_url = t;
      if (k == "wp:author" && cb_.author) cb_.author(author_);
      if ((k == "wp:category" || k == "wp:tag" || k == "wp:term") && cb_.term) cb_.term(term_);
      if (k == "item" && cb_.item) {
        if (auto s = cb_.item(item_); !s) stop_ = s;
        item_ = WxrItem{};
      }
    } else if (p == "wp:author") {
      if (k == "wp:author_id") author_.id = t;
      if (k == "wp:author_login") author_.login = t;
      if (k == "wp:author_email") author_.email = t;
      if (k == "wp:author_display_name") author_.display_name = t;
      if (k == "wp:author_first_name") author_.first_name = t;
      if (k == "wp:author_last_name") author_.last_name = t;
    } else if (p == "wp:category" || p == "wp:tag" || p == "wp:term") {
      if (k == "wp:term_id") term_.id = t;
      if (k == "wp:term_taxonomy") term_.taxonomy = t;
      if (k == "wp:category_nicename" || k == "wp:tag_slug" || k == "wp:term_slug") term_.slug = t;
      if (k == "wp:category_parent" || k == "wp:term_parent") term_.parent = t;
      if (k == "wp:cat_name" || k == "wp:tag_name" || k == "wp:term_name") term_.name = t;
      if (k == "wp:category_description" || k == "wp:tag_description" ||
          k == "wp:term_description") {
        term_.description = t;
      }
    } else if (p == "item") {
      WxrItem& i = item_;
      if (k == "title") i.title = t;
      if (k == "link") i.link = t;
      if (k == "pubDate") i.pub_date = t;
      if (k == "dc:creator") i.creator = t;
      if (k == "guid") i.guid = t;
      if (k == "description") i.description = t;
      if (k == "content:encoded") i.content = std::move(t);
      if (k == "excerpt:encoded") i.excerpt = std::move(t);
      if (k == "wp:post_id") i.post_id = t;
      if (k == "wp:post_date") i.post_date = t;
      if (k == "wp:post_date_gmt") i.post_date_gmt = t;
      if (k == "wp:comment_status") i.comment_status = t;
      if (k == "wp:ping_status") i.ping_status = t;
      if (k == "wp:post_name") i.post_name = t;
      if (k == "wp:status") i.status = t;
      if (k == "wp:post_parent") i.post_parent = t;
      if (k == "wp:menu_order") i.menu_order = t;
      if (k == "wp:post_type") i.post_type = t;
      if (k == "wp:post_password") i.post_password = t;
      if (k == "wp:is_sticky") i.is_sticky = t;
      if (k == "wp:attachment_url") i.attachment_url = t;
      if (k == "category") {
        item_term_.name = t;
        i.terms.push_back(std::move(item_term_));
      }
      if (k == "wp:postmeta") i.meta.push_back(std::move(meta_));
      if (k == "wp:comment") i.comments.push_back(std::move(comment_));
    } else if (p == "wp:postmeta" || p == "wp:commentmeta") {
      if (k == "wp:meta_key") meta_.first = t;
      if (k == "wp:meta_value") meta_.second = t;
    } else if (p == "wp:comment" && InItem()) {
      WxrComment& c = comment_;
      if (k == "wp:comment_id") c.id = t;
      if (k == "wp:comment_author") c.author = t;
      if (k == "wp:comment_author_email") c.author_email = t;
      if (k == "wp:comment_author_url") c.author_url = t;
      if (k == "wp:comment_author_IP") c.author_ip = t;
      if (k == "wp:comment_date") c.date = t;
      if (k == "wp:comment_date_gmt") c.date_gmt = t;
      if (k == "wp:comment_content") c.content = t;
      if (k == "wp:comment_approved") c.approved = t;
      if (k == "wp:comment_type") c.type = t;
      if (k == "wp:comment_parent") c.parent = t;
      if (k == "wp:comment_user_id") c.user_id = t;
      if (k == "wp:commentmeta") c.meta.push_back(std::move(meta_));
    }
    return {};
  }

  xmlTextReaderPtr r_;
  const std::string& name_;
  const WxrCallbacks& cb_;
  const std::function<int()>& last_line_;
  std::vector<std::string> stack_;
  std::string text_;
  bool saw_wxr_ = false, channel_sent_ = false;
  std::optional<Status> stop_;
  WxrChannel channel_;
  WxrAuthor author_;
  WxrTerm term_;
  WxrItem item_;
  WxrItemTerm item_term_;
  WxrComment comment_;
  std::pair<std::string, std::string> meta_;
};

struct ReaderDeleter {
  void operator()(xmlTextReaderPtr r) const { xmlFreeTextReader(r); }
};

// The number of the line the text ends on (only asked for when a file ends early).
int LastLine(std::string_view text) {
  int lines = 1;
  for (char c : text) lines += c == '\n';
  if (!text.empty() && text.back() == '\n') --lines;
  return lines;
}

Status Walk(xmlTextReaderPtr raw, const std::string& name, const WxrCallbacks& cb,
            const std::function<int()>& last_line) {
  std::unique_ptr<xmlTextReader, ReaderDeleter> r(raw);
  if (!r) return Error{ErrorCode::kIo, "cannot open the export", name, 0, {}};
  ErrorSink sink;
  xmlTextReaderSetStructuredErrorHandler(r.get(), OnXmlError, &sink);
  Walker w(r.get(), name, cb, last_line);
  return w.Run(sink);
}

// No network, no entity substitution (a WXR file never needs them; they only open doors).
constexpr int kParseOptions = XML_PARSE_NONET;

}  // namespace

bool IsWxrNamespace(std::string_view uri) {
  for (std::string_view scheme : {"http://", "https://"}) {
    std::string prefix = std::string(scheme) + "wordpress.org/export/1.";
    if (uri.size() > prefix.size() + 1 && uri.substr(0, prefix.size()) == prefix &&
        uri.back() == '/') {
      std::string_view minor = uri.substr(prefix.size(), uri.size() - prefix.size() - 1);
      bool digits = !minor.empty();
      for (char c : minor) digits = digits && c >= '0' && c <= '9';
      if (digits) return true;
    }
  }
  return false;
}

Status ReadWxrFile(const std::filesystem::path& file, const WxrCallbacks& callbacks) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return Error{ErrorCode::kNotFound, "no such file", file.string(), 0, {}};
  }
  std::function<int()> last_line = [&file] {
    std::ifstream in(file, std::ios::binary);
    std::string chunk(1 << 16, '\0'), tail;
    int lines = 1;
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
      std::string_view got(chunk.data(), static_cast<size_t>(in.gcount()));
      for (char c : got) lines += c == '\n';
      tail = got.substr(got.size() - 1);
    }
    return tail == "\n" ? lines - 1 : lines;
  };
  return Walk(xmlReaderForFile(file.c_str(), nullptr, kParseOptions), file.string(), callbacks,
              last_line);
}

Status ReadWxrString(std::string_view xml, const std::string& name, const WxrCallbacks& callbacks) {
  return Walk(xmlReaderForMemory(xml.data(), static_cast<int>(xml.size()), name.c_str(), nullptr,
                                 kParseOptions),
              name, callbacks, [xml] { return LastLine(xml); });
}

}  // namespace cinepress
