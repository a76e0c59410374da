"""``wellgate import-vics FILE --force SLUG [--case-ref REF]``."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.exposure.helpers import DATA, UK_TEST, use_mapping
from tests.factories import World
from wellgate.exposure.models import Case, CaseVolume

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import-vics", *args, stdout=out)
    return out.getvalue()


def test_it_imports_a_file_and_prints_the_counts(world: World):
    out = run(str(DATA / "case-v2-us.json"), "--force", world.force.slug)
    assert "Imported case OP-0011 (VICS 2.0, Cases)." in out
    assert "Indecent, not yet graded  image          25" in out
    assert "Not yet categorised       image           7" in out
    assert "Items counted" in out and "44" in out and "Left out by the mapping" in out
    assert Case.objects.get().imported_by is None


def test_it_takes_a_case_reference_and_the_forces_mapping(world: World):
    use_mapping(world.force, UK_TEST)
    out = run(str(DATA / "media-v2-uk-bom.json"), "--force", world.force.slug, "--case-ref", "UK-1")
    assert "Imported case UK-1 (VICS 2.0, Media)." in out and "Category A" in out
    assert CaseVolume.objects.get(category="A", kind="image").count == 12


def test_the_same_file_twice_says_nothing_changed(world: World):
    run(str(DATA / "case-v1.3.json"), "--force", world.force.slug, "--case-ref", "V13")
    out = run(str(DATA / "case-v1.3.json"), "--force", world.force.slug)
    assert out.startswith("Already imported into case V13: nothing changed.")
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "args, words",
    [
        (["--force", "nowhere"], "No force with slug 'nowhere'"),
        (["--force", "{slug}", "--case-ref", ""], "give the case reference. (--case-ref)"),
    ],
)
def test_it_says_what_is_wrong(world: World, args: list[str], words: str):
    args = [a.replace("{slug}", world.force.slug) for a in args]
    with pytest.raises(
        CommandError, match=words.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")
    ):
        run(str(DATA / "media-v2-uk-bom.json"), *args)
    assert not Case.objects.exists()


def test_an_unreadable_or_unmapped_file_stores_nothing(world: World, tmp_path: Path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.json"), "--force", world.force.slug)
    use_mapping(world.force, UK_TEST)
    with pytest.raises(CommandError, match="code 0"):
        run(str(DATA / "case-v2-us.json"), "--force", world.force.slug)
    assert not Case.objects.exists()


def test_the_command_is_spelt_with_a_hyphen_on_the_wellgate_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "wellgate", "import-vics", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "--force FORCE" in done.stdout and "--case-ref CASE_REF" in done.stdout
