#include "ingest/wordpress.h"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "core/slug.h"
#include "core/text.h"
#include "ingest/media_file.h"
#include "ingest/wordpress_phases.h"
#include "render/html_text.h"

namespace cinepress {
namespace fs = std::filesystem;
namespace {

// ---------------------------------------------------------------------------------------------
// Phase 3: writing (phases 1 and 2 are wordpress_index.cc and wordpress_convert.cc).

bool SameMenus(const std::vector<MenuItem>& a, const std::vector<MenuItem>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].url != b[i].url ||
        !SameMenus(a[i].children, b[i].children)) {
      return false;
    }
  }
  return true;
}

// What the store held before the import, to tell added, updated and unchanged apart.
struct StoredState {
  std::vector<Author> authors;
  std::vector<Section> sections;
  std::vector<Term> terms;
  std::vector<Comment> comments;
  std::vector<UrlRedirect> redirects;
  std::vector<StoredMenu> menus;
  std::unordered_map<std::string, std::string> media_hash;  // path -> content hash
};

Result<StoredState> LoadStoredState(ContentStore& store) {
  StoredState s;
  auto authors = store.LoadAuthors();
  if (!authors) return authors.error();
  auto sections = store.LoadSections();
  if (!sections) return sections.error();
  auto terms = store.LoadTerms();
  if (!terms) return terms.error();
  auto comments = store.LoadComments();
  if (!comments) return comments.error();
  auto redirects = store.LoadRedirects();
  if (!redirects) return redirects.error();
  auto menus = store.LoadMenus();
  if (!menus) return menus.error();
  auto media = store.LoadMediaList();
  if (!media) return media.error();
  s.authors = std::move(*authors);
  s.sections = std::move(*sections);
  s.terms = std::move(*terms);
  s.comments = std::move(*comments);
  s.redirects = std::move(*redirects);
  s.menus = std::move(*menus);
  for (const MediaFile& m : *media) s.media_hash[m.path] = m.hash;
  return s;
}

Status WriteAuthors(ContentStore& store, const WpIndex& index, const StoredState& stored,
                    WordPressReport& report) {
  std::set<std::string> done;
  for (const auto& [login, au] : index.authors) {
    if (!done.insert(au.id).second) continue;
    bool same = false, exists = false;
    for (const Author& old : stored.authors) {
      if (old.id == au.id) {
        exists = true;
        same = old == au || !old.bio.empty() || !old.role.empty();  // edited here: kept
      }
    }
    if (same) {
      ++report.authors.unchanged;
      continue;
    }
    if (auto s = store.SaveAuthor(au); !s) return s;
    (exists ? report.authors.updated : report.authors.added)++;
  }
  return {};
}

// The section posts go into, when the store has none by that name. True: written.
Result<bool> WriteSection(ContentStore& store, const StoredState& stored,
                          const WordPressOptions& options) {
  for (const Section& sec : stored.sections) {
    if (sec.key == options.section) return false;
  }
  if (auto s = store.SaveSection(Section{options.section, options.section_title, ""}); !s) {
    return s.error();
  }
  return true;
}

// Categories and tags, with their hierarchy.
Status WriteTerms(ContentStore& store, const WpIndex& index, const StoredState& stored,
                  WordPressReport& report) {
  std::map<std::pair<std::string, std::string>, Term> have;
  for (const Term& t : stored.terms) have[{t.taxonomy, t.slug}] = t;
  for (const auto& [key, t] : index.wxr.terms) {
    if (t.taxonomy == "nav_menu") continue;
    Term term{t.taxonomy, t.slug, t.name, t.parent, t.description};
    WordPressReport::Count* count = t.taxonomy == "category"   ? &report.categories
                                    : t.taxonomy == "post_tag" ? &report.tags
                                                               : nullptr;
    auto it = have.find(key);
    if (it != have.end() && it->second == term) {
      if (count) ++count->unchanged;
      continue;
    }
    if (auto s = store.SaveTerm(term); !s) return s;
    if (count) (it == have.end() ? count->added : count->updated)++;
  }
  return {};
}

// Files, each stored once: unchanged when the store has the same bytes at that path.
Status WriteMedia(ContentStore& store, const std::string& path, const fs::path& from,
                  StoredState& stored, WordPressReport& report) {
  auto it = stored.media_hash.find(path);
  auto written =
      StoreMediaFile(store, path, from, it != stored.media_hash.end() ? &it->second : nullptr);
  if (!written) return written.error();
  (written->change == MediaChange::kUnchanged ? report.attachments.unchanged
   : written->change == MediaChange::kAdded   ? report.attachments.added
                                              : report.attachments.updated)++;
  stored.media_hash[path] = written->hash;
  return {};
}

// What one converted item adds to the report, besides added/updated/unchanged.
void CountConverted(const WpConverted& c, int64_t now, WordPressReport& report) {
  const Article& a = c.article;
  if (a.password_protected) ++report.password_protected;
  if (a.status == "draft") ++report.drafts;
  if (a.status == "pending") ++report.pending;
  if (a.status == "future") ++report.scheduled;
  if (a.status == "private") ++report.private_posts;
  if (a.IsPublishedAt(now)) ++report.published;
  if (a.featured) ++report.sticky;
  if (a.image) ++report.with_featured_image;
  for (const Comment& m : c.comments) {
    if (m.status == "approved") ++report.comments_approved;
    if (m.status == "pending") ++report.comments_pending;
    if (m.status == "spam") ++report.comments_spam;
    if (m.type == "pingback" || m.type == "trackback") ++report.pingbacks;
  }
  report.content.Add(c.content);
  report.links_rewritten += c.rewrites.links;
  report.media_references_rewritten += c.rewrites.media;
  report.notes.insert(report.notes.end(), c.notes.begin(), c.notes.end());
}

// An article and its comments; the article's store id.
Result<int64_t> WriteArticle(ContentStore& store, WpConverted& c,
                             const std::unordered_map<std::string, const Article*>& by_source,
                             const std::map<std::pair<int64_t, std::string>, const Comment*>& have,
                             WordPressReport& report) {
  Article& a = c.article;
  WordPressReport::Count& count = a.kind == ArticleKind::kPage ? report.pages : report.posts;
  int64_t id = 0;
  if (auto it = by_source.find(a.source_path); it != by_source.end()) {
    id = it->second->id;
    if (it->second->source_hash == a.source_hash) {
      ++count.unchanged;
    } else {
      a.id = id;
      if (auto s = store.SaveArticle(a); !s) return s.error();
      ++count.updated;
    }
  } else {
    auto saved = store.SaveArticle(a);
    if (!saved) return saved.error();
    id = *saved;
    ++count.added;
  }
  for (Comment& m : c.comments) {
    m.article_id = id;
    auto old = have.find({m.article_id, m.source_id});
    if (old != have.end() && *old->second == m) {
      ++report.comments.unchanged;
      continue;
    }
    if (auto s = store.SaveComment(m); !s) return s.error();
    (old == have.end() ? report.comments.added : report.comments.updated)++;
  }
  return id;
}

// Posts and pages, streamed again: one item converted and written at a time. Fills `store_id`
// (WordPress id -> article id) and the uploads files the bodies use that the index did not know.
Status WritePosts(ContentStore& store, const fs::path& file, const WpIndex& index,
                  const std::vector<Article>& stored, const StoredState& state,
                  const WordPressOptions& options, WordPressReport& report,
                  std::unordered_map<std::string, int64_t>& store_id,
                  std::set<std::string>& extra_media) {
  std::unordered_map<std::string, const Article*> by_source;
  for (const Article& a : stored) {
    if (!a.source_path.empty()) by_source[a.source_path] = &a;
  }
  std::map<std::pair<int64_t, std::string>, const Comment*> have;
  for (const Comment& c : state.comments) have[{c.article_id, c.source_id}] = &c;
  size_t written = 0;
  std::unordered_set<std::string> written_ids;
  WxrCallbacks write;
  write.item = [&](const WxrItem& i) -> Status {
    if (written_ids.count(i.post_id)) return {};  // a duplicate id (reported by the index)
    auto converted = ConvertWordPressItem(i, index, options);
    if (!converted) return {};
    written_ids.insert(i.post_id);
    if (++written % 5000 == 0 && options.progress) {
      options.progress("wrote " + std::to_string(written) + " items");
    }
    CountConverted(*converted, options.now, report);
    extra_media.insert(converted->rewrites.extra_media.begin(),
                       converted->rewrites.extra_media.end());
    auto id = WriteArticle(store, *converted, by_source, have, report);
    if (!id) return id.error();
    store_id[i.post_id] = *id;
    return {};
  };
  if (options.progress) options.progress("converting and writing");
  return ReadWxrFile(file, write);
}

// Old addresses: every post's and page's (when it moved), and the lists'.
Status WriteRedirects(ContentStore& store, const WpIndex& index, const StoredState& stored,
                      const std::unordered_map<std::string, int64_t>& store_id,
                      WordPressReport& report) {
  std::unordered_map<std::string, UrlRedirect> have;
  for (const UrlRedirect& r : stored.redirects) have[r.from] = r;
  auto save = [&](const UrlRedirect& r) -> Status {
    ++report.redirects.found;
    auto it = have.find(r.from);
    if (it != have.end() && it->second == r) {
      ++report.redirects.unchanged;
      return {};
    }
    (it == have.end() ? report.redirects.added : report.redirects.updated)++;
    return store.SaveRedirect(r);
  };
  for (const auto& [old, id] : index.post_by_old) {
    auto it = store_id.find(id);
    if (it == store_id.end() || old == index.wxr.posts.at(id).new_url) continue;
    if (auto s = save(UrlRedirect{old, it->second, ""}); !s) return s;
  }
  for (const auto& [old, to] : index.list_by_old) {
    if (old == to) continue;
    if (auto s = save(UrlRedirect{old, 0, to}); !s) return s;
  }
  return {};
}

// Which WordPress menu is the site's main menu and which its footer's (slugs; "" when none).
std::pair<std::string, std::string> MenuRoles(
    const WpIndex& index, const std::map<std::string, std::vector<const WpMenuItem*>>& by_menu,
    const WordPressOptions& options) {
  std::string main = options.main_menu;
  if (main.empty()) {
    for (const auto& [slug, t] : index.menus) {
      std::string n = AsciiLower(t->name + " " + slug);
      for (const char* word : {"main", "primary", "header", "top"}) {
        if (main.empty() && n.find(word) != std::string::npos && by_menu.count(slug)) main = slug;
      }
    }
  }
  if (main.empty()) {
    size_t best = 0;
    for (const auto& [slug, items] : by_menu) {
      size_t top = 0;
      for (const WpMenuItem* m : items) top += m->parent.empty() || m->parent == "0";
      // The fullest menu that still fits a header.
      if (top <= 8 && items.size() > best) {
        best = items.size();
        main = slug;
      }
    }
  }
  std::string footer;
  for (const auto& [slug, t] : index.menus) {
    std::string n = AsciiLower(t->name + " " + slug);
    if (footer.empty() && slug != main && by_menu.count(slug) &&
        (n.find("footer") != std::string::npos || n.find("social") != std::string::npos)) {
      footer = slug;
    }
  }
  return {main, footer};
}

// One menu item: the new address of what it points at; false when it points at nothing here.
bool MenuItemOf(const WpMenuItem& m, const std::string& menu_name, const WpIndex& index,
                const WordPressOptions& options, WordPressReport& report, WpRewrites& rewrites,
                MenuItem& item) {
  item.name = m.title;
  if (m.type == "post_type") {
    auto it = index.wxr.posts.find(m.object_id);
    if (it == index.wxr.posts.end() || !index.WillPublish(it->second, options.now)) {
      ++report.menu_items.skipped;
      report.skipped.push_back("menu item " + m.id + " in \"" + menu_name +
                               "\": it points at a post or page that is not published");
      return false;
    }
    item.url = it->second.new_url;
    if (item.name.empty()) item.name = HtmlToText(it->second.title);
  } else if (m.type == "taxonomy") {
    const WxrTerm* term = nullptr;
    for (const auto& [k, tt] : index.wxr.terms) {
      if (tt.id == m.object_id && tt.taxonomy == m.object) term = &tt;
    }
    if (!term) {
      ++report.menu_items.skipped;
      report.skipped.push_back("menu item " + m.id + ": its " + m.object + " is not in the export");
      return false;
    }
    item.url =
        ExpandPermalink(m.object == "post_tag" ? index.permalinks.tag : index.permalinks.category,
                        {{"slug", Slugify(term->name)}});
    if (item.name.empty()) item.name = term->name;
  } else {
    item.url = RewriteOldUrl(index, m.url, options.now, rewrites);
    if (!IsSafeUrl(item.url, false)) item.url = "#";
  }
  if (item.name.empty()) item.name = item.url;
  return true;
}

// Each WordPress menu as a tree by parent ids; one becomes the main menu, one the footer's.
std::vector<StoredMenu> MenusOf(const WpIndex& index, const WordPressOptions& options,
                                WordPressReport& report, WpRewrites& rewrites) {
  std::map<std::string, std::vector<const WpMenuItem*>> by_menu;
  for (const WpMenuItem& m : index.wxr.menu_items) by_menu[m.menu].push_back(&m);
  const auto [main, footer] = MenuRoles(index, by_menu, options);
  std::vector<StoredMenu> menus;
  for (const auto& [slug, t] : index.menus) {
    StoredMenu menu{slug, t->name, slug == main ? "main" : slug == footer ? "footer" : "", {}};
    std::vector<const WpMenuItem*> items = by_menu[slug];
    std::stable_sort(items.begin(), items.end(),
                     [](const WpMenuItem* x, const WpMenuItem* y) { return x->order < y->order; });
    std::function<std::vector<MenuItem>(const std::string&, int)> build =
        [&](const std::string& parent, int depth) {
          std::vector<MenuItem> out;
          if (depth > 10) return out;
          for (const WpMenuItem* m : items) {
            std::string mp = m->parent == "0" ? "" : m->parent;
            if (mp != parent) continue;
            MenuItem item;
            if (!MenuItemOf(*m, menu.name, index, options, report, rewrites, item)) continue;
            item.children = build(m->id, depth + 1);
            out.push_back(std::move(item));
          }
          return out;
        };
    menu.items = build("", 0);
    menus.push_back(std::move(menu));
  }
  return menus;
}

size_t CountMenuItems(const std::vector<MenuItem>& items) {
  size_t n = items.size();
  for (const MenuItem& i : items) n += CountMenuItems(i.children);
  return n;
}

// Menus; their items count as the menu does: added, updated or unchanged with it.
Status WriteMenus(ContentStore& store, const std::vector<StoredMenu>& menus,
                  const StoredState& stored, WordPressReport& report) {
  std::map<std::string, StoredMenu> have;
  for (const StoredMenu& m : stored.menus) have[m.slug] = m;
  for (const StoredMenu& menu : menus) {
    const size_t item_count = CountMenuItems(menu.items);
    auto it = have.find(menu.slug);
    if (it != have.end() && it->second.name == menu.name && it->second.role == menu.role &&
        SameMenus(it->second.items, menu.items)) {
      ++report.menus.unchanged;
      report.menu_items.unchanged += item_count;
      continue;
    }
    if (auto s = store.SaveMenu(menu); !s) return s;
    (it == have.end() ? report.menus.added : report.menus.updated)++;
    (it == have.end() ? report.menu_items.added : report.menu_items.updated) += item_count;
  }
  return {};
}

Status WriteAll(ContentStore& store, const fs::path& file, const WpIndex& index,
                const std::vector<Article>& stored, StoredState& state,
                const WordPressOptions& options, WordPressReport& report, bool& section_written) {
  if (auto s = WriteAuthors(store, index, state, report); !s) return s;
  auto section = WriteSection(store, state, options);
  if (!section) return section.error();
  section_written = *section;
  if (auto s = WriteTerms(store, index, state, report); !s) return s;
  for (const auto& [path, from] : index.files.to_store) {
    if (auto s = WriteMedia(store, path, from, state, report); !s) return s;
  }
  std::unordered_map<std::string, int64_t> store_id;
  std::set<std::string> extra_media;
  if (auto s =
          WritePosts(store, file, index, stored, state, options, report, store_id, extra_media);
      !s) {
    return s;
  }
  WpRewrites menu_rewrites;
  std::vector<StoredMenu> menus = MenusOf(index, options, report, menu_rewrites);
  report.links_rewritten += menu_rewrites.links;
  report.media_references_rewritten += menu_rewrites.media;
  extra_media.insert(menu_rewrites.extra_media.begin(), menu_rewrites.extra_media.end());
  for (const std::string& rel : extra_media) {
    if (auto s = WriteMedia(store, "wp-content/uploads/" + rel, index.files.uploads / rel, state,
                            report);
        !s) {
      return s;
    }
  }
  if (auto s = WriteRedirects(store, index, state, store_id, report); !s) return s;
  return WriteMenus(store, menus, state, report);
}

}  // namespace

Status WriteWordPress(ContentStore& store, const fs::path& file, const WpIndex& index,
                      const std::vector<Article>& stored, const WordPressOptions& options,
                      WordPressReport& report) {
  auto state = LoadStoredState(store);
  if (!state) return state.error();
  // A whole blog's posts at once: a bulk transaction (see ContentStore::BeginBulkTransaction).
  const bool bulk = index.wxr.posts.size() >= ContentStore::kBulkArticles;
  if (auto s = bulk ? store.BeginBulkTransaction() : store.BeginTransaction(); !s) return s;
  bool section_written = false;
  if (auto s = WriteAll(store, file, index, stored, *state, options, report, section_written); !s) {
    (void)store.Rollback();
    return s;
  }
  if (auto s = store.Commit(); !s) {
    (void)store.Rollback();
    return s;
  }
  // "written" says whether the store changed, not that the run got this far.
  report.written = section_written;
  for (const WordPressReport::Count* c :
       {&report.posts, &report.pages, &report.attachments, &report.comments, &report.authors,
        &report.categories, &report.tags, &report.menus, &report.menu_items, &report.redirects}) {
    report.written = report.written || c->added + c->updated > 0;
  }
  return {};
}

Result<WordPressReport> ImportWordPress(ContentStore& store, const fs::path& file,
                                        const TimeZone& tz, const WordPressOptions& options) {
  WordPressReport report;
  auto stored = store.LoadArticles(false);
  if (!stored) return stored.error();
  auto index = IndexWordPress(file, *stored, tz, options, report);
  if (!index) return index.error();
  if (auto s = WriteWordPress(store, file, *index, *stored, options, report); !s) return s.error();
  return report;
}

// ---------------------------------------------------------------------------------------------
// The report.

std::string WordPressReport::ToText() const {
  std::ostringstream o;
  auto line = [&](const char* what, const Count& c) {
    o << "  " << what << ": " << c.found << " found, " << c.added << " added, " << c.updated
      << " updated, " << c.unchanged << " unchanged, " << c.skipped << " skipped\n";
  };
  o << "import-wordpress: WXR " << (wxr_version.empty() ? "?" : wxr_version) << "\n";
  line("posts", posts);
  line("pages", pages);
  line("attachments", attachments);
  line("comments", comments);
  line("authors", authors);
  line("categories", categories);
  line("tags", tags);
  line("menus", menus);
  line("menu items", menu_items);
  line("redirects", redirects);
  o << "  on the new site: " << published << " published, " << drafts << " drafts, " << pending
    << " pending, " << scheduled << " scheduled, " << private_posts << " private, "
    << password_protected << " password-protected (kept unpublished), " << sticky
    << " sticky (featured), " << nested_pages << " nested pages, " << with_featured_image
    << " with a featured image\n";
  o << "  comments: " << comments_approved << " approved, " << comments_pending << " pending, "
    << comments_spam << " spam, " << pingbacks << " pingbacks and trackbacks\n";
  o << "  content: " << content.shortcodes << " shortcodes converted, " << content.shortcodes_empty
    << " with nothing to show, " << content.block_comments << " block-editor comments removed, "
    << content.elements_removed << " unsafe or foreign elements and " << content.attributes_removed
    << " attributes removed, " << links_rewritten << " internal links and "
    << media_references_rewritten << " file references rewritten\n";
  if (content.blocks_rendered > 0) {
    o << "  block-editor blocks drawn from the export: " << content.blocks_rendered
      << " (latest posts, archives, social links)\n";
  }
  if (!content.dropped_blocks.empty()) {
    o << "  dynamic blocks dropped (WordPress drew them when serving; nothing to show here):";
    for (const auto& [name, n] : content.dropped_blocks) o << " " << name << " ×" << n;
    o << "\n";
  }
  if (!content.unknown_shortcodes.empty()) {
    o << "  unknown shortcodes (left as written):";
    for (const auto& [name, n] : content.unknown_shortcodes) o << " [" << name << "] ×" << n;
    o << "\n";
  }
  o << "  files: " << media_from_uploads << " from the uploads folder, " << media_fetched
    << " fetched, " << missing_media.size() << " missing\n";
  for (const std::string& m : missing_media) o << "    missing: " << m << "\n";
  for (const std::string& s : skipped) o << "    skipped: " << s << "\n";
  for (const std::string& n : notes) o << "    note: " << n << "\n";
  if (!wordpress_permalinks.empty()) {
    o << "  the old site's post addresses were " << wordpress_permalinks
      << " (every old address redirects; to keep them as they are, import with "
         "--keep-permalinks)\n";
  }
  return o.str();
}

std::string WordPressReport::ToJson() const {
  using nlohmann::json;
  auto count = [](const Count& c) {
    return json{{"found", c.found},
                {"added", c.added},
                {"updated", c.updated},
                {"unchanged", c.unchanged},
                {"skipped", c.skipped}};
  };
  json j = {{"wxr_version", wxr_version},
            {"posts", count(posts)},
            {"pages", count(pages)},
            {"attachments", count(attachments)},
            {"comments", count(comments)},
            {"authors", count(authors)},
            {"categories", count(categories)},
            {"tags", count(tags)},
            {"menus", count(menus)},
            {"menu_items", count(menu_items)},
            {"redirects", count(redirects)},
            {"published", published},
            {"drafts", drafts},
            {"pending", pending},
            {"scheduled", scheduled},
            {"private", private_posts},
            {"password_protected", password_protected},
            {"sticky", sticky},
            {"nested_pages", nested_pages},
            {"with_featured_image", with_featured_image},
            {"comments_approved", comments_approved},
            {"comments_pending", comments_pending},
            {"comments_spam", comments_spam},
            {"pingbacks", pingbacks},
            {"links_rewritten", links_rewritten},
            {"media_references_rewritten", media_references_rewritten},
            {"media_from_uploads", media_from_uploads},
            {"media_fetched", media_fetched},
            {"shortcodes_converted", content.shortcodes},
            {"shortcodes_empty", content.shortcodes_empty},
            {"unknown_shortcodes", content.unknown_shortcodes},
            {"blocks_rendered", content.blocks_rendered},
            {"dropped_blocks", content.dropped_blocks},
            {"block_comments_removed", content.block_comments},
            {"elements_removed", content.elements_removed},
            {"attributes_removed", content.attributes_removed},
            {"missing_media", missing_media},
            {"skipped", skipped},
            {"notes", notes},
            {"wordpress_permalinks", wordpress_permalinks},
            {"written", written}};
  return j.dump(2);
}

}  // namespace cinepress
