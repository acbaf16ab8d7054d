#include "ingest/site_data.h"

#include <yaml-cpp/yaml.h>

#include <map>

#include "core/slug.h"
#include "core/text.h"
#include "ingest/front_matter.h"
#include "ingest/front_matter_writer.h"

namespace cinepress {
namespace {

constexpr int kMaxMenuDepth = 16;  // a guard against a runaway file; WordPress nests deeper than 4
constexpr int kMaxPixels = 1000000;

void EmitItems(YAML::Emitter& out, const std::vector<MenuItem>& items) {
  out << YAML::BeginSeq;
  for (const MenuItem& item : items) {
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << item.name;
    out << YAML::Key << "url" << YAML::Value << YAML::DoubleQuoted << item.url;
    if (!item.children.empty()) {
      out << YAML::Key << "children" << YAML::Value;
      EmitItems(out, item.children);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

// A key written double-quoted, as every text is (a path such as "/?p=12" stays text).
void Key(FrontMatterWriter& y, const std::string& key) {
  y.emitter() << YAML::Key << YAML::DoubleQuoted << key << YAML::Value << YAML::BeginMap;
}

// The document of a data file: a map, or nothing (a problem when it is something else).
std::optional<YAML::Node> DataMap(const std::string& text, const std::string& rel,
                                  const std::string& what, std::vector<Error>& problems) {
  auto doc = LoadYaml(text, rel, 0, problems);
  if (!doc || doc->IsNull()) return std::nullopt;
  if (!doc->IsMap()) {
    problems.push_back(Error{ErrorCode::kInvalidInput, "must be " + what, rel, 1, {}});
    return std::nullopt;
  }
  return doc;
}

// Each entry of a data file's map made into a T by `entry(f, key, value)` (nothing: left out,
// its problem recorded).
template <typename T, typename Entry>
std::vector<T> ReadEntries(const std::string& text, const std::string& rel, const std::string& what,
                           std::vector<Error>& problems, Entry entry) {
  std::vector<T> out;
  auto doc = DataMap(text, rel, what, problems);
  if (!doc) return out;
  Fields f(rel, 0, problems);
  for (const auto& kv : *doc) {
    if (std::optional<T> item = entry(f, kv.first, kv.second)) out.push_back(std::move(*item));
  }
  return out;
}

// A data file whose entries each hold several values (a taxonomy's terms), in one list.
template <typename T>
std::vector<T> Flatten(std::vector<std::vector<T>> lists) {
  std::vector<T> out;
  for (std::vector<T>& list : lists) {
    for (T& item : list) out.push_back(std::move(item));
  }
  return out;
}

std::vector<MenuItem> ReadItems(Fields& f, const YAML::Node& list, const std::string& path,
                                int depth) {
  std::vector<MenuItem> out;
  if (!list || list.IsNull()) return out;
  if (!list.IsSequence()) {
    f.Problem(list, path, "must be a list of {name, url, children}");
    return out;
  }
  if (depth > kMaxMenuDepth) {
    f.Problem(list, path, "menus nest at most " + std::to_string(kMaxMenuDepth) + " deep");
    return out;
  }
  for (const YAML::Node& n : list) {
    if (!n.IsMap()) {
      f.Problem(n, path, "each item must be a map with name and url");
      continue;
    }
    MenuItem item;
    item.name = f.String(n, "name", path + ".name").value_or("");
    item.url = f.String(n, "url", path + ".url").value_or("");
    if (item.name.empty()) f.Problem(n, path + ".name", "a menu item needs a name");
    item.children = ReadItems(f, n["children"], path + ".children", depth + 1);
    out.push_back(std::move(item));
  }
  return out;
}

// The text of `rel` below `folder`, or nothing (absent; unreadable: a problem).
std::optional<std::string> ReadDataFile(const std::filesystem::path& folder, const char* rel,
                                        std::vector<Error>& problems) {
  std::error_code ec;
  if (!std::filesystem::exists(folder / rel, ec)) return std::nullopt;
  auto text = ReadFile(folder / rel);
  if (!text) {
    problems.push_back(Error{ErrorCode::kIo, text.error().message, rel, 0, {}});
    return std::nullopt;
  }
  return *text;
}

// A record's slug, `merged_into` and `updated`, read into `edit`; false (a problem recorded)
// when the entry is no map or its slug is no slug.
template <typename Edit>
bool ReadRecordHead(Fields& f, const YAML::Node& key, const YAML::Node& v, const TimeZone& tz,
                    Edit& edit) {
  edit.slug = key.Scalar();
  if (!IsValidSlug(edit.slug)) {
    f.Problem(key, edit.slug, "a record's key must be its slug (lowercase letters, digits, -)");
    return false;
  }
  if (!v.IsMap()) {
    f.Problem(v, edit.slug, "must be a map of the record's fields");
    return false;
  }
  edit.merged_into = f.String(v, "merged_into", edit.slug + ".merged_into").value_or("");
  edit.updated = f.Date(v, "updated", tz).value_or(0);
  return true;
}

// The record when its fields read without a problem (`problems` has no more than `before`) and
// the newsroom's check passes it, else nothing (the check's problem recorded at the entry).
template <typename Edit>
std::optional<Edit> Checked(Fields& f, const YAML::Node& v, Edit edit, Status (*check)(const Edit&),
                            const std::vector<Error>& problems, size_t before) {
  if (problems.size() != before) return std::nullopt;
  if (Status st = check(edit); !st) {
    f.Problem(v, edit.slug + "." + st.error().field, st.error().message);
    return std::nullopt;
  }
  return edit;
}

void WriteRecordTail(FrontMatterWriter& y, const std::string& merged_into, int64_t updated,
                     const TimeZone& tz) {
  y.Text("merged_into", merged_into);
  if (updated != 0) y.Text("updated", tz.Iso(updated));
  y.EndMap();
}

}  // namespace

std::string MenusYamlOf(const std::vector<StoredMenu>& menus) {
  FrontMatterWriter y;
  for (const StoredMenu& m : menus) {
    Key(y, m.slug);
    y.Text("name", m.name);
    y.Text("role", m.role);
    if (!m.items.empty()) {
      y.emitter() << YAML::Key << "items" << YAML::Value;
      EmitItems(y.emitter(), m.items);
    }
    y.EndMap();
  }
  return y.Finish();
}

std::vector<StoredMenu> ReadMenusYaml(const std::string& text, const std::string& rel,
                                      std::vector<Error>& problems) {
  return ReadEntries<StoredMenu>(
      text, rel, "a map from a menu's slug to its name, role and items", problems,
      [](Fields& f, const YAML::Node& key, const YAML::Node& v) -> std::optional<StoredMenu> {
        StoredMenu m;
        m.slug = key.Scalar();
        if (!v.IsMap()) {
          f.Problem(v, m.slug, "must be a map with name, role and items");
          return std::nullopt;
        }
        m.name = f.String(v, "name", m.slug + ".name").value_or("");
        m.role = f.String(v, "role", m.slug + ".role").value_or("");
        if (m.role != "" && m.role != "main" && m.role != "footer") {
          f.Problem(v["role"], m.slug + ".role", "must be main, footer or left out");
        }
        m.items = ReadItems(f, v["items"], m.slug + ".items", 1);
        return m;
      });
}

std::string RedirectsYamlOf(const std::vector<FolderRedirect>& redirects) {
  FrontMatterWriter y;
  for (const FolderRedirect& r : redirects) {
    Key(y, r.from);
    y.Text("article", r.article);
    y.Text("to", r.to);
    y.EndMap();
  }
  return y.Finish();
}

std::vector<FolderRedirect> ReadRedirectsYaml(const std::string& text, const std::string& rel,
                                              std::vector<Error>& problems) {
  return ReadEntries<FolderRedirect>(
      text, rel, "a map from an old address to {article: FILE} or {to: PATH}", problems,
      [](Fields& f, const YAML::Node& key, const YAML::Node& v) -> std::optional<FolderRedirect> {
        FolderRedirect r;
        r.from = key.Scalar();
        r.line = f.LineOf(key);
        if (r.from.empty() || r.from[0] != '/' || r.from.rfind("//", 0) == 0) {
          f.Problem(key, r.from, "an old address must be a path of this site (starting with /)");
          return std::nullopt;
        }
        if (!v.IsMap()) {
          f.Problem(v, r.from, "must be a map with article (a content file) or to (a path)");
          return std::nullopt;
        }
        r.article = f.String(v, "article", r.from + ".article").value_or("");
        r.to = f.String(v, "to", r.from + ".to").value_or("");
        if (r.article.empty() == r.to.empty()) {
          f.Problem(v, r.from, "needs one of article (a content file) or to (a path)");
          return std::nullopt;
        }
        if (!r.article.empty() &&
            (r.article.rfind("content/", 0) != 0 || !r.article.ends_with(".md"))) {
          f.Problem(v["article"], r.from + ".article", "must be an article's file (content/….md)");
          return std::nullopt;
        }
        return r;
      });
}

std::string MediaYamlOf(const std::vector<MediaDetails>& details, const TimeZone& tz) {
  FrontMatterWriter y;
  for (const MediaDetails& d : details) {
    Key(y, d.path);
    y.Text("alt", d.alt);
    y.Text("caption", d.caption);
    y.Text("credit", d.credit);
    y.Text("uploader", d.uploader);
    y.Text("type", d.type);
    y.Number("width", d.width);
    y.Number("height", d.height);
    if (d.uploaded != 0) y.Text("uploaded", tz.Iso(d.uploaded));
    y.EndMap();
  }
  return y.Finish();
}

std::vector<MediaDetails> ReadMediaYaml(const std::string& text, const std::string& rel,
                                        const TimeZone& tz, std::vector<Error>& problems) {
  return ReadEntries<MediaDetails>(
      text, rel, "a map from a media path to its alt text, caption and credit", problems,
      [&tz](Fields& f, const YAML::Node& key, const YAML::Node& v) -> std::optional<MediaDetails> {
        MediaDetails d;
        d.path = key.Scalar();
        if (!v.IsMap()) {
          f.Problem(v, d.path, "must be a map with alt, caption and credit");
          return std::nullopt;
        }
        d.alt = f.String(v, "alt", d.path + ".alt").value_or("");
        d.caption = f.String(v, "caption", d.path + ".caption").value_or("");
        d.credit = f.String(v, "credit", d.path + ".credit").value_or("");
        d.uploader = f.String(v, "uploader", d.path + ".uploader").value_or("");
        d.type = f.String(v, "type", d.path + ".type").value_or("");
        d.width = f.Int(v, "width", d.path + ".width", 0, kMaxPixels).value_or(0);
        d.height = f.Int(v, "height", d.path + ".height", 0, kMaxPixels).value_or(0);
        d.uploaded = f.Date(v, "uploaded", tz).value_or(0);
        return d;
      });
}

std::string AliasesYamlOf(const std::vector<FolderAlias>& aliases) {
  std::map<std::string, std::vector<const FolderAlias*>> by_article;
  for (const FolderAlias& a : aliases) by_article[a.article].push_back(&a);
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const auto& [article, list] : by_article) {
    out << YAML::Key << YAML::DoubleQuoted << article << YAML::Value << YAML::BeginSeq;
    for (const FolderAlias* a : list) {
      out << YAML::Flow << YAML::BeginMap;
      if (a->kind == ArticleKind::kPage) out << YAML::Key << "kind" << YAML::Value << "page";
      if (!a->section.empty()) {
        out << YAML::Key << "section" << YAML::Value << YAML::DoubleQuoted << a->section;
      }
      out << YAML::Key << "slug" << YAML::Value << YAML::DoubleQuoted << a->slug;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  return by_article.empty() ? "" : std::string(out.c_str()) + "\n";
}

std::vector<FolderAlias> ReadAliasesYaml(const std::string& text, const std::string& rel,
                                         std::vector<Error>& problems) {
  auto lists = ReadEntries<std::vector<FolderAlias>>(
      text, rel, "a map from an article's file to its old addresses", problems,
      [](Fields& f, const YAML::Node& key,
         const YAML::Node& v) -> std::optional<std::vector<FolderAlias>> {
        const std::string article = key.Scalar();
        if (!v.IsSequence()) {
          f.Problem(v, article, "must be a list of {kind, section, slug}");
          return std::nullopt;
        }
        std::vector<FolderAlias> out;
        for (const YAML::Node& n : v) {
          FolderAlias a{article, ArticleKind::kArticle, "", "", f.LineOf(n)};
          if (!n.IsMap()) {
            f.Problem(n, article, "each old address must be a map with section and slug");
            continue;
          }
          const std::string kind = f.String(n, "kind", article + ".kind").value_or("article");
          if (kind != "article" && kind != "page") {
            f.Problem(n["kind"], article + ".kind", "must be article or page");
          }
          a.kind = kind == "page" ? ArticleKind::kPage : ArticleKind::kArticle;
          a.section = f.String(n, "section", article + ".section").value_or("");
          a.slug = f.String(n, "slug", article + ".slug").value_or("");
          if (a.slug.empty()) f.Problem(n, article + ".slug", "an old address needs its slug");
          out.push_back(std::move(a));
        }
        return out;
      });
  return Flatten(std::move(lists));
}

std::string TermsYamlOf(const std::vector<Term>& terms) {
  std::map<std::string, std::vector<const Term*>> by_taxonomy;
  for (const Term& t : terms) by_taxonomy[t.taxonomy].push_back(&t);
  FrontMatterWriter y;
  for (const auto& [taxonomy, list] : by_taxonomy) {
    Key(y, taxonomy);
    for (const Term* t : list) {
      Key(y, t->slug);
      y.Text("name", t->name);
      y.Text("parent", t->parent);
      y.Text("description", t->description);
      y.EndMap();
    }
    y.EndMap();
  }
  return y.Finish();
}

std::vector<Term> ReadTermsYaml(const std::string& text, const std::string& rel,
                                std::vector<Error>& problems) {
  auto lists = ReadEntries<std::vector<Term>>(
      text, rel, "a map from a taxonomy to its terms", problems,
      [](Fields& f, const YAML::Node& key,
         const YAML::Node& v) -> std::optional<std::vector<Term>> {
        const std::string taxonomy = key.Scalar();
        if (!v.IsMap()) {
          f.Problem(v, taxonomy,
                    "must be a map from a term's slug to its name, parent, description");
          return std::nullopt;
        }
        std::vector<Term> out;
        for (const auto& kv : v) {
          Term t{taxonomy, kv.first.Scalar(), "", "", ""};
          const std::string path = taxonomy + "." + t.slug;
          if (!kv.second.IsMap()) {
            f.Problem(kv.second, path, "must be a map with name, parent and description");
            continue;
          }
          t.name = f.String(kv.second, "name", path + ".name").value_or("");
          t.parent = f.String(kv.second, "parent", path + ".parent").value_or("");
          t.description = f.String(kv.second, "description", path + ".description").value_or("");
          out.push_back(std::move(t));
        }
        return out;
      });
  return Flatten(std::move(lists));
}

std::string FilmRecordsYamlOf(const std::vector<FilmEdit>& films, const TimeZone& tz) {
  FrontMatterWriter y;
  for (const FilmEdit& e : films) {
    Key(y, e.slug);
    y.FilmFacts(e.film);
    WriteRecordTail(y, e.merged_into, e.updated, tz);
  }
  return y.Finish();
}

std::vector<FilmEdit> ReadFilmRecordsYaml(const std::string& text, const std::string& rel,
                                          const TimeZone& tz, std::vector<Error>& problems) {
  return ReadEntries<FilmEdit>(
      text, rel, "a map from a film record's slug to its facts", problems,
      [&](Fields& f, const YAML::Node& key, const YAML::Node& v) -> std::optional<FilmEdit> {
        const size_t before = problems.size();
        FilmEdit e;
        if (!ReadRecordHead(f, key, v, tz, e)) return std::nullopt;
        e.film = f.FilmFacts(v, e.slug);
        return Checked(f, v, std::move(e), &CheckFilmEdit, problems, before);
      });
}

std::string PersonRecordsYamlOf(const std::vector<PersonEdit>& people, const TimeZone& tz) {
  FrontMatterWriter y;
  for (const PersonEdit& e : people) {
    Key(y, e.slug);
    y.Text("sort_name", e.sort_name);
    y.List("jobs", e.jobs);
    y.Ids(e.ids);
    y.Text("bio", e.bio);
    y.Image("portrait", e.portrait);
    y.Links("links", e.links);
    WriteRecordTail(y, e.merged_into, e.updated, tz);
  }
  return y.Finish();
}

std::vector<PersonEdit> ReadPersonRecordsYaml(const std::string& text, const std::string& rel,
                                              const TimeZone& tz, std::vector<Error>& problems) {
  return ReadEntries<PersonEdit>(
      text, rel, "a map from a person's slug to their record", problems,
      [&](Fields& f, const YAML::Node& key, const YAML::Node& v) -> std::optional<PersonEdit> {
        const size_t before = problems.size();
        PersonEdit e;
        if (!ReadRecordHead(f, key, v, tz, e)) return std::nullopt;
        e.sort_name = f.String(v, "sort_name", e.slug + ".sort_name").value_or("");
        e.jobs = f.List(v, "jobs", e.slug + ".jobs");
        e.ids = f.Ids(v, e.slug);
        e.bio = f.String(v, "bio", e.slug + ".bio").value_or("");
        e.portrait = f.ImageAt(v, "portrait", e.slug + ".portrait");
        e.links = f.Links(v, "links", e.slug + ".links");
        return Checked(f, v, std::move(e), &CheckPersonEdit, problems, before);
      });
}

RecordEdits ReadRecordData(const std::filesystem::path& folder, const TimeZone& tz,
                           std::vector<Error>& problems) {
  RecordEdits out;
  if (auto text = ReadDataFile(folder, "data/film_records.yaml", problems)) {
    out.films = ReadFilmRecordsYaml(*text, "data/film_records.yaml", tz, problems);
  }
  if (auto text = ReadDataFile(folder, "data/person_records.yaml", problems)) {
    out.people = ReadPersonRecordsYaml(*text, "data/person_records.yaml", tz, problems);
  }
  return out;
}

Result<size_t> WriteRecordData(RecordStore& store, const RecordEdits& records) {
  for (const FilmEdit& e : records.films) {
    if (auto st = store.SaveFilmEdit(e); !st) return st.error();
  }
  for (const PersonEdit& e : records.people) {
    if (auto st = store.SavePersonEdit(e); !st) return st.error();
  }
  return records.films.size() + records.people.size();
}

SiteData ReadSiteData(const std::filesystem::path& folder, const TimeZone& tz,
                      const std::function<bool(const std::string&)>& is_article,
                      const std::function<bool(const std::string&)>& is_media,
                      std::vector<Error>& problems) {
  SiteData out;
  auto read = [&](const char* rel) { return ReadDataFile(folder, rel, problems); };
  if (auto text = read("data/menus.yaml"))
    out.menus = ReadMenusYaml(*text, "data/menus.yaml", problems);
  if (auto text = read("data/redirects.yaml")) {
    out.redirects = ReadRedirectsYaml(*text, "data/redirects.yaml", problems);
    for (const FolderRedirect& r : out.redirects) {
      if (r.article.empty() || is_article(r.article)) continue;
      problems.push_back(Error{ErrorCode::kInvalidInput,
                               "\"" + r.article + "\" is not an article's file of this folder",
                               "data/redirects.yaml", r.line, r.from + ".article"});
    }
  }
  if (auto text = read("data/aliases.yaml")) {
    out.aliases = ReadAliasesYaml(*text, "data/aliases.yaml", problems);
    for (const FolderAlias& a : out.aliases) {
      if (is_article(a.article)) continue;
      problems.push_back(Error{ErrorCode::kInvalidInput,
                               "\"" + a.article + "\" is not an article's file of this folder",
                               "data/aliases.yaml", a.line, a.article});
    }
  }
  if (auto text = read("data/terms.yaml")) {
    out.terms = ReadTermsYaml(*text, "data/terms.yaml", problems);
  }
  if (auto text = read("data/media.yaml")) {
    out.media = ReadMediaYaml(*text, "data/media.yaml", tz, problems);
    for (const MediaDetails& d : out.media) {
      if (is_media(d.path)) continue;
      problems.push_back(Error{ErrorCode::kInvalidInput,
                               "\"" + d.path + "\" is not a media file (static/" + d.path + ")",
                               "data/media.yaml", 0, d.path});
    }
  }
  return out;
}

Result<size_t> WriteSiteData(ContentStore& store, const SiteData& data,
                             const std::function<int64_t(const std::string&)>& id_of) {
  size_t saved = 0;  // redirects and old addresses (those of skipped articles are not)
  for (const StoredMenu& m : data.menus) {
    if (auto st = store.SaveMenu(m); !st) return st.error();
  }
  for (const FolderRedirect& r : data.redirects) {
    UrlRedirect stored{r.from, 0, r.to};
    if (!r.article.empty() && (stored.article_id = id_of(r.article)) == 0) continue;
    if (auto st = store.SaveRedirect(stored); !st) return st.error();
    ++saved;
  }
  for (const MediaDetails& d : data.media) {
    if (auto st = store.SaveMediaDetails(d); !st) return st.error();
  }
  for (const FolderAlias& a : data.aliases) {
    const int64_t id = id_of(a.article);
    if (id == 0) continue;
    if (auto st = store.SaveAlias(ArticleAlias{id, a.kind, a.section, a.slug}); !st) {
      return st.error();
    }
    ++saved;
  }
  for (const Term& t : data.terms) {
    if (auto st = store.SaveTerm(t); !st) return st.error();
  }
  return saved + data.menus.size() + data.media.size() + data.terms.size();
}

}  // namespace cinepress
