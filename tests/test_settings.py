from __future__ import annotations

import os
import subprocess
import sys

import pytest

from wellgate.env import ConfigError, envbool, envint, envlist, envstr


def test_typed_helpers_read_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WG_FLAG", "yes")
    monkeypatch.setenv("WG_N", "12")
    monkeypatch.setenv("WG_LIST", "a.example, b.example,")
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("WG_SECRET_FILE", str(secret))
    assert envbool("WG_FLAG", False) is True
    assert envint("WG_N", 1) == 12
    assert envlist("WG_LIST", []) == ["a.example", "b.example"]
    assert envstr("WG_SECRET") == "s3cret"
    assert envint("WG_MISSING", 7) == 7


def test_a_malformed_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("WG_FLAG", "perhaps")
    with pytest.raises(ConfigError, match="WG_FLAG"):
        envbool("WG_FLAG", False)
    monkeypatch.setenv("WG_N", "twelve")
    with pytest.raises(ConfigError, match="WG_N"):
        envint("WG_N", 1)


def _settings_in_subprocess(env: dict[str, str], expr: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECRET_KEY", "WELLGATE_", "DEBUG"))
    }
    return subprocess.run(
        [sys.executable, "-c", f"import wellgate.settings as s; print({expr})"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _settings_in_subprocess(
        {"WELLGATE_ENV": "production", "WELLGATE_VAR_DIR": str(tmp_path)}, "1"
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_is_hardened(tmp_path):
    from cryptography.fernet import Fernet

    env = {
        "WELLGATE_ENV": "production",
        "WELLGATE_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "x" * 50,
        "WELLGATE_DATA_KEY": Fernet.generate_key().decode(),
        "DEBUG": "true",
        "ALLOWED_HOSTS": "wellgate.example",
    }
    result = _settings_in_subprocess(
        env,
        "s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.ALLOWED_HOSTS",
    )
    assert result.stdout.strip() == "False True True True ['wellgate.example']", result.stderr


def test_development_generates_its_secret_key_once_under_var(tmp_path):
    first = _settings_in_subprocess({"WELLGATE_VAR_DIR": str(tmp_path)}, "s.SECRET_KEY")
    second = _settings_in_subprocess({"WELLGATE_VAR_DIR": str(tmp_path)}, "s.SECRET_KEY")
    assert first.stdout == second.stdout and len(first.stdout.strip()) > 40
    assert (tmp_path / "secret_key").exists() and (tmp_path / "data_key").exists()


def test_every_response_carries_a_strict_content_security_policy(db, client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"


def test_oidc_sign_in_is_switched_on_by_settings(tmp_path):
    env = {
        "WELLGATE_VAR_DIR": str(tmp_path),
        "OIDC_CLIENT_ID": "abc",
        "OIDC_CLIENT_SECRET": "s",
        "OIDC_TENANT_ID": "t1",
    }
    result = _settings_in_subprocess(
        env, "s.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS'][0]['settings']['server_url']"
    )
    assert result.stdout.strip() == "https://login.microsoftonline.com/t1/v2.0", result.stderr
    off = _settings_in_subprocess({"WELLGATE_VAR_DIR": str(tmp_path)}, "s.SOCIALACCOUNT_PROVIDERS")
    assert off.stdout.strip() == "{}"


def test_the_sign_in_page_offers_entra_id_when_configured(db, client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "entra",
                    "name": "Microsoft Entra ID",
                    "client_id": "abc",
                    "secret": "s",
                    "settings": {"server_url": "https://login.example.invalid/v2.0"},
                }
            ]
        }
    }
    page = client.get("/accounts/login/").content.decode()
    assert "Microsoft Entra ID" in page
