// What gate.cc, gate_context.cc and gate_render.cc share (not part of the gate's interface).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/matrix_cells.h"

namespace nsm::gate_internal {

// "a, b, c", or the first few and "... (N in all)".
std::string ListNames(const std::vector<std::string>& names);

// Everything that differs between the runs beyond their cells: tool version, host,
// options, the vm and runtime sections, probes and combinations only in one.
std::vector<std::string> ContextDifferences(const nlohmann::json& baseline,
                                            const std::vector<MatrixCell>& base,
                                            const nlohmann::json& current,
                                            const std::vector<MatrixCell>& cur);

}  // namespace nsm::gate_internal
