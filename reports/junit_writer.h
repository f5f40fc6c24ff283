// A JUnit XML rendering of a "nsmatrix/1" document, for CI systems that show test
// results (GitLab, Jenkins, mikepenz/action-junit-report, dorny/test-reporter).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace nsm {

// Renders `doc` (see reports/nsmatrix.schema.json) as JUnit XML after the common Ant
// schema: <testsuites> holding one <testsuite name="nsmatrix"> with tests, failures,
// errors (a probe error is a failed verdict; errors counts only cells whose verdict
// is none of pass, fail and skip), skipped, time (duration_seconds)
// and timestamp (generated_at in UTC without a zone, as the Ant schema wants it); a
// <properties> block (kernel_release, architecture, mode, userns_map, rootfs,
// nsmatrix_version); and one <testcase classname="<probe id>" name="<combination>"
// time="0"> per cell, in document order. A repeated probe and combination pair gets
// " #2", " #3"... appended to its name.
//  - verdict fail: <failure message="expected X, observed Y: DETAIL" type="fail">DETAIL</failure>,
//    type="error" when the outcome is error;
//  - verdict skip: <skipped message="unsupported: DETAIL"/>;
//  - any other verdict, or none: <error message="verdict X is not pass, fail or skip
//    (outcome Y)" type="unknown-verdict"/>.
// When the run's headline (HeadlineOf, document_view.h) is not PASSED and no test case
// fails, one more, classname "nsmatrix" name "run", fails with the headline as its
// message: type "nothing-tested" when no cell passed or failed (nsmatrix run exits 1
// for that), "summary-fail" when only the document's summary counts a failure.
// Every text is escaped, and characters XML 1.0 forbids (control characters other than
// tab, line feed and carriage return; U+FFFE, U+FFFF) are dropped; malformed UTF-8
// becomes U+FFFD. Like RenderMarkdown, missing fields render as "?" rather than failing.
std::string RenderJUnit(const nlohmann::json& doc);

// `text` as XML 1.0 character data or attribute value (both quotes escaped; in
// attributes tab, line feed and carriage return become character references so that
// parsers keep them).
std::string EscapeXml(std::string_view text, bool attribute);

}  // namespace nsm
