from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "epb.quality"
    label = "quality"
    verbose_name = "环境质量"
