# The landing page itself is the root URL `home`, declared in cerego/urls.py.
app_name = "waitlist"
urlpatterns: list = []
