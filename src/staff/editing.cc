#include "staff/editing.h"

#include <algorithm>
#include <array>

namespace cinepress {
namespace {

constexpr std::array<std::pair<EditAction, std::string_view>, 7> kNames = {{
    {EditAction::kSave, "save"},
    {EditAction::kAutosave, "autosave"},
    {EditAction::kSubmit, "submit"},
    {EditAction::kSchedule, "schedule"},
    {EditAction::kPublish, "publish"},
    {EditAction::kUnpublish, "unpublish"},
    {EditAction::kRestore, "restore"},
}};

bool Publishes(EditAction a) {
  return a == EditAction::kSchedule || a == EditAction::kPublish || a == EditAction::kUnpublish;
}

}  // namespace

std::optional<EditAction> ParseEditAction(std::string_view name) {
  for (const auto& entry : kNames) {
    if (entry.second == name) return entry.first;
  }
  return std::nullopt;
}

std::string_view EditActionName(EditAction action) {
  for (const auto& entry : kNames) {
    if (entry.first == action) return entry.second;
  }
  return "save";
}

std::string EditRefusal(StaffRole role, EditAction action, bool own, bool live) {
  const std::string who = "Your role (" + std::string(StaffRoleName(role)) + ")";
  if (!Allows(role, Permission::kWriteOwnDrafts)) return who + " may not edit pieces.";
  if (Allows(role, Permission::kEditAllContent)) return "";
  if (!own) return who + " may edit only the pieces you began in the newsroom.";
  if (Allows(role, Permission::kPublishOwn)) return "";
  if (Publishes(action)) {
    return who + " may not publish, schedule or unpublish: submit the piece for review.";
  }
  if (live) return who + " may not change a published or scheduled piece.";
  return "";
}

std::string DeleteRefusal(StaffRole role, bool own, bool live, bool ever_live) {
  const std::string who = "Your role (" + std::string(StaffRoleName(role)) + ")";
  if (!Allows(role, Permission::kWriteOwnDrafts)) return who + " may not delete pieces.";
  if (Allows(role, Permission::kEditAllContent)) return "";
  if (!own) return who + " may delete only the pieces you began in the newsroom.";
  if (live) return who + " may not delete a published or scheduled piece: ask an editor.";
  if (ever_live && !Allows(role, Permission::kPublishOwn)) {
    return who + " may not delete a piece that was once published: ask an editor.";
  }
  return "";
}

bool EverLive(const std::vector<ArticleRevision>& revisions) {
  return std::any_of(revisions.begin(), revisions.end(), [](const ArticleRevision& r) {
    return r.action == EditActionName(EditAction::kPublish) ||
           r.action == EditActionName(EditAction::kSchedule);
  });
}

Result<Article> ApplyEditAction(Article a, const Article* before, EditAction action, int64_t now,
                                int64_t publish_at) {
  const bool was_live = before && IsLive(*before);
  // What the form does not carry stays as stored: the piece's state and dates.
  if (before) {
    a.id = before->id;
    a.draft = before->draft;
    a.status = before->status;
    a.date = before->date;
    a.updated = before->updated;
    a.password_protected = before->password_protected;
  } else {
    a.id = 0;
    a.draft = true;
    a.status.clear();
    a.date = now;
  }
  switch (action) {
    case EditAction::kSave:
    case EditAction::kAutosave:
    case EditAction::kRestore:
      // A correction of a published piece: its updated time moves on at every save, even two in
      // one second, since the site's fingerprint of the piece (site.cc) includes it.
      if (was_live && a.date <= now) a.updated = std::max(now, before->updated + 1);
      break;
    case EditAction::kSubmit:
      a.draft = true;
      a.status = "pending";
      break;
    case EditAction::kSchedule:
      if (publish_at <= now) {
        return Error{ErrorCode::kInvalidInput,
                     "the time to publish must be later than now",
                     {},
                     0,
                     "publish_at"};
      }
      a.draft = false;
      a.status.clear();
      a.date = publish_at;
      break;
    case EditAction::kPublish:
      // A draft published now is dated now; a published piece keeps its date.
      if (!was_live || a.date > now) a.date = now;
      a.draft = false;
      a.status.clear();
      break;
    case EditAction::kUnpublish:
      a.draft = true;
      a.status.clear();
      break;
  }
  return a;
}

std::string OwnerOf(const std::vector<ArticleRevision>& revisions) {
  return revisions.empty() ? std::string() : revisions.back().author;
}

Result<EditSaved> SaveEdit(ContentStore& store, const EditSave& save) {
  if (auto s = store.BeginTransaction(); !s) return s.error();
  auto fail = [&](Error e) -> Result<EditSaved> {
    (void)store.Rollback();
    return e;
  };
  EditSaved saved{save.article.id, 0};
  // The article is written before its revisions are read: the write holds the row (SQLite: the
  // database) until the commit, so that a save made at the same time waits and then sees this
  // one's revision.
  if (saved.article_id == 0 || save.action != EditAction::kAutosave) {
    auto id = store.SaveArticle(save.article);
    if (!id) return fail(id.error());
    saved.article_id = *id;
  }
  if (const Article* b = save.before;
      b && b->id == saved.article_id &&
      (b->slug != save.article.slug || b->section != save.article.section ||
       b->kind != save.article.kind)) {
    if (auto s = store.SaveAlias(ArticleAlias{b->id, b->kind, b->section, b->slug}); !s) {
      return fail(s.error());
    }
  }
  if (save.article.id != 0) {
    auto revisions = store.LoadRevisions(saved.article_id);
    if (!revisions) return fail(revisions.error());
    const int64_t newest = revisions->empty() ? 0 : revisions->front().id;
    if (newest != save.based_on) {
      return fail(Error{ErrorCode::kConflict,
                        "the piece was saved by someone else since you opened it",
                        {},
                        0,
                        std::string(kRevisionField)});
    }
  }
  ArticleRevision r;
  r.article_id = saved.article_id;
  r.created = save.now;
  r.author = save.author;
  r.action = std::string(EditActionName(save.action));
  r.article = save.article;
  r.article.id = saved.article_id;
  auto revision = store.SaveRevision(r);
  if (!revision) return fail(revision.error());
  saved.revision_id = *revision;
  if (save.before_commit) {
    if (auto s = save.before_commit(store, saved); !s) return fail(s.error());
  }
  if (auto s = store.Commit(); !s) return fail(s.error());
  return saved;
}

}  // namespace cinepress
