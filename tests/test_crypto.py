from __future__ import annotations

from cryptography.fernet import Fernet

from wellgate import crypto


def test_notes_round_trip_and_are_not_stored_in_clear(settings):
    settings.WELLGATE_DATA_KEY = Fernet.generate_key().decode()
    stored = crypto.encrypt("He mentioned intrusive images at night")
    assert stored.startswith("fernet:") and "intrusive" not in stored
    assert crypto.decrypt(stored) == "He mentioned intrusive images at night"


def test_a_rotated_key_still_reads_old_notes_and_rotate_moves_them_to_the_new_key(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.WELLGATE_DATA_KEY = old
    stored = crypto.encrypt("note")
    settings.WELLGATE_DATA_KEY = f"{new},{old}"
    assert crypto.decrypt(stored) == "note"
    rotated = crypto.rotate(stored)
    settings.WELLGATE_DATA_KEY = new
    assert crypto.decrypt(rotated) == "note"
