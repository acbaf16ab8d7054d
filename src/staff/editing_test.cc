// The editing rules (who may do what to which piece, what each action saves) and the save with
// its conflict check, on a real SQLite store.
#include "staff/editing.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "staff/revisions.h"
#include "staff/test_fixture.h"

namespace cinepress {
namespace {

constexpr EditAction kAll[] = {EditAction::kSave,     EditAction::kAutosave, EditAction::kSubmit,
                               EditAction::kSchedule, EditAction::kPublish,  EditAction::kUnpublish,
                               EditAction::kRestore};

bool May(StaffRole role, EditAction action, bool own, bool live) {
  return EditRefusal(role, action, own, live).empty();
}

TEST(EditingTest, ActionsHaveOneNameEach) {
  for (EditAction a : kAll) EXPECT_EQ(ParseEditAction(EditActionName(a)), a);
  EXPECT_FALSE(ParseEditAction("delete"));
  EXPECT_FALSE(ParseEditAction(""));
}

TEST(EditingTest, AContributorWritesOwnDraftsAndSubmitsButNeverPublishes) {
  const auto c = StaffRole::kContributor;
  for (EditAction a :
       {EditAction::kSave, EditAction::kAutosave, EditAction::kSubmit, EditAction::kRestore}) {
    EXPECT_TRUE(May(c, a, true, false)) << EditActionName(a);
    EXPECT_FALSE(May(c, a, false, false)) << "not their own: " << EditActionName(a);
    EXPECT_FALSE(May(c, a, true, true)) << "a published piece: " << EditActionName(a);
  }
  for (EditAction a : {EditAction::kSchedule, EditAction::kPublish, EditAction::kUnpublish}) {
    EXPECT_FALSE(May(c, a, true, false)) << EditActionName(a);
    EXPECT_FALSE(May(c, a, true, true)) << EditActionName(a);
  }
  EXPECT_NE(EditRefusal(c, EditAction::kPublish, true, false).find("contributor"),
            std::string::npos);
}

TEST(EditingTest, AnAuthorPublishesOwnAndEditorsAndAdminsEverything) {
  for (EditAction a : kAll) {
    EXPECT_TRUE(May(StaffRole::kAuthor, a, true, false)) << EditActionName(a);
    EXPECT_TRUE(May(StaffRole::kAuthor, a, true, true)) << EditActionName(a);
    EXPECT_FALSE(May(StaffRole::kAuthor, a, false, false)) << EditActionName(a);
    for (StaffRole r : {StaffRole::kEditor, StaffRole::kAdmin}) {
      EXPECT_TRUE(May(r, a, false, true)) << EditActionName(a);
      EXPECT_TRUE(May(r, a, false, false)) << EditActionName(a);
    }
  }
}

TEST(EditingTest, EditorsDeleteAnyPieceOthersTheirOwnDraftsOnly) {
  for (StaffRole r : {StaffRole::kEditor, StaffRole::kAdmin}) {
    EXPECT_EQ(DeleteRefusal(r, false, true, true), "");
  }
  // An author: their own piece while it is not live, even one published once.
  EXPECT_EQ(DeleteRefusal(StaffRole::kAuthor, true, false, true), "");
  EXPECT_NE(DeleteRefusal(StaffRole::kAuthor, true, true, true), "");
  EXPECT_NE(DeleteRefusal(StaffRole::kAuthor, false, false, false), "");
  // A contributor: their own draft never published.
  EXPECT_EQ(DeleteRefusal(StaffRole::kContributor, true, false, false), "");
  EXPECT_NE(DeleteRefusal(StaffRole::kContributor, true, false, true).find("once published"),
            std::string::npos);
  EXPECT_NE(DeleteRefusal(StaffRole::kContributor, false, false, false).find("contributor"),
            std::string::npos);
  EXPECT_NE(DeleteRefusal(StaffRole::kContributor, true, true, true), "");
}

TEST(EditingTest, APieceWasLiveWhenARevisionPublishedOrScheduledIt) {
  std::vector<ArticleRevision> revisions(2);
  revisions[0].action = "save";
  revisions[1].action = "submit";
  EXPECT_FALSE(EverLive(revisions));
  revisions[0].action = "schedule";
  EXPECT_TRUE(EverLive(revisions));
  revisions[0].action = "publish";
  EXPECT_TRUE(EverLive(revisions));
  EXPECT_FALSE(EverLive({}));
}

TEST(EditingTest, EachActionSetsTheStatusAndDate) {
  Article stored;
  stored.id = 7;
  stored.draft = true;
  stored.date = 100;
  Article form;
  form.title = "New title";
  auto saved = ApplyEditAction(form, &stored, EditAction::kSave, 1000, 0);
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved->id, 7);
  EXPECT_TRUE(saved->draft);
  EXPECT_EQ(saved->title, "New title");
  auto submitted = ApplyEditAction(form, &stored, EditAction::kSubmit, 1000, 0);
  EXPECT_TRUE(submitted->draft);
  EXPECT_EQ(submitted->status, "pending");
  auto published = ApplyEditAction(form, &stored, EditAction::kPublish, 1000, 0);
  EXPECT_FALSE(published->draft);
  EXPECT_EQ(published->date, 1000) << "a draft published now is dated now";
  auto scheduled = ApplyEditAction(form, &stored, EditAction::kSchedule, 1000, 5000);
  EXPECT_FALSE(scheduled->draft);
  EXPECT_EQ(scheduled->date, 5000);
  auto past = ApplyEditAction(form, &stored, EditAction::kSchedule, 1000, 999);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().field, "publish_at");
  Article live = *published;
  auto corrected = ApplyEditAction(form, &live, EditAction::kSave, 2000, 0);
  EXPECT_FALSE(corrected->draft) << "saving a published piece keeps it published";
  EXPECT_EQ(corrected->date, 1000);
  EXPECT_EQ(corrected->updated, 2000);
  // A second correction in the same second still moves the updated time on: the site's
  // fingerprint of the piece reads it, so the live page follows every save.
  auto again = ApplyEditAction(form, &*corrected, EditAction::kSave, 2000, 0);
  EXPECT_EQ(again->updated, 2001);
  auto unpublished = ApplyEditAction(form, &live, EditAction::kUnpublish, 2000, 0);
  EXPECT_TRUE(unpublished->draft);
  auto fresh = ApplyEditAction(form, nullptr, EditAction::kSave, 3000, 0);
  EXPECT_EQ(fresh->id, 0);
  EXPECT_TRUE(fresh->draft) << "a new piece is a draft";
  EXPECT_EQ(fresh->date, 3000);
}

class SaveEditTest : public ContentStoreFixture {
 protected:
  Result<EditSaved> Save(const Article& a, int64_t based_on, const std::string& who,
                         EditAction action = EditAction::kSave) {
    return SaveEdit(*store_, EditSave{a, based_on, who, action, 500});
  }
  static Article Piece(const std::string& title) {
    Article a;
    a.section = "reviews";
    a.slug = "piece";
    a.source_path = "content/reviews/piece.md";
    a.title = title;
    a.draft = true;
    a.date = 100;
    a.body_markdown = "Body.\n";
    return a;
  }
};

TEST_F(SaveEditTest, EverySaveIsARevisionAndTheFirstSaverOwnsThePiece) {
  auto first = Save(Piece("One"), 0, "ann@mag.example");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  Article a = Piece("Two");
  a.id = first->article_id;
  auto second = Save(a, first->revision_id, "ed@mag.example");
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->article_id, first->article_id);
  auto revisions = *store_->LoadRevisions(first->article_id);
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_EQ(revisions[0].id, second->revision_id);
  EXPECT_EQ(revisions[0].author, "ed@mag.example");
  EXPECT_EQ(OwnerOf(revisions), "ann@mag.example");
  EXPECT_EQ(store_->LoadRevision(first->revision_id)->article.title, "One");
  auto stored = *store_->LoadArticles(true);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].title, "Two");
}

TEST_F(SaveEditTest, ASaveBasedOnAnOlderRevisionIsAConflictAndChangesNothing) {
  auto first = Save(Piece("One"), 0, "ann@mag.example");
  ASSERT_TRUE(first.ok());
  Article theirs = Piece("Theirs");
  theirs.id = first->article_id;
  ASSERT_TRUE(Save(theirs, first->revision_id, "bo@mag.example").ok());
  Article mine = Piece("Mine");
  mine.id = first->article_id;
  auto refused = Save(mine, first->revision_id, "ann@mag.example");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(refused.error().field, kRevisionField);
  EXPECT_EQ(store_->LoadArticles(true)->at(0).title, "Theirs") << "never a silent overwrite";
  EXPECT_EQ(store_->LoadRevisions(first->article_id)->size(), 2u);
  auto autosave = Save(mine, first->revision_id, "ann@mag.example", EditAction::kAutosave);
  ASSERT_FALSE(autosave.ok()) << "an autosave is checked too";
  EXPECT_EQ(autosave.error().code, ErrorCode::kConflict);
}

TEST_F(SaveEditTest, AnArticleImportedWithoutRevisionsIsBasedOnRevisionZero) {
  auto id = store_->SaveArticle(Piece("Imported"));
  ASSERT_TRUE(id.ok());
  Article a = Piece("Edited");
  a.id = *id;
  EXPECT_FALSE(Save(a, 3, "ed@mag.example").ok());
  EXPECT_TRUE(Save(a, 0, "ed@mag.example").ok());
  EXPECT_FALSE(Save(a, 0, "bo@mag.example").ok()) << "the second save from the same start";
}

TEST_F(SaveEditTest, APieceMovedToAnotherAddressKeepsItsOldOneAsAnAlias) {
  auto first = Save(Piece("One"), 0, "ann@mag.example");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  Article before = Piece("One");
  before.id = first->article_id;
  Article same = before;
  same.title = "One, corrected";
  EditSave save{same, first->revision_id, "ed@mag.example", EditAction::kSave, 600};
  save.before = &before;
  auto second = SaveEdit(*store_, save);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_TRUE(store_->LoadAliases()->empty()) << "the same address: nothing to keep";
  Article moved = same;
  moved.slug = "piece-renamed";
  moved.section = "essays";
  save = EditSave{moved, second->revision_id, "ed@mag.example", EditAction::kSave, 700};
  save.before = &same;
  ASSERT_TRUE(SaveEdit(*store_, save).ok());
  auto aliases = *store_->LoadAliases();
  ASSERT_EQ(aliases.size(), 1u);
  EXPECT_EQ(aliases[0].article_id, first->article_id);
  EXPECT_EQ(aliases[0].section, "reviews");
  EXPECT_EQ(aliases[0].slug, "piece");
}

TEST_F(SaveEditTest, AnAutosaveKeepsARevisionAndLeavesTheStoredPieceAlone) {
  auto first = Save(Piece("Saved"), 0, "ann@mag.example");
  ASSERT_TRUE(first.ok());
  Article a = Piece("Typing…");
  a.id = first->article_id;
  auto autosaved = Save(a, first->revision_id, "ann@mag.example", EditAction::kAutosave);
  ASSERT_TRUE(autosaved.ok()) << autosaved.error().ToString();
  EXPECT_EQ(store_->LoadArticles(true)->at(0).title, "Saved");
  auto r = store_->LoadRevision(autosaved->revision_id);
  EXPECT_EQ(r->action, "autosave");
  EXPECT_EQ(r->article.title, "Typing…");
}

TEST(RevisionDiffTest, LinesKeptRemovedAndAddedInOrder) {
  auto d = LineDiff("a\nb\nc\n", "a\nB\nc\nd\n");
  ASSERT_EQ(d.size(), 5u);
  EXPECT_EQ(d[0].kind, DiffLine::kSame);
  EXPECT_EQ(d[0].text, "a");
  EXPECT_EQ(d[1].kind, DiffLine::kRemoved);
  EXPECT_EQ(d[1].text, "b");
  EXPECT_EQ(d[2].kind, DiffLine::kAdded);
  EXPECT_EQ(d[2].text, "B");
  EXPECT_EQ(d[3].kind, DiffLine::kSame);
  EXPECT_EQ(d[4].kind, DiffLine::kAdded);
  EXPECT_EQ(d[4].text, "d");
  EXPECT_TRUE(LineDiff("", "").empty());
  for (const DiffLine& l : LineDiff("same\n", "same\n")) EXPECT_EQ(l.kind, DiffLine::kSame);
}

TEST(RevisionDiffTest, TheTextOfARevisionShowsItsFieldsThenItsBody) {
  Article a;
  a.title = "T";
  a.author_ids = {"ann", "bo"};
  a.image = Image{"/i.jpg", "A door", ""};
  a.body_markdown = "Body\n";
  EXPECT_EQ(RevisionText(a),
            "title: T\nwriters: ann, bo\nimage: /i.jpg\nimage alt: A door\n\nBody\n");
}

TEST_F(SaveEditTest, WhatRunsBeforeTheCommitIsInTheSaveAndItsFailureUndoesIt) {
  EditSave save{Piece("One"), 0, "ann@mag.example", EditAction::kSave, 500};
  save.before_commit = [](ContentStore& store, const EditSaved& saved) -> Status {
    WebhookDelivery d;
    d.delivery_id = "for-" + std::to_string(saved.article_id);
    d.event = "article.updated";
    d.url = "http://x/";
    d.payload = "{}";
    if (auto id = store.QueueWebhook(d); !id) return id.error();
    return {};
  };
  auto kept = SaveEdit(*store_, save);
  ASSERT_TRUE(kept.ok()) << kept.error().ToString();
  auto log = store_->ListWebhookDeliveries(10);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].delivery_id, "for-" + std::to_string(kept->article_id));

  EditSave failing{Piece("Two"), 0, "ann@mag.example", EditAction::kSave, 500};
  failing.article.slug = "other";
  failing.article.source_path = "content/reviews/other.md";
  failing.before_commit = [](ContentStore&, const EditSaved&) -> Status {
    return MakeError(ErrorCode::kIo, "the outbox is full");
  };
  EXPECT_FALSE(SaveEdit(*store_, failing).ok());
  auto articles = store_->LoadArticles(false);
  ASSERT_TRUE(articles.ok());
  EXPECT_EQ(articles->size(), 1u) << "the failed save left nothing";
}

}  // namespace
}  // namespace cinepress
