#include "web/admin_api_media.h"

#include <nlohmann/json.hpp>

#include "core/temp_file.h"
#include "media_library/media_library.h"
#include "web/api_response.h"
#include "web/form.h"

namespace cinepress {

HttpResponse UploadImageAnswer(const HttpRequest& req, ImageUploadCall& call) {
  Form file_names;
  auto form = ParseForm(req, &file_names);
  if (!form || req.Header("content-type").find("multipart/form-data") == std::string_view::npos) {
    return ApiError(req, ApiErrorCode::kInvalidParameter,
                    "the body must be multipart/form-data with the image in `file`", "file");
  }
  const std::string name = FormValue(file_names, "file");
  auto bytes = form->find("file");
  if (bytes == form->end() || bytes->second.empty()) {
    return ApiError(req, ApiErrorCode::kInvalidParameter, "no image in the field `file`", "file");
  }
  if (static_cast<int64_t>(bytes->second.size()) > call.max_bytes) {
    return ApiError(req, ApiErrorCode::kFileTooLarge,
                    name + ": larger than " + std::to_string(call.max_bytes / (1024 * 1024)) +
                        " MB ([staff] max_upload_mb)",
                    "file");
  }
  // The library reads an upload from a file (the newsroom's arrive in one, streamed).
  auto file = TempFile::Create(
      call.folder.empty() ? std::filesystem::temp_directory_path() : call.folder, "api-upload-");
  if (!file) return ApiError(req, file.error());
  if (auto st = file->Append(bytes->second); !st) return ApiError(req, st.error());
  UploadedFile upload{name.empty() ? "image" : name, file->path(), FormValue(*form, "alt"),
                      FormValue(*form, "caption"), FormValue(*form, "credit")};
  auto added = AddUpload(call.store, upload, call.uploader, call.now, call.stills);
  if (!added) {
    const Error& e = added.error();
    if (e.code != ErrorCode::kInvalidInput) return ApiError(req, e);
    if (e.field == "alt") return ApiError(req, ApiErrorCode::kInvalidParameter, e.message, "alt");
    return ApiError(req, ApiErrorCode::kNotAnImage, e.message, "file");
  }
  const std::string ref = FormValue(*form, "ref");
  nlohmann::ordered_json image = {
      {"url", call.base_url + "/" + added->path},
      {"ref", ref.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(ref)}};
  return ApiJson(req, 201, nlohmann::ordered_json{{"images", {image}}}.dump());
}

}  // namespace cinepress
