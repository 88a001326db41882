#include "plugin_catalog.hpp"

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "plugin_loader.hpp"
#include "vlforge/error.hpp"

namespace fs = std::filesystem;

namespace vlforge::host {

namespace {
constexpr std::string_view kPrefix = "vlforge_";
constexpr std::string_view kSuffix = ".so";

bool is_plugin_file_name(const std::string& name) {
  return name.size() > kPrefix.size() + kSuffix.size() && name.starts_with(kPrefix) && name.ends_with(kSuffix);
}
}  // namespace

fs::path manifest_path_for(const fs::path& library) {
  fs::path p = library;
  p.replace_extension(".json");
  return p;
}

PluginManifest read_manifest(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw Error(file.string(), "cannot open plugin manifest");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
    PluginManifest m;
    m.plugin = j.at("plugin").get<std::string>();
    m.version = j.at("version").get<std::string>();
    m.components = j.at("components").get<std::vector<std::string>>();
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw Error(file.string(), std::string("malformed plugin manifest: ") + e.what());
  }
}

void write_manifest(const LoadedPlugin& plugin, const fs::path& file) {
  nlohmann::json j;
  j["plugin"] = plugin.name;
  j["version"] = plugin.version;
  j["library"] = plugin.path.filename().string();
  j["components"] = plugin.components;
  const fs::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) throw Error(tmp.string(), "cannot write plugin manifest");
    out << j.dump(2) << '\n';
    if (!out) throw Error(tmp.string(), "write failed");
  }
  fs::rename(tmp, file);
}

fs::path installed_plugin_dir() {
  return (boost::dll::program_location().parent_path() / ".." / "lib" / "vlforge" / "plugins").lexically_normal();
}

std::vector<fs::path> plugin_search_path(const std::vector<fs::path>& first) {
  std::vector<fs::path> out = first;
  if (const char* env = std::getenv("VLFORGE_PLUGIN_PATH")) {
    std::string s = env;
    size_t start = 0;
    while (start <= s.size()) {
      const size_t colon = s.find(':', start);
      const std::string part = s.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      if (!part.empty()) out.emplace_back(part);
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  out.push_back(installed_plugin_dir());
  return out;
}

PluginCatalog::PluginCatalog(std::vector<fs::path> search_path) : search_path_(std::move(search_path)) {
  std::set<std::string> seen;
  for (const auto& dir : search_path_) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> libs;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file() && is_plugin_file_name(e.path().filename().string())) libs.push_back(e.path());
    std::sort(libs.begin(), libs.end());
    for (const auto& lib : libs) {
      if (!seen.insert(lib.filename().string()).second) continue;  // shadowed by an earlier folder
      PluginFile f;
      f.library = fs::absolute(lib).lexically_normal();
      const fs::path manifest = manifest_path_for(lib);
      if (!fs::exists(manifest)) {
        f.manifest_problem = "no manifest " + manifest.filename().string() +
                             " (build with vlforge_add_plugin, or run `vlforge plugins --write-manifest " +
                             lib.string() + "`)";
      } else {
        try {
          f.manifest = read_manifest(manifest);
        } catch (const Error& e) {
          f.manifest_problem = e.what();
        }
      }
      files_.push_back(std::move(f));
    }
  }
}

const PluginFile* PluginCatalog::provider(std::string_view use) const {
  for (const auto& f : files_) {
    if (!f.manifest) continue;
    const auto& c = f.manifest->components;
    if (std::find(c.begin(), c.end(), use) != c.end()) return &f;
  }
  return nullptr;
}

std::vector<std::string> PluginCatalog::known_components(std::string_view kind) const {
  std::set<std::string> out;
  for (const auto& f : files_) {
    if (!f.manifest) continue;
    for (const auto& c : f.manifest->components)
      if (kind.empty() || c.starts_with(std::string(kind) + "/")) out.insert(c);
  }
  return {out.begin(), out.end()};
}

std::vector<const PluginFile*> PluginCatalog::unindexed() const {
  std::vector<const PluginFile*> out;
  for (const auto& f : files_)
    if (!f.manifest) out.push_back(&f);
  return out;
}

}  // namespace vlforge::host
