#include "content/still.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "core/text.h"

namespace cinepress {
namespace {

// Part of every still's key: a change to how stills are made (widths, formats, qualities)
// changes it, so that every image is made again once and the old folders are removed.
constexpr std::string_view kStillSettings = "stills-1:480,800,1200,1600,2400:avif50,webp75,q80";
constexpr std::string_view kStillsPrefix = "_stills/";

bool EndsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

bool IsStillPath(std::string_view path) { return path.rfind(kStillsPrefix, 0) == 0; }

bool IsStillSource(std::string_view path) {
  if (IsStillPath(path)) return false;
  const std::string lower = Lower(path);
  for (std::string_view ext : {".jpg", ".jpeg", ".png", ".webp", ".svg"}) {
    if (EndsWith(lower, ext)) return true;
  }
  return false;
}

std::string StillFolder(std::string_view content_hash) {
  return std::string(kStillsPrefix) +
         ContentHash({content_hash, "\x1f", kStillSettings}).substr(0, 24);
}

std::string StillManifestPath(std::string_view content_hash) {
  return StillFolder(content_hash) + "/still.json";
}

std::string StillManifestJson(const Still& still) {
  nlohmann::json j;
  j["width"] = still.width;
  j["height"] = still.height;
  j["color"] = still.color;
  nlohmann::json variants = nlohmann::json::array();
  for (const StillVariant& v : still.variants) {
    variants.push_back(
        {{"width", v.width}, {"height", v.height}, {"format", v.format}, {"path", v.path}});
  }
  j["variants"] = std::move(variants);
  return j.dump();
}

Result<Still> ParseStillManifest(std::string_view json, const std::string& file) {
  auto bad = [&](const std::string& what) {
    Error e = MakeError(ErrorCode::kInvalidInput, "not a still's manifest: " + what);
    e.file = file;
    return e;
  };
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  Still s;
  try {
    s.width = j.at("width").get<int>();
    s.height = j.at("height").get<int>();
    s.color = j.at("color").get<std::string>();
    for (const auto& v : j.at("variants")) {
      s.variants.push_back(StillVariant{v.at("width").get<int>(), v.at("height").get<int>(),
                                        v.at("format").get<std::string>(),
                                        v.at("path").get<std::string>()});
    }
  } catch (const nlohmann::json::exception& e) {
    return bad(e.what());
  }
  if (s.width <= 0 || s.height <= 0) return bad("width and height must be positive");
  return s;
}

std::string StillSrcset(const Still& still, std::string_view format) {
  std::string out;
  for (const StillVariant& v : still.variants) {
    if (v.format != format) continue;
    if (!out.empty()) out += ", ";
    out += "/" + v.path + " " + std::to_string(v.width) + "w";
  }
  return out;
}

std::string_view StillFallbackFormat(const Still& still) {
  for (const StillVariant& v : still.variants) {
    if (v.format == "png") return "png";
  }
  return "jpeg";
}

const StillVariant* StillFallback(const Still& still, int width) {
  const std::string_view format = StillFallbackFormat(still);
  const StillVariant* best = nullptr;
  for (const StillVariant& v : still.variants) {
    if (v.format != format) continue;
    if (!best || (v.width <= width && v.width > best->width)) best = &v;
  }
  return best;
}

std::string StillTint(std::string_view color) {
  if (color.size() != 7 || color[0] != '#') return "";
  std::string out = "tint-";
  for (size_t i = 1; i < 7; i += 2) {
    const std::string hex(color.substr(i, 2));
    if (hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return "";
    const int value = std::stoi(hex, nullptr, 16);
    out += static_cast<char>('0' + (value * 3 + 127) / 255);  // the nearest of 0, 85, 170, 255
  }
  return out;
}

std::string StillSummary(const std::string& path, const Still* still) {
  if (!still) return path + "\x1f-";
  return path + "\x1f" + (still->variants.empty() ? "" : still->variants[0].path) + "\x1f" +
         std::to_string(still->width) + "x" + std::to_string(still->height) + still->color;
}

std::string StillsFingerprint(const StillBook& stills) {
  std::vector<std::string> lines;
  lines.reserve(stills.size());
  for (const auto& [path, still] : stills) lines.push_back(StillSummary(path, &still));
  std::sort(lines.begin(), lines.end());
  std::string all;
  for (const std::string& l : lines) all += l + "\x1e";
  return ContentHash(all);
}

}  // namespace cinepress
