from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "epb.monitoring"
    label = "monitoring"
    verbose_name = "污染源监控中心"

    def ready(self) -> None:
        # The centre's evaluation behind the ingest path, the enterprise page's rows and section,
        # and reactions to the alarm clocks; registered here because core, the registry and the
        # gateway sit below the centre.
        from epb.monitoring.centre import hooks

        hooks.register()
