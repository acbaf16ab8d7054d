#include "web/admin_api_media.h"

#include <nlohmann/json.hpp>

#include "media_library/media_library.h"
#include "web/api_response.h"
#include "web/form.h"

namespace cinepress {

HttpResponse UploadImageAnswer(const HttpRequest& req, ImageUploadCall& call) {
  // The body arrives streamed into a file (serve's body sink for this path) or, in tests, in
  // memory: read the same way as the newsroom's uploads, the image part in a file of its own.
  auto form = ParseUploadForm(
      req, call.folder.empty() ? std::filesystem::temp_directory_path() : call.folder);
  if (!form) {
    return ApiError(req, ApiErrorCode::kInvalidParameter,
                    "the body must be multipart/form-data with the image in `file`", "file");
  }
  const FormFile* part = nullptr;
  for (const FormFile& f : form->files) {
    if (f.field == "file") {
      part = &f;
      break;
    }
  }
  if (!part || part->size == 0) {
    return ApiError(req, ApiErrorCode::kInvalidParameter, "no image in the field `file`", "file");
  }
  const std::string& name = part->file_name;
  if (part->size > call.max_bytes) {
    return ApiError(req, ApiErrorCode::kFileTooLarge,
                    name + ": larger than " + std::to_string(call.max_bytes / (1024 * 1024)) +
                        " MB ([staff] max_upload_mb)",
                    "file");
  }
  const Form& fields = form->fields;
  UploadedFile upload{name.empty() ? "image" : name, part->file.path(), FormValue(fields, "alt"),
                      FormValue(fields, "caption"), FormValue(fields, "credit")};
  auto added = AddUpload(call.store, upload, call.uploader, call.now, call.stills);
  if (!added) {
    const Error& e = added.error();
    if (e.code != ErrorCode::kInvalidInput) return ApiError(req, e);
    if (e.field == "alt") return ApiError(req, ApiErrorCode::kInvalidParameter, e.message, "alt");
    return ApiError(req, ApiErrorCode::kNotAnImage, e.message, "file");
  }
  const std::string ref = FormValue(fields, "ref");
  nlohmann::ordered_json image = {
      {"url", call.base_url + "/" + added->path},
      {"ref", ref.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(ref)}};
  return ApiJson(req, 201, nlohmann::ordered_json{{"images", {image}}}.dump());
}

}  // namespace cinepress
