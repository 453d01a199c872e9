"""/report in the chat: the wizard (district, period, part), the summary in the coordinator's
language, the charts (PNG), the CSV of every table and the one-page PDF; refused to a young
person and to a coordinator of another district; the weekly digest when turned on."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from bot.core.access import COORDINATOR, Grant
from bot.core.profile import Profile, Session
from bot.service import LotseService
from tests.conftest import NOW
from tests.support.clock import Clock
from tests.support.transcript import Transcript
from tests.test_coordinators import drain, staff_member

PNG = b"\x89PNG\r\n\x1a\n"


async def populate(service: LotseService) -> None:
    """22 people in Helmstedt: 14 teenagers learning German, 8 wanting an Ausbildung with A1
    (the only one needs A2)."""
    groups = ((14, "2009-05", "gestattung", "A1", ("german_course",)),
              (8, "2006-03", "duldung", "A1", ("vocational_training",)))  # fmt: skip
    number = 0
    for count, birth, status, level, interests in groups:
        for _ in range(count):
            number += 1
            profile = Profile(None, status, level, "helmstedt", interests, birth=birth)
            session = Session(language="ar", consented=True, profile=profile)
            await service.storage.run(
                lambda unit, s=session, n=number: unit.people.save(
                    "test", f"p{n}", s, service.fields, NOW - timedelta(days=3)
                )
            )


async def test_a_coordinator_gets_summary_charts_csv_and_pdf(lotse: LotseService) -> None:
    await populate(lotse)
    coordinator = await staff_member(lotse, "c1")
    await coordinator.send("/report")
    assert "rp:p:helmstedt:m0" in [b.data for b in coordinator.buttons]
    await coordinator.press("rp:p:helmstedt:m0")
    await coordinator.press("rp:r:helmstedt:m0:all")
    texts = [r.html for r in coordinator.replies if r.attachment is None]
    summary = next(t for t in texts if "Needs report" in t)
    assert "People who used Lotse: 22" in summary
    assert "Vocational training" in summary and "8 people, no offer fits" in summary
    assert "If" in summary and "T-HE-7" in summary and "8 more people would fit" in summary
    files = {r.attachment.filename: r.attachment for r in coordinator.replies if r.attachment}
    pngs = [f for name, f in files.items() if name.endswith(".png")]
    assert len(pngs) == 3 and all(f.content.startswith(PNG) for f in pngs)
    table = next(f for name, f in files.items() if name.endswith(".csv"))
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["table", "key", "name", "count"]
    assert ["people", "", "", "22"] in rows
    by_table = {(r[0], r[1]): r[3] for r in rows[1:]}
    assert by_table[("no_fit", "vocational_training")] == "8"
    assert by_table[("status", "duldung")] == "8"
    pdf = next(f for name, f in files.items() if name.endswith(".pdf")).content
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(
        b"/Type /Page ") + pdf.count(b"/Type /Page>") == 1  # fmt: skip


async def test_the_report_is_refused_to_young_people_and_other_districts(
    lotse: LotseService,
) -> None:
    await populate(lotse)
    young = Transcript(lotse, user="y1")
    await young.onboard()
    await young.send("/nosuch")
    unknown = young.text
    await young.send("/report")
    assert young.text == unknown
    krefeld = await staff_member(lotse, "kr", Grant(COORDINATOR, "krefeld"))
    await krefeld.send("/report")
    assert "rp:p:krefeld:m0" in [b.data for b in krefeld.buttons]  # only their own district
    await krefeld.press("zz:q")
    unknown_button = krefeld.text
    await krefeld.press("rp:r:helmstedt:m0:all")
    assert krefeld.text == unknown_button
    assert not any(r.attachment for r in krefeld.replies)


async def test_the_weekly_digest_comes_to_who_turned_it_on(
    lotse: LotseService, clock: Clock
) -> None:
    await populate(lotse)
    on = await staff_member(lotse, "c1")
    await staff_member(lotse, "c2")
    await on.send("/report")
    await on.press("rp:w:on")
    assert "Every Monday" in on.text
    clock.now = NOW + timedelta(days=1)  # Monday
    await lotse.desk.weekly_upkeep()
    sent = [s for s in await drain(lotse, clock) if s[1] == "digest"]
    assert [who for who, _, _ in sent] == ["c1"]
    assert "This week in Landkreis Helmstedt" in sent[0][2]
    assert "8 people, no offer fits" in sent[0][2]
