// vlforge::Value: a configuration value with the position it was written at.
//
// The host turns each recipe table into Values (no TOML types cross into plugins), fills in
// defaults from the component's schema and validates it; Schema<T>::bind then copies the Values
// into the component's typed config struct. Tables keep their keys in recipe order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "vlforge/export.hpp"
#include "vlforge/source_location.hpp"

namespace vlforge {

class VLFORGE_API Value {
 public:
  using Array = std::vector<Value>;
  using Table = std::vector<std::pair<std::string, Value>>;
  enum class Type { none, boolean, integer, floating, string, array, table };

  Value() = default;
  Value(bool b, SourceLocation where = {});
  Value(int64_t i, SourceLocation where = {});
  Value(int i, SourceLocation where = {}) : Value(static_cast<int64_t>(i), std::move(where)) {}
  Value(double d, SourceLocation where = {});
  Value(std::string s, SourceLocation where = {});
  Value(const char* s, SourceLocation where = {}) : Value(std::string(s), std::move(where)) {}
  Value(Array a, SourceLocation where = {});
  Value(Table t, SourceLocation where = {});

  Type type() const noexcept { return static_cast<Type>(data_.index()); }
  bool is_none() const noexcept { return type() == Type::none; }
  bool is_bool() const noexcept { return type() == Type::boolean; }
  bool is_int() const noexcept { return type() == Type::integer; }
  bool is_float() const noexcept { return type() == Type::floating; }
  bool is_number() const noexcept { return is_int() || is_float(); }
  bool is_string() const noexcept { return type() == Type::string; }
  bool is_array() const noexcept { return type() == Type::array; }
  bool is_table() const noexcept { return type() == Type::table; }

  // Typed access; throws vlforge::Error naming `where()` on a type mismatch.
  bool as_bool() const;
  int64_t as_int() const;
  double as_double() const;  // integers convert
  const std::string& as_string() const;
  const Array& as_array() const;
  Array& as_array();
  const Table& as_table() const;
  Table& as_table();

  // Table lookup: nullptr when absent (or when this is not a table).
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  // Sets or replaces `key`, keeping the table's order.
  void set(std::string key, Value v);
  bool erase(std::string_view key);

  const SourceLocation& where() const noexcept { return where_; }
  void set_where(SourceLocation where) { where_ = std::move(where); }

  // Canonical one-line text (TOML-like), stable across runs: used for hashing and display.
  std::string to_string() const;

  static std::string_view type_name(Type t);
  std::string_view type_name() const { return type_name(type()); }

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, Array, Table> data_;
  SourceLocation where_;
};

}  // namespace vlforge
