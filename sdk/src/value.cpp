#include "vlforge/value.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "vlforge/error.hpp"

namespace vlforge {

Value::Value(bool b, SourceLocation where) : data_(b), where_(std::move(where)) {}
Value::Value(int64_t i, SourceLocation where) : data_(i), where_(std::move(where)) {}
Value::Value(double d, SourceLocation where) : data_(d), where_(std::move(where)) {}
Value::Value(std::string s, SourceLocation where) : data_(std::move(s)), where_(std::move(where)) {}
Value::Value(Array a, SourceLocation where) : data_(std::move(a)), where_(std::move(where)) {}
Value::Value(Table t, SourceLocation where) : data_(std::move(t)), where_(std::move(where)) {}

std::string_view Value::type_name(Type t) {
  switch (t) {
    case Type::none: return "nothing";
    case Type::boolean: return "boolean";
    case Type::integer: return "integer";
    case Type::floating: return "float";
    case Type::string: return "string";
    case Type::array: return "array";
    case Type::table: return "table";
  }
  return "?";
}

namespace {
[[noreturn]] void mismatch(const Value& v, std::string_view wanted) {
  throw Error(v.where().str(), "expected " + std::string(wanted) + ", got " + std::string(v.type_name()));
}
}  // namespace

bool Value::as_bool() const {
  if (!is_bool()) mismatch(*this, "boolean");
  return std::get<bool>(data_);
}
int64_t Value::as_int() const {
  if (!is_int()) mismatch(*this, "integer");
  return std::get<int64_t>(data_);
}
double Value::as_double() const {
  if (is_int()) return static_cast<double>(std::get<int64_t>(data_));
  if (!is_float()) mismatch(*this, "number");
  return std::get<double>(data_);
}
const std::string& Value::as_string() const {
  if (!is_string()) mismatch(*this, "string");
  return std::get<std::string>(data_);
}
const Value::Array& Value::as_array() const {
  if (!is_array()) mismatch(*this, "array");
  return std::get<Array>(data_);
}
Value::Array& Value::as_array() {
  if (!is_array()) mismatch(*this, "array");
  return std::get<Array>(data_);
}
const Value::Table& Value::as_table() const {
  if (!is_table()) mismatch(*this, "table");
  return std::get<Table>(data_);
}
Value::Table& Value::as_table() {
  if (!is_table()) mismatch(*this, "table");
  return std::get<Table>(data_);
}

const Value* Value::find(std::string_view key) const {
  if (!is_table()) return nullptr;
  for (const auto& [k, v] : std::get<Table>(data_))
    if (k == key) return &v;
  return nullptr;
}

Value* Value::find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->find(key));
}

void Value::set(std::string key, Value v) {
  if (is_none()) data_ = Table{};
  auto& table = as_table();
  for (auto& [k, existing] : table) {
    if (k == key) {
      existing = std::move(v);
      return;
    }
  }
  table.emplace_back(std::move(key), std::move(v));
}

bool Value::erase(std::string_view key) {
  if (!is_table()) return false;
  auto& table = std::get<Table>(data_);
  for (auto it = table.begin(); it != table.end(); ++it) {
    if (it->first == key) {
      table.erase(it);
      return true;
    }
  }
  return false;
}

namespace {

void quote(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

bool bare_key(const std::string& k) {
  if (k.empty()) return false;
  for (unsigned char c : k)
    if (!(std::isalnum(c) || c == '_' || c == '-')) return false;
  return true;
}

void render(std::string& out, const Value& v) {
  switch (v.type()) {
    case Value::Type::none: out += "none"; break;
    case Value::Type::boolean: out += v.as_bool() ? "true" : "false"; break;
    case Value::Type::integer: out += std::to_string(v.as_int()); break;
    case Value::Type::floating: {
      const double d = v.as_double();
      if (std::isnan(d)) { out += "nan"; break; }
      if (std::isinf(d)) { out += d > 0 ? "inf" : "-inf"; break; }
      // The shortest form that reads back as the same double: 0.2, not 0.20000000000000001.
      char buf[32];
      for (int precision = 15; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, d);
        if (std::strtod(buf, nullptr) == d) break;
      }
      std::string s = buf;
      if (s.find_first_of(".eE") == std::string::npos) s += ".0";
      out += s;
      break;
    }
    case Value::Type::string: quote(out, v.as_string()); break;
    case Value::Type::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.as_array()) {
        if (!first) out += ", ";
        first = false;
        render(out, e);
      }
      out += ']';
      break;
    }
    case Value::Type::table: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.as_table()) {
        if (!first) out += ", ";
        first = false;
        if (bare_key(k)) out += k; else quote(out, k);
        out += " = ";
        render(out, e);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string Value::to_string() const {
  std::string out;
  render(out, *this);
  return out;
}

}  // namespace vlforge
