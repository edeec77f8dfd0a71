from __future__ import annotations

import pytest

from tests.auth.provider import running_provider


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """A provider that knows only registered clients: wrong ids, secrets and redirect URLs are refused."""
    with running_provider(tmp_path_factory.mktemp("oidc") / "provider.log", register=True) as base:
        yield base


from tests.dashboard.conftest import loaded, settings  # noqa: E402, F401  (a real warehouse per test)
