#include "web/api_response.h"

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace cinepress {
namespace {

struct ErrorKind {
  ApiErrorCode code;
  std::string_view name;
  int status;
  std::string_view type;  // Ghost's error types
};

constexpr ErrorKind kErrorKinds[] = {
    {ApiErrorCode::kKeyMissing, "KEY_MISSING", 401, "UnauthorizedError"},
    {ApiErrorCode::kKeyInvalid, "KEY_INVALID", 401, "UnauthorizedError"},
    {ApiErrorCode::kInvalidParameter, "INVALID_PARAMETER", 400, "ValidationError"},
    {ApiErrorCode::kNotFound, "NOT_FOUND", 404, "NotFoundError"},
    {ApiErrorCode::kNoPermission, "NO_PERMISSION", 403, "NoPermissionError"},
    {ApiErrorCode::kUpdateConflict, "UPDATE_CONFLICT", 409, "UpdateCollisionError"},
    {ApiErrorCode::kMemberExists, "MEMBER_EXISTS", 422, "ValidationError"},
    {ApiErrorCode::kFileTooLarge, "FILE_TOO_LARGE", 413, "RequestEntityTooLargeError"},
    {ApiErrorCode::kNotAnImage, "NOT_AN_IMAGE", 415, "UnsupportedMediaTypeError"},
    {ApiErrorCode::kUnavailable, "UNAVAILABLE", 503, "InternalServerError"},
};

const ErrorKind& KindOf(ApiErrorCode code) {
  for (const ErrorKind& k : kErrorKinds) {
    if (k.code == code) return k;
  }
  return kErrorKinds[std::size(kErrorKinds) - 1];
}

}  // namespace

std::string_view ApiErrorCodeName(ApiErrorCode code) { return KindOf(code).name; }

HttpResponse ApiJson(const HttpRequest& request, int status, std::string body, bool cacheable) {
  HttpResponse r;
  r.status = status;
  r.label = "api";
  r.Set("Content-Type", "application/json; charset=utf-8");
  r.Set("Access-Control-Allow-Origin", "*");
  if (cacheable && status == 200) {
    const std::string etag = "\"" + ContentHash(body).substr(0, 32) + "\"";
    r.Set("Cache-Control", "public, max-age=60");
    r.Set("ETag", etag);
    if (request.Header("if-none-match") == etag) {
      r.status = 304;
      return r;
    }
  } else {
    r.Set("Cache-Control", "no-store");
  }
  r.body = std::make_shared<const std::string>(std::move(body));
  return r;
}

HttpResponse ApiError(const HttpRequest& request, ApiErrorCode code, const std::string& message,
                      const std::string& field) {
  const ErrorKind& kind = KindOf(code);
  nlohmann::ordered_json error = {{"type", kind.type}, {"code", kind.name}, {"message", message}};
  if (!field.empty()) error["context"] = field;
  nlohmann::ordered_json body = {{"errors", nlohmann::ordered_json::array({error})}};
  HttpResponse r = ApiJson(request, kind.status, body.dump());
  if (kind.status == 401) r.Set("WWW-Authenticate", "Bearer realm=\"cinepress\"");
  return r;
}

HttpResponse ApiError(const HttpRequest& request, const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidInput:
      return ApiError(request, ApiErrorCode::kInvalidParameter, error.message, error.field);
    case ErrorCode::kNotFound:
      return ApiError(request, ApiErrorCode::kNotFound, error.message, error.field);
    case ErrorCode::kConflict:
      return ApiError(request, ApiErrorCode::kUpdateConflict, error.message, error.field);
    default:
      return ApiError(request, ApiErrorCode::kUnavailable, error.message);
  }
}

Error InvalidApiInput(const std::string& field, const std::string& message) {
  return Error{ErrorCode::kInvalidInput, message, {}, 0, field};
}

HttpResponse ApiPreflight() {
  HttpResponse r;
  r.status = 204;
  r.label = "api";
  r.Set("Access-Control-Allow-Origin", "*");
  r.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
  r.Set("Access-Control-Allow-Headers", "Accept-Version, Content-Type");
  r.Set("Access-Control-Max-Age", "86400");
  return r;
}

}  // namespace cinepress
