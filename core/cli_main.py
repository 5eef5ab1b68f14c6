"""The ``kof`` command: the composition root.

Each package registers its subcommands under the ``kof.commands`` entry-point group in
pyproject.toml (name = "package.cli:command"); this module only collects them.
"""

from __future__ import annotations

import logging
import sys
from importlib.metadata import EntryPoint, entry_points

import click

from core.cli_context import CliContext
from core.exceptions import PlatformError

logger = logging.getLogger(__name__)


class _KofGroup(click.Group):
    """Finds the subcommands the packages registered, when the command line needs them."""

    @staticmethod
    def _registered() -> dict[str, EntryPoint]:
        return {ep.name: ep for ep in entry_points(group="kof.commands")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._registered()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in (registered := self._registered()):
            try:
                command = registered[cmd_name].load()
            except Exception as err:  # a broken package must not take the other commands down
                click.echo(
                    f"kof: command {cmd_name!r} ({registered[cmd_name].value}) failed to load: "
                    f"{type(err).__name__}: {err}",
                    err=True,
                )
                return None
        return command


@click.group(cls=_KofGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    envvar="KOF_CONFIG",
    help="TOML settings file (default: $KOF_CONFIG).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.pass_context
def cli(ctx: click.Context, config: str | None, verbose: int) -> None:
    """KOF Utilities Platform: smart utilities and the energy cluster of Kielce and the KOF."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    ctx.obj = CliContext(config)


def main(argv: list[str] | None = None) -> int:
    """Run ``kof``; a PlatformError becomes one line on stderr and exit code 2."""
    try:
        # Without standalone mode, click returns ctx.exit()'s code instead of exiting.
        result = cli.main(args=argv, prog_name="kof", standalone_mode=False)
    except PlatformError as err:
        click.echo(f"kof: error: {err}", err=True)
        return 2
    except click.exceptions.Abort:
        click.echo("kof: aborted", err=True)
        return 1
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except click.exceptions.Exit as err:
        return err.exit_code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
