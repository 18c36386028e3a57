"""The telegram webhook route."""

from fastapi import APIRouter

router = APIRouter()
