// The Admin API's image upload (docs/API.md): POST /api/admin/images/upload/ in the shape of
// Ghost's — a multipart form with one `file`, and `purpose` and `ref` as Ghost's clients send
// them — checked and kept as the newsroom's media library keeps uploads (media_library.h: decoded
// by libvips, EXIF and GPS stripped, stills made), with the alt text the library requires in the
// form field `alt`.
// Contract: a plain function over the content store given (the caller's own connection).
#pragma once

#include <filesystem>
#include <string>

#include "content/content_store.h"
#include "http/message.h"
#include "stills/stills.h"

namespace cinepress {

struct ImageUploadCall {
  ContentStore& store;
  std::string uploader;   // "integration:NAME"
  std::string base_url;   // the site's: the answer's URL is absolute, as Ghost's
  int64_t max_bytes = 0;  // the file at most ([staff] max_upload_mb): else 413 FILE_TOO_LARGE
  int64_t now = 0;
  StillOptions stills;
  // Where the image is written while it is checked (the site's upload folder); empty: the
  // system's temporary folder.
  std::filesystem::path folder;
};

// 201 {"images": [{"url": "https://…/uploads/2026/12/still.png", "ref": REF or null}]}; a file
// that is not a JPEG, PNG or WebP image is 415 NOT_AN_IMAGE, no alt text 400 INVALID_PARAMETER
// (context "alt"), no file 400 INVALID_PARAMETER (context "file").
HttpResponse UploadImageAnswer(const HttpRequest& req, ImageUploadCall& call);

}  // namespace cinepress
