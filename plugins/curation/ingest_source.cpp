#include "ingest_source.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vlforge/error.hpp"

namespace vlforge::curation {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim_line_end(std::string line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

std::vector<IngestItem> list_folder(const fs::path& root, const std::vector<std::string>& extensions) {
  std::vector<fs::path> images;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string ext = lower(it->path().extension().string());
    if (ext.size() > 1 && std::find(extensions.begin(), extensions.end(), ext.substr(1)) != extensions.end())
      images.push_back(it->path());
  }
  if (ec) throw Error(root.string(), "cannot list folder: " + ec.message());
  std::sort(images.begin(), images.end());

  std::vector<IngestItem> items;
  for (const auto& image : images) {
    IngestItem item;
    item.key = fs::relative(image, root).string();
    item.image = image;
    fs::path caption = image;
    caption.replace_extension(".txt");
    if (fs::is_regular_file(caption)) {
      item.caption = trim_line_end(read_file(caption));
    } else {
      item.problem = "missing .txt";
      item.detail = "no " + caption.filename().string() + " beside the image";
    }
    fs::path meta = image;
    meta.replace_extension(".json");
    if (fs::is_regular_file(meta)) {
      const auto j = nlohmann::json::parse(read_file(meta), nullptr, false);
      if (j.is_object() && j.contains("uid") && j["uid"].is_string()) item.uid = j["uid"].get<std::string>();
    }
    items.push_back(std::move(item));
  }
  return items;
}

std::vector<IngestItem> list_jsonl(const fs::path& list) {
  std::ifstream in(list);
  if (!in) throw Error(list.string(), "cannot read the list");
  std::vector<IngestItem> items;
  int64_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    line = trim_line_end(line);
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    IngestItem item;
    item.key = list.filename().string() + ":" + std::to_string(number);
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("image") || !j["image"].is_string()) {
      item.problem = "invalid list entry";
      item.detail = j.is_discarded() ? "not JSON" : "no string \"image\"";
      items.push_back(std::move(item));
      continue;
    }
    item.image = list.parent_path() / j["image"].get<std::string>();
    for (const char* name : {"caption", "text"})
      if (j.contains(name) && j[name].is_string()) {
        item.caption = j[name].get<std::string>();
        break;
      }
    if (!j.contains("caption") && !j.contains("text")) {
      item.problem = "missing caption";
      item.detail = "no \"caption\" or \"text\"";
    }
    if (j.contains("uid") && j["uid"].is_string()) item.uid = j["uid"].get<std::string>();
    items.push_back(std::move(item));
  }
  return items;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t begin = 0;
  for (size_t tab; (tab = line.find('\t', begin)) != std::string::npos; begin = tab + 1)
    fields.push_back(line.substr(begin, tab - begin));
  fields.push_back(line.substr(begin));
  return fields;
}

std::vector<IngestItem> list_tsv(const fs::path& list) {
  std::ifstream in(list);
  std::string header;
  if (!in || !std::getline(in, header)) throw Error(list.string(), "cannot read the list's header line");
  const std::vector<std::string> columns = split_tabs(trim_line_end(header));
  const auto column = [&](const std::string& name) -> int {
    const auto it = std::find(columns.begin(), columns.end(), name);
    return it == columns.end() ? -1 : static_cast<int>(it - columns.begin());
  };
  const int image = column("image"), caption = column("caption"), uid = column("uid");
  if (image < 0 || caption < 0)
    throw Error(list.string() + ":1", "the header must name the columns image and caption (tab-separated)");

  std::vector<IngestItem> items;
  int64_t number = 1;
  for (std::string line; std::getline(in, line);) {
    ++number;
    line = trim_line_end(line);
    if (line.empty()) continue;
    const std::vector<std::string> fields = split_tabs(line);
    IngestItem item;
    item.key = list.filename().string() + ":" + std::to_string(number);
    if (static_cast<int>(fields.size()) != static_cast<int>(columns.size())) {
      item.problem = "invalid list entry";
      item.detail = std::to_string(fields.size()) + " fields, the header has " + std::to_string(columns.size());
      items.push_back(std::move(item));
      continue;
    }
    item.image = list.parent_path() / fields[static_cast<size_t>(image)];
    item.caption = fields[static_cast<size_t>(caption)];
    if (uid >= 0) item.uid = fields[static_cast<size_t>(uid)];
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace

std::vector<IngestItem> list_ingest_items(const fs::path& source, const std::vector<std::string>& image_extensions) {
  if (fs::is_directory(source)) return list_folder(source, image_extensions);
  if (!fs::is_regular_file(source))
    throw Error(source.string(), "does not exist (give a folder of images, or a .jsonl or .tsv list)");
  const std::string ext = lower(source.extension().string());
  if (ext == ".jsonl") return list_jsonl(source);
  if (ext == ".tsv") return list_tsv(source);
  throw Error(source.string(), "is a '" + ext + "' file (a list must be .jsonl or .tsv; or give a folder of images)");
}

}  // namespace vlforge::curation
