// stage/synthetic-conversations through the executable: every answer is true of the image it is
// about (read back from the PPM files), eval questions are scoreable and about images never
// trained on, text-only conversations come at the configured rate, and the seed fixes every byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "component_factory.hpp"
#include "file_bytes.hpp"
#include "process.hpp"
#include "scene.hpp"
#include "test_paths.hpp"
#include "vlforge/interfaces/image_codec.hpp"

namespace vlforge::test {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Rgb = std::array<uint8_t, 3>;

// Runs one stage/synthetic-conversations with `fields` in a recipe whose run seed is `run_seed`;
// returns the stage's folder.
fs::path generate(const std::string& name, const std::string& fields, int run_seed = 42) {
  const fs::path dir = fresh_dir(name);
  const fs::path recipe = dir / "recipe.toml";
  write_text(recipe, "[run]\ndir = \"" + (dir / "run").string() + "\"\nseed = " + std::to_string(run_seed) +
                         "\n[[stage]]\nname = \"sft\"\nuse = \"stage/synthetic-conversations\"\n" + fields);
  const auto r = run_command({kVlforge, "run", recipe.string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return dir / "run" / "sft";
}

std::vector<json> read_jsonl(const fs::path& file) {
  std::vector<json> lines;
  std::istringstream in(read_text(file));
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
  Rgb at(int x, int y) const {
    const size_t p = 3 * (static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x));
    return {rgb[p], rgb[p + 1], rgb[p + 2]};
  }
};

// Binary PPM (P6, maxval 255), read by hand so that the pixels checked here depend on no codec.
Image read_ppm(const fs::path& file) {
  const std::vector<uint8_t> bytes = read_bytes(file);
  std::istringstream header(std::string(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(bytes.size(), 32))));
  std::string magic;
  int maxval = 0;
  Image image;
  header >> magic >> image.width >> image.height >> maxval;
  EXPECT_EQ(magic, "P6") << file;
  EXPECT_EQ(maxval, 255) << file;
  const auto offset = static_cast<size_t>(header.tellg()) + 1;  // one whitespace byte ends the header
  image.rgb.assign(bytes.begin() + static_cast<std::ptrdiff_t>(offset), bytes.end());
  EXPECT_EQ(image.rgb.size(), static_cast<size_t>(image.width * image.height * 3)) << file;
  return image;
}

Rgb palette(std::string_view name) {
  for (const synthetic::Colour& c : synthetic::kPalette)
    if (c.name == name) return {c.r, c.g, c.b};
  ADD_FAILURE() << "'" << name << "' is not a palette colour";
  return {};
}

// Shapes never reach far along the border, so its most common colour is the background.
Rgb background_of(const Image& image) {
  std::map<Rgb, int> counts;
  for (int i = 0; i < image.width; ++i) {
    ++counts[image.at(i, 0)];
    ++counts[image.at(i, image.height - 1)];
    ++counts[image.at(0, i)];
    ++counts[image.at(image.width - 1, i)];
  }
  return std::max_element(counts.begin(), counts.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
}

// Connected regions of one colour other than the background (8-neighbours): one per shape,
// unless two shapes of one colour touch.
int shape_regions(const Image& image, Rgb background) {
  std::vector<bool> seen(static_cast<size_t>(image.width * image.height));
  int regions = 0;
  for (int y0 = 0; y0 < image.height; ++y0)
    for (int x0 = 0; x0 < image.width; ++x0) {
      const Rgb colour = image.at(x0, y0);
      if (colour == background || seen[static_cast<size_t>(y0 * image.width + x0)]) continue;
      ++regions;
      std::vector<std::pair<int, int>> todo{{x0, y0}};
      seen[static_cast<size_t>(y0 * image.width + x0)] = true;
      while (!todo.empty()) {
        const auto [x, y] = todo.back();
        todo.pop_back();
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            const int nx = x + dx, ny = y + dy;
            if (nx < 0 || ny < 0 || nx >= image.width || ny >= image.height) continue;
            const size_t p = static_cast<size_t>(ny * image.width + nx);
            if (seen[p] || image.at(nx, ny) != colour) continue;
            seen[p] = true;
            todo.push_back({nx, ny});
          }
      }
    }
  return regions;
}

struct Foreground {
  std::set<Rgb> colours;
  int pixels = 0;
  int x0 = 1 << 20, y0 = 1 << 20, x1 = -1, y1 = -1;  // bounding box, inclusive
};

Foreground foreground_of(const Image& image, Rgb background) {
  Foreground f;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) {
      if (image.at(x, y) == background) continue;
      f.colours.insert(image.at(x, y));
      ++f.pixels;
      f.x0 = std::min(f.x0, x), f.y0 = std::min(f.y0, y), f.x1 = std::max(f.x1, x), f.y1 = std::max(f.y1, y);
    }
  return f;
}

// How much of its bounding box a single shape fills: a square all of it, a circle pi/4, a
// triangle half.
std::string shape_by_fill(const Foreground& f) {
  const double fill = f.pixels / static_cast<double>((f.x1 - f.x0 + 1) * (f.y1 - f.y0 + 1));
  return fill > 0.95 ? "square" : fill > 0.65 ? "circle" : "triangle";
}

const std::map<std::string, int> kCounts{{"one", 1}, {"two", 2}, {"three", 3}};

// Counts of how the answers were checked, so that the test can require every kind to occur.
struct Checked {
  std::map<std::string, int> by_kind;
  int count_questions = 0, count_regions_differ = 0;
};

std::string kind_of_question(const std::string& question) {
  if (question == "What colour is the background?") return "background";
  if (question == "How many shapes are there?") return "count";
  if (question == "What colour is the shape?") return "colour";
  if (question == "What shape is it?") return "shape";
  if (question == "Describe the image.") return "describe";
  return "";
}

void expect_true_of(const Image& image, const std::string& question, const std::string& answer, const std::string& what,
                    Checked& checked) {
  const std::string kind = kind_of_question(question);
  ASSERT_FALSE(kind.empty()) << what << ": unexpected question '" << question << "'";
  ++checked.by_kind[kind];
  const Rgb background = background_of(image);
  const Foreground fg = foreground_of(image, background);
  if (kind == "background") {
    EXPECT_EQ(background, palette(answer)) << what << ": background is not " << answer;
  } else if (kind == "count") {
    ASSERT_TRUE(kCounts.contains(answer)) << what << ": count answer '" << answer << "'";
    const int regions = shape_regions(image, background);
    // Shapes sit in cells of their own, so touching shapes of one colour are rare.
    EXPECT_LE(regions, kCounts.at(answer)) << what;
    EXPECT_GE(regions, 1) << what;
    ++checked.count_questions;
    checked.count_regions_differ += regions != kCounts.at(answer);
  } else if (kind == "colour") {
    EXPECT_EQ(fg.colours, std::set<Rgb>{palette(answer)}) << what << ": the shape is not " << answer;
  } else if (kind == "shape") {
    EXPECT_EQ(fg.colours.size(), 1u) << what << ": asked about one shape";
    EXPECT_EQ(shape_by_fill(fg), answer) << what;
  } else {
    const std::string background_words = " background";
    ASSERT_TRUE(answer.ends_with(background_words)) << what << ": caption '" << answer << "'";
    // Every colour the caption names is in the image: the background's last, the shapes' before " on ".
    const auto on = answer.rfind(" on ");
    ASSERT_NE(on, std::string::npos) << answer;
    std::istringstream shapes_part(answer.substr(0, on));
    for (std::string word; shapes_part >> word;) {
      if (!word.empty() && word.back() == ',') word.pop_back();
      for (const synthetic::Colour& c : synthetic::kPalette)
        if (word == c.name) {
          EXPECT_TRUE(fg.colours.contains(palette(c.name))) << what << ": no " << word << " in the image";
        }
    }
    const std::string tail = answer.substr(on + 4, answer.size() - on - 4 - background_words.size());
    EXPECT_EQ(palette(tail.substr(tail.find(' ') + 1)), background) << what << ": caption '" << answer << "'";
  }
}

TEST(SyntheticConversations, EveryAnswerIsTrueOfItsImage) {
  const fs::path out = generate("synthetic_conversations_true",
                                "samples = 600\neval_samples = 200\nimage_size = 32\ntext_only_fraction = 0.05\n");
  const json train = json::parse(read_text(out / "train.json"));
  ASSERT_TRUE(train.is_array());
  ASSERT_EQ(train.size(), 600u);
  Checked checked;
  std::map<size_t, int> turn_counts;
  for (const json& sample : train) {
    const std::string id = sample.at("id").get<std::string>();
    const json& turns = sample.at("conversations");
    ASSERT_TRUE(turns.is_array() && !turns.empty() && turns.size() % 2 == 0) << id;
    const bool has_image = sample.contains("image");
    if (has_image) ++turn_counts[turns.size() / 2];
    ASSERT_LE(turns.size() / 2, 3u) << id;
    const Image image = has_image ? read_ppm(out / sample.at("image").get<std::string>()) : Image{};
    for (size_t t = 0; t < turns.size(); t += 2) {
      ASSERT_EQ(turns[t].at("from"), "human") << id;
      ASSERT_EQ(turns[t + 1].at("from"), "gpt") << id;
      std::string question = turns[t].at("value").get<std::string>();
      const std::string answer = turns[t + 1].at("value").get<std::string>();
      EXPECT_FALSE(answer.empty()) << id;
      // The image placeholder opens the first human turn of an image sample, and only that.
      const bool placeholder = question.starts_with("<image>\n");
      EXPECT_EQ(placeholder, has_image && t == 0) << id << ": '" << question << "'";
      if (placeholder) question.erase(0, 8);
      EXPECT_EQ(question.find("<image>"), std::string::npos) << id;
      if (has_image) expect_true_of(image, question, answer, id, checked);
    }
  }
  for (const char* kind : {"background", "count", "colour", "shape", "describe"})
    EXPECT_GT(checked.by_kind[kind], 20) << kind;
  for (size_t turns = 1; turns <= 3; ++turns) EXPECT_GT(turn_counts[turns], 50) << turns << " turns";

  const std::vector<json> eval = read_jsonl(out / "eval.jsonl");
  ASSERT_EQ(eval.size(), 200u);
  std::map<std::string, int> eval_kinds;
  for (const json& line : eval) {
    const std::string id = line.at("id").get<std::string>();
    const std::string kind = line.at("kind").get<std::string>();
    const auto choices = line.at("choices").get<std::vector<std::string>>();
    const std::string answer = line.at("answer").get<std::string>();
    ++eval_kinds[kind];
    EXPECT_NE(std::find(choices.begin(), choices.end(), answer), choices.end()) << id << ": " << answer;
    const size_t expected_choices = kind == "background" || kind == "colour" ? 9 : 3;
    EXPECT_EQ(choices.size(), expected_choices) << id << " (" << kind << ")";
    EXPECT_EQ(std::set<std::string>(choices.begin(), choices.end()).size(), choices.size()) << id;
    const std::string question = line.at("question").get<std::string>();
    EXPECT_EQ(kind_of_question(question), kind) << id;
    expect_true_of(read_ppm(out / line.at("image").get<std::string>()), question, answer, id, checked);
  }
  // The four closed kinds in equal shares: 50 each expected, with a standard deviation of about 6.
  EXPECT_EQ(eval_kinds.size(), 4u) << "background, count, colour and shape questions only";
  for (const char* kind : {"background", "count", "colour", "shape"}) EXPECT_GE(eval_kinds[kind], 25) << kind;
  // One region per shape but for the odd pair of touching same-coloured shapes.
  EXPECT_LE(checked.count_regions_differ * 50, checked.count_questions)
      << checked.count_regions_differ << " of " << checked.count_questions;
}

TEST(SyntheticConversations, EvalImagesAreHeldOutAndCodecsReadThem) {
  const fs::path out = generate("synthetic_conversations_heldout", "samples = 500\neval_samples = 200\n");
  std::set<std::string> train_ids, train_images;
  for (const json& sample : json::parse(read_text(out / "train.json"))) {
    train_ids.insert(sample.at("id").get<std::string>());
    if (sample.contains("image")) train_images.insert(read_text(out / sample.at("image").get<std::string>()));
  }
  const std::vector<json> eval = read_jsonl(out / "eval.jsonl");
  std::set<std::string> eval_ids;
  for (const json& line : eval) {
    const std::string id = line.at("id").get<std::string>();
    EXPECT_FALSE(train_ids.contains(id)) << id;
    eval_ids.insert(id);
    const std::string bytes = read_text(out / line.at("image").get<std::string>());
    ASSERT_FALSE(bytes.empty()) << id;
    EXPECT_FALSE(train_images.contains(bytes)) << id << ": the eval image is also a train image";
  }
  EXPECT_EQ(eval_ids.size(), eval.size());

  // A codec reads the images as the test's own PPM reader does.
  ComponentMaker maker;
  const auto codec = maker.make<ImageCodec>("use = \"image_codec/stb\"");
  for (size_t i = 0; i < 5; ++i) {
    const fs::path file = out / eval[i].at("image").get<std::string>();
    const at::Tensor decoded = codec->decode(read_bytes(file)).contiguous();
    const Image mine = read_ppm(file);
    ASSERT_EQ(decoded.size(0), mine.height);
    ASSERT_EQ(decoded.size(1), mine.width);
    EXPECT_TRUE(std::equal(mine.rgb.begin(), mine.rgb.end(), decoded.data_ptr<uint8_t>())) << file;
  }
}

TEST(SyntheticConversations, TextOnlyFractionIsAboutRight) {
  const fs::path out = generate("synthetic_conversations_text_only", "samples = 2000\neval_samples = 0\ntext_only_fraction = 0.1\n");
  const json train = json::parse(read_text(out / "train.json"));
  int text_only = 0;
  size_t images = 0;
  for (const json& sample : train) {
    if (sample.contains("image")) {
      ++images;
      continue;
    }
    ++text_only;
    for (const json& turn : sample.at("conversations"))
      EXPECT_EQ(turn.at("value").get<std::string>().find("<image>"), std::string::npos) << sample.at("id");
  }
  // 200 expected; the binomial's standard deviation is about 13.
  EXPECT_GE(text_only, 150);
  EXPECT_LE(text_only, 250);
  EXPECT_EQ(static_cast<size_t>(std::distance(fs::directory_iterator(out / "images"), fs::directory_iterator())), images);
  EXPECT_TRUE(read_text(out / "eval.jsonl").empty());
}

// Every file of a stage folder, by path relative to it, with its bytes.
std::map<std::string, std::string> folder_bytes(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) out[fs::relative(entry.path(), dir).string()] = read_text(entry.path());
  return out;
}

TEST(SyntheticConversations, TheSeedFixesEveryByte) {
  const std::string fields = "samples = 300\neval_samples = 50\n";
  // seed = -1 takes the run's seed: run seed 7 and stage seed 7 are the same data.
  const auto from_run_seed = folder_bytes(generate("synthetic_conversations_seed_run", fields + "seed = -1\n", 7));
  const auto from_stage_seed = folder_bytes(generate("synthetic_conversations_seed_stage", fields + "seed = 7\n", 99));
  const auto other_seed = folder_bytes(generate("synthetic_conversations_seed_other", fields + "seed = 8\n", 7));
  for (const char* file : {"train.json", "eval.jsonl"}) {
    ASSERT_TRUE(from_run_seed.contains(file)) << file;
    EXPECT_TRUE(from_run_seed.at(file) == from_stage_seed.at(file)) << file;
    EXPECT_FALSE(from_run_seed.at(file) == other_seed.at(file)) << file;
  }
  std::map<std::string, std::string> images_a, images_b;
  for (const auto& [path, bytes] : from_run_seed)
    if (path.starts_with("images")) images_a[path] = bytes;
  for (const auto& [path, bytes] : from_stage_seed)
    if (path.starts_with("images")) images_b[path] = bytes;
  EXPECT_GT(images_a.size(), 300u);
  EXPECT_TRUE(images_a == images_b);
}

}  // namespace
}  // namespace vlforge::test
