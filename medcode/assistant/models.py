"""Conversations of signed-in users. Nothing is stored for a visitor without an account."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Conversation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Nullable so the table exists before accounts do; rows are only written with a user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    created = models.DateTimeField(auto_now_add=True)


class Turn(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="turns")
    question = models.TextField()  # redacted before it is saved (privacy.redact)
    answer = models.TextField()
    intent = models.CharField(max_length=100)
    # What a follow-up may leave out: codes, intents, modifiers, locality (no free text).
    context = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
