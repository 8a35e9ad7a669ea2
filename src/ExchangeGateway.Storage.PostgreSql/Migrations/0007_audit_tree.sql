-- The audit trail's Merkle tree (RFC 6962), built behind the trail: the hash of every complete (perfect) subtree,
-- level 0 being the entries' leaf hashes, so that roots and proofs read O(log n) stored nodes instead of rehashing
-- the trail. Append-only like the trail; a level-0 node only for a stored entry, in order; a higher one only over stored leaves.
CREATE TABLE audit_tree (
    level INTEGER NOT NULL,
    idx BIGINT NOT NULL,
    hash BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);
CREATE TRIGGER audit_tree_no_update BEFORE UPDATE ON audit_tree FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_tree_no_delete BEFORE DELETE OR TRUNCATE ON audit_tree FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE FUNCTION audit_tree_in_order() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NEW.level = 0 AND (NEW.idx IS DISTINCT FROM COALESCE((SELECT MAX(idx) FROM audit_tree WHERE level = 0), -1) + 1
       OR NEW.idx >= COALESCE((SELECT MAX(seq) FROM audit_entries), 0)) THEN
        RAISE EXCEPTION 'audit_tree is append-only: leaves are added in order, for stored entries only';
    END IF;
    RETURN NEW;
END
$fn$;
CREATE TRIGGER audit_tree_in_order BEFORE INSERT ON audit_tree FOR EACH ROW EXECUTE FUNCTION audit_tree_in_order();
CREATE FUNCTION audit_tree_over_leaves() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NEW.level > 0 AND (NEW.level > 62 OR (NEW.idx + 1) * (1::bigint << NEW.level) > COALESCE((SELECT MAX(idx) FROM audit_tree WHERE level = 0), -1) + 1) THEN
        RAISE EXCEPTION 'audit_tree is append-only: a node only over stored leaves';
    END IF;
    RETURN NEW;
END
$fn$;
CREATE TRIGGER audit_tree_over_leaves BEFORE INSERT ON audit_tree FOR EACH ROW EXECUTE FUNCTION audit_tree_over_leaves();
