#!/usr/bin/env python3
"""Every kernel launched with more than 256 threads per block declares __launch_bounds__ of at
least that many (cuda/src/*.cu).

Without the bound nvcc may give a kernel more registers than a 1,024-thread block can have (64
per thread on sm_80/sm_90), and the launch then fails on the GPU with "too many resources
requested"; the emulator cannot see registers, so this reads the sources instead. Block sizes
are resolved through the `constexpr int NAME = EXPR;` constants of the sources and
cuda/src/kernel_util.cuh. Exit code 1 with one line per offending launch.

    python3 cuda/tests/check_launch_bounds.py [cuda/src]
"""
import os
import re
import sys


def constants(texts):
    env = {}
    pattern = re.compile(r"constexpr\s+int\s+(\w+)\s*=\s*([^;]+);")
    for _ in range(3):  # constants defined through others
        for text in texts:
            for name, expr in pattern.findall(text):
                try:
                    env[name] = int(eval(expr, {"__builtins__": {}}, dict(env)))
                except Exception:
                    pass
    return env


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
    files = sorted(os.path.join(src, f) for f in os.listdir(src) if f.endswith((".cu", ".cuh")))
    texts = {f: open(f).read() for f in files}
    env = constants(texts.values())
    bounds = {}  # kernel name -> declared bound
    for text in texts.values():
        for expr, name in re.findall(r"__launch_bounds__\(([^,)]+)[^)]*\)\s+(\w+)\s*\(", text):
            bounds[name] = int(eval(expr, {"__builtins__": {}}, env))
    launch = re.compile(r"launch\(\s*\"[^\"]*\"\s*,\s*(\w+)(?:<[^>]*>)?\s*,\s*(dim3\([^)]*\)|[^,]+),\s*([^,]+),")
    bad, seen = [], 0
    for f, text in texts.items():
        for kernel, _grid, block in launch.findall(text):
            try:
                threads = int(eval(block.strip(), {"__builtins__": {}}, env))
            except Exception:
                continue  # a block size computed at run time: not checked here
            seen += 1
            if threads > 256 and bounds.get(kernel, 0) < threads:
                bad.append(f"{os.path.basename(f)}: {kernel} is launched with {threads} threads but declares "
                           f"{'__launch_bounds__(' + str(bounds[kernel]) + ')' if kernel in bounds else 'no __launch_bounds__'}")
    for line in bad:
        print("FAIL: " + line)
    print(f"{seen} launches with a constant block size checked, {len(bad)} without the launch bounds they need")
    return 1 if bad or seen == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
