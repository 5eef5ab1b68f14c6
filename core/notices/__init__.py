"""Outage notices (planned works and failures) and education pages, edited by operators."""

from core.notices.enums import NoticeKind, NoticeScope
from core.notices.model import Notice, NoticeDraft, Page, PageDraft

__all__ = ["Notice", "NoticeDraft", "NoticeKind", "NoticeScope", "Page", "PageDraft"]
