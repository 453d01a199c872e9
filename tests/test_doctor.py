"""`lotse doctor`: each check says what is wrong and what to do; a wrong token or webhook
setting fails, a missing catalogue or an overdue outbox warns, a healthy setup passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import ROOT, Config
from bot.doctor import examine
from bot.service import LotseService
from bot.storage.sqlite import SqliteStorage
from tests.conftest import FIXTURE_DATA
from tests.support.fake_bot_api import FakeBotAPI


def config_for(api: FakeBotAPI, db: Path, **more) -> Config:  # type: ignore[no-untyped-def]
    return Config(telegram_token=api.token, api_base_url=api.base_url, database=db,
                  data=FIXTURE_DATA, **more)  # fmt: skip


async def test_a_healthy_setup_passes_and_problems_say_what_to_do(
    api: FakeBotAPI, content, db_path: Path  # type: ignore[no-untyped-def]
) -> None:
    findings = await examine(config_for(api, db_path))
    levels = {f.what: f.level for f in findings}
    assert levels["the token belongs to @lotse_test_bot"] == "ok"
    assert levels["no live catalogue yet"] == "warn"
    assert not [f for f in findings if f.level == "fail"]

    service = LotseService(await SqliteStorage.open(db_path), content, data=FIXTURE_DATA)
    await service.live_catalogue()
    old = datetime.now(UTC) - timedelta(hours=2)
    await service.storage.run(lambda unit: unit.tx.execute(
        "INSERT INTO users (channel, external_id, language, consented_at, created_at) "
        "VALUES ('telegram', '1', 'ar', ?, ?)", (old, old)))  # fmt: skip
    await service.storage.run(lambda unit: unit.tx.execute(
        "INSERT INTO outbox (user_id, key, kind, payload, due_at, updated_at) "
        "VALUES (1, 'k', 'reminder', '{}', ?, ?)", (old, old)))  # fmt: skip
    await service.close()
    findings = await examine(config_for(api, db_path, webhook_url="https://x.example/h"))
    by_level = {f.level: [g.what for g in findings if g.level == f.level] for f in findings}
    assert "live catalogue version 1 loads" in by_level["ok"]
    assert any("overdue" in w for w in by_level["warn"])
    assert any(w.startswith("webhook mode:") for w in by_level["fail"])
    overdue = next(f for f in findings if "overdue" in f.what)
    assert "lotse run" in overdue.fix


async def test_a_token_telegram_refuses_fails(api: FakeBotAPI, db_path: Path) -> None:
    findings = await examine(Config(telegram_token="999:not-the-token", api_base_url=api.base_url,
                                    database=db_path, data=ROOT / "data"))  # fmt: skip
    token = findings[0]
    assert token.level == "fail" and "@BotFather" in token.fix
