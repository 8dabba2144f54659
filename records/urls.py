from rest_framework.routers import SimpleRouter

from records.views import RecordViewSet

router = SimpleRouter(use_regex_path=False)
router.register("records", RecordViewSet, basename="record")

urlpatterns = router.urls
