// Outcomes (what a probe observed) and verdicts (whether that was expected):
// the words every stage uses, from the worker's replies to the report and the
// gate. Each has one spelling; Name() and *FromName() are its two directions.
#pragma once

#include <optional>
#include <string_view>

namespace nsm {

// unsupported: the kernel would not create the combination's namespaces;
// refused: a container runtime would not make (or cannot express) the container.
enum class Outcome { isolated, leaked, unsupported, refused, error };
enum class Verdict { pass, fail, skip };

inline constexpr Outcome kOutcomes[] = {Outcome::isolated, Outcome::leaked, Outcome::unsupported,
                                        Outcome::refused, Outcome::error};
inline constexpr Verdict kVerdicts[] = {Verdict::pass, Verdict::fail, Verdict::skip};

std::string_view Name(Outcome outcome);
std::string_view Name(Verdict verdict);
std::optional<Outcome> OutcomeFromName(std::string_view name);
std::optional<Verdict> VerdictFromName(std::string_view name);

}  // namespace nsm
