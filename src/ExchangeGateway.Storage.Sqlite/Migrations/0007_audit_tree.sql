-- The audit trail's Merkle tree (RFC 6962), built behind the trail: the hash of every complete (perfect) subtree,
-- level 0 being the entries' leaf hashes, so that roots and proofs read O(log n) stored nodes instead of rehashing
-- the trail. Append-only like the trail; a level-0 node only for a stored entry, in order; a higher one only over stored leaves.
CREATE TABLE IF NOT EXISTS audit_tree (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS audit_tree_no_update BEFORE UPDATE ON audit_tree
    BEGIN SELECT RAISE(ABORT, 'audit_tree is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_tree_no_delete BEFORE DELETE ON audit_tree
    BEGIN SELECT RAISE(ABORT, 'audit_tree is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_tree_in_order BEFORE INSERT ON audit_tree
    WHEN NEW.level = 0 AND (NEW.idx IS NOT COALESCE((SELECT MAX(idx) FROM audit_tree WHERE level = 0), -1) + 1
      OR NEW.idx >= COALESCE((SELECT MAX(seq) FROM audit_entries), 0))
    BEGIN SELECT RAISE(ABORT, 'audit_tree is append-only: leaves are added in order, for stored entries only'); END;
-- A higher node only over leaves already stored: (idx + 1) * 2^level of them.
CREATE TRIGGER IF NOT EXISTS audit_tree_over_leaves BEFORE INSERT ON audit_tree
    WHEN NEW.level > 0 AND (NEW.level > 62 OR (NEW.idx + 1) * (1 << NEW.level) > COALESCE((SELECT MAX(idx) FROM audit_tree WHERE level = 0), -1) + 1)
    BEGIN SELECT RAISE(ABORT, 'audit_tree is append-only: a node only over stored leaves'); END;
