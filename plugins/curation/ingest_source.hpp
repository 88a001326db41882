// What stage/ingest reads: image files with their captions, listed from a folder or from a list
// file, in a stable order so that output shard i always holds the same samples.
//
//   folder:  every image file under it (recursively, by relative path); the caption is the
//            same-named .txt beside it, the uid an optional same-named .json's "uid"
//   .jsonl:  one object per line: {"image": "path", "caption": "...", "uid": "..."}
//   .tsv:    a header line naming the columns image, caption and optionally uid
//
// Image paths in a list are relative to the list's folder. An entry that cannot be used (a line
// that is not JSON, a missing caption) is kept with its problem, so the stage reports it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace vlforge::curation {

struct IngestItem {
  std::string key;                  // where it came from: relative path, or "list.jsonl:12"
  std::filesystem::path image;
  std::string caption;
  std::string uid;                  // empty: stage/ingest derives one from the content
  std::string problem, detail;      // set when the entry is unusable (reason, detail)
};

// Throws vlforge::Error when `source` is neither a folder nor a readable .jsonl / .tsv list.
std::vector<IngestItem> list_ingest_items(const std::filesystem::path& source,
                                          const std::vector<std::string>& image_extensions);

}  // namespace vlforge::curation
