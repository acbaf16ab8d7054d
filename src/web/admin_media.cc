// The newsroom's media library (/admin/media/): thin handlers over src/media_library.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/dates.h"
#include "core/text.h"
#include "media_library/media_library.h"
#include "staff/accounts.h"
#include "web/admin_visit.h"
#include "web/admin_web.h"

namespace cinepress {
namespace {

constexpr int kThumbnailWidth = 480;

std::string FileName(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// The address of a small still of the image (its own format), or the image itself.
std::string Thumbnail(const StillBook& stills, const std::string& path) {
  auto it = stills.find(path);
  const StillVariant* v = it == stills.end() ? nullptr : StillFallback(it->second, kThumbnailWidth);
  return "/" + (v ? v->path : path);
}

std::string SizeText(int64_t bytes) {
  if (bytes < 1024 * 1024) return std::to_string((bytes + 1023) / 1024) + " KB";
  const int64_t tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MB";
}

// A search matches the file's name or its alt text, letters in any case.
bool Matches(const MediaDetails& d, const std::string& q) {
  const std::string needle = AsciiLower(q);
  return AsciiLower(FileName(d.path)).find(needle) != std::string::npos ||
         AsciiLower(d.alt).find(needle) != std::string::npos;
}

std::string FigureMarkdown(const MediaDetails& d) {
  std::string out = "![" + d.alt + "](/" + d.path;
  if (!d.caption.empty()) out += " \"" + d.caption + "\"";
  return out + ")";
}

bool WantsJson(const HttpRequest& req) {
  return req.Header("accept").find("application/json") != std::string_view::npos;
}

}  // namespace

std::vector<MediaDetails> AdminWeb::UsableMedia(Visit& v) {
  std::vector<MediaDetails> out;
  {
    std::lock_guard lock(content_mu_);
    auto all = content_->LoadMediaDetails();
    if (!all) return out;
    out = std::move(*all);
  }
  const StaffRole role = RoleOf(v.staff->member);
  const std::string& email = v.staff->member.email;
  std::erase_if(out, [&](const MediaDetails& d) { return !MayChangeMedia(role, email, d); });
  return out;
}

HttpResponse AdminWeb::MediaGet(Visit& v) {
  const auto params = AdminQueryParams(v.ctx.request);
  const std::string uploaded = AdminParam(params, "uploaded");
  std::string notice;
  if (!uploaded.empty()) notice = "Uploaded: " + uploaded + " file(s).";
  if (AdminParam(params, "deleted") == "1") notice = "The file was deleted.";
  const std::string q(Trim(AdminParam(params, "q")));
  const bool unused_only = AdminParam(params, "unused") == "1";
  std::vector<MediaDetails> items = UsableMedia(v);
  StillBook stills;
  MediaUsers users;
  {
    std::lock_guard lock(content_mu_);
    auto media = content_->LoadMediaList();
    auto loaded = LoadMediaUsers(*content_);
    if (!media || !loaded) {
      TemplateData d;
      d.set("message", "The media library cannot be read now. Try again in a moment.");
      return Render(v, 500, "message", "Media library", d);
    }
    if (auto book = LoadStills(*content_, *media)) stills = std::move(*book);
    users = std::move(*loaded);
  }
  kainjow::mustache::list grid;
  for (const MediaDetails& d : items) {
    if (!q.empty() && !Matches(d, q)) continue;
    const size_t uses = UsesOf(d.path, users).size();
    if (unused_only && uses > 0) continue;
    TemplateData row;
    row.set("name", FileName(d.path));
    row.set("alt", d.alt);
    row.set("thumbnail", Thumbnail(stills, d.path));
    row.set("url", "/admin/media/item/?path=" + PercentEncode(d.path));
    row.set("size", std::to_string(d.width) + " × " + std::to_string(d.height));
    row.set("uses", uses == 0 ? std::string("unused") : "used " + std::to_string(uses) + "×");
    grid.push_back(row);
  }
  TemplateData view;
  view.set("items", grid);
  view.set("count", std::to_string(grid.size()));
  view.set("q", q);
  if (unused_only) view.set("unused", true);
  view.set("max_mb", std::to_string(v.site->config().staff.max_upload_mb));
  view.set("script", "/admin" + options_.templates->AssetUrl("media.js"));
  SetIf(view, "notice", notice);
  return Render(v, 200, "media", "Media library", view);
}

HttpResponse AdminWeb::MediaUploadPost(Visit& v) {
  const bool script = WantsJson(v.ctx.request);
  const int64_t max_bytes = int64_t{v.site->config().staff.max_upload_mb} * 1024 * 1024;
  auto names = v.files.equal_range("file");
  auto bytes = v.form.equal_range("file");
  std::vector<std::string> added, problems;
  auto store = options_.open_content_store();  // a connection of its own: stills take a while
  if (!store) problems.push_back("The media library cannot be written now.");
  size_t i = 0;
  for (; store && names.first != names.second && bytes.first != bytes.second;
       ++names.first, ++bytes.first, ++i) {
    const std::string& name = names.first->second;
    const std::string& data = bytes.first->second;
    if (name.empty() && data.empty()) continue;  // the field sent without a file chosen
    if (static_cast<int64_t>(data.size()) > max_bytes) {
      problems.push_back(name + ": larger than " + std::to_string(max_bytes / (1024 * 1024)) +
                         " MB");
      continue;
    }
    std::string alt = v.Field("alt_" + std::to_string(i));
    if (alt.empty()) alt = v.Field("alt");
    UploadedImage upload{name, data, alt, v.Field("caption"), v.Field("credit")};
    auto d = AddUpload(**store, upload, v.staff->member.email, options_.now(), options_.stills);
    if (d) {
      added.push_back(d->path);
    } else {
      problems.push_back(d.error().file + ": " + d.error().message);
    }
  }
  if (added.empty() && problems.empty()) problems.push_back("Choose one or more images to upload.");
  if (script) {
    return AdminJson(problems.empty() ? 200 : 422, {{"uploaded", added}, {"errors", problems}});
  }
  if (problems.empty()) {
    return AdminSeeOther("/admin/media/?uploaded=" + std::to_string(added.size()));
  }
  std::string error = "Not uploaded — ";
  for (size_t p = 0; p < problems.size(); ++p) error += (p ? "; " : "") + problems[p];
  TemplateData view;
  view.set("error", error);
  view.set("message", "Check the files named above and upload them again.");
  if (!added.empty()) view.set("notice", "Uploaded: " + std::to_string(added.size()) + " file(s).");
  view.set("back", "/admin/media/");
  return Render(v, 422, "message", "Upload refused", view);
}

HttpResponse AdminWeb::MediaItemGet(Visit& v) {
  const auto params = AdminQueryParams(v.ctx.request);
  return MediaItemPage(v, 200, AdminParam(params, "path"), "",
                       AdminParam(params, "saved") == "1" ? "Saved." : "");
}

HttpResponse AdminWeb::MediaItemPage(Visit& v, int status, const std::string& path,
                                     const std::string& error, const std::string& notice) {
  std::vector<MediaDetails> items = UsableMedia(v);
  auto it = std::find_if(items.begin(), items.end(),
                         [&](const MediaDetails& d) { return d.path == path; });
  if (it == items.end()) {
    TemplateData d;
    d.set("message", "The library has no such file that you may use.");
    return Render(v, 404, "message", "Not found", d);
  }
  TemplateData view;
  {
    std::lock_guard lock(content_mu_);
    auto file = content_->LoadMediaFile(path);
    auto media = content_->LoadMediaList();
    auto users = LoadMediaUsers(*content_);
    if (!file || !media || !users) {
      TemplateData d;
      d.set("message", "The media library cannot be read now. Try again in a moment.");
      return Render(v, 500, "message", "Media library", d);
    }
    view.set("bytes", SizeText(file->size));
    StillBook stills;
    if (auto book = LoadStills(*content_, *media)) stills = std::move(*book);
    view.set("thumbnail", Thumbnail(stills, path));
    kainjow::mustache::list uses;
    for (const MediaUse& u : UsesOf(path, *users)) {
      TemplateData d;
      d.set("kind", u.kind);
      d.set("title", u.title);
      if (u.article_id) {
        d.set("edit_url", "/admin/articles/" + std::to_string(u.article_id) + "/edit/");
      }
      uses.push_back(d);
    }
    if (!uses.empty()) view.set("used", true);
    view.set("uses", uses);
  }
  const MediaDetails& d = *it;
  view.set("path", d.path);
  view.set("name", FileName(d.path));
  view.set("url", "/" + d.path);
  view.set("alt", d.alt);
  view.set("caption", d.caption);
  view.set("credit", d.credit);
  view.set("type", d.type);
  view.set("dimensions", std::to_string(d.width) + " × " + std::to_string(d.height) + " px");
  view.set("uploader", d.uploader);
  view.set("uploaded", TimeZone::IsoUtc(d.uploaded).substr(0, 10));
  view.set("figure", FigureMarkdown(d));
  SetIf(view, "error", error);
  SetIf(view, "notice", notice);
  return Render(v, status, "media-item", FileName(d.path), view);
}

HttpResponse AdminWeb::MediaSavePost(Visit& v) {
  const std::string path = v.Field("path");
  std::vector<MediaDetails> items = UsableMedia(v);
  if (std::none_of(items.begin(), items.end(),
                   [&](const MediaDetails& d) { return d.path == path; })) {
    return MediaItemPage(v, 404, path, "", "");
  }
  MediaDetails changed;
  changed.path = path;
  changed.alt = std::string(Trim(v.Field("alt")));
  changed.caption = std::string(Trim(v.Field("caption")));
  changed.credit = std::string(Trim(v.Field("credit")));
  Status saved;
  {
    std::lock_guard lock(content_mu_);
    saved = SaveMediaText(*content_, changed);
  }
  if (!saved) return MediaItemPage(v, 400, path, saved.error().message, "");
  return AdminSeeOther("/admin/media/item/?path=" + PercentEncode(path) + "&saved=1");
}

HttpResponse AdminWeb::MediaDeletePost(Visit& v) {
  const std::string path = v.Field("path");
  std::vector<MediaDetails> items = UsableMedia(v);
  if (std::none_of(items.begin(), items.end(),
                   [&](const MediaDetails& d) { return d.path == path; })) {
    return MediaItemPage(v, 404, path, "", "");
  }
  auto store = options_.open_content_store();
  Status deleted = store ? Status{} : Status(store.error());
  if (deleted) {
    auto users = LoadMediaUsers(**store);
    deleted = users ? DeleteUpload(**store, path, *users) : Status(users.error());
  }
  if (!deleted) {
    const int status = deleted.error().code == ErrorCode::kConflict ? 409 : 500;
    return MediaItemPage(v, status, path, "Not deleted: " + deleted.error().message, "");
  }
  return AdminSeeOther("/admin/media/?deleted=1");
}

void AdminWeb::ApplyLibraryPick(Visit& v) {
  const std::string pick = v.Field("image_pick");
  if (pick.empty()) return;
  for (const MediaDetails& d : UsableMedia(v)) {
    if ("/" + d.path != pick) continue;
    auto fill = [&](const std::string& key, const std::string& value, bool always) {
      if (!always && !v.Field(key).empty()) return;
      v.form.erase(key);
      v.form.emplace(key, value);
    };
    fill("image_src", pick, true);
    fill("image_alt", d.alt, false);
    fill("image_caption", d.caption, false);
    return;
  }
}

TemplateData AdminWeb::LibraryChoices(Visit& v, const std::string& chosen) {
  kainjow::mustache::list list;
  for (const MediaDetails& d : UsableMedia(v)) {
    TemplateData item;
    item.set("value", "/" + d.path);
    item.set("label", FileName(d.path) + " — " + d.alt);
    item.set("figure", FigureMarkdown(d));
    if ("/" + d.path == chosen) item.set("current", true);
    list.push_back(item);
  }
  return TemplateData(list);
}

}  // namespace cinepress
