// The newsroom's editing rules: what each save of the editor does to an article (save, autosave,
// submit, schedule, publish, unpublish, restore), who may do it (the role, and whether the piece
// is one's own), and the save itself — the article and its revision in one transaction, refused
// as a conflict when the article has a newer revision than the one the editor was opened on.
//
//   own        a piece is a staff member's own when they made it in the newsroom (its first
//              revision is theirs); imported pieces belong to the editors
//   conflict   every save names the revision it was based on (0: the article had none); a
//              save based on any other than the newest is refused (kConflict), never merged
//
// Contract: plain functions; SaveEdit uses the store given (one thread at a time, as any store).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/content_store.h"
#include "content/model.h"
#include "staff/roles.h"

namespace cinepress {

enum class EditAction {
  kSave,       // keep the piece as it is now (a new one is a draft)
  kAutosave,   // a revision only (a new piece is stored as a draft, to have an id)
  kSubmit,     // a draft waiting for review
  kSchedule,   // published at a later time
  kPublish,    // published now
  kUnpublish,  // back to a draft
  kRestore,    // an earlier revision's text, as a new revision (the piece's state kept)
};

// "save", "autosave", "submit", "schedule", "publish", "unpublish", "restore".
std::optional<EditAction> ParseEditAction(std::string_view name);
std::string_view EditActionName(EditAction action);

// Why `role` may not do `action` to a piece (`own`: theirs; `live`: published or scheduled), in
// words for the person; empty when it may. The one place these rules are written.
std::string EditRefusal(StaffRole role, EditAction action, bool own, bool live);

// Why `role` may not delete a piece, in words for the person; empty when it may. Editors and
// admins delete any piece; an author their own piece while it is not live (a draft, or waiting
// for review); a contributor their own such piece that was never published or scheduled
// (`ever_live`: EverLive of its revisions) — what readers once saw is an editor's to remove.
std::string DeleteRefusal(StaffRole role, bool own, bool live, bool ever_live);

// Whether any of a piece's revisions published or scheduled it.
bool EverLive(const std::vector<ArticleRevision>& revisions);

// Whether a piece is published or scheduled (not a draft, not waiting for review).
inline bool IsLive(const Article& a) { return !a.draft; }

// `edited` (the form's article) made into what `action` saves, given the stored piece (`before`,
// null for a new one): its status, date (a piece published now is dated now; a scheduled one at
// `publish_at`, which must be later than `now`) and updated time. A bad date is an error naming
// the field `publish_at`.
Result<Article> ApplyEditAction(Article edited, const Article* before, EditAction action,
                                int64_t now, int64_t publish_at);

// The owner of a piece by its revisions (newest first, as the store lists them): the author of
// the oldest, or "" when it has none.
std::string OwnerOf(const std::vector<ArticleRevision>& revisions);

struct EditSaved {
  int64_t article_id = 0;
  int64_t revision_id = 0;
};
struct EditSave {
  Article article;       // as ApplyEditAction made it (id 0: a new piece)
  int64_t based_on = 0;  // the newest revision when the editor was opened (0: none)
  std::string author;    // who saves: a staff member's address
  EditAction action = EditAction::kSave;
  int64_t now = 0;
  // Runs in the save's transaction before its commit (the webhooks' outbox): an error rolls
  // the whole save back.
  std::function<Status(ContentStore&, const EditSaved&)> before_commit;
  // The stored piece before this save (null: a new one). When the save moves it (another slug,
  // section or kind), its old address is kept (an ArticleAlias) in the same transaction, so that
  // the old address answers with a redirect, as after an import that moves it.
  const Article* before = nullptr;
};

// The field a conflict names (Error::field), and the revision it was refused for.
inline constexpr std::string_view kRevisionField = "revision";

// Saves the piece (but for an autosave of a stored one) and its revision in one transaction.
// A piece with a revision newer than `based_on` is left as it is: kConflict, field "revision".
Result<EditSaved> SaveEdit(ContentStore& store, const EditSave& save);

}  // namespace cinepress
