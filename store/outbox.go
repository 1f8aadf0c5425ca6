package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The outbox state machine of an outgoing message:
//
//	queued ──claim──▶ sending ──answer──▶ sent | failed | queued (transient, later)
//	                     │
//	                     └─ no answer (crash, lost response) ─▶ sending + in_doubt
//	                           ├─ a status webhook for an unknown id in this group ─▶ sent
//	                           └─ none within the grace period ─▶ failed + in_doubt
//
// The claim is committed before the Cloud API call, so a message is never
// in "queued" while a send of it may be under way, and nothing resends an
// in-doubt message on its own: the Cloud API has no idempotency key.

// Reasons shown for messages whose send may or may not have happened.
const (
	ReasonInterrupted = "The server stopped while sending; waiting for WhatsApp to confirm whether it arrived."
	ReasonNoAnswer    = "WhatsApp's answer was lost; waiting for WhatsApp to confirm whether it arrived."
	ReasonUnconfirmed = "WhatsApp never confirmed this message, so it was probably not sent. Check the group, then retry."
)

// ClaimMessage takes the oldest queued message that is due and marks it
// sending, committed before any send. It returns ErrNotFound when nothing
// is due.
//
// The outbox sends several messages at once, but one group's in order and
// one at a time: a message is skipped while its group has an earlier one
// still queued (waiting out a back-off) or one being sent. An unconfirmed
// send (in doubt) does not hold its group: it may never be confirmed.
// "state IN (...)" lets the partial indexes on queued and sending messages
// serve the scan and the per-group check (0025_outbox_groups.sql).
func (s *Store) ClaimMessage(ctx context.Context) (*Message, error) {
	var m *Message
	err := s.write(ctx, func(t *Tx) error {
		var err error
		m, err = scanMessage(t.queryRow(`UPDATE messages SET state = 'sending',
				attempts = attempts + 1, claimed_at = ?1
			WHERE id = (`+claimNext+`)
			RETURNING `+claimCols, t.now), false)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: claim message: %w", err)
	}
	return m, nil
}

// claimNext selects the message ClaimMessage takes at ?1 (Unix ms).
const claimNext = `SELECT m.id FROM messages m
	WHERE m.state IN ('queued', 'sending') AND m.state = 'queued' AND m.next_attempt_at <= ?1
		AND NOT EXISTS (` + groupBusy + `)
	ORDER BY m.id LIMIT 1`

// nextDue is NextAttempt's query.
const nextDue = `SELECT min(m.next_attempt_at) FROM messages m
	WHERE m.state IN ('queued', 'sending') AND m.state = 'queued' AND NOT EXISTS (` + groupBusy + `)`

// groupBusy selects what holds queued message m back: an earlier queued
// message of its group, or one of its group being sent.
const groupBusy = `SELECT 1 FROM messages b WHERE b.group_id = m.group_id AND b.state IN ('queued', 'sending')
	AND (b.state = 'queued' AND b.id < m.id OR b.state = 'sending' AND b.in_doubt = 0)`

// UnclaimMessage puts a claimed message back, unsent, as if never
// claimed: the worker stopped before its send started.
func (s *Store) UnclaimMessage(ctx context.Context, id int64) error {
	_, err := s.exec(ctx, `UPDATE messages SET state = 'queued', attempts = attempts - 1
		WHERE id = ? AND state = 'sending' AND in_doubt = 0`, id)
	if err != nil {
		return fmt.Errorf("store: unclaim message: %w", err)
	}
	return nil
}

var claimCols = strings.ReplaceAll(messageCols, "m.", "")

// NextAttempt returns when the earliest queued message that ClaimMessage
// could take becomes due (Unix ms); ok is false when there is none.
// Messages held back by a send in flight are left out: the end of that
// send wakes the worker.
func (s *Store) NextAttempt(ctx context.Context) (at int64, ok bool, err error) {
	var v sql.NullInt64
	err = s.w.QueryRowContext(ctx, nextDue).Scan(&v)
	if err != nil {
		return 0, false, fmt.Errorf("store: next attempt: %w", err)
	}
	return v.Int64, v.Valid, nil
}

// MessageSent records the id WhatsApp accepted a message under. A
// group-level "failed" status that overtook the answer still wins. It
// returns other groups whose in-doubt messages this settled.
func (s *Store) MessageSent(ctx context.Context, id int64, wamid string) ([]int64, error) {
	var groups []int64
	err := s.write(ctx, func(t *Tx) error {
		if err := t.adopt(id, wamid, t.now); err != nil {
			return err
		}
		var err error
		groups, err = t.matchDoubtful()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: message sent: %w", err)
	}
	return groups, nil
}

// adopt gives message id its wamid and settles its state from what is
// already known about that wamid.
func (t *Tx) adopt(id int64, wamid string, at int64) error {
	var failure string
	err := t.queryRow(`SELECT failed FROM receipts WHERE wamid = ? AND participant = ''`, wamid).Scan(&failure)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	state := MsgSent
	if failure != "" {
		state = MsgFailed
	}
	var groupID int64
	var kind, payload string
	t.msg = msgLookup{} // wamid now names a message
	err = t.queryRow(`UPDATE messages SET state = ?, wamid = ?, error = ?, in_doubt = 0,
			sent_at = CASE WHEN sent_at = 0 THEN ? ELSE sent_at END
		WHERE id = ? RETURNING group_id, kind, payload`, state, wamid, failure, at, id).Scan(&groupID, &kind, &payload)
	if err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM unmatched_sends WHERE wamid = ?`, wamid); err != nil {
		return err
	}
	if state == MsgSent {
		return t.applyPin(groupID, kind, payload, at)
	}
	return nil
}

// MessageFailed records why a message could not be sent.
func (s *Store) MessageFailed(ctx context.Context, id int64, reason string) error {
	_, err := s.exec(ctx, `UPDATE messages SET state = 'failed', error = ?, in_doubt = 0 WHERE id = ?`, reason, id)
	if err != nil {
		return fmt.Errorf("store: message failed: %w", err)
	}
	return nil
}

// RequeueMessage puts a message back in the queue after a transient
// error; it becomes due again at the Unix-ms time at.
func (s *Store) RequeueMessage(ctx context.Context, id int64, reason string, at int64) error {
	_, err := s.exec(ctx, `UPDATE messages SET state = 'queued', error = ?, next_attempt_at = ?
		WHERE id = ?`, reason, at, id)
	if err != nil {
		return fmt.Errorf("store: requeue message: %w", err)
	}
	return nil
}

// MessageInDoubt records that a send may have reached WhatsApp without
// its answer reaching us; the message stays "sending" until a status
// webhook settles it or the grace period ends.
func (s *Store) MessageInDoubt(ctx context.Context, id int64, reason string) ([]int64, error) {
	var groupID int64
	err := s.write(ctx, func(t *Tx) error {
		return t.queryRow(`UPDATE messages SET in_doubt = 1, error = ? WHERE id = ? AND state = 'sending'
			RETURNING group_id`, reason, id).Scan(&groupID)
	})
	if err != nil {
		return nil, fmt.Errorf("store: message in doubt: %w", err)
	}
	return s.matchDoubtful(ctx)
}

// RecoverInFlight runs at start: messages left "sending" by a crash become
// in doubt (never resent blindly), and any "sent" status that already
// arrived for them is matched. It returns the groups that changed.
func (s *Store) RecoverInFlight(ctx context.Context) ([]int64, error) {
	groups, err := s.writeIDs(ctx, `UPDATE messages SET in_doubt = 1, error = ?
		WHERE state = 'sending' AND in_doubt = 0 RETURNING group_id`, ReasonInterrupted)
	if err != nil {
		return nil, fmt.Errorf("store: recover in-flight: %w", err)
	}
	matched, err := s.matchDoubtful(ctx)
	return append(groups, matched...), err
}

// matchDoubtful pairs in-doubt messages with "sent" statuses that arrived
// for unknown message ids in the same group around the time the message
// was claimed.
func (s *Store) matchDoubtful(ctx context.Context) ([]int64, error) {
	var groups []int64
	err := s.write(ctx, func(t *Tx) error {
		var err error
		groups, err = t.matchDoubtful()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: match in-doubt sends: %w", err)
	}
	return groups, nil
}

// matchDoubtfulTx does the pairing. While another message of the same
// group is being sent normally, a status for an unknown id may be that
// message's own (statuses can overtake the send answer), so the group
// waits until that send has been recorded.
//
// A status carrying biz_opaque_callback_data names its send exactly
// (CallbackData) and is matched by it alone; the time-and-group guess is
// only for statuses without one (sends made before groupdeck tagged them).
func (t *Tx) matchDoubtful() ([]int64, error) {
	exact, err := t.matchPairs(`SELECT m.id, m.group_id, u.wamid, u.at FROM messages m
		JOIN unmatched_sends u ON u.callback = ?1 || m.id
		WHERE m.in_doubt = 1 AND m.wamid IS NULL ORDER BY m.id`, callbackPrefix)
	if err != nil {
		return nil, err
	}
	guessed, err := t.matchPairs(`SELECT m.id, m.group_id, u.wamid, u.at FROM messages m
		JOIN groups g ON g.id = m.group_id
		JOIN unmatched_sends u ON u.wa_group_id = g.wa_group_id AND u.callback = ''
			AND u.at BETWEEN m.claimed_at - ?1 AND m.claimed_at + ?2
		WHERE m.in_doubt = 1 AND m.wamid IS NULL
			AND NOT EXISTS (SELECT 1 FROM messages b WHERE b.group_id = m.group_id AND b.state = 'sending' AND b.in_doubt = 0)
		ORDER BY m.claimed_at, u.at`, clockSkew, matchWindow)
	return append(exact, guessed...), err
}

// callbackPrefix + a message id is the biz_opaque_callback_data of its sends.
const callbackPrefix = "groupdeck:message:"

// CallbackData is what the outbox sends as biz_opaque_callback_data for
// message id, so statuses name their message.
func CallbackData(id int64) string { return callbackPrefix + strconv.FormatInt(id, 10) }

// matchPairs adopts the (message, status) pairs q selects, each message
// and each status once.
func (t *Tx) matchPairs(q string, args ...any) ([]int64, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	type pair struct {
		id, group int64
		wamid     string
		at        int64
	}
	var pairs []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.id, &p.group, &p.wamid, &p.at); err != nil {
			rows.Close()
			return nil, err
		}
		pairs = append(pairs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var groups []int64
	used := map[string]bool{}
	done := map[int64]bool{}
	for _, p := range pairs {
		if used[p.wamid] || done[p.id] {
			continue
		}
		used[p.wamid], done[p.id] = true, true
		if err := t.adopt(p.id, p.wamid, p.at); err != nil {
			return nil, err
		}
		groups = append(groups, p.group)
	}
	return groups, nil
}

// matchWindow bounds how long after the claim WhatsApp's "sent" status
// for that send can be stamped: the call happens right after the claim.
const matchWindow = 10 * 60 * 1000

// clockSkew allows for WhatsApp's clock (status timestamps, whole
// seconds) running behind ours.
const clockSkew = 2 * 60 * 1000

// ExpireDoubt fails in-doubt messages claimed before the Unix-ms time
// before: WhatsApp never confirmed them, so they were most likely not
// sent. They stay marked in doubt so a late confirmation still counts.
func (s *Store) ExpireDoubt(ctx context.Context, before int64) ([]int64, error) {
	ids, err := s.writeIDs(ctx, `UPDATE messages SET state = 'failed', error = ?
		WHERE in_doubt = 1 AND state = 'sending' AND claimed_at < ? RETURNING group_id`, ReasonUnconfirmed, before)
	if err != nil {
		return nil, fmt.Errorf("store: expire in-doubt: %w", err)
	}
	return ids, nil
}

// RetryMessage runs (*Tx).RetryMessage in a transaction of its own.
func (s *Store) RetryMessage(ctx context.Context, groupID, id int64) error {
	return s.write(ctx, func(t *Tx) error { return t.RetryMessage(groupID, id) })
}

// RetryMessage queues a failed outgoing message again, as asked by staff.
func (t *Tx) RetryMessage(groupID, id int64) error {
	res, err := t.exec(`UPDATE messages SET state = 'queued', error = '', attempts = 0,
			next_attempt_at = 0, in_doubt = 0
		WHERE id = ? AND group_id = ? AND direction = 'out' AND state = 'failed'`, id, groupID)
	if err != nil {
		return fmt.Errorf("store: retry message: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// writeIDs runs one statement returning ids in its own write transaction.
func (s *Store) writeIDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	var ids []int64
	err := s.write(ctx, func(t *Tx) error {
		rows, err := t.query(q, args...)
		if err != nil {
			return err
		}
		ids, err = collectIDs(rows)
		return err
	})
	return ids, err
}

func collectIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// MatchSend is told about every group status. A status for a message id
// no outgoing message has yet is kept, and paired with a message whose
// send answer was lost (see outbox.go); statuses of known ids are ignored.
func (t *Tx) MatchSend(wamid, waGroupID string, at int64) error {
	return t.MatchSendTagged(wamid, waGroupID, "", at)
}

// MatchSendTagged is MatchSend for a status that carried
// biz_opaque_callback_data.
func (t *Tx) MatchSendTagged(wamid, waGroupID, callback string, at int64) error {
	if wamid == "" || waGroupID == "" {
		return nil
	}
	if last := t.msg; last.wamid == wamid {
		t.msg = msgLookup{} // good for the one status that set it
		if last.found {
			return nil
		}
	} else {
		var n int
		if err := t.queryRow(`SELECT count(*) FROM messages WHERE wamid = ?`, wamid).Scan(&n); err != nil {
			return fmt.Errorf("store: match send: %w", err)
		}
		if n > 0 {
			return nil
		}
	}
	if _, err := t.exec(`INSERT INTO unmatched_sends (wamid, wa_group_id, at, callback) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, wamid, waGroupID, at, callback); err != nil {
		return fmt.Errorf("store: match send: %w", err)
	}
	groups, err := t.matchDoubtful()
	if err != nil {
		return fmt.Errorf("store: match send: %w", err)
	}
	for _, g := range groups {
		t.touchPart(g, PartMessages)
	}
	return nil
}
