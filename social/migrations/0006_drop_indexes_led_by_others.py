import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The indexes Django made for these foreign keys; others lead with the same column.
# Dropped by name: AlterField would also drop and re-add the foreign keys, checking
# every row again (2M follows, 1M posts at scale) while it locks out writes.
INDEXES = {
    "social_follow_followee_id_f37e3ad7": ("social_follow", "followee_id"),
    "social_follow_follower_id_a92b1c63": ("social_follow", "follower_id"),
    "social_post_author_id_db6459ee": ("social_post", "author_id"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0005_follow_follower_has_timeline"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="follow",
                    name="followee",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="follows_received",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="follow",
                    name="follower",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="follows_given",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="post",
                    name="author",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="posts",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
                )
                for name, (table, column) in INDEXES.items()
            ],
        ),
    ]
