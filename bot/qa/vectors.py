"""Passage embeddings on disk, one memory-mapped float32 file per topic and month.

The vectors live in SQLite (``passage_vectors``, unit-length float32 blobs). A
:class:`VectorIndex` copies one topic's vectors from one model into month files beside the
database (``<database>.vectors/<model>/<topic>/YYYY-MM.*``), appending rows stored since its
last refresh, so each vector is read from SQLite once. A question maps only the months of
its scope and a few thousand rows at a time, so memory does not grow with the history (the
page cache, not the process, holds the files).

Search is exact brute-force cosine for scopes up to :data:`EXACT_ROWS` rows. A larger scope
is first ranked by the Hamming distance of sign bits (1 bit per dimension, a 32nd of the
floats' bytes), then its best :data:`RESCORE` candidates per wanted hit are scored exactly;
``bench/ask.py`` prints how often that finds the exact top hits.

The files are derived data: deleting the folder rebuilds it from SQLite on the next
question. Several processes may share it: appends happen under a file lock and become
visible only when the manifest naming their row counts is replaced.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import mmap
import os
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import sqlite_utils
from threadpoolctl import ThreadpoolController

from storage import passages as store
from storage.passages import Scope
from storage.sql import from_iso

CACHED_INDEXES = 8
EXACT_ROWS = 32_768
"""Scopes up to this many vectors are scanned exactly (about 130 MB of float32 at 1024-d)."""
RESCORE = 10
SCAN_ROWS = 8192
"""Rows scored per step: bounds the temporary arrays of a scan."""
REFRESH_BATCH = 4096
META = np.dtype([("id", "<i8"), ("article", "<i8"), ("published", "<i8")])


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


@dataclass(frozen=True)
class _Part:
    """In-scope rows of one vector source (a month file, or an in-memory matrix)."""

    ids: np.ndarray
    rows: np.ndarray
    """Row numbers in the source, ascending."""
    matrix: Callable[[], np.ndarray]
    bits: Callable[[], np.ndarray] | None = None


class _Month:
    """One month file set of a topic: row metadata in memory, vectors and sign bits mapped
    on demand (and unmapped when the search drops them)."""

    def __init__(self, folder: Path, month: str, count: int, dim: int) -> None:
        self.count = count
        self.dim = dim
        with (folder / f"{month}.meta").open("rb") as handle:
            self.meta = np.frombuffer(handle.read(count * META.itemsize), dtype=META)
        self._f32 = (folder / f"{month}.f32").open("rb")
        self._bits = (folder / f"{month}.bits").open("rb")

    def _map(self, handle: Any, width: int, dtype: Any) -> np.ndarray:
        mapped = mmap.mmap(handle.fileno(), self.count * width, access=mmap.ACCESS_READ)
        return np.frombuffer(mapped, dtype=dtype).reshape(self.count, -1)

    def vectors(self) -> np.ndarray:
        return self._map(self._f32, self.dim * 4, np.float32)

    def bits(self) -> np.ndarray:
        width = (self.dim + 7) // 8
        return self._map(self._bits, width, np.uint64 if width % 8 == 0 else np.uint8)

    def __del__(self) -> None:
        self._f32.close()
        self._bits.close()


def _sign_bits(matrix: np.ndarray) -> np.ndarray:
    return np.packbits(matrix > 0, axis=1)


def _chunks(rows: np.ndarray) -> Iterator[tuple[np.ndarray, slice | np.ndarray]]:
    """(positions in ``rows``, how to read those rows: a slice when they are dense)."""
    for start in range(0, len(rows), SCAN_ROWS):
        chunk = rows[start : start + SCAN_ROWS]
        positions = np.arange(start, start + len(chunk))
        first, last = int(chunk[0]), int(chunk[-1])
        if len(chunk) == last - first + 1:
            yield positions, slice(first, last + 1)
        else:
            yield positions, chunk


class VectorSet:
    """Unit vectors of the passages in one scope, searched by brute force."""

    def __init__(self, parts: Sequence[_Part] = ()) -> None:
        self.parts = [part for part in parts if len(part.rows)]

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[int, bytes]]) -> VectorSet:
        if not rows:
            return cls()
        ids = np.fromiter((pid for pid, _ in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(blob for _, blob in rows), dtype=np.float32)
        matrix = matrix.reshape(len(rows), -1)
        return cls([_Part(ids, np.arange(len(rows)), lambda: matrix)])

    def __len__(self) -> int:
        return sum(len(part.rows) for part in self.parts)

    def search(self, query: Sequence[float] | np.ndarray, k: int) -> list[tuple[int, float]]:
        """(passage id, cosine) of the ``k`` nearest vectors, nearest first."""
        if not len(self) or k <= 0:
            return []
        q = np.asarray(query, dtype=np.float32)
        norm = float(np.linalg.norm(q))
        q = q / norm if norm else q
        # One BLAS thread: the scan runs beside SQLite's BM25 search (see retrieve), and a
        # multi-threaded product fights it for the cores.
        with _blas().limit(limits=1, user_api="blas"):
            coarse = len(self) > EXACT_ROWS and all(p.bits is not None for p in self.parts)
            found = self._rescored(q, k) if coarse else self._exact(q, k)
        if found is None:
            return []
        best: dict[int, float] = {}
        for pid, sim in found:  # a passage embedded twice (two processes) counts once
            best[pid] = max(sim, best.get(pid, -2.0))
        return sorted(best.items(), key=lambda pair: (-pair[1], pair[0]))[:k]

    def _exact(self, q: np.ndarray, k: int) -> list[tuple[int, float]] | None:
        ids: list[np.ndarray] = []
        sims: list[np.ndarray] = []
        for part in self.parts:
            matrix = part.matrix()
            if matrix.shape[1] != q.shape[0]:
                return None
            for positions, rows in _chunks(part.rows):
                scores = matrix[rows] @ q
                ids.append(part.ids[positions])
                sims.append(scores)
                ids[-1], sims[-1] = _top(ids[-1], sims[-1], k)
            del matrix  # unmaps the file: its pages leave the process
        return _pairs(*_top(np.concatenate(ids), np.concatenate(sims), k))

    def _rescored(self, q: np.ndarray, k: int) -> list[tuple[int, float]] | None:
        """Candidates by sign-bit Hamming distance, then scored exactly."""
        wanted = max(RESCORE * k, 256)
        code = _sign_bits(q[np.newaxis, :])
        where: list[np.ndarray] = []  # (part, position) of candidates
        distance: list[np.ndarray] = []
        for n, part in enumerate(self.parts):
            assert part.bits is not None
            bits = part.bits()
            if bits.nbytes // max(len(bits), 1) != code.shape[1]:
                return None
            own = code.view(bits.dtype)[0]
            for positions, rows in _chunks(part.rows):
                d = np.bitwise_count(bits[rows] ^ own).sum(axis=1, dtype=np.int32)
                keep = np.argpartition(d, min(wanted, len(d)) - 1)[:wanted]
                where.append(np.stack([np.full(len(keep), n), positions[keep]], axis=1))
                distance.append(d[keep])
            del bits
        candidates, d = np.concatenate(where), np.concatenate(distance)
        candidates = candidates[np.argpartition(d, min(wanted, len(d)) - 1)[:wanted]]
        ids: list[np.ndarray] = []
        sims: list[np.ndarray] = []
        for n, part in enumerate(self.parts):
            positions = np.sort(candidates[candidates[:, 0] == n, 1])
            if len(positions):
                ids.append(part.ids[positions])
                sims.append(part.matrix()[part.rows[positions]] @ q)
        return _pairs(*_top(np.concatenate(ids), np.concatenate(sims), k))


def _top(ids: np.ndarray, sims: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    if len(sims) <= k:
        order = np.argsort(-sims, kind="stable")
    else:
        top = np.argpartition(-sims, k - 1)[:k]
        order = top[np.argsort(-sims[top], kind="stable")]
    return ids[order], sims[order]


def _pairs(ids: np.ndarray, sims: np.ndarray) -> list[tuple[int, float]]:
    return [(int(pid), float(sim)) for pid, sim in zip(ids, sims, strict=True)]


def _digest(blob: bytes) -> str:
    return hashlib.blake2s(blob, digest_size=8).hexdigest()


def _safe(name: str) -> str:
    plain = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:40]
    return f"{plain}-{hashlib.blake2s(name.encode(), digest_size=4).hexdigest()}"


class VectorIndex:
    """Every vector of one topic from one embedding model, in month files under ``folder``
    (a temporary folder when None, for a database in memory)."""

    def __init__(self, topic: str, model: str, folder: Path | None = None) -> None:
        self.topic = topic
        self.model = model
        self._temporary: tempfile.TemporaryDirectory[str] | None = None
        if folder is None:
            self._temporary = tempfile.TemporaryDirectory(prefix="digestbot-vectors-")
            folder = Path(self._temporary.name)
        self.folder = folder
        self._lock = threading.Lock()
        self._manifest: dict[str, Any] = self._empty()
        self._months: dict[str, _Month] = {}

    @staticmethod
    def _empty() -> dict[str, Any]:
        return {"dim": 0, "last_row": 0, "last_vector": "", "months": {}}

    def __len__(self) -> int:
        return int(sum(self._manifest["months"].values()))

    @property
    def last_row(self) -> int:
        return int(self._manifest["last_row"])

    def _path(self, month: str, kind: str) -> Path:
        return self.folder / f"{month}.{kind}"

    def _read_manifest(self) -> dict[str, Any]:
        try:
            loaded: dict[str, Any] = json.loads((self.folder / "manifest.json").read_text())
        except (OSError, ValueError):
            return self._empty()
        return loaded

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        temporary = self.folder / f"manifest.json.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(manifest))
        temporary.replace(self.folder / "manifest.json")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._lock, (self.folder / "lock").open("a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _matches(self, db: sqlite_utils.Database, manifest: dict[str, Any]) -> bool:
        """Whether the files were built from this database (not a replaced file): its row
        of the last vector appended holds the same vector."""
        if not manifest["last_row"]:
            return True
        row = db.execute(
            "select vector from passage_vectors where rowid = ?", [manifest["last_row"]]
        ).fetchone()
        return row is not None and _digest(bytes(row[0])) == manifest.get("last_vector")

    def refresh(self, db: sqlite_utils.Database) -> int:
        """Append the vectors stored since the last refresh; how many were added."""
        added = 0
        with self._locked():
            manifest = self._read_manifest()  # another process may have appended
            if not self._matches(db, manifest):
                for child in self.folder.iterdir():
                    if child.name != "lock":
                        child.unlink()
                manifest = self._empty()
            if manifest.get("generation") != self._manifest.get("generation"):
                self._months = {}
            manifest.setdefault("generation", os.urandom(8).hex())
            while True:
                rows = store.vectors_after(
                    db, self.model, self.topic, int(manifest["last_row"]), REFRESH_BATCH
                )
                if not rows:
                    break
                self._append(manifest, rows)
                self._write_manifest(manifest)
                added += len(rows)
            self._manifest = manifest
        return added

    def _append(
        self, manifest: dict[str, Any], rows: Sequence[tuple[int, int, int, str, bytes]]
    ) -> None:
        months: dict[str, list[tuple[int, int, int, str, bytes]]] = {}
        for row in rows:
            months.setdefault(from_iso(row[3]).strftime("%Y-%m"), []).append(row)
        for month, batch in months.items():
            matrix = np.frombuffer(b"".join(r[4] for r in batch), dtype=np.float32)
            matrix = matrix.reshape(len(batch), -1)
            if not manifest["dim"]:
                manifest["dim"] = matrix.shape[1]
            if matrix.shape[1] != manifest["dim"]:
                raise ValueError("embedding dimensions changed; use a new index")
            meta = np.array(
                [(r[1], r[2], int(from_iso(r[3]).timestamp())) for r in batch], dtype=META
            )
            count = int(manifest["months"].get(month, 0))
            dim = int(manifest["dim"])
            for kind, data, width in (
                ("f32", matrix, dim * 4),
                ("meta", meta, META.itemsize),
                ("bits", _sign_bits(matrix), (dim + 7) // 8),
            ):
                with self._path(month, kind).open("ab") as handle:
                    handle.truncate(count * width)  # drops a killed writer's torn rows
                    handle.seek(count * width)
                    handle.write(data.tobytes())
            manifest["months"][month] = count + len(batch)
        manifest["last_row"] = rows[-1][0]
        manifest["last_vector"] = _digest(rows[-1][4])

    def _month(self, month: str) -> _Month:
        count = int(self._manifest["months"][month])
        cached = self._months.get(month)
        if cached is None or cached.count != count:
            cached = _Month(self.folder, month, count, int(self._manifest["dim"]))
            self._months[month] = cached
        return cached

    def select(self, scope: Scope) -> VectorSet:
        """The vectors in ``scope``: only the months it spans, filtered on their row
        metadata (kept in memory: 24 bytes a row); their vectors are mapped when a
        question is searched."""
        first = scope.start.astimezone(UTC).strftime("%Y-%m") if scope.start else ""
        last = scope.end.astimezone(UTC).strftime("%Y-%m") if scope.end else "9999-99"
        start = int(scope.start.timestamp()) if scope.start else None
        end = int(scope.end.timestamp()) if scope.end else None
        wanted = None if scope.article_ids is None else np.asarray(scope.article_ids, np.int64)
        parts = []
        for month in sorted(self._manifest["months"]):
            if not first <= month <= last:
                continue
            cached = self._month(month)
            meta = cached.meta
            if start is None and end is None and wanted is None:
                rows = np.arange(len(meta))
            else:
                mask = np.ones(len(meta), dtype=bool)
                if start is not None:
                    mask &= meta["published"] >= start
                if end is not None:
                    mask &= meta["published"] < end
                if wanted is not None:
                    mask &= np.isin(meta["article"], wanted)
                rows = np.flatnonzero(mask)
            parts.append(_Part(meta["id"][rows], rows, cached.vectors, cached.bits))
        return VectorSet(parts)

    def close(self) -> None:
        """Remove a temporary folder (a database's folder stays: it is its cache)."""
        if self._temporary is not None:
            self._temporary.cleanup()


_indexes: OrderedDict[tuple[str, str, str], VectorIndex] = OrderedDict()
_indexes_lock = threading.Lock()


def folder_for(database: str, topic: str, model: str) -> Path:
    """Where the vector files of ``topic`` from ``model`` live, beside the database."""
    path = Path(database)
    return path.with_name(path.name + ".vectors") / _safe(model) / _safe(topic)


def index_for(db: sqlite_utils.Database, topic: str, model: str) -> VectorIndex:
    """The refreshed index of ``topic``, kept between questions for file databases (a few,
    least recently used first out); a fresh one in a temporary folder for ``:memory:``."""
    path = next((row[2] for row in db.execute("pragma database_list") if row[1] == "main"), "")
    if not path:
        index = VectorIndex(topic, model)
    else:
        key = (path, topic, model)
        with _indexes_lock:
            if key in _indexes:
                index = _indexes.pop(key)
            else:
                index = VectorIndex(topic, model, folder_for(path, topic, model))
            _indexes[key] = index
            while len(_indexes) > CACHED_INDEXES:
                _indexes.popitem(last=False)
    index.refresh(db)
    return index
