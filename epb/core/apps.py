from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "epb.core"
    label = "core"
    verbose_name = "基础平台"
