#include "vqa_answer_normalizer.hpp"

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <array>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vlforge::vqa_eval {
namespace {

// The punctuation of processPunctuation, in the script's order (the order matters: whether a
// mark is deleted or spaced depends on the original text, but each replacement acts on the text
// the earlier ones left).
constexpr std::array<char, 21> kPunctuation = {';', '/', '[', ']', '"', '{', '}', '(', ')', '=', '+',
                                               '\\', '_', '-', '>', '<', '@', '`', ',', '?', '!'};

// periodStrip.sub("", text, re.UNICODE): re.UNICODE (32) lands in `count`.
constexpr int kMaxPeriodsStripped = 32;

const std::unordered_map<std::string_view, std::string_view>& number_words() {
  static const std::unordered_map<std::string_view, std::string_view> map = {
      {"none", "0"}, {"zero", "0"}, {"one", "1"}, {"two", "2"},   {"three", "3"}, {"four", "4"},
      {"five", "5"}, {"six", "6"},  {"seven", "7"}, {"eight", "8"}, {"nine", "9"},  {"ten", "10"}};
  return map;
}

bool is_article(std::string_view word) { return word == "a" || word == "an" || word == "the"; }

// The script's contractions table, entry for entry (a few keys are capitalised and so never match
// a lower-cased word; "somebody'd" maps to "somebodyd": both as in the script).
const std::unordered_map<std::string_view, std::string_view>& contractions() {
  static const std::unordered_map<std::string_view, std::string_view> map = {
    {"aint", "ain't"}, {"arent", "aren't"}, {"cant", "can't"}, {"couldve", "could've"}, {"couldnt", "couldn't"},
    {"couldn'tve", "couldn't've"}, {"couldnt've", "couldn't've"}, {"didnt", "didn't"}, {"doesnt", "doesn't"},
    {"dont", "don't"}, {"hadnt", "hadn't"}, {"hadnt've", "hadn't've"}, {"hadn'tve", "hadn't've"},
    {"hasnt", "hasn't"}, {"havent", "haven't"}, {"hed", "he'd"}, {"hed've", "he'd've"}, {"he'dve", "he'd've"},
    {"hes", "he's"}, {"howd", "how'd"}, {"howll", "how'll"}, {"hows", "how's"}, {"Id've", "I'd've"},
    {"I'dve", "I'd've"}, {"Im", "I'm"}, {"Ive", "I've"}, {"isnt", "isn't"}, {"itd", "it'd"}, {"itd've", "it'd've"},
    {"it'dve", "it'd've"}, {"itll", "it'll"}, {"let's", "let's"}, {"maam", "ma'am"}, {"mightnt", "mightn't"},
    {"mightnt've", "mightn't've"}, {"mightn'tve", "mightn't've"}, {"mightve", "might've"}, {"mustnt", "mustn't"},
    {"mustve", "must've"}, {"neednt", "needn't"}, {"notve", "not've"}, {"oclock", "o'clock"},
    {"oughtnt", "oughtn't"}, {"ow's'at", "'ow's'at"}, {"'ows'at", "'ow's'at"}, {"'ow'sat", "'ow's'at"},
    {"shant", "shan't"}, {"shed've", "she'd've"}, {"she'dve", "she'd've"}, {"she's", "she's"},
    {"shouldve", "should've"}, {"shouldnt", "shouldn't"}, {"shouldnt've", "shouldn't've"},
    {"shouldn'tve", "shouldn't've"}, {"somebody'd", "somebodyd"}, {"somebodyd've", "somebody'd've"},
    {"somebody'dve", "somebody'd've"}, {"somebodyll", "somebody'll"}, {"somebodys", "somebody's"},
    {"someoned", "someone'd"}, {"someoned've", "someone'd've"}, {"someone'dve", "someone'd've"},
    {"someonell", "someone'll"}, {"someones", "someone's"}, {"somethingd", "something'd"},
    {"somethingd've", "something'd've"}, {"something'dve", "something'd've"}, {"somethingll", "something'll"},
    {"thats", "that's"}, {"thered", "there'd"}, {"thered've", "there'd've"}, {"there'dve", "there'd've"},
    {"therere", "there're"}, {"theres", "there's"}, {"theyd", "they'd"}, {"theyd've", "they'd've"},
    {"they'dve", "they'd've"}, {"theyll", "they'll"}, {"theyre", "they're"}, {"theyve", "they've"},
    {"twas", "'twas"}, {"wasnt", "wasn't"}, {"wed've", "we'd've"}, {"we'dve", "we'd've"}, {"weve", "we've"},
    {"werent", "weren't"}, {"whatll", "what'll"}, {"whatre", "what're"}, {"whats", "what's"}, {"whatve", "what've"},
    {"whens", "when's"}, {"whered", "where'd"}, {"wheres", "where's"}, {"whereve", "where've"}, {"whod", "who'd"},
    {"whod've", "who'd've"}, {"who'dve", "who'd've"}, {"wholl", "who'll"}, {"whos", "who's"}, {"whove", "who've"},
    {"whyll", "why'll"}, {"whyre", "why're"}, {"whys", "why's"}, {"wont", "won't"}, {"wouldve", "would've"},
    {"wouldnt", "wouldn't"}, {"wouldnt've", "wouldn't've"}, {"wouldn'tve", "wouldn't've"}, {"yall", "y'all"},
    {"yall'll", "y'all'll"}, {"y'allll", "y'all'll"}, {"yall'd've", "y'all'd've"}, {"y'alld've", "y'all'd've"},
    {"y'all'dve", "y'all'd've"}, {"youd", "you'd"}, {"youd've", "you'd've"}, {"you'dve", "you'd've"},
    {"youll", "you'll"}, {"youre", "you're"}, {"youve", "you've"},
  };
  return map;
}

// Python's str.isspace(), which str.split() and str.strip() use: Unicode Zs plus the characters
// of bidirectional class WS, B or S.
bool is_python_space(UChar32 c) {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x1C: case 0x1D: case 0x1E: case 0x1F:
    case 0x20: case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

// Python's regex \d on str: a character of category Nd.
bool is_decimal_digit(UChar32 c) { return c >= 0 && u_charType(c) == U_DECIMAL_DIGIT_NUMBER; }

int32_t length_of(std::string_view text) { return static_cast<int32_t>(text.size()); }

// The code point that starts at byte `i` (a negative value for a malformed sequence).
UChar32 code_point_at(std::string_view text, int32_t i) {
  UChar32 c = 0;
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), i, length_of(text), c);
  return c;
}

// The code point that ends just before byte `i`.
UChar32 code_point_before(std::string_view text, int32_t i) {
  UChar32 c = 0;
  U8_PREV(reinterpret_cast<const uint8_t*>(text.data()), 0, i, c);
  return c;
}

// re.search(r"(\d)(\,)(\d)", text) != None
bool has_digit_comma_digit(std::string_view text) {
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] != ',') continue;
    const auto at = static_cast<int32_t>(i);
    if (is_decimal_digit(code_point_before(text, at)) && is_decimal_digit(code_point_at(text, at + 1))) return true;
  }
  return false;
}

// The words of Python's text.split(): runs of non-space code points.
std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  int32_t i = 0, start = -1;
  const int32_t n = length_of(text);
  while (i < n) {
    const int32_t at = i;
    UChar32 c = 0;
    U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), i, n, c);
    if (is_python_space(c)) {
      if (start >= 0) words.push_back(text.substr(start, at - start));
      start = -1;
    } else if (start < 0) {
      start = at;
    }
  }
  if (start >= 0) words.push_back(text.substr(start));
  return words;
}

// Python's text.strip().
std::string_view strip(std::string_view text) {
  int32_t begin = 0;
  const int32_t n = length_of(text);
  while (begin < n) {
    int32_t next = begin;
    UChar32 c = 0;
    U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), next, n, c);
    if (!is_python_space(c)) break;
    begin = next;
  }
  int32_t end = n;
  while (end > begin) {
    int32_t prev = end;
    UChar32 c = 0;
    U8_PREV(reinterpret_cast<const uint8_t*>(text.data()), begin, prev, c);
    if (!is_python_space(c)) break;
    end = prev;
  }
  return text.substr(begin, end - begin);
}

// Python's str.lower(): full Unicode lower-casing, final sigma included, independent of locale.
std::string lower(std::string_view text) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), length_of(text)));
  u.toLower(icu::Locale::getRoot());
  std::string out;
  u.toUTF8String(out);
  return out;
}

}  // namespace

std::string process_punctuation(std::string_view text) {
  const bool digit_comma_digit = has_digit_comma_digit(text);
  std::string out(text);
  for (const char p : kPunctuation) {
    // The test looks at the original text, the replacement at the text so far.
    const std::string before_space{p, ' '};
    const std::string after_space{' ', p};
    const bool remove = digit_comma_digit || text.find(before_space) != std::string_view::npos ||
                        text.find(after_space) != std::string_view::npos;
    std::string next;
    next.reserve(out.size());
    for (const char c : out) {
      if (c != p) {
        next.push_back(c);
      } else if (!remove) {
        next.push_back(' ');
      }
    }
    out = std::move(next);
  }
  // periodStrip, "(?!<=\d)(\.)(?!\d)": the first group is a lookahead for the literal "<=" and a
  // digit, which a period never starts, so it deletes each period not followed by a digit.
  std::string result;
  result.reserve(out.size());
  int stripped = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '.' && stripped < kMaxPeriodsStripped &&
        !(i + 1 < out.size() && is_decimal_digit(code_point_at(out, static_cast<int32_t>(i + 1))))) {
      ++stripped;
      continue;
    }
    result.push_back(out[i]);
  }
  return result;
}

std::string process_digit_article(std::string_view text) {
  const std::string lowered = lower(text);
  std::vector<std::string_view> kept;
  for (std::string_view word : split_words(lowered)) {
    if (auto number = number_words().find(word); number != number_words().end()) word = number->second;
    if (!is_article(word)) kept.push_back(word);
  }
  std::string out;
  for (size_t i = 0; i < kept.size(); ++i) {
    std::string_view word = kept[i];
    if (auto expanded = contractions().find(word); expanded != contractions().end()) word = expanded->second;
    if (i > 0) out.push_back(' ');
    out.append(word);
  }
  return out;
}

std::string normalize_vqa_answer(std::string_view answer) {
  std::string text(answer);
  for (char& c : text)
    if (c == '\n' || c == '\t') c = ' ';
  return process_digit_article(process_punctuation(strip(text)));
}

}  // namespace vlforge::vqa_eval
