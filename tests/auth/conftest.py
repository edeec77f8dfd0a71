from __future__ import annotations

import pytest

from tests.auth.provider import running_provider


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """A provider that knows only registered clients: wrong ids, secrets and redirect URLs are refused."""
    with running_provider(tmp_path_factory.mktemp("oidc") / "provider.log", register=True) as base:
        yield base


@pytest.fixture
def signin_on(monkeypatch, provider):
    """The app with sign-in on (the real provider answers its metadata URL), roles from `groups`."""
    monkeypatch.setenv("PULSE_AUTH_METADATA_URL", f"{provider}/.well-known/openid-configuration")
    monkeypatch.setenv("PULSE_AUTH_ROLES_CLAIM", "groups")
    monkeypatch.setenv("PULSE_AUTH_ROLES_MAP", "pulse-analysts=analyst,pulse-admins=maintainer")


from tests.dashboard.conftest import loaded, settings  # noqa: E402, F401  (a real warehouse per test)
