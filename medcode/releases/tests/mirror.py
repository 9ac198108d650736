"""A loopback HTTP server that stands in for www.cms.gov in tests.

``Mirror`` serves local files by URL path (``/files/zip/…``) on 127.0.0.1 with Range support,
records every request, and can misbehave on demand: drop the connection after N bytes, answer
404, flip a byte in the body, ignore Range, or redirect. ``staged_routes`` maps catalog
releases to the real CMS files in ../shared/cms; CMS zips that were staged unzipped are zipped
up again from their members so the fetcher sees the shape CMS serves.
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from medcode.releases.catalog import CatalogEntry, catalog_entries
from medcode.testing import shared_file

#: Releases whose CMS download is staged byte for byte (paths under ../shared/cms).
STAGED_FILES: dict[str, str] = {
    "hcpcs-2025-jan": "hcpcs/january-2025-alpha-numeric-hcpcs-file.zip",
    "icd10cm-fy2025": "icd10cm/2025-code-descriptions-tabular-order.zip",
    "icd10cm-fy2026": "icd10cm/2026-code-descriptions-tabular-order.zip",
    "icd10pcs-fy2026": "icd10pcs/2026-icd-10-pcs-order-file-long-and-abbreviated-titles.zip",
}

#: Releases whose CMS zip is staged as its unzipped members.
STAGED_MEMBERS: dict[str, tuple[str, ...]] = {
    "mue-2026q2-practitioner": (
        "ncci_mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",
        "ncci_mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.xlsx",
    ),
    "mue-2026q2-outpatient": ("ncci_mue/MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv",),
    "mue-2026q2-dme": ("ncci_mue/MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv",),
    "pfrev26b": ("pfs_rvu/pfrev26b/PFREV26B_QP.zip", "pfs_rvu/pfrev26b/PFREV26B_nonQP.zip"),
    "aoc-2026q2": ("ncci_aoc/AOC_V2026Q2-MCR.xlsx",),
    "ncd-2026100": ("mcd/2026100-Initial-ICD10-NCD-Spreadsheet-20250721.xlsx",),
}


def url_path(entry: CatalogEntry) -> str:
    return urlsplit(entry.url).path


def zip_files(dest: Path, files: Iterable[Path]) -> Path:
    """A zip of ``files`` under their own names, as CMS packs a release."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            archive.write(file, file.name)
    return dest


def staged_routes(release_ids: Iterable[str], workdir: Path) -> dict[str, Path]:
    """URL path -> local file serving each release's CMS download from ../shared/cms."""
    routes: dict[str, Path] = {}
    for entry in catalog_entries(list(release_ids)):
        if entry.release_id in STAGED_FILES:
            routes[url_path(entry)] = shared_file(STAGED_FILES[entry.release_id])
        elif entry.release_id in STAGED_MEMBERS:
            members = [shared_file(m) for m in STAGED_MEMBERS[entry.release_id]]
            routes[url_path(entry)] = zip_files(workdir / entry.filename, members)
        else:
            raise KeyError(f"no staged copy of {entry.release_id} in ../shared/cms")
    return routes


@dataclass(frozen=True)
class Seen:
    """One request the mirror answered, and how many body bytes it sent (or meant to)."""

    path: str
    range: str | None
    status: int
    body_bytes: int


class Mirror:
    def __init__(self, routes: Mapping[str, Path] | None = None) -> None:
        self.routes: dict[str, Path] = dict(routes or {})
        self.missing: set[str] = set()
        self.corrupt: set[str] = set()
        self.redirects: dict[str, str] = {}
        self.ignore_range = False
        self.requests: list[Seen] = []
        self._drops: dict[str, list[int]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.mirror = self  # type: ignore[attr-defined]
        # A short poll keeps stop() quick: tests start and stop a mirror each.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def drop_after(self, path: str, size: int, times: int = 1) -> None:
        """Close the connection after ``size`` body bytes, for the next ``times`` requests."""
        self._drops.setdefault(path, []).extend([size] * times)

    def seen(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def start(self) -> Mirror:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Mirror:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _take_drop(self, path: str) -> int | None:
        with self._lock:
            pending = self._drops.get(path)
            return pending.pop(0) if pending else None

    def _record(self, seen: Seen) -> None:
        with self._lock:
            self.requests.append(seen)


class _Handler(BaseHTTPRequestHandler):
    server_version = "medcode-test-mirror"

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    def do_GET(self) -> None:
        mirror: Mirror = self.server.mirror  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        requested_range = self.headers.get("Range")
        if path in mirror.redirects:
            self._empty(mirror, path, 302, {"Location": mirror.redirects[path]})
            return
        if path in mirror.missing or path not in mirror.routes:
            self._empty(mirror, path, 404, {})
            return
        data = mirror.routes[path].read_bytes()
        if path in mirror.corrupt:
            damaged = bytearray(data)
            damaged[len(damaged) // 2] ^= 0xFF
            data = bytes(damaged)
        start, end, status = 0, len(data) - 1, 200
        if requested_range and not mirror.ignore_range:
            first, _, last = requested_range.removeprefix("bytes=").partition("-")
            start = int(first)
            end = min(int(last), end) if last else end
            if start >= len(data):
                self._empty(mirror, path, 416, {"Content-Range": f"bytes */{len(data)}"})
                return
            status = 206
        body = data[start : end + 1]
        drop = mirror._take_drop(path)
        sent = body if drop is None else body[:drop]
        # Recorded before answering, so a test that has its answer also sees the request.
        mirror._record(Seen(path, requested_range, status, len(sent)))
        self.send_response(status)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.end_headers()
        if drop is not None:
            # Headers promise the whole body; closing early is what a dropped link looks like.
            self.close_connection = True
        try:
            self.wfile.write(sent)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading, as the fetcher does when it rejects a size

    def _empty(self, mirror: Mirror, path: str, status: int, headers: dict[str, str]) -> None:
        mirror._record(Seen(path, self.headers.get("Range"), status, 0))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()
