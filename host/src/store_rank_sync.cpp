#include "store_rank_sync.hpp"

#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <cstdlib>
#include <functional>

#include "vlforge/error.hpp"

namespace vlforge::host {

namespace {

std::string env_or_throw(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0')
    throw Error(std::string("environment variable ") + name,
                "not set; a multi-rank run needs MASTER_ADDR and MASTER_PORT (torchrun and `vlforge launch` set them)");
  return v;
}

uint16_t master_port() {
  const std::string text = env_or_throw("MASTER_PORT");
  char* end = nullptr;
  const long port = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || port <= 0 || port > 65535)
    throw Error("environment variable MASTER_PORT", "'" + text + "' is not a port number");
  return static_cast<uint16_t>(port);
}

}  // namespace

StoreRankSync::StoreRankSync(const ProcessPlace& place, std::chrono::seconds timeout)
    : place_(place), timeout_(timeout) {
  c10d::TCPStoreOptions opts;
  opts.port = master_port();
  opts.isServer = place.rank == 0;
  opts.numWorkers = static_cast<size_t>(place.world_size);
  opts.waitWorkers = true;
  opts.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
  const std::string host = env_or_throw("MASTER_ADDR");
  address_ = host + ":" + std::to_string(opts.port);
  try {
    store_ = std::make_shared<c10d::TCPStore>(host, opts);
  } catch (const std::exception& e) {
    throw Error("rendezvous " + host + ":" + std::to_string(opts.port),
                "rank " + std::to_string(place.rank) + " of " + std::to_string(place.world_size) +
                    " could not join within " + std::to_string(timeout.count()) + " s: " + e.what());
  }
}

StoreRankSync::~StoreRankSync() = default;

std::string StoreRankSync::next_key(std::string_view name) {
  return "vlforge/" + std::to_string(generation_++) + "/" + std::string(name);
}

void StoreRankSync::arrive(const std::string& key) {
  // The last rank to arrive says so; everyone waiting watches that one key.
  if (store_->add(key, 1) == place_.world_size) store_->set(key + "/all", {uint8_t{1}});
}

void StoreRankSync::wait_for_all(const std::string& key) {
  store_->wait({key + "/all"}, std::chrono::duration_cast<std::chrono::milliseconds>(timeout_));
}

void StoreRankSync::on_store(std::string_view name, const std::function<void()>& step) {
  const auto started = std::chrono::steady_clock::now();
  try {
    step();
  } catch (const std::exception&) {
    // c10d's own message is a multi-line trace; ours says what was waited for.
    const auto waited = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
    const std::string where = " for the other ranks at '" + std::string(name) + "'";
    if (waited < timeout_)
      throw Error("rank " + std::to_string(place_.rank),
                  "lost the rendezvous store on " + address_ + " while waiting" + where +
                      ": rank 0, which serves it, exited or failed (see its log)");
    throw Error("rank " + std::to_string(place_.rank), "waited over " + std::to_string(timeout_.count()) + " s" +
                                                           where + ": a rank failed or is stuck (see its log)");
  }
}

void StoreRankSync::barrier(std::string_view name) {
  const std::string key = next_key(name);
  on_store(name, [&] {
    arrive(key);
    wait_for_all(key);
  });
}

void StoreRankSync::close() {
  // Rank 0 serves the store, so it leaves last: a rank still waiting on the last barrier would
  // otherwise lose the store under it. The others only check in.
  const std::string key = next_key("close");
  on_store("end of the run", [&] {
    arrive(key);
    if (place_.rank == 0) wait_for_all(key);
  });
}

std::vector<std::string> StoreRankSync::all_gather(std::string_view name, const std::string& value) {
  const std::string key = next_key(name);
  store_->set(key + "/" + std::to_string(place_.rank), std::vector<uint8_t>(value.begin(), value.end()));
  barrier(std::string(name) + " (gather)");
  std::vector<std::string> out;
  for (int r = 0; r < place_.world_size; ++r) {
    const auto bytes = store_->get(key + "/" + std::to_string(r));
    out.emplace_back(bytes.begin(), bytes.end());
  }
  return out;
}

}  // namespace vlforge::host
