// expand_braces(): Python braceexpand's grammar and output order, so that a shard list written
// for webdataset/img2dataset names the same files here.
#include <algorithm>
#include <charconv>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "vlforge/error.hpp"
#include "vlforge/webdataset.hpp"

namespace vlforge {
namespace {

using Alternatives = std::vector<std::string>;

// A pattern naming more files than this is a typo ("{0..99999999999}"), not a shard list.
constexpr size_t kMaxExpansions = 10'000'000;

class BraceExpander {
 public:
  explicit BraceExpander(std::string_view whole) : whole_(whole) {}

  // A sequence of literal text and brace groups -> the product of their alternatives, the
  // leftmost group varying slowest.
  Alternatives pattern(std::string_view p) {
    std::vector<Alternatives> items;
    size_t start = 0;
    size_t pos = 0;
    int depth = 0;
    while (pos < p.size()) {
      const char c = p[pos];
      if (c == '\\') {
        pos += 2;
        continue;
      }
      if (c == '{') {
        if (depth == 0 && pos > start) items.push_back({std::string(p.substr(start, pos - start))});
        if (depth == 0) start = pos;
        ++depth;
      } else if (c == '}') {
        if (depth == 0) fail("'}' at offset " + std::to_string(offset(p, pos)) + " closes no '{'");
        if (--depth == 0) {
          const std::string_view expr = p.substr(start + 1, pos - start - 1);
          if (auto alternatives = expression(expr)) {
            items.push_back(std::move(*alternatives));
          } else {
            // Not a range nor a list ("{a}", "{}"): the braces are literal text.
            items.push_back({"{"});
            items.push_back(pattern(expr));
            items.push_back({"}"});
          }
          start = pos + 1;
        }
      }
      ++pos;
    }
    if (depth != 0) fail("'{' at offset " + std::to_string(offset(p, start)) + " is never closed");
    if (start < p.size()) items.push_back({std::string(p.substr(start))});
    return product(items);
  }

 private:
  std::optional<Alternatives> expression(std::string_view expr) {
    static const std::regex int_range(R"(^(-?\d+)\.\.(-?\d+)(?:\.\.-?(\d+))?$)");
    static const std::regex char_range(R"(^([A-Za-z])\.\.([A-Za-z])(?:\.\.-?(\d+))?$)");
    std::match_results<std::string_view::const_iterator> m;
    if (std::regex_match(expr.begin(), expr.end(), m, int_range))
      return integers(m[1].str(), m[2].str(), m[3].matched ? m[3].str() : "");
    if (std::regex_match(expr.begin(), expr.end(), m, char_range))
      return letters(m[1].str()[0], m[2].str()[0], m[3].matched ? m[3].str() : "");
    return sequence(expr);
  }

  // "a,b{c,d}" -> a, bc, bd; nullopt without a top-level comma.
  std::optional<Alternatives> sequence(std::string_view seq) {
    Alternatives out;
    size_t start = 0;
    size_t pos = 0;
    int depth = 0;
    bool comma = false;
    while (pos < seq.size()) {
      const char c = seq[pos];
      if (c == '\\') {
        pos += 2;
        continue;
      }
      if (c == '{') {
        ++depth;
      } else if (c == '}') {
        --depth;
      } else if (c == ',' && depth == 0) {
        append(out, pattern(seq.substr(start, pos - start)));
        start = pos + 1;
        comma = true;
      }
      ++pos;
    }
    if (!comma) return std::nullopt;
    append(out, pattern(seq.substr(start)));
    return out;
  }

  // braceexpand pads every number to the longer bound when either bound has a leading zero.
  Alternatives integers(const std::string& left, const std::string& right, const std::string& increment) {
    auto has_leading_zero = [](const std::string& s) {
      return s != "0" && s != "-0" && (s.starts_with('0') || s.starts_with("-0"));
    };
    const size_t width = has_leading_zero(left) || has_leading_zero(right) ? std::max(left.size(), right.size()) : 0;
    const long long first = number(left);
    const long long last = number(right);
    const long long step = step_of(increment);
    // Counted before generating, so a typo fails at once instead of after filling memory.
    using U = unsigned long long;
    const U span =
        first < last ? static_cast<U>(last) - static_cast<U>(first) : static_cast<U>(first) - static_cast<U>(last);
    check_size(static_cast<size_t>(std::min<U>(span / static_cast<U>(step) + 1, kMaxExpansions + 1)));
    Alternatives out;
    // Python's "%0Nd": zeros after the sign, the sign counted in the width.
    auto emit = [&](long long i) {
      std::string digits = std::to_string(i);
      if (digits.size() < width) digits.insert(i < 0 ? 1 : 0, width - digits.size(), '0');
      out.push_back(std::move(digits));
    };
    if (first < last) {
      for (long long i = first;; i += step) {
        emit(i);
        if (static_cast<U>(last) - static_cast<U>(i) < static_cast<U>(step)) break;
      }
    } else {
      for (long long i = first;; i -= step) {
        emit(i);
        if (static_cast<U>(i) - static_cast<U>(last) < static_cast<U>(step)) break;
      }
    }
    return out;
  }

  // Letters run through "A..Za..z" (upper case first), so "{Z..a}" is Z, a and "{a..A}" runs
  // down through both cases, as in braceexpand.
  Alternatives letters(char first, char last, const std::string& increment) {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const auto from = static_cast<long long>(kAlphabet.find(first));
    const auto to = static_cast<long long>(kAlphabet.find(last));
    const long long step = std::min<long long>(step_of(increment), static_cast<long long>(kAlphabet.size()));
    Alternatives out;
    if (from < to) {
      for (long long i = from; i <= to; i += step) out.emplace_back(1, kAlphabet[static_cast<size_t>(i)]);
    } else {
      for (long long i = from; i >= to; i -= step) out.emplace_back(1, kAlphabet[static_cast<size_t>(i)]);
    }
    return out;
  }

  long long number(const std::string& s) {
    long long v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) fail("range bound " + s + " is out of range");
    return v;
  }

  // A missing or zero increment means 1, as in braceexpand; its sign is ignored.
  long long step_of(const std::string& increment) {
    if (increment.empty()) return 1;
    const long long step = number(increment);
    return step == 0 ? 1 : step;
  }

  Alternatives product(const std::vector<Alternatives>& items) {
    Alternatives out{""};
    for (const auto& item : items) {
      check_size(out.size() * item.size());
      Alternatives next;
      next.reserve(out.size() * item.size());
      for (const auto& prefix : out)
        for (const auto& suffix : item) next.push_back(prefix + suffix);
      out = std::move(next);
    }
    return out;
  }

  void append(Alternatives& out, Alternatives more) {
    check_size(out.size() + more.size());
    for (auto& s : more) out.push_back(std::move(s));
  }

  void check_size(size_t n) {
    if (n > kMaxExpansions) fail("expands to more than " + std::to_string(kMaxExpansions) + " names");
  }

  size_t offset(std::string_view part, size_t pos) const {
    return static_cast<size_t>(part.data() - whole_.data()) + pos;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error("brace pattern '" + std::string(whole_) + "'", what);
  }

  std::string_view whole_;
};

// A backslash makes the next character literal; it is removed from the result.
std::string unescape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

}  // namespace

std::vector<std::string> expand_braces(std::string_view pattern) {
  std::vector<std::string> names = BraceExpander(pattern).pattern(pattern);
  for (auto& name : names) name = unescape(name);
  return names;
}

}  // namespace vlforge
