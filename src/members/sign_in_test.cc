#include "members/sign_in.h"

#include <gtest/gtest.h>

#include "members/institutions.h"
#include "members/members.h"
#include "members/test_fixture.h"

namespace cinepress {
namespace {

using SignInTest = MembersFixture;

TEST_F(SignInTest, OpenSignupMakesTheMemberWhenTheLinkIsRedeemed) {
  auto start = StartSignIn(*store_, site_, " New@Reader.example ", "Zoë", 1000);
  ASSERT_TRUE(start.ok()) << start.error().ToString();
  EXPECT_TRUE(start->send);
  EXPECT_TRUE(start->new_member);
  EXPECT_EQ(start->member_id, 0);
  EXPECT_EQ(start->code.size(), 6u);
  EXPECT_EQ(start->code.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_GE(start->link_token.size(), 43u);
  // Nothing exists before the address is proved.
  EXPECT_FALSE(store_->FindMember("new@reader.example")->has_value());
  auto id = RedeemSignInLink(*store_, start->link_token, 2000);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto m = store_->LoadMember(*id);
  ASSERT_TRUE(m.ok() && m->has_value());
  EXPECT_EQ((*m)->email, "New@Reader.example");
  EXPECT_EQ((*m)->name, "Zoë");
  auto grants = store_->LoadGrants(*id);
  ASSERT_EQ(grants->size(), 1u);
  EXPECT_EQ((*grants)[0].tier, "members");
  EXPECT_EQ((*grants)[0].source, "signup");
}

TEST_F(SignInTest, TokensAreStoredOnlyAsHashes) {
  auto start = StartSignIn(*store_, site_, "a@r.example", "", 1000);
  ASSERT_TRUE(start.ok());
  auto t = store_->LatestSignInToken("a@r.example");
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->link_hash, HashSecret(start->link_token));
  EXPECT_NE((*t)->link_hash, start->link_token);
  EXPECT_EQ((*t)->code_hash, HashSecret(start->code));
  EXPECT_EQ((*t)->link_hash.size(), 32u);
}

TEST_F(SignInTest, ALinkWorksOnceAndNotAfter24Hours) {
  auto a = StartSignIn(*store_, site_, "a@r.example", "", 1000);
  auto b = StartSignIn(*store_, site_, "b@r.example", "", 1000);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(RedeemSignInLink(*store_, a->link_token, 1001).ok());
  auto again = RedeemSignInLink(*store_, a->link_token, 1002);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().field, kSignInUsed);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  auto late = RedeemSignInLink(*store_, b->link_token, 1000 + kSignInLinkLifetime);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().field, kSignInExpired);
  auto forged = RedeemSignInLink(*store_, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 1001);
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.error().field, kSignInUnknown);
  auto truncated = RedeemSignInLink(*store_, b->link_token.substr(0, 20), 1001);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().field, kSignInUnknown);
  EXPECT_FALSE(RedeemSignInLink(*store_, "", 1001).ok());
}

TEST_F(SignInTest, ACodeWorksFor15MinutesAndFiveWrongCodesBurnIt) {
  auto a = StartSignIn(*store_, site_, "a@r.example", "", 1000);
  ASSERT_TRUE(a.ok());
  const std::string wrong = a->code == "000000" ? "111111" : "000000";
  for (int i = 0; i < 4; ++i) {
    auto r = RedeemSignInCode(*store_, "A@R.example", wrong, 1010);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, kSignInWrongCode);
  }
  auto fifth = RedeemSignInCode(*store_, "a@r.example", wrong, 1010);
  ASSERT_FALSE(fifth.ok());
  EXPECT_EQ(fifth.error().field, kSignInUsed);
  // Burned: the right code and the link no longer work.
  EXPECT_FALSE(RedeemSignInCode(*store_, "a@r.example", a->code, 1011).ok());
  EXPECT_FALSE(RedeemSignInLink(*store_, a->link_token, 1011).ok());

  auto b = StartSignIn(*store_, site_, "b@r.example", "", 1000);
  auto late = RedeemSignInCode(*store_, "b@r.example", b->code, 1000 + kSignInCodeLifetime);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().field, kSignInExpired);
  auto c = StartSignIn(*store_, site_, "c@r.example", "", 1000);
  auto ok = RedeemSignInCode(*store_, "c@r.example", " " + c->code + " ", 1100);
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_FALSE(RedeemSignInCode(*store_, "c@r.example", c->code, 1101).ok());
}

TEST_F(SignInTest, AtMostFiveMessagesAnHourToOneAddress) {
  for (int i = 0; i < kSignInMessagesPerHour; ++i) {
    auto s = StartSignIn(*store_, site_, "a@r.example", "", 1000 + i);
    ASSERT_TRUE(s.ok());
    EXPECT_TRUE(s->send);
  }
  auto sixth = StartSignIn(*store_, site_, "A@r.example", "", 1010);
  ASSERT_TRUE(sixth.ok());
  EXPECT_FALSE(sixth->send);
  EXPECT_EQ(sixth->refused, "rate-limited");
  EXPECT_TRUE(sixth->link_token.empty());
  auto later = StartSignIn(*store_, site_, "a@r.example", "", 1000 + 3601);
  EXPECT_TRUE(later->send);
}

TEST_F(SignInTest, ClosedAndInviteSignupRefuseStrangersSilently) {
  ASSERT_TRUE(AddMember(*store_, NewMember{"old@r.example"}, 10).ok());
  site_.members.signup = "closed";
  auto stranger = StartSignIn(*store_, site_, "new@r.example", "", 1000);
  ASSERT_TRUE(stranger.ok());
  EXPECT_FALSE(stranger->send);
  EXPECT_EQ(stranger->refused, "closed");
  auto member = StartSignIn(*store_, site_, "old@r.example", "", 1000);
  EXPECT_TRUE(member->send);
  EXPECT_FALSE(member->new_member);
  EXPECT_GT(member->member_id, 0);

  site_.members.signup = "invite";
  Institution uni;
  uni.name = "Uni";
  uni.tier = "library";
  uni.seats = 10;
  uni.domains = {"uni.example"};
  ASSERT_TRUE(AddInstitution(*store_, site_, uni, 10).ok());
  EXPECT_FALSE(StartSignIn(*store_, site_, "new@r.example", "", 1000)->send);
  auto student = StartSignIn(*store_, site_, "kim@UNI.example", "", 1000);
  ASSERT_TRUE(student->send);
  auto id = RedeemSignInLink(*store_, student->link_token, 1001);
  ASSERT_TRUE(id.ok());
  auto view = LoadMemberView(*store_, *id);
  ASSERT_TRUE(view.ok());
  ASSERT_TRUE(view->institution.has_value());
  EXPECT_EQ(view->institution->name, "Uni");
}

TEST_F(SignInTest, NotAnAddressIsRefused) {
  auto r = StartSignIn(*store_, site_, "not an address", "", 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
}

TEST_F(SignInTest, TheMessageHasTheLinkAndTheCode) {
  MailMessage m =
      SignInMessage(site_, "a@r.example", SignInUrl(site_.base_url, "TOKEN"), "012345", 1000);
  EXPECT_EQ(m.to.email, "a@r.example");
  EXPECT_NE(m.text.find("https://changeover.example/account/sign-in/confirm/?token=TOKEN"),
            std::string::npos);
  EXPECT_NE(m.text.find("012345"), std::string::npos);
  EXPECT_NE(m.text.find("24 hours"), std::string::npos);
  EXPECT_NE(m.text.find("15 minutes"), std::string::npos);
  EXPECT_NE(m.html.find("012345"), std::string::npos);
  EXPECT_NE(m.html.find("?token=TOKEN"), std::string::npos);
  EXPECT_EQ(m.from.email, "no-reply@changeover.example");
}

TEST_F(SignInTest, EmailChangeIsConfirmedFromTheNewAddress) {
  auto a = AddMember(*store_, NewMember{"old@r.example"}, 10);
  auto b = AddMember(*store_, NewMember{"taken@r.example"}, 10);
  ASSERT_TRUE(a.ok() && b.ok());
  auto taken = StartEmailChange(*store_, a->id, "TAKEN@r.example", 100);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
  auto token = StartEmailChange(*store_, a->id, "new@r.example", 100);
  ASSERT_TRUE(token.ok());
  // A change token is not a sign-in link.
  EXPECT_FALSE(RedeemSignInLink(*store_, *token, 101).ok());
  auto change = ConfirmEmailChange(*store_, *token, 102);
  ASSERT_TRUE(change.ok()) << change.error().ToString();
  EXPECT_EQ(change->old_email, "old@r.example");
  EXPECT_EQ(change->new_email, "new@r.example");
  EXPECT_EQ((*store_->LoadMember(a->id))->email, "new@r.example");
  EXPECT_FALSE(ConfirmEmailChange(*store_, *token, 103).ok());
  auto late = StartEmailChange(*store_, a->id, "later@r.example", 100);
  auto expired = ConfirmEmailChange(*store_, *late, 100 + kSignInLinkLifetime);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().field, kSignInExpired);
  MailMessage notice = EmailChangedNotice(site_, *change, 102);
  EXPECT_EQ(notice.to.email, "old@r.example");
  EXPECT_NE(notice.text.find("new@r.example"), std::string::npos);
}

// A reader's own changes in My Account are told as member.edited inside their transaction: a
// refusal from the hook leaves the change unmade.
TEST_F(SignInTest, AReadersOwnChangesAreToldAsMemberEdited) {
  auto a = AddMember(*store_, NewMember{"old@r.example", "Ada"}, 10);
  ASSERT_TRUE(a.ok());
  std::vector<std::pair<std::string, int64_t>> told;
  bool refuse = false;
  const MemberEventHook hook = [&](MemberStore&, std::string_view event, int64_t id) -> Status {
    if (refuse) return MakeError(ErrorCode::kStore, "the webhooks' table is locked");
    told.emplace_back(std::string(event), id);
    return {};
  };
  ASSERT_TRUE(RenameMember(*store_, a->id, "Ada L.", hook).ok());
  EXPECT_EQ((*store_->LoadMember(a->id))->name, "Ada L.");
  ASSERT_TRUE(RenameMember(*store_, a->id, "Ada L.", hook).ok());  // the same name: nothing told
  auto token = StartEmailChange(*store_, a->id, "new@r.example", 100);
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(ConfirmEmailChange(*store_, *token, 101, hook).ok());
  using Told = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(told, (Told{{"member.edited", a->id}, {"member.edited", a->id}}));
  refuse = true;
  EXPECT_FALSE(RenameMember(*store_, a->id, "Someone else", hook).ok());
  EXPECT_EQ((*store_->LoadMember(a->id))->name, "Ada L.");
  auto again = StartEmailChange(*store_, a->id, "third@r.example", 200);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(ConfirmEmailChange(*store_, *again, 201, hook).ok());
  EXPECT_EQ((*store_->LoadMember(a->id))->email, "new@r.example");
  EXPECT_EQ(told.size(), 2u);
}

}  // namespace
}  // namespace cinepress
