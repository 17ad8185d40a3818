-- Adds users up to :target rows (all with one precomputed Argon2id hash), for cost-per-request checks at scale.
INSERT INTO users (id, username, normalized_username, email, normalized_email, password_hash, is_active, is_staff, is_superuser, date_joined, updated_at)
SELECT gen_random_uuid(), 'seed' || g, 'seed' || g, 'seed' || g || '@example.com', 'seed' || g || '@example.com',
       :'hash', true, false, false, now() - (g || ' seconds')::interval, now()
FROM generate_series((SELECT count(*) FROM users) + 1, :target) AS g
ON CONFLICT DO NOTHING;
ANALYZE users;
