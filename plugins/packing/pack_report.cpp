#include "pack_report.hpp"

#include <cstdio>

namespace vlforge::packing {

namespace {

double ratio(int64_t a, int64_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }

std::string line(const char* format, auto... args) {
  std::string out(static_cast<size_t>(std::snprintf(nullptr, 0, format, args...)), '\0');
  std::snprintf(out.data(), out.size() + 1, format, args...);
  return out;
}

}  // namespace

void PackCounts::merge(const PackCounts& o) {
  samples += o.samples;
  documents += o.documents;
  images += o.images;
  tokens += o.tokens;
  sequences += o.sequences;
  lower_bound += o.lower_bound;
  truncated += o.truncated;
  dropped += o.dropped;
  for (const auto& [k, v] : o.skipped) skipped[k] += v;
  for (const auto& [k, v] : o.documents_per_sequence) documents_per_sequence[k] += v;
}

nlohmann::ordered_json PackCounts::json() const {
  nlohmann::ordered_json j{{"samples", samples},         {"documents", documents}, {"images", images},
                           {"tokens", tokens},           {"sequences", sequences}, {"lower_bound", lower_bound},
                           {"truncated", truncated},     {"dropped", dropped},     {"skipped", skipped}};
  nlohmann::ordered_json histogram = nlohmann::ordered_json::object();
  for (const auto& [docs, n] : documents_per_sequence) histogram[std::to_string(docs)] = n;
  j["documents_per_sequence"] = histogram;
  return j;
}

PackCounts PackCounts::from_json(const nlohmann::json& j) {
  PackCounts c;
  c.samples = j.at("samples").get<int64_t>();
  c.documents = j.at("documents").get<int64_t>();
  c.images = j.at("images").get<int64_t>();
  c.tokens = j.at("tokens").get<int64_t>();
  c.sequences = j.at("sequences").get<int64_t>();
  c.lower_bound = j.at("lower_bound").get<int64_t>();
  c.truncated = j.at("truncated").get<int64_t>();
  c.dropped = j.at("dropped").get<int64_t>();
  c.skipped = j.at("skipped").get<std::map<std::string, int64_t>>();
  for (const auto& [docs, n] : j.at("documents_per_sequence").items())
    c.documents_per_sequence[std::stoll(docs)] = n.get<int64_t>();
  return c;
}

std::string pack_report_json(const PackCounts& t, int64_t context, const std::string& packer, int64_t windows) {
  nlohmann::ordered_json j{{"packer", packer}, {"context", context}, {"windows", windows}};
  const double fill = ratio(t.tokens, t.sequences * context);
  j["fill_ratio"] = fill;
  j["padding_ratio"] = t.sequences == 0 ? 0.0 : 1.0 - fill;
  j["excess_sequences"] = t.sequences - t.lower_bound;
  j["excess_ratio"] = ratio(t.sequences - t.lower_bound, t.lower_bound);
  j["documents_per_sequence_mean"] = ratio(t.documents, t.sequences);
  j["counts"] = t.json();
  return j.dump(2) + "\n";
}

std::string pack_report_text(const PackCounts& t, int64_t context, const std::string& packer, int64_t windows) {
  const auto ll = [](int64_t v) { return static_cast<long long>(v); };
  const double fill = ratio(t.tokens, t.sequences * context);
  std::string out = "packing report: " + packer + ", context " + std::to_string(context) + ", " +
                    std::to_string(windows) + " window(s)\n\n";
  out += line("sequences  %10lld  (lower bound %lld, %+lld)\n", ll(t.sequences), ll(t.lower_bound),
              ll(t.sequences - t.lower_bound));
  out += line("documents  %10lld  of %lld samples read (%.2f per sequence)\n", ll(t.documents), ll(t.samples),
              ratio(t.documents, t.sequences));
  out += line("images     %10lld\n", ll(t.images));
  out += line("tokens     %10lld  fill %.2f%%, padding %.2f%%\n", ll(t.tokens), 100.0 * fill,
              t.sequences == 0 ? 0.0 : 100.0 * (1.0 - fill));
  out += line("truncated  %10lld  over-length, caption cut\n", ll(t.truncated));
  out += line("dropped    %10lld  over-length\n", ll(t.dropped));
  for (const auto& [reason, n] : t.skipped) out += line("skipped    %10lld  %s\n", ll(n), reason.c_str());
  if (!t.documents_per_sequence.empty()) {
    out += "\ndocuments per sequence\n";
    int64_t most = 0;
    for (const auto& [docs, n] : t.documents_per_sequence) most = std::max(most, n);
    for (const auto& [docs, n] : t.documents_per_sequence)
      out += line("  %4lld  %10lld  %s\n", ll(docs), ll(n),
                  std::string(static_cast<size_t>(40 * n / std::max<int64_t>(1, most)), '#').c_str());
  }
  return out;
}

}  // namespace vlforge::packing
