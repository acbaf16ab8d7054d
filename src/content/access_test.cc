#include "content/access.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

TEST(AccessRule, ParsesEachLevelAndRoundTrips) {
  EXPECT_EQ(AccessRule::Parse("")->level, AccessRule::Level::kPublic);
  EXPECT_EQ(AccessRule::Parse("public")->level, AccessRule::Level::kPublic);
  EXPECT_EQ(AccessRule::Parse("members")->level, AccessRule::Level::kMembers);
  EXPECT_EQ(AccessRule::Parse("paid")->level, AccessRule::Level::kPaid);
  auto tiers = AccessRule::Parse("patron, supporter,patron");
  ASSERT_TRUE(tiers);
  EXPECT_EQ(tiers->level, AccessRule::Level::kTiers);
  EXPECT_EQ(tiers->tiers, (std::vector<std::string>{"patron", "supporter"}));
  EXPECT_EQ(tiers->ToString(), "patron,supporter");
  EXPECT_EQ(*AccessRule::Parse(tiers->ToString()), *tiers);
  EXPECT_EQ(AccessRule::Parse("members")->ToString(), "members");
}

TEST(AccessRule, RefusesWhatIsNotATier) {
  auto bad = AccessRule::Parse("Patrons Only");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "access");
  EXPECT_NE(bad.error().message.find("Patrons Only"), std::string::npos);
  EXPECT_FALSE(AccessRule::Parse("patron,,supporter"));
}

TEST(ReaderRights, DecideEachLevel) {
  AccessRule members = *AccessRule::Parse("members");
  AccessRule paid = *AccessRule::Parse("paid");
  AccessRule patron = *AccessRule::Parse("patron");
  ReaderRights anonymous;
  EXPECT_TRUE(anonymous.Allows(AccessRule{}));
  EXPECT_FALSE(anonymous.Allows(members));
  ReaderRights free_member;
  free_member.member_id = 7;
  free_member.Grant("members");
  EXPECT_TRUE(free_member.Allows(members));
  EXPECT_FALSE(free_member.Allows(paid));
  EXPECT_FALSE(free_member.paid());
  ReaderRights supporter = free_member;
  supporter.Grant("supporter");
  EXPECT_TRUE(supporter.Allows(paid));
  EXPECT_FALSE(supporter.Allows(patron));  // the wrong paid tier
  supporter.Grant("patron");
  EXPECT_TRUE(supporter.Allows(patron));
}

TEST(ReaderRights, VariantsNameGroupsNotReaders) {
  AccessRule paid = *AccessRule::Parse("paid");
  ReaderRights anonymous, a, b;
  a.member_id = 1;
  a.Grant("members");
  a.Grant("supporter");
  b.member_id = 2;
  b.Grant("members");
  b.Grant("patron");
  EXPECT_EQ(anonymous.VariantFor(AccessRule{}), "");
  EXPECT_EQ(a.VariantFor(AccessRule{}), "");
  EXPECT_EQ(anonymous.VariantFor(paid), "locked");
  EXPECT_EQ(a.VariantFor(paid), "open");
  EXPECT_EQ(b.VariantFor(paid), "open");
  ReaderRights library;
  library.GrantFromInstitution(4, "Ridgeway Library", "supporter");
  EXPECT_EQ(library.VariantFor(paid), "open@4");
  // A paying member at the library reads with their own rights.
  a.GrantFromInstitution(4, "Ridgeway Library", "supporter");
  EXPECT_EQ(a.VariantFor(paid), "open");
}

TEST(CutForPaywall, MarkdownMarkerOnItsOwnLine) {
  std::string body = "First.\n\nSecond.\n\n<!--paywall-->\n\nThird, locked.\n";
  PaywallCut cut = CutForPaywall(body, false, 1);
  EXPECT_EQ(cut.free, "First.\n\nSecond.");
  EXPECT_EQ(cut.locked, "Third, locked.\n");
}

TEST(CutForPaywall, MarkdownParagraphsWithoutMarker) {
  std::string body = "One.\n\n```\ncode\n\nstill code\n```\n\nThree.\n\nFour.";
  PaywallCut cut = CutForPaywall(body, false, 2);
  EXPECT_EQ(cut.free, "One.\n\n```\ncode\n\nstill code\n```");
  EXPECT_EQ(cut.locked, "Three.\n\nFour.");
  // Headings go with what follows them: the free part never ends on one.
  PaywallCut heading = CutForPaywall("One.\n\n## A heading\n\nTwo.\n\nThree.", false, 1);
  EXPECT_EQ(heading.free, "One.");
  EXPECT_EQ(heading.locked, "## A heading\n\nTwo.\n\nThree.");
  // A short restricted piece keeps its last paragraph locked.
  PaywallCut two = CutForPaywall("First.\n\nSecond.\n", false, 3);
  EXPECT_EQ(two.free, "First.");
  EXPECT_EQ(two.locked, "Second.\n");
  PaywallCut one = CutForPaywall("Only one.\n", false, 3);
  EXPECT_EQ(one.free, "");
  EXPECT_EQ(one.locked, "Only one.\n");
  // A marker inside a code fence is text.
  PaywallCut fenced = CutForPaywall("```\n<!--paywall-->\n```\n\nAfter.", false, 5);
  EXPECT_EQ(fenced.locked, "After.");
}

TEST(CutForPaywall, HtmlMarkersAndParagraphs) {
  PaywallCut marker = CutForPaywall("<p>a</p><!--paywall--><p>b</p>", true, 5);
  EXPECT_EQ(marker.free, "<p>a</p>");
  EXPECT_EQ(marker.locked, "<p>b</p>");
  PaywallCut more = CutForPaywall("<p>a</p>\n<!--more-->\n<p>b</p>", true, 5);
  EXPECT_EQ(more.locked, "<p>b</p>");
  PaywallCut counted = CutForPaywall("<p>a</p><P>b</P><p>c</p>", true, 2);
  EXPECT_EQ(counted.free, "<p>a</p><P>b</P>");
  EXPECT_EQ(counted.locked, "<p>c</p>");
  PaywallCut short_one = CutForPaywall("<p>a</p><ul><li>b</li></ul>", true, 4);
  EXPECT_EQ(short_one.free, "<p>a</p>");
  EXPECT_EQ(short_one.locked, "<ul><li>b</li></ul>");
}

}  // namespace
}  // namespace cinepress
