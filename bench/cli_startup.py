"""How long `gmb --help` takes, as a ratio to a bare `python -c pass` measured in the same run.

Run: python bench/cli_startup.py
"""

import statistics
import subprocess
import sys
import time


def best_of(cmd, n=7):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


if __name__ == "__main__":
    bare = best_of([sys.executable, "-c", "pass"])
    helped = best_of([sys.executable, "-m", "gmb", "--help"])
    print(f"python -c pass : best {bare[0] * 1000:.0f} ms, median {bare[1] * 1000:.0f} ms")
    print(f"gmb --help     : best {helped[0] * 1000:.0f} ms, median {helped[1] * 1000:.0f} ms")
    print(f"ratio          : {helped[0] / bare[0]:.1f}x python start-up; target: gmb --help well under 500 ms")
