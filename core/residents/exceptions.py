"""Errors of the resident read services."""

from __future__ import annotations

from core.exceptions import PlatformError


class NotVisibleError(PlatformError):
    """The meter, premise or building does not exist or the viewer may not see it.

    The two cases are one error on purpose: the web layer answers 404 for both, so nobody can
    find out which meter ids exist.
    """

    def __init__(self, what: str, ident: object):
        self.what = what
        self.ident = ident
        super().__init__(f"no {what} {ident} for this account")
