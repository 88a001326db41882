// Symbol visibility for the SDK's shared types.
//
// Plugins build with hidden visibility; SDK classes are marked VLFORGE_API so that their type info
// and vtables resolve to the single copy in libvlforge_sdk.so (dynamic_cast across plugins works).
#pragma once

#define VLFORGE_API __attribute__((visibility("default")))
