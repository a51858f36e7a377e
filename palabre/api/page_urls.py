"""The pages where members make and revoke their API tokens."""

urlpatterns: list = []
