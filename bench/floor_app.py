"""The framework floor: a no-op FastAPI endpoint served by uvicorn like the real app (`floor_app:app`)."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI(title="Remit bench floor")


@app.get("/noop")
async def noop() -> dict[str, bool]:
    return {"ok": True}


@app.get("/ready")
async def ready() -> dict[str, str]:
    return {"status": "ok"}
