#include "render/theme.h"

#include <algorithm>
#include <regex>

#include "core/text.h"

namespace cinepress {
namespace fs = std::filesystem;
namespace {

using kainjow::mustache::mustache;

int LineAt(const std::string& text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// kainjow reports "Unclosed section \"x\" at 123": turn the offset into a line.
Error TemplateError(const std::string& file, const std::string& source,
                    const std::string& message) {
  std::string msg = message;
  int line = 0;
  static const std::regex at(R"( at (\d+)$)");
  std::smatch m;
  if (std::regex_search(msg, m, at)) {
    line = LineAt(source, std::stoul(m[1].str()));
    msg = m.prefix().str();
  }
  return Error{ErrorCode::kTemplate, msg, file, line, {}};
}

// Checks that `source` compiles on its own (sections balanced, tags closed).
Status Check(const std::string& file, const std::string& source) {
  mustache m(source);
  if (!m.is_valid()) return TemplateError(file, source, m.error_message());
  return {};
}

struct Sources {
  std::map<std::string, std::string> text;  // name -> raw source
  std::map<std::string, std::string> file;  // name -> display file name
};

// Replaces every {{> name}} with the partial's own source, recursively.
Result<std::string> Inline(const std::string& name, const Sources& partials, const Sources& owner,
                           int depth) {
  const std::string& src = owner.text.at(name);
  if (depth > 8) {
    return Error{ErrorCode::kTemplate,
                 "partials include each other too deeply (a cycle?)",
                 owner.file.at(name),
                 0,
                 {}};
  }
  static const std::regex tag(R"(\{\{>\s*([A-Za-z0-9_./-]+)\s*\}\})");
  std::string out;
  auto begin = std::sregex_iterator(src.begin(), src.end(), tag);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    out.append(src, last, static_cast<size_t>(m.position(0)) - last);
    std::string partial = m[1].str();
    if (!partials.text.count(partial)) {
      return Error{ErrorCode::kTemplate,
                   "no partial \"" + partial + "\" in partials/",
                   owner.file.at(name),
                   LineAt(src, static_cast<size_t>(m.position(0))),
                   {}};
    }
    auto inner = Inline(partial, partials, partials, depth + 1);
    if (!inner) return inner.error();
    out += *inner;
    last = static_cast<size_t>(m.position(0) + m.length(0));
  }
  out.append(src, last, std::string::npos);
  return out;
}

// The templates (or partials) among `files` under `folder` ("templates/NAME.mustache"), each
// checked alone.
Status CollectTemplates(const ThemeFiles& files, const std::string& folder,
                        const std::string& display_root, Sources& out) {
  const std::string prefix = folder + "/";
  for (const auto& [path, text] : files) {
    if (path.rfind(prefix, 0) != 0) continue;
    const fs::path rest = path.substr(prefix.size());
    if (rest.has_parent_path() || rest.extension() != ".mustache") continue;
    const std::string name = rest.stem().string();
    const std::string file = display_root + "/" + path;
    if (!IsValidUtf8(text)) return Error{ErrorCode::kTemplate, "is not UTF-8 text", file, 0, {}};
    if (auto s = Check(file, text); !s) return s;
    out.text[name] = text;
    out.file[name] = file;
  }
  return {};
}

// Every regular file under `dir/sub` by its path under `dir`.
Status ReadTree(const fs::path& dir, const std::string& sub, const std::string& display_root,
                ThemeFiles& out) {
  std::error_code ec;
  if (!fs::is_directory(dir / sub, ec)) return {};
  for (auto it = fs::recursive_directory_iterator(dir / sub, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string rel = fs::relative(it->path(), dir).generic_string();
    auto text = ReadFile(it->path());
    if (!text) return Error{ErrorCode::kIo, text.error().message, display_root + "/" + rel, 0, {}};
    out[rel] = std::move(*text);
  }
  if (ec) return Error{ErrorCode::kIo, ec.message(), display_root + "/" + sub, 0, {}};
  return {};
}

// What kainjow escapes ({{name}}) and how: core's escape, but ' as &apos; as kainjow writes it.
std::string EscapeHtml(const std::string& text) {
  const std::string_view view = text;
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  size_t from = 0;
  for (size_t at; (at = view.find('\'', from)) != std::string_view::npos; from = at + 1) {
    AppendHtmlEscaped(out, view.substr(from, at - from));
    out += "&apos;";
  }
  AppendHtmlEscaped(out, view.substr(from));
  return out;
}

// The stack of data a template's names are looked up in, top first: kainjow's own rules (a
// dotted name, "page.title", is resolved wholly within one level of the stack), without the
// std::stringstream kainjow's context makes to split every dotted name it looks up.
class StackContext final : public kainjow::mustache::basic_context<std::string> {
 public:
  explicit StackContext(const TemplateData* bottom) { items_.push_back(bottom); }
  void push(const TemplateData* data) override { items_.push_back(data); }
  void pop() override { items_.pop_back(); }

  const TemplateData* get(const std::string& name) const override {
    if (name == ".") return items_.back();
    if (name.find('.') == std::string::npos) return Find(name);
    std::string part;
    for (auto item = items_.rbegin(); item != items_.rend(); ++item) {
      const TemplateData* var = *item;
      for (size_t from = 0; var && from < name.size();) {
        size_t dot = std::min(name.find('.', from), name.size());
        part.assign(name, from, dot - from);
        var = var->get(part);
        from = dot + 1;
      }
      if (var) return var;
    }
    return nullptr;
  }

  // Partials are inlined when the theme is loaded (Inline). A partial tag the inliner did not
  // see (written after a {{=<% %>=}} delimiter change) would have kainjow look its name up in
  // the data and compile the value it finds (an article's title) as a template: content is never
  // a template, so such a tag renders nothing.
  const TemplateData* get_partial(const std::string&) const override { return nullptr; }

 private:
  const TemplateData* Find(const std::string& name) const {
    for (auto item = items_.rbegin(); item != items_.rend(); ++item) {
      if (const TemplateData* var = (*item)->get(name)) return var;
    }
    return nullptr;
  }

  std::vector<const TemplateData*> items_;  // bottom first
};

// Where kainjow writes a template's output: straight into one string.
struct StringSink {
  std::string* out;
  StringSink& operator<<(const std::string& text) {
    out->append(text);
    return *this;
  }
};

}  // namespace

const std::vector<std::string>& Theme::RequiredTemplates() {
  static const std::vector<std::string> kNames = {
      "home",     "article", "page",      "list",         "archive",
      "404",      "film",    "person",    "review-index", "interview-index",
      "festival", "edition", "collection"};
  return kNames;
}

Result<std::shared_ptr<const Theme>> Theme::Load(const fs::path& dir,
                                                 const std::string& display_root) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Error{ErrorCode::kNotFound, "no such theme folder", display_root, 0, {}};
  }
  ThemeFiles files;
  for (const char* sub : {"templates", "partials", "assets"}) {
    if (auto s = ReadTree(dir, sub, display_root, files); !s) return s.error();
  }
  return FromFiles(files, display_root, RequiredTemplates());
}

Result<std::shared_ptr<const Theme>> Theme::FromFiles(const ThemeFiles& files,
                                                      const std::string& display_root,
                                                      const std::vector<std::string>& required) {
  Sources templates, partials;
  if (auto s = CollectTemplates(files, "templates", display_root, templates); !s) {
    return s.error();
  }
  if (auto s = CollectTemplates(files, "partials", display_root, partials); !s) {
    return s.error();
  }
  auto theme = std::make_shared<Theme>();
  for (const std::string& name : required) {
    if (!templates.text.count(name)) {
      return Error{ErrorCode::kTemplate,
                   "the theme has no " + name + ".mustache",
                   display_root + "/templates",
                   0,
                   {}};
    }
  }
  for (const auto& [name, src] : templates.text) {
    auto inlined = Inline(name, partials, templates, 0);
    if (!inlined) return inlined.error();
    if (auto s = Check(templates.file[name], *inlined); !s) return s.error();
    theme->templates_[name] = std::move(*inlined);
  }
  for (const auto& [name, src] : partials.text) {
    auto inlined = Inline(name, partials, partials, 0);
    if (!inlined) return inlined.error();
    theme->partials_[name] = std::move(*inlined);
  }
  for (const auto& [path, data] : files) {
    if (path.rfind("assets/", 0) != 0) continue;
    ThemeAsset a;
    a.name = path.substr(7);
    a.data = data;
    fs::path url_path = a.name;
    const std::string ext = url_path.extension().string();
    if (ext == ".css" || ext == ".js") {
      url_path.replace_extension(ContentHash(a.data).substr(0, 10) + ext);
    }
    a.url = "/assets/" + url_path.generic_string();
    theme->assets_.push_back(std::move(a));
  }
  std::sort(theme->assets_.begin(), theme->assets_.end(),
            [](const ThemeAsset& x, const ThemeAsset& y) { return x.name < y.name; });
  std::string all;
  for (const auto& [name, src] : theme->templates_) all += name + "\x1f" + src + "\x1e";
  for (const auto& [name, src] : theme->partials_) all += name + "\x1f" + src + "\x1e";
  for (const ThemeAsset& a : theme->assets_) all += a.name + "\x1f" + a.url + "\x1e";
  theme->fingerprint_ = ContentHash(all);
  return std::shared_ptr<const Theme>(std::move(theme));
}

std::string Theme::AssetUrl(const std::string& name) const {
  for (const ThemeAsset& a : assets_) {
    if (a.name == name) return a.url;
  }
  return "";
}

ThemeRenderer::ThemeRenderer(std::shared_ptr<const Theme> theme) : theme_(std::move(theme)) {}

ThemeRenderer::Compiled* ThemeRenderer::CompiledOf(
    std::map<std::string, Compiled>& compiled, const std::map<std::string, std::string>& sources,
    const std::string& name) {
  if (auto it = compiled.find(name); it != compiled.end()) return &it->second;
  auto source = sources.find(name);
  if (source == sources.end()) return nullptr;
  Compiled& c = compiled[name];
  c.mustache = std::make_unique<mustache>(source->second);
  c.mustache->set_custom_escape(EscapeHtml);
  return &c;
}

Result<std::string> ThemeRenderer::RenderCompiled(Compiled& c, const std::string& name,
                                                  const TemplateData& base,
                                                  const TemplateData& page) {
  std::string out;
  out.reserve(c.last_size + c.last_size / 4);
  StackContext ctx(&base);
  ctx.push(&page);
  StringSink sink{&out};
  c.mustache->render(ctx, sink);
  if (!c.mustache->is_valid()) {
    return Error{ErrorCode::kTemplate, c.mustache->error_message(), name + ".mustache", 0, {}};
  }
  c.last_size = out.size();
  return out;
}

std::optional<Result<std::string>> ThemeRenderer::RenderPartial(const std::string& name,
                                                                const TemplateData& base,
                                                                const TemplateData& data) {
  Compiled* c = CompiledOf(compiled_partials_, theme_->partials_, name);
  if (c == nullptr) return std::nullopt;
  return RenderCompiled(*c, name, base, data);
}

Result<std::string> ThemeRenderer::Render(const std::string& name, const TemplateData& base,
                                          const TemplateData& page) {
  Compiled* c = CompiledOf(compiled_, theme_->templates_, name);
  if (c == nullptr) {
    return Error{ErrorCode::kTemplate, "the theme has no template \"" + name + "\"", {}, 0, {}};
  }
  return RenderCompiled(*c, name, base, page);
}

}  // namespace cinepress
