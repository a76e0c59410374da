"""Demo check-ins: months of pulses and fuller check-ins with trends, some shared and some
kept private, a skip, a nudge, a PCL-5 rise (amber flag) and a critical PHQ-9 (red flag), all
taken through the services with the clock moved back to the day they happened."""

from __future__ import annotations

import datetime as dt

from wellgate import clock
from wellgate.checkins import catalogue, services
from wellgate.demo.cast import Demo
from wellgate.flags import services as flag_services
from wellgate.flags.models import Flag
from wellgate.notify.services import deliver_pending
from wellgate.people.models import Role


def _when(demo: Demo, days_ago: float, hour: int = 10) -> dt.datetime:
    moment = demo.at(days_ago).replace(hour=hour, minute=15, second=0, microsecond=0)
    return min(moment, demo.now - dt.timedelta(minutes=5))


def _summing(instrument_id: str, total: int, **fixed: int) -> dict[str, int]:
    """Answers adding up to ``total`` for an instrument without reversed items, spread evenly
    so the demo reads like a person's answers rather than a column of maximums."""
    instrument = catalogue.instrument(instrument_id)
    assert instrument is not None
    items = [it for it in instrument.items if it.id not in fixed]
    answers = {it.id: min(it.values) for it in items} | fixed
    left = total - sum(fixed.values()) - sum(answers[it.id] for it in items)
    while left > 0:
        for it in items:
            if left and answers[it.id] < max(it.values):
                answers[it.id] += 1
                left -= 1
    return answers


def _pulse(strain: int) -> dict[str, int]:
    """A pulse with ``strain`` from 0 (steady) to 9 (strained), never the self-harm item."""
    sleep, images = min(3, strain // 3), min(3, (strain + 1) // 3)
    energy, support = max(0, 3 - strain // 3), max(0, 3 - (strain + 2) // 4)
    return {
        "pulse_sleep": sleep,
        "pulse_images": images,
        "pulse_energy": energy,
        "pulse_support": support,
        "pulse_harm": 0,
    }


def _proqol(cs: int, burnout: int, sts: int) -> dict[str, int]:
    """ProQOL 5 answers whose scored subscale sums are the given values (each 10-50)."""
    instrument = catalogue.instrument("proqol5")
    assert instrument is not None
    targets = {"compassion_satisfaction": cs, "burnout": burnout, "secondary_traumatic_stress": sts}
    answers: dict[str, int] = {}
    for subscale, target in targets.items():
        items = [it for it in instrument.items if it.subscale == subscale]
        left = target - len(items)
        for item in items:
            scored = 1 + min(left, 4)
            left -= scored - 1
            answers[item.id] = 6 - scored if item.reversed else scored
    return answers


def _take(
    demo: Demo,
    login: str,
    days_ago: float,
    instrument_id: str,
    answers: dict[str, int],
    shared: bool | None = None,
) -> None:
    with clock.frozen_at(_when(demo, days_ago)):
        services.checkin_submit(
            by=demo.viewer(login, Role.OFFICER),
            instrument_id=instrument_id,
            answers=answers,
            share_with_welfare_lead=shared,
        )


def _full_set(
    demo: Demo,
    login: str,
    days_ago: float,
    phq9: int,
    gad7: int,
    pcl5: int,
    proqol: tuple[int, int, int],
    shared: bool | None = None,
) -> None:
    _take(demo, login, days_ago, "phq9", _summing("phq9", phq9), shared)
    _take(demo, login, days_ago, "gad7", _summing("gad7", gad7), shared)
    _take(demo, login, days_ago, "pcl5", _summing("pcl5", pcl5), shared)
    _take(demo, login, days_ago, "proqol5", _proqol(*proqol), shared)


def build_checkins(demo: Demo) -> None:
    welfare = demo.viewer("wendy.welfare", Role.WELFARE_LEAD)

    # Olivia: half a year of fortnightly pulses and two full sets, all shared. Her PHQ-9 moved
    # from minimal to mild in the spring; the welfare lead talked with her and closed the flag.
    for n, strain in enumerate((2, 3, 2, 4, 5, 4, 6, 5, 4, 3, 4, 3, 2)):
        _take(demo, "olivia.officer", 182 - 14 * n, "pulse", _pulse(strain))
    _full_set(demo, "olivia.officer", 175, phq9=3, gad7=2, pcl5=14, proqol=(41, 21, 19))
    _full_set(demo, "olivia.officer", 84, phq9=7, gad7=4, pcl5=19, proqol=(38, 25, 24))
    olivia_flag = Flag.objects.get(
        officer=demo.people["olivia.officer"], source="checkin", state="open"
    )
    with clock.frozen_at(_when(demo, 80)):
        flag_services.flag_close(
            by=welfare,
            flag=olivia_flag,
            note="Spoke with Olivia: a heavy month on one case. Lighter video load agreed.",
        )
    _full_set(demo, "olivia.officer", 4, phq9=5, gad7=3, pcl5=16, proqol=(40, 23, 21))

    # Avery: a new joiner whose PCL-5 rose by 12 since the first check-in (amber, open).
    for n, strain in enumerate((1, 2, 2, 4, 5)):
        _take(demo, "avery.ashdown", 70 - 14 * n, "pulse", _pulse(strain))
    _full_set(demo, "avery.ashdown", 68, phq9=4, gad7=3, pcl5=12, proqol=(39, 20, 18))
    _take(demo, "avery.ashdown", 6, "pcl5", _summing("pcl5", 24))

    # Blake keeps every score private: the welfare lead sees none of them.
    for n, strain in enumerate((3, 4, 3, 5, 4, 3)):
        _take(demo, "blake.birchmoor", 84 - 14 * n, "pulse", _pulse(strain), shared=False)
    _full_set(demo, "blake.birchmoor", 60, 6, 5, 15, (37, 24, 22), shared=False)

    # Harper: a critical PHQ-9 three days ago (red flag, owned by the welfare lead, open).
    _take(demo, "harper.holmrook", 100, "pulse", _pulse(3))
    _take(demo, "harper.holmrook", 86, "pulse", _pulse(5))
    _full_set(demo, "harper.holmrook", 90, phq9=8, gad7=6, pcl5=20, proqol=(33, 27, 26))
    _take(demo, "harper.holmrook", 3, "phq9", _summing("phq9", 14, phq9_9=1))

    # Gray took a WHO-5; Kai took a pulse and skipped the fuller set.
    _take(demo, "gray.garsdale", 30, "who5", {f"who5_{n}": 3 for n in range(1, 6)})
    _take(demo, "kai.langstrath", 15, "pulse", _pulse(2))
    with clock.frozen_at(_when(demo, 15, hour=11)):
        services.checkin_skip(
            by=demo.viewer("kai.langstrath", Role.OFFICER),
            instrument_ids=("phq9", "gad7", "pcl5", "proqol5"),
        )

    # Indy asked Sky Sergeant for a conversation: Sky learns only that.
    with clock.frozen_at(_when(demo, 2, hour=15)):
        services.nudge_send(by=demo.viewer("indy.ivybridge", Role.OFFICER))

    with clock.frozen_at(demo.now):
        services.invitations_send(now=demo.now)
        deliver_pending(demo.now)
