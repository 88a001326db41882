// Broken plugin: a shared library that exports functions but not `vlforge_plugin_entry`.
extern "C" __attribute__((visibility("default"))) int vlforge_plugin_entry_misspelt() { return 1; }
