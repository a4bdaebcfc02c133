"""The command line takes its setting options from the declarations the app's widgets use.

A value the app refuses (a 5 m radius, H3 resolution 3, year 1800, bad rings) is refused by
the CLI too, with the same message, and the command exits 1.
"""

from __future__ import annotations

import argparse

import pytest

from origin_map import cli
from origin_map.settings import SETTINGS, SettingValueError


def _options(command: str) -> dict[str, argparse.Action]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {flag: action for action in sub.choices[command]._actions
            for flag in action.option_strings}


def test_every_setting_with_an_option_is_an_option_of_stats() -> None:
    options = _options("stats")
    declared = {s.cli for s in SETTINGS.values() if s.cli}
    assert declared == {"--centre", "--radius-m", "--rings", "--sector", "--kind", "--quality",
                        "--include-historic", "--year", "--by-outline", "--h3"}
    assert declared <= set(options)


@pytest.mark.parametrize("name", ["radius", "rings"])
@pytest.mark.parametrize("command", ["stats", "report", "compare"])
def test_the_defaults_are_the_apps(command: str, name: str) -> None:
    s = SETTINGS[name]
    assert _options(command)[s.cli].default == s.default


@pytest.mark.parametrize(("argv", "setting", "value"), [
    (["stats", "--radius-m", "5"], "radius", "5"),
    (["stats", "--radius-m", "100001"], "radius", "100001"),
    (["stats", "--radius-m", "abc"], "radius", "abc"),
    (["cluster", "--radius-m", "5"], "radius", "5"),
    (["compare", "--radius-m", "5"], "radius", "5"),
    (["report", "-o", "x.pdf", "--radius-m", "5"], "radius", "5"),
    (["stats", "--h3", "3"], "h3res", "3"),
    (["stats", "--h3", "12"], "h3res", "12"),
    (["stats", "--year", "1800"], "year", "1800"),
    (["stats", "--rings", "500,-3"], "rings", "500,-3"),
])
def test_a_value_the_app_refuses_exits_1_with_the_apps_message(argv, setting, value, capsys):
    with pytest.raises(SettingValueError) as app_refusal:
        SETTINGS[setting].parse(value)
    assert cli.main(argv) == cli.EXIT_DATA
    err = capsys.readouterr().err
    assert err.strip() == f"origin-map: error: {SETTINGS[setting].cli}: {app_refusal.value}"


def test_a_value_at_the_bounds_is_taken(capsys) -> None:
    assert cli.main(["stats", "--radius-m", "10", "--rings", ""]) == cli.EXIT_OK
    assert "dongsheng-building,0,10,all," in capsys.readouterr().out
    assert cli.main(["stats", "--h3", "6"]) == cli.EXIT_OK
    assert cli.main(["stats", "--h3", "11"]) == cli.EXIT_OK


def test_help_shows_the_bounds_from_the_declaration(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["stats", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "Radius (m): main radius in metres, 10 to 100000 m (default 1000)" in out
    assert "H3 resolution: write the H3 hexagon table at this resolution (6 to 11)" in out
