from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "epb.enterprises"
    label = "enterprises"
    verbose_name = "污染源档案"
