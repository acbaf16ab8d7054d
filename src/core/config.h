// SiteConfig: what cinepress.toml says about a magazine (title, URLs, time zone, menus, theme).
// Contract: plain data, loaded once per command; LoadSiteConfig never throws and names the
// file, line and key of every problem.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"

namespace cinepress {

struct MenuItem {
  std::string name;
  std::string url;
  std::vector<MenuItem> children;
};

// URL patterns. Placeholders: {section}, {slug}, {year}, {month}, {day}.
struct Permalinks {
  std::string article = "/{section}/{slug}/";
  std::string page = "/{slug}/";
  std::string section = "/{section}/";
  std::string category = "/category/{slug}/";
  std::string tag = "/tag/{slug}/";
  std::string author = "/author/{slug}/";
};

struct SiteConfig {
  std::string title = "Untitled Magazine";
  std::string description;
  std::string base_url = "http://127.0.0.1:8080";  // without a trailing slash
  std::string language = "en";
  std::string timezone = "UTC";
  std::string theme = "default";
  int paginate = 20;
  Permalinks permalinks;
  std::vector<MenuItem> menu_main;
  std::vector<MenuItem> menu_footer;
};

Result<SiteConfig> LoadSiteConfig(const std::filesystem::path& file);
Result<SiteConfig> ParseSiteConfig(std::string_view toml_text, const std::string& file_name);

// Expands a permalink pattern: ExpandPermalink("/{section}/{slug}/", {{"section","reviews"},…}).
std::string ExpandPermalink(std::string_view pattern,
                            const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace cinepress
