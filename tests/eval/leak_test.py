#!/usr/bin/python3
"""LeakSanitizer on a short load run (issue 12's soak, under the sanitizer
build): `edgecut bench load` with 4 clients for 10 s against its own
`edgecut serve`, both built with ASan and run with detect_leaks=1. The server
stops on SIGTERM and must exit 0: a leak makes LSan exit 23, and bench load
then fails naming the server's log; a leak in the clients fails bench load
itself. Also: 0 errors.

Usage: leak_test.py EDGECUT_BIN [MODEL]
"""
import json
import subprocess
import sys


def main():
    edgecut = sys.argv[1]
    model = sys.argv[2] if len(sys.argv) > 2 else "zoo:googlenet@64/4"
    args = [edgecut, "bench", "load", model, "--clients", "4", "--duration", "10s", "--quiet", "--json"]
    r = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        print(f"FAIL: {' '.join(args)}: exit {r.returncode}\n{r.stderr[-6000:]}")
        return 1
    rep = json.loads(r.stdout)
    print(f"{rep['requests']} requests, {rep['errors']} errors, p99 {rep['p99_ms']:.1f} ms; "
          f"no leak reported by LeakSanitizer in the server or the clients")
    if rep["errors"] != 0:
        print(f"FAIL: {rep['errors']} errors: {rep.get('error_kinds')}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
