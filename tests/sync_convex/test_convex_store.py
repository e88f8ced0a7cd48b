"""ConvexStore against the local Convex bridge: the shared store contract, and errors."""

from __future__ import annotations

import uuid

import pytest
from pydantic import SecretStr

from tests.core.store_contract import OpenStore, StoreContract, seed
from tests.fixtures.convex_bridge import ConvexBridge
from tutor_core.errors import ConfigurationError, InvalidTransition, StorageError
from tutor_core.models import SceneStatus
from tutor_sync_convex import ConvexSettings, ConvexStore

pytestmark = pytest.mark.slow


def settings_for(bridge: ConvexBridge, deployment: str, **extra: object) -> ConvexSettings:
    return ConvexSettings(
        url=f"{bridge.url}/d/{deployment}",
        admin_key=SecretStr(bridge.admin_key),
        poll_interval=0.1,
        **extra,  # type: ignore[arg-type]
    )


class TestConvexStoreContract(StoreContract):
    @pytest.fixture
    def open_store(self, convex_bridge: ConvexBridge) -> OpenStore:
        # A fresh, empty deployment per test; each call is another client of it.
        deployment = uuid.uuid4().hex[:16]
        return lambda: ConvexStore(settings_for(convex_bridge, deployment))


@pytest.mark.anyio
async def test_an_illegal_transition_names_the_machine_and_the_step(
    convex_bridge: ConvexBridge,
) -> None:
    store = ConvexStore(settings_for(convex_bridge, uuid.uuid4().hex[:16]))
    try:
        _, scenes = await seed(store, scenes=1)
        with pytest.raises(InvalidTransition) as info:
            await store.update_scene(
                scenes[0].id, revision=1, expected_status=SceneStatus.QUEUED, status="uploading"
            )
        assert (info.value.machine, info.value.source, info.value.target) == (
            "scene",
            "queued",
            "uploading",
        )
    finally:
        await store.close()


@pytest.mark.anyio
async def test_a_wrong_admin_key_or_url_says_what_to_fix(convex_bridge: ConvexBridge) -> None:
    wrong_key = ConvexStore(
        ConvexSettings(url=convex_bridge.url, admin_key=SecretStr("not-the-key"))
    )
    with pytest.raises(ConfigurationError, match="credentials") as info:
        await wrong_key.ensure_user("auth|x")
    assert "TUTOR_CONVEX_ADMIN_KEY" in (info.value.hint or "")
    nowhere = ConvexStore(
        ConvexSettings(url="http://127.0.0.1:9", admin_key=SecretStr(convex_bridge.admin_key))
    )
    with pytest.raises(StorageError, match="cannot reach Convex") as down:
        await nowhere.get_user("usr_x")
    assert "TUTOR_CONVEX_URL" in (down.value.hint or "")


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from tutor_sync_convex.plugin import _factory

    monkeypatch.delenv("TUTOR_CONVEX_URL", raising=False)
    with pytest.raises(ConfigurationError, match="TUTOR_CONVEX_URL"):
        _factory(None)  # type: ignore[arg-type]
    monkeypatch.setenv("TUTOR_CONVEX_URL", "ftp://example.org")
    monkeypatch.setenv("TUTOR_CONVEX_ADMIN_KEY", "k")
    with pytest.raises(ConfigurationError, match="http"):
        _factory(None)  # type: ignore[arg-type]
    monkeypatch.setenv("TUTOR_CONVEX_URL", "https://happy-animal-123.convex.cloud/")
    store = _factory(None)  # type: ignore[arg-type]
    assert isinstance(store, ConvexStore) and store.settings.url.endswith(".convex.cloud")
