-- Cross-signing (end-to-end encryption): each user's master, self-signing and user-signing keys, and the
-- signatures uploaded for keys after them.

-- A user's cross-signing key of one usage (master, self_signing, user_signing) as uploaded (the signed JSON
-- object), its key ID (ed25519:<public key>). Other servers' users' master and self-signing keys are kept here
-- too, while a local user shares a room with them (their server tells of changes with m.signing_key_update).
CREATE TABLE cross_signing_keys (
    user_id TEXT NOT NULL,
    key_usage TEXT NOT NULL,
    key_id    TEXT NOT NULL,
    json      TEXT NOT NULL,
    PRIMARY KEY (user_id, key_usage)
);

-- Signatures uploaded with /keys/signatures/upload: signer_id's key signing_key_id signed target_user_id's key
-- target_key_id (a device ID, or a master key's public key). Merged into the signed object when it is read,
-- for those who may see them.
CREATE TABLE cross_signing_signatures (
    signer_id      TEXT NOT NULL,
    signing_key_id TEXT NOT NULL,
    target_user_id TEXT NOT NULL,
    target_key_id  TEXT NOT NULL,
    signature      TEXT NOT NULL,
    PRIMARY KEY (signer_id, signing_key_id, target_user_id, target_key_id)
);
CREATE INDEX cross_signing_signatures_by_target ON cross_signing_signatures (target_user_id, target_key_id);

-- Changes only one user is told of (device_lists.changed of that user's syncs): their own user-signing key, and
-- their signatures of other users' master keys. The latest stream position per user and changed user.
CREATE TABLE user_signature_changes (
    user_id        TEXT NOT NULL,
    target_user_id TEXT NOT NULL,
    stream_pos     BIGINT NOT NULL,
    PRIMARY KEY (user_id, target_user_id)
);

-- Cached device lists of other servers' users were fetched without their cross-signing keys: fetch them again.
DELETE FROM remote_device_lists;
