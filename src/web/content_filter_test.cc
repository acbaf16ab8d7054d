#include "web/content_filter.h"

#include <gtest/gtest.h>

#include <set>

namespace cinepress {
namespace {

const std::vector<std::string> kKeys = {"tag", "author", "section"};

// An item as a set of "key:value".
bool Match(const std::string& filter, const std::set<std::string>& item) {
  auto f = ParseContentFilter(filter, kKeys);
  EXPECT_TRUE(f.ok()) << filter << ": " << f.error().ToString();
  return f.ok() && f->Matches([&item](const std::string& k, const std::string& v) {
    return item.count(k + ":" + v) > 0;
  });
}

TEST(ContentFilter, PlusIsAndCommaIsOrAndAndBindsTighter) {
  const std::set<std::string> review = {"tag:slow-cinema", "author:ines", "section:reviews"};
  EXPECT_TRUE(Match("", review));
  EXPECT_TRUE(Match("tag:slow-cinema", review));
  EXPECT_FALSE(Match("tag:news", review));
  EXPECT_TRUE(Match("tag:slow-cinema+author:ines", review));
  EXPECT_FALSE(Match("tag:slow-cinema+author:omar", review));
  EXPECT_TRUE(Match("tag:news,author:ines", review));
  // a+b,c is (a AND b) OR c
  EXPECT_TRUE(Match("tag:news+author:omar,section:reviews", review));
  EXPECT_FALSE(Match("tag:news+author:omar,section:essays", review));
  // An unescaped '+' reaches us as a space: AND as well.
  EXPECT_TRUE(Match("tag:slow-cinema author:ines", review));
  EXPECT_FALSE(Match("tag:slow-cinema author:omar", review));
}

TEST(ContentFilter, ListsNegationAndQuotedValues) {
  const std::set<std::string> item = {"tag:news", "author:o'hara"};
  EXPECT_TRUE(Match("tag:[essays,news]", item));
  EXPECT_FALSE(Match("tag:[essays,reviews]", item));
  EXPECT_FALSE(Match("tag:-news", item));
  EXPECT_TRUE(Match("tag:-[essays,reviews]", item));
  EXPECT_TRUE(Match("author:'o'", {"author:o"}));
  EXPECT_TRUE(Match("author:'o hara'", {"author:o hara"}));
}

TEST(ContentFilter, MistakesAreErrorsThatSayWhere) {
  for (const char* bad : {"tag", "tag:", "colour:red", "tag:a,", "tag:[a,b", "tag:'open",
                          "tag:a;drop table", "+tag:a"}) {
    auto f = ParseContentFilter(bad, kKeys);
    ASSERT_FALSE(f.ok()) << bad;
    EXPECT_EQ(f.error().field, "filter") << bad;
    EXPECT_NE(f.error().message.find("character"), std::string::npos) << f.error().message;
  }
  auto unknown = ParseContentFilter("tag:a+colour:red", kKeys);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("character 7: unknown key \"colour\""), std::string::npos)
      << unknown.error().message;
}

TEST(ContentFilter, OrderedKeysAreComparedWithTheirOperator) {
  auto f = ParseContentFilter("created_at:>='2026-01-01'+tag:news", {"created_at", "tag"},
                              {"created_at"});
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->any_of[0][0].op, ">=");
  EXPECT_EQ(f->any_of[0][0].values, std::vector<std::string>{"2026-01-01"});
  int order = 0;
  auto has = [](const std::string&, const std::string& v) { return v == "news"; };
  auto compare = [&order](const std::string&, const std::string&) -> std::optional<int> {
    return order;
  };
  EXPECT_TRUE(f->Matches(has, compare)) << "equal is >=";
  order = -1;
  EXPECT_FALSE(f->Matches(has, compare));
  EXPECT_FALSE(f->Matches(has)) << "nothing to compare with: no match";
  for (const char* op : {"<", "<=", ">"}) {
    auto g =
        ParseContentFilter(std::string("created_at:") + op + "1", {"created_at"}, {"created_at"});
    ASSERT_TRUE(g.ok());
    EXPECT_EQ(g->any_of[0][0].op, op);
  }
  auto refused = ParseContentFilter("tag:>news", {"tag"}, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "filter");
  EXPECT_NE(refused.error().message.find("\"tag\" cannot be compared"), std::string::npos);
}

}  // namespace
}  // namespace cinepress
