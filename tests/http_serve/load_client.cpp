#include "load_client.hpp"

#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

namespace vlforge::test {

LoadResult run_load(const std::string& host, uint16_t port, int clients, int requests,
                    const std::function<std::string(int)>& body) {
  LoadResult out;
  out.replies.resize(static_cast<size_t>(clients * requests));
  std::mutex failures;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      for (int r = 0; r < requests; ++r) {
        const int i = c * requests + r;
        try {
          out.replies[static_cast<size_t>(i)] = http_request(host, port, "POST", "/v1/chat/completions", body(i));
        } catch (const std::exception& e) {
          std::lock_guard lock(failures);
          out.failures.push_back("request " + std::to_string(i) + ": " + e.what());
        }
      }
    });
  for (auto& t : threads) t.join();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace vlforge::test
