"""``wellgate rotate_key``: re-encrypt every note with the first key of WELLGATE_DATA_KEY."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from wellgate.crypto import encrypted_fields, rotate


class Command(BaseCommand):
    help = "Re-encrypt every welfare note with the newest data key (run after adding a key)."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model, name in encrypted_fields():
            column = model._meta.get_field(name).column  # type: ignore[union-attr]
            table = model._meta.db_table
            pk = model._meta.pk.column  # type: ignore[union-attr]
            with transaction.atomic(), connection.cursor() as cursor:
                # Raw SQL: the field would decrypt on read and re-encrypt on write anyway,
                # but this touches only the ciphertext and never holds plain text.
                cursor.execute(
                    f'SELECT "{pk}", "{column}" FROM "{table}" WHERE "{column}" <> %s', [""]
                )
                rows = cursor.fetchall()
                for row_id, stored in rows:
                    cursor.execute(
                        f'UPDATE "{table}" SET "{column}" = %s WHERE "{pk}" = %s',
                        [rotate(stored), row_id],
                    )
                total += len(rows)
            self.stdout.write(f"{model._meta.label}.{name}: {len(rows)} re-encrypted")
        self.stdout.write(f"Done: {total} notes now use the newest key.")
