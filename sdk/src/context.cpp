#include "vlforge/context.hpp"

namespace vlforge {

ComponentFactory::~ComponentFactory() = default;

Context::Context(ContextOptions options, ComponentFactory* factory)
    : opt_(std::move(options)),
      factory_(factory),
      sync_(opt_.sync != nullptr ? opt_.sync : &single_process_),
      logger_(opt_.stage, opt_.rank),
      metrics_(std::make_unique<MetricsSink>(
          opt_.work_dir.empty() ? std::filesystem::path() : opt_.work_dir / "metrics.jsonl", opt_.rank == 0)) {
  if (opt_.world_size > 1 && opt_.sync == nullptr)
    throw Error("context", "a run of " + std::to_string(opt_.world_size) + " ranks needs a RankSync");
}

Context::~Context() = default;

std::filesystem::path Context::stage_dir(std::string_view stage) const { return opt_.run_dir / std::string(stage); }

Progress Context::progress(std::string label, int64_t total, std::string unit) const {
  return Progress(std::move(label), total, std::move(unit), opt_.rank == 0);
}

std::shared_ptr<Component> Context::create_component(const ComponentSpec& spec) {
  if (factory_ == nullptr) throw Error(spec.where.str(), "no component factory in this context to create '" + spec.use() + "'");
  return factory_->create(spec, *this);
}

void Context::throw_kind_mismatch(const ComponentSpec& spec, std::string_view kind) {
  throw Error(spec.where.str(), "component '" + spec.use() + "' is not a " + std::string(kind));
}

}  // namespace vlforge
