// bench_serve_load: requests/s and completion tokens/s of stage/serve under N concurrent clients
// x M requests each, first with batching = false (one generate() per request), then with
// batching = true, in one run on the same model; prints both and the ratio.
//
//   bench_serve_load [--clients N] [--requests M] [--max-tokens T] [--max-batch B]
//                    [--model DIR --stage-keys FILE]
//
// Without --model it serves tests/support's tiny random model; with it, FILE holds the stage
// keys naming the model's components (vision = {...}, projector, language_model, tokenizer, ...).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "load_client.hpp"
#include "serve_process.hpp"
#include "test_paths.hpp"
#include "tiny_model.hpp"

namespace fs = std::filesystem;
using namespace vlforge::test;
using nlohmann::json;

namespace {

struct Options {
  int clients = 16, requests = 4, max_tokens = 32, max_batch = 16;
  fs::path model;
  fs::path stage_keys;
};

struct Throughput {
  double requests_per_s = 0, tokens_per_s = 0;
  int ok = 0, total = 0;
};

const char* kPrompts[] = {"Describe the picture in detail.", "What is on the table?", "Name three colours.",
                          "Count to ten slowly.", "Is the sky blue? Explain.", "Tell a short story about a bus."};

Throughput measure(const fs::path& dir, const fs::path& model, const std::string& keys, const Options& o,
                   bool batching) {
  const std::string extra = "batching = " + std::string(batching ? "true" : "false") +
                            "\nmax_batch = " + std::to_string(o.max_batch) +
                            "\nmax_concurrency = " + std::to_string(std::max(64, o.clients)) +
                            "\nmax_tokens = " + std::to_string(o.max_tokens) + "\n";
  ServeProcess server(dir / (batching ? "batched" : "unbatched"), model, keys, extra);
  const auto body = [&](int i) {
    return json{{"messages", json::array({json{{"role", "user"}, {"content", kPrompts[i % 6]}}})},
                {"max_tokens", o.max_tokens},
                {"temperature", 0}}
        .dump();
  };
  // One request first so that lazy initialisation is not timed.
  run_load(server.host(), server.port(), 1, 1, body);
  const LoadResult load = run_load(server.host(), server.port(), o.clients, o.requests, body);
  Throughput t;
  int64_t tokens = 0;
  for (const std::string& failure : load.failures) std::cerr << (batching ? "batched " : "unbatched ") << failure << "\n";
  for (const HttpReply& r : load.replies) {
    ++t.total;
    if (r.status != 200) {
      if (r.status != 0) std::cerr << (batching ? "batched: " : "unbatched: ") << r.status << " " << r.body << "\n";
      continue;
    }
    ++t.ok;
    tokens += json::parse(r.body)["usage"]["completion_tokens"].get<int64_t>();
  }
  t.requests_per_s = t.ok / load.seconds;
  t.tokens_per_s = static_cast<double>(tokens) / load.seconds;
  if (const int code = server.terminate(); code != 0) std::cerr << "server exited with " << code << "\n";
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--clients") o.clients = std::stoi(value());
    else if (a == "--requests") o.requests = std::stoi(value());
    else if (a == "--max-tokens") o.max_tokens = std::stoi(value());
    else if (a == "--max-batch") o.max_batch = std::stoi(value());
    else if (a == "--model") o.model = value();
    else if (a == "--stage-keys") o.stage_keys = value();
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  const fs::path dir = fresh_dir("bench-serve-load");
  fs::path model = o.model;
  std::string keys;
  if (model.empty()) {
    const TinyModel tiny = write_tiny_model(dir / "model");
    model = tiny.folder;
    keys = tiny.stage_keys;
  } else {
    keys = read_text(o.stage_keys);
  }
  std::printf("stage/serve on %s: %d clients x %d requests, max_tokens %d, greedy\n", model.c_str(), o.clients,
              o.requests, o.max_tokens);
  const Throughput off = measure(dir, model, keys, o, false);
  const Throughput on = measure(dir, model, keys, o, true);
  std::printf("batching off: %d/%d ok, %8.2f requests/s, %9.1f completion tokens/s\n", off.ok, off.total,
              off.requests_per_s, off.tokens_per_s);
  std::printf("batching on:  %d/%d ok, %8.2f requests/s, %9.1f completion tokens/s (max_batch %d)\n", on.ok, on.total,
              on.requests_per_s, on.tokens_per_s, o.max_batch);
  std::printf("ratio (on / off): %.2fx requests/s, %.2fx tokens/s\n", on.requests_per_s / off.requests_per_s,
              on.tokens_per_s / off.tokens_per_s);
  return off.ok == off.total && on.ok == on.total ? 0 : 1;
}
