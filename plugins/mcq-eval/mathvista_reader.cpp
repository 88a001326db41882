#include "mathvista_reader.hpp"

#include <cmath>

#include "json_file.hpp"
#include "vlforge/error.hpp"

namespace vlforge::mcq_eval {

namespace {

// A string, or a number written as text ("answer": 14 in some copies of the file).
std::string text_of(const Json& entry, std::string_view key, const std::filesystem::path& file, const std::string& what) {
  const Json& v = json_key(entry, key, file, what);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    return d == std::floor(d) ? std::to_string(static_cast<long long>(d)) : v.dump();
  }
  throw Error(file.string(), what + "." + std::string(key) + " is " + v.type_name() + ", expected a string");
}

MathVistaProblem read_problem(const Json& entry, const std::filesystem::path& file, const std::filesystem::path& images,
                              const std::string& what) {
  MathVistaProblem p;
  p.where = file.string() + ": " + what;
  p.pid = json_id_text(entry, "pid", file, what);
  p.question = json_string(entry, "question", file, what);
  p.query = json_string(entry, "query", file, what);
  p.image = ImageInput::from_file(images / json_string(entry, "image", file, what));
  p.answer = text_of(entry, "answer", file, what);
  p.question_type = json_string(entry, "question_type", file, what);
  p.answer_type = json_string(entry, "answer_type", file, what);
  if (p.question_type != "multi_choice" && p.question_type != "free_form")
    throw Error(p.where, "question_type is '" + p.question_type + "', expected multi_choice or free_form");
  if (p.answer_type != "integer" && p.answer_type != "float" && p.answer_type != "text" && p.answer_type != "list")
    throw Error(p.where, "answer_type is '" + p.answer_type + "', expected integer, float, text or list");
  if (const auto c = entry.find("choices"); c != entry.end() && !c->is_null())
    for (const Json& choice : json_array(*c, file, what + ".choices")) {
      if (!choice.is_string() && !choice.is_number())
        throw Error(p.where, std::string("a choice is ") + choice.type_name() + ", expected text");
      p.choices.push_back(choice.is_string() ? choice.get<std::string>() : choice.dump());
    }
  if (p.question_type == "multi_choice" && p.choices.size() < 2)
    throw Error(p.where, "a multi_choice problem needs at least 2 choices, it has " + std::to_string(p.choices.size()));
  if (const auto u = entry.find("unit"); u != entry.end() && u->is_string()) p.unit = u->get<std::string>();
  if (const auto d = entry.find("precision"); d != entry.end() && d->is_number())
    p.precision = static_cast<int>(std::lround(d->get<double>()));
  if (const auto m = entry.find("metadata"); m != entry.end() && m->is_object()) {
    if (const auto t = m->find("task"); t != m->end() && t->is_string()) p.task = t->get<std::string>();
    if (const auto c = m->find("category"); c != m->end() && c->is_string()) p.category = c->get<std::string>();
  }
  return p;
}

}  // namespace

std::vector<MathVistaProblem> read_mathvista(const std::filesystem::path& file, const std::filesystem::path& images) {
  const Json root = read_json_file(file);
  std::vector<MathVistaProblem> problems;
  if (root.is_array()) {
    for (size_t i = 0; i < root.size(); ++i) problems.push_back(read_problem(root[i], file, images, "[" + std::to_string(i) + "]"));
  } else if (root.is_object()) {
    for (const auto& [pid, entry] : root.items()) problems.push_back(read_problem(entry, file, images, "\"" + pid + "\""));
  } else {
    throw Error(file.string(), std::string("is ") + root.type_name() + ", expected a list of problems or an object keyed by pid");
  }
  return problems;
}

}  // namespace vlforge::mcq_eval
