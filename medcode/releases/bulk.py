"""Writing a release's rows in bulk: executemany on SQLite, COPY on PostgreSQL.

At the bottom of the layers (it knows Django models and the connection, nothing of any app),
so both the loader and the apps that derive rows from a release (search's index) use it.
"""

from __future__ import annotations

from django.db import connection, models

BATCH_ROWS = 20_000


class BulkWriter:
    """Buffers rows per table, written in batches: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, release_id: int) -> None:
        self.release_id = release_id
        self.rows = 0
        self._buffers: dict[type[models.Model], list[tuple[object, ...]]] = {}

    def add(self, model: type[models.Model], values: tuple[object, ...]) -> bool:
        """Buffer one row; True when a batch was written (a moment to report progress)."""
        buffer = self._buffers.get(model)
        if buffer is None:
            buffer = self._buffers[model] = []
        buffer.append(values)
        self.rows += 1
        if len(buffer) >= BATCH_ROWS:
            self._write(model, buffer)
            buffer.clear()
            return True
        return False

    def flush(self) -> None:
        for model, buffer in self._buffers.items():
            if buffer:
                self._write(model, buffer)
                buffer.clear()

    def _write(self, model: type[models.Model], rows: list[tuple[object, ...]]) -> None:
        fields = model.LOAD_FIELDS  # type: ignore[attr-defined]
        columns = ["release_id", *(_column(model, f) for f in fields)]
        table = model._meta.db_table
        release_id = self.release_id
        connection.ensure_connection()
        raw = connection.connection
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
                for row in rows:
                    copy.write_row((release_id, *row))
        else:
            marks = ", ".join("?" * len(columns))
            raw.executemany(  # type: ignore[union-attr]
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [(release_id, *row) for row in rows],
            )


def _column(model: type[models.Model], field_name: str) -> str:
    field = model._meta.get_field(field_name)
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise TypeError(f"{model.__name__}.LOAD_FIELDS names {field_name!r}, which is not a column")
    return column
