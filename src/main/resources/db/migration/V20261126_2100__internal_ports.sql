ALTER TABLE services ADD COLUMN internal_https_port INTEGER;
ALTER TABLE services ADD COLUMN internal_native_secure_port INTEGER;
