#include "score_stage.hpp"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "vlforge/atomic_file.hpp"
#include "score_summary.hpp"
#include "score_table.hpp"
#include "size_hint_total.hpp"
#include "vlforge/context.hpp"
#include "vlforge/error.hpp"

namespace vlforge::curation {

namespace fs = std::filesystem;

namespace {

constexpr const char* kWhere = "stage/score";

struct ScoringJob {
  Dataset& data;
  Scorer& scorer;
  std::string score_name;
  std::vector<std::string> extras;
  size_t batch_size;
  fs::path dir;
};

ScoreStats score_shard(const ScoringJob& job, const std::string& shard, Progress& bar) {
  const fs::path table_path = score_table_path(job.dir, shard, job.score_name);
  ScoreTableWriter table(table_path, job.score_name, job.extras);
  ScoreStats stats;
  std::vector<Sample> batch;
  batch.reserve(job.batch_size);

  const auto flush = [&] {
    if (batch.empty()) return;
    const std::vector<ScoreRow> rows = job.scorer.score(batch);
    if (rows.size() != batch.size())
      throw Error(kWhere, "scorer '" + job.score_name + "' returned " + std::to_string(rows.size()) + " rows for " +
                              std::to_string(batch.size()) + " samples of shard '" + shard + "' (one per sample)");
    for (size_t i = 0; i < rows.size(); ++i) {
      table.add(batch[i].uid, rows[i]);
      stats.add(rows[i].score);
    }
    bar.advance(static_cast<int64_t>(batch.size()));
    batch.clear();
  };

  std::unique_ptr<SampleReader> reader = job.data.open(shard);
  Sample sample;
  while (reader->next(sample)) {
    if (sample.uid.empty() || sample.uid.find_first_of("\t\n\r") != std::string::npos)
      throw Error(shard, "sample '" + sample.key + "' has uid '" + sample.uid +
                             "' (a score table needs a non-empty uid without tabs or newlines)");
    batch.push_back(std::move(sample));
    sample = Sample{};
    if (batch.size() >= job.batch_size) flush();
  }
  flush();
  stats.skipped = count_by_reason(reader->skipped());
  // Statistics first: a table on disk means the shard is done, so its statistics must exist too.
  write_shard_stats(shard_stats_path(table_path), stats);
  table.commit();
  return stats;
}

// Runs on rank 0 once every rank has scored its shards: every table must be there.
void write_summary(Context& ctx, const std::vector<std::string>& shards, const fs::path& dir,
                   const std::string& score_name) {
  std::vector<ShardStats> all;
  for (const auto& shard : shards) {
    const fs::path table = score_table_path(dir, shard, score_name);
    if (!fs::exists(table))
      throw Error(table.string(), "missing after every rank finished scoring (was the folder changed meanwhile?)");
    all.push_back({shard, read_shard_stats(shard_stats_path(table))});
  }
  write_file_atomically(ctx.work_dir() / "score_summary.json", score_summary_json(score_name, all));
  ScoreStats total;
  for (const auto& s : all) total.merge(s.stats);
  if (total.finite() > 0)
    ctx.log().info(score_name, " over ", total.samples, " samples: mean ", total.sum / static_cast<double>(total.finite()),
                   ", min ", total.min, ", max ", total.max);
}

}  // namespace

Schema<ScoreStageConfig> score_stage_schema() {
  Schema<ScoreStageConfig> s(
      "Scores every sample of `data` with `scorer`, one table per shard: scores/<shard>.<score>.tsv with "
      "columns uid, the score and the scorer's extra fields. Shard i goes to rank i % world_size; a shard "
      "whose table exists is skipped, so an interrupted run resumes. Also writes shards.txt and "
      "score_summary.json.");
  s.field("data", &ScoreStageConfig::data, "the dataset to score").kind("dataset").required();
  s.field("scorer", &ScoreStageConfig::scorer, "the scorer to run").kind("scorer").required();
  s.field("batch_size", &ScoreStageConfig::batch_size,
          "samples per scorer call; 0 uses the scorer's own batch size")
      .min(0);
  return s;
}

void ScoreStage::run(Context& ctx) {
  const std::shared_ptr<Dataset> data = ctx.create<Dataset>(cfg_.data);
  const std::shared_ptr<Scorer> scorer = ctx.create<Scorer>(cfg_.scorer);
  ScoringJob job{*data, *scorer, scorer->score_name(), scorer->extra_fields(), 1, ctx.work_dir() / "scores"};
  check_column_name(job.score_name, true, cfg_.scorer.use());
  for (const auto& extra : job.extras) check_column_name(extra, false, cfg_.scorer.use());
  job.batch_size = static_cast<size_t>(std::max<int64_t>(1, cfg_.batch_size > 0 ? cfg_.batch_size : scorer->batch_size()));

  const std::vector<std::string> shards = data->shards();
  if (shards.empty()) throw Error(cfg_.data.where.str(), "dataset '" + cfg_.data.use() + "' has no shards");
  fs::create_directories(job.dir);
  if (ctx.is_main_rank()) {
    std::string list;
    for (const auto& shard : shards) list += shard + "\n";
    write_file_atomically(ctx.work_dir() / "shards.txt", list);
  }

  std::vector<std::string> todo;
  size_t mine = 0;
  for (size_t i = 0; i < shards.size(); ++i) {
    if (static_cast<int>(i % static_cast<size_t>(ctx.world_size())) != ctx.rank()) continue;
    ++mine;
    if (!fs::exists(score_table_path(job.dir, shards[i], job.score_name))) todo.push_back(shards[i]);
  }
  if (ctx.resuming() || todo.size() < mine)
    ctx.log().info("resuming: ", mine - todo.size(), " of ", mine, " shard(s) already scored, ", todo.size(), " to go");

  Progress bar = ctx.progress("score", size_hint_total(*data, todo), "samples");
  int64_t scored = 0;
  for (const auto& shard : todo) {
    const int64_t n = score_shard(job, shard, bar).samples;
    scored += n;
    ctx.log().info("scored shard ", shard, ": ", n, " samples");
  }
  bar.finish();
  if (!todo.empty())
    ctx.log().info("scored ", scored, " samples of ", todo.size(), " shard(s) with ", cfg_.scorer.use(), " in ",
                   Progress::clock(bar.elapsed_seconds()));
  ctx.sync().barrier("every shard scored");
  if (ctx.is_main_rank()) write_summary(ctx, shards, job.dir, job.score_name);
}

}  // namespace vlforge::curation
