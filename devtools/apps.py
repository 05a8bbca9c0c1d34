from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Benchmark, synthetic data, the one-machine runner and demo accounts.

    Installed only with DEVTOOLS=true (make run, bin/bench, tests); never in production.
    """

    name = "devtools"
    verbose_name = "Development tools"
