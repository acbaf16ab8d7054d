// Fuzzes the media library's upload form as the server keeps it: a multipart/form-data body in a
// file, read by mail's ParseFormDataFile (GMime over the file, a persistent stream; each file
// part written to a file of its own). The input's first line is the Content-Type (a boundary of
// the input's choosing), the rest the body.
//
// Asserted (the oracle): nothing crashes; the form read from the file is the form read from
// memory (ParseFormData, the parser every other form uses) — the same fields in the same order,
// each file's bytes in its own file, its value "" — unless the file reader refused it for its
// limits (parts, a long field); every file it wrote is removed with its FormFile, refused or not.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "mail/form_data.h"

namespace {
namespace fs = std::filesystem;
using namespace cinepress;

const fs::path& Folder() {
  static const fs::path folder = [] {
    fs::path f = fs::temp_directory_path() / ("fuzz-upload-form-" + std::to_string(getpid()));
    fs::create_directories(f);
    return f;
  }();
  return folder;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Empty(const fs::path& folder) { return fs::is_empty(folder); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  const std::string_view type = input.substr(0, nl);
  const std::string_view body = input.substr(nl + 1);
  const fs::path parts = Folder() / "parts";
  fs::create_directories(parts);
  {
    const fs::path file = Folder() / "body";
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out.write(body.data(), static_cast<std::streamsize>(body.size()));
    }
    FormFields names;
    const auto memory = ParseFormData(type, body, &names);
    std::vector<FormFile> files;
    FormFileLimits limits;
    limits.folder = parts;
    const auto kept = ParseFormDataFile(type, file, &files, limits);
    if (kept) {
      if (!memory || kept->size() != memory->size() || files.size() != names.size()) {
        __builtin_trap();
      }
      size_t next_file = 0;
      for (size_t i = 0; i < kept->size(); ++i) {
        const std::string& expected = (*memory)[i].second;
        if ((*kept)[i].first != (*memory)[i].first) __builtin_trap();
        if (next_file < files.size() && files[next_file].index == i) {
          const FormFile& f = files[next_file];
          if (f.field != names[next_file].first || f.file_name != names[next_file].second ||
              !(*kept)[i].second.empty() || Read(f.file.path()) != expected ||
              f.size != static_cast<int64_t>(expected.size())) {
            __builtin_trap();
          }
          ++next_file;
        } else if ((*kept)[i].second != expected) {
          __builtin_trap();
        }
      }
      if (next_file != files.size()) __builtin_trap();
    }
  }
  if (!Empty(parts)) __builtin_trap();  // every part's file went with its FormFile
  return 0;
}
