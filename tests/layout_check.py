#!/usr/bin/python3
"""Checks the source layout (docs/design.md, "Stages"). Run by ctest.

  layout_check.py layers SOURCE_DIR   stage order of #includes, tests/<stage>/
                                      only for stages in src/, CMake link lines
                                      that match what each stage includes
  layout_check.py sizes SOURCE_DIR    functions (src/, tests/, fuzz/) under ~80 lines and files under
                                      ~400, unless the file says why not in a
                                      comment starting "// size:" in its first
                                      15 lines

Prints one line per violation, naming file and line, and exits 1 if any.
"""
import os
import re
import sys

# A stage may include itself and the stages before it, never one after it.
# net is the KServe v2 protocol (both ends of the wire, estimators); lab the
# link emulation experiments and tests use (namespaces, tbf, relay, goodput).
ORDER = ["common", "graph", "zoo", "exec", "task", "codec", "engine", "profile", "partition", "net", "lab", "runtime", "eval", "cli"]
TEST_DIRS_NOT_STAGES = {"fixtures"}
MAX_FUNCTION_LINES = 80
MAX_FILE_LINES = 400
INCLUDE = re.compile(r'^\s*#\s*include\s*"([a-z_]+)/[^"]+"')


def sources(root):
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith((".h", ".cpp", ".hpp", ".cc")):
                yield os.path.join(dirpath, f)


def stage_includes(src, stage):
    """(file, line number, included stage) for every #include "X/..." of a stage."""
    for path in sources(os.path.join(src, stage)):
        with open(path, encoding="utf-8") as f:
            for no, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if m and m.group(1) in ORDER:
                    yield path, no, m.group(1)


def cmake_links(source_dir):
    """stage -> stages named on its edgecut_stage() line, and that line's number."""
    links = {}
    path = os.path.join(source_dir, "CMakeLists.txt")
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            m = re.match(r"\s*edgecut_stage\((\w+)([^)]*)\)", line)
            if m:
                deps = re.findall(r"\bedgecut_(\w+)", m.group(2))
                links[m.group(1)] = (set(d for d in deps if d in ORDER), no)
    return links


def check_layers(source_dir):
    errors = []
    src = os.path.join(source_dir, "src")
    stages = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)))
    rank = {s: i for i, s in enumerate(ORDER)}
    used = {}
    for stage in stages:
        if stage not in rank:
            errors.append(f"src/{stage}/: not a known stage; add it to ORDER in tests/layout_check.py")
            continue
        used[stage] = set()
        for path, no, dep in stage_includes(src, stage):
            rel = os.path.relpath(path, source_dir)
            if rank[dep] > rank[stage]:
                errors.append(f"{rel}:{no}: stage '{stage}' includes '{dep}/', a later stage "
                              f"(order: {' -> '.join(ORDER)})")
            elif dep != stage:
                used[stage].add(dep)
    tests = os.path.join(source_dir, "tests")
    for d in sorted(os.listdir(tests)):
        if os.path.isdir(os.path.join(tests, d)) and d not in stages and d not in TEST_DIRS_NOT_STAGES:
            errors.append(f"tests/{d}/: no stage src/{d}/ to test")
    links = cmake_links(source_dir)
    for stage, (deps, no) in sorted(links.items()):
        for dep in sorted(deps - used.get(stage, set())):
            errors.append(f"CMakeLists.txt:{no}: edgecut_{stage} links edgecut_{dep} but src/{stage}/ "
                          f"includes nothing from {dep}/")
    for stage, deps in sorted(used.items()):
        if stage not in links:
            continue  # the executable (cli) links by hand
        reach, todo = set(), list(links[stage][0])
        while todo:
            d = todo.pop()
            if d not in reach:
                reach.add(d)
                todo.extend(links.get(d, (set(), 0))[0])
        for dep in sorted(deps - reach):
            errors.append(f"CMakeLists.txt:{links[stage][1]}: src/{stage}/ includes {dep}/ but "
                          f"edgecut_{stage} does not link edgecut_{dep}, not even through another stage")
    return errors


def strip_code(line, in_comment):
    """The line without comments and string / char literals; whether a /* */ is still open."""
    out, i = [], 0
    while i < len(line):
        if in_comment:
            j = line.find("*/", i)
            if j < 0:
                return "".join(out), True
            in_comment, i = False, j + 2
        elif line.startswith("//", i):
            break
        elif line.startswith("/*", i):
            in_comment, i = True, i + 2
        elif line[i] in "\"'":
            q, i = line[i], i + 1
            while i < len(line) and line[i] != q:
                i += 2 if line[i] == "\\" else 1
            i += 1
        else:
            out.append(line[i])
            i += 1
    return "".join(out), in_comment


HEADER_WORDS = re.compile(r"^\s*(namespace|struct|class|union|enum|extern)\b|=\s*$")


def long_functions(path):
    """(first line, length) of every function body longer than MAX_FUNCTION_LINES.

    A function is a brace block opened at namespace or class level; lambdas and
    blocks inside a function count toward it."""
    out, stack, pending, in_comment = [], [], "", False
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    for no, raw in enumerate(lines, 1):
        code, in_comment = strip_code(raw, in_comment)
        for ch in code:
            if ch == "{":
                in_function = any(kind == "function" for kind, _ in stack)
                if in_function:
                    kind = "block"
                elif HEADER_WORDS.search(pending) or pending.strip() == "" or not pending.rstrip().endswith(
                        (")", "const", "override", "noexcept", "final")) and ")" not in pending:
                    kind = "scope"
                else:
                    kind = "function"
                stack.append((kind, no))
                pending = ""
            elif ch == "}":
                if stack:
                    kind, start = stack.pop()
                    if kind == "function" and no - start + 1 > MAX_FUNCTION_LINES:
                        out.append((start, no - start + 1))
                pending = ""
            elif ch == ";":
                pending = ""
            else:
                pending += ch
        pending += " "
    return out


def check_sizes(source_dir):
    errors = []
    for top in ("src", "tests", "fuzz"):  # fuzz/: libFuzzer targets, may include any stage
        for path in sources(os.path.join(source_dir, top)):
            rel = os.path.relpath(path, source_dir)
            with open(path, encoding="utf-8") as f:
                lines = f.readlines()
            if any(l.startswith("// size:") for l in lines[:15]):
                continue
            if len(lines) > MAX_FILE_LINES:
                errors.append(f"{rel}:1: {len(lines)} lines (> {MAX_FILE_LINES}); split it, or say why "
                              f"not in a '// size:' comment at the top")
            for start, n in long_functions(path):
                errors.append(f"{rel}:{start}: function of {n} lines (> {MAX_FUNCTION_LINES}); split it, "
                              f"or say why not in a '// size:' comment at the top of the file")
    return errors


def main(argv):
    if len(argv) != 3 or argv[1] not in ("layers", "sizes"):
        print(__doc__, file=sys.stderr)
        return 2
    errors = check_layers(argv[2]) if argv[1] == "layers" else check_sizes(argv[2])
    for e in errors:
        print(e)
    if not errors:
        print(f"{argv[1]}: ok")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
