"""quiet_native_stderr silences descriptor 2 inside the block only."""

from __future__ import annotations

import subprocess
import sys


def test_quiet_native_stderr_silences_fd2_then_restores_it() -> None:
    code = ("import os\nfrom bilstm_helpers.quiet import quiet_native_stderr\n"
            "with quiet_native_stderr():\n    os.write(2, b'native notice\\n')\n"
            "os.write(2, b'after\\n')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr == "after\n"
