"""The object every ``kof`` subcommand receives as ``ctx.obj``."""

from __future__ import annotations

from core.settings import Settings, load_settings


class CliContext:
    """What every subcommand receives as ``ctx.obj``: settings, loaded on first use."""

    def __init__(self, config_file: str | None):
        self.config_file = config_file
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_file)
        return self._settings
