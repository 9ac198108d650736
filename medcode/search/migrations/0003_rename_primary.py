"""``primary`` is an SQL keyword the bulk writer would have to quote; the column is renamed."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        migrations.RenameField(model_name="searchentry", old_name="primary", new_name="is_primary")
    ]
