#include "store/article_rows.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/parallel.h"
#include "core/text.h"
#include "store/record_rows.h"

namespace cinepress {

using nlohmann::json;

std::string ToJsonList(const std::vector<std::string>& list) { return nlohmann::json(list).dump(); }

std::vector<std::string> FromJsonList(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

// A person's bio, portrait and links (PersonProfile, Interviewee) as one JSON object.
json ProfileJson(const std::string& bio, const std::optional<Image>& portrait,
                 const std::vector<WebLink>& links) {
  json p = json::object();
  if (!bio.empty()) p["bio"] = bio;
  if (portrait) {
    p["portrait"] = {
        {"src", portrait->src}, {"alt", portrait->alt}, {"caption", portrait->caption}};
  }
  if (!links.empty()) {
    json list = json::array();
    for (const WebLink& l : links) list.push_back({{"name", l.name}, {"url", l.url}});
    p["links"] = std::move(list);
  }
  return p;
}

void ReadProfileJson(const json& p, std::string& bio, std::optional<Image>& portrait,
                     std::vector<WebLink>& links) {
  if (!p.is_object()) return;
  bio = p.value("bio", "");
  if (auto it = p.find("portrait"); it != p.end() && it->is_object()) {
    portrait = Image{it->value("src", ""), it->value("alt", ""), it->value("caption", "")};
  }
  if (auto it = p.find("links"); it != p.end() && it->is_array()) {
    for (const json& l : *it) {
      if (l.is_object()) links.push_back(WebLink{l.value("name", ""), l.value("url", "")});
    }
  }
}

json ToMeta(const Article& a) {
  json m = {{"authors", a.author_ids}, {"categories", a.categories}, {"tags", a.tags}};
  if (a.image)
    m["image"] = {{"src", a.image->src}, {"alt", a.image->alt}, {"caption", a.image->caption}};
  if (a.film) {
    m["film"] = FilmJson(*a.film);
  }
  if (a.interviewee) {
    const Interviewee& iv = *a.interviewee;
    m["interviewee"] = {{"name", iv.name},
                        {"job_title", iv.job_title},
                        {"film", iv.film},
                        {"sort_name", iv.sort_name},
                        {"name_order", iv.name_order}};
    if (json p = ProfileJson(iv.bio, iv.portrait, iv.links); !p.empty()) {
      m["interviewee"]["profile"] = std::move(p);
    }
  }
  if (a.rating > 0) m["rating"] = {a.rating, a.rating_max};
  if (!a.films.empty()) m["films"] = a.films;
  if (!a.items.empty()) m["items"] = a.items;
  if (a.body_format == BodyFormat::kHtml) m["body_format"] = "html";
  if (!a.status.empty()) m["status"] = a.status;
  if (a.password_protected) m["protected"] = true;
  if (!a.format.empty()) m["format"] = a.format;
  if (a.menu_order != 0) m["menu_order"] = a.menu_order;
  if (!a.parent_source.empty()) m["parent"] = a.parent_source;
  if (!a.access.empty()) m["access"] = a.access;
  return m;
}

std::string ArticleToRevisionData(const Article& a) {
  json j = {{"kind", a.kind == ArticleKind::kPage ? "page" : "article"},
            {"section", a.section},
            {"slug", a.slug},
            {"title", a.title},
            {"dek", a.dek},
            {"date", a.date},
            {"updated", a.updated},
            {"draft", a.draft},
            {"featured", a.featured},
            {"festival", a.festival},
            {"meta", ToMeta(a)},
            {"body", a.body_markdown},
            {"word_count", a.word_count},
            {"source_path", a.source_path},
            {"source_hash", a.source_hash}};
  return j.dump();
}

Result<Article> ArticleFromRevisionData(std::string_view data, int64_t revision_id) {
  try {
    const json j = json::parse(data);
    Article a;
    a.kind = j.value("kind", "article") == "page" ? ArticleKind::kPage : ArticleKind::kArticle;
    a.section = j.value("section", "");
    a.slug = j.value("slug", "");
    a.title = j.value("title", "");
    a.dek = j.value("dek", "");
    a.date = j.value("date", int64_t{0});
    a.updated = j.value("updated", int64_t{0});
    a.draft = j.value("draft", false);
    a.featured = j.value("featured", false);
    a.festival = j.value("festival", "");
    if (auto it = j.find("meta"); it != j.end()) FromMeta(*it, a);
    a.body_markdown = j.value("body", "");
    a.word_count = j.value("word_count", size_t{0});
    a.source_path = j.value("source_path", "");
    a.source_hash = j.value("source_hash", "");
    return a;
  } catch (const json::exception& e) {
    return MakeError(ErrorCode::kStore,
                     "revision " + std::to_string(revision_id) + " cannot be read: " + e.what());
  }
}

json MenuToJson(const std::vector<MenuItem>& items) {
  json out = json::array();
  for (const MenuItem& i : items) {
    json x = {{"name", i.name}, {"url", i.url}};
    if (!i.children.empty()) x["children"] = MenuToJson(i.children);
    out.push_back(std::move(x));
  }
  return out;
}

std::vector<MenuItem> MenuFromJson(const json& j) {
  std::vector<MenuItem> out;
  if (!j.is_array()) return out;
  for (const json& x : j) {
    if (!x.is_object()) continue;
    MenuItem i{x.value("name", ""), x.value("url", ""), {}};
    if (auto c = x.find("children"); c != x.end()) i.children = MenuFromJson(*c);
    out.push_back(std::move(i));
  }
  return out;
}

std::optional<std::string> ReadMetas(std::vector<Article>& articles,
                                     const std::vector<std::string>& metas) {
  std::vector<std::string> failed(articles.size());
  // A few articles are read here at once: threads cost more than they save.
  constexpr size_t kPerThread = 512;
  const unsigned threads = articles.size() < 2 * kPerThread ? 1 : DefaultThreads();
  ParallelFor(articles.size(), threads, nullptr, [&](unsigned, size_t i) {
    auto meta = json::parse(metas[i], nullptr, /*allow_exceptions=*/false);
    if (meta.is_discarded()) {
      failed[i] = "bad meta";
      return;
    }
    try {
      FromMeta(meta, articles[i]);
    } catch (const json::exception& e) {
      failed[i] = e.what();
    }
  });
  for (size_t i = 0; i < articles.size(); ++i) {
    if (!failed[i].empty()) return "article " + std::to_string(articles[i].id) + ": " + failed[i];
  }
  return std::nullopt;
}

void FromMeta(const json& m, Article& a) {
  a.author_ids = m.value("authors", std::vector<std::string>{});
  a.categories = m.value("categories", std::vector<std::string>{});
  a.tags = m.value("tags", std::vector<std::string>{});
  if (auto it = m.find("image"); it != m.end()) {
    a.image = Image{it->value("src", ""), it->value("alt", ""), it->value("caption", "")};
  }
  if (auto it = m.find("film"); it != m.end()) {
    a.film = FilmFromJson(*it);
  }
  if (auto it = m.find("interviewee"); it != m.end()) {
    Interviewee iv;
    iv.name = it->value("name", "");
    iv.job_title = it->value("job_title", "");
    iv.film = it->value("film", "");
    iv.sort_name = it->value("sort_name", "");
    iv.name_order = it->value("name_order", "");
    if (auto p = it->find("profile"); p != it->end()) {
      ReadProfileJson(*p, iv.bio, iv.portrait, iv.links);
    }
    a.interviewee = std::move(iv);
  }
  if (auto r = m.find("rating"); r != m.end() && r->is_array() && r->size() == 2) {
    a.rating = (*r)[0].get<double>();
    a.rating_max = (*r)[1].get<double>();
  }
  a.films = m.value("films", std::vector<std::string>{});
  a.items = m.value("items", std::vector<std::string>{});
  a.body_format = m.value("body_format", "") == "html" ? BodyFormat::kHtml : BodyFormat::kMarkdown;
  a.status = m.value("status", "");
  a.password_protected = m.value("protected", false);
  a.format = m.value("format", "");
  a.menu_order = m.value("menu_order", 0);
  a.parent_source = m.value("parent", "");
  a.access = m.value("access", "");
}

std::string FilmTitleOfMeta(std::string_view text) {
  auto meta = json::parse(text, nullptr, false);
  if (!meta.is_object()) return {};
  auto film = meta.find("film");
  if (film == meta.end() || !film->is_object()) return {};
  auto t = film->find("title");
  return t != film->end() && t->is_string() ? t->get<std::string>() : std::string();
}

SearchText MakeSearchText(const Article& a,
                          const std::function<std::string(std::string_view)>& markdown_to_text,
                          const std::function<std::string(std::string_view)>& html_to_text) {
  auto text = [&](const std::string& md) { return markdown_to_text ? markdown_to_text(md) : md; };
  SearchText t;
  t.body = CleanIndexedText(a.body_format == BodyFormat::kHtml
                                ? (html_to_text ? html_to_text(a.body_markdown) : a.body_markdown)
                                : text(a.body_markdown));
  t.dek = CleanIndexedText(text(a.dek));
  return t;
}

// What an article gives the search index, column by column (the table's order). The body and
// dek text come from PrepareSearchText, already cleaned.
std::array<std::string, 6> SearchColumns(const Article& a, const std::string& body_text,
                                         const std::string& dek_text,
                                         const std::vector<std::string>& author_names) {
  SearchFields f = SearchFieldsOf(a, author_names);
  // One value a line: snippets read better.
  auto lines = [](const std::vector<std::string>& v) { return CleanIndexedText(Join(v, "\n")); };
  return {CleanIndexedText(a.title),
          lines(f.films),
          lines(f.people),
          dek_text,
          body_text,
          lines(f.meta)};
}

std::string CleanIndexedText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\n' && c != '\t') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Status ReindexArticlesOf(ContentStore& store, const std::string& author_id,
                         const std::function<Status(const Article&, const SearchText&)>& index) {
  auto articles = store.LoadArticles(false);
  if (!articles) return articles.error();
  for (const Article& a : *articles) {
    if (std::find(a.author_ids.begin(), a.author_ids.end(), author_id) == a.author_ids.end()) {
      continue;
    }
    auto text = store.LoadSearchText(a.id);
    if (!text) return text.error();
    if (auto s = index(a, *text); !s) return s;
  }
  return {};
}

}  // namespace cinepress
