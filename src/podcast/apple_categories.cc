#include "podcast/apple_categories.h"

#include <initializer_list>

namespace cinepress {
namespace {

struct AppleCategory {
  std::string_view name;
  std::initializer_list<std::string_view> subcategories;
};

// https://podcasters.apple.com/support/1691-apple-podcasts-categories
const AppleCategory kAppleCategories[] = {
    {"Arts", {"Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"}},
    {"Business",
     {"Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"}},
    {"Comedy", {"Comedy Interviews", "Improv", "Stand-Up"}},
    {"Education", {"Courses", "How To", "Language Learning", "Self-Improvement"}},
    {"Fiction", {"Comedy Fiction", "Drama", "Science Fiction"}},
    {"Government", {}},
    {"History", {}},
    {"Health & Fitness",
     {"Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"}},
    {"Kids & Family", {"Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"}},
    {"Leisure",
     {"Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies", "Home & Garden",
      "Video Games"}},
    {"Music", {"Music Commentary", "Music History", "Music Interviews"}},
    {"News",
     {"Business News", "Daily News", "Entertainment News", "News Commentary", "Politics",
      "Sports News", "Tech News"}},
    {"Religion & Spirituality",
     {"Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion", "Spirituality"}},
    {"Science",
     {"Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
      "Natural Sciences", "Nature", "Physics", "Social Sciences"}},
    {"Society & Culture",
     {"Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"}},
    {"Sports",
     {"Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey", "Rugby",
      "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness", "Wrestling"}},
    {"Technology", {}},
    {"True Crime", {}},
    {"TV & Film", {"After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"}},
};

}  // namespace

std::optional<std::string> AppleCategoryProblem(std::string_view category,
                                                std::string_view subcategory) {
  for (const AppleCategory& c : kAppleCategories) {
    if (c.name != category) continue;
    if (subcategory.empty()) return std::nullopt;
    for (std::string_view s : c.subcategories) {
      if (s == subcategory) return std::nullopt;
    }
    std::string known;
    for (std::string_view s : c.subcategories)
      known += (known.empty() ? "" : ", ") + std::string(s);
    return "\"" + std::string(subcategory) + "\" is not one of Apple's subcategories of \"" +
           std::string(category) + "\"" + (known.empty() ? " (it has none)" : " (" + known + ")");
  }
  return "\"" + std::string(category) +
         "\" is not one of Apple Podcasts' categories (e.g. \"TV & Film\", \"Arts\", \"News\")";
}

}  // namespace cinepress
