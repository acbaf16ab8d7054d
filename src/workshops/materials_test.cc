#include "workshops/materials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/open_store.h"
#include "workshops/registration.h"
#include "workshops/test_workshop.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

constexpr int64_t kNow = 1900000000;
constexpr int64_t kStarts = kNow + 10 * 86400;
const std::string kKey(32, 'm');

class WorkshopMaterialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cinepress-materials-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = OpenWorkshopStore(dir_ / "site.db", {});
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->SaveWorkshop(test_workshop::Online(kStarts)).ok());
    zone_ = *TimeZone::Named("Europe/Paris");
  }
  void TearDown() override { fs::remove_all(dir_); }

  Registration Register(const std::string& email, const std::string& status = "free") {
    Registration r = test_workshop::RegistrationFor(email, kNow, status);
    auto id = store_->StartRegistration(r);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    r.id = id.ok() ? *id : 0;
    return r;
  }
  // What follows kMaterialsPrefix in a link.
  static std::string Rest(const std::string& link) {
    return link.substr(std::string(kMaterialsPrefix).size());
  }
  MaterialAccess Open(const std::string& rest, int64_t now = kNow) {
    auto access = OpenMaterial(*store_, kKey, rest, now);
    EXPECT_TRUE(access.ok()) << access.error().ToString();
    return access.ok() ? *access : MaterialAccess{};
  }

  fs::path dir_;
  std::unique_ptr<WorkshopStore> store_;
  TimeZone zone_ = *TimeZone::Named("UTC");
};

TEST_F(WorkshopMaterialsTest, ALinkOpensItsFileForTheRegistrantUntilItExpires) {
  const Registration r = Register("ada@example.com");
  const std::string link = MaterialLink(kKey, r, "notes.pdf", kNow + kMaterialLinkSeconds);
  EXPECT_TRUE(link.starts_with("/workshops/materials/"));
  EXPECT_TRUE(link.ends_with("/writing-about-ozu/notes.pdf"));
  MaterialAccess open = Open(Rest(link));
  EXPECT_EQ(open.verdict, MaterialVerdict::kOpen);
  EXPECT_EQ(open.slug, "writing-about-ozu");
  EXPECT_EQ(open.name, "notes.pdf");
  EXPECT_EQ(Open(Rest(link), kNow + kMaterialLinkSeconds).verdict, MaterialVerdict::kOpen);
  MaterialAccess late = Open(Rest(link), kNow + kMaterialLinkSeconds + 1);
  EXPECT_EQ(late.verdict, MaterialVerdict::kGone);
  EXPECT_NE(late.message.find("expired"), std::string::npos);
}

TEST_F(WorkshopMaterialsTest, ATamperedLinkOrOneForAnotherFileIsRefused) {
  const Registration r = Register("ada@example.com");
  const std::string rest = Rest(MaterialLink(kKey, r, "notes.pdf", kNow + 100));
  const std::string token = rest.substr(0, rest.find('/'));
  // Another file, another workshop, a changed signature, a changed expiry, nonsense.
  EXPECT_EQ(Open(token + "/writing-about-ozu/recording.mp4").verdict, MaterialVerdict::kRefused);
  EXPECT_EQ(Open(token + "/another-workshop/notes.pdf").verdict, MaterialVerdict::kRefused);
  std::string bad_mac = rest;
  bad_mac[token.size() - 1] = bad_mac[token.size() - 1] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Open(bad_mac).verdict, MaterialVerdict::kRefused);
  const std::string id = std::to_string(r.id) + ".";
  std::string later = rest;
  later.replace(id.size(), std::to_string(kNow + 100).size(), std::to_string(kNow + 999999));
  EXPECT_EQ(Open(later).verdict, MaterialVerdict::kRefused);
  EXPECT_EQ(Open("").verdict, MaterialVerdict::kRefused);
  EXPECT_EQ(Open("x/y").verdict, MaterialVerdict::kRefused);
  // Signed with another key: not ours.
  auto other = OpenMaterial(*store_, std::string(32, 'x'), rest, kNow);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->verdict, MaterialVerdict::kRefused);
}

TEST_F(WorkshopMaterialsTest, AnotherRegistrationsIdDoesNotOpenWithThisSignature) {
  const Registration ada = Register("ada@example.com");
  const Registration bo = Register("bo@example.com");
  const std::string rest = Rest(MaterialLink(kKey, ada, "notes.pdf", kNow + 100));
  std::string swapped = rest;
  swapped.replace(0, std::to_string(ada.id).size(), std::to_string(bo.id));
  EXPECT_EQ(Open(swapped).verdict, MaterialVerdict::kRefused);
  EXPECT_EQ(Open(Rest(MaterialLink(kKey, bo, "notes.pdf", kNow + 100))).verdict,
            MaterialVerdict::kOpen);
}

TEST_F(WorkshopMaterialsTest, ACancelledRegistrationsLinksAreGone) {
  const Registration r = Register("ada@example.com");
  const std::string rest = Rest(MaterialLink(kKey, r, "notes.pdf", kNow + 100));
  ASSERT_TRUE(store_->CancelWorkshop("writing-about-ozu", kNow).ok());
  MaterialAccess gone = Open(rest);
  EXPECT_EQ(gone.verdict, MaterialVerdict::kGone);
  EXPECT_NE(gone.message.find("cancelled"), std::string::npos);
}

TEST_F(WorkshopMaterialsTest, APendingCheckoutOpensNothing) {
  const Registration r = Register("ada@example.com", "pending");
  EXPECT_EQ(Open(Rest(MaterialLink(kKey, r, "notes.pdf", kNow + 100))).verdict,
            MaterialVerdict::kGone);
}

TEST_F(WorkshopMaterialsTest, AMaterialTheWorkshopNoLongerNamesIsRefused) {
  const Registration r = Register("ada@example.com");
  const std::string rest = Rest(MaterialLink(kKey, r, "recording.mp4", kNow + 100));
  Workshop w = (*store_->LoadWorkshops())[0];
  w.materials = {"notes.pdf"};
  ASSERT_TRUE(store_->SaveWorkshop(w).ok());
  EXPECT_EQ(Open(rest).verdict, MaterialVerdict::kRefused);
}

TEST_F(WorkshopMaterialsTest, MyAccountListsRegistrationsWithSessionsJoiningLinkAndMaterials) {
  const Registration r = Register("ada@example.com");
  Register("ada@example.com", "pending");  // a checkout not finished: not listed
  Register("bo@example.com");              // someone else's
  auto account = AccountWorkshops(*store_, kKey, 0, "ada@example.com", zone_, kNow);
  ASSERT_TRUE(account.ok()) << account.error().ToString();
  ASSERT_EQ(account->size(), 1u);
  const AccountWorkshop& a = account->front();
  EXPECT_EQ(a.slug, "writing-about-ozu");
  EXPECT_EQ(a.title, "Writing about Ozu");
  EXPECT_TRUE(a.holds);
  EXPECT_EQ(a.status, "free");
  ASSERT_EQ(a.sessions.size(), 1u);
  EXPECT_EQ(a.sessions[0], SessionLine(zone_, {kStarts, 120}));
  EXPECT_NE(a.sessions[0].find("(Europe/Paris)"), std::string::npos);
  EXPECT_EQ(a.joining_link, "https://meet.example.com/ozu");
  ASSERT_EQ(a.materials.size(), 2u);
  EXPECT_EQ(a.materials[0].first, "notes.pdf");
  EXPECT_EQ(a.materials[1].first, "recording.mp4");
  // Each link opens its file for this registration, for a day from the view.
  const std::string rest = Rest(a.materials[1].second);
  EXPECT_EQ(Open(rest).name, "recording.mp4");
  EXPECT_EQ(Open(rest, kNow + kMaterialLinkSeconds + 1).verdict, MaterialVerdict::kGone);
  EXPECT_EQ(a.materials[1].second, MaterialLink(kKey, r, "recording.mp4", kNow + 86400));
}

TEST_F(WorkshopMaterialsTest, MyAccountSaysACancelledRegistrationIsCancelledAndShowsNothingElse) {
  Register("ada@example.com");
  ASSERT_TRUE(store_->CancelWorkshop("writing-about-ozu", kNow).ok());
  auto account = AccountWorkshops(*store_, kKey, 0, "ada@example.com", zone_, kNow);
  ASSERT_TRUE(account.ok());
  ASSERT_EQ(account->size(), 1u);
  const AccountWorkshop& a = account->front();
  EXPECT_FALSE(a.holds);
  EXPECT_EQ(a.status, "cancelled");
  EXPECT_TRUE(a.sessions.empty());
  EXPECT_TRUE(a.joining_link.empty());
  EXPECT_TRUE(a.materials.empty());
}

}  // namespace
}  // namespace cinepress
