"""Creates the helpdesk's benchmark user, queue and API token; prints `TOKEN QUEUE_ID USER_ID`."""
import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from helpdesk.models import Queue  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

User = get_user_model()
user, _ = User.objects.get_or_create(
    username="bench", defaults={"is_staff": True, "is_superuser": True, "email": "bench@example.vn"}
)
queue, _ = Queue.objects.get_or_create(
    slug="motcua", defaults={"title": "Một cửa", "allow_public_submission": False}
)
token, _ = Token.objects.get_or_create(user=user)
print(token.key, queue.id, user.id)
