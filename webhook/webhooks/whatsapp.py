"""The whatsapp webhook route."""

from fastapi import APIRouter

router = APIRouter()
