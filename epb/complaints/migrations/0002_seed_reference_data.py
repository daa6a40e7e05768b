"""Seed the taxonomy, routing table, 不予受理 reasons, outside bodies and reply templates.

Rows that already exist (matched by code or name) are left alone, so staff edits survive."""

from django.db import migrations


def seed(apps, schema_editor):
    from epb.complaints import reference

    PollutionType = apps.get_model("complaints", "PollutionType")
    ExternalAgency = apps.get_model("complaints", "ExternalAgency")
    RoutingRule = apps.get_model("complaints", "RoutingRule")
    DeclineReason = apps.get_model("complaints", "DeclineReason")
    ReplyTemplate = apps.get_model("complaints", "ReplyTemplate")

    for order, (code, name, subs) in enumerate(reference.TAXONOMY):
        parent, _ = PollutionType.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order * 100, "description": reference.TAXONOMY_SOURCE}
        )
        for index, (sub_code, sub_name) in enumerate(subs, start=1):
            PollutionType.objects.get_or_create(
                code=sub_code, defaults={"name": sub_name, "parent": parent, "sort_order": order * 100 + index}
            )
    for code, name in reference.AGENCIES:
        ExternalAgency.objects.get_or_create(code=code, defaults={"name": name})
    for type_code, department, agency, note in reference.ROUTING:
        ptype = PollutionType.objects.get(code=type_code)
        RoutingRule.objects.get_or_create(
            pollution_type=ptype,
            defaults={
                "department_code": department,
                "agency": ExternalAgency.objects.filter(code=agency).first() if agency else None,
                "note": note,
            },
        )
    for order, (code, label, guidance, source) in enumerate(reference.DECLINE_REASONS):
        DeclineReason.objects.get_or_create(
            code=code, defaults={"label": label, "guidance": guidance, "source": source, "sort_order": order}
        )
    for name, kind, type_code, text in reference.REPLY_TEMPLATES:
        ReplyTemplate.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "text": text,
                "pollution_type": PollutionType.objects.filter(code=type_code).first() if type_code else None,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
