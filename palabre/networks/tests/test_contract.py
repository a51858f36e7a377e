"""Every registered connector implements every capability it declares."""

from __future__ import annotations

import pytest

from palabre.networks.base import REQUIRED_METHODS, Capability, Connector
from palabre.networks.registry import CONNECTORS, connector_class


@pytest.mark.parametrize("key", sorted(CONNECTORS))
def test_declared_capabilities_are_implemented(key: str) -> None:
    cls = connector_class(key)
    assert cls.key == key
    missing = [
        method
        for capability, methods in REQUIRED_METHODS.items()
        if capability in cls.capabilities
        for method in methods
        if getattr(cls, method) is getattr(Connector, method)
    ]
    assert missing == [], f"{key} declares capabilities without implementing {missing}"


@pytest.mark.parametrize("key", sorted(CONNECTORS))
def test_undeclared_capabilities_are_not_half_implemented(key: str) -> None:
    cls = connector_class(key)
    for capability, methods in REQUIRED_METHODS.items():
        if capability not in cls.capabilities and any(
            getattr(cls, m) is not getattr(Connector, m) for m in methods
        ):
            # Several capabilities share fetch_interactions; one of them must be declared.
            sharing = [c for c, ms in REQUIRED_METHODS.items() if set(ms) & set(methods)]
            assert any(c in cls.capabilities for c in sharing), (key, capability)


def test_every_capability_names_its_methods() -> None:
    assert set(REQUIRED_METHODS) == {c for c in Capability if c is not Capability.NONE}
