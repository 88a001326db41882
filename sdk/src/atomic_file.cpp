#include "vlforge/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "vlforge/error.hpp"

namespace vlforge {

AtomicFile::AtomicFile(std::filesystem::path target)
    // The pid keeps concurrent writers of one target (ranks) out of each other's temp files.
    : target_(std::move(target)),
      temp_(target_.string() + ".tmp-" + std::to_string(::getpid())),
      out_(temp_, std::ios::binary | std::ios::trunc) {
  if (!out_)
    throw Error(temp_.string(), std::string("cannot create file: ") + std::strerror(errno) +
                                    " (the folder must exist and be writable)");
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  out_.close();
  std::error_code ignored;
  std::filesystem::remove(temp_, ignored);
}

void AtomicFile::commit() {
  out_.flush();
  const bool written = static_cast<bool>(out_);
  out_.close();
  if (!written || out_.fail())
    throw Error(temp_.string(), "writing failed (is the disk full?)");
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) throw Error(target_.string(), "cannot rename " + temp_.filename().string() + " into place: " + ec.message());
  committed_ = true;
}

void write_file_atomically(const std::filesystem::path& target, std::string_view text) {
  AtomicFile file(target);
  file.stream().write(text.data(), static_cast<std::streamsize>(text.size()));
  file.commit();
}

}  // namespace vlforge
