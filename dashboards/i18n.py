"""Languages: Polish by default, English available (Flask-Babel).

Message ids are English; the Polish catalogue is ``translations/pl/LC_MESSAGES/messages.po``.
It is compiled to ``.mo`` under ``var_dir/translations`` when the app starts (and whenever the
``.po`` is newer), so no binary file is kept in the repository. Updating the catalogue after
changing a text: see ``translations/babel.cfg``; ``tests/dashboards/test_i18n.py`` fails while a
text has no Polish translation.
"""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g, session

LANGUAGES = ("pl", "en")
DEFAULT_LANGUAGE = "pl"
SOURCE_DIR = Path(__file__).parent / "translations"

logger = logging.getLogger(__name__)


def compile_catalogues(target: Path) -> Path:
    """Compile every ``.po`` under SOURCE_DIR into ``target`` (same layout); returns target."""
    for po_path in SOURCE_DIR.glob("*/LC_MESSAGES/*.po"):
        mo_path = target / po_path.relative_to(SOURCE_DIR).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=po_path.parts[-3])
        tmp = mo_path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog)
        tmp.replace(mo_path)
        logger.info("compiled %s", mo_path)
    return target


def select_locale() -> str:
    """The session's choice, else the account's language, else Polish."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    user = getattr(g, "user", None)
    if user is not None and user.locale in LANGUAGES:
        return user.locale
    return DEFAULT_LANGUAGE
