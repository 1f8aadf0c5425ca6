package campaigns

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"groupdeck/ingest"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

type fakeCreator struct {
	n   int
	got []whatsapp.CreateGroupRequest
	err error
}

func (f *fakeCreator) CreateGroup(_ context.Context, r whatsapp.CreateGroupRequest) (string, error) {
	f.got = append(f.got, r)
	f.n++
	return fmt.Sprintf("req-%d", f.n), f.err
}

func TestKeeperCreatesAhead(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	wa := &fakeCreator{}
	k := NewKeeper(st, wa, &ingest.Ingester{Store: st}, slog.New(slog.DiscardHandler), nil)
	p := &store.Pool{Name: "Spring", SubjectPattern: "Cohort {n}", Description: "Welcome", JoinApprovalMode: "approval_required", MinFree: 3}
	if err := st.CreatePool(ctx, p); err != nil {
		t.Fatal(err)
	}
	// An empty pool gets its first group; while it is being created it
	// counts as 8 free places, so no second one follows.
	if made := k.Check(ctx); len(made) != 1 {
		t.Fatalf("first check made %v", made)
	}
	if made := k.Check(ctx); len(made) != 0 {
		t.Fatalf("second check made %v", made)
	}
	if len(wa.got) != 1 || wa.got[0].Subject != "Cohort 1" || wa.got[0].JoinApprovalMode != "approval_required" || wa.got[0].Description != "Welcome" {
		t.Fatalf("created %+v", wa.got)
	}
	pgs, _ := st.PoolGroups(ctx, p.ID)
	if pgs[0].Group.RequestID != "req-1" || pgs[0].Group.Status != store.GroupCreating {
		t.Fatalf("pool group %+v", pgs[0].Group)
	}
	// The create webhook lands; six people join: 2 free < 3 → Cohort 2.
	_, err := st.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.GroupCreated(store.GroupCreatedEvent{GroupID: pgs[0].Group.ID, WaGroupID: "wa-1", InviteLink: "https://chat.whatsapp.com/A", At: time.Now().UnixMilli()}); err != nil {
			return err
		}
		for i := range 6 {
			if err := tx.ParticipantJoined(pgs[0].Group.ID, store.Member{WaID: fmt.Sprint(100 + i)}, "invite_link", time.Now().UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if made := k.Check(ctx); len(made) != 1 || wa.got[1].Subject != "Cohort 2" {
		t.Fatalf("low pool: made %v, requests %+v", made, wa.got)
	}
}

func TestKeeperBacksOffAfterFailure(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	wa := &fakeCreator{err: &whatsapp.APIError{HTTPStatus: 400, Code: 131211}}
	k := NewKeeper(st, wa, &ingest.Ingester{Store: st}, slog.New(slog.DiscardHandler), nil)
	if err := st.CreatePool(ctx, &store.Pool{Name: "P", SubjectPattern: "G {n}", MinFree: 3}); err != nil {
		t.Fatal(err)
	}
	k.Check(ctx)
	k.Check(ctx)
	if len(wa.got) != 1 {
		t.Fatalf("retried at once after a failure: %d calls", len(wa.got))
	}
	gs, _, _ := st.Groups(ctx, store.GroupFilter{})
	if len(gs) != 1 || gs[0].Status != store.GroupFailed || gs[0].Failure == "" {
		t.Fatalf("failed group %+v", gs[0])
	}
}
