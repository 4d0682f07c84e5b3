-- What each validation session was requested for (register, add, password_reset; none for sessions made before),
-- checked where it is used, and the identity server a delegated session (phone numbers) lives at.
ALTER TABLE threepid_validation_sessions ADD COLUMN purpose TEXT;
ALTER TABLE threepid_validation_sessions ADD COLUMN delegate TEXT;
