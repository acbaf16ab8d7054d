// The newsroom's collections (issue #15): curated, ordered lists — "Directors We Love" — kept
// as articles of the section "collections" (the site shows them at /collections/{slug}/ and in
// no list), made, edited, reordered and deleted as plain functions over the ContentStore role.
// Every save goes through the editor's SaveEdit (staff/editing.h): it is a revision, and one
// based on an older revision than the newest is refused as a conflict (kConflict, field
// "revision"), never merged. No save queues a webhook: there is no collection event.
//
// Contract: plain functions; each uses the store given (one thread at a time, as any store).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/collection.h"
#include "content/content_store.h"
#include "content/model.h"
#include "staff/editing.h"

namespace cinepress {

// What the newsroom's collection form edits (the entries are edited apart, one change a post).
struct CollectionFields {
  std::string title;
  std::string slug;   // empty: made from the title
  std::string dek;    // one line of Markdown
  std::string intro;  // the body: Markdown
};

// Who saves, when, and from which revision (0: a new collection, or one never saved here).
struct CollectionSaver {
  std::string author;  // a staff member's address
  int64_t based_on = 0;
  int64_t now = 0;
};

// `stored` (null: a new collection, a draft) with `fields`, saved as `action` (save, publish,
// unpublish). A missing title or a slug that is not one is an error naming the field; a slug
// another of `articles` (the store's, without bodies) has as a collection is kConflict naming
// "slug".
Result<EditSaved> SaveCollectionFields(ContentStore& store, const Article* stored,
                                       const CollectionFields& fields, EditAction action,
                                       const CollectionSaver& saver,
                                       const std::vector<Article>& articles);

// `stored` (with its body) saved with `entries` in their new order (content/collection.h).
Result<EditSaved> SaveCollectionEntries(ContentStore& store, const Article& stored,
                                        std::vector<std::string> entries,
                                        const CollectionSaver& saver);

// Deletes the collection `id` (its revisions with it) unless it has a revision newer than
// `based_on` (kConflict, field "revision": someone changed it since the page was opened).
Status DeleteCollection(ContentStore& store, int64_t id, int64_t based_on);

}  // namespace cinepress
