"""Download CMS releases into a local cache: resumable, verified, and never half-written.

``fetch()`` downloads each catalog entry (``medcode.releases.catalog``) into ``cache_dir``
through a ``.part`` file. An interrupted download is resumed with an HTTP Range request (a
server that ignores Range sends the whole file again, and the download starts over). A
download is checked before it takes its place in the cache: its size against what the server
announced and the catalog knows, its sha256 when the catalog pins one, and otherwise that it
is a readable zip whose pinned members have the expected bytes. Only then is it renamed into
place, so a bad download never replaces a good cached file, and a cached file that still
verifies is never downloaded again.

Only the catalog's hosts are contacted (www.cms.gov, and ftp.cdc.gov for the CDC-published
ICD-10-CM XML), or the single mirror given with ``mirror=``; a redirect anywhere else is
refused. Problems come back as ``failed`` results whose message names the release and URL.
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import os
import shutil
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

from medcode.releases.catalog import (
    CATALOG,
    CatalogEntry,
    Member,
    UnknownRelease,
    catalog_entries,
)

__all__ = [
    "FetchResult",
    "Progress",
    "UnknownRelease",
    "catalog_entries",
    "fetch",
    "mirror_url",
]

CHUNK = 256 * 1024
USER_AGENT = "medcode-fetch/0.1 (self-hosted medical coding reference)"

#: Called as bytes arrive: (entry, bytes in the file so far, total bytes or None when unknown).
Progress = Callable[[CatalogEntry, int, int | None], None]


@dataclass
class FetchResult:
    """What happened to one release: ``downloaded``, ``cached`` or ``failed``.

    ``load_paths`` are the files to hand to ``medcode.releases.loader.load_paths``: the
    download itself, or the archives unpacked from it when CMS nests zips in a zip.
    """

    release_id: str
    url: str
    status: str
    message: str
    path: Path | None = None
    load_paths: list[Path] = field(default_factory=list)
    bytes_downloaded: int = 0
    resumed: bool = False

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def to_dict(self) -> dict[str, object]:
        return {
            "release_id": self.release_id,
            "url": self.url,
            "status": self.status,
            "message": self.message,
            "path": str(self.path) if self.path else None,
            "load_paths": [str(p) for p in self.load_paths],
            "bytes_downloaded": self.bytes_downloaded,
            "resumed": self.resumed,
        }


class _Failed(Exception):
    """This release cannot be fetched now; retrying at once would not help."""


class _Interrupted(Exception):
    """The transfer stopped part-way; what arrived is kept in the .part file for a resume."""

    def __init__(self, detail: str, received: int) -> None:
        super().__init__(detail)
        self.received = received


class _Refused(Exception):
    """A URL outside the catalog's hosts (or the mirror); nothing is sent there."""

    def __init__(self, url: str, *, redirect: bool) -> None:
        what = "follow a redirect to" if redirect else "contact"
        super().__init__(f"refused to {what} {url}: not a host in medcode's catalog")


def mirror_url(url: str, mirror: str) -> str:
    """``url`` with its scheme and host replaced by the mirror's (a path prefix is kept)."""
    base = urlsplit(mirror)
    if base.scheme not in ("http", "https") or not base.hostname or base.query or base.fragment:
        raise ValueError(f"a mirror is given as http://host[:port][/prefix], not {mirror!r}")
    original = urlsplit(url)
    return urlunsplit(
        (base.scheme, base.netloc, base.path.rstrip("/") + original.path, original.query, "")
    )


def fetch(
    release_ids: Iterable[str] | None,
    cache_dir: Path,
    mirror: str | None = None,
    progress: Progress | None = None,
    *,
    refresh: bool = False,
    retries: int = 2,
    timeout: float = 60.0,
) -> list[FetchResult]:
    """Download the named releases (every catalog entry for None) into ``cache_dir``.

    An unknown release id raises ``UnknownRelease`` before anything is downloaded. Each
    release then succeeds or fails on its own. ``refresh`` downloads again even when the
    cached file verifies (the cached file stays until a verified download replaces it);
    ``retries`` is how many times an interrupted transfer is resumed within this call.
    """
    entries = catalog_entries(release_ids)
    if mirror is not None:
        mirror_url("https://www.cms.gov/", mirror)  # reject a malformed mirror before any work
        allowed = {_origin(mirror)}
    else:
        allowed = {_origin(entry.url) for entry in CATALOG}
    session = _Session(allowed, timeout, local=mirror is not None and _is_loopback(mirror))
    cache_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for entry in entries:
        url = mirror_url(entry.url, mirror) if mirror is not None else entry.url
        job = _Job(entry, url, cache_dir, session, progress)
        results.append(job.run(refresh=refresh, retries=retries))
    return results


class _Session:
    """An opener that talks only to the allowed origins and follows redirects only among them."""

    def __init__(self, allowed: set[str], timeout: float, *, local: bool) -> None:
        self.allowed = allowed
        self.timeout = timeout
        handlers: list[urllib.request.BaseHandler] = [_GuardedRedirects(allowed)]
        if local:
            # A loopback mirror must not be sent through an http_proxy from the environment.
            handlers.append(urllib.request.ProxyHandler({}))
        self._opener = urllib.request.build_opener(*handlers)

    def open(self, url: str, headers: dict[str, str]) -> http.client.HTTPResponse:
        if _origin(url) not in self.allowed:
            raise _Refused(url, redirect=False)
        request = urllib.request.Request(url, headers=headers)
        return self._opener.open(request, timeout=self.timeout)


class _GuardedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allowed: set[str]) -> None:
        super().__init__()
        self.allowed = allowed

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        target = urlsplit(newurl)
        downgrade = urlsplit(req.full_url).scheme == "https" and target.scheme != "https"
        if (
            downgrade
            or target.scheme not in ("http", "https")
            or _origin(newurl) not in self.allowed
        ):
            fp.close()
            raise _Refused(newurl, redirect=True)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Job:
    def __init__(
        self,
        entry: CatalogEntry,
        url: str,
        cache_dir: Path,
        session: _Session,
        progress: Progress | None,
    ) -> None:
        self.entry = entry
        self.url = url
        self.cache_dir = cache_dir
        self.session = session
        self.progress = progress
        self.dest = cache_dir / entry.filename
        self.part = cache_dir / f"{entry.filename}.part"
        self.received = 0
        self.resumed = False

    def run(self, *, refresh: bool, retries: int) -> FetchResult:
        entry = self.entry
        if self.dest.exists() and not refresh and _verify(entry, self.dest) is None:
            try:
                paths = _unpack(entry, self.dest)
            except _Failed as exc:
                return self._failed(str(exc))
            return self._result(
                "cached",
                f"{entry.release_id}: already in the cache as {self.dest.name}, "
                "verified; nothing downloaded",
                paths,
            )
        attempts = 0
        while True:
            resumed_now = False
            try:
                resumed_now = self._download()
            except _Interrupted as exc:
                self.received += exc.received
                if attempts < retries:
                    attempts += 1
                    continue
                kept = self.part.stat().st_size if self.part.exists() else 0
                if not kept:
                    return self._failed(f"download interrupted ({exc}); fetch again to retry")
                return self._failed(
                    f"download interrupted ({exc}); {kept:,} bytes are kept in "
                    f"{self.part.name} and the next fetch resumes from there"
                )
            except (_Failed, _Refused) as exc:
                return self._failed(str(exc))
            except OSError as exc:
                # Network errors arrive wrapped above; this is the cache itself (disk full…).
                return self._failed(f"cannot write {self.part}: {exc}")
            problem = _verify(entry, self.part)
            if problem is None:
                break
            self.part.unlink(missing_ok=True)
            if resumed_now and attempts < retries:
                # The file may have changed on the server between the two halves: start over.
                attempts += 1
                continue
            return self._failed(f"the download was rejected and not kept: {problem}")
        os.replace(self.part, self.dest)
        try:
            paths = _unpack(entry, self.dest)
        except _Failed as exc:
            return self._failed(str(exc))
        how = "sha256 verified" if entry.sha256 else "zip verified"
        resumed = ", resumed" if self.resumed else ""
        return self._result(
            "downloaded",
            f"{entry.release_id}: downloaded {self.dest.stat().st_size:,} bytes from "
            f"{self.url} ({how}{resumed})",
            paths,
        )

    def _result(self, status: str, message: str, paths: list[Path]) -> FetchResult:
        return FetchResult(
            self.entry.release_id,
            self.url,
            status,
            message,
            self.dest,
            paths,
            self.received,
            self.resumed,
        )

    def _failed(self, problem: str) -> FetchResult:
        message = f"{self.entry.release_id}: {self.url}: {problem}"
        return FetchResult(
            self.entry.release_id,
            self.url,
            "failed",
            message,
            bytes_downloaded=self.received,
            resumed=self.resumed,
        )

    def _download(self) -> bool:
        """One transfer into the .part file; True when it continued an earlier one."""
        offset = self.part.stat().st_size if self.part.exists() else 0
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        try:
            response = self.session.open(self.url, headers)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 416 and offset:
                # Nothing lies past our offset: either the .part is already whole, or it is
                # longer than the file now on the server and cannot be continued.
                if _range_total(exc.headers.get("Content-Range")) == offset:
                    self.resumed = True
                    return True
                self.part.unlink(missing_ok=True)
                raise _Interrupted("the partial file is longer than the server's file", 0) from None
            raise _Failed(f"HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError | ConnectionResetError):
                raise _Interrupted(f"{_describe(reason)} before the transfer began", 0) from None
            raise _Failed(
                f"cannot connect to {urlsplit(self.url).netloc}: {_describe(reason)}"
            ) from None
        except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
            raise _Interrupted(f"{_describe(exc)} before the transfer began", 0) from None
        with response:
            return self._receive(response, offset)

    def _receive(self, response: http.client.HTTPResponse, offset: int) -> bool:
        if response.status == 206:
            start, total = _content_range(response.headers.get("Content-Range"))
            if start != offset:
                self.part.unlink(missing_ok=True)
                raise _Interrupted(f"the server resumed at byte {start}, not {offset}", 0)
            mode, resumed = "ab", True
        elif response.status == 200:
            # A server that ignores Range sends the whole file: start over.
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            offset, mode, resumed = 0, "wb", False
        else:
            raise _Failed(f"unexpected HTTP {response.status} {response.reason}")
        expected = self.entry.size
        if expected is not None and total is not None and total != expected:
            self.part.unlink(missing_ok=True)
            raise _Failed(
                f"the server offers {total:,} bytes but the catalog expects {expected:,}: "
                "not the file medcode knows"
            )
        self.resumed = self.resumed or resumed
        done = offset
        with open(self.part, mode) as out:
            while True:
                try:
                    chunk = response.read(CHUNK)
                except (OSError, http.client.HTTPException) as exc:
                    raise _Interrupted(
                        f"{_describe(exc)} after {done:,} of {_size(total)} bytes", done - offset
                    ) from None
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
                if self.progress is not None:
                    self.progress(self.entry, done, total)
        if total is not None and done < total:
            raise _Interrupted(
                f"the connection closed after {done:,} of {total:,} bytes", done - offset
            )
        self.received += done - offset
        return resumed


def _verify(entry: CatalogEntry, path: Path) -> str | None:
    """Why ``path`` is not the file the catalog describes, or None when it is."""
    size = path.stat().st_size
    if entry.size is not None and size != entry.size:
        return f"it is {size:,} bytes, the catalog expects {entry.size:,}"
    if entry.sha256 is not None:
        digest = _sha256(path)
        if digest != entry.sha256:
            return (
                f"its sha256 is {digest}, the catalog expects {entry.sha256} "
                "(damaged in transit, or CMS has changed the file)"
            )
        return None
    with open(path, "rb") as f:
        head = f.read(512).lstrip().lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml")) and not entry.filename.endswith(".xml"):
        return "the server sent a web page, not the file (CMS may want a license accepted first)"
    if not entry.filename.lower().endswith(".zip"):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            if bad is not None:
                return f"zip member {bad} is corrupt"
            for member in entry.members:
                problem = _check_member(archive, member)
                if problem:
                    return problem
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        return f"not a readable zip archive ({exc})"
    return None


def _check_member(archive: zipfile.ZipFile, member: Member) -> str | None:
    info = _find_member(archive, member.name)
    if info is None:
        return f"the archive has no member {member.name}"
    if member.sha256 is None:
        return None
    digest = hashlib.sha256()
    with archive.open(info) as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    if digest.hexdigest() != member.sha256:
        return (
            f"member {member.name} has sha256 {digest.hexdigest()}, the catalog expects "
            f"{member.sha256} (CMS may have re-issued the file)"
        )
    return None


def _find_member(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    # CMS sometimes puts members in a folder or changes their case between postings.
    wanted = name.lower()
    for info in archive.infolist():
        if not info.is_dir() and info.filename.rsplit("/", 1)[-1].lower() == wanted:
            return info
    return None


def _unpack(entry: CatalogEntry, dest: Path) -> list[Path]:
    """The files for the loader: ``dest``, or the nested archives unpacked beside it."""
    nested = [m for m in entry.members if m.extract]
    if not nested:
        return [dest]
    folder = dest.with_name(dest.name.removesuffix(".zip"))
    folder.mkdir(exist_ok=True)
    paths = []
    with zipfile.ZipFile(dest) as archive:
        for member in nested:
            info = _find_member(archive, member.name)
            if info is None:
                raise _Failed(f"the archive has no member {member.name}")
            target = folder / member.name
            if not (target.exists() and _same(target, member, info)):
                tmp = target.with_name(f"{target.name}.part")
                with archive.open(info) as src, open(tmp, "wb") as out:
                    shutil.copyfileobj(src, out, CHUNK)
                os.replace(tmp, target)
            paths.append(target)
    return paths


def _same(path: Path, member: Member, info: zipfile.ZipInfo) -> bool:
    if member.sha256 is not None:
        return _sha256(path) == member.sha256
    return path.stat().st_size == info.file_size


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _content_range(value: str | None) -> tuple[int, int | None]:
    """(first byte, total size) from ``bytes 100-199/200``; total None when given as ``*``."""
    try:
        unit, spec = (value or "").split(" ", 1)
        span, total = spec.split("/", 1)
        first = int(span.split("-", 1)[0])
    except ValueError:
        raise _Failed(f"the server answered 206 with a malformed Content-Range {value!r}") from None
    if unit != "bytes":
        raise _Failed(f"the server answered 206 in unit {unit!r}, not bytes")
    return first, int(total) if total.isdigit() else None


def _range_total(value: str | None) -> int | None:
    total = (value or "").rsplit("/", 1)[-1]
    return int(total) if total.isdigit() else None


def _size(total: int | None) -> str:
    return f"{total:,}" if total is not None else "an unknown number of"


def _describe(error: object) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ConnectionResetError | http.client.RemoteDisconnected):
        return "the connection was reset"
    text = str(error)
    return text or type(error).__name__
