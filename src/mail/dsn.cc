#include "mail/dsn.h"

#include <algorithm>
#include <mutex>

#include "core/text.h"
#include "mail/gmime_init.h"

namespace cinepress {
namespace {

std::string Header(GMimeObject* o, const char* name) {
  const char* v = g_mime_object_get_header(o, name);
  return v ? std::string(v) : std::string();
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// "rfc822; a@b.example" -> "a@b.example"
std::string AddressOf(const std::string& field) {
  if (size_t lt = field.rfind('<'); lt != std::string::npos) {  // "Name <a@b.example>"
    size_t gt = field.find('>', lt);
    return gt == std::string::npos ? std::string() : field.substr(lt + 1, gt - lt - 1);
  }
  size_t semi = field.find(';');
  std::string a = semi == std::string::npos ? field : field.substr(semi + 1);
  size_t b = a.find_first_not_of(" \t<");
  size_t e = a.find_last_not_of(" \t>\r\n");
  return b == std::string::npos ? std::string() : a.substr(b, e - b + 1);
}

// The body of a message/delivery-status part is a list of header blocks: the per-message block,
// then one per recipient. GMime's parser reads each block as a message's headers; the rest of
// the body is the next block.
void ReadStatusBlocks(const std::string& body, DsnReport& report) {
  std::string rest = body;
  bool first = true;
  for (int guard = 0; guard < 10000 && !rest.empty(); ++guard) {
    size_t start = rest.find_first_not_of("\r\n");
    if (start == std::string::npos) break;
    rest.erase(0, start);
    Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(rest.data(), rest.size()));
    Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.p));
    Ref<GMimeMessage> block(g_mime_parser_construct_message(parser.p, nullptr));
    if (!block.p) break;
    GMimeObject* o = GMIME_OBJECT(block.p);
    if (!first) {
      DsnRecipient r;
      r.email = AddressOf(Header(o, "Final-Recipient"));
      if (r.email.empty()) r.email = AddressOf(Header(o, "Original-Recipient"));
      r.action = Lower(std::string(Trim(Header(o, "Action"))));
      std::string status = Header(o, "Status");
      r.status = status.substr(0, status.find_first_of(" \t("));
      r.diagnostic = Header(o, "Diagnostic-Code");
      if (!r.email.empty()) report.recipients.push_back(std::move(r));
    }
    first = false;
    // What follows this block's headers.
    std::string next;
    if (GMimeObject* body_part = g_mime_message_get_mime_part(block.p);
        body_part && GMIME_IS_PART(body_part)) {
      GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(body_part));
      if (content) {
        Ref<GMimeStream> out(g_mime_stream_mem_new());
        g_mime_data_wrapper_write_to_stream(content, out.p);
        GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.p));
        next.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
      }
    }
    if (next.size() >= rest.size()) break;  // no progress
    rest = std::move(next);
  }
}

struct Walk {
  DsnReport* report;
  bool found = false;
  bool complaint = false;
  std::string complainer;
};

// The decoded content of a leaf part.
std::string ContentOf(GMimeObject* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part));
  if (!content) return {};
  Ref<GMimeStream> out(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, out.p);
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.p));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

// Header fields of a block of "Name: value" lines, read by GMime's parser.
std::string FieldOf(const std::string& block, const char* name) {
  std::string text = block + "\r\n\r\n";
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(text.data(), text.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.p));
  Ref<GMimeMessage> m(g_mime_parser_construct_message(parser.p, nullptr));
  return m.p ? Header(GMIME_OBJECT(m.p), name) : std::string();
}

void Visit(GMimeObject*, GMimeObject* part, gpointer data) {
  auto* walk = static_cast<Walk*>(data);
  if (GMIME_IS_MESSAGE_PART(part)) {  // the original message of a complaint
    GMimeMessage* original = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
    if (original && walk->complaint && walk->complainer.empty()) {
      walk->complainer = AddressOf(Header(GMIME_OBJECT(original), "To"));
    }
    return;
  }
  if (!GMIME_IS_PART(part)) return;
  GMimeContentType* type = g_mime_object_get_content_type(part);
  if (g_mime_content_type_is_type(type, "message", "feedback-report")) {
    walk->found = walk->complaint = true;
    std::string rcpt = FieldOf(ContentOf(part), "Original-Rcpt-To");
    if (!rcpt.empty()) walk->complainer = AddressOf(rcpt);
    return;
  }
  if (g_mime_content_type_is_type(type, "text", "rfc822-headers") && walk->complaint &&
      walk->complainer.empty()) {
    walk->complainer = AddressOf(FieldOf(ContentOf(part), "To"));
    return;
  }
  if (!g_mime_content_type_is_type(type, "message", "delivery-status") &&
      !g_mime_content_type_is_type(type, "message", "global-delivery-status")) {
    return;
  }
  GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part));
  if (!content) return;
  Ref<GMimeStream> out(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, out.p);
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.p));
  walk->found = true;
  ReadStatusBlocks(std::string(reinterpret_cast<const char*>(bytes->data), bytes->len),
                   *walk->report);
}

}  // namespace

Result<DsnReport> ParseDeliveryReports(std::string_view data) {
  EnsureGMime();
  DsnReport report;
  std::string copy(data);
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(copy.data(), copy.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.p));
  const bool mbox = data.substr(0, 5) == "From ";
  g_mime_parser_set_format(parser.p, mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
  while (!g_mime_parser_eos(parser.p)) {
    Ref<GMimeMessage> message(g_mime_parser_construct_message(parser.p, nullptr));
    if (!message.p) break;
    ++report.messages;
    Walk walk{&report};
    g_mime_message_foreach(message.p, Visit, &walk);
    if (!walk.found) ++report.not_dsn;
    if (walk.complaint && !walk.complainer.empty()) report.complaints.push_back(walk.complainer);
    if (!mbox) break;
  }
  if (report.messages == 0) {
    return MakeError(ErrorCode::kInvalidInput, "not a mail message or mbox");
  }
  return report;
}

}  // namespace cinepress
