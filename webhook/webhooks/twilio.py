"""The twilio webhook route."""

from fastapi import APIRouter

router = APIRouter()
