"""The coordinators' side from the command line: grant (link and QR code), staff, revoke,
import, export, versions, template, upkeep, and a rollback that restores the earlier catalogue
exactly, compared as exported CSV."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import openpyxl
import pytest

from bot.__main__ import main
from tests.conftest import FIXTURE_DATA


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOTSE_DATABASE", str(tmp_path / "lotse.sqlite3"))
    monkeypatch.setenv("LOTSE_DATA", str(FIXTURE_DATA))
    monkeypatch.setenv("LOTSE_BOT_USERNAME", "lotse_test_bot")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return tmp_path


def files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*.csv"))
    }


def test_grant_prints_a_link_and_writes_its_qr_code(env: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["grant", "coordinator", "--district", "helmstedt"]) == 0
    out = capsys.readouterr().out
    assert "coordinator for Landkreis Helmstedt" in out
    assert "https://t.me/lotse_test_bot?start=inv_" in out
    png = env / "invitation-coordinator-helmstedt.png"
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert main(["grant", "coordinator", "--district", "atlantis"]) == 2
    assert "--district must be one of" in capsys.readouterr().err
    assert main(["grant", "provider", "--district", "helmstedt", "--provider", "Nobody"]) == 2
    assert main(["staff"]) == 0
    assert "no staff yet" in capsys.readouterr().out
    assert main(["revoke", "99"]) == 1


def test_import_export_and_rollback_restore_the_catalogue_exactly(env: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["export", "--to", "first"]) == 0
    assert files(env / "first") == files(FIXTURE_DATA)  # the seed, as it was

    changed = env / "changed"
    shutil.copytree(FIXTURE_DATA, changed)
    offers = changed / "offers" / "helmstedt.csv"
    text = offers.read_text(encoding="utf-8")
    offers.write_text(text.replace("Mo–Fr 8–13 Uhr", "Mo–Do 9–12 Uhr"), encoding="utf-8")
    (changed / "events" / "krefeld.csv").unlink()
    assert main(["import", str(changed)]) == 0
    assert "version 2" in capsys.readouterr().out
    assert main(["import", str(changed)]) == 0
    assert "nothing imported" in capsys.readouterr().out

    broken = env / "broken"
    shutil.copytree(changed, broken)
    (broken / "offers" / "krefeld.csv").write_text("id,district\nX,krefeld\n", encoding="utf-8")
    assert main(["import", str(broken)]) == 2
    assert "offers/krefeld.csv" in capsys.readouterr().err

    assert main(["export", "--to", "second"]) == 0
    assert files(env / "second") == files(changed)
    assert main(["export", "--district", "helmstedt", "--to", "only"]) == 0
    assert sorted(files(env / "only")) == ["events/helmstedt.csv", "offers/helmstedt.csv"]

    assert main(["rollback", "--to", "1", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "offers changed" in out and "events added" in out
    assert main(["export", "--to", "third"]) == 0
    capsys.readouterr()
    assert files(env / "third") == files(FIXTURE_DATA)
    assert main(["versions"]) == 0
    versions = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in versions] == ["3", "2", "1"]
    assert "back to version 1" in versions[0]


def test_template_and_upkeep(env: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["template", "--district", "krefeld", "--to", "k.xlsx"]) == 0
    book = openpyxl.load_workbook(env / "k.xlsx")
    ids = [r[0].value for r in book["offers"].iter_rows(min_row=2) if r[0].value]
    assert ids and all(str(i).startswith("T-KR-") for i in ids)
    assert main(["upkeep"]) == 0
    out = capsys.readouterr().out
    assert "Landkreis Helmstedt" in out and "Example contacts" in out


def test_report_on_the_demo_population_writes_the_files(env: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    demo = env / "demo.sqlite3"
    assert main(["demo-population", "--district", "helmstedt", "--people", "300",
                 "--database", str(demo)]) == 0  # fmt: skip
    capsys.readouterr()
    monkeypatch.setenv("LOTSE_DATABASE", str(demo))
    assert main(["report", "--district", "helmstedt", "--period", "2026-11", "--format",
                 "csv,pdf", "--out", "out"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "Synthetic demo data" in out and "Landkreis Helmstedt" in out
    written = sorted(p.name for p in (env / "out").iterdir())
    name = "bedarfsbericht-helmstedt-2026-11"
    assert written == [f"{name}.csv", f"{name}.pdf"]
    assert (env / "out" / written[1]).read_bytes().startswith(b"%PDF")
    assert main(["report", "--district", "atlantis"]) == 2
    assert main(["report", "--district", "helmstedt", "--format", "docx"]) == 2


def test_inbox_lists_cases_without_texts_and_closes_one(env: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import os

    from bot.config import from_env
    from bot.service import LotseService
    from tests.support.transcript import Transcript
    from tests.test_talk import open_case

    async def a_case() -> str:
        service = await LotseService.open(from_env(os.environ))
        try:
            young = Transcript(service, user="young")
            await young.onboard()
            return await open_case(young, "q", "Wo lerne ich Deutsch?")
        finally:
            await service.close()

    pseudonym = asyncio.run(a_case())
    assert main(["inbox"]) == 0
    out = capsys.readouterr().out
    assert pseudonym in out and "open" in out and "coordinators' chats" in out
    assert "Deutsch?" not in out  # no message text
    assert main(["inbox", "--close", pseudonym, "--outcome", "referred"]) == 0
    assert pseudonym in capsys.readouterr().out
    assert main(["inbox"]) == 0
    assert "closed\treferred" in capsys.readouterr().out
