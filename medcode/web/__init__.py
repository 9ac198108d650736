"""What every request passes through, whatever the app: request ids and logs, upload limits,
security headers and the secret key. Served by ``medcode serve`` (medcode/server.py)."""
