"""The key of the backups' MAC: KOOSTOO_BACKUP_KEY, or in dev a key kept in
KOOSTOO_DATA_DIR/backup.key (made on first use, readable by its owner only)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Final

from api.settings import Settings
from graph.backup.signing import MIN_KEY_BYTES

KEY_FILE: Final = "backup.key"


class BackupKeyMissing(Exception):
    """No usable backup key: the message says what to set."""


def backup_key(settings: Settings) -> bytes:
    """The configured key; in dev without one, the data directory's (made if missing)."""
    if settings.backup_key is not None:
        return settings.backup_key.get_secret_value().encode()
    if not settings.is_dev:
        raise BackupKeyMissing(
            "KOOSTOO_PROFILE=production signs and checks backups with KOOSTOO_BACKUP_KEY: "
            "set it (at least 32 characters, e.g. `openssl rand -base64 32`) and keep it "
            "apart from the backups"
        )
    return _dev_key(settings.data_dir / KEY_FILE)


def _dev_key(path: Path) -> bytes:
    if not path.exists():
        # Written whole under another name, then linked: a command running at the same
        # time reads either no file or the whole key, and the first link wins.
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    key = path.read_bytes().strip()
    if len(key) < MIN_KEY_BYTES:
        raise BackupKeyMissing(f"{path} holds no backup key of {MIN_KEY_BYTES} bytes or more")
    return key
