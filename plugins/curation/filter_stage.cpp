#include "filter_stage.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "vlforge/atomic_file.hpp"
#include "filter_report.hpp"
#include "score_table.hpp"
#include "size_hint_total.hpp"
#include "skipped_table.hpp"
#include "vlforge/context.hpp"
#include "vlforge/error.hpp"
#include "vlforge/hash.hpp"
#include "vlforge/webdataset.hpp"

namespace vlforge::curation {

namespace fs = std::filesystem;

namespace {

constexpr const char* kWhere = "stage/filter";

std::vector<std::string> read_shard_list(const fs::path& path, const std::string& stage) {
  std::ifstream in(path);
  if (!in)
    throw Error(path.string(), "missing (stage '" + stage + "' must be a finished stage/score that lists its shards)");
  std::vector<std::string> shards;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) shards.push_back(line);
  return shards;
}

// Shard stem -> its score tables, ordered by score name so columns come in a stable order.
std::map<std::string, std::vector<fs::path>> index_score_tables(const fs::path& dir) {
  std::map<std::string, std::map<std::string, fs::path>> by_stem;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    if (const auto name = parse_score_table_name(entry.path().filename().string()))
      by_stem[name->first][name->second] = entry.path();
  }
  if (ec) throw Error(dir.string(), "cannot list score tables: " + ec.message());
  std::map<std::string, std::vector<fs::path>> out;
  for (auto& [stem, tables] : by_stem)
    for (auto& [score, path] : tables) out[stem].push_back(std::move(path));
  return out;
}

// A shard's tables with, per column, where it is read from. A column name that two scorers both
// write (say, an extra "words") is taken from the first table only.
struct ShardScores {
  struct Column {
    std::string name;
    size_t table;
    size_t index;
  };
  std::vector<ScoreTable> tables;
  std::vector<Column> columns;
};

// The shard's samples as selection records, in stream order, with every score column. The
// samples themselves are kept only when they will be written out.
void read_records(SampleReader& reader, const std::string& shard, const ShardScores& scores,
                  const std::string& scores_stage, std::vector<SelectionRecord>& records,
                  std::vector<Sample>* samples) {
  records.clear();
  if (samples) samples->clear();
  std::vector<const std::vector<double>*> rows(scores.tables.size());
  for (Sample sample; reader.next(sample); sample = Sample{}) {
    SelectionRecord r;
    r.uid = sample.uid;
    r.source = shard;
    r.content_hash =
        StableHash().add(std::string_view(reinterpret_cast<const char*>(sample.image.data()), sample.image.size())).hex();
    for (size_t t = 0; t < scores.tables.size(); ++t) {
      rows[t] = scores.tables[t].find(sample.uid);
      if (rows[t] == nullptr)
        throw Error(scores.tables[t].path.string(), "no row for uid '" + sample.uid + "' (sample '" + sample.key +
                                                        "' of '" + shard + "'): the scores are stale (run stage '" +
                                                        scores_stage + "' again on this data)");
    }
    for (const auto& c : scores.columns) r.scores.emplace_back(c.name, (*rows[c.table])[c.index]);
    records.push_back(std::move(r));
    if (samples) samples->push_back(std::move(sample));
  }
}

// A kept sample as it goes into the output shards: keys from different source shards may
// collide, so it gets a fresh one, and its json says where it came from.
Sample resharded(Sample sample, const std::string& shard, int64_t index) {
  auto meta = nlohmann::ordered_json::parse(sample.json.empty() ? "{}" : sample.json, nullptr, false);
  if (!meta.is_object()) meta = nlohmann::ordered_json::object();
  meta["uid"] = sample.uid;
  meta["source_shard"] = shard;
  meta["source_key"] = sample.key;
  sample.json = meta.dump();
  char key[24];
  std::snprintf(key, sizeof key, "%09lld", static_cast<long long>(index));
  sample.key = key;
  return sample;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

ShardScores load_shard_scores(const std::vector<fs::path>& paths) {
  ShardScores s;
  std::set<std::string> seen;
  for (const auto& path : paths) {
    s.tables.push_back(read_score_table(path));
    const auto& columns = s.tables.back().columns;
    for (size_t c = 0; c < columns.size(); ++c)
      if (seen.insert(columns[c]).second) s.columns.push_back({columns[c], s.tables.size() - 1, c});
  }
  return s;
}

}  // namespace

Schema<FilterStageConfig> filter_stage_schema() {
  Schema<FilterStageConfig> s(
      "Keeps the samples that `selector` keeps, given the score tables of the stage/score named by `scores` "
      "(every scores/<shard>.<score>.tsv there). Reads `data` again, in the order of that stage's shards.txt, "
      "for each sample's source shard and image content hash. Writes the kept samples as new WebDataset shards "
      "(shards/00000000.tar, ..., listed in shards.txt), kept.tsv (uid, source shard; one line per kept sample, in "
      "stream order), report.json, report.txt and skipped.tsv (every record the dataset reader skipped, with its "
      "reason).");
  s.field("scores", &FilterStageConfig::scores, "the earlier stage/score whose tables to read").required();
  s.field("data", &FilterStageConfig::data, "the dataset that stage scored").kind("dataset").required();
  s.field("selector", &FilterStageConfig::selector, "decides which samples to keep").kind("selector").required();
  s.field("write_shards", &FilterStageConfig::write_shards,
          "write the kept samples as new shards; false writes only kept.tsv and the report");
  s.field("samples_per_shard", &FilterStageConfig::samples_per_shard, "samples per output shard").min(1);
  return s;
}

void FilterStage::run(Context& ctx) {
  if (!ctx.is_main_rank()) {
    ctx.log().debug("filtering runs on rank 0 (selectors see every record in shard order)");
    return;
  }
  const std::string& scores_stage = cfg_.scores.name;
  const fs::path scores_dir = ctx.stage_dir(scores_stage) / "scores";
  const std::vector<std::string> shards = read_shard_list(ctx.stage_dir(scores_stage) / "shards.txt", scores_stage);
  const std::map<std::string, std::vector<fs::path>> tables = index_score_tables(scores_dir);

  const std::shared_ptr<Dataset> data = ctx.create<Dataset>(cfg_.data);
  const std::shared_ptr<Selector> selector = ctx.create<Selector>(cfg_.selector);
  const std::vector<std::string> required = selector->required_scores();
  {
    const std::vector<std::string> data_shards = data->shards();
    const std::set<std::string> known(data_shards.begin(), data_shards.end());
    for (const auto& shard : shards)
      if (!known.contains(shard))
        throw Error(cfg_.data.where.str(), "dataset '" + cfg_.data.use() + "' has no shard '" + shard +
                                               "' that stage '" + scores_stage +
                                               "' scored (filter the same data that was scored)");
  }

  // Every shard's tables and columns are checked before any data is read: a missing table or
  // column fails in a second, not after most of the pass.
  std::vector<const std::vector<fs::path>*> shard_tables;
  for (const auto& shard : shards) {
    const auto found = tables.find(shard_file_stem(shard));
    if (found == tables.end())
      throw Error(scores_dir.string(), "no score table for shard '" + shard + "' (stage '" + scores_stage +
                                           "' did not finish it: run it again)");
    shard_tables.push_back(&found->second);
    std::vector<std::string> columns;
    for (const auto& path : found->second)
      for (auto& c : read_score_table_columns(path)) columns.push_back(std::move(c));
    for (const auto& name : required)
      if (std::find(columns.begin(), columns.end(), name) == columns.end())
        throw Error(cfg_.selector.where.str(), "selector '" + cfg_.selector.use() + "' needs score column '" + name +
                                                   "', but the tables of stage '" + scores_stage + "' for shard '" +
                                                   shard + "' have only: " + join(columns) +
                                                   " (score the data with a scorer that writes '" + name + "')");
  }

  Progress bar = ctx.progress("filter", size_hint_total(*data, shards), "samples");
  FilterReport report;
  AtomicFile kept(ctx.work_dir() / "kept.tsv");
  AtomicFile skipped(ctx.work_dir() / "skipped.tsv");
  write_skipped_header(skipped.stream());
  // A rerun starts the output over: selectors are stateful, so the pass is never resumed midway.
  const fs::path out_dir = ctx.work_dir() / "shards";
  fs::remove_all(out_dir);
  std::optional<ShardedWebDatasetWriter> writer;
  if (cfg_.write_shards) writer.emplace(out_dir, cfg_.samples_per_shard);
  std::vector<SelectionRecord> records;
  std::vector<Sample> samples;
  std::vector<Verdict> verdicts;

  for (size_t s = 0; s < shards.size(); ++s) {
    const std::string& shard = shards[s];
    const ShardScores scores = load_shard_scores(*shard_tables[s]);
    std::unique_ptr<SampleReader> reader = data->open(shard);
    read_records(*reader, shard, scores, scores_stage, records, writer ? &samples : nullptr);
    report.begin_shard(shard);
    report.add_skipped(reader->skipped());
    for (const SkippedRecord& r : reader->skipped()) write_skipped_row(skipped.stream(), shard, r);

    verdicts.assign(records.size(), Verdict{});
    selector->select(records, verdicts);
    for (size_t i = 0; i < records.size(); ++i) {
      report.add(verdicts[i]);
      if (!verdicts[i].keep) continue;
      kept.stream() << records[i].uid << '\t' << shard << '\n';
      if (writer) writer->write(resharded(std::move(samples[i]), shard, writer->samples()));
    }
    bar.advance(static_cast<int64_t>(records.size()));
  }
  bar.finish();

  std::vector<std::string> written;
  if (writer) {
    writer->close();
    std::string list;
    for (const auto& path : writer->shards()) {
      written.push_back(path.filename().string());
      list += path.string() + "\n";
    }
    write_file_atomically(ctx.work_dir() / "shards.txt", list);
    report.set_output(written, cfg_.samples_per_shard);
  }
  kept.commit();
  skipped.commit();
  const std::string selector_use = cfg_.selector.use();
  write_file_atomically(ctx.work_dir() / "report.json", report.json(scores_stage, selector_use));
  write_file_atomically(ctx.work_dir() / "report.txt", report.text(scores_stage, selector_use));
  ctx.log().info("kept ", report.kept(), " of ", report.total(), " samples (",
                 std::round(report.kept_percent() * 100) / 100, "%)",
                 report.skipped() > 0 ? ", skipped " + std::to_string(report.skipped()) + " bad records" : "",
                 writer ? ", in " + std::to_string(written.size()) + " shard(s)" : "");
}

}  // namespace vlforge::curation
