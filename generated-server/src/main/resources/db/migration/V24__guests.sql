-- Guest accounts (register?kind=guest): limited to the endpoints of the guest access module until upgraded.
ALTER TABLE users ADD COLUMN guest INTEGER NOT NULL DEFAULT 0;
