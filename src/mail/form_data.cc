#include "mail/form_data.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <functional>

#include "mail/gmime_init.h"

namespace cinepress {
namespace {

// What to do with the content of the part that is field `index`: keep it as its value
// (`value`), or not.
using PartReader = std::function<bool(size_t index, const char* field, const char* file_name,
                                      GMimeDataWrapper* content, std::string& value)>;

// The form in a MIME entity (the request's Content-Type as its header, then the body): each part
// handed to `read`. nullopt when it is not a multipart/form-data with a boundary, when a part is
// not a plain part naming its field, or when `read` says no.
std::optional<FormFields> ReadForm(GMimeStream* entity, bool persist, FormFields* file_names,
                                   const PartReader& read) {
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(entity));
  // Persistent: a part's content is a window on the stream, not a copy of it in memory.
  g_mime_parser_set_persist_stream(parser.p, persist);
  Ref<GMimeObject> root(g_mime_parser_construct_part(parser.p, nullptr));
  if (!root.p || !GMIME_IS_MULTIPART(root.p)) return std::nullopt;
  GMimeContentType* type = g_mime_object_get_content_type(root.p);
  if (!type || !g_mime_content_type_is_type(type, "multipart", "form-data") ||
      !g_mime_content_type_get_parameter(type, "boundary")) {
    return std::nullopt;  // without a boundary GMime reads the whole body as a preamble
  }
  GMimeMultipart* multipart = GMIME_MULTIPART(root.p);
  FormFields fields;
  for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i) {
    GMimeObject* part = g_mime_multipart_get_part(multipart, i);
    if (!GMIME_IS_PART(part)) return std::nullopt;  // forms do not nest
    GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(part);
    const char* name =
        disposition ? g_mime_content_disposition_get_parameter(disposition, "name") : nullptr;
    if (!name) return std::nullopt;  // RFC 7578 §4.2: every part names its field
    const char* file_name = g_mime_part_get_filename(GMIME_PART(part));
    std::string value;
    // A part with no content (null here) is still a field, or an empty file.
    GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part));
    if (!read(fields.size(), name, file_name, content, value)) return std::nullopt;
    if (file_names && file_name) file_names->emplace_back(name, file_name);
    fields.emplace_back(name, std::move(value));
  }
  return fields;
}

// The part's content (none: null), decoded, into `out`.
bool Decode(GMimeDataWrapper* content, GMimeStream* out) {
  return (!content || g_mime_data_wrapper_write_to_stream(content, out) >= 0) &&
         g_mime_stream_flush(out) == 0;
}

bool DecodeToString(GMimeDataWrapper* content, std::string& value) {
  Ref<GMimeStream> out(g_mime_stream_mem_new());
  if (!Decode(content, out.p)) return false;
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.p));
  value.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
  return true;
}

std::string EntityHeader(std::string_view content_type) {
  return "Content-Type: " + std::string(content_type) + "\r\n\r\n";
}

// The boundary the Content-Type names; empty when it names none (or is not one line).
std::string BoundaryOf(std::string_view content_type) {
  if (content_type.find_first_of("\r\n") != std::string_view::npos) return "";
  Ref<GMimeContentType> type(g_mime_content_type_parse(nullptr, std::string(content_type).c_str()));
  const char* b = type.p ? g_mime_content_type_get_parameter(type.p, "boundary") : nullptr;
  return b ? std::string(b) : std::string();
}

// Whether the body's end is the close delimiter ("--BOUNDARY--" on a line of its own, then only
// line breaks), as RFC 7578 forms end and every browser sends them. A body cut short is refused
// rather than read: where it stops inside a part's header, GMime reads it one way from memory and
// another from a file (found by fuzz/upload_form_fuzzer.cc), and neither is what was sent.
// `tail` is the body's end; `whole`: all of it (else a body that is only the close delimiter and
// line breaks cannot be told from a longer one).
bool EndsWithCloseDelimiter(std::string_view tail, std::string_view boundary, bool whole = true) {
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.remove_suffix(1);
  const std::string close = "--" + std::string(boundary) + "--";
  if (tail.size() < close.size() || tail.substr(tail.size() - close.size()) != close) return false;
  tail.remove_suffix(close.size());
  return tail.empty() ? whole : tail.back() == '\n';
}

// How much of a body's end is read for its close delimiter: the line break before it, itself,
// and the few line breaks clients send after it (more is not a form).
size_t TailBytes(std::string_view boundary) { return 1 + boundary.size() + 4 + 64; }

// The last bytes of `file` (at most `n`; `whole`: the file has no more); nullopt when it cannot
// be read.
std::optional<std::string> TailOf(const std::filesystem::path& file, size_t n, bool& whole) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  const std::streamoff size = in.tellg();
  const std::streamoff from =
      size > static_cast<std::streamoff>(n) ? size - static_cast<std::streamoff>(n) : 0;
  whole = from == 0;
  in.seekg(from);
  std::string tail(static_cast<size_t>(size - from), '\0');
  if (!in.read(tail.data(), static_cast<std::streamsize>(tail.size()))) return std::nullopt;
  return tail;
}

}  // namespace

std::optional<FormFields> ParseFormData(std::string_view content_type, std::string_view body,
                                        FormFields* file_names) {
  EnsureGMime();
  const std::string boundary = BoundaryOf(content_type);
  if (boundary.empty()) return std::nullopt;
  const size_t n = TailBytes(boundary);
  if (!EndsWithCloseDelimiter(body.size() > n ? body.substr(body.size() - n) : body, boundary,
                              body.size() <= n)) {
    return std::nullopt;
  }
  // Read as ParseFormDataFile reads a file (the header and the body as two sources of one
  // stream, parts as windows on it), so that the two readers cannot read one form two ways.
  const std::string header = EntityHeader(content_type);
  Ref<GMimeStream> head(g_mime_stream_mem_new_with_buffer(header.data(), header.size()));
  Ref<GMimeStream> rest(g_mime_stream_mem_new_with_buffer(body.data(), body.size()));
  Ref<GMimeStream> stream(g_mime_stream_cat_new());
  g_mime_stream_cat_add_source(GMIME_STREAM_CAT(stream.p), head.p);
  g_mime_stream_cat_add_source(GMIME_STREAM_CAT(stream.p), rest.p);
  return ReadForm(stream.p, true, file_names,
                  [](size_t, const char*, const char*, GMimeDataWrapper* content,
                     std::string& value) { return DecodeToString(content, value); });
}

std::optional<FormFields> ParseFormDataFile(std::string_view content_type,
                                            const std::filesystem::path& body,
                                            std::vector<FormFile>* files,
                                            const FormFileLimits& limits) {
  EnsureGMime();
  const std::string boundary = BoundaryOf(content_type);
  if (boundary.empty()) return std::nullopt;
  bool whole = false;
  const auto tail = TailOf(body, TailBytes(boundary), whole);
  if (!tail || !EndsWithCloseDelimiter(*tail, boundary, whole)) return std::nullopt;
  // Every part starts at a delimiter line: counted before GMime makes an object of each.
  const int64_t delimiters =
      CountInFile(body, "--" + boundary, static_cast<int64_t>(limits.max_parts) + 1);
  if (delimiters < 0 || delimiters > static_cast<int64_t>(limits.max_parts)) return std::nullopt;
  GError* error = nullptr;
  Ref<GMimeStream> file(g_mime_stream_fs_open(body.c_str(), O_RDONLY | O_CLOEXEC, 0, &error));
  if (!file.p) {
    if (error) g_error_free(error);
    return std::nullopt;
  }
  // GMime parses a MIME entity: the request's Content-Type as its header, then the file.
  const std::string header = EntityHeader(content_type);
  Ref<GMimeStream> head(g_mime_stream_mem_new_with_buffer(header.data(), header.size()));
  Ref<GMimeStream> entity(g_mime_stream_cat_new());
  g_mime_stream_cat_add_source(GMIME_STREAM_CAT(entity.p), head.p);
  g_mime_stream_cat_add_source(GMIME_STREAM_CAT(entity.p), file.p);
  const std::filesystem::path folder = limits.folder.empty() ? body.parent_path() : limits.folder;
  return ReadForm(entity.p, true, nullptr,
                  [&](size_t index, const char* field, const char* file_name,
                      GMimeDataWrapper* content, std::string& value) {
                    if (!file_name) {
                      const gint64 length =
                          content ? g_mime_stream_length(g_mime_data_wrapper_get_stream(content))
                                  : 0;
                      if (length < 0 || static_cast<size_t>(length) > limits.max_field)
                        return false;
                      return DecodeToString(content, value);
                    }
                    if (!files) return true;  // left unread
                    auto kept = TempFile::Create(folder, "part-");
                    if (!kept) return false;
                    Ref<GMimeStream> out(g_mime_stream_fs_new(dup(kept->fd())));
                    if (!Decode(content, out.p)) return false;
                    std::error_code ec;
                    const auto size = std::filesystem::file_size(kept->path(), ec);
                    if (ec) return false;
                    files->push_back(FormFile{index, field, file_name, std::move(*kept),
                                              static_cast<int64_t>(size)});
                    return true;
                  });
}

int64_t CountInFile(const std::filesystem::path& path, std::string_view delimiter, int64_t stop) {
  std::ifstream in(path, std::ios::binary);
  if (!in || delimiter.empty()) return -1;
  std::string window;  // the last delimiter.size() - 1 bytes of the previous read, then this one
  std::string piece(64 * 1024, '\0');
  int64_t count = 0;
  while (count <= stop && in) {
    in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
    const auto n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    window.append(piece.data(), n);
    for (size_t at = window.find(delimiter); at != std::string::npos;
         at = window.find(delimiter, at + delimiter.size())) {
      ++count;
    }
    // Keep a tail too short to hold a whole delimiter: one that straddles is counted next time.
    const size_t keep = std::min(window.size(), delimiter.size() - 1);
    window.erase(0, window.size() - keep);
  }
  return in.bad() ? -1 : count;
}

}  // namespace cinepress
