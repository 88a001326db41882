// The packing report: what stage/pack made of its input, per window of shards and in total.
// Written as pack_report.json (for tools) and pack_report.txt (for people).
//
// fill = packed tokens / (sequences x context); padding = 1 - fill. The lower bound is
// ceil(tokens / context) sequences per window (no packer can use fewer), so
// `excess_sequences` = sequences - lower bound measures the packer alone.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace vlforge::packing {

struct PackCounts {
  int64_t samples = 0;        // read from the dataset
  int64_t documents = 0;      // packed
  int64_t images = 0;
  int64_t tokens = 0;         // expanded, over all documents
  int64_t sequences = 0;
  int64_t lower_bound = 0;    // sum over windows of ceil(tokens / context)
  int64_t truncated = 0;      // over-length, caption cut
  int64_t dropped = 0;        // over-length, dropped
  std::map<std::string, int64_t> skipped;            // by the dataset reader, by reason
  std::map<int64_t, int64_t> documents_per_sequence;  // histogram

  void merge(const PackCounts& other);
  nlohmann::ordered_json json() const;
  static PackCounts from_json(const nlohmann::json& j);
};

std::string pack_report_json(const PackCounts& total, int64_t context, const std::string& packer, int64_t windows);
std::string pack_report_text(const PackCounts& total, int64_t context, const std::string& packer, int64_t windows);

}  // namespace vlforge::packing
