from django.urls import path

from users import views

# No trailing slash, as the legacy clients call it. Any text, not only a username:
# the greeting answers a name that is not letters only with its own 400.
urlpatterns = [path("<str:username>", views.GreetingView.as_view(), name="greeting")]
