#!/usr/bin/env python3
"""Local PostgreSQL, Redis and gunicorn for development, fault tests and benchmarks (127.0.0.1 only).

    python3 localservices.py start     # PostgreSQL on :5433 and Redis on :6380, data under instance/
    python3 localservices.py stop

then, for example:

    DATABASE_URL=postgresql://campaign@127.0.0.1:5433/campaign \\
    RATELIMIT_STORAGE_URI=redis://127.0.0.1:6380/0 python3 dev.py serve

Needs Debian's `postgresql` and `redis-server` packages (`.ci/run` installs them). PostgreSQL
refuses to run as root, so as root the server runs as the `postgres` system user.
"""
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def postgres_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    return Path(found[-1]) if found else None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing answered on 127.0.0.1:{port} within {timeout} s")


class Postgres:
    """A PostgreSQL cluster of its own, in `directory`, on 127.0.0.1:`port`, trusting local logins."""

    def __init__(self, directory, port):
        self.directory = Path(directory)
        self.port = port
        self.bin = postgres_bin()
        if self.bin is None:
            raise FileNotFoundError("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self):
        return f"postgresql://campaign@127.0.0.1:{self.port}/campaign"

    def _run(self, *command, check=True):
        return subprocess.run([*self.run_as, *map(str, command)], check=check, capture_output=True, text=True)

    def start(self):
        data = self.directory / "data"
        if not (data / "PG_VERSION").exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            if self.run_as:
                shutil.chown(self.directory, "postgres", "postgres")
            self._run(self.bin / "initdb", "-D", data, "-U", "campaign", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8")
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c max_connections=200"
        self._run(self.bin / "pg_ctl", "-D", data, "-o", options, "-l", self.directory / "server.log", "-w", "start")
        if "campaign" not in self._run(self.bin / "psql", "-h", "127.0.0.1", "-p", self.port, "-U", "campaign",
                                       "-d", "postgres", "-Atc", "SELECT datname FROM pg_database").stdout.split():
            self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "campaign", "campaign")
        return self

    def stop(self, mode="fast"):
        self._run(self.bin / "pg_ctl", "-D", self.directory / "data", "-m", mode, "-w", "stop", check=False)

    def psql(self, sql):
        return self._run(self.bin / "psql", "-h", "127.0.0.1", "-p", self.port, "-U", "campaign", "-d", "campaign",
                         "-Atc", sql).stdout.strip()


class Redis:
    def __init__(self, port):
        self.port = port
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, daemonize=False, pidfile=None):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no"]
        if daemonize:
            subprocess.run([*command, "--daemonize", "yes", "--pidfile", str(pidfile)], check=True,
                           capture_output=True)
        else:
            self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


class Gunicorn:
    """The production server, as README's "Production" section runs it, on a port of its own."""

    def __init__(self, port, env, workers=2, threads=4, log=None, app="wsgi:app"):
        self.port = port
        self.app = app
        self.env = {**os.environ, **env}
        self.workers, self.threads = workers, threads
        self.log = log
        self.process = None

    def start(self):
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [str(gunicorn), self.app, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--threads", str(self.threads)],
            cwd=ROOT, env=self.env, stdout=self.log or subprocess.DEVNULL, stderr=self.log or subprocess.STDOUT)
        wait_for_port(self.port, timeout=30)
        return self

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def main(argv):
    state = ROOT / "instance" / "services"
    if argv[:1] == ["start"]:
        state.mkdir(parents=True, exist_ok=True)
        postgres = Postgres(state / "postgres", 5433).start()
        Redis(6380).start(daemonize=True, pidfile=state / "redis.pid")
        print(f"DATABASE_URL={postgres.url}\nRATELIMIT_STORAGE_URI=redis://127.0.0.1:6380/0")
    elif argv[:1] == ["stop"]:
        Postgres(state / "postgres", 5433).stop()
        pidfile = state / "redis.pid"
        if pidfile.exists():
            os.kill(int(pidfile.read_text()), signal.SIGTERM)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
