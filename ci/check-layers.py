#!/usr/bin/env python3
"""ci/check-layers.py [SOURCE_DIR]: every #include goes down the layers of docs/design.md.

The folders of the source tree, bottom first; a folder may include its own
headers and those of any folder in a lower layer, never one in its own layer
or above. Tests (*_test.cc, tests/) may include anything. Exit 1 names each
include that goes sideways or up; exit 2 for a source folder the table does
not know (a new folder must be given its layer here and in docs/design.md).
"""
import os
import re
import sys

# Keep in step with the diagram in docs/design.md.
LAYERS = [
    ["harness/common"],
    ["probes", "harness/rules", "harness/vm", "reports"],
    ["harness/launcher"],
    ["harness/judge", "scenarios"],
    ["harness/sandbox"],
    ["harness/runtime"],
    ["harness/plan"],
    ["harness/runner"],
    ["harness/document"],
    ["harness/kernel", "harness/gate"],
    ["bench"],
    ["harness/cli"],
]
LAYER_OF = {folder: i for i, layer in enumerate(LAYERS) for folder in layer}
SOURCE_ROOTS = ("harness", "probes", "reports", "scenarios", "bench")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)


def folder_of(path):
    parts = path.split("/")
    if parts[0] == "harness" and len(parts) > 2:
        return "harness/" + parts[1]
    return parts[0]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    violations, unknown, checked = [], set(), 0
    for top in SOURCE_ROOTS:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith((".cc", ".h")) or name.endswith("_test.cc"):
                    continue
                path = os.path.relpath(os.path.join(dirpath, name), root)
                src = folder_of(path)
                if src not in LAYER_OF:
                    unknown.add(src)
                    continue
                with open(os.path.join(root, path), encoding="utf-8") as f:
                    text = f.read()
                for include in INCLUDE.findall(text):
                    if not os.path.exists(os.path.join(root, include)):
                        continue  # generated, or a system header in quotes
                    checked += 1
                    dst = folder_of(include)
                    if dst == src:
                        continue
                    if dst not in LAYER_OF:
                        unknown.add(dst)
                    elif LAYER_OF[dst] >= LAYER_OF[src]:
                        way = "sideways" if LAYER_OF[dst] == LAYER_OF[src] else "up"
                        violations.append(f"{path}: includes {include} ({src} -> {dst}, {way})")
    if unknown:
        print("ci/check-layers.py: folders without a layer: " + ", ".join(sorted(unknown)) +
              " (give each one in LAYERS and in docs/design.md)", file=sys.stderr)
        return 2
    for v in violations:
        print(v, file=sys.stderr)
    if violations:
        print(f"ci/check-layers.py: {len(violations)} include(s) against the layers", file=sys.stderr)
        return 1
    print(f"ci/check-layers.py: {checked} includes, every one down the layers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
