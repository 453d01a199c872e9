"""Every privileged command and button, tried as a young person, as a volunteer and as a
coordinator of another district: refused exactly like an unknown command or button (nothing
says it exists), and nothing changes in the database or the live catalogue."""

from __future__ import annotations

from bot.core.access import COORDINATOR, EVERYONE, VOLUNTEER, Grant
from bot.service import LotseService
from tests.support.db import rows
from tests.support.transcript import Transcript
from tests.test_coordinators import NEW_OFFER, send_file, staff_member, stage_offer
from tests.test_talk import open_case

# Arguments that point at Helmstedt's rows, for every privileged route. A new privileged route
# must be added here (the test fails until it is), so that the matrix covers it.
STAGED = "{staged}"
BROADCAST = "{broadcast}"
CASE = "{case}"
ARGS = {
    "ct:t": ("helmstedt",),
    "ct:y": (STAGED,),
    "ct:n": (STAGED,),
    "ct:r": ("1",),
    "ct:l": ("helmstedt", "1"),
    "ct:e": ("EV-T-1",),
    "ct:m": ("EV-T-1",),
    "ct:c": ("EV-T-1",),
    "ct:o": ("T-HE-5",),
    "ct:a": ("T-HE-5", "stopped"),
    "ct:k": ("T-HE-5",),
    "st:y": (),
    "st:i": ("coordinator",),
    "st:d": ("coordinator", "helmstedt"),
    "st:p": ("helmstedt", "1"),
    "st:v": ("helmstedt", "0"),
    "rp:d": ("helmstedt",),
    "rp:p": ("helmstedt", "m0"),
    "rp:r": ("helmstedt", "m0", "all"),
    "rp:w": ("on",),
    "vl:h": (),
    "vl:l": (),
    "vl:g": ("ar",),
    "vl:d": ("ar", "helmstedt"),
    "vl:c": ("T-HE-3",),
    "cs:c": (CASE, "advised"),
    "ib:r": ("T-HE-3",),
    **{f"bc:{action}": (BROADCAST, *rest) for action, rest in {
        "o": (), "d": ("places", "1"), "t": ("places", "helmstedt", "1"), "a": (), "v": (),
        "e": ("7",), "x": ("de",), "l": (), "k": ("1",), "q": ("none",), "p": (), "s": (),
        "y": ("1",), "w": (), "n": (), "h": (), "r": (), "c": (), "u": (),
    }.items()},
}
# Open to everyone on purpose: accepting or declining an invitation (the code is the key).
OPEN = {"st:a", "st:x"}
# What each of them may rightly press (their own side); everything else must be refused.
# Confirm and Cancel are checked by the service (the change must be one's own): below.
ALLOWED = {
    "young person": set(),
    "volunteer": {"st:y", "vl:h", "vl:l", "vl:g", "vl:d"},
    "Krefeld coordinator": {"st:y", "st:i", "ct:y", "ct:n", "rp:w", "vl:h", "vl:l", "vl:g"},
}
WATCHED = ("staff", "invitations", "catalogue_versions", "catalogue_files", "staged_changes",
           "outbox", "subscriptions", "report_snapshots", "broadcasts", "referrals",
           "mentor_links", "inboxes", "cases")  # fmt: skip


async def state(service: LotseService) -> str:
    parts = [f"catalogue version {service.content.catalogue_version}"]
    for table in WATCHED:
        found = await rows(service, f"SELECT * FROM {table}")
        parts.append(f"{table}: {[tuple(r) for r in found]}")
    return "\n".join(parts)


def privileged(service: LotseService) -> tuple[list[str], list[str]]:
    tables = service.world.tables
    commands = sorted(n for n, c in tables.commands.items() if c.roles != EVERYONE)
    routes = sorted(k for k, r in tables.routes.items() if r.roles != EVERYONE and k not in OPEN)
    return commands, routes


async def test_every_privileged_command_and_button_is_refused_to_everyone_else(
    lotse: LotseService,
) -> None:
    commands, routes = privileged(lotse)
    assert {"template", "edit", "upkeep", "versions", "staff", "report", "broadcast",
            "broadcasts"} <= set(commands)
    assert set(routes) == set(ARGS), "add the new privileged route to ARGS"

    # A Helmstedt coordinator's change waits for Confirm: others must not confirm or drop it.
    owner = await staff_member(lotse, "owner")
    await stage_offer(owner, NEW_OFFER)
    staged = next(b.data for b in owner.buttons if b.data.startswith("ct:y:")).split(":")[2]
    await owner.send("/broadcast")  # a Helmstedt draft: others must not see or send it
    broadcast = next(b.data for b in owner.buttons if b.data.startswith("bc:")).split(":")[2]

    young = Transcript(lotse, user="young")
    await young.onboard()
    # A Helmstedt case (no inbox group: it waits for the coordinators): others must not
    # close it.
    case = await open_case(young)
    volunteer = await staff_member(lotse, "vol", Grant(VOLUNTEER, "helmstedt"))
    krefeld = await staff_member(lotse, "kr", Grant(COORDINATOR, "krefeld"))
    before = await state(lotse)

    for who, chat in (("young person", young), ("volunteer", volunteer),
                      ("Krefeld coordinator", krefeld)):  # fmt: skip
        await chat.send("/nosuchcommand")
        unknown_command = chat.text
        await chat.press("zz:q")
        unknown_button = chat.text
        await chat.send("/help")
        for command in commands:
            if (await lotse.actor("test", chat.user)).may(
                lotse.world.tables.commands[command].roles
            ):
                continue  # a volunteer may use their own commands
            assert f"/{command}" not in chat.text, (who, command)
            await chat.send(f"/{command}")
            assert chat.text == unknown_command, (who, command, chat.text)
        for key in routes:
            args = tuple(
                {STAGED: staged, BROADCAST: broadcast, CASE: case}.get(a, a)
                for a in ARGS[key]
            )
            data = ":".join((key, *args))
            if key in ALLOWED[who]:
                continue
            await chat.press(data)
            assert chat.text == unknown_button, (who, data, chat.text)
        # Confirm and Cancel of someone else's change: told it is not waiting, nothing done.
        await chat.press(f"ct:y:{staged}")
        await chat.press(f"ct:n:{staged}")
        # A spreadsheet from someone who may not keep the catalogue is only thanked for.
        await owner.send("/template")
        attachment = owner.replies[-1].attachment
        assert attachment is not None
        await send_file(chat, "a.xlsx", attachment.content)
        assert not any(b.data.startswith("ct:y:") for b in chat.buttons), who
        assert await state(lotse) == before, who

    assert "T-HE-99" not in lotse.content.catalogue.offers
