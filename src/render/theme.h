// Theme: a folder of Mustache templates, partials and assets (see docs/THEMES.md), compiled
// once and rendered many times. TemplateData is the tree a template reads.
// Contract: LoadTheme names the file and line of any template error. A Theme is not safe for
// concurrent rendering; give each thread its own copy (Clone).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

// kainjow's mustache is header-only and light; only render/ and site/ include this header.
#include <kainjow/mustache.hpp>

namespace cinepress {

using TemplateData = kainjow::mustache::data;

// Sets `key` only when `value` is not empty (so that {{#key}} sections show only what exists).
inline void SetIf(TemplateData& d, const std::string& key, const std::string& value) {
  if (!value.empty()) d.set(key, value);
}

struct ThemeAsset {
  std::string name;  // path under assets/: "site.css", "fonts/x.woff2"
  std::string url;   // /assets/site.3f2a91c0.css (fingerprinted for .css and .js)
  std::string data;
};

// A theme's files by their path in its folder ("templates/home.mustache", "assets/site.css").
using ThemeFiles = std::map<std::string, std::string>;

class Theme {
 public:
  // The templates every theme must have.
  static const std::vector<std::string>& RequiredTemplates();

  // Loads themes/NAME from `dir`; `display_root` prefixes file names in errors.
  static Result<std::shared_ptr<const Theme>> Load(const std::filesystem::path& dir,
                                                   const std::string& display_root);
  // The same from files in memory (a template set built into the program, such as the
  // newsroom's), which must have the templates named in `required`.
  static Result<std::shared_ptr<const Theme>> FromFiles(const ThemeFiles& files,
                                                        const std::string& display_root,
                                                        const std::vector<std::string>& required);

  const std::vector<ThemeAsset>& assets() const { return assets_; }
  // A digest of every template, partial and asset.
  const std::string& fingerprint() const { return fingerprint_; }
  // URL of an asset by name, or "" when the theme has none.
  std::string AssetUrl(const std::string& name) const;
  // Whether the theme has templates/NAME.mustache (for pages a theme may leave out: search).
  bool HasTemplate(const std::string& name) const { return templates_.count(name) != 0; }

 private:
  friend class ThemeRenderer;
  std::map<std::string, std::string> templates_;  // name -> source with partials inlined
  std::map<std::string, std::string> partials_;   // the same, for partials rendered alone
  std::vector<ThemeAsset> assets_;
  std::string fingerprint_;
};

// One thread's compiled templates (kainjow's renderer keeps state while it renders), each
// compiled the first time it is rendered (a build that renders a few pages compiles a few).
class ThemeRenderer {
 public:
  explicit ThemeRenderer(std::shared_ptr<const Theme> theme);
  // Renders template `name` (without .mustache) with `base` below `page` on the context stack:
  // names are looked up in `page` first, then in `base`.
  Result<std::string> Render(const std::string& name, const TemplateData& base,
                             const TemplateData& page);
  // Renders partials/NAME.mustache alone, or returns nullopt when the theme has no such partial.
  std::optional<Result<std::string>> RenderPartial(const std::string& name,
                                                   const TemplateData& base,
                                                   const TemplateData& data);
  const Theme& theme() const { return *theme_; }

 private:
  // A compiled template and the size of what it made last (the next output's reserve).
  struct Compiled {
    std::unique_ptr<kainjow::mustache::mustache> mustache;
    size_t last_size = 0;
  };
  static Result<std::string> RenderCompiled(Compiled& c, const std::string& name,
                                            const TemplateData& base, const TemplateData& page);
  // The compiled `name` of `sources` (the theme's templates or partials), compiled now if it was
  // not; null when there is no such source.
  static Compiled* CompiledOf(std::map<std::string, Compiled>& compiled,
                              const std::map<std::string, std::string>& sources,
                              const std::string& name);

  std::shared_ptr<const Theme> theme_;
  std::map<std::string, Compiled> compiled_;
  std::map<std::string, Compiled> compiled_partials_;
};

}  // namespace cinepress
