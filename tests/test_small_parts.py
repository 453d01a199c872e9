"""Callback data, answer validators, bidi isolates and configuration."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import ConfigError, from_env
from bot.core import callback
from bot.core.bidi import FSI, PDI, is_rtl, isolate
from bot.core.validators import age_or_birth_year

TODAY = date(2026, 11, 22)


def test_callback_round_trip() -> None:
    data = callback.encode("fl", "a", "age", "17")
    assert data == "fl:a:age:17"
    assert callback.decode(data) == callback.Pressed("fl", "a", ("age", "17"))
    assert callback.decode("of:o:HE-001:1") == callback.Pressed("of", "o", ("HE-001", "1"))
    assert callback.decode("fl:b") == callback.Pressed("fl", "b")
    assert callback.decode("pf:e:place").route == "pf:e"


@pytest.mark.parametrize("data", ["", "b", "of", ":o", "of:", "OF:o:x", "of:o:a b", "of:o::",
                                  "of:o:" + "x" * 41, "fl:a:" + "a" * 60])  # fmt: skip
def test_malformed_callback_data_is_refused(data: str) -> None:
    with pytest.raises(callback.CallbackError):
        callback.decode(data)


def test_callback_data_over_64_bytes_is_refused() -> None:
    with pytest.raises(callback.CallbackError):
        callback.encode("fl", "a", "step", "x" * 40, "y" * 20)  # 65 bytes in all
    with pytest.raises(callback.CallbackError):
        callback.encode("fl", "a", "step", "ü")  # only plain ASCII arguments


@given(st.text(max_size=100))
def test_any_callback_data_decodes_or_raises_callback_error(data: str) -> None:
    try:
        decoded = callback.decode(data)
    except callback.CallbackError:
        return
    assert callback.encode(decoded.namespace, decoded.action, *decoded.args) == data


@pytest.mark.parametrize(
    ("text", "age"),
    [("17", 17), ("I am 19 years old", 19), ("2008", 18), ("١٧", 17), ("۲۰", 20),
     ("14", 14), ("99", 99)],
)  # fmt: skip
def test_age_or_birth_year(text: str, age: int) -> None:
    assert age_or_birth_year(text, TODAY) == age


@pytest.mark.parametrize("text", ["", "seventeen", "17 or 18", "3", "150", "1900", "2030"])
def test_implausible_ages_are_refused(text: str) -> None:
    assert age_or_birth_year(text, TODAY) is None


def test_isolates() -> None:
    assert isolate("Helmstedt 38350") == f"{FSI}Helmstedt 38350{PDI}"
    assert isolate(isolate("x")) == isolate("x")
    assert is_rtl("ar") and is_rtl("fa_AF") and is_rtl("ckb") and not is_rtl("uk")


def test_config_defaults_and_hidden_token() -> None:
    config = from_env({"TELEGRAM_BOT_TOKEN": "123:secret-token"})
    assert config.timezone == "Europe/Berlin"
    assert config.database.name == "lotse.sqlite3"
    assert "secret" not in repr(config) and "secret" not in str(config)
    assert config.require_token() == "123:secret-token"


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"TELEGRAM_BOT_TOKEN": "no colon"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_API_BASE_URL": "ftp://x"}, "TELEGRAM_API_BASE_URL"),
        ({"LOTSE_TIMEZONE": "Mars/Olympus"}, "LOTSE_TIMEZONE"),
        ({"LOTSE_DATA": "/nonexistent"}, "LOTSE_DATA"),
        ({"LOTSE_LOG_LEVEL": "LOUD"}, "LOTSE_LOG_LEVEL"),
    ],
)
def test_wrong_settings_stop_with_one_sentence_naming_the_variable(
    env: dict[str, str], names: str
) -> None:
    with pytest.raises(ConfigError) as error:
        from_env(env)
    message = str(error.value)
    assert message.startswith(names) or names in message
    assert "\n" not in message


def test_run_without_token_says_what_to_do() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        from_env({}).require_token()


def test_a_value_ending_with_a_dot_ends_the_sentence_once() -> None:
    from bot.core.text import html_format

    assert html_format("Перевірено {date}.", date="1 грудня 2026 р.") == (
        "Перевірено 1 грудня 2026 р."
    )
    assert html_format("Apply by {date}.", date="May 1, 2027") == "Apply by May 1, 2027."
    assert html_format("{a} & {b}.", a="x.", b="y") == "x. &amp; y."


def test_staff_side_settings_are_checked() -> None:
    config = from_env({
        "LOTSE_ADMINS": "123, 456", "LOTSE_BULK_RATE": "20", "LOTSE_BROADCASTS_PER_DAY": "3",
        "LOTSE_BOT_USERNAME": "@lotse_bot",
    })  # fmt: skip
    assert (config.admins, config.bulk_rate, config.overall_rate) == (("123", "456"), 20.0, 30.0)
    assert (config.broadcasts_per_day, config.bot_username) == (3, "lotse_bot")
    for bad in ({"LOTSE_ADMINS": "alice"}, {"LOTSE_BULK_RATE": "40"},
                {"LOTSE_OVERALL_RATE": "fast"}, {"LOTSE_BROADCASTS_PER_DAY": "0"}):  # fmt: skip
        with pytest.raises(ConfigError):
            from_env(bad)
