-- The client a device last made a request with, beside the time and address already kept (GET /admin/whois).
ALTER TABLE devices ADD COLUMN last_seen_user_agent TEXT;
