from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "epb.enforcement"
    label = "enforcement"
    verbose_name = "网格化执法"

    def ready(self) -> None:
        # Rows of the enterprise page's compliance history and sections, and reactions to the
        # app's own clocks; registered here because the registry and core sit below this app.
        from epb.enforcement import hooks

        hooks.register()
