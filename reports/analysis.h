// Per-probe analysis of a report document's cells: how often a probe was isolated,
// by which minimal sets of namespaces, and where adding a namespace broke isolation.
#pragma once

#include <nlohmann/json.hpp>

namespace nsm {

// Returns {"<probe id>": {"isolated_count", "cell_count", "isolated_by", "anomalies"}}
// for every probe listed in doc["probes"] or named by a cell.
//  - cell_count: the probe's cells with outcome isolated, leaked, unsupported or error.
//  - isolated_count: those with outcome isolated.
//  - isolated_by: the minimal isolating sets, i.e. combinations S whose cell is isolated
//    while no cell for a proper subset of S is; each an array of names in canonical
//    order, sorted by size then canonical order; [] when nothing isolates the probe.
//  - anomalies: "isolated with S but leaked with S+x" for each isolated S whose
//    one-larger superset S+x was run and leaked.
// Only isolated and leaked cells take part in isolated_by and anomalies; if one
// combination has several such cells for a probe, a leak wins.
nlohmann::json AnalyzeProbes(const nlohmann::json& doc);

// Sets those four fields on each object in doc["probes"], by its "id".
void AddAnalysis(nlohmann::json& doc);

}  // namespace nsm
