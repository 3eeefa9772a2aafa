-- The ids of the admin keys still standing: a free-form token is looked up only when its
-- derived id is one of them (api/keys.ts).
SELECT key_id FROM api_keys FINAL WHERE role = 'admin' AND revoked_at IS NULL
