// Concurrent clients against a server: `clients` threads, each sending `requests` chat requests
// one after another on fresh connections, for the load test and bench/serving.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "http_client.hpp"

namespace vlforge::test {

struct LoadResult {
  std::vector<HttpReply> replies;  // client c's request r at c * requests + r
  double seconds = 0;              // wall time of the whole load
  std::vector<std::string> failures;  // requests that got no HTTP response at all
};

// `body(i)`: the JSON body of request i (i = c * requests + r).
LoadResult run_load(const std::string& host, uint16_t port, int clients, int requests,
                    const std::function<std::string(int)>& body);

}  // namespace vlforge::test
