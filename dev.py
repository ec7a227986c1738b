#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3: `python3 dev.py serve` or `python3 dev.py test`.

Both create .venv (once) and install exactly the locked dependencies, every file checked against
its sha256 (`serve`: requirements/runtime.txt, no test tools; `test` and `setup`:
requirements/test.txt), then the project itself; they compile the translation catalogs and bring
the SQLite database to the newest migration; then `serve` runs the site (and, beside it, the
worker that builds delivery packets: `flask delivery work --loop`) and `test` runs pytest.
Extra arguments go to the server or to pytest.

`python3 dev.py lock` writes both lock files again from setup.cfg (and pyproject.toml's build
backend) with uv, keeping every version it can; `python3 dev.py lock --upgrade` moves to the
newest versions allowed. Run it whenever setup.cfg's dependencies change, and commit requirements/.
"""
import configparser
import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-locks.json"
REQUIREMENTS = ROOT / "requirements"
RUNTIME_LOCK = REQUIREMENTS / "runtime.txt"  # what the site needs to run
TEST_LOCK = REQUIREMENTS / "test.txt"  # the same versions, and the test tools
# uv, itself pinned with hashes, makes the locks; it lives in its own environment.
LOCK_TOOLS = REQUIREMENTS / "tools.txt"
LOCK_TOOLS_VENV = ROOT / ".venv-lock"


def run(*command, **kwargs):
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], cwd=ROOT, check=True, **kwargs)


def set_up(lock):
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True)
    # Reinstall only when the lock (or the project's own metadata) changes. The test lock holds
    # the runtime lock's versions, so a .venv set up for tests also serves.
    installed = json.loads(STAMP.read_text(encoding="utf-8")) if STAMP.exists() else {}
    if installed.get(lock.name) != fingerprint(lock) and installed.get(TEST_LOCK.name) != fingerprint(TEST_LOCK):
        check_lock_is_current(lock)
        # Every distribution pinned, and each file checked against its sha256: nothing unlisted
        # (a typo-squatted or replaced release) can be installed.
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--require-hashes", "-r", lock)
        # The project itself, with the build backend the lock just installed (nothing else fetched).
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "-e", ".")
        run(BIN / "python", "-m", "pip", "check")
        STAMP.write_text(json.dumps({**installed, lock.name: fingerprint(lock)}, indent=1), encoding="utf-8")
    run(BIN / "flask", "translate", "compile")
    run(BIN / "flask", "--app", "wsgi", "db", "upgrade")


def fingerprint(lock):
    """The lock's contents and the project's metadata (entry points live in setup.cfg)."""
    digest = hashlib.sha256()
    for path in (lock, ROOT / "setup.cfg", ROOT / "pyproject.toml"):
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def _name(requirement):
    """A requirement's distribution name in PEP 503 form (psycopg[binary]>=3.2 -> psycopg)."""
    return re.sub(r"[-_.]+", "-", re.match(r"\s*([A-Za-z0-9._-]+)", requirement).group(1)).lower()


def declared_requirements(with_tests):
    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = setup["options"]["install_requires"].splitlines()
    if with_tests:
        lines += setup["options.extras_require"]["test"].splitlines()
    return {_name(line) for line in lines if line.strip() and not line.strip().startswith("#")}


def check_lock_is_current(lock):
    """A dependency added to setup.cfg after the lock was made would be missing: say what to run."""
    pinned = {_name(line) for line in lock.read_text(encoding="utf-8").splitlines() if re.match(r"[A-Za-z0-9]", line)}
    missing = declared_requirements(with_tests=lock == TEST_LOCK) - pinned
    if missing:
        sys.exit(f"{lock.relative_to(ROOT)} does not pin {', '.join(sorted(missing))}, declared in setup.cfg: "
                 "run `python3 dev.py lock` and commit requirements/")


def lock(upgrade=False):
    """Write requirements/test.txt, then requirements/runtime.txt with the same versions."""
    tools_bin = LOCK_TOOLS_VENV / ("Scripts" if os.name == "nt" else "bin")
    if not (tools_bin / "python").exists():
        venv.create(LOCK_TOOLS_VENV, with_pip=True)
    run(tools_bin / "python", "-m", "pip", "install", "--quiet", "--require-hashes", "-r", LOCK_TOOLS)
    build_backend = "\n".join(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
                               ["build-system"]["requires"]) + "\n"
    # Universal: markers for every platform and Python >= 3.11, hashes of every published file.
    compile_ = [tools_bin / "uv", "pip", "compile", "--quiet", "--universal", "--python-version", "3.11",
                "--generate-hashes", "--custom-compile-command", "python3 dev.py lock",
                *(["--upgrade"] if upgrade else [])]
    run(*compile_, "setup.cfg", "-", "--extra", "test", "-o", TEST_LOCK.relative_to(ROOT),
        input=build_backend, text=True)
    run(*compile_, "setup.cfg", "-", "-c", TEST_LOCK.relative_to(ROOT), "-o", RUNTIME_LOCK.relative_to(ROOT),
        input=build_backend, text=True)
    run(*compile_, REQUIREMENTS.relative_to(ROOT) / "tools.in", "-o", LOCK_TOOLS.relative_to(ROOT))


def main(argv):
    if not argv or argv[0] not in ("serve", "test", "setup", "lock"):
        sys.exit(__doc__)
    command, rest = argv[0], argv[1:]
    if command == "lock":
        lock(upgrade="--upgrade" in rest)
        return
    set_up(RUNTIME_LOCK if command == "serve" else TEST_LOCK)
    if command == "serve":
        run(BIN / "flask", "--app", "wsgi", "data", "import")  # districts for the congress form; idempotent
        host_port = rest or ["--host", "127.0.0.1", "--port", "5000"]
        # A translator's preview: the reloader restarts the site when a catalog is saved, and the
        # site compiles each changed .po as it starts; ?show=msgid shows where strings appear.
        catalogs = sorted(str(path) for path in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))
        watch = ["--reload", "--extra-files", os.pathsep.join(catalogs)] if catalogs else ["--reload"]
        # The dashboard's "Build all packets" is done by a worker process, as in production; here
        # one runs beside the site and stops with it (Ctrl+C reaches both).
        worker = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "delivery", "work", "--loop"], cwd=ROOT)
        try:
            run(BIN / "flask", "--app", "wsgi", "run", *watch, *host_port,
                env={**os.environ, "TRANSLATION_PREVIEW": "1"})
        finally:
            worker.terminate()  # SIGTERM: it finishes the packet in hand and gives its build back
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
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
