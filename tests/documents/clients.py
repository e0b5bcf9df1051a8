"""LibreOffice (and poppler) as second clients of our Word files, for the tests: found on
PATH or the test skips, saying what to install (under CI or REQUIRE_LIBREOFFICE it fails),
and run with a time limit and a profile of its own per conversion."""

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

TIMEOUT = 120  # seconds for one conversion; a first start with a fresh profile takes a few


def program(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = (f"No `{name}` on PATH: install it with `apt-get install -y --no-install-recommends {package}` "
                   "to run the tests that use LibreOffice as a second client of our Word files.")
        if os.environ.get("CI") or os.environ.get("REQUIRE_LIBREOFFICE"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def run_limited(command: list[str]) -> subprocess.CompletedProcess:
    """Run with a time limit; on timeout the whole process group goes (soffice is a
    script that starts soffice.bin)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"{command[0]} took more than {TIMEOUT} s: {' '.join(command)}")
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def soffice_convert(soffice: str, source: Path, target: str, folder: Path) -> Path:
    """source converted by LibreOffice to target ("odt", "pdf", 'docx:MS Word 2007 XML'),
    written in folder with a profile of its own there (concurrent runs must not share one)."""
    out = folder / "out"
    out.mkdir(parents=True, exist_ok=True)
    done = run_limited([soffice, "--headless", "--norestore", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                        "--convert-to", target, "--outdir", str(out), str(source)])
    converted = out / f"{source.stem}.{target.split(':', 1)[0]}"
    assert done.returncode == 0 and converted.exists(), (
        f"soffice did not convert {source.name} to {target} (exit {done.returncode}):\n"
        f"{(done.stdout + done.stderr).decode(errors='replace')}")
    return converted
