#include "staff/collections.h"

#include "core/slug.h"
#include "core/text.h"

namespace cinepress {
namespace {

Error FieldError(std::string message, std::string field) {
  return Error{ErrorCode::kInvalidInput, std::move(message), {}, 0, std::move(field)};
}

Result<EditSaved> Save(ContentStore& store, const Article& edited, const Article* stored,
                       EditAction action, const CollectionSaver& saver) {
  auto applied = ApplyEditAction(edited, stored, action, saver.now, 0);
  if (!applied) return applied.error();
  EditSave save{*applied, saver.based_on, saver.author, action, saver.now};
  save.before = stored;
  return SaveEdit(store, save);
}

}  // namespace

Result<EditSaved> SaveCollectionFields(ContentStore& store, const Article* stored,
                                       const CollectionFields& fields, EditAction action,
                                       const CollectionSaver& saver,
                                       const std::vector<Article>& articles) {
  Article a = stored ? *stored : Article{};
  a.kind = ArticleKind::kArticle;
  a.section = std::string(kCollectionsSection);
  a.title = std::string(Trim(fields.title));
  if (a.title.empty()) return FieldError("a collection needs a title", "title");
  const std::string slug(Trim(fields.slug));
  a.slug = slug.empty() ? Slugify(a.title) : slug;
  if (!IsValidSlug(a.slug)) {
    return FieldError("\"" + a.slug + "\" is not a slug (lower-case letters, digits, hyphens)",
                      "slug");
  }
  for (const Article& other : articles) {
    if (IsCollection(other) && other.slug == a.slug && other.id != a.id) {
      return Error{ErrorCode::kConflict,
                   "\"" + other.title + "\" has the address /collections/" + a.slug + "/ already",
                   {},
                   0,
                   "slug"};
    }
  }
  a.dek = std::string(Trim(fields.dek));
  a.body_markdown = fields.intro;
  a.word_count = CountWords(a.body_markdown);
  if (!stored) a.source_path = "content/collections/" + a.slug + ".md";
  return Save(store, a, stored, action, saver);
}

Result<EditSaved> SaveCollectionEntries(ContentStore& store, const Article& stored,
                                        std::vector<std::string> entries,
                                        const CollectionSaver& saver) {
  Article a = stored;
  a.items = std::move(entries);
  return Save(store, a, &stored, EditAction::kSave, saver);
}

Status DeleteCollection(ContentStore& store, int64_t id, int64_t based_on) {
  if (auto s = store.BeginTransaction(); !s) return s;
  auto revisions = store.LoadRevisions(id);
  Status s = revisions ? Status() : Status(revisions.error());
  if (s && !revisions->empty() && revisions->front().id != based_on) {
    s = Error{ErrorCode::kConflict,
              "the collection was changed by someone else since you opened it",
              {},
              0,
              std::string(kRevisionField)};
  }
  if (s) s = store.DeleteArticle(id);
  if (s) s = store.Commit();
  if (!s) (void)store.Rollback();
  return s;
}

}  // namespace cinepress
