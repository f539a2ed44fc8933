"""What guards the write endpoints: the configuration (token, folders, limits), the bearer-token
check (constant time, never logged) and the confinement of file paths to configured folders."""

from __future__ import annotations

import hmac
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

MB = 1024 * 1024
#: file kinds the readers take (duikou.read); an upload of another kind is refused at once
UPLOAD_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".warc", ".warc.gz")


@dataclass(frozen=True)
class WebConfig:
    """Settings of the served app. The token is never printed (repr=False) and never logged."""

    token: str | None = field(default=None, repr=False)
    folders: tuple[Path, ...] = ()  # paths the ingest-by-path endpoint may read, and nothing else
    upload_dir: Path | None = None  # where uploads are kept (default: a folder in the temp dir)
    max_file_bytes: int = 50 * MB  # one uploaded file
    max_request_bytes: int = 200 * MB  # one upload request, all files together
    max_files: int = 20  # files in one upload or paths in one request
    ingest_batch: int = 20  # documents per store transaction in an ingest job (each batch all or nothing)

    @classmethod
    def from_env(cls, token_file: Path | None = None, folders: list[Path] | None = None,
                 upload_dir: Path | None = None) -> WebConfig:
        """The configuration from arguments, else from the environment: DUIKOU_API_TOKEN_FILE (a
        file holding the token) or DUIKOU_API_TOKEN, DUIKOU_INGEST_FOLDERS (os.pathsep-separated),
        DUIKOU_UPLOAD_DIR, DUIKOU_MAX_UPLOAD_MB, DUIKOU_MAX_UPLOAD_FILES."""
        env = os.environ
        token_path = token_file or (Path(env["DUIKOU_API_TOKEN_FILE"]) if env.get("DUIKOU_API_TOKEN_FILE") else None)
        token = token_path.read_text("utf-8").strip() if token_path else env.get("DUIKOU_API_TOKEN", "").strip()
        if folders is None:
            folders = [Path(p) for p in env.get("DUIKOU_INGEST_FOLDERS", "").split(os.pathsep) if p.strip()]
        upload = upload_dir or (Path(env["DUIKOU_UPLOAD_DIR"]) if env.get("DUIKOU_UPLOAD_DIR") else None)
        kwargs = {}
        if env.get("DUIKOU_MAX_UPLOAD_MB"):
            kwargs["max_file_bytes"] = int(float(env["DUIKOU_MAX_UPLOAD_MB"]) * MB)
        if env.get("DUIKOU_MAX_UPLOAD_FILES"):
            kwargs["max_files"] = int(env["DUIKOU_MAX_UPLOAD_FILES"])
        return cls(token=token or None, folders=tuple(Path(f).resolve() for f in folders), upload_dir=upload,
                   **kwargs)

    def uploads(self) -> Path:
        folder = self.upload_dir or Path(tempfile.gettempdir()) / "duikou-uploads"
        folder.mkdir(parents=True, exist_ok=True)
        return folder


_bearer = HTTPBearer(auto_error=False, description="the token from the server's configuration "
                                                     "(DUIKOU_API_TOKEN or DUIKOU_API_TOKEN_FILE)")


def config_of(request: Request) -> WebConfig:
    return request.app.state.config


def require_token(request: Request,
                  credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> None:
    """401 without a bearer token, 403 with a wrong one (or when the server has none configured).
    Compared in constant time; the token appears in no message."""
    if credentials is None or not credentials.credentials:
        raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    expected = config_of(request).token
    if not expected:
        raise HTTPException(403, "write endpoints are disabled: the server has no token configured")
    if not hmac.compare_digest(credentials.credentials.encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(403, "invalid token")


class PathRefused(ValueError):
    """A path outside the configured folders (or not a usable path at all)."""


def confine(path: str, folders: tuple[Path, ...]) -> Path:
    """The real path of `path` if it lies inside one of the folders (relative paths are taken
    inside each folder in turn); symbolic links are followed first, so a link pointing out is
    refused like `../`."""
    if not folders:
        raise PathRefused("no ingest folders are configured (DUIKOU_INGEST_FOLDERS)")
    if not path or "\x00" in path:
        raise PathRefused("empty path or NUL byte in path")
    candidate = Path(path)
    tries = [candidate] if candidate.is_absolute() else [folder / candidate for folder in folders]
    for attempt in tries:
        try:
            real = attempt.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if any(real == folder or real.is_relative_to(folder) for folder in folders):
            return real
        raise PathRefused(f"{path!r} is outside the configured folders")
    raise PathRefused(f"{path!r} does not exist inside the configured folders")


_UNSAFE = re.compile(r"[^\w.\-\u3400-\u9fff]+")


def safe_name(filename: str | None) -> str:
    """An uploaded file's name reduced to a plain base name (no folders, no dots in front)."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).lstrip(".")[:120]
    if not base.lower().endswith(UPLOAD_SUFFIXES):
        raise PathRefused(f"{filename!r}: not a file kind duikou reads ({' '.join(UPLOAD_SUFFIXES)})")
    return base
