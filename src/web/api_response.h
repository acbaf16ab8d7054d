// The APIs' JSON responses (docs/API.md): bodies with CORS for any origin, and errors in Ghost's
// shape with a stable code — {"errors":[{"type":"…","code":"…","message":"…","context":"field"}]}.
// One table maps each code to its HTTP status and type (api_response.cc).
// Contract: pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"

namespace cinepress {

enum class ApiErrorCode {
  kKeyMissing,        // 401: no ?key= (Content API) or no Authorization (Admin API)
  kKeyInvalid,        // 401: no integration has this key
  kInvalidParameter,  // 400: limit, page, fields, include or filter is not understood
  kNotFound,          // 404: no such resource or item
  kNoPermission,      // 403: the integration's role does not allow it
  kUpdateConflict,    // 409: changed since the updated_at the request names
  kUnavailable,       // 503: the site or the store cannot be read now
  kMemberExists,      // 422: (Admin API) a member has this address already
  kFileTooLarge,      // 413: (Admin API) an upload over [staff] max_upload_mb
  kNotAnImage,        // 415: (Admin API) an upload that is not a JPEG, PNG or WebP image
};

// The stable code as the body carries it: "KEY_MISSING", "INVALID_PARAMETER"…
std::string_view ApiErrorCodeName(ApiErrorCode code);

// A JSON response with CORS for any origin; `cacheable` sends public caching headers and an ETag
// (and a 304 when `request` already has it).
HttpResponse ApiJson(const HttpRequest& request, int status, std::string body,
                     bool cacheable = false);
HttpResponse ApiError(const HttpRequest& request, ApiErrorCode code, const std::string& message,
                      const std::string& field = "");
// An Error from a module as the API's error (kInvalidInput: INVALID_PARAMETER naming its field;
// kNotFound: NOT_FOUND; kConflict: UPDATE_CONFLICT; anything else: UNAVAILABLE).
HttpResponse ApiError(const HttpRequest& request, const Error& error);
// The Error a request's bad parameter or field is: kInvalidInput naming `field` (its API error is
// INVALID_PARAMETER with the field as its context).
Error InvalidApiInput(const std::string& field, const std::string& message);
// The answer to a CORS preflight (OPTIONS) for a read-only API.
HttpResponse ApiPreflight();

}  // namespace cinepress
