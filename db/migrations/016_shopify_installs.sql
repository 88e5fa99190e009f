-- Shopify App Store installs waiting for their Flowyte org: the merchant installed the app on
-- Shopify before having an account, so the shop's access token is kept (sealed like connection
-- credentials) until the merchant signs in and claims it with the one-time secret the install
-- redirect carried. Only the secret's hash is stored; a claim deletes the row.
CREATE TABLE shopify_installs (
  shop TEXT PRIMARY KEY,
  -- iv (12 bytes) | auth tag (16 bytes) | ciphertext of the access token's JSON.
  access_token BLOB NOT NULL,
  claim_secret_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) WITHOUT ROWID;
