"""Run every benchmark under bench/ (make bench)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

for script in sorted(Path(__file__).parent.glob("*.py")):
    # Benchmarks are the scripts; the helpers they share have no __main__.
    runnable = 'if __name__ == "__main__":' in script.read_text()
    if script.name != "run_all.py" and runnable:
        print(f"== {script.name}", flush=True)
        subprocess.run([sys.executable, str(script)], check=True)
