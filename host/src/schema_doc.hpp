// A component's schema rendered for people: the text `vlforge describe` prints and the Markdown
// of docs/components.md, both from the schema the validator uses.
#pragma once

#include <string>

#include "registry.hpp"

namespace vlforge::host {

std::string describe_text(const Registry::Entry& entry);
std::string describe_markdown(const Registry::Entry& entry);

}  // namespace vlforge::host
