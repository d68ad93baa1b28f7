"""The provider's settings from stack config: each bad value named by its exact key."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_codestar_connections.core.errors import ConfigError
from pulumi_codestar_connections.engine.stack_config import ProviderSettings


class Config(dict[str, Any]):
    """What the engine hands a dynamic provider: values by key, strings as the CLI stores them."""


def test_nothing_set_gives_the_defaults() -> None:
    assert ProviderSettings.from_config(Config()) == ProviderSettings()
    assert ProviderSettings().prefetch is True


def test_every_setting_is_read_and_typed() -> None:
    settings = ProviderSettings.from_config(
        Config(
            {
                "aws:profile": "audit",
                "aws:region": "eu-west-1",
                "codestar:maxAttempts": "5",
                "codestar:connectTimeout": "2.5",
                "codestar:readTimeout": "10",
                "codestar:prefetch": "false",
                "connectionArn": "arn:aws:codestar-connections:eu-west-1:123456789012:connection/c",
                "connections": '[{"name": "github"}]',
            }
        )
    )

    assert settings == ProviderSettings(
        profile="audit",
        region="eu-west-1",
        max_attempts=5,
        connect_timeout=2.5,
        read_timeout=10.0,
        prefetch=False,
        connection_arn="arn:aws:codestar-connections:eu-west-1:123456789012:connection/c",
        connections=[{"name": "github"}],
    )


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "codestar:maxAttempts",
            "three",
            "stack config codestar:maxAttempts must be a whole number",
        ),
        ("codestar:maxAttempts", "2.5", "stack config codestar:maxAttempts must be a whole number"),
        (
            "codestar:maxAttempts",
            "0",
            "stack config codestar:maxAttempts must be positive, got '0'",
        ),
        (
            "codestar:connectTimeout",
            "soon",
            "stack config codestar:connectTimeout must be a number",
        ),
        ("codestar:readTimeout", "-1", "stack config codestar:readTimeout must be positive"),
        ("codestar:readTimeout", "nan", "stack config codestar:readTimeout must be positive"),
        ("codestar:prefetch", "yes", "stack config codestar:prefetch must be true or false"),
    ],
)
def test_a_bad_setting_names_its_key(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        ProviderSettings.from_config(Config({key: value}))

    assert str(refused.value).startswith(message)
