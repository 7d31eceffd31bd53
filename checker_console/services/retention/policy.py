"""The retention policy in force, from settings."""

from __future__ import annotations

from checker_console.domain.retention import RetentionPolicy
from checker_console.settings import Settings, get_settings


def policy_in_force(settings: Settings | None = None) -> RetentionPolicy:
    settings = settings or get_settings()
    return RetentionPolicy(
        approved_days=settings.retain_approved_days,
        rejected_days=settings.retain_rejected_days,
        referred_days=settings.retain_referred_days,
        unsubmitted_invitation_days=settings.unsubmitted_invitation_days,
    )
