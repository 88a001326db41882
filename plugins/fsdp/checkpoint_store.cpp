#include "checkpoint_store.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <vector>

#include "vlforge/error.hpp"
#include "vlforge/hash.hpp"

namespace vlforge::fsdp {

namespace fs = std::filesystem;

namespace {

const std::regex kFinal(R"(step-(\d{8}))");
const std::regex kTemporary(R"(step-\d{8}\.tmp)");
constexpr const char* kChecksums = "checksums.json";

std::string file_hash(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string(), "cannot be read");
  StableHash hash;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    hash.add(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
  }
  return hash.hex();
}

// Every regular file under `dir` but the checksum list, by path relative to `dir`.
std::vector<std::string> files_of(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().filename() != kChecksums)
      out.push_back(fs::relative(entry.path(), dir).generic_string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<int64_t, fs::path>> complete_checkpoints(const fs::path& root) {
  std::vector<std::pair<int64_t, fs::path>> out;
  if (!fs::is_directory(root)) return out;
  for (const auto& entry : fs::directory_iterator(root)) {
    std::smatch m;
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && std::regex_match(name, m, kFinal)) out.emplace_back(std::stoll(m[1]), entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

CheckpointStore::CheckpointStore(fs::path root, int64_t keep_last) : root_(std::move(root)), keep_last_(keep_last) {}

std::string CheckpointStore::folder_name(int64_t step) {
  char name[32];
  std::snprintf(name, sizeof name, "step-%08lld", static_cast<long long>(step));
  return name;
}

std::optional<fs::path> CheckpointStore::latest() const {
  const auto all = complete_checkpoints(root_);
  if (all.empty()) return std::nullopt;
  return all.back().second;
}

void CheckpointStore::remove_incomplete() const {
  if (!fs::is_directory(root_)) return;
  for (const auto& entry : fs::directory_iterator(root_))
    if (std::regex_match(entry.path().filename().string(), kTemporary)) fs::remove_all(entry.path());
}

fs::path CheckpointStore::begin(int64_t step) const {
  const fs::path dir = root_ / (folder_name(step) + ".tmp");
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path CheckpointStore::commit(const fs::path& temporary, int64_t step) const {
  nlohmann::json sums = nlohmann::json::object();
  for (const std::string& file : files_of(temporary)) sums[file] = file_hash(temporary / file);
  {
    std::ofstream out(temporary / kChecksums);
    out << sums.dump(2) << "\n";
    if (!out) throw Error((temporary / kChecksums).string(), "could not be written");
  }
  const fs::path final_dir = root_ / folder_name(step);
  fs::remove_all(final_dir);
  fs::rename(temporary, final_dir);
  auto all = complete_checkpoints(root_);
  while (static_cast<int64_t>(all.size()) > keep_last_) {
    fs::remove_all(all.front().second);
    all.erase(all.begin());
  }
  return final_dir;
}

void CheckpointStore::verify(const fs::path& checkpoint) {
  const fs::path list = checkpoint / kChecksums;
  std::ifstream in(list);
  if (!in) throw Error(list.string(), "missing: the checkpoint is incomplete");
  nlohmann::json sums;
  try {
    sums = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(list.string(), std::string("not JSON: ") + e.what());
  }
  for (const auto& [file, expected] : sums.items()) {
    const fs::path path = checkpoint / file;
    if (!fs::exists(path)) throw Error(path.string(), "missing from the checkpoint");
    const std::string actual = file_hash(path);
    if (actual != expected.get<std::string>())
      throw Error(path.string(), "checksum " + actual + " differs from the recorded " + expected.get<std::string>() +
                                     " (the file is damaged; delete this checkpoint to resume from the one before)");
  }
}

}  // namespace vlforge::fsdp
