// FrontMatterWriter: the YAML of a content file's front matter (or of data/*.yaml), written with
// yaml-cpp's emitter for the exports (folder_export.h, the shop's products), so that the
// importer's readers (front_matter.h) read back exactly what was written.
// Contract: one writer per document, one thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "content/model.h"

namespace cinepress {

// A YAML map written with yaml-cpp's emitter: every text double-quoted (so that "yes", "1.0"
// or "null" stay text, and a newline stays in its value), empty values left out, as import
// reads a missing field the same as an empty one.
class FrontMatterWriter {
 public:
  FrontMatterWriter() { out_ << YAML::BeginMap; }
  YAML::Emitter& emitter() { return out_; }

  void Text(const char* key, const std::string& value) {
    if (value.empty()) return;
    out_ << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
  }
  void List(const char* key, const std::vector<std::string>& values) {
    if (values.empty()) return;
    out_ << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const std::string& v : values) out_ << YAML::DoubleQuoted << v;
    out_ << YAML::EndSeq;
  }
  void Flag(const char* key, bool value) {
    if (value) out_ << YAML::Key << key << YAML::Value << true;
  }
  void Number(const char* key, long long value) {
    if (value != 0) out_ << YAML::Key << key << YAML::Value << value;
  }
  // The shortest text that reads back as the same double.
  void Real(const char* key, double value) {
    char buf[32];
    auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    out_ << YAML::Key << key << YAML::Value << std::string(buf, end);
  }
  void Image(const char* key, const std::optional<cinepress::Image>& image) {
    if (!image) return;
    out_ << YAML::Key << key << YAML::Value << YAML::BeginMap;
    // src and alt are required: written even when empty, so that import names what is missing.
    out_ << YAML::Key << "src" << YAML::Value << YAML::DoubleQuoted << image->src;
    out_ << YAML::Key << "alt" << YAML::Value << YAML::DoubleQuoted << image->alt;
    Text("caption", image->caption);
    out_ << YAML::EndMap;
  }
  void Links(const char* key, const std::vector<WebLink>& links) {
    if (links.empty()) return;
    out_ << YAML::Key << key << YAML::Value << YAML::BeginSeq;
    for (const WebLink& l : links) {
      out_ << YAML::BeginMap << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << l.name
           << YAML::Key << "url" << YAML::Value << YAML::DoubleQuoted << l.url << YAML::EndMap;
    }
    out_ << YAML::EndSeq;
  }
  // A film's facts, as front_matter.h's Fields::FilmFacts reads them.
  void FilmFacts(const Film& f) {
    Text("title", f.title);
    Text("original_title", f.original_title);
    Text("language", f.language);
    List("directors", f.directors);
    Number("year", f.year);
    List("country", f.countries);
    List("languages", f.languages);
    Number("runtime_min", f.runtime_min);
    List("cast", f.cast);
    Ids(f.ids);
  }
  void Ids(const ExternalIds& ids) {
    Text("wikidata", ids.wikidata);
    Text("imdb", ids.imdb);
    Text("tmdb", ids.tmdb);
  }
  void BeginMap(const char* key) { out_ << YAML::Key << key << YAML::Value << YAML::BeginMap; }
  void EndMap() { out_ << YAML::EndMap; }

  // The YAML text, ending with a newline.
  std::string Finish() {
    out_ << YAML::EndMap;
    std::string text = out_.c_str();
    if (text == "{}") return "";
    return text + "\n";
  }

 private:
  YAML::Emitter out_;
};

// A content file: "---", the front matter, "---", then the body as it is.
inline std::string ContentFile(FrontMatterWriter& front_matter, const std::string& body) {
  return "---\n" + front_matter.Finish() + "---\n" + body;
}

}  // namespace cinepress
