#include "ffd_refinement.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "first_fit_decreasing.hpp"

namespace vlforge::packers {

namespace {

// Above this many (distinct length x room) steps the exact finish is skipped for that sequence,
// which keeps the refill near-linear for any length distribution.
constexpr int64_t kFinishBudget = int64_t{1} << 18;

// Samples not placed yet: by (length, index), and how many of each length.
struct Pool {
  std::set<std::pair<int64_t, int64_t>> samples;
  std::map<int64_t, int64_t> counts;

  void add(int64_t length, int64_t index) {
    samples.emplace(length, index);
    ++counts[length];
  }
  // Removes and returns the lowest index among the samples of `length` (one must exist).
  int64_t take(int64_t length) {
    const auto it = samples.lower_bound({length, std::numeric_limits<int64_t>::min()});
    const int64_t index = it->second;
    samples.erase(it);
    if (--counts[length] == 0) counts.erase(length);
    return index;
  }
};

// Fills `room` as closely as any choice of pooled samples can (bounded subset sum over the pooled
// lengths); false, taking nothing, when that search would exceed the budget.
bool finish_exactly(std::vector<int64_t>& bin, int64_t& room, Pool& pool) {
  std::vector<int64_t> lengths;
  for (auto it = pool.counts.begin(); it != pool.counts.end() && it->first <= room; ++it) lengths.push_back(it->first);
  if (static_cast<int64_t>(lengths.size()) * room > kFinishBudget) return false;
  const auto slots = static_cast<size_t>(room + 1);
  std::vector<int64_t> last(slots, 0);  // length added last to reach each sum; 0: not reached
  std::vector<int64_t> uses(slots, 0);  // copies of the current length in that sum
  std::vector<char> reached(slots, 0);
  reached[0] = 1;
  for (const int64_t length : lengths) {
    const int64_t available = pool.counts[length];
    std::fill(uses.begin(), uses.end(), 0);
    for (int64_t sum = length; sum <= room; ++sum) {
      const auto s = static_cast<size_t>(sum), from = static_cast<size_t>(sum - length);
      if (!reached[s] && reached[from] && uses[from] < available) {
        reached[s] = 1;
        uses[s] = uses[from] + 1;
        last[s] = length;
      }
    }
  }
  int64_t best = room;
  while (!reached[static_cast<size_t>(best)]) --best;
  room -= best;
  for (int64_t sum = best; sum > 0; sum -= last[static_cast<size_t>(sum)])
    bin.push_back(pool.take(last[static_cast<size_t>(sum)]));
  return true;
}

// Longest pooled samples first while the room stays above several samples' worth, then an exact
// finish, so the last tokens are chosen from every combination of the shorter samples.
std::vector<int64_t> refill(int64_t context, Pool& pool) {
  std::vector<int64_t> bin;
  int64_t room = context;
  while (!pool.samples.empty()) {
    const int64_t longest = pool.samples.rbegin()->first;
    if (room - longest < 5 * longest) break;
    bin.push_back(pool.take(longest));
    room -= longest;
  }
  if (!finish_exactly(bin, room, pool)) {
    for (auto it = pool.samples.upper_bound({room, std::numeric_limits<int64_t>::max()}); it != pool.samples.begin();
         it = pool.samples.upper_bound({room, std::numeric_limits<int64_t>::max()})) {
      const int64_t length = std::prev(it)->first;
      bin.push_back(pool.take(length));
      room -= length;
    }
  }
  return bin;
}

}  // namespace

PackPlan ffd_refinement(std::span<const int64_t> lengths, int64_t context) {
  PackPlan ffd = first_fit_decreasing(lengths, context);
  PackPlan refined;
  Pool pool;
  for (const std::vector<int64_t>& bin : ffd.bins) {
    int64_t load = 0;
    for (const int64_t i : bin) load += lengths[static_cast<size_t>(i)];
    if (load == context) {
      refined.bins.push_back(bin);
    } else {
      for (const int64_t i : bin) pool.add(lengths[static_cast<size_t>(i)], i);
    }
  }
  while (!pool.samples.empty()) refined.bins.push_back(refill(context, pool));
  return refined.bins.size() < ffd.bins.size() ? refined : ffd;
}

}  // namespace vlforge::packers
