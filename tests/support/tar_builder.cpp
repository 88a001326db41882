#include "tar_builder.hpp"

#include <archive_entry.h>

#include <stdexcept>

namespace vlforge::test {
namespace {

void check(archive* a, int r, const std::string& what) {
  if (r != ARCHIVE_OK) throw std::runtime_error("TarBuilder: " + what + ": " + archive_error_string(a));
}

archive_entry* new_entry(const std::string& name, unsigned type, int64_t size) {
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, type);
  archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
  archive_entry_set_size(e, size);
  archive_entry_set_mtime(e, 0, 0);
  return e;
}

}  // namespace

TarBuilder::TarBuilder(const std::filesystem::path& tar) : a_(archive_write_new()) {
  check(a_, archive_write_set_format_pax_restricted(a_), "format");
  check(a_, archive_write_open_filename(a_, tar.c_str()), "open " + tar.string());
}

TarBuilder::~TarBuilder() {
  if (!closed_) archive_write_close(a_);
  archive_write_free(a_);
}

TarBuilder& TarBuilder::file(const std::string& name, const std::vector<uint8_t>& bytes) {
  archive_entry* e = new_entry(name, AE_IFREG, static_cast<int64_t>(bytes.size()));
  const int r = archive_write_header(a_, e);
  archive_entry_free(e);
  check(a_, r, "header of " + name);
  if (!bytes.empty() && archive_write_data(a_, bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size()))
    throw std::runtime_error("TarBuilder: data of " + name);
  return *this;
}

TarBuilder& TarBuilder::file(const std::string& name, std::string_view text) {
  return file(name, std::vector<uint8_t>(text.begin(), text.end()));
}

TarBuilder& TarBuilder::directory(const std::string& name) {
  archive_entry* e = new_entry(name, AE_IFDIR, 0);
  const int r = archive_write_header(a_, e);
  archive_entry_free(e);
  check(a_, r, "header of " + name);
  return *this;
}

TarBuilder& TarBuilder::symlink(const std::string& name, const std::string& target) {
  archive_entry* e = new_entry(name, AE_IFLNK, 0);
  archive_entry_set_symlink(e, target.c_str());
  const int r = archive_write_header(a_, e);
  archive_entry_free(e);
  check(a_, r, "header of " + name);
  return *this;
}

TarBuilder& TarBuilder::hardlink(const std::string& name, const std::string& target) {
  archive_entry* e = new_entry(name, AE_IFREG, 0);
  archive_entry_set_hardlink(e, target.c_str());
  const int r = archive_write_header(a_, e);
  archive_entry_free(e);
  check(a_, r, "header of " + name);
  return *this;
}

void TarBuilder::close() {
  check(a_, archive_write_close(a_), "close");
  closed_ = true;
}

}  // namespace vlforge::test
