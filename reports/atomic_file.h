// Replacing a file so readers see either the old content or the new, never a mix.
#pragma once

#include <string>
#include <string_view>

#include "harness/common/result.h"

namespace nsm {

// Writes `content` to a temporary file next to `path` (".<name>.XXXXXX" in the same
// directory), sets mode 0644, fsyncs it and renames it over `path`. The parent
// directory must exist; it is not created. On failure the temporary file is removed
// and the error carries errno and `path` in its context. An existing `path` that is
// not a regular file (/dev/null, a FIFO), or that reaches one of the caller's
// descriptors (/dev/stdout -> /proc/self/fd/1), is appended to in place, never
// replaced. A symbolic link to a regular file stays: the file it names is replaced.
Status WriteFileAtomically(const std::string& path, std::string_view content);

// Whether WriteFileAtomically(path, ...) could write now: its temporary file
// is made and removed at once (or, for a path written in place, the path is
// writable). Checks what access(2) cannot: a directory root may write to in
// its mode bits but not in fact (procfs, sysfs, a read-only mount). Gives the
// error WriteFileAtomically would.
Status CheckWritableAtomically(const std::string& path);

}  // namespace nsm
