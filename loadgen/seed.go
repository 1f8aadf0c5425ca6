package loadgen

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"groupdeck/store"
)

// Seed describes a database to fill before the server starts.
type Seed struct {
	Groups       int // active groups, WhatsApp ids WAGroupID(1..Groups)
	Participants int // members of group 1
	Messages     int // history of group 1, alternating in and out
	// Busy groups 2..Busy+1 get Members participants and Sent messages
	// sent by the business each (World), for statuses to refer to.
	Busy, Members, Sent int
}

// Seed is the database the world needs, with group 1's page history.
func (w World) Seed(participants, messages int) Seed {
	return Seed{Groups: w.Groups, Participants: participants, Messages: messages, Busy: w.Active, Members: w.Members, Sent: w.Sent}
}

var subjects = []string{"Spring cohort", "VIP pod", "Deal room", "Alumni circle", "Beta testers", "Launch crew"}

// Fill migrates the database at path and writes the seed in one
// transaction: it is set-up, not what is measured.
func Fill(ctx context.Context, path string, s Seed) error {
	st, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		return fmt.Errorf("loadgen: seed: %w", err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("loadgen: seed: %w", err)
	}
	defer tx.Rollback()
	now := time.Now().UnixMilli()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO groups (id, wa_group_id, request_id, subject, description, status,
		invite_link, created_at, updated_at, last_activity_at, confirmed_at) VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("loadgen: seed: %w", err)
	}
	for i := 1; i <= s.Groups; i++ {
		at := now - int64(s.Groups-i)*1000
		subject := subjects[i%len(subjects)] + " " + strconv.Itoa(i)
		if _, err := ins.ExecContext(ctx, i, WAGroupID(i), "lg-req-"+strconv.Itoa(i), subject,
			"Seeded by loadgen.", "https://chat.whatsapp.com/lg"+strconv.Itoa(i), at, at, at, at); err != nil {
			return fmt.Errorf("loadgen: seed group %d: %w", i, err)
		}
	}
	for p := 0; p < s.Participants; p++ {
		wa := strconv.Itoa(15550100000 + p)
		if _, err := tx.ExecContext(ctx, `INSERT INTO participants (group_id, member_key, wa_id, name, state, joined_via,
			joined_at, event_at) VALUES (1, ?, ?, ?, 'member', 'invite_link', ?, ?)`, wa, wa, "Person "+strconv.Itoa(p), now, now); err != nil {
			return fmt.Errorf("loadgen: seed participant: %w", err)
		}
	}
	if s.Participants > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE groups SET participant_count = ? WHERE id = 1`, s.Participants); err != nil {
			return fmt.Errorf("loadgen: seed: %w", err)
		}
	}
	msg, err := tx.PrepareContext(ctx, `INSERT INTO messages (group_id, direction, wamid, kind, body, sender_key,
		sender_name, state, created_at, sent_at) VALUES (1, ?, ?, 'text', ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("loadgen: seed: %w", err)
	}
	rec, err := tx.PrepareContext(ctx, `INSERT INTO receipts (wamid, participant, delivered_at, read_at) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("loadgen: seed: %w", err)
	}
	for m := 0; m < s.Messages; m++ {
		at := now - int64(s.Messages-m)*60000
		wamid := "wamid.seed." + strconv.Itoa(m)
		dir, state, sender := "in", "received", strconv.Itoa(15550100000+m%max(s.Participants, 1))
		if m%2 == 1 {
			dir, state, sender = "out", "sent", ""
		}
		body := "Seeded message " + strconv.Itoa(m) + ": see you at the meetup on Thursday."
		if _, err := msg.ExecContext(ctx, dir, wamid, body, sender, "", state, at, at); err != nil {
			return fmt.Errorf("loadgen: seed message: %w", err)
		}
		if dir == "out" {
			for p := 0; p < s.Participants; p++ {
				if _, err := rec.ExecContext(ctx, wamid, strconv.Itoa(15550100000+p), at+1000, at+5000); err != nil {
					return fmt.Errorf("loadgen: seed receipt: %w", err)
				}
			}
		}
	}
	if err := fillBusy(ctx, tx, s, now); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("loadgen: seed: %w", err)
	}
	return nil
}

// fillBusy gives the busy groups their members and the messages the
// business sent them (state sent, no receipts yet).
func fillBusy(ctx context.Context, tx *sql.Tx, s Seed, now int64) error {
	if s.Busy == 0 {
		return nil
	}
	mem, err := tx.PrepareContext(ctx, `INSERT INTO participants (group_id, member_key, wa_id, name, state, joined_via,
		joined_at, event_at) VALUES (?, ?, ?, ?, 'member', 'invite_link', ?, ?)`)
	if err != nil {
		return fmt.Errorf("loadgen: seed: %w", err)
	}
	out, err := tx.PrepareContext(ctx, `INSERT INTO messages (group_id, direction, wamid, kind, body, sender_key,
		sender_name, state, created_at, sent_at) VALUES (?, 'out', ?, 'text', ?, '', '', 'sent', ?, ?)`)
	if err != nil {
		return fmt.Errorf("loadgen: seed: %w", err)
	}
	for n := 0; n < s.Busy; n++ {
		g := 2 + n
		for p := 0; p < s.Members; p++ {
			wa := MemberWaID(g, p)
			if _, err := mem.ExecContext(ctx, g, wa, wa, "Member "+strconv.Itoa(p), now, now); err != nil {
				return fmt.Errorf("loadgen: seed member: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE groups SET participant_count = ? WHERE id = ?`, s.Members, g); err != nil {
			return fmt.Errorf("loadgen: seed: %w", err)
		}
		for k := 0; k < s.Sent; k++ {
			at := now - int64(s.Sent-k)*60000
			if _, err := out.ExecContext(ctx, g, SentID(g, k), "News for the group, part "+strconv.Itoa(k), at, at); err != nil {
				return fmt.Errorf("loadgen: seed sent message: %w", err)
			}
		}
	}
	return nil
}
