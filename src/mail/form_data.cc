#include "mail/form_data.h"

#include "mail/gmime_init.h"

namespace cinepress {

std::optional<FormFields> ParseFormData(std::string_view content_type, std::string_view body,
                                        FormFields* file_names) {
  if (content_type.find_first_of("\r\n") != std::string_view::npos) return std::nullopt;
  EnsureGMime();
  // GMime parses a MIME entity: the request's Content-Type as its header, then the body.
  std::string entity = "Content-Type: ";
  entity.append(content_type);
  entity += "\r\n\r\n";
  entity.append(body);
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(entity.data(), entity.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.p));
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
    std::string value;
    if (GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part))) {
      Ref<GMimeStream> out(g_mime_stream_mem_new());
      if (g_mime_data_wrapper_write_to_stream(content, out.p) < 0) return std::nullopt;
      GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.p));
      value.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
    }
    const char* file_name = g_mime_part_get_filename(GMIME_PART(part));
    if (file_names && file_name) file_names->emplace_back(name, file_name);
    fields.emplace_back(name, std::move(value));
  }
  return fields;
}

}  // namespace cinepress
