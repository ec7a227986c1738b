#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3: `python3 dev.py serve` or `python3 dev.py test`.

Both create .venv (once), install the project, compile the translation catalogs and bring the
SQLite database to the newest migration; then `serve` runs the site and `test` runs pytest.
Extra arguments go to the server or to pytest.
"""
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-from"


def run(*command, **kwargs):
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], cwd=ROOT, check=True, **kwargs)


def set_up():
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True)
    # Reinstall only when the declared dependencies change.
    declared = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    if not STAMP.exists() or STAMP.read_text(encoding="utf-8") != declared:
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[test]")
        STAMP.write_text(declared, encoding="utf-8")
    run(BIN / "flask", "translate", "compile")
    run(BIN / "flask", "--app", "wsgi", "db", "upgrade")


def main(argv):
    if not argv or argv[0] not in ("serve", "test", "setup"):
        sys.exit(__doc__)
    command, rest = argv[0], argv[1:]
    set_up()
    if command == "serve":
        run(BIN / "flask", "--app", "wsgi", "data", "import")  # districts for the congress form; idempotent
        host_port = rest or ["--host", "127.0.0.1", "--port", "5000"]
        run(BIN / "flask", "--app", "wsgi", "run", *host_port)
    elif command == "test":
        result = subprocess.run([str(BIN / "python"), "-m", "pytest", *rest], cwd=ROOT)
        sys.exit(result.returncode)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)
    except KeyboardInterrupt:
        sys.exit(130)
