"""Endpoint URLs: https to public addresses only; private, loopback and link-local addresses are
refused (SSRF) with a clear error, at registration and again at send time. Loopback (http or
https) only when ALERTS_WEBHOOK_ALLOW_LOOPBACK says so."""

import pytest

from alerts.webhooks import UnsafeWebhookURL, resolve_endpoint, validate_webhook_url


@pytest.mark.parametrize(
    "url, says",
    [
        ("https://10.1.2.3/hook", "10.1.2.3, a private"),
        ("https://192.168.0.10/hook", "192.168.0.10"),
        ("https://172.16.5.4/hook", "172.16.5.4"),
        ("https://127.0.0.1/hook", "127.0.0.1"),
        ("https://localhost/hook", "resolves to"),
        ("https://169.254.169.254/latest/meta-data", "169.254.169.254"),
        ("https://[::1]/hook", "::1"),
        ("https://[fe80::1]/hook", "fe80::1"),
        ("https://[::ffff:10.0.0.1]/hook", "10.0.0.1"),
        ("https://0.0.0.0/hook", "0.0.0.0"),
        ("https://100.64.0.1/hook", "100.64.0.1"),
    ],
)
def test_addresses_inside_a_network_are_refused_with_a_clear_error(url, says, settings):
    settings.ALERTS_WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(UnsafeWebhookURL) as refused:
        validate_webhook_url(url)
    assert says in refused.value.messages[0]
    assert "webhooks go only to public addresses" in refused.value.messages[0]


@pytest.mark.parametrize(
    "url, says",
    [
        ("http://93.184.216.34/hook", "must start with https://"),
        ("ftp://93.184.216.34/hook", "must start with https://"),
        ("https://user:pw@93.184.216.34/hook", "Leave credentials out"),
        ("https://no-such-host.invalid/hook", "does not resolve"),
    ],
)
def test_only_https_urls_without_credentials_that_resolve_are_accepted(url, says, settings):
    settings.ALERTS_WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(UnsafeWebhookURL) as refused:
        validate_webhook_url(url)
    assert says in refused.value.messages[0]


def test_a_public_https_address_is_accepted_and_the_request_goes_to_the_checked_address(settings):
    settings.ALERTS_WEBHOOK_ALLOW_LOOPBACK = False
    assert resolve_endpoint("https://93.184.216.34:8443/hook") == ("93.184.216.34", 8443, "93.184.216.34")


def test_loopback_is_allowed_over_http_only_when_the_setting_says_so(settings):
    settings.ALERTS_WEBHOOK_ALLOW_LOOPBACK = True
    assert resolve_endpoint("http://127.0.0.1:8010/")[2] == "127.0.0.1"
    validate_webhook_url("https://127.0.0.1:8443/")
    with pytest.raises(UnsafeWebhookURL):
        validate_webhook_url("https://10.0.0.1/")  # still not private networks
    with pytest.raises(UnsafeWebhookURL):
        validate_webhook_url("http://93.184.216.34/")  # nor plain http elsewhere
