def test_it_runs_with_debug_off(settings):
    assert settings.DEBUG is False
