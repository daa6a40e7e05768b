from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "epb.monitoring"
    label = "monitoring"
    verbose_name = "污染源监控中心"
