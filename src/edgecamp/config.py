"""Runtime configuration read from the environment.

Kept free of Django so the console command can resolve paths and the secret key before Django
starts. Every setting has a safe default for a single laptop; a multi-user deployment sets
DATABASE_URL, EDGECAMP_SECRET_KEY and EDGECAMP_ALLOWED_HOSTS.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def data_dir() -> Path:
    """Where the embedded database and the generated secret key live (never inside the repo's
    tracked files: `var/` is ignored by git)."""
    configured = os.environ.get("EDGECAMP_DATA_DIR")
    path = Path(configured) if configured else Path.cwd() / "var"
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key() -> str:
    """EDGECAMP_SECRET_KEY when set; otherwise a key generated once per data directory and kept
    in a file only the owner can read, so sessions survive restarts and no secret is committed."""
    configured = os.environ.get("EDGECAMP_SECRET_KEY")
    if configured:
        return configured
    key_file = data_dir() / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(50)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
