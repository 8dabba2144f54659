"""Build the heavy readers' timelines again from the follows and posts.

manage.py rebuild_timelines          after a restore, or a change of
                                     FEED_TIMELINE_MIN_FOLLOWS or FEED_TIMELINE_LENGTH
manage.py rebuild_timelines --trim   only delete the entries no read reaches (daily)
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from config.database_router import reads_from_primary
from config.scale_seed import Progress
from social.models import Follow, TimelineEntry
from social.timelines import timeline_rebuild, timeline_trim
from users.models import User


class Command(BaseCommand):
    help = (
        "Build again, from the follows and posts, the timeline of every reader who follows "
        "FEED_TIMELINE_MIN_FOLLOWS accounts or more, and delete the other timelines. With "
        "--trim, only delete the entries beyond the newest FEED_TIMELINE_LENGTH of each."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--trim",
            action="store_true",
            help="Only delete the entries beyond each timeline's newest FEED_TIMELINE_LENGTH.",
        )

    def handle(self, *args, **options) -> None:
        with reads_from_primary():
            if options["trim"]:
                owners = list(
                    TimelineEntry.objects.order_by("owner_id")
                    .values_list("owner_id", flat=True)
                    .distinct()
                )
            else:
                heavy = User.objects.filter(following_count__gte=settings.FEED_TIMELINE_MIN_FOLLOWS)
                marked = Follow.objects.filter(follower_has_timeline=True)
                owners = sorted(
                    {
                        *heavy.values_list("pk", flat=True),
                        *TimelineEntry.objects.values_list("owner_id", flat=True).distinct(),
                        *marked.values_list("follower_id", flat=True).distinct(),
                    }
                )
            progress = Progress(total=len(owners), stream=self.stderr)
            built = deleted = 0
            # One transaction per owner: the others' follows and posts go on meanwhile.
            for owner_id in owners:
                with transaction.atomic():
                    if options["trim"]:
                        deleted += timeline_trim(owner_id=owner_id)
                    elif timeline_rebuild(owner_id=owner_id):
                        built += 1
                progress.advance(1, label="timelines")
            progress.finish()
        if options["trim"]:
            summary = f"{deleted} entries beyond the newest {settings.FEED_TIMELINE_LENGTH} deleted"
        else:
            summary = f"{built} timelines built, {len(owners) - built} deleted"
        self.stdout.write(self.style.SUCCESS(f"rebuild_timelines: {summary}"))
