package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Person is one WhatsApp user as groupdeck knows them. Key is the BSUID
// when WhatsApp gave one, else the phone number; the other fields are
// attributes that may appear later or stop being sent.
type Person struct {
	Key          string
	UserID       string
	ParentUserID string
	WaID         string
	Username     string
	Name         string
}

// Person resolves the person an event names by any identifier it
// carries (BSUID, phone number, a BSUID WhatsApp has since replaced),
// creating them on first sight, and returns their key. When a BSUID shows
// up for someone known so far only by phone, every row keyed by that
// phone moves to the BSUID, so nobody becomes two people. A phone number
// now tied to a different BSUID than before moves to the new person (the
// number changed hands); the old person keeps their rows.
func (t *Tx) Person(m Member) (string, error) {
	if m.UserID == "" && m.WaID == "" {
		return "", nil
	}
	// Most events (every delivered and read status) name someone already
	// known exactly so: then nothing is read or written.
	if cur, ok := t.cachedPerson(m.UserID, m.WaID); ok && unchanged(cur, m) {
		return cur.Key, nil
	}
	byUser, err := t.alias(m.UserID)
	if err != nil {
		return "", err
	}
	byPhone, err := t.alias(m.WaID)
	if err != nil {
		return "", err
	}
	key := byUser
	switch {
	case key != "":
	case m.UserID != "":
		key = m.UserID
	case byPhone != "":
		key = byPhone
	default:
		key = m.WaID
	}
	changed := false
	if byPhone != "" && byPhone != key {
		changed = true
		var otherBSUID string
		if err := t.queryRow(`SELECT user_id FROM people WHERE key = ?`, byPhone).Scan(&otherBSUID); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("store: person: %w", err)
		}
		if otherBSUID == "" {
			if err := t.rekey(byPhone, key); err != nil {
				return "", err
			}
		} else if _, err := t.exec(`UPDATE people SET wa_id = '' WHERE key = ? AND wa_id = ?`, byPhone, m.WaID); err != nil {
			return "", fmt.Errorf("store: person: %w", err)
		}
	}
	// A BSUID WhatsApp has since replaced stays an alias, not the user_id.
	uid := ""
	if m.UserID == key {
		uid = m.UserID
	}
	if !changed && (m.UserID == "" || byUser == key) && (m.WaID == "" || byPhone == key) {
		cur := Person{Key: key}
		err := t.queryRow(`SELECT user_id, parent_user_id, wa_id, username, name FROM people WHERE key = ?`, key).
			Scan(&cur.UserID, &cur.ParentUserID, &cur.WaID, &cur.Username, &cur.Name)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("store: person: %w", err)
		}
		if err == nil && unchanged(cur, m) {
			t.rememberPerson(cur, m.UserID, m.WaID)
			return key, nil
		}
	}
	// What follows changes the person and their aliases: the cache must
	// not answer for them until read again.
	t.forgetPeople(key, byPhone, byUser, m.UserID, m.WaID)
	_, err = t.exec(`INSERT INTO people (key, user_id, parent_user_id, wa_id, username, name, updated_at)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
		ON CONFLICT (key) DO UPDATE SET
			user_id = coalesce(nullif(?2, ''), people.user_id),
			parent_user_id = coalesce(nullif(?3, ''), people.parent_user_id),
			wa_id = coalesce(nullif(?4, ''), people.wa_id),
			username = coalesce(nullif(?5, ''), people.username),
			name = coalesce(nullif(?6, ''), people.name),
			updated_at = ?7`,
		key, uid, m.ParentUserID, m.WaID, m.Username, m.Name, t.now)
	if err != nil {
		return "", fmt.Errorf("store: person: %w", err)
	}
	for i, a := range []string{key, m.UserID, m.WaID} {
		if a == "" || (i > 0 && a == key) || (i == 2 && a == m.UserID) {
			continue // the same alias again (a new person keyed by it)
		}
		if _, err := t.exec(`INSERT INTO person_aliases (alias, person_key) VALUES (?, ?)
			ON CONFLICT (alias) DO UPDATE SET person_key = excluded.person_key`, a, key); err != nil {
			return "", fmt.Errorf("store: person alias: %w", err)
		}
	}
	if byUser == "" && byPhone == "" {
		// Someone new: no alias named them, so no row is keyed by them
		// yet (every person has their key as an alias) and there is
		// nothing to copy to.
		return key, nil
	}
	if err := t.copyPerson(key); err != nil {
		return "", err
	}
	return key, t.touchPerson(key)
}

// PersonKey returns the key of the person m names if groupdeck knows
// them, "" if not; unlike Person it never creates or changes anyone (an
// activity line about a failed removal must not invent a person).
func (t *Tx) PersonKey(m Member) (string, error) {
	for _, id := range []string{m.UserID, m.WaID} {
		if id == "" {
			continue
		}
		if t.wc != nil {
			if k, ok := t.cachedAlias(id); ok {
				return k, nil
			}
		}
		if k, err := t.alias(id); err != nil || k != "" {
			return k, err
		}
	}
	return "", nil
}

// unchanged reports whether member m adds nothing to the stored person
// cur (whose aliases name them by m's identifiers): then Person writes
// nothing.
func unchanged(cur Person, m Member) bool {
	// A BSUID WhatsApp has since replaced stays an alias, not the user_id.
	uid := ""
	if m.UserID == cur.Key {
		uid = m.UserID
	}
	return known(cur.UserID, uid) && known(cur.ParentUserID, m.ParentUserID) && known(cur.WaID, m.WaID) &&
		known(cur.Username, m.Username) && known(cur.Name, m.Name)
}

// known reports whether an incoming attribute adds nothing to the stored one.
func known(stored, incoming string) bool { return incoming == "" || incoming == stored }

// copyPerson refreshes the attributes the participant and request rows
// keep for display. Rows already showing them are left alone: an UPDATE
// that changes nothing still rewrites its pages into the WAL at commit,
// and a join or leave refreshes every group row of the person.
func (t *Tx) copyPerson(key string) error {
	if _, err := t.exec(`UPDATE participants SET wa_id = p.wa_id, user_id = p.user_id, username = p.username,
		name = CASE WHEN p.name <> '' THEN p.name ELSE participants.name END
		FROM people p WHERE p.key = ?1 AND participants.member_key = ?1
		AND (participants.wa_id IS NOT p.wa_id OR participants.user_id IS NOT p.user_id
			OR participants.username IS NOT p.username OR (p.name <> '' AND participants.name IS NOT p.name))`, key); err != nil {
		return fmt.Errorf("store: person copy: %w", err)
	}
	if _, err := t.exec(`UPDATE join_requests SET wa_id = p.wa_id, user_id = p.user_id
		FROM people p WHERE p.key = ?1 AND join_requests.member_key = ?1
		AND (join_requests.wa_id IS NOT p.wa_id OR join_requests.user_id IS NOT p.user_id)`, key); err != nil {
		return fmt.Errorf("store: person copy: %w", err)
	}
	return nil
}

func (t *Tx) alias(id string) (string, error) {
	if id == "" {
		return "", nil
	}
	var k string
	err := t.queryRow(`SELECT person_key FROM person_aliases WHERE alias = ?`, id).Scan(&k)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: person alias: %w", err)
	}
	return k, nil
}

// UserIDChanged applies a user_changed_user_id system webhook: the person
// known by the previous BSUID is from now on keyed by the new one, and an
// event still naming the previous BSUID finds them.
func (t *Tx) UserIDChanged(previous, next, parent string) error {
	if previous == "" || next == "" || previous == next {
		return nil
	}
	t.forgetAllPeople()
	old, err := t.alias(previous)
	if err != nil {
		return err
	}
	if old == "" {
		old = previous
	}
	if err := t.rekey(old, next); err != nil {
		return err
	}
	if _, err := t.exec(`UPDATE people SET user_id = ?2, parent_user_id = coalesce(nullif(?3, ''), parent_user_id)
		WHERE key = ?1`, next, next, parent); err != nil {
		return fmt.Errorf("store: user id changed: %w", err)
	}
	if _, err := t.exec(`INSERT INTO person_aliases (alias, person_key) VALUES (?1, ?1)
		ON CONFLICT (alias) DO UPDATE SET person_key = excluded.person_key`, next); err != nil {
		return fmt.Errorf("store: user id changed: %w", err)
	}
	if err := t.copyPerson(next); err != nil {
		return err
	}
	return t.touchPerson(next)
}

// rekey moves every row of the person keyed old to the key next, merging
// rows the person already has under next (the older participant row
// goes; receipts keep the earliest delivery and read).
func (t *Tx) rekey(old, next string) error {
	t.forgetAllPeople() // every alias of old moves
	stmts := []string{
		`UPDATE participants AS n SET
			wa_id = CASE WHEN n.wa_id = '' THEN o.wa_id ELSE n.wa_id END,
			username = CASE WHEN n.username = '' THEN o.username ELSE n.username END,
			name = CASE WHEN n.name = '' THEN o.name ELSE n.name END
			FROM participants o WHERE o.member_key = ?1 AND n.member_key = ?2 AND o.group_id = n.group_id`,
		`DELETE FROM participants AS o WHERE o.member_key = ?1 AND EXISTS (SELECT 1 FROM participants n
			WHERE n.group_id = o.group_id AND n.member_key = ?2 AND n.event_at >= o.event_at)`,
		`DELETE FROM participants AS n WHERE n.member_key = ?2 AND EXISTS (SELECT 1 FROM participants o
			WHERE o.group_id = n.group_id AND o.member_key = ?1)`,
		`UPDATE participants SET member_key = ?2 WHERE member_key = ?1`,
		`UPDATE join_requests SET member_key = ?2 WHERE member_key = ?1`,
		`UPDATE participant_events SET member_key = ?2 WHERE member_key = ?1`,
		`UPDATE messages SET sender_key = ?2 WHERE sender_key = ?1`,
		`INSERT INTO receipts (wamid, participant, delivered_at, read_at, failed)
			SELECT wamid, ?2, delivered_at, read_at, failed FROM receipts WHERE participant = ?1 AND true
			ON CONFLICT (wamid, participant) DO UPDATE SET
				delivered_at = CASE WHEN delivered_at = 0 OR (excluded.delivered_at > 0 AND excluded.delivered_at < delivered_at)
					THEN excluded.delivered_at ELSE delivered_at END,
				read_at = CASE WHEN read_at = 0 OR (excluded.read_at > 0 AND excluded.read_at < read_at)
					THEN excluded.read_at ELSE read_at END,
				failed = CASE WHEN failed = '' THEN excluded.failed ELSE failed END`,
		`DELETE FROM receipts WHERE participant = ?1`,
		`INSERT INTO people (key, user_id, parent_user_id, wa_id, username, name, updated_at)
			SELECT ?2, '', parent_user_id, wa_id, username, name, updated_at FROM people WHERE key = ?1 AND true
			ON CONFLICT (key) DO UPDATE SET
				parent_user_id = coalesce(nullif(people.parent_user_id, ''), excluded.parent_user_id),
				wa_id = coalesce(nullif(people.wa_id, ''), excluded.wa_id),
				username = coalesce(nullif(people.username, ''), excluded.username),
				name = coalesce(nullif(people.name, ''), excluded.name)`,
		`DELETE FROM people WHERE key = ?1`,
		// Staff's label and note follow the person; where both keys have
		// one, the text under the new key wins and blanks are filled.
		`INSERT INTO person_labels (member_key, label, note, updated_by, updated_at)
			SELECT ?2, label, note, updated_by, updated_at FROM person_labels WHERE member_key = ?1 AND true
			ON CONFLICT (member_key) DO UPDATE SET
				label = CASE WHEN person_labels.label = '' THEN excluded.label ELSE person_labels.label END,
				note = CASE WHEN person_labels.note = '' THEN excluded.note ELSE person_labels.note END`,
		`DELETE FROM person_labels WHERE member_key = ?1`,
		`UPDATE person_aliases SET person_key = ?2 WHERE person_key = ?1`,
		`INSERT INTO person_aliases (alias, person_key) VALUES (?1, ?2)
			ON CONFLICT (alias) DO UPDATE SET person_key = excluded.person_key`,
	}
	for _, q := range stmts {
		if _, err := t.exec(q, old, next); err != nil {
			return fmt.Errorf("store: rekey person: %w", err)
		}
	}
	return nil
}

// PersonByAlias returns the person an identifier (phone number, BSUID)
// names, if any.
func (s *Store) PersonByAlias(ctx context.Context, id string) (Person, bool, error) {
	var p Person
	err := s.r.QueryRowContext(ctx, `SELECT p.key, p.user_id, p.parent_user_id, p.wa_id, p.username, p.name
		FROM person_aliases a JOIN people p ON p.key = a.person_key WHERE a.alias = ?`, id).
		Scan(&p.Key, &p.UserID, &p.ParentUserID, &p.WaID, &p.Username, &p.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, false, nil
	}
	if err != nil {
		return Person{}, false, fmt.Errorf("store: person: %w", err)
	}
	return p, true, nil
}
