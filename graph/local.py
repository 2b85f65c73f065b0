"""The local Neo4j: the real 5.26 Community engine from `neo4j-local/`, run as a child
process (the embedded default for development and tests).

Build once with Maven (cached by a hash of the project's sources), start with the JVM
flags the official distribution uses, wait for the launcher's `READY bolt://…` line.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import Unavailable

PROJECT_DIR = Path(__file__).resolve().parent.parent / "neo4j-local"
JAR = PROJECT_DIR / "target" / "neo4j-local.jar"
_BUILD_STAMP = PROJECT_DIR / "target" / ".source-hash"
_READY = "READY "

# Exit codes of the launcher (see neo4j-local/README.md).
_EXIT_PORT_IN_USE = 3
_EXIT_LOCKED = 4


class LocalNeo4jError(Unavailable):
    """The local Neo4j could not be built, started or stopped; the message says what to do."""


def _source_hash() -> str:
    digest = hashlib.sha256()
    files = [PROJECT_DIR / "pom.xml", PROJECT_DIR / "jvm.flags"]
    files += sorted((PROJECT_DIR / "src").rglob("*"))
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(PROJECT_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_built(*, quiet: bool = True) -> Path:
    """Build `neo4j-local/` with Maven unless the jar is current; return the jar path."""
    wanted = _source_hash()
    if JAR.exists() and _BUILD_STAMP.exists() and _BUILD_STAMP.read_text() == wanted:
        return JAR
    if shutil.which("java") is None:
        raise LocalNeo4jError(
            "Java 17 is needed for the local Neo4j but `java` is not on PATH: "
            "install it (Debian: apt-get install openjdk-17-jdk-headless) or set NEO4J_URI"
        )
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalNeo4jError(
            "Maven is needed to build the local Neo4j but `mvn` is not on PATH: "
            "install it (Debian: apt-get install maven) or set NEO4J_URI"
        )
    cmd = [mvn, "-B", "-f", str(PROJECT_DIR / "pom.xml"), "package", "-DskipTests"]
    if quiet:
        cmd.insert(1, "-q")
    done = subprocess.run(cmd, capture_output=quiet, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:]) if quiet else ""
        raise LocalNeo4jError(f"building neo4j-local/ with Maven failed:\n{tail}")
    _BUILD_STAMP.write_text(wanted)
    return JAR


def jvm_flags() -> list[str]:
    lines = (PROJECT_DIR / "jvm.flags").read_text().splitlines()
    flags: list[str] = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            flags.extend(line.split())
    return flags


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        # As the JVM's listener does: connections of a stopped engine lingering in
        # TIME_WAIT must not keep it from starting again on its port.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def bolt_answers(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def _tail(path: Path, lines: int = 25) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class LocalNeo4j:
    """One local Neo4j engine on a home directory."""

    home: Path
    port: int = 7687
    heap: str = "512m"
    pagecache: str = "256m"
    #: cap on the memory of all running transactions (None: the launcher's 256m)
    tx_memory: str | None = None
    #: the most memory any one transaction may use (`db.memory.transaction.max`); a query
    #: that needs more fails with a clear error instead of exhausting the heap
    tx_max: str = "128m"
    #: when set, the engine stops by itself if this process dies (no orphan JVMs)
    watch_parent: bool = True
    process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    uri: str | None = field(default=None, init=False)

    @property
    def pid_file(self) -> Path:
        return self.home / "neo4j.pid"

    @property
    def uri_file(self) -> Path:
        return self.home / "neo4j.uri"

    @property
    def _out(self) -> Path:
        return self.home / "launcher.out"

    @property
    def _err(self) -> Path:
        return self.home / "launcher.err"

    def start(self, timeout: float = 180.0) -> str:
        """Start the engine and wait for Bolt; return the Bolt URI."""
        jar = ensure_built()
        if shutil.which("java") is None:
            raise LocalNeo4jError("`java` is not on PATH: install Java 17 or set NEO4J_URI")
        running = read_running(self.home)
        if running is not None:
            raise LocalNeo4jError(
                f"a local Neo4j (pid {running[0]}) already runs on {self.home} at {running[1]}: "
                "use it (koostoo serve finds it), or stop it with `koostoo neo4j stop`"
            )
        if self.port and port_in_use(self.port):
            raise LocalNeo4jError(
                f"port {self.port} on 127.0.0.1 is in use by another program: set "
                "KOOSTOO_LOCAL_BOLT_PORT to a free port (or 0 to pick one), or set NEO4J_URI "
                "to use that server"
            )
        self.home.mkdir(parents=True, exist_ok=True)
        cmd = ["java", *jvm_flags(), f"-Xmx{self.heap}", "-jar", str(jar)]
        cmd += ["--home", str(self.home), "--port", str(self.port), "--pagecache", self.pagecache]
        if self.tx_memory:
            cmd += ["--tx-memory", self.tx_memory]
        cmd += ["--tx-max", self.tx_max]
        if self.watch_parent:
            cmd += ["--parent-pid", str(os.getpid())]
        with self._out.open("wb") as out, self._err.open("wb") as err:
            self.process = subprocess.Popen(
                cmd,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                start_new_session=not self.watch_parent,
            )
        self.uri = self._await_ready(timeout)
        self.pid_file.write_text(str(self.process.pid))
        self.uri_file.write_text(self.uri)
        return self.uri

    def _await_ready(self, timeout: float) -> str:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self._out.read_text(errors="replace").splitlines():
                if line.startswith(_READY):
                    return line[len(_READY) :].strip()
            code = self.process.poll()
            if code is not None:
                raise self._startup_error(code)
            time.sleep(0.1)
        self.process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(20)
        raise LocalNeo4jError(
            f"the local Neo4j did not start within {timeout:.0f} s. Last lines of its log:\n"
            + (_tail(self.home / "logs" / "debug.log") or _tail(self._err))
        )

    def _startup_error(self, code: int) -> LocalNeo4jError:
        detail = _tail(self._err, 10)
        if code == _EXIT_PORT_IN_USE:
            return LocalNeo4jError(
                f"port {self.port} is in use: set KOOSTOO_LOCAL_BOLT_PORT to a free port "
                f"or 0 to pick one.\n{detail}"
            )
        if code == _EXIT_LOCKED:
            return LocalNeo4jError(
                f"the data directory {self.home} is locked by another running Neo4j: stop it "
                f"(`koostoo neo4j stop`) or use another KOOSTOO_DATA_DIR.\n{detail}"
            )
        return LocalNeo4jError(
            f"the local Neo4j exited with status {code} during start-up:\n{detail}\n"
            f"--- {self.home / 'logs' / 'debug.log'}:\n{_tail(self.home / 'logs' / 'debug.log')}"
        )

    def stop(self, timeout: float = 60.0) -> None:
        """Stop the engine cleanly (SIGTERM runs its shutdown hook); SIGKILL after `timeout`."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            self.process = None
        for path in (self.pid_file, self.uri_file):
            path.unlink(missing_ok=True)

    def kill(self) -> None:
        """SIGKILL the engine (for crash-recovery tests)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
        for path in (self.pid_file, self.uri_file):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_running(home: Path) -> tuple[int, str] | None:
    """(pid, uri) of a local Neo4j started on `home` that is still alive, else None."""
    pid_file, uri_file = home / "neo4j.pid", home / "neo4j.uri"
    try:
        pid = int(pid_file.read_text().strip())
        uri = uri_file.read_text().strip()
    except (OSError, ValueError):
        return None
    if not _alive(pid):
        pid_file.unlink(missing_ok=True)
        uri_file.unlink(missing_ok=True)
        return None
    return pid, uri


def stop_running(home: Path, timeout: float = 60.0) -> bool:
    """Stop a background local Neo4j on `home`; False when none was running."""
    running = read_running(home)
    if running is None:
        return False
    pid = running[0]
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.2)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    (home / "neo4j.pid").unlink(missing_ok=True)
    (home / "neo4j.uri").unlink(missing_ok=True)
    return True


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)
