"""The table of the cache all server processes share (settings.CACHES): made with the
database, so that `migrate` is all a new server needs."""

from django.core.management import call_command
from django.db import migrations


def make_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):

    dependencies = [("occupations", "0004_proposal_change")]

    operations = [migrations.RunPython(make_table, migrations.RunPython.noop)]
