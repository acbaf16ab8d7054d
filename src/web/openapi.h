// The APIs' OpenAPI 3.1 document, served at /api/openapi.json (docs/API.md). It is made from the
// same tables the routes are mounted from (ContentApi::Resources), and a test checks that every
// route under /api/ is in it and every path in it is routed.
// Contract: pure functions, thread-safe.
#pragma once

#include <string>

#include "web/router.h"

namespace cinepress {

inline constexpr const char* kOpenApiPath = "/api/openapi.json";

// The document as JSON text.
const std::string& OpenApiDocument();
// Adds GET /api/openapi.json (CORS for any origin, cacheable).
void MountOpenApi(Router& router);

}  // namespace cinepress
